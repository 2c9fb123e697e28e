"""Benchmark: 50 button presses within one second while a weekly report renders.

    python -m bench.burst [--quick]

On the ``bench.reports`` data set (``--quick``: a tenth), 50 agency members each hold an
item card sent by the bot. The bot runs as in production: the durable poller reads updates
from the fake Bot API's ``getUpdates`` (stored, processed, confirmed). At the moment a
weekly report starts (as the reminder sweep starts it, a task beside the poller), the 50
presses arrive 20 ms apart. Timed per press: from arrival in ``getUpdates`` to the bot's
``answerCallbackQuery``; also whether every press was answered and recorded, and the
longest extra delay of a 10 ms ticker on the event loop. Two scenarios: the report posted
by the scheduler, and the report asked for with ``/reporte`` in the group, which goes
through the same update queue as the presses; the ticker runs until the report is posted.
The fake API reads only the album's image headers: decoding five PNGs is Telegram's work,
but here it would run on the bot's event loop. Medians of the per-run p50/p95/max.
Writes ``bench/results/burst.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select

from bench.common import LoopWatch, median, print_table, write_result
from bench.reports import CHAT, NOW, SECTORS, build_database
from bot.app.application import build_application
from bot.app.intake import DurablePoller
from bot.chat.send import send_album
from bot.reports.weekly import week_end_of, weekly_report
from bot.runtime.container import runtime_of
from bot.runtime.settings import load_settings
from domain.errors import DomainError
from fakegram import FakeBotApi, FakeRequest
from fakegram.driver import ChatDriver
from storage.engine import Database
from storage.models.items import ActionItem, StatusUpdate
from storage.models.members import Member

PRESSES, SPACING = 50, 0.02
COORD = 1  # the data set's coordinator
TARGETS = {"p95_ms": 500, "loop_max_block_ms": 100}


def add_members(url: str) -> list[tuple[int, int]]:
    """One member per agency 1..50, each with a new open item of theirs: (telegram id, item)."""
    db = Database(url)
    pairs = []
    with db.session() as session, session.begin():
        session.execute(
            insert(Member),
            [
                {
                    "telegram_id": 5000 + n,
                    "display_name": f"M{n}",
                    "role": "agency",
                    "agency_id": n,
                    "active": True,
                    "started_bot": True,
                    "created_at": NOW,
                    "private_reminders": True,
                }
                for n in range(1, PRESSES + 1)
            ],
        )
        for n in range(1, PRESSES + 1):
            item = session.execute(
                insert(ActionItem)
                .values(
                    agency_id=n,
                    group_id=1,
                    kind="referral",
                    text=f"Burst item {n}",
                    status="open",
                    due_at=NOW + timedelta(days=2),
                    created_by=1,
                    created_at=NOW,
                    status_since=NOW,
                )
                .returning(ActionItem.id)
            ).scalar_one()
            pairs.append((5000 + n, item))
    db.close()
    return pairs


def press_count(url: str) -> int:
    db = Database(url)
    with db.session() as session:
        count = session.execute(
            select(func.count()).select_from(StatusUpdate).where(StatusUpdate.status == "done")
        ).scalar_one()
    db.close()
    return int(count)


async def one_run(url: str, pairs: list[tuple[int, int]], scenario: str) -> dict[str, Any]:
    settings = load_settings(
        None,
        database={"url": url},
        access={"coordinators": [COORD]},
        telegram={"rate_limit": False},
        sectors={"comparison": SECTORS[3:]},
    )
    api = FakeBotApi(clock=lambda: NOW)
    api.decode_images = False  # Telegram's work, not the bot's (see fakegram.media)
    api.add_user(COORD, "Coord", "es")
    api.add_group(CHAT, "G")
    for user, _ in pairs:
        api.add_user(user, f"u{user}", "es")
        api.started.add(user)
    app = build_application(settings, FakeRequest(api), clock=lambda: NOW)
    runtime = runtime_of(app)
    answered: dict[str, float] = {}
    original = api._m_answerCallbackQuery

    def answer(params: dict[str, Any]) -> bool:
        answered[params["callback_query_id"]] = time.perf_counter()
        return original(params)

    api._m_answerCallbackQuery = answer  # type: ignore[method-assign]
    async with ChatDriver(app, api, expected=(DomainError,)) as driver:
        cards = []
        for user, item in pairs:
            sent = await driver.send(user, user, f"/update {item} progress")
            cards.append((user, sent[0]))
        poller = DurablePoller(app, timeout=1)
        polling = asyncio.create_task(poller.run())
        watch = LoopWatch()
        watch.start()
        if scenario == "scheduled":

            async def post() -> None:  # what the sweep does for a due weekly report
                built = await weekly_report(runtime, CHAT, week_end_of(NOW, settings))
                await send_album(app.bot, CHAT, built.charts)

            report = asyncio.create_task(post())
        else:
            api.push_update(api.message_update(COORD, CHAT, "/reporte"))
            report = None
        await asyncio.sleep(0.05)  # the report has started
        arrived: dict[str, float] = {}
        for user, card in cards:
            data = next(
                raw
                for (_, logical), (_, raw) in zip(card.buttons, card.raw_buttons, strict=True)
                if logical.endswith(":done")
            )
            update = api.callback_update(user, user, card.message_id, data=data)
            arrived[update["callback_query"]["id"]] = time.perf_counter()
            api.push_update(update)
            await asyncio.sleep(SPACING)
        deadline = time.perf_counter() + 30
        while (
            len(answered.keys() & arrived.keys()) < len(arrived) and time.perf_counter() < deadline
        ):
            await asyncio.sleep(0.01)
        if report is not None:
            await report
        await poller.drain()  # the /reporte: the ticker runs until it is posted
        await watch.stop()
        poller.stop()
        polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
        assert any(s.chat_id == CHAT for s in api.sent), "the report was not posted"
        assert driver.errors == [] and api.violations == [], (driver.errors, api.violations)
    runtime.db.close()
    waits = sorted((answered[q] - t) * 1000 for q, t in arrived.items() if q in answered)
    return {
        "answered": len(waits),
        "p50_ms": statistics.median(waits),
        "p95_ms": waits[int(0.95 * (len(waits) - 1))],
        "max_ms": waits[-1],
        "loop_max_block_ms": watch.max_block_ms,
    }


async def measure(scale: float, repeats: int) -> list[dict[str, Any]]:
    rows = []
    for scenario in ("scheduled", "command"):
        runs = []
        for _ in range(repeats):
            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite:///{tmp}/burst.db"
                build_database(url, scale)
                pairs = add_members(url)
                run = await one_run(url, pairs, scenario)
                run["recorded"] = press_count(url)
                runs.append(run)
        rows.append(
            {
                "scenario": scenario,
                "presses": PRESSES,
                "answered_min": min(r["answered"] for r in runs),
                "recorded_min": min(r["recorded"] for r in runs),
                **{
                    key: median([r[key] for r in runs], 1)
                    for key in ("p50_ms", "p95_ms", "max_ms", "loop_max_block_ms")
                },
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    scale, repeats = (0.1, 3) if args.quick else (1.0, 3)
    rows = asyncio.run(measure(scale, repeats))
    write_result("burst", {"quick": args.quick, "targets": TARGETS, "results": rows})
    print_table(
        rows,
        [
            "scenario",
            "presses",
            "answered_min",
            "recorded_min",
            "p50_ms",
            "p95_ms",
            "max_ms",
            "loop_max_block_ms",
        ],
    )


if __name__ == "__main__":
    main()
