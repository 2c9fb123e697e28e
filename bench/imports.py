"""Benchmark: ``ceasefire import incidents`` on the real file and on a 50× enlargement.

    python -m bench.imports [--quick]

Each run is a fresh process on a fresh SQLite database (``ceasefire`` as an operator runs it:
start-up, migrations, reading, checks, storing, commit), timed from outside; its peak RSS is
read from ``resource.getrusage(RUSAGE_CHILDREN)`` after it exits (one child per measuring
process, so the maximum is that run's). The enlargement repeats every row of the shipped
file 50 times (350,000 rows, ids made unique), so the dates, sectors and places stay real.
Targets: the real file under 3 s; 350,000 rows under 60 s with peak RSS under 400 MB.
``--quick``: one run each, a 5× enlargement. Writes ``bench/results/imports.json``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

from bench.common import median, print_table, write_result

REAL = resources.files("bot.input").joinpath("data/cdmx-shootings.csv")


def enlarge(target: Path, times: int) -> int:
    """The real file, each row ``times`` times with unique ids; returns the row count."""
    header, *rows = REAL.read_text("utf-8").splitlines()
    with target.open("w", encoding="utf-8") as out:
        out.write(header + "\n")
        for copy in range(times):
            for row in rows:
                ident, rest = row.split(",", 1)
                out.write(f"{ident}-{copy:02d},{rest}\n")
    return len(rows) * times


def measured(path: Path, tmp: Path) -> tuple[float, float, float]:
    """(seconds, peak RSS in MB, CPU seconds of every process) of one import in a fresh
    process and database. CPU time says what a busy machine's wall time hides."""
    db = tmp / f"bench-{time.monotonic_ns()}.db"
    config = tmp / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{db}"\n', encoding="utf-8")
    probe = (
        "import json, resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "elapsed = time.perf_counter() - start\n"
        "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "cpu = use.ru_utime + use.ru_stime\n"
        "print(json.dumps([done.returncode, elapsed, use.ru_maxrss, cpu, done.stderr[-500:]]))\n"
    )
    command = [sys.executable, "-m", "bot.app.cli", "--config", str(config)]
    command += ["import", "incidents", str(path)]
    out = subprocess.run(
        [sys.executable, "-c", probe, *command], capture_output=True, text=True, check=True
    )
    code, elapsed, peak_kb, cpu, err = json.loads(out.stdout)
    if code != 0:
        raise SystemExit(f"import failed ({code}): {err}")
    db.unlink()
    return elapsed, peak_kb / 1024, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs, times = (1, 5) if args.quick else (3, 50)
    table = []
    with tempfile.TemporaryDirectory() as tmp_name, resources.as_file(REAL) as real:
        tmp = Path(tmp_name)
        big = tmp / "enlarged.csv"
        cases = [("real file", real, 6990), (f"{times}× enlargement", big, enlarge(big, times))]
        for name, path, rows in cases:
            results = [measured(path, tmp) for _ in range(runs if path == real else 1)]
            seconds = median([r[0] for r in results], 2)
            table.append(
                {
                    "case": name,
                    "rows": rows,
                    "seconds": seconds,
                    "rows_per_s": round(rows / seconds),
                    "peak_rss_mb": round(max(r[1] for r in results)),
                    "cpu_s": median([r[2] for r in results], 2),
                }
            )
    print_table(table, list(table[0]))
    write_result("imports", {"runs": runs, "cases": table})


if __name__ == "__main__":
    main()
