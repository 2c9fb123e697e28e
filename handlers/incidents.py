"""/incidente (key=value or guided), /incidentes and /incidente_editar."""

from __future__ import annotations

from datetime import timedelta

from bot.chat.guard import COORDINATORS, MEMBERS, Where, command
from bot.chat.request import Request
from bot.input.dates import week_window
from bot.input.incident_fields import parse_sector
from bot.input.kv import parse_pairs, split_words
from bot.input.vocabulary import INCIDENT_FIELDS
from bot.services.incidents import correct_incident
from bot.views.i18n import Safe, chunk_lines
from bot.views.reviews import incident_card, incident_line
from domain.errors import InvalidInput
from handlers import incident_flow
from handlers.incident_flow import context_for, save_incident
from storage.incidents import list_incidents


@command(roles=COORDINATORS, where=Where.group)
async def incident(req: Request) -> None:
    """``/incidente key=value…``, or with no arguments the guided conversation."""
    if not req.arg_text.strip():
        await incident_flow.begin(req)
        return
    fields, rest = parse_pairs(split_words(req.arg_text), INCIDENT_FIELDS)
    if rest:
        raise InvalidInput("error.kv_stray", words=" ".join(rest))
    await save_incident(req, fields)


@command(roles=MEMBERS)
async def incidents(req: Request) -> None:
    """``/incidentes [sector] [week]``: default the last ``lookback_days`` days."""
    ctx = await context_for(req)
    words = req.args
    window = week_window(words[-1], ctx.now, ctx.zone) if words else None
    if window is not None:
        words = words[:-1]
    else:
        days = req.settings.reviews.lookback_days
        window = (ctx.now - timedelta(days=days), ctx.now + timedelta(minutes=1))
    sectors = [parse_sector(" ".join(words), ctx)] if words else ctx.sectors
    found = await req.run(list_incidents, sectors, start=window[0], end=window[1])
    catalog = req.catalog
    header = req.t(
        "incidents.header",
        count=len(found),
        sectors=", ".join(sectors),
        start=catalog.date(window[0]),
        end=catalog.date(window[1] - timedelta(seconds=1)),
    )
    shown = [incident_line(catalog, i, free_text=req.sees_incident_text()) for i in found]
    lines = [header] + (shown or [req.t("incidents.none")])
    for page in chunk_lines(lines):
        await req.reply(page, protect=True)


@command(roles=COORDINATORS)
async def incident_edit(req: Request) -> None:
    """``/incidente_editar CODE field=value…`` (every change goes to the audit log)."""
    words = split_words(req.arg_text)
    if len(words) < 2:
        raise InvalidInput("usage.incident_edit")
    fields, rest = parse_pairs(words[1:], INCIDENT_FIELDS)
    if rest:
        raise InvalidInput("error.kv_stray", words=" ".join(rest))
    updated, diff = await req.run(
        correct_incident,
        req.actor,
        words[0],
        fields=fields,
        group_sectors=req.group.sectors if req.group else None,
        zone=req.settings.locale.zone,
        now=req.now(),
    )
    key = "incident.edited" if diff else "incident.unchanged"
    card = incident_card(req.catalog, updated, free_text=req.sees_incident_text())
    await req.reply(Safe(req.t(key, fields=", ".join(diff)) + "\n" + card), protect=True)
