"""The long-polling loop of ``ceasefire run``: updates fetched with getUpdates are handled."""

from __future__ import annotations

import asyncio

from bot.app.application import build_application
from bot.runtime.settings import load_settings
from fakegram import FakeBotApi, FakeRequest
from storage.engine import Database
from tests.conftest import COORD


async def test_the_durable_poller_stores_before_confirming(database: Database) -> None:
    """``ceasefire run``'s own poller: an update is in the database before its offset is
    confirmed to Telegram, updates of one chat are handled in order, and the next
    ``getUpdates`` confirms exactly what was stored."""
    from bot.app.intake import DurablePoller
    from handlers import ALLOWED_UPDATES
    from storage import intake

    api = FakeBotApi()
    api.add_user(COORD, "Coordinación")
    settings = load_settings(None, access={"coordinators": [COORD]})
    app = build_application(settings, FakeRequest(api), database=database)
    await app.initialize()
    await app.post_init(app)  # what serve does before polling: publishes the commands
    poller = DurablePoller(app, timeout=0)
    try:
        for code in ("SSC", "FGJ", "SIB"):
            api.push_update(api.message_update(COORD, COORD, f"/dependencia alta {code} X"))
        offset = await poller.poll_once(None)
        assert database.call(intake.next_offset) == offset  # stored...
        assert len(api.unconfirmed) == 3  # ...and not yet confirmed to Telegram
        await poller.drain()
        assert await poller.poll_once(offset) == offset  # confirms the three; nothing new
        assert api.unconfirmed == []
    finally:
        await app.shutdown()
    assert [p.get("offset") for p in api.polls] == [None, offset]
    assert all(p["allowed_updates"] == list(ALLOWED_UPDATES) for p in api.polls)
    assert [s.text.split("<b>")[1][:3] for s in api.sent] == ["SSC", "FGJ", "SIB"]
    assert database.call(intake.pending_count) == 0
    assert {c["command"] for c in api.commands["es"]} >= {"accion", "avance", "ayuda"}
    assert {c["command"] for c in api.commands["en"]} >= {"action", "update", "help"}
    assert api.violations == []


def test_jobs_are_registered_once_with_a_misfire_policy(database: Database) -> None:
    settings = load_settings(None, reminders={"sweep_seconds": 30})
    app = build_application(settings, FakeRequest(FakeBotApi()), database=database)
    jobs = {job.name: job.job for job in app.job_queue.jobs()}
    assert set(jobs) == {"reminder-sweep", "housekeeping", "draw-ahead", "answers-retry"}
    assert jobs["reminder-sweep"].misfire_grace_time == 30 and jobs["reminder-sweep"].coalesce
    assert jobs["reminder-sweep"].max_instances == 1
    assert jobs["housekeeping"].misfire_grace_time == 60 and jobs["housekeeping"].coalesce
    assert jobs["draw-ahead"].max_instances == 1  # a slow drawing never overlaps the next


async def test_ceasefire_run_polls_durably_and_stops_cleanly(database: Database) -> None:
    """``serve``, what ``ceasefire run`` runs, in polling mode against the fake API."""
    from bot.app.runner import serve

    api = FakeBotApi()
    api.add_user(COORD, "Coordinación")
    settings = load_settings(
        None,
        access={"coordinators": [COORD]},
        telegram={"rate_limit": False, "port": 0},
        metrics={"port": 0},
        reports={"render_in": "thread"},
    )
    app = build_application(settings, FakeRequest(api), database=database)
    stop = asyncio.Event()
    running = asyncio.create_task(serve(app, stop))
    api.push_update(api.message_update(COORD, COORD, "/dependencia alta SIBISO Bienestar"))
    for _ in range(200):
        if api.sent:
            break
        await asyncio.sleep(0.02)
    stop.set()
    await asyncio.wait_for(running, 35)
    assert [s.text for s in api.sent] == ["✅ Dependencia agregada: <b>SIBISO</b> — Bienestar"]
    assert any(name == "deleteWebhook" for name, _ in api.calls)
