"""Importing past incidents: the FGJ open-data layout and the bot's own, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app.cli import main
from bot.services.importing import import_file
from storage.engine import Database
from storage.incidents import get_incident
from storage.models.incidents import Incident

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


HEADER = "date,time,sector,type,victims,injured,place,group,conflict,risk,ref\n"


def _stored(db: Database) -> int:
    return db.call(lambda s: s.execute(select(func.count()).select_from(Incident)).scalar_one())


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        # What the privacy guard refuses, in every text that is stored.
        ("2026-11-20,,Plateros,lesiones,,,,,,,CI-FAO/AO-2/UI-1 C/D/01234/11-2025", "file_number"),
        ("2026-11-20,,Plateros Tel 5512345678,lesiones,,,,,,,A9", "sector looks like personal"),
        ("2026-11-20,,Plateros,lesiones,,,Tel 55 1234 5678,,,,A9", "place looks like personal"),
        # Sizes: checked before the guard reads the text, and before the database would.
        ("2026-11-20,,Plateros,lesiones,,," + "x" * 5000 + ",,,,A9", "place is longer than 120"),
        ("2026-11-20,,Plateros,lesiones,,,,,,," + "R" * 41, "ref is longer than 40"),
        ("2026-11-20,," + "P" * 81 + ",lesiones,,,,,,,A9", "sector is longer than 80"),
        ("2026-11-20,,,lesiones,,,,,,,A9", "sector is empty"),
        # Counts: ASCII digits, 0 to 50, like /incidente.
        ("2026-11-20,,Plateros,lesiones,,-3,,,,,A9", "error.count_injured"),
        ("2026-11-20,,Plateros,homicidio,99999999999,,,,,,A9", "error.count_victims"),
        ("2026-11-20,,Plateros,lesiones,,٣,,,,,A9", "error.count_injured"),
        ("2026-11-20,,Plateros,homicidio,²,,,,,,A9", "error.count_victims"),
        # Dates and times: ISO, 2000 to 2100, ASCII digits.
        ("0001-01-01,,Plateros,lesiones,,,,,,,A9", "not YYYY-MM-DD in 2000–2100"),
        ("1999-12-31,,Plateros,lesiones,,,,,,,A9", "not YYYY-MM-DD"),
        ("٢٠٢٦-١١-٢٠,,Plateros,lesiones,,,,,,,A9", "not YYYY-MM-DD"),
        ("20261120,,Plateros,lesiones,,,,,,,A9", "not YYYY-MM-DD"),
        ("2026-11-20,٢٢:١٠,Plateros,lesiones,,,,,,,A9", "error.time_unparsed"),
        ("2026-11-20,２２:１０,Plateros,lesiones,,,,,,,A9", "error.time_unparsed"),
        ("2026-11-20,,Plateros,lesiones,,,,G-٠٧,,,A9", "error.code_group"),
        ('2026-11-20,,"Plate\x00ros",lesiones,,,,,,,A9', "error.control_characters"),
        ("2026-11-20,,Plateros,lesiones,,,Olivar\x07,,,,A9", "error.control_characters"),
    ],
)
def test_a_bad_cell_is_a_reported_row_and_nothing_is_stored(
    db: Database, tmp_path: Path, row: str, reason: str
) -> None:
    report = db.call(import_file, write(tmp_path, OWN + row + "\n"), zone=MX, now=NOW)
    assert not report.ok and report.imported == 0
    assert len(report.errors) == 1 and report.errors[0].startswith("line 4: "), report.errors
    assert reason in report.errors[0] and len(report.errors[0]) < 300
    assert _stored(db) == 0


def test_a_ref_repeated_in_the_file_is_an_error_not_a_crash(db: Database, tmp_path: Path) -> None:
    report = db.call(
        import_file, write(tmp_path, OWN + OWN.splitlines()[1] + "\n"), zone=MX, now=NOW
    )
    assert report.errors == ["line 4: ref 'A1' repeats line 2"] and _stored(db) == 0


def test_the_fgj_layout_meets_the_same_rules(db: Database, tmp_path: Path) -> None:
    head = FGJ.splitlines()[0] + "\n"
    long_place = "Colonia " + "Olivar " * 400  # cut to 120 before the guard reads it
    rows = [
        f"FGJ-1,2019-01-01,02:45:00,X,lesiones,False,IZT,Olivar,1,1,IZTACCIHUATL,{long_place}",
        "FGJ-2,2019-01-01,02:45:00,X,lesiones,False,IZT,Olivar,1,1,IZTACCIHUATL,Tel 5512345678",
        "CI-FAO/AO-2/UI-1 C/D/01234/11-2025,2019-01-01,,X,lesiones,False,IZT,Olivar,1,1,PLATEROS,",
        "FGJ-4,0001-01-01,,X,lesiones,False,IZT,Olivar,1,1,PLATEROS,",
        "FGJ-5,2019-01-01,٠٢:٤٥:٠٠,X,lesiones,False,IZT,Olivar,1,1,PLATEROS,",
        "FGJ-6,2019-01-01,,X,lesiones,False,IZT,Olivar,1,1,Plateros Tel 5512345678,",
    ]
    report = db.call(import_file, write(tmp_path, head + "\n".join(rows) + "\n"), zone=MX, now=NOW)
    assert [e.split(":")[0] for e in report.errors] == ["line 4", "line 5", "line 6", "line 7"]
    assert "incident_id looks like personal data (file_number)" in report.errors[0]
    assert "not YYYY-MM-DD" in report.errors[1] and "error.time_unparsed" in report.errors[2]
    assert "sector_ssc looks like personal data (phone)" in report.errors[3]
    assert _stored(db) == 0
    good = db.call(
        import_file, write(tmp_path, head + "\n".join(rows[:2]) + "\n"), zone=MX, now=NOW
    )
    assert good.ok and good.imported == 2
    places = {db.call(get_incident, code).data.place for code in ("IZT-2019-001", "IZT-2019-002")}
    assert places == {long_place.strip()[:120], ""}  # a place that looks personal is dropped


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"date,sector,type\n2026-11-20,Plat\xe9ros,lesiones\n",  # Latin-1
        b'date,sector,type\n"2026-11-20,Plateros\n',  # a quote never closed
        b"date,sector,type\n2026-11-20,Plateros,lesiones,extra\n",  # pandas would shift it
    ],
)
def test_an_unreadable_file_is_reported(db: Database, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "incidents.csv"
    path.write_bytes(content)
    report = db.call(import_file, path, zone=MX, now=NOW)
    assert len(report.errors) == 1 and report.errors[0].startswith("file: not "), report.errors
    assert _stored(db) == 0
