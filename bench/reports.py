"""Benchmark: KPIs, the full weekly report and the panel export on a large database, and
how long the event loop is blocked while a report renders.

    python -m bench.reports [--quick]

Builds 5 sectors × 5 years of incidents, 60 agencies, 100,000 action items with 400,000
updates (``--quick``: a tenth), then times, as medians of several runs: the KPI table for
one group, the weekly report (data + five charts), and the panel export. While one report
renders as the bot renders it (``weekly_report``: database thread + worker thread), a 10 ms
ticker on the event loop records the longest gap between its ticks.
Writes ``bench/results/reports.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import insert

from bench.common import LoopWatch, median, write_result
from bot.app.application import build_application
from bot.reports import exports
from bot.reports.kpi_text import kpi_table
from bot.reports.weekly import week_end_of, weekly_report
from bot.runtime.container import runtime_of
from bot.runtime.settings import load_settings
from fakegram import FakeBotApi, FakeRequest
from storage.engine import Database
from storage.models.groups import CoordinationGroup, GroupSector, Sector
from storage.models.incidents import Incident
from storage.models.items import ActionItem, StatusUpdate
from storage.models.members import Agency, Member

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
SECTORS = ["Plateros", "Olivar del Conde", "Santa Fe", "Tacubaya", "Hipódromo"]
CHAT = -100777


def build_database(url: str, scale: float) -> dict[str, int]:
    """Bulk-load the benchmark data set; returns its sizes."""
    rng = np.random.default_rng(1)
    db = Database(url)
    db.upgrade()
    start = NOW - timedelta(days=5 * 365)
    with db.session() as session, session.begin():
        session.add(Member(telegram_id=1, display_name="C", role="coordinator", created_at=start))
        session.flush()
        sector_ids = []
        for n, name in enumerate(SECTORS):
            sector = Sector(name=name, key=name.lower(), prefix=f"S{n:02d}")
            session.add(sector)
            session.flush()
            sector_ids.append(sector.id)
        group = CoordinationGroup(chat_id=CHAT, title="G", registered_by=1, created_at=start)
        session.add(group)
        session.flush()
        for sector_id in sector_ids[:3]:
            session.add(GroupSector(group_id=group.id, sector_id=sector_id))
        agencies = [
            {"code": f"A{n:02d}", "name": f"Agency {n}", "created_at": start} for n in range(60)
        ]
        session.execute(insert(Agency), agencies)
        incidents = []
        weeks = 5 * 52
        for s, sector_id in enumerate(sector_ids):
            count = int(weeks * 3)
            moments = np.sort(rng.integers(0, weeks * 7 * 24 * 3600, count))
            for k, offset in enumerate(moments):
                moment = start + timedelta(seconds=int(offset))
                fatal = bool(rng.random() < 0.4)
                incidents.append(
                    {
                        "code": f"S{s:02d}-{moment.year}-{k:05d}",
                        "sector_id": sector_id,
                        "year": moment.year,
                        "seq": k,
                        "type": "homicide" if fatal else "nonfatal",
                        "classification": "homicide" if fatal else "nonfatal",
                        "occurred_at": moment,
                        "time_known": True,
                        "place": "",
                        "victims": int(fatal),
                        "injured": int(not fatal),
                        "group_code": "G-01" if k % 2 else None,
                        "risk": "high" if k % 4 == 0 else "low",
                        "notes": "",
                        "created_by": 1,
                        "created_at": moment,
                        "reviewed_at": moment + timedelta(days=3),
                    }
                )
        session.execute(insert(Incident), incidents)
        n_items = int(100_000 * scale)
        offsets = rng.integers(0, 5 * 365 * 86400, n_items)
        items = []
        for i in range(n_items):
            made = start + timedelta(seconds=int(offsets[i]))
            due = made + timedelta(hours=int(rng.integers(24, 200)))
            done = made < NOW - timedelta(days=30) or rng.random() < 0.5
            closed = made + timedelta(hours=int(rng.integers(2, 300))) if done else None
            items.append(
                {
                    "agency_id": int(rng.integers(1, 61)),
                    "group_id": group.id,
                    "kind": "referral",
                    "text": f"Item {i}",
                    "status": "done" if done else str(rng.choice(["open", "progress", "blocked"])),
                    "due_at": due,
                    "created_by": 1,
                    "created_at": made,
                    "closed_at": closed,
                    "status_since": closed or made,
                }
            )
        for chunk in range(0, len(items), 5000):
            session.execute(insert(ActionItem), items[chunk : chunk + 5000])
        updates = []
        for i in range(int(400_000 * scale)):
            item = items[i % n_items]
            updates.append(
                {
                    "item_id": i % n_items + 1,
                    "member_id": 1,
                    "status": "progress",
                    "note": "",
                    "created_at": item["created_at"] + timedelta(hours=i % 90),
                }
            )
        for chunk in range(0, len(updates), 10000):
            session.execute(insert(StatusUpdate), updates[chunk : chunk + 10000])
    db.close()
    return {"incidents": len(incidents), "items": n_items, "updates": len(updates)}


async def measure(url: str, repeats: int) -> dict[str, float]:
    settings = load_settings(
        None,
        database={"url": url},
        telegram={"rate_limit": False},
        sectors={"comparison": SECTORS[3:]},
    )
    app = build_application(settings, FakeRequest(FakeBotApi()), clock=lambda: NOW)
    runtime = runtime_of(app)
    week_end = week_end_of(NOW, settings)
    kpi_runs, report_runs, panel_runs = [], [], []
    for _ in range(repeats):
        t = time.perf_counter()
        await kpi_table(
            runtime,
            runtime.catalog,
            SECTORS[:3],
            start=week_end - timedelta(weeks=4),
            end=week_end,
        )
        kpi_runs.append(time.perf_counter() - t)
        t = time.perf_counter()
        await weekly_report(runtime, CHAT, week_end)
        report_runs.append(time.perf_counter() - t)
        t = time.perf_counter()
        frame = await runtime.db.run(exports.build, "panel", settings=settings, now=NOW)
        await asyncio.to_thread(exports.encode, frame, "csv")
        panel_runs.append(time.perf_counter() - t)

    watch = LoopWatch()
    watch.start()
    await weekly_report(runtime, CHAT, week_end)
    await watch.stop()
    runtime.db.close()
    return {
        "kpi_s": median(kpi_runs, 3),
        "weekly_report_s": median(report_runs, 3),
        "panel_export_s": median(panel_runs, 3),
        "loop_max_block_ms": round(watch.max_block_ms, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the data, 3 runs")
    args = parser.parse_args()
    scale, repeats = (0.1, 3) if args.quick else (1.0, 5)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        t = time.perf_counter()
        sizes = build_database(url, scale)
        build_s = time.perf_counter() - t
        figures = asyncio.run(measure(url, repeats))
    targets = {"weekly_report_s": 3.0, "panel_export_s": 2.0, "loop_max_block_ms": 100.0}
    result = {
        "quick": args.quick,
        "sizes": sizes,
        "build_s": round(build_s, 1),
        **figures,
        "targets": targets,
    }
    write_result("reports", result)
    print(f"data: {sizes} (built in {build_s:.1f} s)")
    print(f"{'figure':<22}{'median':>10}{'target':>10}")
    for key in ("kpi_s", "weekly_report_s", "panel_export_s", "loop_max_block_ms"):
        target = targets.get(key)
        print(f"{key:<22}{figures[key]:>10}{'' if target is None else target:>10}")


if __name__ == "__main__":
    main()
