"""What operators watch: ``/healthz`` fails when the sweep stops, ``/metrics`` only where it
is meant to be read (its own listener, or the main server with a bearer token), and the
backlog gauges each sweep sets."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from telegram.ext import Application

from bot.app.application import build_application
from bot.app.web import make_app, make_metrics_app
from bot.reminders.sweep import sweep
from bot.runtime.settings import ConfigError, load_settings
from domain.errors import DomainError
from fakegram import FakeBotApi, FakeRequest
from fakegram.driver import ChatDriver
from storage import intake, notifications
from storage.engine import Database
from storage.models.reminders import NoticeState
from storage.notifications import NoticeSpec
from tests.conftest import COORD, Clock

TOKEN = "metrics-token-0123456789"
WINDOW = timedelta(seconds=3 * 60 + 30)  # 3 sweeps of the default 60 s, and 30 s


def make_bot(database: Database, clock: Clock, **sections: Any) -> Application:  # type: ignore[type-arg]
    settings = load_settings(
        None,
        access={"coordinators": [COORD]},
        reports={"render_in": "thread"},
        telegram={"rate_limit": False, "port": 0},
        **sections,
    )
    return build_application(settings, FakeRequest(FakeBotApi()), clock=clock, database=database)


@asynccontextmanager
async def running(app: Application) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    """The main server of a started bot (its scheduler running)."""
    async with (
        ChatDriver(app, FakeBotApi(), expected=(DomainError,)),
        TestClient(TestServer(make_app(app, None))) as client,
    ):
        await app.start()
        try:
            yield client
        finally:
            await app.stop()


async def health(client: TestClient) -> tuple[int, dict[str, Any]]:
    response = await client.get("/healthz")
    return response.status, await response.json()


# --------------------------------------------------------------------------- /healthz
async def test_healthy_after_a_sweep(database: Database, clock: Clock) -> None:
    app = make_bot(database, clock)
    async with running(app) as client:
        clock.advance(hours=1)  # long past the start-up grace
        await sweep(app)
        status, body = await health(client)
        assert status == 200 and body["sweep_recent"] and not body["starting"]
        assert body["last_sweep"] == clock().isoformat()


async def test_unhealthy_when_the_last_sweep_is_too_old(database: Database, clock: Clock) -> None:
    app = make_bot(database, clock)
    async with running(app) as client:
        await sweep(app)
        clock.advance(seconds=WINDOW.total_seconds() - 1)
        assert (await health(client))[0] == 200
        clock.advance(seconds=1)
        status, body = await health(client)
        assert status == 503 and body["database"] and body["scheduler"]
        assert not body["sweep_recent"] and not body["starting"]


async def test_healthy_during_the_start_up_grace(database: Database, clock: Clock) -> None:
    app = make_bot(database, clock)
    async with running(app) as client:
        clock.advance(seconds=WINDOW.total_seconds() - 1)
        status, body = await health(client)
        assert status == 200 and body["starting"] and body["last_sweep"] is None


async def test_unhealthy_after_the_grace_without_a_sweep(database: Database, clock: Clock) -> None:
    app = make_bot(database, clock)
    async with running(app) as client:
        clock.advance(seconds=WINDOW.total_seconds())
        status, body = await health(client)
        assert status == 503 and not body["starting"] and body["last_sweep"] is None


# --------------------------------------------------------------------------- /metrics
async def test_main_server_has_no_metrics_without_a_token(database: Database, clock) -> None:
    app = make_bot(database, clock)
    async with TestClient(TestServer(make_app(app, None))) as client:
        assert (await client.get("/metrics")).status == 404
        assert (await client.get("/metrics", headers={"Authorization": "Bearer "})).status == 404


async def test_main_server_serves_metrics_with_the_bearer_token(database: Database, clock) -> None:
    app = make_bot(database, clock, metrics={"bearer_token": TOKEN})
    async with TestClient(TestServer(make_app(app, None))) as client:
        for given in ("", "Bearer ", f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}x", TOKEN):
            response = await client.get("/metrics", headers={"Authorization": given})
            assert response.status == 401 and response.headers["WWW-Authenticate"] == "Bearer"
        response = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status == 200 and "ceasefire_sweep_seconds" in await response.text()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_ceasefire_run_serves_metrics_on_its_own_listener(database: Database, clock) -> None:
    from bot.app.runner import serve

    port = free_port()
    app = make_bot(database, clock, metrics={"port": port})
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, stop))
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(500):  # until serve has started its listeners
                try:
                    async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                        status, text = response.status, await response.text()
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.02)
        assert status == 200 and "ceasefire_notifications_pending" in text
    finally:
        stop.set()
        await asyncio.wait_for(task, 35)


def test_metrics_settings_are_checked() -> None:
    settings = load_settings(None)
    assert (settings.metrics.listen, settings.metrics.port, settings.metrics.token) == (
        "127.0.0.1",
        9464,
        "",
    )
    for values, message in (
        ({"port": 70000}, "metrics.port"),
        ({"port": -1}, "metrics.port"),
        ({"listen": "127.0.0.1 "}, "metrics.listen"),
        ({"bearer_token": "short"}, "bearer_token needs 16-256"),
        ({"bearer_token": "a token with spaces inside"}, "bearer_token needs 16-256"),
        ({"port": 8080}, "metrics.port must differ from telegram.port"),
        ({"prometheus": True}, "metrics.prometheus"),
    ):
        with pytest.raises(ConfigError, match=message):
            load_settings(None, metrics=values)
    assert load_settings(None, metrics={"listen": "", "port": 8080}).metrics.listen == ""
    assert TOKEN not in repr(load_settings(None, metrics={"bearer_token": TOKEN}))


# --------------------------------------------------------------------------- gauges
async def test_a_sweep_sets_the_backlog_gauges(database: Database, clock: Clock) -> None:
    later = clock() + timedelta(days=1)  # not due: the sweep leaves them as they are
    specs = [
        NoticeSpec(key=key, kind="due", chat_id=COORD, fire_at=later, send_after=later)
        for key in ("gauge:pending", "gauge:failed")
    ]
    database.call(notifications.insert_missing, specs, clock())
    failed = database.call(notifications.notifications)[1]
    database.call(notifications.finish, failed.id, NoticeState.failed, now=clock(), error="x")
    database.call(intake.record, {"update_id": 77}, clock())
    app = make_bot(database, clock)
    async with TestClient(TestServer(make_metrics_app(app))) as client:
        assert "ceasefire_notifications_pending 0.0" in await (await client.get("/metrics")).text()
        await sweep(app)
        text = await (await client.get("/metrics")).text()
    assert "ceasefire_notifications_pending 1.0" in text
    assert "ceasefire_notifications_failed 1.0" in text
    assert "ceasefire_updates_unprocessed 1.0" in text
