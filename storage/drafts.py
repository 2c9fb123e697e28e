"""Drafts of the guided incident conversation: one per (chat, user), kept in the database
so a restart or a second bot instance loses nothing, and expired by the injected clock."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, select

from storage.models.incidents import IncidentDraft


def get_draft(
    session: Session, chat_id: int, telegram_id: int
) -> tuple[str, dict[str, Any], datetime] | None:
    """(step, answers, last activity) of the user's draft in that chat, if any."""
    draft = session.exec(
        select(IncidentDraft).where(
            IncidentDraft.chat_id == chat_id, IncidentDraft.telegram_id == telegram_id
        )
    ).first()
    if draft is None:
        return None
    return draft.step, json.loads(draft.data), draft.updated_at


def save_draft(
    session: Session,
    chat_id: int,
    telegram_id: int,
    *,
    step: str,
    data: dict[str, Any],
    now: datetime,
) -> None:
    draft = session.exec(
        select(IncidentDraft).where(
            IncidentDraft.chat_id == chat_id, IncidentDraft.telegram_id == telegram_id
        )
    ).first()
    if draft is None:
        draft = IncidentDraft(chat_id=chat_id, telegram_id=telegram_id, step=step)
    draft.step, draft.data, draft.updated_at = step, json.dumps(data, ensure_ascii=False), now
    session.add(draft)


def delete_draft(session: Session, chat_id: int, telegram_id: int) -> bool:
    result = session.execute(
        delete(IncidentDraft).where(
            IncidentDraft.chat_id == chat_id,  # type: ignore[arg-type]
            IncidentDraft.telegram_id == telegram_id,  # type: ignore[arg-type]
        )
    )
    return bool(result.rowcount)


def purge_drafts(session: Session, idle: timedelta, now: datetime) -> int:
    """Delete drafts idle for longer than ``idle``; returns how many."""
    result = session.execute(
        delete(IncidentDraft).where(IncidentDraft.updated_at < now - idle)  # type: ignore[arg-type]
    )
    return int(result.rowcount)
