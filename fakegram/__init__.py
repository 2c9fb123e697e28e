"""An in-process, spec-checked fake of the Telegram Bot API (tests and ``ceasefire demo``)."""

from fakegram.request import FakeRequest
from fakegram.server import BOT_USERNAME, FakeBotApi, Sent

__all__ = ["BOT_USERNAME", "FakeBotApi", "FakeRequest", "Sent"]
