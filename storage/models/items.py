"""Action items (acuerdos) and their append-only history of status updates (avances)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from domain.terms import Status
from storage.types import utc_column


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
    due_at: datetime = utc_column()
    created_by: int = Field(foreign_key="member.id")
    created_at: datetime = utc_column()
    closed_at: datetime | None = utc_column(nullable=True)
    status_since: datetime | None = utc_column(nullable=True)  # when status last changed


class StatusUpdate(SQLModel, table=True):
    __tablename__ = "status_update"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="action_item.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    status: str = Field(max_length=16)
    note: str = Field(default="", max_length=1000)
    created_at: datetime = utc_column()


class ItemChange(SQLModel, table=True):
    """One correction of an item by a coordinator (``/editar``): the field, its old and new
    value as text, who and when. Append-only, like ``StatusUpdate``: a correction never
    overwrites the record of what the item said before."""

    __tablename__ = "item_change"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="action_item.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    field: str = Field(max_length=16)
    old: str = Field(default="", max_length=1000)
    new: str = Field(default="", max_length=1000)
    reason: str = Field(default="", max_length=1000)
    created_at: datetime = utc_column()
