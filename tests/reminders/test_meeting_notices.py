"""Update collection before meetings, meeting reminders, digests, the weekly summary and
daylight saving."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app.application import build_application
from bot.reminders.sweep import sweep
from bot.runtime.settings import load_settings
from domain.errors import DomainError
from fakegram import FakeBotApi, FakeRequest
from fakegram.driver import ChatDriver
from storage.engine import Database
from tests.conftest import COORD, FGJ_STAFF, GROUP, OTHER_GROUP, SSC_STAFF, World


def texts(world: World, chat: int) -> list[str]:
    return [s.text for s in world.api.sent if s.chat_id == chat]


async def _meeting_week(world: World) -> None:
    world.seed()
    await world.send(COORD, COORD, "/ayuda")  # the coordinator has started the bot
    await world.send(COORD, GROUP, "/reunion alta coordinacion jueves 17:00")
    await world.send(COORD, GROUP, "/accion SSC 2026-12-10 Patrullaje")
    await world.send(COORD, GROUP, "/accion FGJ 2026-12-10 Carpeta")
    await world.send(COORD, GROUP, "/accion FGJ 2026-12-11 Oficio")


async def test_collection_reminder_and_digest(world: World) -> None:
    await _meeting_week(world)
    world.at_local("2026-12-02 16:59")  # collection is 24 h before Thursday 17:00
    await world.sweep()
    assert texts(world, SSC_STAFF) == []
    world.at_local("2026-12-02 17:00")
    await world.sweep()
    [ssc] = [s for s in world.api.sent if s.chat_id == SSC_STAFF]
    assert "Antes de la reunión del jue, 3 de dic de 2026 17:00" in ssc.text
    assert "#1" in ssc.text and "#2" not in ssc.text
    fgj = texts(world, FGJ_STAFF)[0]
    assert "#2" in fgj and "#3" in fgj and "#1" not in fgj
    assert [d for _, d in ssc.buttons] == ["cl:1:done", "cl:1:progress", "cl:1:blocked"]
    edited = await world.press(SSC_STAFF, ssc, "cl:1:progress")
    assert world.answer == "Avance registrado: 🔵 En curso"
    assert edited == []  # only the keyboard changed: the row of #1 is gone
    assert world.api.calls[-1][0] == "editMessageReplyMarkup"
    await world.press(SSC_STAFF, ssc, "cl:1:done")  # its row is gone from the message
    assert "ya no es válido" in world.answer
    await world.sweep(hours=1)
    assert len(texts(world, SSC_STAFF)) == 1  # asked once
    world.at_local("2026-12-03 16:00")
    await world.sweep()
    assert "reunión el jue, 3 de dic de 2026 17:00" in texts(world, GROUP)[-1]
    world.at_local("2026-12-03 17:00")
    await world.sweep()
    digest = texts(world, GROUP)[-1]
    assert "Resumen de avances" in digest
    assert "<b>SSC</b> ✅ reportó todo: 1 con avance" in digest
    assert "<b>FGJ</b>: 0 con avance · 2 sin avance · 0 vencidas · 0 bloqueadas" in digest
    assert "Carpeta" not in digest  # counts only in the group
    await world.sweep(minutes=30)
    assert sum("Resumen de avances" in t for t in texts(world, GROUP)) == 1


async def test_weekly_summary_once_per_week_and_after_downtime(world: World) -> None:
    await _meeting_week(world)  # Monday 30 Nov 10:00, after that week's 08:00 slot
    world.at_local("2026-12-07 07:59")
    await world.sweep()
    assert not [t for t in texts(world, GROUP) if "Reporte semanal" in t]  # none at once
    world.at_local("2026-12-07 08:00")
    await world.sweep()
    summaries = [t for t in texts(world, GROUP) if "Reporte semanal" in t]
    albums = [s for s in world.api.sent if s.method == "sendMediaGroup"]
    assert len(summaries) == 1 and len(albums) == 1
    assert "30 de nov" in summaries[0] and "6 de dic de 2026" in summaries[0]
    assert albums[0].chat_id == GROUP and len(albums[0].uploads) == 5
    assert "Disparos por semana" in albums[0].text
    assert "Patrullaje" not in summaries[0]  # the group sees counts only
    [detail] = [t for t in texts(world, COORD) if "Detalle semanal" in t]
    assert "Sin avance en los últimos 7 días (3)" in detail and "Patrullaje" in detail
    world.at_local("2026-12-15 15:00")  # down over Monday 08:00: caught up on Tuesday
    await world.sweep()
    await world.sweep(hours=3)
    assert len([t for t in texts(world, GROUP) if "Reporte semanal" in t]) == 2
    assert len([s for s in world.api.sent if s.method == "sendMediaGroup"]) == 2


async def test_two_sweeps_at_once_send_each_reminder_once(db_url: str) -> None:
    """Two bot processes on one database (PostgreSQL in CI) split the work."""
    api = FakeBotApi()
    api.add_group(GROUP, "G")
    for user in (COORD, SSC_STAFF):
        api.add_user(user, f"u{user}")
        api.started.add(user)
    clock_now = datetime(2026, 11, 30, 16, tzinfo=UTC)
    settings = load_settings(None, access={"coordinators": [COORD]}, telegram={"rate_limit": False})
    apps, databases = [], []
    for _ in range(2):
        database = Database(db_url)
        database.upgrade()
        databases.append(database)
        apps.append(
            build_application(
                settings, FakeRequest(api), database=database, clock=lambda: clock_now
            )
        )
    first = ChatDriver(apps[0], api, expected=(DomainError,))
    async with first, ChatDriver(apps[1], api, expected=(DomainError,)):
        await first.send(COORD, GROUP, "/configurar Plateros")
        await first.send(COORD, COORD, "/dependencia alta SSC Seguridad")
        invite = await first.send(COORD, COORD, "/invitar SSC")
        code = invite[0].text.split("start=")[1].split()[0]
        await first.send(SSC_STAFF, SSC_STAFF, f"/start {code}")
        for n in range(40):
            await first.send(COORD, GROUP, f"/accion SSC hoy Acción {n}")
        clock_now = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # 18:00 local: all due now
        before = len(api.sent)
        reports = await asyncio.gather(sweep(apps[0], clock_now), sweep(apps[1], clock_now))
        reminders = [s for s in api.sent[before:] if s.chat_id == SSC_STAFF]
        assert len(reminders) == 40
        assert len({s.text.split("</b>")[0] for s in reminders}) == 40
        assert sum(r.sent for r in reports) == len(api.sent) - before
    for database in databases:
        database.close()


async def test_daylight_saving_zone(db_url: str) -> None:
    """America/Tijuana changes to UTC-7 on 8 March 2026: 10:00 stays 10:00 local."""
    api = FakeBotApi()
    api.add_group(GROUP, "G")
    api.add_user(COORD, "C")
    now = [datetime(2026, 3, 2, 15, 0, tzinfo=UTC)]  # Monday 2 March 07:00 PST
    settings = load_settings(
        None,
        access={"coordinators": [COORD]},
        telegram={"rate_limit": False},
        locale={"timezone": "America/Tijuana"},
        reports={"weekly": "sun 23:00"},
    )
    database = Database(db_url)
    database.upgrade()
    app = build_application(settings, FakeRequest(api), database=database, clock=lambda: now[0])
    async with ChatDriver(app, api, expected=(DomainError,)) as driver:
        await driver.send(COORD, GROUP, "/configurar Plateros")
        await driver.send(COORD, GROUP, "/reunion alta revision lunes 10:00")
        sent_at = []
        for day in (2, 9):  # the Mondays before and after the change
            for hour in range(14, 20):
                now[0] = datetime(2026, 3, day, hour, 0, tzinfo=UTC)
                before = len(api.sent)
                await sweep(app, now[0])
                if any("Recordatorio: reunión" in s.text for s in api.sent[before:]):
                    sent_at.append(now[0])
        local = [t.astimezone(ZoneInfo("America/Tijuana")) for t in sent_at]
        assert [(t.day, t.hour) for t in local] == [(2, 9), (9, 9)]  # one hour before, local
        assert [t.hour for t in sent_at] == [17, 16]  # in UTC the offset changed
    database.close()


@pytest.mark.parametrize("language", ["en"])
async def test_meeting_prompts_in_english(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/meeting add coordination thu 17:00")
    await world.send(COORD, GROUP, "/action SSC 2026-12-10 Patrol")
    world.at_local("2026-12-02 17:00")
    await world.sweep()
    assert "Before the meeting on Thu, Dec 3, 2026 17:00" in texts(world, SSC_STAFF)[0]


async def test_weekly_reports_are_drawn_ahead_of_sending(world: World, monkeypatch) -> None:
    """With several groups due at the weekly slot, the next groups' reports are being drawn
    while the first group's album goes out (the sweep is not draw, send, draw, send)."""
    import bot.reports.weekly as weekly
    from storage.groups import register_group

    coord = world.seed()["coord"]
    chats = [GROUP, OTHER_GROUP, -1003, -1004]
    for chat in chats[1:]:
        world.api.add_group(chat, f"G{chat}")
        world.database.call(
            register_group, coord, chat, title=f"G{chat}", sectors=["Plateros"], now=world.clock()
        )
    events: list[str] = []
    real = weekly.weekly_report

    async def drawing(runtime, chat_id, week_end, *, catalog=None):
        events.append(f"draw {chat_id}")
        return await real(runtime, chat_id, week_end, catalog=catalog)

    monkeypatch.setattr(weekly, "weekly_report", drawing)
    sent_album = world.api._m_sendMediaGroup

    def album(params, files):
        events.append(f"album {params['chat_id']}")
        return sent_album(params, files)

    monkeypatch.setattr(world.api, "_m_sendMediaGroup", album)
    world.at_local("2026-12-07 08:00")  # registered Monday 30 Nov after 08:00: the next slot
    await world.sweep()
    assert sorted(e for e in events if e.startswith("album")) == sorted(f"album {c}" for c in chats)
    first_album = next(i for i, e in enumerate(events) if e.startswith("album"))
    assert len([e for e in events[:first_album] if e.startswith("draw")]) >= 2
    assert len([e for e in events if e.startswith("draw")]) == len(chats)  # once per group
