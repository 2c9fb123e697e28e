"""``/evaluacion`` through the fake Bot API: coordinators and observers get the table and the
event-study chart, in private and in a group; agency staff are refused; bad questions get
one clear line."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from handlers.evaluation import parse
from tests.conftest import COORD, GROUP, OBSERVER, SSC_STAFF, World
from tests.reports.test_evaluation import _at, seed


def _history(world: World) -> None:
    """Plateros 4 → 2 homicides, Alpes 2 → 2, Santa Fe 1 → 3; 2019 and 2023 covered."""
    rows = [
        *[("Plateros", "homicidio_doloso", _at(2019, m, 10)) for m in (2, 4, 6, 8)],
        *[("Plateros", "homicidio_doloso", _at(2023, m, 10)) for m in (3, 9)],
        *[("Alpes", "homicidio_doloso", _at(y, 5, d)) for y in (2019, 2023) for d in (3, 20)],
        ("Santa Fe", "homicidio_doloso", _at(2019, 7, 7)),
        *[("Santa Fe", "homicidio_doloso", _at(2023, m, 7)) for m in (1, 6, 11)],
        ("Santa Fe", "lesiones_dolosas", _at(2019, 9, 9)),
    ]
    seed(world.database, rows, years=(2019, 2023))


def _photo(sent: object) -> tuple[int, int]:
    with Image.open(io.BytesIO(sent.uploads[0].content)) as image:  # type: ignore[attr-defined]
        image.load()
        return image.size


async def test_coordinator_in_private_and_observer_in_the_group(world: World) -> None:
    world.seed()
    _history(world)
    sent = await world.send(COORD, COORD, "/evaluacion Plateros vs Alpes, Santa Fe 2019 2023")
    assert [s.method for s in sent][:2] == ["sendPhoto", "sendMessage"]
    assert _photo(sent[0]) == (1600, 1000) and "Estudio de eventos" in sent[0].text
    text = "\n".join(s.text for s in sent[1:])
    assert "Plateros (piloto)" in text and "−50%" in text and "Comparación (2)" in text
    assert "no es una estimación causal" in text and "subregistradas" in text
    # In the group, without a sector: the group's (Plateros); years default to 2019/2023.
    sent = await world.send(OBSERVER, GROUP, "/evaluacion vs alpes,SANTA FE")
    assert sent[0].method == "sendPhoto" and sent[0].chat_id == GROUP
    assert "Plateros (piloto)" in "\n".join(s.text for s in sent[1:])


async def test_agency_staff_are_refused(world: World) -> None:
    world.seed()
    _history(world)
    for chat in (SSC_STAFF, GROUP):
        sent = await world.send(SSC_STAFF, chat, "/evaluacion Plateros vs Alpes")
        assert [s.method for s in sent] == ["sendMessage"]
        assert "Tu rol no permite" in sent[0].text


async def test_questions_that_cannot_be_answered(world: World) -> None:
    world.seed()  # the group's sector exists, no incident history yet
    assert "entre los 1 sectores" in await world.reply(
        COORD, COORD, "/evaluacion Plateros vs Alpes"
    )
    _history(world)
    assert "¿Quisiste decir: Plateros?" in await world.reply(
        COORD, COORD, "/evaluacion Plateroz vs Alpes"
    )
    assert "No hay datos completos de Plateros en 2021" in await world.reply(
        COORD, COORD, "/evaluacion Plateros vs Alpes 2019 2021"
    )
    assert "Uso: <code>/evaluacion" in await world.reply(COORD, COORD, "/evaluacion Plateros vs")
    assert "Uso: <code>/evaluacion" in await world.reply(COORD, COORD, "/evaluacion 2019")
    assert "Uso: <code>/evaluacion" in await world.reply(COORD, COORD, "/evaluacion")


@pytest.mark.parametrize("language", ["en"])
async def test_in_english(world: World) -> None:
    world.seed()
    _history(world)
    sent = await world.send(COORD, COORD, "/evaluation Plateros vs Alpes, Santa Fe")
    text = "\n".join(s.text for s in sent[1:])
    assert "Impact evaluation: Plateros" in text and "not a causal estimate" in text


def test_argument_grammar() -> None:
    assert parse(["San", "Ángel,", "Plateros", "contra", "Alpes", "2020", "2024"]) == (
        ("San Ángel", "Plateros"),
        ("Alpes",),
        (2020, 2024),
    )
    assert parse([]) == ((), None, (2019, 2023))
    assert parse(["Santa", "Fe"]) == (("Santa Fe",), None, (2019, 2023))
