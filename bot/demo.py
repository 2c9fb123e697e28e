"""``ceasefire demo``: a scripted coordination session, played offline and printed.

It builds the real application on a fresh SQLite database and drives it through the fake Bot
API, so what it prints is exactly what the handlers answer. No token and no network needed.
The script: a coordinator sets up a group and agencies, invites an SSC focal point, records
the week's shootings, runs the shooting review (agenda, items per agency, a decision,
minutes), and the focal point reports progress by button and by command.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.fake_api import FakeBotApi, FakeRequest, Sent
from bot.fake_api.driver import ChatDriver
from bot.i18n import plain
from bot.settings import Settings
from storage.engine import Database

COORDINATOR, SSC_STAFF, GROUP = 1001, 2002, -100123
NAMES = {COORDINATOR: "Coordinación", SSC_STAFF: "Enlace SSC"}
# Tuesday 1 December 2026, 10:00 in Mexico City: the morning of the weekly review.
DEMO_NOW = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
_INVITE_RE = re.compile(r"start=([A-Z0-9]+)")


@dataclass(frozen=True)
class Say:
    user: int
    chat: int
    es: str
    en: str


@dataclass(frozen=True)
class Press:
    """Press button ``index`` under the reply to step ``step`` (counted from 0)."""

    user: int
    step: int
    index: int


C, S, G = COORDINATOR, SSC_STAFF, GROUP
SCRIPT: list[Say | Press] = [
    Say(C, C, "/ayuda", "/help"),
    Say(C, G, "/configurar Plateros", "/setup Plateros"),
    Say(
        C,
        C,
        "/dependencia alta SSC Secretaría de Seguridad Ciudadana",
        "/agency add SSC Secretaría de Seguridad Ciudadana",
    ),
    Say(
        C,
        C,
        "/dependencia alta FGJ Fiscalía General de Justicia",
        "/agency add FGJ Fiscalía General de Justicia",
    ),
    Say(
        C,
        C,
        "/dependencia alta SIBISO Secretaría de Bienestar e Igualdad Social",
        "/agency add SIBISO Secretaría de Bienestar e Igualdad Social",
    ),
    Say(C, C, "/invitar SSC", "/invite SSC"),
    Say(S, S, "/start {invite}", "/start {invite}"),
    Say(C, G, "/reunion alta revision martes 10:00", "/meeting add review tue 10:00"),
    Say(
        C,
        G,
        '/incidente tipo=homicidio fecha=sábado hora=22:10 lugar="Cuadrante 4" '
        'grupo=G-07 conflicto=C-02 riesgo=alto notas="se esperan represalias"',
        '/incident type=homicide date=saturday time=22:10 place="Cuadrante 4" '
        'group=G-07 conflict=C-02 risk=high notes="retaliation expected"',
    ),
    Say(
        C,
        G,
        '/incidente tipo=lesiones fecha=domingo lesionados=2 lugar="Colonia Olivar"',
        '/incident type=nonfatal date=sunday injured=2 place="Colonia Olivar"',
    ),
    Say(C, G, "/revision inicio", "/review start"),
    Say(C, G, "/revision siguiente", "/review next"),
    Say(
        C,
        G,
        "/accion SSC mañana Patrullaje preventivo en cuadrante 4 #PLA-2026-001",
        "/action SSC tomorrow Preventive patrol in cuadrante 4 #PLA-2026-001",
    ),
    Say(
        C,
        G,
        "/accion FGJ tipo=investigacion Priorizar la carpeta #PLA-2026-001",
        "/action FGJ kind=investigation Prioritise the case #PLA-2026-001",
    ),
    Say(C, G, "/revision siguiente", "/review next"),
    Say(
        C,
        G,
        '/accion SIBISO "en 3 días" tipo=canalizacion Canalizar a 2 jóvenes del grupo '
        "G-07 #PLA-2026-002",
        '/action SIBISO "in 3 days" kind=referral Refer 2 young people of group G-07 #PLA-2026-002',
    ),
    Press(S, 12, 1),
    Say(
        C,
        G,
        "/decision Mesa de trabajo con INJUVE la próxima semana",
        "/decision Working session with INJUVE next week",
    ),
    Say(C, G, "/revision fin", "/review end"),
    Say(S, S, "/acciones", "/actions"),
    Say(S, S, "/hecho 1 patrullaje realizado, sin incidentes", "/done 1 patrol done, no incidents"),
    Say(C, G, "/agenda", "/agenda"),
    Say(C, C, "/historial 1", "/history 1"),
]


def _print_replies(replies: list[Sent]) -> None:
    for reply in replies:
        body = plain(reply.text).replace("\n", "\n   ")
        print(f"{'✏️ ' if reply.method == 'editMessageText' else '🤖'} {body}")
        if reply.buttons:
            print("   " + "  ".join(f"[{label}]" for label, _ in reply.buttons))


async def _play(settings: Settings) -> int:
    from bot.app import build_application

    api = FakeBotApi(clock=lambda: DEMO_NOW)
    for user, name in NAMES.items():
        api.add_user(user, name, settings.locale.language)
    api.add_group(GROUP, "Alto al Fuego · Plateros")
    settings.access.coordinators = [COORDINATOR]
    settings.telegram.rate_limit = False  # the fake has no limits; do not pace the demo
    database = Database(settings.database.url)
    database.upgrade()
    application = build_application(
        settings, FakeRequest(api), database=database, clock=lambda: DEMO_NOW
    )
    spanish = settings.locale.language == "es"
    where = {GROUP: "grupo" if spanish else "group"}
    answers: list[list[Sent]] = []
    invite = ""
    async with ChatDriver(application, api) as driver:
        for step in SCRIPT:
            if isinstance(step, Press):
                message = answers[step.step][-1]
                label, data = message.buttons[step.index]
                print(f"\n👆 {NAMES[step.user]} @ {where[GROUP]}: [{label}]")
                replies = await driver.press(step.user, message, data)
                print(f"   ↳ {api.callback_answers[-1].get('text', '')}")
            else:
                text = (step.es if spanish else step.en).format(invite=invite)
                chat = where.get(step.chat, "privado" if spanish else "private")
                print(f"\n👤 {NAMES[step.user]} @ {chat}: {text}")
                replies = await driver.send(step.user, step.chat, text)
                found = _INVITE_RE.search(replies[0].text) if replies else None
                invite = found.group(1) if found else invite
            _print_replies(replies)
            answers.append(replies)
    failures = len(driver.errors) + len(api.violations)
    print(f"\n— demo finished: {len(api.sent)} bot messages, {failures} errors —")
    return 1 if failures else 0


def run_demo(settings: Settings, database: str | None = None) -> int:
    """Play the demo on ``database`` (a fresh temporary SQLite file if not given)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(database) if database else Path(tmp) / "ceasefire-demo.db"
        if path.exists():
            path.unlink()
        settings.database.url = f"sqlite:///{path}"
        return asyncio.run(_play(settings))
