"""Coordination groups (grupos de coordinación) and the police sectors they cover."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlmodel import Session, select

from domain.actor import Actor
from domain.errors import InvalidInput, NotFound
from storage import audit
from storage.models.groups import CoordinationGroup, GroupSector, PendingGroup, Sector


def sector_key(name: str) -> str:
    """Accent-, case- and space-folded name, so "Álvaro Obregón" == "alvaro obregon"."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def get_or_create_sector(session: Session, name: str) -> Sector:
    """The sector of that name (accents and case aside), created on first mention."""
    key = sector_key(name)
    sector = session.exec(select(Sector).where(Sector.key == key)).first()
    if sector is None:
        sector = Sector(name=" ".join(name.split()), key=key)
        session.add(sector)
        session.flush()
    return sector


def register_group(
    session: Session,
    actor: Actor,
    chat_id: int,
    *,
    title: str,
    sectors: list[str],
    now: datetime,
) -> tuple[CoordinationGroup, list[str], bool]:
    """Register (or re-register) a chat for the given sectors. Returns (group, names, is_new)."""
    names = [" ".join(s.split()) for s in sectors if s.strip()]
    if not names or any(len(n) > 80 for n in names):
        raise InvalidInput("usage.setup")
    group = session.exec(
        select(CoordinationGroup).where(CoordinationGroup.chat_id == chat_id)
    ).first()
    is_new = group is None
    if group is None:
        group = CoordinationGroup(
            chat_id=chat_id, title=title[:255], registered_by=actor.member_id, created_at=now
        )
        session.add(group)
        session.flush()
    else:
        group.title = title[:255]
        for link in session.exec(select(GroupSector).where(GroupSector.group_id == group.id)):
            session.delete(link)
        session.flush()
    seen: dict[int, str] = {}
    for name in names:
        sector = get_or_create_sector(session, name)
        seen.setdefault(sector.id, sector.name)
    for sector_id in seen:
        session.add(GroupSector(group_id=group.id, sector_id=sector_id))
    forget_pending(session, chat_id)
    audit.record(
        session,
        at=now,
        actor_id=actor.member_id,
        action="group.setup",
        entity="group",
        entity_id=chat_id,
        sectors=list(seen.values()),
    )
    return group, list(seen.values()), is_new


def get_group(session: Session, chat_id: int) -> CoordinationGroup | None:
    return session.exec(
        select(CoordinationGroup).where(CoordinationGroup.chat_id == chat_id)
    ).first()


def registered_chat_ids(session: Session) -> list[int]:
    """The chat ids of every registered group (the coordinators' group menus)."""
    return list(session.exec(select(CoordinationGroup.chat_id).order_by(CoordinationGroup.id)))


def find_group_id(session: Session, chat_id: int) -> int | None:
    return session.exec(
        select(CoordinationGroup.id).where(CoordinationGroup.chat_id == chat_id)
    ).first()


def group_id_of(session: Session, chat_id: int) -> int:
    """The registered group's id; refuses chats that are not coordination groups."""
    group_id = find_group_id(session, chat_id)
    if group_id is None:
        raise NotFound("error.group_unknown")
    return group_id


def group_sectors(session: Session, group_id: int) -> list[str]:
    stmt = (
        select(Sector.name)
        .join(GroupSector, GroupSector.sector_id == Sector.id)
        .where(GroupSector.group_id == group_id)
        .order_by(Sector.name)
    )
    return list(session.exec(stmt))


def note_added(session: Session, chat_id: int, *, title: str, added_by: int, now: datetime) -> bool:
    """The bot was added to a chat; True if it is already a registered group."""
    if get_group(session, chat_id) is not None:
        return True
    pending = session.get(PendingGroup, chat_id)
    if pending is None:
        session.add(
            PendingGroup(chat_id=chat_id, title=title[:255], added_by=added_by, added_at=now)
        )
    return False


def forget_pending(session: Session, chat_id: int) -> None:
    pending = session.get(PendingGroup, chat_id)
    if pending is not None:
        session.delete(pending)


def overdue_pending(session: Session, added_before: datetime) -> list[tuple[int, str]]:
    """(chat id, title) of unregistered groups the bot joined before ``added_before``."""
    rows = session.exec(select(PendingGroup).where(PendingGroup.added_at < added_before))
    return [(p.chat_id, p.title) for p in rows if get_group(session, p.chat_id) is None]
