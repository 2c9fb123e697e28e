"""Answering reminders: snooze and the update-collection buttons, /silenciar and /ajustes."""

from __future__ import annotations

import re
from datetime import timedelta

from telegram import InlineKeyboardMarkup

from bot.chat.guard import MEMBERS, WRITERS, Where, command
from bot.chat.request import Request
from bot.input.vocabulary import fold
from bot.views.i18n import plain
from bot.views.items import status_label
from domain.errors import InvalidInput
from domain.terms import Status
from handlers.actions import parse_item_number
from storage import actions, reminders
from storage.members import set_member_settings

SNOOZE = timedelta(days=1)
_SNOOZE_RE = re.compile(r"^sn:([1-9]\d{0,9})$")
_COLLECT_RE = re.compile(r"^cl:([1-9]\d{0,9}):(done|progress|blocked)$")
_ON = {"on", "si", "yes", "activar", "activo", "1"}
_OFF = {"off", "no", "desactivar", "0"}


@command(roles=WRITERS)
async def snooze(req: Request) -> None:
    """⏰ under a reminder: no reminders about this item for a day, then one more."""
    query = req.update.callback_query
    assert query is not None
    match = _SNOOZE_RE.match(req.callback_data)
    if match is None:
        raise InvalidInput("error.bad_button")
    item_id = int(match.group(1))
    until = req.runtime.now() + SNOOZE
    item = await req.runtime.db.run(
        reminders.snooze_or_mute, req.actor, item_id, snoozed_until=until
    )
    await query.answer(plain(req.t("snooze.done", n=item.id, until=req.catalog.moment(until))))


@command(roles=WRITERS)
async def collect_button(req: Request) -> None:
    """A status pressed in an update-collection list: record it, drop that item's row."""
    query = req.update.callback_query
    assert query is not None
    match = _COLLECT_RE.match(req.callback_data)
    if match is None:
        raise InvalidInput("error.bad_button")
    item_id, status = int(match.group(1)), Status(match.group(2))
    await req.runtime.db.run(
        actions.record_update, req.actor, item_id, status, "", req.runtime.now()
    )
    await query.answer(plain(req.t("update.recorded", status=status_label(req.catalog, status))))
    markup = query.message.reply_markup if query.message else None  # type: ignore[union-attr]
    if markup is None:
        return
    rows = [
        row
        for row in markup.inline_keyboard
        if not any((b.callback_data or "").startswith(f"cl:{item_id}:") for b in row)
    ]
    await query.edit_message_reply_markup(InlineKeyboardMarkup(rows) if rows else None)


@command(roles=WRITERS)
async def mute(req: Request) -> None:
    """``/silenciar N [no]``: stop (or resume) reminders about one item, for me only."""
    if not req.args or len(req.args) > 2:
        raise InvalidInput("usage.mute")
    item_id = parse_item_number(req.args[0], "usage.mute")
    resume = len(req.args) == 2 and fold(req.args[1]) in _OFF | {"reanudar", "resume"}
    if len(req.args) == 2 and not resume:
        raise InvalidInput("usage.mute")
    item = await req.runtime.db.run(reminders.snooze_or_mute, req.actor, item_id, muted=not resume)
    await req.reply(req.t("mute.resumed" if resume else "mute.done", n=item.id))


@command(roles=MEMBERS, where=Where.private)
async def settings(req: Request) -> None:
    """``/ajustes``, ``/ajustes idioma es|en``, ``/ajustes recordatorios si|no``."""
    args = [fold(a) for a in req.args]
    language = reminders_on = None
    if len(args) == 2 and args[0] in ("idioma", "language", "lang") and args[1] in ("es", "en"):
        language = args[1]
    elif len(args) == 2 and args[0] in ("recordatorios", "reminders") and args[1] in _ON | _OFF:
        reminders_on = args[1] in _ON
    elif args:
        raise InvalidInput("usage.settings")
    actor = await req.runtime.db.run(
        set_member_settings,
        req.actor,
        req.runtime.now(),
        language=language,
        private_reminders=reminders_on,
    )
    catalog = req.runtime.catalog_for(actor.language)
    key = "settings.changed" if args else "settings.show"
    await req.reply(
        catalog.t(
            key,
            language=catalog.t(f"language.{actor.language or req.runtime.catalog.language}"),
            reminders=catalog.t("settings.on" if actor.private_reminders else "settings.off"),
        )
    )
