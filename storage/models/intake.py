"""Every update received from Telegram, and the committed steps of the command it carries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Integer, LargeBinary, Text
from sqlmodel import Field, SQLModel

from storage.types import utc_column


class ReceivedUpdate(SQLModel, table=True):
    """Every update from Telegram, stored before it is confirmed or processed: a crash
    loses nothing, and a redelivered update (same id) is not processed twice. The payload
    is dropped once the update is processed: what the user typed is kept only where the
    command stored it, never here."""

    __tablename__ = "received_update"

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    payload: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    received_at: datetime = utc_column()
    claimed_at: datetime | None = utc_column(nullable=True)  # a lease while processing
    processed_at: datetime | None = utc_column(nullable=True)
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    not_before: datetime | None = utc_column(nullable=True)  # the next try after a failed answer


class CommandStep(SQLModel, table=True):
    """What one database step of a command returned, committed in that step's transaction.

    A command that wrote something and then died (or could not send its answer) is replayed
    from its stored update: its committed steps return what they returned the first time
    instead of running again, so the command applies exactly once and its answer is sent
    from what was stored. Deleted when the update is marked processed.
    """

    __tablename__ = "command_step"

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    seq: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    result: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
