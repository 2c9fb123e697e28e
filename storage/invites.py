"""Single-use invite codes that turn a Telegram user into a member."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from domain.actor import Actor
from domain.errors import Conflict, InvalidInput, NotFound
from domain.terms import Role
from storage import audit
from storage.agencies import get_agency
from storage.models.members import Agency, InviteCode, Member

INVITE_TTL = timedelta(days=7)
# No 0/O/1/I/L: codes get read aloud and typed on phones.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(10))


def create_invite(
    session: Session, actor: Actor, *, agency_code: str | None, role: Role, now: datetime
) -> InviteCode:
    agency = get_agency(session, agency_code) if agency_code else None
    if role is Role.agency and agency is None:
        raise InvalidInput("usage.invite")
    invite = InviteCode(
        code=new_code(),
        agency_id=agency.id if agency else None,
        role=role,
        created_by=actor.member_id,
        created_at=now,
        expires_at=now + INVITE_TTL,
    )
    return audit.added(
        session,
        invite,
        by=actor.member_id,
        at=now,
        action="invite.create",
        entity="invite",
        role=role,
        agency=agency.code if agency else None,
    )


def redeem_invite(
    session: Session, telegram_id: int, *, display_name: str, code: str, now: datetime
) -> tuple[Member, Agency | None]:
    """Consume a code atomically (single use even under concurrent redemptions)."""
    code = code.strip().upper()
    invite = session.exec(select(InviteCode).where(InviteCode.code == code)).first()
    if invite is None:
        raise NotFound("error.invite_unknown")
    existing = session.exec(select(Member).where(Member.telegram_id == telegram_id)).first()
    if existing is not None and existing.active:
        raise Conflict("error.already_member")
    if invite.used_at is not None:
        raise Conflict("error.invite_used")
    if invite.expires_at <= now:
        raise Conflict("error.invite_expired")
    if existing is None:
        member = Member(
            telegram_id=telegram_id,
            display_name=display_name[:120],
            role=invite.role,
            agency_id=invite.agency_id,
            created_at=now,
            started_bot=True,
        )
        session.add(member)
    else:
        member = existing
        member.active, member.role, member.agency_id = True, invite.role, invite.agency_id
        member.display_name, member.started_bot = display_name[:120], True
    session.flush()
    claimed = session.execute(
        update(InviteCode)
        .where(InviteCode.id == invite.id, InviteCode.used_at.is_(None))  # type: ignore[union-attr]
        .values(used_at=now, used_by=member.id)
    )
    if claimed.rowcount != 1:
        raise Conflict("error.invite_used")
    audit.record(
        session,
        at=now,
        actor_id=member.id,
        action="member.join",
        entity="member",
        entity_id=member.id,
        invite=invite.id,
        role=invite.role,
    )
    agency = session.get(Agency, invite.agency_id) if invite.agency_id else None
    return member, agency
