"""The fake Bot API over HTTP, for a bot running in another process (crash tests).

python-telegram-bot's HTTP request posts every parameter as a form field: strings as they
are, anything else JSON-encoded. The spec's field types say which is which, so the same
``FakeBotApi`` validates and answers calls from a real ``ceasefire run`` process.
``before_call`` sees each call first (a test kills the bot there, before Telegram answers).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from fakegram.media import Upload
from fakegram.server import FakeBotApi
from fakegram.spec import ApiError

BeforeCall = Callable[[str, dict[str, Any]], None]


def _decode(value: str, types: list[str]) -> Any:
    """One form field as the Python value PTB encoded (strings stay strings)."""
    if types == ["String"]:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value  # a string where the spec also allows one (``chat_id="@channel"``)


class HttpBotApi:
    """Serves ``api`` at ``http://127.0.0.1:<port>/bot<token>/<method>``."""

    def __init__(self, api: FakeBotApi, before_call: BeforeCall | None = None) -> None:
        self.api = api
        self.before_call = before_call
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> str:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/{bot}/{method}", self._handle)
        # A long poll of a killed bot never ends by itself: do not wait for it on stop.
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _fields(self, method: str) -> dict[str, list[str]]:
        spec = self.api.validator.methods.get(method.lower(), {})
        return {f["name"]: f["types"] for f in spec.get("fields", [])}

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        types = self._fields(method)
        params: dict[str, Any] = {}
        files: dict[str, Upload] = {}
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                files[name] = Upload(value.filename, value.file.read(), value.content_type)
                if name in types:
                    params[name] = f"attach://{name}"
            else:
                params[name] = _decode(str(value), types.get(name, ["String"]))
        if self.before_call is not None:
            self.before_call(method, params)
        try:
            if method.lower() == "getupdates":
                self.api.validator.check_call("getUpdates", params)
                result: Any = await self.api.get_updates(params)
            else:
                result = self.api.call(method, params, files)
        except ApiError as exc:
            body: dict[str, Any] = {"ok": False, "error_code": exc.code}
            body["description"] = exc.description
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
            return web.json_response(body, status=exc.code)
        return web.json_response({"ok": True, "result": result})
