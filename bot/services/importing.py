"""Importing past incidents from a file: every row checked, then all stored or none.

The days an import covers are its first to its last event (local dates), or what the
operator gives with ``--from/--to`` (a file of a quiet month may end before the month does);
an event outside the days given is an error, since the coverage would then be a false claim.
The FGJ file covers the whole city (a sector it has no row for had no shooting); a file of
the project's layout covers the sectors it names.

Only the command line uses it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.input.incident_file import ImportReport, read_incidents
from storage.engine import Session
from storage.incident_import import ImportResult, NewIncident, import_incidents


@dataclass(frozen=True, slots=True)
class ImportRequest:
    path: Path
    source: str | None = None  # None: fgj for the FGJ layout, import for the project's
    first_day: date | None = None  # --from
    last_day: date | None = None  # --to


def _days(
    incidents: list[NewIncident], request: ImportRequest, report: ImportReport, *, zone: ZoneInfo
) -> tuple[date, date] | None:
    """The days the import covers, or None (an error in ``report``, or nothing to cover)."""
    if not incidents and (request.first_day is None or request.last_day is None):
        return None
    local = [i.occurred_at.astimezone(zone).date() for i in incidents]
    first = request.first_day or min(local)
    last = request.last_day or max(local)
    if first > last:
        report.error(None, f"--from {first} is after --to {last}")
        return None
    outside = [d for d in local if not first <= d <= last]
    if outside:
        report.error(
            None,
            f"{len(outside)} event(s) outside --from {first} --to {last} "
            f"(e.g. {min(outside)}); widen the period or leave it out",
        )
        return None
    return first, last


def import_file(
    session: Session,
    request: ImportRequest,
    *,
    zone: ZoneInfo,
    now: datetime,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[ImportReport, ImportResult | None]:
    """Check the whole file, then store it in one transaction (or nothing: the result is
    None when the report has errors). ``progress(phase, done, total)``: "checking" lines,
    then "storing" rows."""
    report = ImportReport()
    check = (lambda done, total: progress("checking", done, total)) if progress else None
    incidents = read_incidents(
        request.path, zone=zone, now=now, report=report, source=request.source, progress=check
    )
    days = _days(incidents, request, report, zone=zone) if report.ok else None
    if not report.ok:
        return report, None
    stored = [0]

    def step(count: int) -> None:
        stored[0] += count
        if progress is not None:
            progress("storing", stored[0], len(incidents))

    result = import_incidents(
        session,
        incidents,
        zone=zone,
        now=now,
        days=days,
        city_wide=report.layout == "fgj",
        source=report.source,
        progress=step,
    )
    report.counts.update((i.classification, i.occurred_at.astimezone(zone).year) for i in incidents)
    report.imported, report.duplicates, report.flagged = (
        result.imported,
        result.already,
        result.flagged,
    )
    return report, result
