"""Pure rules of the reminder planner: stages and quiet hours (no database, no Telegram)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.reminders.plan import Clockwork, item_stage
from bot.reminders.quiet import QuietRules
from bot.runtime.settings import ReminderSettings, load_settings
from storage.reminders import PlanItem

MX = ZoneInfo("America/Mexico_City")


def local(text: str, zone: ZoneInfo = MX) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-12-01 10:00", "2026-12-01 10:00"),  # Tuesday morning: now
        ("2026-12-01 21:00", "2026-12-02 08:00"),  # quiet from 21:00
        ("2026-12-02 07:59", "2026-12-02 08:00"),
        ("2026-12-05 12:00", "2026-12-07 08:00"),  # Saturday
        ("2026-12-24 22:00", "2026-12-28 08:00"),  # Christmas, then the weekend
        ("2026-11-16 09:00", "2026-11-17 08:00"),  # Revolution Day (third Monday of November)
    ],
)
def test_next_allowed(moment: str, expected: str) -> None:
    rules = QuietRules(ReminderSettings(), MX)
    assert rules.next_allowed(local(moment)) == local(expected)


def test_quiet_rules_can_be_relaxed() -> None:
    rules = QuietRules(
        ReminderSettings(
            quiet_weekends=False, holidays_country="", quiet_start="00:00", quiet_end="00:00"
        ),
        MX,
    )
    for text in ("2026-12-05 03:00", "2026-12-25 23:00"):
        assert rules.next_allowed(local(text)) == local(text)


def test_quiet_window_within_one_day() -> None:
    rules = QuietRules(ReminderSettings(quiet_start="13:00", quiet_end="15:00"), MX)
    assert rules.next_allowed(local("2026-12-01 14:00")) == local("2026-12-01 15:00")
    assert rules.next_allowed(local("2026-12-01 16:00")) == local("2026-12-01 16:00")


def test_bad_quiet_settings_are_refused() -> None:
    with pytest.raises(Exception, match="expected HH:MM"):
        ReminderSettings(quiet_start="9pm")
    with pytest.raises(Exception, match="unknown holidays country"):
        ReminderSettings(holidays_country="XX")


def _item(due: datetime, created: datetime) -> PlanItem:
    return PlanItem(1, 1, "open", due, created, created, None, None, False)


def test_item_stages() -> None:
    c = Clockwork.from_settings(load_settings(None))
    due = local("2026-12-04 18:00").astimezone(UTC)
    item = _item(due, due - timedelta(days=4))
    assert item_stage(item, due - timedelta(hours=25), c) is None
    assert item_stage(item, due - timedelta(hours=24), c)[:2] == ("before_due", "before")
    assert item_stage(item, due, c)[:2] == ("due", "due")
    assert item_stage(item, due + timedelta(hours=47), c)[:2] == ("due", "due")
    assert item_stage(item, due + timedelta(hours=48), c)[:2] == ("overdue", "overdue1")
    assert item_stage(item, due + timedelta(days=9), c)[:2] == ("overdue", "overdue4")
    # Created 10 hours before it is due: no "due in 24 hours" reminder.
    late = _item(due, due - timedelta(hours=10))
    assert item_stage(late, due - timedelta(hours=5), c) is None
