"""The event-study chart: each year's treated-versus-comparison incidence-rate ratio relative
to the baseline year, with its 95% interval, for homicides and non-fatal shootings.

Drawn like the weekly charts (``bot.reports.charts``: its own ``Figure`` on the Agg canvas,
1600×1000, Okabe–Ito colours, title, subtitle and source line). The y axis is logarithmic,
so a halving (0.5) and a doubling (2) are the same distance from 1; the ratio 1 (no change
relative to the comparison sectors) is a line across, and the baseline year is marked as the
reference. Years that cannot be estimated are left out, and when no year can be, the chart
says so in words.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, NullLocator

from bot.reports import charts
from bot.reports.charts import BLUE, GREY, VERMILLION
from bot.reports.evaluation import Evaluation
from bot.views.i18n import Catalog, plain

TICKS = (0.125, 0.25, 0.5, 1, 2, 4, 8)
LIMIT = 10.0  # intervals wider than ×10 / ÷10 are cut at the frame
COLOURS = {"homicides": VERMILLION, "nonfatal": BLUE}
OFFSET = {"homicides": -0.09, "nonfatal": 0.09}


def _frame(catalog: Catalog, result: Evaluation, now: datetime) -> charts.Frame:
    """Title, subtitle, source line and the empty sentence, as every chart has them."""
    data = result.data
    subtitle = catalog.t(
        "evaluation.chart_subtitle", comparison=", ".join(data.comparison), baseline=data.baseline
    )
    return charts.Frame(
        plain(catalog.t("evaluation.chart_title", treated=", ".join(data.treated))),
        plain(subtitle),
        plain(catalog.t("evaluation.chart_source", when=catalog.datetime(now))),
        plain(catalog.t("evaluation.chart_empty")),
    )


def _series(axes: Axes, events: pd.DataFrame, measure: str, *, label: str) -> int:
    """One measure's points and intervals; returns how many years it drew."""
    known = events.dropna(subset=["irr"])
    if known.empty:
        return 0
    x = known["year"].to_numpy(float) + OFFSET[measure]
    irr = known["irr"].clip(1 / LIMIT, LIMIT).to_numpy()
    low = np.minimum(known["low"].clip(1 / LIMIT, LIMIT).to_numpy(), irr)
    high = np.maximum(known["high"].clip(1 / LIMIT, LIMIT).to_numpy(), irr)
    colour = COLOURS[measure]
    axes.errorbar(
        x,
        irr,
        yerr=[irr - low, high - irr],
        fmt="o",
        color=colour,
        markersize=13,
        elinewidth=4,
        capsize=8,
        capthick=3,
        label=label,
    )
    # An interval cut at the frame ends in an arrowhead: it goes on beyond what is drawn.
    for edge, marker, cut in (
        (LIMIT, "^", known["high"] > LIMIT),
        (1 / LIMIT, "v", known["low"] < 1 / LIMIT),
    ):
        if cut.any():
            axes.plot(
                x[cut.to_numpy()], [edge] * int(cut.sum()), marker, color=colour, markersize=16
            )
    for xi, value in zip(x, irr, strict=True):
        axes.annotate(
            f"{value:.2f}",
            (xi, value),
            xytext=(12 if OFFSET[measure] > 0 else -12, 0),
            textcoords="offset points",
            ha="left" if OFFSET[measure] > 0 else "right",
            va="center",
            fontsize=15,
            color=colour,
        )
    return len(known)


def _start_line(axes: Axes, starts: dict[str, date], label: str) -> None:
    if not starts:
        return
    first = min(starts.values())
    position = first.year + (first.timetuple().tm_yday - 1) / 365
    axes.axvline(position, color=GREY, linestyle=":", linewidth=3)
    axes.text(position, LIMIT * 0.8, f" {label}", fontsize=16, color=GREY, va="top")


def event_study_chart(result: Evaluation, catalog: Catalog, *, now: datetime) -> bytes:
    """The PNG (see the module docstring)."""
    frame = _frame(catalog, result, now)
    figure, axes = charts.new_figure(frame)
    drawn = 0
    for outcome in result.outcomes:
        label = plain(catalog.t(f"evaluation.chart_{outcome.measure}"))
        known = outcome.events[outcome.events["year"] != result.data.baseline]
        drawn += _series(axes, known, outcome.measure, label=label)
    if not drawn:
        return charts.empty_chart(figure, axes, frame)
    # Years with an estimate (a year the comparison has no data for has none) and the
    # baseline: the axis ends where the evidence does.
    years = sorted(
        {int(y) for o in result.outcomes for y in o.events.dropna(subset=["irr"])["year"]}
        | {result.data.baseline}
    )
    axes.plot(
        [result.data.baseline],
        [1],
        marker="D",
        markersize=14,
        color="black",
        linestyle="none",
        label=plain(catalog.t("evaluation.chart_reference", baseline=result.data.baseline)),
    )
    axes.axhline(1, color=GREY, linewidth=2, linestyle="--")
    _start_line(axes, result.data.starts, plain(catalog.t("evaluation.chart_start")))
    axes.set_yscale("log")
    axes.set_ylim(1 / LIMIT, LIMIT)
    axes.yaxis.set_major_locator(FixedLocator(TICKS))
    axes.yaxis.set_minor_locator(NullLocator())
    axes.set_yticklabels([f"{t:g}" for t in TICKS])
    axes.set_xticks(years, [str(y) for y in years])
    axes.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    axes.set_ylabel(plain(catalog.t("evaluation.chart_y")), fontsize=18)
    axes.set_xlabel(plain(catalog.t("evaluation.chart_x")), fontsize=18)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(fontsize=16, frameon=False, loc="lower left", ncols=3, bbox_to_anchor=(0, 1.01))
    return charts.to_png(figure)
