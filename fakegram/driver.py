"""Drive a real Application through the fake API: "user U says X in chat C", "U presses B".

Used by the test suite, the benchmarks and ``ceasefire demo``. Updates go through
``Application.process_update`` exactly as polling would deliver them; handler exceptions
other than the ``expected`` ones (the bot's own refusals) are collected in ``errors``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes

from fakegram.server import FakeBotApi, Sent


class ChatDriver:
    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        api: FakeBotApi,
        *,
        expected: tuple[type[BaseException], ...] = (),
        process: Callable[[dict[str, Any]], Awaitable[object]] | None = None,
    ) -> None:
        self.app = application
        self.api = api
        self.expected = expected
        # How an update reaches the bot: ``process_update`` unless the caller routes it
        # through its own intake (the test suite: the bot's durable, exactly-once path).
        self.process = process or self._process_update
        self.errors: list[BaseException] = []
        self.last_message_id = 0  # of the last message a user sent through ``send``
        application.add_error_handler(self._record_error)

    async def _record_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if context.error is not None and not isinstance(context.error, self.expected):
            self.errors.append(context.error)

    async def __aenter__(self) -> ChatDriver:
        await self.app.initialize()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.app.shutdown()

    async def _process_update(self, update: dict[str, Any]) -> None:
        await self.app.process_update(Update.de_json(update, self.app.bot))

    async def _process(self, update: dict[str, Any]) -> list[Sent]:
        before = len(self.api.sent)
        await self.process(update)
        return self.api.sent[before:]

    async def send(self, user_id: int, chat_id: int, text: str) -> list[Sent]:
        """User ``user_id`` writes ``text`` in ``chat_id``; returns what the bot sent."""
        update = self.api.message_update(user_id, chat_id, text)
        self.last_message_id = update["message"]["message_id"]
        return await self._process(update)

    async def add_bot(self, user_id: int, chat_id: int) -> list[Sent]:
        """User ``user_id`` adds the bot to group ``chat_id``."""
        return await self._process(self.api.bot_added_update(user_id, chat_id))

    async def edit(self, user_id: int, chat_id: int, message_id: int, *, text: str) -> list[Sent]:
        """User ``user_id`` edits an earlier message of theirs to ``text``."""
        return await self._process(self.api.edit_update(user_id, chat_id, message_id, text=text))

    async def press(self, user_id: int, message: Sent, data: str | None = None) -> list[Sent]:
        """Press a button under ``message`` (its first button unless ``data`` is given).

        ``data`` is the button's meaning (``st:1:done``): the press sends that button's data
        as the bot signed it. Data matching no button is sent as given — a forged press."""
        data = message.buttons[0][1] if data is None else data
        for (_, logical), (_, raw) in zip(message.buttons, message.raw_buttons, strict=True):
            if logical == data:
                data = raw
                break
        return await self.press_raw(user_id, message, data)

    async def press_raw(self, user_id: int, message: Sent, data: str) -> list[Sent]:
        """Send exactly ``data`` as a press under ``message`` (for forged presses)."""
        update = self.api.callback_update(user_id, message.chat_id, message.message_id, data=data)
        return await self._process(update)

    @property
    def last_answer(self) -> dict[str, Any]:
        return self.api.callback_answers[-1]
