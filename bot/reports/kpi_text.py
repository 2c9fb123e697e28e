"""``/kpi`` as text: the KPI table for a period and sectors, and ``/kpi ayuda``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from bot.reports import kpis
from bot.runtime.container import Runtime
from bot.views.i18n import Catalog, Safe, escape
from storage import report_data
from storage.engine import Session

KPI_TERMS = (
    "created",
    "closed",
    "on_time",
    "on_time_rate",
    "open",
    "overdue",
    "median_days_overdue",
    "median_days_to_close",
    "compliance",
    "shootings",
    "trend",
    "reviewed_7d",
    "hours_to_first_done",
    "high_risk_in_deadline",
)


def kpi_help(catalog: Catalog) -> Safe:
    """The definitions of ``bot.reports.kpis``, in the user's language."""
    lines = [catalog.t("kpi.help_header")]
    lines += [
        catalog.t("kpi.help_line", term=catalog.t(f"kpi.term_{t}"), text=catalog.t(f"kpi.def_{t}"))
        for t in KPI_TERMS
    ]
    return Safe("\n".join(lines))


@dataclass(frozen=True)
class KpiData:
    """What the KPI table is computed from (read in one transaction)."""

    sectors: list[str]
    start: datetime
    end: datetime
    items: pd.DataFrame
    updates: pd.DataFrame
    incidents: pd.DataFrame


def _load(session: Session, sectors: list[str], *, start: datetime, end: datetime) -> KpiData:
    items = report_data.items_frame(session, sectors, alive=(start, end))
    updates = report_data.updates_frame(session, since=end - timedelta(days=7), until=end)
    incidents = report_data.incidents_frame(session, sectors)
    return KpiData(sectors, start, end, items, updates, incidents)


def signed_percent(value: float) -> str:
    """+12% / -30% / — (no base to compare with)."""
    return "—" if pd.isna(value) else f"{value:+.0%}"


def _cell(value: float, percent: bool = False) -> str:
    if pd.isna(value):
        return "—"
    return f"{value:.0%}" if percent else f"{value:.1f}" if value % 1 else f"{int(value)}"


COLUMNS = (
    "created",
    "closed",
    "on_time",
    "rate",
    "open",
    "overdue",
    "days_overdue",
    "days_close",
)


def _grid(catalog: Catalog, table: pd.DataFrame) -> str:
    """The delivery table as aligned plain text (shown in a <pre> block)."""
    rows = [["", *(str(catalog.t(f"kpi.col_{c}")) for c in COLUMNS)]]
    for agency, row in table.iterrows():
        name = str(catalog.t("kpi.all")) if agency == "all" else str(agency)
        rows.append(
            [
                name[:8],
                _cell(row["created"]),
                _cell(row["closed"]),
                _cell(row["on_time"]),
                _cell(row["on_time_rate"], True),
                _cell(row["open"]),
                _cell(row["overdue"]),
                _cell(row["median_days_overdue"]),
                _cell(row["median_days_to_close"]),
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        " ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    )


def _outcomes(catalog: Catalog, data: KpiData, deadlines: dict[str, float]) -> list[Safe]:
    """The lines under the table: shootings of the period, their trend and timeliness."""
    incidents, start, end = data.incidents, data.start, data.end
    trend = kpis.trend(incidents, end, catalog.zone)
    timely = kpis.timeliness(incidents, data.items, start=start, end=end, deadlines=deadlines)
    period = incidents[
        incidents["occurred_at"].between(pd.Timestamp(start), pd.Timestamp(end), inclusive="left")
    ]
    return [
        catalog.t(
            "kpi.shootings",
            incidents=len(period),
            homicides=int((period["type"] == "homicide").sum()),
            nonfatal=int((period["type"] == "nonfatal").sum()),
            group=_cell(period["group_code"].notna().mean() if len(period) else float("nan"), True),
        ),
        catalog.t(
            "kpi.trend",
            last4=trend.last4,
            change=signed_percent(trend.vs_previous),
            year_change=signed_percent(trend.vs_year_ago),
        ),
        catalog.t(
            "kpi.timeliness",
            reviewed=_cell(timely["reviewed_7d_rate"], True),
            hours=_cell(timely["median_hours_to_first_done"]),
            high=_cell(timely["high_risk_in_deadline_rate"], True),
        ),
    ]


def _render(catalog: Catalog, data: KpiData, deadlines: dict[str, float]) -> Safe:
    table = kpis.delivery(data.items, data.start, data.end)
    shares = kpis.compliance(data.items, data.updates, meeting=data.end, window=timedelta(days=7))
    lines = [
        catalog.t(
            "kpi.header",
            sectors=", ".join(data.sectors) or "—",
            start=catalog.date(data.start),
            end=catalog.date(data.end - timedelta(seconds=1)),
        ),
        Safe(f"<pre>{escape(_grid(catalog, table))}</pre>"),
        catalog.t(
            "kpi.compliance",
            shares=" · ".join(f"{agency} {share:.0%}" for agency, share in shares.items()) or "—",
        ),
        *_outcomes(catalog, data, deadlines),
        catalog.t("kpi.footer"),
    ]
    return Safe("\n".join(lines))


async def kpi_table(
    runtime: Runtime, catalog: Catalog, sectors: list[str], *, start: datetime, end: datetime
) -> Safe:
    """The KPI table of ``sectors`` for ``[start, end)``, drawn in the renderer."""
    data = await runtime.db.run(_load, sectors, start=start, end=end)
    deadlines = runtime.settings.deadlines.model_dump()
    text = await runtime.render(
        _render_for, catalog.language, str(catalog.zone), data, deadlines=deadlines
    )
    return Safe(text)


def _render_for(language: str, zone: str, data: KpiData, *, deadlines: dict[str, float]) -> str:
    """``_render`` with the catalog made here: what a renderer process runs."""
    return str(_render(Catalog(language, ZoneInfo(zone)), data, deadlines))
