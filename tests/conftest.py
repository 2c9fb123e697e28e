"""Shared fixtures: a migrated database per test (SQLite, and PostgreSQL when configured),
an injectable clock, and a "world" of users and chats around a real Application driven
through the strict fake Bot API.

PostgreSQL runs when ``CEASEFIRE_TEST_POSTGRES_URL`` is set; each test gets its own schema.
In CI (``CI`` set) that variable is required, so a missing server fails instead of skipping.
"""

from __future__ import annotations

import functools
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text

from bot.app.application import build_application
from bot.app.intake import handle_update
from bot.reminders.sweep import SweepReport, sweep
from bot.runtime.settings import load_settings
from domain.actor import Actor
from domain.errors import DomainError
from domain.terms import Role
from fakegram import FakeBotApi, FakeRequest, Sent
from fakegram.driver import ChatDriver
from storage.agencies import add_agency
from storage.engine import Database, normalize_url
from storage.groups import register_group
from storage.invites import create_invite, redeem_invite
from storage.members import resolve_actor

PG_URL = os.environ.get("CEASEFIRE_TEST_POSTGRES_URL")
if os.environ.get("CI") and not PG_URL:
    raise RuntimeError("CI must set CEASEFIRE_TEST_POSTGRES_URL (PostgreSQL tests are required)")

BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

# Monday 2026-11-30 10:00 in Mexico City (UTC-6).
START = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)

COORD, SSC_STAFF, FGJ_STAFF, OBSERVER, STRANGER = 101, 202, 303, 404, 505
GROUP, OTHER_GROUP = -1001, -1002


class Clock:
    """A settable clock: tests move time instead of sleeping."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets a copy (migrations are tested on their own)."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    db.close()
    return path


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path, sqlite_template: Path) -> Iterator[str]:
    if request.param == "sqlite":
        shutil.copyfile(sqlite_template, tmp_path / "test.db")
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalize_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    try:
        # The application name lets a fault test kill exactly this test's connections.
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}&application_name={schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = Database(db_url)
    db.upgrade()  # a no-op at head for the SQLite copy; migrates a PostgreSQL schema
    yield db
    db.close()


@pytest.fixture
def coordinator(database: Database, clock: Clock) -> Actor:
    return database.call(
        resolve_actor,
        COORD,
        "Coordinación",
        configured_coordinators=frozenset({COORD}),
        now=clock(),
    )


@pytest.fixture
def language() -> str:
    return "es"


@pytest.fixture
def reminder_settings() -> dict[str, object]:
    """``[reminders]`` overrides for the world's bot (parametrize to change)."""
    return {}


@dataclass
class World:
    """The bot, the fake Telegram around it, and shortcuts for tests."""

    api: FakeBotApi
    driver: ChatDriver
    database: Database
    clock: Clock
    language: str
    allowed_violations: list[str] = field(default_factory=list)

    async def send(self, user: int, chat: int, text: str) -> list[Sent]:
        return await self.driver.send(user, chat, text)

    async def reply(self, user: int, chat: int, text: str) -> str:
        """The single message the bot answered with (fails if it sent 0 or several)."""
        sent = await self.send(user, chat, text)
        assert len(sent) == 1, f"expected one reply to {text!r}, got {[s.text for s in sent]}"
        return sent[0].text

    async def press(self, user: int, message: Sent, data: str) -> list[Sent]:
        return await self.driver.press(user, message, data)

    async def sweep(self, **advance: float) -> SweepReport:
        """Move the clock (if asked) and run one reminder sweep at that time."""
        if advance:
            self.clock.advance(**advance)
        return await sweep(self.driver.app, self.clock())

    def at_local(self, text: str) -> None:
        """Set the clock to a local Mexico City time, e.g. ``2026-12-03 18:00``."""
        local = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("America/Mexico_City"))
        self.clock.now = local.astimezone(UTC)

    @property
    def answer(self) -> str:
        return self.api.callback_answers[-1].get("text", "")

    def seed(self) -> dict[str, Actor]:
        """Group G for Plateros, agencies SSC/FGJ, and one member per role, via storage."""
        db, now = self.database, self.clock()
        coord = db.call(
            resolve_actor,
            COORD,
            "Coordinación",
            configured_coordinators=frozenset({COORD}),
            now=now,
        )
        db.call(register_group, coord, GROUP, title="Plateros", sectors=["Plateros"], now=now)
        db.call(add_agency, coord, code="SSC", name="Secretaría de Seguridad Ciudadana", now=now)
        db.call(add_agency, coord, code="FGJ", name="Fiscalía General de Justicia", now=now)
        actors = {"coord": coord}
        for key, user, agency, role in (
            ("ssc", SSC_STAFF, "SSC", Role.agency),
            ("fgj", FGJ_STAFF, "FGJ", Role.agency),
            ("observer", OBSERVER, None, Role.observer),
        ):
            invite = db.call(create_invite, coord, agency_code=agency, role=role, now=now)
            name = self.api.users[user]["first_name"]
            db.call(redeem_invite, user, display_name=name, code=invite.code, now=now)
            actors[key] = db.call(
                resolve_actor, user, name, configured_coordinators=frozenset(), now=now
            )
        self.api.started.update({SSC_STAFF, FGJ_STAFF, OBSERVER})
        return actors


@pytest.fixture
async def world(
    database: Database, clock: Clock, language: str, reminder_settings: dict[str, object]
) -> AsyncIterator[World]:
    api = FakeBotApi(clock=clock)
    for user, name in (
        (COORD, "Coordinación"),
        (SSC_STAFF, "Enlace SSC"),
        (FGJ_STAFF, "Enlace FGJ"),
        (OBSERVER, "Observadora"),
        (STRANGER, "Desconocido"),
    ):
        api.add_user(user, name, language)
    api.add_group(GROUP, "Alto al Fuego · Plateros")
    api.add_group(OTHER_GROUP, "Grupo sin registrar")
    settings = load_settings(
        None,
        locale={"language": language},
        access={"coordinators": [COORD]},
        database={"url": "sqlite://"},
        # Tests send dozens of messages to one group within seconds; pacing them to
        # Telegram's 20 per minute would only make the suite slow (the fake has no limits).
        telegram={"rate_limit": False},
        reminders=reminder_settings,
        reports={"render_in": "thread"},  # one renderer process per test would be slow
    )
    application = build_application(settings, FakeRequest(api), clock=clock, database=database)
    # Every update goes through the bot's own intake: stored, applied once, marked.
    driver = ChatDriver(
        application,
        api,
        expected=(DomainError,),
        process=functools.partial(handle_update, application),
    )
    world = World(api, driver, database, clock, language)
    async with world.driver:
        yield world
    assert world.driver.errors == [], "a handler raised an unexpected exception"
    unexpected = [v for v in api.violations if v not in world.allowed_violations]
    assert unexpected == [], "the bot made calls Telegram would refuse"
