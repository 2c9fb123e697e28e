"""Phone numbers as people in Mexico City write them in a chat: the privacy guard's phone
detector.

It reads text normalised by ``bot.input.privacy.normalise``. ``phonenumbers`` decides
whether ten digits are a Mexican number; around it, this module finds the digits however
they are grouped ("55 12 34 56 78", "(55) 1234-5678", "+52 1 55..."), dictated ("cincuenta
y cinco, treinta y ocho"), linked (wa.me/...) or typed with look-alike letters ("3O12"),
and tells them from oficio and folio numbers, times and counts.
"""

from __future__ import annotations

import re

import phonenumbers

# Digits joined by spaces, dots, dashes or parentheses; a slash, a colon or a letter next to
# the run makes it an oficio, a time, a code or a plate, not a phone (after a phone word, a
# slash is only a separator: "tel: 55/4321/7788").
_DIGIT_RUN = re.compile(r"(?<![\w/#])(?<!\d[:.,])(?:\+\s?)?\(?\d(?:[\s.()-]{0,3}\d)+(?![\w/:%])")
_SLASHED_RUN = re.compile(r"(?<![\w#])(?<!\d[:.,])\(?\d(?:[\s.()/-]{0,3}\d)+(?![\w:%])")
# Words that say a number nearby is a phone, wherever they are in the few words before it;
# and "número"/"no." which say so only right before it.
_PHONE_WORDS = re.compile(
    r"\b(?:tel|tels|telefono|telefonos|cel|celular|movil|whatsapp|whats|wa|fijo|lada|marcar|"
    r"marca|marcale|marquen|llamar|llama|llamo|llamada|llamarle|llamen|contacto|contactar|"
    r"contactarla|contactarlo|recado|recados|telegram|signal|sms|mensaje)\b"
)
_NUMBER_WORD = re.compile(r"\b(?:numero|num|no)\b[.:]?\s*(?:de\s+\w+\s*:?\s*|es\s+)?$")
# Documents and things that carry numbers of their own ("acta circunstanciada número ...").
_OTHER_NUMBER = re.compile(
    r"\b(folio|folios|oficio|expediente|registro|ticket|reporte|incidente|clave|id|serie|"
    r"factura|turno|c5|911|cuenta|placa|placas|economico|inventario|sello|lote|guia|pedido|"
    r"acta|tarjeta|circular|memorandum|memo|patrulla|unidad|boleta|credencial|contrato|"
    r"convenio|acuerdo|minuta|solicitud|queja|denuncia|averiguacion|carpeta|causa|amparo|"
    r"juicio|partida|siniestro|poliza|remision|orden|nomina|empleado|matricula|serial)\b"
    r"\W*(?:\w+\W+){0,2}?(?:no|num|numero|n)?\W*$"
)
_LINKS = re.compile(r"\b(?:wa\.me/|whatsapp\.com/send\?phone=|tel:)\+?\d{8,13}")
# Numbers spelled out, as phone numbers are dictated: digit by digit ("cinco cinco, dos
# tres") or in pairs ("cincuenta y cinco, treinta y ocho"), mixed with digits.
_UNITS = ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve")
_TEENS = (
    "diez", "once", "doce", "trece", "catorce", "quince", "dieciseis", "diecisiete",
    "dieciocho", "diecinueve", "veinte", "veintiuno", "veintidos", "veintitres",
    "veinticuatro", "veinticinco", "veintiseis", "veintisiete", "veintiocho", "veintinueve",
)  # fmt: skip
_TENS = ("treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa")
_NUMBER_WORDS: dict[str, str] = {
    **{word: str(n) for n, word in enumerate(_UNITS)},
    "una": "1",
    **{word: str(n) for n, word in enumerate(_TEENS, start=10)},
    **{word: str(n) for n, word in enumerate(_TENS, start=3)},  # "cincuenta y cinco" below
}
_SPELLED_NUMBER = re.compile(
    rf"\b(?:(?P<tens>{'|'.join(_TENS)})(?:\s+y\s+(?P<unit>{'|'.join(_UNITS[1:])}))?|"
    rf"(?P<word>{'|'.join(_TEENS + _UNITS)}|una))\b"
)
# A letter O, l or I typed among digits ("55 3O12 4O98"): read as the digit it stands for.
_LOOKALIKE = re.compile(r"\b(?=[0-9oli]*\d[0-9oli]*\d)[0-9oli]{3,}\b")
_AS_DIGIT = str.maketrans("oli", "011")


def _as_digits(match: re.Match[str]) -> str:
    if match["tens"]:
        return _NUMBER_WORDS[match["tens"]] + (
            _NUMBER_WORDS[match["unit"]] if match["unit"] else "0"
        )
    return _NUMBER_WORDS[match["word"]]


def _spelled_out(text: str) -> str:
    """``text`` with its spelled numbers as digits, and the commas between numbers gone:
    "cincuenta y cinco, treinta y ocho" is "55 38"."""
    digits, spelled = _SPELLED_NUMBER.subn(_as_digits, text)
    return re.sub(r"(?<=\d)\s*[,;]\s*(?=\d)", " ", digits) if spelled else text


_PREFIXES = (("521", 13), ("52", 12), ("044", 13), ("045", 13), ("01", 12))


def _national(digits: str) -> str:
    """The 10-digit national number inside ``digits``, dropping +52, the old mobile 1 and
    the 044/045/01 prefixes people still dial out of habit."""
    for prefix, length in _PREFIXES:
        if digits.startswith(prefix) and len(digits) == length:
            return digits[len(prefix) :]
    return digits


def _windows(run: str) -> list[str]:
    """Every stretch of whole digit groups in ``run`` long enough to be a phone (7 to 13
    digits): "3 55 1234 5678" holds "55 1234 5678"."""
    groups = re.findall(r"\d+", run)
    found = []
    for start in range(len(groups)):
        digits = ""
        for group in groups[start:]:
            digits += group
            if len(digits) > 13:
                break
            if len(digits) >= 7:
                found.append(digits)
    return found


def _phone_in_runs(text: str, run: re.Pattern[str], *, needs_word: bool) -> bool:
    for match in run.finditer(text):
        before = text[max(0, match.start() - 30) : match.start()]
        word = _PHONE_WORDS.search(before) is not None
        if needs_word and not word:
            continue
        # After a phone word, 7 to 10 digits; after a bare "número", 8 (a CDMX landline) to 10.
        shortest = 7 if word else 8 if _NUMBER_WORD.search(before) else 11
        # A document's own number ("acta número 1234567"), unless a phone word comes after
        # the document word ("queja vecinal, cel 55...").
        document = _OTHER_NUMBER.search(before)
        if document and not _PHONE_WORDS.search(before, document.end(1)):
            continue
        for window in _windows(match.group()):
            digits = _national(window)
            if shortest <= len(digits) <= 10:
                return True
            if len(digits) == 10 and phonenumbers.is_valid_number(phonenumbers.parse(digits, "MX")):
                return True
    return False


def has_phone(text: str) -> bool:
    """A Mexican phone number: 10 digits that ``phonenumbers`` calls valid for MX, or 7-10
    digits after a word such as ``tel.``, ``cel``, ``whatsapp`` or ``número``; also as a
    wa.me link, spelled out digit by digit, or with look-alike letters among the digits."""
    if _LINKS.search(text):
        return True
    lookalike = _LOOKALIKE.sub(lambda m: m.group().translate(_AS_DIGIT), text)
    return any(
        _phone_in_runs(variant, run, needs_word=run is _SLASHED_RUN)
        for variant in {text, lookalike, _spelled_out(text)}
        for run in (_DIGIT_RUN, _SLASHED_RUN)
    )
