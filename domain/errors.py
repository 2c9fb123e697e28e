"""Domain errors: expected refusals that the bot turns into a message for the user.

Each carries a message-catalog key and its parameters, so storage never holds user-facing
text and the single error handler in ``bot.errors`` renders it in the configured language.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal the user can act on; nothing was written."""

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
        self.language: str | None = None  # set by the bot: the language to answer in


class NotFound(DomainError):
    pass


class Forbidden(DomainError):
    pass


class Conflict(DomainError):
    pass


class InvalidInput(DomainError):
    pass
