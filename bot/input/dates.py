"""Dates, times and weeks typed by people: ISO, DD/MM, Spanish or English relative words,
ISO weeks (``2026-W48``, ``W48``) and periods (``8 semanas``).

Parsing is dateparser's job; this module only fixes the policy: day-first, prefer the future,
relative to the injected clock in the configured zone, a due date is a *day* whose deadline is
``due_hour`` local time, and dates in the past or absurdly far ahead are refused. Digits are
ASCII only: dateparser and ``\\d`` also read ``٣١/١٢`` or ``２２:１０``, which would then be
stored as a date nobody can check by eye, so text with other digits names no date or time.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import dateparser

from bot.input.kv import QUOTE_MARKS, has_foreign_digits, parse_number
from bot.input.vocabulary import (
    DATE_FILLERS,
    DATE_SYNONYMS,
    DAY_WORDS,
    FILLER_WORDS,
    IN_WORDS,
    MONTH_WORDS,
    UNIT_WORDS,
    WEEK_SUFFIXES,
    WEEKDAY_WORDS,
    fold,
)
from domain.errors import InvalidInput

_LANGUAGES = ["es", "en"]
_TIME_RE = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?\s*(h|hrs|am|pm)?", re.IGNORECASE | re.ASCII)
FIRST_YEAR, LAST_YEAR = 2000, 2100  # every date the bot accepts lies between
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
_DAY_MONTH = re.compile(r"^(\d{1,2})[/-](\d{1,2})(?:[/-](\d{4}|\d{2}))?$", re.ASCII)
_DAYS_SHORT = re.compile(r"^\d{1,3}d$", re.ASCII)  # ``3d``
_NUMBER = re.compile(r"^\d{1,3}$", re.ASCII)
_DAY_NUMBER = re.compile(r"^\d{1,2}$", re.ASCII)
_YEAR = re.compile(r"^\d{4}$", re.ASCII)
_CLOSING = ",:;"  # "viernes, revisar…": one may end the leading date; it is not text
_AS_QUOTE = str.maketrans(dict.fromkeys(QUOTE_MARKS, '"'))


def parse_iso_date(text: str) -> date | None:
    """``2026-11-20`` exactly, in ASCII digits and between ``FIRST_YEAR`` and ``LAST_YEAR``,
    or None: the reading for files, where no day-first guess or relative word belongs and
    ``date.fromisoformat`` would take year 1 or ``٢٠٢٦``."""
    found = _ISO_DATE.fullmatch(text.strip())
    if found is None:
        return None
    try:
        day = date(*(int(part) for part in found.groups()))
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def _numeric_date(text: str, today: date, prefer: str) -> date | bool | None:
    """``2026-12-04``, ``4/12``, ``4-12-26``, ``04/12/2026`` read whole and strictly (day
    first): the date, None if impossible or out of 2000–2100, False if not of that shape.
    A date without a year is the next one (``prefer="future"``) or the last one."""
    iso = _ISO_DATE.match(text)
    found = _DAY_MONTH.match(text)
    if iso is None and found is None:
        return False
    if iso is not None:
        year, month, day = (int(part) for part in iso.groups())
    else:
        day, month = int(found.group(1)), int(found.group(2))  # type: ignore[union-attr]
        written = found.group(3)  # type: ignore[union-attr]
        year = (int(written) + (2000 if len(written) == 2 else 0)) if written else today.year
    try:
        result = date(year, month, day)
    except ValueError:
        return None
    if iso is None and found.group(3) is None:  # type: ignore[union-attr]
        if prefer == "future" and result < today:
            result = result.replace(year=year + 1)
        elif prefer == "past" and result > today:
            result = result.replace(year=year - 1)
    return result if FIRST_YEAR <= result.year <= LAST_YEAR else None


def leading_date(words: list[str]) -> int:
    """How many leading words form a date expression (0: none). Only what a date is made
    of counts: ``2026-12-04 3 días de jornada`` takes one word, ``mañana 2 patrullas`` one,
    ``en 3 días Patrullaje`` three, ``el 4 de diciembre de 2026 …`` six. The expression
    ends at the first word with a trailing comma, colon or semicolon (``viernes, revisar``):
    people write one there, and a date never runs on past it."""
    folded: list[str] = []
    for word in words[:7]:
        folded.append(fold(_without_closing(word)))
        if word != _without_closing(word):
            break
    if not folded:
        return 0
    first = folded[0]
    if first in FILLER_WORDS:  # "el viernes", "próximo lunes", "el 4 de diciembre"
        after = folded[1:]
        if after and (after[0] in WEEKDAY_WORDS or after[0] in DAY_WORDS):
            return 2
        size = _day_and_month(after)
        return 1 + size if size else 0
    if first in WEEKDAY_WORDS or first in DAY_WORDS or _DAYS_SHORT.match(first):
        return 1
    if _ISO_DATE.match(first) or _DAY_MONTH.match(first):
        return 1
    if folded[:2] == ["pasado", "manana"]:
        return 2
    if first in IN_WORDS:  # "en 3 días"
        return 3 if _amount(folded[1:3]) else 0
    if folded[:2] == ["dentro", "de"]:  # "dentro de 3 días"
        return 4 if _amount(folded[2:4]) else 0
    return _day_and_month(folded)


def _without_closing(word: str) -> str:
    """``word`` without one trailing comma, colon or semicolon (``viernes,`` → ``viernes``)."""
    return word[:-1] if len(word) > 1 and word[-1] in _CLOSING else word


def _amount(words: list[str]) -> bool:
    return len(words) == 2 and bool(_NUMBER.match(words[0])) and words[1] in UNIT_WORDS


def _day_and_month(words: list[str]) -> int:
    """``4 de diciembre [de 2026]``, ``4 dic [2026]``: how many words, or 0."""
    if not words or not _DAY_NUMBER.match(words[0]):
        return 0
    month_at = 2 if len(words) > 2 and words[1] == "de" else 1
    if len(words) <= month_at or words[month_at] not in MONTH_WORDS:
        return 0
    size = month_at + 1
    year = words[size : size + 2]
    if year[:1] == ["de"] and len(year) == 2 and _YEAR.match(year[1]):
        return size + 2
    return size + 1 if year and _YEAR.match(year[0]) else size


def parse_day(text: str, now: datetime, zone: ZoneInfo, *, prefer: str = "future") -> date | None:
    """The local calendar day ``text`` names, or None if it names none.

    ``prefer`` settles "viernes": the next one for a due date ("future"), the last one for
    when a shooting happened ("past").
    """
    if has_foreign_digits(text):
        return None
    cleaned = " ".join(text.strip().lower().split())
    local_today = now.astimezone(zone).date()
    numeric = _numeric_date(cleaned, local_today, prefer)
    if numeric is not False:
        return numeric  # type: ignore[return-value]
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
    if parsed is None or not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        return None
    return parsed.date()


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


def split_due(words: list[str]) -> tuple[str | None, list[str]]:
    """Split "<due> <text…>": the due date is the leading date expression only
    (``leading_date``), or a quoted phrase (``"en 3 días"``, ``“en 3 días”``, ``«mañana»``:
    a phone's quotes are quotes) as it stands, without its quotes. A comma, colon or
    semicolon right after either belongs to neither (``viernes, revisar``). None: the words
    start with no date."""
    if words and words[0][:1] in QUOTE_MARKS:
        for end, word in enumerate(words):
            last = _without_closing(word)
            if last[-1:] in QUOTE_MARKS and (end > 0 or len(last) > 1):
                phrase = " ".join([*words[:end], last]).translate(_AS_QUOTE)
                return phrase.strip('"').strip(), words[end + 1 :]
    size = leading_date(words)
    if not size:
        return None, words
    return " ".join([*words[: size - 1], _without_closing(words[size - 1])]), words[size:]


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
    deadline, counts from now. Then a leading quoted phrase that names no day (``"Sendero
    Seguro" revisar``) is the start of the text, kept as typed, quotes and all: it is what
    the user wrote, and the privacy guard reads a quoted name as one.
    """
    due_words, rest = split_due(words)
    quoted = due_words is not None and words[0][:1] in QUOTE_MARKS
    if kind_hours is not None and (
        due_words is None or (quoted and parse_day(due_words, now, zone) is None)
    ):
        return now + timedelta(hours=kind_hours), words
    if due_words is None:
        raise InvalidInput("error.date_unparsed", text=words[0] if words else "")
    if not rest:
        raise InvalidInput("usage.action")
    return parse_due(due_words, now, zone, due_hour=due_hour, max_days=max_days), rest


def iso_week_monday(word: str, year: int) -> datetime | None:
    """The (naive) Monday of ISO week ``2026-W48``, or of ``W48`` in ``year``; None if
    ``word`` names no week (nor does ``２０２６-W48``: folding would make its digits ASCII)."""
    if has_foreign_digits(word):
        return None
    text = fold(word).upper()
    if re.fullmatch(r"W[0-9]{1,2}", text, re.ASCII):
        text = f"{year}-{text}"
    if not re.fullmatch(r"[0-9]{4}-W[0-9]{1,2}", text, re.ASCII):
        return None
    try:
        monday = datetime.strptime(f"{text}-1", "%G-W%V-%u")
    except ValueError:
        return None
    year, week = (int(part) for part in text.split("-W"))
    if monday.isocalendar()[:2] != (year, week):  # 2024-W53 is no week: 2024 has 52
        return None
    return monday if FIRST_YEAR <= monday.year <= LAST_YEAR else None


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
        day = (
            _numeric_date(word, now.astimezone(zone).date(), "past")
            if _ISO_DATE.match(word)
            else None
        )
        if not day:
            return None
        monday = datetime.combine(day - timedelta(days=day.weekday()), time())
    start = monday.replace(tzinfo=zone)
    return start, start + timedelta(days=7)


def parse_period(
    words: list[str], *, end: datetime, now: datetime, zone: ZoneInfo
) -> tuple[datetime, datetime, list[str]]:
    """``[N semanas | 2026-W48] …`` → (start, end, the words left): the last N weeks (1 to
    104) before ``end``, one ISO week, or by default the 4 weeks before ``end``."""
    start = end - timedelta(weeks=4)
    if words and not has_foreign_digits(words[0]):  # folding would read ``８sem`` as 8
        first = fold(words[0]).rstrip("sw")  # 8s, 8w
        for suffix in WEEK_SUFFIXES:  # 8sem, 8seman(as)
            first = first.removesuffix(suffix)
        weeks = parse_number(first, low=1, high=104)
        if weeks is not None:
            start, words = end - timedelta(weeks=weeks), words[1:]
        elif fold(words[0]).upper().lstrip("0123456789-").startswith("W"):
            end = week_end(words[0], now, zone)
            start, words = end - timedelta(weeks=1), words[1:]
    return start, end, words


def parse_time(text: str) -> time:
    """A local clock time: ``22:10``, ``22.10``, ``22h``, ``10pm`` (ASCII digits only)."""
    match = _TIME_RE.fullmatch(text.strip())
    if match is None or has_foreign_digits(text):
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
