"""Notes without a command: the reason asked for after ⛔, and plain-text replies.

A tap cannot carry a reason, and a focal point on a phone answers the message in front of
them rather than typing ``/avance 12 bloqueada …``. So after ⛔ the bot asks why with a
``ForceReply`` prompt, and in a private chat any plain-text reply to a message of the bot
about one item (its card, a reminder, that prompt) becomes a note on the item: an update
with the item's current status (``storage.actions.record_update(status=None)``).

Which item is read from the replied message itself, not from stored state: Telegram sends
the replied message with the reply, as the bot wrote it, so the prompt needs no
conversation row and survives a restart. The message must be the bot's, and name exactly
one item (``#N``), or carry the signed buttons of exactly one item (a card whose text
mentions another item). The note passes the privacy guard before anything is stored, the
ownership rule is the one of every update (``Actor.may_change``), and the write goes
through ``Request.run``, so a replayed reply stores its note once.
"""

from __future__ import annotations

import re

from telegram import ForceReply, Message
from telegram.error import Forbidden as TelegramForbidden

from bot.chat.buttons import Kind, verify
from bot.chat.guard import MEMBERS, WRITERS, Where, command, ensure_role
from bot.chat.request import Request
from bot.chat.send import send_html
from bot.input.privacy import checked_text
from bot.views.i18n import plain
from storage import actions as repo

# ``#12`` but not an incident code (``#OLI-2026-106``) nor ``#12abc``.
_ITEM_MARK = re.compile(r"(?<![\w#])#(\d{1,10})(?![\w-])")
_ITEM_BUTTON = re.compile(rf"^(?:{Kind.status}|{Kind.snooze}):(\d{{1,10}})(?::|$)")


def _button_items(req: Request, message: Message) -> set[int]:
    """The items whose buttons (signed by this bot for this chat) ``message`` carries."""
    markup = message.reply_markup
    found: set[int] = set()
    for row in markup.inline_keyboard if markup is not None else ():
        for button in row:
            data = verify(
                button.callback_data if isinstance(button.callback_data, str) else None,
                req.context.bot.token,
                chat_id=message.chat.id,
                message_id=message.message_id,
            )
            match = _ITEM_BUTTON.match(data or "")
            if match:
                found.add(int(match.group(1)))
    return found


def replied_item(req: Request) -> int | None:
    """The item a reply is about, or None if it answers no message of the bot about one."""
    message = req.update.effective_message
    replied = message.reply_to_message if message is not None else None
    if replied is None or replied.from_user is None or replied.from_user.id != req.context.bot.id:
        return None
    named = {int(n) for n in _ITEM_MARK.findall(replied.text or replied.caption or "")}
    if len(named) == 1:
        return named.pop()
    buttons = _button_items(req, replied)
    if len(buttons) == 1 and (not named or buttons <= named):
        return buttons.pop()
    return None


@command(roles=MEMBERS, where=Where.private)
async def on_text(req: Request) -> None:
    """A plain-text message in a private chat: a note if it replies to an item's message,
    else one line saying how to add one (rather than silence)."""
    message = req.update.effective_message
    assert message is not None
    item_id = replied_item(req)
    if item_id is None:
        await req.reply(req.t("note.how_to"))
        return
    ensure_role(req.actor, WRITERS)
    note = checked_text(message.text or "")
    if not note:
        await req.reply(req.t("note.how_to"))
        return
    item, _previous = await req.run(
        repo.record_update, req.actor, item_id, status=None, note=note, now=req.now()
    )
    await req.reply(req.t("note.added", n=item.id))


async def ask_reason(req: Request, item_id: int) -> None:
    """After ⛔: ask why, in a reply prompt naming the item. A press in a group is asked in
    the presser's private chat (the reason is item detail, not for the whole group); if
    they never started the bot, the group card is all they get."""
    catalog = req.runtime.catalog_for(req.actor.language) if req.in_group else req.catalog
    markup = ForceReply(
        selective=True,
        input_field_placeholder=plain(catalog.t("note.reason_hint", n=item_id))[:64],
    )
    text = catalog.t("note.ask_reason", n=item_id)
    try:
        await send_html(req.context.bot, req.user_id, text, reply_markup=markup)
    except TelegramForbidden:
        return  # no private chat with this member: nothing to ask in
