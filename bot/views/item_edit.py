"""How a correction (``/editar``) reads: the confirmation, the notice to the owners, and the
lines ``/historial`` shows for it among the status updates.

Values are stored as text (``storage.item_edit``); here they become what a person reads: a
due date in the local zone, a kind's and a status's label, an agency code, the text itself.
"""

from __future__ import annotations

from datetime import datetime

from bot.views.i18n import Catalog, Safe
from bot.views.items import history_text, status_label
from domain.terms import Status
from storage.actions import HistoryEntry, ItemView
from storage.item_edit import Change, ChangeEntry


def value_text(catalog: Catalog, field: str, value: str) -> str:
    """A stored old or new value, as a reader says it."""
    if not value:
        return catalog.t("edit.value_none")
    if field == "due":
        return catalog.datetime(datetime.fromisoformat(value))
    if field == "kind":
        return catalog.t(f"kind.{value}")
    if field == "status":
        return status_label(catalog, Status(value))
    return value


def change_line(catalog: Catalog, change: Change | ChangeEntry) -> Safe:
    return catalog.t(
        "edit.change",
        field=catalog.t(f"edit.field_{change.field}"),
        old=value_text(catalog, change.field, change.old),
        new=value_text(catalog, change.field, change.new),
    )


def changes_text(catalog: Catalog, changes: list[Change]) -> Safe:
    return Safe("\n".join(change_line(catalog, c) for c in changes))


def notice_text(catalog: Catalog, n: int, changes: list[Change], *, card: Safe) -> Safe:
    """What the old and new owners receive privately: what changed, then the item."""
    return Safe("\n".join([catalog.t("edit.notice", n=n), changes_text(catalog, changes), card]))


def history_with_changes(
    catalog: Catalog, item: ItemView, entries: list[HistoryEntry | ChangeEntry]
) -> Safe:
    """``/historial``: status updates (as ``history_text`` writes them) and corrections, in
    the order they happened."""
    updates = [e for e in entries if isinstance(e, HistoryEntry)]
    if len(updates) == len(entries):
        return history_text(catalog, item, updates)
    lines = [catalog.t("history.header", n=item.id, agency=item.agency_code, text=item.text)]
    for entry in entries:
        if isinstance(entry, HistoryEntry):
            key = "history.entry_note" if entry.note else "history.entry"
            status = status_label(catalog, entry.status)
            at = catalog.datetime(entry.at)
            lines.append(catalog.t(key, at=at, status=status, author=entry.author, note=entry.note))
            continue
        key = "history.change_reason" if entry.reason else "history.change"
        change = change_line(catalog, entry)
        lines.append(
            catalog.t(
                key,
                at=catalog.datetime(entry.at),
                change=change,
                author=entry.author,
                reason=entry.reason,
            )
        )
    return Safe("\n".join(lines))
