"""``ceasefire demo``: a year of synthetic history, then one week of the coordination cycle
played offline through the real handlers, printed, with the weekly report written to disk.

It builds the real application on a fresh SQLite database and drives it through the fake Bot
API, so what it prints is exactly what the handlers answer. No token and no network needed.
The history (``bot.synthetic``): three pilot sectors whose shootings fall after the strategy
starts, two comparison sectors that do not, six agencies and a year of weekly reviews.
The week: an SSC focal point joins, two shootings are recorded, the review agrees items per
agency with a decision and minutes, progress comes by button and command, and the group asks
for its agenda, KPIs and report. The report's PNGs and the evaluators' panel CSV go to
``demo-output/``.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.app.demo.history import HistorySpec, seed_history
from bot.reports import exports
from bot.runtime.container import runtime_of
from bot.runtime.settings import Settings
from bot.views.i18n import plain
from fakegram import FakeBotApi, FakeRequest, Sent
from fakegram.driver import ChatDriver
from storage.engine import Database

COORDINATOR, SSC_STAFF, GROUP = 1001, 3001, -100123  # history uses 2000-2005
NAMES = {COORDINATOR: "Coordinación", SSC_STAFF: "Enlace SSC"}
# Tuesday 1 December 2026, 10:00 in Mexico City: the morning of the weekly review.
DEMO_NOW = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
CAPTURES = {
    "invite": re.compile(r"start=([A-Z0-9]+)"),
    "incident": re.compile(r"<b>([A-Z]{3}-\d{4}-\d{3})</b>"),
    "item": re.compile(r"<b>#(\d+)</b>"),
}


@dataclass(frozen=True)
class Say:
    user: int
    chat: int
    es: str
    en: str
    capture: str | None = None  # remember a value from the reply as {capture}


@dataclass(frozen=True)
class Press:
    """Press button ``index`` under the reply to step ``step`` (counted from 0)."""

    user: int
    step: int
    index: int


C, S, G = COORDINATOR, SSC_STAFF, GROUP
SCRIPT: list[Say | Press] = [
    Say(C, C, "/ayuda", "/help"),
    Say(C, C, "/invitar SSC", "/invite SSC", capture="invite"),
    Say(S, S, "/start {invite}", "/start {invite}"),
    Say(
        C,
        G,
        '/incidente tipo=homicidio fecha=sábado hora=22:10 lugar="Cuadrante 4" grupo=G-07 '
        'conflicto=C-02 riesgo=alto notas="se esperan represalias" sector=Plateros',
        '/incident type=homicide date=saturday time=22:10 place="Cuadrante 4" group=G-07 '
        'conflict=C-02 risk=high notes="retaliation expected" sector=Plateros',
        capture="incident",
    ),
    Say(
        C,
        G,
        '/incidente tipo=lesiones fecha=domingo lesionados=2 lugar="Colonia Olivar" '
        'sector="Olivar del Conde"',
        '/incident type=nonfatal date=sunday injured=2 place="Colonia Olivar" '
        'sector="Olivar del Conde"',
        capture="incident2",
    ),
    Say(C, G, "/revision inicio", "/review start"),
    Say(C, G, "/revision siguiente", "/review next"),
    Say(
        C,
        G,
        "/accion SSC mañana Patrullaje preventivo en cuadrante 4 #{incident}",
        "/action SSC tomorrow Preventive patrol in cuadrante 4 #{incident}",
        capture="item",
    ),
    Say(
        C,
        G,
        "/accion FGJ tipo=investigacion Priorizar la carpeta #{incident}",
        "/action FGJ kind=investigation Prioritise the case #{incident}",
    ),
    Say(
        C,
        G,
        '/accion SIBISO "en 3 días" tipo=canalizacion Canalizar a 2 jóvenes del grupo '
        "G-07 #{incident2}",
        '/action SIBISO "in 3 days" kind=referral Refer 2 young people of group G-07 #{incident2}',
    ),
    Press(S, 7, 1),
    Say(
        C,
        G,
        "/decision Mesa de trabajo con INJUVE la próxima semana",
        "/decision Working session with INJUVE next week",
    ),
    Say(C, G, "/revision fin", "/review end"),
    Say(
        S,
        S,
        "/hecho {item} patrullaje realizado, sin incidentes",
        "/done {item} patrol done, no incidents",
    ),
    Say(C, G, "/agenda", "/agenda"),
    Say(C, C, "/historial {item}", "/history {item}"),
    Say(C, G, "/kpi 8", "/kpi 8"),
    Say(C, G, "/reporte", "/report"),
]


def _print_replies(replies: list[Sent], output: Path) -> None:
    for reply in replies:
        if reply.uploads:
            names = []
            for number, upload in enumerate(reply.uploads, start=1):
                path = output / f"reporte-{number}.png"
                path.write_bytes(upload.content)
                names.append(path.name)
            print(f"🖼  {plain(reply.text).replace(chr(10), ' · ')}")
            print(f"   (album saved: {', '.join(names)})")
            continue
        body = plain(reply.text).replace("\n", "\n   ")
        print(f"{'✏️ ' if reply.method == 'editMessageText' else '🤖'} {body}")
        if reply.buttons:
            print("   " + "  ".join(f"[{label}]" for label, _ in reply.buttons))


async def _play(settings: Settings, output: Path) -> int:
    from bot.app.application import build_application

    spec = HistorySpec(chat_id=GROUP)
    database = Database(settings.database.url)
    database.upgrade()
    history = database.call(seed_history, spec, DEMO_NOW)
    settings.sectors.comparison = list(spec.comparison)
    settings.sectors.treatment_start = {s: history.treatment_start.date() for s in spec.pilot}
    print(
        f"📚 {history.incidents} synthetic incidents and {history.items} action items over "
        f"{spec.weeks} weeks: pilot {', '.join(spec.pilot)}; comparison "
        f"{', '.join(spec.comparison)}"
    )
    api = FakeBotApi(clock=lambda: DEMO_NOW)
    for user, name in NAMES.items():
        api.add_user(user, name, settings.locale.language)
    api.add_group(GROUP, "Alto al Fuego · Álvaro Obregón")
    settings.access.coordinators = [COORDINATOR]
    settings.telegram.rate_limit = False  # the fake has no limits; do not pace the demo
    application = build_application(
        settings, FakeRequest(api), database=database, clock=lambda: DEMO_NOW
    )
    spanish = settings.locale.language == "es"
    where = {GROUP: "grupo" if spanish else "group"}
    answers: list[list[Sent]] = []
    captured: dict[str, str] = {}
    async with ChatDriver(application, api) as driver:
        for step in SCRIPT:
            if isinstance(step, Press):
                message = answers[step.step][-1]
                label, data = message.buttons[step.index]
                print(f"\n👆 {NAMES[step.user]} @ {where[GROUP]}: [{label}]")
                replies = await driver.press(step.user, message, data)
                print(f"   ↳ {api.callback_answers[-1].get('text', '')}")
            else:
                text = (step.es if spanish else step.en).format(**captured)
                chat = where.get(step.chat, "privado" if spanish else "private")
                print(f"\n👤 {NAMES[step.user]} @ {chat}: {text}")
                replies = await driver.send(step.user, step.chat, text)
                if step.capture and replies:
                    pattern = CAPTURES[step.capture.rstrip("0123456789")]
                    found = pattern.search(replies[0].text)
                    if found:
                        captured[step.capture] = found.group(1)
            _print_replies(replies, output)
            answers.append(replies)
    panel = database.call(exports.panel, settings, DEMO_NOW)
    (output / "panel.csv").write_bytes(exports.encode(panel, "csv"))
    runtime_of(application).close()
    failures = len(driver.errors) + len(api.violations)
    print(f"\n— demo finished: {len(api.sent)} bot messages, {failures} errors —")
    print(f"📁 weekly report charts and the evaluators' panel ({len(panel)} rows) in {output}/")
    return 1 if failures else 0


def run_demo(settings: Settings, database: str | None = None, output: str = "demo-output") -> int:
    """Play the demo on ``database`` (a fresh temporary SQLite file if not given)."""
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(database) if database else Path(tmp) / "ceasefire-demo.db"
        if path.exists():
            path.unlink()
        settings.database.url = f"sqlite:///{path}"
        return asyncio.run(_play(settings, out))
