"""The guided /incidente conversation, for people who would rather not type key=value.

Steps: type, sector (buttons; skipped when the group has one sector), when, place, victims,
codes (free text, answered by replying to the bot's prompt, which works with privacy mode on),
risk (buttons), notes; then the same validation and record as ``/incidente key=value``.
The draft lives in the database; after ``draft_timeout_minutes`` idle it is dropped and
nothing is stored. ``/cancelar`` drops it at once.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup

from bot.chat.guard import ANYONE, COORDINATORS, Where, command
from bot.chat.request import Request
from bot.input.dates import parse_time
from bot.input.incident_fields import (
    MAX_NOTES,
    MAX_PLACE,
    Context,
    check_counts,
    occurred_at,
    parse_code,
    parse_count,
    parse_date,
    parse_free,
)
from bot.input.vocabulary import INCIDENT_TYPE_WORDS, RISK_WORDS
from bot.services.incidents import context_for, save_incident
from bot.views.i18n import plain
from domain.errors import Conflict, DomainError, InvalidInput
from domain.terms import IncidentType, Risk
from storage.drafts import delete_draft, get_draft, save_draft

TEXT_STEPS = ("when", "place", "victims", "codes", "notes")
ORDER = ("type", "sector", "when", "place", "victims", "codes", "risk", "notes")
_CALLBACK_RE = re.compile(r"^inc:(type|sector|risk|cancel):?([a-z0-9]{0,12})$")
SKIP = {"-", "—", "no", "ninguno", "ninguna", "none", "skip", "omitir"}


def _buttons(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


async def _prompt(req: Request, step: str, data: dict[str, Any]) -> None:
    """Ask for ``step``: buttons for choices, a reply-to prompt for free text."""
    cancel = (req.t("flow.cancel_button"), "inc:cancel")
    if step == "type":
        markup: Any = _buttons(
            [
                [(req.t(f"incident_type.{t.value}"), f"inc:type:{t.value}") for t in IncidentType],
                [cancel],
            ]
        )
    elif step == "sector":
        sectors = req.group.sectors if req.group else []
        markup = _buttons(
            [[(name, f"inc:sector:{i}")] for i, name in enumerate(sectors)] + [[cancel]]
        )
    elif step == "risk":
        markup = _buttons(
            [
                [(req.t(f"risk.{r.value}"), f"inc:risk:{r.value}") for r in Risk],
                [(req.t("flow.skip_button"), "inc:risk:none"), cancel],
            ]
        )
    else:
        markup = ForceReply(
            selective=True, input_field_placeholder=plain(req.t(f"flow.hint_{step}"))
        )
    await req.reply(req.t(f"flow.ask_{step}"), markup, reply_to=data.get("_reply_to"))


def _next_step(step: str, sectors: list[str]) -> str | None:
    """The step after ``step``; the sector question only when there is a choice."""
    following = [s for s in ORDER[ORDER.index(step) + 1 :] if s != "sector" or len(sectors) > 1]
    return following[0] if following else None


async def _advance(req: Request, step: str, data: dict[str, Any]) -> None:
    sectors = req.group.sectors if req.group else []
    following = _next_step(step, sectors)
    now = req.runtime.now()
    if following is None:
        fields = {k: v for k, v in data.items() if not k.startswith("_")}
        await save_incident(req, fields, finishes_draft=True)
        return
    await req.runtime.db.run(save_draft, req.chat.id, req.user_id, following, data, now)
    await _prompt(req, following, data)


async def _load(req: Request) -> tuple[str, dict[str, Any]] | None:
    """The user's live draft here; an expired one is dropped and the user told."""
    draft = await req.runtime.db.run(get_draft, req.chat.id, req.user_id)
    if draft is None:
        return None
    step, data, updated_at = draft
    timeout = timedelta(minutes=req.runtime.settings.reviews.draft_timeout_minutes)
    if req.runtime.now() - updated_at > timeout:
        await req.runtime.db.run(delete_draft, req.chat.id, req.user_id)
        raise Conflict("flow.expired")
    return step, data


async def begin(req: Request) -> None:
    """Start (or restart) the conversation in this group for this coordinator."""
    message = req.update.effective_message
    data: dict[str, Any] = {"_reply_to": message.message_id if message else None}
    await req.runtime.db.run(save_draft, req.chat.id, req.user_id, "type", data, req.runtime.now())
    await req.reply(req.t("flow.start"))
    await _prompt(req, "type", data)


@command(roles=COORDINATORS, where=Where.group)
async def on_button(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    match = _CALLBACK_RE.match(req.callback_data)
    if match is None:
        raise InvalidInput("error.bad_button")
    field, value = match.groups()
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
    if field == "type":
        data["type"] = INCIDENT_TYPE_WORDS[value].value if value in INCIDENT_TYPE_WORDS else None
    elif field == "sector":
        sectors = req.group.sectors if req.group else []
        data["sector"] = (
            sectors[int(value)] if value.isdigit() and int(value) < len(sectors) else None
        )
    elif value != "none":
        data["risk"] = RISK_WORDS[value].value if value in RISK_WORDS else None
    if data.get(field, "") is None:
        raise InvalidInput("error.bad_button")
    if field == "type":
        label = req.t(f"incident_type.{data['type']}")
    elif field == "sector":
        label = data["sector"]
    else:
        label = req.t(f"risk.{data['risk']}") if "risk" in data else req.t("flow.skipped")
    await query.answer()
    await req.edit(req.t("flow.chosen", question=req.t(f"flow.ask_{field}"), answer=label))
    await _advance(req, step, data)


def _apply_text(step: str, text: str, data: dict[str, Any], ctx: Context) -> None:
    """Validate one free-text answer now (so mistakes are caught at their step)."""
    words = text.split()
    skip = text.strip().lower() in SKIP
    if step == "when":
        at = None
        if len(words) > 1:
            try:
                at = parse_time(words[-1])
                words = words[:-1]
            except InvalidInput:
                at = None
        day = parse_date(" ".join(words), ctx)
        occurred_at(day, at, ctx)  # refuses a time in the future
        data["date"] = day.isoformat()
        if at is not None:
            data["time"] = at.strftime("%H:%M")
    elif step == "place" and not skip:
        data["place"] = parse_free(text, "place", MAX_PLACE)
    elif step == "notes" and not skip:
        data["notes"] = parse_free(text, "notes", MAX_NOTES)
    elif step == "victims" and not skip:
        counts = [parse_count(w, "victims") for w in words[:2]]
        if len(words) > 2 or not counts:
            raise InvalidInput("flow.bad_victims")
        kind = IncidentType(data["type"])
        if len(counts) == 2:
            victims, injured = check_counts(kind, counts[0], counts[1])
        elif kind is IncidentType.homicide:
            victims, injured = check_counts(kind, counts[0], None)
        else:
            victims, injured = check_counts(kind, None, counts[0])
        data["victims"], data["injured"] = str(victims), str(injured)
    elif step == "codes" and not skip:
        if len(words) > 2:
            raise InvalidInput("flow.bad_codes")
        data["group_code"] = parse_code(words[0], "group")
        if len(words) == 2:
            data["conflict_code"] = parse_code(words[1], "conflict")


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
        _apply_text(step, message.text or "", data, await context_for(req))
        data["_reply_to"] = message.message_id
        await _advance(req, step, data)
    except DomainError as error:  # say what was wrong, then ask the same question again
        await req.reply(req.t(error.key, **error.params))
        await _prompt(req, step, data)


async def cancel_draft(req: Request) -> None:
    dropped = await req.runtime.db.run(delete_draft, req.chat.id, req.user_id)
    await req.reply(req.t("flow.cancelled" if dropped else "flow.nothing_to_cancel"))


@command(roles=COORDINATORS)
async def cancel(req: Request) -> None:
    """``/cancelar``: drop the guided conversation; nothing is stored."""
    await cancel_draft(req)
