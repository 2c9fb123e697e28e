"""Weekly meeting times: reading "lun 10:00" / "thu 17:00" and finding their occurrences.

Weekday names come from Babel's locale data for Spanish and English (wide and abbreviated),
not from a list typed here; the next occurrence is dateutil's weekly rule evaluated in the
configured zone, so it is right across any future change of UTC offset.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from dateutil.rrule import WEEKLY, rrule

from bot.input.dates import parse_time
from bot.input.vocabulary import fold
from domain.errors import InvalidInput
from storage.models.groups import MeetingSchedule


@cache
def weekday_words() -> dict[str, int]:
    words: dict[str, int] = {}
    for language in ("es", "en"):
        days = Locale.parse(language).days["format"]
        for width in ("wide", "abbreviated", "short"):
            for index, name in days[width].items():
                words[fold(str(name)).rstrip(".")] = index
    return words


def parse_weekday(text: str) -> int:
    index = weekday_words().get(fold(text).rstrip("."))
    if index is None:
        raise InvalidInput("error.weekday", value=text)
    return index


def parse_clock(text: str) -> int:
    """Minutes after local midnight."""
    at: time = parse_time(text)
    return at.hour * 60 + at.minute


def next_occurrence(
    schedules: Iterable[MeetingSchedule], now: datetime, zone: ZoneInfo
) -> tuple[MeetingSchedule, datetime] | None:
    """The schedule that comes next after ``now`` and when (aware, in ``zone``)."""
    local_now = now.astimezone(zone).replace(tzinfo=None)
    best: tuple[MeetingSchedule, datetime] | None = None
    for schedule in schedules:
        hour, minute = divmod(schedule.minute_of_day, 60)
        rule = rrule(
            WEEKLY,
            byweekday=schedule.weekday,
            byhour=hour,
            byminute=minute,
            bysecond=0,
            dtstart=local_now,
        )
        upcoming = rule.after(local_now)
        if upcoming is not None and (best is None or upcoming < best[1].replace(tzinfo=None)):
            best = (schedule, upcoming.replace(tzinfo=zone))
    return best


def weekly_occurrences(
    day: int, minute: int, *, start: datetime, end: datetime, zone: ZoneInfo
) -> list[datetime]:
    """Local weekly occurrences between two instants, as aware datetimes."""
    hour, minutes = divmod(minute, 60)
    local_start = start.astimezone(zone).replace(tzinfo=None)
    local_end = end.astimezone(zone).replace(tzinfo=None)
    rule = rrule(
        WEEKLY,
        byweekday=day,
        byhour=hour,
        byminute=minutes,
        bysecond=0,
        dtstart=local_start - timedelta(days=7),
    )
    return [d.replace(tzinfo=zone) for d in rule.between(local_start, local_end, inc=True)]
