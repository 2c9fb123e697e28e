"""/start, /help and /join: welcome, role-aware help and joining with an invite code."""

from __future__ import annotations

import re

from bot.chat.guard import ANYONE, Callback, Where, command, ensure_role
from bot.chat.request import Request
from bot.views.help import help_text
from bot.views.i18n import Safe
from domain.errors import InvalidInput
from domain.terms import Role
from handlers import actions
from storage.invites import redeem_invite

_CODE_RE = re.compile(r"^[A-Za-z0-9]{6,32}$")


def _help(req: Request) -> Safe:
    """The help for the asker's language and role, built once per combination: /help is
    the most frequent command of new members, and 30 catalog lookups add up."""
    actor = req.actor
    key = (req.catalog.language, actor.role, actor.agency_code, actor.is_member)
    cache: dict[tuple[object, ...], Safe] = req.context.bot_data.setdefault("help_texts", {})
    if key not in cache:
        cache[key] = help_text(req.catalog, actor, req.context.bot_data["commands"])
    return cache[key]


async def _join(req: Request, code: str) -> None:
    if not _CODE_RE.match(code):
        raise InvalidInput("usage.join")
    user = req.update.effective_user
    assert user is not None
    member, agency = await req.run(
        redeem_invite, user.id, display_name=user.full_name, code=code, now=req.now()
    )
    role = Role(member.role)
    await req.reply(
        req.t("join.ok", role=req.t(f"role.{role.value}"), agency=agency.name if agency else "—")
    )


# ``/start PAYLOAD`` from a group's "see the detail in private" button (``Request.
# private_link``): the payload's first word names the command whose answer it opens.
_LINKS: dict[str, Callback] = {"acciones": actions.list_items, "historial": actions.history}


async def _open_link(req: Request, payload: str) -> bool:
    """Answer ``/start acciones`` or ``/start historial_N`` as the command itself would in
    this private chat (same role check, same answer); False: not such a payload (an invite
    code has no underscore and ten characters, so they never collide)."""
    name, _, arg = payload.partition("_")
    target = _LINKS.get(name)
    if target is None:
        return False
    ensure_role(req.actor, target.roles)  # type: ignore[attr-defined]  # set by @command
    req.context.args = [arg] if arg else []
    await target.__wrapped__(req)  # type: ignore[attr-defined]  # the handler under @command
    return True


@command(roles=ANYONE, unregistered_groups=True)
async def start(req: Request) -> None:
    """``/start`` greets; ``/start CODE`` (the invite deep link) joins; ``/start acciones``
    and ``/start historial_N`` (a group's deep-link button) show that detail."""
    if req.args and not req.in_group:
        if not await _open_link(req, req.args[0]):
            await _join(req, req.args[0])
        return
    await req.reply(_help(req))


@command(roles=ANYONE, unregistered_groups=True)
async def help_command(req: Request) -> None:
    await req.reply(_help(req))


@command(roles=ANYONE, where=Where.private)
async def join(req: Request) -> None:
    if len(req.args) != 1:
        raise InvalidInput("usage.join")
    await _join(req, req.args[0])


@command(roles=ANYONE)
async def unknown_command(req: Request) -> None:
    """A command we do not have, in a private chat: point to /help instead of silence."""
    await req.reply(req.t("error.unknown_command"))
