"""Benchmark: the weekly report to 100 groups at Telegram's rate limits.

    python -m bench.fanout [--quick]

100 coordination groups (``--quick``: 20), one sector each, with incidents over a year and
open and closed action items of 60 agencies. The fake Bot API enforces Telegram's flood
limits (``fakegram.limits``: 30 messages/s overall, 20/min per group, an album counting
per photo; 429 with ``retry_after`` past them) and reads only image headers. One reminder
sweep, as the scheduler runs it at the weekly slot, with python-telegram-bot's
``AIORateLimiter``: the album (5 charts) and the summary to every group. Timed: the sweep
from start to the last message, against the minimum those limits allow (messages / 30 s);
counted: 429s received, notifications not sent, groups missing their album or summary.
With one renderer process (the default) and with two (``[reports] renderers``), drawing
at the slot; and with the reports drawn ahead of the slot (``[reports]
draw_ahead_minutes``, the default), the drawing timed apart.
Writes ``bench/results/fanout.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select

from bench.common import median, print_table, write_result
from bot.app.application import build_application
from bot.reminders.ahead import draw_ahead
from bot.reminders.sweep import sweep
from bot.runtime.container import runtime_of
from bot.runtime.settings import load_settings
from fakegram import FakeBotApi, FakeRequest
from fakegram.limits import FloodControl
from storage.engine import Database
from storage.models.groups import CoordinationGroup, GroupSector, Sector
from storage.models.incidents import Incident
from storage.models.items import ActionItem
from storage.models.members import Agency, Member
from storage.models.reminders import Notification

NOW = datetime(2026, 11, 30, 14, 5, tzinfo=UTC)  # Monday 08:05 in Mexico City
SLOT = datetime(2026, 11, 30, 14, tzinfo=UTC)  # the default weekly slot, Monday 08:00
PER_SECOND, ALBUM = 30, 5
TARGET_RATIO = 1.3


def populate(url: str, groups: int) -> None:
    rng = np.random.default_rng(5)
    start = NOW - timedelta(days=365)
    db = Database(url)
    db.upgrade()
    with db.session() as session, session.begin():
        session.execute(
            insert(Member),
            [{"telegram_id": 1, "display_name": "C", "role": "coordinator", "created_at": start}],
        )
        session.execute(
            insert(Agency),
            [{"code": f"A{n:02d}", "name": f"Agency {n}", "created_at": start} for n in range(60)],
        )
        session.execute(
            insert(Sector),
            [
                {"name": f"Sector {n}", "key": f"sector {n}", "prefix": f"S{n:03d}"}
                for n in range(groups)
            ],
        )
        session.execute(
            insert(CoordinationGroup),
            [
                {"chat_id": -1000 - n, "title": f"G{n}", "registered_by": 1, "created_at": start}
                for n in range(groups)
            ],
        )
        session.execute(
            insert(GroupSector), [{"group_id": n + 1, "sector_id": n + 1} for n in range(groups)]
        )
        incidents, items = [], []
        for g in range(groups):
            for k in range(150):
                moment = start + timedelta(seconds=int(rng.integers(0, 365 * 86400)))
                incidents.append(
                    {
                        "code": f"S{g:03d}-{k:04d}",
                        "sector_id": g + 1,
                        "year": moment.year,
                        "seq": k,
                        "type": "homicide" if k % 3 == 0 else "nonfatal",
                        "classification": "homicide" if k % 3 == 0 else "nonfatal",
                        "occurred_at": moment,
                        "time_known": True,
                        "place": "",
                        "victims": int(k % 3 == 0),
                        "injured": int(k % 3 != 0),
                        "notes": "",
                        "created_by": 1,
                        "created_at": moment,
                    }
                )
            for k in range(60):
                made = NOW - timedelta(hours=int(rng.integers(24, 60 * 24)))
                done = k % 2 == 0
                items.append(
                    {
                        "agency_id": int(rng.integers(1, 61)),
                        "group_id": g + 1,
                        "kind": "referral",
                        "text": f"Item {g}-{k}",
                        "status": "done" if done else "progress",
                        "due_at": NOW + timedelta(days=30)
                        if not done
                        else made + timedelta(days=3),
                        "created_by": 1,
                        "created_at": made,
                        "closed_at": made + timedelta(days=2) if done else None,
                        "status_since": made,
                    }
                )
        session.execute(insert(Incident), incidents)
        session.execute(insert(ActionItem), items)
    db.close()


async def one_run(url: str, groups: int, *, renderers: int, ahead: bool) -> dict[str, Any]:
    settings = load_settings(
        None,
        database={"url": url},
        access={"coordinators": [1]},
        reports={"renderers": renderers, "draw_ahead_minutes": 15 if ahead else 0},
    )
    api = FakeBotApi(clock=lambda: NOW)
    api.decode_images = False  # Telegram's work, not the bot's
    api.flood_control = FloodControl(per_second=PER_SECOND)
    for n in range(groups):
        api.add_group(-1000 - n, f"G{n}")
    app = build_application(settings, FakeRequest(api), clock=lambda: NOW)
    await app.initialize()
    started = time.perf_counter()
    # As the scheduler's draw-ahead job would, ten minutes before the 08:00 slot.
    drawn = await draw_ahead(runtime_of(app), SLOT - timedelta(minutes=10))
    drawing = time.perf_counter() - started
    assert drawn == (groups if ahead else 0)
    started = time.perf_counter()
    outcome = await sweep(app, NOW)
    elapsed = time.perf_counter() - started
    await app.shutdown()
    db = Database(url)
    with db.session() as session:
        states = dict(
            session.execute(
                select(Notification.state, func.count()).group_by(Notification.state)
            ).all()
        )
    db.close()
    per_group: dict[int, list[str]] = {}
    for sent in api.sent:
        per_group.setdefault(sent.chat_id, []).append(sent.method)
    complete = sum(
        1
        for methods in per_group.values()
        if methods.count("sendMediaGroup") == 1 and "sendMessage" in methods
    )
    messages = sum(ALBUM if m == "sendMediaGroup" else 1 for ms in per_group.values() for m in ms)
    minimum = messages / PER_SECOND
    return {
        "drawn_ahead_s": drawing,
        "elapsed_s": elapsed,
        "minimum_s": minimum,
        "ratio": elapsed / minimum,
        "messages": messages,
        "refused_429": api.flood_control.refused,
        "not_sent": sum(v for k, v in states.items() if k != "sent"),
        "groups_complete": complete,
        "sweep": str(outcome),
    }


async def measure(groups: int, repeats: int, *, renderers: int, ahead: bool) -> dict[str, Any]:
    runs = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/fanout.db"
            populate(url, groups)
            runs.append(await one_run(url, groups, renderers=renderers, ahead=ahead))
    return {
        "drawn_ahead": ahead,
        "renderers": renderers,
        "groups": groups,
        "drawing_ahead_s": median([r["drawn_ahead_s"] for r in runs], 2),
        "messages": runs[0]["messages"],
        "elapsed_s": median([r["elapsed_s"] for r in runs], 2),
        "minimum_s": round(runs[0]["minimum_s"], 2),
        "ratio": median([r["ratio"] for r in runs], 2),
        "refused_429": max(r["refused_429"] for r in runs),
        "not_sent_max": max(r["not_sent"] for r in runs),
        "groups_complete_min": min(r["groups_complete"] for r in runs),
        "target_ratio": TARGET_RATIO,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    groups, repeats = (20, 3) if args.quick else (100, 3)
    rows = [
        asyncio.run(measure(groups, repeats, renderers=renderers, ahead=ahead))
        for ahead, renderers in ((False, 1), (False, 2), (True, 1))
    ]
    write_result("fanout", {"quick": args.quick, "results": rows})
    print_table(rows, list(rows[0]))


if __name__ == "__main__":
    main()
