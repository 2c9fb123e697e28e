"""Coordination groups: what happens when the bot is added to one, and leaving the ones'
nobody registered."""

from __future__ import annotations

import logging
from typing import Any

from telegram.error import TelegramError
from telegram.ext import Application

from bot.chat.send import send_html
from bot.runtime.container import runtime_of
from storage.groups import forget_pending
from storage.reminders import coordinators

log = logging.getLogger("ceasefire.notify")


async def leave_group(application: Application, chat_id: int, title: str, reason: str) -> None:  # type: ignore[type-arg]
    """Leave an unregistered group and tell every coordinator who can be reached."""
    runtime = runtime_of(application)
    try:
        await application.bot.leave_chat(chat_id)
    except TelegramError:
        log.warning("could not leave chat %s", chat_id, exc_info=True)

    def forget_and_list(session: Any) -> list[Any]:
        forget_pending(session, chat_id)
        return [c for c in coordinators(session) if c.started_bot]

    for coordinator in await runtime.db.run(forget_and_list):
        catalog = runtime.catalog_for(coordinator.language)
        try:
            await send_html(
                application.bot,
                coordinator.telegram_id,
                catalog.t(reason, title=title, chat=chat_id),
            )
        except TelegramError:
            log.info("coordinator %s not reachable", coordinator.member_id)
