"""Members and their roles; the ``Actor`` snapshot that handlers pass around."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from domain.actor import Actor
from domain.errors import Forbidden, NotFound
from domain.terms import Role
from storage import audit
from storage.models.members import Agency, Member


def _actor(member: Member, agency: Agency | None) -> Actor:
    return Actor(
        telegram_id=member.telegram_id,
        display_name=member.display_name,
        member_id=member.id,
        role=Role(member.role),
        agency_id=member.agency_id,
        agency_code=agency.code if agency else None,
        language=member.language,
        private_reminders=member.private_reminders,
    )


_member = Member.__table__.c  # type: ignore[attr-defined]
_agency = Agency.__table__.c  # type: ignore[attr-defined]
# Prebuilt, on plain columns: this runs before every command and button press, where
# building an ORM select each time cost more than the query.
_WHO = (
    sa_select(
        _member.id,
        _member.role,
        _member.agency_id,
        _member.active,
        _member.started_bot,
        _member.language,
        _member.private_reminders,
        _member.display_name,
        _agency.code,
    )
    .join_from(Member.__table__, Agency.__table__, _member.agency_id == _agency.id, isouter=True)
    .where(_member.telegram_id == bindparam("telegram_id"))
)


def resolve_actor(
    session: Session,
    telegram_id: int,
    display_name: str,
    *,
    configured_coordinators: frozenset[int],
    now: datetime,
    private_chat: bool = False,
) -> Actor:
    """Load the member behind a Telegram user, creating configured coordinators on first use.

    Configured coordinators are coordinators "from the start": their row is created the
    first time they speak to the bot, so the audit log can name them.
    """
    found = session.connection().execute(_WHO, {"telegram_id": telegram_id}).first()
    if found is not None:
        if private_chat and not found.started_bot:
            session.execute(update(Member).where(Member.id == found.id).values(started_bot=True))
        if not found.active:
            return Actor(telegram_id=telegram_id, display_name=display_name)
        return Actor(
            telegram_id=telegram_id,
            display_name=found.display_name,
            member_id=found.id,
            role=Role(found.role),
            agency_id=found.agency_id,
            agency_code=found.code,
            language=found.language,
            private_reminders=found.private_reminders,
        )
    if telegram_id not in configured_coordinators:
        return Actor(telegram_id=telegram_id, display_name=display_name)
    member = Member(
        telegram_id=telegram_id,
        display_name=display_name[:120],
        role=Role.coordinator,
        created_at=now,
        started_bot=private_chat,
    )
    session.add(member)
    session.flush()  # the member is the actor of its own audit entry
    audit.record(
        session,
        at=now,
        actor_id=member.id,
        action="member.bootstrap",
        entity="member",
        entity_id=member.id,
        role=Role.coordinator,
    )
    return _actor(member, None)


def list_members(session: Session) -> list[tuple[Member, Agency | None]]:
    stmt = (
        select(Member, Agency)
        .join(Agency, Member.agency_id == Agency.id, isouter=True)
        .where(Member.active == True, Member.telegram_id != 0)  # noqa: E712
        .order_by(Member.role, Member.display_name)
    )
    return [(m, a) for m, a in session.exec(stmt)]


def set_member_settings(
    session: Session,
    actor: Actor,
    now: datetime,
    *,
    language: str | None = None,
    private_reminders: bool | None = None,
) -> Actor:
    """Change a member's own language and reminder preference; returns the new view."""
    member = session.exec(select(Member).where(Member.telegram_id == actor.telegram_id)).one()
    if language is not None:
        member.language = language
    if private_reminders is not None:
        member.private_reminders = private_reminders
    if language is not None or private_reminders is not None:
        session.add(member)
        audit.record(
            session,
            at=now,
            actor_id=member.id,
            action="member.settings",
            entity="member",
            entity_id=member.id,
            language=language,
            private_reminders=private_reminders,
        )
    agency = session.get(Agency, member.agency_id) if member.agency_id else None
    return _actor(member, agency)


def remove_member(session: Session, actor: Actor, member_id: int, *, now: datetime) -> Member:
    """Revoke a member at once: they keep their history but can no longer do anything."""
    member = session.get(Member, member_id)
    if member is None or not member.active or member.telegram_id == 0:
        raise NotFound("error.member_unknown", n=member_id)
    if member.id == actor.member_id:
        raise Forbidden("error.member_self")
    member.active = False
    session.add(member)
    audit.record(
        session,
        at=now,
        actor_id=actor.member_id,
        action="member.remove",
        entity="member",
        entity_id=member.id,
        role=member.role,
    )
    return member
