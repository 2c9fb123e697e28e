"""/agency (add, list) and /invite: coordinators manage agencies and invite their staff."""

from __future__ import annotations

from bot.chat.guard import COORDINATORS, MEMBERS, Where, command, ensure_role
from bot.chat.request import Request
from bot.input.privacy import checked_text
from bot.input.vocabulary import ADD, LIST, ROLE_WORDS, fold
from bot.views import lists
from domain.errors import InvalidInput
from domain.terms import Role
from storage.agencies import add_agency, list_agencies
from storage.invites import create_invite

MAX_NAME = 120


@command(roles=MEMBERS)
async def agency(req: Request) -> None:
    """``/dependencia lista`` · ``/dependencia alta CODE Name…``."""
    args = req.args
    sub = fold(args[0]) if args else "list"
    if sub in LIST and len(args) <= 1:
        await req.reply(lists.agencies(req.catalog, await req.run(list_agencies)))
        return
    if sub in ADD and len(args) >= 3:
        ensure_role(req.actor, COORDINATORS)
        name = checked_text(" ".join(args[2:]), MAX_NAME)
        created = await req.run(add_agency, req.actor, code=args[1], name=name, now=req.now())
        await req.reply(req.t("agency.added", code=created.code, name=created.name))
        return
    raise InvalidInput("usage.agency")


def _invited(args: list[str]) -> tuple[str | None, Role]:
    """(agency code, role) of ``/invite AGENCY [role]`` or ``/invite observer|coordinator``."""
    words = [fold(a) for a in args]
    if not words or len(words) > 2:
        raise InvalidInput("usage.invite")
    alone = ROLE_WORDS.get(words[0]) if len(words) == 1 else None
    if alone is not None and alone is not Role.agency:
        return None, alone
    role = ROLE_WORDS.get(words[1]) if len(words) == 2 else Role.agency
    if role is None:
        raise InvalidInput("usage.invite")
    return args[0], role


@command(roles=COORDINATORS, where=Where.private)
async def invite(req: Request) -> None:
    """``/invite AGENCY [role]`` or ``/invite observer|coordinator`` (no agency needed)."""
    agency_code, role = _invited(req.args)
    created = await req.run(
        create_invite, req.actor, agency_code=agency_code, role=role, now=req.now()
    )
    link = f"https://t.me/{req.context.bot.username}?start={created.code}"
    await req.reply(
        req.t(
            "invite.created",
            code=created.code,
            link=link,
            role=req.t(f"role.{role.value}"),
            agency=(agency_code or "—").upper(),
            expires=req.catalog.datetime(created.expires_at),
        )
    )
