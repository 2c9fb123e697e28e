"""``/ayuda``: what the bot does and the commands the asker may use, by language and role."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from bot.views.i18n import Catalog, Safe
from domain.actor import Actor
from domain.terms import Role


class Command(Protocol):
    """A line of the command table (``handlers.COMMANDS``)."""

    name: str  # English
    alias: str  # Spanish
    help_key: str
    guests_only: bool  # hidden once the user is a member

    @property
    def roles(self) -> frozenset[Role]: ...


def help_text(catalog: Catalog, actor: Actor, commands: Iterable[Command]) -> Safe:
    """The commands ``actor`` may use, each under its name in the catalog's language first."""
    spanish = catalog.language == "es"
    lines = [catalog.t("help.intro")]
    if actor.role is None:
        lines.append(catalog.t("help.not_member"))
    else:
        lines.append(catalog.t(f"help.role_{actor.role.value}", agency=actor.agency_code or ""))
    for spec in commands:
        if (spec.roles and actor.role not in spec.roles) or (spec.guests_only and actor.is_member):
            continue
        names = (spec.alias, spec.name) if spanish else (spec.name, spec.alias)
        lines.append(
            catalog.t("help.line", cmd=names[0], alias=names[1], text=catalog.t(spec.help_key))
        )
    return Safe("\n".join(lines))
