"""Arguments as people type them on a phone: shell-like words, ``key=value`` pairs and item
numbers.

``shlex`` does the quoting (values with spaces in quotes); we first turn the typographic
quotes that phone keyboards insert (“ ” « » ‘ ’) into plain ones, fold key accents and case
(``víctimas`` = ``victimas``), and map Spanish and English key names to one field name. An
apostrophe inside a word (``O’Higgins``, which a phone types curly) is a letter, not a quote.

Numbers are ASCII digits only: ``int()`` and ``\\d`` also read ``٣``, ``３`` or ``²``, which
nobody means as a count, a date or a time (``has_foreign_digits`` lets the parsers refuse
them with the message they give for any bad value).
"""

from __future__ import annotations

import re
import shlex
import unicodedata

from bot.input.vocabulary import fold
from domain.errors import InvalidInput

_ITEM_RE = re.compile(r"^#?([0-9]{1,10})$", re.ASCII)
_NUMBER_RE = re.compile(r"^[0-9]{1,10}$", re.ASCII)  # ASCII only: ``²`` is a digit to isdigit()
MAX_ID = 2**31 - 1  # the database's integer: a bigger number names nothing
QUOTE_MARKS = "\"'“”„‟«»‘’‚‛"  # straight and typographic, opening and closing
_QUOTES = str.maketrans(dict.fromkeys("“”„‟«»", '"') | dict.fromkeys("‘’‚‛", "'"))
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_LETTER_APOSTROPHE = "\ue000"  # a private-use character: stands for it while shlex reads


def has_foreign_digits(text: str) -> bool:
    """Whether ``text`` holds a digit that is not ASCII (``٣``, ``３``, ``²``)."""
    return any(c.isdigit() and not c.isascii() for c in text)


def split_words(text: str) -> list[str]:
    """Shell-like words; an unbalanced quote is a usage error, not a crash."""
    plain = _APOSTROPHE.sub(_LETTER_APOSTROPHE, text.translate(_QUOTES))
    try:
        words = shlex.split(plain)
    except ValueError as exc:
        raise InvalidInput("error.kv_quotes") from exc
    return [word.replace(_LETTER_APOSTROPHE, "'") for word in words]


def parse_pairs(words: list[str], aliases: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Split words into known ``key=value`` pairs (by canonical name) and the other words.

    ``aliases`` maps every accepted spelling (folded) to its canonical field name. A word
    with ``=`` whose key is unknown, a repeated field or an empty value is refused.
    """
    pairs: dict[str, str] = {}
    rest: list[str] = []
    for word in words:
        key, sep, value = word.partition("=")
        if not sep:
            rest.append(word)
            continue
        field = aliases.get(fold(key))
        if field is None:
            raise InvalidInput("error.kv_unknown", key=key)
        if field in pairs:
            raise InvalidInput("error.kv_repeated", key=key)
        if not value.strip():
            raise InvalidInput("error.kv_empty", key=key)
        pairs[field] = value.strip()
    return pairs, rest


def reject_control_characters(text: str) -> None:
    """Refuse text carrying control characters (NUL and the like; newlines and tabs are
    fine): no database stores NUL in text, and nobody types them on purpose."""
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t\r" for c in text):
        raise InvalidInput("error.control_characters")


def parse_item_number(word: str, usage: str) -> int:
    """An item (or member, schedule) number as written (``12`` or ``#12``), 1 to ``MAX_ID``;
    ``usage`` is the error's key."""
    match = _ITEM_RE.match(word.strip())
    if match is None or not 1 <= int(match.group(1)) <= MAX_ID:
        raise InvalidInput(usage)
    return int(match.group(1))


def parse_number(word: str, *, low: int, high: int) -> int | None:
    """A count written in ASCII digits between ``low`` and ``high``, or None."""
    text = word.strip()
    if not _NUMBER_RE.match(text) or not low <= int(text) <= high:
        return None
    return int(text)
