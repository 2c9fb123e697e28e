"""Dates and times in ASCII digits only: ``٢٢:١٠``, ``２２:１０`` or ``٣١/١٢`` name no time or
date, and are refused with the message any unreadable one gets (never stored as read)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.input.dates import (
    parse_day,
    parse_due,
    parse_iso_date,
    parse_period,
    parse_time,
    week_end,
    week_window,
)
from bot.input.incident_fields import Context, parse_date
from bot.input.kv import has_foreign_digits
from bot.input.meeting_times import parse_clock
from domain.errors import InvalidInput
from storage.actions import list_open_items
from storage.audit import latest
from storage.incidents import list_incidents
from tests.conftest import COORD, GROUP, World

ZONE = ZoneInfo("America/Mexico_City")
NOW = datetime(2026, 11, 30, 16, tzinfo=UTC)
FOREIGN_TIMES = ["٢٢:١٠", "２２:１０", "۲۲:۱۰", "२२:१०", "²2:10", "22:1٠", "٢٢h", "١٠pm"]
FOREIGN_DATES = [
    "٣١/١٢",
    "３１/１２",
    "hace ٣ días",
    "en ٣ días",
    "٢٠٢٦-١٢-٠٤",
    "4 de diciembre ٢٠٢٦",
]


def test_foreign_digits_are_told_apart() -> None:
    assert not has_foreign_digits("22:10 2026-12-04 hace 3 días ñ 🔵")
    assert all(has_foreign_digits(text) for text in [*FOREIGN_TIMES, *FOREIGN_DATES])


@pytest.mark.parametrize("text", FOREIGN_TIMES)
def test_times_take_ascii_digits_only(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_time(text)
    assert (info.value.key, info.value.params) == ("error.time_unparsed", {"value": text})
    with pytest.raises(InvalidInput) as info:
        parse_clock(text)  # a meeting time: the same parser, the same message
    assert info.value.key == "error.time_unparsed"


@pytest.mark.parametrize(
    ("text", "minutes"), [("22:10", 1330), (" 9.30 ", 570), ("22h", 1320), ("10pm", 1320)]
)
def test_ascii_times_still_read(text: str, minutes: int) -> None:
    assert parse_clock(text) == minutes


@pytest.mark.parametrize("text", FOREIGN_DATES)
def test_dates_take_ascii_digits_only(text: str) -> None:
    assert parse_day(text, NOW, ZONE) is None
    assert parse_day(text, NOW, ZONE, prefer="past") is None
    with pytest.raises(InvalidInput) as info:
        parse_due(text, NOW, ZONE)
    assert (info.value.key, info.value.params) == ("error.date_unparsed", {"text": text})
    with pytest.raises(InvalidInput) as info:
        parse_date(text, Context(now=NOW, zone=ZONE, sectors=["Plateros"]))  # an incident's
    assert info.value.key == "error.incident_date"


def test_ascii_dates_still_read() -> None:
    assert parse_day("hace 3 días", NOW, ZONE, prefer="past") == date(2026, 11, 27)
    assert parse_day("31/12", NOW, ZONE) == date(2026, 12, 31)
    assert week_window("٢٠٢٦-١٢-٠٤", NOW, ZONE) is None


@pytest.mark.parametrize("word", ["２０２６-W48", "W４８", "٢٠٢٦-W٤٨"])
def test_weeks_take_ascii_digits_only(word: str) -> None:
    # ``fold`` (NFKD) turns full-width digits into ASCII ones: refused before it.
    assert week_window(word, NOW, ZONE) is None
    with pytest.raises(InvalidInput) as info:
        week_end(word, NOW, ZONE)
    assert info.value.key == "error.week"
    assert week_window("2026-W48", NOW, ZONE) is not None


@pytest.mark.parametrize("word", ["８sem", "٨", "²s"])
def test_periods_take_ascii_digits_only(word: str) -> None:
    end = datetime(2026, 12, 7, 6, tzinfo=UTC)
    start, _, words = parse_period([word, "Plateros"], end=end, now=NOW, zone=ZONE)
    assert (start, words) == (end - timedelta(weeks=4), [word, "Plateros"])  # not a period
    assert parse_period(["8sem"], end=end, now=NOW, zone=ZONE)[0] == end - timedelta(weeks=8)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-11-20", date(2026, 11, 20)),
        (" 2000-01-01 ", date(2000, 1, 1)),
        ("2100-12-31", date(2100, 12, 31)),
        ("1999-12-31", None),
        ("2101-01-01", None),
        ("0001-01-01", None),
        ("2026-02-30", None),
        ("20261120", None),
        ("2026-11-20T10:00", None),
        ("٢٠٢٦-١١-٢٠", None),
        ("2026-11-20\n", date(2026, 11, 20)),
        ("", None),
    ],
)
def test_file_dates_are_strict_iso_within_bounds(text: str, day: date | None) -> None:
    assert parse_iso_date(text) == day


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/accion SSC ٣١/١٢ texto", "No entendí la fecha “٣١/١٢”"),
        ('/accion SSC "٣١/١٢" texto', "No entendí la fecha “٣١/١٢”"),
        ("/accion SSC “en ٣ días” texto", "No entendí la fecha “en ٣ días”"),
        ("/accion SSC ３１/１２ texto", "No entendí la fecha “３１/１２”"),
        ("/incidente tipo=lesiones fecha=ayer hora=٢٢:١٠", "No entendí la hora “٢٢:١٠”"),
        ("/incidente tipo=lesiones fecha=ayer hora=２２:１０", "No entendí la hora “２２:１０”"),
        ('/incidente tipo=lesiones fecha="hace ٣ días"', "No entendí la fecha “hace ٣ días”"),
        ("/incidente tipo=lesiones fecha=٢٩/١١", "No entendí la fecha “٢٩/١١”"),
    ],
)
async def test_foreign_digits_are_refused_and_nothing_is_stored(
    world: World, command: str, expected: str
) -> None:
    world.seed()
    before = len(world.database.call(latest, 1000))
    assert expected in await world.reply(COORD, GROUP, command)
    assert world.database.call(list_open_items, world.clock()) == []
    start = datetime(2025, 1, 1, tzinfo=UTC)
    assert world.database.call(list_incidents, ["Plateros"], start=start, end=world.clock()) == []
    assert len(world.database.call(latest, 1000)) == before
