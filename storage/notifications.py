"""The delivery state machine of notifications: planning inserts, sweeps claim and record.

Exactly-once delivery rests on three things here: planning inserts a notification only if its
unique key is new (``ON CONFLICT DO NOTHING``); a sweep *claims* due rows before sending
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two bot processes split the work); and a claimed
row is never handed out again. A crash between claiming and recording leaves the row in
``sending`` (visible in ``reminders preview``), which can mean one lost reminder but never two.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, func, select

from storage.models.reminders import NoticeState, Notification


@dataclass(frozen=True, slots=True)
class NoticeSpec:
    """A notification the planner wants to exist."""

    key: str
    kind: str
    chat_id: int
    fire_at: datetime
    send_after: datetime
    member_id: int | None = None
    item_id: int | None = None
    group_id: int | None = None
    meeting_id: int | None = None
    about_at: datetime | None = None
    payload: str = ""


# ----------------------------------------------------------------------- delivery state
def insert_missing(
    session: Session, specs: list[NoticeSpec], now: datetime, *, claimed_by: str | None = None
) -> int:
    """Insert the specs whose key is new; returns how many were new. ``claimed_by``: the new
    rows start claimed by that instance, which sends them at once (``insert_claimed``)."""
    if not specs:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    rows: list[dict[str, Any]] = [
        {
            "key": s.key,
            "kind": s.kind,
            "chat_id": s.chat_id,
            "member_id": s.member_id,
            "item_id": s.item_id,
            "group_id": s.group_id,
            "meeting_id": s.meeting_id,
            "about_at": s.about_at,
            "fire_at": s.fire_at,
            "send_after": s.send_after,
            "payload": s.payload,
            "state": NoticeState.pending if claimed_by is None else NoticeState.sending,
            "attempts": 0 if claimed_by is None else 1,
            "claimed_by": claimed_by,
            "claimed_at": None if claimed_by is None else now,
            "fallback": False,
            "last_error": "",
            "created_at": now,
        }
        for s in specs
    ]
    # Rows as parameters (executemany, batched by SQLAlchemy) keep the statement cacheable;
    # one VALUES list of thousands of rows would be compiled afresh every sweep.
    statement = (
        insert(Notification)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(Notification.id)
    )
    return len(session.execute(statement, rows).all())


def insert_claimed(
    session: Session, specs: list[NoticeSpec], now: datetime, *, instance: str
) -> list[int]:
    """Insert new notifications already claimed by ``instance``, in the caller's transaction
    (the auto-closed review's minutes, committed with the closing): the caller sends them
    now, and ``finish`` hands any it could not send back to the sweep. Returns the ids of
    the specs inserted, in their order (an existing key is skipped)."""
    insert_missing(session, specs, now, claimed_by=instance)
    keys = [s.key for s in specs]
    ids = dict(
        session.exec(
            select(Notification.key, Notification.id).where(
                col(Notification.key).in_(keys),
                Notification.claimed_by == instance,
                Notification.claimed_at == now,
                Notification.state == NoticeState.sending,
            )
        ).all()
    )
    return [ids[key] for key in keys if key in ids]


def claim_due(
    session: Session, now: datetime, *, instance: str, limit: int = 500
) -> list[Notification]:
    """Claim pending notifications whose time has come; other sweeps skip them."""
    ids = list(
        session.exec(
            select(Notification.id)
            .where(Notification.state == NoticeState.pending, Notification.send_after <= now)
            .order_by(col(Notification.send_after), col(Notification.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if not ids:
        return []
    session.execute(
        update(Notification)
        .where(col(Notification.id).in_(ids), Notification.state == NoticeState.pending)
        .values(
            state=NoticeState.sending,
            claimed_by=instance,
            claimed_at=now,
            attempts=Notification.attempts + 1,
        )
    )
    return list(
        session.exec(
            select(Notification)
            .where(
                col(Notification.id).in_(ids),
                Notification.claimed_by == instance,
                Notification.state == NoticeState.sending,
                Notification.claimed_at == now,
            )
            .order_by(col(Notification.send_after), col(Notification.id))
        )
    )


def stale_pending(
    session: Session, fired_before: datetime, kinds: tuple[str, ...]
) -> list[Notification]:
    """Pending notifications of ``kinds`` that could have gone out before ``fired_before``
    but did not (the bot was down); waiting for quiet hours to end does not count."""
    return list(
        session.exec(
            select(Notification)
            .where(Notification.state == NoticeState.pending)
            .where(Notification.send_after < fired_before)
            .where(col(Notification.kind).in_(kinds))
            .order_by(col(Notification.chat_id), col(Notification.fire_at))
            .with_for_update(skip_locked=True)
        )
    )


def finish(
    session: Session,
    notice_id: int,
    state: NoticeState,
    *,
    now: datetime,
    send_after: datetime | None = None,
    error: str = "",
    fallback: bool = False,
) -> None:
    """Record the outcome of a delivery attempt (``pending`` with ``send_after`` = retry)."""
    values: dict[str, Any] = {"state": state, "last_error": error[:300]}
    if state is NoticeState.sent:
        values.update(sent_at=now, fallback=fallback)
    if send_after is not None:
        values["send_after"] = send_after
    session.execute(update(Notification).where(Notification.id == notice_id).values(**values))


def mark_many(session: Session, ids: list[int], state: NoticeState, *, now: datetime) -> None:
    if ids:
        session.execute(
            update(Notification)
            .where(col(Notification.id).in_(ids))
            .values(state=state, sent_at=now)
        )


def items_noticed(session: Session, item_ids: list[int], kind: str) -> set[int]:
    """Which of the items already have a notification of ``kind`` (in any state): the
    assignment notice of an item is planned once, whoever owns it later."""
    rows = session.exec(
        select(Notification.item_id)
        .where(col(Notification.item_id).in_(item_ids or [0]), Notification.kind == kind)
        .distinct()
    )
    return {i for i in rows if i is not None}


def supersede(
    session: Session, notice: Notification, kinds: tuple[str, ...], *, now: datetime
) -> None:
    """Earlier reminders of the same item to the same chat that have not gone out yet are
    ``skipped``: the one being sent now says what they would have said, and more."""
    session.execute(
        update(Notification)
        .where(
            Notification.item_id == notice.item_id,
            Notification.chat_id == notice.chat_id,
            Notification.state == NoticeState.pending,
            Notification.fire_at <= notice.fire_at,
            col(Notification.kind).in_(kinds),
        )
        .values(state=NoticeState.skipped, sent_at=now, last_error="superseded")
    )


def state_counts(session: Session, states: Iterable[NoticeState]) -> dict[NoticeState, int]:
    """How many notifications are in each of ``states`` (the sweep's gauges: pending should
    drain, failed ones need a person); counted on the ``(state, send_after)`` index."""
    wanted = list(states)
    rows = session.exec(
        select(Notification.state, func.count())
        .where(col(Notification.state).in_([s.value for s in wanted]))
        .group_by(Notification.state)
    )
    found = {NoticeState(state): int(count) for state, count in rows}
    return {state: found.get(state, 0) for state in wanted}


def notifications(
    session: Session, states: Iterable[NoticeState] | None = None
) -> list[Notification]:
    stmt = select(Notification).order_by(col(Notification.send_after), col(Notification.id))
    if states is not None:
        stmt = stmt.where(col(Notification.state).in_([s.value for s in states]))
    return list(session.exec(stmt))
