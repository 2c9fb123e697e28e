"""The message catalog: every user-facing string lives in ``bot/views/locales/<lang>.po``.

Catalog keys are symbolic (``action.created``) so handlers never hold prose. Messages are
HTML (Telegram ``parse_mode=HTML``); every parameter is escaped unless wrapped in ``Safe``,
which is how already-rendered fragments are passed through.
"""

from __future__ import annotations

import gettext
import html
import re
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton
from babel.messages.catalog import Catalog as BabelCatalog
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
def _read(language: str) -> BabelCatalog:
    with (LOCALES / f"{language}.po").open("rb") as fp:
        return read_po(fp, locale=BABEL_LOCALE[language])


@cache
def load_messages(language: str) -> dict[str, str]:
    """The singular messages: key → template."""
    return {
        str(m.id): str(m.string)
        for m in _read(language)
        if m.id and m.string and not m.pluralizable
    }


@cache
def load_plurals(language: str) -> dict[str, tuple[str, ...]]:
    """The messages with plural forms (``msgid_plural`` in the ``.po``): key → one template
    per form, in the order the file's ``Plural-Forms`` expression numbers them."""
    return {
        str(m.id[0]): tuple(str(form) for form in m.string)
        for m in _read(language)
        if m.id and m.pluralizable and all(m.string)
    }


@cache
def plural_index(language: str) -> Callable[[int], int]:
    """The ``.po`` header's plural expression (gettext's ``Plural-Forms``) as a function."""
    return gettext.c2py(_read(language).plural_expr)


class Catalog:
    """Renders catalog messages and dates for one language and timezone."""

    def __init__(self, language: str, zone: ZoneInfo) -> None:
        self.language = language
        self.zone = zone
        self.locale = Locale.parse(BABEL_LOCALE[language])
        self._messages = load_messages(language)
        self._plurals = load_plurals(language)
        self._plural = plural_index(language)
        # Babel formats a date in ~50 µs; a list of 200 items has a few distinct days.
        self._formatted: dict[tuple[str, object], str] = {}

    def __contains__(self, key: str) -> bool:
        return key in self._messages or key in self._plurals

    def n(self, key: str, count: int, /, **params: Any) -> Safe:
        """The plural message ``key`` in the form ``count`` takes in this language ("1
        vencida", "2 vencidas"), with ``count`` and ``params`` escaped and substituted."""
        forms = self._plurals[key]
        template = forms[min(self._plural(count), len(forms) - 1)]
        values = {k: escape(v) for k, v in params.items()}
        return Safe(template.format(count=count, **values))

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
