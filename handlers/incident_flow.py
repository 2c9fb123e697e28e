"""The guided /incidente conversation, for people who would rather not type key=value, and
the step both ways of recording an incident end with (``save_incident``).

Steps: type, sector (buttons; skipped when the group has one sector), when, place, victims,
codes (free text, answered by replying to the bot's prompt, which works with privacy mode on),
risk (buttons), notes; then the same validation and record as ``/incidente key=value``.
The draft lives in the database; after ``draft_timeout_minutes`` idle it is dropped and
nothing is stored. ``/cancelar`` drops it at once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import ForceReply, InlineKeyboardMarkup

from bot.chat.buttons import form_buttons, parse_form
from bot.chat.guard import ANYONE, COORDINATORS, Where, command
from bot.chat.request import Request
from bot.input.incident_fields import Context, build_incident
from bot.input.incident_form import TEXT_STEPS, apply_answer, apply_choice, next_step
from bot.services.incidents import record_incident
from bot.views.i18n import Safe, plain
from bot.views.reviews import incident_card
from domain.errors import Conflict, DomainError, InvalidInput
from domain.terms import IncidentType, Risk
from storage.drafts import delete_draft, get_draft, save_draft
from storage.sectors import all_sector_names


async def context_for(req: Request) -> Context:
    """Validation context: the group's sectors in a group, every known sector in private."""
    sectors = req.group.sectors if req.group else await req.run(all_sector_names)
    return Context(req.now(), req.settings.locale.zone, sectors)


async def save_incident(
    req: Request, fields: dict[str, str], *, finishes_draft: bool = False
) -> None:
    """Validate, store and announce one incident (both entry paths end here);
    ``finishes_draft`` drops the guided form's draft in the same transaction."""
    ctx = await context_for(req)
    incident = await req.run(
        record_incident,
        req.actor,
        build_incident(fields, ctx),
        zone=ctx.zone,
        now=ctx.now,
        chat_id=req.chat.id,
        draft_of=req.user_id if finishes_draft else None,
    )
    card = incident_card(req.catalog, incident, free_text=False)  # posted to the group
    await req.reply(Safe(req.t("incident.recorded") + "\n" + card), protect=True)


def _choices(req: Request, step: str) -> InlineKeyboardMarkup:
    """The buttons of a choice step (type, sector, risk), and cancel."""
    cancel = (req.t("flow.cancel_button"), "cancel", "")
    if step == "type":
        rows = [[(req.t(f"incident_type.{t.value}"), "type", t.value) for t in IncidentType]]
        return form_buttons([*rows, [cancel]])
    if step == "sector":
        sectors = req.group.sectors if req.group else []
        return form_buttons(
            [[(name, "sector", str(i))] for i, name in enumerate(sectors)] + [[cancel]]
        )
    risks = [(req.t(f"risk.{r.value}"), "risk", r.value) for r in Risk]
    return form_buttons([risks, [(req.t("flow.skip_button"), "risk", "none"), cancel]])


async def _prompt(req: Request, step: str, data: dict[str, Any]) -> None:
    """Ask for ``step``: buttons for choices, a reply-to prompt for free text."""
    if step in TEXT_STEPS:
        hint = plain(req.t(f"flow.hint_{step}"))
        markup: Any = ForceReply(selective=True, input_field_placeholder=hint)
    else:
        markup = _choices(req, step)
    await req.reply(req.t(f"flow.ask_{step}"), markup, reply_to=data.get("_reply_to"))


async def _advance(req: Request, step: str, data: dict[str, Any]) -> None:
    following = next_step(step, req.group.sectors if req.group else [])
    if following is None:
        fields = {k: v for k, v in data.items() if not k.startswith("_")}
        await save_incident(req, fields, finishes_draft=True)
        return
    await req.run(save_draft, req.chat.id, req.user_id, step=following, data=data, now=req.now())
    await _prompt(req, following, data)


async def _load(req: Request) -> tuple[str, dict[str, Any]] | None:
    """The user's live draft here; an expired one is dropped and the user told."""
    draft = await req.run(get_draft, req.chat.id, req.user_id)
    if draft is None:
        return None
    step, data, updated_at = draft
    timeout = timedelta(minutes=req.settings.reviews.draft_timeout_minutes)
    if req.now() - updated_at > timeout:
        await req.run(delete_draft, req.chat.id, req.user_id)
        raise Conflict("flow.expired")
    return step, data


async def begin(req: Request) -> None:
    """Start (or restart) the conversation in this group for this coordinator."""
    message = req.update.effective_message
    data: dict[str, Any] = {"_reply_to": message.message_id if message else None}
    await req.run(save_draft, req.chat.id, req.user_id, step="type", data=data, now=req.now())
    await req.reply(req.t("flow.start"))
    await _prompt(req, "type", data)


def _chosen_label(req: Request, field: str, data: dict[str, Any]) -> str:
    if field == "type":
        return req.t(f"incident_type.{data['type']}")
    if field == "sector":
        return data["sector"]
    return req.t(f"risk.{data['risk']}") if "risk" in data else req.t("flow.skipped")


@command(roles=COORDINATORS, where=Where.group)
async def on_button(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    field, value = parse_form(req.callback_data)
    draft = await _load(req)
    if draft is None:
        raise Conflict("flow.none")
    step, data = draft
    if field == "cancel":
        await cancel_draft(req)
        await query.answer()
        return
    if field != step:
        raise InvalidInput("error.bad_button")
    apply_choice(field, value, data=data, sectors=req.group.sectors if req.group else [])
    await query.answer()
    question = req.t(f"flow.ask_{field}")
    await req.edit(req.t("flow.chosen", question=question, answer=_chosen_label(req, field, data)))
    await _advance(req, step, data)


@command(roles=ANYONE, where=Where.group)
async def on_text(req: Request) -> None:
    """A free-text answer; ignored unless this user has a draft waiting for text here."""
    draft = await _load(req)
    if draft is None or draft[0] not in TEXT_STEPS:
        return
    step, data = draft
    message = req.update.effective_message
    assert message is not None
    try:
        apply_answer(step, message.text or "", data=data, ctx=await context_for(req))
        data["_reply_to"] = message.message_id
        await _advance(req, step, data)
    except DomainError as error:  # say what was wrong, then ask the same question again
        await req.reply(req.t(error.key, **error.params))
        await _prompt(req, step, data)


async def cancel_draft(req: Request) -> None:
    dropped = await req.run(delete_draft, req.chat.id, req.user_id)
    await req.reply(req.t("flow.cancelled" if dropped else "flow.nothing_to_cancel"))


@command(roles=COORDINATORS)
async def cancel(req: Request) -> None:
    """``/cancelar``: drop the guided conversation; nothing is stored."""
    await cancel_draft(req)
