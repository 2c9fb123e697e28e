"""Photo, album and document methods of the fake Bot API.

Uploaded files arrive as multipart parts; a top-level file parameter (``document``,
``photo``) or an ``attach://name`` reference in an album must point at a part that was sent.
Photos must decode as images within Telegram's limits; captions obey the 1024-character
limit after HTML parsing, like message texts.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from typing import Any

from PIL import Image

from fakegram.spec import MAX_CAPTION, ApiError, parse_html, utf16_len

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes
    mime: str


class MediaMethods:
    """Mixed into ``FakeBotApi``; uses its ``_chat``, ``_new_message`` and ``sent``."""

    uploads: dict[str, Upload]
    _file_ids = itertools.count(1)
    # False reads only image headers: benchmarks run the "server" on the bot's event loop,
    # and Telegram's decoding of an album must not count as the bot's time.
    decode_images = True

    def _upload(self, reference: Any, files: dict[str, Upload]) -> Upload:
        name = reference.removeprefix("attach://") if isinstance(reference, str) else None
        if name is None or name not in files:
            raise ApiError("Bad Request: wrong file identifier/HTTP URL specified")
        return files[name]

    def _photo(self, upload: Upload) -> list[dict[str, Any]]:
        if len(upload.content) > MAX_PHOTO_BYTES:
            raise ApiError("Bad Request: PHOTO_INVALID_DIMENSIONS")
        try:
            with Image.open(io.BytesIO(upload.content)) as image:
                if self.decode_images:
                    image.load()
                width, height = image.size
        except Exception as exc:  # any decoding failure is Telegram's IMAGE_PROCESS_FAILED
            raise ApiError("Bad Request: IMAGE_PROCESS_FAILED") from exc
        if width + height > 10000 or max(width, height) > 20 * min(width, height):
            raise ApiError("Bad Request: PHOTO_INVALID_DIMENSIONS")
        file_id = f"photo{next(self._file_ids)}"
        self.uploads[file_id] = upload
        return [
            {
                "file_id": file_id,
                "file_unique_id": file_id,
                "width": width,
                "height": height,
                "file_size": len(upload.content),
            }
        ]

    @staticmethod
    def _caption(item: dict[str, Any]) -> str:
        caption = item.get("caption", "")
        text = parse_html(caption) if item.get("parse_mode") == "HTML" else caption
        if utf16_len(text) > MAX_CAPTION:
            raise ApiError("Bad Request: message caption is too long")
        return text

    def _m_sendMediaGroup(self, params: dict[str, Any], files: dict[str, Upload]) -> list[dict]:
        chat = self._chat(params["chat_id"])  # type: ignore[attr-defined]
        media = params["media"]
        if not 2 <= len(media) <= 10:
            raise ApiError("Bad Request: wrong number of media in the album (2-10)")
        messages = []
        for item in media:
            if item.get("type") != "photo":
                raise ApiError("Bad Request: this fake supports photo albums only")
            message = self._new_message(
                chat,
                caption=self._caption(item),  # type: ignore[attr-defined]
                photo=self._photo(self._upload(item["media"], files)),
            )
            messages.append(message)
        self.sent.append(self._sent_record("sendMediaGroup", chat, messages, params=params))  # type: ignore[attr-defined]
        return messages

    def _m_sendPhoto(self, params: dict[str, Any], files: dict[str, Upload]) -> dict:
        chat = self._chat(params["chat_id"])  # type: ignore[attr-defined]
        message = self._new_message(
            chat,
            caption=self._caption(params),  # type: ignore[attr-defined]
            photo=self._photo(self._upload(params["photo"], files)),
        )
        self.sent.append(self._sent_record("sendPhoto", chat, [message], params=params))  # type: ignore[attr-defined]
        return message

    def _m_sendDocument(self, params: dict[str, Any], files: dict[str, Upload]) -> dict:
        chat = self._chat(params["chat_id"])  # type: ignore[attr-defined]
        upload = self._upload(params["document"], files)
        if len(upload.content) > MAX_DOCUMENT_BYTES:
            raise ApiError("Request Entity Too Large", 413)
        file_id = f"doc{next(self._file_ids)}"
        self.uploads[file_id] = upload
        document = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": upload.filename,
            "mime_type": upload.mime,
            "file_size": len(upload.content),
        }
        message = self._new_message(chat, caption=self._caption(params), document=document)  # type: ignore[attr-defined]
        self.sent.append(self._sent_record("sendDocument", chat, [message], params=params))  # type: ignore[attr-defined]
        return message
