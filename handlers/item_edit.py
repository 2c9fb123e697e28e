"""``/edit N [due=…] [agency=…] [text="…"] [kind=…] [status=open reason="…"]``: coordinators
correct an item (``/editar N fecha=… dependencia=… texto="…" tipo=… estado=abierta
motivo="…"``).

Everything typed is parsed and checked (date, kind, privacy of the text and the reason)
before the one call that writes: bad input changes nothing. The correction itself (change
rows, audit, reminders re-planned) is ``storage.item_edit.edit_item``; afterwards the members
of the old and the new agency who started the bot hear of it privately. An item that changed
hands gets its new owner's assignment notice planned in the same transaction
(``bot.reminders.plan.plan_assignment``: an outbox row, sent exactly once by the sweep). The
other notices (corrections to the owner, "moved away" to the old owner) are sent by the
handler after the transaction: a replay of the same update (a crash after the commit) may
send them a second time, never lose the correction.
"""

from __future__ import annotations

import logging
from datetime import datetime

from telegram.error import TelegramError

from bot.chat.buttons import item_buttons
from bot.chat.guard import COORDINATORS, command
from bot.chat.request import Request
from bot.chat.send import send_html
from bot.input.dates import parse_due
from bot.input.kv import parse_item_number, parse_pairs, split_words
from bot.input.privacy import checked_text
from bot.input.vocabulary import EDIT_FIELDS, KIND_WORDS, STATUS_WORDS, lookup
from bot.reminders.plan import plan_assignment
from bot.runtime.settings import Settings
from bot.views.i18n import Safe
from bot.views.item_edit import changes_text, notice_text
from bot.views.items import item_card
from domain.actor import Actor
from domain.errors import InvalidInput
from domain.terms import Status
from storage.engine import Session
from storage.item_edit import Edit, EditResult, edit_item

log = logging.getLogger(__name__)


def _parse(req: Request) -> tuple[int, Edit]:
    """The item number and the correction asked for; ``InvalidInput`` on any bad value."""
    words = split_words(req.arg_text)
    if not words:
        raise InvalidInput("usage.edit")
    item_id = parse_item_number(words[0], "usage.edit")
    pairs, rest = parse_pairs(words[1:], EDIT_FIELDS)
    if rest or not pairs:
        raise InvalidInput("usage.edit")
    settings, now = req.settings, req.now()
    due_at = None
    if "due" in pairs:
        due_at = parse_due(
            pairs["due"],
            now,
            settings.locale.zone,
            due_hour=settings.actions.due_hour,
            max_days=settings.actions.max_days_ahead,
        )
    reopen = False
    if "status" in pairs:
        if lookup(STATUS_WORDS, pairs["status"], "error.status_unknown") is not Status.open:
            raise InvalidInput("edit.status_reopen_only")
        reopen = True
    reason = checked_text(pairs.get("reason", ""))
    if reopen and not reason:
        raise InvalidInput("edit.reason_needed")
    kind = pairs.get("kind")
    return item_id, Edit(
        due_at=due_at,
        agency_code=pairs.get("agency"),
        text=checked_text(pairs["text"]) if "text" in pairs else None,
        kind=lookup(KIND_WORDS, kind, "error.kind_unknown") if kind else None,
        reopen=reopen,
        reason=reason,
    )


async def _notify(req: Request, result: EditResult) -> None:
    """A private notice to each member of the old and the new agency who started the bot:
    the new owner gets the card with its buttons; the old one (no longer with the need to
    know, if the item moved) only that it went to another agency."""
    item, now = result.item, req.now()
    moved = any(c.field == "agency" for c in result.changes)
    for member in result.notify:
        catalog = req.runtime.catalog_for(member.language)
        if member.agency_id == result.agency_id and moved:
            continue  # the new owner's assignment notice comes from the outbox
        if member.agency_id == result.agency_id:
            card = item_card(catalog, item, now, detail=True)
            text = notice_text(catalog, item.id, result.changes, card=card)
            markup = item_buttons(catalog, item)
        else:
            text = catalog.t("edit.notice_moved", n=item.id, agency=item.agency_code)
            markup = None
        try:
            await send_html(req.context.bot, member.telegram_id, text, reply_markup=markup)
        except TelegramError as exc:  # blocked the bot, say: the correction stands
            log.warning("edit notice for item %s to member %s: %s", item.id, member.member_id, exc)


def _edit_and_replan(
    session: Session,
    actor: Actor,
    item_id: int,
    *,
    edit: Edit,
    now: datetime,
    in_group: int | None,
    settings: Settings,
) -> EditResult:
    """The correction and, if the item changed hands, the new owner's assignment notice
    (``bot.reminders.plan``, an outbox row: sent once by the sweep), in one transaction."""
    result = edit_item(session, actor, item_id, edit=edit, now=now, in_group=in_group)
    if any(c.field == "agency" for c in result.changes):
        plan_assignment(session, item_id, settings=settings, now=now, version=result.change_id)
    return result


@command(roles=COORDINATORS)
async def edit(req: Request) -> None:
    item_id, asked = _parse(req)
    result = await req.run(
        _edit_and_replan,
        req.actor,
        item_id,
        edit=asked,
        now=req.now(),
        in_group=req.group.chat_id if req.group else None,
        settings=req.settings,
    )
    catalog, item = req.catalog, result.item
    card = item_card(catalog, item, req.now(), detail=req.sees_detail(item.agency_code))
    changes = changes_text(catalog, result.changes) if req.sees_detail(item.agency_code) else ""
    body = "\n".join(part for part in (req.t("edit.done", n=item.id), changes, card) if part)
    await req.reply(Safe(body), item_buttons(catalog, item))
    await _notify(req, result)
