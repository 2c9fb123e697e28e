"""Recording an incident: the step both ways of entering one (``/incidente campo=valor`` and
the guided form) end with."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.actor import Actor
from storage.drafts import delete_draft
from storage.engine import Session
from storage.incidents import IncidentData, IncidentView, create_incident


def record_incident(
    session: Session,
    actor: Actor,
    data: IncidentData,
    *,
    zone: ZoneInfo,
    now: datetime,
    chat_id: int,
    draft_of: int | None = None,
) -> IncidentView:
    """Store a validated incident recorded in ``chat_id``. ``draft_of`` (a Telegram user id)
    deletes that user's guided-form draft in the same transaction, so a crash can never
    leave both the incident and a draft that would record it again."""
    incident = create_incident(session, actor, data, zone=zone, now=now, chat_id=chat_id)
    if draft_of is not None:
        delete_draft(session, chat_id, draft_of)
    return incident
