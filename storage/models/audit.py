"""The audit log: who changed what, when."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.types import utc_column


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_column(index=True)
    actor_id: int | None = Field(default=None, foreign_key="member.id")
    action: str = Field(max_length=64)
    entity: str = Field(max_length=32)
    entity_id: str = Field(default="", max_length=64)
    details: str = Field(default="", max_length=2000)
