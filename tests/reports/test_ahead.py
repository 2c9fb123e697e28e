"""Weekly reports drawn before their slot (``bot.reminders.ahead``): when, what, and that the
sweep at the slot only sends them."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

import bot.reports.weekly as weekly
from bot.reminders.ahead import draw_ahead
from bot.runtime.container import runtime_of
from bot.runtime.settings import ConfigError, load_settings
from storage.groups import register_group
from storage.models.reminders import NoticeState, Notification
from tests.conftest import GROUP, World

EXTRA = -1003


@pytest.fixture
def drawings(world: World, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, datetime]]:
    """Every weekly report drawn, as (chat, moment shown); two groups registered (the week
    before: a group registered after a slot gets its first report at the next one)."""
    world.at_local("2026-11-27 10:00")
    coord = world.seed()["coord"]
    world.api.add_group(EXTRA, "Alto al Fuego · Centro")
    world.database.call(
        register_group, coord, EXTRA, title="Centro", sectors=["Centro"], now=world.clock()
    )
    seen: list[tuple[int, datetime]] = []
    real = weekly.weekly_report

    async def drawing(runtime, chat_id, week_end, *, catalog=None, now=None):  # type: ignore[no-untyped-def]
        seen.append((chat_id, now or runtime.now()))
        return await real(runtime, chat_id, week_end, catalog=catalog, now=now)

    monkeypatch.setattr(weekly, "weekly_report", drawing)
    return seen


async def ahead(world: World) -> int:
    runtime = runtime_of(world.driver.app)
    return await draw_ahead(runtime, world.clock())


def albums(world: World) -> dict[int, int]:
    return {s.chat_id: len(s.uploads) for s in world.api.sent if s.method == "sendMediaGroup"}


async def test_reports_drawn_before_the_slot_are_what_the_slot_sends(
    world: World, drawings: list[tuple[int, datetime]]
) -> None:
    world.at_local("2026-11-30 07:50")  # the slot is Monday 08:00; the default lead is 15 min
    assert await ahead(world) == 2
    drawn_at = world.clock()
    assert sorted(chat for chat, _ in drawings) == sorted([GROUP, EXTRA])
    assert {moment for _, moment in drawings} == {drawn_at}
    assert await ahead(world) == 0  # once per slot
    assert world.api.sent == []  # drawing sends nothing
    world.at_local("2026-11-30 08:00")
    report = await world.sweep()
    assert len(drawings) == 2  # the sweep drew nothing
    assert albums(world) == {GROUP: 5, EXTRA: 5}
    summaries = [s for s in world.api.sent if "Reporte semanal" in s.text]
    assert sorted(s.chat_id for s in summaries) == sorted([GROUP, EXTRA])
    assert report.failed == 0
    assert runtime_of(world.driver.app).ahead.reports == {}  # taken: memory freed


async def test_nothing_is_drawn_far_from_the_slot_or_before_the_week_ends(
    world: World, drawings: list[tuple[int, datetime]]
) -> None:
    world.at_local("2026-11-30 07:30")  # 30 min before: outside the 15-minute lead
    assert await ahead(world) == 0
    world.at_local("2026-11-30 08:00")  # at the slot the sweep draws (nothing ahead)
    assert await ahead(world) == 0
    await world.sweep()
    assert len(drawings) == 2 and albums(world) == {GROUP: 5, EXTRA: 5}
    # A slot just after midnight: 15 minutes before it the week being reported is not over.
    runtime = runtime_of(world.driver.app)
    runtime.settings = load_settings(
        None,
        access={"coordinators": list(runtime.coordinators)},
        reports={"weekly": "mon 00:05", "render_in": "thread"},
    )
    world.at_local("2026-12-06 23:55")
    assert await ahead(world) == 0
    world.at_local("2026-12-07 00:01")
    assert await ahead(world) == 2


async def test_a_report_that_failed_ahead_is_drawn_at_the_slot(
    world: World, drawings: list[tuple[int, datetime]], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = weekly.build_for

    def failing(data, settings, *, language, week_end, now):  # type: ignore[no-untyped-def]
        if "Centro" in data.sectors and now.minute == 50:
            raise RuntimeError("renderer crashed")
        return real(data, settings, language=language, week_end=week_end, now=now)

    monkeypatch.setattr(weekly, "build_for", failing)
    world.at_local("2026-11-30 07:50")
    assert await ahead(world) == 1
    world.at_local("2026-11-30 08:00")
    await world.sweep()
    assert [chat for chat, _ in drawings].count(EXTRA) == 2  # again, at the slot
    assert [chat for chat, _ in drawings].count(GROUP) == 1
    assert albums(world) == {GROUP: 5, EXTRA: 5}


async def test_drawing_ahead_can_be_switched_off(
    world: World, drawings: list[tuple[int, datetime]]
) -> None:
    runtime = runtime_of(world.driver.app)
    runtime.settings = runtime.settings.model_copy(
        update={"reports": runtime.settings.reports.model_copy(update={"draw_ahead_minutes": 0})}
    )
    world.at_local("2026-11-30 07:59")
    assert await ahead(world) == 0 and drawings == []


def test_the_lead_must_be_a_sensible_number_of_minutes() -> None:
    with pytest.raises(ConfigError, match="draw_ahead_minutes"):
        load_settings(None, reports={"draw_ahead_minutes": -5})
    with pytest.raises(ConfigError, match="draw_ahead_minutes"):
        load_settings(None, reports={"draw_ahead_minutes": "soon"})
    assert load_settings(None).reports.draw_ahead_minutes == 15


async def test_a_report_that_cannot_be_drawn_holds_back_nothing_else(
    world: World, drawings: list[tuple[int, datetime]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A group whose report fails to draw (a data bug, renderers dying) is retried with
    backoff and finally marked failed; the other groups' reports go out meanwhile."""
    real = weekly.build_for

    def failing(data, settings, *, language, week_end, now):  # type: ignore[no-untyped-def]
        if "Centro" in data.sectors:
            raise ValueError("no data for a chart")
        return real(data, settings, language=language, week_end=week_end, now=now)

    monkeypatch.setattr(weekly, "build_for", failing)
    world.at_local("2026-11-30 08:00")
    report = await world.sweep()
    assert albums(world) == {GROUP: 5}
    assert [s.chat_id for s in world.api.sent if "Reporte semanal" in s.text] == [GROUP]
    assert report.retried == 2 and report.failed == 0  # EXTRA's album and summary

    def extra_reports(session):  # type: ignore[no-untyped-def]
        rows = session.exec(select(Notification).where(Notification.chat_id == EXTRA))
        return [(n.kind, n.state, n.last_error) for n in rows]

    for state, error in {(s, e) for _, s, e in world.database.call(extra_reports)}:
        assert state == NoticeState.pending and "no data for a chart" in error
    for _ in range(6):  # backoff 2, 4, 8, 16 minutes…, then given up
        await world.sweep(hours=1)
    assert {s for _, s, _ in world.database.call(extra_reports)} == {NoticeState.failed}
    assert albums(world) == {GROUP: 5}  # the group that worked got its report once
