"""What a review or a meeting should look at, gathered in one database transaction.

Both agendas combine several repository reads; doing them in one ``Database.run`` call keeps
them consistent with each other and costs one trip to the database thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.input.meeting_times import next_occurrence
from domain.actor import Actor
from domain.terms import Status
from storage import actions, meetings, reviews
from storage.actions import ItemView
from storage.engine import Session
from storage.groups import group_id_of
from storage.incidents import IncidentView, unreviewed_incidents
from storage.models.groups import MeetingSchedule


@dataclass(frozen=True, slots=True)
class ReviewOpening:
    agenda: list[IncidentView]  # unreviewed incidents of the lookback window
    linked: list[ItemView]  # open items tied to earlier incidents
    overdue: list[ItemView]


@dataclass(frozen=True, slots=True)
class MeetingAgenda:
    upcoming: tuple[MeetingSchedule, datetime] | None
    incidents: list[IncidentView]
    due_soon: list[ItemView]  # due between now and the next meeting
    overdue: list[ItemView]
    blocked: list[tuple[ItemView, str]]  # with the last note


def open_review(
    session: Session, actor: Actor, chat_id: int, *, now: datetime, lookback_days: int
) -> ReviewOpening:
    """Open the group's review on the unreviewed incidents of the last ``lookback_days``."""
    since = now - timedelta(days=lookback_days)
    _review, agenda = reviews.start_review(session, actor, chat_id, since=since, now=now)
    linked = reviews.incident_items(session, group_id_of(session, chat_id), [i.id for i in agenda])
    overdue = actions.list_open_items(session, now, overdue_only=True, chat_id=chat_id)
    return ReviewOpening(agenda, linked, overdue)


def meeting_agenda(
    session: Session, chat_id: int, *, now: datetime, zone: ZoneInfo, lookback_days: int
) -> MeetingAgenda:
    """The next meeting and what it should look at."""
    upcoming = next_occurrence(meetings.list_schedules(session, chat_id), now, zone)
    since = now - timedelta(days=lookback_days)
    incidents = unreviewed_incidents(session, group_id_of(session, chat_id), since)
    open_items = actions.list_open_items(session, now, chat_id=chat_id)
    horizon = upcoming[1] if upcoming else now + timedelta(days=7)
    blocked = [i for i in open_items if i.status is Status.blocked]
    notes = actions.last_notes(session, [i.id for i in blocked])
    return MeetingAgenda(
        upcoming=upcoming,
        incidents=incidents,
        due_soon=sorted(
            (i for i in open_items if now <= i.due_at <= horizon), key=lambda i: i.due_at
        ),
        overdue=[i for i in open_items if i.is_overdue(now)],
        blocked=[(i, notes.get(i.id, "")) for i in blocked],
    )
