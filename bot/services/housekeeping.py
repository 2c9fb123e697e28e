"""Housekeeping every minute: reviews left open are closed (minutes posted), abandoned
incident drafts dropped, free text past retention anonymised, processed updates forgotten
(polling and webhook alike), unregistered groups left, and SQLite's write-ahead log emptied.

Each task runs on its own: one that fails (a database error, a bug) is logged and the
others still run, so, say, a group Telegram refuses to let us leave never keeps free text
from being anonymised. Every task is safe to repeat, and the next run tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram.ext import Application

from bot.runtime.container import runtime_of
from bot.services.groups import leave_group
from bot.services.reviews import close_stale_reviews
from storage import intake
from storage.drafts import purge_drafts
from storage.engine import truncate_wal
from storage.groups import overdue_pending
from storage.retention import anonymise

log = logging.getLogger("ceasefire.scheduler")
UNREGISTERED_GRACE = timedelta(minutes=10)  # a coordinator's time to /configurar a new group
KEEP_PROCESSED = timedelta(days=7)  # processed update ids: a redelivery is recognised until then
T = TypeVar("T")


async def _isolated(name: str, task: Callable[[], Awaitable[T]], failed: T) -> T:
    """Run one task; if it raises, log it (its name and traceback: no user text, since the
    engine hides statement parameters) and return ``failed`` so the next task runs."""
    try:
        return await task()
    except Exception:
        log.exception("housekeeping: %s failed; the next run tries again", name)
        return failed


async def _leave_unregistered(application: Application) -> None:  # type: ignore[type-arg]
    runtime = runtime_of(application)
    stale = await runtime.db.run(overdue_pending, runtime.now() - UNREGISTERED_GRACE)
    for chat_id, title in stale:
        await leave_group(application, chat_id, title=title, reason="group.left_unregistered")


async def _truncate_wal(application: Application) -> None:  # type: ignore[type-arg]
    if not await runtime_of(application).db.run(truncate_wal):
        log.info("housekeeping: the write-ahead log is in use; emptied on a later run")


async def housekeeping(application: Application) -> tuple[int, int]:  # type: ignore[type-arg]
    """Run every task; returns how many reviews were auto-closed and drafts dropped."""
    runtime = runtime_of(application)
    db, now = runtime.db, runtime.now()
    closed = await _isolated("closing stale reviews", lambda: close_stale_reviews(application), 0)
    idle = timedelta(minutes=runtime.settings.reviews.draft_timeout_minutes)
    purged = await _isolated("dropping drafts", lambda: db.run(purge_drafts, idle, now), 0)
    if days := runtime.settings.privacy.retention_days:
        await _isolated("anonymising", lambda: db.run(anonymise, days, now), None)
    await _isolated("pruning updates", lambda: db.run(intake.prune, KEEP_PROCESSED, now), 0)
    await _isolated("leaving groups", lambda: _leave_unregistered(application), None)
    # Last: the log then no longer holds the page versions the tasks above cleared.
    await _isolated("emptying the write-ahead log", lambda: _truncate_wal(application), None)
    if closed or purged:
        log.info("housekeeping: %d reviews auto-closed, %d drafts dropped", closed, purged)
    return closed, purged
