"""Importing past incidents from a file: every row checked, then all stored or none.

Only the command line uses it (pandas loads with it, not with the bot).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.input.incident_file import ImportReport, read_incidents
from storage.engine import Session
from storage.incident_import import import_incidents


def import_file(session: Session, path: Path, *, zone: ZoneInfo, now: datetime) -> ImportReport:
    """Check the whole file, then store it in one transaction (or nothing)."""
    report = ImportReport()
    incidents = read_incidents(path, zone, report)
    if report.errors:
        return report
    report.imported, report.duplicates = import_incidents(session, incidents, zone=zone, now=now)
    return report
