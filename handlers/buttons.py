"""Inline buttons under an action item: Done / In progress / Blocked.

A tap carries no reason, so ⛔ is followed by a prompt asking for one (``handlers.notes``);
after ✅ and 🔵 nothing is asked (a reply to the card still adds a note).
"""

from __future__ import annotations

from bot.chat.buttons import item_buttons, parse_status
from bot.chat.guard import WRITERS, command
from bot.chat.request import Request
from bot.views.i18n import plain
from bot.views.items import item_card, status_label
from domain.errors import InvalidInput
from domain.terms import Status
from handlers.notes import ask_reason
from storage import actions as repo


@command(roles=WRITERS)
async def status_button(req: Request) -> None:
    """Record the pressed status for the presser, then show it on the message."""
    query = req.update.callback_query
    assert query is not None
    item_id, status = parse_status(req.callback_data)
    now, catalog = req.now(), req.catalog
    item, previous = await req.run(
        repo.record_update,
        req.actor,
        item_id,
        status=status,
        note="",
        now=now,
        only_if_changed=True,
    )
    label = status_label(catalog, status)
    if previous is status:
        await query.answer(plain(req.t("update.unchanged", status=label)))
        return
    await query.answer(plain(req.t("update.recorded", status=label)))
    await req.edit(
        item_card(catalog, item, now, detail=req.sees_detail(item.agency_code))
        + "\n"
        + req.t("update.by", name=req.actor.display_name),
        item_buttons(catalog, item),
    )
    if status is Status.blocked:
        await ask_reason(req, item.id)


@command(roles=WRITERS)
async def unknown_button(req: Request) -> None:
    """Any callback data we do not recognise (stale or forged)."""
    raise InvalidInput("error.bad_button")
