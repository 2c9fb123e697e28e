"""What the due-date tests share: one moment, one zone, and the splitter's answer as text."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.input.dates import due_and_text

ZONE = ZoneInfo("America/Mexico_City")
LATE_SUNDAY = datetime(2026, 11, 30, 5, 30, tzinfo=UTC)  # Sunday 29 Nov, 23:30 local


def due_of(words: str, kind_hours: float | None = None) -> tuple[str, str]:
    """The due date (local, to the minute) and the text ``due_and_text`` makes of ``words``."""
    due, rest = due_and_text(
        words.split(), LATE_SUNDAY, ZONE, kind_hours=kind_hours, due_hour=18, max_days=366
    )
    return due.astimezone(ZONE).strftime("%Y-%m-%d %H:%M"), " ".join(rest)
