"""The key=value parser of /incidente: quotes, accents, ñ, emoji and mistakes."""

from __future__ import annotations

import pytest

from bot.input.kv import parse_pairs, split_words
from bot.input.vocabulary import INCIDENT_FIELDS, fold
from domain.errors import InvalidInput


def pairs(text: str) -> tuple[dict[str, str], list[str]]:
    return parse_pairs(split_words(text), INCIDENT_FIELDS)


def test_quoted_values_keep_spaces_accents_and_emoji() -> None:
    fields, rest = pairs(
        'tipo=homicidio lugar="Cuadrante 4, Olivar del Conde" notas="niño herido 🚑 señal" '
        "víctimas=1 Hora=22:10"
    )
    assert rest == []
    assert fields == {
        "type": "homicidio",
        "place": "Cuadrante 4, Olivar del Conde",
        "notes": "niño herido 🚑 señal",
        "victims": "1",
        "time": "22:10",
    }


@pytest.mark.parametrize(
    "text",
    [
        "lugar=“Cuadrante 4”",  # iOS smart quotes
        "lugar=«Cuadrante 4»",
        "lugar='Cuadrante 4'",
        '"lugar=Cuadrante 4"',
    ],
)
def test_quote_styles(text: str) -> None:
    assert pairs(text)[0] == {"place": "Cuadrante 4"}


def test_english_and_spanish_keys_map_to_one_field() -> None:
    assert pairs("type=homicide")[0] == pairs("TIPO=homicide")[0] == {"type": "homicide"}
    assert pairs("injured=2")[0] == pairs("lesionados=2")[0] == pairs("heridos=2")[0]


def test_words_without_equals_are_returned() -> None:
    assert pairs("tipo=les algo más") == ({"type": "les"}, ["algo", "más"])


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('lugar="Cuadrante 4', "error.kv_quotes"),
        ("color=rojo", "error.kv_unknown"),
        ("tipo=homicidio type=lesiones", "error.kv_repeated"),
        ("tipo=", "error.kv_empty"),
        ('notas=""', "error.kv_empty"),
    ],
)
def test_mistakes(text: str, key: str) -> None:
    with pytest.raises(InvalidInput) as info:
        pairs(text)
    assert info.value.key == key


def test_fold() -> None:
    assert fold("  Víctimas ") == "victimas"
    assert fold("NIÑO") == "nino"
    assert fold("Coordinación") == "coordinacion"
