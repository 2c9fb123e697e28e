"""``ceasefire reminders preview``: what the sweep would send at a given time, without
sending or storing anything (the planning transaction is rolled back)."""

from __future__ import annotations

from datetime import datetime

from bot.reminders.compose import compose
from bot.reminders.plan import ITEM_KINDS, REPORT_KINDS, Clockwork, plan
from bot.runtime.settings import Settings
from bot.views.i18n import Catalog, plain
from storage import notifications, reminders
from storage.engine import Database, Session
from storage.models.reminders import NoticeState, Notification


def _line(
    session: Session,
    notice: Notification,
    *,
    settings: Settings,
    catalogs: dict[str, Catalog],
    at: datetime,
) -> str:
    """When, what kind, which chat, and the first line of the text it would send."""
    zone = settings.locale.zone
    recipient = reminders.member(session, notice.member_id) if notice.member_id else None
    private = recipient is not None and recipient.telegram_id == notice.chat_id
    language = (recipient.language if private and recipient else None) or ""
    catalog = catalogs.get(language, catalogs[settings.locale.language])
    horizon = Clockwork.from_settings(settings).horizon
    stale = notice.kind in ITEM_KINDS and notice.send_after < at - horizon
    if notice.kind in REPORT_KINDS:
        text = "(the weekly report: charts are drawn when it is sent)"
    else:
        message = compose(session, notice, catalog=catalog, now=at, settings=settings.reminders)
        text = "(nothing to say: skipped)" if message is None else plain(message.text)
    when = notice.send_after.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    flag = " [summarised]" if stale else ""
    first = text.splitlines()[0] if text else ""
    return f"{when}  {notice.kind:<10} chat {notice.chat_id}{flag}: {first}"


def _what_would_go(
    session: Session, settings: Settings, at: datetime
) -> tuple[list[str], list[str]]:
    notifications.insert_missing(session, plan(session, Clockwork.from_settings(settings), at), at)
    pending = notifications.notifications(session, [NoticeState.pending])
    stuck = notifications.notifications(session, [NoticeState.sending, NoticeState.failed])
    catalogs = {lang: Catalog(lang, settings.locale.zone) for lang in ("es", "en")}
    lines = [
        _line(session, n, settings=settings, catalogs=catalogs, at=at)
        for n in pending
        if n.send_after <= at
    ]
    problems = [f"!! {n.state} {n.key} after {n.attempts} attempts: {n.last_error}" for n in stuck]
    return lines, problems


def preview(settings: Settings, at: datetime) -> tuple[list[str], list[str]]:
    """Lines for what would go out at ``at`` (local time, kind, chat, first line of text),
    and lines for notifications stuck in ``sending`` or ``failed``."""
    database = Database(settings.database.url)
    try:
        return database.dry_run(_what_would_go, settings, at)
    finally:
        database.close()
