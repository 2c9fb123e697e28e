"""Two bot instances on one database: every notification goes out exactly once.

The week-long test shows the whole cycle; the barrier test makes the two instances claim
the same due rows at the same instant, which is what the claim's row locks are for (without
``FOR UPDATE SKIP LOCKED`` and the compare-and-set on ``state``, it sends duplicates).
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from bot.app.application import build_application
from bot.reminders.sweep import sweep
from bot.runtime.settings import load_settings
from domain.errors import DomainError
from fakegram import FakeBotApi, FakeRequest
from fakegram.driver import ChatDriver
from storage.engine import Database
from storage.models.reminders import NoticeState, Notification
from tests.conftest import COORD, GROUP, SSC_STAFF

CLAIM = re.compile(r"\s*SELECT notification\.id\s+FROM notification\s+WHERE")  # claim_due's
START = datetime(2026, 11, 30, 16, tzinfo=UTC)  # Monday 10:00 in Mexico City


@asynccontextmanager
async def two_instances(
    db_url: str, now: list[datetime], reminders: dict[str, object] | None = None
) -> AsyncIterator[tuple]:
    """Two applications, each with its own engine, on one database; SSC staff has joined
    and the coordinator has started the bot. Yields the fake API, the apps, the databases
    and a driver for commands."""
    api = FakeBotApi()
    api.add_group(GROUP, "G")
    for user in (COORD, SSC_STAFF):
        api.add_user(user, f"u{user}")
        api.started.add(user)
    settings = load_settings(
        None,
        access={"coordinators": [COORD]},
        telegram={"rate_limit": False},
        reports={"render_in": "thread"},
        reminders=reminders or {},
    )
    databases = [Database(db_url) for _ in range(2)]
    databases[0].upgrade()
    apps = [
        build_application(settings, FakeRequest(api), database=db, clock=lambda: now[0])
        for db in databases
    ]
    first = ChatDriver(apps[0], api, expected=(DomainError,))
    try:
        async with first, ChatDriver(apps[1], api, expected=(DomainError,)):
            await first.send(COORD, COORD, "/ayuda")
            await first.send(COORD, GROUP, "/configurar Plateros")
            await first.send(COORD, COORD, "/dependencia alta SSC Seguridad")
            invite = await first.send(COORD, COORD, "/invitar SSC")
            code = invite[0].text.split("start=")[1].split()[0]
            await first.send(SSC_STAFF, SSC_STAFF, f"/start {code}")
            yield api, apps, databases, first
    finally:
        for db in databases:
            db.close()


def notifications(database: Database) -> list[Notification]:
    return database.call(lambda s: list(s.exec(select(Notification))))


async def test_two_instances_for_a_simulated_week(db_url: str) -> None:
    """Two bot processes sweep one database every hour for a week: every reminder, digest
    and weekly report goes out exactly once."""
    now = [START]
    async with two_instances(db_url, now) as (api, apps, databases, first):
        await first.send(COORD, GROUP, "/reunion alta coordinacion jueves 17:00")
        for day in ("martes", "miércoles", "jueves", "viernes", "2026-12-08"):
            await first.send(COORD, GROUP, f"/accion SSC {day} Acción del {day}")
        before = len(api.sent)
        for hour in range(1, 8 * 24):
            now[0] = START + timedelta(hours=hour)
            await asyncio.gather(sweep(apps[0], now[0]), sweep(apps[1], now[0]))
        rows = notifications(databases[0])
    sent_rows = [n for n in rows if n.state == NoticeState.sent]
    assert len(api.sent) - before == len(sent_rows)  # one message per notification
    assert len({n.key for n in sent_rows}) == len(sent_rows)
    kinds = {n.kind for n in sent_rows}
    assert {
        "before_due",
        "due",
        "collect",
        "meeting",
        "digest",
        "weekly",
        "weekly_charts",
        "weekly_detail",
    } <= kinds
    assert not [n for n in rows if n.state in (NoticeState.sending, NoticeState.failed)]


class ClaimBarrier:
    """While armed, each instance waits right after its claim has chosen its rows, so both
    have chosen before either marks them as its own: the race the row locks are for."""

    def __init__(self, databases: list[Database]) -> None:
        self.barrier = threading.Barrier(len(databases))
        self.armed = False
        self.met = 0
        for database in databases:
            event.listen(database.engine, "after_cursor_execute", self._after)

    def _after(self, conn, cursor, statement: str, *args: object) -> None:
        if self.armed and CLAIM.match(statement) and self.barrier.wait(timeout=20) == 0:
            self.met += 1  # once per race: the barrier elects one waiter


async def test_two_instances_racing_for_the_same_due_rows(db_url: str) -> None:
    """Reminders that fell due in quiet hours wait as pending rows; when the quiet hours
    end, both instances claim them at the same instant, and each is sent once."""
    if db_url.startswith("sqlite"):
        pytest.skip("one SQLite file has one writer: the race needs PostgreSQL's row locks")
    now = [START]
    quiet = {"quiet_start": "17:00", "quiet_end": "20:00"}
    async with two_instances(db_url, now, quiet) as (api, apps, databases, first):
        for n in range(30):
            await first.send(COORD, GROUP, f"/accion SSC martes Acción {n}")
        race = ClaimBarrier(databases)
        sent_at_end_of_quiet = []
        for hour in range(1, 2 * 24):
            now[0] = START + timedelta(hours=hour)
            race.armed = now[0].hour == 2  # 20:00 in Mexico City, the end of quiet hours
            before = len(api.sent)
            await asyncio.gather(sweep(apps[0], now[0]), sweep(apps[1], now[0]))
            if race.armed:
                sent_at_end_of_quiet.append(len(api.sent) - before)
        rows = notifications(databases[0])
    assert race.met == 2 and not race.barrier.broken  # Monday's and Tuesday's race happened
    assert sent_at_end_of_quiet == [30, 30]  # before_due on Monday, due on Tuesday: once each
    sent_rows = [n for n in rows if n.state == NoticeState.sent]
    assert len({n.key for n in sent_rows}) == len(sent_rows)
