"""Recurring meeting schedules of a coordination group, stored in local weekday and time."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from domain.actor import Actor
from domain.errors import Conflict, NotFound
from domain.terms import MeetingKind
from storage import audit
from storage.groups import group_id_of
from storage.models.groups import MeetingSchedule


def add_schedule(
    session: Session,
    actor: Actor,
    chat_id: int,
    *,
    kind: MeetingKind,
    weekday: int,
    minute_of_day: int,
    now: datetime,
) -> MeetingSchedule:
    group_id = group_id_of(session, chat_id)
    duplicate = session.exec(
        select(MeetingSchedule).where(
            MeetingSchedule.group_id == group_id,
            MeetingSchedule.kind == kind,
            MeetingSchedule.weekday == weekday,
            MeetingSchedule.minute_of_day == minute_of_day,
        )
    ).first()
    if duplicate is not None:
        raise Conflict("error.meeting_exists", n=duplicate.id)
    schedule = MeetingSchedule(
        group_id=group_id,
        kind=kind,
        weekday=weekday,
        minute_of_day=minute_of_day,
        created_by=actor.member_id,
        created_at=now,
    )
    return audit.added(
        session,
        schedule,
        by=actor.member_id,
        at=now,
        action="meeting.add",
        entity="meeting",
        kind=kind,
        weekday=weekday,
        minute=minute_of_day,
    )


def list_schedules(session: Session, chat_id: int) -> list[MeetingSchedule]:
    group_id = group_id_of(session, chat_id)
    return list(
        session.exec(
            select(MeetingSchedule)
            .where(MeetingSchedule.group_id == group_id)
            .order_by(col(MeetingSchedule.weekday), col(MeetingSchedule.minute_of_day))
        )
    )


def remove_schedule(
    session: Session, actor: Actor, chat_id: int, *, schedule_id: int, now: datetime
) -> MeetingSchedule:
    group_id = group_id_of(session, chat_id)
    schedule = session.get(MeetingSchedule, schedule_id)
    if schedule is None or schedule.group_id != group_id:
        raise NotFound("error.meeting_unknown", n=schedule_id)
    session.delete(schedule)
    audit.record(
        session,
        at=now,
        actor_id=actor.member_id,
        action="meeting.remove",
        entity="meeting",
        entity_id=schedule_id,
    )
    return schedule
