"""Strict checks of Bot API calls against the official machine-readable spec (``api.json``).

Methods, parameter names, required parameters and value types come from the spec, never from
a list typed here. On top of the schema we enforce the documented limits the schema cannot
express (text and caption length, callback data size) and Telegram's HTML parse rules.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).parent / "api.json"

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200

_HTML_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
    "tg-time",
}
_TOKEN_RE = re.compile(
    r"<(/?)([a-zA-Z-]+)((?:\s+[a-z-]+(?:=\"[^\"<>]*\")?)*)\s*>|&(#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot);"
)


class ApiError(Exception):
    """A request Telegram would refuse; ``code`` and ``description`` mirror its answer."""

    def __init__(
        self,
        description: str,
        code: int = 400,
        *,
        retry_after: int | None = None,
        injected: bool = False,
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.injected = injected  # a failure a test asked for, not the bot's mistake

    @property
    def is_violation(self) -> bool:
        """A malformed call (the bot's bug), as opposed to a refusal any bot must handle
        (403 blocked / not started, 429 flood control)."""
        return not self.injected and self.code not in (403, 429)


@cache
def load_spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> str:
    """The visible text of a Telegram-HTML string; ``ApiError`` where Telegram would refuse."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    for match in _TOKEN_RE.finditer(text):
        chunk = text[pos : match.start()]
        _check_plain(chunk, pos)
        out.append(chunk)
        pos = match.end()
        closing, tag, _attrs, entity = match.groups()
        if entity is not None:
            out.append(html.unescape(match.group(0)))
            continue
        tag = tag.lower()
        if tag not in _HTML_TAGS:
            raise ApiError(f'Bad Request: can\'t parse entities: unsupported start tag "{tag}"')
        if closing:
            if not stack or stack[-1] != tag:
                raise ApiError(f'Bad Request: can\'t parse entities: unmatched end tag "{tag}"')
            stack.pop()
        else:
            stack.append(tag)
    tail = text[pos:]
    _check_plain(tail, pos)
    out.append(tail)
    if stack:
        raise ApiError(f'Bad Request: can\'t parse entities: unclosed start tag "{stack[-1]}"')
    return "".join(out)


def _check_plain(chunk: str, offset: int) -> None:
    for char in "<>&":
        index = chunk.find(char)
        if index >= 0:
            raise ApiError(
                "Bad Request: can't parse entities: unescaped "
                f"{char!r} at byte offset {offset + index}"
            )


class Validator:
    """Validates one call (method + parameters) against the spec."""

    def __init__(self) -> None:
        spec = load_spec()
        self.methods: dict[str, dict[str, Any]] = {k.lower(): v for k, v in spec["methods"].items()}
        self.types: dict[str, dict[str, Any]] = spec["types"]

    def method_name(self, name: str) -> str:
        method = self.methods.get(name.lower())
        if method is None:
            raise ApiError("Not Found: method not found", code=404)
        return method["name"]

    def field_names(self, name: str) -> set[str]:
        method = self.methods.get(name.lower())
        return {f["name"] for f in method.get("fields", [])} if method else set()

    def check_call(self, name: str, params: dict[str, Any]) -> None:
        method = self.methods[name.lower()]
        fields = {f["name"]: f for f in method.get("fields", [])}
        for key in params:
            if key not in fields:
                raise ApiError(f"Bad Request: unknown parameter {key!r} for {method['name']}")
        for key, field in fields.items():
            if field["required"] and params.get(key) is None:
                raise ApiError(f"Bad Request: parameter {key!r} is required")
            if key in params:
                problem = self._check(params[key], field["types"], key)
                if problem:
                    raise ApiError(f"Bad Request: {problem}")
        self._check_limits(method["name"], params)

    def _check(self, value: Any, types: list[str], where: str) -> str | None:
        problems = []
        for type_name in types:
            problem = self._check_one(value, type_name, where)
            if problem is None:
                return None
            problems.append(problem)
        return problems[0]

    def _check_one(self, value: Any, type_name: str, where: str) -> str | None:
        if type_name.startswith("Array of "):
            if not isinstance(value, list | tuple):
                return f"{where}: expected an array"
            inner = type_name.removeprefix("Array of ")
            for index, element in enumerate(value):
                problem = self._check_one(element, inner, f"{where}[{index}]")
                if problem:
                    return problem
            return None
        scalar = {
            "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "String": lambda v: isinstance(v, str),
            "Boolean": lambda v: isinstance(v, bool),
            "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
            "InputFile": lambda v: isinstance(v, str),
        }
        if type_name in scalar:
            return None if scalar[type_name](value) else f"{where}: expected {type_name}"
        spec_type = self.types.get(type_name)
        if spec_type is None:
            return f"{where}: unknown type {type_name}"
        if "subtypes" in spec_type:
            return self._check(value, spec_type["subtypes"], where)
        if not isinstance(value, dict):
            return f"{where}: expected a {type_name} object"
        fields = {f["name"]: f for f in spec_type.get("fields", [])}
        for key in value:
            if key not in fields:
                return f"{where}: unknown field {key!r} of {type_name}"
        for key, field in fields.items():
            if field["required"] and key not in value:
                return f"{where}: field {key!r} of {type_name} is required"
            if key in value:
                problem = self._check(value[key], field["types"], f"{where}.{key}")
                if problem:
                    return problem
        if type_name == "InlineKeyboardButton" and "callback_data" in value:
            size = len(value["callback_data"].encode("utf-8"))
            if not 1 <= size <= MAX_CALLBACK_DATA:
                return "BUTTON_DATA_INVALID"
        return None

    def _check_limits(self, method: str, params: dict[str, Any]) -> None:
        for key, limit in (("text", MAX_TEXT), ("caption", MAX_CAPTION)):
            if key not in params or not isinstance(params[key], str):
                continue
            if method == "answerCallbackQuery":
                limit = MAX_CALLBACK_ANSWER
            mode = params.get("parse_mode")
            if mode not in (None, "HTML"):
                raise ApiError(f"Bad Request: this fake checks HTML only, got {mode!r}")
            visible = parse_html(params[key]) if mode == "HTML" else params[key]
            length = utf16_len(visible.strip())
            if key == "text" and method != "answerCallbackQuery" and length == 0:
                raise ApiError("Bad Request: message text is empty")
            if length > limit:
                raise ApiError(
                    "Bad Request: message is too long"
                    if key == "text"
                    else "Bad Request: message caption is too long"
                )
