"""What reminders are about, read for planning and composing them: open items with their
preferences, who should hear about them, meeting schedules and groups; and each member's
own mute and snooze. The delivery state of notifications is ``storage.notifications``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import false
from sqlmodel import Session, col, or_, select

from domain.actor import Actor
from domain.errors import Forbidden
from domain.terms import OPEN_STATUSES, Risk, Role
from storage.actions import ItemView, get_item
from storage.models.groups import CoordinationGroup, MeetingSchedule
from storage.models.incidents import Incident
from storage.models.items import ActionItem, StatusUpdate
from storage.models.members import Agency, Member
from storage.models.reminders import ItemPreference
from storage.types import as_utc


@dataclass(frozen=True, slots=True)
class Recipient:
    member_id: int
    telegram_id: int
    name: str
    started_bot: bool
    private_reminders: bool
    language: str | None
    agency_id: int | None = None


@dataclass(frozen=True, slots=True)
class PlanItem:
    """An open item with what planning its reminders needs."""

    id: int
    agency_id: int
    status: str
    due_at: datetime
    created_at: datetime
    status_since: datetime
    group_id: int | None
    group_chat_id: int | None
    high_risk: bool
    kind: str | None = None  # the action kind: its deadline makes an item urgent or not
    muted: frozenset[int] = frozenset()  # member ids
    snoozed: dict[int, datetime] = field(default_factory=dict)  # member id -> until


def plan_items(
    session: Session, due_before: datetime, *, created_since: datetime | None = None
) -> list[PlanItem]:
    """Open items that are due before ``due_before`` or blocked (escalation candidates), or
    created since ``created_since`` (their assignment notice)."""
    open_values = [s.value for s in OPEN_STATUSES]
    recent = ActionItem.created_at >= created_since if created_since is not None else false()
    rows = session.exec(
        select(ActionItem, CoordinationGroup.chat_id, Incident.risk)
        .join(CoordinationGroup, ActionItem.group_id == CoordinationGroup.id, isouter=True)
        .join(Incident, ActionItem.incident_id == Incident.id, isouter=True)
        .where(col(ActionItem.status).in_(open_values))
        .where(or_(ActionItem.due_at <= due_before, ActionItem.status == "blocked", recent))
    ).all()
    ids = [item.id for item, _, _ in rows]
    muted: dict[int, set[int]] = {}
    snoozed: dict[int, dict[int, datetime]] = {}
    for pref in session.exec(
        select(ItemPreference).where(col(ItemPreference.item_id).in_(ids or [0]))
    ):
        if pref.muted:
            muted.setdefault(pref.item_id, set()).add(pref.member_id)
        if pref.snoozed_until is not None:
            snoozed.setdefault(pref.item_id, {})[pref.member_id] = as_utc(pref.snoozed_until)
    return [
        PlanItem(
            id=item.id,
            agency_id=item.agency_id,
            status=item.status,
            due_at=as_utc(item.due_at),
            created_at=as_utc(item.created_at),
            status_since=as_utc(item.status_since or item.created_at),
            group_id=item.group_id,
            group_chat_id=chat_id,
            high_risk=risk == Risk.high,
            kind=item.kind,
            muted=frozenset(muted.get(item.id, ())),
            snoozed=snoozed.get(item.id, {}),
        )
        for item, chat_id, risk in rows
    ]


def _recipient(member: Member) -> Recipient:
    return Recipient(
        member.id,
        member.telegram_id,
        member.display_name,
        member.started_bot,
        member.private_reminders,
        member.language,
        member.agency_id,
    )


def agency_members(session: Session, agency_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    members: dict[int, list[Recipient]] = {}
    for member in session.exec(
        select(Member)
        .where(
            col(Member.agency_id).in_(list(agency_ids) or [0]),
            Member.active == True,  # noqa: E712
            Member.role == Role.agency,
        )
        .order_by(col(Member.id))
    ):
        members.setdefault(member.agency_id, []).append(_recipient(member))  # type: ignore[arg-type]
    return members


def coordinators(session: Session) -> list[Recipient]:
    stmt = select(Member).where(Member.active == True, Member.role == Role.coordinator)  # noqa: E712
    return [_recipient(m) for m in session.exec(stmt.order_by(col(Member.id)))]


def member(session: Session, member_id: int) -> Recipient | None:
    """The member a notification is for, unless removed since it was planned."""
    row = session.get(Member, member_id)
    return _recipient(row) if row and row.active else None


def schedules(session: Session) -> list[tuple[MeetingSchedule, int]]:
    """Every meeting schedule with its group's chat id."""
    return list(
        session.exec(
            select(MeetingSchedule, CoordinationGroup.chat_id)
            .join(CoordinationGroup, CoordinationGroup.id == MeetingSchedule.group_id)
            .order_by(col(MeetingSchedule.id))
        ).all()
    )


def groups(session: Session) -> list[tuple[int, int]]:
    """(group id, chat id) of every coordination group."""
    return list(session.exec(select(CoordinationGroup.id, CoordinationGroup.chat_id)).all())


def groups_registered(session: Session) -> list[tuple[int, int, datetime]]:
    """(group id, chat id, registered at) of every coordination group: a group's first
    weekly report is the first slot after it was registered."""
    rows = session.exec(
        select(CoordinationGroup.id, CoordinationGroup.chat_id, CoordinationGroup.created_at)
    ).all()
    return [(gid, chat, as_utc(at)) for gid, chat, at in rows]


def plan_item(session: Session, item_id: int) -> PlanItem | None:
    """One open item as planning sees it (its assignment notice, planned at once)."""
    row = session.get(ActionItem, item_id)
    if row is None:
        return None
    found = plan_items(session, as_utc(row.due_at), created_since=as_utc(row.created_at))
    return next((i for i in found if i.id == item_id), None)


def group_open_items_by_agency(session: Session, group_id: int) -> dict[int, list[int]]:
    """Open item ids of a group, per agency id."""
    open_values = [s.value for s in OPEN_STATUSES]
    found: dict[int, list[int]] = {}
    for item_id, agency_id in session.exec(
        select(ActionItem.id, ActionItem.agency_id)
        .where(ActionItem.group_id == group_id, col(ActionItem.status).in_(open_values))
        .order_by(col(ActionItem.due_at))
    ):
        found.setdefault(agency_id, []).append(item_id)
    return found


def group_title(session: Session, group_id: int) -> str:
    group = session.get(CoordinationGroup, group_id)
    return group.title if group else ""


def updated_since(session: Session, item_ids: list[int], since: datetime) -> set[int]:
    """Which of the items got a status update at or after ``since``."""
    rows = session.exec(
        select(StatusUpdate.item_id)
        .where(col(StatusUpdate.item_id).in_(item_ids or [0]), StatusUpdate.created_at >= since)
        .distinct()
    )
    return set(rows)


def agency_codes(session: Session, agency_ids: Iterable[int]) -> dict[int, str]:
    rows = session.exec(
        select(Agency.id, Agency.code).where(col(Agency.id).in_(list(agency_ids) or [0]))
    )
    return dict(rows.all())


def snooze_or_mute(
    session: Session,
    actor: Actor,
    item_id: int,
    *,
    muted: bool | None = None,
    snoozed_until: datetime | None = None,
) -> ItemView:
    """Change the actor's own reminder preference for an item they may act on."""
    item = get_item(session, item_id)
    row = session.get(ActionItem, item_id)
    if row is None or not actor.may_change(row.agency_id) or actor.member_id is None:
        raise Forbidden("error.not_your_item", n=item_id)
    pref = session.get(ItemPreference, (item_id, actor.member_id))
    if pref is None:
        pref = ItemPreference(item_id=item_id, member_id=actor.member_id)
    if muted is not None:
        pref.muted = muted
    if snoozed_until is not None:
        pref.snoozed_until = snoozed_until
    session.add(pref)
    return item
