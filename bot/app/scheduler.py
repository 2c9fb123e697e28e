"""Jobs on python-telegram-bot's JobQueue (APScheduler), registered in one place.

What is due is always read from the database, so a restart loses nothing: the jobs only wake
up and look. Each job has a fixed id (re-registering replaces it), and an explicit misfire
policy: APScheduler's default grace of 1 s silently skips a run delayed by a busy loop.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram.ext import Application, ContextTypes, JobQueue

from bot.app.intake import replay_unprocessed
from bot.reminders.ahead import draw_ahead
from bot.reminders.sweep import sweep
from bot.runtime.container import runtime_of
from bot.services.housekeeping import housekeeping

HOUSEKEEPING_EVERY = timedelta(minutes=1)
ANSWERS_EVERY = timedelta(seconds=15)


async def _housekeeping_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await housekeeping(context.application)


async def _sweep_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await sweep(context.application)


async def _answers_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await replay_unprocessed(context.application)


async def _draw_ahead_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    runtime = runtime_of(context.application)
    await draw_ahead(runtime, runtime.now())


def _every(
    job_queue: JobQueue,  # type: ignore[type-arg]
    callback: Callable[[ContextTypes.DEFAULT_TYPE], Awaitable[None]],
    *,
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
    sweep_every = timedelta(seconds=runtime_of(application).settings.reminders.sweep_seconds)
    _every(
        job_queue,
        _sweep_job,
        name="reminder-sweep",
        interval=sweep_every,
        first=timedelta(seconds=5),
    )
    _every(
        job_queue,
        _housekeeping_job,
        name="housekeeping",
        interval=HOUSEKEEPING_EVERY,
        first=timedelta(seconds=10),
    )
    _every(
        job_queue,
        _answers_job,  # answers Telegram refused, and updates a dead instance left
        name="answers-retry",
        interval=ANSWERS_EVERY,
        first=timedelta(seconds=20),
    )
    _every(
        job_queue,
        _draw_ahead_job,
        name="draw-ahead",
        interval=HOUSEKEEPING_EVERY,
        first=timedelta(seconds=15),
    )
