"""How reminders, escalations, update-collection lists, meeting reminders, digests, the
coordinators' weekly detail and catch-up summaries read.

``bot.reminders.compose`` gathers what each one is about, fresh from storage when it goes
out, and hands it here; nothing here reads the database.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from bot.views.i18n import Catalog, Safe
from bot.views.items import item_card, item_line, item_with_owner, note_text
from domain.terms import Status
from storage.actions import ItemView

DETAIL_LIMIT = 40  # items per section of a coordinator's weekly detail


def hours(value: float) -> str:
    """A number of hours as the settings give it: 24, 1.5."""
    return f"{value:g}"


def mention(name: str, telegram_id: int) -> Safe:
    """A mention that works without a username (the member's name links to them)."""
    return Safe(f'<a href="tg://user?id={telegram_id}">{html.escape(name, quote=True)}</a>')


def _addressed(text: Safe, to: Safe | None) -> Safe:
    return text if to is None else Safe(f"{to} {text}")


def reminder_lead(
    catalog: Catalog, item: ItemView, *, kind: str, now: datetime, before_due: float | None
) -> Safe:
    """The first line, worded from the item as it is *now*: ``kind`` is what is true when
    it goes out (``bot.reminders.compose.worded_kind``); ``before_due`` is None when the
    reminder is late and "due in 24 hours" would no longer be true (the due time is named)."""
    n, due = item.id, catalog.moment(item.due_at)
    blocked = item.status is Status.blocked
    if kind == "assigned":
        key = "remind.assigned_overdue" if item.due_at <= now else "remind.assigned"
        return catalog.t(key, n=n, agency=item.agency_code, due=due)
    if kind == "overdue":
        key = "remind.overdue_blocked" if blocked else "remind.overdue_since"
        return catalog.t(key, n=n, since=catalog.date(item.due_at))
    if kind == "before_due" and before_due is None:
        return catalog.t("remind.before_due_at", n=n, due=due)
    return catalog.t(f"remind.{kind}", n=n, hours=hours(before_due or 0))


def item_reminder(
    catalog: Catalog,
    item: ItemView,
    *,
    kind: str,
    now: datetime,
    before_due: float | None,
    to: Safe | None,
    detail: bool,
) -> Safe:
    """``kind`` is assigned, before_due, due, overdue or snooze; ``to`` mentions the member
    in a group (where ``detail`` is False: the item's text stays private)."""
    lead = reminder_lead(catalog, item, kind=kind, now=now, before_due=before_due)
    return Safe(f"{_addressed(lead, to)}\n{item_card(catalog, item, now, detail=detail)}")


def assigned_in_group(catalog: Catalog, item: ItemView, mentions: list[Safe]) -> Safe:
    """Nobody of the agency has started the bot: one mention of them all in the group,
    with the due time but not the item's text (need to know)."""
    return catalog.t(
        "remind.assigned_group",
        who=Safe(", ".join(mentions)),
        n=item.id,
        agency=item.agency_code,
        due=catalog.moment(item.due_at),
    )


def escalation(
    catalog: Catalog,
    item: ItemView,
    *,
    now: datetime,
    after: float,
    note: str | None,
    detail: bool,
) -> Safe:
    """Overdue (or blocked) longer than ``after`` hours, with the last update note (to a
    coordinator; the group's copy, ``detail`` False, has neither text nor note)."""
    key = "escalation.blocked" if item.status is Status.blocked else "escalation.overdue"
    return Safe(
        "\n".join(
            [
                catalog.t(key, n=item.id, agency=item.agency_code, hours=hours(after)),
                item_card(catalog, item, now, detail=detail),
                catalog.t("escalation.last", note=note_text(catalog, note, detail=detail)),
            ]
        )
    )


def collection(
    catalog: Catalog,
    items: list[ItemView],
    *,
    meeting: datetime,
    now: datetime,
    to: Safe | None,
    detail: bool,
) -> Safe:
    """The agency's open items to report on before the meeting (buttons per row)."""
    lines = [_addressed(catalog.t("collect.header", when=catalog.moment(meeting)), to)]
    lines += [item_line(catalog, item, now, detail=detail) for item in items]
    lines.append(catalog.t("collect.footer"))
    return Safe("\n".join(lines))


def meeting_reminder(catalog: Catalog, meeting: datetime) -> Safe:
    return catalog.t("meeting.reminder", when=catalog.moment(meeting))


@dataclass(frozen=True, slots=True)
class AgencyDigest:
    """One agency's open items of a group at meeting time."""

    code: str
    items: int
    updated: int  # got an update in the week before the meeting
    overdue: int
    blocked: int


def digest(catalog: Catalog, agencies: list[AgencyDigest]) -> Safe:
    """Per agency: updated since the last meeting, without update, overdue, blocked; ✅ when
    it reported on everything."""
    lines = [catalog.t("digest.header")]
    for a in agencies:
        key = "digest.line_reported" if a.updated == a.items else "digest.line"
        lines.append(
            catalog.t(
                key,
                code=a.code,
                updated=a.updated,
                missing=a.items - a.updated,
                overdue=a.overdue,
                blocked=a.blocked,
            )
        )
    if not agencies:
        lines.append(catalog.t("digest.empty"))
    return Safe("\n".join(lines))


def weekly_detail(
    catalog: Catalog,
    group: str,
    *,
    overdue: list[ItemView],
    silent: list[ItemView],
    now: datetime,
    detail: bool,
) -> Safe:
    """For a coordinator: the group's overdue items and open items without a recent update."""
    lines = [catalog.t("weekly_detail.header", group=group)]
    for key, part in (("weekly_detail.overdue", overdue), ("weekly_detail.silent", silent)):
        if part:
            lines.append(catalog.t(key, count=len(part)))
            lines += [item_with_owner(catalog, i, now, detail=detail) for i in part[:DETAIL_LIMIT]]
            if len(part) > DETAIL_LIMIT:
                lines.append(catalog.t("weekly_detail.more", count=len(part) - DETAIL_LIMIT))
    return Safe("\n".join(lines))


def catchup(catalog: Catalog, item_ids: list[int]) -> Safe:
    """Reminders that fell due while the bot was down, folded into one message."""
    return catalog.t("remind.catchup", items=", ".join(f"#{n}" for n in item_ids))
