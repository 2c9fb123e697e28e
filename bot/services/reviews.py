"""A shooting review's end: posting the minutes, and closing reviews left open too long."""

from __future__ import annotations

from datetime import timedelta

from telegram.ext import Application

from bot.chat.send import send_html
from bot.runtime.container import runtime_of
from bot.views.reviews import minutes_pages
from domain.errors import Conflict
from storage import reviews
from storage.reviews import Minutes


async def post_minutes(application: Application, chat_id: int, minutes: Minutes) -> None:  # type: ignore[type-arg]
    """Post a closed review's minutes to its group, page by page, protected from forwarding."""
    runtime = runtime_of(application)
    hours = runtime.settings.reviews.auto_close_hours
    for page in minutes_pages(runtime.catalog, minutes, hours):
        await send_html(application.bot, chat_id, page, protect_content=True)


async def close_stale_reviews(application: Application) -> int:  # type: ignore[type-arg]
    """Close reviews left open longer than ``auto_close_hours`` and post their minutes."""
    runtime = runtime_of(application)
    now = runtime.now()
    cutoff = now - timedelta(hours=runtime.settings.reviews.auto_close_hours)
    closed = 0
    for chat_id in await runtime.db.run(reviews.stale_reviews, cutoff):
        try:
            minutes = await runtime.db.run(reviews.end_review, None, chat_id, now=now, auto=True)
        except Conflict:
            continue  # someone closed it meanwhile
        await post_minutes(application, chat_id, minutes)
        closed += 1
    return closed
