"""Coordination groups: what happens when the bot is added to one, and leaving the ones
nobody registered (telling every coordinator who can be reached)."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram.error import TelegramError
from telegram.ext import Application

from bot.chat.send import send_html
from bot.runtime.container import runtime_of
from storage.engine import Session
from storage.groups import forget_pending, get_group, note_added
from storage.members import resolve_actor
from storage.reminders import Recipient, coordinators

log = logging.getLogger("ceasefire.groups")


def note_bot_added(
    session: Session,
    chat_id: int,
    *,
    title: str,
    user_id: int,
    user_name: str,
    configured_coordinators: frozenset[int],
    now: datetime,
) -> tuple[bool, bool]:
    """(registered already, added by a coordinator); a coordinator's new group is
    remembered as pending until it is registered."""
    actor = resolve_actor(
        session, user_id, user_name, configured_coordinators=configured_coordinators, now=now
    )
    if actor.is_coordinator:
        return note_added(session, chat_id, title=title, added_by=user_id, now=now), True
    return get_group(session, chat_id) is not None, False


def _forget(session: Session, chat_id: int) -> list[Recipient]:
    """Drop the pending group; the coordinators who can be told about it."""
    forget_pending(session, chat_id)
    return [c for c in coordinators(session) if c.started_bot]


async def leave_group(application: Application, chat_id: int, *, title: str, reason: str) -> None:  # type: ignore[type-arg]
    """Leave an unregistered group and tell every coordinator who can be reached."""
    runtime = runtime_of(application)
    try:
        await application.bot.leave_chat(chat_id)
    except TelegramError:
        log.warning("could not leave chat %s", chat_id, exc_info=True)
    for coordinator in await runtime.db.run(_forget, chat_id):
        catalog = runtime.catalog_for(coordinator.language)
        try:
            await send_html(
                application.bot,
                coordinator.telegram_id,
                catalog.t(reason, title=title, chat=chat_id),
            )
        except TelegramError:
            log.info("coordinator %s not reachable", coordinator.member_id)
