"""End-to-end: recording, listing and correcting incidents (key=value and guided)."""

from __future__ import annotations

import pytest

from storage.audit import latest
from storage.groups import register_group
from storage.incidents import get_incident, list_incidents
from tests.conftest import COORD, GROUP, OBSERVER, OTHER_GROUP, SSC_STAFF, STRANGER, World

HOMICIDE = (
    '/incidente tipo=homicidio fecha=2026-11-28 hora=22:10 lugar="Cuadrante 4" victimas=1 '
    'lesionados=0 grupo=G-07 conflicto=C-02 riesgo=alto notas="se esperan represalias"'
)


def stored(world: World) -> list:
    start = world.clock() - __import__("datetime").timedelta(days=400)
    return world.database.call(
        list_incidents, ["Plateros", "Olivar"], start=start, end=world.clock()
    )


async def test_record_with_key_values(world: World) -> None:
    world.seed()
    sent = await world.send(COORD, GROUP, HOMICIDE)
    assert len(sent) == 1
    text = sent[0].text
    assert "🔴 <b>PLA-2026-001</b> · Homicidio · Plateros" in text
    assert "sáb, 28 de nov de 2026 22:10" in text
    assert "Víctimas: 1 persona fallecida · 0 personas lesionadas" in text
    assert "Riesgo de represalia: <b>alto</b>" in text
    assert "Cuadrante 4" not in text  # posted to the group: no place or notes
    assert "Lugar: Cuadrante 4" in await world.reply(
        COORD, COORD, "/incidente_editar PLA-2026-001 riesgo=alto"
    )
    assert "Grupo: G-07 · Conflicto: C-02" in text and "se esperan represalias" not in text
    assert sent[0].params["protect_content"] is True
    incident = world.database.call(get_incident, "pla-2026-001")
    assert incident.data.occurred_at.isoformat() == "2026-11-29T04:10:00+00:00"  # UTC
    text = await world.reply(COORD, GROUP, "/incidente tipo=lesiones fecha=ayer")
    assert "<b>PLA-2026-002</b> · Lesiones por disparo" in text
    assert "Víctimas: 0 personas fallecidas · 1 persona lesionada" in text
    assert "dom, 29 de nov de 2026" in text and "12:00" not in text  # time unknown


async def test_codes_are_per_sector_and_year_with_distinct_prefixes(world: World) -> None:
    actors = world.seed()
    world.database.call(
        register_group,
        actors["coord"],
        GROUP,
        title="G",
        sectors=["Plateros", "Plaza Álvaro", "Ñandú"],
        now=world.clock(),
    )
    await world.send(COORD, GROUP, "/incidente tipo=les fecha=ayer sector=plateros")
    text = await world.reply(COORD, GROUP, '/incidente tipo=les fecha=ayer sector="plaza alvaro"')
    assert "<b>PLZ-2026-001</b>" in text  # PLA is taken by Plateros
    text = await world.reply(COORD, GROUP, "/incidente tipo=les fecha=2025-12-30 sector=Ñandú")
    assert "<b>NAN-2025-001</b>" in text
    text = await world.reply(COORD, GROUP, "/incidente tipo=les fecha=ayer sector=Plateros")
    assert "<b>PLA-2026-002</b>" in text


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/incidente tipo=homicidio", "Faltan datos"),
        ("/incidente fecha=ayer", "Faltan datos"),
        ("/incidente tipo=robo fecha=ayer", "Tipo desconocido: “robo”"),
        ("/incidente tipo=les fecha=ayer color=rojo", "Campo desconocido: “color”"),
        (
            "/incidente tipo=les fecha=ayer sector=Tacubaya",
            "“Tacubaya” no es un sector de este grupo",
        ),
        ("/incidente tipo=les fecha=mañana", "está en el futuro"),
        ("/incidente tipo=les fecha=hoy hora=23:00", "está en el futuro"),
        ("/incidente tipo=les fecha=2024-01-01", "hace más de un año"),
        ("/incidente tipo=les fecha=ayer hora=25:99", "No entendí la hora “25:99”"),
        ("/incidente tipo=les fecha=nunca", "No entendí la fecha “nunca”"),
        ("/incidente tipo=homicidio fecha=ayer victimas=0", "al menos una víctima fallecida"),
        ("/incidente tipo=les fecha=ayer victimas=1", "Si alguien murió, usa tipo=homicidio"),
        ("/incidente tipo=les fecha=ayer lesionados=muchos", "“muchos” no es un número válido"),
        ("/incidente tipo=les fecha=ayer lesionados=99", "(0 a 50)"),
        ('/incidente tipo=les fecha=ayer grupo="Los Pelones"', "no parece un código de grupo"),
        ("/incidente tipo=les fecha=ayer conflicto=Juan", "no parece un código de conflicto"),
        ('/incidente tipo=les fecha=ayer lugar="Calle Lago Zurich 245"', "domicilio"),
        ('/incidente tipo=les fecha=ayer notas="tel 55 1234 5678"', "teléfono"),
        ("/incidente tipo=les fecha=ayer riesgo=extremo", "Riesgo desconocido"),
        ('/incidente tipo=les fecha=ayer lugar="Cuadrante 4', "comillas sin cerrar"),
        ("/incidente tipo=les fecha=ayer Plateros", "No entendí “Plateros”"),
        ("/incidente tipo=les tipo=homicidio fecha=ayer", "aparece dos veces"),
        ("/incidente tipo=les fecha=ayer notas=" + "x" * 501, "demasiado largo"),
    ],
)
async def test_bad_incidents_store_nothing(world: World, command: str, expected: str) -> None:
    world.seed()
    text = await world.reply(COORD, GROUP, command)
    assert expected in text, text
    assert stored(world) == []


async def test_html_in_notes_is_escaped(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, '/incidente tipo=les fecha=ayer notas="<b>x</b> & *y* _z_"')
    text = await world.reply(COORD, COORD, "/incidente_editar PLA-2026-001 riesgo=bajo")
    assert "Notas: &lt;b&gt;x&lt;/b&gt; &amp; *y* _z_" in text  # in private, escaped


async def test_who_and_where(world: World) -> None:
    world.seed()
    assert "dentro del grupo" in await world.reply(COORD, COORD, "/incidente tipo=les fecha=ayer")
    assert "no permite" in await world.reply(SSC_STAFF, GROUP, "/incidente tipo=les fecha=ayer")
    assert "No estás registrado" in await world.reply(STRANGER, GROUP, "/incidente")
    assert await world.send(COORD, OTHER_GROUP, "/incidente tipo=les fecha=ayer") == []
    assert stored(world) == []


async def test_list_incidents_by_sector_and_week(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/incidente tipo=les fecha=2026-11-20")
    await world.send(COORD, GROUP, "/incidente tipo=homicidio fecha=2026-11-28 lugar=C4")
    text = await world.reply(COORD, GROUP, "/incidentes")
    assert "<b>Incidentes: 1</b>" in text and "PLA-2026-002" in text
    text = await world.reply(OBSERVER, OBSERVER, "/incidentes Plateros 2026-W47")
    assert "<b>Incidentes: 1</b>" in text and "PLA-2026-001" in text
    text = await world.reply(COORD, GROUP, "/incidentes W48")
    assert "PLA-2026-002" in text and "PLA-2026-001" not in text
    text = await world.reply(COORD, GROUP, "/incidentes 2026-11-18")
    assert "PLA-2026-001" in text
    assert "Sin incidentes" in await world.reply(COORD, GROUP, "/incidentes 2026-W10")
    assert "no es un sector" in await world.reply(COORD, GROUP, "/incidentes Tacubaya")


async def test_reclassify_and_correct(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/incidente tipo=lesiones fecha=ayer lesionados=2")
    text = await world.reply(COORD, GROUP, "/incidente_editar PLA-2026-001 tipo=homicidio")
    assert "Homicidio" in text and "Víctimas: 1 persona fallecida · 1 persona lesionada" in text
    assert "corregido (type, victims, injured)" in text
    text = await world.reply(COORD, COORD, '/incidente_editar pla-2026-001 hora=21:30 lugar="C 5"')
    assert "21:30" in text and "Lugar: C 5" in text
    assert "Sin cambios" in await world.reply(
        COORD, GROUP, '/incidente_editar PLA-2026-001 lugar="C 5"'
    )
    edits = [a for a in world.database.call(latest, 50) if a.action == "incident.edit"]
    assert len(edits) == 2 and '"type": ["nonfatal", "homicide"]' in edits[-1].details
    # Refusals
    assert "No existe el incidente “PLA-2026-999”" in await world.reply(
        COORD, GROUP, "/incidente_editar PLA-2026-999 tipo=homicidio"
    )
    assert "Uso: <code>/incidente_editar" in await world.reply(
        COORD, GROUP, "/incidente_editar PLA-2026-001"
    )
    assert "al menos una víctima" in await world.reply(
        COORD, GROUP, "/incidente_editar PLA-2026-001 victimas=0"
    )
    assert "no permite" in await world.reply(
        SSC_STAFF, SSC_STAFF, "/incidente_editar PLA-2026-001 tipo=les"
    )
    assert world.database.call(get_incident, "PLA-2026-001").data.type.value == "homicide"


async def test_edit_from_another_group_is_refused(world: World) -> None:
    actors = world.seed()
    world.database.call(
        register_group,
        actors["coord"],
        OTHER_GROUP,
        title="O",
        sectors=["Olivar"],
        now=world.clock(),
    )
    await world.send(COORD, GROUP, "/incidente tipo=les fecha=ayer")
    text = await world.reply(COORD, OTHER_GROUP, "/incidente_editar PLA-2026-001 tipo=homicidio")
    assert "es de un sector de otro grupo" in text


@pytest.mark.parametrize("language", ["en"])
async def test_incidents_in_english(world: World) -> None:
    world.seed()
    text = await world.reply(
        COORD,
        GROUP,
        '/incident type=homicide date=2026-11-28 time=10pm place="Cuadrante 4" risk=high',
    )
    assert "🔴 <b>PLA-2026-001</b> · Homicide · Plateros" in text
    assert "Sat, Nov 28, 2026 22:00" in text and "Retaliation risk: <b>high</b>" in text
    assert "Unknown type: “robbery”" in await world.reply(
        COORD, GROUP, "/incident type=robbery date=yesterday"
    )
    assert "is in the future" in await world.reply(
        COORD, GROUP, "/incident type=nonfatal date=tomorrow"
    )
    text = await world.reply(COORD, GROUP, "/incident_edit PLA-2026-001 type=nonfatal")
    assert "Non-fatal shooting" in text and "Victims: 0 people killed · 1 person injured" in text
    text = await world.reply(COORD, GROUP, "/incidents")
    assert "<b>Incidents: 1</b>" in text
