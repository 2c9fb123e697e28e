"""An imported file as rows of text cells, each with the line it starts on.

People export these files from Excel and LibreOffice, so three encodings are read: UTF-8,
UTF-8 with a BOM (Excel's "CSV UTF-8") and Windows-1252 (Excel's plain "CSV" on a Spanish
Windows). UTF-8 is tried first, strictly, over the whole file; if it fails,
``charset-normalizer`` is asked whether the bytes read as Windows-1252 text (asked only that:
left to guess freely on a short Spanish file it says cp1250 or cp1257, which differ from
Windows-1252 in letters Spanish does not use), and names what they look like otherwise
(cp1251, Shift-JIS, binary). A file that mixes UTF-8 accents with other bytes is refused
too: read either way it would come out as "CoyoacÃ¡n". The separator is ``,`` or ``;`` (Excel
writes ``;`` where the decimal mark is a comma), whichever the header line holds more of.

The file is streamed twice (checked, then parsed) and never held whole: 350,000 rows stay
within a few megabytes here. Python's ``csv`` reader (strict) is used rather than pandas: it
says which line a row starts on (pandas only numbers rows, which drifts at blank lines and
quoted line breaks), and it keeps a NUL or an extra cell visible instead of silently
cutting or shifting cells.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

CHUNK = 1 << 20
SNIFF_BYTES = 256 * 1024
# Unicode category Cc but newline, tab and carriage return: what no typed text carries.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A UTF-8 encoded accented letter (á é í ó ú ñ ü, upper and lower): proof the file was UTF-8.
UTF8_ACCENT = re.compile(rb"\xc3[\x81\x89\x8d\x93\x9a\x91\x9c\xa1\xa9\xad\xb3\xba\xb1\xbc]")


class FileProblem(ValueError):
    """The file cannot be read as a table: one line for the operator."""


@dataclass(frozen=True, slots=True)
class TextFile:
    path: Path
    encoding: str  # a Python codec name: utf-8, utf-8-sig or cp1252
    lines: int  # physical lines (for a progress bar's total)


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def _check_utf8(path: Path) -> tuple[bool, int]:
    """(whether the whole file is UTF-8, how many lines it has). Control characters are
    looked for here too, in the decoded text, so the error can say which line."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    lines, ok = 0, True
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            if ok:
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError:
                    ok = False
                else:
                    found = CONTROL.search(text)
                    if found:
                        line = lines + text.count("\n", 0, found.start()) + 1
                        raise FileProblem(
                            f"line {line}: a control character (e.g. NUL) in the text"
                        )
            lines += chunk.count(b"\n")
    if ok:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            ok = False
    return ok, lines


def _latin_encoding(path: Path) -> str:
    """Windows-1252 if that is what the bytes look like, else a ``FileProblem``."""
    data = path.read_bytes()
    accent = UTF8_ACCENT.search(data)
    if accent is not None:
        line = _line_of(data, accent.start())
        raise FileProblem(
            f"line {line}: the file mixes UTF-8 with another encoding; save it again as CSV UTF-8"
        )
    sample = data[:SNIFF_BYTES]
    if from_bytes(sample, cp_isolation=["cp1252"]).best() is None:
        best = from_bytes(sample).best()
        guess = best.encoding if best is not None else "binary"
        raise FileProblem(f"file: not UTF-8 or Windows-1252 text (it looks like {guess})")
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        raise FileProblem(f"line {line}: a byte that is not Windows-1252 text") from None
    found = CONTROL.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise FileProblem(f"line {line}: a control character (e.g. NUL) in the text")
    return "cp1252"


def open_text(path: Path) -> TextFile:
    """The file's encoding, checked over every byte; ``FileProblem`` if it has no text."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if not head:
        raise FileProblem("file: empty (0 bytes)")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblem("file: UTF-16 text; save it as CSV UTF-8 or plain CSV")
    utf8, lines = _check_utf8(path)
    if utf8:
        encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    else:
        encoding = _latin_encoding(path)
    return TextFile(path, encoding, lines)


def _separator(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def rows(text: TextFile) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank row, the header first. A malformed row (a
    quote never closed) raises ``FileProblem`` naming its line."""
    with text.path.open(encoding=text.encoding, newline="") as handle:
        header = handle.readline()
        if not header.strip():
            raise FileProblem("line 1: the header line is empty")
        separator = _separator(header)
        handle.seek(0)
        reader = csv.reader(handle, delimiter=separator, strict=True)
        start = 1
        try:
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    yield start, cells
                start = reader.line_num + 1
        except csv.Error as exc:
            raise FileProblem(f"line {start}: not a CSV row ({exc})") from None
