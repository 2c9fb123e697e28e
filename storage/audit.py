"""The audit log: who changed what, when. Written in the same transaction as the change.

``added`` is how a repository function inserts a row and records it in one step; ``record``
notes any other change.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlmodel import Session, col, select

from storage.models.audit import AuditLog
from storage.models.members import Member

Row = TypeVar("Row")
_ROW_ID: Any = object()  # ``added``'s default: record the new row's own id
_INSERT = insert(AuditLog.__table__)  # type: ignore[attr-defined]


def record(
    session: Session,
    *,
    at: datetime,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: object = "",
    **details: Any,
) -> None:
    # A prebuilt Core insert: the audit row is never read back in the same transaction, and
    # the ORM unit of work would double the cost of every recorded change.
    session.connection().execute(
        _INSERT,
        {
            "at": at,
            "actor_id": actor_id,
            "action": action,
            "entity": entity,
            "entity_id": str(entity_id),
            "details": json.dumps(details, ensure_ascii=False, default=str)[:2000],
        },
    )


def added(
    session: Session,
    row: Row,
    *,
    by: int | None,
    at: datetime,
    action: str,
    entity: str,
    entity_id: object = _ROW_ID,
    **details: Any,
) -> Row:
    """Insert ``row`` and record who added it: ``entity_id`` defaults to the new row's id."""
    session.add(row)
    session.flush()
    record(
        session,
        at=at,
        actor_id=by,
        action=action,
        entity=entity,
        entity_id=row.id if entity_id is _ROW_ID else entity_id,  # type: ignore[attr-defined]
        **details,
    )
    return row


def latest(session: Session, limit: int = 20) -> list[AuditLog]:
    stmt = select(AuditLog).order_by(col(AuditLog.id).desc()).limit(limit)
    return list(session.exec(stmt))


def latest_with_actors(session: Session, limit: int) -> list[tuple[AuditLog, str | None]]:
    """The newest entries first, with the actor's display name (None: the bot itself)."""
    stmt = (
        select(AuditLog, Member.display_name)
        .join(Member, Member.id == AuditLog.actor_id, isouter=True)
        .order_by(col(AuditLog.id).desc())
        .limit(limit)
    )
    return [(entry, name) for entry, name in session.exec(stmt)]
