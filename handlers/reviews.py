"""/revision (inicio, siguiente, fin), /presente and /decision: running a shooting review."""

from __future__ import annotations

from bot.chat.guard import COORDINATORS, MEMBERS, Where, command
from bot.chat.request import Request
from bot.input.privacy import check_free_text
from bot.input.vocabulary import fold
from bot.services import agendas
from bot.services.reviews import post_minutes
from bot.views.reviews import review_opened, review_step
from domain.errors import Conflict, InvalidInput
from storage import reviews

_START = {"start", "inicio", "iniciar", "abrir", "open"}
_NEXT = {"next", "siguiente", "sig"}
_END = {"end", "fin", "cerrar", "terminar", "close"}
MAX_DECISION = 500


async def _start(req: Request) -> None:
    now = req.runtime.now()
    opening = await req.runtime.db.run(
        agendas.open_review,
        req.actor,
        req.chat.id,
        now,
        req.runtime.settings.reviews.lookback_days,
    )
    pages = review_opened(req.catalog, opening.agenda, opening.linked, opening.overdue, now)
    for page in pages:
        await req.reply(page, protect=True)


async def _next(req: Request) -> None:
    step = await req.runtime.db.run(reviews.next_incident, req.chat.id)
    if step is None:
        await req.reply(req.t("review.agenda_done"))
        return
    position, total, incident, items = step
    text = review_step(req.catalog, position, total, incident, items, req.runtime.now())
    await req.reply(text, protect=True)


@command(roles=COORDINATORS, where=Where.group)
async def review(req: Request) -> None:
    """``/revision inicio|siguiente|fin``."""
    sub = fold(req.args[0]) if len(req.args) == 1 else ""
    if sub in _START:
        await _start(req)
    elif sub in _NEXT:
        await _next(req)
    elif sub in _END:
        minutes = await req.runtime.db.run(
            reviews.end_review, req.actor, req.chat.id, req.runtime.now()
        )
        await post_minutes(req.context.application, req.chat.id, minutes)
    else:
        raise InvalidInput("usage.review")


@command(roles=MEMBERS, where=Where.group, activity=False)
async def present(req: Request) -> None:
    """``/presente``: count me at this review even if I only listened."""
    counted = await req.runtime.db.run(
        reviews.note_attendance, req.chat.id, req.actor.member_id, req.runtime.now(), True
    )
    if not counted:
        raise Conflict("error.review_none")
    await req.reply(req.t("review.present", name=req.actor.display_name))


@command(roles=COORDINATORS, where=Where.group)
async def decision(req: Request) -> None:
    """``/decision text``: a decision for the minutes of the open review."""
    text = " ".join(req.arg_text.split())
    if not text:
        raise InvalidInput("usage.decision")
    if len(text) > MAX_DECISION:
        raise InvalidInput("error.text_too_long", limit=MAX_DECISION)
    check_free_text(text)
    count = await req.runtime.db.run(
        reviews.add_decision, req.actor, req.chat.id, text, req.runtime.now()
    )
    await req.reply(req.t("review.decision_recorded", n=count))
