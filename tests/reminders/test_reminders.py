"""Reminders and escalations: right local time, exactly once, across restarts and failures.

Time is driven by the test clock and the sweep is called directly: nothing sleeps.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.app.application import build_application
from bot.reminders.sweep import sweep
from bot.runtime.settings import load_settings
from domain.errors import DomainError
from fakegram import FakeRequest
from fakegram.driver import ChatDriver
from storage.models.reminders import NoticeState, Notification
from tests.conftest import COORD, FGJ_STAFF, GROUP, SSC_STAFF, World


def to(world: World, chat: int, since: int = 0) -> list[str]:
    return [s.text for s in world.api.sent[since:] if s.chat_id == chat]


def notices(world: World) -> list[Notification]:
    return world.database.call(
        lambda s: list(s.exec(select(Notification).order_by(Notification.id)))
    )


async def _item(world: World, text: str = "/accion SSC viernes Patrullaje") -> None:
    world.seed()
    await world.send(COORD, COORD, "/ayuda")  # the coordinator has started the bot
    await world.send(COORD, GROUP, text)


async def test_each_stage_fires_once_at_the_right_local_time(world: World) -> None:
    await _item(world)  # due Friday 4 Dec 18:00 local
    world.at_local("2026-12-03 17:59")
    await world.sweep()
    assert to(world, SSC_STAFF) == []
    world.at_local("2026-12-03 18:00")
    report = await world.sweep()
    assert report.sent == 1
    [text] = to(world, SSC_STAFF)
    assert "vence en 24 horas" in text and "<b>#1</b>" in text
    assert [label for label, _ in world.api.sent[-1].buttons][-1] == "⏰ Posponer 1 día"
    assert (await world.sweep(minutes=5)).sent == 0  # never twice
    world.at_local("2026-12-04 18:00")
    await world.sweep()
    assert "vence hoy" in to(world, SSC_STAFF)[-1]
    # Overdue reminder due Sunday 18:00: a weekend, so it waits for Monday 08:00.
    world.at_local("2026-12-06 18:00")
    assert (await world.sweep()).sent == 0
    world.at_local("2026-12-07 07:59")
    assert (await world.sweep()).sent == 0
    world.at_local("2026-12-07 08:00")
    await world.sweep()
    assert "está vencida" in to(world, SSC_STAFF)[-1]
    assert len(to(world, SSC_STAFF)) == 3
    assert to(world, FGJ_STAFF) == []  # another agency's staff hears nothing


async def test_restart_sends_nothing_twice_and_catches_up(world: World, database, clock) -> None:
    await _item(world)
    world.at_local("2026-12-03 17:00")
    await world.sweep()  # the weekly summary of Monday, caught up: not part of this test
    world.at_local("2026-12-03 18:00")
    await world.sweep()
    assert len(to(world, SSC_STAFF)) == 1
    # A new Application on the same database (a restart), same fake Telegram.
    settings = load_settings(None, access={"coordinators": [COORD]}, telegram={"rate_limit": False})
    app = build_application(settings, FakeRequest(world.api), clock=clock, database=database)
    async with ChatDriver(app, world.api, expected=(DomainError,)):
        assert (await sweep(app, clock())).sent == 0
        # The bot was down over Friday's due time; back at Friday 20:00 it sends it once.
        world.at_local("2026-12-04 20:00")
        assert (await sweep(app, clock())).sent == 1
        assert (await sweep(app, clock())).sent == 0
    assert len(to(world, SSC_STAFF)) == 2


async def test_long_downtime_is_summarised(world: World) -> None:
    await _item(world, "/accion SSC viernes Patrullaje")
    await world.send(COORD, GROUP, "/accion SSC viernes Otra")
    world.at_local("2026-12-08 10:00")  # Tuesday: the Sunday 18:00 overdue stage is > 24 h old
    report = await world.sweep()
    texts = to(world, SSC_STAFF)
    assert report.summarised == 2 and len(texts) == 1
    assert "Mientras el bot estuvo fuera de servicio" in texts[0] and "#1, #2" in texts[0]
    assert (await world.sweep(minutes=1)).sent == 0


async def test_quiet_hours_and_mexican_holiday(world: World) -> None:
    await _item(world, "/accion SSC 2026-12-24 Entrega")  # due Thursday 24 Dec 18:00
    world.at_local("2026-12-24 18:00")
    await world.sweep()
    assert "vence hoy" in to(world, SSC_STAFF)[-1]
    # Overdue on Saturday 26 Dec: weekend; Friday 25 is Christmas; out on Monday 28 at 08:00.
    world.at_local("2026-12-26 18:00")
    assert (await world.sweep()).sent == 0
    world.at_local("2026-12-28 07:30")
    assert (await world.sweep()).sent == 0
    world.at_local("2026-12-28 08:00")
    assert (await world.sweep()).sent >= 1


async def test_flood_control_is_retried_and_nothing_lost(world: World) -> None:
    await _item(world)
    world.at_local("2026-12-03 17:00")
    await world.sweep()  # Monday's weekly summary to the group, out of the way
    world.api.flood(SSC_STAFF, retry_after=30)
    world.at_local("2026-12-03 18:00")
    report = await world.sweep()
    assert report.retried == 1 and report.sent == 0
    assert (await world.sweep(seconds=10)).sent == 0  # still inside retry_after
    assert (await world.sweep(seconds=25)).sent == 1
    assert len(to(world, SSC_STAFF)) == 1
    [notice] = [n for n in notices(world) if n.kind == "before_due"]
    assert notice.state == NoticeState.sent and notice.attempts == 2


async def test_blocked_member_falls_back_to_the_group(world: World) -> None:
    await _item(world)
    world.api.blocked.add(SSC_STAFF)
    world.at_local("2026-12-03 18:00")
    report = await world.sweep()
    assert report.fallback == 1
    [text] = to(world, GROUP, since=len(world.api.sent) - 1)
    assert '<a href="tg://user?id=202">Enlace SSC</a>' in text and "Ábreme en privado" in text
    assert "vence" not in text and "Patrullaje" not in text  # no item detail in the group
    [notice] = [n for n in notices(world) if n.kind == "before_due"]
    assert notice.fallback and "blocked" in notice.last_error


async def test_network_errors_back_off_then_fail_visibly(world: World) -> None:
    from fakegram.spec import ApiError

    await _item(world)
    world.api.fail_next(SSC_STAFF, ApiError("Bad Gateway", 502), times=10)
    world.at_local("2026-12-03 18:00")
    for minutes in (0, 2, 4, 8, 16):
        await world.sweep(minutes=minutes)
    [notice] = [n for n in notices(world) if n.kind == "before_due"]
    assert notice.state == NoticeState.failed and notice.attempts == 5
    assert "Bad Gateway" in notice.last_error


async def test_escalation_once_to_group_and_coordinators(world: World) -> None:
    await _item(world)  # due Friday 18:00; escalates 72 h later: Monday 18:00
    world.at_local("2026-12-07 17:59")
    await world.sweep()
    assert not any("Escalamiento" in t for t in to(world, GROUP))
    world.at_local("2026-12-07 18:00")
    await world.sweep()
    assert any("Escalamiento" in t and "más de 72 horas vencida" in t for t in to(world, GROUP))
    assert any("Escalamiento" in t for t in to(world, COORD))
    await world.sweep(hours=1)
    assert sum("Escalamiento" in t for t in world.api.sent_texts()) == 2


async def test_blocked_item_escalates_with_its_last_note(world: World) -> None:
    await _item(world, "/accion SSC 2026-12-20 Patrullaje")
    await world.send(SSC_STAFF, SSC_STAFF, "/avance 1 bloqueada falta vehículo")
    world.clock.advance(hours=47)
    await world.sweep()
    assert not any("Escalamiento" in t for t in to(world, GROUP))
    world.clock.advance(hours=2)  # Wednesday 11:00: blocked for 49 h
    await world.sweep()
    [text] = [t for t in to(world, GROUP) if "Escalamiento" in t]
    assert "más de 48 horas bloqueada" in text
    assert "falta vehículo" not in text and "Patrullaje" not in text  # the group's copy
    [private] = [t for t in to(world, COORD) if "Escalamiento" in t]
    assert "Último avance: falta vehículo" in private and "Patrullaje" in private


async def test_snooze_and_mute(world: World) -> None:
    await _item(world)
    await world.send(COORD, GROUP, "/accion SSC viernes Segunda")
    world.at_local("2026-12-03 18:00")
    await world.sweep()
    reminders = [s for s in world.api.sent if s.chat_id == SSC_STAFF]
    assert len(reminders) == 2
    world.at_local("2026-12-03 19:00")
    await world.press(SSC_STAFF, reminders[0], "sn:1")
    assert "Pospuesto" in world.answer and "vie, 4 de dic de 2026 19:00" in world.answer
    assert "silenciar" in (await world.reply(SSC_STAFF, SSC_STAFF, "/silenciar 2")).lower()
    world.at_local("2026-12-04 18:00")  # item 1 is snoozed, item 2 muted: nothing
    await world.sweep()
    assert len(to(world, SSC_STAFF)) == 3  # the two reminders and the /silenciar reply
    world.at_local("2026-12-04 19:00")
    await world.sweep()
    texts = to(world, SSC_STAFF)
    assert "Como pediste" in texts[-1] and "#1" in texts[-1]
    assert not any("#2</b> vence hoy" in t for t in texts)
    assert "otra dependencia" in await world.reply(FGJ_STAFF, FGJ_STAFF, "/silenciar 1")
    assert "Uso:" in await world.reply(SSC_STAFF, SSC_STAFF, "/silenciar")
    assert "No existe la acción #9" in await world.reply(SSC_STAFF, SSC_STAFF, "/silenciar 9")
    assert "Volverás" in await world.reply(SSC_STAFF, SSC_STAFF, "/silenciar 2 no")


async def test_member_language_and_reminder_preference(world: World) -> None:
    await _item(world)
    text = await world.reply(SSC_STAFF, SSC_STAFF, "/ajustes")
    assert "Idioma: español" in text and "Recordatorios en privado: sí" in text
    text = await world.reply(SSC_STAFF, SSC_STAFF, "/ajustes idioma en")
    assert "Settings saved" in text and "Language: English" in text
    assert "Unknown status" in await world.reply(SSC_STAFF, SSC_STAFF, "/avance 1 quizás")
    world.at_local("2026-12-03 18:00")
    await world.sweep()
    assert "is due in 24 hours" in to(world, SSC_STAFF)[-1]
    await world.send(SSC_STAFF, SSC_STAFF, "/settings reminders off")
    world.at_local("2026-12-04 18:00")
    await world.sweep()
    group = to(world, GROUP)[-1]
    assert '<a href="tg://user?id=202">' in group and "vence hoy" in group  # group language
    assert "Usage:" in await world.reply(SSC_STAFF, SSC_STAFF, "/settings colour red")
    assert "chat privado" in await world.reply(SSC_STAFF, GROUP, "/ajustes")


@pytest.mark.parametrize("language", ["en"])
async def test_reminders_in_english(world: World) -> None:
    await _item(world, "/action SSC friday Patrol")
    world.at_local("2026-12-03 18:00")
    await world.sweep()
    assert "is due in 24 hours" in to(world, SSC_STAFF)[-1]


@pytest.mark.parametrize("reminder_settings", [{"urgent_ignores_quiet": True}])
async def test_high_risk_escalation_may_ignore_quiet_hours(world: World) -> None:
    world.seed()
    await world.send(COORD, COORD, "/ayuda")
    await world.send(COORD, GROUP, "/incidente tipo=homicidio fecha=ayer riesgo=alto")
    await world.send(COORD, GROUP, "/incidente tipo=lesiones fecha=ayer riesgo=bajo")
    await world.send(COORD, GROUP, "/accion SSC 2026-12-02 Visita #PLA-2026-001")
    await world.send(COORD, GROUP, "/accion SSC 2026-12-02 Otra #PLA-2026-002")
    world.at_local("2026-12-05 18:00")  # Saturday: 72 h after Wednesday 18:00
    await world.sweep()
    escalations = [t for t in to(world, COORD) if "Escalamiento" in t]
    assert len(escalations) == 1 and "#1" in escalations[0]  # only the high-risk one
    world.at_local("2026-12-07 08:00")
    await world.sweep()
    assert len([t for t in to(world, COORD) if "Escalamiento" in t]) == 2


@pytest.mark.parametrize("reminder_settings", [{"quiet_start": "17:00", "quiet_end": "20:00"}])
async def test_a_member_removed_after_planning_gets_nothing(world: World) -> None:
    """A reminder planned while SSC staff was a member, waiting for quiet hours to end, is
    not sent once they are removed (it would carry the item's text to them)."""
    from storage.members import remove_member

    actors = world.seed()
    await world.send(COORD, COORD, "/ayuda")
    await world.send(COORD, GROUP, "/accion SSC martes Patrullaje reservado")
    world.at_local("2026-11-30 18:00")  # before_due fires Monday 18:00, in quiet hours
    await world.sweep()
    assert [t for t in to(world, SSC_STAFF) if "Recordatorio" in t] == []  # waits
    world.database.call(remove_member, actors["coord"], actors["ssc"].member_id, now=world.clock())
    sent = len(to(world, SSC_STAFF))  # the assignment notice, while still a member
    world.at_local("2026-11-30 20:00")
    await world.sweep()
    assert not [t for t in to(world, SSC_STAFF)[sent:] if "Patrullaje" in t]
