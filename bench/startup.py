"""Benchmark: start-up time and memory footprint.

    python -m bench.startup [--quick]

- ``ceasefire --help`` wall time (a subprocess, median of several runs);
- time from process start to the bot's first ``getUpdates`` (``ceasefire run``'s serve loop
  against the in-process fake Bot API, in a subprocess);
- resident memory of that process when idle, and after it has produced a weekly report
  (the renderer process's memory is reported apart).
Writes ``bench/results/startup.json``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import median, print_table, write_result

CHILD = r"""
import asyncio, json, os, sys, time, tempfile
t0 = float(sys.argv[1])
from datetime import UTC, datetime

def rss_mb(pid="self"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0

from bot.app.application import build_application
from bot.app.runner import serve
from bot.runtime.container import runtime_of
from bot.runtime.settings import load_settings
from fakegram import FakeBotApi, FakeRequest

async def main():
    settings = load_settings(
        None, database={"url": sys.argv[2]}, telegram={"port": 0}, metrics={"port": 0}
    )
    from storage.engine import Database
    db = Database(settings.database.url)
    now = datetime(2026, 11, 30, 14, tzinfo=UTC)
    api = FakeBotApi()
    first = {}
    original = api.get_updates
    async def get_updates(params):
        first.setdefault("t", time.time())
        return await original({**params, "timeout": 0})
    api.get_updates = get_updates
    app = build_application(settings, FakeRequest(api), database=db)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, stop))
    while "t" not in first:
        await asyncio.sleep(0.005)
    first_poll = first["t"] - t0
    await asyncio.sleep(1.0)
    idle = rss_mb()
    runtime = runtime_of(app)
    from bot.reports.weekly import week_end_of, weekly_report
    await weekly_report(runtime, -100123, week_end_of(now, settings))
    after = rss_mb()
    renderer = 0.0
    if runtime._renderer is not None:
        renderer = sum(rss_mb(p) for p in runtime._renderer._processes)
    stop.set()
    await task
    print(json.dumps({"first_poll_s": first_poll, "idle_mb": idle,
                      "after_report_mb": after, "renderer_mb": renderer}))

asyncio.run(main())
"""


def help_time() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot.app.cli", "--help"], check=True, capture_output=True)
    return time.perf_counter() - started


def seeded_database(folder: str) -> str:
    """A year of synthetic history to report on (seeded here, not in the measured process)."""
    from datetime import UTC, datetime

    from bot.app.demo.history import HistorySpec, seed_history
    from storage.engine import Database

    url = f"sqlite:///{folder}/startup.db"
    db = Database(url)
    db.upgrade()
    db.call(seed_history, HistorySpec(), datetime(2026, 11, 30, 14, tzinfo=UTC))
    db.close()
    return url


def child(url: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(time.time()), url],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[1],
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    helps = [help_time() for _ in range(repeats)]
    with tempfile.TemporaryDirectory() as folder:
        url = seeded_database(folder)
        runs = [child(url) for _ in range(1 if args.quick else 3)]
    result = {
        "help_s": median(helps, 3),
        "first_poll_s": median([r["first_poll_s"] for r in runs], 3),
        "idle_mb": median([r["idle_mb"] for r in runs], 1),
        "after_report_mb": median([r["after_report_mb"] for r in runs], 1),
        "renderer_mb": median([r["renderer_mb"] for r in runs], 1),
        "targets": {"help_s": 0.5, "idle_mb": 150},
    }
    write_result("startup", {"quick": args.quick, **result})
    print_table(
        [
            {"figure": k, "median": v, "target": result["targets"].get(k, "")}
            for k, v in result.items()
            if k != "targets"
        ],
        ["figure", "median", "target"],
    )


if __name__ == "__main__":
    main()
