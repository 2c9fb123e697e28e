"""Updates in, without losing any: the durable polling loop and the shared processing step.

python-telegram-bot's ``Updater`` confirms updates to Telegram as soon as it has queued
them, so a crash loses what was queued. Here every update is stored in the database
(``storage.intake``) before the ``getUpdates`` offset moves past it, then claimed,
processed and marked processed. A redelivered update (same id, after a crash or a webhook
retry) is processed at most once; one stored but never processed is processed at the next
start, and one whose answer Telegram refused (5xx, timeout) is tried again later
(``retry_answers``). Either way the command's committed steps are not applied again
(``storage.intake.run_step``): commands apply exactly once and are answered at least once.
Webhook mode (``bot.app.web``) uses the same ``handle_update``.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.chat.send import retry_delay
from bot.runtime.container import runtime_of
from handlers import ALLOWED_UPDATES
from storage import intake

log = logging.getLogger("ceasefire.intake")
LEASE = timedelta(minutes=5)  # a claimed update not finished by then is processed again
RETRY_AFTER = timedelta(seconds=30)  # the first retry of an unsent answer (then doubling)


async def handle_update(
    application: Application,  # type: ignore[type-arg]
    payload: dict[str, Any],
    *,
    lease: timedelta = LEASE,
    stored: bool = False,
) -> bool:
    """Store (if new; ``stored``: already done) and process one raw update once.
    Returns whether it was processed."""
    runtime = runtime_of(application)
    update_id = payload["update_id"]
    if not stored:
        await runtime.db.run(intake.record, payload, runtime.now())
    if not await runtime.db.run(intake.claim, update_id, now=runtime.now(), lease=lease):
        return False  # done already, or being done (a redelivery racing the first)
    await application.process_update(Update.de_json(payload, application.bot))
    if update_id in runtime.unanswered:  # Telegram refused the answer (bot.chat.error_handler)
        runtime.unanswered.discard(update_id)
        now = runtime.now()
        await runtime.db.run(intake.retry_later, update_id, now=now, after=RETRY_AFTER)
        return False
    # Marked after processing: a crash in between means the update is processed again
    # (its committed steps are not applied twice), never that it is lost.
    await runtime.db.run(intake.mark_processed, update_id, runtime.now())
    return True


async def replay_unprocessed(application: Application, take_over: bool = False) -> int:  # type: ignore[type-arg]
    """Process what was stored but not processed: left by a crash, or answers waiting for
    their next try. ``take_over`` ignores leases (polling at start: this is the only
    process, so any lease belongs to a dead one); otherwise only expired leases are taken.
    """
    runtime = runtime_of(application)
    lease = timedelta(0) if take_over else LEASE
    done = 0
    for payload in await runtime.db.run(intake.unprocessed, runtime.now()):
        done += await handle_update(application, payload, lease=lease)
    return done


def chat_key(update: Update) -> int:
    """What must be handled in order: one chat's updates (a wizard's answers, a command
    and its follow-up); updates without a chat are ordered by user."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else 0


class DurablePoller:
    """Long polling that never loses an update and never lets one chat hold up another.

    Each update is stored before its ``getUpdates`` offset is confirmed (a crash leaves it
    in the database, processed at the next start) and then handled in a task: in arrival
    order within its chat, concurrently across chats. A group's ``/reporte`` drawing its
    charts for a second does not delay a button press in someone's private chat.
    """

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        timeout: int = 30,
        concurrency: int = 16,
    ) -> None:
        self.application = application
        self.timeout = timeout
        self._stop = asyncio.Event()
        self._slots = asyncio.Semaphore(concurrency)
        self._chains: dict[int, asyncio.Task[None]] = {}

    def stop(self) -> None:
        self._stop.set()

    async def poll_once(self, offset: int | None) -> int | None:
        """One getUpdates round: store and schedule what came; returns the next offset."""
        updates = await self.application.bot.get_updates(
            offset=offset, timeout=self.timeout, allowed_updates=ALLOWED_UPDATES
        )
        runtime = runtime_of(self.application)
        for update in updates:
            payload = update.to_dict()
            await runtime.db.run(intake.record, payload, runtime.now())
            self._schedule(chat_key(update), payload)
            offset = update.update_id + 1  # confirmed with the next getUpdates call
        return offset

    def _schedule(self, key: int, payload: dict[str, Any]) -> None:
        task = asyncio.create_task(self._handle_after(self._chains.get(key), payload))
        self._chains[key] = task

        def forget(done: asyncio.Task[None]) -> None:
            if self._chains.get(key) is done:
                del self._chains[key]

        task.add_done_callback(forget)

    async def _handle_after(
        self, previous: asyncio.Task[None] | None, payload: dict[str, Any]
    ) -> None:
        if previous is not None:
            await asyncio.wait([previous])  # its outcome is its own
        async with self._slots:
            try:
                await handle_update(self.application, payload, stored=True)
            except Exception:
                # Stored and unprocessed: handled again at the next start.
                log.exception("update %s failed", payload.get("update_id"))

    async def drain(self) -> None:
        """Wait until every scheduled update has been handled."""
        while self._chains:
            await asyncio.wait(list(self._chains.values()))

    async def run(self) -> None:
        runtime = runtime_of(self.application)
        await replay_unprocessed(self.application, take_over=True)
        offset = await runtime.db.run(intake.next_offset)
        pause = 1.0
        while not self._stop.is_set():
            try:
                offset = await self.poll_once(offset)
                pause = 1.0
            except RetryAfter as exc:
                await asyncio.sleep(retry_delay(exc)[0].total_seconds())
            except (NetworkError, TelegramError):
                log.warning("getUpdates failed; retrying in %.0f s", pause, exc_info=True)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 60)
        await self.drain()  # finish what was started before stopping
