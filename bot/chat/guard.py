"""The one authorization mechanism: every handler is wrapped by ``@command``.

The wrapper resolves who is speaking and where (one database round trip), silently ignores
unregistered groups (except for the commands allowed there), checks the chat kind and the
role, and hands the handler a ``Request``. Refusals are ``DomainError``s, rendered by the
single error handler in ``bot.errors``.
"""

from __future__ import annotations

import enum
import functools
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from sqlmodel import Session
from telegram import Chat, Update
from telegram.ext import ContextTypes

from bot.chat.buttons import verify
from bot.chat.request import GroupInfo, Request
from bot.runtime.container import Runtime, runtime_of
from domain.actor import Actor
from domain.errors import DomainError, Forbidden, InvalidInput
from domain.terms import Role
from storage.groups import get_group, group_sectors
from storage.members import resolve_actor
from storage.reviews import note_attendance

ANYONE: frozenset[Role] = frozenset()
MEMBERS = frozenset(Role)
COORDINATORS = frozenset({Role.coordinator})
WRITERS = frozenset({Role.coordinator, Role.agency})
READERS = frozenset({Role.coordinator, Role.observer})  # reports and exports


class Where(enum.Enum):
    anywhere = "anywhere"
    group = "group"
    private = "private"


def _resolve(
    session: Session, runtime: Runtime, user_id: int, name: str, chat: Chat, activity: bool
) -> tuple[Actor, GroupInfo | None]:
    private = chat.type == Chat.PRIVATE
    actor = resolve_actor(
        session,
        user_id,
        name,
        configured_coordinators=runtime.coordinators,
        now=runtime.now(),
        private_chat=private,
    )
    group = None if private else get_group(session, chat.id)
    info = GroupInfo(chat.id, group_sectors(session, group.id)) if group else None
    if activity and info is not None and actor.member_id is not None:
        # Whoever acts in the group while a review is open attends it (for the minutes).
        note_attendance(session, chat.id, actor.member_id, runtime.now())
    return actor, info


def ensure_role(actor: Actor, roles: frozenset[Role]) -> None:
    """Refuse unless ``actor`` has one of ``roles`` (empty = anyone)."""
    if roles and actor.role not in roles:
        raise Forbidden("error.role_required" if actor.is_member else "error.not_member")


Handler = Callable[[Request], Awaitable[None]]
# What python-telegram-bot registers: a coroutine function of (update, context).
Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def command(
    roles: frozenset[Role] = MEMBERS,
    where: Where = Where.anywhere,
    unregistered_groups: bool = False,
    activity: bool = True,
) -> Callable[[Handler], Callback]:
    """Wrap a handler with the shared checks. ``roles=ANYONE`` admits non-members.

    ``activity`` says whether using the command in a group counts as taking part in an open
    review (``/presente`` does not: it declares listening).
    """

    def decorate(
        handler: Handler,
    ) -> Callback:
        @functools.wraps(handler)
        async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            user, chat = update.effective_user, update.effective_chat
            if user is None or chat is None or user.is_bot:
                return
            runtime = runtime_of(context.application)
            actor, group = await runtime.db.run(
                _resolve, runtime, user.id, user.full_name, chat, activity
            )
            is_group = chat.type in (Chat.GROUP, Chat.SUPERGROUP)
            if is_group and group is None and not unregistered_groups:
                if update.callback_query is not None:
                    await update.callback_query.answer()  # stop the client's spinner
                return  # unregistered groups are ignored, silently
            if where is Where.group and not is_group:
                raise Forbidden("error.group_only")
            if where is Where.private and chat.type != Chat.PRIVATE:
                raise Forbidden("error.private_only")
            request = Request(update, context, runtime, actor, group)
            started, outcome = time.perf_counter(), "ok"
            try:
                if update.callback_query is not None:
                    data = verify(update.callback_query.data, context.bot.token)
                    if data is None:  # not a button this bot made
                        raise InvalidInput("error.bad_button")
                    request.callback_data = data
                ensure_role(actor, roles)
                await handler(request)
            except DomainError as error:
                outcome = "refused"
                error.language = request.catalog.language  # answer in the asker's language
                raise
            except Exception:
                outcome = "error"
                raise
            finally:
                runtime.metrics.updates.labels(handler.__name__, outcome).inc()
                runtime.metrics.latency.labels(handler.__name__).observe(
                    time.perf_counter() - started
                )

        wrapper.roles = roles  # type: ignore[attr-defined]  # read by /help
        return wrapper

    return decorate
