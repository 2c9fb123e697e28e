"""Sending one composed notification, and what its outcome means for the row.

Failures never vanish: 429 waits ``retry_after``; a private chat that refuses the bot
("Forbidden") falls back to a mention in the coordination group; network errors back off
exponentially; after ``max_attempts`` the row is ``failed`` with its last error. Nothing
here touches the database: the sweep records the ``Outcome``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.chat.send import retry_delay, send_album, send_html
from bot.reminders.compose import Message, mention
from storage.models.reminders import NoticeState, Notification
from storage.reminders import Recipient

log = logging.getLogger("ceasefire.reminders")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What to record for a notification after an attempt, and which counters it adds to."""

    state: NoticeState
    counters: tuple[str, ...]  # fields of the sweep's report: sent, fallback, retried, failed
    send_after: datetime | None = None  # when to try again (state pending)
    error: str = ""
    fallback: bool = False  # delivered to the group instead of privately
    refused: bool = False  # Telegram refused the request itself: worth an error line


SENT = Outcome(NoticeState.sent, ("sent",))


def failed(error: str, *, refused: bool = False) -> Outcome:
    return Outcome(NoticeState.failed, ("failed",), error=error, refused=refused)


def later(notice: Notification, error: str, *, now: datetime, max_attempts: int) -> Outcome:
    """A transient failure: try again after an exponential backoff, or give up."""
    if notice.attempts >= max_attempts:
        return failed(error)
    return retry_at(now + timedelta(minutes=2**notice.attempts), error)


def retry_at(when: datetime, error: str) -> Outcome:
    return Outcome(NoticeState.pending, ("retried",), send_after=when, error=error)


async def deliver(
    bot: Bot,
    notice: Notification,
    message: Message,
    *,
    recipient: Recipient | None,
    group_chat: int | None,
    now: datetime,
    max_attempts: int,
) -> Outcome:
    """Send ``message`` to the notice's chat (or, refused privately, to ``group_chat``)."""
    try:
        if message.album:
            await send_album(bot, notice.chat_id, message.album)
        else:
            protect = {"protect_content": True} if message.protect else {}
            await send_html(
                bot, notice.chat_id, message.text, reply_markup=message.markup, **protect
            )
        return SENT
    except RetryAfter as exc:
        wait, text = retry_delay(exc)
        return retry_at(now + wait, text)
    except Forbidden as exc:
        if recipient is None or group_chat is None or group_chat == notice.chat_id:
            return failed(str(exc))
        return await _in_group(
            bot, notice, message, recipient=recipient, group_chat=group_chat, error=exc, now=now
        )
    except BadRequest as exc:  # permanent: the request itself is wrong
        log.error("notification %s refused: %s", notice.key, exc)
        return failed(str(exc), refused=True)
    except (NetworkError, TelegramError) as exc:
        return later(notice, str(exc), now=now, max_attempts=max_attempts)


async def _in_group(
    bot: Bot,
    notice: Notification,
    message: Message,
    *,
    recipient: Recipient,
    group_chat: int,
    error: Forbidden,
    now: datetime,
) -> Outcome:
    """The member blocked the bot or never started it: mention them in the group instead,
    pointing to the private chat; the item's detail stays out of the group."""
    text = message.fallback or mention(recipient)
    try:
        await send_html(bot, group_chat, text)
    except TelegramError as exc:
        return retry_at(now + timedelta(minutes=2**notice.attempts), f"{error}; group: {exc}")
    return Outcome(NoticeState.sent, ("sent", "fallback"), error=str(error), fallback=True)
