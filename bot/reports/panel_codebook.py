"""The codebook of the evaluators' panel: one row per column (type, values, definition).

Bilingual on purpose (``definition_es``, ``definition_en``, both from the message
catalogs): the coordinator exporting it reads Spanish, the research partners analysing it
may not, and one file has to serve both. The outcome definitions are not written here: the
columns that make up ``homicides`` and ``nonfatal`` are derived from ``domain.measures``
(the one place that defines them) and only the wording around them is in the catalogs.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd

from bot.reports import panel
from bot.views.i18n import Catalog, plain
from domain import measures
from domain.terms import ActionKind

LANGUAGES = ("es", "en")
INTEGER, TEXT, DATE = "integer", "text", "date"
# column → (type, values); the definition is the catalog's ``codebook.<column>``.
FIXED: dict[str, tuple[str, str]] = {
    "sector_id": (INTEGER, "≥ 1"),
    "sector": (TEXT, ""),
    "alcaldia": (TEXT, ""),
    "iso_year": (INTEGER, "YYYY"),
    "iso_week": (INTEGER, "1–53"),
    "week_start": (DATE, "YYYY-MM-DD"),
    "covered": (INTEGER, "0/1"),
    "homicides": (INTEGER, "≥ 0"),
    "nonfatal": (INTEGER, "≥ 0"),
    "killed": (INTEGER, "≥ 0"),
    "injured": (INTEGER, "≥ 0"),
    "group_involved": (INTEGER, "≥ 0"),
    "reviewed_7d": (INTEGER, "≥ 0"),
    "comparison": (INTEGER, "0/1"),
    "treated": (INTEGER, "0/1"),
    "treatment_start": (DATE, "YYYY-MM-DD"),
    "possible_duplicates": (INTEGER, "≥ 0"),
}


def _columns_of(classes: frozenset[measures.Classification]) -> str:
    """The panel columns of these classifications, in panel order: ``a + b + c``."""
    return " + ".join(panel.class_column(c) for c in measures.PANEL_CLASSES if c in classes)


def _definition(catalog: Catalog, column: str) -> str:
    """The catalog's definition of one panel column, as plain text."""
    zone = str(catalog.zone)
    if column in panel.CLASS_COLUMNS:
        classification = measures.PANEL_CLASSES[panel.CLASS_COLUMNS.index(column)]
        label = catalog.t(f"classification.{classification.value}")
        text = catalog.t("codebook.n_class", classification=label)
    elif column.startswith("items_"):
        what, kind = next(
            (w, column.removeprefix(f"items_{w}_"))
            for w in ("on_time", "created", "closed")
            if column.startswith(f"items_{w}_")
        )
        text = catalog.t(f"codebook.items_{what}", kind=catalog.t(f"kind.{ActionKind(kind)}"))
    else:
        text = catalog.t(
            f"codebook.{column}",
            homicide_columns=_columns_of(measures.HOMICIDE_CLASSES),
            nonfatal_columns=_columns_of(measures.NONFATAL_CLASSES),
            negligent_columns=_columns_of(measures.NEGLIGENT_CLASSES),
            zone=zone,
        )
    return plain(str(text))


def _kind(column: str) -> tuple[str, str]:
    if column in FIXED:
        return FIXED[column]
    return INTEGER, "≥ 0"  # the counts per classification and per action kind


def codebook(zone: ZoneInfo) -> pd.DataFrame:
    """One row per panel column, in the panel's order."""
    catalogs = [Catalog(language, zone) for language in LANGUAGES]
    rows = [
        {
            "column": column,
            "type": _kind(column)[0],
            "values": _kind(column)[1],
            **{f"definition_{c.language}": _definition(c, column) for c in catalogs},
        }
        for column in panel.COLUMNS
    ]
    return pd.DataFrame(rows)
