"""What handlers need at run time, built once by ``build_application`` and kept in bot_data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from telegram.ext import Application

from bot.i18n import Catalog
from bot.settings import Settings
from storage.engine import Database


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    db: Database
    catalog: Catalog
    clock: Callable[[], datetime] = utc_now
    bot_username: str = ""
    coordinators: frozenset[int] = field(default_factory=frozenset)

    def now(self) -> datetime:
        return self.clock()


def services_of(application: Application) -> Services:  # type: ignore[type-arg]
    return application.bot_data["services"]
