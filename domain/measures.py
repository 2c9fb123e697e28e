"""What the bot counts as violence: the outcome definitions, written once.

Every incident carries a *classification*: the prosecutor's (FGJ) for imported records, the
type the coordinator chose for incidents recorded in the bot. The outcome measures are:

- **homicides**: intentional firearm homicides, ``homicidio_doloso`` + ``feminicidio`` (and a
  homicide recorded in the bot, which is how coordinators record one);
- **non-fatal shootings** (``nonfatal``): ``lesiones_dolosas`` and non-fatal shootings
  recorded in the bot;
- **negligent homicides** (``homicidio_culposo``, e.g. an accidental discharge) are kept,
  exported and shown, but never counted as violence: not in ``homicides``, not in any trend.

An incident flagged as a possible duplicate of another (``duplicate_of``), and not yet judged
distinct by a coordinator, is not counted: the record it repeats is.

Every report, chart, KPI and the evaluators' panel asks this module, so a homicide means the
same thing in ``/kpi``, ``/reporte``, ``ceasefire report``, the panel and the evaluation.
"""

from __future__ import annotations

import enum


class Classification(enum.StrEnum):
    homicidio_doloso = "homicidio_doloso"
    feminicidio = "feminicidio"
    homicidio_culposo = "homicidio_culposo"
    lesiones_dolosas = "lesiones_dolosas"
    homicide = "homicide"  # recorded in the bot: homicidio doloso con arma de fuego
    nonfatal = "nonfatal"  # recorded in the bot: lesiones por disparo


HOMICIDE_CLASSES = frozenset(
    {Classification.homicidio_doloso, Classification.feminicidio, Classification.homicide}
)
NONFATAL_CLASSES = frozenset({Classification.lesiones_dolosas, Classification.nonfatal})
NEGLIGENT_CLASSES = frozenset({Classification.homicidio_culposo})
FATAL_CLASSES = HOMICIDE_CLASSES | NEGLIGENT_CLASSES
# The classifications the panel counts one column each, in this order.
PANEL_CLASSES = (
    Classification.homicidio_doloso,
    Classification.feminicidio,
    Classification.homicidio_culposo,
    Classification.lesiones_dolosas,
    Classification.homicide,
    Classification.nonfatal,
)

BOT_SOURCE = "bot"  # incidents recorded in the chat
FGJ_SOURCE = "fgj"  # the prosecutor's open data


class Duplicate(enum.StrEnum):
    """A coordinator's judgement of a flagged pair."""

    possible = "possible"  # flagged, not judged yet: not counted
    merged = "merged"  # the same event: not counted
    distinct = "distinct"  # two events: both counted


def measure(classification: str) -> str | None:
    """``"homicides"``, ``"nonfatal"`` or None (not counted as violence)."""
    if classification in HOMICIDE_CLASSES:
        return "homicides"
    if classification in NONFATAL_CLASSES:
        return "nonfatal"
    return None


def counted(classification: str, duplicate: str | None) -> bool:
    """Whether an incident counts in the outcome measures."""
    return measure(classification) is not None and duplicate in (None, Duplicate.distinct)
