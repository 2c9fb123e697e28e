"""The charts and the shootings series: every chart on empty, one-incident, one-week and long
data; weeks the data do not cover are NaN (drawn "sin datos"), never zero."""

from __future__ import annotations

import io
from datetime import date
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from bot.reports import charts, kpis, weekly_charts
from bot.reports.weekly import LABEL_KEYS
from bot.reports.weekly_series import rolling, shootings_series, yearly
from bot.views.i18n import Catalog

MX = ZoneInfo("America/Mexico_City")
FRAME = charts.Frame("Título", "Plateros · 1–7 dic", "Fuente · generado hoy", "Sin datos")
LABELS = {k: k for k in LABEL_KEYS}
IDS = {"Plateros": 1, "Santa Fe": 2, "Alpes": 3}
TODAY = pd.Timestamp("2026-12-01")


def decoded(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        return image.size


def incidents(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """(sector, local time, classification) rows shaped as ``incidents_frame``'s."""
    frame = pd.DataFrame(
        {
            "id": range(len(rows)),
            "sector": [r[0] for r in rows],
            "occurred_at": pd.to_datetime([r[1] for r in rows]).tz_localize(MX).tz_convert("UTC"),
            "classification": [r[2] for r in rows],
            "duplicate": None,
            "victims": 0,
            "injured": 1,
            "group_code": None,
        }
    )
    return frame


def coverage(first: str, last: str | None, sector_id: float = np.nan) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": ["fgj"],
            "sector_id": [sector_id],
            "first_day": [pd.Timestamp(first)],
            "last_day": [pd.Timestamp(last) if last else pd.NaT],
        }
    )


def series_of(frame: pd.DataFrame, cover: pd.DataFrame, weeks: list[pd.Timestamp], **kw):
    return shootings_series(
        frame,
        cover,
        IDS,
        sectors=kw.get("sectors", ["Plateros"]),
        comparison=kw.get("comparison", ["Santa Fe", "Alpes"]),
        weeks=weeks,
        zone=MX,
        today=TODAY,
    )


def test_weeks_outside_coverage_are_missing_not_zero() -> None:
    """The data cover 2024 only: the 2025 weeks of the chart are NaN, the rolling mean too."""
    weeks = list(pd.date_range("2024-12-02", periods=8, freq="7D"))  # to 2025-01-20
    frame = incidents([("Plateros", "2024-12-03 10:00", "homicidio_doloso")])
    series = series_of(frame, coverage("2024-01-01", "2024-12-31"), weeks)
    assert list(series.covered) == [True] * 4 + [False] * 4  # the week of 30 Dec is partial
    assert series.treated["homicides"].iloc[0] == 1 and series.treated["homicides"].iloc[1] == 0
    assert series.treated.iloc[4:].isna().all().all()
    assert series.comparison.iloc[4:].isna().all().all()
    assert rolling(series.treated["homicides"]).iloc[4:].isna().all()
    # Without the coverage the same weeks would have been zeros: the mechanism is what differs.
    everything = series_of(frame, coverage("2019-01-01", None), weeks)
    assert everything.covered.all() and everything.treated.iloc[4:].sum().sum() == 0


def test_negligent_homicides_and_possible_duplicates_are_not_counted() -> None:
    weeks = [pd.Timestamp("2024-12-02")]
    frame = incidents(
        [
            ("Plateros", "2024-12-03 10:00", "homicidio_doloso"),
            ("Plateros", "2024-12-03 11:00", "feminicidio"),
            ("Plateros", "2024-12-04 10:00", "homicidio_culposo"),
            ("Plateros", "2024-12-05 10:00", "lesiones_dolosas"),
        ]
    )
    frame.loc[3, "duplicate"] = "possible"
    series = series_of(frame, coverage("2024-01-01", "2024-12-31"), weeks)
    assert series.treated.iloc[0].to_dict() == {"homicides": 2.0, "nonfatal": 0.0}


def test_several_treated_sectors_are_drawn_per_sector() -> None:
    """Bars and comparison lines on one basis: incidents per sector and week."""
    weeks = [pd.Timestamp("2024-12-02")]
    frame = incidents(
        [
            ("Plateros", "2024-12-03 10:00", "homicidio_doloso"),
            ("Plateros", "2024-12-03 11:00", "homicidio_doloso"),
            ("Santa Fe", "2024-12-03 11:00", "lesiones_dolosas"),
            ("Alpes", "2024-12-03 11:00", "lesiones_dolosas"),
        ]
    )
    series = series_of(
        frame, coverage("2024-01-01", "2024-12-31"), weeks, sectors=["Plateros", "Santa Fe"]
    )
    assert series.per_sector and series.treated.iloc[0].to_dict() == {
        "homicides": 1.0,
        "nonfatal": 0.5,
    }
    assert list(series.comparison.columns) == ["Alpes"] and series.pool.iloc[0] == 1.0


def test_yearly_totals_are_calendar_years_and_say_when_partial() -> None:
    frame = incidents(
        [
            ("Plateros", "2019-01-01 02:00", "homicidio_doloso"),  # in the ISO week of 2018
            ("Plateros", "2019-12-31 23:00", "lesiones_dolosas"),
            ("Plateros", "2020-03-01 12:00", "homicidio_doloso"),
        ]
    )
    years = yearly(
        frame,
        coverage("2019-01-01", "2020-06-30"),
        [1],
        first=date(2019, 1, 1),
        last=date(2020, 12, 31),
        zone=MX,
        today=TODAY.date(),
    )
    assert [(y.year, y.homicides, y.nonfatal, y.covered, y.whole) for y in years] == [
        (2019, 1, 1, True, True),
        (2020, 1, 0, False, True),
    ]


@pytest.mark.parametrize("weeks", [0, 1, 26, 313])
def test_every_chart_renders_for_empty_one_week_and_long_data(weeks: int) -> None:
    catalog = Catalog("es", MX)
    grid = list(pd.date_range("2019-01-07", periods=weeks, freq="7D"))
    rows = [("Plateros", f"{w.date()} 12:00", "homicidio_doloso") for w in grid[::3]]
    rows += [("Santa Fe", f"{w.date()} 13:00", "lesiones_dolosas") for w in grid[::2]]
    series = series_of(incidents(rows), coverage("2019-01-01", "2023-06-30"), grid)
    agencies = ["SSC", "FGJ"][: 2 if weeks else 0]
    counts = pd.DataFrame({c: [1] * len(agencies) for c in kpis.PARTITION}, index=agencies)
    rates = pd.DataFrame({"last4": [0.5, np.nan][: len(agencies)], "previous4": 0.75}, agencies)
    buckets = pd.DataFrame({b: [1] * len(agencies) for b in kpis.AGEING_BUCKETS}, agencies)
    shares = pd.Series([0.9] * len(agencies), index=agencies, dtype=float)
    pngs = [
        weekly_charts.shootings(FRAME, series, catalog, sectors=["Plateros"], years=[]),
        charts.statuses(FRAME, counts, LABELS),
        charts.on_time(FRAME, rates, LABELS),
        charts.ageing(FRAME, buckets, LABELS),
        charts.compliance(FRAME, shares, LABELS),
    ]
    for png in pngs:
        assert png.startswith(b"\x89PNG") and decoded(png) == (1600, 1000)


def test_one_item_does_not_fill_the_axis() -> None:
    """One overdue item of one agency: the axis runs to at least 5, so the bar is a fifth."""
    _figure, axes = charts.new_figure(FRAME)
    counts = pd.DataFrame({c: [0] for c in kpis.PARTITION}, index=["SSC"])
    counts.loc["SSC", "overdue"] = 1
    charts._stacked(
        axes, counts, {"overdue": charts.VERMILLION}, labels={"overdue": "x"}, horizontal=True
    )
    assert axes.get_xlim() == (0, 5)
    assert [t.get_text() for t in axes.texts] == ["1"]  # the count is printed on the bar
