"""End-to-end: creating, listing, updating and tracing action items, in Spanish and English."""

from __future__ import annotations

import pytest

from storage.actions import history, list_open_items
from storage.audit import latest
from tests.conftest import COORD, FGJ_STAFF, GROUP, OBSERVER, SSC_STAFF, STRANGER, World


async def test_coordinator_creates_item_in_group_with_buttons(world: World) -> None:
    world.seed()
    sent = await world.send(
        COORD, GROUP, "/accion SSC viernes Patrullaje preventivo en cuadrante 4"
    )
    assert len(sent) == 1
    text = sent[0].text
    assert "<b>#1</b> · SSC" in text
    assert "Patrullaje" not in text and "texto en el chat privado" in text  # a group
    assert "vie, 4 de dic de 2026" in text
    assert [data for _, data in sent[0].buttons] == ["st:1:done", "st:1:progress", "st:1:blocked"]
    items = world.database.call(list_open_items, world.clock())
    assert [(i.id, i.agency_code) for i in items] == [(1, "SSC")]
    # Due at 18:00 Mexico City = 00:00 UTC next day.
    assert items[0].due_at.isoformat() == "2026-12-05T00:00:00+00:00"


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ("2026-12-04", "vie, 4 de dic de 2026"),
        ("04/12", "vie, 4 de dic de 2026"),
        ("hoy", "lun, 30 de nov de 2026"),
        ("mañana", "mar, 1 de dic de 2026"),
        ('"en 3 días"', "jue, 3 de dic de 2026"),
        ("en 3 días", "jue, 3 de dic de 2026"),
        ("tomorrow", "mar, 1 de dic de 2026"),
        ("friday", "vie, 4 de dic de 2026"),
        ("3d", "jue, 3 de dic de 2026"),
    ],
)
async def test_due_date_forms(world: World, due: str, expected: str) -> None:
    world.seed()
    text = await world.reply(COORD, COORD, f"/accion FGJ {due} Priorizar carpeta")
    assert expected in text, text
    assert "Priorizar carpeta" in text


@pytest.mark.parametrize("language", ["en"])
async def test_english_flow(world: World) -> None:
    world.seed()
    text = await world.reply(COORD, GROUP, "/action SSC tomorrow Preventive patrol")
    assert "Due: Tue, Dec 1, 2026" in text, text
    text = await world.reply(SSC_STAFF, SSC_STAFF, "/update 1 progress patrol scheduled")
    assert "Update recorded: 🔵 In progress" in text
    text = await world.reply(SSC_STAFF, SSC_STAFF, "/done 1")
    assert "✅ Done" in text
    text = await world.reply(COORD, COORD, "/history 1")
    assert "History of #1" in text and "patrol scheduled" in text
    text = await world.reply(COORD, COORD, "/actions")
    assert text == "No open action items."


async def test_update_keeps_history_and_closing_time(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    world.clock.advance(hours=2)
    text = await world.reply(SSC_STAFF, SSC_STAFF, "/avance 1 en_curso visita programada")
    assert "Avance registrado: 🔵 En curso" in text
    world.clock.advance(hours=3)
    text = await world.reply(SSC_STAFF, SSC_STAFF, "/hecho #1 listo")
    assert "✅ Hecha" in text
    assert world.api.sent[-1].buttons == []  # a closed item has no buttons
    item, entries = world.database.call(history, 1)
    assert item.closed_at == world.clock()
    assert [(e.status.value, e.note, e.author) for e in entries] == [
        ("progress", "visita programada", "Enlace SSC"),
        ("done", "listo", "Enlace SSC"),
    ]
    text = await world.reply(COORD, COORD, "/historial 1")
    assert "visita programada" in text and "listo" in text
    assert "30 nov 2026 12:00" in text  # rendered in Mexico City time
    # Reopening clears the closing time; history is appended, never overwritten.
    await world.send(COORD, COORD, "/avance 1 abierta se reabre")
    item, entries = world.database.call(history, 1)
    assert item.closed_at is None and len(entries) == 3
    actions = [a.action for a in world.database.call(latest, 10)]
    assert actions.count("item.update") == 3


async def test_list_private_grouped_and_overdue_first(world: World) -> None:
    world.seed()
    await world.send(COORD, COORD, "/accion SSC mañana A")
    await world.send(COORD, COORD, "/accion SSC hoy B")
    await world.send(COORD, COORD, "/accion FGJ viernes C")
    world.clock.advance(days=1)  # B (due yesterday 18:00) is now overdue
    text = await world.reply(COORD, COORD, "/acciones")
    assert text.index("<b>FGJ</b>") < text.index("<b>SSC</b>")
    assert text.index("#2</b> B") < text.index("#1</b> A")
    assert "<b>vencida</b>" in text
    text = await world.reply(SSC_STAFF, SSC_STAFF, "/acciones")
    assert "#1" in text and "#2" in text and "#3" not in text
    text = await world.reply(COORD, COORD, "/acciones vencidas")
    assert "#2" in text and "#1" not in text
    text = await world.reply(COORD, COORD, "/acciones fgj")
    assert "#3" in text and "#1" not in text
    text = await world.reply(OBSERVER, OBSERVER, "/acciones todas")  # counts, no free text
    assert "<b>SSC</b>: 2 abiertas · 1 vencida" in text and "<b>FGJ</b>: 1 abierta" in text
    assert "#1" not in text and " A" not in text and "Acciones abiertas, por dependencia" in text


async def test_group_list_shows_counts_only(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC hoy Patrullaje confidencial")
    await world.send(COORD, GROUP, "/accion FGJ viernes Carpeta")
    await world.send(COORD, COORD, "/accion FGJ viernes Fuera del grupo")
    await world.send(SSC_STAFF, SSC_STAFF, "/avance 1 bloqueada falta vehículo")
    world.clock.advance(days=1)
    text = await world.reply(COORD, GROUP, "/acciones")
    assert "Patrullaje confidencial" not in text
    assert "<b>SSC</b>: 1 abierta · 1 vencida · 1 bloqueada" in text
    assert "<b>FGJ</b>: 1 abierta · 0 vencidas · 0 bloqueadas" in text


async def test_list_is_paged_with_buttons(world: World) -> None:
    world.seed()
    long_text = "Seguimiento de la canalización acordada en revisión " * 3
    for _ in range(40):
        await world.send(COORD, COORD, f"/accion SSC viernes {long_text}")
    sent = await world.send(SSC_STAFF, SSC_STAFF, "/acciones")
    assert len(sent) == 1
    first = sent[0]
    assert "página 1 de 3" in first.text
    labels = [label for label, _ in first.buttons]
    assert labels == ["1/3", "▶"]
    edited = await world.press(SSC_STAFF, first, first.buttons[-1][1])
    assert edited[0].method == "editMessageText" and "página 2 de 3" in edited[0].text
    assert [label for label, _ in edited[0].buttons] == ["◀", "2/3", "▶"]
    # Pressing the current page button changes nothing and raises nothing.
    await world.press(SSC_STAFF, first, "ls:mine:1")
    # A page of another agency's items is no button the bot made: forged, refused.
    await world.press(SSC_STAFF, first, "ls:FGJ:0")
    assert "ya no es válido" in world.answer


async def test_buttons_record_update_and_edit_message(world: World) -> None:
    world.seed()
    created = (await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje"))[0]
    edited = await world.press(SSC_STAFF, created, "st:1:progress")
    assert world.answer == "Avance registrado: 🔵 En curso"
    assert edited[0].method == "editMessageText"
    assert "🔵 En curso" in edited[0].text and "Último avance: Enlace SSC" in edited[0].text
    # Double tap: no second update, no failed edit.
    assert await world.press(SSC_STAFF, created, "st:1:progress") == []
    assert "Sin cambios" in world.answer
    _, entries = world.database.call(history, 1)
    assert len(entries) == 1
    edited = await world.press(SSC_STAFF, created, "st:1:done")
    assert "✅ Hecha" in edited[0].text and edited[0].buttons == []


async def test_agency_member_cannot_touch_other_agency_items(world: World) -> None:
    world.seed()
    created = (await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje"))[0]
    text = await world.reply(FGJ_STAFF, FGJ_STAFF, "/hecho 1")
    assert "otra dependencia" in text
    await world.press(FGJ_STAFF, created, "st:1:done")
    assert "otra dependencia" in world.answer
    text = await world.reply(FGJ_STAFF, FGJ_STAFF, "/historial 1")
    assert "tu dependencia" in text
    text = await world.reply(FGJ_STAFF, FGJ_STAFF, "/acciones SSC")
    assert "tu dependencia" in text
    _, entries = world.database.call(history, 1)
    assert entries == []


async def test_observer_and_stranger_change_nothing(world: World) -> None:
    world.seed()
    created = (await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje"))[0]
    assert "no permite" in await world.reply(OBSERVER, OBSERVER, "/hecho 1")
    assert "no permite" in await world.reply(OBSERVER, OBSERVER, "/accion SSC hoy X")
    assert "No estás registrado" in await world.reply(STRANGER, STRANGER, "/accion SSC hoy X")
    assert "No estás registrado" in await world.reply(STRANGER, STRANGER, "/acciones")
    await world.press(STRANGER, created, "st:1:done")
    assert "No estás registrado" in world.answer
    await world.press(OBSERVER, created, "st:1:done")
    assert "no permite" in world.answer
    _, entries = world.database.call(history, 1)
    assert entries == []
    assert len(world.database.call(list_open_items, world.clock())) == 1


@pytest.mark.parametrize(
    "data",
    ["st:99:done", "st:1:cancelled", "st:1:done:extra", "st:abc:done", "st:-1:done", "zz", "st:1:"],
)
async def test_forged_callback_data_changes_nothing(world: World, data: str) -> None:
    world.seed()
    created = (await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje"))[0]
    sent = await world.press(COORD, created, data)
    assert sent == []
    assert world.api.callback_answers[-1].get("show_alert") is True
    _, entries = world.database.call(history, 1)
    assert entries == []


async def test_html_in_free_text_is_escaped(world: World) -> None:
    world.seed()
    text = await world.reply(
        COORD, COORD, "/accion SSC viernes Revisar <b>x</b> & *y* _z_ <script>"
    )
    assert "Revisar &lt;b&gt;x&lt;/b&gt; &amp; *y* _z_ &lt;script&gt;" in text
    await world.send(SSC_STAFF, SSC_STAFF, "/avance 1 en_curso nota <i>sin</i> cerrar & <")
    text = await world.reply(COORD, COORD, "/historial 1")
    assert "nota &lt;i&gt;sin&lt;/i&gt; cerrar &amp; &lt;" in text
    text = await world.reply(
        COORD, COORD, "/dependencia alta INJUVE Instituto <de> la Juventud & co"
    )
    assert "Instituto &lt;de&gt; la Juventud &amp; co" in text


async def test_editing_a_command_does_not_run_it_again(world: World) -> None:
    world.seed()
    sent = await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    assert len(sent) == 1
    command_id = world.driver.last_message_id
    assert await world.driver.edit(COORD, GROUP, command_id, text="/accion SSC viernes Otra") == []
    assert len(world.database.call(list_open_items, world.clock())) == 1


async def test_tampered_signature_changes_nothing(world: World) -> None:
    """Callback data is signed: keeping a real signature but changing the data fails."""
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Uno")
    created = (await world.send(COORD, GROUP, "/accion SSC viernes Dos"))[0]
    _, raw = created.raw_buttons[0]  # st:2:done|<mac>
    data, mac = raw.split("|")
    assert data == "st:2:done" and len(mac) == 8
    for forged in (f"st:1:done|{mac}", "st:2:done", f"st:2:done|{mac[::-1]}"):
        assert await world.driver.press_raw(COORD, created, forged) == []
        assert "ya no es válido" in world.answer
    _, entries = world.database.call(history, 1)
    assert entries == [] and world.database.call(history, 2)[1] == []
    assert await world.driver.press_raw(COORD, created, raw) != []  # the genuine press works
