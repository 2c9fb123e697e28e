"""What handlers need at run time, built once by ``build_application`` and kept in bot_data."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from telegram.ext import Application

from bot.i18n import Catalog
from bot.settings import Settings
from storage.engine import Database


def utc_now() -> datetime:
    return datetime.now(UTC)


def instance_name() -> str:
    """Who claims notifications: host, process and a random tag (unique per start)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class Services:
    settings: Settings
    db: Database
    catalog: Catalog  # the configured language: groups and anyone without a preference
    clock: Callable[[], datetime] = utc_now
    coordinators: frozenset[int] = field(default_factory=frozenset)
    instance: str = field(default_factory=instance_name)
    _catalogs: dict[str, Catalog] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock()

    def catalog_for(self, language: str | None) -> Catalog:
        """The catalog of a member's own language (private chats), else the configured one."""
        if not language or language == self.catalog.language:
            return self.catalog
        if language not in self._catalogs:
            self._catalogs[language] = Catalog(language, self.catalog.zone)
        return self._catalogs[language]


def services_of(application: Application) -> Services:  # type: ignore[type-arg]
    return application.bot_data["services"]
