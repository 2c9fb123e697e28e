"""The privacy guard for Mexico: what it must refuse, what it must let through, and its
measured rates on four corpora of realistic Spanish work texts.

``privacy_corpus`` was written first and the detectors were built on it. Each of the next
two was written by someone who had not seen the detectors, measured once, and then tuned
on: ``privacy_blind_corpus`` (82.7% caught and 1.1% refused at first) and
``privacy_holdout_corpus`` (89.4% and 1.6%). These three must now be classified right, but
for the misses listed below. ``privacy_evaluation_corpus`` was written blind after all the
tuning and is never tuned on: it is the honest measure, the README's figures, and the
floors below keep the guard from getting worse.
"""

from __future__ import annotations

import pytest

from bot.input.personal_data import DETECTORS
from bot.input.privacy import checked_text, find_personal_data, normalise, safe_title
from bot.views.i18n import load_messages
from domain.errors import InvalidInput
from tests.input import (
    privacy_blind_corpus,
    privacy_corpus,
    privacy_evaluation_corpus,
    privacy_holdout_corpus,
)

KNOWN_MISSES = {
    # Nicknames no word introduces: telling them from ordinary words would take a model of
    # Spanish names, not patterns.
    "Dicen que el Wero Chiquito ya se entregó en la fiscalía",
    "A) EL CHAMUCO, 19 AÑOS, YA TIENE CITA CON TRABAJO SOCIAL",
    # Eleven digits in odd groups: not a valid number, and no phone word right before it.
    "me paso su numero el joven 55 1\u2060987 3\u20605402 para lo de la beca",
    # A house number spelled out after a street with no street type.
    "su casa es en Jose Maria Morelos numero cuarenta y dos, Santa Cruz Meyehualco",
}
# Measured on privacy_evaluation_corpus (README, "Privacy guard"); raise them when the guard
# improves, never lower them to let a change through.
EVALUATION_CATCH_FLOOR = 0.865  # 141 of 163
EVALUATION_FALSE_POSITIVE_CEILING = 0.011  # 2 of 186
TUNING = (privacy_corpus, privacy_blind_corpus, privacy_holdout_corpus)


@pytest.mark.parametrize("corpus", TUNING, ids=lambda c: c.__name__.rsplit(".", 1)[1])
def test_the_tuning_corpora_are_large_and_classified_right(corpus) -> None:
    assert len(corpus.POSITIVES) >= 150 and len(corpus.NEGATIVES) >= 150
    assert {kind for kind, _ in corpus.POSITIVES} == {kind for kind, _ in DETECTORS}
    wrong = [(kind, t, find_personal_data(t)) for kind, t in corpus.POSITIVES]
    assert [w for w in wrong if w[0] != w[2] and w[1] not in KNOWN_MISSES] == []
    assert [(t, find_personal_data(t)) for t in corpus.NEGATIVES if find_personal_data(t)] == []


def test_the_known_misses_are_still_missed() -> None:
    """When the guard learns one of them, move it out of KNOWN_MISSES."""
    assert [t for t in KNOWN_MISSES if find_personal_data(t)] == []


def test_the_evaluation_rates_hold() -> None:
    corpus = privacy_evaluation_corpus
    positives, negatives = corpus.POSITIVES, corpus.NEGATIVES
    assert len(positives) >= 150 and len(negatives) >= 150
    caught = [t for _, t in positives if find_personal_data(t)]
    refused = [t for t in negatives if find_personal_data(t)]
    assert len(caught) / len(positives) >= EVALUATION_CATCH_FLOOR
    assert len(refused) / len(negatives) <= EVALUATION_FALSE_POSITIVE_CEILING, refused


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # The strings the issue found stored.
        ("Llamar al 55 12 34 56 78", "phone"),
        ("contacto 55-12-34-56-78", "phone"),
        ("tel. 5634 1234", "phone"),
        ("cel. +52 1 55 1234 5678", "phone"),
        ("marcar al 044 55 2345 6789", "phone"),
        ("CURP GOMC 800101 HDFRRR 09", "curp"),
        ("curp gomc-800101-hdfrrr-09", "curp"),
        ("RFC GOMC-800101-AB3", "curp"),
        ("juan at gmail dot com", "email"),
        ("juan(arroba)gmail.com", "email"),
        ("juan [at] hotmail [dot] com", "email"),
        ("Cda. de los Pinos 12", "address"),
        ("Mz 3 Lt 14", "address"),
        ("Paseo de la Reforma 222", "address"),
        ("Insurgentes Sur 1234", "address"),
        ("Periférico Sur 4020", "address"),
        ("domicilio: Tecolotes 45", "address"),
        ("vive en Calle Lago Zurich 245", "address"),
        ("# 12 col. Olivar", "address"),
        ("alias El Chino", "nickname"),
        ("apodo El Gato", "nickname"),
        ('el "Pelón" volvió al parque', "nickname"),
        ("(a) La Güera", "nickname"),
        ("CI-FIZP/IZP-3/UI-1 C/D/01234/11-2024", "file_number"),
        # A document word before a phone word does not hide the phone (a reviewer's cases).
        ("Queja vecinal, cel 5512345678", "phone"),
        ("Solicitud de apoyo, tel 55 1234 5678", "phone"),
        ("Acuerdo: llamar a la mamá al 5512345678", "phone"),
        ("Juan (a) Pelón", "nickname"),
        ("carpeta 01234/2024", "file_number"),
    ],
)
def test_refuses(text: str, kind: str) -> None:
    assert find_personal_data(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "folio 2024-000123456",
        "oficio SSC/DGAJ/1234/2024",
        "Patrullaje en cuadrante 4, colonia Olivar del Conde",
        "Canalizar a 2 jóvenes del grupo G-07",
        "Priorizar carpeta del incidente PLA-2026-031",
        "Reunión el 3 de diciembre a las 10:00, de 20:00 a 06:00 hrs",
        "Entregar 1500 volantes",
        "Conflicto C-02 riesgo alto",
        "operativo sobre Calzada de Tlalpan a la altura del metro",
        "Eje 3 Oriente y Ermita 4 patrullas",
        "Reforma 2024 al reglamento",
        "la Dirección General de Asuntos Jurídicos envió 2 oficios",
        "visitas domiciliarias a 15 familias; domicilio conocido",
        "mercado 'La Merced' y célula 'Los Rodolfos'",
        "semana 2024-W45, 85% de avance, $15,000 de apoyo",
        # Refused by an earlier guard, found by a reviewer.
        "Calle 10 tiene 2 luminarias fundidas",
        "Av. Toluca 3 cámaras sin servicio",
        "Calzada Las Águilas 2 retenes instalados",
        "En la calle Río Mixcoac 2 reportes al 911",
        "A la familia le dicen que espere la llamada",
        "A la UMAN la llaman para cada caso",
        "identificado como el mismo del ataque anterior",
        "se citó al hijo (a) de la víctima; trabajador (a) social asignado",
        "Acta circunstanciada número 1234567",
        "Tarjeta informativa número 0012345",
        "Patrulla número 1234567 en recorrido",
    ],
)
def test_lets_work_text_through(text: str) -> None:
    assert find_personal_data(text) is None


@pytest.mark.parametrize(
    "hidden",
    [
        "55\u200b12\u200b34\u200b56\u200b78",  # zero-width spaces
        "5512\u00ad345678",  # a soft hyphen
        "55\u20601234\u20605678",  # word joiners
        "\ufeff5512345678",  # a byte-order mark
        "５５１２３４５６７８",  # full-width digits
        "55\u00a01234\u00a05678",  # no-break spaces
        "55\u20131234\u20135678",  # en dashes
    ],
)
def test_what_cannot_be_seen_does_not_hide_a_phone(hidden: str) -> None:
    assert find_personal_data(f"llamar a la madre {hidden}") == "phone"


def test_normalise_folds_what_looks_the_same() -> None:
    assert normalise("  ÁLVARO\u200b  Obregón\n“El Güero” ") == 'alvaro obregon "el guero"'
    assert find_personal_data("GÓMC800101HDFRRR\u200b09") == "curp"


def test_every_kind_has_a_refusal_in_both_languages() -> None:
    for language in ("es", "en"):
        messages = load_messages(language)
        assert {f"privacy.{kind}" for kind, _ in DETECTORS} <= set(messages)
    with pytest.raises(InvalidInput) as refused:
        checked_text("ubicar a alias El Chino")
    assert refused.value.key == "privacy.nickname"


def test_a_group_title_is_kept_or_dropped_never_refused() -> None:
    assert safe_title("Alto al Fuego · Plateros") == "Alto al Fuego · Plateros"
    assert safe_title("Vecinos 55 1234 5678") == ""
