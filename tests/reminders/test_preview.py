"""``ceasefire reminders preview``: shows what would go out, sends and stores nothing."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from bot.app.cli import main
from storage.models.reminders import Notification
from tests.conftest import COORD, GROUP, World


async def test_preview_lists_without_sending(
    world: World, db_url: str, tmp_path: Path, capsys
) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    sent = len(world.api.sent)
    assert main(["--config", str(config), "reminders", "preview", "--at", "2026-12-03 18:00"]) == 0
    out = capsys.readouterr().out
    assert "At 2026-12-03 18:00 CST the sweep would send" in out
    assert "before_due" in out and "vence en 24 horas" in out and "chat 202" in out
    assert "weekly" not in out  # the group was registered after Monday 08:00: next week
    assert len(world.api.sent) == sent
    assert world.database.call(lambda s: list(s.exec(select(Notification)))) == []
    assert main(["--config", str(config), "reminders", "preview", "--at", "2026-12-03 17:00"]) == 0
    assert "before_due" not in capsys.readouterr().out
    assert main(["--config", str(config), "reminders", "preview", "--at", "jueves"]) == 2
    assert "--at: not a date and time" in capsys.readouterr().err
