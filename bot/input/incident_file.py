"""Reading an incident file (``ceasefire import incidents FILE.csv``): past incidents, so a
group starts with its trend.

Two layouts are read as they are (the header says which):

- **FGJ open data** (the shipped ``data/cdmx-shootings.csv``): ``incident_id, fecha_hecho,
  hora_hecho, delito, tipo, fatal, alcaldia_hecho, colonia, lat, lon, sector_ssc,
  cuadrante_ssc`` (``tipo`` or ``delito`` or ``fatal`` may stand alone; other columns are
  ignored). One row is one investigation file: a fatal one counts one person killed, else one
  injured. The place kept is the cuadrante (else the colonia); coordinates are not stored.
  Rows with no police sector (points outside the SSC map) are skipped and counted, not errors.
- **The project's own layout**: ``date, time, sector, type, victims, injured, place, group,
  conflict, risk, ref, classification`` (only ``date, sector, type`` required; Spanish or
  English type and risk words; ``classification`` one of the four FGJ values). Any other
  column is an error: a misspelt ``victms`` would otherwise be dropped silently.

Every row is checked first (``bot.input.incident_rows``); if any is wrong nothing is stored
and the report has one line per problem: ``line N, column C: value 'V': reason``. Rows whose
id was imported before from the same source are skipped, so importing a file twice adds
nothing; an id repeated within the file is an error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.input.file_text import FileProblem, TextFile, open_text, rows
from bot.input.incident_rows import CellError, fgj_row, guard_ids, own_row, row_ref, shown
from bot.input.sector_catalogue import sector_name
from domain.measures import FGJ_SOURCE
from storage.incident_import import NewIncident

FGJ_REQUIRED = ("incident_id", "fecha_hecho", "hora_hecho", "sector_ssc")
FGJ_CLASS_COLUMNS = ("tipo", "delito", "fatal")  # one at least
OWN_REQUIRED = ("date", "sector", "type")
OWN_OPTIONAL = (
    "time", "victims", "injured", "place", "group", "conflict", "risk", "ref", "classification",
)  # fmt: skip
OWN_SOURCE = "import"
# Real files shipped in the package (``--sample NAME``): public open data, see the README.
SAMPLES = {"cdmx": "data/cdmx-shootings.csv"}
MAX_KEPT = 1000  # error lines kept (the rest are counted): a wrong file can have 350,000
PROGRESS_EVERY = 2000


@dataclass
class ImportReport:
    rows: int = 0
    layout: str = ""  # "fgj" or "own"
    source: str = ""
    imported: int = 0
    duplicates: int = 0  # already there: same source and id
    flagged: int = 0  # stored as possible duplicates of another source's record
    skipped: list[str] = field(default_factory=list)  # not errors: e.g. no police sector
    new_sectors: list[str] = field(default_factory=list)  # not in the sector catalogue
    counts: Counter[tuple[str, int]] = field(default_factory=Counter)  # (class, year) read
    errors: list[str] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count

    def error(self, line: int | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_KEPT:
            self.errors.append(message if line is None else f"line {line}{message}")


def cell_problem(exc: CellError) -> str:
    value = "" if exc.value is None else f": value {shown(exc.value)}"
    return f", column {exc.column}{value}: {exc.reason}"


def _layout(header: list[str], report: ImportReport) -> str | None:
    """``fgj`` or ``own`` from the header, or None with each problem in ``report``."""
    names = [h.strip().lower() for h in header]
    for number, name in enumerate(names, 1):
        if name and names.index(name) != number - 1:
            report.error(
                1, f", column {number}: value {shown(name)}: repeats column {names.index(name) + 1}"
            )
    present = set(names)
    if present >= set(FGJ_REQUIRED) and present & set(FGJ_CLASS_COLUMNS):
        return None if report.error_count else "fgj"
    if not present >= set(OWN_REQUIRED):
        missing = ", ".join(c for c in OWN_REQUIRED if c not in present)
        report.error(
            1,
            f": not the FGJ layout ({', '.join(FGJ_REQUIRED)}, tipo), and missing columns "
            f"{missing} of the project's layout",
        )
        return None
    known = set(OWN_REQUIRED) | set(OWN_OPTIONAL)
    for number, name in enumerate(names, 1):
        if name not in known:
            report.error(
                1, f", column {number}: value {shown(name)}: not a column of the project's layout"
            )
    return None if report.error_count else "own"


def _check_row(
    incident: NewIncident | None,
    number: int,
    report: ImportReport,
    *,
    now: datetime,
    zone: ZoneInfo,
) -> bool:
    if incident is None:
        report.skipped.append(f"line {number}: no police sector")
        return False
    local = incident.occurred_at
    future = local > now if incident.time_known else local.date() > now.astimezone(zone).date()
    if future:
        column = "fecha_hecho" if report.layout == "fgj" else "date"
        day = shown(local.date().isoformat())
        report.error(number, f", column {column}: value {day}: the date is in the future")
        return False
    return True


def read_incidents(
    path: Path,
    *,
    zone: ZoneInfo,
    now: datetime,
    report: ImportReport,
    source: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[NewIncident]:
    """Parse and check every row; errors and skips go to ``report``. ``source``: the
    records' source (default ``fgj`` for the FGJ layout, ``import`` for the project's).
    ``progress(done, total)`` every few thousand rows (total: the file's lines)."""
    try:
        text = open_text(path)
        found = _read(text, report, zone=zone, now=now, source=source, progress=progress)
    except FileProblem as exc:
        report.error(None, str(exc))
        return []
    if not report.error_count and report.layout and not report.rows:
        report.error(None, "file: a header and no rows")
    return found


def _read(
    text: TextFile,
    report: ImportReport,
    *,
    zone: ZoneInfo,
    now: datetime,
    source: str | None,
    progress: Callable[[int, int], None] | None,
) -> list[NewIncident]:
    lines = rows(text)
    _, header = next(lines)
    layout = _layout(header, report)
    if layout is None:
        return []
    report.layout = layout
    report.source = source or (FGJ_SOURCE if layout == "fgj" else OWN_SOURCE)
    parse = fgj_row if layout == "fgj" else own_row
    names = [h.strip().lower() for h in header]
    found: list[NewIncident] = []
    numbers: list[int] = []  # the line of each row found
    refs: dict[str, int] = {}  # ref → the line it was first seen on
    for number, cells in lines:
        report.rows += 1
        if progress is not None and report.rows % PROGRESS_EVERY == 0:
            progress(number, text.lines)
        if len(cells) != len(names):
            report.error(number, f": {len(cells)} cells where the header has {len(names)}")
            continue
        cell = {name: value.strip() for name, value in zip(names, cells, strict=True)}
        try:
            incident = parse(cell, zone=zone, source=report.source)
        except CellError as exc:
            report.error(number, cell_problem(exc))
            continue
        if not _check_row(incident, number, report, now=now, zone=zone):
            continue
        assert incident is not None
        ref = incident.ref or row_ref(cells)
        first = refs.setdefault(ref, number)
        if first != number:
            column = "incident_id" if layout == "fgj" else "ref"
            what = f", column {column}: value {shown(ref)}" if incident.ref else ""
            report.error(number, f"{what}: repeats line {first}")
            continue
        found.append(incident if incident.ref else replace(incident, ref=ref))
        numbers.append(number)
    report.new_sectors = sorted({i.sector for i in found if not sector_name(i.sector).known})
    return _guarded(found, numbers, report, column="incident_id" if layout == "fgj" else "ref")


def _guarded(
    found: list[NewIncident], lines: list[int], report: ImportReport, *, column: str
) -> list[NewIncident]:
    """The rows whose id passes the privacy guard; the others are errors, in line order."""
    kinds = guard_ids([i.ref or "" for i in found])
    if not any(kinds):
        return found
    for number, kind in zip(lines, kinds, strict=True):
        if kind is not None:
            report.error(
                number, f", column {column}: looks like personal data ({kind}): codes, not people"
            )
    report.errors.sort(key=_line_of)
    return [i for i, kind in zip(found, kinds, strict=True) if kind is None]


def _line_of(error: str) -> int:
    head = error.split(",", 1)[0].split(":", 1)[0]
    return int(head[5:]) if head.startswith("line ") and head[5:].isdigit() else 0


@contextmanager
def sample_file(name: str) -> Iterator[Path]:
    """The path of a shipped sample file (extracted for the duration if the package is
    zipped)."""
    with resources.as_file(resources.files("bot.input").joinpath(SAMPLES[name])) as path:
        yield path
