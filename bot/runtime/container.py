"""The runtime container: what handlers, jobs and reports need while the bot runs, built
once by ``build_application`` and kept in ``bot_data`` (``runtime_of``).

It holds the settings, the database, the clock (injected, so tests move time instead of
sleeping), the message catalogs, the renderer processes that draw reports off the event
loop, the metrics and the weekly reports drawn ahead of their slot.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import socket
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from telegram.ext import Application

from bot.runtime.metrics import Metrics
from bot.runtime.settings import Settings
from bot.views.i18n import Catalog
from storage.engine import Database

T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


def instance_name() -> str:
    """Who claims notifications: host, process and a random tag (unique per start)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class DrawnAhead:
    """Weekly reports drawn before their slot (``bot.reminders.ahead``), per (chat id, week
    end), kept until the sweep takes them; each is taken once."""

    slot: datetime | None = None
    reports: dict[tuple[int, datetime], asyncio.Future[Any]] = field(default_factory=dict)

    async def take(self, chat_id: int, week_end: datetime) -> Any:
        """The report drawn ahead for this group and week (waiting if it is being drawn),
        or None: the caller draws it."""
        future = self.reports.pop((chat_id, week_end), None)
        return None if future is None else await future


@dataclass
class Runtime:
    """One running bot's shared parts (one per ``Application``)."""

    settings: Settings
    db: Database
    catalog: Catalog  # the configured language: groups and anyone without a preference
    clock: Callable[[], datetime] = utc_now
    coordinators: frozenset[int] = field(default_factory=frozenset)
    instance: str = field(default_factory=instance_name)
    metrics: Metrics = field(default_factory=Metrics)
    ahead: DrawnAhead = field(default_factory=DrawnAhead)  # weekly reports drawn early
    # Updates whose answer Telegram refused (5xx, timeout): retried later, not marked done.
    unanswered: set[int] = field(default_factory=set)
    _catalogs: dict[str, Catalog] = field(default_factory=dict)
    _renderer: Executor | None = None
    # By the runtime's clock: ``/healthz`` grants a fresh instance time for its first sweep.
    started_at: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.started_at = self.clock()

    def now(self) -> datetime:
        return self.clock()

    async def render(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run CPU-heavy report work (pandas, matplotlib) off the event loop.

        ``[reports] render_in = "process"`` uses long-lived worker processes (``renderers``,
        started with ``forkserver``: clean processes, not forks of this multi-threaded one),
        so rendering cannot hold the event loop's GIL; ``"thread"`` uses a thread (tests,
        small installs).
        """
        call = functools.partial(fn, *args, **kwargs)  # picklable: fn is a module function
        if self.settings.reports.render_in == "thread":
            return await asyncio.to_thread(call)
        loop = asyncio.get_running_loop()
        pool = self._pool()
        try:
            return await loop.run_in_executor(pool, call)
        except BrokenProcessPool:
            # A renderer died (killed for memory, crashed), which breaks the whole pool for
            # good: start a fresh one (once, whoever notices first) and try again.
            if self._renderer is pool:
                pool.shutdown(wait=False, cancel_futures=True)
                self._renderer = None
            return await loop.run_in_executor(self._pool(), call)

    def _pool(self) -> Executor:
        if self._renderer is None:
            context = multiprocessing.get_context("forkserver")
            self._renderer = ProcessPoolExecutor(
                max_workers=self.settings.reports.renderers, mp_context=context
            )
        return self._renderer

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.shutdown(wait=True, cancel_futures=True)
            self._renderer = None
        self.db.close()

    def catalog_for(self, language: str | None) -> Catalog:
        """The catalog of a member's own language (private chats), else the configured one."""
        if not language or language == self.catalog.language:
            return self.catalog
        if language not in self._catalogs:
            self._catalogs[language] = Catalog(language, self.catalog.zone)
        return self._catalogs[language]


def runtime_of(application: Application) -> Runtime:  # type: ignore[type-arg]
    return application.bot_data["runtime"]
