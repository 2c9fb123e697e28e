"""The enumerated terms of the product's vocabulary (PRODUCT.md): roles, action-item
statuses and kinds, incident types, risk levels and meeting kinds.

Their values are what the database stores and what the code compares; the words people
type for them are in ``bot.input.vocabulary``, the words the bot writes in the catalog.
"""

from __future__ import annotations

import enum


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


class IncidentType(enum.StrEnum):
    homicide = "homicide"  # homicidio doloso con arma de fuego
    nonfatal = "nonfatal"  # lesiones por disparo de arma de fuego


class Risk(enum.StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class MeetingKind(enum.StrEnum):
    review = "review"  # revisión de disparos
    coordination = "coordination"  # reunión de coordinación
