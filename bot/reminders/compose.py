"""The message of each notification kind, read fresh from storage at send time.

A notification can wait (quiet hours, a retry); composing it when it goes out means it shows
the item as it is then, and one whose subject is gone (item closed, nothing left to report)
is skipped instead of sent. The wording is ``bot.views.reminders``; the buttons are
``bot.chat.buttons``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import InlineKeyboardMarkup

from bot.chat.buttons import collection_buttons, reminder_buttons
from bot.reminders.plan import ASSIGNED, ITEM_KINDS
from bot.runtime.settings import ReminderSettings
from bot.services.reviews import MINUTES_KIND, queued_page
from bot.views import reminders as texts
from bot.views.i18n import Catalog, Safe
from domain.errors import NotFound
from domain.terms import Status
from storage import actions, reminders
from storage.engine import Session
from storage.models.reminders import Notification
from storage.reminders import Recipient


@dataclass(frozen=True, slots=True)
class Message:
    text: Safe
    markup: InlineKeyboardMarkup | None = None
    album: list[tuple[bytes, str]] | None = None  # PNG and caption: sent as a media group
    # Posted in the group when the member cannot be reached privately: a mention and a
    # pointer to the private chat, never the item's detail (need to know).
    fallback: Safe | None = None
    protect: bool = False  # sent with protect_content: the minutes are not to be forwarded


def mention(recipient: Recipient) -> Safe:
    return texts.mention(recipient.name, recipient.telegram_id)


@dataclass(frozen=True, slots=True)
class _Job:
    """One notification being composed, with what every kind may need."""

    session: Session
    notice: Notification
    catalog: Catalog
    now: datetime
    settings: ReminderSettings
    recipient: Recipient | None

    @property
    def addressee(self) -> Safe | None:
        """A mention of the member when their message goes to the group instead."""
        r = self.recipient
        return None if r is None or self.notice.chat_id == r.telegram_id else mention(r)

    @property
    def detail(self) -> bool:
        """Item text and notes only in a private chat (Telegram gives private chats the
        user's positive id, groups negative ones); reminders go privately only to the
        item's agency and to coordinators, who may see them."""
        return self.notice.chat_id > 0

    def open_item(self) -> actions.ItemView | None:
        item = actions.get_item(self.session, self.notice.item_id)  # type: ignore[arg-type]
        return None if item.status.is_closed else item


LATE = timedelta(minutes=30)  # a before-due reminder sent later than this names the due time


def worded_kind(kind: str, item: actions.ItemView, *, now: datetime, catalog: Catalog) -> str:
    """The stage that is true when the reminder goes out, whatever was planned: a reminder
    held by a weekend must not say "due in 24 hours" (or "due today") above a card that
    says overdue."""
    if kind not in ("before_due", "due") or now < item.due_at:
        return kind
    return "overdue" if catalog.local(now).date() > catalog.local(item.due_at).date() else "due"


def _item_reminder(job: _Job) -> Message | None:
    item = job.open_item()
    if item is None:
        return None
    kind = worded_kind(job.notice.kind, item, now=job.now, catalog=job.catalog)
    late = job.now - job.notice.fire_at > LATE
    text = texts.item_reminder(
        job.catalog,
        item,
        kind=kind,
        now=job.now,
        before_due=None if late else job.settings.before_due,
        to=job.addressee,
        detail=job.detail,
    )
    return Message(text, reminder_buttons(job.catalog, item))


def _assigned(job: _Job) -> Message | None:
    """The owning agency's notice of a new item: the card and its buttons privately, or
    one mention of the agency's members in the group when none has started the bot."""
    if job.notice.member_id is not None:
        return _item_reminder(job)
    item = job.open_item()
    planned = reminders.plan_item(job.session, job.notice.item_id)  # type: ignore[arg-type]
    if item is None or planned is None:
        return None
    members = reminders.agency_members(job.session, [planned.agency_id])
    mentions = [mention(m) for m in members.get(planned.agency_id, [])]
    if not mentions:
        return None
    return Message(texts.assigned_in_group(job.catalog, item, mentions))


def _escalation(job: _Job) -> Message | None:
    item = job.open_item()
    if item is None:
        return None
    note = actions.last_notes(job.session, [item.id]).get(item.id)
    s = job.settings
    after = s.escalate_blocked_after if item.status is Status.blocked else s.escalate_after
    text = texts.escalation(
        job.catalog, item, now=job.now, after=after, note=note, detail=job.detail
    )
    return Message(text)


def _collect(job: _Job) -> Message | None:
    recipient, notice = job.recipient, job.notice
    if recipient is None or notice.group_id is None or recipient.agency_id is None:
        return None
    by_agency = reminders.group_open_items_by_agency(job.session, notice.group_id)
    items = [actions.get_item(job.session, i) for i in by_agency.get(recipient.agency_id, [])]
    if not items:
        return None
    text = texts.collection(
        job.catalog,
        items,
        meeting=notice.about_at,
        now=job.now,
        to=job.addressee,  # type: ignore[arg-type]
        detail=job.detail,
    )
    return Message(text, collection_buttons(items))


def _meeting(job: _Job) -> Message:
    return Message(texts.meeting_reminder(job.catalog, job.notice.about_at))  # type: ignore[arg-type]


def _digest(job: _Job) -> Message:
    """Per agency: updated since the last meeting, without update, overdue, blocked."""
    session, notice = job.session, job.notice
    since = notice.about_at - timedelta(days=7)  # type: ignore[operator]
    by_agency = reminders.group_open_items_by_agency(session, notice.group_id)  # type: ignore[arg-type]
    codes = reminders.agency_codes(session, by_agency)
    agencies = []
    for agency_id, ids in sorted(by_agency.items(), key=lambda kv: codes.get(kv[0], "")):
        items = [actions.get_item(session, i) for i in ids]
        agencies.append(
            texts.AgencyDigest(
                code=codes.get(agency_id, "?"),
                items=len(ids),
                updated=len(reminders.updated_since(session, ids, since)),
                overdue=sum(i.is_overdue(job.now) for i in items),
                blocked=sum(i.status is Status.blocked for i in items),
            )
        )
    return Message(texts.digest(job.catalog, agencies))


def _weekly_detail(job: _Job) -> Message | None:
    """For a coordinator: the group's overdue items and open items without a recent update."""
    session, group_id, now = job.session, job.notice.group_id, job.now
    by_agency = reminders.group_open_items_by_agency(session, group_id)  # type: ignore[arg-type]
    ids = [i for agency_ids in by_agency.values() for i in agency_ids]
    items = [actions.get_item(session, i) for i in ids]
    recent = reminders.updated_since(session, ids, now - timedelta(days=7))
    overdue = [i for i in items if i.is_overdue(now)]
    silent = [i for i in items if i.id not in recent and not i.is_overdue(now)]
    if not overdue and not silent:
        return None
    title = reminders.group_title(session, group_id)  # type: ignore[arg-type]
    text = texts.weekly_detail(
        job.catalog, title, overdue=overdue, silent=silent, now=now, detail=job.detail
    )
    return Message(text)


def _catchup(job: _Job) -> Message:
    return Message(texts.catchup(job.catalog, json.loads(job.notice.payload or "[]")))


def _minutes(job: _Job) -> Message | None:
    """A page of a review's minutes that could not be sent at closing."""
    page = queued_page(job.session, job.catalog, job.notice.payload)
    return None if page is None else Message(page, protect=True)


_COMPOSERS: dict[str, Callable[[_Job], Message | None]] = {
    **dict.fromkeys(ITEM_KINDS, _item_reminder),
    ASSIGNED: _assigned,
    "escalation": _escalation,
    "weekly_detail": _weekly_detail,
    "collect": _collect,
    "meeting": _meeting,
    "digest": _digest,
    "catchup": _catchup,
    MINUTES_KIND: _minutes,
}


def compose(
    session: Session,
    notice: Notification,
    *,
    catalog: Catalog,
    now: datetime,
    settings: ReminderSettings,
) -> Message | None:
    """The message for ``notice``, or None when there is nothing to say any more (its item
    was closed or deleted, nothing is left to report)."""
    composer = _COMPOSERS.get(notice.kind)
    if composer is None:
        raise ValueError(f"unknown notification kind {notice.kind!r}")
    recipient = reminders.member(session, notice.member_id) if notice.member_id else None
    if notice.member_id and recipient is None:
        return None  # removed since it was planned: nothing of the item goes to them
    try:
        message = composer(_Job(session, notice, catalog, now, settings, recipient))
    except NotFound:
        return None
    if message is None or recipient is None:
        return message
    fallback = catalog.t("reminder.group_fallback", who=mention(recipient))
    return dataclasses.replace(message, fallback=fallback)
