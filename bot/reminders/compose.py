"""The text and buttons of each notification kind, read fresh from storage at send time.

A notification can wait (quiet hours, a retry); composing it when it goes out means it shows
the item as it is then, and one whose subject is gone (item closed, nothing left to report)
is skipped instead of sent.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session
from telegram import InlineKeyboardMarkup

from bot.chat.buttons import collection_buttons, reminder_buttons
from bot.runtime.settings import ReminderSettings
from bot.views.i18n import Catalog, Safe
from bot.views.items import item_card, item_line
from domain.errors import NotFound
from domain.terms import Status
from storage import actions, reminders
from storage.models.members import Member
from storage.models.reminders import Notification
from storage.reminders import Recipient


@dataclass(frozen=True, slots=True)
class Message:
    text: Safe
    markup: InlineKeyboardMarkup | None = None
    album: list[tuple[bytes, str]] | None = None  # PNG and caption: sent as a media group


def _hours(value: float) -> str:
    return f"{value:g}"


def mention(recipient: Recipient) -> Safe:
    """A mention that works without a username (the member's name links to them)."""
    name = html.escape(recipient.name, quote=True)
    return Safe(f'<a href="tg://user?id={recipient.telegram_id}">{name}</a>')


def _item_reminder(
    session: Session,
    notice: Notification,
    catalog: Catalog,
    now: datetime,
    recipient: Recipient | None,
    settings: ReminderSettings,
) -> Message | None:
    item = actions.get_item(session, notice.item_id)  # type: ignore[arg-type]
    if item.status.is_closed:
        return None
    lead = catalog.t(f"remind.{notice.kind}", n=item.id, hours=_hours(settings.before_due))
    if recipient is not None and notice.chat_id != recipient.telegram_id:
        lead = Safe(f"{mention(recipient)} {lead}")
    return Message(
        Safe(f"{lead}\n{item_card(catalog, item, now)}"), reminder_buttons(catalog, item)
    )


def _escalation(
    session: Session,
    notice: Notification,
    catalog: Catalog,
    now: datetime,
    settings: ReminderSettings,
) -> Message | None:
    item = actions.get_item(session, notice.item_id)  # type: ignore[arg-type]
    if item.status.is_closed:
        return None
    note = actions.last_notes(session, [item.id]).get(item.id) or catalog.t("escalation.no_note")
    blocked = item.status is Status.blocked
    key = "escalation.blocked" if blocked else "escalation.overdue"
    hours = _hours(settings.escalate_blocked_after if blocked else settings.escalate_after)
    text = Safe(
        "\n".join(
            [
                catalog.t(key, n=item.id, agency=item.agency_code, hours=hours),
                item_card(catalog, item, now),
                catalog.t("escalation.last", note=note),
            ]
        )
    )
    return Message(text)


def _collect(
    session: Session,
    notice: Notification,
    catalog: Catalog,
    now: datetime,
    recipient: Recipient | None,
) -> Message | None:
    if recipient is None or notice.group_id is None:
        return None
    member = session.get(Member, recipient.member_id)
    if member is None or member.agency_id is None:
        return None
    ids = reminders.group_open_items_by_agency(session, notice.group_id).get(member.agency_id, [])
    items = [actions.get_item(session, i) for i in ids]
    if not items:
        return None
    lines = [catalog.t("collect.header", when=catalog.moment(notice.about_at))]  # type: ignore[arg-type]
    if notice.chat_id != recipient.telegram_id:
        lines[0] = Safe(f"{mention(recipient)} {lines[0]}")
    lines += [item_line(catalog, item, now) for item in items]
    lines.append(catalog.t("collect.footer"))
    return Message(Safe("\n".join(lines)), collection_buttons(items))


def _meeting(notice: Notification, catalog: Catalog) -> Message:
    return Message(catalog.t("meeting.reminder", when=catalog.moment(notice.about_at)))  # type: ignore[arg-type]


def _digest(session: Session, notice: Notification, catalog: Catalog, now: datetime) -> Message:
    """Per agency: updated since the last meeting, without update, overdue, blocked."""
    since = notice.about_at - timedelta(days=7)  # type: ignore[operator]
    by_agency = reminders.group_open_items_by_agency(session, notice.group_id)  # type: ignore[arg-type]
    codes = reminders.agency_codes(session, by_agency)
    lines = [catalog.t("digest.header")]
    for agency_id, ids in sorted(by_agency.items(), key=lambda kv: codes.get(kv[0], "")):
        items = [actions.get_item(session, i) for i in ids]
        updated = reminders.updated_since(session, ids, since)
        key = "digest.line_reported" if len(updated) == len(ids) else "digest.line"
        lines.append(
            catalog.t(
                key,
                code=codes.get(agency_id, "?"),
                updated=len(updated),
                missing=len(ids) - len(updated),
                overdue=sum(i.is_overdue(now) for i in items),
                blocked=sum(i.status is Status.blocked for i in items),
            )
        )
    if len(lines) == 1:
        lines.append(catalog.t("digest.empty"))
    return Message(Safe("\n".join(lines)))


DETAIL_LIMIT = 40


def _weekly_detail(
    session: Session, notice: Notification, catalog: Catalog, now: datetime
) -> Message | None:
    """For a coordinator: the group's overdue items and open items without a recent update."""
    ids = [
        i
        for ids in reminders.group_open_items_by_agency(session, notice.group_id).values()
        for i in ids
    ]  # type: ignore[arg-type]
    items = [actions.get_item(session, i) for i in ids]
    recent = reminders.updated_since(session, ids, now - timedelta(days=7))
    overdue = [i for i in items if i.is_overdue(now)]
    silent = [i for i in items if i.id not in recent and not i.is_overdue(now)]
    if not overdue and not silent:
        return None
    title = reminders.group_title(session, notice.group_id)  # type: ignore[arg-type]
    lines = [catalog.t("weekly_detail.header", group=title)]
    for key, part in (("weekly_detail.overdue", overdue), ("weekly_detail.silent", silent)):
        if part:
            lines.append(catalog.t(key, count=len(part)))
            lines += [
                catalog.t("item.with_owner", line=item_line(catalog, i, now), agency=i.agency_code)
                for i in part[:DETAIL_LIMIT]
            ]
            if len(part) > DETAIL_LIMIT:
                lines.append(catalog.t("weekly_detail.more", count=len(part) - DETAIL_LIMIT))
    return Message(Safe("\n".join(lines)))


def _catchup(notice: Notification, catalog: Catalog) -> Message:
    numbers = ", ".join(f"#{n}" for n in json.loads(notice.payload or "[]"))
    return Message(catalog.t("remind.catchup", items=numbers))


def compose(
    session: Session,
    notice: Notification,
    catalog: Catalog,
    now: datetime,
    settings: ReminderSettings,
) -> Message | None:
    """The message for ``notice``, or None when there is nothing to say any more."""
    recipient = reminders.member(session, notice.member_id) if notice.member_id else None
    try:
        if notice.kind in ("before_due", "due", "overdue", "snooze"):
            return _item_reminder(session, notice, catalog, now, recipient, settings)
        if notice.kind == "escalation":
            return _escalation(session, notice, catalog, now, settings)
        if notice.kind == "weekly_detail":
            return _weekly_detail(session, notice, catalog, now)
        if notice.kind == "collect":
            return _collect(session, notice, catalog, now, recipient)
    except NotFound:
        return None
    if notice.kind == "meeting":
        return _meeting(notice, catalog)
    if notice.kind == "digest":
        return _digest(session, notice, catalog, now)
    if notice.kind == "catchup":
        return _catchup(notice, catalog)
    raise ValueError(f"unknown notification kind {notice.kind!r}")
