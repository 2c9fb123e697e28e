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
so importing a file twice adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from bot.input.dates import parse_time
from bot.input.incident_fields import parse_code
from bot.input.privacy import find_personal_data
from bot.input.vocabulary import INCIDENT_TYPE_WORDS, RISK_WORDS, TRUE_WORDS, fold
from domain.errors import DomainError
from storage.incident_import import NewIncident

FGJ_COLUMNS = {"incident_id", "fecha_hecho", "hora_hecho", "fatal", "sector_ssc"}
OWN_REQUIRED = {"date", "sector", "type"}
OWN_OPTIONAL = {"time", "victims", "injured", "place", "group", "conflict", "risk", "ref"}


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
    return "" if pd.isna(value) else str(value).strip()  # type: ignore[arg-type]


def _moment(day: str, clock: str, zone: ZoneInfo) -> tuple[datetime, bool]:
    parsed = date.fromisoformat(day)
    at = parse_time(clock) if clock else None
    return datetime.combine(parsed, at or time(12, 0), tzinfo=zone), at is not None


def _fgj_row(row: pd.Series, zone: ZoneInfo) -> NewIncident | None:
    sector = _text(row["sector_ssc"])
    if not sector:
        return None
    clock = _text(row["hora_hecho"])[:5]
    occurred, known = _moment(_text(row["fecha_hecho"]), clock, zone)
    fatal = fold(_text(row["fatal"])) in TRUE_WORDS
    place = _text(row.get("cuadrante_ssc")) or _text(row.get("colonia"))
    if find_personal_data(place):
        place = ""
    return NewIncident(
        ref=_text(row["incident_id"]) or None,
        sector=sector.title(),
        type="homicide" if fatal else "nonfatal",
        occurred_at=occurred,
        time_known=known,
        victims=int(fatal),
        injured=int(not fatal),
        place=place[:120],
    )


def _own_row(row: pd.Series, zone: ZoneInfo) -> NewIncident:
    kind = INCIDENT_TYPE_WORDS.get(fold(_text(row["type"])))
    if kind is None:
        raise ValueError(f"unknown type {_text(row['type'])!r}")
    occurred, known = _moment(_text(row["date"]), _text(row.get("time", "")), zone)
    victims = int(_text(row.get("victims", "")) or (1 if kind.value == "homicide" else 0))
    injured = int(_text(row.get("injured", "")) or (0 if kind.value == "homicide" else 1))
    place = _text(row.get("place", ""))
    if find_personal_data(place):
        raise ValueError("place looks like personal data (use a cuadrante or colonia)")
    risk_word = _text(row.get("risk", ""))
    risk = RISK_WORDS.get(fold(risk_word)) if risk_word else None
    if risk_word and risk is None:
        raise ValueError(f"unknown risk {risk_word!r}")
    group, conflict = _text(row.get("group", "")), _text(row.get("conflict", ""))
    return NewIncident(
        ref=_text(row.get("ref", "")) or None,
        sector=_text(row["sector"]),
        type=kind.value,
        occurred_at=occurred,
        time_known=known,
        victims=victims,
        injured=injured,
        place=place[:120],
        group_code=parse_code(group, "group") if group else None,
        conflict_code=parse_code(conflict, "conflict") if conflict else None,
        risk=risk.value if risk else None,
    )


def read_incidents(path: Path, zone: ZoneInfo, report: ImportReport) -> list[NewIncident]:
    """Parse and check every row; errors and skips go to ``report``."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    columns = set(frame.columns)
    fgj = columns >= FGJ_COLUMNS
    if not fgj and not columns >= OWN_REQUIRED:
        missing = ", ".join(sorted(OWN_REQUIRED - columns))
        report.errors.append(f"header: not the FGJ layout, and missing columns {missing}")
        return []
    report.rows = len(frame)
    found: list[NewIncident] = []
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
        found.append(incident)
    return found
