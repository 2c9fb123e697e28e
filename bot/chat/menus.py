"""Telegram's "/" command menus: one list per scope and language, derived from the command table.

A single list for everyone showed a focal point, in a private chat, commands that only work
in the group or only for the coordination, and no menu at all in a Telegram app set to
another language. So each scope gets the commands that can be used there
(``Spec.where`` and ``roles``, the same facts the ``@command`` guard enforces):

- every private chat: the commands a member or a guest can use in private;
- every group: what a member who is not a coordinator can use in a group;
- each configured coordinator's private chat: the coordination's own full private list;
- each configured coordinator in each registered group (``BotCommandScopeChatMember``): the
  full group list, with the review, the incident log and the group's new items.

Each list is published for ``es`` (Spanish aliases), ``en`` (English names) and once
without a language (the configured language), which a client in any other language shows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeChatMember,
)
from telegram.error import TelegramError

from bot.chat.guard import Where
from bot.runtime.container import Runtime
from bot.views.help import Command
from bot.views.i18n import Catalog, plain
from domain.terms import Role
from storage.groups import registered_chat_ids

log = logging.getLogger(__name__)

MENU_LANGUAGES = ("es", "en")
_DESCRIPTION_MAX = 256  # Telegram's limit for a BotCommand description


class Spec(Command, Protocol):
    """A line of the command table, with where it works (``@command(where=…)``)."""

    @property
    def where(self) -> Where: ...


@dataclass(frozen=True, slots=True)
class Menu:
    """One ``setMyCommands`` call: a scope, a language (None: the default list), commands."""

    scope: BotCommandScope
    language: str | None
    commands: list[BotCommand]


def _coordinators_only(spec: Spec) -> bool:
    return bool(spec.roles) and spec.roles <= {Role.coordinator}


def private_commands(specs: Iterable[Spec]) -> list[Spec]:
    """What anyone but the coordination can use in a private chat (guests: /join)."""
    return [s for s in specs if s.where is not Where.group and not _coordinators_only(s)]


def group_commands(specs: Iterable[Spec], *, coordinator: bool = False) -> list[Spec]:
    """What works in a group, for a coordinator or for anyone else; joining is private."""
    return [
        s
        for s in specs
        if s.where is not Where.private
        and not s.guests_only
        and (coordinator or not _coordinators_only(s))
    ]


def coordinator_commands(specs: Iterable[Spec]) -> list[Spec]:
    """Every command that works in private; a coordinator is a member, so no /join."""
    return [s for s in specs if s.where is not Where.group and not s.guests_only]


def bot_commands(specs: Iterable[Spec], catalog: Catalog) -> list[BotCommand]:
    """Names in the catalog's language (Spanish aliases in Spanish), plain descriptions."""
    spanish = catalog.language == "es"
    return [
        BotCommand(
            spec.alias if spanish else spec.name,
            plain(catalog.t(spec.help_key))[:_DESCRIPTION_MAX],
        )
        for spec in specs
    ]


def menus(
    specs: Sequence[Spec],
    *,
    default_language: str,
    coordinators: Iterable[int],
    groups: Iterable[int] = (),
    zone: ZoneInfo,
) -> list[Menu]:
    """Every menu to publish: scope × (es, en, default); the general scopes first."""
    coordinators, own_group = sorted(coordinators), group_commands(specs, coordinator=True)
    scoped: list[tuple[BotCommandScope, list[Spec]]] = [
        (BotCommandScopeAllPrivateChats(), private_commands(specs)),
        (BotCommandScopeAllGroupChats(), group_commands(specs)),
    ]
    own = coordinator_commands(specs)
    scoped += [(BotCommandScopeChat(chat_id), own) for chat_id in coordinators]
    scoped += [
        (BotCommandScopeChatMember(group, user), own_group)
        for group in groups
        for user in coordinators
    ]
    catalogs = {language: Catalog(language, zone) for language in MENU_LANGUAGES}
    default = catalogs.get(default_language) or Catalog(default_language, zone)
    result = []
    for scope, listed in scoped:
        for language in (*MENU_LANGUAGES, None):
            catalog = catalogs[language] if language else default
            result.append(Menu(scope, language, bot_commands(listed, catalog)))
    return result


async def _publish(bot: Bot, published: Iterable[Menu]) -> None:
    """Send each menu. A coordinator who never opened a private chat with the bot makes
    Telegram refuse that chat's scope ("chat not found"), as does a group the bot has left:
    logged and skipped, the coordinator still sees the general list there."""
    for menu in published:
        try:
            await bot.set_my_commands(menu.commands, scope=menu.scope, language_code=menu.language)
        except TelegramError as error:
            if not isinstance(menu.scope, BotCommandScopeChat | BotCommandScopeChatMember):
                raise
            log.warning("command menu %s skipped: %s", menu.scope.to_dict(), error)


async def publish_commands(bot: Bot, runtime: Runtime, specs: Sequence[Spec]) -> None:
    """Replace Telegram's menus at start-up (``post_init``), for every registered group."""
    groups = await runtime.db.run(registered_chat_ids) if runtime.coordinators else []
    await _publish(
        bot,
        menus(
            specs,
            default_language=runtime.catalog.language,
            coordinators=runtime.coordinators,
            groups=groups,
            zone=runtime.catalog.zone,
        ),
    )


async def publish_group_commands(
    bot: Bot, runtime: Runtime, specs: Sequence[Spec], *, group: int
) -> None:
    """The coordinators' menu in a group just registered (``/configurar``), without
    waiting for the next start."""
    published = menus(
        specs,
        default_language=runtime.catalog.language,
        coordinators=runtime.coordinators,
        groups=[group],
        zone=runtime.catalog.zone,
    )
    await _publish(bot, [m for m in published if isinstance(m.scope, BotCommandScopeChatMember)])
