"""Police sectors, the coordination groups that cover them, groups waiting to be registered,
and each group's recurring meeting schedules."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, false
from sqlmodel import Field, SQLModel

from storage.types import utc_column


class Sector(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    key: str = Field(max_length=80, unique=True)  # accent- and case-folded name
    # The three letters that start its incident codes (PLA-2026-031); unique per sector.
    prefix: str | None = Field(default=None, max_length=3, unique=True)
    comparison: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    alcaldia: str | None = Field(default=None, max_length=80)  # with accents: Álvaro Obregón


class CoordinationGroup(SQLModel, table=True):
    __tablename__ = "coordination_group"

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    title: str = Field(max_length=255)
    registered_by: int = Field(foreign_key="member.id")
    created_at: datetime = utc_column()


class GroupSector(SQLModel, table=True):
    __tablename__ = "group_sector"

    group_id: int = Field(foreign_key="coordination_group.id", primary_key=True)
    sector_id: int = Field(foreign_key="sector.id", primary_key=True)


class MeetingSchedule(SQLModel, table=True):
    __tablename__ = "meeting_schedule"

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="coordination_group.id", index=True)
    kind: str = Field(max_length=16)
    weekday: int  # 0 = Monday, local
    minute_of_day: int  # local time, minutes after midnight
    created_by: int = Field(foreign_key="member.id")
    created_at: datetime = utc_column()


class PendingGroup(SQLModel, table=True):
    """A group a coordinator added the bot to, not registered yet (left after 10 minutes)."""

    __tablename__ = "pending_group"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    title: str = Field(default="", max_length=255)
    added_by: int = Field(sa_column=Column(BigInteger, nullable=False))  # Telegram user id
    added_at: datetime = utc_column()
