"""Benchmark: one reminder sweep at city scale — find and claim what is due (no sending).

    python -m bench.sweep [--quick]

100,000 open action items across 60 agencies and 200 groups, 2,000 of them due now
(``--quick``: a tenth). Times, as a median of several runs on fresh copies of the due rows,
the planning + claiming transaction of a sweep, and shows with EXPLAIN which index the
due-items query uses. SQLite always; PostgreSQL too when ``CEASEFIRE_TEST_POSTGRES_URL``
is set. Writes ``bench/results/sweep.json``.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import delete, insert, text

from bench.common import backends, database_url, median, print_table, write_result
from bot.reminders.plan import Clockwork
from bot.reminders.sweep import _prepare
from bot.runtime.container import Runtime
from bot.runtime.settings import load_settings
from storage.engine import Database
from storage.models.groups import CoordinationGroup
from storage.models.items import ActionItem
from storage.models.members import Agency, Member
from storage.models.reminders import Notification

NOW = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)  # Wednesday 10:00 in Mexico City


def populate(db: Database, scale: float) -> dict[str, int]:
    rng = np.random.default_rng(3)
    n_items, n_due = int(100_000 * scale), int(2_000 * scale)
    with db.session() as session, session.begin():
        session.execute(
            insert(Agency),
            [{"code": f"A{n:02d}", "name": f"Agency {n}", "created_at": NOW} for n in range(60)],
        )
        session.execute(
            insert(Member),
            [
                {
                    "telegram_id": 10_000 + n,
                    "display_name": f"Staff {n}",
                    "role": "agency",
                    "agency_id": n + 1,
                    "active": True,
                    "started_bot": True,
                    "created_at": NOW,
                    "private_reminders": True,
                }
                for n in range(60)
            ],
        )
        session.execute(
            insert(Member),
            [
                {
                    "telegram_id": 1,
                    "display_name": "C",
                    "role": "coordinator",
                    "active": True,
                    "started_bot": False,
                    "created_at": NOW,
                    "private_reminders": True,
                }
            ],
        )
        session.execute(
            insert(CoordinationGroup),
            [
                {"chat_id": -1000 - n, "title": f"G{n}", "registered_by": 61, "created_at": NOW}
                for n in range(200)
            ],
        )
        rows = []
        for i in range(n_items):
            due = (
                NOW - timedelta(minutes=int(rng.integers(1, 50)))
                if i < n_due
                else NOW + timedelta(days=int(rng.integers(3, 90)))
            )
            rows.append(
                {
                    "agency_id": int(rng.integers(1, 61)),
                    "group_id": int(rng.integers(1, 201)),
                    "text": f"Item {i}",
                    "status": "open",
                    "due_at": due,
                    "created_by": 61,
                    "created_at": NOW - timedelta(days=10),
                    "status_since": NOW,
                }
            )
        for chunk in range(0, len(rows), 5000):
            session.execute(insert(ActionItem), rows[chunk : chunk + 5000])
    return {"items": n_items, "due_now": n_due, "agencies": 60, "groups": 200}


def explain(db: Database) -> str:
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            rows = connection.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT id FROM action_item WHERE status IN "
                    "('open','progress','blocked') AND due_at <= :t"
                ),
                {"t": NOW.replace(tzinfo=None)},
            )
            return " | ".join(str(r[-1]) for r in rows)
        rows = connection.execute(
            text(
                "EXPLAIN SELECT id FROM action_item WHERE status IN ('open','progress','blocked') "
                "AND due_at <= :t"
            ),
            {"t": NOW.replace(tzinfo=None)},
        )
        return " | ".join(r[0] for r in rows)


def measure(backend: str, url: str, *, scale: float, repeats: int) -> dict:
    db = Database(url)
    db.upgrade()
    sizes = populate(db, scale)
    settings = load_settings(None, database={"url": url})
    runtime = Runtime(settings=settings, db=db, catalog=None)  # type: ignore[arg-type]
    clockwork = Clockwork.from_settings(settings)
    runs, claimed = [], 0
    for _ in range(repeats):
        db.call(lambda s: s.execute(delete(Notification)))
        started = time.perf_counter()
        _planned, _summarised, rows = db.call(
            _prepare, clockwork, NOW, instance=runtime.instance, limit=10_000
        )
        runs.append(time.perf_counter() - started)
        claimed = len(rows)
    plan = explain(db)
    db.close()
    return {
        "backend": backend,
        **sizes,
        "claimed": claimed,
        "sweep_s": median(runs, 3),
        "target_s": 1.0,
        "explain": plan,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    scale, repeats = (0.1, 3) if args.quick else (1.0, 5)
    results = []
    for backend in backends():
        with database_url(backend) as url:
            results.append(measure(backend, url, scale=scale, repeats=repeats))
    write_result("sweep", {"quick": args.quick, "results": results})
    print_table(results, ["backend", "items", "due_now", "claimed", "sweep_s", "target_s"])
    for r in results:
        print(f"{r['backend']} plan: {r['explain']}")


if __name__ == "__main__":
    main()
