"""SQLModel tables: the source of truth for agencies, members, groups and action items.

Every timestamp is a ``UTCDateTime``: stored as naive UTC (portable between SQLite and
PostgreSQL) and always handed back as an aware UTC datetime, so rendering code only has to
convert to the configured zone.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, false, true
from sqlmodel import Field, SQLModel

from storage.types import utc_column as _utc_column


class Role(enum.StrEnum):
    coordinator = "coordinator"
    agency = "agency"
    observer = "observer"


class Status(enum.StrEnum):
    open = "open"
    progress = "progress"
    done = "done"
    blocked = "blocked"
    cancelled = "cancelled"

    @property
    def is_closed(self) -> bool:
        return self in (Status.done, Status.cancelled)


OPEN_STATUSES = (Status.open, Status.progress, Status.blocked)


class Agency(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=120)
    created_at: datetime = _utc_column()


class Member(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    display_name: str = Field(max_length=120)
    role: str = Field(max_length=16)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    active: bool = Field(default=True)
    started_bot: bool = Field(default=False)
    language: str | None = Field(default=None, max_length=2)  # None = the configured one
    private_reminders: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    created_at: datetime = _utc_column()


class Sector(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    key: str = Field(max_length=80, unique=True)  # accent- and case-folded name
    # The three letters that start its incident codes (PLA-2026-031); unique per sector.
    prefix: str | None = Field(default=None, max_length=3, unique=True)
    comparison: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class CoordinationGroup(SQLModel, table=True):
    __tablename__ = "coordination_group"

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    title: str = Field(max_length=255)
    registered_by: int = Field(foreign_key="member.id")
    created_at: datetime = _utc_column()


class GroupSector(SQLModel, table=True):
    __tablename__ = "group_sector"

    group_id: int = Field(foreign_key="coordination_group.id", primary_key=True)
    sector_id: int = Field(foreign_key="sector.id", primary_key=True)


class ActionKind(enum.StrEnum):
    """What an action item does; each kind has a default deadline in the settings."""

    notification = "notification"
    outreach = "outreach"
    hospital = "hospital"
    family_support = "family_support"
    referral = "referral"
    enforcement = "enforcement"
    investigation = "investigation"
    other = "other"


class ActionItem(SQLModel, table=True):
    __tablename__ = "action_item"
    __table_args__ = (Index("ix_action_item_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    group_id: int | None = Field(default=None, foreign_key="coordination_group.id", index=True)
    kind: str | None = Field(default=None, max_length=24)
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    review_id: int | None = Field(default=None, foreign_key="review.id", index=True)
    text: str = Field(max_length=1000)
    status: str = Field(default=Status.open, max_length=16)
    due_at: datetime = _utc_column()
    created_by: int = Field(foreign_key="member.id")
    created_at: datetime = _utc_column()
    closed_at: datetime | None = _utc_column(nullable=True)
    status_since: datetime | None = _utc_column(nullable=True)  # when status last changed


class StatusUpdate(SQLModel, table=True):
    __tablename__ = "status_update"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="action_item.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    status: str = Field(max_length=16)
    note: str = Field(default="", max_length=1000)
    created_at: datetime = _utc_column()


class InviteCode(SQLModel, table=True):
    __tablename__ = "invite_code"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    role: str = Field(max_length=16)
    created_by: int = Field(foreign_key="member.id")
    created_at: datetime = _utc_column()
    expires_at: datetime = _utc_column()
    used_by: int | None = Field(default=None, foreign_key="member.id")
    used_at: datetime | None = _utc_column(nullable=True)


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _utc_column(index=True)
    actor_id: int | None = Field(default=None, foreign_key="member.id")
    action: str = Field(max_length=64)
    entity: str = Field(max_length=32)
    entity_id: str = Field(default="", max_length=64)
    details: str = Field(default="", max_length=2000)
