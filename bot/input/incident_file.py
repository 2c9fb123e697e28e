"""Reading an incident file (``ceasefire import incidents FILE.csv``): past incidents, so a
group starts with its trend.

Two layouts are read as they are:

- **FGJ open data** (``shared/data/cdmx-shootings``): ``incident_id, fecha_hecho,
  hora_hecho, tipo, fatal, colonia, sector_ssc, cuadrante_ssc, …``. One row is one
  investigation file: a fatal one counts one person killed, otherwise one injured. The place
  kept is the cuadrante (else the colonia); coordinates are not stored. Rows with no police
  sector (points outside the SSC map) are skipped and listed, not errors.
- **The bot's own layout**: ``date, time, sector, type, victims, injured, place, group,
  conflict, risk, ref`` (``time`` to ``ref`` optional; Spanish or English type and risk words).

Every row is checked first; if any row is wrong nothing is stored and the report lists each
error with its line number. Rows whose ``ref``/``incident_id`` was imported before are skipped,
so importing a file twice adds nothing; one repeated within the file is an error.

A file is input like any message, so each cell meets the rules of the same field typed in a
chat: dates ``YYYY-MM-DD`` between ``FIRST_YEAR`` and ``LAST_YEAR``, times and counts in ASCII
digits within bounds (``parse_time``, ``parse_count``), no control characters, and every
stored text (sector, place, ref) held to its column's size *before* the privacy guard reads
it (refused if longer; an FGJ place is cut), so the guard's cost stays bounded and what is
stored is what was checked. A row that breaks a rule is listed; none reaches the database
to fail there.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from bot.input.dates import FIRST_YEAR, LAST_YEAR, parse_iso_date, parse_time
from bot.input.incident_fields import MAX_PLACE, parse_code, parse_count
from bot.input.kv import has_foreign_digits, reject_control_characters
from bot.input.privacy import find_personal_data
from bot.input.vocabulary import INCIDENT_TYPE_WORDS, RISK_WORDS, TRUE_WORDS, fold
from domain.errors import DomainError, InvalidInput
from storage.groups import sector_key
from storage.incident_import import NewIncident

FGJ_COLUMNS = {"incident_id", "fecha_hecho", "hora_hecho", "fatal", "sector_ssc"}
OWN_REQUIRED = {"date", "sector", "type"}
OWN_OPTIONAL = {"time", "victims", "injured", "place", "group", "conflict", "risk", "ref"}
MAX_SECTOR, MAX_REF = 80, 40  # the columns' sizes: ``Sector.name``/``key``, ``source_ref``
PLACE_HINT = "use a cuadrante or colonia"


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    skipped: list[str] = field(default_factory=list)  # not errors: e.g. no police sector
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value: object) -> str:
    """A cell, stripped; NUL and other control characters are refused as in a message (no
    database stores NUL in text)."""
    text = "" if pd.isna(value) else str(value).strip()  # type: ignore[arg-type]
    reject_control_characters(text)
    return text


def _shown(text: str) -> str:
    """A cell quoted in an error line, cut so one huge cell cannot flood the report."""
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _checked(text: str, column: str, limit: int, *, hint: str = "codes, not people") -> str:
    """A text that will be stored: spacing collapsed, within ``limit`` (first, so the guard
    never reads more than is stored), and refused if it looks like personal data."""
    text = " ".join(text.split())
    if len(text) > limit:
        raise ValueError(f"{column} is longer than {limit} characters")
    kind = find_personal_data(text)
    if kind is not None:
        raise ValueError(f"{column} looks like personal data ({kind}): {hint}")
    return text


def _sector(text: str, column: str) -> str:
    """A sector name as stored (new ones are created from it): checked like any stored text,
    never empty, and with a folded key that fits its column too."""
    sector = _checked(text, column, MAX_SECTOR)
    if not sector:
        raise ValueError(f"{column} is empty")
    if len(sector_key(sector)) > MAX_SECTOR:  # folding can lengthen it ("ß" → "ss")
        raise ValueError(f"{column} is longer than {MAX_SECTOR} characters")
    return sector


def _moment(day: str, clock: str, zone: ZoneInfo) -> tuple[datetime, bool]:
    parsed = parse_iso_date(day)
    if parsed is None:
        raise ValueError(f"date {_shown(day)}: not YYYY-MM-DD in {FIRST_YEAR}–{LAST_YEAR}")
    at = parse_time(clock) if clock else None
    return datetime.combine(parsed, at or time(12, 0), tzinfo=zone), at is not None


def _code(text: str, field: str) -> str | None:
    """A group or conflict code, ASCII digits only (``G-٠٧`` is no code)."""
    if not text:
        return None
    if has_foreign_digits(text):
        raise InvalidInput(f"error.code_{field}", value=text)
    return parse_code(text, field)


def _fgj_row(row: pd.Series, zone: ZoneInfo) -> NewIncident | None:
    sector = _text(row["sector_ssc"])
    if not sector:
        return None
    sector = _sector(sector, "sector_ssc")
    clock = _text(row["hora_hecho"])[:5]
    occurred, known = _moment(_text(row["fecha_hecho"]), clock, zone)
    fatal = fold(_text(row["fatal"])) in TRUE_WORDS
    place = " ".join((_text(row.get("cuadrante_ssc")) or _text(row.get("colonia"))).split())
    place = place[:MAX_PLACE]  # open data: a place that looks personal is dropped, not fatal
    if find_personal_data(place):
        place = ""
    return NewIncident(
        ref=_checked(_text(row["incident_id"]), "incident_id", MAX_REF) or None,
        sector=sector.title(),
        type="homicide" if fatal else "nonfatal",
        occurred_at=occurred,
        time_known=known,
        victims=int(fatal),
        injured=int(not fatal),
        place=place,
        classification=_text(row.get("tipo"))
        or ("homicidio_doloso" if fatal else "lesiones_dolosas"),
        source="fgj",
    )


def _count(row: pd.Series, column: str, default: int) -> int:
    """A victim count: ASCII digits, 0 to ``MAX_VICTIMS`` (as ``/incidente`` takes it)."""
    text = _text(row.get(column, ""))
    return parse_count(text, column) if text else default


def _own_row(row: pd.Series, zone: ZoneInfo) -> NewIncident:
    kind = INCIDENT_TYPE_WORDS.get(fold(_text(row["type"])))
    if kind is None:
        raise ValueError(f"unknown type {_shown(_text(row['type']))}")
    occurred, known = _moment(_text(row["date"]), _text(row.get("time", "")), zone)
    homicide = kind.value == "homicide"
    place = _checked(_text(row.get("place", "")), "place", MAX_PLACE, hint=PLACE_HINT)
    risk_word = _text(row.get("risk", ""))
    risk = RISK_WORDS.get(fold(risk_word)) if risk_word else None
    if risk_word and risk is None:
        raise ValueError(f"unknown risk {_shown(risk_word)}")
    return NewIncident(
        ref=_checked(_text(row.get("ref", "")), "ref", MAX_REF) or None,
        sector=_sector(_text(row["sector"]), "sector"),
        type=kind.value,
        occurred_at=occurred,
        time_known=known,
        victims=_count(row, "victims", 1 if homicide else 0),
        injured=_count(row, "injured", 0 if homicide else 1),
        place=place,
        group_code=_code(_text(row.get("group", "")), "group"),
        conflict_code=_code(_text(row.get("conflict", "")), "conflict"),
        risk=risk.value if risk else None,
    )


def _frame(path: Path, report: ImportReport) -> pd.DataFrame | None:
    """The file as a table of text cells, or None with the reason in ``report``.

    Read as text first: pandas' C reader silently cuts a cell at a NUL, and unless told
    ``index_col=False`` it shifts every column when a row has one cell too many.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append("file: not UTF-8 text")
        return None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        report.errors.append(f"line {line}: error.control_characters")
        return None
    try:
        with warnings.catch_warnings():  # pandas only warns when it drops the extra cells
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, index_col=False)
    except (ValueError, pd.errors.ParserWarning) as exc:  # empty, or more cells than the header
        report.errors.append(f"file: not a CSV table ({' '.join(str(exc).split())[:200]})")
        return None


def read_incidents(path: Path, zone: ZoneInfo, report: ImportReport) -> list[NewIncident]:
    """Parse and check every row; errors and skips go to ``report``."""
    frame = _frame(path, report)
    if frame is None:
        return []
    columns = set(frame.columns)
    fgj = columns >= FGJ_COLUMNS
    if not fgj and not columns >= OWN_REQUIRED:
        missing = ", ".join(sorted(OWN_REQUIRED - columns))
        report.errors.append(f"header: not the FGJ layout, and missing columns {missing}")
        return []
    report.rows = len(frame)
    found: list[NewIncident] = []
    refs: dict[str, int] = {}  # ref → the line it was first seen on
    for number, row in zip(range(2, len(frame) + 2), frame.itertuples(index=False), strict=True):
        series = pd.Series(row._asdict())
        try:
            incident = _fgj_row(series, zone) if fgj else _own_row(series, zone)
        except (ValueError, DomainError) as exc:
            reason = exc.key if isinstance(exc, DomainError) else str(exc)
            report.errors.append(f"line {number}: {reason}")
            continue
        if incident is None:
            report.skipped.append(f"line {number}: no police sector")
            continue
        if incident.occurred_at > datetime.now(zone):
            report.errors.append(f"line {number}: the date is in the future")
            continue
        if incident.ref is not None and refs.setdefault(incident.ref, number) != number:
            report.errors.append(
                f"line {number}: ref {incident.ref!r} repeats line {refs[incident.ref]}"
            )
            continue
        found.append(incident)
    return found
