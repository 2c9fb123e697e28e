"""The series behind the shootings chart and the report's yearly lines, on one basis.

Treated and comparison sectors are compared per sector: the bars are the treated sectors'
weekly homicides and non-fatal shootings (their mean per sector when there are several, so a
three-sector group is not set against single comparison sectors), and each comparison sector
is its own named line, or, on a long axis or past ``MAX_LINES`` sectors, one pooled mean per
comparison sector whose legend names them all.

A week the data do not cover (``bot.reports.coverage``) is NaN, never 0: the chart shades it
"sin datos" and the rolling mean skips it. The treated series is covered only when every
treated sector is (a mean over some of them would be another basis).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from bot.reports import kpis
from bot.reports.coverage import covered_weeks

MAX_LINES = 4  # named comparison lines; more are unreadable on a phone


@dataclass(frozen=True)
class Shootings:
    treated: pd.DataFrame  # index = week (local Monday): homicides, nonfatal; NaN: no data
    comparison: pd.DataFrame  # index = week, a column per comparison sector: incidents
    pool: pd.Series  # per week: mean incidents per comparison sector with data (NaN: none)
    covered: pd.Series  # per week: the treated sectors' data cover it
    per_sector: bool  # several treated sectors: the bars are the mean per sector


def shootings_series(
    incidents: pd.DataFrame,
    coverage: pd.DataFrame,
    sector_ids: Mapping[str, int],
    *,
    sectors: Sequence[str],
    comparison: Sequence[str],
    weeks: list[pd.Timestamp],
    zone: ZoneInfo,
    today: pd.Timestamp,
) -> Shootings:
    """The treated bars, the comparison lines and which weeks have data (see the module)."""
    index = pd.DatetimeIndex(weeks, name="week")
    if not len(index):
        empty = pd.DataFrame(columns=["homicides", "nonfatal"], index=index, dtype=float)
        none = pd.Series(dtype=float, index=index)
        return Shootings(empty, pd.DataFrame(index=index), none, none.astype(bool), False)
    names = list(sectors) + [c for c in comparison if c not in sectors]
    table = kpis.weekly_shootings(incidents, zone, weeks=weeks, sectors=names or ["—"])
    ids = [sector_ids[n] for n in names if n in sector_ids]
    cover = covered_weeks(coverage, ids, weeks, today=today)

    def covered_of(name: str) -> pd.Series:
        if name not in sector_ids:
            return pd.Series(False, index=pd.DatetimeIndex(weeks))
        return cover.loc[sector_ids[name]]

    treated_cover = pd.Series(True, index=index)
    for name in sectors:
        treated_cover &= covered_of(name).to_numpy()
    if not sectors:
        treated_cover[:] = False
    own = table.loc[list(sectors)] if sectors else table.iloc[0:0]
    bars = own.groupby(level="week")[["homicides", "nonfatal"]].mean().reindex(index)
    bars = bars.where(treated_cover, axis=0)
    lines = pd.DataFrame(
        {
            name: table.loc[name]["incidents"].reindex(index).where(covered_of(name).to_numpy())
            for name in comparison
            if name not in sectors
        },
        index=index,
    )
    pool = lines.mean(axis=1, skipna=True) if lines.shape[1] else pd.Series(np.nan, index=index)
    return Shootings(
        bars.astype(float), lines.astype(float), pool.astype(float), treated_cover, len(sectors) > 1
    )


def rolling(series: pd.Series) -> pd.Series:
    """The 4-week rolling mean over the weeks with data; NaN where the week has none."""
    return series.rolling(4, min_periods=1).mean().where(series.notna())


def _covers(
    coverage: pd.DataFrame, sector_id: int, *, first: date, last: date, today: date
) -> bool:
    """Whether one source covers every day of ``[first, last]`` for the sector."""
    for row in coverage.itertuples(index=False):
        end = today if pd.isna(row.last_day) else row.last_day.date()
        if (pd.isna(row.sector_id) or int(row.sector_id) == sector_id) and (
            row.first_day.date() <= first and last <= end
        ):
            return True
    return False


@dataclass(frozen=True, slots=True)
class Year:
    year: int
    first: date  # the days counted: the year clipped to the report's period
    last: date
    homicides: int
    nonfatal: int
    covered: bool  # every day counted is covered by the data for every treated sector
    whole: bool  # the period holds the whole calendar year


def yearly(
    incidents: pd.DataFrame,
    coverage: pd.DataFrame,
    sector_ids: Sequence[int],
    *,
    first: date,
    last: date,
    zone: ZoneInfo,
    today: date,
) -> list[Year]:
    """Homicides and non-fatal shootings per calendar year (local dates) of the incidents given
    (the treated sectors'), within ``[first, last]``: the figures a table of the source file
    gives, which ISO weeks straddling New Year would not."""
    counted = kpis.outcomes(incidents) if not incidents.empty else incidents
    days = (
        counted["occurred_at"].dt.tz_convert(zone).dt.date
        if not counted.empty
        else pd.Series([], dtype=object)
    )
    years = []
    for year in range(first.year, last.year + 1):
        lo, hi = max(first, date(year, 1, 1)), min(last, date(year, 12, 31))
        inside = (days >= lo) & (days <= hi) if len(days) else pd.Series([], dtype=bool)
        part = counted[inside.to_numpy()] if len(days) else counted
        years.append(
            Year(
                year,
                lo,
                hi,
                int(part["homicides"].sum()) if len(part) else 0,
                int(part["nonfatal"].sum()) if len(part) else 0,
                bool(sector_ids)
                and all(_covers(coverage, s, first=lo, last=hi, today=today) for s in sector_ids),
                (lo, hi) == (date(year, 1, 1), date(year, 12, 31)),
            )
        )
    return years
