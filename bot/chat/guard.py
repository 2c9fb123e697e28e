"""The one authorization mechanism: every handler is wrapped by ``@command``.

The wrapper resolves who is speaking and where (one database round trip), silently ignores
unregistered groups (except for the commands allowed there), checks the chat kind, the
button's signature and the role, and hands the handler a ``Request``. Refusals are
``DomainError``s, rendered by the single error handler (``bot.chat.error_handler``) in the
asker's language.
"""

from __future__ import annotations

import enum
import functools
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Chat, Message, Update, User
from telegram.ext import ContextTypes

from bot.chat.buttons import verify
from bot.chat.request import GroupInfo, Request
from bot.input.kv import reject_control_characters
from bot.runtime.container import Runtime, runtime_of
from domain.actor import Actor
from domain.errors import DomainError, Forbidden, InvalidInput
from domain.terms import Role
from storage.engine import Session
from storage.groups import get_group, group_sectors
from storage.members import resolve_actor
from storage.reviews import note_attendance

ANYONE: frozenset[Role] = frozenset()
MEMBERS = frozenset(Role)
COORDINATORS = frozenset({Role.coordinator})
WRITERS = frozenset({Role.coordinator, Role.agency})
READERS = frozenset({Role.coordinator, Role.observer})  # reports and exports

Handler = Callable[[Request], Awaitable[None]]
# What python-telegram-bot registers: a coroutine function of (update, context).
Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


class Where(enum.Enum):
    anywhere = "anywhere"
    group = "group"
    private = "private"


def _identify(
    session: Session, runtime: Runtime, *, user: User, chat: Chat, activity: bool
) -> tuple[Actor, GroupInfo | None]:
    """Who is speaking, and the registered group they speak in (None: private or not one)."""
    private = chat.type == Chat.PRIVATE
    actor = resolve_actor(
        session,
        user.id,
        user.full_name,
        configured_coordinators=runtime.coordinators,
        now=runtime.now(),
        private_chat=private,
    )
    group = None if private else get_group(session, chat.id)
    info = GroupInfo(chat.id, group_sectors(session, group.id)) if group else None
    if activity and info is not None and actor.member_id is not None:
        # Whoever acts in the group while a review is open attends it (for the minutes).
        note_attendance(session, chat.id, actor.member_id, now=runtime.now())
    return actor, info


def ensure_role(actor: Actor, roles: frozenset[Role]) -> None:
    """Refuse unless ``actor`` has one of ``roles`` (empty = anyone)."""
    if roles and actor.role not in roles:
        raise Forbidden("error.role_required" if actor.is_member else "error.not_member")


def _check_place(chat: Chat, where: Where) -> None:
    is_group = chat.type in (Chat.GROUP, Chat.SUPERGROUP)
    if where is Where.group and not is_group:
        raise Forbidden("error.group_only")
    if where is Where.private and chat.type != Chat.PRIVATE:
        raise Forbidden("error.private_only")


def _carries(message: object, data: str, verified: Callable[[str], str | None]) -> bool:
    """Whether ``message`` shows a button meaning ``data``. Telegram sends the message a
    button was pressed under, with its keyboard; data pressed under a message without such
    a button is a forged callback or a replay. (Compared once verified: a double tap may
    carry the data of the keyboard the first tap's edit replaced.) A message Telegram no
    longer shows the bot (``InaccessibleMessage``, no keyboard) is judged by the signature."""
    if not isinstance(message, Message) or not message.is_accessible:
        return True  # Telegram sends old messages as {chat, message_id, date: 0}
    markup = message.reply_markup
    buttons = markup.inline_keyboard if markup is not None else ()
    return any(
        isinstance(b.callback_data, str) and verified(b.callback_data) == data
        for row in buttons
        for b in row
    )


def _check_button(request: Request) -> None:
    """A pressed button's data, its signature checked: only buttons this bot made for this
    chat (or this very message) pass, and only under a message that carries them."""
    query = request.update.callback_query
    if query is None:
        return
    message = query.message
    if message is None:
        raise InvalidInput("error.bad_button")

    def verified(signed: str | None) -> str | None:
        token, chat_id = request.context.bot.token, message.chat.id
        return verify(signed, token, chat_id=chat_id, message_id=message.message_id)

    data = verified(query.data)
    if data is None or not _carries(message, data, verified):
        raise InvalidInput("error.bad_button")
    request.callback_data = data


async def _measured(handler: Handler, request: Request, roles: frozenset[Role]) -> None:
    """Run the handler once admitted, counting its outcome and latency."""
    metrics, name = request.runtime.metrics, handler.__name__
    started, outcome = time.perf_counter(), "ok"
    try:
        message = request.update.effective_message
        if message is not None and request.update.callback_query is None:
            reject_control_characters(message.text or message.caption or "")
        _check_button(request)
        ensure_role(request.actor, roles)
        await handler(request)
    except DomainError as error:
        outcome = "refused"
        error.language = request.catalog.language  # answer in the asker's language
        raise
    except Exception:
        outcome = "error"
        raise
    finally:
        metrics.updates.labels(name, outcome).inc()
        metrics.latency.labels(name).observe(time.perf_counter() - started)


def command(
    *,
    roles: frozenset[Role] = MEMBERS,
    where: Where = Where.anywhere,
    unregistered_groups: bool = False,
    activity: bool = True,
) -> Callable[[Handler], Callback]:
    """Wrap a handler with the shared checks. ``roles=ANYONE`` admits non-members.

    ``activity`` says whether using the command in a group counts as taking part in an open
    review (``/presente`` does not: it declares listening).
    """

    def decorate(handler: Handler) -> Callback:
        @functools.wraps(handler)
        async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            user, chat = update.effective_user, update.effective_chat
            if user is None or chat is None or user.is_bot:
                return
            runtime = runtime_of(context.application)
            actor, group = await runtime.db.run(
                _identify, runtime, user=user, chat=chat, activity=activity
            )
            is_group = chat.type in (Chat.GROUP, Chat.SUPERGROUP)
            if is_group and group is None and not unregistered_groups:
                if update.callback_query is not None:
                    await update.callback_query.answer()  # stop the client's spinner
                return  # unregistered groups are ignored, silently
            _check_place(chat, where)
            await _measured(handler, Request(update, context, runtime, actor, group), roles)

        wrapper.roles = roles  # type: ignore[attr-defined]  # read by /help
        wrapper.where = where  # type: ignore[attr-defined]  # read by the command menus
        return wrapper

    return decorate
