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

    def may_change(self, agency_id: int) -> bool:
        """Whether this actor may change an item of agency ``agency_id``: coordinators any,
        agency staff only their own agency's, observers none."""
        if self.role is Role.coordinator:
            return True
        return self.role is Role.agency and self.agency_id == agency_id

    def may_see_incident_text(self, *, private: bool) -> bool:
        """An incident's place and notes: free text, so only in a private chat (what goes
        to a group may reach observers) and never to an observer."""
        return private and self.role is not Role.observer

    def may_see_detail(self, agency_code: str | None, *, private: bool) -> bool:
        """Need to know: item-level detail (item text, update notes, history, item lists,
        exports with free text) of agency ``agency_code`` (None: of every agency) goes to
        coordinators and to that agency's own staff, and only in a private chat. Groups
        and observers get counts, reports and the de-identified panel."""
        if not private:
            return False
        if self.role is Role.coordinator:
            return True
        return (
            self.role is Role.agency
            and agency_code is not None
            and agency_code.upper() == self.agency_code
        )

    def may_read(self, agency_code: str | None) -> bool:
        """Whether this actor may read the item detail of agency ``agency_code`` (None: of
        every agency): agency staff only their own agency's (need to know)."""
        if self.role is not Role.agency:
            return True
        return agency_code is not None and agency_code.upper() == self.agency_code
