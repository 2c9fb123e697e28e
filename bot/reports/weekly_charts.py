"""The shootings chart: weekly bars of the treated sectors, 4-week rolling means of them and
of each named comparison sector, weeks without data shaded "sin datos".

Drawn on a date axis, so a six-year trend reads by year (year labels, month ticks) and a
26-week one by day and month; bars are counted (printed on each bar when there are few,
yearly totals over each year when there are many). Words come from the catalog.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd
from babel.dates import format_skeleton
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from bot.reports import charts
from bot.reports.weekly_series import MAX_LINES, Shootings, Year, rolling
from bot.views.i18n import Catalog

LINE_STYLES = (
    (charts.BLUE, "--"),
    (charts.GREEN, "-."),
    (charts.PURPLE, ":"),
    (charts.ORANGE, (0, (6, 2, 1, 2))),
)
MANY_WEEKS = 78  # past a year and a half the axis reads by year
FEW_BARS = 30  # up to this many bars, each bar's count is printed on it
WEEK = pd.Timedelta(days=7)
MID = pd.Timedelta(days=3.5)  # a bar stands over the middle of its week


def _runs(covered: pd.Series) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The stretches of consecutive weeks without data, as (first Monday, end)."""
    runs, start = [], None
    for week, ok in covered.items():
        if not ok and start is None:
            start = week
        if ok and start is not None:
            runs.append((start, week))
            start = None
    if start is not None:
        runs.append((start, covered.index[-1] + WEEK))
    return runs


def _no_data(axes: Axes, covered: pd.Series, label: str) -> Patch | None:
    """Shade the weeks without data and name the wide bands; the legend's patch, if any."""
    runs = _runs(covered)
    span = (covered.index[-1] + WEEK - covered.index[0]) / pd.Timedelta(days=1)
    style = {"facecolor": "#EFEFEF", "edgecolor": charts.LIGHT, "hatch": "//", "linewidth": 0}
    both = blended_transform_factory(axes.transData, axes.transAxes)
    for start, end in runs:
        axes.axvspan(start, end, zorder=0, **style)
        if (end - start) / pd.Timedelta(days=1) > span * 0.07:
            axes.text(
                start + (end - start) / 2,
                0.5,
                label,
                transform=both,
                ha="center",
                va="center",
                rotation=90 if (end - start) < WEEK * 12 else 0,
                fontsize=17,
                color=charts.GREY,
            )
    return Patch(label=label, **style) if runs else None


def _ticks(axes: Axes, weeks: pd.DatetimeIndex, catalog: Catalog) -> None:
    """Years (and month ticks) on a long axis; day and month, with the year where it
    changes, on a short one."""
    if len(weeks) > MANY_WEEKS:
        axes.xaxis.set_major_locator(mdates.YearLocator(month=7, day=1))
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        axes.xaxis.set_minor_locator(mdates.MonthLocator())
        axes.tick_params(axis="x", which="major", length=0, labelsize=19)
        axes.tick_params(axis="x", which="minor", length=5)
        for year in range(weeks[0].year + 1, weeks[-1].year + 1):
            axes.axvline(pd.Timestamp(year, 1, 1), color=charts.GREY, linewidth=1, alpha=0.5)
        return
    step = max(1, -(-len(weeks) // 8))
    shown = list(weeks[::step])
    labels, year = [], None
    for monday in shown:
        text = format_skeleton("MMMd", monday.to_pydatetime(), locale=catalog.locale)
        labels.append(f"{text}\n{monday.year}" if monday.year != year else text)
        year = monday.year
    axes.set_xticks([m + MID for m in shown], labels)


def _year_totals(axes: Axes, years: list[Year], catalog: Catalog) -> None:
    """Each year's homicides and non-fatal shootings, printed over that year."""
    both = blended_transform_factory(axes.transData, axes.transAxes)
    for y in years:
        middle = pd.Timestamp(y.first) + (pd.Timestamp(y.last) - pd.Timestamp(y.first)) / 2
        text = (
            catalog.t("chart.year_totals", homicides=y.homicides, nonfatal=y.nonfatal)
            if y.covered
            else catalog.t("chart.label_no_data")
        )
        axes.text(middle, 0.97, str(text), transform=both, ha="center", va="top", fontsize=15)


def _bars(axes: Axes, series: Shootings, catalog: Catalog, *, long: bool) -> float:
    """The stacked weekly bars of the weeks with data (muted on a long axis, where the lines
    carry the trend); returns the tallest."""
    shown = series.treated[series.covered]
    x = shown.index + MID
    homicides, nonfatal = shown["homicides"], shown["nonfatal"]
    alpha = 0.45 if long else 1.0
    axes.bar(
        x,
        homicides,
        width=5.2,
        color=charts.VERMILLION,
        alpha=alpha,
        label=catalog.t("chart.label_homicides"),
    )
    bars = axes.bar(
        x,
        nonfatal,
        bottom=homicides,
        width=5.2,
        color=charts.SKY,
        alpha=alpha,
        label=catalog.t("chart.label_nonfatal"),
    )
    total = homicides + nonfatal
    if len(series.treated) <= FEW_BARS:
        text = [("" if not v else f"{v:.0f}" if v % 1 == 0 else f"{v:.1f}") for v in total]
        axes.bar_label(bars, labels=text, fontsize=16, padding=3)
    return float(total.max()) if len(total) else 0.0


def _lines(
    axes: Axes, series: Shootings, catalog: Catalog, *, sectors: list[str], long: bool
) -> float:
    """The 4-week rolling means: the treated sectors', then each comparison sector's (or their
    pooled mean per sector, named in the legend); returns the highest point."""
    weeks = series.treated.index + MID
    total = series.treated["homicides"] + series.treated["nonfatal"]
    axes.plot(
        weeks,
        rolling(total),
        color=charts.BLACK,
        linewidth=3 if long else 3.5,
        label=catalog.t("chart.label_treated", name=", ".join(sectors) or "—"),
    )
    names = list(series.comparison.columns)
    if long or len(names) > MAX_LINES:
        lines = {catalog.t("chart.label_comparison_pool", name=", ".join(names)): series.pool}
    else:
        lines = {
            catalog.t("chart.label_comparison_line", name=name): series.comparison[name]
            for name in names
        }
    top, silent = 0.0, []
    for (label, values), (colour, style) in zip(lines.items(), LINE_STYLES, strict=False):
        if not names:
            break
        line = rolling(values)
        if line.isna().all():  # named, but said to have no data rather than drawn as 0
            silent.append(values.name if values.name in names else ", ".join(names))
            continue
        top = max(top, float(line.max()) if line.notna().any() else 0.0)
        width = 2.5 if long else 3
        axes.plot(weeks, line, color=colour, linestyle=style, linewidth=width, label=label)
    if silent:  # one legend line names every comparison sector without data in the window
        label = catalog.t("chart.label_comparison_no_data", names=", ".join(silent))
        axes.plot([], [], color=charts.GREY, linestyle=":", linewidth=2, label=label)
    return top


def _legend(axes: Axes, patch: Patch | None) -> None:
    """Under the axes, where a long list of named sectors does not cover the title."""
    handles, labels = axes.get_legend_handles_labels()
    order = sorted(range(len(handles)), key=lambda i: isinstance(handles[i], Line2D))
    handles, labels = [handles[i] for i in order], [labels[i] for i in order]
    if patch is not None:
        handles, labels = [*handles, patch], [*labels, patch.get_label()]
    axes.legend(
        handles,
        labels,
        fontsize=15,
        frameon=False,
        loc="upper left",
        ncols=1 if max(map(len, labels)) > 48 else 2,  # a long name list takes the width
        bbox_to_anchor=(0, -0.12),
    )


def shootings(
    frame: charts.Frame,
    series: Shootings,
    catalog: Catalog,
    *,
    sectors: list[str],
    years: list[Year],
) -> bytes:
    """The shootings chart (see the module docstring); ``series``: ``weekly_series``'."""
    figure, axes = charts.new_figure(frame)
    weeks = series.treated.index
    if not len(weeks) or (not series.covered.any() and series.comparison.isna().all().all()):
        return charts.empty_chart(figure, axes, frame)
    axes.set_position((0.07, 0.30, 0.9, 0.55))
    long = len(weeks) > MANY_WEEKS
    top = max(
        _bars(axes, series, catalog, long=long),
        _lines(axes, series, catalog, sectors=sectors, long=long),
    )
    patch = _no_data(axes, series.covered, str(catalog.t("chart.label_no_data")))
    axes.set_ylim(0, max(4, top * (1.3 if long else 1.15)))
    right = weeks[-1] + WEEK * 1.5 if len(weeks) > 3 else weeks[0] + WEEK * 4
    axes.set_xlim(weeks[0] - WEEK * 0.5, right)
    if not series.per_sector:
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    key = "chart.label_per_sector" if series.per_sector else "chart.label_per_week"
    axes.set_ylabel(catalog.t(key), fontsize=18)
    _ticks(axes, weeks, catalog)
    if long:
        _year_totals(axes, years, catalog)
    axes.grid(axis="y", alpha=0.3)
    _legend(axes, patch)
    return charts.to_png(figure)
