"""The agency charts of the weekly report (and the frame every chart shares), drawn with
matplotlib's object-oriented API on the Agg canvas; the shootings chart is
``bot.reports.weekly_charts``.

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

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies. Yellow is
# not used (it vanishes on white under a projector), nor sky blue next to blue (they merge).
ORANGE, SKY, GREEN, BLUE, VERMILLION, PURPLE, BLACK = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#000000",
)
GREY, LIGHT = "#7F7F7F", "#C8C8C8"  # text and neutral fills (not data colours)
WIDTH_PX, HEIGHT_PX, DPI = 1600, 1000, 100
BAR = 0.7  # bar width, in category units


@dataclass(frozen=True, slots=True)
class Frame:
    """What every chart shows around its data: title, subtitle and source line."""

    title: str
    subtitle: str  # sectors and date range
    source: str  # "Source: … · generated …"
    empty: str  # the sentence shown when there is nothing to draw


def new_figure(frame: Frame) -> tuple[Figure, Axes]:
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


def to_png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def empty_chart(figure: Figure, axes: Axes, frame: Frame) -> bytes:
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
    return to_png(figure)


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
    """One bar per row (agency), its columns stacked in ``colours``' order, each segment with
    its count printed in it (a white gap between segments keeps neighbours apart)."""
    draw, offset, size = (
        (axes.barh, "left", "height") if horizontal else (axes.bar, "bottom", "width")
    )
    base = pd.Series(0, index=counts.index)
    for column, colour in colours.items():
        values = counts[column]
        bars = draw(
            list(counts.index),
            values,
            color=colour,
            label=labels[column],
            edgecolor="white",
            linewidth=2,
            **{offset: base.to_numpy(), size: BAR},
        )
        text = "white" if colour in (BLUE, VERMILLION, BLACK, GREEN, PURPLE) else BLACK
        axes.bar_label(
            bars,
            labels=[str(int(v)) if v else "" for v in values],
            label_type="center",
            fontsize=16,
            color=text,
            fontweight="bold",
        )
        base = base + values
    limit = max(5, float(base.max()) * 1.08) if len(base) else 5
    (axes.set_xlim if horizontal else axes.set_ylim)(0, limit)


def _axis_label(axes: Axes, text: str, horizontal: bool = False) -> None:
    (axes.set_xlabel if horizontal else axes.set_ylabel)(text, fontsize=18)


def statuses(frame: Frame, counts: pd.DataFrame, labels: dict[str, str]) -> bytes:
    """Horizontal stacked bars per agency, a partition of its open items (overdue in any
    status, then blocked, in progress and open within their deadline) and those done in the
    week. ``counts``: ``bot.reports.kpis.state_partition``."""
    figure, axes = new_figure(frame)
    if counts.empty or counts.to_numpy().sum() == 0:
        return empty_chart(figure, axes, frame)
    colours = {
        "overdue": VERMILLION,
        "blocked": PURPLE,
        "progress": BLUE,
        "open": LIGHT,
        "done": GREEN,
    }
    names = {c: labels[f"state_{c}"] if c != "done" else labels["done"] for c in colours}
    _stacked(axes, counts, colours, labels=names, horizontal=True)
    _room(axes, len(counts), horizontal=True)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    _axis_label(axes, labels["items"], horizontal=True)
    axes.grid(axis="x", alpha=0.3)
    _legend(axes, 3)
    return to_png(figure)


def on_time(frame: Frame, rates: pd.DataFrame, labels: dict[str, str]) -> bytes:
    """Per agency, the on-time completion rate of the last 4 weeks beside the 4 before, the
    percentage printed on each bar; a period with nothing closed says so instead of 0 %.
    ``rates``: index = agency, columns last4 and previous4 (0–1, NaN = nothing closed)."""
    figure, axes = new_figure(frame)
    if rates.empty or rates.isna().all().all():
        return empty_chart(figure, axes, frame)
    x = range(len(rates))
    width = BAR / 2
    for column, shift, colour in (("previous4", -1, LIGHT), ("last4", 1, BLUE)):
        values = rates[column]
        bars = axes.bar(
            [i + shift * width / 2 for i in x],
            values.fillna(0),
            width,
            color=colour,
            label=labels[column],
        )
        axes.bar_label(
            bars,
            labels=[labels["no_closed"] if pd.isna(v) else f"{v:.0%}" for v in values],
            fontsize=15,
            padding=4,
        )
    axes.set_xticks(list(x), list(rates.index))
    _room(axes, len(rates))
    axes.set_ylim(0, 1.12)
    axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    _axis_label(axes, labels["on_time_axis"])
    axes.grid(axis="y", alpha=0.3)
    _legend(axes, 2)
    return to_png(figure)


def ageing(frame: Frame, buckets: pd.DataFrame, labels: dict[str, str]) -> bytes:
    """Overdue items per agency by days overdue: 0–3, 4–7, 8–14, more than 14 (darker is
    older)."""
    figure, axes = new_figure(frame)
    if buckets.empty or buckets.to_numpy().sum() == 0:
        return empty_chart(figure, axes, frame)
    colours = dict(zip(buckets.columns, [SKY, ORANGE, VERMILLION, BLACK], strict=True))
    _stacked(axes, buckets, colours, labels=labels)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    _room(axes, len(buckets))
    _axis_label(axes, labels["items"])
    axes.grid(axis="y", alpha=0.3)
    _legend(axes, 4)
    return to_png(figure)


def compliance(frame: Frame, shares: pd.Series, labels: dict[str, str]) -> bytes:
    """Per agency, the share of its open items updated in the week before the meeting
    (``bot.reports.kpis.compliance``)."""
    figure, axes = new_figure(frame)
    if shares.empty:
        return empty_chart(figure, axes, frame)
    colours = [
        GREEN if share >= 0.8 else ORANGE if share >= 0.5 else VERMILLION for share in shares
    ]
    bars = axes.bar(list(shares.index), shares.to_numpy(), color=colours, width=BAR)
    axes.bar_label(bars, labels=[f"{share:.0%}" for share in shares], fontsize=17, padding=4)
    axes.set_ylim(0, 1.12)
    axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    _room(axes, len(shares))
    _axis_label(axes, labels["compliance_axis"])
    axes.grid(axis="y", alpha=0.3)
    return to_png(figure)
