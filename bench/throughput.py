"""Benchmark: update throughput of the real bot against python-telegram-bot's own floor.

    python -m bench.throughput [--quick]

The same in-process fake Bot API serves (a) a bare PTB Application whose only handlers reply
"ok" (a command) or answer a button press, and (b) the real bot, for: ``/help``; a button
press (a status change recorded and the message edited); ``/update N done`` (a status
update written); ``/actions`` for an agency with 200 open items (a paged list). 2,000 updates
each (``--quick``: 300), processed as polling would deliver them; medians of runs, ratios
measured side by side. A third app, the *same-messages floor*, answers each update with
exactly the Bot API calls the real bot made for it (same texts, buttons, entities): the
difference between it and the real bot is the bot's own work (database, authorization,
rendering), apart from what python-telegram-bot spends on richer messages. SQLite, and
PostgreSQL when ``CEASEFIRE_TEST_POSTGRES_URL`` is set.
Writes ``bench/results/throughput.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time
import warnings
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler
from telegram.warnings import PTBUserWarning

from bench.common import backends, database_url, median, print_table, write_result
from bot.app.application import build_application
from bot.runtime.settings import load_settings
from domain.errors import DomainError
from fakegram import FakeBotApi, FakeRequest
from fakegram.driver import ChatDriver
from storage.engine import Database
from storage.models.items import ActionItem
from storage.models.members import Agency, Member

COORD, STAFF = 101, 202
NOW = datetime(2026, 11, 30, 16, tzinfo=UTC)
# In this order: ``update`` marks every item done, and ``actions`` must list 200 open ones.
TARGETS = {"help": 3.0, "button": 3.0, "actions": 5.0, "update": 5.0}


def seed(db: Database) -> None:
    with db.session() as session, session.begin():
        session.execute(insert(Agency), [{"code": "SSC", "name": "Seguridad", "created_at": NOW}])
        session.execute(
            insert(Member),
            [
                {
                    "telegram_id": COORD,
                    "display_name": "C",
                    "role": "coordinator",
                    "active": True,
                    "started_bot": True,
                    "created_at": NOW,
                    "private_reminders": True,
                },
                {
                    "telegram_id": STAFF,
                    "display_name": "S",
                    "role": "agency",
                    "agency_id": 1,
                    "active": True,
                    "started_bot": True,
                    "created_at": NOW,
                    "private_reminders": True,
                },
            ],
        )
        session.execute(
            insert(ActionItem),
            [
                {
                    "agency_id": 1,
                    "text": f"Acción {n} de seguimiento en cuadrante {n % 12}",
                    "status": "open",
                    "due_at": NOW + timedelta(days=n % 20 - 5),
                    "created_by": 1,
                    "created_at": NOW,
                    "status_since": NOW,
                }
                for n in range(200)
            ],
        )


SENDS = frozenset({"sendMessage", "editMessageText", "answerCallbackQuery"})
ANSWERS_TRUE = frozenset({"answerCallbackQuery"})  # the others answer with a Message


def replay_app(api: FakeBotApi, answers: list[list[tuple[str, dict]]]) -> Application:  # type: ignore[type-arg]
    """Answers the n-th update with the calls of ``answers[n % len]`` (the real bot's calls
    for updates of the same kind), parsing the results as python-telegram-bot does."""
    turn = itertools.count()

    async def replay(update: Update, context: object) -> None:
        for method, params in answers[next(turn) % len(answers)]:
            params = {**params}
            if "chat_id" in params:
                params["chat_id"] = update.effective_chat.id  # type: ignore[union-attr]
            if method == "editMessageText":
                params["message_id"] = update.callback_query.message.message_id  # type: ignore[union-attr]
            if method == "answerCallbackQuery":
                params["callback_query_id"] = update.callback_query.id  # type: ignore[union-attr]
            await app.bot.do_api_request(
                method, api_kwargs=params, return_type=None if method in ANSWERS_TRUE else Message
            )

    # do_api_request on a method PTB knows warns; here it is the point (the real bot's calls).
    warnings.filterwarnings("ignore", "Please use 'Bot.", category=PTBUserWarning)
    app = Application.builder().token("1:floor").request(FakeRequest(api)).build()
    app.add_handler(CommandHandler(["help", "update", "actions"], replay))
    app.add_handler(CallbackQueryHandler(replay))
    return app


def bare_app(api: FakeBotApi) -> Application:  # type: ignore[type-arg]
    """The floor: python-telegram-bot with handlers that do the minimum."""

    async def ok(update: Update, context: object) -> None:
        await update.effective_message.reply_text("ok")  # type: ignore[union-attr]

    async def press(update: Update, context: object) -> None:
        query = update.callback_query
        await query.answer()  # type: ignore[union-attr]
        await query.edit_message_text(f"ok {query.data}")  # type: ignore[union-attr]

    app = Application.builder().token("1:bench").request(FakeRequest(api)).build()
    app.add_handler(CommandHandler(["help", "update", "actions"], ok))
    app.add_handler(CallbackQueryHandler(press))
    return app


async def run(
    app: Application,  # type: ignore[type-arg]
    api: FakeBotApi,
    kind: str,
    *,
    count: int,
    message_id: int,
    first: int = 0,
) -> float:
    """Updates per second for ``count`` updates of ``kind`` (the ``first``-th onwards)."""
    updates = []
    for n in range(first, first + count):
        if kind == "button":
            status = ("done", "progress")[n % 2]
            data = f"st:1:{status}"
            message = api.sent_by_id[message_id]
            data = next(
                (
                    raw
                    for (_, logical), (_, raw) in zip(
                        message.buttons, message.raw_buttons, strict=True
                    )
                    if logical == data
                ),
                data,
            )
            updates.append(api.callback_update(STAFF, STAFF, message_id, data=data))
        else:
            text = {
                "help": "/help",
                "update": f"/update {n % 200 + 1} done",
                "actions": "/actions",
            }[kind]
            updates.append(api.message_update(STAFF, STAFF, text))
    started = time.perf_counter()
    for update in updates:
        await app.process_update(Update.de_json(update, app.bot))
    return count / (time.perf_counter() - started)


async def measure(backend: str, url: str, *, count: int, repeats: int) -> list[dict]:
    db = Database(url)
    db.upgrade()
    seed(db)
    api = FakeBotApi(clock=lambda: NOW)
    for user in (COORD, STAFF):
        api.add_user(user, f"u{user}", "en")
        api.started.add(user)
    settings = load_settings(
        None,
        database={"url": url},
        access={"coordinators": [COORD]},
        telegram={"rate_limit": False},
        locale={"language": "en"},
    )
    real = build_application(settings, FakeRequest(api), database=db, clock=lambda: NOW)
    bare = bare_app(api)
    rows = []
    async with ChatDriver(real, api, expected=(DomainError,)) as driver:
        await bare.initialize()
        # A message with the item's buttons, to press: from the real bot (signed) and plain.
        card = (await driver.send(COORD, STAFF, "/update 1 progress"))[0]
        plain = await bare.bot.send_message(
            STAFF,
            "card",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("x", callback_data="st:1:done")]]
            ),
        )
        api.sent_by_id = {s.message_id: s for s in api.sent}
        for kind in TARGETS:
            answers = []
            for n in range(2):  # a button press alternates done / in progress
                before = len(api.calls)
                await run(real, api, kind, count=1, message_id=card.message_id, first=n)
                answers.append([c for c in api.calls[before:] if c[0] in SENDS])
            floor = replay_app(api, answers)
            await floor.initialize()
            runs: dict[str, list[float]] = {"bare": [], "floor": [], "real": []}
            for _ in range(repeats):
                runs["bare"].append(
                    await run(bare, api, kind, count=count, message_id=plain.message_id)
                )
                api.sent_by_id = {s.message_id: s for s in api.sent}
                runs["floor"].append(
                    await run(floor, api, kind, count=count, message_id=card.message_id)
                )
                runs["real"].append(
                    await run(real, api, kind, count=count, message_id=card.message_id)
                )
            await floor.shutdown()
            bare_rate, floor_rate, real_rate = (median(runs[k], 1) for k in runs)
            rows.append(
                {
                    "backend": backend,
                    "update": kind,
                    "bare_per_s": bare_rate,
                    "same_msgs_per_s": floor_rate,
                    "real_per_s": real_rate,
                    "ratio": round(bare_rate / real_rate, 2),
                    "target": TARGETS[kind],
                    "own_ratio": round(floor_rate / real_rate, 2),
                }
            )
        await bare.shutdown()
        assert driver.errors == [] and api.violations == [], (driver.errors, api.violations[:3])
    db.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    count, repeats = (300, 3) if args.quick else (2000, 3)
    rows = []
    for backend in backends():
        with database_url(backend) as url:
            rows += asyncio.run(measure(backend, url, count=count, repeats=repeats))
    write_result("throughput", {"quick": args.quick, "updates": count, "results": rows})
    print_table(
        rows,
        [
            "backend",
            "update",
            "bare_per_s",
            "same_msgs_per_s",
            "real_per_s",
            "ratio",
            "target",
            "own_ratio",
        ],
    )


if __name__ == "__main__":
    main()
