"""/action, /actions, /update, /done, /history and the list pager."""

from __future__ import annotations

import re

from bot.chat.buttons import item_buttons, pager_buttons, parse_pager
from bot.chat.guard import COORDINATORS, MEMBERS, WRITERS, command
from bot.chat.request import Request
from bot.input.dates import due_and_text
from bot.input.kv import parse_item_number, parse_pairs
from bot.input.privacy import checked_text
from bot.input.vocabulary import (
    ACTION_FIELDS,
    KIND_WORDS,
    SCOPE_WORDS,
    fold,
    leading_status,
    lookup,
)
from bot.views.i18n import Safe
from bot.views.item_edit import history_with_changes
from bot.views.items import group_counts, item_card, list_text, status_label
from domain.errors import Forbidden, InvalidInput
from domain.terms import Role, Status
from storage import actions as repo
from storage import item_edit

_INCIDENT_REF = re.compile(r"#([A-Za-z]{3}-\d{4}-\d{3,})\b")


@command(roles=COORDINATORS)
async def create(req: Request) -> None:
    """``/action AGENCY [DUE] [tipo=KIND] [incidente=CODE] text…`` (``#CODE`` links too)."""
    if len(req.args) < 2:
        raise InvalidInput("usage.action")
    options, words = parse_pairs(req.args[1:], ACTION_FIELDS)
    kind = lookup(KIND_WORDS, options["kind"], "error.kind_unknown") if "kind" in options else None
    if not words:
        raise InvalidInput("usage.action")
    settings, now = req.settings, req.now()
    due_at, rest = due_and_text(
        words,
        now,
        settings.locale.zone,
        kind_hours=getattr(settings.deadlines, kind.value) if kind else None,
        due_hour=settings.actions.due_hour,
        max_days=settings.actions.max_days_ahead,
    )
    text = checked_text(" ".join(rest))
    reference = _INCIDENT_REF.search(text)
    item = await req.run(
        repo.create_item,
        req.actor,
        agency_code=req.args[0],
        due_at=due_at,
        text=text,
        now=now,
        chat_id=req.chat.id if req.in_group else None,
        kind=kind,
        incident_code=options.get("incident") or (reference.group(1) if reference else None),
    )
    detail = req.sees_detail(item.agency_code)
    body = Safe(req.t("action.created") + "\n" + item_card(req.catalog, item, now, detail=detail))
    await req.reply(body, item_buttons(req.catalog, item))


def _scope(req: Request, word: str | None) -> str:
    """The list scope a user asked for, refused if it is beyond their need to know."""
    actor = req.actor
    scope = SCOPE_WORDS.get(fold(word), word.upper()) if word else None
    if scope is None:
        scope = "mine" if actor.role is Role.agency else "all"
    if scope == "mine" and actor.agency_code is None:
        raise InvalidInput("error.no_agency")
    if scope not in ("mine", "overdue") and not actor.may_read(None if scope == "all" else scope):
        raise Forbidden("error.only_own_agency")
    return scope


def _scope_agency(req: Request, scope: str) -> str | None:
    """The agency whose items a scope lists (None: every agency's)."""
    if scope == "mine" or (scope == "overdue" and req.actor.role is Role.agency):
        return req.actor.agency_code
    return None if scope in ("all", "overdue") else scope


def _filters(req: Request, scope: str) -> dict[str, object]:
    own = req.actor.agency_code if req.actor.role is Role.agency else None
    if scope == "all":
        return {}
    if scope == "mine":
        return {"agency_code": req.actor.agency_code}
    if scope == "overdue":
        return {"overdue_only": True, "agency_code": own}
    return {"agency_code": scope}


async def _page(req: Request, scope: str, page: int) -> tuple[Safe, object]:
    now = req.now()
    shown = await req.run(
        repo.open_items_page,
        now,
        page=page,
        per_page=req.settings.actions.page_size,
        **_filters(req, scope),
    )
    markup = pager_buttons(scope, shown.page, shown.pages) if shown.items else None
    return list_text(req.catalog, shown, now), markup


@command(roles=MEMBERS)
async def list_items(req: Request) -> None:
    """``/actions [AGENCY|mine|overdue|all]``: the items to those with the need to know, in
    private; counts per agency in groups (the group's items) and to observers (all)."""
    if len(req.args) > 1:
        raise InvalidInput("usage.actions")
    scope = _scope(req, req.args[0] if req.args else None)
    if not req.sees_detail(_scope_agency(req, scope)):
        chat = req.chat.id if req.in_group else None
        counts = await req.run(repo.open_counts_by_agency, req.now(), chat)
        link = req.private_link("acciones") if req.in_group else None  # the detail: private
        await req.reply(group_counts(req.catalog, counts, group=req.in_group), link)
        return
    text, markup = await _page(req, scope, 0)
    await req.reply(text, markup)  # type: ignore[arg-type]


@command(roles=MEMBERS)
async def list_page(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    scope, page = parse_pager(req.callback_data)
    scope = _scope(req, scope)
    req.require_detail(_scope_agency(req, scope))  # a pager replayed into a group shows nothing
    text, markup = await _page(req, scope, page)
    await query.answer()
    await req.edit(text, markup)  # type: ignore[arg-type]


async def _apply_update(req: Request, item_id: int, *, status: Status, note: str) -> None:
    now = req.now()
    item, _previous = await req.run(
        repo.record_update,
        req.actor,
        item_id,
        status=status,
        note=note,
        now=now,
        in_group=req.group.chat_id if req.group else None,
    )
    catalog = req.catalog
    body = Safe(
        req.t("update.recorded", status=status_label(catalog, status))
        + "\n"
        + item_card(catalog, item, now, detail=req.sees_detail(item.agency_code))
    )
    await req.reply(body, item_buttons(catalog, item))


@command(roles=WRITERS)
async def update(req: Request) -> None:
    """``/update N STATUS [note…]``; the status may be several words (``en curso``)."""
    args = req.args
    if len(args) < 2:
        raise InvalidInput("usage.update")
    item_id = parse_item_number(args[0], "usage.update")
    status, rest = leading_status(args[1:], "error.status_unknown")
    await _apply_update(req, item_id, status=status, note=checked_text(" ".join(rest)))


@command(roles=WRITERS)
async def done(req: Request) -> None:
    """``/done N [note…]``: the shortcut for ``/update N done``."""
    if not req.args:
        raise InvalidInput("usage.done")
    item_id = parse_item_number(req.args[0], "usage.done")
    note = checked_text(" ".join(req.args[1:]))
    await _apply_update(req, item_id, status=Status.done, note=note)


@command(roles=MEMBERS)
async def history(req: Request) -> None:
    if len(req.args) != 1:
        raise InvalidInput("usage.history")
    item_id = parse_item_number(req.args[0], "usage.history")
    item, entries = await req.run(item_edit.history, item_id)
    if req.in_group and req.actor.may_see_detail(item.agency_code, private=True):
        # Not shown in the group, but one tap away in private (``/start historial_N``).
        link = req.private_link(f"historial_{item_id}")
        await req.reply(req.t("error.detail_in_private"), link)
        return
    req.require_detail(item.agency_code)
    await req.reply(history_with_changes(req.catalog, item, entries))
