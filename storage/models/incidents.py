"""Tables of the shooting-review cycle: incidents, reviews and their agendas, attendance and
decisions, and the drafts of the guided incident conversation.

Timeliness facts (when an incident was reviewed, when its first action item was completed)
are stored on the incident when they happen, so reports never reconstruct them from text.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import utc_column


class Incident(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("sector_id", "year", "seq"),
        UniqueConstraint("source", "source_ref", name="uq_incident_source_ref"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    sector_id: int = Field(foreign_key="sector.id", index=True)
    year: int
    seq: int
    type: str = Field(max_length=16)
    occurred_at: datetime = utc_column(index=True)
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
    created_at: datetime = utc_column()
    reviewed_at: datetime | None = utc_column(nullable=True)
    review_id: int | None = Field(default=None, foreign_key="review.id")
    first_completed_at: datetime | None = utc_column(nullable=True)
    # Where the record comes from (``bot``, ``fgj`` or the name given at import) and its id
    # there (e.g. CDMX-FGJ-00001): re-imports of the same source skip it.
    source: str = Field(default="bot", max_length=40, sa_column_kwargs={"server_default": "bot"})
    source_ref: str | None = Field(default=None, max_length=40)
    # ``domain.measures.Classification``: FGJ's for imports, the chosen type for the bot's.
    classification: str = Field(max_length=24, index=True)
    # A possible duplicate of another record (same sector, type, day, within an hour), and
    # a coordinator's judgement of it (``domain.measures.Duplicate``); NULL = not flagged.
    duplicate_of: int | None = Field(default=None, foreign_key="incident.id")
    duplicate: str | None = Field(default=None, max_length=12)


class Coverage(SQLModel, table=True):
    """The days a source's records are complete for: from an import's first to its last
    event (or ``--from/--to``). Weeks outside every source's coverage are missing data in the
    panel and "sin datos" in charts, never zero. ``sector_id`` NULL: every sector (the FGJ
    file covers the whole city). The bot's own coverage is not stored: it runs from the
    registration of the group covering a sector to now."""

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=40, index=True)
    sector_id: int | None = Field(default=None, foreign_key="sector.id")
    first_day: date
    last_day: date
    created_at: datetime = utc_column()


class Review(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="coordination_group.id", index=True)
    # Equal to group_id while the review is open, NULL once closed: the unique index makes
    # "one open review per group" hold even for two concurrent /review start.
    open_group_id: int | None = Field(default=None, unique=True)
    opened_by: int = Field(foreign_key="member.id")
    opened_at: datetime = utc_column()
    closed_at: datetime | None = utc_column(nullable=True)
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
    first_seen_at: datetime = utc_column()
    declared: bool = Field(default=False)  # said /presente rather than acting


class ReviewNote(SQLModel, table=True):
    """A decision recorded during a review (``/decision``), for the minutes."""

    __tablename__ = "review_note"

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    text: str = Field(max_length=500)
    created_at: datetime = utc_column()


class IncidentDraft(SQLModel, table=True):
    """The guided /incidente conversation, kept in the database (not in memory)."""

    __tablename__ = "incident_draft"
    __table_args__ = (UniqueConstraint("chat_id", "telegram_id"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    telegram_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    step: str = Field(max_length=16)
    data: str = Field(default="{}", max_length=4000)  # JSON of the answers so far
    updated_at: datetime = utc_column()
