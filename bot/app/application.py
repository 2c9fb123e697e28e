"""``build_application``: the one place where the python-telegram-bot Application is wired."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from telegram.ext import AIORateLimiter, Application, Defaults
from telegram.request import BaseRequest

import handlers
from bot.app.scheduler import register_jobs
from bot.chat.error_handler import on_error
from bot.chat.menus import publish_commands
from bot.runtime.container import Runtime, runtime_of, utc_now
from bot.runtime.settings import Settings
from bot.views.i18n import Catalog
from storage.engine import Database

# The placeholder lets the demo and tests build an app without a real token; ``run`` refuses
# to start without one (``Settings.require_token``).
OFFLINE_TOKEN = "1000000000:offline-demo-token-xxxxxxxxxxxxxxxxxx"


def quiet_http_logs() -> None:
    """httpx logs request URLs at INFO, and a Bot API URL contains the token."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


async def _publish_commands(application: Application) -> None:  # type: ignore[type-arg]
    """The "/" menus per scope and language (``bot.chat.menus``), at every start."""
    await publish_commands(application.bot, runtime_of(application), handlers.COMMANDS)


async def _shutdown(application: Application) -> None:  # type: ignore[type-arg]
    runtime_of(application).close()


def build_application(
    settings: Settings,
    request: BaseRequest | None = None,
    *,
    clock: Callable[[], datetime] = utc_now,
    database: Database | None = None,
) -> Application:  # type: ignore[type-arg]
    """Build the bot. Tests pass a fake ``request``; nothing here touches the network."""
    quiet_http_logs()
    zone = settings.locale.zone
    telegram = settings.telegram
    token = telegram.token.get_secret_value() if telegram.has_token else OFFLINE_TOKEN
    builder = (
        Application.builder()
        .token(token)
        .base_url(f"{settings.telegram.api_base_url}/bot")
        .base_file_url(f"{settings.telegram.api_base_url}/file/bot")
        .defaults(Defaults(tzinfo=zone))  # formatting is explicit: see bot.chat.send
        .post_init(_publish_commands)
        .post_shutdown(_shutdown)
    )
    if settings.telegram.rate_limit:
        # 30 msg/s overall and 20 msg/min per group; a 429 is retried after retry_after.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    application.bot_data["runtime"] = Runtime(
        settings=settings,
        db=database or Database(settings.database.url),
        catalog=Catalog(settings.locale.language, zone),
        clock=clock,
        coordinators=frozenset(settings.access.coordinators),
    )
    handlers.register(application)
    register_jobs(application)
    application.add_error_handler(on_error)
    return application
