"""Tables of the reminder system: every notification the sweep plans, with its delivery
state, and each member's per-item preferences (mute, snooze).

A notification's ``key`` is unique (``item:12:due:m5``, ``meeting:3:collect:2026-12-07:m5``,
``weekly:4:2026-W49``): planning inserts keys that are not there yet, so planning twice, or
from two bot processes at once, plans each notification once.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from storage.types import utc_column


class NoticeState(enum.StrEnum):
    pending = "pending"  # planned, waiting for its time (and for quiet hours to end)
    sending = "sending"  # claimed by a sweep; sent or being sent
    sent = "sent"
    failed = "failed"  # gave up after max_attempts; kept for the record
    summarised = "summarised"  # too old after downtime: folded into one catch-up message
    skipped = "skipped"  # no longer relevant when its turn came (item closed meanwhile)


class Notification(SQLModel, table=True):
    __table_args__ = (Index("ix_notification_due", "state", "send_after"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)
    kind: str = Field(max_length=24)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    member_id: int | None = Field(default=None, foreign_key="member.id")
    item_id: int | None = Field(default=None, foreign_key="action_item.id")
    group_id: int | None = Field(default=None, foreign_key="coordination_group.id")
    meeting_id: int | None = Field(default=None)
    about_at: datetime | None = utc_column(nullable=True)  # the meeting it announces
    fire_at: datetime = utc_column()  # when it became due
    send_after: datetime = utc_column()  # fire_at moved past quiet hours, or a retry's back-off
    state: str = Field(default=NoticeState.pending, max_length=12)
    attempts: int = Field(default=0)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = utc_column(nullable=True)
    sent_at: datetime | None = utc_column(nullable=True)
    fallback: bool = Field(default=False)  # delivered to the group instead of privately
    last_error: str = Field(default="", max_length=300)
    payload: str = Field(default="", max_length=2000)  # JSON for kinds that need more
    created_at: datetime = utc_column()


class ItemPreference(SQLModel, table=True):
    """A member's wishes about one item's reminders."""

    __tablename__ = "item_preference"

    item_id: int = Field(foreign_key="action_item.id", primary_key=True)
    member_id: int = Field(foreign_key="member.id", primary_key=True)
    muted: bool = Field(default=False)
    snoozed_until: datetime | None = utc_column(nullable=True)
