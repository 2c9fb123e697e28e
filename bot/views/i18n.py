"""The message catalog: every user-facing string lives in ``bot/views/locales/<lang>.po``.

Catalog keys are symbolic (``action.created``) so handlers never hold prose. Messages are
HTML (Telegram ``parse_mode=HTML``); every parameter is escaped unless wrapped in ``Safe``,
which is how already-rendered fragments are passed through.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton
from babel.messages.pofile import read_po

LOCALES = Path(__file__).parent / "locales"
BABEL_LOCALE = {"es": "es_MX", "en": "en_US"}


class Safe(str):
    """A string that is already valid Telegram HTML and must not be escaped again."""

    __slots__ = ()


def escape(value: object) -> Safe:
    if isinstance(value, Safe):
        return value
    return Safe(html.escape(str(value), quote=False))


_TAG_RE = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """Telegram HTML to plain text, for places that take no markup (button alerts)."""
    return html.unescape(_TAG_RE.sub("", text))


@cache
def load_messages(language: str) -> dict[str, str]:
    with (LOCALES / f"{language}.po").open("rb") as fp:
        catalog = read_po(fp, locale=BABEL_LOCALE[language])
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string}


class Catalog:
    """Renders catalog messages and dates for one language and timezone."""

    def __init__(self, language: str, zone: ZoneInfo) -> None:
        self.language = language
        self.zone = zone
        self.locale = Locale.parse(BABEL_LOCALE[language])
        self._messages = load_messages(language)
        # Babel formats a date in ~50 µs; a list of 200 items has a few distinct days.
        self._formatted: dict[tuple[str, object], str] = {}

    def __contains__(self, key: str) -> bool:
        return key in self._messages

    def t(self, key: str, /, **params: Any) -> Safe:
        """The message ``key`` with ``params`` escaped and substituted."""
        template = self._messages[key]
        if not params:
            return Safe(template)
        return Safe(template.format(**{k: escape(v) for k, v in params.items()}))

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def _format(self, skeleton: str, local: datetime, key: object) -> str:
        """``local`` formatted by ``skeleton``, remembered by ``key`` (what the text depends on)."""
        text = self._formatted.get((skeleton, key))
        if text is None:
            if len(self._formatted) > 10_000:
                self._formatted.clear()
            text = self._formatted[skeleton, key] = format_skeleton(
                skeleton, local, locale=self.locale
            )
        return text

    def date(self, moment: datetime) -> str:
        """A local date with its weekday, in the locale's own order (``vie, 4 de dic de 2026``)."""
        local = self.local(moment)
        return self._format("yMMMEd", local, local.date())

    def moment(self, moment: datetime) -> str:
        """A local date with weekday and time, for deadlines: ``vie, 4 de dic de 2026 18:00``."""
        local = self.local(moment)
        return f"{self.date(local)} {self._format('Hm', local, (local.hour, local.minute))}"

    def weekday(self, index: int) -> str:
        """The full local name of weekday ``index`` (0 = Monday)."""
        return str(self.locale.days["format"]["wide"][index])

    def datetime(self, moment: datetime) -> str:
        local = self.local(moment)
        day = self._format("yMMMd", local, local.date())
        return f"{day} {self._format('Hm', local, (local.hour, local.minute))}"


MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units


def chunk_lines(lines: list[str], budget: int = MAX_MESSAGE - 300) -> list[Safe]:
    """Join lines into as few messages as fit Telegram's limit (a line is never split)."""
    pages: list[Safe] = []
    current: list[str] = []
    size = 0
    for line in lines:
        length = utf16_len(line) + 1
        if current and size + length > budget:
            pages.append(Safe("\n".join(current)))
            current, size = [], 0
        current.append(line)
        size += length
    if current:
        pages.append(Safe("\n".join(current)))
    return pages


def utf16_len(text: str) -> int:
    """Telegram measures text in UTF-16 code units (an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2
