"""End-to-end: coordinators correct items with ``/editar`` (``/edit``): each field, the history
of old and new values, the audit, the owners' notices, reminders re-planned, reopening."""

from __future__ import annotations

import pytest
from sqlmodel import select

from storage.actions import get_item
from storage.audit import latest
from storage.models.items import ItemChange
from tests.conftest import COORD, FGJ_STAFF, GROUP, SSC_STAFF, World


def changes(world: World) -> list[tuple[str, str, str, str]]:
    rows = world.database.call(lambda s: list(s.exec(select(ItemChange).order_by(ItemChange.id))))
    return [(c.field, c.old, c.new, c.reason) for c in rows]


def to(world: World, chat: int, since: int = 0) -> list[str]:
    return [s.text for s in world.api.sent[since:] if s.chat_id == chat]


async def edit(world: World, chat: int, args: str) -> str:
    """The answer to ``args`` in ``chat`` (the owners' notices go to other chats)."""
    sent = await world.send(COORD, chat, args)
    [answer] = [s.text for s in sent if s.chat_id == chat]
    return answer


async def _item(world: World, text: str = "/accion SSC viernes Patrullaje preventivo") -> None:
    world.seed()
    await world.send(COORD, COORD, "/ayuda")  # the coordinator has started the bot
    await world.send(COORD, COORD, text)  # due Friday 4 Dec 18:00 local


async def test_each_field_is_recorded_with_old_and_new_values(world: World) -> None:
    await _item(world)
    world.clock.advance(hours=1)
    text = await edit(world, COORD, "/editar 1 fecha=2026-12-09")
    assert "Acción #1 corregida" in text and "Fecha límite" in text and "→" in text
    text = await edit(world, COORD, "/editar #1 texto=“Patrullaje en cuadrante 5”")
    assert "Patrullaje preventivo → Patrullaje en cuadrante 5" in text
    text = await edit(world, COORD, "/editar 1 tipo=hospital")
    assert "respuesta hospitalaria" in text
    text = await edit(world, COORD, '/editar 1 dependencia=fgj motivo="la lleva Fiscalía"')
    assert "SSC → FGJ" in text
    item = world.database.call(get_item, 1)
    assert (item.agency_code, item.text) == ("FGJ", "Patrullaje en cuadrante 5")
    assert item.kind is not None and item.kind.value == "hospital"
    assert item.due_at.isoformat() == "2026-12-10T00:00:00+00:00"  # 18:00 local
    assert changes(world) == [
        ("due", "2026-12-05T00:00:00+00:00", "2026-12-10T00:00:00+00:00", ""),
        ("text", "Patrullaje preventivo", "Patrullaje en cuadrante 5", ""),
        ("kind", "", "hospital", ""),
        ("agency", "SSC", "FGJ", "la lleva Fiscalía"),
    ]
    history = await world.reply(COORD, COORD, "/historial 1")
    assert "Historial de #1" in history
    assert "Patrullaje preventivo → Patrullaje en cuadrante 5 · Coordinación" in history
    assert "SSC → FGJ" in history and "Motivo: la lleva Fiscalía" in history
    assert "(sin dato) → respuesta hospitalaria" in history
    edits = [a for a in world.database.call(latest, 50) if a.action == "item.edit"]
    assert len(edits) == 4 and all(a.entity_id == "1" for a in edits)
    assert '"agency": ["SSC", "FGJ"]' in edits[0].details


async def test_old_and_new_owners_are_told(world: World) -> None:
    await _item(world)
    mark = len(world.api.sent)
    await world.send(COORD, COORD, "/editar 1 fecha=2026-12-09")
    [notice] = to(world, SSC_STAFF, mark)
    assert "La coordinación corrigió la acción #1" in notice and "Patrullaje preventivo" in notice
    assert to(world, FGJ_STAFF, mark) == []  # not theirs
    mark = len(world.api.sent)
    await world.send(COORD, COORD, "/editar 1 dependencia=FGJ")
    [moved] = to(world, SSC_STAFF, mark)
    assert "reasignó la acción #1 a <b>FGJ</b>" in moved
    assert "Patrullaje" not in moved  # no longer theirs to know
    assert to(world, FGJ_STAFF, mark) == []  # the new owner's notice goes through the outbox
    await world.sweep()
    await world.sweep(minutes=5)
    [assigned] = [s for s in world.api.sent[mark:] if s.chat_id == FGJ_STAFF]  # exactly once
    assert "<b>#1</b>" in assigned.text and "Patrullaje preventivo" in assigned.text
    assert {"st:1:done", "st:1:progress", "st:1:blocked"} <= {d for _, d in assigned.buttons}
    assert len(to(world, SSC_STAFF, mark)) == 1  # the old owner: only the notice above


async def test_rescheduled_item_is_reminded_at_its_new_time_only(world: World) -> None:
    await _item(world)
    world.at_local("2026-12-03 18:00")  # 24 h before the old due time: the reminder goes
    await world.sweep()
    assert len(to(world, SSC_STAFF)) == 1
    world.at_local("2026-12-04 10:00")
    await world.send(COORD, COORD, "/editar 1 fecha=2026-12-09")
    mark = len(world.api.sent)
    world.at_local("2026-12-04 18:00")  # the old due time: nothing
    await world.sweep()
    world.at_local("2026-12-08 17:59")
    await world.sweep()
    assert to(world, SSC_STAFF, mark) == []
    world.at_local("2026-12-08 18:00")  # 24 h before the new one
    await world.sweep()
    [reminder] = to(world, SSC_STAFF, mark)
    assert "<b>#1</b>" in reminder and "9 de dic" in reminder
    world.at_local("2026-12-09 18:00")
    await world.sweep()
    assert len(to(world, SSC_STAFF, mark)) == 2  # and the due stage at the new time


async def test_pending_reminder_of_the_old_owner_is_dropped(world: World) -> None:
    await _item(world)
    world.at_local("2026-12-06 18:00")  # overdue on a Sunday: it waits for Monday 08:00
    await world.sweep()
    mark = len(world.api.sent)
    await world.send(COORD, COORD, "/editar 1 dependencia=FGJ")
    world.at_local("2026-12-07 08:00")
    await world.sweep()
    ssc = to(world, SSC_STAFF, mark)
    assert len(ssc) == 1 and "reasignó" in ssc[0]  # only the notice, no reminder
    assert any("<b>#1</b>" in t for t in to(world, FGJ_STAFF, mark))


async def test_closed_item_reopens_only_with_a_reason(world: World) -> None:
    await _item(world)
    await world.send(SSC_STAFF, SSC_STAFF, "/hecho 1 listo")
    text = await edit(world, COORD, "/editar 1 texto=otra")
    assert "ya está cerrada" in text
    text = await edit(world, COORD, "/editar 1 estado=abierta")
    assert "escribe el motivo" in text
    text = await edit(world, COORD, "/editar 1 estado=en_curso motivo=x")
    assert "solo se puede reabrir" in text
    assert changes(world) == []
    text = await edit(world, COORD, '/editar 1 estado=abierta motivo="falta la visita"')
    assert "Hecha → " in text and "Abierta" in text
    item = world.database.call(get_item, 1)
    assert item.status.value == "open" and item.closed_at is None
    history = await world.reply(COORD, COORD, "/historial 1")
    assert "Motivo: falta la visita" in history and "listo" in history


async def test_agency_staff_may_not_edit(world: World) -> None:
    await _item(world)
    text = await world.reply(SSC_STAFF, SSC_STAFF, "/editar 1 fecha=2026-12-09")
    assert "Tu rol no permite" in text
    assert world.database.call(get_item, 1).due_at.isoformat() == "2026-12-05T00:00:00+00:00"
    assert changes(world) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("1", "Uso: <code>/editar N"),
        ("1 color=rojo", "color"),
        ("1 fecha=ayer", "ayer"),
        ("1 fecha=jamás", "jamás"),
        ("1 dependencia=XYZ", "No conozco la dependencia <b>XYZ</b>"),
        ('1 texto="llamar al 55 1234 5678"', "teléfono"),
        ("1 tipo=ninguno", "ninguno"),
        ("1 dependencia=SSC", "No hay nada que cambiar"),
        ("1 fecha=viernes sobra", "Uso: <code>/editar N"),
        ("99 fecha=viernes", "#99"),
    ],
)
async def test_bad_input_changes_nothing(world: World, args: str, expected: str) -> None:
    await _item(world)
    text = await edit(world, COORD, f"/editar {args}")
    assert expected in text, text
    item = world.database.call(get_item, 1)
    assert (item.agency_code, item.text) == ("SSC", "Patrullaje preventivo")
    assert item.due_at.isoformat() == "2026-12-05T00:00:00+00:00"
    assert changes(world) == []
    assert not [a for a in world.database.call(latest, 50) if a.action == "item.edit"]


async def test_group_edits_only_its_items_and_shows_no_detail(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje preventivo")
    text = await edit(world, GROUP, "/editar 1 texto=“Patrullaje nocturno”")
    assert "Acción #1 corregida" in text and "Patrullaje" not in text
    await world.send(COORD, COORD, "/accion FGJ viernes Priorizar carpeta")  # not the group's
    text = await edit(world, GROUP, "/editar 2 fecha=2026-12-09")
    assert "no es de este grupo" in text


@pytest.mark.parametrize("language", ["en"])
async def test_english_edit_and_history(world: World) -> None:
    await _item(world, "/action SSC friday Preventive patrol")
    text = await edit(world, COORD, "/edit 1 due=2026-12-09 text=“Night patrol”")
    assert "Item #1 corrected" in text and "Preventive patrol → Night patrol" in text
    assert "Due date" in text
    history = await world.reply(COORD, COORD, "/history 1")
    assert "History of #1" in history and "Text: Preventive patrol → Night patrol" in history
    text = await edit(world, COORD, "/edit 1 agency=SSC")
    assert "Nothing to change" in text
