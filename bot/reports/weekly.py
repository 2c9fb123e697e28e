"""The weekly report: five charts and a text summary, for a group's sectors (``/reporte``,
the weekly slot) or for sectors named on the command line (``ceasefire report``).

Data is read in one database call (``load`` by chat, ``load_sectors`` by name); pandas and
matplotlib then run in the renderer, never on the event loop nor on the database thread.
The trend runs from ``[reports] weeks`` before the reported week, or from ``since``: nothing
caps it, so 2019–2024 can be drawn weekly. Weeks the data do not cover are "sin datos".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd

from bot.reports import kpis, weekly_text
from bot.reports.coverage import covered_weeks
from bot.reports.weekly_series import Shootings, Year, shootings_series, yearly
from bot.runtime.container import Runtime
from bot.runtime.settings import Settings
from bot.views.i18n import Catalog, Safe
from domain.measures import FGJ_SOURCE
from storage import report_data
from storage.engine import Session
from storage.groups import get_group, group_sectors

MAX_AGENCIES = weekly_text.MAX_AGENCIES  # more bars than this are unreadable on a phone
# The words the charts print (legends, axes), each ``chart.label_<key>`` in the catalog.
LABEL_KEYS = (
    "homicides",
    "nonfatal",
    "no_data",
    "per_week",
    "per_sector",
    "items",
    "on_time_axis",
    "compliance_axis",
    "no_closed",
    "state_overdue",
    "state_blocked",
    "state_progress",
    "state_open",
    "done",
    "last4",
    "previous4",
    *kpis.AGEING_BUCKETS,
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
    incidents: pd.DataFrame  # the report's sectors and the comparison sectors
    items: pd.DataFrame  # the report's sectors
    updates: pd.DataFrame  # kpis.update_window(meeting)
    meeting: datetime  # kpis.meeting_before: what "update before the meeting" is measured at
    scheduled: bool  # ``meeting`` is a scheduled meeting (not just the end of the week)
    coverage: pd.DataFrame  # storage.report_data.coverage_frame
    sector_ids: dict[str, int]
    first_week: datetime  # the first week the shootings chart shows (local Monday)
    first_day: date  # the first day of the period: ``since``, else ``first_week``'s


@dataclass(frozen=True)
class Report:
    charts: list[tuple[bytes, str]]  # PNG and caption
    summary: Safe


def _first_week(settings: Settings, week_end: datetime, since: date | None) -> datetime:
    """The trend's first week: the one holding ``since``, else ``[reports] weeks`` back."""
    zone = settings.locale.zone
    if since is None:
        return week_end - timedelta(weeks=settings.reports.weeks)
    monday = since - timedelta(days=since.weekday())
    return min(datetime.combine(monday, time(), tzinfo=zone), week_end - timedelta(weeks=1))


def load_sectors(
    session: Session,
    sectors: list[str],
    comparison: list[str],
    *,
    settings: Settings,
    week_end: datetime,
    since: date | None = None,
    chat_id: int | None = None,
) -> ReportData:
    """Everything a report on ``sectors`` against ``comparison`` is drawn from, in one
    transaction; ``chat_id``: the group whose meeting schedule the compliance is measured at."""
    zone = settings.locale.zone
    comparison = [s for s in comparison if s not in sectors]
    incidents = report_data.incidents_frame(session, sectors + comparison)
    # The charts look back 8 weeks (on-time rates); older closed items cannot matter.
    items = report_data.items_frame(
        session, sectors, alive=(week_end - timedelta(weeks=8), week_end)
    )
    schedules = report_data.group_meeting_schedules(session, chat_id) if chat_id else []
    meeting = kpis.meeting_before(schedules, week_end, zone)
    since_, until = kpis.update_window(meeting)
    updates = report_data.updates_frame(session, since=since_, until=until)
    known = report_data.sectors_frame(session)
    first = _first_week(settings, week_end, since)
    ids = dict(zip(known["sector"], known["sector_id"].astype(int), strict=True))
    return ReportData(
        sectors,
        comparison,
        incidents,
        items,
        updates,
        meeting,
        meeting != week_end,
        report_data.coverage_frame(session, zone),
        {name: ids[name] for name in sectors + comparison if name in ids},
        first,
        since or first.astimezone(zone).date(),
    )


def load(session: Session, chat_id: int, *, settings: Settings, week_end: datetime) -> ReportData:
    """One group's weekly report: its sectors against ``[sectors] comparison``."""
    group = get_group(session, chat_id)
    sectors = group_sectors(session, group.id) if group else []
    return load_sectors(
        session,
        sectors,
        list(settings.sectors.comparison),
        settings=settings,
        week_end=week_end,
        chat_id=chat_id,
    )


def compliance_of(data: ReportData) -> pd.Series:
    """ "Avance antes de la reunión" per agency, as ``/kpi`` computes it (``kpis``)."""
    return kpis.compliance(data.items, data.updates, meeting=data.meeting)


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
        sources: set[str],
    ) -> None:
        self.catalog, self.week_end = catalog, week_end
        self.sectors = ", ".join(sectors) or "—"
        key = "chart.source_fgj" if FGJ_SOURCE in sources else "chart.source"
        self.source = str(catalog.t(key, when=catalog.datetime(now)))
        self.last_day = catalog.date(week_end - timedelta(seconds=1))
        self.span = f"{self.sectors} · {catalog.date(first)} – {self.last_day}"

    def since(self, days: int) -> str:
        """The sectors and the ``days`` before the report's week ended."""
        start = self.catalog.date(self.week_end - timedelta(days=days))
        return f"{self.sectors} · {start} – {self.last_day}"

    def state_at(self, at: datetime) -> str:
        """The sectors and the moment the items' state is shown at: the close of the reviewed
        week (or now, while it runs)."""
        if at >= self.week_end:
            when = self.catalog.t("chart.state_at_end", when=self.last_day)
        else:
            when = self.catalog.t("chart.state_at", when=self.catalog.moment(at))
        return f"{self.sectors} · {when}"

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


def _on_time_rates(items: pd.DataFrame, week_end: datetime) -> pd.DataFrame:
    """On-time rates of the last 4 weeks and the 4 before, for the agencies that closed most."""
    four = timedelta(weeks=4)
    last4 = kpis.delivery(items, week_end - four, week_end)
    previous4 = kpis.delivery(items, week_end - 2 * four, week_end - four)
    rates = pd.DataFrame({"last4": last4["on_time_rate"], "previous4": previous4["on_time_rate"]})
    rates = rates.drop(index="all", errors="ignore").dropna(how="all")
    closed = (last4["closed"] + previous4["closed"]).drop(index="all", errors="ignore")
    busiest = closed.sort_values(ascending=False).index[:MAX_AGENCIES]
    return rates.loc[rates.index.isin(busiest)]


def _weeks(data: ReportData, week_end: datetime, zone: Any) -> list[pd.Timestamp]:
    """The local Mondays from the first week shown to the report's week."""
    first = pd.Timestamp(data.first_week.astimezone(zone).replace(tzinfo=None)).normalize()
    last = pd.Timestamp(week_end.astimezone(zone).replace(tzinfo=None)).normalize()
    return list(pd.date_range(first, last - pd.Timedelta(weeks=1), freq="7D"))


def _today(now: datetime, zone: Any) -> pd.Timestamp:
    return pd.Timestamp(now.astimezone(zone).replace(tzinfo=None)).normalize()


def shootings_of(data: ReportData, *, week_end: datetime, now: datetime, zone: Any) -> Shootings:
    """The shootings chart's series (``weekly_series``): what the chart is drawn from."""
    return shootings_series(
        data.incidents,
        data.coverage,
        data.sector_ids,
        sectors=data.sectors,
        comparison=data.comparison,
        weeks=_weeks(data, week_end, zone),
        zone=zone,
        today=_today(now, zone),
    )


def years_of(data: ReportData, *, week_end: datetime, now: datetime, zone: Any) -> list[Year]:
    """The treated sectors' calendar-year totals over the report's period."""
    own = data.incidents[data.incidents["sector"].isin(data.sectors)]
    return yearly(
        own,
        data.coverage,
        [data.sector_ids[s] for s in data.sectors if s in data.sector_ids],
        first=data.first_day,
        last=(week_end - timedelta(seconds=1)).astimezone(zone).date(),
        zone=zone,
        today=_today(now, zone).date(),
    )


def _trend_covered(data: ReportData, week_end: datetime, *, now: datetime, zone: Any) -> list[bool]:
    """Whether the last 4 weeks, the 4 before and the same 4 a year earlier all have data."""
    weeks = kpis.weeks_ending(week_end, 56, zone)
    ids = [data.sector_ids[s] for s in data.sectors if s in data.sector_ids]
    table = covered_weeks(data.coverage, ids, weeks, today=_today(now, zone))
    every = table.all(axis=0).to_numpy() if ids else np.zeros(len(weeks), dtype=bool)
    return [bool(every[-4:].all()), bool(every[-8:-4].all()), bool(every[:4].all())]


def _sources_shown(data: ReportData, week_end: datetime) -> set[str]:
    """The sources whose periods overlap the report's: only those are credited."""
    cover = data.coverage
    start, stop = pd.Timestamp(data.first_day), pd.Timestamp(week_end.date())
    overlapping = (cover["first_day"] < stop) & (
        cover["last_day"].isna() | (cover["last_day"] >= start)
    )
    return set(cover.loc[overlapping, "source"])


def build(
    data: ReportData, settings: Settings, catalog: Catalog, *, week_end: datetime, now: datetime
) -> Report:
    """Compute and draw (CPU-bound: runs in the renderer). Item states are shown at the end of
    the reported week (or now, if the week is still running)."""
    from bot.reports import charts, weekly_charts  # matplotlib: only where reports are drawn

    zone, at = settings.locale.zone, min(now, week_end)
    first = datetime.combine(data.first_day, time(12), tzinfo=zone)
    sources = _sources_shown(data, week_end)
    titles = _Titles(
        catalog, data.sectors, first=first, week_end=week_end, now=now, sources=sources
    )
    labels = {key: str(catalog.t(f"chart.label_{key}")) for key in LABEL_KEYS}
    other = str(catalog.t("chart.other_agencies"))
    series = shootings_of(data, week_end=week_end, now=now, zone=zone)
    years = years_of(data, week_end=week_end, now=now, zone=zone)
    shares = compliance_of(data)
    since = week_end - timedelta(days=7)
    pngs = {
        "shootings": weekly_charts.shootings(
            titles.frame("shootings"), series, catalog, sectors=data.sectors, years=years
        ),
        "statuses": charts.statuses(
            titles.frame("statuses", titles.state_at(at)),
            _top(kpis.state_partition(data.items, at=at, since=since), other),
            labels,
        ),
        "on_time": charts.on_time(
            titles.frame("on_time", titles.since(56)), _on_time_rates(data.items, week_end), labels
        ),
        "ageing": charts.ageing(
            titles.frame("ageing", titles.state_at(at)),
            _top(kpis.overdue_ageing(data.items, at), other),
            labels,
        ),
        # The agencies that reported least come first: they are the meeting's question.
        "compliance": charts.compliance(
            titles.frame("compliance", titles.before_meeting(data.meeting)),
            shares.sort_values().iloc[:MAX_AGENCIES],
            labels,
        ),
    }
    captions = [(png, str(catalog.t(f"chart.{key}"))) for key, png in pngs.items()]
    text = weekly_text.summary(
        catalog,
        sectors=data.sectors,
        incidents=data.incidents[data.incidents["sector"].isin(data.sectors)],
        week_end=week_end,
        states=kpis.item_states(data.items, at=at, since=since),
        shares=shares,
        years=years,
        series=series,
        trend_covered=_trend_covered(data, week_end, now=now, zone=zone),
        sources=sources,
    )
    return Report(captions, text)


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
