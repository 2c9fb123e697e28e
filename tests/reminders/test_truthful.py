"""The owner hears of a new item at once, and reminders tell the truth: worded from the item
as it is when they go out, merged when they fall due together, urgent ones not held by
weekends, quiet hours or holidays.

Time is driven by the test clock and the sweep is called directly: nothing sleeps.
"""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlmodel import select

from bot.app.application import build_application
from bot.reminders.plan import Clockwork, plan
from bot.reminders.sweep import sweep
from bot.runtime.container import runtime_of
from bot.runtime.settings import load_settings
from domain.errors import DomainError
from fakegram import FakeRequest
from fakegram.driver import ChatDriver
from storage.models.members import Member
from storage.models.reminders import NoticeState, Notification
from tests.conftest import COORD, FGJ_STAFF, GROUP, SSC_STAFF, World


def to(world: World, chat: int) -> list[str]:
    return [s.text for s in world.api.sent if s.chat_id == chat]


def leads(world: World, chat: int) -> list[str]:
    """The first line of each message to ``chat`` (the reminder's own words, not the card)."""
    return [t.split("\n")[0] for t in to(world, chat)]


async def _hospital_friday_night(world: World, command: str) -> None:
    world.at_local("2026-12-04 22:00")  # a Friday, in quiet hours
    world.seed()
    await world.send(COORD, COORD, "/ayuda")
    await world.send(COORD, GROUP, command)


async def test_assignment_notice_once_privately_also_after_a_restart(
    world: World, database, clock
) -> None:
    world.seed()
    await world.send(COORD, COORD, "/ayuda")
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")  # Monday 10:00
    assert (await world.sweep()).sent == 1
    [notice] = [s for s in world.api.sent if s.chat_id == SSC_STAFF]
    assert "Nueva acción para SSC" in notice.text and "<b>#1</b>" in notice.text
    assert "vence el vie, 4 de dic de 2026 18:00" in notice.text
    assert "Patrullaje" in notice.text  # privately: the card with its text…
    assert notice.buttons  # …and its buttons
    assert to(world, FGJ_STAFF) == []
    assert (await world.sweep(minutes=5)).sent == 0
    settings = load_settings(None, access={"coordinators": [COORD]}, telegram={"rate_limit": False})
    app = build_application(settings, FakeRequest(world.api), clock=clock, database=database)
    async with ChatDriver(app, world.api, expected=(DomainError,)):
        assert (await sweep(app, clock())).sent == 0
    assert len(to(world, SSC_STAFF)) == 1


async def test_group_only_agency_gets_one_mention_without_the_text(world: World) -> None:
    world.seed()
    world.database.call(
        lambda s: s.execute(
            update(Member).where(Member.telegram_id == SSC_STAFF).values(started_bot=False)
        )
    )
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje reservado")
    before = len(to(world, GROUP))
    await world.sweep()
    await world.sweep(minutes=5)
    [mention] = to(world, GROUP)[before:]
    assert "acción nueva para SSC" in mention and "tg://user?id=" in mention
    assert "reservado" not in mention  # need to know: no item text in the group
    assert to(world, SSC_STAFF) == []


@pytest.mark.parametrize("language", ["en"])
async def test_assignment_notice_in_english(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/action SSC friday Patrol")
    await world.sweep()
    assert "New action item for SSC: <b>#1</b>, due Fri" in to(world, SSC_STAFF)[0]


async def test_urgent_hospital_item_is_reminded_through_the_weekend(world: World) -> None:
    """Friday 22:00, due Saturday 22:00: urgent, so not held until Monday."""
    await _hospital_friday_night(world, "/accion SSC tipo=hospital Visita al lesionado")
    await world.sweep()
    assert len(to(world, SSC_STAFF)) == 1  # the notice at once, 22:00, counting as before-due
    assert "vence el sáb, 5 de dic de 2026 22:00" in to(world, SSC_STAFF)[0]
    world.at_local("2026-12-05 21:59")
    assert (await world.sweep()).sent == 0
    world.at_local("2026-12-05 22:00")
    await world.sweep()
    assert "vence hoy" in leads(world, SSC_STAFF)[-1]
    world.at_local("2026-12-07 08:00")
    await world.sweep()
    assert len(to(world, SSC_STAFF)) == 2
    world.at_local("2026-12-07 22:00")  # overdue_every 48 h after Saturday 22:00
    await world.sweep()
    assert "vencida desde el sáb" in leads(world, SSC_STAFF)[-1]
    assert len(to(world, SSC_STAFF)) == 3
    assert not [t for t in to(world, SSC_STAFF) if "vence en 24 horas" in t]


@pytest.mark.parametrize("reminder_settings", [{"urgent_ignores_quiet": False}])
async def test_held_reminders_merge_into_one_worded_as_overdue(world: World) -> None:
    """The bug: Monday 08:00 brought "vence en 24 horas" and "vence hoy" above a card saying
    "Vencida desde sáb". Now one message, worded from the item as it is on Monday."""
    await _hospital_friday_night(world, "/accion SSC tipo=hospital Visita al lesionado")
    for moment in ("2026-12-04 22:00", "2026-12-05 22:00", "2026-12-06 12:00", "2026-12-07 07:59"):
        world.at_local(moment)
        assert (await world.sweep()).sent == 0
    world.at_local("2026-12-07 08:00")
    await world.sweep()
    [message] = to(world, SSC_STAFF)
    assert "está vencida desde el sáb" in message.split("\n")[0]
    assert "vence en" not in message and "vence hoy" not in message
    assert (await world.sweep(minutes=5)).sent == 0
    states = world.database.call(
        lambda s: {n.kind: n.state for n in s.exec(select(Notification)) if n.item_id == 1}
    )
    assert states["assigned"] == NoticeState.skipped and states["due"] == NoticeState.sent


async def test_a_holiday_and_a_weekend_merge_into_one(world: World) -> None:
    """Due on Christmas (a Mexican holiday, a Friday): its "due today" waits for Monday,
    when the Sunday "overdue" falls due too; one message goes out."""
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC 2026-12-25 Entrega de despensas")
    world.at_local("2026-12-24 18:00")
    await world.sweep()
    assert "vence en 24 horas" in leads(world, SSC_STAFF)[-1]
    sent = len(to(world, SSC_STAFF))
    for moment in ("2026-12-25 18:00", "2026-12-27 18:00", "2026-12-28 07:59"):
        world.at_local(moment)
        assert (await world.sweep()).sent == 0
    world.at_local("2026-12-28 08:00")
    await world.sweep()
    assert len(to(world, SSC_STAFF)) == sent + 1
    assert "vencida desde el vie, 25 de dic" in leads(world, SSC_STAFF)[-1]


async def test_a_blocked_item_is_not_told_to_mark_itself_blocked(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    await world.send(SSC_STAFF, SSC_STAFF, "/avance 1 bloqueada sin patrulla disponible")
    world.at_local("2026-12-07 08:00")
    await world.sweep()
    lead = leads(world, SSC_STAFF)[-1]
    assert "sigue bloqueada" in lead and "márcala como bloqueada" not in lead


@pytest.mark.parametrize("reminder_settings", [{"quiet_start": "17:00", "quiet_end": "20:00"}])
async def test_a_late_before_due_reminder_names_the_due_time(world: World) -> None:
    """Held by quiet hours from 18:00 to 20:00, "due in 24 hours" would be untrue."""
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC martes Patrullaje")
    await world.sweep()  # Monday 10:00: the assignment notice
    world.at_local("2026-11-30 20:00")
    await world.sweep()
    assert len(to(world, SSC_STAFF)) == 2
    lead = leads(world, SSC_STAFF)[-1]
    assert lead.startswith("⏰ Recordatorio")
    assert "vence el mar, 1 de dic de 2026 18:00" in lead and "24 horas" not in lead


@pytest.mark.parametrize("reminder_settings", [{"collect_before_meeting": 72}])
async def test_a_meeting_scheduled_inside_the_collection_window_collects_at_once(
    world: World,
) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC 2026-12-10 Patrullaje")
    world.at_local("2026-12-02 12:00")  # Thursday 17:00 is 53 h away: inside 72 h
    await world.send(COORD, GROUP, "/reunion alta coordinacion jueves 17:00")
    await world.sweep()
    assert [t for t in to(world, SSC_STAFF) if "Antes de la reunión" in t]


async def test_a_group_registered_after_the_weekly_slot_waits_for_next_week(
    world: World,
) -> None:
    world.at_local("2026-12-03 12:00")  # a Thursday: Monday 08:00's slot has passed
    world.seed()
    c = Clockwork.from_settings(runtime_of(world.driver.app).settings)

    def weekly_keys(now):
        return lambda s: [n.key for n in plan(s, c, now) if n.kind == "weekly"]

    assert world.database.call(weekly_keys(world.clock())) == []
    world.at_local("2026-12-07 08:00")
    assert world.database.call(weekly_keys(world.clock())) == ["weekly:1:2026-W50:weekly"]
