"""Every button's callback data, in one place: how it is built, signed, parsed and routed.

The formats (the data before its signature), each routed by its prefix:

- ``st:N:STATUS``       ✅ / 🔵 / ⛔ under an item card (``STATUS`` = done, progress, blocked)
- ``ls:SCOPE:PAGE``     ◀ / ▶ of the ``/acciones`` list
- ``sn:N``              ⏰ snooze a reminder about item N for a day
- ``cl:N:STATUS``       one row of the update-collection list before a meeting
- ``inc:FIELD[:VALUE]`` the guided ``/incidente`` form (type, sector, risk, cancel)

A press can be forged (a client can send any bytes), so every button carries a MAC: ``sign``
appends ``|`` and 8 characters of HMAC-SHA256, keyed from the bot token (every instance of
one bot shares it; nothing to store), over the data *and the chat it is sent to*: data
copied under a message of another chat does not verify. A message the bot edits (a list
page, an updated card) gets buttons bound to that message too; a new message's id is not
known before it is sent, so its buttons are bound to its chat. Buttons are signed on the
way out (``sign_markup``, called by ``bot.chat.send`` and ``Request.edit``) and checked on
the way in (the ``@command`` guard), so handlers only ever see data the bot itself produced
for that chat, and parse it strictly.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import re
from functools import cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.input.kv import parse_item_number
from bot.views.i18n import Catalog
from bot.views.items import STATUS_ICON
from domain.errors import InvalidInput
from domain.terms import Status
from storage.actions import ItemView

MAC_CHARS = 8
SEPARATOR = "|"
BUTTON_STATUSES = (Status.done, Status.progress, Status.blocked)


class Kind(enum.StrEnum):
    """The kinds of button, by the prefix of their data."""

    status = "st"
    pager = "ls"
    snooze = "sn"
    collect = "cl"
    incident_form = "inc"


def route(kind: Kind) -> str:
    """The pattern python-telegram-bot routes a kind of button by (signed data matches)."""
    return rf"^{kind.value}:"


_STATUS_RE = re.compile(r"^st:([0-9]{1,10}):(done|progress|blocked)$", re.ASCII)
_PAGER_RE = re.compile(r"^ls:([A-Za-z0-9_-]{1,16}):([0-9]{1,4})$", re.ASCII)
_SNOOZE_RE = re.compile(r"^sn:([0-9]{1,10})$", re.ASCII)
_COLLECT_RE = re.compile(r"^cl:([0-9]{1,10}):(done|progress|blocked)$", re.ASCII)
_FORM_RE = re.compile(r"^inc:(type|sector|risk|cancel):?([a-z0-9]{0,12})$")


# ----------------------------------------------------------------------------- signing
@cache
def _key(token: str) -> bytes:
    return hashlib.sha256(f"ceasefire-callback:{token}".encode()).digest()


def _mac(data: str, token: str, *, chat_id: int, message_id: int) -> str:
    signed = f"{chat_id}:{message_id}:{data}".encode()
    digest = hmac.new(_key(token), signed, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:MAC_CHARS]


def sign(data: str, token: str, *, chat_id: int, message_id: int = 0) -> str:
    """``data`` with its MAC, valid under messages of ``chat_id`` (only under
    ``message_id`` if given)."""
    return f"{data}{SEPARATOR}{_mac(data, token, chat_id=chat_id, message_id=message_id)}"


def verify(signed: str | None, token: str, *, chat_id: int, message_id: int) -> str | None:
    """The original data if ``signed`` was made for this chat (and this message, or any
    message of the chat), else None."""
    data, separator, mac = (signed or "").rpartition(SEPARATOR)
    if not separator:
        return None
    for bound in (message_id, 0):
        expected = _mac(data, token, chat_id=chat_id, message_id=bound)
        if hmac.compare_digest(mac.encode(), expected.encode()):  # bytes: any forged text
            return data
    return None


def sign_markup(markup: object, token: str, *, chat_id: int, message_id: int = 0) -> object:
    """``markup`` with every callback button signed for ``chat_id`` (and ``message_id``);
    buttons already signed for it are left as they are."""
    if not isinstance(markup, InlineKeyboardMarkup):
        return markup
    bound = {"chat_id": chat_id, "message_id": message_id}
    rows = []
    for row in markup.inline_keyboard:
        buttons = []
        for button in row:
            data = button.callback_data
            if isinstance(data, str) and verify(data, token, **bound) is None:
                button = InlineKeyboardButton(button.text, callback_data=sign(data, token, **bound))
            buttons.append(button)
        rows.append(buttons)
    return InlineKeyboardMarkup(rows)


# ---------------------------------------------------------------------------- building
def item_buttons(catalog: Catalog, item: ItemView) -> InlineKeyboardMarkup | None:
    """✅ / 🔵 / ⛔ under an open item's card (none under a closed one)."""
    if item.status.is_closed:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{STATUS_ICON[s]} {catalog.t(f'button.{s.value}')}",
                    callback_data=f"{Kind.status}:{item.id}:{s.value}",
                )
                for s in BUTTON_STATUSES
            ]
        ]
    )


def reminder_buttons(catalog: Catalog, item: ItemView) -> InlineKeyboardMarkup | None:
    """The item's status buttons plus "snooze one day"."""
    base = item_buttons(catalog, item)
    if base is None:
        return None
    snooze = InlineKeyboardButton(
        f"⏰ {catalog.t('button.snooze')}", callback_data=f"{Kind.snooze}:{item.id}"
    )
    return InlineKeyboardMarkup([*base.inline_keyboard, [snooze]])


def collection_buttons(items: list[ItemView]) -> InlineKeyboardMarkup:
    """One row per item: #N ✅ / 🔵 / ⛔ (a press removes that row)."""
    rows = [
        [
            InlineKeyboardButton(
                f"#{item.id} {STATUS_ICON[s]}", callback_data=f"{Kind.collect}:{item.id}:{s.value}"
            )
            for s in BUTTON_STATUSES
        ]
        for item in items
    ]
    return InlineKeyboardMarkup(rows)


def without_collection_row(
    markup: InlineKeyboardMarkup, item_id: int
) -> InlineKeyboardMarkup | None:
    """The collection list's buttons once item ``item_id`` has been answered."""
    prefix = f"{Kind.collect}:{item_id}:"
    rows = [
        row
        for row in markup.inline_keyboard
        if not any((b.callback_data or "").startswith(prefix) for b in row)  # type: ignore[union-attr]
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def pager_buttons(scope: str, page: int, total: int) -> InlineKeyboardMarkup | None:
    """◀ page/total ▶ under a list of ``total`` pages (nothing for one page)."""
    if total <= 1:
        return None

    def to(number: int, label: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=f"{Kind.pager}:{scope}:{number}")

    row = []
    if page > 0:
        row.append(to(page - 1, "◀"))
    row.append(to(page, f"{page + 1}/{total}"))
    if page < total - 1:
        row.append(to(page + 1, "▶"))
    return InlineKeyboardMarkup([row])


def form_buttons(rows: list[list[tuple[str, str, str]]]) -> InlineKeyboardMarkup:
    """A step of the guided incident form: rows of (label, field, value); an empty value is
    a button of its own (cancel)."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label,
                    callback_data=f"{Kind.incident_form}:{field}" + (f":{value}" if value else ""),
                )
                for label, field, value in row
            ]
            for row in rows
        ]
    )


# ----------------------------------------------------------------------------- parsing
def _match(pattern: re.Pattern[str], data: str | None) -> re.Match[str]:
    match = pattern.match(data or "")
    if match is None:
        raise InvalidInput("error.bad_button")
    return match


def _item_id(text: str) -> int:
    """An item number in button data: 1 to the database's largest integer."""
    return parse_item_number(text, "error.bad_button")


def parse_status(data: str | None) -> tuple[int, Status]:
    match = _match(_STATUS_RE, data)
    return _item_id(match.group(1)), Status(match.group(2))


def parse_pager(data: str | None) -> tuple[str, int]:
    match = _match(_PAGER_RE, data)
    return match.group(1), int(match.group(2))


def parse_snooze(data: str | None) -> int:
    return _item_id(_match(_SNOOZE_RE, data).group(1))


def parse_collect(data: str | None) -> tuple[int, Status]:
    match = _match(_COLLECT_RE, data)
    return _item_id(match.group(1)), Status(match.group(2))


def parse_form(data: str | None) -> tuple[str, str]:
    """(field, value) of a guided-form button; value is "" for cancel."""
    field, value = _match(_FORM_RE, data).groups()
    return field, value
