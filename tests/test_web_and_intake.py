"""Webhook (secret checked), /healthz and /metrics, and the durable intake of updates:
stored before confirmed, processed once, nothing lost across a crash."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_application
from bot.fake_api import FakeBotApi, FakeRequest
from bot.fake_api.driver import ChatDriver
from bot.intake import DurablePoller, handle_update
from bot.settings import load_settings
from bot.web import SECRET_HEADER, make_app
from storage.agencies import list_agencies
from storage.engine import Database
from tests.conftest import COORD

SECRET = "s3cret-token-for-tests-0123"


def make_bot(database: Database, api: FakeBotApi, **telegram: object):
    settings = load_settings(
        None,
        access={"coordinators": [COORD]},
        reports={"render_in": "thread"},
        telegram={"rate_limit": False, **telegram},
    )
    return build_application(settings, FakeRequest(api), database=database)


@pytest.fixture
def api() -> FakeBotApi:
    api = FakeBotApi()
    api.add_user(COORD, "Coordinación")
    return api


async def test_webhook_checks_the_secret_and_processes_once(database: Database, api) -> None:
    app = make_bot(
        database, api, mode="webhook", webhook_url="https://bot.example/hook", secret_token=SECRET
    )
    async with (
        ChatDriver(app, api) as driver,
        TestClient(TestServer(make_app(app, "/hook"))) as client,
    ):
        update = api.message_update(COORD, COORD, "/dependencia alta SSC Seguridad")
        for headers in ({}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET[:-1]}):
            response = await client.post("/hook", json=update, headers=headers)
            assert response.status == 403
        await asyncio.sleep(0.05)
        assert api.sent == [] and database.call(list_agencies) == []
        assert (await client.post("/hook", data="{", headers={SECRET_HEADER: SECRET})).status == 400
        for _ in range(2):  # Telegram retries: the same update twice
            response = await client.post("/hook", json=update, headers={SECRET_HEADER: SECRET})
            assert response.status == 200
        for _ in range(50):
            if api.sent:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)
        assert [s.text for s in api.sent] == ["✅ Dependencia agregada: <b>SSC</b> — Seguridad"]
        assert [a.code for a in database.call(list_agencies)] == ["SSC"]
        assert driver.errors == []


async def test_health_and_metrics(database: Database, api) -> None:
    app = make_bot(database, api)
    async with (
        ChatDriver(app, api) as driver,
        TestClient(TestServer(make_app(app, None))) as client,
    ):
        response = await client.get("/healthz")
        assert response.status == 503  # the scheduler is not running yet
        await app.start()
        try:
            await driver.send(COORD, COORD, "/ayuda")
            response = await client.get("/healthz")
            body = await response.json()
            assert response.status == 200 and body["database"] and body["scheduler"]
            text = await (await client.get("/metrics")).text()
            assert 'ceasefire_updates_total{command="help_command",outcome="ok"} 1.0' in text
            assert "ceasefire_handler_seconds_bucket" in text
            assert (await client.post("/telegram", json={})).status == 404  # no webhook route
        finally:
            await app.stop()


async def test_a_crash_before_processing_loses_nothing(database: Database, api) -> None:
    """The update is stored, the process dies before answering; after a restart on the
    same database it is processed exactly once, although Telegram delivers it again."""
    app = make_bot(database, api)
    update = api.message_update(COORD, COORD, "/dependencia alta FGJ Fiscalía")
    api.push_update(update)
    async with ChatDriver(app, api):

        async def crash(*args, **kwargs):
            raise RuntimeError("killed")

        app.process_update = crash  # the "process" dies while handling the update
        with pytest.raises(RuntimeError):
            await DurablePoller(app, timeout=0).poll_once(None)
    assert api.sent == [] and len(api.unconfirmed) == 1  # never confirmed to Telegram

    restarted = make_bot(database, api)
    async with ChatDriver(restarted, api):
        poller = DurablePoller(restarted, timeout=0)
        task = asyncio.create_task(poller.run())
        for _ in range(100):
            if api.sent:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)
        poller.stop()
        await asyncio.wait_for(task, 2)
    assert [s.text for s in api.sent] == ["✅ Dependencia agregada: <b>FGJ</b> — Fiscalía"]
    assert api.unconfirmed == []  # confirmed only after it was processed
    assert not await handle_update(restarted, update)  # a late redelivery does nothing


def test_webhook_settings_are_checked() -> None:
    from bot.settings import ConfigError

    with pytest.raises(ConfigError, match="webhook mode needs webhook_url"):
        load_settings(None, telegram={"mode": "webhook", "secret_token": SECRET})
    with pytest.raises(ConfigError, match="secret_token"):
        load_settings(
            None,
            telegram={"mode": "webhook", "webhook_url": "https://x/y", "secret_token": "short"},
        )
