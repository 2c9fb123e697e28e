"""``ceasefire import incidents`` as an operator runs it: files as Excel saves them, bad files
answered line by line (exit 1, nothing written, no traceback), dry runs, the shipped sample,
coverage and possible duplicates. Through the real entry point, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bot.app.cli import main
from domain.actor import Actor
from domain.terms import IncidentType
from storage.engine import Database
from storage.groups import get_or_create_sector
from storage.incidents import IncidentData, create_incident
from storage.models.groups import Sector
from storage.models.incidents import Coverage, Incident

HEADER = "incident_id,fecha_hecho,hora_hecho,delito,tipo,fatal,alcaldia_hecho,colonia,lat,lon,sector_ssc,cuadrante_ssc"
ROWS = [
    "X-1,2024-03-01,22:10:00,HOMICIDIO POR ARMA DE FUEGO,homicidio_doloso,True,COYOACAN,Centro,1,1,COYOACAN,P-1",
    "X-2,2024-03-02,00:00:00,LESIONES INTENCIONALES POR ARMA DE FUEGO,lesiones_dolosas,False,BENITO JUAREZ,Nápoles,1,1,NAPOLES,P-2",
    "X-3,2024-03-09,,HOMICIDIO CULPOSO POR ARMA DE FUEGO,homicidio_culposo,True,ALVARO OBREGON,Tizapán,1,1,SAN ANGEL,P-3",
]  # fmt: skip


@pytest.fixture
def config(db_url: str, tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    return path


@pytest.fixture
def db(db_url: str, config: Path) -> Database:
    database = Database(db_url)
    database.upgrade()
    yield database
    database.close()


def run(config: Path, *args: str) -> int:
    return main(["--config", str(config), "import", "incidents", *args])


def csv_file(tmp_path: Path, body: str, *, encoding: str = "utf-8", name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(body.encode(encoding))
    return path


def count(db: Database, model: type = Incident) -> int:
    return db.call(lambda s: s.execute(select(func.count()).select_from(model)).scalar_one())


def sectors(db: Database) -> dict[str, str | None]:
    return dict(db.call(lambda s: list(s.execute(select(Sector.name, Sector.alcaldia)))))


def test_a_windows_1252_file_with_semicolons_imports_with_accents(
    db: Database, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "\r\n".join([HEADER.replace(",", ";"), *(r.replace(",", ";") for r in ROWS)]) + "\r\n"
    assert "á".encode("cp1252") in body.encode("cp1252")  # really not UTF-8
    assert run(config, str(csv_file(tmp_path, body, encoding="cp1252"))) == 0
    out = capsys.readouterr()
    assert "3 incident(s) imported, 0 already there, 0 skipped" in out.out and not out.err
    assert sectors(db) == {
        "Coyoacán": "Coyoacán",
        "Nápoles": "Benito Juárez",
        "San Ángel": "Álvaro Obregón",
    }
    rows = db.call(
        lambda s: list(
            s.execute(
                select(Incident.source_ref, Incident.classification, Incident.time_known).order_by(
                    Incident.source_ref
                )
            )
        )
    )
    assert [tuple(r) for r in rows] == [
        ("X-1", "homicidio_doloso", True),
        ("X-2", "lesiones_dolosas", False),  # FGJ's 00:00:00: not known
        ("X-3", "homicidio_culposo", False),
    ]


def test_utf8_with_bom_imports_and_reimport_adds_nothing(
    db: Database, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = csv_file(tmp_path, "\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8-sig")
    assert run(config, str(path)) == 0
    assert run(config, str(path)) == 0
    assert "0 incident(s) imported, 3 already there" in capsys.readouterr().out
    assert count(db) == 3
    spans = db.call(
        lambda s: [
            tuple(r)
            for r in s.execute(
                select(Coverage.source, Coverage.sector_id, Coverage.first_day, Coverage.last_day)
            )
        ]
    )
    assert [(a, b, str(c), str(d)) for a, b, c, d in spans] == [
        ("fgj", None, "2024-03-01", "2024-03-09")
    ]


BAD = [
    ("", "error  file: empty (0 bytes)"),
    (HEADER + "\n", "error  file: a header and no rows"),
    ("fecha,lugar\n2024-01-01,x\n", "error  line 1: not the FGJ layout"),
    (
        "date,sector,type,victms\n2024-01-01,Plateros,homicidio,1\n",
        "error  line 1, column 4: value 'victms': not a column of the project's layout",
    ),
    (
        HEADER + "\n" + ROWS[0].replace("2024-03-01", "01/03/2024"),
        "error  line 2, column fecha_hecho: value '01/03/2024': not a date YYYY-MM-DD",
    ),
    (
        "\n".join([HEADER, ROWS[0], ROWS[1], ROWS[0].replace("22:10", "23:10")]),
        "error  line 4, column incident_id: value 'X-1': repeats line 2",
    ),
    (
        HEADER + "\n" + ROWS[0].replace(",homicidio_doloso,", ",homicidio,"),
        "error  line 2, column tipo: value 'homicidio': not one of feminicidio, ",
    ),
    (
        "date,sector,type,classification\n2024-01-01,Plateros,homicidio,lesiones_dolosas\n",
        "error  line 2, column classification: value 'lesiones_dolosas': contradicts the type",
    ),
    (
        HEADER + "\n" + ROWS[0].replace(",True,", ",False,"),
        "error  line 2, column fatal: value 'False': contradicts the classification",
    ),
]


@pytest.mark.parametrize(("body", "line"), BAD)
def test_a_bad_file_is_one_line_per_problem_exit_1_and_nothing_written(
    db: Database,
    config: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    body: str,
    line: str,
) -> None:
    assert run(config, str(csv_file(tmp_path, body))) == 1
    err = capsys.readouterr().err
    assert line in err, err
    assert err.rstrip().endswith("nothing was imported") and "Traceback" not in err
    assert count(db) == 0 and count(db, Coverage) == 0 and count(db, Sector) == 0


def test_many_errors_are_bounded(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "date,sector,type\n" + "ayer,Plateros,homicidio\n" * 500
    assert run(config, str(csv_file(tmp_path, body))) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 52 and err[-2] == "error  … and 450 more"
    assert err[-1] == "ceasefire: 500 error(s); nothing was imported"


def test_options_are_checked(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(csv_file(tmp_path, "\n".join([HEADER, *ROWS])))
    assert run(config) == 2
    assert run(config, path, "--sample", "cdmx") == 2
    assert run(config, path, "--source", "Bad Name") == 2
    assert run(config, path, "--source", "bot") == 2
    assert run(config, path, "--from", "2024-13-01") == 2
    assert run(config, "nope.csv") == 2
    assert run(config, path, "--from", "2024-03-02") == 1  # X-1 is on 2024-03-01
    assert "1 event(s) outside --from 2024-03-02" in capsys.readouterr().err


def test_a_period_in_the_future_or_backwards_is_a_bad_option(
    db: Database, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--to 2031-01-01`` would mark six years of weeks to come as covered true zeros."""
    path = str(csv_file(tmp_path, "\n".join([HEADER, *ROWS])))
    assert run(config, path, "--to", "2031-01-01") == 2
    assert "--to 2031-01-01 is in the future" in capsys.readouterr().err
    assert run(config, path, "--from", "2024-03-31", "--to", "2024-03-01") == 2
    assert "is after --to" in capsys.readouterr().err
    assert count(db) == 0 and count(db, Coverage) == 0


def test_a_dry_run_on_a_new_database_file_creates_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "not-yet.db"
    config = tmp_path / "new.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{target}"\n', encoding="utf-8")
    path = str(csv_file(tmp_path, "\n".join([HEADER, *ROWS])))
    assert run(config, path, "--dry-run") == 0
    assert "3 incident(s) would be imported" in capsys.readouterr().out
    assert not target.exists()


def test_dry_run_counts_and_writes_nothing(
    db: Database, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(csv_file(tmp_path, "\n".join([HEADER, *ROWS])))
    assert run(config, path, "--dry-run", "--to", "2024-03-31") == 0
    out = capsys.readouterr().out
    assert "3 incident(s) would be imported, 0 already there, 0 skipped" in out
    assert "coverage of fgj: 2024-03-01 to 2024-03-31, every sector" in out
    assert "homicidio_doloso         1      1" in out and "dry run: nothing was written" in out
    assert count(db) == 0 and count(db, Coverage) == 0 and count(db, Sector) == 0


def test_own_layout_source_coverage_per_sector_and_merge(
    db: Database, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    march = (
        "date,time,sector,type\n2024-03-01,10:00,Coyoacan,homicidio\n2024-03-31,,Tepeyac,lesiones\n"
    )
    april = "date,time,sector,type\n2024-04-02,10:00,Coyoacan,homicidio\n"
    assert run(config, str(csv_file(tmp_path, march)), "--source", "ssc-c5") == 0
    assert (
        run(
            config,
            str(csv_file(tmp_path, april, name="b.csv")),
            "--source",
            "ssc-c5",
            "--from",
            "2024-04-01",
        )
        == 0
    )
    assert (
        run(config, str(csv_file(tmp_path, march)), "--source", "ssc-c5") == 0
    )  # again: no ref, still skipped
    assert "0 incident(s) imported, 2 already there" in capsys.readouterr().out
    spans = db.call(
        lambda s: sorted(
            (r.sector_id, str(r.first_day), str(r.last_day))
            for r in s.execute(select(Coverage).where(Coverage.source == "ssc-c5")).scalars()
        )
    )
    ids = db.call(lambda s: dict(s.execute(select(Sector.name, Sector.id)).all()))
    assert spans == sorted(
        [
            (ids["Coyoacán"], "2024-03-01", "2024-04-02"),  # March and April touch: one row
            (ids["Tepeyac"], "2024-03-01", "2024-03-31"),
        ]
    )
    assert count(db) == 3


def test_a_bot_recorded_shooting_is_a_possible_duplicate(
    db: Database,
    config: Path,
    tmp_path: Path,
    coordinator: Actor,
    capsys: pytest.CaptureFixture[str],
) -> None:
    zone = __import__("zoneinfo").ZoneInfo("America/Mexico_City")
    db.call(get_or_create_sector, "Coyoacán")
    data = IncidentData(
        type=IncidentType.homicide,
        occurred_at=datetime(2024, 3, 2, 4, 50, tzinfo=UTC),  # 22:50 local, 40 min after X-1
        sector="Coyoacán",
    )
    bot = db.call(
        create_incident, coordinator, data, zone=zone, now=datetime(2024, 3, 2, tzinfo=UTC)
    )
    assert run(config, str(csv_file(tmp_path, "\n".join([HEADER, *ROWS])))) == 0
    assert "1 flagged as possible duplicates" in capsys.readouterr().out
    flagged = db.call(
        lambda s: [
            tuple(r)
            for r in s.execute(
                select(Incident.source_ref, Incident.duplicate_of, Incident.duplicate).where(
                    Incident.duplicate_of.is_not(None)
                )
            )
        ]
    )
    assert flagged == [("X-1", bot.id, "possible")]


def test_a_database_refusal_is_one_line_without_row_values(
    db: Database, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the refusal is made with a SQLite trigger")
    db.call(
        lambda s: s.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON incident BEGIN SELECT RAISE(ABORT, 'no'); END"
            )
        )
    )
    assert run(config, str(csv_file(tmp_path, "\n".join([HEADER, *ROWS])))) == 1
    err = capsys.readouterr().err
    assert (
        err.strip()
        == "ceasefire: the database refused the import (IntegrityError); nothing was imported"
    )
    assert count(db) == 0 and count(db, Coverage) == 0


def test_a_progress_bar_on_a_terminal_only(
    config: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [
        f"P-{n},2024-01-01,10:00:00,X,lesiones_dolosas,False,,,1,1,PLATEROS," for n in range(6000)
    ]
    path = str(csv_file(tmp_path, "\n".join([HEADER, *rows])))
    assert run(config, path, "--dry-run") == 0
    assert capsys.readouterr().err == ""
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert run(config, path, "--dry-run") == 0
    assert "checking" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("data", "guess"),
    [
        # Short files cannot be told apart (any byte is some Windows-1252 letter); a file of
        # a few rows of Cyrillic can.
        (
            ("date,sector,type,place\n" + "2024-01-01,Центр,homicidio,Москва Пресня\n" * 20).encode(
                "cp1251"
            ),
            "cp1251",
        ),
        (b"PK\x03\x04" + bytes(range(128, 256)) * 20, "binary"),
    ],
)
def test_text_in_another_encoding_is_refused(
    db: Database,
    config: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    data: bytes,
    guess: str,
) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    assert run(config, str(path)) == 1
    err = capsys.readouterr().err
    assert f"error  file: not UTF-8 or Windows-1252 text (it looks like {guess})" in err
    assert "Traceback" not in err
    assert count(db) == 0


def test_sector_names_outside_the_catalogue_are_named_with_a_suggestion(
    db: Database, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A typo must not quietly split a sector's series; punctuation does not split it."""
    body = (
        "date,time,sector,type\n2024-03-01,10:00,narvarte alamos,homicidio\n"
        "2024-03-02,,Platerso,lesiones\n"
    )
    assert run(config, str(csv_file(tmp_path, body))) == 0
    out = capsys.readouterr().out
    assert "sector 'Platerso' is not in the CDMX sector catalogue" in out
    assert "did you mean Plateros?" in out and "narvarte" not in out.lower()
    assert sectors(db)["Narvarte-Álamos"] == "Benito Juárez"
