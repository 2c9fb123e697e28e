"""/revision (inicio, siguiente, fin), /presente and /decision: running a shooting review."""

from __future__ import annotations

from bot.chat.guard import COORDINATORS, MEMBERS, Where, command
from bot.chat.request import Request
from bot.input.privacy import checked_text
from bot.input.vocabulary import END, NEXT, START, fold
from bot.services import agendas
from bot.services.reviews import close_review, send_minutes
from bot.views.reviews import review_opened, review_step
from domain.errors import Conflict, InvalidInput
from storage import reviews

MAX_DECISION = 500


async def _start(req: Request) -> None:
    now = req.now()
    opening = await req.run(
        agendas.open_review,
        req.actor,
        req.chat.id,
        now=now,
        lookback_days=req.settings.reviews.lookback_days,
    )
    pages = review_opened(
        req.catalog, agenda=opening.agenda, linked=opening.linked, overdue=opening.overdue, now=now
    )
    for page in pages:
        await req.reply(page, protect=True)


async def _next(req: Request) -> None:
    step = await req.run(reviews.next_incident, req.chat.id)
    if step is None:
        await req.reply(req.t("review.agenda_done"))
        return
    position, total, incident, items = step
    text = review_step(
        req.catalog, incident, position=position, total=total, items=items, now=req.now()
    )
    await req.reply(text, protect=True)


async def _end(req: Request) -> None:
    runtime, now = req.runtime, req.now()
    queued = await req.run(
        close_review,
        req.actor,
        req.chat.id,
        now=now,
        catalog=runtime.catalog,
        hours=runtime.settings.reviews.auto_close_hours,
        instance=runtime.instance,
    )
    await send_minutes(req.context.application, req.chat.id, queued, now=now)


@command(roles=COORDINATORS, where=Where.group)
async def review(req: Request) -> None:
    """``/revision inicio|siguiente|fin``."""
    sub = fold(req.args[0]) if len(req.args) == 1 else ""
    if sub in START:
        await _start(req)
    elif sub in NEXT:
        await _next(req)
    elif sub in END:
        await _end(req)
    else:
        raise InvalidInput("usage.review")


@command(roles=MEMBERS, where=Where.group, activity=False)
async def present(req: Request) -> None:
    """``/presente``: count me at this review even if I only listened."""
    counted = await req.run(
        reviews.note_attendance, req.chat.id, req.actor.member_id, now=req.now(), declared=True
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
    text = checked_text(text, MAX_DECISION)
    count = await req.run(reviews.add_decision, req.actor, req.chat.id, text=text, now=req.now())
    await req.reply(req.t("review.decision_recorded", n=count))
