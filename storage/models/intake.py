"""Every update received from Telegram, stored before it is confirmed or processed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Text
from sqlmodel import Field, SQLModel

from storage.types import utc_column


class ReceivedUpdate(SQLModel, table=True):
    """Every update from Telegram, stored before it is confirmed or processed: a crash
    loses nothing, and a redelivered update (same id) is not processed twice."""

    __tablename__ = "received_update"

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    payload: str = Field(sa_column=Column(Text, nullable=False))
    received_at: datetime = utc_column()
    claimed_at: datetime | None = utc_column(nullable=True)  # a lease while processing
    processed_at: datetime | None = utc_column(nullable=True)
