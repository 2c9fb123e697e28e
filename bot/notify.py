"""Messages the bot sends on its own initiative, outside a reply: review minutes now,
reminders and digests later. Rendering stays in ``bot.render*``; this module only sends."""

from __future__ import annotations

from telegram.ext import Application

from bot.render_reviews import minutes_pages
from bot.services import services_of
from storage.reviews import Minutes


async def post_minutes(application: Application, chat_id: int, minutes: Minutes) -> None:  # type: ignore[type-arg]
    """Post a closed review's minutes to its group, page by page, protected from forwarding."""
    services = services_of(application)
    hours = services.settings.reviews.auto_close_hours
    for page in minutes_pages(services.catalog, minutes, hours):
        await application.bot.send_message(chat_id, page, protect_content=True)
