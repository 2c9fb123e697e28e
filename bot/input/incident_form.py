"""Answers to the guided ``/incidente`` form, checked at their step so a mistake is caught
where it was made: a pressed choice (type, sector, risk) or a typed answer (when, place,
victims, codes, notes). Each answer lands in the draft's ``data`` under the field names of
``/incidente campo=valor``, which is validated once more when the form ends.
"""

from __future__ import annotations

from typing import Any

from bot.input.dates import parse_time
from bot.input.incident_fields import (
    MAX_NOTES,
    MAX_PLACE,
    Context,
    check_counts,
    occurred_at,
    parse_code,
    parse_count,
    parse_date,
    parse_free,
)
from bot.input.kv import parse_number
from bot.input.vocabulary import INCIDENT_TYPE_WORDS, RISK_WORDS, SKIP, fold
from domain.errors import InvalidInput
from domain.terms import IncidentType

ORDER = ("type", "sector", "when", "place", "victims", "codes", "risk", "notes")
TEXT_STEPS = ("when", "place", "victims", "codes", "notes")


def next_step(step: str, sectors: list[str]) -> str | None:
    """The step after ``step``; the sector question only when there is a choice."""
    following = [s for s in ORDER[ORDER.index(step) + 1 :] if s != "sector" or len(sectors) > 1]
    return following[0] if following else None


def apply_choice(field: str, value: str, *, data: dict[str, Any], sectors: list[str]) -> None:
    """A pressed choice: a type, a sector (by its position) or a risk (``none``: skipped)."""
    if field == "type":
        data["type"] = INCIDENT_TYPE_WORDS[value].value if value in INCIDENT_TYPE_WORDS else None
    elif field == "sector":
        position = parse_number(value, low=0, high=len(sectors) - 1)
        data["sector"] = None if position is None else sectors[position]
    elif value != "none":
        data["risk"] = RISK_WORDS[value].value if value in RISK_WORDS else None
    if data.get(field, "") is None:
        raise InvalidInput("error.bad_button")


def _when(words: list[str], data: dict[str, Any], ctx: Context) -> None:
    """``ayer 22:10``: a day, and a time if the last word is one."""
    at = None
    if len(words) > 1:
        try:
            at = parse_time(words[-1])
            words = words[:-1]
        except InvalidInput:
            at = None
    day = parse_date(" ".join(words), ctx)
    occurred_at(day, at, ctx)  # refuses a time in the future
    data["date"] = day.isoformat()
    if at is not None:
        data["time"] = at.strftime("%H:%M")


def _victims(words: list[str], data: dict[str, Any]) -> None:
    """One number (killed for a homicide, injured otherwise) or two (killed, injured)."""
    counts = [parse_count(w, "victims") for w in words[:2]]
    if len(words) > 2 or not counts:
        raise InvalidInput("flow.bad_victims")
    kind = IncidentType(data["type"])
    if len(counts) == 2:
        victims, injured = check_counts(kind, counts[0], counts[1])
    elif kind is IncidentType.homicide:
        victims, injured = check_counts(kind, counts[0], None)
    else:
        victims, injured = check_counts(kind, None, counts[0])
    data["victims"], data["injured"] = str(victims), str(injured)


def _codes(words: list[str], data: dict[str, Any]) -> None:
    """A group code, and optionally a conflict code (``G-07 C-02``)."""
    if len(words) > 2:
        raise InvalidInput("flow.bad_codes")
    data["group_code"] = parse_code(words[0], "group")
    if len(words) == 2:
        data["conflict_code"] = parse_code(words[1], "conflict")


def apply_answer(step: str, text: str, *, data: dict[str, Any], ctx: Context) -> None:
    """A typed answer to the question of ``step``; ``-``, ``no``… skip the optional ones."""
    words = text.split()
    skip = fold(text) in SKIP
    if step == "when":
        _when(words, data, ctx)
    elif step == "place" and not skip:
        data["place"] = parse_free(text, MAX_PLACE)
    elif step == "notes" and not skip:
        data["notes"] = parse_free(text, MAX_NOTES)
    elif step == "victims" and not skip:
        _victims(words, data)
    elif step == "codes" and not skip:
        _codes(words, data)
