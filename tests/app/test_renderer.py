"""The renderer processes (``[reports] render_in = "process"``) and what happens when one dies."""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from bot.runtime.container import Runtime
from bot.runtime.settings import load_settings
from bot.views.i18n import Catalog
from storage.engine import Database


def die_once(marker: str) -> str:
    """Kill the renderer the first time (as the kernel's OOM killer would), work after."""
    path = Path(marker)
    if not path.exists():
        path.touch()
        os._exit(1)
    return "drawn"


def die(_: int) -> None:
    os._exit(1)


async def test_a_renderer_that_dies_is_replaced(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    settings = load_settings(None, database={"url": url})
    assert settings.reports.render_in == "process"
    runtime = Runtime(settings, Database(url), Catalog("es", settings.locale.zone))
    try:
        assert await runtime.render(pow, 2, 10) == 1024
        # One death: the pool is started afresh and the work done there.
        assert await runtime.render(die_once, str(tmp_path / "died")) == "drawn"
        # Work that kills every renderer fails, once retried, without breaking later work.
        with pytest.raises(BrokenProcessPool):
            await runtime.render(die, 0)
        assert await runtime.render(pow, 3, 3) == 27
    finally:
        runtime.close()
