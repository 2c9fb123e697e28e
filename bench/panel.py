"""Benchmark: the evaluators' panel of the real file (6,979 FGJ shootings, 72 sectors,
2019–2024: 22,464 sector-weeks × 47 columns).

    python -m bench.panel [--quick]

Imports the shipped file with ``ceasefire import incidents --sample cdmx``, then times, as
medians of several runs (``--quick``: one): building the panel (database read + pandas),
encoding it as CSV with its codebook, as XLSX with its codebook sheet, and the whole
``ceasefire export panel`` command (start-up, migrations check, build, write). SQLite, and
PostgreSQL when ``CEASEFIRE_TEST_POSTGRES_URL`` is set. Writes ``bench/results/panel.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import PG_ENV, database_url, median, print_table, write_result
from bot.app.cli import main
from bot.reports import exports
from bot.runtime.settings import load_settings
from storage.engine import Database

NOW = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)


def _timed(fn, runs: int) -> float:  # noqa: ANN001 (any callable)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return median(times, 3)


def _quiet_main(argv: list[str]) -> int:
    with contextlib.redirect_stdout(io.StringIO()):
        return main(argv)


def bench_backend(backend: str, runs: int) -> dict[str, object]:
    with database_url(backend) as url, tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.toml"
        config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
        assert (
            _quiet_main(["--config", str(config), "import", "incidents", "--sample", "cdmx"]) == 0
        )
        settings = load_settings(None, sectors={"comparison": ["Tacubaya", "Hipódromo"]})
        db = Database(url)
        frame = db.call(exports.build, "panel", settings=settings, now=NOW)
        result: dict[str, object] = {
            "backend": backend,
            "rows": len(frame),
            "columns": frame.shape[1],
            "build_s": _timed(
                lambda: db.call(exports.build, "panel", settings=settings, now=NOW), runs
            ),
            "csv_s": _timed(
                lambda: exports.documents(frame, "panel", "csv", settings=settings, stem="p"), runs
            ),
            "xlsx_s": _timed(
                lambda: exports.documents(frame, "panel", "xlsx", settings=settings, stem="p"), 1
            ),
        }
        db.close()
        out = str(Path(tmp) / "panel.csv")
        argv = ["--config", str(config), "export", "panel", "--output", out]
        result["cli_export_csv_s"] = _timed(lambda: _quiet_main(argv), runs)
        return result


def run(quick: bool) -> dict[str, object]:
    runs = 1 if quick else 5
    backends = ["sqlite"] + (["postgresql"] if os.environ.get(PG_ENV) else [])
    rows = [bench_backend(b, runs) for b in backends]
    print_table(
        rows, ["backend", "rows", "columns", "build_s", "csv_s", "xlsx_s", "cli_export_csv_s"]
    )
    result = {"runs": runs, "results": rows}
    write_result("panel", result)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    run(parser.parse_args().quick)
