"""End-to-end: a shooting recorded in the bot and the same shooting imported from the FGJ
file are flagged as possible duplicates, counted once, and judged by a coordinator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.reports import kpis
from storage import report_data
from storage.audit import latest
from storage.incident_import import NewIncident, import_incidents
from tests.conftest import COORD, GROUP, OBSERVER, SSC_STAFF, World

MX = ZoneInfo("America/Mexico_City")

# Saturday 28 Nov 2026, 22:00 in Mexico City.
FGJ_AT = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)
RECORD = "/incidente tipo=homicidio fecha=2026-11-28 hora=22:40"


def _import(world: World, at: datetime = FGJ_AT, *, sector: str = "Plateros") -> None:
    row = NewIncident(
        ref=f"CDMX-FGJ-{at:%H%M}",
        sector=sector,
        type="homicide",
        occurred_at=at,
        victims=1,
        classification="homicidio_doloso",
        source="fgj",
    )
    world.database.call(import_incidents, [row], zone=MX, now=world.clock())


def _counted(world: World) -> int:
    frame = world.database.call(report_data.incidents_frame, ["Plateros"])
    return len(kpis.outcomes(frame))


async def test_recorded_after_an_import_is_flagged_counted_once_and_judged(world: World) -> None:
    world.seed()
    _import(world)
    await world.send(COORD, GROUP, RECORD)
    assert _counted(world) == 1  # two records, one event
    text = await world.reply(COORD, COORD, "/duplicados")
    assert "Posibles duplicados sin revisar: 1" in text
    assert "PLA-2026-002" in text and "PLA-2026-001" in text and "(fgj," in text
    assert "homicidio" in text
    text = await world.reply(COORD, COORD, "/duplicados distintos PLA-2026-002")
    assert "hechos distintos" in text
    assert _counted(world) == 2
    assert any(e.action == "incident.duplicate" for e in world.database.call(latest))
    text = await world.reply(COORD, COORD, "/duplicados unir PLA-2026-001")  # either code
    assert "el mismo hecho" in text
    assert _counted(world) == 1
    assert "No hay posibles duplicados" in await world.reply(COORD, COORD, "/duplicados")


async def test_an_hour_apart_or_another_type_is_not_a_duplicate(world: World) -> None:
    world.seed()
    _import(world, FGJ_AT - timedelta(minutes=61))
    await world.send(COORD, GROUP, "/incidente tipo=homicidio fecha=2026-11-28 hora=22:00")
    await world.send(COORD, GROUP, "/incidente tipo=lesiones fecha=2026-11-28 hora=21:00")
    assert _counted(world) == 3
    assert "No hay posibles duplicados" in await world.reply(COORD, COORD, "/duplicados")


async def test_only_coordinators_judge_and_bad_input_changes_nothing(world: World) -> None:
    world.seed()
    _import(world)
    await world.send(COORD, GROUP, RECORD)
    for user in (SSC_STAFF, OBSERVER):
        text = await world.reply(user, user, "/duplicados distintos PLA-2026-002")
        assert "Tu rol no permite" in text
    assert "Uso:" in await world.reply(COORD, COORD, "/duplicados quizá PLA-2026-002")
    assert "Uso:" in await world.reply(COORD, COORD, "/duplicados unir")
    text = await world.reply(COORD, COORD, "/duplicados unir PLA-2026-099")
    assert "PLA-2026-099" in text
    assert _counted(world) == 1
    assert "sin revisar: 1" in await world.reply(COORD, COORD, "/duplicados")
