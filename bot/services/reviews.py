"""A shooting review's end: posting the minutes, and closing reviews left open too long.

The minutes go through the notification outbox instead of being sent and forgotten (a
review that closed itself has nobody waiting for them; a multi-page answer to ``/revision
fin`` replayed from its start would post its first pages twice): one ``minutes`` row per page
(separate rows, as for the weekly report, so that a failure never resends a page already
out) is committed in the transaction that closes the review, claimed by this instance, and
sent at once. A page Telegram did not take goes back to ``pending``, and the reminder sweep
retries it with its back-off and its ``max_attempts`` (``bot.reminders.deliver``), composing
it afresh from the stored review (``queued_page``): a failed send never loses the minutes,
and no page goes out twice. As for any notification, a crash between the closing and the
send leaves the pages ``sending``, shown by ``reminders preview``.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from telegram.error import RetryAfter, TelegramError
from telegram.ext import Application

from bot.chat.send import retry_delay, send_html
from bot.runtime.container import runtime_of
from bot.views.i18n import Catalog, Safe
from bot.views.reviews import minutes_pages
from domain.actor import Actor
from domain.errors import Conflict
from storage import notifications, reviews
from storage.engine import Session
from storage.models.reminders import NoticeState
from storage.notifications import NoticeSpec

log = logging.getLogger("ceasefire.reviews")
MINUTES_KIND = "minutes"  # the notification kind of a closed review's pages


Queued = list[tuple[int, Safe]]  # the minutes' notification ids with their pages


def close_review(
    session: Session,
    actor: Actor | None,
    chat_id: int,
    *,
    now: datetime,
    catalog: Catalog,
    hours: int,
    instance: str,
) -> Queued:
    """Close the group's review (by ``actor``; None: closed for being left open) and queue
    its minutes, claimed for sending, in one transaction."""
    minutes = reviews.end_review(session, actor, chat_id, now=now, auto=actor is None)
    pages = minutes_pages(catalog, minutes, hours)
    specs = [
        NoticeSpec(
            key=f"{MINUTES_KIND}:{minutes.review_id}:{number}",
            kind=MINUTES_KIND,
            chat_id=chat_id,
            fire_at=now,
            send_after=now,
            payload=json.dumps({"review": minutes.review_id, "page": number, "hours": hours}),
        )
        for number in range(len(pages))
    ]
    ids = notifications.insert_claimed(session, specs, now, instance=instance)
    return list(zip(ids, pages, strict=True))


def queued_page(session: Session, catalog: Catalog, payload: str) -> Safe | None:
    """A queued page of minutes, composed again when the sweep retries it; None if the
    review is gone or has fewer pages now. The number of pages was fixed at closing: an
    item's status changed in between can only move a line across a page boundary."""
    about = json.loads(payload)
    pages = minutes_pages(catalog, reviews.minutes(session, about["review"]), about["hours"])
    return pages[about["page"]] if about["page"] < len(pages) else None


def _hand_back(
    session: Session, ids: list[int], *, now: datetime, send_after: datetime, error: str
) -> None:
    """Pages not sent go back to the sweep, which retries them (``finish`` with pending)."""
    for notice_id in ids:
        notifications.finish(
            session, notice_id, NoticeState.pending, now=now, send_after=send_after, error=error
        )


async def send_minutes(
    application: Application,  # type: ignore[type-arg]
    chat_id: int,
    queued: Queued,
    *,
    now: datetime,
) -> None:
    """Send the queued pages in order; at the first refusal, hand that page and the rest
    back to the sweep (after ``retry_after`` for a 429), so they stay in order."""
    runtime = runtime_of(application)
    for position, (notice_id, page) in enumerate(queued):
        try:
            await send_html(application.bot, chat_id, page, protect_content=True)
        except TelegramError as exc:
            retry = now + retry_delay(exc)[0] if isinstance(exc, RetryAfter) else now
            log.warning("minutes for chat %s not sent now (%s): the sweep retries", chat_id, exc)
            rest = [i for i, _ in queued[position:]]
            await runtime.db.run(_hand_back, rest, now=now, send_after=retry, error=str(exc))
            return
        await runtime.db.run(notifications.finish, notice_id, NoticeState.sent, now=now)


async def close_stale_reviews(application: Application) -> int:  # type: ignore[type-arg]
    """Close reviews left open longer than ``auto_close_hours`` and post their minutes."""
    runtime = runtime_of(application)
    now = runtime.now()
    hours = runtime.settings.reviews.auto_close_hours
    cutoff = now - timedelta(hours=hours)
    closed = 0
    for chat_id in await runtime.db.run(reviews.stale_reviews, cutoff):
        try:
            queued = await runtime.db.run(
                close_review,
                None,
                chat_id,
                now=now,
                catalog=runtime.catalog,
                hours=hours,
                instance=runtime.instance,
            )
        except Conflict:
            continue  # someone closed it meanwhile
        except Exception:  # one group's failure must not keep the others' reviews open
            log.exception("closing the stale review of chat %s failed", chat_id)
            continue
        await send_minutes(application, chat_id, queued, now=now)
        closed += 1
    return closed
