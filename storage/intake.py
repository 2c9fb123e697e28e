"""The durable intake of updates: store first, apply each command once, answer at least once.

A command's database steps run through ``run_step``: a step that wrote commits, in its own
transaction, with what it returned. When the process dies after that commit (or Telegram
refuses the answer), the stored update is processed again and the step returns the stored
result instead of running again: nothing is applied twice, and the answer is rebuilt from
what was stored and sent. Processing marks the update processed, drops its payload (what
the user typed stays only where the command stored it) and its steps.
"""

from __future__ import annotations

import contextlib
import json
import pickle
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, func, or_, select

from storage.engine import WROTE
from storage.models.intake import CommandStep, ReceivedUpdate

T = TypeVar("T")
MAX_ATTEMPTS = 8  # answers tried this often (with back-off) before the update is dropped


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
    """Take the update for processing; False if it is done, waiting for its next try, or
    someone holds a live lease. A lease left by a crashed process expires."""
    result = session.execute(
        update(ReceivedUpdate)
        .where(ReceivedUpdate.update_id == update_id, col(ReceivedUpdate.processed_at).is_(None))
        .where(
            or_(col(ReceivedUpdate.claimed_at).is_(None), ReceivedUpdate.claimed_at < now - lease)
        )
        .where(or_(col(ReceivedUpdate.not_before).is_(None), ReceivedUpdate.not_before <= now))
        .values(claimed_at=now, attempts=ReceivedUpdate.attempts + 1)
    )
    return bool(result.rowcount)


def run_step(
    session: Session,
    key: tuple[int, int],
    fn: Callable[..., T],
    *,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    reads: list[tuple[int, bytes]] | None = None,
) -> T:
    """Step ``key`` = (update id, step number) of a command: ``fn(session, *args, **kwargs)``,
    or what it returned when it committed before. Updates that did not come through the
    intake (a test driving ``process_update``) just run.

    A step that only read keeps its result in ``reads``; the next step that writes stores
    them all with its own. A replay then gets what the first run read before writing, not
    the state its own writes left (a guided form whose draft the first run deleted would
    otherwise find nothing to answer)."""
    update_id, seq = key
    if session.get(ReceivedUpdate, update_id) is None:
        return fn(session, *args, **kwargs)
    name = f"{fn.__module__}.{fn.__qualname__}"
    done = session.get(CommandStep, key)
    if done is not None:
        stored_name, result = pickle.loads(done.result)  # written below, by this function
        if stored_name == name:
            return result  # type: ignore[no-any-return]
        raise RuntimeError(f"step {key} was {stored_name}, is now {name}")
    connection = session.connection()
    connection.info.pop(WROTE, None)
    result = fn(session, *args, **kwargs)
    session.flush()
    if connection.info.pop(WROTE, False):
        for read_seq, read_blob in reads or ():
            session.add(CommandStep(update_id=update_id, seq=read_seq, result=read_blob))
        if reads is not None:
            reads.clear()
        blob = pickle.dumps((name, result))
        session.add(CommandStep(update_id=update_id, seq=seq, result=blob))
    elif reads is not None:
        # What cannot be pickled is not replayable as it was: a replay reads it again.
        with contextlib.suppress(pickle.PicklingError, TypeError, AttributeError):
            reads.append((seq, pickle.dumps((name, result))))
    return result


def applied(session: Session, update_id: int) -> bool:
    """Whether a step of this update's command has committed (something was saved)."""
    found = select(CommandStep.seq).where(CommandStep.update_id == update_id).limit(1)
    return session.exec(found).first() is not None


def mark_processed(session: Session, update_id: int, now: datetime) -> None:
    """Done: answered (or refused). The payload and the steps are no longer needed."""
    session.execute(
        update(ReceivedUpdate)
        .where(ReceivedUpdate.update_id == update_id, col(ReceivedUpdate.processed_at).is_(None))
        .values(processed_at=now, payload=None)
    )
    session.execute(delete(CommandStep).where(col(CommandStep.update_id) == update_id))


def retry_later(session: Session, update_id: int, *, now: datetime, after: timedelta) -> bool:
    """The answer could not be sent: try again after ``after`` (doubling per attempt).
    Returns False, and gives up on the update, once it has had ``MAX_ATTEMPTS``."""
    row = session.get(ReceivedUpdate, update_id)
    if row is None or row.processed_at is not None:
        return False
    if row.attempts >= MAX_ATTEMPTS:
        mark_processed(session, update_id, now)
        return False
    row.claimed_at = None
    row.not_before = now + after * 2 ** max(row.attempts - 1, 0)
    return True


def unprocessed(session: Session, now: datetime) -> list[dict[str, Any]]:
    """Stored updates not yet processed (a crash came in between, or an answer waits for
    its next try) that may be tried now, oldest first."""
    rows = session.exec(
        select(ReceivedUpdate.payload)
        .where(col(ReceivedUpdate.processed_at).is_(None))
        .where(or_(col(ReceivedUpdate.not_before).is_(None), ReceivedUpdate.not_before <= now))
        .order_by(col(ReceivedUpdate.update_id))
    )
    return [json.loads(payload) for payload in rows if payload]


def pending_count(session: Session) -> int:
    """Stored updates not processed yet (a gauge: should stay near zero)."""
    query = select(func.count()).where(col(ReceivedUpdate.processed_at).is_(None))
    return int(session.exec(query).one())


def next_offset(session: Session) -> int | None:
    """The getUpdates offset after the last stored update, if any."""
    last = session.exec(select(func.max(ReceivedUpdate.update_id))).one()
    return None if last is None else last + 1


def prune(session: Session, older_than: timedelta, now: datetime) -> int:
    """Forget processed updates after a while (their ids guard against redelivery until
    then), and steps of updates that never came through the intake."""
    result = session.execute(
        delete(ReceivedUpdate).where(
            col(ReceivedUpdate.processed_at).is_not(None),
            ReceivedUpdate.received_at < now - older_than,
        )
    )
    known = select(ReceivedUpdate.update_id).where(col(ReceivedUpdate.processed_at).is_(None))
    session.execute(delete(CommandStep).where(col(CommandStep.update_id).not_in(known)))
    return int(result.rowcount or 0)
