"""Housekeeping every minute: reviews left open are closed (minutes posted), abandoned
incident drafts dropped, free text past retention anonymised, processed updates forgotten
(polling and webhook alike), unregistered groups left."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import Application

from bot.runtime.container import runtime_of
from bot.services.groups import leave_group
from bot.services.reviews import close_stale_reviews
from storage import intake
from storage.drafts import purge_drafts
from storage.groups import overdue_pending
from storage.retention import anonymise

log = logging.getLogger("ceasefire.scheduler")
UNREGISTERED_GRACE = timedelta(minutes=10)  # a coordinator's time to /configurar a new group
KEEP_PROCESSED = timedelta(days=7)  # processed update ids: a redelivery is recognised until then


async def housekeeping(application: Application) -> tuple[int, int]:  # type: ignore[type-arg]
    """Auto-close stale reviews and drop abandoned incident drafts. Returns both counts."""
    runtime = runtime_of(application)
    closed = await close_stale_reviews(application)
    idle = timedelta(minutes=runtime.settings.reviews.draft_timeout_minutes)
    purged = await runtime.db.run(purge_drafts, idle, runtime.now())
    if runtime.settings.privacy.retention_days:
        await runtime.db.run(anonymise, runtime.settings.privacy.retention_days, runtime.now())
    await runtime.db.run(intake.prune, KEEP_PROCESSED, runtime.now())
    stale = await runtime.db.run(overdue_pending, runtime.now() - UNREGISTERED_GRACE)
    for chat_id, title in stale:
        await leave_group(application, chat_id, title=title, reason="group.left_unregistered")
    if closed or purged:
        log.info("housekeeping: %d reviews auto-closed, %d drafts dropped", closed, purged)
    return closed, purged
