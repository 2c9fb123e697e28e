"""``ceasefire evaluate`` on the shipped real file: seconds, median of several runs.

    python -m bench.evaluate [--quick]

Imports ``bot/input/data/cdmx-shootings.csv`` into a fresh SQLite file once (with
``ceasefire import incidents``), then times, each in a fresh process as an operator runs it:

- ``evaluate_s``: the whole command (``--treated Plateros``, the default comparison of the
  rest of Álvaro Obregón, 2019 → 2023, ``--output``: table, CSV and event-study PNG),
  interpreter start and imports included;
- and in-process: ``load_s`` (the database read), ``compute_s`` (table, DiD, placebos,
  event study for both measures) and ``chart_s`` (the PNG).

Writes ``bench/results/evaluate.json``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import median, print_table, write_result

ROOT = Path(__file__).parents[1]
REAL_FILE = ROOT / "bot" / "input" / "data" / "cdmx-shootings.csv"


def _ceasefire(config: Path, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot.app.cli", "--config", str(config), *args],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def _in_process(url: str, repeats: int) -> dict[str, float]:
    from bot.reports import evaluation
    from bot.reports.evaluation_chart import event_study_chart
    from bot.runtime.settings import load_settings
    from bot.views.i18n import Catalog
    from storage.engine import Database

    settings = load_settings(None, database={"url": url})
    catalog = Catalog("es", settings.locale.zone)
    database = Database(url)
    question = evaluation.Question(("Plateros",))
    now = datetime.now(UTC)
    timings: dict[str, list[float]] = {"load_s": [], "compute_s": [], "chart_s": []}
    for _ in range(repeats):
        started = time.perf_counter()
        data = database.call(evaluation.load, question, settings=settings, today=now.date())
        loaded = time.perf_counter()
        result = evaluation.compute(data, settings.locale.zone)
        computed = time.perf_counter()
        event_study_chart(result, catalog, now=now)
        drawn = time.perf_counter()
        timings["load_s"].append(loaded - started)
        timings["compute_s"].append(computed - loaded)
        timings["chart_s"].append(drawn - computed)
    database.close()
    return {key: median(values) for key, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/real.db"
        config = Path(tmp) / "config.toml"
        config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
        _ceasefire(config, "import", "incidents", str(REAL_FILE))
        command = ["evaluate", "--treated", "Plateros", "--output", f"{tmp}/out"]
        runs = [_ceasefire(config, *command) for _ in range(repeats)]
        result = {"evaluate_s": median(runs, 2), **_in_process(url, repeats)}
    print_table([result], list(result))
    write_result("evaluate", {"quick": args.quick, "repeats": repeats, **result})


if __name__ == "__main__":
    main()
