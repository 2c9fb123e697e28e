"""The sweep: plan what has fallen due, fold stale reminders into catch-up messages, claim
what may go out now, send it (``bot.reminders.deliver``), and record each outcome.

Everything due is read from the database, so a restart loses nothing; each notification is
claimed before it is sent, so nothing is sent twice (``storage.notifications``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram.ext import Application

from bot.reminders.compose import Message, compose
from bot.reminders.deliver import Outcome, deliver, later
from bot.reminders.plan import ASSIGNED, ITEM_KINDS, REPORT_KINDS, Clockwork, plan_and_store
from bot.runtime.container import Runtime, runtime_of
from bot.views.i18n import Safe
from storage import intake, notifications, reminders
from storage.engine import Session
from storage.models.reminders import NoticeState, Notification
from storage.notifications import NoticeSpec
from storage.reminders import Recipient

log = logging.getLogger("ceasefire.reminders")
LOOKAHEAD = 3  # weekly reports drawn ahead of the one being sent
CLAIM_BATCH = 500  # claimed and sent per round; a sweep runs rounds until nothing is due


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
    stale = notifications.stale_pending(session, now - c.horizon, ITEM_KINDS)
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
    notifications.mark_many(session, [n.id for n in stale], NoticeState.summarised, now=now)  # type: ignore[misc]
    notifications.insert_missing(session, specs, now)
    return len(stale)


def _prepare(
    session: Session, c: Clockwork, now: datetime, *, instance: str, limit: int = CLAIM_BATCH
) -> tuple[int, int, list[Notification]]:
    """Plan, fold stale reminders and claim the first batch, in one transaction."""
    planned = plan_and_store(session, c, now)
    summarised = _fold_stale(session, c, now)
    return (
        planned,
        summarised,
        notifications.claim_due(session, now, instance=instance, limit=limit),
    )


Composed = tuple[Notification, Message | None, Recipient | None]
# From the least to the most advanced: of an item's reminders to one chat that go out
# together, only the most advanced is sent (the assignment notice names the due time, so it
# says more than "due in 24 hours"; "overdue" says more than both).
STAGES = ("before_due", ASSIGNED, "snooze", "due", "overdue")


def _merge(session: Session, claimed: list[Notification], *, now: datetime) -> set[int]:
    """Ids of the claimed item reminders that another one, to the same chat about the same
    item, supersedes (after a weekend: "due" and "overdue" at once); older pending ones of
    the same item and chat are skipped too, so they never follow."""
    best: dict[tuple[int, int], Notification] = {}
    for notice in claimed:
        if notice.kind not in STAGES or notice.item_id is None:
            continue
        key = (notice.chat_id, notice.item_id)
        held = best.get(key)
        if held is None or (STAGES.index(notice.kind), notice.fire_at) > (
            STAGES.index(held.kind),
            held.fire_at,
        ):
            best[key] = notice
    kept = {n.id for n in best.values()}
    for notice in best.values():
        notifications.supersede(session, notice, STAGES, now=now)
    return {
        n.id  # type: ignore[misc]
        for n in claimed
        if n.kind in STAGES and n.item_id is not None and n.id not in kept
    }


def _compose_all(
    session: Session, runtime: Runtime, claimed: list[Notification], *, now: datetime
) -> list[Composed]:
    """Each claimed notification's message in its recipient's language (weekly reports are
    drawn later, off the database thread: see ``_Sending.report_message``); a superseded
    reminder gets no message (recorded as skipped)."""
    superseded = _merge(session, claimed, now=now)
    out: list[Composed] = []
    for notice in claimed:
        if notice.id in superseded:
            out.append((notice, None, None))
            continue
        recipient = reminders.member(session, notice.member_id) if notice.member_id else None
        private = recipient is not None and notice.chat_id == recipient.telegram_id
        catalog = runtime.catalog_for(recipient.language if private and recipient else None)
        message = None
        if notice.kind not in REPORT_KINDS:
            message = compose(
                session, notice, catalog=catalog, now=now, settings=runtime.settings.reminders
            )
        out.append((notice, message, recipient))
    return out


def _group_chats(session: Session, group_ids: list[int | None]) -> dict[int | None, int]:
    return {gid: chat for gid, chat in reminders.groups(session) if gid in group_ids}


class _Sending:
    """One sweep's sending: the report being filled, and the weekly reports being drawn."""

    def __init__(self, application: Application, now: datetime) -> None:  # type: ignore[type-arg]
        self.application = application
        self.runtime = runtime_of(application)
        self.now = now
        self.report = SweepReport()
        self.drawn: dict[tuple[int, datetime], asyncio.Future[Any]] = {}

    async def batch(self, claimed: list[Notification]) -> None:
        runtime = self.runtime
        composed = await runtime.db.run(_compose_all, runtime, claimed, now=self.now)
        group_chats = await runtime.db.run(_group_chats, [n.group_id for n, _, _ in composed])
        reports_due = [n for n, _, _ in composed if n.kind in REPORT_KINDS]
        for notice, message, recipient in composed:
            # The next groups' charts are drawn while this message is sent (at Telegram's pace).
            for upcoming in reports_due[: LOOKAHEAD * len(REPORT_KINDS)]:
                self.start_report(upcoming)
            if notice.kind in REPORT_KINDS:
                reports_due.remove(notice)
                message = await self.report_message(notice)
                if message is None:
                    continue
            if message is None:
                await self.record(notice, Outcome(NoticeState.skipped, ("skipped",)))
                continue
            outcome = await deliver(
                self.application.bot,
                notice,
                message,
                recipient=recipient,
                group_chat=group_chats.get(notice.group_id),
                now=self.now,
                max_attempts=runtime.settings.reminders.max_attempts,
            )
            await self.record(notice, outcome)

    async def record(self, notice: Notification, outcome: Outcome) -> None:
        await self.runtime.db.run(
            notifications.finish,
            notice.id,
            outcome.state,
            now=self.now,
            send_after=outcome.send_after,
            error=outcome.error,
            fallback=outcome.fallback,
        )
        for counter in outcome.counters:
            setattr(self.report, counter, getattr(self.report, counter) + 1)
        if outcome.refused:
            self.report.errors.append(f"{notice.key}: {outcome.error}")

    def start_report(self, notice: Notification) -> asyncio.Future[Any]:
        """A notice's weekly report: drawn ahead of the slot (``bot.reminders.ahead``), else
        drawn now; started once per group and week per sweep."""
        # Imported here: pandas and friends load only when a report is due (memory at idle).
        from bot.reports.weekly import week_end_of

        week_end = week_end_of(notice.about_at, self.runtime.settings)  # type: ignore[arg-type]
        key = (notice.chat_id, week_end)
        if key not in self.drawn:
            self.drawn[key] = asyncio.ensure_future(self._draw(notice.chat_id, week_end))
        return self.drawn[key]

    async def _draw(self, chat_id: int, week_end: datetime) -> Any:
        from bot.reports.weekly import weekly_report

        report = await self.runtime.ahead.take(chat_id, week_end)
        return report or await weekly_report(self.runtime, chat_id, week_end)

    async def report_message(self, notice: Notification) -> Message | None:
        """The weekly report's album or summary; None (retried later) if it cannot be drawn:
        one group's report must not hold back the others."""
        try:
            report = await self.start_report(notice)
        except Exception as exc:
            log.exception("weekly report for chat %s not drawn", notice.chat_id)
            attempts = self.runtime.settings.reminders.max_attempts
            error = f"report not drawn: {exc!r}"
            await self.record(notice, later(notice, error, now=self.now, max_attempts=attempts))
            return None
        if notice.kind == "weekly_charts":
            return Message(Safe(""), album=report.charts)
        return Message(report.summary)


def _backlog(session: Session) -> tuple[dict[NoticeState, int], int]:
    """What the backlog gauges show: notifications pending and failed, updates unprocessed."""
    counts = notifications.state_counts(session, (NoticeState.pending, NoticeState.failed))
    return counts, intake.pending_count(session)


async def sweep(application: Application, now: datetime | None = None) -> SweepReport:  # type: ignore[type-arg]
    """One pass. ``now`` defaults to the runtime's clock (tests pass it explicitly)."""
    runtime = runtime_of(application)
    with runtime.metrics.sweep.time():
        report = await _sweep(application, now or runtime.now())
    counts, unprocessed = await runtime.db.run(_backlog)
    runtime.metrics.notifications_pending.set(counts[NoticeState.pending])
    runtime.metrics.notifications_failed.set(counts[NoticeState.failed])
    runtime.metrics.updates_unprocessed.set(unprocessed)
    # By the runtime's clock, which ``/healthz`` compares it with (the wall clock in production).
    runtime.metrics.last_sweep.set(runtime.now().timestamp())
    for outcome in ("sent", "fallback", "retried", "failed", "skipped", "summarised"):
        if getattr(report, outcome):
            runtime.metrics.notifications.labels("all", outcome).inc(getattr(report, outcome))
    return report


async def _sweep(application: Application, now: datetime) -> SweepReport:  # type: ignore[type-arg]
    sending = _Sending(application, now)
    runtime, report = sending.runtime, sending.report
    c = Clockwork.from_settings(runtime.settings)
    report.planned, report.summarised, claimed = await runtime.db.run(
        _prepare, c, now, instance=runtime.instance
    )
    while claimed:
        await sending.batch(claimed)
        if len(claimed) < CLAIM_BATCH:
            break
        claimed = await runtime.db.run(
            notifications.claim_due, now, instance=runtime.instance, limit=CLAIM_BATCH
        )
    if report.sent or report.failed or report.retried:
        log.info("sweep: %s", report)
    return report
