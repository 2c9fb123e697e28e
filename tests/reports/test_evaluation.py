"""The impact table: the real file's headline, hand-counted and simulated panels, the
Poisson DiD recovering a planted effect, refusals instead of tracebacks, the CLI and the
event-study PNG."""

from __future__ import annotations

import argparse
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sqlmodel import Session, select

from bot.app.cli_evaluate import evaluate
from bot.reports import evaluation, evaluation_model, evaluation_text
from bot.runtime.settings import load_settings
from bot.views.i18n import Catalog
from domain.errors import InvalidInput
from storage.engine import Database
from storage.incident_import import NewIncident, import_incidents
from storage.models.groups import Sector
from storage.models.incidents import Coverage

ZONE = ZoneInfo("America/Mexico_City")
NOW = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
TODAY = date(2026, 11, 30)
REAL_FILE = Path(__file__).parents[2] / "bot" / "input" / "data" / "cdmx-shootings.csv"
AO_COMPARISON = ("Alpes", "San Ángel", "Santa Fe")  # the rest of Álvaro Obregón


def seed(db: Database, rows: list[tuple[str, str, datetime]], *, years: tuple[int, ...]) -> None:
    """(sector, classification, local time) incidents, and city-wide coverage of ``years``."""
    incidents = [
        NewIncident(
            ref=f"T-{n:06d}",
            sector=sector,
            type="homicide" if "homicidio" in kind or kind == "feminicidio" else "nonfatal",
            occurred_at=at,
            classification=kind,
            source="test",
        )
        for n, (sector, kind, at) in enumerate(rows)
    ]
    db.call(import_incidents, incidents, zone=ZONE, now=NOW)
    db.call(_coverage, years)


def _coverage(session: Session, years: tuple[int, ...]) -> None:
    """Exactly ``years``, whatever the importer derived from the rows."""
    for row in session.exec(select(Coverage).where(Coverage.source == "test")):
        session.delete(row)
    for year in years:
        session.add(
            Coverage(
                source="test",
                sector_id=None,
                first_day=date(year, 1, 1),
                last_day=date(year, 12, 31),
                created_at=NOW,
            )
        )


def run(db: Database, question: evaluation.Question, **sectors: object) -> evaluation.Evaluation:
    settings = load_settings(None, sectors=sectors)
    data = db.call(evaluation.load, question, settings=settings, today=TODAY)
    return evaluation.compute(data, ZONE)


def rows(result: evaluation.Evaluation, measure: str) -> dict[str, tuple[int, int]]:
    outcome = next(o for o in result.outcomes if o.measure == measure)
    return {r.sector or r.kind: (r.before, r.after) for r in outcome.rows}


# ---- the real file ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The shipped real file, imported the way an operator does it (``ceasefire import``)."""
    from bot.app.cli import main

    folder = tmp_path_factory.mktemp("real")
    url = f"sqlite:///{folder / 'real.db'}"
    config = folder / "config.toml"
    config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    assert main(["--config", str(config), "import", "incidents", str(REAL_FILE)]) == 0
    return url


@pytest.fixture(scope="module")
def real_db(real_url: str) -> Database:
    db = Database(real_url)
    yield db
    db.close()


def test_real_file_plateros_homicides_45_to_19(real_db: Database) -> None:
    result = run(real_db, evaluation.Question(("plateros",), AO_COMPARISON, 2019, 2023))
    homicides = rows(result, "homicides")
    assert homicides["Plateros"] == (45, 19)
    assert rows(result, "nonfatal")["Plateros"] == (41, 8)
    treated = next(r for r in result.outcomes[0].rows if r.kind == "treated")
    assert round(treated.change * 100) == -58
    # The city counts intentional homicides only: homicidio doloso + feminicidio, never
    # the negligent ones (the file has 18 culposos in 2019), in the sectors of the map.
    raw = pd.read_csv(REAL_FILE, dtype=str)
    year = raw[raw["fecha_hecho"].str.startswith("2019") & raw["sector_ssc"].notna()]
    intentional = year["tipo"].isin(["homicidio_doloso", "feminicidio"]).sum()
    assert homicides["city"][0] == intentional == 935
    assert (year["tipo"] == "homicidio_culposo").sum() == 18
    text = evaluation_text.messages(Catalog("es", ZONE), result)  # the headline, as shown
    assert "Plateros (piloto)    45    19    −58%" in "\n".join(text)
    # The two-period Poisson DiD is the table's ratio of ratios (up to the partial first
    # week of 2019, which is not covered and so not in the model).
    pool = homicides["pool"]
    ratio = (19 / 45) / (pool[1] / pool[0])
    assert result.outcomes[0].estimate is not None
    assert result.outcomes[0].estimate.irr == pytest.approx(ratio, rel=0.02)


def test_no_estimate_from_two_sectors_or_an_empty_cell(real_db: Database) -> None:
    """With one comparison sector (two clusters) a sector-clustered interval is degenerate
    (it printed 0.86–0.86, p = 0.00), and San Ángel's 0 injuries in 2023 made the ratio
    explode (791289464.5): neither is estimated, the table still is."""
    result = run(real_db, evaluation.Question(("Plateros",), ("San Ángel",), 2019, 2023))
    assert all(o.estimate is None for o in result.outcomes)
    assert rows(result, "homicides")["San Ángel"] == (4, 2)
    text = "\n".join(evaluation_text.messages(Catalog("es", ZONE), result))
    assert "no se puede estimar" in text and "0.86–0.86" not in text
    three = run(real_db, evaluation.Question(("Plateros",), ("Santa Fe", "Alpes"), 2019, 2023))
    assert all(o.estimate is not None for o in three.outcomes)
    with_zero = run(real_db, evaluation.Question(("Plateros",), AO_COMPARISON, 2019, 2023))
    assert rows(with_zero, "nonfatal")["San Ángel"] == (9, 0)
    assert with_zero.outcomes[1].estimate is not None  # the pool, not one sector, has events


def test_cli_on_the_real_file_writes_table_chart_and_csv(
    real_db: Database, real_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = load_settings(None, database={"url": real_url})
    args = argparse.Namespace(
        treated="Plateros",
        comparison="Alpes, San Angel,Santa Fe",
        baseline=2019,
        follow_up=2023,
        output=str(tmp_path / "out"),
        language="es",
    )
    assert evaluate(settings, args) == 0
    out = capsys.readouterr().out
    assert "−58%" in out and "no es una estimación causal" in out and "subregistradas" in out
    assert "Prueba placebo" in out and "<pre>" not in out
    with Image.open(tmp_path / "out" / "evaluation-event-study.png") as image:
        image.load()
        assert image.size == (1600, 1000)
    table = pd.read_csv(tmp_path / "out" / "evaluation.csv")
    plateros = table[(table["sector"] == "Plateros") & (table["measure"] == "homicides")]
    assert plateros[["y2019", "y2023"]].to_numpy().tolist() == [[45, 19]]


# ---- a hand-counted database -----------------------------------------------------------


def _at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=ZONE)


@pytest.fixture
def tiny_db(database: Database) -> Database:
    rows_ = [
        *[("Plateros", "homicidio_doloso", _at(2019, m, 10)) for m in (2, 4, 6, 8)],
        ("Plateros", "homicidio_culposo", _at(2019, 5, 10)),  # negligent: not counted
        ("Plateros", "lesiones_dolosas", _at(2019, 3, 3)),
        *[("Plateros", "homicidio_doloso", _at(2023, m, 10)) for m in (3, 9)],
        # 31 Dec 2019 23:30 local is 1 Jan 2020 in UTC: still 2019 here.
        ("Tacubaya", "homicidio_doloso", _at(2019, 12, 31, 23)),
        ("Tacubaya", "homicidio_doloso", _at(2019, 7, 1)),
        ("Tacubaya", "homicidio_doloso", _at(2023, 7, 1)),
        ("Tacubaya", "feminicidio", _at(2023, 8, 1)),
        ("Tacubaya", "homicidio_doloso", _at(2023, 10, 1)),
        ("Alpes", "lesiones_dolosas", _at(2023, 1, 20)),
    ]
    seed(database, rows_, years=(2019, 2023))
    return database


def test_hand_counted_table(tiny_db: Database) -> None:
    result = run(tiny_db, evaluation.Question(("Plateros",), ("Tacubaya", "Alpes"), 2019, 2023))
    assert rows(result, "homicides") == {
        "Plateros": (4, 2),
        "Tacubaya": (2, 3),
        "Alpes": (0, 0),
        "pool": (2, 3),
        "city": (6, 5),
    }
    assert rows(result, "nonfatal")["Plateros"] == (1, 0)
    homicides = result.outcomes[0]
    assert homicides.difference_pp == pytest.approx(-100.0)  # −50% − (+50%)
    lines = evaluation_text.table(Catalog("en", ZONE), homicides, result.data)
    assert lines.splitlines()[1].split() == ["Plateros", "(pilot)", "4", "2", "−50%"]
    assert result.data.comparison_from == "given"


def test_default_comparison_is_the_rest_of_the_alcaldia(tiny_db: Database) -> None:
    def alcaldia(session: Session, *, known: bool) -> None:
        for sector in session.exec(select(Sector)):
            tacubaya = sector.name == "Tacubaya"
            sector.alcaldia = (
                ("Miguel Hidalgo" if tacubaya else "Álvaro Obregón") if known else None
            )

    question = evaluation.Question(("Plateros",))
    tiny_db.call(alcaldia, known=False)
    with pytest.raises(InvalidInput) as refused:  # no alcaldía known, nothing configured
        run(tiny_db, question)
    assert refused.value.key == "evaluation.no_comparison"
    tiny_db.call(alcaldia, known=True)
    result = run(tiny_db, question)
    assert result.data.comparison == ["Alpes"] and result.data.comparison_from == "alcaldia"
    configured = run(tiny_db, question, comparison=["Tacubaya", "Nowhere"])
    assert configured.data.comparison == ["Tacubaya"]


@pytest.mark.parametrize(
    ("question", "key"),
    [
        (evaluation.Question(("Plateroz",), ("Alpes",)), "evaluation.unknown_sector"),
        (evaluation.Question(("Xochimilco",), ("Alpes",)), "evaluation.unknown_sector_none"),
        (evaluation.Question(("Plateros",), ("Plateros",)), "evaluation.overlap"),
        (evaluation.Question(("Plateros",), ("Alpes",), 2023, 2019), "evaluation.years"),
        (evaluation.Question(("Plateros",), ("Alpes",), 2019, 2021), "evaluation.not_covered"),
        (evaluation.Question(("Plateros",), ("Alpes",), 2019, 2026), "evaluation.not_covered"),
    ],
)
def test_questions_the_data_cannot_answer_are_refused(
    tiny_db: Database, question: evaluation.Question, key: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        run(tiny_db, question)
    assert refused.value.key == key
    if key == "evaluation.unknown_sector":
        assert refused.value.params["matches"] == "Plateros"


def test_empty_and_one_incident_databases_get_a_clear_message(
    database: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = load_settings(None, database={"url": db_url})
    args = argparse.Namespace(
        treated="Plateros", comparison="Alpes", baseline=2019, follow_up=2023, output=None
    )
    assert evaluate(settings, args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "import incidents" in err and "Traceback" not in err
    seed(database, [("Plateros", "homicidio_doloso", _at(2019, 3, 1))], years=())
    assert evaluate(settings, args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Alpes" in err  # no such sector yet
    # Covered, one incident: the table answers, the model says it cannot estimate.
    seed(database, [("Alpes", "lesiones_dolosas", _at(2019, 3, 1))], years=(2019, 2023))
    assert evaluate(settings, args) == 0
    out = capsys.readouterr().out
    assert "no se puede estimar" in out and "1     0   −100%" in out


# ---- a simulated panel with a planted effect ---------------------------------------------

TRUE_IRR = 0.6
COMPARISON = ("C1", "C2", "C3", "C4", "C5")


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Database:
    """Six sectors × the weeks of 2019 and 2023, Poisson counts: sector effects, a city-wide
    fall in 2023, and the treated sector's homicides × 0.6 on top in 2023 (non-fatal: no
    effect). Seeded, so the test is deterministic."""
    rng = np.random.default_rng(13)
    rows_: list[tuple[str, str, datetime]] = []
    for sector in ("Plateros", *COMPARISON):
        level = 3.0 * np.exp(rng.normal(0, 0.3))
        for year in (2019, 2023):
            monday = datetime.fromisocalendar(year, 2, 1).replace(hour=12, tzinfo=ZONE)
            for week in range(50):
                rate = level * (0.8 if year == 2023 else 1.0)
                effect = TRUE_IRR if sector == "Plateros" and year == 2023 else 1.0
                at = monday + timedelta(weeks=week, days=2)
                rows_ += [(sector, "homicidio_doloso", at)] * rng.poisson(rate * effect)
                rows_ += [(sector, "lesiones_dolosas", at)] * rng.poisson(rate)
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('sim') / 'sim.db'}")
    db.upgrade()
    seed(db, rows_, years=(2019, 2023))
    yield db
    db.close()


def test_poisson_did_recovers_the_planted_effect(simulated: Database) -> None:
    result = run(simulated, evaluation.Question(("Plateros",), COMPARISON))
    homicides, nonfatal = result.outcomes
    estimate = homicides.estimate
    assert estimate is not None
    assert estimate.low < TRUE_IRR < estimate.high
    assert abs(np.log(estimate.irr / TRUE_IRR)) < 0.2
    assert estimate.clusters == 6 and estimate.treated_clusters == 1
    assert estimate.placebos == 5 and estimate.placebo_p == pytest.approx(1 / 6)
    # No effect was planted on non-fatal shootings. With one treated cluster the clustered
    # interval is too narrow (here it just misses 1: the fragility the output warns of);
    # the placebo p-value does not mistake it for an effect.
    assert nonfatal.estimate is not None and nonfatal.estimate.placebo_p >= 0.5
    # Only the covered years are in the event study; 2020–2022 have no data, not zeros.
    assert homicides.events["year"].tolist() == [2019, 2023]
    assert homicides.events.set_index("year").loc[2023, "irr"] == pytest.approx(estimate.irr)
    # Every covered week, empty ones included; 2019-W01 starts on 31 Dec 2018, not covered.
    assert result.weeks == 6 * (51 + 52)


def test_a_configured_treatment_start_switches_the_design(simulated: Database) -> None:
    question = evaluation.Question(("Plateros",), COMPARISON)
    years = run(simulated, question)
    started = run(simulated, question, treatment_start={"plateros": "2023-01-02"})
    assert started.data.starts == {"Plateros": date(2023, 1, 2)}
    assert started.outcomes[0].estimate.irr == pytest.approx(years.outcomes[0].estimate.irr)
    text = "\n".join(evaluation_text.messages(Catalog("es", ZONE), started))
    assert "desde el inicio del piloto (Plateros 2023-01-02)" in text
    outside = run(simulated, question, treatment_start={"Plateros": "2024-06-01"})
    assert outside.data.starts == {}  # outside the window: the two-year design, said so
    text = "\n".join(evaluation_text.messages(Catalog("es", ZONE), outside))
    assert "solo las semanas de 2019 y 2023" in text


def test_event_study_chart_decodes_and_the_empty_one_says_so(simulated: Database) -> None:
    settings = load_settings(None)
    data = simulated.call(
        evaluation.load,
        evaluation.Question(("Plateros",), COMPARISON),
        settings=settings,
        today=TODAY,
    )
    rendered = evaluation_text.build_for(data, settings, language="en", now=NOW)
    with Image.open(io.BytesIO(rendered.chart)) as image:
        image.load()
        assert image.size == (1600, 1000)
    assert "Event study: Plateros" in rendered.caption
    assert all(len(m) < 4096 for m in rendered.messages)


def test_placebo_p_value_counts_the_real_estimate_too() -> None:
    weeks = pd.date_range("2019-01-07", periods=4, freq="7D")
    panel = pd.DataFrame(
        [(s, w, 5, 0) for s in ("T", "A", "B") for w in weeks],
        columns=["sector", "week", "y", "post"],
    )
    panel["post"] = (panel["week"] >= weeks[2]).astype(int)
    panel.loc[(panel["sector"] == "T") & (panel["post"] == 1), "y"] = 2
    panel["d"] = ((panel["sector"] == "T") & (panel["post"] == 1)).astype(int)
    estimate = evaluation_model.did(panel, ["T"])
    assert estimate is not None and estimate.irr == pytest.approx(0.4)
    assert estimate.placebos == 2 and estimate.placebo_p == pytest.approx(1 / 3)
    panel["y"] = 0  # nothing happened: cannot be estimated, no exception
    assert evaluation_model.did(panel, ["T"]) is None
