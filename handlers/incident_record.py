"""The step both ways of recording an incident end with: validate, store, announce."""

from __future__ import annotations

from bot.auth import Request
from bot.i18n import Safe
from bot.incident_input import Context, build_incident
from bot.render_reviews import incident_card
from storage.incidents import create_incident
from storage.sectors import all_sector_names


async def context_for(req: Request) -> Context:
    """Validation context: the group's sectors in a group, every known sector in private."""
    sectors = req.group.sectors if req.group else await req.services.db.run(all_sector_names)
    return Context(req.services.now(), req.services.settings.locale.zone, sectors)


async def save_incident(req: Request, fields: dict[str, str]) -> None:
    """Validate, store and announce one incident (both entry paths end here)."""
    ctx = await context_for(req)
    data = build_incident(fields, ctx)
    incident = await req.services.db.run(
        create_incident, req.actor, data, ctx.zone, ctx.now, req.chat.id
    )
    card = incident_card(req.services.catalog, incident)
    await req.reply(Safe(req.t("incident.recorded") + "\n" + card), protect=True)
