"""Telegram's flood limits, enforced by the fake Bot API when a benchmark or test asks.

Telegram documents about 30 messages per second overall and 20 messages per minute in one
group; past them it answers 429 with ``retry_after``. An album counts as one message per
photo. Windows slide over the last second and minute of accepted messages.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from fakegram.spec import ApiError

SENDING = {"sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup"}


class FloodControl:
    def __init__(
        self,
        per_second: int = 30,
        per_group_minute: int = 20,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_second = per_second
        self.per_group_minute = per_group_minute
        self.clock = clock
        self._overall: deque[float] = deque()
        self._groups: dict[int, deque[float]] = {}
        self.refused = 0  # 429s answered

    def admit(self, chat_id: int, count: int) -> None:
        """Accept ``count`` messages to ``chat_id`` now, or raise Telegram's 429."""
        now = self.clock()
        waits = [self._wait(self._overall, now, span=1.0, limit=self.per_second, count=count)]
        if chat_id < 0:  # groups and supergroups
            window = self._groups.setdefault(chat_id, deque())
            waits.append(
                self._wait(window, now, span=60.0, limit=self.per_group_minute, count=count)
            )
        wait = max(waits)
        if wait > 0:
            self.refused += 1
            seconds = max(1, math.ceil(wait))
            raise ApiError(f"Too Many Requests: retry after {seconds}", 429, retry_after=seconds)
        self._overall.extend([now] * count)
        if chat_id < 0:
            self._groups[chat_id].extend([now] * count)

    @staticmethod
    def _wait(window: deque[float], now: float, *, span: float, limit: int, count: int) -> float:
        """Seconds until ``count`` more fit in ``window`` (0: they fit now)."""
        while window and window[0] <= now - span:
            window.popleft()
        excess = len(window) + count - limit
        if excess <= 0:
            return 0.0
        if count > limit:
            raise ApiError("Bad Request: too many messages at once")
        return window[excess - 1] + span - now
