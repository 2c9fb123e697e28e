"""Housekeeping every minute: reviews left open are closed (minutes posted), abandoned
incident drafts dropped, free text past retention anonymised, unregistered groups left."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import Application

from bot.runtime.container import runtime_of
from bot.services.groups import leave_group
from bot.services.reviews import post_minutes
from domain.errors import Conflict
from storage import reviews
from storage.drafts import purge_drafts
from storage.groups import overdue_pending
from storage.retention import anonymise

log = logging.getLogger("ceasefire.scheduler")

UNREGISTERED_GRACE = timedelta(minutes=10)  # a coordinator's time to /configurar a new group


async def close_stale_reviews(application: Application) -> int:  # type: ignore[type-arg]
    """Close reviews left open longer than ``auto_close_hours`` and post their minutes."""
    runtime = runtime_of(application)
    now = runtime.now()
    cutoff = now - timedelta(hours=runtime.settings.reviews.auto_close_hours)
    closed = 0
    for chat_id in await runtime.db.run(reviews.stale_reviews, cutoff):
        try:
            minutes = await runtime.db.run(reviews.end_review, None, chat_id, now, True)
        except Conflict:
            continue  # someone closed it meanwhile
        await post_minutes(application, chat_id, minutes)
        closed += 1
    return closed


async def housekeeping(application: Application) -> tuple[int, int]:  # type: ignore[type-arg]
    """Auto-close stale reviews and drop abandoned incident drafts. Returns both counts."""
    runtime = runtime_of(application)
    closed = await close_stale_reviews(application)
    idle = timedelta(minutes=runtime.settings.reviews.draft_timeout_minutes)
    purged = await runtime.db.run(purge_drafts, idle, runtime.now())
    if runtime.settings.privacy.retention_days:
        await runtime.db.run(anonymise, runtime.settings.privacy.retention_days, runtime.now())
    stale = await runtime.db.run(overdue_pending, runtime.now() - UNREGISTERED_GRACE)
    for chat_id, title in stale:
        await leave_group(application, chat_id, title, "group.left_unregistered")
    if closed or purged:
        log.info("housekeeping: %d reviews auto-closed, %d drafts dropped", closed, purged)
    return closed, purged
