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
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from telegram import Chat, ForceReply, InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.ext import ContextTypes

from bot.callbacks import sign_markup, verify
from bot.i18n import Catalog, Safe, plain
from bot.notify import HTML, send_html
from bot.services import Services, services_of
from storage.errors import DomainError, Forbidden, InvalidInput
from storage.groups import get_group, group_sectors
from storage.members import Actor, resolve_actor
from storage.models import Role
from storage.reviews import note_attendance

ReplyMarkup = InlineKeyboardMarkup | ForceReply
ANYONE: frozenset[Role] = frozenset()
MEMBERS = frozenset(Role)
COORDINATORS = frozenset({Role.coordinator})
WRITERS = frozenset({Role.coordinator, Role.agency})
READERS = frozenset({Role.coordinator, Role.observer})  # reports and exports


class Where(enum.Enum):
    anywhere = "anywhere"
    group = "group"
    private = "private"


@dataclass(frozen=True, slots=True)
class GroupInfo:
    chat_id: int
    sectors: list[str]


@dataclass
class Request:
    """One authorized command or button press, with helpers to answer it."""

    update: Update
    context: ContextTypes.DEFAULT_TYPE
    services: Services
    actor: Actor
    group: GroupInfo | None
    callback_data: str = ""  # a pressed button's data, its signature checked

    @property
    def args(self) -> list[str]:
        return list(self.context.args or [])

    @property
    def arg_text(self) -> str:
        """Everything after the command word, untouched (quotes and spacing kept)."""
        message = self.update.effective_message
        parts = (message.text or "").split(maxsplit=1) if message else []
        return parts[1] if len(parts) > 1 else ""

    @property
    def user_id(self) -> int:
        return self.update.effective_user.id  # type: ignore[union-attr]  # checked by @command

    @property
    def chat(self) -> Chat:
        return self.update.effective_chat  # type: ignore[return-value]

    @property
    def in_group(self) -> bool:
        return self.chat.type in (Chat.GROUP, Chat.SUPERGROUP)

    @property
    def catalog(self) -> Catalog:
        """The member's own language in private chats; the configured one in groups."""
        if self.chat.type == Chat.PRIVATE:
            return self.services.catalog_for(self.actor.language)
        return self.services.catalog

    def t(self, key: str, /, **params: Any) -> Safe:
        return self.catalog.t(key, **params)

    async def reply(
        self,
        text: str,
        markup: ReplyMarkup | None = None,
        *,
        protect: bool = False,
        reply_to: int | None = None,
    ) -> Message:
        """Send to the chat the request came from.

        ``protect`` (incident details) stops forwarding and saving; ``reply_to`` answers a
        given message, which lets a ``ForceReply`` prompt target its author only.
        """
        return await send_html(
            self.context.bot,
            self.chat.id,
            text,
            reply_markup=markup,
            protect_content=protect or None,
            reply_parameters=(
                ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
            ),
        )

    async def edit(self, text: str, markup: InlineKeyboardMarkup | None = None) -> bool:
        """Edit the message under the pressed button, unless it would not change.

        Telegram refuses an edit to identical content ("message is not modified"), which a
        double tap or a stale pager would otherwise trigger. Returns whether it edited.
        """
        query = self.update.callback_query
        assert query is not None and isinstance(query.message, Message)
        current = query.message
        markup = sign_markup(markup, self.context.bot.token)  # type: ignore[assignment]
        if plain(text).strip() == (current.text or "").strip() and (
            markup == current.reply_markup
            or (
                markup is None
                and not (current.reply_markup and current.reply_markup.inline_keyboard)
            )
        ):
            return False
        await query.edit_message_text(text, reply_markup=markup, **HTML)
        return True


def _resolve(
    session: Session, services: Services, user_id: int, name: str, chat: Chat, activity: bool
) -> tuple[Actor, GroupInfo | None]:
    private = chat.type == Chat.PRIVATE
    actor = resolve_actor(
        session,
        user_id,
        name,
        configured_coordinators=services.coordinators,
        now=services.now(),
        private_chat=private,
    )
    group = None if private else get_group(session, chat.id)
    info = GroupInfo(chat.id, group_sectors(session, group.id)) if group else None
    if activity and info is not None and actor.member_id is not None:
        # Whoever acts in the group while a review is open attends it (for the minutes).
        note_attendance(session, chat.id, actor.member_id, services.now())
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
            services = services_of(context.application)
            actor, group = await services.db.run(
                _resolve, services, user.id, user.full_name, chat, activity
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
            request = Request(update, context, services, actor, group)
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
                services.metrics.updates.labels(handler.__name__, outcome).inc()
                services.metrics.latency.labels(handler.__name__).observe(
                    time.perf_counter() - started
                )

        wrapper.roles = roles  # type: ignore[attr-defined]  # read by /help
        return wrapper

    return decorate
