"""The sweep: plan what has fallen due, fold stale reminders into catch-up messages, claim
what may go out now, send it, and record each outcome.

Failures never vanish: 429 waits ``retry_after``; a private chat that refuses the bot
("Forbidden") falls back to a mention in the coordination group; network errors back off
exponentially; after ``max_attempts`` the row is ``failed`` with its last error.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.chat.send import retry_delay, send_album, send_html
from bot.reminders.compose import Message, compose, mention
from bot.reminders.plan import ITEM_KINDS, REPORT_KINDS, Clockwork, plan_and_store
from bot.runtime.container import Runtime, runtime_of
from bot.views.i18n import Safe
from storage import reminders as store
from storage.models.reminders import NoticeState, Notification
from storage.reminders import NoticeSpec

log = logging.getLogger("ceasefire.reminders")


@dataclass
class SweepReport:
    planned: int = 0
    summarised: int = 0
    sent: int = 0
    fallback: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def _fold_stale(session: Session, c: Clockwork, now: datetime) -> int:
    """Item reminders older than the catch-up horizon become one catch-up message per chat."""
    stale = store.stale_pending(session, now - c.horizon, ITEM_KINDS)
    by_chat: dict[int, list[Notification]] = defaultdict(list)
    for notice in stale:
        by_chat[notice.chat_id].append(notice)
    specs = [
        NoticeSpec(
            key=f"catchup:{chat_id}:{now:%Y%m%dT%H%M%S}",
            kind="catchup",
            chat_id=chat_id,
            fire_at=now,
            send_after=c.quiet.next_allowed(now),
            member_id=notices[0].member_id,
            payload=json.dumps(sorted({n.item_id for n in notices if n.item_id})),
        )
        for chat_id, notices in by_chat.items()
    ]
    store.mark_many(session, [n.id for n in stale], NoticeState.summarised, now)  # type: ignore[misc]
    store.insert_missing(session, specs, now)
    return len(stale)


LOOKAHEAD = 3  # weekly reports drawn ahead of the one being sent
CLAIM_BATCH = 500  # claimed and sent per round; a sweep runs rounds until nothing is due


def _prepare(
    session: Session, runtime: Runtime, c: Clockwork, now: datetime, limit: int = CLAIM_BATCH
) -> tuple[int, int, list[Notification]]:
    """Plan, fold stale reminders and claim the first batch, in one transaction."""
    planned = plan_and_store(session, c, now)
    summarised = _fold_stale(session, c, now)
    return planned, summarised, store.claim_due(session, now, runtime.instance, limit)


def _compose_all(
    session: Session, runtime: Runtime, claimed: list[Notification], now: datetime
) -> list[tuple[Notification, Message | None, store.Recipient | None]]:
    out = []
    for notice in claimed:
        recipient = store.member(session, notice.member_id) if notice.member_id else None
        private = recipient is not None and notice.chat_id == recipient.telegram_id
        catalog = runtime.catalog_for(recipient.language if private and recipient else None)
        if notice.kind in REPORT_KINDS:
            message = None  # drawn later, in a worker thread (see _report_message)
        else:
            message = compose(session, notice, catalog, now, runtime.settings.reminders)
        out.append((notice, message, recipient))
    return out


def _start_report(
    runtime: Runtime, notice: Notification, cache: dict[tuple[int, datetime], Any]
) -> asyncio.Future[Any]:
    """A notice's weekly report: drawn ahead of the slot (``bot.reports.ahead``), else
    drawn now; started once per group and week per sweep."""
    # Imported here: pandas and friends load only when a report is due (memory at idle).
    from bot.reports.weekly import week_end_of

    week_end = week_end_of(notice.about_at, runtime.settings)  # type: ignore[arg-type]
    key = (notice.chat_id, week_end)
    if key not in cache:
        cache[key] = asyncio.ensure_future(_drawn_report(runtime, notice.chat_id, week_end))
    return cache[key]


async def _drawn_report(runtime: Runtime, chat_id: int, week_end: datetime) -> Any:
    from bot.reports.weekly import weekly_report

    report = await runtime.ahead.take(chat_id, week_end)
    return report or await weekly_report(runtime, chat_id, week_end)


async def _report_message(
    runtime: Runtime, notice: Notification, cache: dict[tuple[int, datetime], Any]
) -> Message:
    """The weekly report's album or summary."""
    report = await _start_report(runtime, notice, cache)
    if notice.kind == "weekly_charts":
        return Message(Safe(""), album=report.charts)
    return Message(report.summary)


async def _deliver(
    application: Application,
    notice: Notification,
    message: Message,  # type: ignore[type-arg]
    recipient: store.Recipient | None,
    group_chat: int | None,
    report: SweepReport,
    now: datetime,
    max_attempts: int,
) -> None:
    runtime = runtime_of(application)
    bot = application.bot
    try:
        if message.album:
            await send_album(bot, notice.chat_id, message.album)
        else:
            await send_html(bot, notice.chat_id, message.text, reply_markup=message.markup)
        await runtime.db.run(store.finish, notice.id, NoticeState.sent, now)
        report.sent += 1
        return
    except RetryAfter as exc:
        wait, text = retry_delay(exc)
        await runtime.db.run(
            store.finish, notice.id, NoticeState.pending, now, send_after=now + wait, error=text
        )
        report.retried += 1
        return
    except Forbidden as exc:
        if recipient is None or group_chat is None or group_chat == notice.chat_id:
            await runtime.db.run(store.finish, notice.id, NoticeState.failed, now, error=str(exc))
            report.failed += 1
            return
        error = exc
    except BadRequest as exc:  # permanent: the request itself is wrong
        log.error("notification %s refused: %s", notice.key, exc)
        await runtime.db.run(store.finish, notice.id, NoticeState.failed, now, error=str(exc))
        report.failed += 1
        report.errors.append(f"{notice.key}: {exc}")
        return
    except (NetworkError, TelegramError) as exc:
        await _retry_later(runtime, notice, str(exc), report, now, max_attempts)
        return
    # The member blocked the bot or never started it: mention them in the group instead.
    text = f"{mention(recipient)} {message.text}"
    try:
        await send_html(bot, group_chat, text, reply_markup=message.markup)
    except TelegramError as exc:
        await runtime.db.run(
            store.finish,
            notice.id,
            NoticeState.pending,
            now,
            send_after=now + timedelta(minutes=2**notice.attempts),
            error=f"{error}; group: {exc}",
        )
        report.retried += 1
        return
    await runtime.db.run(
        store.finish, notice.id, NoticeState.sent, now, fallback=True, error=str(error)
    )
    report.fallback += 1
    report.sent += 1


async def _retry_later(
    runtime: Runtime,
    notice: Notification,
    error: str,
    report: SweepReport,
    now: datetime,
    max_attempts: int,
) -> None:
    """A transient failure: try again after an exponential backoff, or give up."""
    if notice.attempts >= max_attempts:
        await runtime.db.run(store.finish, notice.id, NoticeState.failed, now, error=error)
        report.failed += 1
        return
    backoff = timedelta(minutes=2**notice.attempts)
    await runtime.db.run(
        store.finish, notice.id, NoticeState.pending, now, send_after=now + backoff, error=error
    )
    report.retried += 1


async def sweep(application: Application, now: datetime | None = None) -> SweepReport:  # type: ignore[type-arg]
    """One pass. ``now`` defaults to the runtime's clock (tests pass it explicitly)."""
    runtime = runtime_of(application)
    with runtime.metrics.sweep.time():
        report = await _sweep(application, runtime, now or runtime.now())
    runtime.metrics.last_sweep.set_to_current_time()
    for outcome in ("sent", "fallback", "retried", "failed", "skipped", "summarised"):
        if getattr(report, outcome):
            runtime.metrics.notifications.labels("all", outcome).inc(getattr(report, outcome))
    return report


async def _sweep(application: Application, runtime: Runtime, now: datetime) -> SweepReport:  # type: ignore[type-arg]
    c = Clockwork.from_settings(runtime.settings)
    report = SweepReport()
    report.planned, report.summarised, claimed = await runtime.db.run(_prepare, runtime, c, now)
    reports: dict[tuple[int, datetime], Any] = {}
    while claimed:
        await _send_batch(application, runtime, claimed, reports, report, now)
        if len(claimed) < CLAIM_BATCH:
            break
        claimed = await runtime.db.run(store.claim_due, now, runtime.instance, CLAIM_BATCH)
    if report.sent or report.failed or report.retried:
        log.info("sweep: %s", report)
    return report


async def _send_batch(
    application: Application,  # type: ignore[type-arg]
    runtime: Runtime,
    claimed: list[Notification],
    reports: dict[tuple[int, datetime], Any],
    report: SweepReport,
    now: datetime,
) -> None:
    composed = await runtime.db.run(_compose_all, runtime, claimed, now)
    group_chats = await runtime.db.run(_group_chats, [n.group_id for n, _, _ in composed])
    reports_due = [n for n, _, _ in composed if n.kind in REPORT_KINDS]
    for notice, message, recipient in composed:
        # The next groups' charts are drawn while this message is sent (at Telegram's pace).
        for upcoming in reports_due[: LOOKAHEAD * len(REPORT_KINDS)]:
            _start_report(runtime, upcoming, reports)
        if notice.kind in REPORT_KINDS:
            reports_due.remove(notice)
            try:
                message = await _report_message(runtime, notice, reports)
            except Exception as exc:  # one group's report must not hold back the others
                log.exception("weekly report for chat %s not drawn", notice.chat_id)
                error = f"report not drawn: {exc!r}"
                max_attempts = runtime.settings.reminders.max_attempts
                await _retry_later(runtime, notice, error, report, now, max_attempts)
                continue
        if message is None:
            await runtime.db.run(store.finish, notice.id, NoticeState.skipped, now)
            report.skipped += 1
            continue
        await _deliver(
            application,
            notice,
            message,
            recipient,
            group_chats.get(notice.group_id),
            report,
            now,
            runtime.settings.reminders.max_attempts,
        )


def _group_chats(session: Session, group_ids: list[int | None]) -> dict[int | None, int]:
    return {gid: chat for gid, chat in store.groups(session) if gid in group_ids}
