"""/start, /help and /join: welcome, role-aware help and joining with an invite code."""

from __future__ import annotations

import re

from bot.chat.guard import ANYONE, Where, command
from bot.chat.request import Request
from bot.views.i18n import Safe
from domain.errors import InvalidInput
from domain.terms import Role
from storage.invites import redeem_invite

_CODE_RE = re.compile(r"^[A-Za-z0-9]{6,32}$")


def _help_text(req: Request) -> Safe:
    """The help for the asker's language and role, built once per combination: /help is
    the most frequent command of new members, and 30 catalog lookups add up."""
    actor = req.actor
    key = (req.catalog.language, actor.role, actor.agency_code, actor.is_member)
    cache: dict[tuple[object, ...], Safe] = req.context.bot_data.setdefault("help_texts", {})
    if key not in cache:
        cache[key] = _build_help(req)
    return cache[key]


def _build_help(req: Request) -> Safe:
    lang_first = req.catalog.language == "es"
    lines = [req.t("help.intro")]
    if req.actor.role is None:
        lines.append(req.t("help.not_member"))
    else:
        lines.append(req.t(f"help.role_{req.actor.role.value}", agency=req.actor.agency_code or ""))
    for spec in req.context.bot_data["commands"]:
        roles = spec.callback.roles
        if (roles and req.actor.role not in roles) or (spec.guests_only and req.actor.is_member):
            continue
        names = (spec.alias, spec.name) if lang_first else (spec.name, spec.alias)
        lines.append(req.t("help.line", cmd=names[0], alias=names[1], text=req.t(spec.help_key)))
    return Safe("\n".join(lines))


async def _join(req: Request, code: str) -> None:
    if not _CODE_RE.match(code):
        raise InvalidInput("usage.join")
    user = req.update.effective_user
    assert user is not None
    member, agency = await req.runtime.db.run(
        redeem_invite, user.id, user.full_name, code, req.runtime.now()
    )
    role = Role(member.role)
    await req.reply(
        req.t(
            "join.ok",
            role=req.t(f"role.{role.value}"),
            agency=agency.name if agency else "—",
        )
    )


@command(roles=ANYONE, unregistered_groups=True)
async def start(req: Request) -> None:
    """``/start`` greets; ``/start CODE`` (the invite deep link) joins."""
    if req.args and not req.in_group:
        await _join(req, req.args[0])
        return
    await req.reply(_help_text(req))


@command(roles=ANYONE, unregistered_groups=True)
async def help_command(req: Request) -> None:
    await req.reply(_help_text(req))


@command(roles=ANYONE, where=Where.private)
async def join(req: Request) -> None:
    if len(req.args) != 1:
        raise InvalidInput("usage.join")
    await _join(req, req.args[0])


@command(roles=ANYONE)
async def unknown_command(req: Request) -> None:
    """A command we do not have, in a private chat: point to /help instead of silence."""
    await req.reply(req.t("error.unknown_command"))
