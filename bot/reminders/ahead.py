"""Weekly reports drawn before their slot, so that the slot itself is only sending.

Every group's weekly report falls due at the same minute. Drawing one (five charts) costs
~0.6 s of CPU, three times what sending it takes at Telegram's pace (six messages at 30 per
second), so at the slot a city of 100 groups waited a minute for drawing. The week being
reported ends at midnight before the slot, so its data is complete earlier: from
``[reports] draw_ahead_minutes`` before the slot (never before the week has ended) the
reports are drawn, as many at once as there are renderers, and kept in memory until the
sweep takes them. A drawn report shows the state when it was drawn, which each chart's
source line states; one that failed, or was lost to a restart, is drawn at the slot.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.input.meeting_times import weekly_occurrences
from bot.reminders.plan import Clockwork
from bot.runtime.container import Runtime
from storage.reminders import groups

if TYPE_CHECKING:
    from bot.reports.weekly import Report

log = logging.getLogger("ceasefire.reports")


def _coming_slot(runtime: Runtime, now: datetime) -> datetime | None:
    """The next weekly slot if it is within ``draw_ahead_minutes`` and not drawn yet."""
    minutes = runtime.settings.reports.draw_ahead_minutes
    if not minutes:
        return None
    c = Clockwork.from_settings(runtime.settings)
    end = now + timedelta(minutes=minutes)
    # At the slot itself the sweep draws what is missing: drawing here too would double it.
    slots = [
        s
        for s in weekly_occurrences(c.weekly_day, c.weekly_minute, start=now, end=end, zone=c.zone)
        if s > now
    ]
    if not slots or slots[0] == runtime.ahead.slot:
        return None
    return slots[0]


async def draw_ahead(runtime: Runtime, now: datetime) -> int:
    """Draw the coming slot's reports if it is near; returns how many were drawn."""
    slot = _coming_slot(runtime, now)
    if slot is None:
        return 0
    # pandas and matplotlib load only now that a report is near (memory at idle).
    from bot.reports.weekly import week_end_of, weekly_report

    week_end = week_end_of(slot, runtime.settings)
    if now < week_end:
        return 0  # the week is not over: its data is not complete yet
    ahead = runtime.ahead
    ahead.slot = slot
    ahead.reports.clear()  # a slot's leftovers (groups removed since) go with it
    loop = asyncio.get_running_loop()
    chats = [chat for _, chat in await runtime.db.run(groups)]
    futures = {chat: loop.create_future() for chat in chats}
    ahead.reports.update({(chat, week_end): future for chat, future in futures.items()})
    # As many at once as there are renderers: more would only queue database reads in
    # front of members' commands.
    gate = asyncio.Semaphore(runtime.settings.reports.renderers)

    async def draw(chat: int, future: asyncio.Future[Report | None]) -> bool:
        async with gate:
            try:
                future.set_result(await weekly_report(runtime, chat, week_end, now=now))
                return True
            except Exception:
                log.exception("weekly report for chat %s not drawn ahead", chat)
                future.set_result(None)
                return False

    drawn = await asyncio.gather(*(draw(chat, future) for chat, future in futures.items()))
    log.info("weekly reports for %s drawn ahead: %d of %d", slot, sum(drawn), len(chats))
    return sum(drawn)
