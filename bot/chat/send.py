"""How every message leaves the bot: HTML without link previews, buttons signed, charts as
one album, and how long a 429 asks us to wait. What the texts say is ``bot.views``.

The formatting options are passed explicitly rather than as python-telegram-bot
``Defaults``: with ``Defaults(parse_mode=...)`` PTB also sends ``parse_mode`` to methods that
do not take it (``editMessageReplyMarkup``), which the strict fake Bot API rightly refuses.
"""

from __future__ import annotations

import warnings
from datetime import timedelta
from typing import Any

from telegram import Bot, InputMediaPhoto, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.chat.buttons import sign_markup

HTML: dict[str, Any] = {
    "parse_mode": ParseMode.HTML,
    "link_preview_options": LinkPreviewOptions(is_disabled=True),
}


async def send_html(bot: Bot, chat_id: int, text: str, **kwargs: Any) -> Message:
    """Send Telegram-HTML ``text`` (already escaped by the catalog); buttons get signed
    for ``chat_id``."""
    if kwargs.get("reply_markup") is not None:
        kwargs["reply_markup"] = sign_markup(kwargs["reply_markup"], bot.token, chat_id=chat_id)
    return await bot.send_message(chat_id, text, **HTML, **kwargs)


async def send_album(bot: Bot, chat_id: int, photos: list[tuple[bytes, str]]) -> None:
    """Charts as one media group (plain-text captions), or one photo if there is one."""
    if len(photos) == 1:
        png, caption = photos[0]
        await bot.send_photo(chat_id, png, caption=caption)
        return
    await bot.send_media_group(
        chat_id, [InputMediaPhoto(png, caption=caption) for png, caption in photos[:10]]
    )


def retry_delay(error: RetryAfter) -> tuple[timedelta, str]:
    """How long Telegram asked us to wait (an int today, a timedelta in PTB 23), and the
    error's text; read without PTB's deprecation warning about that change."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value, text = error.retry_after, str(error)
    return (value if isinstance(value, timedelta) else timedelta(seconds=float(value))), text
