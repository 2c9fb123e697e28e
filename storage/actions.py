"""Action items (acuerdos) and their status updates (avances).

History is append-only: every change of status is a ``StatusUpdate`` row; the item keeps only
its current status and, when done or cancelled, its closing time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, func, insert, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from domain.actor import Actor
from domain.errors import Forbidden, NotFound
from domain.terms import OPEN_STATUSES, ActionKind, Status
from storage import audit
from storage.groups import find_group_id
from storage.incidents import note_item_completed
from storage.models.groups import CoordinationGroup, GroupSector
from storage.models.incidents import Incident, Review
from storage.models.items import ActionItem, StatusUpdate
from storage.models.members import Agency, Member


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
    kind: ActionKind | None = None
    incident_code: str | None = None

    def is_overdue(self, now: datetime) -> bool:
        return not self.status.is_closed and self.due_at < now


def _links(
    session: Session, incident_code: str | None, chat_id: int | None
) -> tuple[Incident | None, int | None, int | None]:
    """The incident an item names, and the group and open review of the chat it is made in."""
    incident = None
    if incident_code is not None:
        incident = session.exec(
            select(Incident).where(Incident.code == incident_code.upper())
        ).first()
        if incident is None:
            raise NotFound("error.incident_unknown", code=incident_code)
    group_id = review_id = None
    if chat_id is not None:
        group_id = find_group_id(session, chat_id)
        if group_id is not None:
            review_id = session.exec(
                select(Review.id).where(Review.open_group_id == group_id)
            ).first()
    if incident is not None and group_id is not None and not _in_group(session, incident, group_id):
        # A group links only its own sectors' incidents (another group's is not even named).
        raise NotFound("error.incident_unknown", code=incident_code)
    return incident, group_id, review_id


def _in_group(session: Session, incident: Incident, group_id: int) -> bool:
    found = select(GroupSector.sector_id).where(
        GroupSector.group_id == group_id, GroupSector.sector_id == incident.sector_id
    )
    return session.exec(found).first() is not None


def create_item(
    session: Session,
    actor: Actor,
    *,
    agency_code: str,
    due_at: datetime,
    text: str,
    now: datetime,
    chat_id: int | None = None,
    kind: ActionKind | None = None,
    incident_code: str | None = None,
) -> ItemView:
    """Create an item; in a group with an open review, the item belongs to that review."""
    agency = session.exec(select(Agency).where(Agency.code == agency_code.upper())).first()
    if agency is None:
        raise NotFound("error.agency_unknown", code=agency_code)
    incident, group_id, review_id = _links(session, incident_code, chat_id)
    item = ActionItem(
        agency_id=agency.id,
        group_id=group_id,
        text=text,
        status=Status.open,
        due_at=due_at,
        created_by=actor.member_id,
        created_at=now,
        kind=kind,
        incident_id=incident.id if incident else None,
        review_id=review_id,
        status_since=now,
    )
    audit.added(
        session,
        item,
        by=actor.member_id,
        at=now,
        action="item.create",
        entity="action_item",
        agency=agency.code,
        due_at=due_at.isoformat(),
        kind=kind,
        incident=incident.code if incident else None,
        review=review_id,
    )
    return get_item(session, item.id)  # type: ignore[arg-type]


# Item reads and the hot path (every status button, /update, /actions, every reminder card)
# run prebuilt Core statements on plain columns: building an ORM select and loading entities
# cost five times the database's own work per call (bench.throughput).
_item = ActionItem.__table__.c  # type: ignore[attr-defined]
_agency = Agency.__table__.c  # type: ignore[attr-defined]
_incident = Incident.__table__.c  # type: ignore[attr-defined]
_ITEMS = (
    core_select(
        _item.id,
        _agency.code,
        _agency.name,
        _item.text,
        _item.status,
        _item.due_at,
        _item.created_at,
        _item.closed_at,
        _item.kind,
        _incident.code,
    )
    .join_from(ActionItem.__table__, Agency.__table__, _item.agency_id == _agency.id)
    .join_from(
        ActionItem.__table__, Incident.__table__, _item.incident_id == _incident.id, isouter=True
    )
)
_ITEM_VIEW = _ITEMS.where(_item.id == bindparam("item_id"))
_group = CoordinationGroup.__table__.c  # type: ignore[attr-defined]
_ITEM_STATE = (
    core_select(_item.agency_id, _item.status, _item.incident_id, _group.chat_id)
    .select_from(ActionItem.__table__.outerjoin(CoordinationGroup.__table__))
    .where(_item.id == bindparam("item_id"))
)
_SET_STATUS = update(ActionItem.__table__).where(_item.id == bindparam("item_id"))
_ADD_UPDATE = insert(StatusUpdate.__table__)  # type: ignore[attr-defined]


def select_items() -> Any:
    """Items with their agency and, if linked, their incident's code; rows for ``item_row``."""
    return _ITEMS


def item_row(row: Any) -> ItemView:
    """The view of one row of ``select_items``."""
    item_id, code, name, text, status, due_at, created_at, closed_at, kind, incident = row
    return ItemView(
        id=item_id,
        agency_code=code,
        agency_name=name,
        text=text,
        status=Status(status),
        due_at=due_at,
        created_at=created_at,
        closed_at=closed_at,
        kind=ActionKind(kind) if kind else None,
        incident_code=incident,
    )


def get_item(session: Session, item_id: int) -> ItemView:
    row = session.connection().execute(_ITEM_VIEW, {"item_id": item_id}).first()
    if row is None:
        raise NotFound("error.item_unknown", n=item_id)
    return item_row(row)


def _set_status(
    session: Session,
    item_id: int,
    status: Status,
    *,
    previous: Status,
    incident_id: int | None,
    now: datetime,
) -> None:
    """Move the item to ``status`` (closing time, time in status, the incident's record)."""
    changes = {"item_id": item_id, "status": status, "closed_at": now if status.is_closed else None}
    if previous is not status:
        changes["status_since"] = now
    session.connection().execute(_SET_STATUS, changes)  # SET what ``changes`` names
    if status is Status.done and incident_id is not None:
        note_item_completed(session, incident_id, now)


def record_update(
    session: Session,
    actor: Actor,
    item_id: int,
    *,
    status: Status | None,
    note: str,
    now: datetime,
    only_if_changed: bool = False,
    in_group: int | None = None,
) -> tuple[ItemView, Status]:
    """Append an update and move the item to ``status``. Returns (item, previous status).

    ``status=None`` is a note alone (a reason typed after ⛔, a reply to a card): an update
    row with the current status, the item (status, closing time) left as it is.
    ``only_if_changed`` (button presses) writes nothing when the status is already
    ``status``: a double tap must not add a second, empty update. ``in_group`` is the chat
    of the group the update is typed in: a group sees and changes only its own items.
    """
    connection = session.connection()
    state = connection.execute(_ITEM_STATE, {"item_id": item_id}).first()
    if state is None:
        raise NotFound("error.item_unknown", n=item_id)
    agency_id, current, incident_id, group_chat = state
    if in_group is not None and group_chat != in_group:
        raise Forbidden("error.item_other_group", n=item_id)
    if not actor.may_change(agency_id):
        raise Forbidden("error.not_your_item", n=item_id)
    previous = Status(current)
    if only_if_changed and previous is status:
        return get_item(session, item_id), previous
    note_only = status is None
    if status is None:
        status = previous
    else:
        _set_status(session, item_id, status, previous=previous, incident_id=incident_id, now=now)
    connection.execute(
        _ADD_UPDATE,
        {
            "item_id": item_id,
            "member_id": actor.member_id,
            "status": status,
            "note": note,
            "created_at": now,
        },
    )
    audit.record(
        session,
        at=now,
        actor_id=actor.member_id,
        action="item.note" if note_only else "item.update",
        entity="action_item",
        entity_id=item_id,
        status=status,
        previous=previous,
        note=note[:200],
    )
    return get_item(session, item_id), previous


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


def _open_items(
    now: datetime,
    *,
    agency_code: str | None = None,
    overdue_only: bool = False,
    chat_id: int | None = None,
) -> Any:
    """Open items (open, in progress, blocked) by agency: overdue first, then by due date."""
    stmt = select_items().where(col(ActionItem.status).in_([s.value for s in OPEN_STATUSES]))
    if agency_code is not None:
        stmt = stmt.where(Agency.code == agency_code.upper())
    if overdue_only:
        stmt = stmt.where(ActionItem.due_at < now)
    if chat_id is not None:
        stmt = stmt.join(CoordinationGroup, ActionItem.group_id == CoordinationGroup.id).where(
            CoordinationGroup.chat_id == chat_id
        )
    overdue_first = case((ActionItem.due_at < now, 0), else_=1)
    return stmt.order_by(Agency.code, overdue_first, ActionItem.due_at, ActionItem.id)


def list_open_items(
    session: Session,
    now: datetime,
    *,
    agency_code: str | None = None,
    overdue_only: bool = False,
    chat_id: int | None = None,
) -> list[ItemView]:
    """Every open item (see ``_open_items``)."""
    stmt = _open_items(now, agency_code=agency_code, overdue_only=overdue_only, chat_id=chat_id)
    return [item_row(row) for row in session.execute(stmt)]


@dataclass(frozen=True, slots=True)
class ItemPage:
    total: int  # open items in the whole list
    page: int  # the page shown (asked for, or the last one if the list got shorter)
    pages: int
    items: list[ItemView]


def open_items_page(
    session: Session,
    now: datetime,
    *,
    page: int,
    per_page: int,
    agency_code: str | None = None,
    overdue_only: bool = False,
    chat_id: int | None = None,
) -> ItemPage:
    """One page of ``list_open_items``, read as such: an agency with thousands of open items
    costs what a page costs, not what the whole list would."""
    stmt = _open_items(now, agency_code=agency_code, overdue_only=overdue_only, chat_id=chat_id)
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery()))
    count = int(total.scalar_one())
    pages = max(1, -(-count // per_page))
    page = min(max(page, 0), pages - 1)
    rows = session.execute(stmt.offset(page * per_page).limit(per_page))
    return ItemPage(count, page, pages, [item_row(row) for row in rows])


@dataclass(frozen=True, slots=True)
class AgencyCounts:
    code: str
    name: str
    open: int
    overdue: int
    blocked: int


def open_counts_by_agency(
    session: Session, now: datetime, chat_id: int | None
) -> list[AgencyCounts]:
    """Per-agency counts of a group's open items (every group's if ``chat_id`` is None):
    what groups and observers may see (need to know)."""
    totals: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for item in list_open_items(session, now, chat_id=chat_id):
        counts = totals.setdefault(item.agency_code, [0, 0, 0])
        names[item.agency_code] = item.agency_name
        counts[0] += 1
        counts[1] += item.is_overdue(now)
        counts[2] += item.status is Status.blocked
    return [AgencyCounts(code, names[code], *c) for code, c in totals.items()]


def last_notes(session: Session, item_ids: list[int]) -> dict[int, str]:
    """The latest non-empty update note of each item (for blocked items on an agenda)."""
    notes: dict[int, str] = {}
    rows = session.exec(
        select(StatusUpdate.item_id, StatusUpdate.note)
        .where(col(StatusUpdate.item_id).in_(item_ids or [0]), StatusUpdate.note != "")
        .order_by(col(StatusUpdate.id))
    )
    for item_id, note in rows:
        notes[item_id] = note
    return notes
