"""Agencies, members and the invite codes that make a Telegram user a member."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, true
from sqlmodel import Field, SQLModel

from storage.types import utc_column


class Agency(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=120)
    created_at: datetime = utc_column()


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
    created_at: datetime = utc_column()


class InviteCode(SQLModel, table=True):
    __tablename__ = "invite_code"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    role: str = Field(max_length=16)
    created_by: int = Field(foreign_key="member.id")
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column()
    used_by: int | None = Field(default=None, foreign_key="member.id")
    used_at: datetime | None = utc_column(nullable=True)
