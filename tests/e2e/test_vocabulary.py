"""One vocabulary: every command that adds, lists or removes takes the same words for it,
in Spanish or English, with or without accents and capitals."""

from __future__ import annotations

import pytest

from bot.input.vocabulary import ADD, LIST, REMOVE
from tests.conftest import COORD, GROUP, SSC_STAFF, World


@pytest.mark.parametrize("word", sorted(ADD))
async def test_every_add_word_adds_an_agency_and_a_meeting(world: World, word: str) -> None:
    world.seed()
    typed = word.capitalize()
    text = await world.reply(COORD, COORD, f"/dependencia {typed} INJUVE Instituto de la Juventud")
    assert "Dependencia agregada: <b>INJUVE</b>" in text
    text = await world.reply(COORD, GROUP, f"/reunion {typed} revision lunes 10:00")
    assert "Reunión programada" in text


@pytest.mark.parametrize("word", sorted(LIST))
async def test_every_list_word_lists_agencies_and_meetings(world: World, word: str) -> None:
    world.seed()
    assert "<b>Dependencias</b>" in await world.reply(SSC_STAFF, SSC_STAFF, f"/dependencia {word}")
    assert "aún no tiene reuniones" in await world.reply(SSC_STAFF, GROUP, f"/reunion {word}")


@pytest.mark.parametrize("word", sorted(REMOVE))
async def test_every_remove_word_removes_a_meeting_and_a_member(world: World, word: str) -> None:
    actors = world.seed()
    await world.reply(COORD, GROUP, "/reunion alta revision lunes 10:00")
    assert "Reunión eliminada" in await world.reply(COORD, GROUP, f"/reunion {word} 1")
    number = actors["ssc"].member_id
    assert "fue dado de baja" in await world.reply(COORD, COORD, f"/miembro {word} {number}")


async def test_accented_and_english_words_are_one_word(world: World) -> None:
    world.seed()
    assert "Revisión de disparos" in await world.reply(
        COORD, GROUP, "/reunion ALTA Revisión Lunes 10:00"
    )
    assert "Reunión eliminada" in await world.reply(COORD, GROUP, "/reunion Delete #1")
