"""Tables of the shooting-review cycle: incidents, reviews and their agendas, attendance and
decisions, meeting schedules, and the drafts of the guided incident conversation.

Timeliness facts (when an incident was reviewed, when its first action item was completed)
are stored on the incident when they happen, so reports never reconstruct them from text.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import utc_column as _utc_column


class IncidentType(enum.StrEnum):
    homicide = "homicide"  # homicidio doloso con arma de fuego
    nonfatal = "nonfatal"  # lesiones por disparo de arma de fuego


class Risk(enum.StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class MeetingKind(enum.StrEnum):
    review = "review"  # revisión de disparos
    coordination = "coordination"  # reunión de coordinación


class Incident(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("sector_id", "year", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    sector_id: int = Field(foreign_key="sector.id", index=True)
    year: int
    seq: int
    type: str = Field(max_length=16)
    occurred_at: datetime = _utc_column(index=True)
    time_known: bool = Field(default=True)
    place: str = Field(default="", max_length=120)
    victims: int = Field(default=0)  # fatal
    injured: int = Field(default=0)  # non-fatal
    group_code: str | None = Field(default=None, max_length=12)
    conflict_code: str | None = Field(default=None, max_length=12)
    risk: str | None = Field(default=None, max_length=8)
    notes: str = Field(default="", max_length=500)
    group_id: int | None = Field(default=None, foreign_key="coordination_group.id")
    created_by: int = Field(foreign_key="member.id")
    created_at: datetime = _utc_column()
    reviewed_at: datetime | None = _utc_column(nullable=True)
    review_id: int | None = Field(default=None, foreign_key="review.id")
    first_completed_at: datetime | None = _utc_column(nullable=True)
    # The id in the file it was imported from (e.g. CDMX-FGJ-00001): re-imports skip it.
    source_ref: str | None = Field(default=None, max_length=40, unique=True)


class Review(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="coordination_group.id", index=True)
    # Equal to group_id while the review is open, NULL once closed: the unique index makes
    # "one open review per group" hold even for two concurrent /review start.
    open_group_id: int | None = Field(default=None, unique=True)
    opened_by: int = Field(foreign_key="member.id")
    opened_at: datetime = _utc_column()
    closed_at: datetime | None = _utc_column(nullable=True)
    closed_by: int | None = Field(default=None, foreign_key="member.id")
    auto_closed: bool = Field(default=False)
    cursor: int = Field(default=0)  # agenda entries already walked with /review next


class ReviewAgenda(SQLModel, table=True):
    __tablename__ = "review_agenda"

    review_id: int = Field(foreign_key="review.id", primary_key=True)
    position: int = Field(primary_key=True)
    incident_id: int = Field(foreign_key="incident.id")


class ReviewAttendance(SQLModel, table=True):
    __tablename__ = "review_attendance"

    review_id: int = Field(foreign_key="review.id", primary_key=True)
    member_id: int = Field(foreign_key="member.id", primary_key=True)
    first_seen_at: datetime = _utc_column()
    declared: bool = Field(default=False)  # said /presente rather than acting


class ReviewNote(SQLModel, table=True):
    """A decision recorded during a review (``/decision``), for the minutes."""

    __tablename__ = "review_note"

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    text: str = Field(max_length=500)
    created_at: datetime = _utc_column()


class MeetingSchedule(SQLModel, table=True):
    __tablename__ = "meeting_schedule"

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="coordination_group.id", index=True)
    kind: str = Field(max_length=16)
    weekday: int  # 0 = Monday, local
    minute_of_day: int  # local time, minutes after midnight
    created_by: int = Field(foreign_key="member.id")
    created_at: datetime = _utc_column()


class ReceivedUpdate(SQLModel, table=True):
    """Every update from Telegram, stored before it is confirmed or processed: a crash
    loses nothing, and a redelivered update (same id) is not processed twice."""

    __tablename__ = "received_update"

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    payload: str = Field(sa_column=Column(Text, nullable=False))
    received_at: datetime = _utc_column()
    claimed_at: datetime | None = _utc_column(nullable=True)  # a lease while processing
    processed_at: datetime | None = _utc_column(nullable=True)


class PendingGroup(SQLModel, table=True):
    """A group a coordinator added the bot to, not registered yet (left after 10 minutes)."""

    __tablename__ = "pending_group"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    title: str = Field(default="", max_length=255)
    added_by: int = Field(sa_column=Column(BigInteger, nullable=False))  # Telegram user id
    added_at: datetime = _utc_column()


class IncidentDraft(SQLModel, table=True):
    """The guided /incidente conversation, kept in the database (not in memory)."""

    __tablename__ = "incident_draft"
    __table_args__ = (UniqueConstraint("chat_id", "telegram_id"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    telegram_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    step: str = Field(max_length=16)
    data: str = Field(default="{}", max_length=4000)  # JSON of the answers so far
    updated_at: datetime = _utc_column()
