"""Dates, times and weeks typed by people: ISO, DD/MM, Spanish or English relative words,
ISO weeks (``2026-W48``, ``W48``) and periods (``8 semanas``).

Parsing is dateparser's job; this module only fixes the policy: day-first, prefer the future,
relative to the injected clock in the configured zone, a due date is a *day* whose deadline is
``due_hour`` local time, and dates in the past or absurdly far ahead are refused.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import dateparser

from bot.input.vocabulary import DATE_FILLERS, DATE_SYNONYMS, WEEK_SUFFIXES, fold
from domain.errors import InvalidInput

_LANGUAGES = ["es", "en"]
_TIME_RE = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(h|hrs|am|pm)?$", re.IGNORECASE)


def parse_day(text: str, now: datetime, zone: ZoneInfo, *, prefer: str = "future") -> date | None:
    """The local calendar day ``text`` names, or None if it names none.

    ``prefer`` settles "viernes": the next one for a due date ("future"), the last one for
    when a shooting happened ("past").
    """
    cleaned = " ".join(text.strip().lower().split())
    for filler in DATE_FILLERS:
        if cleaned.startswith(filler) and len(cleaned) > len(filler):
            cleaned = cleaned[len(filler) :]
            break
    if not cleaned:
        return None
    cleaned = DATE_SYNONYMS.get(cleaned, cleaned)
    local_now = now.astimezone(zone).replace(tzinfo=None)
    parsed = dateparser.parse(
        cleaned,
        languages=_LANGUAGES,
        settings={
            "PREFER_DATES_FROM": prefer,
            "RELATIVE_BASE": local_now,
            "DATE_ORDER": "DMY",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    return parsed.date() if parsed else None


def due_datetime(day: date, zone: ZoneInfo, due_hour: int) -> datetime:
    """The deadline of a due day: ``due_hour`` local time, as an aware datetime."""
    return datetime.combine(day, time(hour=due_hour), tzinfo=zone)


def parse_due(
    text: str, now: datetime, zone: ZoneInfo, *, due_hour: int = 18, max_days: int = 366
) -> datetime:
    """A due moment from user text; raises ``InvalidInput`` naming what was wrong."""
    day = parse_day(text, now, zone)
    if day is None:
        raise InvalidInput("error.date_unparsed", text=text)
    today = now.astimezone(zone).date()
    if day < today:
        raise InvalidInput("error.date_past", text=text)
    if day > today + timedelta(days=max_days):
        raise InvalidInput("error.date_far", text=text)
    return due_datetime(day, zone, due_hour)


def split_due(words: list[str], now: datetime, zone: ZoneInfo) -> tuple[str, list[str]]:
    """Split "<due words> <text…>": the longest leading run (≤ 3 words) that is a date.

    People write ``/accion SSC en 3 días Patrullaje…``, so the date may span words. A quoted
    date (``"en 3 días"``) is taken as it stands.
    """
    if words and words[0].startswith('"'):
        for end in range(len(words)):
            if words[end].endswith('"') and (end > 0 or len(words[0]) > 1):
                return " ".join(words[: end + 1]).strip('"'), words[end + 1 :]
    for size in (3, 2):
        if len(words) > size and parse_day(" ".join(words[:size]), now, zone) is not None:
            return " ".join(words[:size]), words[size:]
    return (words[0], words[1:]) if words else ("", [])


def due_and_text(
    words: list[str],
    now: datetime,
    zone: ZoneInfo,
    *,
    kind_hours: float | None,
    due_hour: int,
    max_days: int,
) -> tuple[datetime, list[str]]:
    """The due moment of ``/accion AGENCY [DUE] text…`` and the words of its text.

    With a kind (``tipo=hospital``) the date may be left out: ``kind_hours``, the kind's
    deadline, counts from now.
    """
    due_words, rest = split_due(words, now, zone)
    if kind_hours is not None and parse_day(due_words, now, zone) is None:
        return now + timedelta(hours=kind_hours), words
    if not rest:
        raise InvalidInput("usage.action")
    return parse_due(due_words, now, zone, due_hour=due_hour, max_days=max_days), rest


def iso_week_monday(word: str, year: int) -> datetime | None:
    """The (naive) Monday of ISO week ``2026-W48``, or of ``W48`` in ``year``; None if
    ``word`` names no week."""
    text = fold(word).upper()
    if text.startswith("W") and text[1:].isdigit():
        text = f"{year}-{text}"
    try:
        return datetime.strptime(f"{text}-1", "%G-W%V-%u")
    except ValueError:
        return None


def week_end(word: str, now: datetime, zone: ZoneInfo) -> datetime:
    """``2026-W48`` or ``W48`` (this ISO year): the Monday 00:00 (local) after that week."""
    monday = iso_week_monday(word, now.astimezone(zone).isocalendar().year)
    if monday is None:
        raise InvalidInput("error.week", value=word)
    return (monday + timedelta(weeks=1)).replace(tzinfo=zone)


def week_window(word: str, now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The local ISO week (Monday to Monday) ``word`` names — ``2026-W48``, ``W48`` or any
    date in it — or None."""
    monday = iso_week_monday(word, now.astimezone(zone).year)
    if monday is None:
        try:
            day = datetime.strptime(word, "%Y-%m-%d")
        except ValueError:
            return None
        monday = day - timedelta(days=day.weekday())
    start = monday.replace(tzinfo=zone)
    return start, start + timedelta(days=7)


def parse_period(
    words: list[str], *, end: datetime, now: datetime, zone: ZoneInfo
) -> tuple[datetime, datetime, list[str]]:
    """``[N semanas | 2026-W48] …`` → (start, end, the words left): the last N weeks (1 to
    104) before ``end``, one ISO week, or by default the 4 weeks before ``end``."""
    start = end - timedelta(weeks=4)
    if words:
        first = fold(words[0]).rstrip("sw")  # 8s, 8w
        for suffix in WEEK_SUFFIXES:  # 8sem, 8seman(as)
            first = first.removesuffix(suffix)
        if first.isdigit() and 1 <= int(first) <= 104:
            start, words = end - timedelta(weeks=int(first)), words[1:]
        elif fold(words[0]).upper().lstrip("0123456789-").startswith("W"):
            end = week_end(words[0], now, zone)
            start, words = end - timedelta(weeks=1), words[1:]
    return start, end, words


def parse_time(text: str) -> time:
    """A local clock time: ``22:10``, ``22.10``, ``22h``, ``10pm``."""
    match = _TIME_RE.match(text.strip())
    if match is None:
        raise InvalidInput("error.time_unparsed", value=text)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").lower()
    if suffix == "pm" and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise InvalidInput("error.time_unparsed", value=text)
    return time(hour, minute)
