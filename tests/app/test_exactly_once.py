"""Exactly once in process: an answer Telegram refuses is sent again from what was stored,
and a failure after the write never claims that nothing was saved."""

from __future__ import annotations

from sqlmodel import select

from bot.app.intake import replay_unprocessed
from fakegram.spec import ApiError
from storage import intake
from storage.actions import list_open_items
from storage.models.intake import CommandStep, ReceivedUpdate
from tests.conftest import COORD, GROUP, World


def items(world: World) -> list[str]:
    return [item.text for item in world.database.call(list_open_items, world.clock())]


def stored(world: World) -> list[ReceivedUpdate]:
    return world.database.call(lambda s: list(s.exec(select(ReceivedUpdate)).all()))


async def test_a_refused_answer_is_sent_later_and_the_item_stored_once(world: World) -> None:
    world.seed()
    world.api.fail_next(GROUP, ApiError("Internal Server Error", 500), times=2)
    assert await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje nocturno") == []
    assert items(world) == ["Patrullaje nocturno"]  # saved, and nobody told otherwise
    assert world.database.call(intake.pending_count) == 1
    assert await replay_unprocessed(world.driver.app) == 0  # not before its retry time
    world.clock.advance(seconds=31)
    assert await replay_unprocessed(world.driver.app) == 0  # the second 500
    assert world.api.sent == []
    world.clock.advance(seconds=61)  # the back-off doubled
    assert await replay_unprocessed(world.driver.app) == 1
    sent = world.api.sent_texts()
    assert len(sent) == 1 and "Acción registrada" in sent[0] and "<b>#1</b>" in sent[0]
    assert items(world) == ["Patrullaje nocturno"]
    assert "no se guardó" not in "".join(sent)
    (row,) = stored(world)
    assert row.processed_at is not None and row.payload is None  # what was typed is gone
    assert world.database.call(lambda s: s.exec(select(CommandStep)).all()) == []
    world.driver.errors.clear()  # the two 500s, seen by the harness


async def test_an_answer_that_never_goes_out_is_given_up(world: World) -> None:
    world.seed()
    world.api.fail_next(GROUP, ApiError("Bad Gateway", 502), times=100)
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    for _ in range(intake.MAX_ATTEMPTS + 2):
        world.clock.advance(hours=3)
        await replay_unprocessed(world.driver.app)
    assert world.database.call(intake.pending_count) == 0
    assert items(world) == ["Patrullaje"]  # stored once, however often it was tried
    world.driver.errors.clear()


async def test_a_bug_after_the_write_says_it_was_saved(world: World, monkeypatch) -> None:
    world.seed()

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("handlers.actions.item_card", broken)
    text = await world.reply(COORD, GROUP, "/accion SSC viernes Patrullaje")
    assert "Lo guardé" in text and "no se guardó" not in text
    assert items(world) == ["Patrullaje"]
    world.driver.errors.clear()


async def test_a_redelivered_update_is_not_applied_again(world: World) -> None:
    world.seed()
    update = world.api.message_update(COORD, GROUP, "/accion SSC viernes Patrullaje")
    await world.driver.process(update)
    await world.driver.process(update)  # Telegram delivers it again (a webhook retry)
    assert items(world) == ["Patrullaje"] and len(world.api.sent) == 1


async def test_a_guided_form_whose_last_answer_is_refused_is_announced_later(
    world: World,
) -> None:
    """The guided /incidente: the last answer stores the incident and deletes the draft in
    one commit. Telegram refuses the announcement; the replay must announce the incident
    from what the first run read (the draft), not find the draft gone and say nothing."""
    from storage.incidents import get_incident

    world.seed()
    sent = await world.send(COORD, GROUP, "/incidente")
    out = await world.press(COORD, sent[1], "inc:type:nonfatal")
    for answer in ("ayer 22:10", "Cuadrante 4", "-", "-"):
        out = await world.send(COORD, GROUP, answer)
    await world.press(COORD, out[0], "inc:risk:low")
    world.api.fail_next(GROUP, ApiError("Internal Server Error", 500), times=1)
    assert await world.send(COORD, GROUP, "-") == []  # no notes: the form ends, unanswered
    assert world.database.call(get_incident, "PLA-2026-001").data.place == "Cuadrante 4"
    world.clock.advance(seconds=31)
    assert await replay_unprocessed(world.driver.app) == 1
    [announced] = world.api.sent_texts()[-1:]
    assert "<b>PLA-2026-001</b>" in announced
    assert world.database.call(intake.pending_count) == 0
    world.driver.errors.clear()  # the 500, seen by the harness
