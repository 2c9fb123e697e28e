"""Faults: a Telegram outage, a database that drops its connections, two bot processes."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from storage.engine import normalize_url
from storage.reminder_models import NoticeState
from tests.conftest import COORD, GROUP, SSC_STAFF, World
from tests.test_reminders import notices, to


async def test_telegram_outage_then_everything_once_in_order(world: World) -> None:
    world.seed()
    await world.send(COORD, COORD, "/ayuda")
    for n in range(5):
        await world.send(COORD, GROUP, f"/accion SSC viernes Acción {n}")
    world.at_local("2026-12-03 17:00")
    await world.sweep()  # Monday's weekly report, before the outage
    world.api.outage = True
    world.at_local("2026-12-03 18:00")
    for _ in range(7):  # a minute of 502s, a sweep every 10 seconds
        await world.sweep(seconds=10)
    assert to(world, SSC_STAFF) == []
    world.api.outage = False
    for _ in range(20):  # Telegram is back: the back-off runs out and all go out
        await world.sweep(minutes=1)
    texts = to(world, SSC_STAFF)
    assert len(texts) == 5
    assert [int(t.split("<b>#")[1].split("</b>")[0]) for t in texts] == [1, 2, 3, 4, 5]
    assert all(n.state == NoticeState.sent for n in notices(world) if n.kind == "before_due")


@pytest.mark.skipif(not os.environ.get("CEASEFIRE_TEST_POSTGRES_URL"), reason="PostgreSQL only")
async def test_database_connections_dropped_between_sweeps(world: World, db_url: str) -> None:
    if not db_url.startswith("postgres"):
        pytest.skip("this fault is about a PostgreSQL server")
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    world.at_local("2026-12-03 17:00")
    await world.sweep()
    admin = create_engine(
        normalize_url(os.environ["CEASEFIRE_TEST_POSTGRES_URL"]), isolation_level="AUTOCOMMIT"
    )
    schema = db_url.rsplit("application_name=", 1)[1]
    with admin.connect() as connection:  # the server kills this bot's connections
        killed = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = :name"
            ),
            {"name": schema},
        ).scalar()
    assert killed >= 1
    admin.dispose()
    world.at_local("2026-12-03 18:00")
    report = await world.sweep()  # the pool notices and reconnects: no restart needed
    assert report.sent >= 1 and "vence en 24 horas" in to(world, SSC_STAFF)[-1]
    assert "Acciones abiertas" in await world.reply(SSC_STAFF, SSC_STAFF, "/acciones")


async def test_crash_between_sending_and_recording_never_sends_twice(
    world: World, monkeypatch
) -> None:
    from storage import reminders as store

    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    world.at_local("2026-12-03 17:00")
    await world.sweep()
    world.at_local("2026-12-03 18:00")
    real_finish = store.finish

    def crash(*args, **kwargs):
        raise RuntimeError("killed after sending")

    monkeypatch.setattr(store, "finish", crash)
    with pytest.raises(RuntimeError):
        await world.sweep()
    assert len(to(world, SSC_STAFF)) == 1  # it went out, the process died before recording
    monkeypatch.setattr(store, "finish", real_finish)
    for _ in range(5):  # the restarted bot sweeps again and again
        await world.sweep(minutes=10)
    assert len(to(world, SSC_STAFF)) == 1
    [notice] = [n for n in notices(world) if n.kind == "before_due"]
    assert notice.state == NoticeState.sending  # visible to `reminders preview`


async def test_rate_limiter_waits_out_a_429(database, clock) -> None:
    """With the production rate limiter on, a 429 is retried after retry_after."""
    from bot.app import build_application
    from bot.fake_api import FakeBotApi, FakeRequest
    from bot.fake_api.driver import ChatDriver
    from bot.settings import load_settings

    api = FakeBotApi(clock=clock)
    api.add_user(COORD, "Coordinación")
    settings = load_settings(
        None, access={"coordinators": [COORD]}, reports={"render_in": "thread"}
    )
    assert settings.telegram.rate_limit
    app = build_application(settings, FakeRequest(api), clock=clock, database=database)
    async with ChatDriver(app, api) as driver:
        api.flood(COORD, retry_after=1)
        sent = await driver.send(COORD, COORD, "/ayuda")
        assert len(sent) == 1 and "Alto al Fuego" in sent[0].text
        assert driver.errors == []
