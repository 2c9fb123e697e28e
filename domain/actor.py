"""Who is acting, and what they may see and change: the one place for ownership rules."""

from __future__ import annotations

from dataclasses import dataclass

from domain.terms import Role


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: a detached, immutable view of a member (or of nobody)."""

    telegram_id: int
    display_name: str
    member_id: int | None = None
    role: Role | None = None
    agency_id: int | None = None
    agency_code: str | None = None
    language: str | None = None
    private_reminders: bool = True

    @property
    def is_member(self) -> bool:
        return self.role is not None

    @property
    def is_coordinator(self) -> bool:
        return self.role is Role.coordinator
