"""Helpers shared by the benchmarks: databases, medians, result files, tables."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from storage.engine import normalize_url

RESULTS = Path(__file__).parent / "results"
PG_ENV = "CEASEFIRE_TEST_POSTGRES_URL"


def median(values: list[float], digits: int = 4) -> float:
    return round(statistics.median(values), digits)


def write_result(name: str, result: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, default=str))


def print_table(rows: list[dict], columns: list[str]) -> None:
    widths = [max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for row in rows:
        print("  ".join(str(row.get(c, "")).ljust(w) for c, w in zip(columns, widths, strict=True)))


@contextmanager
def database_url(backend: str) -> Iterator[str]:
    """A fresh SQLite file, or a fresh schema in ``$CEASEFIRE_TEST_POSTGRES_URL``."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"
        return
    base = os.environ[PG_ENV]
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalize_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


class LoopWatch:
    """How long the event loop is held up: a 10 ms ticker records how late each tick is
    (work that keeps the loop busy, or holds the GIL from another thread, makes it late)."""

    PERIOD = 0.01

    def __init__(self) -> None:
        self.gaps: list[float] = [0.0]
        self._done = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._tick())

    async def stop(self) -> None:
        self._done.set()
        if self._task is not None:
            await self._task

    @property
    def max_block_ms(self) -> float:
        return max(self.gaps) * 1000

    async def _tick(self) -> None:
        last = time.perf_counter()
        while not self._done.is_set():
            await asyncio.sleep(self.PERIOD)
            now = time.perf_counter()
            self.gaps.append(now - last - self.PERIOD)
            last = now


def backends() -> list[str]:
    return ["sqlite"] + (["postgresql"] if os.environ.get(PG_ENV) else [])
