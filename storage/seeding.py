"""Bulk writes of a synthetic history (``ceasefire demo``, the benchmarks, report tests).

A history of a year is tens of thousands of rows: they are inserted in bulk, rows exactly as
the tables take them, without audit entries (nobody did these things). The generator that
decides what the rows say is ``bot.app.demo.history``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update

from domain.terms import Role
from storage.engine import Session
from storage.groups import get_or_create_sector
from storage.incidents import sector_prefix
from storage.models.groups import CoordinationGroup, GroupSector, MeetingSchedule
from storage.models.incidents import Incident, Review, ReviewAgenda
from storage.models.items import ActionItem, StatusUpdate
from storage.models.members import Agency, Member

CHUNK = 2000  # rows per INSERT … RETURNING


def _inserted(session: Session, row: Any) -> int:
    """Insert one row now; its id."""
    session.add(row)
    session.flush()
    return row.id  # type: ignore[no-any-return]


def add_member(
    session: Session,
    telegram_id: int,
    *,
    name: str,
    role: Role,
    at: datetime,
    agency_id: int | None = None,
) -> int:
    """A member who has started the bot; returns its id."""
    member = Member(
        telegram_id=telegram_id,
        display_name=name,
        role=role,
        agency_id=agency_id,
        created_at=at,
        started_bot=True,
    )
    return _inserted(session, member)


def add_agencies(session: Session, names: dict[str, str], *, at: datetime) -> dict[str, int]:
    """Agencies by code and name; returns their ids by code."""
    agencies = {code: Agency(code=code, name=name, created_at=at) for code, name in names.items()}
    session.add_all(agencies.values())
    session.flush()
    return {code: agency.id for code, agency in agencies.items()}  # type: ignore[misc]


def add_group(
    session: Session,
    chat_id: int,
    *,
    title: str,
    by: int,
    at: datetime,
    sectors: list[str],
) -> int:
    """A coordination group covering ``sectors``; returns its id."""
    group_id = _inserted(
        session, CoordinationGroup(chat_id=chat_id, title=title, registered_by=by, created_at=at)
    )
    for name in sectors:
        session.add(
            GroupSector(group_id=group_id, sector_id=get_or_create_sector(session, name).id)
        )
    session.flush()
    return group_id


def sector_prefixes(session: Session, names: list[str]) -> dict[str, tuple[int, str]]:
    """(id, code prefix) of each named sector, created and given a prefix if new."""
    found = {}
    for name in names:
        sector = get_or_create_sector(session, name)
        found[name] = (sector.id, sector_prefix(session, sector))
    return found  # type: ignore[return-value]


def add_schedule(
    session: Session,
    group_id: int,
    *,
    kind: str,
    weekday: int,
    minute_of_day: int,
    by: int,
    at: datetime,
) -> None:
    session.add(
        MeetingSchedule(
            group_id=group_id,
            kind=kind,
            weekday=weekday,
            minute_of_day=minute_of_day,
            created_by=by,
            created_at=at,
        )
    )
    session.flush()


def add_review(
    session: Session, group_id: int, *, by: int, opened_at: datetime, closed_at: datetime
) -> int:
    """A closed review; returns its id."""
    review = Review(
        group_id=group_id, opened_by=by, opened_at=opened_at, closed_at=closed_at, closed_by=by
    )
    return _inserted(session, review)


def _insert_returning_ids(session: Session, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        # In the rows' order, which the caller pairs the ids with (not guaranteed otherwise).
        statement = insert(table).returning(table.id, sort_by_parameter_order=True)
        result = session.execute(statement, rows[start : start + CHUNK])
        ids += result.scalars().all()
    return ids


def add_incidents(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Incident rows (codes already assigned); returns their ids in the same order."""
    return _insert_returning_ids(session, Incident, rows)


def set_incident_facts(session: Session, facts: dict[int, dict[str, Any]]) -> None:
    """When each incident was reviewed (and in which review) and first completed; every
    entry names the same columns."""
    if not facts:
        return
    table = Incident.__table__  # type: ignore[attr-defined]
    statement = update(table).where(table.c.id == bindparam("incident_id"))
    rows = [{"incident_id": incident_id, **values} for incident_id, values in facts.items()]
    session.connection().execute(statement, rows)  # SET what the rows name besides the id


def add_agenda(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(ReviewAgenda), rows)


def add_items(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Action item rows; returns their ids in the same order."""
    return _insert_returning_ids(session, ActionItem, rows)


def add_updates(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(StatusUpdate), rows)


def count_incidents(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Incident)).scalar_one())
