"""The demo's week, as a script: who says what in which chat, and which buttons they press.

Each step has its Spanish and English text; ``{capture}`` reuses a value from an earlier
reply (the invite code, an incident code, an item number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

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
        '/incidente tipo=lesiones fecha=domingo lesionados=2 lugar="Colonia Olivar del Conde" '
        "sector=Plateros",
        '/incident type=nonfatal date=sunday injured=2 place="Colonia Olivar del Conde" '
        "sector=Plateros",
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
