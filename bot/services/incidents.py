"""Recording an incident (the step both ways of entering one, ``/incidente campo=valor`` and
the guided form, end with) and correcting one."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.input.incident_fields import Context, build_changes
from domain.actor import Actor
from domain.errors import Forbidden
from storage.drafts import delete_draft
from storage.engine import Session
from storage.incidents import (
    IncidentData,
    IncidentView,
    create_incident,
    edit_incident,
    get_incident,
)
from storage.sectors import all_sector_names


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


def correct_incident(
    session: Session,
    actor: Actor,
    code: str,
    *,
    fields: dict[str, str],
    group_sectors: list[str] | None,
    zone: ZoneInfo,
    now: datetime,
) -> tuple[IncidentView, dict[str, tuple[object, object]]]:
    """``/incidente_editar``: the changes are validated against the incident's current facts
    and, in a group (``group_sectors``), refused unless it is one of the group's sectors;
    read, checked and changed in one transaction. Returns the incident and what changed."""
    sectors = group_sectors if group_sectors is not None else all_sector_names(session)
    current = get_incident(session, code)
    if group_sectors is not None and current.data.sector not in sectors:
        raise Forbidden("error.incident_other_group", code=current.code)
    changes = build_changes(fields, current.data, Context(now, zone, sectors))
    return edit_incident(session, actor, code, changes=changes, now=now)
