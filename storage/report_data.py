"""Tables for reports and exports, read straight into pandas DataFrames.

Times come back as timezone-aware UTC columns; the report layer converts to the configured
zone. They are read raw (bypassing the ``UTCDateTime`` per-row conversion) and converted by
pandas in one vectorised step: reports read hundreds of thousands of rows.

An item belongs to a sector through its incident, or else through its group's sectors (an item
agreed in a group counts for every sector the group covers). Reports and KPIs want each item
once (``items_frame``); the evaluators' panel wants one row per item and sector
(``item_sectors_frame``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import DateTime, or_, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.groups import sector_key
from storage.models.groups import CoordinationGroup, GroupSector, MeetingSchedule, Sector
from storage.models.incidents import Coverage, Incident
from storage.models.items import ActionItem, StatusUpdate
from storage.models.members import Agency


def _raw(column: Any) -> Any:
    """A timestamp column without per-row conversion (naive UTC), under its own name."""
    return type_coerce(column, DateTime()).label(column.key)


def _frame(session: Session, statement: Any, times: Sequence[str] = ()) -> pd.DataFrame:
    frame = pd.read_sql(statement, session.connection())
    for column in times:
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def sector_names(session: Session) -> list[str]:
    return list(session.exec(select(Sector.name).order_by(col(Sector.name))))


def _sector_ids(session: Session, sectors: Sequence[str]) -> list[int]:
    keys = [sector_key(s) for s in sectors]
    return list(session.exec(select(Sector.id).where(col(Sector.key).in_(keys or [""]))))


INCIDENT_TIMES = ("occurred_at", "reviewed_at", "first_completed_at")


def incidents_frame(session: Session, sectors: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per incident (no free-text notes): code, sector, classification, source,
    counts, timeliness, duplicate flag. What counts as a homicide is
    ``domain.measures``' business, applied by ``bot.reports.kpis.outcomes``."""
    stmt = (
        sa_select(
            Incident.id,
            Incident.code,
            Incident.sector_id,
            Sector.name.label("sector"),
            Sector.alcaldia,
            Incident.type,
            Incident.classification,
            Incident.source,
            Incident.source_ref,
            _raw(Incident.occurred_at),
            Incident.time_known,
            Incident.victims,
            Incident.injured,
            Incident.group_code,
            Incident.conflict_code,
            Incident.risk,
            Incident.place,
            _raw(Incident.reviewed_at),
            _raw(Incident.first_completed_at),
            Incident.duplicate_of,
            Incident.duplicate,
        )
        .join(Sector, Sector.id == Incident.sector_id)
        .order_by(Incident.occurred_at, Incident.id)
    )
    if sectors is not None:
        stmt = stmt.where(col(Incident.sector_id).in_(_sector_ids(session, sectors) or [0]))
    return _frame(session, stmt, INCIDENT_TIMES)


def sectors_frame(session: Session) -> pd.DataFrame:
    """Every sector: its stable id, name, alcaldía and whether it is a comparison sector."""
    return _frame(
        session,
        sa_select(
            Sector.id.label("sector_id"),
            Sector.name.label("sector"),
            Sector.alcaldia,
            Sector.comparison,
        ).order_by(Sector.name),
    )


def coverage_frame(session: Session, zone: ZoneInfo) -> pd.DataFrame:
    """The periods each source covers: ``source, sector_id (NaN: every sector), first_day,
    last_day (NaT: until now)``, as local dates (naive Timestamps). Imports store theirs
    (``Coverage``); the bot covers a sector from the local day the first group covering it
    was registered, until now."""
    stored = _frame(
        session,
        sa_select(Coverage.source, Coverage.sector_id, Coverage.first_day, Coverage.last_day),
    )
    stored["first_day"] = pd.to_datetime(stored["first_day"])
    stored["last_day"] = pd.to_datetime(stored["last_day"])
    groups = _frame(
        session,
        sa_select(GroupSector.sector_id, _raw(CoordinationGroup.created_at)).join(
            CoordinationGroup, CoordinationGroup.id == GroupSector.group_id
        ),
        ("created_at",),
    )
    first = groups.groupby("sector_id")["created_at"].min().dt.tz_convert(zone)
    bot = pd.DataFrame(
        {
            "source": "bot",
            "sector_id": first.index.astype(float),
            "first_day": first.dt.tz_localize(None).dt.normalize().to_numpy(),
            "last_day": pd.NaT,
        }
    )
    # A handful of rows: joined as records (pandas' concat warns on all-empty columns).
    rows = [*stored.itertuples(index=False), *bot.itertuples(index=False)]
    frame = pd.DataFrame.from_records(rows, columns=list(bot.columns))
    frame["sector_id"] = frame["sector_id"].astype(float)
    for column in ("first_day", "last_day"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


ITEM_TIMES = ("due_at", "created_at", "closed_at", "status_since")


def _item_columns() -> list[Any]:
    return [
        ActionItem.id,
        Agency.code.label("agency"),
        ActionItem.kind,
        ActionItem.status,
        ActionItem.text,
        _raw(ActionItem.due_at),
        _raw(ActionItem.created_at),
        _raw(ActionItem.closed_at),
        _raw(ActionItem.status_since),
        ActionItem.incident_id,
        ActionItem.review_id,
    ]


def items_frame(
    session: Session,
    sectors: Sequence[str] | None = None,
    alive: tuple[datetime, datetime] | None = None,
) -> pd.DataFrame:
    """One row per action item in the sectors (all items if None). ``alive=(start, end)``
    keeps the items that existed then: created before ``end``, not closed before ``start``
    (all that created/closed/open KPIs of that period can count)."""
    stmt = (
        sa_select(*_item_columns())
        .join(Agency, Agency.id == ActionItem.agency_id)
        .order_by(ActionItem.id)
    )
    if sectors is not None:
        ids = _sector_ids(session, sectors) or [0]
        by_incident = sa_select(Incident.id).where(col(Incident.sector_id).in_(ids))
        by_group = sa_select(GroupSector.group_id).where(col(GroupSector.sector_id).in_(ids))
        stmt = stmt.where(
            or_(
                col(ActionItem.incident_id).in_(by_incident),
                col(ActionItem.incident_id).is_(None) & col(ActionItem.group_id).in_(by_group),
            )
        )
    if alive is not None:
        start, end = alive
        stmt = stmt.where(ActionItem.created_at < end).where(
            or_(col(ActionItem.closed_at).is_(None), ActionItem.closed_at >= start)
        )
    return _frame(session, stmt, ITEM_TIMES)


def item_sectors_frame(session: Session, delivery: bool = False) -> pd.DataFrame:
    """(item id, sector) pairs: through the incident, else through the group's sectors.
    ``delivery`` adds what the panel counts (kind, status, due, created and closed times).

    Items are read once and spread over their group's sectors in pandas: a group covering
    three sectors would otherwise triple the rows read from the database."""
    extra = (
        [
            ActionItem.kind,
            ActionItem.status,
            _raw(ActionItem.due_at),
            _raw(ActionItem.created_at),
            _raw(ActionItem.closed_at),
        ]
        if delivery
        else []
    )
    items = _frame(
        session,
        sa_select(ActionItem.id, ActionItem.group_id, Incident.sector_id, *extra).join(
            Incident, Incident.id == ActionItem.incident_id, isouter=True
        ),
        ("due_at", "created_at", "closed_at") if delivery else (),
    )
    names = _frame(session, sa_select(Sector.id.label("sector_id"), Sector.name.label("sector")))
    links = _frame(session, sa_select(GroupSector.group_id, GroupSector.sector_id))
    by_incident = items[items["sector_id"].notna()]
    by_group = (
        items[items["sector_id"].isna()].drop(columns="sector_id").merge(links, on="group_id")
    )
    pairs = pd.concat([by_incident, by_group], ignore_index=True)
    pairs["sector_id"] = pairs["sector_id"].astype(int)
    pairs = pairs.merge(names, on="sector_id").drop(columns=["sector_id", "group_id"])
    return pairs.sort_values("id", kind="stable").reset_index(drop=True)


def updates_frame(
    session: Session, since: datetime | None = None, until: datetime | None = None
) -> pd.DataFrame:
    """Status updates (optionally of a time window)."""
    stmt = sa_select(
        StatusUpdate.id,
        StatusUpdate.item_id,
        StatusUpdate.status,
        StatusUpdate.note,
        _raw(StatusUpdate.created_at),
    ).order_by(StatusUpdate.id)
    if since is not None:
        stmt = stmt.where(StatusUpdate.created_at >= since)
    if until is not None:
        stmt = stmt.where(StatusUpdate.created_at < until)
    return _frame(session, stmt, ("created_at",))


def group_meeting_schedules(session: Session, chat_id: int) -> list[MeetingSchedule]:
    return list(
        session.exec(
            select(MeetingSchedule)
            .join(CoordinationGroup, CoordinationGroup.id == MeetingSchedule.group_id)
            .where(CoordinationGroup.chat_id == chat_id)
        )
    )
