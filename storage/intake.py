"""The durable intake of updates: store first, process once, remember what was processed."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, func, or_, select

from storage.models.intake import ReceivedUpdate


def record(session: Session, payload: dict[str, Any], now: datetime) -> bool:
    """Store an update; False if this update id was stored before (a redelivery)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    result = session.execute(
        insert(ReceivedUpdate)
        .values(update_id=payload["update_id"], payload=json.dumps(payload), received_at=now)
        .on_conflict_do_nothing(index_elements=["update_id"])
    )
    return bool(result.rowcount)


def claim(session: Session, update_id: int, *, now: datetime, lease: timedelta) -> bool:
    """Take the update for processing; False if it is done or someone holds a live lease.
    A lease left by a crashed process expires, and the update is processed again."""
    result = session.execute(
        update(ReceivedUpdate)
        .where(ReceivedUpdate.update_id == update_id, col(ReceivedUpdate.processed_at).is_(None))
        .where(
            or_(col(ReceivedUpdate.claimed_at).is_(None), ReceivedUpdate.claimed_at < now - lease)
        )
        .values(claimed_at=now)
    )
    return bool(result.rowcount)


def mark_processed(session: Session, update_id: int, now: datetime) -> None:
    session.execute(
        update(ReceivedUpdate)
        .where(ReceivedUpdate.update_id == update_id, col(ReceivedUpdate.processed_at).is_(None))
        .values(processed_at=now)
    )


def unprocessed(session: Session) -> list[dict[str, Any]]:
    """Stored updates not yet processed (a crash came in between), oldest first."""
    rows = session.exec(
        select(ReceivedUpdate.payload)
        .where(col(ReceivedUpdate.processed_at).is_(None))
        .order_by(col(ReceivedUpdate.update_id))
    )
    return [json.loads(payload) for payload in rows]


def next_offset(session: Session) -> int | None:
    """The getUpdates offset after the last stored update, if any."""
    last = session.exec(select(func.max(ReceivedUpdate.update_id))).one()
    return None if last is None else last + 1


def prune(session: Session, older_than: timedelta, now: datetime) -> int:
    """Forget processed updates after a while (the table is an intake, not an archive)."""
    result = session.execute(
        delete(ReceivedUpdate).where(
            col(ReceivedUpdate.processed_at).is_not(None),
            ReceivedUpdate.received_at < now - older_than,
        )
    )
    return int(result.rowcount or 0)
