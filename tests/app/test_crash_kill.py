"""Exactly once under SIGKILL: the real ``ceasefire run`` process, killed and restarted.

The bot runs as a separate process against the fake Bot API served over HTTP. Telegram's
semantics hold across restarts: an update stays deliverable until a later ``getUpdates``
confirms it. After every kill the bot is started again on the same database, until every
command has been answered; then each command must have been applied exactly once.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from fakegram import FakeBotApi
from fakegram.http import HttpBotApi
from storage import intake
from storage.actions import list_open_items
from storage.agencies import add_agency
from storage.engine import Database
from storage.groups import register_group
from storage.members import resolve_actor
from tests.conftest import COORD, GROUP

TOKEN = "123456:" + "A" * 35
ITEM = re.compile(r"Operativo (\d{3}) fin")
CEASEFIRE = Path(sys.executable).with_name("ceasefire")


class Bot:
    """``ceasefire run`` in its own process, started again after each kill."""

    def __init__(self, tmp_path: Path, db_url: str, api_url: str) -> None:
        self.config = tmp_path / "config.toml"
        self.config.write_text(
            f"[telegram]\napi_base_url = {api_url!r}\nrate_limit = false\nport = 0\n"
            "[metrics]\nport = 0\n"
            f"[database]\nurl = {db_url!r}\n"
            f"[access]\ncoordinators = [{COORD}]\n"
            '[reports]\nrender_in = "thread"\n'
        )
        self.log = tmp_path / "bot.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = self.kills = 0

    def start(self) -> None:
        env = {**os.environ, "CEASEFIRE_TELEGRAM__TOKEN": TOKEN}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(CEASEFIRE), "--config", str(self.config), "run"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.starts += 1

    def kill(self) -> None:
        """SIGKILL, and wait until the process is gone (nothing of it runs afterwards)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.kills += 1

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def seed(db_url: str) -> Database:
    database = Database(db_url)
    database.upgrade()
    now = datetime.now(UTC)
    coord = database.call(
        resolve_actor, COORD, "Coordinación", configured_coordinators=frozenset({COORD}), now=now
    )
    database.call(register_group, coord, GROUP, title="Plateros", sectors=["Plateros"], now=now)
    database.call(add_agency, coord, code="SSC", name="Seguridad Ciudadana", now=now)
    return database


def make_api() -> FakeBotApi:
    api = FakeBotApi()
    api.add_user(COORD, "Coordinación")
    api.add_group(GROUP, "Alto al Fuego · Plateros")
    return api


def confirmations(api: FakeBotApi) -> Counter[str]:
    return Counter(m.group(1) for s in api.sent if (m := ITEM.search(s.text)))


def applied(database: Database) -> Counter[str]:
    items = database.call(list_open_items, datetime.now(UTC))
    return Counter(m.group(1) for item in items if (m := ITEM.search(item.text)))


async def until(condition: Any, bot: Bot, seconds: float = 60) -> None:
    """Wait for ``condition()``, restarting the bot whenever it is not running."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if not bot.alive():
            bot.start()
        if loop.time() > deadline:
            raise AssertionError(f"timed out; see {bot.log}:\n{bot.log.read_text()[-3000:]}")
        await asyncio.sleep(0.05)


async def test_killed_after_the_commit_before_the_answer(db_url: str, tmp_path: Path) -> None:
    """The item is committed, the confirmation is on its way: SIGKILL. After the restart
    the command is not applied again, and its confirmation goes out once."""
    database = seed(db_url)
    api = make_api()
    bot: Bot

    def before_call(method: str, params: dict[str, Any]) -> None:
        if method == "sendMessage" and ITEM.search(params.get("text", "")) and bot.kills == 0:
            bot.kill()  # Telegram never sees this answer
            raise web.HTTPServiceUnavailable()

    server = HttpBotApi(api, before_call)
    bot = Bot(tmp_path, db_url, await server.start())
    try:
        api.push_update(api.message_update(COORD, COORD, "/accion SSC viernes Operativo 001 fin"))
        bot.start()
        await until(lambda: bot.kills == 1 and bool(confirmations(api)), bot)
        await until(lambda: database.call(intake.pending_count) == 0, bot)
    finally:
        bot.stop()
        await server.stop()
    assert bot.kills == 1 and bot.starts == 2
    assert applied(database) == {"001": 1}
    assert confirmations(api) == {"001": 1}
    assert "no se guardó nada" not in "".join(api.sent_texts())
    database.close()


@pytest.mark.parametrize("seed_value", [7])
async def test_a_burst_killed_at_random_points(
    db_url: str, tmp_path: Path, seed_value: int
) -> None:
    """200 commands; the process is SIGKILLed at five random moments while it works. Every
    command is applied exactly once; every one is confirmed, at most once more per kill."""
    database = seed(db_url)
    api = make_api()
    server = HttpBotApi(api)
    bot = Bot(tmp_path, db_url, await server.start())
    rng = random.Random(seed_value)
    expected = {f"{n:03d}" for n in range(200)}
    try:
        for n in range(200):
            text = f"/accion SSC viernes Operativo {n:03d} fin"
            api.push_update(api.message_update(COORD, COORD, text))
        for _ in range(5):
            answered = sum(confirmations(api).values())
            # Once this start is answering commands, wherever it is a moment later.
            await until(lambda n=answered: sum(confirmations(api).values()) > n, bot)
            await asyncio.sleep(rng.uniform(0.0, 0.3))
            bot.kill()
        await until(lambda: set(confirmations(api)) == expected, bot, seconds=120)
        await until(lambda: database.call(intake.pending_count) == 0, bot)
    finally:
        bot.stop()
        await server.stop()
    assert bot.kills == 5
    assert applied(database) == Counter(dict.fromkeys(expected, 1))
    repeated = sum(count - 1 for count in confirmations(api).values())
    assert repeated <= bot.kills
