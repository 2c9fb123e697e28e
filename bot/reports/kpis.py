"""KPI definitions: written once, here, and shown to users by ``/kpi ayuda``.

Every function takes DataFrames from ``storage.report_data`` (UTC times) and a period
``[start, end)``; weeks are ISO weeks of the configured zone (a shooting at 23:30 local on a
Sunday belongs to that Sunday's week). Rates are NaN, not 0, when there is nothing to divide.

Delivery, per agency and overall (``delivery``):
- created: items created in the period.
- closed: items marked done in the period (cancelled items are not "closed").
- on_time: closed items whose closing time is not after their due time.
- on_time_rate: on_time / closed.
- open: items open at the end of the period (created before it, not closed before it).
- overdue: open at the end and already past due then.
- median_days_overdue: median of (end - due) over the overdue items, in days.
- median_days_to_close: median of (closed - created) over the closed items, in days.

Update compliance (``compliance``): share of an agency's items open at the meeting that got a
status update in the 7 days before it. The meeting is ``meeting_before``'s: the group's last
scheduled meeting in the 7 days up to the end of the period, or the end itself when the
group has no schedule (or in a private chat). ``/kpi`` and ``/reporte`` both ask it, so
"Avance antes de la reunión" is one number for the same agencies and week.

Item states (``item_states``), at one moment, counted as ``/acciones`` counts them: ``open``
(open, in progress or blocked), ``overdue`` (every open item past due, blocked or not),
``blocked`` (every blocked item, overdue or not), and ``done`` (done in the reported week).
The status chart stacks a partition of the open items instead (``state_partition``):
overdue, then blocked / in progress / open among those still within their deadline.

Outcomes (``outcomes``, ``weekly_shootings``, ``trend``): what counts is defined once in
``domain.measures`` — homicides are intentional firearm homicides (homicidio doloso and
feminicidio), non-fatal shootings are intentional firearm injuries; negligent homicides and
unjudged possible duplicates are never counted. ``incidents`` = homicides + non-fatal.
Per sector and ISO week, victims apart; share involving a group (a group code was given);
change of the last 4 weeks against the 4 weeks before and against the same 4 weeks a year
earlier (three non-overlapping windows).

Response timeliness (``timeliness``): share of the period's incidents reviewed within 7 days
of happening; median hours from an incident to its first completed action item; share of
high-risk incidents with an item completed within that item kind's deadline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from bot.input.meeting_times import next_occurrence
from domain import measures
from storage.models.groups import MeetingSchedule

OPEN = ("open", "progress", "blocked")
DAY = pd.Timedelta(days=1)
MEETING_WINDOW = timedelta(days=7)
AGEING_BUCKETS = ("0_3", "4_7", "8_14", "15_plus")
PARTITION = ("overdue", "blocked", "progress", "open", "done")  # the status chart's stack


def _ts(moment: datetime) -> pd.Timestamp:
    return pd.Timestamp(moment).tz_convert("UTC")


def _median(values: pd.Series) -> float:
    """The median of the known values, NaN (quietly) when there are none."""
    known = values.dropna()
    return float(known.median()) if len(known) else np.nan


def week_start(times: pd.Series, zone: ZoneInfo) -> pd.Series:
    """The local Monday 00:00 (as a naive local date) of each instant's ISO week."""
    local = times.dt.tz_convert(zone).dt.tz_localize(None)
    return (local - pd.to_timedelta(local.dt.weekday, unit="D")).dt.normalize()


def open_at(items: pd.DataFrame, moment: datetime) -> pd.Series:
    """Which items were open at ``moment``: created before it and not closed before it."""
    end = _ts(moment)
    closed_before = items["closed_at"].notna() & (items["closed_at"] < end)
    return (items["created_at"] < end) & ~closed_before & (items["status"] != "cancelled")


def delivery(items: pd.DataFrame, start: datetime, end: datetime) -> pd.DataFrame:
    """Delivery KPIs per agency, plus an ``all`` row (see the module docstring)."""
    items = items.drop_duplicates("id")
    lo, hi = _ts(start), _ts(end)
    frame = pd.DataFrame(
        {
            "agency": items["agency"],
            "created": items["created_at"].between(lo, hi, inclusive="left"),
            "closed": (items["status"] == "done")
            & items["closed_at"].between(lo, hi, inclusive="left"),
        }
    )
    frame["on_time"] = frame["closed"] & (items["closed_at"] <= items["due_at"])
    frame["open"] = open_at(items, end)
    frame["overdue"] = frame["open"] & (items["due_at"] < hi)
    frame["days_overdue"] = ((hi - items["due_at"]) / DAY).where(frame["overdue"])
    frame["days_to_close"] = ((items["closed_at"] - items["created_at"]) / DAY).where(
        frame["closed"]
    )

    def summarise(part: pd.DataFrame) -> pd.Series:
        closed = int(part["closed"].sum())
        on_time = int(part["on_time"].sum())
        return pd.Series(
            {
                "created": int(part["created"].sum()),
                "closed": closed,
                "on_time": on_time,
                "on_time_rate": on_time / closed if closed else np.nan,
                "open": int(part["open"].sum()),
                "overdue": int(part["overdue"].sum()),
                "median_days_overdue": _median(part["days_overdue"]),
                "median_days_to_close": _median(part["days_to_close"]),
            }
        )

    per_agency = {agency: summarise(part) for agency, part in frame.groupby("agency")}
    per_agency["all"] = summarise(frame)
    return pd.DataFrame(per_agency).T


def meeting_before(schedules: Sequence[MeetingSchedule], end: datetime, zone: ZoneInfo) -> datetime:
    """The meeting "update before the meeting" is measured against: the last scheduled one in
    the 7 days up to ``end``, else ``end`` (no schedule, or outside a group)."""
    last = next_occurrence(schedules, end - MEETING_WINDOW, zone)
    return last[1] if last and last[1] <= end else end


def update_window(meeting: datetime) -> tuple[datetime, datetime]:
    """The updates that count for ``compliance``: the 7 days before the meeting."""
    return meeting - MEETING_WINDOW, meeting


def compliance(
    items: pd.DataFrame,
    updates: pd.DataFrame,
    *,
    meeting: datetime,
    window: timedelta = MEETING_WINDOW,
) -> pd.Series:
    """Per agency: share of items open at ``meeting`` updated in ``[meeting - window, meeting)``."""
    items = items.drop_duplicates("id")
    open_items = items[open_at(items, meeting)]
    lo, hi = _ts(meeting - window), _ts(meeting)
    recent = updates[updates["created_at"].between(lo, hi, inclusive="left")]["item_id"]
    updated = open_items["id"].isin(set(recent))
    return updated.groupby(open_items["agency"]).mean()


def _open_states(items: pd.DataFrame, at: datetime) -> pd.DataFrame:
    """The items open at ``at``, with ``state`` (their status; one closed since counts as open)
    and ``overdue``."""
    items = items.drop_duplicates("id")
    live = items[open_at(items, at)]
    state = live["status"].where(live["status"].isin(OPEN), "open")
    return live.assign(state=state, overdue=live["due_at"] < _ts(at))


def item_states(items: pd.DataFrame, *, at: datetime, since: datetime) -> pd.DataFrame:
    """Per agency at ``at``, as ``/acciones`` counts: ``open`` (all open items), ``overdue``
    (open and past due, any status), ``blocked`` (all blocked), ``done`` (done in
    ``[since, at)``). ``overdue`` and ``blocked`` overlap; ``state_partition`` does not."""
    live = _open_states(items, at)
    done = items.drop_duplicates("id")
    done = done[
        (done["status"] == "done")
        & done["closed_at"].between(_ts(since), _ts(at), inclusive="left")
    ]
    frame = pd.DataFrame(
        {
            "open": live.groupby("agency").size(),
            "overdue": live[live["overdue"]].groupby("agency").size(),
            "blocked": live[live["state"] == "blocked"].groupby("agency").size(),
            "done": done.groupby("agency").size(),
        },
        columns=["open", "overdue", "blocked", "done"],
    )
    return frame.fillna(0).astype(int)


def state_partition(items: pd.DataFrame, *, at: datetime, since: datetime) -> pd.DataFrame:
    """Per agency, ``PARTITION``: overdue (any status), then blocked, in progress and open among
    the items still within their deadline, and done in ``[since, at)``; each open item once."""
    live = _open_states(items, at)
    key = live["state"].where(~live["overdue"], "overdue")
    table = pd.crosstab(live["agency"], key).reindex(columns=list(PARTITION), fill_value=0)
    done = item_states(items, at=at, since=since)["done"]
    table = table.reindex(table.index.union(done.index), fill_value=0)
    table["done"] = done.reindex(table.index, fill_value=0)
    return table.astype(int)


def overdue_ageing(items: pd.DataFrame, at: datetime) -> pd.DataFrame:
    """Per agency, the items overdue at ``at`` by days past due: 0–3, 4–7, 8–14, more."""
    live = _open_states(items, at)
    overdue = live[live["overdue"]]
    days = (_ts(at) - overdue["due_at"]) / DAY
    bucket = pd.cut(days, [0, 4, 8, 15, np.inf], right=False, labels=list(AGEING_BUCKETS))
    table = pd.crosstab(overdue["agency"], bucket)
    return table.reindex(columns=list(AGEING_BUCKETS), fill_value=0)


def outcomes(incidents: pd.DataFrame) -> pd.DataFrame:
    """The incidents that count as violence (``domain.measures``), with 0/1 columns
    ``homicides`` and ``nonfatal``; negligent homicides and unjudged duplicates are dropped."""
    measure = incidents["classification"].map(measures.measure)
    duplicate = incidents["duplicate"].where(incidents["duplicate"].notna(), None)
    keep = measure.notna() & duplicate.map(lambda d: d in (None, measures.Duplicate.distinct))
    kept = incidents[keep]
    return kept.assign(
        homicides=(measure[keep] == "homicides").astype(int),
        nonfatal=(measure[keep] == "nonfatal").astype(int),
    )


OUTCOME_COLUMNS = ["incidents", "homicides", "nonfatal", "killed", "injured", "group_involved"]


def weekly_shootings(
    incidents: pd.DataFrame, zone: ZoneInfo, *, weeks: list[pd.Timestamp], sectors: list[str]
) -> pd.DataFrame:
    """Per sector and week: incidents, homicides, nonfatal, killed, injured, group-involved,
    counted as ``outcomes`` defines. Every (sector, week) in the grid is present, zero when
    nothing happened (whether the week is covered by data is ``bot.reports.coverage``'s)."""
    grid = pd.MultiIndex.from_product([sectors, weeks], names=["sector", "week"])
    counted = outcomes(incidents) if not incidents.empty else incidents
    if counted.empty:
        return pd.DataFrame(0, index=grid, columns=OUTCOME_COLUMNS)
    frame = pd.DataFrame(
        {
            "sector": counted["sector"],
            "week": week_start(counted["occurred_at"], zone),
            "incidents": 1,
            "homicides": counted["homicides"],
            "nonfatal": counted["nonfatal"],
            "killed": counted["victims"],
            "injured": counted["injured"],
            "group_involved": counted["group_code"].notna().astype(int),
        }
    )
    counts = frame.groupby(["sector", "week"])[OUTCOME_COLUMNS].sum()
    return counts.reindex(grid, fill_value=0)


def weeks_ending(end: datetime, count: int, zone: ZoneInfo) -> list[pd.Timestamp]:
    """The ``count`` ISO weeks (local Mondays) before the week containing ``end``."""
    current = week_start(pd.Series([_ts(end)]), zone).iloc[0]
    return [current - pd.Timedelta(weeks=n) for n in range(count, 0, -1)]


@dataclass(frozen=True, slots=True)
class Trend:
    last4: int
    previous4: int
    year_ago4: int

    @staticmethod
    def _change(now: int, before: int) -> float:
        return (now - before) / before if before else np.nan

    @property
    def vs_previous(self) -> float:
        return self._change(self.last4, self.previous4)

    @property
    def vs_year_ago(self) -> float:
        return self._change(self.last4, self.year_ago4)


def trend(incidents: pd.DataFrame, end: datetime, zone: ZoneInfo) -> Trend:
    """Counted incidents (``outcomes``) in the 4 complete weeks before ``end``'s week, the 4
    before those, and the same 4 weeks 52 weeks earlier."""
    counted = outcomes(incidents) if not incidents.empty else incidents
    weeks = week_start(counted["occurred_at"], zone) if not counted.empty else pd.Series([])
    current = week_start(pd.Series([_ts(end)]), zone).iloc[0]

    def count(first: int, last: int) -> int:
        lo, hi = current - pd.Timedelta(weeks=first), current - pd.Timedelta(weeks=last)
        return int(((weeks >= lo) & (weeks < hi)).sum()) if len(weeks) else 0

    return Trend(count(4, 0), count(8, 4), count(56, 52))


def timeliness(
    incidents: pd.DataFrame,
    items: pd.DataFrame,
    *,
    start: datetime,
    end: datetime,
    deadlines: Mapping[str, float],
) -> dict[str, float]:
    """Review within 7 days, hours to first completed item, high-risk items within deadline."""
    lo, hi = _ts(start), _ts(end)
    period = incidents[incidents["occurred_at"].between(lo, hi, inclusive="left")]
    if period.empty:
        return {
            "incidents": 0,
            "reviewed_7d_rate": np.nan,
            "median_hours_to_first_done": np.nan,
            "high_risk": 0,
            "high_risk_in_deadline_rate": np.nan,
        }
    delay = period["reviewed_at"] - period["occurred_at"]
    reviewed = (delay <= pd.Timedelta(days=7)).fillna(False)
    hours = (period["first_completed_at"] - period["occurred_at"]) / pd.Timedelta(hours=1)
    high = period[period["risk"] == "high"]
    done = items.drop_duplicates("id")
    done = done[(done["status"] == "done") & done["incident_id"].isin(set(high["id"]))]
    done = done.merge(
        high[["id", "occurred_at"]].rename(columns={"id": "incident_id"}), on="incident_id"
    )
    limit = done["kind"].fillna("other").map(lambda k: pd.Timedelta(hours=deadlines.get(k, 168)))
    in_time = done[(done["closed_at"] - done["occurred_at"]) <= limit]["incident_id"]
    return {
        "incidents": len(period),
        "reviewed_7d_rate": float(reviewed.mean()),
        "median_hours_to_first_done": _median(hours),
        "high_risk": len(high),
        "high_risk_in_deadline_rate": (
            float(high["id"].isin(set(in_time)).mean()) if len(high) else np.nan
        ),
    }
