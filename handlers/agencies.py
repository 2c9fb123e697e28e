"""/agency (add, list) and /invite: coordinators manage agencies and invite their staff."""

from __future__ import annotations

from bot.chat.guard import COORDINATORS, MEMBERS, Where, command, ensure_role
from bot.chat.request import Request
from bot.input.privacy import check_free_text
from bot.input.vocabulary import ROLE_WORDS
from bot.views.i18n import Safe
from domain.errors import InvalidInput
from domain.terms import Role
from storage.agencies import add_agency, list_agencies
from storage.invites import create_invite

_ADD = {"add", "alta", "agregar", "nueva", "new"}
_LIST = {"list", "lista", "listar", "ls"}


@command(roles=MEMBERS)
async def agency(req: Request) -> None:
    args = req.args
    sub = args[0].lower() if args else "list"
    if sub in _LIST and len(args) <= 1:
        agencies = await req.runtime.db.run(list_agencies)
        if not agencies:
            await req.reply(req.t("agency.none"))
            return
        lines = [req.t("agency.list_header")]
        lines += [req.t("agency.line", code=a.code, name=a.name) for a in agencies]
        await req.reply(Safe("\n".join(lines)))
        return
    if sub in _ADD and len(args) >= 3:
        ensure_role(req.actor, COORDINATORS)
        name = " ".join(args[2:])
        if len(name) > 120:
            raise InvalidInput("error.text_too_long", limit=120)
        check_free_text(name)
        created = await req.runtime.db.run(add_agency, req.actor, args[1], name, req.runtime.now())
        await req.reply(req.t("agency.added", code=created.code, name=created.name))
        return
    raise InvalidInput("usage.agency")


@command(roles=COORDINATORS, where=Where.private)
async def invite(req: Request) -> None:
    """``/invite AGENCY [role]`` or ``/invite observer|coordinator`` (no agency needed)."""
    args = [a.lower() for a in req.args]
    if not args or len(args) > 2:
        raise InvalidInput("usage.invite")
    if len(args) == 1 and args[0] in ROLE_WORDS and ROLE_WORDS[args[0]] is not Role.agency:
        agency_code, role = None, ROLE_WORDS[args[0]]
    else:
        agency_code = req.args[0]
        asked = ROLE_WORDS.get(args[1]) if len(args) == 2 else Role.agency
        if asked is None:
            raise InvalidInput("usage.invite")
        role = asked
    created = await req.runtime.db.run(
        create_invite, req.actor, agency_code, role, req.runtime.now()
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
