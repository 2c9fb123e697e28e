"""Action items (acuerdos) and their status updates (avances).

History is append-only: every change of status is a ``StatusUpdate`` row; the item keeps only
its current status and, when done or cancelled, its closing time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case
from sqlmodel import Session, col, select

from storage import audit
from storage.errors import Forbidden, NotFound
from storage.members import Actor
from storage.models import (
    OPEN_STATUSES,
    ActionItem,
    Agency,
    CoordinationGroup,
    Member,
    Role,
    Status,
    StatusUpdate,
)
from storage.types import as_utc


@dataclass(frozen=True, slots=True)
class ItemView:
    """An item with what rendering needs (agency code), detached from the session."""

    id: int
    agency_code: str
    agency_name: str
    text: str
    status: Status
    due_at: datetime
    created_at: datetime
    closed_at: datetime | None

    def is_overdue(self, now: datetime) -> bool:
        return not self.status.is_closed and self.due_at < now


def _view(item: ActionItem, agency: Agency) -> ItemView:
    return ItemView(
        id=item.id,
        agency_code=agency.code,
        agency_name=agency.name,
        text=item.text,
        status=Status(item.status),
        due_at=as_utc(item.due_at),
        created_at=as_utc(item.created_at),
        closed_at=as_utc(item.closed_at) if item.closed_at else None,
    )


def can_update(actor: Actor, agency_id: int) -> bool:
    """Coordinators update any item; agency staff only their own agency's."""
    if actor.role is Role.coordinator:
        return True
    return actor.role is Role.agency and actor.agency_id == agency_id


def create_item(
    session: Session,
    actor: Actor,
    agency_code: str,
    due_at: datetime,
    text: str,
    now: datetime,
    chat_id: int | None = None,
) -> ItemView:
    agency = session.exec(select(Agency).where(Agency.code == agency_code.upper())).first()
    if agency is None:
        raise NotFound("error.agency_unknown", code=agency_code)
    group_id = None
    if chat_id is not None:
        group_id = session.exec(
            select(CoordinationGroup.id).where(CoordinationGroup.chat_id == chat_id)
        ).first()
    item = ActionItem(
        agency_id=agency.id,
        group_id=group_id,
        text=text,
        status=Status.open,
        due_at=due_at,
        created_by=actor.member_id,
        created_at=now,
    )
    session.add(item)
    session.flush()
    audit.record(
        session,
        at=now,
        actor_id=actor.member_id,
        action="item.create",
        entity="action_item",
        entity_id=item.id,
        agency=agency.code,
        due_at=due_at.isoformat(),
    )
    return _view(item, agency)


def get_item(session: Session, item_id: int) -> ItemView:
    row = session.exec(
        select(ActionItem, Agency)
        .join(Agency, ActionItem.agency_id == Agency.id)
        .where(ActionItem.id == item_id)
    ).first()
    if row is None:
        raise NotFound("error.item_unknown", n=item_id)
    return _view(*row)


def record_update(
    session: Session,
    actor: Actor,
    item_id: int,
    status: Status,
    note: str,
    now: datetime,
    *,
    only_if_changed: bool = False,
) -> tuple[ItemView, Status]:
    """Append an update and move the item to ``status``. Returns (item, previous status).

    ``only_if_changed`` (button presses) writes nothing when the status is already
    ``status``: a double tap must not add a second, empty update.
    """
    item = session.get(ActionItem, item_id)
    if item is None:
        raise NotFound("error.item_unknown", n=item_id)
    if not can_update(actor, item.agency_id):
        raise Forbidden("error.not_your_item", n=item_id)
    previous = Status(item.status)
    agency = session.get(Agency, item.agency_id)
    if only_if_changed and previous is status:
        return _view(item, agency), previous
    item.status = status
    item.closed_at = now if status.is_closed else None
    session.add(
        StatusUpdate(
            item_id=item.id, member_id=actor.member_id, status=status, note=note, created_at=now
        )
    )
    session.flush()
    audit.record(
        session,
        at=now,
        actor_id=actor.member_id,
        action="item.update",
        entity="action_item",
        entity_id=item.id,
        status=status,
        previous=previous,
        note=note[:200],
    )
    return _view(item, agency), previous


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    status: Status
    note: str
    author: str


def history(session: Session, item_id: int) -> tuple[ItemView, list[HistoryEntry]]:
    item = get_item(session, item_id)
    rows = session.exec(
        select(StatusUpdate, Member.display_name)
        .join(Member, StatusUpdate.member_id == Member.id)
        .where(StatusUpdate.item_id == item_id)
        .order_by(col(StatusUpdate.created_at), col(StatusUpdate.id))
    )
    entries = [HistoryEntry(u.created_at, Status(u.status), u.note, name) for u, name in rows]
    return item, entries


def list_open_items(
    session: Session,
    now: datetime,
    *,
    agency_code: str | None = None,
    overdue_only: bool = False,
    chat_id: int | None = None,
) -> list[ItemView]:
    """Open items (open, in progress, blocked): overdue first, then by due date."""
    stmt = (
        select(ActionItem, Agency)
        .join(Agency, ActionItem.agency_id == Agency.id)
        .where(col(ActionItem.status).in_([s.value for s in OPEN_STATUSES]))
    )
    if agency_code is not None:
        stmt = stmt.where(Agency.code == agency_code.upper())
    if overdue_only:
        stmt = stmt.where(ActionItem.due_at < now)
    if chat_id is not None:
        stmt = stmt.join(CoordinationGroup, ActionItem.group_id == CoordinationGroup.id).where(
            CoordinationGroup.chat_id == chat_id
        )
    overdue_first = case((ActionItem.due_at < now, 0), else_=1)
    stmt = stmt.order_by(Agency.code, overdue_first, ActionItem.due_at, ActionItem.id)
    return [_view(item, agency) for item, agency in session.exec(stmt)]


@dataclass(frozen=True, slots=True)
class AgencyCounts:
    code: str
    name: str
    open: int
    overdue: int
    blocked: int


def open_counts_by_agency(session: Session, now: datetime, chat_id: int) -> list[AgencyCounts]:
    """Per-agency counts of a group's open items: what a group chat may see (need to know)."""
    totals: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for item in list_open_items(session, now, chat_id=chat_id):
        counts = totals.setdefault(item.agency_code, [0, 0, 0])
        names[item.agency_code] = item.agency_name
        counts[0] += 1
        counts[1] += item.is_overdue(now)
        counts[2] += item.status is Status.blocked
    return [AgencyCounts(code, names[code], *c) for code, c in totals.items()]
