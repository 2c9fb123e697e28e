"""The five weekly charts, drawn with matplotlib's object-oriented API on the Agg canvas.

No ``pyplot``: each chart is its own ``Figure``, so charts can render in worker threads
without sharing global state. Sized for a phone (1600×1000 px), large type, the Okabe–Ito
colour-blind-safe palette, a title with sectors and dates, and a source line. A chart with no
data says so in words instead of raising or coming out blank.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg  # the Agg canvas, no display
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies.
ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILLION, PURPLE, GREY = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#7F7F7F",
)
WIDTH_PX, HEIGHT_PX, DPI = 1600, 1000, 100
BAR = 0.7  # bar width, in category units


@dataclass(frozen=True, slots=True)
class Frame:
    """What every chart shows around its data: title, subtitle and source line."""

    title: str
    subtitle: str  # sectors and date range
    source: str  # "Source: … · generated …"
    empty: str  # the sentence shown when there is nothing to draw


def _figure(frame: Frame) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.suptitle(frame.title, fontsize=30, fontweight="bold", x=0.03, ha="left", y=0.97)
    figure.text(0.03, 0.895, frame.subtitle, fontsize=19, color="#333333")
    figure.text(0.03, 0.02, frame.source, fontsize=14, color=GREY)
    axes = figure.add_axes((0.09, 0.14, 0.87, 0.62))
    axes.tick_params(labelsize=17)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _empty(figure: Figure, axes: Axes, frame: Frame) -> bytes:
    axes.set_axis_off()
    axes.text(
        0.5,
        0.5,
        frame.empty,
        ha="center",
        va="center",
        fontsize=28,
        color=GREY,
        transform=axes.transAxes,
        wrap=True,
    )
    return _png(figure)


def _room(axes: Axes, bars: int, horizontal: bool = False) -> None:
    """Leave room for at least four bars, so one or two bars do not fill the chart."""
    pad = (max(bars, 4) - bars) / 2 + 0.6
    limits = (-pad, bars - 1 + pad)
    if horizontal:
        axes.set_ylim(limits[1], limits[0])  # first agency on top
    else:
        axes.set_xlim(*limits)


def _legend(axes: Axes, columns: int = 3) -> None:
    axes.legend(
        fontsize=16, frameon=False, loc="lower left", ncols=columns, bbox_to_anchor=(0, 1.01)
    )


def _stacked(
    axes: Axes,
    counts: pd.DataFrame,
    colours: dict[str, str],
    *,
    labels: dict[str, str],
    horizontal: bool = False,
) -> None:
    """One bar per row (agency), its columns stacked in ``colours``' order."""
    draw, offset, size = (
        (axes.barh, "left", "height") if horizontal else (axes.bar, "bottom", "width")
    )
    base = pd.Series(0, index=counts.index)
    for column, colour in colours.items():
        draw(
            counts.index,
            counts[column],
            color=colour,
            label=labels[column],
            **{offset: base, size: BAR},
        )
        base = base + counts[column]


def shootings(
    frame: Frame,
    weekly: pd.DataFrame,
    labels: dict[str, str],
    *,
    sectors: int,
    comparison: pd.Series | None = None,
) -> bytes:
    """Stacked weekly homicides and non-fatal shootings of the group's sectors; lines compare
    like with like: the 4-week rolling mean *per sector* of the group's ``sectors`` (solid)
    and of the comparison sectors (dashed). ``weekly``: index = week, columns homicides and
    nonfatal; ``comparison``: mean incidents per comparison sector, by week."""
    figure, axes = _figure(frame)
    if weekly.empty or weekly[["homicides", "nonfatal"]].to_numpy().sum() == 0:
        return _empty(figure, axes, frame)
    x = range(len(weekly))
    axes.bar(x, weekly["homicides"], color=VERMILLION, label=labels["homicides"], width=0.8)
    axes.bar(
        x,
        weekly["nonfatal"],
        bottom=weekly["homicides"],
        color=ORANGE,
        label=labels["nonfatal"],
        width=0.8,
    )
    per_sector = (weekly["homicides"] + weekly["nonfatal"]) / max(sectors, 1)
    axes.plot(
        x,
        per_sector.rolling(4, min_periods=1).mean(),
        color=BLUE,
        linewidth=4,
        label=labels["rolling"],
    )
    if comparison is not None and len(comparison):
        compared = comparison.reindex(weekly.index).fillna(0).rolling(4, min_periods=1).mean()
        axes.plot(
            x,
            compared.to_numpy(),
            color=PURPLE,
            linewidth=4,
            linestyle="--",
            label=labels["comparison"],
        )
    ticks = list(x)[:: max(1, len(weekly) // 9)]
    axes.set_xticks(ticks, [weekly.index[i].strftime("%d/%m") for i in ticks])
    axes.set_xlabel(labels["week"], fontsize=18)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", alpha=0.3)
    _legend(axes, 2)
    return _png(figure)


def statuses(frame: Frame, counts: pd.DataFrame, labels: dict[str, str]) -> bytes:
    """Horizontal stacked bars per agency: open, in progress, blocked, overdue, done this
    week. ``counts``: index = agency, those five columns."""
    figure, axes = _figure(frame)
    if counts.empty or counts.to_numpy().sum() == 0:
        return _empty(figure, axes, frame)
    colours = {
        "open": SKY,
        "progress": BLUE,
        "blocked": PURPLE,
        "overdue": VERMILLION,
        "done": GREEN,
    }
    _stacked(axes, counts, colours, labels=labels, horizontal=True)
    _room(axes, len(counts), horizontal=True)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="x", alpha=0.3)
    _legend(axes, 5)
    return _png(figure)


def on_time(frame: Frame, rates: pd.DataFrame, labels: dict[str, str]) -> bytes:
    """Per agency, the on-time completion rate of the last 4 weeks beside the 4 before.
    ``rates``: index = agency, columns last4 and previous4 (0–1, NaN = nothing closed)."""
    figure, axes = _figure(frame)
    if rates.empty or rates.isna().all().all():
        return _empty(figure, axes, frame)
    x = range(len(rates))
    width = BAR / 2
    axes.bar(
        [i - width / 2 for i in x],
        rates["previous4"].fillna(0),
        width,
        color=SKY,
        label=labels["previous4"],
    )
    axes.bar(
        [i + width / 2 for i in x],
        rates["last4"].fillna(0),
        width,
        color=BLUE,
        label=labels["last4"],
    )
    axes.set_xticks(list(x), list(rates.index))
    _room(axes, len(rates))
    axes.set_ylim(0, 1.05)
    axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    axes.grid(axis="y", alpha=0.3)
    _legend(axes, 2)
    return _png(figure)


def ageing(frame: Frame, buckets: pd.DataFrame, labels: dict[str, str]) -> bytes:
    """Overdue items per agency by days overdue: 0–3, 4–7, 8–14, more than 14."""
    figure, axes = _figure(frame)
    if buckets.empty or buckets.to_numpy().sum() == 0:
        return _empty(figure, axes, frame)
    colours = dict(zip(buckets.columns, [YELLOW, ORANGE, VERMILLION, PURPLE], strict=True))
    _stacked(axes, buckets, colours, labels=labels)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    _room(axes, len(buckets))
    axes.grid(axis="y", alpha=0.3)
    _legend(axes, 4)
    return _png(figure)


def compliance(frame: Frame, shares: pd.Series) -> bytes:
    """Per agency, the share of its open items updated before the last meeting."""
    figure, axes = _figure(frame)
    if shares.empty:
        return _empty(figure, axes, frame)
    colours = [
        GREEN if share >= 0.8 else ORANGE if share >= 0.5 else VERMILLION for share in shares
    ]
    bars = axes.bar(shares.index, shares.to_numpy(), color=colours, width=BAR)
    axes.bar_label(bars, labels=[f"{share:.0%}" for share in shares], fontsize=17, padding=4)
    axes.set_ylim(0, 1.12)
    axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    _room(axes, len(shares))
    axes.grid(axis="y", alpha=0.3)
    return _png(figure)
