"""/reunion (alta, lista, baja) and /agenda: a group's recurring meetings and what is due."""

from __future__ import annotations

from bot.chat.guard import COORDINATORS, MEMBERS, Where, command, ensure_role
from bot.chat.request import Request
from bot.input.kv import parse_item_number
from bot.input.meeting_times import parse_clock, parse_weekday
from bot.input.vocabulary import ADD, LIST, MEETING_WORDS, REMOVE, fold, lookup
from bot.services import agendas
from bot.views.i18n import Safe
from bot.views.reviews import meeting_agenda, meeting_line
from domain.errors import InvalidInput
from storage import meetings


async def _list(req: Request) -> None:
    schedules = await req.run(meetings.list_schedules, req.chat.id)
    if not schedules:
        await req.reply(req.t("meeting.none"))
        return
    lines = [req.t("meeting.list_header")]
    lines += [meeting_line(req.catalog, s) for s in schedules]
    await req.reply(Safe("\n".join(lines)))


@command(roles=MEMBERS, where=Where.group)
async def meeting(req: Request) -> None:
    """``/reunion alta KIND DAY HH:MM`` · ``/reunion lista`` · ``/reunion baja N``."""
    args = req.args
    sub = fold(args[0]) if args else "list"
    if sub in LIST and len(args) <= 1:
        await _list(req)
        return
    ensure_role(req.actor, COORDINATORS)
    now = req.now()
    if sub in ADD and len(args) == 4:
        schedule = await req.run(
            meetings.add_schedule,
            req.actor,
            req.chat.id,
            kind=lookup(MEETING_WORDS, args[1], "error.meeting_kind"),
            weekday=parse_weekday(args[2]),
            minute_of_day=parse_clock(args[3]),
            now=now,
        )
        await req.reply(req.t("meeting.added", line=meeting_line(req.catalog, schedule)))
    elif sub in REMOVE and len(args) == 2:
        schedule = await req.run(
            meetings.remove_schedule,
            req.actor,
            req.chat.id,
            schedule_id=parse_item_number(args[1], "usage.meeting"),
            now=now,
        )
        await req.reply(req.t("meeting.removed", line=meeting_line(req.catalog, schedule)))
    else:
        raise InvalidInput("usage.meeting")


@command(roles=MEMBERS, where=Where.group)
async def agenda(req: Request) -> None:
    """``/agenda``: the next meeting and what it should look at."""
    now = req.now()
    data = await req.run(
        agendas.meeting_agenda,
        req.chat.id,
        now=now,
        zone=req.settings.locale.zone,
        lookback_days=req.settings.reviews.lookback_days,
    )
    pages = meeting_agenda(
        req.catalog,
        upcoming=data.upcoming,
        incidents=data.incidents,
        due_soon=data.due_soon,
        overdue=data.overdue,
        blocked=data.blocked,
        now=now,
    )
    for page in pages:
        await req.reply(page, protect=True)
