"""Incidents loaded from a file (``ceasefire import incidents``): stored in date order with
their codes, in one transaction, skipping the ones imported before (by their id in the file).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlmodel import Session, col, select

from domain.terms import Role
from storage import audit
from storage.groups import get_or_create_sector, sector_key
from storage.incidents import incident_code, last_sequence, sector_prefix
from storage.models.groups import Sector
from storage.models.incidents import Incident
from storage.models.members import Member

IMPORTER_TELEGRAM_ID = 0  # no Telegram user has id 0: the importer is never a chat user


@dataclass(frozen=True, slots=True)
class NewIncident:
    """One incident read from an import file (already validated)."""

    ref: str | None
    sector: str
    type: str
    occurred_at: datetime
    time_known: bool = True
    victims: int = 0
    injured: int = 0
    place: str = ""
    group_code: str | None = None
    conflict_code: str | None = None
    risk: str | None = None
    classification: str = ""  # domain.measures.Classification; "" = the type
    source: str = "import"

    def __post_init__(self) -> None:
        if not self.classification:
            object.__setattr__(self, "classification", self.type)


def _importer(session: Session, now: datetime) -> int:
    """The member imports are recorded under: inactive, so it can never act in a chat."""
    member = session.exec(select(Member).where(Member.telegram_id == IMPORTER_TELEGRAM_ID)).first()
    if member is None:
        member = Member(
            telegram_id=IMPORTER_TELEGRAM_ID,
            display_name="Importación",
            role=Role.coordinator,
            active=False,
            created_at=now,
        )
        session.add(member)
        session.flush()
    return member.id  # type: ignore[return-value]


def _known_refs(session: Session, refs: list[str]) -> set[str]:
    """Which of the file ids were imported before (asked 900 at a time: SQLite's limit)."""
    known: set[str] = set()
    for chunk in range(0, len(refs), 900):
        known |= set(
            session.exec(
                select(Incident.source_ref).where(
                    col(Incident.source_ref).in_(refs[chunk : chunk + 900])
                )
            )
        )
    return known


class _Codes:
    """Incident codes for a batch: each sector's sequence of each year continues from the
    highest number stored."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sectors: dict[str, Sector] = {}
        self.sequence: dict[tuple[int, int], int] = {}

    def next(self, sector_name: str, year: int) -> tuple[Sector, int]:
        key = sector_key(sector_name)
        if key not in self.sectors:
            sector = get_or_create_sector(self.session, sector_name)
            sector_prefix(self.session, sector)
            self.sectors[key] = sector
        sector = self.sectors[key]
        counter = (sector.id or 0, year)
        if counter not in self.sequence:
            self.sequence[counter] = last_sequence(self.session, counter[0], year)
        self.sequence[counter] += 1
        return sector, self.sequence[counter]


def _row(incident: NewIncident, codes: _Codes, zone: ZoneInfo) -> dict[str, Any]:
    year = incident.occurred_at.astimezone(zone).year
    sector, seq = codes.next(incident.sector, year)
    return {
        "code": incident_code(sector.prefix or "", year, seq),
        "sector_id": sector.id,
        "year": year,
        "seq": seq,
        "type": incident.type,
        "classification": incident.classification,
        "source": incident.source,
        "occurred_at": incident.occurred_at,
        "time_known": incident.time_known,
        "place": incident.place,
        "victims": incident.victims,
        "injured": incident.injured,
        "group_code": incident.group_code,
        "conflict_code": incident.conflict_code,
        "risk": incident.risk,
        "notes": "",
        "group_id": None,
        "source_ref": incident.ref,
    }


def import_incidents(
    session: Session, incidents: list[NewIncident], *, zone: ZoneInfo, now: datetime
) -> tuple[int, int]:
    """Store new incidents in date order with their codes; returns (imported, duplicates)."""
    known = _known_refs(session, [i.ref for i in incidents if i.ref])
    fresh = sorted(
        (i for i in incidents if i.ref not in known or i.ref is None), key=lambda i: i.occurred_at
    )
    if not fresh:
        return 0, len(incidents)
    actor = _importer(session, now)
    codes = _Codes(session)
    rows = [{**_row(i, codes, zone), "created_by": actor, "created_at": now} for i in fresh]
    session.execute(insert(Incident), rows)
    audit.record(
        session,
        at=now,
        actor_id=actor,
        action="incident.import",
        entity="incident",
        entity_id="",
        imported=len(rows),
        duplicates=len(incidents) - len(rows),
    )
    return len(rows), len(incidents) - len(rows)
