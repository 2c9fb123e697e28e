"""The weekly report's text summary: the same counts as the charts, in words.

Counts only (item-level detail goes to coordinators). Shootings are said per calendar year
as well as per 4 weeks, so the figures can be checked against the source file; a window the
data do not cover says "sin datos" instead of a zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from bot.reports import kpis
from bot.reports.kpi_text import signed_percent
from bot.reports.weekly_series import Shootings, Year
from bot.views.i18n import Catalog, Safe
from domain.measures import FGJ_SOURCE

MAX_AGENCIES = 12  # a city-wide group has 60 agencies: one line each would not fit a message


def _trend_line(catalog: Catalog, trend: kpis.Trend, covered: Sequence[bool]) -> Safe:
    if not covered[0]:
        return catalog.t("report.trend_no_data")
    missing = str(catalog.t("report.no_data"))
    return catalog.t(
        "report.trend",
        last4=trend.last4,
        previous4=trend.previous4 if covered[1] else missing,
        change=signed_percent(trend.vs_previous) if covered[1] else "—",
        year=trend.year_ago4 if covered[2] else missing,
        year_change=signed_percent(trend.vs_year_ago) if covered[2] else "—",
    )


def _year_lines(catalog: Catalog, years: list[Year], series: Shootings) -> list[Safe]:
    """The period's totals, and one line per calendar year when it spans several."""
    lines = [
        catalog.t(
            "report.period",
            homicides=sum(y.homicides for y in years),
            nonfatal=sum(y.nonfatal for y in years),
            covered=int(series.covered.sum()),
            weeks=len(series.covered),
        )
    ]
    if len(years) < 2:
        return lines
    for y in years:
        key = (
            "report.year_incomplete"
            if not y.covered
            else "report.year"
            if y.whole
            else "report.year_part"
        )
        lines.append(
            catalog.t(
                key,
                year=y.year,
                homicides=y.homicides,
                nonfatal=y.nonfatal,
                start=catalog.date(_moment(y.first, catalog)),
                end=catalog.date(_moment(y.last, catalog)),
            )
        )
    return lines


def _moment(day: object, catalog: Catalog) -> datetime:
    return datetime.fromisoformat(str(day)).replace(hour=12, tzinfo=catalog.zone)


def summary(
    catalog: Catalog,
    *,
    sectors: list[str],
    incidents: pd.DataFrame,
    week_end: datetime,
    states: pd.DataFrame,
    shares: pd.Series,
    years: list[Year],
    series: Shootings,
    trend_covered: Sequence[bool],
    sources: set[str],
) -> Safe:
    """Header, 4-week trend, the period's and each year's shootings, then one line per agency."""
    trend = kpis.trend(incidents, week_end, catalog.zone)
    lines = [
        catalog.t(
            "report.header",
            sectors=", ".join(sectors) or "—",
            start=catalog.date(week_end - timedelta(days=7)),
            end=catalog.date(week_end - timedelta(seconds=1)),
        ),
        _trend_line(catalog, trend, trend_covered),
        *_year_lines(catalog, years, series),
    ]
    if FGJ_SOURCE in sources:
        lines.append(catalog.t("report.fgj_caveat"))
    lines += agency_lines(catalog, states, shares)
    return Safe("\n".join(lines))


def agency_lines(catalog: Catalog, states: pd.DataFrame, shares: pd.Series) -> list[Safe]:
    """Most pending first; past MAX_AGENCIES one line sums the rest. ``states``:
    ``kpis.item_states`` (overdue and blocked counted as ``/acciones`` counts them)."""
    states = states.sort_values(["overdue", "blocked", "done"], ascending=False, kind="stable")
    lines = []
    for agency, row in states.iloc[:MAX_AGENCIES].iterrows():
        share = shares.get(agency, np.nan)
        lines.append(
            catalog.t(
                "report.agency_n",
                code=agency,
                overdue=catalog.n("n.overdue", int(row["overdue"])),
                blocked=catalog.n("n.blocked", int(row["blocked"])),
                done=catalog.n("n.done_week", int(row["done"])),
                no_update="—" if pd.isna(share) else f"{1 - share:.0%}",
            )
        )
    rest = states.iloc[MAX_AGENCIES:]
    if not rest.empty:
        lines.append(
            catalog.t(
                "report.more_agencies_n",
                more=catalog.n("n.more_agencies", len(rest)),
                overdue=catalog.n("n.overdue", int(rest["overdue"].sum())),
                blocked=catalog.n("n.blocked", int(rest["blocked"].sum())),
                done=catalog.n("n.done_week", int(rest["done"].sum())),
            )
        )
    if states.empty:
        lines.append(catalog.t("digest.empty"))
    return lines
