"""The single error handler: domain errors become a message, everything else is logged.

A ``DomainError`` is an expected refusal (bad input, no permission): the user gets the
catalog message for its key, in the asker's language. Anything else is a bug: it is logged
with the update id and the user gets a short apology, so the bot never goes silent.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.chat.send import send_html
from bot.runtime.container import runtime_of
from bot.views.i18n import plain
from domain.errors import DomainError

log = logging.getLogger("ceasefire.errors")


QUOTE_LIMIT = 60


def _quote(value: object) -> object:
    """User input echoed in an error message, cut short: a refusal must always fit."""
    if isinstance(value, str) and len(value) > QUOTE_LIMIT:
        return value[:QUOTE_LIMIT] + "…"
    return value


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    runtime = runtime_of(context.application)
    catalog = runtime.catalog
    if isinstance(error, DomainError):
        catalog = runtime.catalog_for(error.language)
        text = catalog.t(error.key, **{k: _quote(v) for k, v in error.params.items()})
    else:
        log.error(
            "unhandled error for update %s",
            update.update_id if isinstance(update, Update) else "-",
            exc_info=error,
        )
        text = catalog.t("error.internal")
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            # An alert is plain text of at most 200 characters.
            await update.callback_query.answer(plain(text)[:200], show_alert=True)
        elif update.effective_chat is not None:
            await send_html(context.bot, update.effective_chat.id, text)
    except TelegramError:
        log.warning("could not deliver an error message", exc_info=True)
