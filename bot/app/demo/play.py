"""``ceasefire demo``: a year of synthetic history, then one week of the coordination cycle
played offline through the real handlers, printed, with the weekly report written to disk.

It builds the real application on a fresh SQLite database and drives it through the fake Bot
API, so what it prints is exactly what the handlers answer. No token and no network needed.
The history (``bot.app.demo.history``): three pilot sectors whose shootings fall after the
strategy starts, two comparison sectors that do not, six agencies and a year of weekly
reviews. The week (``bot.app.demo.script``): an SSC focal point joins, two shootings are
recorded, the review agrees items per agency with a decision and minutes, progress comes by
button and command, and the group asks for its agenda, KPIs and report. The report's PNGs
and the evaluators' panel CSV go to ``demo-output/``.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from bot.app import cli_evaluate, cli_report
from bot.app.application import build_application
from bot.app.demo.history import HistorySpec, seed_history
from bot.app.demo.script import CAPTURES, COORDINATOR, DEMO_NOW, GROUP, NAMES, SCRIPT, Press, Say
from bot.input.incident_file import sample_file
from bot.reports import exports
from bot.runtime.container import runtime_of
from bot.runtime.settings import ConfigError, Settings
from bot.services.importing import ImportRequest, import_file
from bot.views.i18n import Catalog, plain
from domain.errors import DomainError
from fakegram import FakeBotApi, FakeRequest, Sent
from fakegram.driver import ChatDriver
from storage.engine import Database


def _print_replies(replies: list[Sent], output: Path, catalog: Catalog) -> None:
    for reply in replies:
        if reply.uploads:
            names = []
            for number, upload in enumerate(reply.uploads, start=1):
                path = output / f"reporte-{number}.png"
                path.write_bytes(upload.content)
                names.append(path.name)
            print(f"🖼  {plain(reply.text).replace(chr(10), ' · ')}")
            print(plain(catalog.t("demo.album_saved", names=", ".join(names))))
            continue
        body = plain(reply.text).replace("\n", "\n   ")
        print(f"{'✏️ ' if reply.method == 'editMessageText' else '🤖'} {body}")
        if reply.buttons:
            print("   " + "  ".join(f"[{label}]" for label, _ in reply.buttons))


PILOT = "Plateros"
# The other police sectors of Álvaro Obregón, Plateros' alcaldía.
COMPARISON = ("Santa Fe", "Alpes", "San Ángel")


def _seed(settings: Settings, database: Database) -> None:
    """The real 2019–2024 shootings of the shipped FGJ file, then a synthetic year of the
    bot's own records (the group, agencies, members, reviews and action items)."""
    spec = HistorySpec(chat_id=GROUP, pilot=[PILOT], comparison=[], base_rate=0.8)
    history = database.call(seed_history, spec, DEMO_NOW)
    with sample_file("cdmx") as path:
        report, _ = database.call(
            import_file, ImportRequest(path), zone=settings.locale.zone, now=DEMO_NOW
        )
    settings.sectors.comparison = list(COMPARISON)
    settings.sectors.treatment_start = {PILOT: history.treatment_start.date()}
    catalog = Catalog(settings.locale.language, settings.locale.zone)
    line = catalog.t(
        "demo.history",
        real=report.imported,
        synthetic=history.incidents,
        items=history.items,
        weeks=spec.weeks,
        pilot=PILOT,
        comparison=", ".join(COMPARISON),
    )
    print(plain(line))


def _long_run(settings: Settings, output: Path) -> None:
    """What an operator runs next: the real trend and the impact table, written to disk."""
    folder = output / "plateros-2019-2024"
    language = settings.locale.language
    print()
    cli_report.report(
        settings,
        argparse.Namespace(
            sector=PILOT,
            comparison=",".join(COMPARISON),
            week="2024-W52",
            since="2019-01-01",
            output=str(folder),
            language=language,
            format="md",
        ),
    )
    print()
    cli_evaluate.evaluate(
        settings,
        argparse.Namespace(
            treated=PILOT,
            comparison=",".join(COMPARISON),
            baseline=2019,
            follow_up=2023,
            output=str(folder),
            language=language,
        ),
    )


class _Player:
    """Plays the script step by step, printing each message and every answer."""

    def __init__(self, driver: ChatDriver, api: FakeBotApi, catalog: Catalog) -> None:
        self.driver, self.api, self.catalog = driver, api, catalog
        spanish = self.spanish = catalog.language == "es"
        self.where = {GROUP: "grupo" if spanish else "group"}
        self.answers: list[list[Sent]] = []
        self.captured: dict[str, str] = {}

    async def press(self, step: Press) -> list[Sent]:
        message = self.answers[step.step][-1]
        label, data = message.buttons[step.index]
        print(f"\n👆 {NAMES[step.user]} @ {self.where[GROUP]}: [{label}]")
        replies = await self.driver.press(step.user, message, data)
        print(f"   ↳ {self.api.callback_answers[-1].get('text', '')}")
        return replies

    async def say(self, step: Say) -> list[Sent]:
        text = (step.es if self.spanish else step.en).format(**self.captured)
        chat = self.where.get(step.chat, "privado" if self.spanish else "private")
        print(f"\n👤 {NAMES[step.user]} @ {chat}: {text}")
        replies = await self.driver.send(step.user, step.chat, text)
        if step.capture and replies:
            found = CAPTURES[step.capture.rstrip("0123456789")].search(replies[0].text)
            if found:
                self.captured[step.capture] = found.group(1)
        return replies

    async def play(self, output: Path) -> None:
        for step in SCRIPT:
            replies = await (self.press(step) if isinstance(step, Press) else self.say(step))
            _print_replies(replies, output, self.catalog)
            self.answers.append(replies)


async def _play(settings: Settings, output: Path) -> int:
    database = Database(settings.database.url)
    database.upgrade()
    _seed(settings, database)
    api = FakeBotApi(clock=lambda: DEMO_NOW)
    for user, name in NAMES.items():
        api.add_user(user, name, settings.locale.language)
    api.add_group(GROUP, "Alto al Fuego · Álvaro Obregón")
    settings.access.coordinators = [COORDINATOR]
    settings.telegram.rate_limit = False  # the fake has no limits; do not pace the demo
    application = build_application(
        settings, FakeRequest(api), database=database, clock=lambda: DEMO_NOW
    )
    async with ChatDriver(application, api, expected=(DomainError,)) as driver:
        catalog = Catalog(settings.locale.language, settings.locale.zone)
        await _Player(driver, api, catalog).play(output)
    panel = database.call(exports.panel, settings, DEMO_NOW)
    (output / "panel.csv").write_bytes(exports.encode(panel, "csv"))
    (output / "panel-codebook.csv").write_bytes(exports.encode(exports.codebook(settings), "csv"))
    runtime_of(application).close()
    _long_run(settings, output)
    failures = len(driver.errors) + len(api.violations)
    print("\n" + plain(catalog.t("demo.finished", messages=len(api.sent), failures=failures)))
    print(plain(catalog.t("demo.output", rows=len(panel), output=output)))
    return 1 if failures else 0


def run_demo(
    settings: Settings,
    database: str | None = None,
    output: str = "demo-output",
    *,
    force: bool = False,
) -> int:
    """Play the demo on ``database``, a new SQLite file (a temporary one if not given).

    An existing file is refused unless ``force``: ``--database ceasefire.db`` would otherwise
    wipe the default production database."""
    if database and Path(database).exists():
        if not force:
            raise ConfigError(
                f"{database} exists; the demo plays on a new file: give a path that does not "
                "exist, none for a temporary one, or --force to replace it (nothing was changed)"
            )
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(database + suffix).unlink(missing_ok=True)
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(database) if database else Path(tmp) / "ceasefire-demo.db"
        settings.database.url = f"sqlite:///{path}"
        return asyncio.run(_play(settings, out))
