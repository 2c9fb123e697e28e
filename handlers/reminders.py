"""Answering reminders: snooze and the update-collection buttons, /silenciar and /ajustes."""

from __future__ import annotations

from datetime import timedelta

from bot.chat.buttons import parse_collect, parse_snooze, without_collection_row
from bot.chat.guard import MEMBERS, WRITERS, Where, command
from bot.chat.request import Request
from bot.input.kv import parse_item_number
from bot.input.vocabulary import LANGUAGES, OFF, ON, RESUME, SETTING_WORDS, fold
from bot.views.i18n import plain
from bot.views.items import status_label
from domain.errors import InvalidInput
from storage import actions, reminders
from storage.members import set_member_settings

SNOOZE = timedelta(days=1)


@command(roles=WRITERS)
async def snooze(req: Request) -> None:
    """⏰ under a reminder: no reminders about this item for a day, then one more."""
    query = req.update.callback_query
    assert query is not None
    item_id = parse_snooze(req.callback_data)
    until = req.now() + SNOOZE
    item = await req.run(reminders.snooze_or_mute, req.actor, item_id, snoozed_until=until)
    await query.answer(plain(req.t("snooze.done", n=item.id, until=req.catalog.moment(until))))


@command(roles=WRITERS)
async def collect_button(req: Request) -> None:
    """A status pressed in an update-collection list: record it, drop that item's row."""
    query = req.update.callback_query
    assert query is not None
    item_id, status = parse_collect(req.callback_data)
    # A second tap (or a row an out-of-date keyboard brought back) records nothing new.
    await req.run(
        actions.record_update,
        req.actor,
        item_id,
        status=status,
        note="",
        now=req.now(),
        only_if_changed=True,
    )
    await query.answer(plain(req.t("update.recorded", status=status_label(req.catalog, status))))
    markup = query.message.reply_markup if query.message else None  # type: ignore[union-attr]
    if markup is not None:
        await query.edit_message_reply_markup(without_collection_row(markup, item_id))


@command(roles=WRITERS)
async def mute(req: Request) -> None:
    """``/silenciar N [no]``: stop (or resume) reminders about one item, for me only."""
    if not req.args or len(req.args) > 2:
        raise InvalidInput("usage.mute")
    item_id = parse_item_number(req.args[0], "usage.mute")
    resume = len(req.args) == 2 and fold(req.args[1]) in RESUME
    if len(req.args) == 2 and not resume:
        raise InvalidInput("usage.mute")
    item = await req.run(reminders.snooze_or_mute, req.actor, item_id, muted=not resume)
    await req.reply(req.t("mute.resumed" if resume else "mute.done", n=item.id))


def _wanted(words: list[str]) -> tuple[str | None, bool | None]:
    """(language, private reminders) that ``/ajustes KEY VALUE`` asks for; neither: show."""
    if not words:
        return None, None
    key = SETTING_WORDS.get(words[0]) if len(words) == 2 else None
    if key == "language" and words[1] in LANGUAGES:
        return words[1], None
    if key == "reminders" and words[1] in ON | OFF:
        return None, words[1] in ON
    raise InvalidInput("usage.settings")


@command(roles=MEMBERS, where=Where.private)
async def settings(req: Request) -> None:
    """``/ajustes``, ``/ajustes idioma es|en``, ``/ajustes recordatorios si|no``."""
    words = [fold(a) for a in req.args]
    language, reminders_on = _wanted(words)
    actor = await req.run(
        set_member_settings,
        req.actor,
        req.now(),
        language=language,
        private_reminders=reminders_on,
    )
    catalog = req.runtime.catalog_for(actor.language or req.catalog.language)
    await req.reply(
        catalog.t(
            "settings.changed" if words else "settings.show",
            language=catalog.t(f"language.{catalog.language}"),
            reminders=catalog.t("settings.on" if actor.private_reminders else "settings.off"),
        )
    )
