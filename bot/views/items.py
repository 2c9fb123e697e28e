"""How action items look in chat: status labels, item cards, lists, history, and the
per-agency counts a group may see. (Their buttons are ``bot.chat.buttons``.)

Everything returned is Telegram HTML built from catalog messages (parameters escaped there).
"""

from __future__ import annotations

from datetime import datetime

from bot.views.i18n import MAX_MESSAGE, Catalog, Safe, utf16_len
from domain.terms import Status
from storage.actions import AgencyCounts, HistoryEntry, ItemPage, ItemView

STATUS_ICON = {
    Status.open: "⚪",
    Status.progress: "🔵",
    Status.done: "✅",
    Status.blocked: "⛔",
    Status.cancelled: "✖️",
}
LIST_TEXT_CHARS = 160


def status_label(catalog: Catalog, status: Status) -> Safe:
    return Safe(f"{STATUS_ICON[status]} {catalog.t(f'status.{status.value}')}")


def item_text(catalog: Catalog, item: ItemView, *, detail: bool) -> str | Safe:
    """An item's text where item detail may be shown (``Actor.may_see_detail``); in a group,
    a pointer to the private chat instead. Every view that shows an item asks for ``detail``
    explicitly: nothing shows the text by default."""
    return item.text if detail else catalog.t("item.text_private")


def note_text(catalog: Catalog, note: str | None, *, detail: bool) -> str | Safe:
    """An update note, under the same rule as the item's text."""
    if not detail:
        return catalog.t("item.text_private")
    return note or catalog.t("escalation.no_note")


def item_card(catalog: Catalog, item: ItemView, now: datetime, *, detail: bool) -> Safe:
    key = "item.card_overdue" if item.is_overdue(now) else "item.card"
    card = catalog.t(
        key,
        n=item.id,
        agency=item.agency_code,
        status=status_label(catalog, item.status),
        text=item_text(catalog, item, detail=detail),
        due=catalog.moment(item.due_at),
    )
    extras = []
    if item.kind is not None:
        extras.append(catalog.t("item.kind", kind=catalog.t(f"kind.{item.kind.value}")))
    if item.incident_code is not None:
        extras.append(catalog.t("item.incident", code=item.incident_code))
    return Safe("\n".join([card, " · ".join(extras)])) if extras else card


def item_line(
    catalog: Catalog, item: ItemView, now: datetime, *, detail: bool, chars: int = LIST_TEXT_CHARS
) -> Safe:
    text = item_text(catalog, item, detail=detail)
    if detail and len(text) > chars:
        text = text[:chars] + "…"
    key = "item.line_overdue" if item.is_overdue(now) else "item.line"
    return catalog.t(
        key,
        n=item.id,
        icon=Safe(STATUS_ICON[item.status]),
        text=text,
        due=catalog.date(item.due_at),
    )


def item_with_owner(catalog: Catalog, item: ItemView, now: datetime, *, detail: bool) -> Safe:
    """An item's line followed by its agency (in lists that mix agencies)."""
    line = item_line(catalog, item, now, detail=detail)
    return catalog.t("item.with_owner", line=line, agency=item.agency_code)


def history_text(catalog: Catalog, item: ItemView, entries: list[HistoryEntry]) -> Safe:
    lines = [catalog.t("history.header", n=item.id, agency=item.agency_code, text=item.text)]
    if not entries:
        lines.append(catalog.t("history.empty"))
    for entry in entries:
        key = "history.entry_note" if entry.note else "history.entry"
        lines.append(
            catalog.t(
                key,
                at=catalog.datetime(entry.at),
                status=status_label(catalog, entry.status),
                author=entry.author,
                note=entry.note,
            )
        )
    return Safe("\n".join(lines))


def item_list_page(catalog: Catalog, items: list[ItemView], now: datetime) -> Safe:
    """One page of item lines under agency headers, within one message.

    Pages hold a fixed number of items (predictable "page 2 of 14"); if long texts would
    overflow the message, this page's texts are cut shorter (the card has them whole).
    """
    chars = LIST_TEXT_CHARS
    while True:
        lines: list[str] = []
        agency = None
        for item in items:
            if item.agency_code != agency:
                lines.append(catalog.t("list.agency", code=item.agency_code, name=item.agency_name))
                agency = item.agency_code
            lines.append(item_line(catalog, item, now, detail=True, chars=chars))
        page = Safe("\n".join(lines))
        if chars <= 10 or utf16_len(page) <= MAX_MESSAGE - 300:
            return page
        chars //= 2


def list_text(catalog: Catalog, shown: ItemPage, now: datetime) -> Safe:
    """A page of ``/acciones``: how many, which page, and the items under their agencies."""
    if not shown.items:
        return catalog.t("list.empty")
    header = catalog.t("list.header", count=shown.total, page=shown.page + 1, pages=shown.pages)
    return Safe(f"{header}\n{item_list_page(catalog, shown.items, now)}")


def group_counts(catalog: Catalog, counts: list[AgencyCounts], *, group: bool = True) -> Safe:
    """What a group sees of its open items (``group``), or an observer of everyone's:
    counts per agency, never item detail."""
    if not counts:
        return catalog.t("list.empty")
    suffix = "" if group else "_all"
    lines = [catalog.t(f"group_counts.header{suffix}")]
    lines += [
        catalog.t(
            "group_counts.line_n",
            code=c.code,
            open=catalog.n("n.open", c.open),
            overdue=catalog.n("n.overdue", c.overdue),
            blocked=catalog.n("n.blocked", c.blocked),
        )
        for c in counts
    ]
    lines.append(catalog.t(f"group_counts.footer{suffix}"))
    return Safe("\n".join(lines))
