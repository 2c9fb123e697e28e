"""KPI definitions on small hand-built tables with known answers."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from bot.reports import kpis

MX = ZoneInfo("America/Mexico_City")


def t(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=MX).tz_convert("UTC")


def items_table(rows: list[dict]) -> pd.DataFrame:
    base = {"kind": None, "incident_id": None, "status": "open", "closed_at": pd.NaT}
    frame = pd.DataFrame([{**base, **row} for row in rows])
    for column in ("due_at", "created_at", "closed_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


ITEMS = items_table(
    [
        # SSC: two closed in the week (one on time, one 2 days late), one overdue open item.
        {
            "id": 1,
            "agency": "SSC",
            "status": "done",
            "created_at": t("2026-11-23 10:00"),
            "due_at": t("2026-11-27 18:00"),
            "closed_at": t("2026-11-26 12:00"),
        },
        {
            "id": 2,
            "agency": "SSC",
            "status": "done",
            "created_at": t("2026-11-20 10:00"),
            "due_at": t("2026-11-25 18:00"),
            "closed_at": t("2026-11-27 18:00"),
        },
        {
            "id": 3,
            "agency": "SSC",
            "created_at": t("2026-11-16 10:00"),
            "due_at": t("2026-11-19 18:00"),
        },
        # FGJ: one open not yet due, one cancelled, one closed after the period.
        {
            "id": 4,
            "agency": "FGJ",
            "created_at": t("2026-11-25 10:00"),
            "due_at": t("2026-12-10 18:00"),
        },
        {
            "id": 5,
            "agency": "FGJ",
            "status": "cancelled",
            "created_at": t("2026-11-24 10:00"),
            "due_at": t("2026-11-26 18:00"),
            "closed_at": t("2026-11-25 10:00"),
        },
        {
            "id": 6,
            "agency": "FGJ",
            "status": "done",
            "created_at": t("2026-11-10 10:00"),
            "due_at": t("2026-11-12 18:00"),
            "closed_at": t("2026-12-02 10:00"),
        },
    ]
)
START, END = t("2026-11-23 00:00"), t("2026-11-30 00:00")


def test_delivery() -> None:
    table = kpis.delivery(ITEMS, START, END)
    ssc, fgj, total = table.loc["SSC"], table.loc["FGJ"], table.loc["all"]
    assert (ssc["created"], ssc["closed"], ssc["on_time"]) == (1, 2, 1)
    assert ssc["on_time_rate"] == 0.5
    assert (ssc["open"], ssc["overdue"]) == (1, 1)
    # Item 3 due 19 Nov 18:00 local, end 30 Nov 00:00 local: 10.25 days overdue.
    assert ssc["median_days_overdue"] == pytest.approx(10.25)
    assert ssc["median_days_to_close"] == pytest.approx(np.median([3 + 2 / 24, 7 + 8 / 24]))
    # FGJ: 4 open (not due), 6 open at the end (closed later) and overdue; 5 cancelled.
    assert (fgj["created"], fgj["closed"], fgj["open"], fgj["overdue"]) == (2, 0, 2, 1)
    assert np.isnan(fgj["on_time_rate"])
    assert (total["created"], total["closed"], total["open"]) == (3, 2, 3)


def test_delivery_on_an_empty_table() -> None:
    table = kpis.delivery(ITEMS.iloc[0:0], START, END)
    assert list(table.index) == ["all"] and table.loc["all", "created"] == 0


def test_compliance_counts_updates_in_the_week_before_the_meeting() -> None:
    updates = pd.DataFrame(
        {
            "item_id": [3, 4, 6],
            "created_at": pd.to_datetime(
                [t("2026-11-27 10:00"), t("2026-11-20 10:00"), t("2026-11-29 23:59")], utc=True
            ),
        }
    )
    meeting = t("2026-11-30 00:00")
    shares = kpis.compliance(ITEMS, updates, meeting=meeting, window=timedelta(days=7))
    assert shares["SSC"] == 1.0  # item 3 updated on the 27th
    assert shares["FGJ"] == 0.5  # item 6 yes, item 4's update is older than a week


def incidents_table(rows: list[dict]) -> pd.DataFrame:
    base = {
        "victims": 0,
        "injured": 1,
        "group_code": None,
        "risk": None,
        "reviewed_at": pd.NaT,
        "first_completed_at": pd.NaT,
        "type": "nonfatal",
    }
    frame = pd.DataFrame(
        [{"duplicate": None, **base, "classification": None, **row} for row in rows]
    )
    frame["classification"] = frame["classification"].fillna(frame["type"])
    for column in ("occurred_at", "reviewed_at", "first_completed_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def test_weekly_counts_use_local_iso_weeks() -> None:
    incidents = incidents_table(
        [
            # Sunday 29 Nov 23:30 local is Monday 05:30 UTC: still the week of 23 Nov.
            {
                "id": 1,
                "sector": "Plateros",
                "occurred_at": t("2026-11-29 23:30"),
                "type": "homicide",
                "victims": 1,
                "injured": 0,
                "group_code": "G-07",
            },
            {"id": 2, "sector": "Plateros", "occurred_at": t("2026-11-30 00:10")},
            {"id": 3, "sector": "Olivar", "occurred_at": t("2026-11-24 12:00"), "injured": 2},
        ]
    )
    weeks = [pd.Timestamp("2026-11-16"), pd.Timestamp("2026-11-23"), pd.Timestamp("2026-11-30")]
    table = kpis.weekly_shootings(incidents, MX, weeks=weeks, sectors=["Plateros", "Olivar"])
    assert table.loc[("Plateros", pd.Timestamp("2026-11-23"))].to_dict() == {
        "incidents": 1,
        "homicides": 1,
        "nonfatal": 0,
        "killed": 1,
        "injured": 0,
        "group_involved": 1,
    }
    assert table.loc[("Plateros", pd.Timestamp("2026-11-30")), "incidents"] == 1
    assert table.loc[("Olivar", pd.Timestamp("2026-11-16"))].sum() == 0  # a week with nothing
    assert table.loc[("Olivar", pd.Timestamp("2026-11-23")), "injured"] == 2
    empty = kpis.weekly_shootings(incidents.iloc[0:0], MX, weeks=weeks, sectors=["Plateros"])
    assert empty.to_numpy().sum() == 0 and len(empty) == 3


def test_weeks_ending_and_trend_windows() -> None:
    end = t("2026-11-30 08:00")  # Monday: the current week starts today
    assert kpis.weeks_ending(end, 2, MX) == [pd.Timestamp("2026-11-16"), pd.Timestamp("2026-11-23")]
    rows = [
        {"id": i, "sector": "P", "occurred_at": t(day)}
        for i, day in enumerate(
            [
                "2026-11-29 23:59",  # last 4 weeks
                "2026-11-02 00:00",  # last 4 weeks (first day)
                "2026-11-01 23:59",  # previous 4 weeks
                "2026-10-05 00:00",  # previous 4 weeks (first day)
                "2025-11-10 12:00",  # a year earlier window: weeks of 3 Nov .. 30 Nov 2025
                "2026-11-30 09:00",  # the current, incomplete week: not counted
            ]
        )
    ]
    result = kpis.trend(incidents_table(rows), end, MX)
    assert (result.last4, result.previous4, result.year_ago4) == (2, 2, 1)
    assert result.vs_previous == 0.0 and result.vs_year_ago == 1.0
    assert np.isnan(kpis.Trend(3, 0, 0).vs_previous)


def test_timeliness() -> None:
    incidents = incidents_table(
        [
            {
                "id": 1,
                "sector": "P",
                "occurred_at": t("2026-11-23 10:00"),
                "risk": "high",
                "reviewed_at": t("2026-11-30 09:00"),
                "first_completed_at": t("2026-11-24 10:00"),
            },
            {
                "id": 2,
                "sector": "P",
                "occurred_at": t("2026-11-24 10:00"),
                "risk": "high",
                "reviewed_at": t("2026-12-05 10:00"),
                "first_completed_at": t("2026-11-28 10:00"),
            },
            {"id": 3, "sector": "P", "occurred_at": t("2026-11-25 10:00")},
        ]
    )
    items = items_table(
        [
            {
                "id": 1,
                "agency": "SSC",
                "status": "done",
                "kind": "hospital",
                "incident_id": 1,
                "created_at": t("2026-11-23 12:00"),
                "due_at": t("2026-11-24 12:00"),
                "closed_at": t("2026-11-24 10:00"),
            },
            {
                "id": 2,
                "agency": "SSC",
                "status": "done",
                "kind": "hospital",
                "incident_id": 2,
                "created_at": t("2026-11-24 12:00"),
                "due_at": t("2026-11-25 12:00"),
                "closed_at": t("2026-11-28 10:00"),
            },
        ]
    )
    result = kpis.timeliness(incidents, items, start=START, end=END, deadlines={"hospital": 24})
    assert result["incidents"] == 3
    assert result["reviewed_7d_rate"] == pytest.approx(1 / 3)  # #2 after 11 days, #3 never
    assert result["median_hours_to_first_done"] == pytest.approx(60)  # 24 h and 96 h
    assert result["high_risk"] == 2 and result["high_risk_in_deadline_rate"] == 0.5
    empty = kpis.timeliness(incidents.iloc[0:0], items, start=START, end=END, deadlines={})
    assert empty["incidents"] == 0 and np.isnan(empty["reviewed_7d_rate"])


def test_a_blocked_item_past_due_is_overdue_and_blocked() -> None:
    """As /acciones counts: overdue and blocked overlap; the chart's partition does not."""
    items = items_table(
        [
            {"id": n, "agency": "SSC", "status": status, "due_at": t(due), "created_at": t(made)}
            for n, status, due in (
                (1, "blocked", "2026-11-20 18:00"),
                (2, "blocked", "2026-12-20 18:00"),
                (3, "open", "2026-11-21 18:00"),
            )
            for made in ["2026-11-01 10:00"]
        ]
    )
    states = kpis.item_states(items, at=END, since=START).loc["SSC"]
    assert states.to_dict() == {"open": 3, "overdue": 2, "blocked": 2, "done": 0}
    partition = kpis.state_partition(items, at=END, since=START).loc["SSC"]
    assert partition.to_dict() == {"overdue": 2, "blocked": 1, "progress": 0, "open": 0, "done": 0}
    assert kpis.delivery(items, START, END).loc["SSC", "overdue"] == states["overdue"]


def test_the_meeting_compliance_is_measured_at() -> None:
    from bot.reports.kpis import meeting_before
    from storage.models.groups import MeetingSchedule

    monday_10 = MeetingSchedule(group_id=1, kind="review", weekday=0, minute_of_day=600)
    end = t("2026-11-30 00:00")
    assert meeting_before([monday_10], end, MX) == t("2026-11-23 10:00")
    assert meeting_before([], end, MX) == end  # no schedule: the end of the period
