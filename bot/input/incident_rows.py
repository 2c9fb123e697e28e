"""One row of an incident file, checked: the FGJ open-data layout and the project's own.

A file is input like any message, so each cell meets the rules of the same field typed in a
chat: dates ``YYYY-MM-DD`` between ``FIRST_YEAR`` and ``LAST_YEAR``, times and counts in ASCII
digits within bounds (``parse_time``, ``parse_count``), and every stored text (sector, place,
ref) held to its column's size *before* the privacy guard reads it (refused if longer; an FGJ
place is cut), so the guard's cost stays bounded and what is stored is what was checked.
(Control characters are refused for the whole file by ``bot.input.file_text``.)

Speed: a 350,000-row file repeats a few thousand dates, times, sectors and cuadrantes, so
each distinct cell is checked once (``functools.lru_cache``). The ids, unique by nature,
are the guard's real work (50 µs each, 18 s for 350,000): ``guard_ids`` reads them all after
the rows, spread over the machine's cores when there are many.

**Classification.** An FGJ row keeps the prosecutor's classification: ``tipo``
(``homicidio_doloso``, ``feminicidio``, ``homicidio_culposo``, ``lesiones_dolosas``), else read
from the ``delito`` text, else from ``fatal``; a ``fatal`` that contradicts it is an error.
Its type is fatal for the three homicide classes. **Time.** A blank hour, and FGJ's
``00:00:00`` (the placeholder of many files, 57 rows of the real one), are stored as not known
(``time_known`` false): a blank hour at noon, as the bot stores a time nobody gave, so the
local day survives any conversion; ``00:00`` as given. An unknown time makes the duplicate
rule compare days instead of hours (``storage.duplicates``).
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.input.dates import FIRST_YEAR, LAST_YEAR, parse_iso_date, parse_time
from bot.input.incident_fields import MAX_PLACE, parse_code, parse_count
from bot.input.kv import has_foreign_digits
from bot.input.privacy import find_personal_data
from bot.input.sector_catalogue import SectorName, sector_name
from bot.input.vocabulary import INCIDENT_TYPE_WORDS, RISK_WORDS, TRUE_WORDS, fold
from domain.errors import InvalidInput
from domain.measures import FATAL_CLASSES, Classification
from storage.groups import sector_key
from storage.incident_import import NewIncident

MAX_SECTOR, MAX_REF = 80, 40  # the columns' sizes: ``Sector.name``/``key``, ``source_ref``
PLACE_HINT = "use a cuadrante or colonia"
FGJ_CLASSES = frozenset(
    {
        Classification.homicidio_doloso,
        Classification.feminicidio,
        Classification.homicidio_culposo,
        Classification.lesiones_dolosas,
    }
)
UNKNOWN_HOUR = "00:00"
REASONS = {  # what the chat's error keys mean, for an operator's terminal
    "error.time_unparsed": "not a time (22:10, 9:30 or 10pm, ASCII digits)",
    "error.count_victims": "not a number of people killed from 0 to 50 (ASCII digits)",
    "error.count_injured": "not a number of people injured from 0 to 50 (ASCII digits)",
    "error.code_group": "not a group code such as G-07 (codes, never names)",
    "error.code_conflict": "not a conflict code such as C-02 (codes, never names)",
}


class CellError(ValueError):
    """One cell is wrong: its column, what it holds (None: not repeated, e.g. personal data)
    and why."""

    def __init__(self, column: str, value: str | None, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


def shown(text: str) -> str:
    """A cell quoted in an error line, cut so one huge cell cannot flood the report."""
    return repr(text if len(text) <= 40 else text[:40] + "…")


def sized(text: str, column: str, limit: int) -> str:
    """A text that will be stored, spacing collapsed, within ``limit``: checked before the
    privacy guard reads it, so the guard never reads more than is stored."""
    text = " ".join(text.split())
    if len(text) > limit:
        raise CellError(column, text, f"longer than {limit} characters")
    return text


def checked(text: str, column: str, limit: int, *, hint: str = "codes, not people") -> str:
    """``sized``, and refused if it looks like personal data."""
    text = sized(text, column, limit)
    kind = find_personal_data(text)
    if kind is not None:
        raise CellError(column, None, f"looks like personal data ({kind}): {hint}")
    return text


@functools.lru_cache(maxsize=8192)
def sector_cell(text: str, column: str, alcaldia: str = "") -> SectorName:
    """A sector as stored (new ones are created from it): checked like any stored text,
    never empty, with a folded key that fits its column, and named as the catalogue does."""
    sector = checked(text, column, MAX_SECTOR)
    if not sector:
        raise CellError(column, "", "empty")
    if len(sector_key(sector)) > MAX_SECTOR:  # folding can lengthen it ("ß" → "ss")
        raise CellError(column, sector, f"longer than {MAX_SECTOR} characters")
    return sector_name(sector, alcaldia)


@functools.lru_cache(maxsize=8192)
def day_cell(text: str, column: str) -> date:
    parsed = parse_iso_date(text)
    if parsed is None:
        raise CellError(column, text, f"not a date YYYY-MM-DD in {FIRST_YEAR}–{LAST_YEAR}")
    return parsed


@functools.lru_cache(maxsize=8192)
def time_cell(text: str, column: str) -> time | None:
    if not text:
        return None
    try:
        return parse_time(text)
    except InvalidInput as exc:
        raise CellError(column, text, REASONS.get(exc.key, exc.key)) from None


@functools.lru_cache(maxsize=65536)
def moment(day: date, at: time | None, zone: ZoneInfo) -> datetime:
    """The local moment: noon for a time nobody gave (as the bot stores it)."""
    return datetime.combine(day, at if at is not None else time(12, 0), tzinfo=zone)


@functools.lru_cache(maxsize=8192)
def fgj_place(text: str) -> str:
    """Open data: a place cut to its column, dropped (not fatal) if it looks personal."""
    place = " ".join(text.split())[:MAX_PLACE]
    return "" if find_personal_data(place) else place


def _delito_class(text: str) -> Classification | None:
    folded = fold(text)
    if "feminicidio" in folded:
        return Classification.feminicidio
    if "homicidio" in folded:
        return (
            Classification.homicidio_culposo
            if "culposo" in folded
            else Classification.homicidio_doloso
        )
    if "lesiones" in folded:
        return Classification.lesiones_dolosas
    return None


@functools.lru_cache(maxsize=1024)
def fgj_class(tipo: str, delito: str, fatal: str) -> Classification:
    """The prosecutor's classification of a row (see the module)."""
    if tipo:
        if fold(tipo) not in FGJ_CLASSES:
            raise CellError("tipo", tipo, f"not one of {', '.join(sorted(FGJ_CLASSES))}")
        found = Classification(fold(tipo))
    elif delito:
        found = _delito_class(delito)  # type: ignore[assignment]
        if found is None:
            raise CellError("delito", delito, "not a firearm homicide, feminicide or injury")
    elif fatal:
        found = (
            Classification.homicidio_doloso
            if fold(fatal) in TRUE_WORDS
            else Classification.lesiones_dolosas
        )
    else:
        raise CellError("tipo", "", "empty, and so are delito and fatal")
    if fatal and (fold(fatal) in TRUE_WORDS) != (found in FATAL_CLASSES):
        raise CellError("fatal", fatal, f"contradicts the classification {found.value}")
    return found


def _hour(text: str) -> tuple[time | None, bool]:
    clock = ":".join(text.split(":")[:2])
    at = time_cell(clock, "hora_hecho")
    return at, at is not None and clock not in (UNKNOWN_HOUR, "0:00")


def fgj_row(cell: dict[str, str], *, zone: ZoneInfo, source: str) -> NewIncident | None:
    """An FGJ open-data row; None if it has no police sector (a point outside the map)."""
    if not cell["sector_ssc"]:
        return None
    sector = sector_cell(cell["sector_ssc"], "sector_ssc", cell.get("alcaldia_hecho", ""))
    day = day_cell(cell["fecha_hecho"], "fecha_hecho")
    at, known = _hour(cell["hora_hecho"])
    classification = fgj_class(cell.get("tipo", ""), cell.get("delito", ""), cell.get("fatal", ""))
    fatal = classification in FATAL_CLASSES
    ref = cell["incident_id"]
    if not ref:
        raise CellError("incident_id", "", "empty: the source's id is what makes a re-import safe")
    return NewIncident(
        ref=sized(ref, "incident_id", MAX_REF),  # the guard reads ids in bulk: guard_ids
        sector=sector.name,
        alcaldia=sector.alcaldia,
        type="homicide" if fatal else "nonfatal",
        occurred_at=moment(day, at, zone),
        time_known=known,
        victims=int(fatal),
        injured=int(not fatal),
        place=fgj_place(cell.get("cuadrante_ssc", "") or cell.get("colonia", "")),
        classification=classification.value,
        source=source,
    )


@functools.lru_cache(maxsize=1024)
def _word(words: str, text: str, column: str) -> str | None:
    table = INCIDENT_TYPE_WORDS if words == "type" else RISK_WORDS
    if not text and words == "risk":
        return None
    found = table.get(fold(text))
    if found is None:
        raise CellError(column, text, f"unknown {words}")
    return found.value


def _count(cell: dict[str, str], column: str, default: int) -> int:
    """A victim count: ASCII digits, 0 to ``MAX_VICTIMS`` (as ``/incidente`` takes it)."""
    text = cell.get(column, "")
    if not text:
        return default
    try:
        return parse_count(text, column)
    except InvalidInput as exc:
        raise CellError(column, text, REASONS.get(exc.key, exc.key)) from None


def _code(text: str, column: str) -> str | None:
    """A group or conflict code, ASCII digits only (``G-٠٧`` is no code)."""
    if not text:
        return None
    try:
        if has_foreign_digits(text):
            raise InvalidInput(f"error.code_{column}", value=text)
        return parse_code(text, column)
    except InvalidInput as exc:
        raise CellError(column, text, REASONS.get(exc.key, exc.key)) from None


def _own_class(text: str, kind: str) -> str:
    if not text:
        return kind
    if fold(text) not in FGJ_CLASSES:
        raise CellError("classification", text, f"not one of {', '.join(sorted(FGJ_CLASSES))}")
    if (fold(text) in FATAL_CLASSES) != (kind == "homicide"):
        raise CellError("classification", text, f"contradicts the type {kind}")
    return fold(text)


def row_ref(cells: list[str]) -> str:
    """The id of a row that has no ``ref``: a digest of its cells, so importing the file
    again skips it as it skips a row with an id."""
    digest = hashlib.sha1("\x1f".join(" ".join(c.split()) for c in cells).encode()).hexdigest()
    return "row-" + digest[:20]


def own_row(cell: dict[str, str], *, zone: ZoneInfo, source: str) -> NewIncident:
    """A row of the project's layout (``docs``: date, time, sector, type, …)."""
    kind = _word("type", cell["type"], "type")
    assert kind is not None
    day = day_cell(cell["date"], "date")
    at = time_cell(cell.get("time", ""), "time")
    homicide = kind == "homicide"
    ref = cell.get("ref", "")
    sector = sector_cell(cell["sector"], "sector")
    return NewIncident(
        ref=sized(ref, "ref", MAX_REF) if ref else None,  # guarded in bulk: guard_ids
        sector=sector.name,
        alcaldia=sector.alcaldia,
        type=kind,
        occurred_at=moment(day, at, zone),
        time_known=at is not None,
        victims=_count(cell, "victims", 1 if homicide else 0),
        injured=_count(cell, "injured", 0 if homicide else 1),
        place=checked(cell.get("place", ""), "place", MAX_PLACE, hint=PLACE_HINT),
        group_code=_code(cell.get("group", ""), "group"),
        conflict_code=_code(cell.get("conflict", ""), "conflict"),
        risk=_word("risk", cell.get("risk", ""), "risk"),
        classification=_own_class(cell.get("classification", ""), kind),
        source=source,
    )


GUARD_CHUNK = 5000
PARALLEL_IDS = 50_000  # below this, starting worker processes costs more than it saves


def guard_ids(ids: list[str]) -> list[str | None]:
    """``find_personal_data`` of every id, in order: in worker processes (spawned, so no
    open database connection is copied into them) for a big file, else here."""
    if len(ids) < PARALLEL_IDS or (os.cpu_count() or 1) < 2:
        return [find_personal_data(i) for i in ids]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=context) as pool:
        return list(pool.map(find_personal_data, ids, chunksize=GUARD_CHUNK))
