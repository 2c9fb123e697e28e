"""/action, /actions, /update, /done, /history and the list pager."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.chat.buttons import item_buttons, pager_buttons, parse_pager_callback
from bot.chat.guard import COORDINATORS, MEMBERS, WRITERS, command
from bot.chat.request import Request
from bot.input.dates import parse_day, parse_due, split_due
from bot.input.kv import parse_pairs
from bot.input.privacy import check_free_text
from bot.input.vocabulary import ACTION_FIELDS, KIND_WORDS, STATUS_WORDS, lookup
from bot.views.i18n import Safe
from bot.views.items import history_text, item_card, item_list_page, status_label
from domain.errors import Forbidden, InvalidInput
from domain.terms import ActionKind, Role, Status
from storage import actions as repo

MAX_TEXT = 1000
_ITEM_RE = re.compile(r"^#?([1-9]\d{0,9})$")
_INCIDENT_REF = re.compile(r"#([A-Za-z]{3}-\d{4}-\d{3,})\b")
_SCOPES = {
    "all": "all",
    "todas": "all",
    "todos": "all",
    "mine": "mine",
    "mias": "mine",
    "mías": "mine",
    "mias/os": "mine",
    "overdue": "overdue",
    "vencidas": "overdue",
    "atrasadas": "overdue",
}


def parse_item_number(word: str, usage: str) -> int:
    match = _ITEM_RE.match(word)
    if match is None:
        raise InvalidInput(usage)
    return int(match.group(1))


def checked_text(text: str) -> str:
    """Free text that may be stored: within limits and free of personal data."""
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput("error.text_too_long", limit=MAX_TEXT)
    check_free_text(text)
    return text


def _due(req: Request, words: list[str], kind: ActionKind | None) -> tuple[datetime, list[str]]:
    """The due moment and the remaining text words.

    With a kind (``tipo=hospital``) the date may be left out: the kind's deadline from the
    settings counts from now.
    """
    now, settings = req.runtime.now(), req.runtime.settings
    due_words, rest = split_due(words, now, settings.locale.zone)
    if kind is not None and parse_day(due_words, now, settings.locale.zone) is None:
        hours = getattr(settings.deadlines, kind.value)
        return now + timedelta(hours=hours), words
    if not rest:
        raise InvalidInput("usage.action")
    due_at = parse_due(
        due_words,
        now,
        settings.locale.zone,
        due_hour=settings.actions.due_hour,
        max_days=settings.actions.max_days_ahead,
    )
    return due_at, rest


@command(roles=COORDINATORS)
async def create(req: Request) -> None:
    """``/action AGENCY [DUE] [tipo=KIND] [incidente=CODE] text…`` (``#CODE`` links too)."""
    if len(req.args) < 2:
        raise InvalidInput("usage.action")
    options, words = parse_pairs(req.args[1:], ACTION_FIELDS)
    kind = lookup(KIND_WORDS, options["kind"], "error.kind_unknown") if "kind" in options else None
    if not words:
        raise InvalidInput("usage.action")
    due_at, rest = _due(req, words, kind)
    text = checked_text(" ".join(rest))
    reference = _INCIDENT_REF.search(text)
    incident_code = options.get("incident") or (reference.group(1) if reference else None)
    now = req.runtime.now()
    chat_id = req.chat.id if req.in_group else None
    item = await req.runtime.db.run(
        repo.create_item,
        req.actor,
        req.args[0],
        due_at,
        text,
        now,
        chat_id,
        kind=kind,
        incident_code=incident_code,
    )
    catalog = req.catalog
    body = Safe(req.t("action.created") + "\n" + item_card(catalog, item, now))
    await req.reply(body, item_buttons(catalog, item))


def _resolve_scope(req: Request, word: str | None) -> str:
    """The list scope a user asked for, refused if it is beyond their need to know."""
    actor = req.actor
    scope = _SCOPES.get(word.lower(), word.upper()) if word else None
    if scope is None:
        scope = "mine" if actor.role is Role.agency else "all"
    if scope == "mine" and actor.agency_code is None:
        raise InvalidInput("error.no_agency")
    if actor.role is Role.agency and scope not in ("mine", "overdue", actor.agency_code):
        raise Forbidden("error.only_own_agency")
    return scope


def _filters(req: Request, scope: str) -> dict[str, object]:
    own = req.actor.agency_code if req.actor.role is Role.agency else None
    if scope == "all":
        return {}
    if scope == "mine":
        return {"agency_code": req.actor.agency_code}
    if scope == "overdue":
        return {"overdue_only": True, "agency_code": own}
    return {"agency_code": scope}


async def _list_page(req: Request, scope: str, page: int) -> tuple[Safe, object]:
    now = req.runtime.now()
    per_page = req.runtime.settings.actions.page_size
    shown = await req.runtime.db.run(
        repo.open_items_page, now, page, per_page, **_filters(req, scope)
    )
    if not shown.items:
        return req.t("list.empty"), None
    header = req.t("list.header", count=shown.total, page=shown.page + 1, pages=shown.pages)
    body = item_list_page(req.catalog, shown.items, now)
    return Safe(f"{header}\n{body}"), pager_buttons(scope, shown.page, shown.pages)


async def _group_counts(req: Request) -> None:
    counts = await req.runtime.db.run(repo.open_counts_by_agency, req.runtime.now(), req.chat.id)
    if not counts:
        await req.reply(req.t("list.empty"))
        return
    lines = [req.t("group_counts.header")]
    for c in counts:
        lines.append(
            req.t(
                "group_counts.line", code=c.code, open=c.open, overdue=c.overdue, blocked=c.blocked
            )
        )
    lines.append(req.t("group_counts.footer"))
    await req.reply(Safe("\n".join(lines)))


@command(roles=MEMBERS)
async def list_items(req: Request) -> None:
    """``/actions [AGENCY|mine|overdue|all]``: item-level in private, counts in groups."""
    if len(req.args) > 1:
        raise InvalidInput("usage.actions")
    scope = _resolve_scope(req, req.args[0] if req.args else None)
    if req.in_group:
        await _group_counts(req)
        return
    text, markup = await _list_page(req, scope, 0)
    await req.reply(text, markup)  # type: ignore[arg-type]


@command(roles=MEMBERS)
async def list_page(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    scope, page = parse_pager_callback(req.callback_data)
    scope = _resolve_scope(req, scope)
    text, markup = await _list_page(req, scope, page)
    await query.answer()
    await req.edit(text, markup)  # type: ignore[arg-type]


async def _apply_update(req: Request, item_id: int, status: Status, note: str) -> None:
    now = req.runtime.now()
    item, _previous = await req.runtime.db.run(
        repo.record_update, req.actor, item_id, status, note, now
    )
    catalog = req.catalog
    body = Safe(
        req.t("update.recorded", status=status_label(catalog, status))
        + "\n"
        + item_card(catalog, item, now)
    )
    await req.reply(body, item_buttons(catalog, item))


@command(roles=WRITERS)
async def update(req: Request) -> None:
    """``/update N STATUS [note…]``."""
    args = req.args
    if len(args) < 2:
        raise InvalidInput("usage.update")
    item_id = parse_item_number(args[0], "usage.update")
    status = lookup(STATUS_WORDS, args[1], "error.status_unknown")
    await _apply_update(req, item_id, status, checked_text(" ".join(args[2:])))


@command(roles=WRITERS)
async def done(req: Request) -> None:
    """``/done N [note…]``: the shortcut for ``/update N done``."""
    if not req.args:
        raise InvalidInput("usage.done")
    item_id = parse_item_number(req.args[0], "usage.done")
    await _apply_update(req, item_id, Status.done, checked_text(" ".join(req.args[1:])))


@command(roles=MEMBERS)
async def history(req: Request) -> None:
    if len(req.args) != 1:
        raise InvalidInput("usage.history")
    item_id = parse_item_number(req.args[0], "usage.history")
    item, entries = await req.runtime.db.run(repo.history, item_id)
    if req.actor.role is Role.agency and item.agency_code != req.actor.agency_code:
        raise Forbidden("error.only_own_agency")
    await req.reply(history_text(req.catalog, item, entries))
