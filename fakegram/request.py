"""``FakeRequest``: python-telegram-bot's request layer, routed to a ``FakeBotApi`` instead of
the network, so the real ``Application`` runs unchanged against the fake."""

from __future__ import annotations

import json
from typing import Any

from telegram.request import BaseRequest, RequestData

from fakegram.media import Upload
from fakegram.server import FakeBotApi
from fakegram.spec import ApiError


class FakeRequest(BaseRequest):
    """Routes python-telegram-bot's requests to a ``FakeBotApi`` instead of the network."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(  # noqa: PLR0917  (python-telegram-bot's signature)
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files: dict[str, Upload] = {}
        if request_data is not None and request_data.contains_files:
            for name, part in request_data.multipart_data.items():
                filename, content, mime = part if len(part) == 3 else (part[0], part[1], "")
                files[name] = Upload(filename, content, mime)
                if name in self.api.validator.field_names(api_method):  # e.g. ``document``
                    params[name] = f"attach://{name}"
        try:
            if api_method.lower() == "getupdates":
                self.api.validator.check_call("getUpdates", params)
                result: Any = await self.api.get_updates(params)
            else:
                result = self.api.call(api_method, params, files)
        except ApiError as exc:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": exc.code,
                "description": exc.description,
            }
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
            return exc.code, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()
