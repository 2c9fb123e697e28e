"""Coordinators correct items (``/editar``): due date, agency, text, kind, or reopen.

Every corrected field is an ``ItemChange`` row with its old and new value, who and when: the
item keeps only what it says now, its history keeps what it said before. The audit row and
the re-planning of reminders are written in the same transaction, so a correction is all or
nothing (and, through ``Request.run``, applied once).

Reminders are derived from the item by the sweep under keys without the due date in them
(``item:12:due:m5``). A rescheduled item would otherwise find its new stages' keys already
taken (no reminder at the new time) and its old, still pending rows sent at the old time.
So a correction of the due date, the agency or the status retires the item's stage
reminders: pending ones are skipped, and sent ones keep their row under a key with the
change's id appended, which frees the key for the stage at its new time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from domain.actor import Actor
from domain.errors import Forbidden, InvalidInput, NotFound
from domain.terms import ActionKind, Status
from storage import audit
from storage.actions import HistoryEntry, ItemView, get_item
from storage.actions import history as status_history
from storage.models.groups import CoordinationGroup
from storage.models.items import ActionItem, ItemChange
from storage.models.members import Agency, Member
from storage.models.reminders import NoticeState, Notification
from storage.reminders import Recipient, agency_members
from storage.types import as_utc

# Stage reminders whose keys carry no date: retired when the item's timing or owner changes.
# Snoozes are not renamed (their key holds the snooze time; the preference still stands).
RESTAGED_KINDS = ("before_due", "due", "overdue", "escalation")
SKIPPED_KINDS = (*RESTAGED_KINDS, "snooze")
REPLANNING_FIELDS = frozenset({"due", "agency", "status"})


@dataclass(frozen=True, slots=True)
class Edit:
    """What a coordinator asked to change (None: unchanged)."""

    due_at: datetime | None = None
    agency_code: str | None = None
    text: str | None = None
    kind: ActionKind | None = None
    reopen: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class EditResult:
    item: ItemView
    changes: list[Change]
    agency_id: int  # the item's agency now
    change_id: int  # the first change row's id: tells this correction from earlier ones
    # Members of the old and the new agency who started the bot: each hears of the change.
    notify: list[Recipient]


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    """A correction as ``/historial`` shows it, beside the status updates."""

    at: datetime
    field: str
    old: str
    new: str
    reason: str
    author: str


def _load(session: Session, item_id: int, in_group: int | None) -> ActionItem:
    item = session.get(ActionItem, item_id)
    if item is None:
        raise NotFound("error.item_unknown", n=item_id)
    if in_group is not None:
        group = session.get(CoordinationGroup, item.group_id) if item.group_id else None
        if group is None or group.chat_id != in_group:
            raise Forbidden("error.item_other_group", n=item_id)
    return item


def _changes(session: Session, item: ActionItem, edit: Edit) -> tuple[list[Change], int | None]:
    """The fields that really change (old → new, as text), and the new agency's id."""
    changes: list[Change] = []
    agency_id = None
    if edit.due_at is not None and edit.due_at != item.due_at:
        old, new = as_utc(item.due_at), as_utc(edit.due_at)
        changes.append(Change("due", old.isoformat(), new.isoformat()))
    if edit.agency_code is not None:
        code = edit.agency_code.upper()
        agency = session.exec(select(Agency).where(Agency.code == code)).first()
        if agency is None:
            raise NotFound("error.agency_unknown", code=edit.agency_code)
        if agency.id != item.agency_id:
            old = session.get(Agency, item.agency_id)
            changes.append(Change("agency", old.code if old else "", agency.code))
            agency_id = agency.id
    if edit.text is not None and edit.text != item.text:
        changes.append(Change("text", item.text, edit.text))
    if edit.kind is not None and edit.kind != item.kind:
        changes.append(Change("kind", item.kind or "", edit.kind.value))
    if edit.reopen and Status(item.status).is_closed:
        changes.append(Change("status", item.status, Status.open.value))
    return changes, agency_id


def _apply(item: ActionItem, edit: Edit, *, agency_id: int | None, now: datetime) -> None:
    if edit.due_at is not None:
        item.due_at = edit.due_at
    if agency_id is not None:
        item.agency_id = agency_id
    if edit.text is not None:
        item.text = edit.text
    if edit.kind is not None:
        item.kind = edit.kind.value
    if edit.reopen and Status(item.status).is_closed:
        item.status, item.closed_at, item.status_since = Status.open, None, now


def _retire_reminders(session: Session, item_id: int, change_id: int) -> None:
    """Skip the item's pending stage reminders and free the keys of the sent ones."""
    session.execute(
        update(Notification)
        .where(
            Notification.item_id == item_id,
            Notification.state == NoticeState.pending,
            col(Notification.kind).in_(SKIPPED_KINDS),
        )
        .values(state=NoticeState.skipped)
    )
    rows = session.exec(
        select(Notification).where(
            Notification.item_id == item_id, col(Notification.kind).in_(RESTAGED_KINDS)
        )
    )
    for notice in rows:
        if ":x" not in notice.key:
            notice.key = f"{notice.key}:x{change_id}"
            session.add(notice)


def edit_item(
    session: Session,
    actor: Actor,
    item_id: int,
    *,
    edit: Edit,
    now: datetime,
    in_group: int | None,
) -> EditResult:
    """Apply a coordinator's correction: change rows, audit, reminders re-planned."""
    if not actor.is_coordinator:
        raise Forbidden("error.role_required")
    item = _load(session, item_id, in_group)
    if Status(item.status).is_closed and not edit.reopen:
        raise InvalidInput("edit.closed", n=item_id)
    old_agency_id = item.agency_id
    changes, agency_id = _changes(session, item, edit)
    if not changes:
        raise InvalidInput("edit.nothing", n=item_id)
    _apply(item, edit, agency_id=agency_id, now=now)
    session.add(item)
    rows = [
        ItemChange(
            item_id=item_id,
            member_id=actor.member_id,  # type: ignore[arg-type]  # a coordinator is a member
            field=change.field,
            old=change.old,
            new=change.new,
            reason=edit.reason,
            created_at=now,
        )
        for change in changes
    ]
    session.add_all(rows)
    session.flush()
    if REPLANNING_FIELDS & {c.field for c in changes}:
        _retire_reminders(session, item_id, rows[0].id)  # type: ignore[arg-type]
    audit.record(
        session,
        at=now,
        actor_id=actor.member_id,
        action="item.edit",
        entity="action_item",
        entity_id=item_id,
        changes={c.field: [c.old[:200], c.new[:200]] for c in changes},
        reason=edit.reason[:200],
    )
    view = get_item(session, item_id)
    members = agency_members(session, {old_agency_id, item.agency_id})
    notify = [m for ms in members.values() for m in ms if m.started_bot]
    return EditResult(view, changes, item.agency_id, rows[0].id, notify)  # type: ignore[arg-type]


def history(session: Session, item_id: int) -> tuple[ItemView, list[HistoryEntry | ChangeEntry]]:
    """The item's status updates and corrections, in the order they happened."""
    item, updates = status_history(session, item_id)
    rows = session.exec(
        select(ItemChange, Member.display_name)
        .join(Member, ItemChange.member_id == Member.id)
        .where(ItemChange.item_id == item_id)
        .order_by(col(ItemChange.created_at), col(ItemChange.id))
    )
    changes = [ChangeEntry(c.created_at, c.field, c.old, c.new, c.reason, name) for c, name in rows]
    entries: list[HistoryEntry | ChangeEntry] = [*updates, *changes]
    entries.sort(key=lambda e: e.at)  # stable: updates before corrections at the same moment
    return item, entries
