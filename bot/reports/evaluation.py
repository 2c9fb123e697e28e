"""The impact table (``ceasefire evaluate``, ``/evaluacion``): before and after, and a
difference-in-differences from the weekly panel.

What is counted is ``domain.measures``' (through ``kpis.outcomes``): homicides are
homicidio doloso + feminicidio, non-fatal shootings lesiones dolosas; negligent homicides and
unjudged duplicates never count. Years are calendar years in the configured zone.

The table: counts in the baseline and follow-up years and their percent change, for each
treated sector, each comparison sector, the comparison pool and the city (every sector, shown
only when a city-wide source covers both years), and the treated change minus the pool's
change in percentage points.

The model (``evaluation_model``): Poisson with sector and week fixed effects on the covered
sector-weeks (``bot.reports.coverage``: a week without data is missing, never zero). Two
designs, and the output says which was used:

- every treated sector has a ``[sectors] treatment_start`` inside the baseline–follow-up
  window: all weeks of those years, treated from the start week on (staggered if the starts
  differ);
- otherwise: only the weeks of the baseline and follow-up years, the follow-up year treated
  — the regression version of the table's before/after comparison.

Comparison sectors: those given; else ``[sectors] comparison``; else the other sectors of
the treated sectors' alcaldía (sectors with a treatment start of their own excluded). The
checks that can refuse (unknown sector, years without data) run in ``load``, on the
database thread, so the renderer only computes.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from bot.reports import evaluation_model, kpis
from bot.reports.coverage import covered_weeks
from bot.runtime.settings import Settings
from domain.errors import InvalidInput
from storage import report_data
from storage.engine import Session
from storage.groups import sector_key

MEASURES = ("homicides", "nonfatal")
INCIDENT_COLUMNS = ["sector", "classification", "duplicate", "occurred_at", "victims"]
INCIDENT_COLUMNS += ["injured", "group_code"]


@dataclass(frozen=True, slots=True)
class Question:
    """What was asked: sector names as typed (comparison None: the default)."""

    treated: tuple[str, ...]
    comparison: tuple[str, ...] | None = None
    baseline: int = 2019
    follow_up: int = 2023


@dataclass(frozen=True)
class EvaluationData:
    """Everything the evaluation is computed from, read in one transaction."""

    treated: list[str]
    comparison: list[str]
    comparison_from: str  # "given", "configured" or "alcaldia"
    baseline: int
    follow_up: int
    starts: dict[str, date]  # treated sector → treatment start, when the design uses them
    incidents: pd.DataFrame
    coverage: pd.DataFrame
    sector_ids: dict[str, int]
    city: bool  # a city-wide source covers both years
    today: pd.Timestamp  # naive local date


@dataclass(frozen=True)
class Row:
    kind: str  # "treated", "treated_total", "comparison", "pool", "city"
    sector: str
    before: int
    after: int

    @property
    def change(self) -> float:
        return (self.after - self.before) / self.before if self.before else np.nan


@dataclass(frozen=True)
class Outcome:
    """One measure's table, DiD and event study."""

    measure: str
    rows: list[Row]
    difference_pp: float  # treated change − pool change, in percentage points
    estimate: evaluation_model.Estimate | None
    events: pd.DataFrame  # year, irr, low, high


@dataclass(frozen=True)
class Evaluation:
    data: EvaluationData
    outcomes: list[Outcome] = field(default_factory=list)
    weeks: int = 0  # covered sector-weeks in the model's window


def _resolve(names: tuple[str, ...], known: list[str]) -> list[str]:
    """The stored spelling of each name (accents and case aside), or a refusal naming the
    closest sectors."""
    by_key = {sector_key(name): name for name in known}
    found = []
    for name in names:
        match = by_key.get(sector_key(name))
        if match is None:
            close = difflib.get_close_matches(sector_key(name), list(by_key), n=3, cutoff=0.6)
            if close:
                raise InvalidInput(
                    "evaluation.unknown_sector",
                    value=name,
                    matches=", ".join(by_key[k] for k in close),
                )
            raise InvalidInput("evaluation.unknown_sector_none", value=name, count=len(known))
        if match not in found:
            found.append(match)
    return found


def alcaldia_peers(sectors: pd.DataFrame, treated: list[str], *, settings: Settings) -> list[str]:
    """The default comparison when none is given or configured: the other sectors of the
    treated sectors' alcaldías, less any with a treatment start of their own (also what
    ``ceasefire report`` draws, so the chart and the table compare the same sectors)."""
    starts = {sector_key(s) for s in settings.sectors.treatment_start}
    alcaldias = set(sectors.loc[sectors["sector"].isin(treated), "alcaldia"].dropna())
    same = sectors[sectors["alcaldia"].isin(alcaldias) & ~sectors["sector"].isin(treated)]
    return [s for s in same["sector"] if sector_key(s) not in starts]


def _comparison(
    question: Question, sectors: pd.DataFrame, treated: list[str], *, settings: Settings
) -> tuple[list[str], str]:
    known = list(sectors["sector"])
    if question.comparison:
        return _resolve(question.comparison, known), "given"
    keys = {sector_key(s) for s in known}
    configured = [s for s in settings.sectors.comparison if sector_key(s) in keys]
    chosen = [s for s in _resolve(tuple(configured), known) if s not in treated]
    if chosen:
        return chosen, "configured"
    chosen = alcaldia_peers(sectors, treated, settings=settings)
    if not chosen:
        raise InvalidInput("evaluation.no_comparison", sectors=", ".join(treated))
    return chosen, "alcaldia"


def _covered_days(
    coverage: pd.DataFrame, sector_id: float, days: pd.DatetimeIndex, *, today: pd.Timestamp
) -> np.ndarray:
    """Which of ``days`` a source covers for the sector (``sector_id`` NaN: city-wide only)."""
    covered = np.zeros(len(days), dtype=bool)
    for row in coverage.itertuples(index=False):
        applies = pd.isna(row.sector_id) or (not pd.isna(sector_id) and row.sector_id == sector_id)
        if applies:
            last = today if pd.isna(row.last_day) else row.last_day
            covered |= np.asarray((days >= row.first_day) & (days <= last))
    return covered


def _year_covered(
    coverage: pd.DataFrame, sector_id: float, year: int, *, today: pd.Timestamp
) -> bool:
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    return bool(days[-1] <= today and _covered_days(coverage, sector_id, days, today=today).all())


def _check_years(
    question: Question, coverage: pd.DataFrame, ids: dict[str, int], *, today: pd.Timestamp
) -> bool:
    """Refuse unless both years are covered for every sector; whether the city is."""
    if question.baseline >= question.follow_up:
        raise InvalidInput(
            "evaluation.years", baseline=question.baseline, follow_up=question.follow_up
        )
    for sector, sector_id in ids.items():
        for year in (question.baseline, question.follow_up):
            if not _year_covered(coverage, float(sector_id), year, today=today):
                raise InvalidInput("evaluation.not_covered", sector=sector, year=year)
    return all(
        _year_covered(coverage, np.nan, y, today=today)
        for y in (question.baseline, question.follow_up)
    )


def _starts(treated: list[str], question: Question, settings: Settings) -> dict[str, date]:
    """The treatment starts the design can use: every treated sector's, inside the window."""
    configured = {sector_key(s): d for s, d in settings.sectors.treatment_start.items()}
    first, last = date(question.baseline, 1, 1), date(question.follow_up, 12, 31)
    starts = {s: configured.get(sector_key(s)) for s in treated}
    if all(d is not None and first < d <= last for d in starts.values()):
        return {s: d for s, d in starts.items() if d is not None}
    return {}


def load(
    session: Session, question: Question, *, settings: Settings, today: date
) -> EvaluationData:
    """Check the question against the data and read what the evaluation needs."""
    sectors = report_data.sectors_frame(session)
    if sectors.empty:
        raise InvalidInput("evaluation.no_data")
    treated = _resolve(question.treated, list(sectors["sector"]))
    comparison, comparison_from = _comparison(question, sectors, treated, settings=settings)
    overlap = [s for s in comparison if s in treated]
    if overlap:
        raise InvalidInput("evaluation.overlap", sectors=", ".join(overlap))
    ids = dict(zip(sectors["sector"], sectors["sector_id"].astype(int), strict=True))
    wanted = {s: ids[s] for s in treated + comparison}
    coverage = report_data.coverage_frame(session, settings.locale.zone)
    local_today = pd.Timestamp(today)
    city = _check_years(question, coverage, wanted, today=local_today)
    incidents = report_data.incidents_frame(session)[INCIDENT_COLUMNS]
    return EvaluationData(
        treated=treated,
        comparison=comparison,
        comparison_from=comparison_from,
        baseline=question.baseline,
        follow_up=question.follow_up,
        starts=_starts(treated, question, settings),
        incidents=incidents,
        coverage=coverage,
        sector_ids=wanted,
        city=city,
        today=local_today,
    )


def _yearly(data: EvaluationData, zone: ZoneInfo) -> pd.DataFrame:
    """Counted incidents per sector and local calendar year: columns homicides, nonfatal."""
    counted = kpis.outcomes(data.incidents) if not data.incidents.empty else data.incidents
    if counted.empty:
        return pd.DataFrame(
            columns=list(MEASURES), index=pd.MultiIndex.from_tuples([], names=["sector", "year"])
        )
    years = counted["occurred_at"].dt.tz_convert(zone).dt.year
    return counted.groupby([counted["sector"], years.rename("year")])[list(MEASURES)].sum()


def _table(data: EvaluationData, yearly: pd.DataFrame, measure: str) -> list[Row]:
    def count(sectors: list[str] | None, year: int) -> int:
        if yearly.empty:
            return 0
        part = yearly[yearly.index.get_level_values("year") == year]
        if sectors is not None:
            part = part[part.index.get_level_values("sector").isin(sectors)]
        return int(part[measure].sum())

    def row(kind: str, name: str, sectors: list[str] | None) -> Row:
        return Row(kind, name, count(sectors, data.baseline), count(sectors, data.follow_up))

    rows = [row("treated", s, [s]) for s in data.treated]
    if len(data.treated) > 1:
        rows.append(row("treated_total", "", data.treated))
    rows += [row("comparison", s, [s]) for s in data.comparison]
    rows.append(row("pool", "", data.comparison))
    if data.city:
        rows.append(row("city", "", None))
    return rows


def weekly_panel(data: EvaluationData, zone: ZoneInfo) -> pd.DataFrame:
    """One row per *covered* sector-week of the treated and comparison sectors: ``sector,
    week, year`` (ISO), ``homicides, nonfatal``, ``d`` (treated) and ``post``."""
    sectors = data.treated + data.comparison
    first = pd.Timestamp(date.fromisocalendar(min(data.baseline, data.follow_up), 1, 1))
    if not data.starts:
        weeks = [
            w
            for w in _weeks(first, data.today)
            if w.isocalendar()[0] in (data.baseline, data.follow_up)
        ]
    else:
        weeks = [w for w in _weeks(first, data.today) if w.isocalendar()[0] <= data.follow_up]
    return _panel(data, zone, sectors, weeks=weeks)


def event_panel(data: EvaluationData, zone: ZoneInfo) -> pd.DataFrame:
    """Every covered sector-week of every year (for the event study)."""
    first = data.coverage["first_day"].min() if not data.coverage.empty else data.today
    return _panel(data, zone, data.treated + data.comparison, weeks=_weeks(first, data.today))


def _weeks(first: pd.Timestamp, today: pd.Timestamp) -> list[pd.Timestamp]:
    start = first - pd.Timedelta(days=first.weekday())
    return list(pd.date_range(start.normalize(), today, freq="7D"))


def _panel(
    data: EvaluationData, zone: ZoneInfo, sectors: list[str], *, weeks: list[pd.Timestamp]
) -> pd.DataFrame:
    own = data.incidents[data.incidents["sector"].isin(sectors)]
    counts = kpis.weekly_shootings(own, zone, weeks=weeks, sectors=sectors)
    covered = covered_weeks(data.coverage, list(data.sector_ids.values()), weeks, today=data.today)
    covered.index = list(data.sector_ids)  # same order as the ids passed
    mask = covered.stack()
    mask.index.names = ["sector", "week"]
    panel = counts[list(MEASURES)].join(mask.rename("covered"), how="left").reset_index()
    panel = panel[panel["covered"].fillna(False).astype(bool)].drop(columns="covered")
    panel["year"] = panel["week"].map(lambda w: w.isocalendar()[0]).astype(int)
    if data.starts:
        start = panel["sector"].map({s: pd.Timestamp(d) for s, d in data.starts.items()})
        panel["d"] = (panel["week"] >= start).astype(int)
        panel["post"] = (panel["week"] >= pd.Timestamp(min(data.starts.values()))).astype(int)
    else:
        panel["post"] = (panel["year"] == data.follow_up).astype(int)
        panel["d"] = (panel["sector"].isin(data.treated) & (panel["post"] == 1)).astype(int)
    return panel.reset_index(drop=True)


def compute(data: EvaluationData, zone: ZoneInfo) -> Evaluation:
    """The table, the DiD and the event study for both measures (CPU: the renderer's)."""
    yearly = _yearly(data, zone)
    panel = weekly_panel(data, zone)
    events = event_panel(data, zone)
    outcomes = []
    for measure in MEASURES:
        rows = _table(data, yearly, measure)
        treated = next(
            r for r in rows if r.kind == ("treated_total" if len(data.treated) > 1 else "treated")
        )
        pool = next(r for r in rows if r.kind == "pool")
        fitted = panel.rename(columns={measure: "y"})
        outcomes.append(
            Outcome(
                measure,
                rows,
                (treated.change - pool.change) * 100,
                evaluation_model.did(fitted, data.treated),
                evaluation_model.event_study(
                    events.rename(columns={measure: "y"}), data.treated, baseline=data.baseline
                ),
            )
        )
    return Evaluation(data, outcomes, weeks=len(panel))
