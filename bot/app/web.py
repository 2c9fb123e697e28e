"""The bot's HTTP servers (aiohttp): the Telegram webhook and ``/healthz`` on the main
server, ``/metrics`` on a listener of its own (and on the main server with a bearer token).

The webhook checks Telegram's secret header on every request (403 otherwise), stores the
update in the database and answers 200 at once; processing follows in the background
through ``bot.app.intake.handle_update``, so a slow handler never makes Telegram retry, and any
instance behind a load balancer can take any update.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from telegram.ext import Application

from bot.app.intake import handle_update
from bot.runtime.container import runtime_of
from storage import intake

log = logging.getLogger("ceasefire.web")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
APP_KEY = web.AppKey("application", Application)
TASKS_KEY = web.AppKey("tasks", set)


async def webhook(request: web.Request) -> web.Response:
    application = request.app[APP_KEY]
    settings = runtime_of(application).settings.telegram
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), settings.secret_token.encode()):
        return web.Response(status=403, text="forbidden")
    try:
        payload = await request.json()
        update_id = int(payload["update_id"])
    except (ValueError, KeyError, TypeError, json.JSONDecodeError):
        return web.Response(status=400, text="not an update")
    runtime = runtime_of(application)
    await runtime.db.run(intake.record, payload, runtime.now())  # durable before the 200
    task = asyncio.create_task(_process(application, payload))
    request.app[TASKS_KEY].add(task)
    task.add_done_callback(request.app[TASKS_KEY].discard)
    log.debug("update %s accepted", update_id)
    return web.Response(text="ok")


async def _process(application: Application, payload: dict[str, Any]) -> None:  # type: ignore[type-arg]
    try:
        await handle_update(application, payload)
    except Exception:  # the update stays unprocessed and is replayed at the next start
        log.exception("update %s failed", payload.get("update_id"))


def health_report(application: Application, now: datetime) -> tuple[bool, dict[str, Any]]:  # type: ignore[type-arg]
    """Healthy: database reachable, scheduler running, and the sweep has run recently (a
    stuck sweep sends no reminder while everything else looks fine), except that an instance
    younger than that window may not have swept yet."""
    runtime = runtime_of(application)
    database = runtime.db.reachable()
    scheduler = bool(application.job_queue and application.job_queue.scheduler.running)
    last = runtime.metrics.last_sweep._value.get()
    last_sweep = datetime.fromtimestamp(last, tz=now.tzinfo) if last else None
    every = timedelta(seconds=runtime.settings.reminders.sweep_seconds)
    window = 3 * every + timedelta(seconds=30)
    sweeping = last_sweep is not None and now - last_sweep < window
    starting = last_sweep is None and now - runtime.started_at < window
    report = {
        "database": database,
        "scheduler": scheduler,
        "last_sweep": last_sweep.isoformat() if last_sweep else None,
        "sweep_recent": sweeping,
        "starting": starting,
    }
    return database and scheduler and (sweeping or starting), report


async def healthz(request: web.Request) -> web.Response:
    application = request.app[APP_KEY]
    runtime = runtime_of(application)
    ok, report = await asyncio.to_thread(health_report, application, runtime.now())
    return web.json_response(report, status=200 if ok else 503)


async def metrics(request: web.Request) -> web.Response:
    body = runtime_of(request.app[APP_KEY]).metrics.render()
    return web.Response(body=body, content_type="text/plain", charset="utf-8")


async def metrics_with_token(request: web.Request) -> web.Response:
    """``/metrics`` on the main server, which may face the internet: bearer token only."""
    token = runtime_of(request.app[APP_KEY]).settings.metrics.token
    if not token:  # not routed then (``make_app``); never "Bearer " with an empty token
        raise web.HTTPNotFound()
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return web.Response(status=401, text="unauthorized", headers={"WWW-Authenticate": "Bearer"})
    return await metrics(request)


def make_app(application: Application, webhook_path: str | None) -> web.Application:  # type: ignore[type-arg]
    """The main server: ``/healthz``, the webhook unless ``webhook_path`` is None (polling),
    and ``/metrics`` only if a bearer token is configured."""
    app = web.Application(client_max_size=1024 * 1024)
    app[APP_KEY] = application
    app[TASKS_KEY] = set()
    app.router.add_get("/healthz", healthz)
    if runtime_of(application).settings.metrics.token:
        app.router.add_get("/metrics", metrics_with_token)
    if webhook_path:
        app.router.add_post(webhook_path, webhook)
    return app


def make_metrics_app(application: Application) -> web.Application:  # type: ignore[type-arg]
    """The metrics listener (``[metrics] listen:port``, loopback by default): ``/metrics``
    without a token, for a Prometheus on the same host or private network."""
    app = web.Application()
    app[APP_KEY] = application
    app.router.add_get("/metrics", metrics)
    return app
