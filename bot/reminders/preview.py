"""``ceasefire reminders preview``: what the sweep would send at a given time, without
sending or storing anything (the planning transaction is rolled back)."""

from __future__ import annotations

from datetime import datetime

from bot.reminders.compose import compose
from bot.reminders.plan import ITEM_KINDS, REPORT_KINDS, Clockwork, plan
from bot.runtime.settings import Settings
from bot.views.i18n import Catalog, plain
from storage import reminders as store
from storage.engine import Database
from storage.models.reminders import NoticeState


def preview(settings: Settings, at: datetime) -> tuple[list[str], list[str]]:
    """Lines for what would go out at ``at`` (local time, kind, chat, first line of text),
    and lines for notifications stuck in ``sending`` or ``failed``."""
    zone = settings.locale.zone
    catalogs = {lang: Catalog(lang, zone) for lang in ("es", "en")}
    default = catalogs[settings.locale.language]
    clockwork = Clockwork.from_settings(settings)
    database = Database(settings.database.url)
    lines: list[str] = []
    problems: list[str] = []
    try:
        with database.session() as session:
            transaction = session.begin()
            store.insert_missing(session, plan(session, clockwork, at), at)
            pending = store.notifications(session, [NoticeState.pending])
            stuck = store.notifications(session, [NoticeState.sending, NoticeState.failed])
            for notice in pending:
                if notice.send_after > at:
                    continue
                recipient = store.member(session, notice.member_id) if notice.member_id else None
                private = recipient is not None and recipient.telegram_id == notice.chat_id
                catalog = catalogs.get(recipient.language or "", default) if private else default
                stale = notice.kind in ITEM_KINDS and notice.send_after < at - clockwork.horizon
                if notice.kind in REPORT_KINDS:
                    text = "(the weekly report: charts are drawn when it is sent)"
                else:
                    message = compose(session, notice, catalog, at, settings.reminders)
                    text = "(nothing to say: skipped)" if message is None else plain(message.text)
                when = notice.send_after.astimezone(zone).strftime("%Y-%m-%d %H:%M")
                flag = " [summarised]" if stale else ""
                first = text.splitlines()[0] if text else ""
                lines.append(f"{when}  {notice.kind:<10} chat {notice.chat_id}{flag}: {first}")
            for notice in stuck:
                problems.append(
                    f"!! {notice.state} {notice.key} after {notice.attempts} attempts: "
                    f"{notice.last_error}"
                )
            transaction.rollback()
    finally:
        database.close()
    return lines, problems
