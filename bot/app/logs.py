"""Logging: plain text for people, JSON lines for log collectors (``[logging] format``).

The token never reaches a log, at any level: every line (exceptions included) passes
through ``redact``, which masks the configured token and anything shaped like a BotFather
token (python-telegram-bot logs the Bot API URL, ``…/bot<TOKEN>``, at DEBUG). What members
type reaches the log only at DEBUG with ``[logging] log_texts = true``: otherwise the
``telegram`` loggers, whose DEBUG lines carry whole updates, stay at INFO.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

_TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
MASK = "<token>"


def redact(line: str, token: str = "") -> str:
    if token:
        line = line.replace(token, MASK)
    return _TOKEN_SHAPE.sub(MASK, line)


class Redacting(logging.Formatter):
    """Formats with ``inner``, then masks the token in the whole line."""

    def __init__(self, inner: logging.Formatter, token: str = "") -> None:
        super().__init__()
        self.inner, self.token = inner, token

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.inner.format(record), self.token)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, and the exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str, fmt: str, *, token: str = "", log_texts: bool = False) -> None:
    handler = logging.StreamHandler()
    inner = (
        JsonFormatter()
        if fmt == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.setFormatter(Redacting(inner, token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore"):  # request URLs carry the token
        logging.getLogger(noisy).setLevel(logging.WARNING)
    telegram_level = logging.DEBUG if log_texts and level == "DEBUG" else logging.INFO
    logging.getLogger("telegram").setLevel(max(telegram_level, logging.getLevelName(level)))
