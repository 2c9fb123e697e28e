"""End-to-end: meeting schedules, /agenda, and action-item kinds with default deadlines."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.input.meeting_times import next_occurrence, parse_weekday
from storage.models.groups import MeetingSchedule
from tests.conftest import COORD, GROUP, OBSERVER, SSC_STAFF, World

ZONE = ZoneInfo("America/Mexico_City")


async def test_meeting_crud(world: World) -> None:
    world.seed()
    assert "aún no tiene reuniones" in await world.reply(SSC_STAFF, GROUP, "/reunion lista")
    text = await world.reply(COORD, GROUP, "/reunion alta revision lunes 10:00")
    assert "Reunión programada: <b>N.º 1</b> · Revisión de disparos · lunes 10:00" in text
    text = await world.reply(COORD, GROUP, "/reunion alta coordinación jue 17:30")
    assert "Reunión de coordinación · jueves 17:30" in text
    assert "ya está programada (N.º 1)" in await world.reply(
        COORD, GROUP, "/reunion alta revisión Lun 10:00"
    )
    text = await world.reply(OBSERVER, GROUP, "/reunion")
    assert text.index("lunes 10:00") < text.index("jueves 17:30")
    assert "eliminada: <b>N.º 1</b>" in await world.reply(COORD, GROUP, "/reunion baja 1")
    assert "No existe la reunión N.º 1" in await world.reply(COORD, GROUP, "/reunion baja #1")
    assert "lunes" not in await world.reply(COORD, GROUP, "/reunion lista")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/reunion alta revision lunes", "Uso: <code>/reunion alta"),
        ("/reunion alta fiesta lunes 10:00", "Tipo de reunión desconocido: “fiesta”"),
        ("/reunion alta revision lunez 10:00", "No entendí el día “lunez”"),
        ("/reunion alta revision lunes 25:00", "No entendí la hora “25:00”"),
        ("/reunion baja uno", "Uso: <code>/reunion"),
        ("/reunion mover 1", "Uso: <code>/reunion"),
    ],
)
async def test_meeting_refusals(world: World, command: str, expected: str) -> None:
    world.seed()
    assert expected in await world.reply(COORD, GROUP, command)
    assert "aún no tiene reuniones" in await world.reply(COORD, GROUP, "/reunion lista")


async def test_only_coordinators_schedule(world: World) -> None:
    world.seed()
    assert "no permite" in await world.reply(SSC_STAFF, GROUP, "/reunion alta revision lunes 10:00")
    assert "dentro del grupo" in await world.reply(COORD, COORD, "/reunion lista")


async def test_agenda_of_next_meeting(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/reunion alta coordinacion jueves 17:00")
    await world.send(COORD, GROUP, "/reunion alta revision lunes 9:00")
    await world.send(COORD, GROUP, "/incidente tipo=lesiones fecha=ayer")
    await world.send(COORD, GROUP, "/accion SSC hoy Patrullaje vencido")
    await world.send(COORD, GROUP, "/accion FGJ miércoles Carpeta antes de la reunión")
    await world.send(COORD, GROUP, "/accion FGJ 2026-12-20 Después de la reunión")
    await world.send(SSC_STAFF, SSC_STAFF, "/avance 1 bloqueada sin patrulla disponible")
    world.clock.advance(days=1)  # Tuesday 10:00: #1 is overdue; next meeting Thursday 17:00
    pages = await world.send(SSC_STAFF, GROUP, "/agenda")
    text = "\n".join(p.text for p in pages)
    assert "Agenda: Reunión de coordinación</b> · jue, 3 de dic de 2026 17:00" in text
    assert "PLA-2026-001" in text
    due_soon = text.split("antes de la reunión</b>")[1].split("<b>Acciones vencidas")[0]
    assert "<b>#2</b>" in due_soon and "<b>#3</b>" not in due_soon
    overdue = text.split("<b>Acciones vencidas, por dependencia</b>")[1].split(
        "<b>Acciones bloqueadas"
    )[0]
    assert "<b>SSC</b>: 1" in overdue and "<b>#1</b>" in overdue
    for private in ("Patrullaje vencido", "Carpeta antes", "sin patrulla disponible"):
        assert private not in text  # a group sees numbers, agencies and dates only


async def test_agenda_without_meetings(world: World) -> None:
    world.seed()
    text = await world.reply(COORD, GROUP, "/agenda")
    assert "sin reunión programada" in text


def test_next_occurrence_and_weekdays() -> None:
    monday_10 = datetime(2026, 11, 30, 16, 0, tzinfo=ZoneInfo("UTC"))  # 10:00 local
    review = MeetingSchedule(
        id=1,
        group_id=1,
        kind="review",
        weekday=0,
        minute_of_day=600,
        created_by=1,
        created_at=monday_10,
    )
    coordination = MeetingSchedule(
        id=2,
        group_id=1,
        kind="coordination",
        weekday=0,
        minute_of_day=601,
        created_by=1,
        created_at=monday_10,
    )
    schedule, at = next_occurrence([review], monday_10, ZONE)
    assert at == datetime(2026, 12, 7, 10, 0, tzinfo=ZONE)  # now is not "next"
    schedule, at = next_occurrence([review, coordination], monday_10, ZONE)
    assert schedule.id == 2 and at == datetime(2026, 11, 30, 10, 1, tzinfo=ZONE)
    assert next_occurrence([], monday_10, ZONE) is None
    assert [parse_weekday(w) for w in ("Miércoles", "mie", "wed", "SÁB.", "sunday")] == [
        2,
        2,
        2,
        5,
        6,
    ]


async def test_action_kinds_and_default_deadlines(world: World) -> None:
    world.seed()
    text = await world.reply(COORD, GROUP, "/accion SSC tipo=hospital Visita al hospital")
    assert "Vence: mar, 1 de dic de 2026 10:00" in text  # 24 h from Monday 10:00
    assert "Tipo: respuesta hospitalaria" in text
    text = await world.reply(COORD, GROUP, "/accion SSC tipo=notificacion viernes Notificación")
    assert "Vence: vie, 4 de dic de 2026 18:00" in text  # an explicit date wins
    text = await world.reply(COORD, GROUP, "/accion SSC kind=family_support Apoyo")
    assert "Vence: jue, 3 de dic de 2026 10:00" in text and "apoyo a familias" in text
    assert "Uso:" in await world.reply(COORD, GROUP, "/accion SSC tipo=hospital")
    assert "No entendí la fecha “Visita”" in await world.reply(
        COORD, GROUP, "/accion SSC Visita al hospital"
    )
