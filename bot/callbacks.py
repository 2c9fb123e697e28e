"""Signed callback data: a button press can be forged, so every button carries a MAC.

``sign`` appends ``|`` and 8 characters of HMAC-SHA256 over the data, keyed from the bot
token (every instance of one bot shares it; nothing to store). Buttons are signed on the way
out (``sign_markup`` in ``bot.notify``) and checked on the way in (``@command``), so
handlers only ever see data the bot itself produced.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

MAC_CHARS = 8
SEPARATOR = "|"


@cache
def _key(token: str) -> bytes:
    return hashlib.sha256(f"ceasefire-callback:{token}".encode()).digest()


def _mac(data: str, token: str) -> str:
    digest = hmac.new(_key(token), data.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:MAC_CHARS]


def sign(data: str, token: str) -> str:
    return f"{data}{SEPARATOR}{_mac(data, token)}"


def verify(signed: str | None, token: str) -> str | None:
    """The original data if ``signed`` carries a valid MAC, else None."""
    data, separator, mac = (signed or "").rpartition(SEPARATOR)
    if not separator or not hmac.compare_digest(mac, _mac(data, token)):
        return None
    return data


def sign_markup(markup: object, token: str) -> object:
    """``markup`` with every callback button signed (already signed ones left as they are)."""
    if not isinstance(markup, InlineKeyboardMarkup):
        return markup
    rows = []
    for row in markup.inline_keyboard:
        buttons = []
        for button in row:
            data = button.callback_data
            if isinstance(data, str) and verify(data, token) is None:
                button = InlineKeyboardButton(button.text, callback_data=sign(data, token))
            buttons.append(button)
        rows.append(buttons)
    return InlineKeyboardMarkup(rows)
