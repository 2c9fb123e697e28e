"""``ceasefire report`` on the shipped real file, and one KPI definition for /kpi and /reporte."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from bot.app.cli import main
from bot.app.demo.history import HistorySpec, seed_history
from bot.reports import kpi_text, kpis, weekly
from bot.reports.weekly_text import agency_lines
from bot.runtime.settings import load_settings
from bot.views.i18n import Catalog
from storage import report_data
from storage.actions import open_counts_by_agency
from storage.engine import Database

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
SAMPLE_FILE = Path(__file__).parents[2] / "bot" / "input" / "data" / "cdmx-shootings.csv"


@pytest.fixture(scope="module")
def real_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the real FGJ file imported through the command line."""
    folder = tmp_path_factory.mktemp("real")
    config = folder / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{folder / "real.db"}"\n', encoding="utf-8")
    assert main(["--config", str(config), "import", "incidents", "--sample", "cdmx"]) == 0
    return config


def csv_counts(sector: str) -> pd.DataFrame:
    """Homicides (doloso + feminicidio) and lesiones per calendar year, from the CSV itself."""
    rows = pd.read_csv(SAMPLE_FILE, dtype=str)
    rows = rows[rows["sector_ssc"] == sector.upper()]
    year = rows["fecha_hecho"].str[:4].astype(int)
    return pd.DataFrame(
        {
            "homicides": rows["tipo"].isin(["homicidio_doloso", "feminicidio"]).groupby(year).sum(),
            "nonfatal": (rows["tipo"] == "lesiones_dolosas").groupby(year).sum(),
        }
    )


def test_report_of_plateros_since_2019_on_the_real_file(
    real_config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    code = main(
        [
            "--config",
            str(real_config),
            "report",
            "--sector",
            "plateros",
            "--comparison",
            "Santa Fe,alpes,SAN ANGEL",
            "--since",
            "2019-01-01",
            "--output",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "end on 2024-12-31; reporting 2024-W52" in printed  # not an empty 2026 report
    pngs = sorted(out.glob("*.png"))
    assert len(pngs) == 5
    for png in pngs:
        with Image.open(io.BytesIO(png.read_bytes())) as image:
            assert image.size == (1600, 1000)
    summary = (out / "summary.md").read_text(encoding="utf-8")
    expected = csv_counts("Plateros")
    assert expected.loc[2019, "homicides"] == 45 and expected.loc[2023, "homicides"] == 19
    for year in range(2019, 2024):
        row = expected.loc[year]
        assert (
            f"{year}: {row['homicides']} homicidios · {row['nonfatal']} lesiones por disparo"
            in summary
        )
    assert "**Reporte semanal** · Plateros" in summary and "subregistradas" in summary
    assert "(312 de 313 semanas con datos)" in summary  # the week of 31 Dec 2018 is partial


def test_unknown_sector_is_one_line_with_close_matches(
    real_config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--config", str(real_config), "report", "--output", str(tmp_path)]
    assert main([*args, "--sector", "Platero"]) == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "did you mean Plateros" in error[0]
    assert main([*args, "--sector", "Plateros", "--week", "2024-W99"]) == 1
    assert main([*args, "--sector", "Plateros", "--since", "ayer"]) == 1
    assert "Traceback" not in capsys.readouterr().err
    refused = {
        "give at least one sector": ["--sector", " , "],
        "Plateros is also in --sector": ["--sector", "Plateros", "--comparison", "plateros"],
        "is not before the week reported": [
            *("--sector", "Plateros", "--since", "2025-01-01", "--week", "2024-W10"),
        ],
        "not an ISO week: '2024-W53'": ["--sector", "Plateros", "--week", "2024-W53"],
    }
    for message, words in refused.items():
        assert main([*args, *words]) == 1
        error = capsys.readouterr().err.strip().splitlines()
        assert len(error) == 1 and message in error[0], (words, error)
    assert not list(tmp_path.glob("*.png"))


def test_since_before_the_data_starts_with_the_data_and_compares_the_alcaldia(
    real_config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No nineteen years of "sin datos"; without --comparison, the rest of Álvaro Obregón
    (what ``ceasefire evaluate`` compares Plateros with)."""
    args = ["--config", str(real_config), "report", "--output", str(tmp_path)]
    assert main([*args, "--sector", "Plateros", "--since", "2000-01-01"]) == 0
    assert "the data start on 2019-01-01" in capsys.readouterr().out
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "2019" in summary and "2018" not in summary and "2000" not in summary


@pytest.fixture
def history_db(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'history.db'}")
    db.upgrade()
    db.call(seed_history, HistorySpec(), NOW)
    yield db
    db.close()


def test_kpi_and_report_measure_update_compliance_the_same(history_db: Database) -> None:
    """Same group, same week: "Avance antes de la reunión" is one number in /kpi and /reporte
    (it was 100% in one and 0% in the other: /kpi measured at the week's end)."""
    settings = load_settings(None, sectors={"comparison": ["Tacubaya", "Hipódromo"]})
    zone = settings.locale.zone
    end = weekly.week_end_of(NOW, settings)
    report = history_db.call(weekly.load, -100123, settings=settings, week_end=end)
    kpi = history_db.call(
        kpi_text.load,
        report.sectors,
        start=end - timedelta(weeks=4),
        end=end,
        zone=zone,
        chat_id=-100123,
    )
    assert report.meeting == kpi.meeting == datetime(2026, 11, 23, 10, 0, tzinfo=zone)
    shares = weekly.compliance_of(report)
    assert len(shares) > 0
    pd.testing.assert_series_equal(shares, kpi_text.compliance_of(kpi))


def test_overdue_and_blocked_are_counted_as_in_acciones(history_db: Database) -> None:
    """A blocked item past due counts as overdue and as blocked, in /acciones and the report."""
    settings = load_settings(None)
    sectors = ["Olivar del Conde", "Plateros", "Santa Fe"]
    items = history_db.call(report_data.items_frame, sectors)
    states = kpis.item_states(items, at=NOW, since=NOW - timedelta(days=7))
    counts = history_db.call(open_counts_by_agency, NOW, -100123)
    assert counts
    for c in counts:
        assert (states.loc[c.code, "overdue"], states.loc[c.code, "blocked"]) == (
            c.overdue,
            c.blocked,
        )
        assert states.loc[c.code, "open"] == c.open
    catalog = Catalog("es", settings.locale.zone)
    lines = "\n".join(agency_lines(catalog, states, pd.Series(dtype=float)))
    for c in counts:
        overdue, blocked = catalog.n("n.overdue", c.overdue), catalog.n("n.blocked", c.blocked)
        assert f"<b>{c.code}</b>: {overdue} · {blocked}" in lines
