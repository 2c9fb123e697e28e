"""``/kpi`` as text: the KPI table for a period and sectors, and ``/kpi ayuda``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlmodel import Session

from bot.reports import kpis
from bot.runtime.container import Runtime
from bot.views.i18n import Catalog, Safe, escape
from storage import report_data

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


def _load(
    session: Session, sectors: list[str], start: datetime, end: datetime
) -> tuple[pd.DataFrame, ...]:
    items = report_data.items_frame(session, sectors, alive=(start, end))
    updates = report_data.updates_frame(session, since=end - timedelta(days=7), until=end)
    return items, updates, report_data.incidents_frame(session, sectors)


def signed_percent(value: float) -> str:
    """+12% / -30% / — (no base to compare with)."""
    return "—" if pd.isna(value) else f"{value:+.0%}"


def _cell(value: float, percent: bool = False) -> str:
    if pd.isna(value):
        return "—"
    return f"{value:.0%}" if percent else f"{value:.1f}" if value % 1 else f"{int(value)}"


def _render(
    catalog: Catalog,
    sectors: list[str],
    start: datetime,
    end: datetime,
    items: pd.DataFrame,
    updates: pd.DataFrame,
    incidents: pd.DataFrame,
    deadlines: dict[str, float],
) -> Safe:
    table = kpis.delivery(items, start, end)
    shares = kpis.compliance(items, updates, end, timedelta(days=7))
    header = [
        "",
        *(
            str(catalog.t(f"kpi.col_{c}"))
            for c in (
                "created",
                "closed",
                "on_time",
                "rate",
                "open",
                "overdue",
                "days_overdue",
                "days_close",
            )
        ),
    ]
    rows = [header]
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
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    grid = "\n".join(
        " ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    )
    trend = kpis.trend(incidents, end, catalog.zone)
    timely = kpis.timeliness(incidents, items, start, end, deadlines)
    period = incidents[
        incidents["occurred_at"].between(pd.Timestamp(start), pd.Timestamp(end), inclusive="left")
    ]
    lines = [
        catalog.t(
            "kpi.header",
            sectors=", ".join(sectors) or "—",
            start=catalog.date(start),
            end=catalog.date(end - timedelta(seconds=1)),
        ),
        Safe(f"<pre>{escape(grid)}</pre>"),
        catalog.t(
            "kpi.compliance",
            shares=" · ".join(f"{agency} {share:.0%}" for agency, share in shares.items()) or "—",
        ),
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
        catalog.t("kpi.footer"),
    ]
    return Safe("\n".join(lines))


async def kpi_table(
    runtime: Runtime, catalog: Catalog, sectors: list[str], start: datetime, end: datetime
) -> Safe:
    items, updates, incidents = await runtime.db.run(_load, sectors, start, end)
    deadlines = runtime.settings.deadlines.model_dump()
    text = await runtime.render(
        _render_for,
        catalog.language,
        str(catalog.zone),
        sectors,
        start,
        end,
        items,
        updates,
        incidents,
        deadlines,
    )
    return Safe(text)


def _render_for(language: str, zone: str, *args: Any) -> str:
    """``_render`` with the catalog made here: what a renderer process runs."""
    return str(_render(Catalog(language, ZoneInfo(zone)), *args))
