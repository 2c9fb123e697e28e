"""Charts, the weekly report, /reporte, /kpi and /exportar, and the evaluators' panel."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from PIL import Image

from bot.app.demo.history import HistorySpec, seed_history
from bot.reports import kpis
from bot.reports.weekly import build, load, week_end_of
from bot.runtime.settings import load_settings
from bot.views.i18n import Catalog
from storage.engine import Database
from tests.conftest import COORD, GROUP, OBSERVER, SSC_STAFF, World

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # Monday 08:00 in Mexico City


def decoded(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        return image.size


@pytest.fixture
def history_db(tmp_path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'history.db'}")
    db.upgrade()
    db.call(seed_history, HistorySpec(), NOW)
    yield db
    db.close()


def test_weekly_report_on_a_year_of_history(history_db: Database, tmp_path) -> None:
    settings = load_settings(None, sectors={"comparison": ["Tacubaya", "Hipódromo"]})
    week_end = week_end_of(NOW, settings)
    assert week_end == datetime(2026, 11, 30, 0, 0, tzinfo=settings.locale.zone)
    data = history_db.call(load, -100123, settings=settings, week_end=week_end)
    assert data.sectors == ["Olivar del Conde", "Plateros", "Santa Fe"]
    report = build(data, settings, Catalog("es", settings.locale.zone), week_end=week_end, now=NOW)
    assert report.charts[0][1] == "Disparos por semana"
    for png, _ in report.charts:
        assert decoded(png) == (1600, 1000)
    assert "Reporte semanal" in report.summary and "lun, 23 de nov de 2026" in report.summary
    (tmp_path / "shootings.png").write_bytes(report.charts[0][0])


def test_summary_of_a_city_wide_group_fits_one_message(tmp_path) -> None:
    """60 agencies: the 12 with most pending get a line each, one line sums the rest."""
    db = Database(f"sqlite:///{tmp_path / 'city.db'}")
    db.upgrade()
    codes = tuple(f"A{n:02d}" for n in range(60))
    db.call(seed_history, HistorySpec(agencies=codes, weeks=26), NOW)
    settings = load_settings(None, sectors={"comparison": ["Tacubaya", "Hipódromo"]})
    week_end = week_end_of(NOW, settings)
    data = db.call(load, -100123, settings=settings, week_end=week_end)
    db.close()
    summary = build(
        data, settings, Catalog("es", settings.locale.zone), week_end=week_end, now=NOW
    ).summary
    agency_lines = [line for line in summary.splitlines() if line.startswith("<b>A")]
    since = week_end - timedelta(days=7)
    shown = len(kpis.item_states(data.items, at=week_end, since=since))  # open or done
    assert shown > 12 and len(agency_lines) == 12
    assert f"… y {shown - 12} dependencias más:" in summary
    assert len(summary) < 4096


async def test_report_and_kpi_commands(world: World) -> None:
    world.seed()
    world.at_local("2026-11-25 10:00")  # last week, so the KPIs of the past 4 weeks see it
    await world.send(COORD, GROUP, "/incidente tipo=homicidio fecha=2026-11-24 riesgo=alto")
    await world.send(COORD, GROUP, "/accion SSC 2026-11-27 Visita #PLA-2026-001")
    await world.send(SSC_STAFF, SSC_STAFF, "/hecho 1")
    world.at_local("2026-11-30 10:00")
    sent = await world.send(SSC_STAFF, GROUP, "/reporte")
    assert [s.method for s in sent] == ["sendMediaGroup", "sendMessage"]
    assert len(sent[0].uploads) == 5 and all(
        decoded(u.content) == (1600, 1000) for u in sent[0].uploads
    )
    assert "Reporte semanal" in sent[1].text
    assert "No entendí la semana" in await world.reply(COORD, GROUP, "/reporte semana48")
    assert "aún no termina" in await world.reply(COORD, GROUP, "/reporte 2027-W10")
    text = await world.reply(COORD, GROUP, "/kpi")
    assert "<pre>" in text and "SSC" in text and "Todas" in text
    assert "Disparos en el periodo: 1 (1 homicidios" in text
    assert "Definiciones de los indicadores" in await world.reply(
        SSC_STAFF, SSC_STAFF, "/kpi ayuda"
    )
    assert "no es un sector disponible" in await world.reply(COORD, GROUP, "/kpi 8 Tacubaya")
    text = await world.reply(COORD, COORD, "/kpi 8 plateros")
    assert "Plateros" in text and "<pre>" in text


async def test_exports(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, '/incidente tipo=lesiones fecha=ayer notas="nota libre"')
    await world.send(COORD, GROUP, "/accion FGJ viernes Carpeta #PLA-2026-001")
    for command, kind in (
        ("/exportar acciones", "items"),
        ("/exportar incidentes xlsx", "incidents"),
        ("/exportar avances", "updates"),
        ("/exportar", "panel"),
    ):
        sent, *_ = await world.send(COORD, COORD, command)  # the panel's codebook: test_panel
        assert sent.method == "sendDocument" and sent.params["protect_content"] is True
        upload = sent.uploads[0]
        assert upload.filename.startswith(f"alto-al-fuego-{kind}-")
        reader = pd.read_excel if upload.filename.endswith("xlsx") else pd.read_csv
        frame = reader(io.BytesIO(upload.content))
        assert len(frame) >= 1 or kind in ("updates", "panel")  # no covered week yet
    [sent] = await world.send(OBSERVER, OBSERVER, "/exportar panel xlsx")
    assert sent.method == "sendDocument"
    assert "no permite" in await world.reply(SSC_STAFF, SSC_STAFF, "/exportar panel")
    assert "Uso: <code>/exportar" in await world.reply(COORD, COORD, "/exportar todo")
    assert "Uso: <code>/exportar" in await world.reply(COORD, COORD, "/exportar panel pdf")


@pytest.mark.parametrize("language", ["en"])
async def test_reports_in_english(world: World) -> None:
    world.seed()
    sent = await world.send(COORD, GROUP, "/report")
    assert "Shootings per week" in sent[0].text and "Weekly report" in sent[1].text
    assert "KPI definitions" in await world.reply(COORD, COORD, "/kpi help")
