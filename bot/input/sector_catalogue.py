"""Mexico City's police sectors with their proper names and alcaldías.

The FGJ file writes sectors and alcaldías in capitals without accents (``SAN ANGEL``,
``ALVARO OBREGON``); a report put before a minister says "San Ángel, Álvaro Obregón". The
catalogue (``data/sectors-cdmx.csv``: folded key, name, alcaldía) covers the 72 sectors of the
shipped file: its alcaldía is the one most of the sector's shootings fall in, and each name
was written out by hand (``NAPOLES`` → Nápoles, ``CLAVERIA`` → Clavería, ``ANGEL`` → Ángel;
``DINAMO`` and ``ZAPOTITLA`` carry no accent in SSC's own usage). Names are matched folded
(``storage.groups.sector_key``: accents, case, spacing aside), so ``Coyoacan``, ``COYOACÁN``
and ``coyoacán`` are one sector, and so, punctuation aside, are ``Narvarte Alamos`` and
``Narvarte-Álamos``. A sector not in the catalogue keeps its name as written (title case for
an all-capitals FGJ cell), and its alcaldía is read from the row; the import names each such
new sector, with the catalogue's closest names, so a typo does not split a series quietly.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import re
from dataclasses import dataclass
from importlib import resources

from storage.groups import sector_key

ALCALDIAS = (
    "Álvaro Obregón", "Azcapotzalco", "Benito Juárez", "Coyoacán", "Cuajimalpa de Morelos",
    "Cuauhtémoc", "Gustavo A. Madero", "Iztacalco", "Iztapalapa", "La Magdalena Contreras",
    "Miguel Hidalgo", "Milpa Alta", "Tláhuac", "Tlalpan", "Venustiano Carranza", "Xochimilco",
)  # fmt: skip
_ALCALDIA_KEYS = {sector_key(a): a for a in ALCALDIAS} | {
    "magdalena contreras": "La Magdalena Contreras",
    "cuajimalpa": "Cuajimalpa de Morelos",
    "gam": "Gustavo A. Madero",
}


@dataclass(frozen=True, slots=True)
class SectorName:
    name: str  # as shown: "San Ángel"
    alcaldia: str | None  # "Álvaro Obregón"; None if unknown
    known: bool = True  # in the catalogue; False: a new sector, created as written


@functools.cache
def _catalogue() -> dict[str, SectorName]:
    text = resources.files("bot.input").joinpath("data/sectors-cdmx.csv").read_text("utf-8")
    return {
        row["key"]: SectorName(row["sector"], row["alcaldia"])
        for row in csv.DictReader(io.StringIO(text))
    }


def _loose(key: str) -> str:
    """A folded key without punctuation: "narvarte alamos" is "narvarte-alamos"."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", key).split())


@functools.cache
def _loose_catalogue() -> dict[str, SectorName]:
    return {_loose(key): name for key, name in _catalogue().items()}


def closest(text: str) -> list[str]:
    """Catalogue names close to an unknown one, for the operator's note."""
    loose = _loose_catalogue()
    found = difflib.get_close_matches(_loose(sector_key(text)), list(loose), n=3, cutoff=0.75)
    return [loose[k].name for k in found]


def catalogue_keys() -> frozenset[str]:
    return frozenset(_catalogue())


def alcaldia_name(text: str) -> str | None:
    """An alcaldía as written properly (``ALVARO OBREGON`` → Álvaro Obregón), or None."""
    return _ALCALDIA_KEYS.get(sector_key(text)) if text.strip() else None


@functools.lru_cache(maxsize=4096)
def sector_name(text: str, alcaldia: str = "") -> SectorName:
    """The sector ``text`` names, with its proper name and alcaldía: the catalogue's if it
    knows the sector, else the text (title case if it was all capitals) and ``alcaldia``."""
    key = sector_key(text)
    known = _catalogue().get(key) or _loose_catalogue().get(_loose(key))
    if known is not None:
        return known
    name = " ".join(text.split())
    if name.isupper():
        name = name.title()
    return SectorName(name, alcaldia_name(alcaldia), known=False)
