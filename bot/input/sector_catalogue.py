"""Mexico City's police sectors with their proper names and alcaldías.

The FGJ file writes sectors and alcaldías in capitals without accents (``SAN ANGEL``,
``ALVARO OBREGON``); a report put before a minister says "San Ángel, Álvaro Obregón". The
catalogue (``data/sectors-cdmx.csv``: folded key, name, alcaldía) covers the 72 sectors of the
shipped file: its alcaldía is the one most of the sector's shootings fall in, and each name
was written out by hand (``NAPOLES`` → Nápoles, ``CLAVERIA`` → Clavería, ``ANGEL`` → Ángel;
``DINAMO`` and ``ZAPOTITLA`` carry no accent in SSC's own usage). Names are matched folded
(``storage.groups.sector_key``: accents, case, spacing aside), so ``Coyoacan``, ``COYOACÁN``
and ``coyoacán`` are one sector. A sector not in the catalogue keeps its name as written
(title case for an all-capitals FGJ cell), and its alcaldía is read from the row.
"""

from __future__ import annotations

import csv
import functools
import io
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


@functools.cache
def _catalogue() -> dict[str, SectorName]:
    text = resources.files("bot.input").joinpath("data/sectors-cdmx.csv").read_text("utf-8")
    return {
        row["key"]: SectorName(row["sector"], row["alcaldia"])
        for row in csv.DictReader(io.StringIO(text))
    }


def catalogue_keys() -> frozenset[str]:
    return frozenset(_catalogue())


def alcaldia_name(text: str) -> str | None:
    """An alcaldía as written properly (``ALVARO OBREGON`` → Álvaro Obregón), or None."""
    return _ALCALDIA_KEYS.get(sector_key(text)) if text.strip() else None


@functools.lru_cache(maxsize=4096)
def sector_name(text: str, alcaldia: str = "") -> SectorName:
    """The sector ``text`` names, with its proper name and alcaldía: the catalogue's if it
    knows the sector, else the text (title case if it was all capitals) and ``alcaldia``."""
    known = _catalogue().get(sector_key(text))
    if known is not None:
        return known
    name = " ".join(text.split())
    if name.isupper():
        name = name.title()
    return SectorName(name, alcaldia_name(alcaldia))
