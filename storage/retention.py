"""Retention: free text older than ``[privacy] retention_days`` is anonymised.

Closed action items lose their text, their updates' notes and the texts and reasons of
their corrections (``/editar``); incidents lose their place,
group and conflict codes and notes. Dates, sectors, agencies, kinds, statuses and counts stay,
so the KPIs and the evaluators' panel keep their history while nothing written about a case
outlives the retention period. Each pass that changes anything leaves an audit entry.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from storage import audit
from storage.models.incidents import Incident
from storage.models.items import ActionItem, ItemChange, StatusUpdate

REDACTED = "—"


def _anonymise_corrections(session: Session, old_items: Select) -> int:  # type: ignore[type-arg]
    """A correction's old and new text and its reason are free text about the case too."""
    text = ItemChange.field == "text"
    return int(
        session.execute(
            update(ItemChange)
            .where(col(ItemChange.item_id).in_(old_items))
            .where(
                (text & ((ItemChange.old != REDACTED) | (ItemChange.new != REDACTED)))
                | (ItemChange.reason != "")
            )
            .values(
                old=case((text, REDACTED), else_=ItemChange.old),
                new=case((text, REDACTED), else_=ItemChange.new),
                reason="",
            )
        ).rowcount
        or 0
    )


def anonymise(session: Session, older_than_days: int, now: datetime) -> dict[str, int]:
    """Anonymise what is past retention; returns how many rows of each kind changed."""
    cutoff = now - timedelta(days=older_than_days)
    old_items = (
        select(ActionItem.id)
        .where(col(ActionItem.status).in_(["done", "cancelled"]))
        .where(ActionItem.closed_at < cutoff)
    )
    items = session.execute(
        update(ActionItem)
        .where(col(ActionItem.id).in_(old_items), ActionItem.text != REDACTED)
        .values(text=REDACTED)
    ).rowcount
    notes = session.execute(
        update(StatusUpdate)
        .where(col(StatusUpdate.item_id).in_(old_items), StatusUpdate.note != "")
        .values(note="")
    ).rowcount
    corrections = _anonymise_corrections(session, old_items)
    incidents = session.execute(
        update(Incident)
        .where(Incident.occurred_at < cutoff)
        .where(
            (Incident.place != "")
            | (Incident.notes != "")
            | col(Incident.group_code).is_not(None)
            | col(Incident.conflict_code).is_not(None)
        )
        .values(place="", notes="", group_code=None, conflict_code=None)
    ).rowcount
    changed = {
        "items": int(items or 0),
        "notes": int(notes or 0),
        "corrections": int(corrections or 0),
        "incidents": int(incidents or 0),
    }
    if any(changed.values()):
        audit.record(
            session,
            at=now,
            actor_id=None,
            action="retention.anonymise",
            entity="database",
            days=older_than_days,
            **changed,
        )
    return changed
