"""Importing past incidents: the FGJ open-data layout and the bot's own, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app.cli import main
from bot.services.importing import import_file
from storage.engine import Database
from storage.incidents import get_incident

MX = ZoneInfo("America/Mexico_City")
NOW = datetime(2026, 11, 30, 16, tzinfo=UTC)
REAL = Path(__file__).parents[3] / "shared" / "data" / "cdmx-shootings" / "shootings.csv"
FGJ = """incident_id,fecha_hecho,hora_hecho,delito,tipo,fatal,alcaldia_hecho,colonia,lat,lon,sector_ssc,cuadrante_ssc
CDMX-FGJ-00001,2019-01-01,02:45:00,LESIONES INTENCIONALES POR ARMA DE FUEGO,lesiones_dolosas,False,IZTACALCO,Campamento 2 De Octubre,19.38614,-99.11513,IZTACCIHUATL,N-2.1.8
CDMX-FGJ-00002,2019-01-01,23:30:00,HOMICIDIO POR ARMA DE FUEGO,homicidio_doloso,True,ALVARO OBREGON,Olivar,19.44556,-99.13078,PLATEROS,P-1.4.5
CDMX-FGJ-00003,2019-01-02,,HOMICIDIO POR ARMA DE FUEGO,homicidio_doloso,True,ALVARO OBREGON,Olivar,19.4,-99.1,PLATEROS,
CDMX-FGJ-00004,2019-01-03,07:00:00,HOMICIDIO POR ARMA DE FUEGO,homicidio_doloso,True,TLAHUAC,Barrio,19.2,-98.9,,
"""


@pytest.fixture
def db(db_url: str) -> Database:
    database = Database(db_url)
    database.upgrade()
    yield database
    database.close()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "incidents.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_fgj_layout(db: Database, tmp_path: Path) -> None:
    report = db.call(import_file, write(tmp_path, FGJ), zone=MX, now=NOW)
    assert report.ok and (report.rows, report.imported, report.duplicates) == (4, 3, 0)
    assert report.skipped == ["line 5: no police sector"]
    homicide = db.call(get_incident, "PLA-2019-001")
    assert homicide.data.type.value == "homicide" and homicide.data.victims == 1
    assert homicide.data.place == "P-1.4.5"
    assert homicide.data.occurred_at == datetime(2019, 1, 2, 5, 30, tzinfo=UTC)  # 23:30 local
    unknown_time = db.call(get_incident, "PLA-2019-002")
    assert not unknown_time.data.time_known and unknown_time.data.place == "Olivar"
    injured = db.call(get_incident, "IZT-2019-001")
    assert (injured.data.victims, injured.data.injured, injured.data.sector) == (
        0,
        1,
        "Iztaccihuatl",
    )
    again = db.call(import_file, write(tmp_path, FGJ), zone=MX, now=NOW)
    assert (again.imported, again.duplicates) == (0, 3)


OWN = """date,time,sector,type,victims,injured,place,group,conflict,risk,ref
2026-11-20,22:10,Plateros,homicidio,1,0,Cuadrante 4,G-07,C-02,alto,A1
2026-11-21,,Plateros,lesiones,,2,Colonia Olivar,,,,A2
"""


def test_own_layout(db: Database, tmp_path: Path) -> None:
    report = db.call(import_file, write(tmp_path, OWN), zone=MX, now=NOW)
    assert report.ok and report.imported == 2
    first = db.call(get_incident, "PLA-2026-001")
    assert (first.data.group_code, first.data.conflict_code, first.data.risk.value) == (
        "G-07",
        "C-02",
        "high",
    )
    assert db.call(get_incident, "PLA-2026-002").data.injured == 2


def test_errors_are_reported_per_row_and_nothing_is_stored(db: Database, tmp_path: Path) -> None:
    bad = (
        OWN
        + "\n".join(
            [
                "2026-13-01,,Plateros,lesiones,,,,,,,B1",
                "2026-11-22,25:00,Plateros,lesiones,,,,,,,B2",
                "2026-11-22,,Plateros,robo,,,,,,,B3",
                "2026-11-22,,Plateros,lesiones,,,Calle Lago Zurich 245,,,,B4",
                "2026-11-22,,Plateros,lesiones,,,,Los Pelones,,,B5",
                "2030-01-01,,Plateros,lesiones,,,,,,,B6",
            ]
        )
        + "\n"
    )
    report = db.call(import_file, write(tmp_path, bad), zone=MX, now=NOW)
    assert not report.ok and report.imported == 0
    assert [e.split(":")[0] for e in report.errors] == [f"line {n}" for n in range(4, 10)]
    assert "unknown type 'robo'" in report.errors[2] and "personal data" in report.errors[3]
    assert "error.code_group" in report.errors[4] and "future" in report.errors[5]
    missing = db.call(import_file, write(tmp_path, "fecha,lugar\n2026-01-01,x\n"), zone=MX, now=NOW)
    assert missing.errors == ["header: not the FGJ layout, and missing columns date, sector, type"]


def test_cli_import_and_export(db_url: str, tmp_path: Path, capsys) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    assert main(["--config", str(config), "import", "incidents", str(write(tmp_path, FGJ))]) == 0
    assert "3 incident(s) imported, 0 already there, 1 skipped" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("date,sector,type\nayer,Plateros,homicidio\n", encoding="utf-8")
    assert main(["--config", str(config), "import", "incidents", str(bad)]) == 1
    assert "nothing was imported" in capsys.readouterr().err
    assert main(["--config", str(config), "import", "incidents", "nope.csv"]) == 2
    out = tmp_path / "panel.xlsx"
    assert (
        main(["--config", str(config), "export", "panel", "--format", "xlsx", "--output", str(out)])
        == 0
    )
    assert out.stat().st_size > 0


@pytest.mark.skipif(not REAL.exists(), reason="shared/ data is not beside this checkout")
def test_the_real_file_loads_as_it_is(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'real.db'}")
    db.upgrade()
    report = db.call(import_file, REAL, zone=MX, now=NOW)
    db.close()
    assert report.ok and report.rows == 6990
    assert report.imported == 6979 and len(report.skipped) == 11
