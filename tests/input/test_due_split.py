"""The due-date splitter of ``/accion AGENCY [DUE] text…`` at its rough edges: a phone's
curly quotes, a comma after the date, and a quoted phrase that is the text, not a date."""

from __future__ import annotations

import pytest

from bot.input.dates import leading_date, split_due
from bot.input.kv import split_words
from domain.errors import InvalidInput
from storage.actions import list_open_items
from tests.conftest import COORD, GROUP, World
from tests.input.due_dates import due_of


@pytest.mark.parametrize(
    "words",
    [
        '"en 3 días" revisar',
        "“en 3 días” revisar",  # iOS
        "«en 3 días» revisar",
        "„en 3 días“ revisar",
        "‘en 3 días’ revisar",
        "'en 3 días' revisar",
        "“en 3 días”, revisar",
        "« en 3 días » revisar",
    ],
)
def test_quoted_due_dates_in_any_quotes(words: str) -> None:
    assert split_due(words.split()) == ("en 3 días", ["revisar"])


@pytest.mark.parametrize("words", ["«mañana» revisar", "“mañana” revisar", '"mañana": revisar'])
def test_a_quoted_single_word(words: str) -> None:
    assert split_due(words.split()) == ("mañana", ["revisar"])


@pytest.mark.parametrize(
    ("words", "due", "rest"),
    [
        ("viernes, revisar el oficio", "viernes", "revisar el oficio"),
        ("el viernes: revisar", "el viernes", "revisar"),
        ("mañana; 2 patrullas", "mañana", "2 patrullas"),
        ("en 3 días, revisar", "en 3 días", "revisar"),
        ("04/12, revisar", "04/12", "revisar"),
        ("el 4 de diciembre, 5 visitas", "el 4 de diciembre", "5 visitas"),
        ("4 de diciembre de 2026, reunión", "4 de diciembre de 2026", "reunión"),
        ("mañana 2 patrullas, zona", "mañana", "2 patrullas, zona"),  # the text keeps its own
    ],
)
def test_one_comma_colon_or_semicolon_may_end_the_date(words: str, due: str, rest: str) -> None:
    assert split_due(words.split()) == (due, rest.split())


@pytest.mark.parametrize("words", ["viernes,, revisar", "el, viernes revisar", "en 3, días x"])
def test_only_one_mark_and_only_at_the_end_of_the_date(words: str) -> None:
    assert leading_date(words.split()) == 0


@pytest.mark.parametrize(
    ("words", "due", "text"),
    [
        ("viernes, revisar el oficio", "2026-12-04 18:00", "revisar el oficio"),
        ("“en 3 días” revisar", "2026-12-02 18:00", "revisar"),
        ("«mañana» revisar", "2026-11-30 18:00", "revisar"),
    ],
)
def test_due_and_text_reads_them(words: str, due: str, text: str) -> None:
    assert due_of(words) == (due, text)


@pytest.mark.parametrize(
    "words",
    [
        '"Sendero Seguro" revisar la ruta',
        "“Sendero Seguro” revisar la ruta",
        "«Sendero Seguro», revisar la ruta",
        '"Sendero" revisar',
        '"2 patrullas" al hospital',
    ],
)
def test_with_a_kind_a_quoted_phrase_that_is_no_date_is_the_text(words: str) -> None:
    # The text is kept as typed, quotes included: it is what the user wrote, and the privacy
    # guard reads a quoted name ("El …") as one.
    assert due_of(words, kind_hours=24) == ("2026-11-30 23:30", words)


def test_with_a_kind_a_quoted_date_is_still_the_due_date() -> None:
    assert due_of("“en 3 días” revisar", kind_hours=24) == ("2026-12-02 18:00", "revisar")
    with pytest.raises(InvalidInput) as info:
        due_of('"ayer" revisar', kind_hours=24)  # a date, just a wrong one: said so
    assert info.value.key == "error.date_past"


def test_without_a_kind_a_quoted_phrase_must_be_a_date() -> None:
    with pytest.raises(InvalidInput) as info:
        due_of('"Sendero Seguro" revisar')
    assert (info.value.key, info.value.params) == (
        "error.date_unparsed",
        {"text": "Sendero Seguro"},
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("lugar=«Cuadrante 4» notas=“a b”", ["lugar=Cuadrante 4", "notas=a b"]),
        ("lugar=„Cuadrante 4‟", ["lugar=Cuadrante 4"]),
        ("lugar=‘Cuadrante 4’", ["lugar=Cuadrante 4"]),
        ("lugar=O’Higgins", ["lugar=O'Higgins"]),  # an apostrophe in a word is no quote
        ("notas='l’agence d’O’Higgins'", ["notas=l'agence d'O'Higgins"]),
        ('lugar="O\'Higgins 4"', ["lugar=O'Higgins 4"]),
    ],
)
def test_the_key_value_tokenizer_reads_a_phones_quotes(text: str, words: list[str]) -> None:
    assert split_words(text) == words


def test_an_unbalanced_quote_is_still_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        split_words("lugar=“Cuadrante 4")
    assert info.value.key == "error.kv_quotes"


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/accion SSC viernes, revisar el oficio", "revisar el oficio"),
        ("/accion SSC “en 3 días” revisar el oficio", "revisar el oficio"),
        ("/accion SSC «mañana» revisar el oficio", "revisar el oficio"),
        ('/accion SSC tipo=hospital "Sendero Seguro" revisar', '"Sendero Seguro" revisar'),
    ],
)
async def test_end_to_end(world: World, command: str, text: str) -> None:
    world.seed()
    await world.send(COORD, GROUP, command)
    assert [item.text for item in world.database.call(list_open_items, world.clock())] == [text]
