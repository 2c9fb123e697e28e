"""The privacy guard: free text that looks like personal data is refused, never stored.

PRODUCT.md's rule is "codes, not people": the bot must not hold phone numbers, CURPs, e-mail
addresses or street addresses. These patterns err on the side of refusing; the refusal says
which kind of data was seen so the user can rephrase (a cuadrante or colonia is fine).
"""

from __future__ import annotations

import re

from domain.errors import InvalidInput

MAX_TEXT = 1000  # an item's text or an update's note

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # CURP: 4 letters, birth date, sex, state, 3 consonants, homoclave, check digit.
    ("curp", re.compile(r"\b[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z0-9]\d\b", re.IGNORECASE)),
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b")),
    # Mexican phones: 10 digits (optionally +52 / 52 / 044), with spaces, dots or dashes.
    (
        "phone",
        re.compile(r"(?<![\w#])(\+?52[\s.-]?)?(\(?\d{2,3}\)?[\s.-]?)\d{3,4}[\s.-]?\d{4}(?!\w)"),
    ),
    # Street addresses: a street word, a name, then a house number.
    (
        "address",
        re.compile(
            r"\b(calle|c\.|av\.?|avenida|calz\.?|calzada|blvd\.?|boulevard|bulevar|privada|"
            r"priv\.|cerrada|callej[oó]n|andador|prolongaci[oó]n|eje\s+\d+|street|st\.|road)"
            r"\s+[\w.ÁÉÍÓÚÑáéíóúñ ]{2,50}?\s*(#|n[oú]m\.?|no\.|n[uú]mero|número)?\s*\d{1,5}"
            r"(\s*(int|interior|depto|dpto)\.?\s*\w+)?\b",
            re.IGNORECASE,
        ),
    ),
    ("address", re.compile(r"#\s?\d{1,5}\b.*\b(col\.?|colonia)\b", re.IGNORECASE)),
    ("address", re.compile(r"\b\d{1,5}\s+\w+\s+(street|st\.|avenue|ave\.|road|rd\.)", re.I)),
]


def find_personal_data(text: str) -> str | None:
    """The kind of personal data ``text`` seems to contain, or None."""
    for kind, pattern in _PATTERNS:
        if pattern.search(text):
            return kind
    return None


def check_free_text(text: str) -> None:
    """Raise ``InvalidInput`` if ``text`` looks like it carries personal data."""
    kind = find_personal_data(text)
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
