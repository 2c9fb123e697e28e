"""The long-polling loop of ``ceasefire run``: updates fetched with getUpdates are handled."""

from __future__ import annotations

import asyncio

from bot.app.application import build_application
from bot.runtime.settings import load_settings
from fakegram import FakeBotApi, FakeRequest
from storage.engine import Database
from tests.conftest import COORD


async def test_polling_handles_updates_and_publishes_commands(database: Database) -> None:
    api = FakeBotApi()
    api.add_user(COORD, "Coordinación")
    settings = load_settings(None, access={"coordinators": [COORD]})
    app = build_application(settings, FakeRequest(api), database=database)
    await app.initialize()
    await app.post_init(app)  # what run_polling does before polling
    await app.updater.start_polling(poll_interval=0, timeout=1)
    await app.start()
    try:
        api.push_update(api.message_update(COORD, COORD, "/dependencia alta SSC Seguridad"))
        for _ in range(200):
            if api.sent:
                break
            await asyncio.sleep(0.01)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert [s.text for s in api.sent] == ["✅ Dependencia agregada: <b>SSC</b> — Seguridad"]
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
