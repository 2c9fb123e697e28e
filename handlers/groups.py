"""/setup: a coordinator registers the group as a coordination group for police sectors."""

from __future__ import annotations

from sqlmodel import Session
from telegram import Chat, ChatMember, Update
from telegram.ext import ContextTypes

from bot.chat.guard import COORDINATORS, Where, command
from bot.chat.request import Request
from bot.chat.send import send_html
from bot.input.privacy import check_free_text
from bot.runtime.container import Runtime, runtime_of
from bot.services.groups import leave_group
from domain.errors import InvalidInput
from storage.groups import get_group, note_added, register_group
from storage.members import resolve_actor


@command(roles=COORDINATORS, where=Where.group, unregistered_groups=True)
async def setup(req: Request) -> None:
    sectors = [s.strip() for s in " ".join(req.args).split(",") if s.strip()]
    if not sectors:
        raise InvalidInput("usage.setup")
    for sector in sectors:
        check_free_text(sector)
    _group, names, is_new = await req.runtime.db.run(
        register_group,
        req.actor,
        req.chat.id,
        req.chat.title or "",
        sectors,
        req.runtime.now(),
    )
    key = "setup.registered" if is_new else "setup.updated"
    await req.reply(req.t(key, sectors=", ".join(names)))


def _note_added(
    session: Session, runtime: Runtime, user_id: int, name: str, chat: Chat
) -> tuple[bool, bool]:
    """(registered already, added by a coordinator) — and remember a pending group."""
    actor = resolve_actor(
        session, user_id, name, configured_coordinators=runtime.coordinators, now=runtime.now()
    )
    if actor.is_coordinator:
        return note_added(session, chat.id, chat.title or "", user_id, runtime.now()), True
    return get_group(session, chat.id) is not None, False


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
    user = change.from_user
    registered, by_coordinator = await runtime.db.run(
        _note_added, runtime, user.id, user.full_name, change.chat
    )
    if registered:
        return
    if by_coordinator:
        await send_html(context.bot, change.chat.id, runtime.catalog.t("group.added_pending"))
        return
    await leave_group(
        context.application, change.chat.id, change.chat.title or "", "group.left_stranger"
    )
