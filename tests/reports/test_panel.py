"""The evaluators' panel: coverage instead of zeros, counts per classification, the design
columns, the codebook, and files that pandas reads back as they were written.

The real file (6,979 FGJ shootings with a sector, 2019–2024) is imported once for the
module; its panel is compared week by week with counts made straight from the CSV.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.app.cli import main
from bot.reports import exports, panel
from bot.reports.panel_codebook import codebook
from bot.runtime.settings import load_settings
from domain import measures
from domain.terms import Role
from storage import seeding
from storage.engine import Database
from storage.groups import sector_key
from storage.models.groups import Sector
from storage.models.incidents import Coverage

REAL = Path(__file__).parents[2] / "bot" / "input" / "data" / "cdmx-shootings.csv"
MX = ZoneInfo("America/Mexico_City")
NOW = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)  # a Friday, two years after the file ends
SETTINGS = load_settings(
    None,
    sectors={"comparison": ["Tacubaya"], "treatment_start": {"Plateros": "2022-01-05"}},
)


def import_real(url: str, folder: Path) -> None:
    """The shipped file, through ``ceasefire import incidents --sample cdmx``."""
    config = folder / "config.toml"
    config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    assert main(["--config", str(config), "import", "incidents", "--sample", "cdmx"]) == 0


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, pd.DataFrame]:
    """A SQLite database with the real file imported, and its panel at ``NOW``."""
    folder = tmp_path_factory.mktemp("real")
    url = f"sqlite:///{folder / 'real.db'}"
    import_real(url, folder)
    db = Database(url)
    frame = db.call(exports.build, "panel", settings=SETTINGS, now=NOW)
    db.close()
    return url, frame


def _expected(classes: frozenset[measures.Classification]) -> pd.Series:
    """Counts per (sector key, local Monday) of the file's rows of these classifications."""
    rows = pd.read_csv(REAL, dtype=str, keep_default_na=False)
    rows = rows[(rows["sector_ssc"] != "") & rows["tipo"].isin([c.value for c in classes])]
    day = pd.to_datetime(rows["fecha_hecho"])
    monday = (day - pd.to_timedelta(day.dt.weekday, unit="D")).dt.strftime("%Y-%m-%d")
    return rows.groupby([rows["sector_ssc"].map(sector_key), monday]).size()


def test_the_real_panel_ends_with_the_data_not_today(real) -> None:
    """An FGJ import of 2019–2024 alone: the grid is every sector × every week the file
    touches (2019-W01 to 2025-W01), and nothing after it, though the export runs in 2026; the
    two part-weeks at the edges are rows with ``covered = 0`` and empty counts."""
    _, frame = real
    assert list(frame.columns) == panel.COLUMNS
    weeks = pd.date_range("2018-12-31", "2024-12-30", freq="7D").strftime("%Y-%m-%d")
    assert frame["sector"].nunique() == 72 and len(frame) == 72 * len(weeks) == 22608
    assert sorted(frame["week_start"].unique()) == list(weeks)
    first, last = frame.iloc[0], frame.iloc[-1]
    assert (first["iso_year"], first["iso_week"]) == (2019, 1)
    assert (last["iso_year"], last["iso_week"]) == (2025, 1)
    edges = frame["week_start"].isin(["2018-12-31", "2024-12-30"])
    assert set(frame.loc[edges, "covered"]) == {0} and set(frame.loc[~edges, "covered"]) == {1}
    assert frame.loc[edges, panel.INCIDENT_COLUMNS].isna().all().all()
    assert not frame.loc[~edges, panel.INCIDENT_COLUMNS].isna().any().any()
    assert frame["sector_id"].groupby(frame["sector"]).nunique().eq(1).all()


def test_the_real_panel_counts_every_week_as_the_file_does(real) -> None:
    _, frame = real
    key = pd.MultiIndex.from_arrays([frame["sector"].map(sector_key), frame["week_start"]])
    for column, classes in (
        ("homicides", measures.HOMICIDE_CLASSES),
        ("nonfatal", measures.NONFATAL_CLASSES),
        ("n_homicidio_culposo", measures.NEGLIGENT_CLASSES),
        ("n_feminicidio", frozenset({measures.Classification.feminicidio})),
    ):
        expected = _expected(classes)
        covered = key[frame["covered"].eq(1).to_numpy()]
        inside = expected[expected.index.isin(covered)]
        got = pd.Series(frame[column].to_numpy(), index=key).dropna()
        assert got.sum() == inside.sum(), column
        assert (got.reindex(inside.index) == inside).all(), column
    # homicides are doloso + feminicidio: negligent homicides are kept apart, never added in
    parts = [
        panel.class_column(c) for c in measures.PANEL_CLASSES if c in measures.HOMICIDE_CLASSES
    ]
    assert (frame["homicides"] == frame[parts].sum(axis=1)).all()
    assert frame["n_homicidio_culposo"].sum() > 0
    plateros = frame[
        (frame["sector"] == "Plateros") & frame["week_start"].between("2019-01-07", "2019-12-23")
    ]
    assert plateros["homicides"].sum() == 44  # 45 in calendar 2019, one on Tue 1 January
    assert plateros["treated"].sum() == 0 and plateros["comparison"].sum() == 0
    treated = frame[frame["sector"] == "Plateros"].set_index("week_start")["treated"]
    assert treated["2022-01-03"] == 0 and treated["2022-01-10"] == 1 and treated.iloc[-1] == 1
    assert frame[frame["sector"] == "Tacubaya"]["comparison"].eq(1).all()


def test_the_real_panel_csv_reads_back_as_written(real, tmp_path: Path, capsys) -> None:
    """``ceasefire export panel``: a CSV and its codebook beside it; pandas reads them as
    they are: integers, 0/1, ISO dates, no index column, no BOM in the first name."""
    url, frame = real
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    out = tmp_path / "panel.csv"
    assert main(["--config", str(config), "export", "panel", "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"22608 row(s) written to {out}" in printed and "panel-codebook.csv" in printed
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("\ufeffsector_id,sector,alcaldia,iso_year,iso_week,week_start,")
    assert ".0," not in text and "nan" not in text and "True" not in text
    again = pd.read_csv(out)  # no encoding given: pandas skips the BOM
    assert list(again.columns) == panel.COLUMNS and len(again) == len(frame)
    numbers = [c for c in panel.COLUMNS if c not in panel.TEXT_COLUMNS]
    # Counts of uncovered weeks are empty, so pandas reads those columns as floats; every
    # value is whole, and the nullable reader gives integers.
    assert all(again[c].dropna().mod(1).eq(0).all() for c in numbers)
    nullable = pd.read_csv(out, dtype_backend="numpy_nullable")
    assert all(pd.api.types.is_integer_dtype(nullable[c]) for c in numbers)
    for flag in ("covered", "comparison", "treated"):
        assert set(again[flag]) <= {0, 1}
    assert pd.to_datetime(again["week_start"], format="%Y-%m-%d").dt.weekday.eq(0).all()
    book = pd.read_csv(tmp_path / "panel-codebook.csv")
    assert list(book["column"]) == panel.COLUMNS


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_export_of_the_real_file(real, fmt: str) -> None:
    """Items, incidents, updates and the panel. The panel's XLSX (a million cells, ~20 s to
    write) is checked with openpyxl's streaming reader: pandas would take as long again."""
    url, _ = real
    db = Database(url)
    for kind in ("items", "incidents", "updates", "panel"):
        frame = db.call(exports.build, kind, settings=SETTINGS, now=NOW, free_text=False)
        [(_, content), *_] = exports.documents(frame, kind, fmt, settings=SETTINGS, stem=kind)
        if fmt == "csv":
            back = pd.read_csv(io.BytesIO(content))
            assert len(back) == len(frame) and list(back.columns) == list(frame.columns), kind
            continue
        book = load_workbook(io.BytesIO(content), read_only=True)
        sheet = book["data"]
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == len(frame) + 1 and list(rows[0]) == list(frame.columns), kind
        if kind == "panel":
            assert book.sheetnames == ["data", "codebook"]
            assert len(list(book["codebook"].iter_rows())) == len(panel.COLUMNS) + 1
            assert list(rows[1][:7]) == [
                frame["sector_id"].iloc[0],
                frame["sector"].iloc[0],
                frame["alcaldia"].iloc[0],
                2019,
                1,
                "2018-12-31",
                0,
            ]
        book.close()
    db.close()


def test_the_incidents_export_carries_classification_and_source(real) -> None:
    url, _ = real
    db = Database(url)
    frame = db.call(exports.build, "incidents", settings=SETTINGS, now=NOW, free_text=False)
    full = db.call(exports.build, "incidents", settings=SETTINGS, now=NOW)
    db.close()
    assert len(frame) == 6979 and "notes" not in frame.columns and "place" not in frame.columns
    assert "place" in full.columns and "notes" not in full.columns
    for column in ("sector_id", "alcaldia", "classification", "source", "source_ref", "time_known"):
        assert column in frame.columns, column
    assert set(frame["source"]) == {measures.FGJ_SOURCE}
    assert frame["source_ref"].str.match(r"CDMX-FGJ-\d{5}$").all()
    assert set(frame["classification"]) == {
        "homicidio_doloso",
        "feminicidio",
        "homicidio_culposo",
        "lesiones_dolosas",
    }
    assert set(frame["time_known"]) == {0, 1}
    text = exports.encode(frame, "csv").decode("utf-8-sig")
    assert "True" not in text and "False" not in text


# Small databases: coverage, duplicates and the design, on SQLite and PostgreSQL.


def _world(
    db: Database,
    *,
    registered: datetime | None,
    coverage: tuple[date, date] | None,
    flagged: str | None = None,
) -> dict:
    """Plateros and Tacubaya; an import-like coverage of both, a bot group for Plateros,
    ``flagged`` marked as a comparison sector in the database."""

    def seed(session) -> dict:
        by = seeding.add_member(session, 1001, name="Coordinación", role=Role.coordinator, at=NOW)
        sectors = seeding.sector_prefixes(session, ["Plateros", "Tacubaya"])
        if registered is not None:
            seeding.add_group(session, -1, title="G", by=by, at=registered, sectors=["Plateros"])
        if coverage is not None:
            first, last = coverage
            session.add(Coverage(source="fgj", first_day=first, last_day=last, created_at=NOW))
        for sector in session.exec(select(Sector)):
            sector.comparison = sector.name == flagged
        return {"by": by, "sectors": sectors}

    return db.call(seed)


def _incidents(
    db: Database, cast: dict, rows: list[tuple[str, str, datetime, str | None]]
) -> list[int]:
    """Incidents (sector, classification, local time, duplicate judgement)."""
    records = []
    for seq, (sector, classification, local, duplicate) in enumerate(rows, start=1):
        sector_id, prefix = cast["sectors"][sector]
        at = local.replace(tzinfo=MX).astimezone(UTC)
        records.append(
            {
                "code": f"{prefix}-{at.year}-{seq:03d}",
                "sector_id": sector_id,
                "year": at.year,
                "seq": seq,
                "type": "homicide"
                if "homicid" in classification or "femin" in classification
                else "nonfatal",
                "classification": classification,
                "source": "fgj"
                if classification in ("homicidio_doloso", "lesiones_dolosas")
                else "bot",
                "occurred_at": at,
                "time_known": True,
                "place": "",
                "victims": 1,
                "injured": 0,
                "notes": "",
                "created_by": cast["by"],
                "created_at": at,
                "duplicate": duplicate,
            }
        )
    return db.call(seeding.add_incidents, records)


def test_weeks_outside_coverage_are_empty_never_zero(database: Database) -> None:
    """An import covering Q1 2024 and a bot group for Plateros since Mon 2026-11-02: the grid
    runs to the last complete week; Tacubaya after March 2024 and Plateros between the two
    sources are not covered: covered = 0, empty counts, item counts still 0."""
    cast = _world(
        database,
        registered=datetime(2026, 11, 2, 9, tzinfo=MX),
        coverage=(date(2024, 1, 1), date(2024, 3, 31)),
    )
    _incidents(
        database,
        cast,
        [
            ("Plateros", "homicidio_doloso", datetime(2024, 1, 3, 22), None),
            ("Tacubaya", "lesiones_dolosas", datetime(2024, 2, 7, 1), None),
            ("Plateros", "homicide", datetime(2026, 11, 10, 20), None),
        ],
    )
    frame = database.call(panel.panel, SETTINGS, NOW)
    weeks = pd.date_range("2024-01-01", "2026-11-23", freq="7D").strftime("%Y-%m-%d")
    assert len(frame) == 2 * len(weeks) and frame["week_start"].iloc[-1] == "2026-11-23"
    by = frame.set_index(["sector", "week_start"])
    assert by.loc[("Plateros", "2024-01-01"), "homicides"] == 1
    assert by.loc[("Tacubaya", "2024-02-05"), "nonfatal"] == 1
    assert by.loc[("Plateros", "2026-11-09"), "n_bot_homicide"] == 1
    covered = frame["covered"] == 1
    assert covered.sum() == 2 * 13 + 4  # Q1 2024 for both, 4 weeks of the bot for Plateros
    assert frame.loc[~covered, panel.INCIDENT_COLUMNS].isna().all().all()
    assert frame.loc[covered, panel.INCIDENT_COLUMNS].notna().all().all()
    assert frame.loc[~covered, panel.ITEM_COLUMNS].eq(0).all().all()
    lines = exports.encode(frame, "csv").decode("utf-8-sig").splitlines()
    row = next(line for line in lines if ",Tacubaya," in line and ",2025-06-02," in line)
    cells = dict(zip(panel.COLUMNS, row.split(","), strict=True))
    assert cells["covered"] == "0" and cells["homicides"] == "" and cells["nonfatal"] == ""
    assert cells["items_created_outreach"] == "0"


def test_possible_duplicates_are_shown_not_counted(database: Database) -> None:
    cast = _world(database, registered=None, coverage=(date(2024, 1, 1), date(2024, 1, 31)))
    monday = datetime(2024, 1, 8, 10)
    _incidents(
        database,
        cast,
        [
            ("Plateros", "homicidio_doloso", monday, None),
            ("Plateros", "homicide", monday + timedelta(minutes=20), measures.Duplicate.possible),
            ("Plateros", "homicide", monday + timedelta(days=1), measures.Duplicate.merged),
            ("Plateros", "nonfatal", monday + timedelta(days=2), measures.Duplicate.distinct),
            ("Plateros", "homicidio_culposo", monday + timedelta(days=3), None),
        ],
    )
    frame = database.call(panel.panel, SETTINGS, NOW)
    week = frame[(frame["sector"] == "Plateros") & (frame["week_start"] == "2024-01-08")].iloc[0]
    assert (week["homicides"], week["nonfatal"], week["possible_duplicates"]) == (1, 1, 1)
    assert (week["n_homicidio_doloso"], week["n_bot_homicide"], week["n_bot_nonfatal"]) == (1, 0, 1)
    assert week["n_homicidio_culposo"] == 1 and week["killed"] == 2  # doloso + bot nonfatal row


def test_the_design_columns(database: Database) -> None:
    """Comparison from ``[sectors] comparison`` or the sector's own flag; treated from the
    week starting on or after ``treatment_start``; both 0/1."""
    coverage = (date(2021, 12, 27), date(2022, 1, 23))
    _world(database, registered=None, coverage=coverage, flagged="Tacubaya")
    settings = load_settings(None, sectors={"treatment_start": {"plateros": "2022-01-05"}})
    frame = database.call(panel.panel, settings, NOW)
    plateros = frame[frame["sector"] == "Plateros"]
    assert list(plateros["treated"]) == [0, 0, 1, 1]
    assert set(plateros["treatment_start"]) == {"2022-01-05"}
    assert list(frame[frame["sector"] == "Tacubaya"]["comparison"]) == [1] * 4
    assert frame[frame["sector"] == "Tacubaya"]["treatment_start"].isna().all()
    assert set(plateros["comparison"]) == {0}


def test_no_coverage_no_rows_and_the_same_header(database: Database) -> None:
    _world(database, registered=None, coverage=None)
    frame = database.call(panel.panel, SETTINGS, NOW)
    assert frame.empty and list(frame.columns) == panel.COLUMNS
    header = exports.encode(frame, "csv").decode("utf-8-sig").strip()
    assert header == ",".join(panel.COLUMNS)


def test_the_codebook_defines_every_column_from_domain_measures() -> None:
    book = codebook(MX)
    assert list(book["column"]) == panel.COLUMNS
    assert (
        book["definition_es"].str.len().gt(20).all()
        and book["definition_en"].str.len().gt(20).all()
    )
    assert (book["definition_es"] != book["definition_en"]).all()
    defined = book.set_index("column")
    for outcome, classes in (
        ("homicides", measures.HOMICIDE_CLASSES),
        ("nonfatal", measures.NONFATAL_CLASSES),
    ):
        for language in ("es", "en"):
            text = defined.loc[outcome, f"definition_{language}"]
            parts = [panel.class_column(c) for c in measures.PANEL_CLASSES if c in classes]
            assert " + ".join(parts) in text, (outcome, language)
    assert "n_homicidio_culposo" in defined.loc["homicides", "definition_es"]  # as excluded
    assert "n_lesiones_dolosas" not in defined.loc["homicides", "definition_en"]
    assert set(defined["type"]) == {"integer", "text", "date"}
    assert "&" not in "".join(book["definition_es"])  # plain text, not Telegram HTML


def test_a_year_of_bot_history(tmp_path: Path) -> None:
    """The demo's synthetic year: the pilot group's sectors are covered from the group's
    registration, with their items; the comparison sectors, which no source covers, are
    rows of empty counts (not zeros)."""
    from bot.app.demo.history import HistorySpec, seed_history

    now = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
    db = Database(f"sqlite:///{tmp_path / 'history.db'}")
    db.upgrade()
    db.call(seed_history, HistorySpec(), now)
    settings = load_settings(
        None,
        sectors={
            "comparison": ["Tacubaya", "Hipódromo"],
            "treatment_start": {"Plateros": "2026-05-04"},
        },
    )
    frame = db.call(panel.panel, settings, now)
    db.close()
    assert frame.groupby("sector").size().nunique() == 1  # a balanced grid
    assert set(frame["sector"]) == {
        "Plateros",
        "Olivar del Conde",
        "Santa Fe",
        "Tacubaya",
        "Hipódromo",
    }
    pilot = frame[frame["sector"].isin(["Plateros", "Olivar del Conde", "Santa Fe"])]
    assert pilot["covered"].eq(1).all() and pilot["homicides"].sum() > 0
    others = frame[frame["comparison"] == 1]
    assert set(others["sector"]) == {"Tacubaya", "Hipódromo"}
    assert others["covered"].eq(0).all() and others["homicides"].isna().all()
    plateros = frame[frame["sector"] == "Plateros"]
    assert plateros["treated"].eq(1).any() and plateros["treated"].eq(0).any()
    created = pilot[[c for c in panel.ITEM_COLUMNS if c.startswith("items_created_")]]
    assert created.to_numpy().sum() > 0
