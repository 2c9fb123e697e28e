"""``ceasefire run``: start the bot in polling or webhook mode and stop it gracefully.

Both modes serve ``/healthz`` (and the webhook, in webhook mode) on the main server and
``/metrics`` on the metrics listener (``bot.app.web``); updates always go through the
durable intake (stored, processed once, confirmed after processing). SIGTERM and SIGINT
stop cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiohttp import web
from telegram.ext import Application

from bot.app.intake import DurablePoller, replay_unprocessed
from bot.app.web import make_app, make_metrics_app
from bot.runtime.container import runtime_of
from handlers import ALLOWED_UPDATES

log = logging.getLogger("ceasefire.run")


async def _start_servers(
    application: Application,  # type: ignore[type-arg]
    *,
    webhook_path: str | None,
) -> list[web.AppRunner]:
    """The main server on ``telegram.listen:port`` and, unless ``metrics.listen`` is empty,
    the metrics listener on ``metrics.listen:port``; what is started is cleaned up on failure."""
    settings = runtime_of(application).settings
    servers = [
        (make_app(application, webhook_path), settings.telegram.listen, settings.telegram.port)
    ]
    if settings.metrics.listen:
        servers.append(
            (make_metrics_app(application), settings.metrics.listen, settings.metrics.port)
        )
    runners: list[web.AppRunner] = []
    try:
        for app, host, port in servers:
            runner = web.AppRunner(app)
            runners.append(runner)
            await runner.setup()
            await web.TCPSite(runner, host, port).start()
            log.info("listening on %s", runner.addresses)
    except BaseException:
        for runner in runners:
            await runner.cleanup()
        raise
    return runners


async def serve(application: Application, stop: asyncio.Event | None = None) -> None:  # type: ignore[type-arg]
    """Run until SIGTERM/SIGINT (or until ``stop`` is set, for tests)."""
    settings = runtime_of(application).settings.telegram
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    webhook = settings.mode == "webhook"
    runners = await _start_servers(
        application, webhook_path=settings.webhook_path if webhook else None
    )
    await application.start()  # the job queue: reminder sweep, housekeeping
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    poller = None
    try:
        if webhook:
            await replay_unprocessed(application)
            await application.bot.set_webhook(
                settings.webhook_url,
                secret_token=settings.secret_token,
                allowed_updates=ALLOWED_UPDATES,
            )
            log.info("webhook mode: %s", settings.webhook_path)
            await stop.wait()
        else:
            await application.bot.delete_webhook()
            poller = DurablePoller(application)
            polling = asyncio.create_task(poller.run())
            log.info("polling mode")
            await stop.wait()
            poller.stop()
            polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await polling
            await poller.drain()  # updates being handled finish before shutdown
    finally:
        await application.stop()
        for runner in runners:
            await runner.cleanup()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
