"""Updates in, without losing any: the durable polling loop and the shared processing step.

python-telegram-bot's ``Updater`` confirms updates to Telegram as soon as it has queued
them, so a crash loses what was queued. Here every update is stored in the database first
(``storage.intake``), processed, marked processed, and only then is the ``getUpdates``
offset moved past it. A redelivered update (same id, after a crash or a webhook retry) is
processed at most once; one stored but never processed is processed at the next start.
Webhook mode (``bot.web``) uses the same ``handle_update``.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.reminders.sweep import retry_delay
from bot.services import services_of
from storage import intake

log = logging.getLogger("ceasefire.intake")
KEEP_PROCESSED = timedelta(days=7)
LEASE = timedelta(minutes=5)  # a claimed update not finished by then is processed again


async def handle_update(
    application: Application,  # type: ignore[type-arg]
    payload: dict[str, Any],
    lease: timedelta = LEASE,
) -> bool:
    """Store (if new) and process one raw update once. Returns whether it was processed."""
    services = services_of(application)
    update_id = payload["update_id"]
    await services.db.run(intake.record, payload, services.now())
    if not await services.db.run(intake.claim, update_id, services.now(), lease):
        return False  # done already, or being done (a redelivery racing the first)
    await application.process_update(Update.de_json(payload, application.bot))
    # Marked after processing: a crash in between means the update is processed again at
    # the next start (at least once), never that it is lost.
    await services.db.run(intake.mark_processed, update_id, services.now())
    return True


async def replay_unprocessed(application: Application, take_over: bool = False) -> int:  # type: ignore[type-arg]
    """Process what was stored but not processed before a crash. ``take_over`` ignores
    leases (polling: this is the only process, so any lease belongs to a dead one); with
    several webhook instances only expired leases are taken."""
    services = services_of(application)
    lease = timedelta(0) if take_over else LEASE
    done = 0
    for payload in await services.db.run(intake.unprocessed):
        done += await handle_update(application, payload, lease)
    return done


class DurablePoller:
    """Long polling that confirms an update to Telegram only after processing it."""

    def __init__(self, application: Application, timeout: int = 30) -> None:  # type: ignore[type-arg]
        self.application = application
        self.timeout = timeout
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    async def poll_once(self, offset: int | None) -> int | None:
        """One getUpdates round; returns the next offset."""
        updates = await self.application.bot.get_updates(
            offset=offset, timeout=self.timeout, allowed_updates=Update.ALL_TYPES
        )
        for update in updates:
            payload = update.to_dict()
            await handle_update(self.application, payload)
            offset = update.update_id + 1  # confirmed with the next getUpdates call
        return offset

    async def run(self) -> None:
        services = services_of(self.application)
        await replay_unprocessed(self.application, take_over=True)
        offset = await services.db.run(intake.next_offset)
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
            await services.db.run(intake.prune, KEEP_PROCESSED, services.now())
