"""The shipped real file: ``--sample cdmx`` loads it as it is, the pilot's headline figures
come out of the database, and every sector gets its proper name and alcaldía."""

from __future__ import annotations

import csv
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app.cli import main
from bot.input.sector_catalogue import alcaldia_name, catalogue_keys, sector_name
from domain.measures import HOMICIDE_CLASSES
from storage.engine import Database
from storage.groups import sector_key
from storage.models.groups import Sector
from storage.models.incidents import Coverage, Incident


def _shipped() -> list[dict[str, str]]:
    text = resources.files("bot.input").joinpath("data/cdmx-shootings.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_the_catalogue_names_every_sector_of_the_real_file() -> None:
    rows = _shipped()
    by_sector: dict[str, Counter[str]] = {}
    for row in rows:
        if row["sector_ssc"]:
            by_sector.setdefault(sector_key(row["sector_ssc"]), Counter())[
                row["alcaldia_hecho"]
            ] += 1
    assert set(by_sector) == catalogue_keys() and len(by_sector) == 72
    for key, alcaldias in by_sector.items():
        assert sector_name(key.upper()).alcaldia == alcaldia_name(alcaldias.most_common(1)[0][0])
    assert [sector_name(s).name for s in ("SAN ANGEL", "napoles", "Coyoacan", "TAXQUEÑA")] == [
        "San Ángel",
        "Nápoles",
        "Coyoacán",
        "Taxqueña",
    ]
    assert sector_name("PLATEROS") == sector_name("plateros")
    assert sector_name("PLATEROS").alcaldia == "Álvaro Obregón"
    assert sector_name("NUEVO SECTOR", "magdalena contreras").alcaldia == "La Magdalena Contreras"
    assert sector_name("NUEVO SECTOR").name == "Nuevo Sector"


@pytest.fixture
def imported(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Database:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    argv = ["--config", str(config), "import", "incidents", "--sample", "cdmx"]
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert "6979 incident(s) imported, 0 already there, 11 skipped, from 6990 row(s)" in first
    assert main(argv) == 0  # idempotent
    assert "0 incident(s) imported, 6979 already there, 11 skipped" in capsys.readouterr().out
    db = Database(db_url)
    yield db
    db.close()


def _count(db: Database, *where: object) -> int:
    stmt = select(func.count()).select_from(Incident).join(Sector, Sector.id == Incident.sector_id)
    return db.call(lambda s: s.execute(stmt.where(*where)).scalar_one())


def test_the_sample_reproduces_the_headline(imported: Database) -> None:
    db = imported
    homicides = Incident.classification.in_([c.value for c in HOMICIDE_CLASSES])
    plateros = Sector.key == "plateros"
    assert _count(db, plateros, homicides, Incident.year == 2019) == 45
    assert _count(db, plateros, homicides, Incident.year == 2023) == 19  # −58%
    # The city, 2019: 920 homicidio doloso + 15 feminicidio with a sector (923 + 15 in the
    # whole file; 3 doloso have no sector); the 18 negligent ones are kept, not counted.
    assert _count(db, Incident.classification == "homicidio_doloso", Incident.year == 2019) == 920
    assert _count(db, homicides, Incident.year == 2019) == 935
    assert _count(db, Incident.classification == "homicidio_culposo", Incident.year == 2019) == 18
    assert _count(db, Incident.source != "fgj") == 0
    assert _count(db, Incident.time_known.is_(False)) == 58  # 57 × 00:00:00 and one blank
    names = db.call(lambda s: dict(s.execute(select(Sector.name, Sector.alcaldia)).all()))
    assert len(names) == 72 and names["San Ángel"] == "Álvaro Obregón"
    assert names["Coyoacán"] == "Coyoacán" and names["Nápoles"] == "Benito Juárez"
    spans = db.call(
        lambda s: [
            tuple(r)
            for r in s.execute(
                select(Coverage.source, Coverage.sector_id, Coverage.first_day, Coverage.last_day)
            )
        ]
    )
    assert [(a, b, str(c), str(d)) for a, b, c, d in spans] == [
        ("fgj", None, "2019-01-01", "2024-12-31")
    ]


def test_the_whole_file_counts_923_intentional_homicides_in_2019() -> None:
    rows = [r for r in _shipped() if r["fecha_hecho"].startswith("2019")]
    assert sum(r["tipo"] == "homicidio_doloso" for r in rows) == 923
