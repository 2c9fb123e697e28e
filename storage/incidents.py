"""Incidents (shootings): codes, recording, corrections and the timeliness facts.

An incident code is the sector's three-letter prefix, the local year and a sequence within
that sector and year: ``PLA-2026-031``. The sector row is locked while the next number is
taken, so two coordinators recording at once never get the same code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, or_, select

from domain.actor import Actor
from domain.errors import NotFound
from domain.measures import BOT_SOURCE, Duplicate
from domain.terms import IncidentType, Risk
from storage import audit
from storage.duplicates import find_duplicate
from storage.groups import find_group_id, sector_key
from storage.models.groups import GroupSector, Sector
from storage.models.incidents import Incident, Review, ReviewAgenda
from storage.types import as_utc

CODE_RE = re.compile(r"^[A-Z]{3}-\d{4}-\d{3,}$")


@dataclass(frozen=True, slots=True)
class IncidentData:
    """The editable facts of an incident, validated by the caller."""

    type: IncidentType
    occurred_at: datetime
    sector: str
    time_known: bool = True
    place: str = ""
    victims: int = 0
    injured: int = 0
    group_code: str | None = None
    conflict_code: str | None = None
    risk: Risk | None = None
    notes: str = ""


@dataclass(frozen=True, slots=True)
class IncidentView:
    id: int
    code: str
    data: IncidentData
    reviewed_at: datetime | None
    first_completed_at: datetime | None
    duplicate_of: str | None = None  # the code of the record this one may repeat (unjudged)


def _prefix_candidates(name: str) -> list[str]:
    letters = [c for c in sector_key(name).upper() if "A" <= c <= "Z"] or ["X"]
    first, rest = letters[0], [*letters[1:], "X", "X"]
    candidates = ["".join([first, *rest[:2]])]
    candidates += [first + rest[0] + c for c in rest[2:]]
    candidates += [first + a + b for i, a in enumerate(rest) for b in rest[i + 1 :]]
    candidates += [first + f"{n:02d}" for n in range(100)]
    return list(dict.fromkeys(candidates))


def sector_prefix(session: Session, sector: Sector) -> str:
    """The sector's code prefix, assigned on first use: PLA, or PLT if PLA is taken."""
    if sector.prefix:
        return sector.prefix
    taken = set(session.exec(select(Sector.prefix).where(col(Sector.prefix).is_not(None))))
    sector.prefix = next(p for p in _prefix_candidates(sector.name) if p not in taken)
    session.add(sector)
    session.flush()
    return sector.prefix


def incident_code(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}-{year}-{seq:03d}"


def last_sequence(session: Session, sector_id: int, year: int) -> int:
    """The highest sequence number used for the sector's incidents of ``year`` (0: none)."""
    last = session.exec(
        select(func.max(Incident.seq)).where(Incident.sector_id == sector_id, Incident.year == year)
    ).one()
    return last or 0


def incident_view(incident: Incident, sector_name: str) -> IncidentView:
    data = IncidentData(
        type=IncidentType(incident.type),
        occurred_at=as_utc(incident.occurred_at),
        sector=sector_name,
        time_known=incident.time_known,
        place=incident.place,
        victims=incident.victims,
        injured=incident.injured,
        group_code=incident.group_code,
        conflict_code=incident.conflict_code,
        risk=Risk(incident.risk) if incident.risk else None,
        notes=incident.notes,
    )
    return IncidentView(
        incident.id,
        incident.code,
        data,
        as_utc(incident.reviewed_at) if incident.reviewed_at else None,
        as_utc(incident.first_completed_at) if incident.first_completed_at else None,
    )


def _sector(session: Session, name: str, lock: bool = False) -> Sector:
    stmt = select(Sector).where(Sector.key == sector_key(name))
    sector = session.exec(stmt.with_for_update() if lock else stmt).first()
    if sector is None:
        raise NotFound("error.sector_unknown", sector=name)
    return sector


def create_incident(
    session: Session,
    actor: Actor,
    data: IncidentData,
    *,
    zone: ZoneInfo,
    now: datetime,
    chat_id: int | None = None,
) -> IncidentView:
    sector = _sector(session, data.sector, lock=True)
    prefix = sector_prefix(session, sector)
    year = data.occurred_at.astimezone(zone).year
    seq = last_sequence(session, sector.id, year) + 1
    group_id = find_group_id(session, chat_id) if chat_id is not None else None
    facts = {f.name: getattr(data, f.name) for f in fields(IncidentData) if f.name != "sector"}
    original = find_duplicate(
        session,
        sector_id=sector.id,  # type: ignore[arg-type]
        classification=data.type,
        occurred_at=data.occurred_at,
        time_known=data.time_known,
        zone=zone,
        exclude_source=BOT_SOURCE,
    )
    incident = Incident(
        code=incident_code(prefix, year, seq),
        sector_id=sector.id,
        year=year,
        seq=seq,
        group_id=group_id,
        created_by=actor.member_id,
        created_at=now,
        classification=data.type,
        duplicate_of=original,
        duplicate=None if original is None else Duplicate.possible,
        **facts,
    )
    audit.added(
        session,
        incident,
        by=actor.member_id,
        at=now,
        action="incident.create",
        entity="incident",
        entity_id=incident.code,
        type=data.type,
        sector=sector.name,
        possible_duplicate_of=original,
    )
    if group_id is not None:
        _join_open_review(session, group_id, incident)
    view = incident_view(incident, sector.name)
    if original is None:
        return view
    first = session.get(Incident, original)
    return replace(view, duplicate_of=first.code if first else None)


def _join_open_review(session: Session, group_id: int, incident: Incident) -> None:
    """An incident recorded during the group's open review joins its agenda, at the end."""
    review_id = session.exec(select(Review.id).where(Review.open_group_id == group_id)).first()
    if review_id is None:
        return
    last = session.exec(
        select(func.max(ReviewAgenda.position)).where(ReviewAgenda.review_id == review_id)
    ).one()
    position = 0 if last is None else last + 1
    session.add(ReviewAgenda(review_id=review_id, position=position, incident_id=incident.id))


def _load(session: Session, code: str) -> tuple[Incident, Sector]:
    row = session.exec(
        select(Incident, Sector)
        .join(Sector, Incident.sector_id == Sector.id)
        .where(Incident.code == code.strip().upper())
    ).first()
    if row is None:
        raise NotFound("error.incident_unknown", code=code)
    return row


def get_incident(session: Session, code: str) -> IncidentView:
    incident, sector = _load(session, code)
    return incident_view(incident, sector.name)


def edit_incident(
    session: Session, actor: Actor, code: str, *, changes: dict[str, object], now: datetime
) -> tuple[IncidentView, dict[str, tuple[object, object]]]:
    """Apply validated field changes; returns the incident and {field: (old, new)}.

    The code never changes (later messages and items refer to it), even if the date or
    sector is corrected.
    """
    incident, sector = _load(session, code)
    before = incident_view(incident, sector.name).data
    after = replace(before, **changes)  # type: ignore[arg-type]
    diff = {
        f.name: (getattr(before, f.name), getattr(after, f.name))
        for f in fields(IncidentData)
        if getattr(before, f.name) != getattr(after, f.name)
    }
    if "sector" in diff:
        incident.sector_id = _sector(session, after.sector).id
    for name in diff.keys() - {"sector"}:
        setattr(incident, name, getattr(after, name))
    if "type" in diff:  # the coordinator's reclassification (a victim died later) wins
        incident.classification = after.type
    session.add(incident)
    session.flush()
    if diff:
        audit.record(
            session,
            at=now,
            actor_id=actor.member_id,
            action="incident.edit",
            entity="incident",
            entity_id=incident.code,
            changes={k: [str(a), str(b)] for k, (a, b) in diff.items()},
        )
    return incident_view(incident, after.sector), diff


def list_incidents(
    session: Session, sectors: list[str], *, start: datetime, end: datetime
) -> list[IncidentView]:
    """Incidents that occurred in ``[start, end)`` in the named sectors, oldest first."""
    keys = [sector_key(s) for s in sectors]
    stmt = (
        select(Incident, Sector)
        .join(Sector, Incident.sector_id == Sector.id)
        .where(Incident.occurred_at >= start, Incident.occurred_at < end)
        .where(col(Sector.key).in_(keys))
        .order_by(col(Incident.occurred_at), col(Incident.id))
    )
    return [incident_view(i, s.name) for i, s in session.exec(stmt)]


def unreviewed_incidents(session: Session, group_id: int, since: datetime) -> list[IncidentView]:
    """Unreviewed incidents of the group's sectors that happened, or were recorded, since
    ``since`` (a shooting recorded late still reaches a review)."""
    stmt = (
        select(Incident, Sector)
        .join(Sector, Incident.sector_id == Sector.id)
        .join(GroupSector, GroupSector.sector_id == Sector.id)
        .where(GroupSector.group_id == group_id)
        .where(or_(Incident.occurred_at >= since, Incident.created_at >= since))
        .where(col(Incident.reviewed_at).is_(None))
        .order_by(col(Incident.occurred_at), col(Incident.id))
    )
    return [incident_view(i, s.name) for i, s in session.exec(stmt)]


def note_item_completed(session: Session, incident_id: int, now: datetime) -> None:
    """Store when an incident's first action item was completed (once, never moved)."""
    incident = session.get(Incident, incident_id)
    if incident is not None and incident.first_completed_at is None:
        incident.first_completed_at = now
        session.add(incident)
