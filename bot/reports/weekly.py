"""The weekly report of a group: five charts and a text summary for the group's sectors.

Data is read in one database call; pandas and matplotlib then run in a worker thread
(``asyncio.to_thread``), never on the event loop and never on the database thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from bot.input.meeting_times import next_occurrence
from bot.reports import kpis
from bot.reports.kpi_text import signed_percent
from bot.runtime.container import Runtime
from bot.runtime.settings import Settings
from bot.views.i18n import Catalog, Safe
from storage import report_data
from storage.engine import Session
from storage.groups import get_group, group_sectors

AGEING_BUCKETS = ("0_3", "4_7", "8_14", "15_plus")
MAX_AGENCIES = 12  # more bars than this are unreadable on a phone
# The words the charts print (legends, axes), each ``chart.label_<key>`` in the catalog.
LABEL_KEYS = (
    "homicides",
    "nonfatal",
    "rolling",
    "comparison",
    "week",
    "open",
    "progress",
    "blocked",
    "overdue",
    "done",
    "last4",
    "previous4",
    *AGEING_BUCKETS,
)


def _top(counts: pd.DataFrame, other: str) -> pd.DataFrame:
    """The agencies with the largest totals, the rest summed into one ``other`` row."""
    if len(counts) <= MAX_AGENCIES:
        return counts
    order = counts.sum(axis=1).sort_values(ascending=False).index
    head = counts.loc[order[: MAX_AGENCIES - 1]]
    rest = counts.loc[order[MAX_AGENCIES - 1 :]].sum().rename(other)
    return pd.concat([head, rest.to_frame().T])


@dataclass(frozen=True)
class ReportData:
    sectors: list[str]
    comparison: list[str]
    incidents: pd.DataFrame  # the group's sectors and the comparison sectors
    items: pd.DataFrame  # the group's sectors
    updates: pd.DataFrame
    last_meeting: datetime | None


@dataclass(frozen=True)
class Report:
    charts: list[tuple[bytes, str]]  # PNG and caption
    summary: Safe


def load(session: Session, chat_id: int, *, settings: Settings, week_end: datetime) -> ReportData:
    """Everything one group's weekly report is drawn from, in one transaction."""
    group = get_group(session, chat_id)
    sectors = group_sectors(session, group.id) if group else []
    comparison = [s for s in settings.sectors.comparison if s not in sectors]
    incidents = report_data.incidents_frame(session, sectors + comparison)
    # The charts look back 8 weeks (on-time rates); older closed items cannot matter.
    items = report_data.items_frame(
        session, sectors, alive=(week_end - timedelta(weeks=8), week_end)
    )
    schedules = report_data.group_meeting_schedules(session, chat_id)
    # The most recent meeting before the report: the next one counted from a week earlier.
    last = next_occurrence(schedules, week_end - timedelta(days=7), settings.locale.zone)
    last_meeting = last[1] if last and last[1] <= week_end else None
    meeting = last_meeting or week_end
    updates = report_data.updates_frame(session, since=meeting - timedelta(days=7), until=meeting)
    return ReportData(sectors, comparison, incidents, items, updates, last_meeting)


def _statuses(items: pd.DataFrame, week_end: datetime, now: datetime) -> pd.DataFrame:
    items = items.drop_duplicates("id")
    open_now = items["status"].isin(kpis.OPEN)
    overdue = open_now & (items["due_at"] < pd.Timestamp(now))
    week = items["closed_at"].between(
        pd.Timestamp(week_end - timedelta(days=7)), pd.Timestamp(week_end), inclusive="left"
    )
    frame = pd.DataFrame(
        {
            "agency": items["agency"],
            "open": open_now & ~overdue & (items["status"] == "open"),
            "progress": open_now & ~overdue & (items["status"] == "progress"),
            "blocked": open_now & ~overdue & (items["status"] == "blocked"),
            "overdue": overdue,
            "done": (items["status"] == "done") & week,
        }
    )
    return frame.groupby("agency").sum().astype(int)


def _ageing(items: pd.DataFrame, now: datetime) -> pd.DataFrame:
    items = items.drop_duplicates("id")
    overdue = items[items["status"].isin(kpis.OPEN) & (items["due_at"] < pd.Timestamp(now))]
    days = (pd.Timestamp(now) - overdue["due_at"]) / kpis.DAY
    bucket = pd.cut(days, [0, 4, 8, 15, np.inf], right=False, labels=list(AGEING_BUCKETS))
    table = pd.crosstab(overdue["agency"], bucket)
    return table.reindex(columns=list(AGEING_BUCKETS), fill_value=0)


class _Titles:
    """The title, subtitle and source line around each chart of one report."""

    def __init__(
        self,
        catalog: Catalog,
        sectors: list[str],
        *,
        first: datetime,
        week_end: datetime,
        now: datetime,
    ) -> None:
        self.catalog, self.week_end = catalog, week_end
        self.sectors = ", ".join(sectors) or "—"
        self.source = str(catalog.t("chart.source", when=catalog.datetime(now)))
        self.last_day = catalog.date(week_end - timedelta(seconds=1))
        self.span = f"{self.sectors} · {catalog.date(first)} – {self.last_day}"

    def since(self, days: int) -> str:
        """The sectors and the ``days`` before the report's week ended."""
        start = self.catalog.date(self.week_end - timedelta(days=days))
        return f"{self.sectors} · {start} – {self.last_day}"

    def before_meeting(self, meeting: datetime) -> str:
        when = self.catalog.t("chart.before_meeting", when=self.catalog.moment(meeting))
        return f"{self.sectors} · {when}"

    def frame(self, key: str, subtitle: str | None = None) -> Any:
        from bot.reports import charts  # matplotlib: only where reports are drawn

        return charts.Frame(
            str(self.catalog.t(f"chart.{key}")),
            subtitle or self.span,
            self.source,
            str(self.catalog.t("chart.empty")),
        )


def _shootings(
    data: ReportData, settings: Settings, week_end: datetime
) -> tuple[pd.DataFrame, pd.Series | None]:
    """Weekly homicides and non-fatal shootings of the group's sectors, and the mean per
    comparison sector."""
    zone = settings.locale.zone
    weeks = kpis.weeks_ending(week_end, settings.reports.weeks, zone)
    own = data.incidents[data.incidents["sector"].isin(data.sectors)]
    weekly = kpis.weekly_shootings(own, zone, weeks=weeks, sectors=data.sectors or ["—"])
    weekly = weekly.groupby(level="week")[["homicides", "nonfatal"]].sum()
    if not data.comparison:
        return weekly, None
    others = data.incidents[data.incidents["sector"].isin(data.comparison)]
    table = kpis.weekly_shootings(others, zone, weeks=weeks, sectors=data.comparison)
    return weekly, table["incidents"].groupby(level="week").mean()


def _on_time_rates(last4: pd.DataFrame, previous4: pd.DataFrame) -> pd.DataFrame:
    """On-time rates of the last 4 weeks and the 4 before, for the agencies that closed most."""
    rates = pd.DataFrame({"last4": last4["on_time_rate"], "previous4": previous4["on_time_rate"]})
    rates = rates.drop(index="all", errors="ignore").dropna(how="all")
    closed = (last4["closed"] + previous4["closed"]).drop(index="all", errors="ignore")
    busiest = closed.sort_values(ascending=False).index[:MAX_AGENCIES]
    return rates.loc[rates.index.isin(busiest)]


def build(
    data: ReportData, settings: Settings, catalog: Catalog, *, week_end: datetime, now: datetime
) -> Report:
    """Compute and draw (CPU-bound: runs in the renderer)."""
    from bot.reports import charts  # matplotlib: only where reports are drawn

    titles = _Titles(
        catalog,
        data.sectors,
        first=week_end - timedelta(weeks=settings.reports.weeks),
        week_end=week_end,
        now=now,
    )
    labels = {key: str(catalog.t(f"chart.label_{key}")) for key in LABEL_KEYS}
    other = str(catalog.t("chart.other_agencies"))
    weekly, comparison = _shootings(data, settings, week_end)
    last4 = kpis.delivery(data.items, week_end - timedelta(weeks=4), week_end)
    previous4 = kpis.delivery(
        data.items, week_end - timedelta(weeks=8), week_end - timedelta(weeks=4)
    )
    meeting = data.last_meeting or week_end
    shares = kpis.compliance(data.items, data.updates, meeting=meeting, window=timedelta(days=7))
    pngs = {
        "shootings": charts.shootings(
            titles.frame("shootings"),
            weekly,
            labels,
            sectors=len(data.sectors),
            comparison=comparison,
        ),
        "statuses": charts.statuses(
            titles.frame("statuses", titles.since(7)),
            _top(_statuses(data.items, week_end, now), other),
            labels,
        ),
        "on_time": charts.on_time(
            titles.frame("on_time", titles.since(56)), _on_time_rates(last4, previous4), labels
        ),
        "ageing": charts.ageing(
            titles.frame("ageing", titles.since(7)), _top(_ageing(data.items, now), other), labels
        ),
        # The agencies that reported least come first: they are the meeting's question.
        "compliance": charts.compliance(
            titles.frame("compliance", titles.before_meeting(meeting)),
            shares.sort_values().iloc[:MAX_AGENCIES],
        ),
    }
    captions = [(png, str(catalog.t(f"chart.{key}"))) for key, png in pngs.items()]
    return Report(captions, summary(data, catalog, week_end=week_end, now=now, shares=shares))


def summary(
    data: ReportData, catalog: Catalog, *, week_end: datetime, now: datetime, shares: pd.Series
) -> Safe:
    """The group's text summary: counts only (item-level detail goes to coordinators)."""
    zone = catalog.zone
    own = data.incidents[data.incidents["sector"].isin(data.sectors)]
    trend = kpis.trend(own, week_end, zone)
    lines = [
        catalog.t(
            "report.header",
            sectors=", ".join(data.sectors) or "—",
            start=catalog.date(week_end - timedelta(days=7)),
            end=catalog.date(week_end - timedelta(seconds=1)),
        ),
        catalog.t(
            "report.trend",
            last4=trend.last4,
            previous4=trend.previous4,
            change=signed_percent(trend.vs_previous),
            year=trend.year_ago4,
            year_change=signed_percent(trend.vs_year_ago),
        ),
    ]
    lines += _agency_lines(catalog, _statuses(data.items, week_end, now), shares)
    return Safe("\n".join(lines))


def _agency_lines(catalog: Catalog, statuses: pd.DataFrame, shares: pd.Series) -> list[Safe]:
    """Most pending first; past MAX_AGENCIES one line sums the rest (a city-wide group has
    60 agencies: one line each would pass Telegram's 4,096-character limit)."""
    statuses = statuses.sort_values(["overdue", "blocked", "done"], ascending=False, kind="stable")
    lines = []
    for agency, row in statuses.iloc[:MAX_AGENCIES].iterrows():
        share = shares.get(agency, np.nan)
        lines.append(
            catalog.t(
                "report.agency",
                code=agency,
                overdue=int(row["overdue"]),
                blocked=int(row["blocked"]),
                done=int(row["done"]),
                no_update="—" if pd.isna(share) else f"{1 - share:.0%}",
            )
        )
    rest = statuses.iloc[MAX_AGENCIES:]
    if not rest.empty:
        lines.append(
            catalog.t(
                "report.more_agencies",
                count=len(rest),
                overdue=int(rest["overdue"].sum()),
                blocked=int(rest["blocked"].sum()),
                done=int(rest["done"].sum()),
            )
        )
    if statuses.empty:
        lines.append(catalog.t("digest.empty"))
    return lines


def build_for(
    data: ReportData, settings: Settings, *, language: str, week_end: datetime, now: datetime
) -> Report:
    """``build`` with the catalog made here: what a renderer process runs."""
    catalog = Catalog(language, settings.locale.zone)
    return build(data, settings, catalog, week_end=week_end, now=now)


async def weekly_report(
    runtime: Runtime,
    chat_id: int,
    week_end: datetime,
    *,
    catalog: Catalog | None = None,
    now: datetime | None = None,
) -> Report:
    """Load in the database thread, then compute and draw in the renderer (a separate
    process by default, so pandas and matplotlib never hold the event loop's GIL).
    ``now`` (default: the clock) is the moment whose state the report shows."""
    data = await runtime.db.run(load, chat_id, settings=runtime.settings, week_end=week_end)
    return await runtime.render(
        build_for,
        data,
        runtime.settings,
        language=(catalog or runtime.catalog).language,
        week_end=week_end,
        now=now or runtime.now(),
    )


def week_end_of(moment: datetime, settings: Settings) -> datetime:
    """Monday 00:00 local of ``moment``'s week: the end of the week just finished."""
    start = kpis.weeks_ending(moment, 1, settings.locale.zone)[0] + pd.Timedelta(weeks=1)
    return start.tz_localize(settings.locale.zone).to_pydatetime()
