"""Incidents loaded from a file (``ceasefire import incidents``): stored in date order with
their codes, in one transaction, skipping the ones imported before (by source and id).

Each import also records what it covers (``Coverage``: the source, the sectors, the days), so
a week without a record inside that period is a true zero and one outside it is missing
data. Coverage rows of one source merge when they touch, so importing a file twice, or a
month after its predecessor, leaves one row. Rows that repeat a record of another source
(``storage.duplicates``) are stored flagged, not counted twice.

Rows are written in batches of ``BATCH`` (a list of 350,000 row dictionaries alone would take
about 400 MB), each one multi-row ``INSERT``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlmodel import Session, col, select

from domain.measures import Duplicate
from domain.terms import Role
from storage import audit
from storage.duplicates import Matcher, matcher_for
from storage.groups import get_or_create_sector, sector_key
from storage.incidents import incident_code, last_sequence, sector_prefix
from storage.models.groups import Sector
from storage.models.incidents import Coverage, Incident
from storage.models.members import Member

IMPORTER_TELEGRAM_ID = 0  # no Telegram user has id 0: the importer is never a chat user
BATCH = 5000


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
    alcaldia: str | None = None  # the sector's, with accents (Álvaro Obregón)

    def __post_init__(self) -> None:
        if not self.classification:
            object.__setattr__(self, "classification", self.type)


@dataclass
class ImportResult:
    """What an import stored (or, in a dry run, would store)."""

    imported: int = 0
    already: int = 0  # same source and id imported before
    flagged: int = 0  # stored as possible duplicates of another source's record
    counts: Counter[tuple[str, int]] = field(default_factory=Counter)  # (class, year) stored
    coverage: list[tuple[int | None, date, date]] = field(default_factory=list)


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


def _known_refs(session: Session, source: str) -> set[str]:
    """The ids of the source's records already stored (one query, however many)."""
    stmt = select(Incident.source_ref).where(
        Incident.source == source, col(Incident.source_ref).is_not(None)
    )
    return set(session.exec(stmt))  # type: ignore[arg-type]


def set_sector_details(sector: Sector, name: str, alcaldia: str | None) -> None:
    """Give a sector its proper name and alcaldía from an import: the alcaldía if it has
    none; the name if the stored one lacks the accents the import knows (``San Angel`` →
    ``San Ángel``) or is all capitals. A name typed with accents is never changed."""
    if alcaldia and not sector.alcaldia:
        sector.alcaldia = alcaldia
    if (
        sector.name != name
        and sector.name.isascii()
        and (not name.isascii() or sector.name.isupper())
    ):
        sector.name = name


class _Codes:
    """Sectors and incident codes for a batch: each sector's sequence of each year continues
    from the highest number stored."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sectors: dict[str, Sector] = {}
        self.sequence: dict[tuple[int, int], int] = {}

    def sector(self, incident: NewIncident) -> Sector:
        key = sector_key(incident.sector)
        if key not in self.sectors:
            sector = get_or_create_sector(self.session, incident.sector)
            set_sector_details(sector, incident.sector, incident.alcaldia)
            self.session.add(sector)
            self.sectors[key] = sector
        return self.sectors[key]

    def next(self, incident: NewIncident, year: int) -> tuple[Sector, int]:
        sector = self.sector(incident)
        if sector.prefix is None:
            sector_prefix(self.session, sector)
        counter = (sector.id or 0, year)
        if counter not in self.sequence:
            self.sequence[counter] = last_sequence(self.session, counter[0], year)
        self.sequence[counter] += 1
        return sector, self.sequence[counter]


def _row(
    incident: NewIncident, codes: _Codes, *, zone: ZoneInfo, matcher: Matcher
) -> dict[str, Any]:
    year = incident.occurred_at.astimezone(zone).year
    sector, seq = codes.next(incident, year)
    assert sector.id is not None  # flushed by get_or_create_sector
    twin = matcher.match(
        sector.id,
        incident.classification,
        occurred_at=incident.occurred_at,
        time_known=incident.time_known,
    )
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
        "duplicate_of": twin,
        "duplicate": None if twin is None else Duplicate.possible.value,
    }


def _batches(items: list[NewIncident], size: int) -> Iterator[list[NewIncident]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def record_coverage(
    session: Session, source: str, *, sector_id: int | None, days: tuple[date, date], now: datetime
) -> tuple[int | None, date, date]:
    """Store that ``source`` covers ``sector_id`` (None: every sector) on ``days``, merged
    with the source's rows for that sector it overlaps or touches."""
    first, last = days
    stmt = select(Coverage).where(Coverage.source == source)
    stmt = stmt.where(
        col(Coverage.sector_id).is_(None) if sector_id is None else Coverage.sector_id == sector_id
    )
    for row in session.exec(stmt):
        if row.first_day <= last + timedelta(days=1) and first <= row.last_day + timedelta(days=1):
            first, last = min(first, row.first_day), max(last, row.last_day)
            session.delete(row)
    session.flush()
    session.add(
        Coverage(source=source, sector_id=sector_id, first_day=first, last_day=last, created_at=now)
    )
    return sector_id, first, last


def import_incidents(
    session: Session,
    incidents: list[NewIncident],
    *,
    zone: ZoneInfo,
    now: datetime,
    days: tuple[date, date] | None = None,
    city_wide: bool = False,
    source: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Store new incidents (one source: ``source``, default the rows') in date order with
    their codes, flag possible duplicates, and record that the source covers ``days``
    (None: the rows' first to last local day) in every sector (``city_wide``: the FGJ file,
    where a sector without a row had none) or in the rows' sectors. ``progress(n)`` after
    each ``n`` rows written."""
    result = ImportResult()
    source = source or (incidents[0].source if incidents else "import")
    if days is None and incidents:
        first, last = min(i.occurred_at for i in incidents), max(i.occurred_at for i in incidents)
        days = (first.astimezone(zone).date(), last.astimezone(zone).date())
    known = _known_refs(session, source)
    fresh = sorted(
        (i for i in incidents if i.ref is None or i.ref not in known), key=lambda i: i.occurred_at
    )
    result.already = len(incidents) - len(fresh)
    codes = _Codes(session)
    sector_ids = sorted({codes.sector(i).id or 0 for i in incidents})
    matcher = (
        matcher_for(session, sector_ids, days, zone=zone, exclude_source=source)
        if days is not None and fresh
        else Matcher(zone)
    )
    actor = _importer(session, now)
    for chunk in _batches(fresh, BATCH):
        extra = {"created_by": actor, "created_at": now}
        rows = [{**_row(i, codes, zone=zone, matcher=matcher), **extra} for i in chunk]
        session.connection().execute(insert(Incident.__table__), rows)  # Core: no ORM bulk cost
        result.flagged += sum(r["duplicate_of"] is not None for r in rows)
        result.counts.update((r["classification"], r["year"]) for r in rows)
        if progress is not None:
            progress(len(rows))
    result.imported = len(fresh)
    for sector_id in ([None] if city_wide else sector_ids) if days else []:
        result.coverage.append(
            record_coverage(session, source, sector_id=sector_id, days=days, now=now)
        )
    audit.record(
        session,
        at=now,
        actor_id=actor,
        action="incident.import",
        entity="incident",
        entity_id=source,
        imported=result.imported,
        duplicates=result.already,
        flagged=result.flagged,
    )
    return result
