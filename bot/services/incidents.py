"""The step both ways of recording an incident end with: validate, store, announce."""

from __future__ import annotations

from sqlmodel import Session

from bot.chat.request import Request
from bot.input.incident_fields import Context, build_incident
from bot.views.i18n import Safe
from bot.views.reviews import incident_card
from storage.drafts import delete_draft
from storage.incidents import IncidentView, create_incident
from storage.sectors import all_sector_names


async def context_for(req: Request) -> Context:
    """Validation context: the group's sectors in a group, every known sector in private."""
    sectors = req.group.sectors if req.group else await req.runtime.db.run(all_sector_names)
    return Context(req.runtime.now(), req.runtime.settings.locale.zone, sectors)


async def save_incident(
    req: Request, fields: dict[str, str], *, finishes_draft: bool = False
) -> None:
    """Validate, store and announce one incident (both entry paths end here).

    ``finishes_draft`` deletes the guided form's draft in the same transaction, so a crash
    can never leave both the incident and a draft that would record it again.
    """
    ctx = await context_for(req)
    data = build_incident(fields, ctx)

    def record(session: Session) -> IncidentView:
        incident = create_incident(session, req.actor, data, ctx.zone, ctx.now, req.chat.id)
        if finishes_draft:
            delete_draft(session, req.chat.id, req.user_id)
        return incident

    incident = await req.runtime.db.run(record)
    card = incident_card(req.catalog, incident)
    await req.reply(Safe(req.t("incident.recorded") + "\n" + card), protect=True)
