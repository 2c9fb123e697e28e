"""Jobs on python-telegram-bot's JobQueue (APScheduler), registered in one place.

What is due is always read from the database, so a restart loses nothing: the jobs only wake
up and look. Each job has a fixed id (re-registering replaces it), and an explicit misfire
policy: APScheduler's default grace of 1 s silently skips a run delayed by a busy loop.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram.ext import Application, ContextTypes, JobQueue

from bot.notify import leave_group, post_minutes
from bot.reminders.sweep import sweep
from bot.reports.ahead import draw_ahead
from bot.services import services_of
from storage import reviews
from storage.drafts import purge_drafts
from storage.errors import Conflict
from storage.groups import overdue_pending
from storage.retention import anonymise

log = logging.getLogger("ceasefire.scheduler")
HOUSEKEEPING_EVERY = timedelta(minutes=1)
UNREGISTERED_GRACE = timedelta(minutes=10)  # a coordinator's time to /configurar a new group


async def close_stale_reviews(application: Application) -> int:  # type: ignore[type-arg]
    """Close reviews left open longer than ``auto_close_hours`` and post their minutes."""
    services = services_of(application)
    now = services.now()
    cutoff = now - timedelta(hours=services.settings.reviews.auto_close_hours)
    closed = 0
    for chat_id in await services.db.run(reviews.stale_reviews, cutoff):
        try:
            minutes = await services.db.run(reviews.end_review, None, chat_id, now, True)
        except Conflict:
            continue  # someone closed it meanwhile
        await post_minutes(application, chat_id, minutes)
        closed += 1
    return closed


async def housekeeping(application: Application) -> tuple[int, int]:  # type: ignore[type-arg]
    """Auto-close stale reviews and drop abandoned incident drafts. Returns both counts."""
    services = services_of(application)
    closed = await close_stale_reviews(application)
    idle = timedelta(minutes=services.settings.reviews.draft_timeout_minutes)
    purged = await services.db.run(purge_drafts, idle, services.now())
    if services.settings.privacy.retention_days:
        await services.db.run(anonymise, services.settings.privacy.retention_days, services.now())
    stale = await services.db.run(overdue_pending, services.now() - UNREGISTERED_GRACE)
    for chat_id, title in stale:
        await leave_group(application, chat_id, title, "group.left_unregistered")
    if closed or purged:
        log.info("housekeeping: %d reviews auto-closed, %d drafts dropped", closed, purged)
    return closed, purged


async def _housekeeping_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await housekeeping(context.application)


async def _sweep_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await sweep(context.application)


async def _draw_ahead_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context.application)
    await draw_ahead(services, services.now())


def _every(
    job_queue: JobQueue,  # type: ignore[type-arg]
    callback: Callable[[ContextTypes.DEFAULT_TYPE], Awaitable[None]],
    name: str,
    interval: timedelta,
    first: timedelta,
) -> None:
    """A repeating job with a fixed id and an explicit misfire policy: a run delayed by
    less than one interval still happens, a late run is one run (not a burst), and runs
    never overlap."""
    job_queue.run_repeating(
        callback,
        interval=interval,
        first=first,
        name=name,
        job_kwargs={
            "id": name,
            "replace_existing": True,
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": int(interval.total_seconds()),
        },
    )


def register_jobs(application: Application) -> None:  # type: ignore[type-arg]
    job_queue = application.job_queue
    if job_queue is None:  # the job-queue extra is a declared dependency; be explicit
        raise RuntimeError("python-telegram-bot was installed without its job-queue extra")
    sweep_every = timedelta(seconds=services_of(application).settings.reminders.sweep_seconds)
    _every(job_queue, _sweep_job, "reminder-sweep", sweep_every, timedelta(seconds=5))
    _every(job_queue, _housekeeping_job, "housekeeping", HOUSEKEEPING_EVERY, timedelta(seconds=10))
    _every(job_queue, _draw_ahead_job, "draw-ahead", HOUSEKEEPING_EVERY, timedelta(seconds=15))
