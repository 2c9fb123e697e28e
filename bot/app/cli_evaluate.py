"""``ceasefire evaluate``: the impact table in a terminal, and its files.

Prints the table (``bot.reports.evaluation``) in the configured language (``--language``
overrides); with ``--output DIR`` also writes ``evaluation.txt``, ``evaluation.csv`` (the
before/after rows, for evaluators) and ``evaluation-event-study.png``. A question the data
cannot answer (unknown sector, years without data, no comparison sectors) is one line on
stderr and exit status 1, never a traceback. pandas, statsmodels and matplotlib load here,
when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.runtime.settings import Settings
from bot.views.i18n import Catalog, plain
from domain.errors import DomainError


def _names(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    names = tuple(" ".join(part.split()) for part in text.split(","))
    return tuple(n for n in names if n) or None


def evaluate(settings: Settings, args: argparse.Namespace) -> int:
    """Run the evaluation asked on the command line; 0 on success, 1 if refused."""
    from bot.reports import evaluation, evaluation_text
    from storage.engine import Database, migrate

    catalog = Catalog(settings.locale.language, settings.locale.zone)
    question = evaluation.Question(
        treated=_names(args.treated) or (),
        comparison=_names(args.comparison),
        baseline=args.baseline,
        follow_up=args.follow_up,
    )
    if not question.treated:
        print("ceasefire: --treated: give at least one sector", file=sys.stderr)
        return 1
    migrate(settings.database.url)
    database = Database(settings.database.url)
    now = datetime.now(UTC)
    try:
        data = database.call(
            evaluation.load,
            question,
            settings=settings,
            today=now.astimezone(settings.locale.zone).date(),
        )
    except DomainError as error:
        print(f"ceasefire: {plain(catalog.t(error.key, **error.params))}", file=sys.stderr)
        return 1
    finally:
        database.close()
    rendered = evaluation_text.build_for(data, settings, language=settings.locale.language, now=now)
    print(rendered.text)
    if args.output:
        folder = Path(args.output)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "evaluation.txt").write_text(rendered.text + "\n", encoding="utf-8")
        (folder / "evaluation.csv").write_bytes(rendered.table_csv)
        (folder / "evaluation-event-study.png").write_bytes(rendered.chart)
        print(
            f"\nevaluation.txt, evaluation.csv and evaluation-event-study.png written to {folder}"
        )
    return 0
