"""/setup: a coordinator registers the group as a coordination group for police sectors."""

from __future__ import annotations

from bot.auth import COORDINATORS, Request, Where, command
from bot.privacy import check_free_text
from storage.errors import InvalidInput
from storage.groups import register_group


@command(roles=COORDINATORS, where=Where.group, unregistered_groups=True)
async def setup(req: Request) -> None:
    sectors = [s.strip() for s in " ".join(req.args).split(",") if s.strip()]
    if not sectors:
        raise InvalidInput("usage.setup")
    for sector in sectors:
        check_free_text(sector)
    _group, names, is_new = await req.services.db.run(
        register_group,
        req.actor,
        req.chat.id,
        req.chat.title or "",
        sectors,
        req.services.now(),
    )
    key = "setup.registered" if is_new else "setup.updated"
    await req.reply(req.t(key, sectors=", ".join(names)))
