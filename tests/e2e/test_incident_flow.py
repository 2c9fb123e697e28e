"""End-to-end: the guided /incidente conversation, its cancel, time-out and mistakes."""

from __future__ import annotations

import pytest

from domain.errors import NotFound
from storage.groups import register_group
from storage.incidents import get_incident
from tests.conftest import COORD, GROUP, SSC_STAFF, World


async def _start(world: World) -> list:
    sent = await world.send(COORD, GROUP, "/incidente")
    assert len(sent) == 2 and "Registro guiado" in sent[0].text
    assert "1. ¿Qué tipo de incidente?" in sent[1].text
    assert [d for _, d in sent[1].buttons] == [
        "inc:type:homicide",
        "inc:type:nonfatal",
        "inc:cancel",
    ]
    return sent


def _nothing_stored(world: World) -> None:
    with pytest.raises(NotFound):
        world.database.call(get_incident, "PLA-2026-001")


async def test_full_guided_record(world: World) -> None:
    world.seed()
    sent = await _start(world)
    command_id = world.driver.last_message_id
    out = await world.press(COORD, sent[1], "inc:type:homicide")
    assert out[0].method == "editMessageText" and "➡️ <b>Homicidio</b>" in out[0].text
    assert "3. ¿Cuándo ocurrió?" in out[1].text  # one sector: no sector question
    assert out[1].params["reply_markup"]["force_reply"] is True
    assert out[1].params["reply_parameters"]["message_id"] == command_id
    assert "4. ¿Dónde?" in await world.reply(COORD, GROUP, "ayer 22:10")
    assert "5. ¿Cuántas víctimas?" in await world.reply(COORD, GROUP, "Cuadrante 4")
    assert "6. Código de grupo" in await world.reply(COORD, GROUP, "-")
    risk = await world.send(COORD, GROUP, "g-07 c-02")
    assert "7. ¿Riesgo de represalia?" in risk[0].text
    out = await world.press(COORD, risk[0], "inc:risk:high")
    assert "➡️ <b>alto</b>" in out[0].text and "8. Notas breves" in out[1].text
    text = await world.reply(COORD, GROUP, "se esperan represalias")
    assert "🔴 <b>PLA-2026-001</b> · Homicidio · Plateros" in text
    incident = world.database.call(get_incident, "PLA-2026-001")
    data = incident.data
    assert (data.victims, data.injured, data.place, data.group_code, data.conflict_code) == (
        1,
        0,
        "Cuadrante 4",
        "G-07",
        "C-02",
    )
    assert data.risk.value == "high" and data.notes == "se esperan represalias"
    assert "que cancelar" in await world.reply(COORD, GROUP, "/cancelar")


async def test_sector_question_when_group_has_several(world: World) -> None:
    actors = world.seed()
    world.database.call(
        register_group,
        actors["coord"],
        GROUP,
        title="G",
        sectors=["Plateros", "Olivar"],
        now=world.clock(),
    )
    sent = await _start(world)
    out = await world.press(COORD, sent[1], "inc:type:nonfatal")
    assert "2. ¿En qué sector?" in out[1].text
    assert [label for label, _ in out[1].buttons][:2] == ["Olivar", "Plateros"]
    out = await world.press(COORD, out[1], "inc:sector:0")
    assert "➡️ <b>Olivar</b>" in out[0].text
    await world.send(COORD, GROUP, "28/11")
    await world.send(COORD, GROUP, "-")
    await world.send(COORD, GROUP, "0 2")
    risk = await world.send(COORD, GROUP, "-")
    await world.press(COORD, risk[0], "inc:risk:none")
    text = await world.reply(COORD, GROUP, "-")
    assert "<b>OLI-2026-001</b> · Lesiones por disparo · Olivar" in text
    assert "0 personas fallecidas · 2 personas lesionadas" in text and "Riesgo" not in text


async def test_mistakes_are_explained_and_the_question_repeated(world: World) -> None:
    world.seed()
    sent = await _start(world)
    await world.press(COORD, sent[1], "inc:type:nonfatal")
    out = await world.send(COORD, GROUP, "mañana")
    assert "está en el futuro" in out[0].text and "3. ¿Cuándo ocurrió?" in out[1].text
    out = await world.send(COORD, GROUP, "hoy 23:59")
    assert "está en el futuro" in out[0].text
    await world.send(COORD, GROUP, "hoy 9:15")
    out = await world.send(COORD, GROUP, "Calle Lago Zurich 245")
    assert "domicilio" in out[0].text and "4. ¿Dónde?" in out[1].text
    await world.send(COORD, GROUP, "Colonia Olivar")
    out = await world.send(COORD, GROUP, "1 1")
    assert "Si alguien murió" in out[0].text
    out = await world.send(COORD, GROUP, "1 2 3")
    assert "uno o dos números" in out[0].text
    await world.send(COORD, GROUP, "2")
    out = await world.send(COORD, GROUP, "Los Pelones")
    assert "a lo más dos códigos" in out[0].text or "no parece un código" in out[0].text
    risk = await world.send(COORD, GROUP, "G-07")
    await world.press(COORD, risk[0], "inc:risk:low")
    await world.send(COORD, GROUP, "<b>nota</b> & más")
    text = await world.reply(COORD, COORD, "/incidente_editar PLA-2026-001 riesgo=bajo")
    assert "&lt;b&gt;nota&lt;/b&gt; &amp; más" in text
    assert world.database.call(get_incident, "PLA-2026-001").data.injured == 2


async def test_cancel_by_command_and_button(world: World) -> None:
    world.seed()
    await _start(world)
    await world.send(COORD, GROUP, "/cancelar")
    assert "no se guardó nada" in world.api.sent[-1].text
    assert await world.send(COORD, GROUP, "ayer") == []  # no draft: text is ignored
    sent = await _start(world)
    out = await world.press(COORD, sent[1], "inc:cancel")
    assert "Registro cancelado" in out[-1].text
    _nothing_stored(world)


async def test_abandoned_form_times_out(world: World) -> None:
    world.seed()
    sent = await _start(world)
    await world.press(COORD, sent[1], "inc:type:homicide")
    await world.send(COORD, GROUP, "ayer")
    world.clock.advance(minutes=11)
    text = await world.reply(COORD, GROUP, "Cuadrante 4")
    assert "se venció por inactividad" in text
    assert await world.send(COORD, GROUP, "Cuadrante 4") == []
    _nothing_stored(world)


async def test_expired_drafts_are_purged_by_housekeeping(world: World) -> None:
    from bot.services.housekeeping import housekeeping

    world.seed()
    await _start(world)
    world.clock.advance(minutes=5)
    assert await housekeeping(world.driver.app) == (0, 0)
    world.clock.advance(minutes=6)
    assert await housekeeping(world.driver.app) == (0, 1)
    await world.press(COORD, world.api.sent[-1], "inc:type:homicide")
    assert "No tienes un registro guiado" in world.answer


async def test_buttons_belong_to_whoever_started(world: World) -> None:
    world.seed()
    sent = await _start(world)
    await world.press(SSC_STAFF, sent[1], "inc:type:homicide")
    assert "no permite" in world.answer
    await world.press(COORD, sent[1], "inc:risk:high")  # not the current step
    assert "ya no es válido" in world.answer
    await world.press(COORD, sent[1], "inc:type:robbery")
    assert "ya no es válido" in world.answer
    assert await world.send(SSC_STAFF, GROUP, "ayer") == []  # no draft of theirs


@pytest.mark.parametrize("language", ["en"])
async def test_guided_record_in_english(world: World) -> None:
    world.seed()
    sent = await world.send(COORD, GROUP, "/incident")
    assert "1. What kind of incident?" in sent[1].text
    out = await world.press(COORD, sent[1], "inc:type:nonfatal")
    assert "➡️ <b>Non-fatal shooting</b>" in out[0].text
    assert "3. When did it happen?" in out[1].text
    await world.send(COORD, GROUP, "yesterday 10pm")
    await world.send(COORD, GROUP, "-")
    await world.send(COORD, GROUP, "-")
    risk = await world.send(COORD, GROUP, "-")
    await world.press(COORD, risk[0], "inc:risk:medium")
    text = await world.reply(COORD, GROUP, "-")
    assert "<b>PLA-2026-001</b> · Non-fatal shooting" in text and "Sun, Nov 29, 2026 22:00" in text
    await world.send(COORD, GROUP, "/incident")
    assert "Form cancelled" in await world.reply(COORD, GROUP, "/cancel")
