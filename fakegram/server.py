"""An in-process fake of the Telegram Bot API, plugged in at python-telegram-bot's request layer.

``FakeBotApi`` keeps users, chats and messages and answers the methods the bot uses with real
Bot API objects. Every call is first checked by ``spec.Validator`` (the official spec); a call
Telegram would refuse gets Telegram's error answer *and* is recorded in ``violations``, so a
test fails even when the bot swallows the error. ``fakegram.request.FakeRequest`` is the
``BaseRequest`` that routes python-telegram-bot's HTTP calls here.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fakegram.limits import SENDING, FloodControl
from fakegram.media import MediaMethods, Upload
from fakegram.spec import ApiError, Validator, parse_html

FILE_METHODS = {"sendMediaGroup", "sendPhoto", "sendDocument"}

BOT_ID = 7000000001
_SIGNATURE = re.compile(r"\|[A-Za-z0-9_-]{8}$")
BOT_USERNAME = "alto_al_fuego_bot"


@dataclass
class Sent:
    """One call the bot made that produced or changed a message."""

    method: str
    chat_id: int
    message_id: int
    text: str
    params: dict[str, Any] = field(default_factory=dict)
    uploads: list[Upload] = field(default_factory=list)  # photos and documents sent

    @property
    def raw_buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of the inline keyboard, row by row, as sent."""
        markup = self.params.get("reply_markup") or {}
        return [
            (b["text"], b.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """Like ``raw_buttons`` with the bot's signatures taken off (what tests talk about)."""
        return [(label, _SIGNATURE.sub("", data)) for label, data in self.raw_buttons]


class FakeBotApi(MediaMethods):
    """The fake server's state and method implementations."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self.validator = Validator()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.started: set[int] = set()
        self.sent: list[Sent] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.violations: list[str] = []
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.unconfirmed: list[dict[str, Any]] = []  # updates getUpdates still returns
        self.polls: list[dict[str, Any]] = []  # the parameters of every getUpdates call
        self._arrived = asyncio.Event()
        self.blocked: set[int] = set()  # users who blocked the bot
        self.left: set[int] = set()  # groups the bot left
        self.outage = False  # True: every call answers 502, as during a Telegram outage
        self.flood_control: FloodControl | None = None  # set to enforce Telegram's limits
        self.uploads: dict[str, Upload] = {}  # file_id -> what was uploaded
        self._failures: dict[int, list[ApiError]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)

    # ------------------------------------------------------------------ the world
    def add_user(self, user_id: int, first_name: str, language_code: str = "es") -> dict:
        user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        self.users[user_id] = user
        self.chats[user_id] = {"id": user_id, "type": "private", "first_name": first_name}
        return user

    def add_group(self, chat_id: int, title: str) -> dict:
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        self.chats[chat_id] = chat
        return chat

    @property
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Alto al Fuego",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _now(self) -> int:
        return int(self.clock().timestamp())

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    # ------------------------------------------------------------------ updates from users
    def message_update(self, user_id: int, chat_id: int, text: str) -> dict[str, Any]:
        """An update for "user U writes ``text`` in chat C" (command entities included)."""
        chat = self.chats[chat_id]
        if chat["type"] == "private":
            self.started.add(user_id)
        message = {
            "message_id": self._next_message_id(chat_id),
            "from": self.users[user_id],
            "chat": chat,
            "date": self._now(),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [
                {
                    "type": "bot_command",
                    "offset": 0,
                    "length": len(command.encode("utf-16-le")) // 2,
                }
            ]
        self.messages[(chat_id, message["message_id"])] = message
        return {"update_id": next(self._update_ids), "message": message}

    def edit_update(self, user_id: int, chat_id: int, message_id: int, *, text: str) -> dict:
        """An update for "user U edits their message to ``text``"."""
        message = dict(self.messages[(chat_id, message_id)])
        message.update(text=text, edit_date=self._now())
        self.messages[(chat_id, message_id)] = message
        return {"update_id": next(self._update_ids), "edited_message": message}

    def bot_added_update(self, user_id: int, chat_id: int) -> dict[str, Any]:
        """An update for "user U adds the bot to group C" (``my_chat_member``)."""
        self.left.discard(chat_id)
        change = {
            "chat": self.chats[chat_id],
            "from": self.users[user_id],
            "date": self._now(),
            "old_chat_member": {"status": "left", "user": self.bot_user},
            "new_chat_member": {"status": "member", "user": self.bot_user},
        }
        return {"update_id": next(self._update_ids), "my_chat_member": change}

    def callback_update(
        self, user_id: int, chat_id: int, message_id: int, *, data: str
    ) -> dict[str, Any]:
        """An update for "user U presses a button carrying ``data`` under a message"."""
        message = self.messages.get((chat_id, message_id))
        if message is None:
            raise KeyError(f"no message {message_id} in chat {chat_id}")
        query = {
            "id": str(next(self._callback_ids)),
            "from": self.users[user_id],
            "message": message,
            "chat_instance": f"ci{chat_id}",
            "data": data,
        }
        return {"update_id": next(self._update_ids), "callback_query": query}

    def sent_texts(self) -> list[str]:
        return [s.text for s in self.sent]

    # ------------------------------------------------------------------ the API
    def call(
        self, method: str, params: dict[str, Any], files: dict[str, Upload] | None = None
    ) -> Any:
        """Validate and execute one call; raises ``ApiError`` as Telegram would refuse it."""
        try:
            if self.outage:
                raise ApiError("Bad Gateway", 502, injected=True)
            name = self.validator.method_name(method)
            self.validator.check_call(name, params)
            self.calls.append((name, params))
            if self.flood_control is not None and name in SENDING:
                count = len(params["media"]) if name == "sendMediaGroup" else 1
                self.flood_control.admit(params["chat_id"], count)
            handler = getattr(self, f"_m_{name}", None)
            if handler is None:
                raise ApiError(f"Not Implemented: the fake does not implement {name}", 501)
            if name in FILE_METHODS:
                return handler(params, files or {})
            return handler(params)
        except ApiError as exc:
            if exc.is_violation:
                self.violations.append(f"{method}: {exc.description}")
            raise

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise ApiError("Bad Request: chat not found")
        return chat

    def fail_next(self, chat_id: int, error: ApiError, times: int = 1) -> None:
        """Make the next ``times`` sends to ``chat_id`` fail with ``error`` (429, 5xx…)."""
        error.injected = True
        self._failures.setdefault(chat_id, []).extend([error] * times)

    def flood(self, chat_id: int, retry_after: int, times: int = 1) -> None:
        error = ApiError(
            f"Too Many Requests: retry after {retry_after}", 429, retry_after=retry_after
        )
        self.fail_next(chat_id, error, times)

    def _new_message(self, chat: dict[str, Any], **fields: Any) -> dict[str, Any]:
        """A message from the bot in ``chat``, after the checks Telegram makes first."""
        queued = self._failures.get(chat["id"])
        if queued:
            raise queued.pop(0)
        if chat["id"] in self.left:
            raise ApiError("Forbidden: bot is not a member of the supergroup chat", 403)
        if chat["type"] == "private" and chat["id"] in self.blocked:
            raise ApiError("Forbidden: bot was blocked by the user", 403)
        if chat["type"] == "private" and chat["id"] not in self.started:
            raise ApiError("Forbidden: bot can't initiate conversation with a user", 403)
        message = {
            "message_id": self._next_message_id(chat["id"]),
            "from": self.bot_user,
            "chat": chat,
            "date": self._now(),
            **{k: v for k, v in fields.items() if v not in (None, "")},
        }
        self.messages[(chat["id"], message["message_id"])] = message
        return message

    def _sent_record(
        self, method: str, chat: dict[str, Any], messages: list[dict], *, params: dict[str, Any]
    ) -> Sent:
        uploads = [self.uploads[m["photo"][0]["file_id"]] for m in messages if "photo" in m]
        uploads += [self.uploads[m["document"]["file_id"]] for m in messages if "document" in m]
        caption = "\n".join(m.get("caption", "") for m in messages)
        return Sent(method, chat["id"], messages[0]["message_id"], caption, params, uploads)

    def _store(self, method: str, chat: dict[str, Any], params: dict[str, Any]) -> dict:
        text = parse_html(params["text"]) if params.get("parse_mode") else params["text"]
        # A Message carries only inline keyboards; ForceReply and reply keyboards are
        # instructions to the client, not part of the returned message.
        markup = params.get("reply_markup", {})
        message = self._new_message(
            chat, text=text, reply_markup=markup if "inline_keyboard" in markup else None
        )
        self.sent.append(Sent(method, chat["id"], message["message_id"], params["text"], params))
        return message

    def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        reply = params.get("reply_parameters")
        if reply and not reply.get("allow_sending_without_reply"):
            target = (reply.get("chat_id", chat["id"]), reply["message_id"])
            if target not in self.messages:
                raise ApiError("Bad Request: message to be replied not found")
        return self._store("sendMessage", chat, params)

    def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        message = self.messages.get((chat["id"], params.get("message_id")))
        if message is None or message["from"]["id"] != BOT_ID:
            raise ApiError("Bad Request: message to edit not found")
        text = parse_html(params["text"]) if params.get("parse_mode") else params["text"]
        markup = params.get("reply_markup")
        if text == message["text"] and markup == message.get("reply_markup"):
            raise ApiError(
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message"
            )
        message["text"] = text
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        message["edit_date"] = self._now()
        self.sent.append(
            Sent("editMessageText", chat["id"], message["message_id"], params["text"], params)
        )
        return message

    def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        message = self.messages.get((chat["id"], params.get("message_id")))
        if message is None or message["from"]["id"] != BOT_ID:
            raise ApiError("Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if markup == message.get("reply_markup"):
            raise ApiError("Bad Request: message is not modified")
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        message["edit_date"] = self._now()
        return message

    def _m_leaveChat(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params["chat_id"])
        self.left.add(chat["id"])
        return True

    def _m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        self.callback_answers.append(params)
        return True

    def _m_setMyCommands(self, params: dict[str, Any]) -> bool:
        self.commands[params.get("language_code", "")] = params["commands"]
        return True

    def _m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        return True

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Telegram's semantics: an update stays until a later call's ``offset`` passes it
        (that is the confirmation); the call waits up to ``timeout`` for one to arrive."""
        self.polls.append(dict(params))
        offset = params.get("offset")
        if offset is not None:
            self.unconfirmed = [u for u in self.unconfirmed if u["update_id"] >= offset]
        deadline = asyncio.get_running_loop().time() + (float(params.get("timeout", 0)) or 0.01)
        while not self.unconfirmed and asyncio.get_running_loop().time() < deadline:
            self._arrived.clear()
            try:
                await asyncio.wait_for(
                    self._arrived.wait(), deadline - asyncio.get_running_loop().time()
                )
            except TimeoutError:
                break
        return self.unconfirmed[: int(params.get("limit", 100))]

    def push_update(self, update: dict[str, Any]) -> None:
        """Make an update available to ``getUpdates`` (long-polling tests)."""
        self.unconfirmed.append(update)
        self._arrived.set()
