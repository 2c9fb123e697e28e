"""Possible duplicates and a coordinator's judgement of them (``/duplicados``).

An incident flagged as a possible duplicate (``Incident.duplicate_of``: the same sector,
measure and day, within an hour, recorded from another source) is not counted until a
coordinator judges the pair: ``merged`` (one event: the flagged record stays uncounted, the
other carries it) or ``distinct`` (two events: both count). A judgement can be changed; each
one is in the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from domain.actor import Actor
from domain.errors import InvalidInput, NotFound
from domain.measures import Duplicate
from storage import audit
from storage.groups import sector_key
from storage.models.groups import Sector
from storage.models.incidents import Incident
from storage.types import as_utc


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    code: str  # the flagged record
    source: str
    original: str  # the record it may repeat
    original_source: str
    sector: str
    classification: str
    occurred_at: datetime
    original_at: datetime
    state: str  # domain.measures.Duplicate


def possible_duplicates(
    session: Session,
    sectors: Sequence[str] | None = None,
    *,
    include_judged: bool = False,
    code: str | None = None,
) -> list[DuplicatePair]:
    """Flagged pairs in ``sectors`` (all if None), unjudged only unless ``include_judged``;
    ``code``: only the pair whose flagged record has that code."""
    original = aliased(Incident)
    stmt = (
        select(Incident, original, Sector.name)
        .join(original, col(original.id) == col(Incident.duplicate_of))
        .join(Sector, col(Sector.id) == col(Incident.sector_id))
        .where(col(Incident.duplicate).is_not(None))
        .order_by(col(Incident.occurred_at), col(Incident.id))
    )
    if not include_judged:
        stmt = stmt.where(Incident.duplicate == Duplicate.possible)
    if code is not None:
        stmt = stmt.where(Incident.code == code)
    if sectors is not None:
        stmt = stmt.where(col(Sector.key).in_([sector_key(s) for s in sectors] or [""]))
    return [
        DuplicatePair(
            code=flagged.code,
            source=flagged.source,
            original=first.code,
            original_source=first.source,
            sector=sector,
            classification=flagged.classification,
            occurred_at=as_utc(flagged.occurred_at),
            original_at=as_utc(first.occurred_at),
            state=flagged.duplicate or "",
        )
        for flagged, first, sector in session.exec(stmt)
    ]


def judge_duplicate(
    session: Session,
    actor: Actor,
    code: str,
    *,
    verdict: Duplicate,
    now: datetime,
    sectors: Sequence[str] | None = None,
) -> DuplicatePair:
    """Record a coordinator's judgement of a flagged record (either code of the pair)."""
    wanted = code.strip().upper()
    stmt = (
        select(Incident)
        .where(col(Incident.duplicate).is_not(None))
        .where(
            (Incident.code == wanted)
            | col(Incident.duplicate_of).in_(select(Incident.id).where(Incident.code == wanted))
        )
    )
    flagged = session.exec(stmt.order_by(col(Incident.id))).first()
    if flagged is None:
        known = session.exec(select(Incident.id).where(Incident.code == wanted)).first()
        if known is None:
            raise NotFound("error.incident_unknown", code=code)
        raise InvalidInput("error.not_duplicate", code=wanted)
    if sectors is not None:
        sector = session.get(Sector, flagged.sector_id)
        if sector is None or sector.key not in {sector_key(s) for s in sectors}:
            raise NotFound("error.incident_unknown", code=code)
    before = flagged.duplicate
    flagged.duplicate = verdict.value
    session.add(flagged)
    session.flush()
    audit.record(
        session,
        at=now,
        actor_id=actor.member_id,
        action="incident.duplicate",
        entity="incident",
        entity_id=flagged.code,
        changes={"duplicate": [before, verdict.value]},
    )
    return possible_duplicates(session, include_judged=True, code=flagged.code)[0]
