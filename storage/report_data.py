"""Tables for reports and exports, read straight into pandas DataFrames.

Times come back as timezone-aware UTC columns; the report layer converts to the configured
zone. An item belongs to a sector through its incident, or else through its group's sectors
(an item agreed in a group counts for every sector the group covers).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.groups import sector_key
from storage.models import ActionItem, Agency, CoordinationGroup, GroupSector, Sector, StatusUpdate
from storage.review_models import Incident, MeetingSchedule

TIME_COLUMNS = (
    "due_at",
    "created_at",
    "closed_at",
    "occurred_at",
    "reviewed_at",
    "first_completed_at",
    "status_since",
)


def _frame(session: Session, statement: object) -> pd.DataFrame:
    frame = pd.read_sql(statement, session.connection())  # type: ignore[arg-type]
    for column in TIME_COLUMNS:
        if column in frame:
            frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def sector_names(session: Session) -> list[str]:
    return list(session.exec(select(Sector.name).order_by(col(Sector.name))))


def _sector_ids(session: Session, sectors: Sequence[str]) -> list[int]:
    keys = [sector_key(s) for s in sectors]
    return list(session.exec(select(Sector.id).where(col(Sector.key).in_(keys))))


def incidents_frame(session: Session, sectors: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per incident (no free-text notes): code, sector, type, counts, timeliness."""
    stmt = (
        sa_select(
            Incident.id,
            Incident.code,
            Sector.name.label("sector"),
            Incident.type,
            Incident.occurred_at,
            Incident.victims,
            Incident.injured,
            Incident.group_code,
            Incident.conflict_code,
            Incident.risk,
            Incident.place,
            Incident.reviewed_at,
            Incident.first_completed_at,
        )
        .join(Sector, Sector.id == Incident.sector_id)
        .order_by(Incident.occurred_at, Incident.id)
    )
    if sectors is not None:
        stmt = stmt.where(col(Incident.sector_id).in_(_sector_ids(session, sectors) or [0]))
    return _frame(session, stmt)


def items_frame(session: Session, sectors: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per action item with its agency, kind, times, and sector (via incident or
    group; an item of a group with several sectors appears once per sector)."""
    via_incident = (
        sa_select(ActionItem.id, Sector.name.label("sector"))
        .join(Incident, Incident.id == ActionItem.incident_id)
        .join(Sector, Sector.id == Incident.sector_id)
    )
    via_group = (
        sa_select(ActionItem.id, Sector.name.label("sector"))
        .join(GroupSector, GroupSector.group_id == ActionItem.group_id)
        .join(Sector, Sector.id == GroupSector.sector_id)
        .where(col(ActionItem.incident_id).is_(None))
    )
    links = _frame(session, via_incident.union_all(via_group))
    stmt = (
        sa_select(
            ActionItem.id,
            Agency.code.label("agency"),
            ActionItem.kind,
            ActionItem.status,
            ActionItem.text,
            ActionItem.due_at,
            ActionItem.created_at,
            ActionItem.closed_at,
            ActionItem.status_since,
            ActionItem.incident_id,
            ActionItem.review_id,
            CoordinationGroup.chat_id.label("group_chat_id"),
        )
        .join(Agency, Agency.id == ActionItem.agency_id)
        .join(CoordinationGroup, CoordinationGroup.id == ActionItem.group_id, isouter=True)
        .order_by(ActionItem.id)
    )
    items = _frame(session, stmt)
    items = items.merge(links, on="id", how="left")
    if sectors is not None:
        wanted = {sector_key(s) for s in sectors}
        keys = items["sector"].fillna("").astype(str).map(sector_key)
        items = items[keys.isin(wanted).astype(bool)]
    return items.reset_index(drop=True)


def updates_frame(session: Session, item_ids: Sequence[int] | None = None) -> pd.DataFrame:
    stmt = sa_select(
        StatusUpdate.id,
        StatusUpdate.item_id,
        StatusUpdate.status,
        StatusUpdate.note,
        StatusUpdate.created_at,
    ).order_by(StatusUpdate.id)
    if item_ids is not None:
        stmt = stmt.where(col(StatusUpdate.item_id).in_(list(item_ids) or [0]))
    return _frame(session, stmt)


def group_meeting_schedules(session: Session, chat_id: int) -> list[MeetingSchedule]:
    return list(
        session.exec(
            select(MeetingSchedule)
            .join(CoordinationGroup, CoordinationGroup.id == MeetingSchedule.group_id)
            .where(CoordinationGroup.chat_id == chat_id)
        )
    )
