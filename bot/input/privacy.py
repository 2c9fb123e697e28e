"""The privacy guard: free text that looks like personal data is refused, never stored.

PRODUCT.md's rule is "codes, not people": the bot must not hold names, nicknames, phone
numbers, CURPs, e-mail addresses, street addresses or investigation-file numbers. Every free
text the bot stores goes through ``checked_text`` (or ``check_free_text``); the refusal says
which kind of data was seen so the user can rephrase (a cuadrante or colonia is fine).

The text is normalised before the detectors in ``bot.input.personal_data`` look at it, so
what a person cannot see (a zero-width space, a soft hyphen) or reads as the same thing
(full-width digits, accents, capitals, a curly quote, an en dash) does not hide the data.
"""

from __future__ import annotations

import re
import unicodedata

from confusable_homoglyphs import confusables

from bot.input.personal_data import DETECTORS
from domain.errors import InvalidInput

MAX_TEXT = 1000  # an item's text or an update's note

_QUOTES = str.maketrans(dict.fromkeys("“”„‟«»‘’‚‛`´'", '"'))


def _latin_look_alikes(text: str) -> str:
    """Cyrillic and Greek letters that look Latin ("ЅОLМ", "сеl") as the Latin letters they
    imitate, from Unicode's confusables table."""
    if text.isascii():
        return text
    found = confusables.is_confusable(text, greedy=True, preferred_aliases=["latin"]) or []
    for entry in found:
        if entry["character"].isascii():
            continue
        latin = [h["c"] for h in entry["homoglyphs"] if h["c"].isascii() and h["c"].isalnum()]
        if latin:
            text = text.replace(entry["character"], latin[0])
    return text


def normalise(text: str) -> str:
    """``text`` as the detectors read it: NFKC, without format characters (zero-width
    spaces and joiners, soft hyphens, direction marks), Latin look-alikes as Latin, without
    accents, case-folded, with every dash a hyphen, every quote a double quote and one space
    between words."""
    text = _latin_look_alikes(unicodedata.normalize("NFKC", text))
    text = "".join(
        "-" if unicodedata.category(c) == "Pd" else c
        for c in unicodedata.normalize("NFD", text)
        if unicodedata.category(c) not in ("Cf", "Mn")
    )
    return re.sub(r"\s+", " ", text.translate(_QUOTES).casefold()).strip()


def _detect(folded: str) -> str | None:
    for kind, detector in DETECTORS:
        if detector(folded):
            return kind
    return None


def find_personal_data(text: str) -> str | None:
    """The kind of personal data ``text`` seems to contain, or None."""
    return _detect(normalise(text))


def check_free_text(text: str) -> None:
    """Raise ``InvalidInput`` if ``text`` looks like it carries personal data, or is longer
    than any free text the bot stores: before and after normalising (NFKC makes "ﷺ" 18
    characters), since the detectors' cost is measured up to that length."""
    if len(text) > MAX_TEXT:
        raise InvalidInput("error.text_too_long", limit=MAX_TEXT)
    folded = normalise(text)
    if len(folded) > 2 * MAX_TEXT:
        raise InvalidInput("error.text_too_long", limit=MAX_TEXT)
    kind = _detect(folded)
    if kind is not None:
        raise InvalidInput(f"privacy.{kind}")


def checked_text(text: str, limit: int = MAX_TEXT) -> str:
    """Free text that may be stored: stripped, within ``limit`` characters, and free of
    personal data."""
    text = text.strip()
    if len(text) > limit:
        raise InvalidInput("error.text_too_long", limit=limit)
    check_free_text(text)
    return text


def safe_title(title: str) -> str:
    """A Telegram group's title as the bot may store it: as it is, or empty when it looks
    like personal data (the title is Telegram's, so it is dropped rather than refused)."""
    return "" if find_personal_data(title) else title
