"""Shooting reviews: opening with an agenda, walking it, attendance, decisions, closing.

A review's agenda is a stored snapshot (``review_agenda``), so ``/revision siguiente`` walks a
stable list even while new incidents are recorded (those are appended). Closing a review
marks its incidents as reviewed at the closing time: the fact the performance review uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from domain.actor import Actor
from domain.errors import Conflict, NotFound
from domain.terms import OPEN_STATUSES
from storage import audit
from storage.actions import ItemView, item_row, select_items
from storage.groups import group_id_of
from storage.incidents import IncidentView, incident_view, unreviewed_incidents
from storage.models.groups import CoordinationGroup, Sector
from storage.models.incidents import Incident, Review, ReviewAgenda, ReviewAttendance, ReviewNote
from storage.models.items import ActionItem
from storage.models.members import Agency, Member


@dataclass(frozen=True, slots=True)
class Attendee:
    name: str
    agency_code: str | None
    role: str
    declared: bool


@dataclass(frozen=True, slots=True)
class Minutes:
    review_id: int
    opened_at: datetime
    closed_at: datetime
    auto_closed: bool
    attendees: list[Attendee]
    incidents: list[IncidentView]
    decisions: list[str]
    items: list[ItemView]


def open_review(session: Session, chat_id: int) -> Review | None:
    return session.exec(
        select(Review)
        .join(CoordinationGroup, CoordinationGroup.id == Review.open_group_id)
        .where(CoordinationGroup.chat_id == chat_id)
    ).first()


def _require_open(session: Session, chat_id: int) -> Review:
    review = open_review(session, chat_id)
    if review is None:
        raise Conflict("error.review_none")
    return review


def _agenda(session: Session, review_id: int) -> list[IncidentView]:
    rows = session.exec(
        select(Incident, Sector)
        .join(ReviewAgenda, ReviewAgenda.incident_id == Incident.id)
        .join(Sector, Sector.id == Incident.sector_id)
        .where(ReviewAgenda.review_id == review_id)
        .order_by(col(ReviewAgenda.position))
    )
    return [incident_view(i, s.name) for i, s in rows]


def start_review(
    session: Session, actor: Actor, chat_id: int, *, since: datetime, now: datetime
) -> tuple[Review, list[IncidentView]]:
    group_id = group_id_of(session, chat_id)
    if open_review(session, chat_id) is not None:
        raise Conflict("error.review_already_open")
    review = Review(
        group_id=group_id, open_group_id=group_id, opened_by=actor.member_id, opened_at=now
    )
    session.add(review)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent /review start won the unique index
        raise Conflict("error.review_already_open") from exc
    agenda = unreviewed_incidents(session, group_id, since)
    for position, incident in enumerate(agenda):
        session.add(ReviewAgenda(review_id=review.id, position=position, incident_id=incident.id))
    session.add(ReviewAttendance(review_id=review.id, member_id=actor.member_id, first_seen_at=now))
    audit.record(
        session,
        at=now,
        actor_id=actor.member_id,
        action="review.start",
        entity="review",
        entity_id=review.id,
        agenda=[i.code for i in agenda],
    )
    return review, agenda


def next_incident(
    session: Session, chat_id: int
) -> tuple[int, int, IncidentView, list[ItemView]] | None:
    """The next agenda incident (position, total, incident, its items), or None at the end."""
    review = _require_open(session, chat_id)
    agenda = _agenda(session, review.id)
    if review.cursor >= len(agenda):
        return None
    incident = agenda[review.cursor]
    review.cursor += 1
    session.add(review)
    items = [
        item_row(row)
        for row in session.execute(
            select_items().where(ActionItem.incident_id == incident.id).order_by(ActionItem.id)
        )
    ]
    return review.cursor, len(agenda), incident, items


def note_attendance(
    session: Session, chat_id: int, member_id: int, *, now: datetime, declared: bool = False
) -> bool:
    """Count a member present at the group's open review; False if no review is open."""
    review = open_review(session, chat_id)
    if review is None:
        return False
    row = session.get(ReviewAttendance, (review.id, member_id))
    if row is None:
        session.add(
            ReviewAttendance(
                review_id=review.id, member_id=member_id, first_seen_at=now, declared=declared
            )
        )
    return True


def add_decision(session: Session, actor: Actor, chat_id: int, *, text: str, now: datetime) -> int:
    review = _require_open(session, chat_id)
    note = ReviewNote(review_id=review.id, member_id=actor.member_id, text=text, created_at=now)
    audit.added(
        session,
        note,
        by=actor.member_id,
        at=now,
        action="review.decision",
        entity="review",
        entity_id=review.id,
    )
    return session.exec(
        select(func.count()).select_from(ReviewNote).where(ReviewNote.review_id == review.id)
    ).one()


def end_review(
    session: Session, actor: Actor | None, chat_id: int, *, now: datetime, auto: bool = False
) -> Minutes:
    """Close the open review, mark its agenda incidents reviewed, and return the minutes."""
    review = _require_open(session, chat_id)
    review.open_group_id = None
    review.closed_at = now
    review.closed_by = actor.member_id if actor else None
    review.auto_closed = auto
    session.add(review)
    agenda = _agenda(session, review.id)
    for incident in agenda:
        row = session.get(Incident, incident.id)
        if row is not None and row.reviewed_at is None:
            row.reviewed_at, row.review_id = now, review.id
            session.add(row)
    session.flush()
    audit.record(
        session,
        at=now,
        actor_id=actor.member_id if actor else None,
        action="review.auto_close" if auto else "review.end",
        entity="review",
        entity_id=review.id,
        incidents=len(agenda),
    )
    return minutes(session, review.id)


def minutes(session: Session, review_id: int) -> Minutes:
    review = session.get(Review, review_id)
    if review is None or review.closed_at is None:
        raise NotFound("error.review_none")
    attendees = [
        Attendee(member.display_name, agency.code if agency else None, member.role, att.declared)
        for att, member, agency in session.exec(
            select(ReviewAttendance, Member, Agency)
            .join(Member, Member.id == ReviewAttendance.member_id)
            .join(Agency, Agency.id == Member.agency_id, isouter=True)
            .where(ReviewAttendance.review_id == review_id)
            .order_by(col(Agency.code), col(Member.display_name))
        )
    ]
    decisions = list(
        session.exec(
            select(ReviewNote.text)
            .where(ReviewNote.review_id == review_id)
            .order_by(col(ReviewNote.id))
        )
    )
    items = [
        item_row(row)
        for row in session.execute(
            select_items().where(ActionItem.review_id == review_id).order_by(ActionItem.id)
        )
    ]
    return Minutes(
        review_id,
        review.opened_at,
        review.closed_at,
        review.auto_closed,
        attendees,
        _agenda(session, review_id),
        decisions,
        items,
    )


def stale_reviews(session: Session, opened_before: datetime) -> list[int]:
    """Chat ids of groups whose open review was opened before ``opened_before``."""
    stmt = (
        select(CoordinationGroup.chat_id)
        .join(Review, Review.open_group_id == CoordinationGroup.id)
        .where(Review.opened_at < opened_before)
    )
    return list(session.exec(stmt))


def incident_items(session: Session, group_id: int, exclude: list[int]) -> list[ItemView]:
    """Open items tied to incidents of the group (outside ``exclude``), for an agenda."""
    stmt = (
        select_items()
        .where(ActionItem.group_id == group_id, col(ActionItem.incident_id).is_not(None))
        .where(col(ActionItem.status).in_([s.value for s in OPEN_STATUSES]))
        .where(col(ActionItem.incident_id).not_in(exclude or [0]))
        .order_by(ActionItem.due_at)
    )
    return [item_row(row) for row in session.execute(stmt)]
