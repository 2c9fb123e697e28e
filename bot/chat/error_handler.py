"""The single error handler: domain errors become a message, everything else is logged.

A ``DomainError`` is an expected refusal (bad input, no permission): the user gets the
catalog message for its key, in the asker's language. Anything else is a bug: it is logged
with the update id and the user gets a short apology, so the bot never goes silent.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.chat.send import send_html
from bot.runtime.container import runtime_of
from bot.views.i18n import plain
from domain.errors import DomainError
from storage import intake

log = logging.getLogger("ceasefire.errors")


QUOTE_LIMIT = 60


def _quote(value: object) -> object:
    """User input echoed in an error message, cut short: a refusal must always fit."""
    if isinstance(value, str) and len(value) > QUOTE_LIMIT:
        return value[:QUOTE_LIMIT] + "…"
    return value


def _transient(error: object) -> bool:
    """Telegram did not take the answer but may later: 5xx, a timeout, a 429."""
    return isinstance(error, RetryAfter) or (
        isinstance(error, NetworkError) and not isinstance(error, BadRequest)
    )


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    runtime = runtime_of(context.application)
    catalog = runtime.catalog
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, DomainError):
        catalog = runtime.catalog_for(error.language)
        text = catalog.t(error.key, **{k: _quote(v) for k, v in error.params.items()})
    elif _transient(error) and update_id is not None:
        # The answer will be sent again from what was stored (``bot.app.intake``); saying
        # "nothing was saved" now would be false when the command's write committed.
        log.warning("answer to update %s not delivered (%s); retrying later", update_id, error)
        runtime.unanswered.add(update_id)
        return
    else:
        log.error("unhandled error for update %s", update_id or "-", exc_info=error)
        saved = update_id is not None and await runtime.db.run(intake.applied, update_id)
        text = catalog.t("error.internal_saved" if saved else "error.internal")
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
