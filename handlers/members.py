"""/integrantes, /miembro baja and /auditoria: coordinators see and manage who is in."""

from __future__ import annotations

from bot.chat.guard import COORDINATORS, command
from bot.chat.request import Request
from bot.input.vocabulary import fold
from bot.views.i18n import Safe
from domain.errors import InvalidInput
from storage.audit import latest_with_actors
from storage.members import list_members, remove_member

_REMOVE = {"remove", "baja", "quitar", "eliminar"}
AUDIT_DEFAULT, AUDIT_MAX = 15, 50


@command(roles=COORDINATORS)
async def members(req: Request) -> None:
    """``/integrantes``: everyone with a role, with the number ``/miembro baja`` takes."""
    rows = await req.runtime.db.run(list_members)
    lines = [req.t("members.header", count=len(rows))]
    for member, agency in rows:
        lines.append(
            req.t(
                "members.line",
                n=member.id,
                name=member.display_name,
                role=req.t(f"role.{member.role}"),
                agency=agency.code if agency else "—",
            )
        )
    await req.reply(Safe("\n".join(lines)))


@command(roles=COORDINATORS)
async def member(req: Request) -> None:
    """``/miembro baja N``: revoke a member at once."""
    args = req.args
    if len(args) != 2 or fold(args[0]) not in _REMOVE or not args[1].lstrip("#").isdigit():
        raise InvalidInput("usage.member")
    removed = await req.runtime.db.run(
        remove_member, req.actor, int(args[1].lstrip("#")), req.runtime.now()
    )
    await req.reply(req.t("members.removed", name=removed.display_name))


@command(roles=COORDINATORS)
async def audit(req: Request) -> None:
    """``/auditoria [N]``: the last N changes (who, what, when)."""
    if len(req.args) > 1 or (req.args and not req.args[0].isdigit()):
        raise InvalidInput("usage.audit")
    limit = min(int(req.args[0]) if req.args else AUDIT_DEFAULT, AUDIT_MAX)
    entries = await req.runtime.db.run(latest_with_actors, max(limit, 1))
    lines = [req.t("audit.header", count=len(entries))]
    for entry, name in entries:
        lines.append(
            req.t(
                "audit.line",
                at=req.catalog.datetime(entry.at),
                who=name or req.t("audit.bot"),
                action=entry.action,
                entity=entry.entity,
                id=entry.entity_id,
            )
        )
    await req.reply(Safe("\n".join(lines)))
