"""``ceasefire run``: start the bot in polling or webhook mode and stop it gracefully.

Both modes serve ``/healthz`` and ``/metrics``; updates always go through the durable intake
(stored, processed once, confirmed after processing). SIGTERM and SIGINT stop cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiohttp import web
from telegram.ext import Application

from bot.app.intake import DurablePoller, replay_unprocessed
from bot.app.web import make_app
from bot.runtime.container import runtime_of
from handlers import ALLOWED_UPDATES

log = logging.getLogger("ceasefire.run")


async def serve(application: Application, stop: asyncio.Event | None = None) -> None:  # type: ignore[type-arg]
    """Run until SIGTERM/SIGINT (or until ``stop`` is set, for tests)."""
    settings = runtime_of(application).settings.telegram
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    webhook = settings.mode == "webhook"
    runner = web.AppRunner(make_app(application, settings.webhook_path if webhook else None))
    await runner.setup()
    site = web.TCPSite(runner, settings.listen, settings.port)
    await site.start()
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
        await runner.cleanup()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
