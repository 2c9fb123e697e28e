"""Possible duplicates: the same shooting recorded by two sources (a coordinator typed it in
the chat, and the prosecutor's file lists it too). Counting both would double the trend, and
deleting one would lose a record, so the later one is flagged (``duplicate_of`` = the record
it repeats, ``duplicate = "possible"``); ``domain.measures.counted`` leaves it out until a
coordinator judges the pair (merged, or distinct: then both count).

The rule, one for the import and for the bot: two records from *different* sources describe
the same event when they are in the same sector, of the same type (fatal or not: an FGJ
``homicidio_culposo`` may be the homicide a coordinator recorded, so the type is compared,
not the measure), and
- both times known: at most one hour apart (across midnight too);
- either time unknown (FGJ's blank or ``00:00`` hour, a bot incident typed without one):
  on the same local day.
The rule errs towards flagging: a false flag costs a coordinator one look, a missed one a
doubled count. Only records that are not themselves flagged are candidates, so a flag always
points at the record that is counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from domain.measures import FATAL_CLASSES
from storage.models.incidents import Incident
from storage.types import as_utc

WINDOW = timedelta(hours=1)


def fatal(classification: str) -> bool:
    """The type a classification belongs to: fatal (any homicide) or not."""
    return classification in FATAL_CLASSES


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    occurred_at: datetime  # aware UTC
    time_known: bool


def same_event(a: tuple[datetime, bool], b: tuple[datetime, bool], *, zone: ZoneInfo) -> bool:
    """Whether two moments (same sector and type) may be one shooting: see the module."""
    (a_at, a_known), (b_at, b_known) = a, b
    if a_known and b_known:
        return abs(a_at - b_at) <= WINDOW
    return a_at.astimezone(zone).date() == b_at.astimezone(zone).date()


def _day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=zone)
    return as_utc(start - WINDOW), as_utc(start + timedelta(days=1) + WINDOW)


def _candidates(
    session: Session,
    sector_ids: Iterable[int],
    bounds: tuple[datetime, datetime],
    *,
    exclude_source: str,
) -> list[tuple[int, int, str, datetime, bool]]:
    """(id, sector, classification, naive UTC time, time known) of the counted records of
    other sources in the sectors and period."""
    start, end = (b.replace(tzinfo=None) for b in bounds)
    when = type_coerce(Incident.occurred_at, DateTime())  # naive UTC, no per-row conversion
    stmt = sa_select(
        Incident.id, Incident.sector_id, Incident.classification, when, Incident.time_known
    ).where(
        col(Incident.sector_id).in_(list(sector_ids) or [0]),
        Incident.source != exclude_source,
        col(Incident.duplicate_of).is_(None),
        when >= start,
        when < end,
    )
    return [tuple(row) for row in session.execute(stmt.order_by(Incident.id))]  # type: ignore[misc]


def find_duplicate(
    session: Session,
    *,
    sector_id: int,
    classification: str,
    occurred_at: datetime,
    time_known: bool,
    zone: ZoneInfo,
    exclude_source: str,
) -> int | None:
    """The id of a record of another source that may be this event (closest in time), or
    None. ``exclude_source``: the new record's own source (its records never match it)."""
    bounds = _day_bounds(occurred_at.astimezone(zone).date(), zone)
    matcher = Matcher(zone)
    matcher.add(_candidates(session, [sector_id], bounds, exclude_source=exclude_source))
    return matcher.match(sector_id, classification, occurred_at=occurred_at, time_known=time_known)


class Matcher:
    """The rule over many records at once (an import of 350,000 rows asks the database once):
    candidates indexed by (sector, type, local day)."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.index: dict[tuple[int, bool, date], list[Candidate]] = defaultdict(list)

    def add(self, rows: Iterable[tuple[int, int, str, datetime, bool]]) -> None:
        for incident_id, sector_id, classification, when, known in rows:
            at = when.replace(tzinfo=ZoneInfo("UTC")) if when.tzinfo is None else when
            day = at.astimezone(self.zone).date()
            self.index[(sector_id, fatal(classification), day)].append(
                Candidate(incident_id, at, known)
            )

    def match(
        self, sector_id: int, classification: str, *, occurred_at: datetime, time_known: bool
    ) -> int | None:
        kind = fatal(classification)
        day = occurred_at.astimezone(self.zone).date()
        found = [
            c
            for d in (day - timedelta(days=1), day, day + timedelta(days=1))
            for c in self.index.get((sector_id, kind, d), ())
            if same_event((c.occurred_at, c.time_known), (occurred_at, time_known), zone=self.zone)
        ]
        if not found:
            return None
        return min(found, key=lambda c: (abs(c.occurred_at - occurred_at), c.id)).id


def matcher_for(
    session: Session,
    sector_ids: Iterable[int],
    period: tuple[date, date],
    *,
    zone: ZoneInfo,
    exclude_source: str,
) -> Matcher:
    """A ``Matcher`` loaded with the candidates of other sources for records in
    ``sector_ids`` between the local days ``period`` (inclusive)."""
    start, _ = _day_bounds(period[0], zone)
    _, end = _day_bounds(period[1], zone)
    matcher = Matcher(zone)
    matcher.add(_candidates(session, sector_ids, (start, end), exclude_source=exclude_source))
    return matcher
