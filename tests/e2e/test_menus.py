"""The "/" menus per scope and language, replies in the member's Telegram language, and the
group's "see the detail in private" deep link: through the strict fake Bot API."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.views.i18n import Catalog, plain
from fakegram.server import BOT_USERNAME, Sent
from tests.conftest import COORD, GROUP, OBSERVER, OTHER_GROUP, SSC_STAFF, STRANGER, World

SPEC = json.loads((Path(__file__).parents[2] / "fakegram" / "api.json").read_text())
_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")
ZONE = ZoneInfo("America/Mexico_City")


def _scope_types() -> dict[str, dict[str, Any]]:
    """``type`` value → the spec's BotCommandScope subtype (its fields by name)."""
    types = SPEC["types"]
    result = {}
    for name in types["BotCommandScope"]["subtypes"]:
        fields = {f["name"]: f for f in types[name]["fields"]}
        value = re.search(r"must be (\w+)", fields["type"]["description"]).group(1)  # type: ignore[union-attr]
        result[value] = fields
    return result


def _menus(world: World) -> dict[tuple[tuple[Any, ...], str | None], list[str]]:
    """(scope, language) → command names, from every setMyCommands call; fails on a repeat."""
    menus: dict[tuple[tuple[Any, ...], str | None], list[str]] = {}
    types = _scope_types()
    for name, params in world.api.calls:
        if name != "setMyCommands":
            continue
        scope = {k: str(v) for k, v in params["scope"].items()}
        fields = types[scope["type"]]  # a BotCommandScope type the spec knows
        assert set(scope) <= set(fields)
        assert {f for f, spec in fields.items() if spec["required"]} <= set(scope)
        for command in params["commands"]:
            assert _NAME_RE.match(command["command"]), command
            assert 1 <= len(command["description"]) <= 256
        key = (tuple(sorted(scope.items())), params.get("language_code"))
        assert key not in menus, f"menu published twice: {key}"
        menus[key] = [c["command"] for c in params["commands"]]
    return menus


PRIVATE = (("type", "all_private_chats"),)
GROUPS = (("type", "all_group_chats"),)
COORD_CHAT = (("chat_id", str(COORD)), ("type", "chat"))
COORD_IN_GROUP = (("chat_id", str(GROUP)), ("type", "chat_member"), ("user_id", str(COORD)))


async def _published(world: World) -> dict[tuple[tuple[Any, ...], str | None], list[str]]:
    world.seed()  # registers GROUP before start-up: its coordinator menu is published
    await world.driver.app.post_init(world.driver.app)  # what ``ceasefire run`` does first
    return _menus(world)


async def test_one_menu_per_scope_and_language(world: World) -> None:
    menus = await _published(world)
    scopes = (PRIVATE, GROUPS, COORD_CHAT, COORD_IN_GROUP)
    assert set(menus) == {(s, lang) for s in scopes for lang in ("es", "en", None)}
    private, group = menus[PRIVATE, "es"], menus[GROUPS, "es"]
    own, own_group = menus[COORD_CHAT, "es"], menus[COORD_IN_GROUP, "es"]
    # Private: what a focal point, an observer or a guest can use there.
    assert {"ayuda", "avance", "hecho", "acciones", "ajustes", "unirse"} <= set(private)
    assert not {"presente", "reunion", "revision", "configurar", "accion", "invitar"} & set(private)
    # Groups: what works in a group for anyone but the coordination.
    assert {"ayuda", "acciones", "avance", "presente", "reunion", "agenda"} <= set(group)
    assert not {"unirse", "ajustes", "invitar", "accion", "revision", "auditoria"} & set(group)
    # The coordination: everything in its own chat and in each registered group.
    assert {"accion", "invitar", "integrantes", "auditoria", "ajustes"} <= set(own)
    assert not {"unirse", "revision", "presente", "configurar"} & set(own)
    assert {"accion", "revision", "decision", "incidente", "presente"} <= set(own_group)
    assert not {"unirse", "ajustes", "invitar"} & set(own_group)
    # English names in English; the default list (no language_code) is the configured one.
    assert {"help", "update", "done", "join", "settings"} <= set(menus[PRIVATE, "en"])
    assert "ayuda" not in menus[PRIVATE, "en"]
    for scope in scopes:
        assert menus[scope, None] == menus[scope, "es"]
        assert len(menus[scope, "en"]) == len(menus[scope, "es"])


async def test_descriptions_come_from_the_catalog_in_each_language(world: World) -> None:
    world.seed()
    await world.driver.app.post_init(world.driver.app)
    calls = [p for n, p in world.api.calls if n == "setMyCommands"]
    by_language = {
        p.get("language_code"): p["commands"]
        for p in calls
        if p["scope"]["type"] == "all_private_chats"
    }
    for language, name in (("es", "ayuda"), ("en", "help")):
        [entry] = [c for c in by_language[language] if c["command"] == name]
        assert entry["description"] == plain(Catalog(language, ZONE).t("help.help"))
        assert "<" not in "".join(c["description"] for c in by_language[language])


@pytest.mark.parametrize("language", ["en"])
async def test_the_default_menu_follows_the_configured_language(world: World) -> None:
    menus = await _published(world)
    assert menus[PRIVATE, None] == menus[PRIVATE, "en"] != menus[PRIVATE, "es"]
    assert "help" in menus[GROUPS, None]


async def test_a_group_registered_later_gets_the_coordinators_menu_at_once(world: World) -> None:
    world.seed()
    await world.driver.app.post_init(world.driver.app)
    before = set(_menus(world))
    await world.send(COORD, OTHER_GROUP, "/configurar Tlatelolco")
    added = set(_menus(world)) - before
    scope = (("chat_id", str(OTHER_GROUP)), ("type", "chat_member"), ("user_id", str(COORD)))
    assert added == {(scope, language) for language in ("es", "en", None)}
    await world.send(COORD, OTHER_GROUP, "/configurar Tlatelolco, Morelos")  # an update
    assert set(_menus(world)) - before == added  # published once (``_menus`` fails on a repeat)


def _intro(language: str) -> str:
    """The first line of /help in ``language``."""
    return plain(Catalog(language, ZONE).t("help.intro")).split("\n")[0]


async def test_replies_follow_telegram_language_until_one_is_chosen(world: World) -> None:
    world.seed()
    world.api.users[SSC_STAFF]["language_code"] = "en-US"
    world.api.users[STRANGER]["language_code"] = "en"
    world.api.users[OBSERVER]["language_code"] = "fr"  # not spoken: the configured es
    english, spanish = _intro("en"), _intro("es")
    assert english in plain(await world.reply(SSC_STAFF, SSC_STAFF, "/ayuda"))
    assert spanish in plain(await world.reply(OBSERVER, OBSERVER, "/help"))
    # A refusal to a guest, in the guest's Telegram language.
    assert "You are not registered" in await world.reply(STRANGER, STRANGER, "/actions")
    # Groups keep the configured language: everyone reads them.
    await world.send(COORD, GROUP, "/accion SSC viernes Visita a la familia")
    text = await world.reply(SSC_STAFF, GROUP, "/acciones")
    assert "abierta" in text
    # An explicit choice wins over the Telegram language.
    await world.send(SSC_STAFF, SSC_STAFF, "/settings language es")
    assert spanish in plain(await world.reply(SSC_STAFF, SSC_STAFF, "/ayuda"))
    assert "Idioma" in await world.reply(SSC_STAFF, SSC_STAFF, "/ajustes")


def _url(message: Sent) -> str:
    [[button]] = message.params["reply_markup"]["inline_keyboard"]
    return button["url"]


def _in(sent: list[Sent], chat: int) -> Sent:
    [message] = [s for s in sent if s.chat_id == chat]
    return message


async def test_group_counts_link_to_the_detail_in_private(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Visita a la familia")
    counts = _in(await world.send(SSC_STAFF, GROUP, "/acciones"), GROUP)
    assert "Visita" not in counts.text
    assert _url(counts) == f"https://t.me/{BOT_USERNAME}?start=acciones"
    detail = _in(await world.send(SSC_STAFF, SSC_STAFF, "/start acciones"), SSC_STAFF)
    assert "Visita a la familia" in detail.text
    # /historial in the group: nothing of the item there, the history one tap away.
    hint = _in(await world.send(SSC_STAFF, GROUP, "/historial 1"), GROUP)
    assert "Visita" not in hint.text and "privado" in hint.text
    assert _url(hint) == f"https://t.me/{BOT_USERNAME}?start=historial_1"
    history = _in(await world.send(SSC_STAFF, SSC_STAFF, "/start historial_1"), SSC_STAFF)
    assert "Visita a la familia" in history.text
    # The link opens nothing the command itself would not: an observer gets counts, a
    # guest is told to join.
    observer = _in(await world.send(OBSERVER, OBSERVER, "/start historial_1"), OBSERVER)
    assert "conteos" in observer.text and "Visita" not in observer.text
    guest = _in(await world.send(STRANGER, STRANGER, "/start acciones"), STRANGER)
    assert "No estás registrado" in guest.text


async def test_the_group_link_is_not_shown_to_an_observer_in_private(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Visita a la familia")
    counts = _in(await world.send(OBSERVER, OBSERVER, "/acciones"), OBSERVER)
    assert "reply_markup" not in counts.params or not counts.params["reply_markup"]
