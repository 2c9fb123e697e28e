"""``Request``: one authorized command or button press, with what a handler needs to answer.

The ``@command`` guard (``bot.chat.guard``) builds it; handlers read the arguments, the actor
and the group from it, call storage or a service through ``run``, and answer with ``reply``
or ``edit``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from telegram import (
    Chat,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.chat.buttons import sign_markup
from bot.chat.send import HTML, send_html
from bot.input.vocabulary import LANGUAGES
from bot.runtime.container import Runtime
from bot.runtime.settings import Settings
from bot.views.i18n import Catalog, Safe, plain
from domain.actor import Actor
from domain.errors import Forbidden
from domain.terms import Role
from storage import intake

ReplyMarkup = InlineKeyboardMarkup | ForceReply
T = TypeVar("T")


def telegram_language(code: str | None) -> str | None:
    """The catalog language of a Telegram ``language_code`` (an IETF tag: ``es-MX``,
    ``en-US``, ``fr``), or None when the bot does not speak it."""
    base = (code or "").split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else None


@dataclass(frozen=True, slots=True)
class GroupInfo:
    """The registered coordination group a request came from."""

    chat_id: int
    sectors: list[str]


@dataclass
class Request:
    """One authorized command or button press, with helpers to answer it."""

    update: Update
    context: ContextTypes.DEFAULT_TYPE
    runtime: Runtime
    actor: Actor
    group: GroupInfo | None
    callback_data: str = ""  # a pressed button's data, its signature checked
    steps: int = 0  # database steps run so far (``storage.intake.run_step`` numbers them)
    # Results of read steps not stored yet: the next step that writes stores them with its
    # own, so a replay sees the state the first run saw (``storage.intake.run_step``).
    reads: list[tuple[int, bytes]] = field(default_factory=list)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(session, *args, **kwargs)`` in one transaction on the database thread: a
        repository function, or a service spanning several. A step that writes commits
        with its result, keyed by this update: replayed after a crash or a failed answer,
        it returns that result instead of writing again (``storage.intake``)."""
        self.steps += 1
        key = (self.update.update_id, self.steps)
        return await self.runtime.db.run(
            intake.run_step, key, fn, args=args, kwargs=kwargs, reads=self.reads
        )

    def now(self) -> datetime:
        return self.runtime.now()

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

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

    def sees_detail(self, agency_code: str | None) -> bool:
        """Whether item-level detail of ``agency_code`` (None: every agency's) may be shown
        here, to this actor (``Actor.may_see_detail``: the one need-to-know rule)."""
        return self.actor.may_see_detail(agency_code, private=self.chat.type == Chat.PRIVATE)

    def sees_incident_text(self) -> bool:
        """Whether incidents' places and notes may be shown here (``Actor`` decides)."""
        return self.actor.may_see_incident_text(private=self.chat.type == Chat.PRIVATE)

    def require_detail(self, agency_code: str | None) -> None:
        """Refuse, saying where the detail can be seen, unless ``sees_detail``."""
        if self.sees_detail(agency_code):
            return
        if self.chat.type != Chat.PRIVATE and self.actor.may_see_detail(agency_code, private=True):
            raise Forbidden("error.detail_in_private")
        own_only = self.actor.role is Role.agency
        raise Forbidden("error.only_own_agency" if own_only else "error.detail_counts")

    @property
    def catalog(self) -> Catalog:
        """In private chats the member's chosen language (``/ajustes idioma``), else their
        Telegram app's language when the bot speaks it, else the configured one; in groups
        the configured one (a group is read by everyone)."""
        if self.chat.type == Chat.PRIVATE:
            user = self.update.effective_user
            telegram = telegram_language(user.language_code if user else None)
            return self.runtime.catalog_for(self.actor.language or telegram)
        return self.runtime.catalog

    def t(self, key: str, /, **params: Any) -> Safe:
        return self.catalog.t(key, **params)

    def private_link(self, payload: str) -> InlineKeyboardMarkup | None:
        """A button opening the private chat with ``/start payload``: a group only sees
        counts, and the detail is one tap away instead of a command to retype there.
        ``payload``: 1-64 of ``A-Za-z0-9_-`` (Telegram's deep-link rule)."""
        username = self.context.bot.username
        if not username:
            return None
        url = f"https://t.me/{username}?start={payload}"
        label = plain(self.t("menu.open_private"))
        return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]])

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
        markup = sign_markup(  # type: ignore[assignment]
            markup, self.context.bot.token, chat_id=current.chat.id, message_id=current.message_id
        )
        if plain(text).strip() == (current.text or "").strip() and (
            markup == current.reply_markup
            or (
                markup is None
                and not (current.reply_markup and current.reply_markup.inline_keyboard)
            )
        ):
            return False
        try:
            await query.edit_message_text(text, reply_markup=markup, **HTML)
        except BadRequest as exc:
            # The callback carries the message as it was when pressed: a replay of a press
            # already applied finds it edited, which is what was wanted.
            if "not modified" not in str(exc).lower():
                raise
            return False
        return True
