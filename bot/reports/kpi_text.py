"""``/kpi`` as text: the KPI table for a period and sectors, and ``/kpi ayuda``.

The table is transposed (a row per measure, named in words as ``/kpi ayuda`` defines it; a
column per agency, three to a block) so it reads on a phone. Every measure is
``bot.reports.kpis``'; "update before the meeting" is measured at ``kpis.meeting_before``, as
``/reporte`` measures it.
"""

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
    "blocked",
    "median_days_overdue",
    "median_days_to_close",
    "compliance",
    "shootings",
    "homicides",
    "nonfatal",
    "no_data",
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
    updates: pd.DataFrame  # kpis.update_window(meeting)
    incidents: pd.DataFrame
    meeting: datetime  # kpis.meeting_before: the group's last meeting, else ``end``


def load(
    session: Session,
    sectors: list[str],
    *,
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
    chat_id: int | None = None,
) -> KpiData:
    """What the table needs, in one transaction; ``chat_id``: the group whose meetings the
    update compliance is measured at (as in ``/reporte``)."""
    items = report_data.items_frame(session, sectors, alive=(start, end))
    schedules = report_data.group_meeting_schedules(session, chat_id) if chat_id else []
    meeting = kpis.meeting_before(schedules, end, zone)
    since, until = kpis.update_window(meeting)
    updates = report_data.updates_frame(session, since=since, until=until)
    incidents = report_data.incidents_frame(session, sectors)
    return KpiData(sectors, start, end, items, updates, incidents, meeting)


def compliance_of(data: KpiData) -> pd.Series:
    """ "Avance antes de la reunión" per agency (``kpis.compliance`` at ``data.meeting``)."""
    return kpis.compliance(data.items, data.updates, meeting=data.meeting)


def signed_percent(value: float) -> str:
    """+12% / -30% / — (no base to compare with)."""
    return "—" if pd.isna(value) else f"{value:+.0%}"


def _cell(value: float, percent: bool = False) -> str:
    if pd.isna(value):
        return "—"
    return f"{value:.0%}" if percent else f"{value:.1f}" if value % 1 else f"{int(value)}"


# The table's rows: (KPI term, the ``kpis.delivery`` column, shown as a percentage).
ROWS = (
    ("created", "created", False),
    ("closed", "closed", False),
    ("on_time", "on_time", False),
    ("on_time_rate", "on_time_rate", True),
    ("open", "open", False),
    ("overdue", "overdue", False),
    ("blocked", "blocked", False),
    ("median_days_overdue", "median_days_overdue", False),
    ("median_days_to_close", "median_days_to_close", False),
)
PER_BLOCK = 3  # agency columns per block: about 34 characters, a phone's width


def _grids(catalog: Catalog, table: pd.DataFrame) -> list[str]:
    """The delivery table transposed, as aligned plain text blocks (each in a <pre>)."""
    names = [str(catalog.t(f"kpi.term_{term}")) for term, _, _ in ROWS]
    width = max(len(n) for n in names)
    agencies = list(table.index)
    blocks = []
    for first in range(0, len(agencies), PER_BLOCK):
        chunk = agencies[first : first + PER_BLOCK]
        heads = [str(catalog.t("kpi.all")) if a == "all" else str(a)[:7] for a in chunk]
        cells = [
            [_cell(table.loc[a, column], percent) for a in chunk] for _, column, percent in ROWS
        ]
        widths = [max(len(h), *(len(r[i]) for r in cells), 4) for i, h in enumerate(heads)]
        lines = [" " * width + "".join(f" {h:>{w}}" for h, w in zip(heads, widths, strict=True))]
        lines += [
            f"{name:<{width}}" + "".join(f" {c:>{w}}" for c, w in zip(row, widths, strict=True))
            for name, row in zip(names, cells, strict=True)
        ]
        blocks.append("\n".join(lines))
    return blocks


def _outcomes(catalog: Catalog, data: KpiData, deadlines: dict[str, float]) -> list[Safe]:
    """The lines under the table: shootings of the period, their trend and timeliness."""
    incidents, start, end = data.incidents, data.start, data.end
    trend = kpis.trend(incidents, end, catalog.zone)
    timely = kpis.timeliness(incidents, data.items, start=start, end=end, deadlines=deadlines)
    period = incidents[
        incidents["occurred_at"].between(pd.Timestamp(start), pd.Timestamp(end), inclusive="left")
    ]
    counted = kpis.outcomes(period) if len(period) else period.assign(homicides=0, nonfatal=0)
    return [
        catalog.t(
            "kpi.shootings",
            incidents=len(counted),
            homicides=int(counted["homicides"].sum()),
            nonfatal=int(counted["nonfatal"].sum()),
            group=_cell(
                counted["group_code"].notna().mean() if len(counted) else float("nan"), True
            ),
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
    blocked = kpis.item_states(data.items, at=data.end, since=data.start)["blocked"]
    table["blocked"] = blocked.reindex(table.index, fill_value=0)
    table.loc["all", "blocked"] = int(blocked.sum())
    shares = compliance_of(data)
    lines = [
        catalog.t(
            "kpi.header",
            sectors=", ".join(data.sectors) or "—",
            start=catalog.date(data.start),
            end=catalog.date(data.end - timedelta(seconds=1)),
        ),
        *(Safe(f"<pre>{escape(block)}</pre>") for block in _grids(catalog, table)),
        catalog.t(
            "kpi.compliance",
            shares=" · ".join(f"{agency} {share:.0%}" for agency, share in shares.items()) or "—",
        ),
        *_outcomes(catalog, data, deadlines),
        catalog.t("kpi.footer_words"),
    ]
    return Safe("\n".join(lines))


async def kpi_table(
    runtime: Runtime,
    catalog: Catalog,
    sectors: list[str],
    *,
    start: datetime,
    end: datetime,
    chat_id: int | None = None,
) -> Safe:
    """The KPI table of ``sectors`` for ``[start, end)``, drawn in the renderer; ``chat_id``:
    the group asking, whose meeting the update compliance is measured at."""
    data = await runtime.db.run(
        load, sectors, start=start, end=end, zone=catalog.zone, chat_id=chat_id
    )
    deadlines = runtime.settings.deadlines.model_dump()
    text = await runtime.render(
        _render_for, catalog.language, str(catalog.zone), data, deadlines=deadlines
    )
    return Safe(text)


def _render_for(language: str, zone: str, data: KpiData, *, deadlines: dict[str, float]) -> str:
    """``_render`` with the catalog made here: what a renderer process runs."""
    return str(_render(Catalog(language, ZoneInfo(zone)), data, deadlines))
