"""End-to-end: a whole weekly shooting review, its minutes, and the stored timeliness facts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.services.housekeeping import housekeeping
from storage.incidents import get_incident
from storage.models.incidents import Review
from storage.models.items import ActionItem
from tests.conftest import COORD, FGJ_STAFF, GROUP, OBSERVER, SSC_STAFF, STRANGER, World


def items(world: World) -> list[ActionItem]:
    return world.database.call(lambda s: list(s.exec(select(ActionItem).order_by(ActionItem.id))))


async def _week_of_shootings(world: World) -> None:
    """Two shootings this week, one three weeks ago (already reviewed earlier)."""
    await world.send(COORD, GROUP, "/incidente tipo=lesiones fecha=2026-11-08")
    await world.send(COORD, GROUP, "/revision inicio")
    await world.send(COORD, GROUP, "/accion FGJ viernes Seguimiento de la carpeta #PLA-2026-001")
    await world.send(COORD, GROUP, "/revision fin")
    await world.send(
        COORD,
        GROUP,
        '/incidente tipo=homicidio fecha=2026-11-28 hora=22:10 lugar="Cuadrante 4" riesgo=alto grupo=G-07',
    )
    await world.send(COORD, GROUP, "/incidente tipo=lesiones fecha=ayer lesionados=2")


async def test_full_review(world: World) -> None:
    world.seed()
    await _week_of_shootings(world)
    world.clock.advance(days=1)  # Tuesday 1 Dec, 10:00
    opened = await world.send(COORD, GROUP, "/revision inicio")
    text = opened[0].text
    assert "Incidentes por revisar: 2" in text
    assert "<b>PLA-2026-002</b>" in text and "<b>PLA-2026-003</b>" in text
    assert "<b>PLA-2026-001</b>" not in text  # reviewed at the earlier review
    assert "<b>#1</b>" in text  # the open item of an earlier incident, without its text
    assert "Seguimiento de la carpeta" not in text
    assert opened[0].params["protect_content"] is True
    assert "Ya hay una revisión abierta" in await world.reply(COORD, GROUP, "/revision inicio")

    step = await world.reply(COORD, GROUP, "/revision siguiente")
    assert "Incidente 1 de 2" in step and "PLA-2026-002" in step and "Acciones ligadas: 0" in step
    created = await world.send(
        COORD, GROUP, "/accion SSC mañana Patrullaje en cuadrante 4 #PLA-2026-002"
    )
    assert "Incidente: <b>PLA-2026-002</b>" in created[0].text
    await world.send(COORD, GROUP, "/accion SIBISO_X mañana x")  # unknown agency: nothing
    await world.send(
        COORD,
        GROUP,
        "/accion FGJ tipo=investigacion incidente=PLA-2026-002 Priorizar investigación",
    )
    await world.send(COORD, GROUP, "/decision Mesa con INJUVE la próxima semana")
    step = await world.reply(COORD, GROUP, "/revision siguiente")
    assert "Incidente 2 de 2" in step and "PLA-2026-003" in step
    assert "Ya se revisaron todos" in await world.reply(COORD, GROUP, "/revision siguiente")
    # Attendance: SSC staff presses a button, an observer says /presente, FGJ stays silent.
    await world.press(SSC_STAFF, created[0], "st:2:progress")
    assert "Asistencia registrada: Observadora" in await world.reply(OBSERVER, GROUP, "/presente")
    assert await world.send(STRANGER, GROUP, "/presente") != []  # refused, not counted

    minutes = await world.send(COORD, GROUP, "/revision fin")
    text = "\n".join(m.text for m in minutes)
    assert "Minuta de la revisión de disparos" in text
    assert "<b>SSC</b> (1): Enlace SSC" in text
    assert "Observadora (presente)" in text and "Enlace FGJ" not in text
    assert "Coordinación" in text
    assert "PLA-2026-002" in text and "PLA-2026-003" in text
    assert "Mesa con INJUVE" in text
    assert "<b>#2</b> SSC" in text and "<b>#3</b> FGJ" in text and "<b>#1</b>" not in text
    assert (
        "Total: 2 incidentes revisados · 2 acciones acordadas · 3 dependencias presentes." in text
    )
    assert all(m.params["protect_content"] for m in minutes)
    assert "No hay una revisión abierta" in await world.reply(COORD, GROUP, "/revision fin")

    # Every item knows its incident and its review; incidents know when they were reviewed.
    rows = items(world)
    reviews = world.database.call(lambda s: list(s.exec(select(Review).order_by(Review.id))))
    assert [(r.incident_id, r.review_id) for r in rows] == [
        (1, reviews[0].id),
        (2, reviews[1].id),
        (2, reviews[1].id),
    ]
    assert rows[2].kind == "investigation"
    assert rows[2].due_at == world.clock() + timedelta(hours=168)  # the kind's deadline
    second = world.database.call(get_incident, "PLA-2026-002")
    assert second.reviewed_at == world.clock()
    assert world.database.call(get_incident, "PLA-2026-001").reviewed_at is not None


async def test_first_completed_item_is_stored_once(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/incidente tipo=homicidio fecha=ayer")
    await world.send(COORD, GROUP, "/accion SSC tipo=hospital Visita hospitalaria #PLA-2026-001")
    await world.send(COORD, GROUP, "/accion FGJ viernes Carpeta incidente=pla-2026-001")
    assert world.database.call(get_incident, "PLA-2026-001").first_completed_at is None
    world.clock.advance(hours=5)
    await world.send(SSC_STAFF, SSC_STAFF, "/hecho 1")
    done_at = world.clock()
    world.clock.advance(hours=5)
    await world.send(FGJ_STAFF, FGJ_STAFF, "/hecho 2")
    assert world.database.call(get_incident, "PLA-2026-001").first_completed_at == done_at
    item = items(world)[0]
    assert item.kind == "hospital"
    assert item.due_at == done_at - timedelta(hours=5) + timedelta(hours=24)


async def test_unknown_incident_reference_stores_nothing(world: World) -> None:
    world.seed()
    text = await world.reply(COORD, GROUP, "/accion SSC viernes Patrullaje #PLA-2026-404")
    assert "No existe el incidente “PLA-2026-404”" in text
    text = await world.reply(COORD, GROUP, "/accion SSC tipo=magia viernes Patrullaje")
    assert "Tipo de acción desconocido: “magia”" in text
    assert items(world) == []


async def test_incident_recorded_during_review_joins_agenda(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/revision inicio")
    await world.send(COORD, GROUP, "/incidente tipo=lesiones fecha=hoy")
    step = await world.reply(COORD, GROUP, "/revision siguiente")
    assert "Incidente 1 de 1" in step and "PLA-2026-001" in step


async def test_review_left_open_closes_itself(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/incidente tipo=lesiones fecha=ayer")
    await world.send(COORD, GROUP, "/revision inicio")
    world.clock.advance(hours=11)
    assert await housekeeping(world.driver.app) == (0, 0)
    world.clock.advance(hours=2)
    before = len(world.api.sent)
    assert await housekeeping(world.driver.app) == (1, 0)
    minutes = world.api.sent[before:]
    assert "Cerrada automáticamente" in minutes[0].text and "más de 12 horas" in minutes[0].text
    assert minutes[0].chat_id == GROUP
    assert world.database.call(get_incident, "PLA-2026-001").reviewed_at == world.clock()
    assert await housekeeping(world.driver.app) == (0, 0)  # once only


async def test_review_refusals(world: World) -> None:
    world.seed()
    assert "Uso: <code>/revision inicio</code>" in await world.reply(COORD, GROUP, "/revision")
    assert "Uso:" in await world.reply(COORD, GROUP, "/revision empezar")
    assert "No hay una revisión abierta" in await world.reply(COORD, GROUP, "/revision siguiente")
    assert "No hay una revisión abierta" in await world.reply(COORD, GROUP, "/decision algo")
    assert "No hay una revisión abierta" in await world.reply(SSC_STAFF, GROUP, "/presente")
    assert "no permite" in await world.reply(SSC_STAFF, GROUP, "/revision inicio")
    assert "dentro del grupo" in await world.reply(COORD, COORD, "/revision inicio")
    await world.send(COORD, GROUP, "/revision inicio")
    assert "Uso: <code>/decision" in await world.reply(COORD, GROUP, "/decision")
    assert "teléfono" in await world.reply(COORD, GROUP, "/decision llamar al 5512345678")
    text = await world.reply(COORD, GROUP, "/decision <b>Mesa</b> & más")
    assert "Decisión 1 anotada" in text
    minutes = await world.send(COORD, GROUP, "/revision fin")
    assert "&lt;b&gt;Mesa&lt;/b&gt; &amp; más" in minutes[0].text


@pytest.mark.parametrize("language", ["en"])
async def test_review_in_english(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/incident type=nonfatal date=yesterday")
    assert "Incidents to review: 1" in await world.reply(COORD, GROUP, "/review start")
    assert "Incident 1 of 1" in await world.reply(COORD, GROUP, "/review next")
    await world.send(COORD, GROUP, "/action SSC friday Patrol #PLA-2026-001")
    await world.send(OBSERVER, GROUP, "/present")
    minutes = "\n".join(m.text for m in await world.send(COORD, GROUP, "/review end"))
    assert "Shooting review minutes" in minutes and "Attendance by agency" in minutes
    assert "Total: 1 incidents reviewed · 1 action items agreed" in minutes


def _minutes_notices(world: World) -> list:
    from storage.notifications import notifications

    return [n for n in world.database.call(notifications) if n.kind == "minutes"]


async def _review_left_open(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/incidente tipo=lesiones fecha=ayer")
    await world.send(COORD, GROUP, "/revision inicio")
    world.clock.advance(hours=13)


async def test_auto_closed_minutes_survive_a_failed_send(world: World) -> None:
    """Telegram is down when the review closes itself: the minutes wait in the outbox,
    committed with the closing, and the sweep delivers them once, protected."""
    from storage.models.reminders import NoticeState

    await _review_left_open(world)
    before = len(world.api.sent)
    world.api.outage = True
    assert await housekeeping(world.driver.app) == (1, 0)
    world.api.outage = False
    assert world.api.sent[before:] == []
    [notice] = _minutes_notices(world)
    assert notice.state == NoticeState.pending and notice.chat_id == GROUP
    assert await housekeeping(world.driver.app) == (0, 0)  # closed once; the sweep resends
    for _ in range(4):
        await world.sweep(minutes=5)
        await housekeeping(world.driver.app)
    minutes = [s for s in world.api.sent[before:] if "Cerrada automáticamente" in s.text]
    assert len(minutes) == 1 and minutes[0].chat_id == GROUP
    [params] = [p for name, p in world.api.calls if "Cerrada automáticamente" in p.get("text", "")]
    assert params.get("protect_content") is True
    [notice] = _minutes_notices(world)
    assert notice.state == NoticeState.sent and notice.attempts == 2


async def test_auto_closed_minutes_sent_at_once_are_not_resent(world: World) -> None:
    from storage.models.reminders import NoticeState

    await _review_left_open(world)
    before = len(world.api.sent)
    assert await housekeeping(world.driver.app) == (1, 0)
    for _ in range(3):
        await world.sweep(minutes=5)
    minutes = [s for s in world.api.sent[before:] if "Cerrada automáticamente" in s.text]
    assert len(minutes) == 1
    assert [n.state for n in _minutes_notices(world)] == [NoticeState.sent]


async def test_minutes_for_a_group_that_removed_the_bot_fail_visibly(world: World) -> None:
    """Forbidden: retried once by the sweep, then ``failed`` with its error, for a person
    to see (``reminders preview``), instead of vanishing."""
    from storage.models.reminders import NoticeState

    await _review_left_open(world)
    world.api.left.add(GROUP)
    assert await housekeeping(world.driver.app) == (1, 0)
    for _ in range(3):
        await world.sweep(minutes=5)
    [notice] = _minutes_notices(world)
    assert notice.state == NoticeState.failed and "Forbidden" in notice.last_error


async def test_a_failing_housekeeping_task_does_not_stop_the_others(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from storage import intake
    from tests.conftest import OTHER_GROUP

    await _review_left_open(world)
    await world.send(COORD, GROUP, "/incidente")  # a guided form, then abandoned
    await world.driver.add_bot(COORD, OTHER_GROUP)  # never registered
    world.clock.advance(days=8)  # past every grace period: updates are prunable too

    async def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr("bot.services.housekeeping.close_stale_reviews", broken)
    assert await housekeeping(world.driver.app) == (0, 1)  # the draft was still dropped
    assert OTHER_GROUP in world.api.left
    assert world.database.call(intake.next_offset) is None  # processed updates pruned
    [record] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "closing stale reviews failed" in record.getMessage() and record.exc_info
    monkeypatch.undo()
    assert await housekeeping(world.driver.app) == (1, 0)  # and the next run catches up
