"""The impact table in words and the event-study chart, in the asker's language.

Everything a reader sees comes from the catalog (``evaluation.*``); sector names are data.
The table is one monospaced block (``<pre>`` in Telegram, plain in a terminal), so the
columns line up on a phone too. ``build_for`` is what a renderer process runs: it computes
(``evaluation.compute``), words and draws, and returns bytes and text, nothing to pickle back
but those.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from bot.reports import evaluation
from bot.reports.evaluation import Evaluation, EvaluationData, Outcome
from bot.runtime.settings import Settings
from bot.views.i18n import Catalog, Safe, plain

MINUS = "−"


@dataclass(frozen=True)
class Rendered:
    """The evaluation, ready to send or write."""

    messages: list[Safe]  # Telegram HTML, each under the message limit
    chart: bytes  # PNG, 1600×1000
    caption: str
    table_csv: bytes  # the before/after rows, one per sector and measure

    @property
    def text(self) -> str:
        """The whole output as plain text (the terminal's, ``evaluation.txt``)."""
        return "\n\n".join(plain(m) for m in self.messages)


def percent(value: float) -> str:
    """+38% / −58% / — (nothing to compare with)."""
    if pd.isna(value):
        return "—"
    return f"{value:+.0%}".replace("-", MINUS)


def points(value: float) -> str:
    if pd.isna(value):
        return "—"
    return f"{value:+.0f} pp".replace("-", MINUS)


def _number(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"  # two significant digits


def _label(catalog: Catalog, row: evaluation.Row, data: EvaluationData) -> str:
    if row.kind == "treated":
        return str(catalog.t("evaluation.row_treated", sector=row.sector))
    if row.kind == "treated_total":
        return str(catalog.t("evaluation.row_treated_total", count=len(data.treated)))
    if row.kind == "pool":
        return str(catalog.t("evaluation.row_pool", count=len(data.comparison)))
    if row.kind == "city":
        return str(catalog.t("evaluation.row_city"))
    return row.sector


def table(catalog: Catalog, outcome: Outcome, data: EvaluationData) -> str:
    """The before/after block of one measure, as aligned plain text."""
    header = [
        str(catalog.t("evaluation.col_sector")),
        str(data.baseline),
        str(data.follow_up),
        str(catalog.t("evaluation.col_change")),
    ]
    body = [
        [_label(catalog, r, data), str(r.before), str(r.after), percent(r.change)]
        for r in outcome.rows
    ]
    width = max(len(line[0]) for line in [header, *body])
    numbers = [max(len(line[i]) for line in [header, *body]) for i in (1, 2, 3)]
    lines = []
    for line in [header, *body]:
        cells = [line[0].ljust(width)] + [
            c.rjust(w) for c, w in zip(line[1:], numbers, strict=True)
        ]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def _estimate_lines(catalog: Catalog, outcome: Outcome) -> list[Safe]:
    estimate = outcome.estimate
    if estimate is None:
        return [catalog.t("evaluation.did_none")]
    lines = [
        catalog.t(
            "evaluation.did",
            irr=_number(estimate.irr),
            low=_number(estimate.low),
            high=_number(estimate.high),
            p="—" if np.isnan(estimate.p) else f"{estimate.p:.2f}",
        )
    ]
    if estimate.placebo_p is None:
        lines.append(catalog.t("evaluation.no_placebo"))
    else:
        lines.append(
            catalog.t(
                "evaluation.placebo",
                p=f"{estimate.placebo_p:.2f}",
                count=estimate.placebos,
                minimum=f"{1 / (estimate.placebos + 1):.2f}",
            )
        )
    return lines


def _outcome_lines(catalog: Catalog, outcome: Outcome, data: EvaluationData) -> list[Safe]:
    return [
        catalog.t(f"evaluation.measure_{outcome.measure}"),
        catalog.t("evaluation.table", table=table(catalog, outcome, data)),
        catalog.t("evaluation.difference", pp=points(outcome.difference_pp)),
        *_estimate_lines(catalog, outcome),
    ]


def _heading(catalog: Catalog, data: EvaluationData) -> list[Safe]:
    return [
        catalog.t("evaluation.title", treated=", ".join(data.treated)),
        catalog.t(
            f"evaluation.comparison_{data.comparison_from}",
            sectors=", ".join(data.comparison),
            baseline=data.baseline,
            follow_up=data.follow_up,
        ),
    ]


def _notes(catalog: Catalog, result: Evaluation) -> list[Safe]:
    data = result.data
    if data.starts:
        starts = ", ".join(f"{s} {d.isoformat()}" for s, d in data.starts.items())
        design = catalog.t(
            "evaluation.design_start",
            baseline=data.baseline,
            follow_up=data.follow_up,
            starts=starts,
        )
    else:
        design = catalog.t(
            "evaluation.design_years", baseline=data.baseline, follow_up=data.follow_up
        )
    clusters = len(data.treated) + len(data.comparison)
    return [
        design,
        catalog.t("evaluation.weeks", weeks=result.weeks),
        catalog.t("evaluation.clusters", clusters=clusters, treated=len(data.treated)),
        catalog.t("evaluation.injuries"),
        catalog.t("evaluation.not_causal"),
    ]


def messages(catalog: Catalog, result: Evaluation) -> list[Safe]:
    """The evaluation as Telegram messages: the heading and one block per measure, then the
    notes (each message under Telegram's limit)."""
    from bot.views.i18n import chunk_lines

    blocks = [Safe("\n".join(_heading(catalog, result.data)))]
    blocks += [Safe("\n".join(_outcome_lines(catalog, o, result.data))) for o in result.outcomes]
    blocks.append(Safe("\n".join(_notes(catalog, result))))
    return chunk_lines([Safe(b + "\n") for b in blocks])


def table_csv(result: Evaluation) -> bytes:
    """The before/after rows for evaluators: measure, kind, sector, counts, change."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    data = result.data
    writer.writerow(
        ["measure", "kind", "sector", f"y{data.baseline}", f"y{data.follow_up}", "change"]
    )
    for outcome in result.outcomes:
        for row in outcome.rows:
            change = "" if np.isnan(row.change) else f"{row.change:.4f}"
            writer.writerow([outcome.measure, row.kind, row.sector, row.before, row.after, change])
    return buffer.getvalue().encode("utf-8")


def build_for(
    data: EvaluationData, settings: Settings, *, language: str, now: datetime
) -> Rendered:
    """Compute, word and draw (CPU-bound: what the renderer runs)."""
    from bot.reports.evaluation_chart import event_study_chart

    catalog = Catalog(language, settings.locale.zone)
    result = evaluation.compute(data, settings.locale.zone)
    caption = str(
        catalog.t(
            "evaluation.chart_caption",
            treated=", ".join(data.treated),
            baseline=data.baseline,
        )
    )
    return Rendered(
        messages=messages(catalog, result),
        chart=event_study_chart(result, catalog, now=now),
        caption=plain(caption),
        table_csv=table_csv(result),
    )
