"""Validation of incident fields, shared by ``/incidente key=value``, the guided conversation
and ``/incidente_editar``: each field has one parser, so all three refuse the same things.

Incidents happened in the past: a date in the future or more than a year back is refused.
Group and conflict codes must look like codes (``G-07``), never like names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.input.dates import parse_day, parse_time
from bot.input.kv import parse_number
from bot.input.privacy import checked_text
from bot.input.vocabulary import INCIDENT_TYPE_WORDS, RISK_WORDS, lookup
from domain.errors import InvalidInput
from domain.terms import IncidentType
from storage.groups import sector_key
from storage.incidents import IncidentData

T = TypeVar("T")
MAX_VICTIMS = 50
MAX_PLACE, MAX_NOTES = 120, 500
_CODE_RE = re.compile(r"^[A-Za-z]{1,4}-?\d{1,4}$", re.ASCII)


@dataclass(frozen=True, slots=True)
class Context:
    now: datetime
    zone: ZoneInfo
    sectors: list[str]  # the group's sectors, in display form


def parse_date(text: str, ctx: Context) -> date:
    day = parse_day(text, ctx.now, ctx.zone, prefer="past")
    if day is None:
        raise InvalidInput("error.incident_date", value=text)
    today = ctx.now.astimezone(ctx.zone).date()
    if day > today:
        raise InvalidInput("error.incident_future", value=text)
    if day < today - timedelta(days=366):
        raise InvalidInput("error.incident_old", value=text)
    return day


def occurred_at(day: date, at: time | None, ctx: Context) -> tuple[datetime, bool]:
    """The moment as aware UTC, and whether the time was known (else noon, flagged)."""
    moment = datetime.combine(day, at or time(12, 0), tzinfo=ctx.zone)
    if at is not None and moment > ctx.now:
        raise InvalidInput("error.incident_future", value=f"{day.isoformat()} {at:%H:%M}")
    return moment.astimezone(ZoneInfo("UTC")), at is not None


def parse_sector(text: str, ctx: Context) -> str:
    for name in ctx.sectors:
        if sector_key(name) == sector_key(text):
            return name
    raise InvalidInput("error.incident_sector", value=text, sectors=", ".join(ctx.sectors))


def parse_count(text: str, field: str) -> int:
    """A victim count; ``field`` is ``victims`` or ``injured`` (it names the error)."""
    count = parse_number(text, low=0, high=MAX_VICTIMS)
    if count is None:
        raise InvalidInput(f"error.count_{field}", value=text, limit=MAX_VICTIMS)
    return count


def parse_code(text: str, field: str) -> str:
    """A group or conflict code (``G-07``); ``field`` is ``group`` or ``conflict``."""
    if not _CODE_RE.match(text.strip()):
        raise InvalidInput(f"error.code_{field}", value=text)
    return text.strip().upper()


def parse_free(text: str, limit: int) -> str:
    """A place or notes: spacing collapsed, within ``limit``, no personal data."""
    return checked_text(" ".join(text.split()), limit)


def check_counts(kind: IncidentType, victims: int | None, injured: int | None) -> tuple[int, int]:
    """Default and check victim counts against the type (a homicide has a fatal victim)."""
    if kind is IncidentType.homicide:
        victims, injured = (1 if victims is None else victims), injured or 0
        if victims < 1:
            raise InvalidInput("error.incident_homicide_victims")
    else:
        victims, injured = victims or 0, (1 if injured is None else injured)
        if victims > 0:
            raise InvalidInput("error.incident_nonfatal_victims")
        if injured < 1:
            raise InvalidInput("error.incident_nonfatal_injured")
    return victims, injured


def build_incident(fields: dict[str, str], ctx: Context) -> IncidentData:
    """A new incident from raw field values (canonical names as in ``INCIDENT_FIELDS``)."""
    missing = [f for f in ("type", "date") if f not in fields]
    if "sector" not in fields and len(ctx.sectors) != 1:
        missing.append("sector")
    if missing:
        raise InvalidInput("error.incident_missing")
    kind = lookup(INCIDENT_TYPE_WORDS, fields["type"], "error.incident_type")
    day = parse_date(fields["date"], ctx)
    at = parse_time(fields["time"]) if "time" in fields else None
    moment, time_known = occurred_at(day, at, ctx)
    victims, injured = check_counts(
        kind,
        _optional(fields, "victims", lambda v: parse_count(v, "victims")),
        _optional(fields, "injured", lambda v: parse_count(v, "injured")),
    )
    return IncidentData(
        type=kind,
        occurred_at=moment,
        time_known=time_known,
        sector=parse_sector(fields["sector"], ctx) if "sector" in fields else ctx.sectors[0],
        place=parse_free(fields.get("place", ""), MAX_PLACE),
        victims=victims,
        injured=injured,
        group_code=_optional(fields, "group_code", lambda v: parse_code(v, "group")),
        conflict_code=_optional(fields, "conflict_code", lambda v: parse_code(v, "conflict")),
        risk=_optional(fields, "risk", lambda v: lookup(RISK_WORDS, v, "error.incident_risk")),
        notes=parse_free(fields.get("notes", ""), MAX_NOTES),
    )


def _optional(fields: dict[str, str], key: str, parse: Callable[[str], T]) -> T | None:
    return parse(fields[key]) if key in fields else None


def build_changes(fields: dict[str, str], current: IncidentData, ctx: Context) -> dict[str, object]:
    """Validated changes to an existing incident (``/incidente_editar``).

    Reclassifying a non-fatal shooting as a homicide (a victim died later) moves one
    injured victim to the fatal count unless the counts are given too.
    """
    if not fields:
        raise InvalidInput("usage.incident_edit")
    changes: dict[str, object] = {}
    kind = current.type
    if "type" in fields:
        kind = lookup(INCIDENT_TYPE_WORDS, fields["type"], "error.incident_type")
        changes["type"] = kind
    if "date" in fields or "time" in fields:
        local = current.occurred_at.astimezone(ctx.zone)
        day = parse_date(fields["date"], ctx) if "date" in fields else local.date()
        at = (
            parse_time(fields["time"])
            if "time" in fields
            else (local.time() if current.time_known else None)
        )
        changes["occurred_at"], changes["time_known"] = occurred_at(day, at, ctx)
    victims = _optional(fields, "victims", lambda v: parse_count(v, "victims"))
    injured = _optional(fields, "injured", lambda v: parse_count(v, "injured"))
    if kind is not current.type and victims is None and injured is None:
        if kind is IncidentType.homicide:
            victims, injured = max(current.victims, 1), max(current.injured - 1, 0)
        else:
            victims, injured = 0, max(current.injured, 1)
    if kind is not current.type or victims is not None or injured is not None:
        changes["victims"], changes["injured"] = check_counts(
            kind,
            current.victims if victims is None else victims,
            current.injured if injured is None else injured,
        )
    if "sector" in fields:
        changes["sector"] = parse_sector(fields["sector"], ctx)
    if "place" in fields:
        changes["place"] = parse_free(fields["place"], MAX_PLACE)
    if "notes" in fields:
        changes["notes"] = parse_free(fields["notes"], MAX_NOTES)
    if "group_code" in fields:
        changes["group_code"] = parse_code(fields["group_code"], "group")
    if "conflict_code" in fields:
        changes["conflict_code"] = parse_code(fields["conflict_code"], "conflict")
    if "risk" in fields:
        changes["risk"] = lookup(RISK_WORDS, fields["risk"], "error.incident_risk")
    return changes
