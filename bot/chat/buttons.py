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
import re
from functools import cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.views.i18n import Catalog
from bot.views.items import STATUS_ICON
from domain.errors import InvalidInput
from domain.terms import Status
from storage.actions import ItemView

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


BUTTON_STATUSES = (Status.done, Status.progress, Status.blocked)


_CALLBACK_RE = re.compile(r"^st:([1-9]\d{0,9}):(done|progress|blocked)$")


def item_buttons(catalog: Catalog, item: ItemView) -> InlineKeyboardMarkup | None:
    if item.status.is_closed:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{STATUS_ICON[s]} {catalog.t(f'button.{s.value}')}",
                    callback_data=f"st:{item.id}:{s.value}",
                )
                for s in BUTTON_STATUSES
            ]
        ]
    )


def parse_status_callback(data: str | None) -> tuple[int, Status]:
    match = _CALLBACK_RE.match(data or "")
    if match is None:
        raise InvalidInput("error.bad_button")
    return int(match.group(1)), Status(match.group(2))


def pager_buttons(scope: str, page: int, total: int) -> InlineKeyboardMarkup | None:
    if total <= 1:
        return None
    row = []
    if page > 0:
        row.append(InlineKeyboardButton("◀", callback_data=f"ls:{scope}:{page - 1}"))
    row.append(InlineKeyboardButton(f"{page + 1}/{total}", callback_data=f"ls:{scope}:{page}"))
    if page < total - 1:
        row.append(InlineKeyboardButton("▶", callback_data=f"ls:{scope}:{page + 1}"))
    return InlineKeyboardMarkup([row])


_PAGER_RE = re.compile(r"^ls:([A-Za-z0-9_-]{1,16}):(\d{1,4})$")


def parse_pager_callback(data: str | None) -> tuple[str, int]:
    match = _PAGER_RE.match(data or "")
    if match is None:
        raise InvalidInput("error.bad_button")
    return match.group(1), int(match.group(2))


def reminder_buttons(catalog: Catalog, item: ItemView) -> InlineKeyboardMarkup | None:
    """The item's status buttons plus "snooze one day"."""
    base = item_buttons(catalog, item)
    if base is None:
        return None
    snooze = InlineKeyboardButton(f"⏰ {catalog.t('button.snooze')}", callback_data=f"sn:{item.id}")
    return InlineKeyboardMarkup([*base.inline_keyboard, [snooze]])


def collection_buttons(items: list[ItemView]) -> InlineKeyboardMarkup:
    """One row per item: #N ✅ / 🔵 / ⛔ (a press removes that row)."""
    rows = [
        [
            InlineKeyboardButton(
                f"#{item.id} {STATUS_ICON[s]}", callback_data=f"cl:{item.id}:{s.value}"
            )
            for s in (Status.done, Status.progress, Status.blocked)
        ]
        for item in items
    ]
    return InlineKeyboardMarkup(rows)
