"""Closing a shooting review's loose ends: posting the minutes, closing reviews left open."""

from __future__ import annotations

from telegram.ext import Application

from bot.chat.send import send_html
from bot.runtime.container import runtime_of
from bot.views.reviews import minutes_pages
from storage.reviews import Minutes


async def post_minutes(application: Application, chat_id: int, minutes: Minutes) -> None:  # type: ignore[type-arg]
    """Post a closed review's minutes to its group, page by page, protected from forwarding."""
    runtime = runtime_of(application)
    hours = runtime.settings.reviews.auto_close_hours
    for page in minutes_pages(runtime.catalog, minutes, hours):
        await send_html(application.bot, chat_id, page, protect_content=True)
