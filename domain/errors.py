"""Domain errors: expected refusals that the bot turns into a message for the user.

Each carries a message-catalog key and its parameters, so neither storage nor the parsers
hold user-facing text: the single error handler (``bot.chat.error_handler``) renders it in
the asker's language.
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
