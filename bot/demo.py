"""``ceasefire demo``: a scripted coordination session, played offline and printed.

It builds the real application on a fresh SQLite database and drives it through the fake Bot
API, so what it prints is exactly what the handlers answer. No token and no network needed.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from pathlib import Path

from bot.fake_api import FakeBotApi, FakeRequest, Sent
from bot.fake_api.driver import ChatDriver
from bot.i18n import plain
from bot.settings import Settings
from storage.engine import Database

COORDINATOR = 1001
SSC_STAFF = 2002
GROUP = -100123
_INVITE_RE = re.compile(r"start=([A-Z0-9]+)")


def _print_exchange(who: str, where: str, text: str, replies: list[Sent]) -> None:
    print(f"\n👤 {who} @ {where}: {text}")
    for reply in replies:
        body = plain(reply.text).replace("\n", "\n   ")
        verb = "✏️ " if reply.method == "editMessageText" else "🤖"
        print(f"{verb} {body}")
        if reply.buttons:
            print("   " + "  ".join(f"[{label}]" for label, _ in reply.buttons))


async def _play(settings: Settings) -> int:
    from bot.app import build_application

    api = FakeBotApi()
    api.add_user(COORDINATOR, "Coordinación SSC")
    api.add_user(SSC_STAFF, "Enlace SSC")
    api.add_group(GROUP, "Alto al Fuego · Plateros")
    settings.access.coordinators = [COORDINATOR]
    database = Database(settings.database.url)
    database.upgrade()
    application = build_application(settings, FakeRequest(api), database=database)
    es = settings.locale.language == "es"
    names = {COORDINATOR: "Coordinación", SSC_STAFF: "Enlace SSC"}
    places = {COORDINATOR: "privado", SSC_STAFF: "privado", GROUP: "grupo"}

    async with ChatDriver(application, api) as driver:

        async def say(user: int, chat: int, text: str) -> list[Sent]:
            replies = await driver.send(user, chat, text)
            _print_exchange(names[user], places[chat], text, replies)
            return replies

        await say(COORDINATOR, COORDINATOR, "/ayuda" if es else "/help")
        await say(COORDINATOR, GROUP, "/configurar Plateros" if es else "/setup Plateros")
        for code, name in (
            ("SSC", "Secretaría de Seguridad Ciudadana"),
            ("FGJ", "Fiscalía General de Justicia"),
            ("SIBISO", "Secretaría de Bienestar e Igualdad Social"),
        ):
            verb = "/dependencia alta" if es else "/agency add"
            await say(COORDINATOR, COORDINATOR, f"{verb} {code} {name}")
        invite = await say(COORDINATOR, COORDINATOR, "/invitar SSC" if es else "/invite SSC")
        link = _INVITE_RE.search(invite[0].text)
        assert link is not None
        await say(SSC_STAFF, SSC_STAFF, f"/start {link.group(1)}")
        action = "/accion" if es else "/action"
        created = await say(
            COORDINATOR,
            GROUP,
            f"{action} SSC mañana Patrullaje preventivo en cuadrante 4"
            if es
            else f"{action} SSC tomorrow Preventive patrol in cuadrante 4",
        )
        await say(
            COORDINATOR,
            GROUP,
            f"{action} FGJ viernes Priorizar carpeta del incidente PLA-2026-031"
            if es
            else f"{action} FGJ friday Prioritise the case of incident PLA-2026-031",
        )
        await say(
            COORDINATOR,
            GROUP,
            f'{action} SIBISO "en 3 días" Canalizar a 2 jóvenes del grupo G-07 a empleo'
            if es
            else f'{action} SIBISO "in 3 days" Refer 2 young people of group G-07 to jobs',
        )
        replies = await driver.press(SSC_STAFF, created[0], created[0].buttons[1][1])
        print(f"\n👆 {names[SSC_STAFF]} @ grupo: [{created[0].buttons[1][0]}]")
        print(f"   ↳ {api.callback_answers[-1].get('text', '')}")
        _print_exchange(names[SSC_STAFF], "grupo", "…", replies)
        await say(SSC_STAFF, SSC_STAFF, "/acciones" if es else "/actions")
        await say(
            SSC_STAFF,
            SSC_STAFF,
            "/hecho 1 patrullaje realizado, sin incidentes"
            if es
            else "/done 1 patrol done, no incidents",
        )
        await say(COORDINATOR, GROUP, "/acciones" if es else "/actions")
        await say(COORDINATOR, COORDINATOR, "/historial 1" if es else "/history 1")
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
