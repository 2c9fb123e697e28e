"""/setup: a coordinator registers the group as a coordination group for police sectors;
and what happens when the bot is added to a group."""

from __future__ import annotations

from telegram import Chat, ChatMember, Update
from telegram.ext import ContextTypes

from bot.chat.guard import COORDINATORS, Where, command
from bot.chat.menus import publish_group_commands
from bot.chat.request import Request
from bot.chat.send import send_html
from bot.input.privacy import check_free_text, safe_title
from bot.runtime.container import runtime_of
from bot.services.groups import leave_group, note_bot_added
from domain.errors import InvalidInput
from storage.groups import register_group


@command(roles=COORDINATORS, where=Where.group, unregistered_groups=True)
async def setup(req: Request) -> None:
    sectors = [s.strip() for s in " ".join(req.args).split(",") if s.strip()]
    if not sectors:
        raise InvalidInput("usage.setup")
    for sector in sectors:
        check_free_text(sector)
    _group, names, is_new = await req.run(
        register_group,
        req.actor,
        req.chat.id,
        title=safe_title(req.chat.title or ""),
        sectors=sectors,
        now=req.now(),
    )
    key = "setup.registered" if is_new else "setup.updated"
    await req.reply(req.t(key, sectors=", ".join(names)))
    if is_new:  # the coordinators' own menu in this group, now rather than at the next start
        commands = req.context.bot_data["commands"]
        await publish_group_commands(req.context.bot, req.runtime, commands, group=req.chat.id)


async def bot_added(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot was added to a group: stay for a coordinator (10 minutes to /configurar),
    leave at once when a stranger added it; coordinators are told either way."""
    change = update.my_chat_member
    if change is None or change.chat.type not in (Chat.GROUP, Chat.SUPERGROUP):
        return
    joined = change.new_chat_member.status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR)
    if not joined or change.old_chat_member.status not in (ChatMember.LEFT, ChatMember.BANNED):
        return
    runtime = runtime_of(context.application)
    chat, user = change.chat, change.from_user
    registered, by_coordinator = await runtime.db.run(
        note_bot_added,
        chat.id,
        title=safe_title(chat.title or ""),
        user_id=user.id,
        user_name=user.full_name,
        configured_coordinators=runtime.coordinators,
        now=runtime.now(),
    )
    if registered:
        return
    if by_coordinator:
        await send_html(context.bot, chat.id, runtime.catalog.t("group.added_pending"))
        return
    await leave_group(
        context.application, chat.id, title=chat.title or "", reason="group.left_stranger"
    )
