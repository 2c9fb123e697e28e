"""/integrantes, /miembro baja and /auditoria: coordinators see and manage who is in."""

from __future__ import annotations

from bot.chat.guard import COORDINATORS, command
from bot.chat.request import Request
from bot.input.kv import parse_item_number, parse_number
from bot.input.vocabulary import REMOVE, fold
from bot.views import lists
from domain.errors import InvalidInput
from storage.audit import latest_with_actors
from storage.members import list_members, remove_member

AUDIT_DEFAULT, AUDIT_MAX = 15, 50


@command(roles=COORDINATORS)
async def members(req: Request) -> None:
    """``/integrantes``: everyone with a role, with the number ``/miembro baja`` takes."""
    await req.reply(lists.members(req.catalog, await req.run(list_members)))


@command(roles=COORDINATORS)
async def member(req: Request) -> None:
    """``/miembro baja N``: revoke a member at once."""
    args = req.args
    if len(args) != 2 or fold(args[0]) not in REMOVE:
        raise InvalidInput("usage.member")
    number = parse_item_number(args[1], "usage.member")
    removed = await req.run(remove_member, req.actor, number, now=req.now())
    await req.reply(req.t("members.removed", name=removed.display_name))


@command(roles=COORDINATORS)
async def audit(req: Request) -> None:
    """``/auditoria [N]``: the last N changes (who, what, when)."""
    limit = parse_number(req.args[0], low=1, high=10**9) if req.args else AUDIT_DEFAULT
    if len(req.args) > 1 or limit is None:
        raise InvalidInput("usage.audit")
    entries = await req.run(latest_with_actors, min(limit, AUDIT_MAX))
    await req.reply(lists.audit(req.catalog, entries))
