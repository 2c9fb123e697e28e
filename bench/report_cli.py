"""Benchmark: ``ceasefire report`` for one sector over 2019–2024 on the shipped real file.

    python -m bench.report_cli [--quick]

Imports the real CDMX file (6,979 incidents) into a fresh SQLite database, then times, as
medians of several runs: the whole command in-process (migrations check, read, five charts
and the summary written to disk) and the drawing alone (``weekly.build``: 313 weekly bars,
rolling means, coverage bands). Writes ``bench/results/report_cli.json``. Target: < 3 s.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bench.common import median, write_result
from bot.app.cli import main
from bot.reports.weekly import build, load_sectors
from bot.runtime.settings import load_settings
from bot.views.i18n import Catalog
from storage.engine import Database

ARGS = ["--sector", "Plateros", "--comparison", "Santa Fe,Alpes,San Ángel"]


def run(runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'real.db'}"
        config = Path(folder) / "config.toml"
        config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["--config", str(config), "import", "incidents", "--sample", "cdmx"]) == 0
        command, drawing = [], []
        settings = load_settings(config)
        zone = settings.locale.zone
        week_end = datetime(2024, 12, 30, tzinfo=zone)
        database = Database(url)
        data = database.call(
            load_sectors,
            ["Plateros"],
            ["Santa Fe", "Alpes", "San Ángel"],
            settings=settings,
            week_end=week_end,
            since=date(2019, 1, 1),
        )
        database.close()
        catalog = Catalog("es", zone)
        for n in range(runs):
            out = Path(folder) / f"out{n}"
            started = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                since = ["--since", "2019-01-01", "--output", str(out)]
                code = main(["--config", str(config), "report", *ARGS, *since])
            command.append(time.perf_counter() - started)
            assert code == 0 and len(list(out.glob("*.png"))) == 5
            started = time.perf_counter()
            build(data, settings, catalog, week_end=week_end, now=datetime.now(UTC))
            drawing.append(time.perf_counter() - started)
    return {"report_command_s": median(command, 3), "report_build_s": median(drawing, 3)}


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 runs instead of 7")
    args = parser.parse_args()
    result = run(3 if args.quick else 7)
    for key, value in result.items():
        print(f"{key:>20}  {value:.3f}")
    write_result("report_cli", result)


if __name__ == "__main__":
    cli()
