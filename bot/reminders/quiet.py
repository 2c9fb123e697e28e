"""Quiet hours, weekends and public holidays: when a private reminder may go out.

Holidays come from the ``holidays`` package (Mexico by default); local times are built with
``zoneinfo`` in the configured zone, so a zone with daylight saving gets the right instant
on both sides of a change.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

from bot.runtime.settings import ReminderSettings


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


class QuietRules:
    def __init__(self, settings: ReminderSettings, zone: ZoneInfo) -> None:
        self.zone = zone
        self.start = _clock(settings.quiet_start)
        self.end = _clock(settings.quiet_end)
        self.weekends = settings.quiet_weekends
        self.country = settings.holidays_country

    @cached_property
    def _holidays(self) -> holidays.HolidayBase | None:
        return holidays.country_holidays(self.country) if self.country else None

    def is_day_off(self, day: date) -> bool:
        if self.weekends and day.weekday() >= 5:
            return True
        return self._holidays is not None and day in self._holidays

    def _in_quiet_hours(self, at: time) -> bool:
        if self.start == self.end:
            return False
        if self.start > self.end:  # spans midnight, e.g. 21:00-08:00
            return at >= self.start or at < self.end
        return self.start <= at < self.end

    def allowed(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        return not self.is_day_off(local.date()) and not self._in_quiet_hours(local.time())

    def next_allowed(self, moment: datetime) -> datetime:
        """``moment`` itself if allowed, else the first allowed instant after it."""
        local = moment.astimezone(self.zone)
        for _ in range(60):  # a long run of holidays and weekends is still finite
            if self.is_day_off(local.date()):
                local = datetime.combine(local.date() + timedelta(days=1), self.end, self.zone)
                continue
            if self._in_quiet_hours(local.time()):
                day = local.date()
                if self.start > self.end and local.time() >= self.start:
                    day += timedelta(days=1)
                local = datetime.combine(day, self.end, self.zone)
                continue
            return local
        return local
