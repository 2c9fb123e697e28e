"""Importing past incidents: the FGJ open-data layout and the bot's own, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app.cli import main
from bot.input.incident_file import ImportReport
from bot.services.importing import ImportRequest, import_file
from storage.engine import Database
from storage.incidents import get_incident
from storage.models.incidents import Incident

MX = ZoneInfo("America/Mexico_City")
NOW = datetime(2026, 11, 30, 16, tzinfo=UTC)
REAL = Path(__file__).parents[2] / "bot" / "input" / "data" / "cdmx-shootings.csv"
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


def imported(db: Database, path: Path) -> ImportReport:
    report, _ = db.call(import_file, ImportRequest(path), zone=MX, now=NOW)
    return report


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "incidents.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_fgj_layout(db: Database, tmp_path: Path) -> None:
    report = imported(db, write(tmp_path, FGJ))
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
        "Iztaccíhuatl",  # the catalogue's name, with its accent
    )
    again = imported(db, write(tmp_path, FGJ))
    assert (again.imported, again.duplicates) == (0, 3)


OWN = """date,time,sector,type,victims,injured,place,group,conflict,risk,ref
2026-11-20,22:10,Plateros,homicidio,1,0,Cuadrante 4,G-07,C-02,alto,A1
2026-11-21,,Plateros,lesiones,,2,Colonia Olivar,,,,A2
"""


def test_own_layout(db: Database, tmp_path: Path) -> None:
    report = imported(db, write(tmp_path, OWN))
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
    report = imported(db, write(tmp_path, bad))
    assert not report.ok and report.imported == 0
    assert [e.split(",")[0].split(":")[0] for e in report.errors] == [
        f"line {n}" for n in range(4, 10)
    ]
    assert report.errors[2] == "line 6, column type: value 'robo': unknown type"
    assert "personal data" in report.errors[3] and "Lago" not in report.errors[3]
    assert "column group: value 'Los Pelones': not a group code" in report.errors[4]
    assert ", column date: value " in report.errors[5] and "future" in report.errors[5]
    missing = imported(db, write(tmp_path, "fecha,lugar\n2026-01-01,x\n"))
    assert missing.errors == [
        "line 1: not the FGJ layout (incident_id, fecha_hecho, hora_hecho, sector_ssc, tipo), "
        "and missing columns date, sector, type of the project's layout"
    ]


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
    report = imported(db, REAL)
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
        (
            "2026-11-20,,Plateros,lesiones,,,,,,,CI-FAO/AO-2/UI-1 C/D/01234/11-2025",
            "column ref: looks like personal data (file_number)",
        ),
        (
            "2026-11-20,,Plateros Tel 5512345678,lesiones,,,,,,,A9",
            "column sector: looks like personal data (phone)",
        ),
        (
            "2026-11-20,,Plateros,lesiones,,,Tel 55 1234 5678,,,,A9",
            "column place: looks like personal data (phone)",
        ),
        # Sizes: checked before the guard reads the text, and before the database would.
        ("2026-11-20,,Plateros,lesiones,,," + "x" * 5000 + ",,,,A9", "column place: value 'xxxx"),
        ("2026-11-20,,Plateros,lesiones,,,,,,," + "R" * 41, "column ref: value 'RRRR"),
        ("2026-11-20,," + "P" * 81 + ",lesiones,,,,,,,A9", "column sector: value 'PPPP"),
        ("2026-11-20,,,lesiones,,,,,,,A9", "column sector: value '': empty"),
        # Counts: ASCII digits, 0 to 50, like /incidente.
        ("2026-11-20,,Plateros,lesiones,,-3,,,,,A9", "column injured: value"),
        ("2026-11-20,,Plateros,homicidio,99999999999,,,,,,A9", "column victims: value"),
        ("2026-11-20,,Plateros,lesiones,,٣,,,,,A9", "column injured: value"),
        ("2026-11-20,,Plateros,homicidio,²,,,,,,A9", "column victims: value"),
        # Dates and times: ISO, 2000 to 2100, ASCII digits.
        (
            "0001-01-01,,Plateros,lesiones,,,,,,,A9",
            "column date: value '0001-01-01': not a date YYYY-MM-DD in 2000–2100",
        ),
        ("1999-12-31,,Plateros,lesiones,,,,,,,A9", "not a date YYYY-MM-DD"),
        ("٢٠٢٦-١١-٢٠,,Plateros,lesiones,,,,,,,A9", "not a date YYYY-MM-DD"),
        ("20261120,,Plateros,lesiones,,,,,,,A9", "not a date YYYY-MM-DD"),
        ("2026-11-20,٢٢:١٠,Plateros,lesiones,,,,,,,A9", "column time: value"),
        ("2026-11-20,２２:１０,Plateros,lesiones,,,,,,,A9", "column time: value"),
        (
            "2026-11-20,,Plateros,lesiones,,,,G-٠٧,,,A9",
            "column group: value 'G-٠٧': not a group code",
        ),
        ('2026-11-20,,"Plate\x00ros",lesiones,,,,,,,A9', "a control character"),
        ("2026-11-20,,Plateros,lesiones,,,Olivar\x07,,,,A9", "a control character"),
    ],
)
def test_a_bad_cell_is_a_reported_row_and_nothing_is_stored(
    db: Database, tmp_path: Path, row: str, reason: str
) -> None:
    report = imported(db, write(tmp_path, OWN + row + "\n"))
    assert not report.ok and report.imported == 0
    assert len(report.errors) == 1 and report.errors[0].startswith("line 4"), report.errors
    assert reason in report.errors[0] and len(report.errors[0]) < 300
    assert _stored(db) == 0


def test_a_ref_repeated_in_the_file_is_an_error_not_a_crash(db: Database, tmp_path: Path) -> None:
    report = imported(db, write(tmp_path, OWN + OWN.splitlines()[1] + "\n"))
    assert report.errors == ["line 4, column ref: value 'A1': repeats line 2"]
    assert _stored(db) == 0


def test_the_fgj_layout_meets_the_same_rules(db: Database, tmp_path: Path) -> None:
    head = FGJ.splitlines()[0] + "\n"
    long_place = "Colonia " + "Olivar " * 400  # cut to 120 before the guard reads it
    rows = [
        f"FGJ-1,2019-01-01,02:45:00,X,lesiones_dolosas,False,IZT,Olivar,1,1,IZTACCIHUATL,{long_place}",
        "FGJ-2,2019-01-01,02:45:00,X,lesiones_dolosas,False,IZT,Olivar,1,1,IZTACCIHUATL,Tel 5512345678",
        "CI-FAO/AO-2/UI-1 C/D/01234/11-2025,2019-01-01,,X,lesiones_dolosas,False,IZT,Olivar,1,1,PLATEROS,",
        "FGJ-4,0001-01-01,,X,lesiones_dolosas,False,IZT,Olivar,1,1,PLATEROS,",
        "FGJ-5,2019-01-01,٠٢:٤٥:٠٠,X,lesiones_dolosas,False,IZT,Olivar,1,1,PLATEROS,",
        "FGJ-6,2019-01-01,,X,lesiones_dolosas,False,IZT,Olivar,1,1,Plateros Tel 5512345678,",
    ]
    report = imported(db, write(tmp_path, head + "\n".join(rows) + "\n"))
    assert [e.split(",")[0] for e in report.errors] == ["line 4", "line 5", "line 6", "line 7"]
    assert "column incident_id: looks like personal data (file_number)" in report.errors[0]
    assert "column fecha_hecho: value '0001-01-01': not a date YYYY-MM-DD" in report.errors[1]
    assert "column hora_hecho: value '٠٢:٤٥': not a time" in report.errors[2]
    assert "column sector_ssc: looks like personal data (phone)" in report.errors[3]
    assert _stored(db) == 0
    good = imported(db, write(tmp_path, head + "\n".join(rows[:2]) + "\n"))
    assert good.ok and good.imported == 2
    places = {db.call(get_incident, code).data.place for code in ("IZT-2019-001", "IZT-2019-002")}
    assert places == {long_place.strip()[:120], ""}  # a place that looks personal is dropped


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", "file: empty (0 bytes)"),
        (b"\n\n", "line 1: the header line is empty"),
        (b'date,sector,type\n"2026-11-20,Plateros\n', "line 2: not a CSV row (unexpected end"),
        (b"date,sector,type\n2026-11-20,Plateros,lesiones,extra\n", "line 2: 4 cells where the"),
        (b"date,sector,type\n2026-11-20,Plateros\n", "line 2: 2 cells where the header has 3"),
        (b"\xff\xfed\x00a\x00", "file: UTF-16 text"),
        (
            b"date,sector,type\n2026-11-20,Coyoac\xc3\xa1n,les\n2026-11-20,Pe\xf1a,les\n",
            "line 2: the file mixes",
        ),
    ],
)
def test_an_unreadable_file_is_reported(
    db: Database, tmp_path: Path, content: bytes, error: str
) -> None:
    path = tmp_path / "incidents.csv"
    path.write_bytes(content)
    report = imported(db, path)
    assert len(report.errors) == 1 and report.errors[0].startswith(error), report.errors
    assert _stored(db) == 0


def test_ids_are_guarded_in_worker_processes_for_big_files(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.input import incident_rows

    monkeypatch.setattr(incident_rows, "PARALLEL_IDS", 10)
    monkeypatch.setattr(incident_rows, "GUARD_CHUNK", 4)
    monkeypatch.setattr(incident_rows.os, "cpu_count", lambda: 2)
    ids = [f"FGJ-{n}" for n in range(30)] + ["Tel 5512345678"]
    assert incident_rows.guard_ids(ids) == [None] * 30 + ["phone"]
