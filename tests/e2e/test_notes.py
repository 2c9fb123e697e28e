"""End-to-end: notes from a tap and from plain text, in Spanish and English.

⛔ asks for the reason with a reply prompt tied to the item; a plain-text reply in a private
chat to the bot's message about an item (its card, a reminder, that prompt) is a note on it;
status words take spaces and accents; a replayed reply stores its note once.
"""

from __future__ import annotations

import pytest

from bot.app.intake import replay_unprocessed
from domain.terms import Status
from fakegram import Sent
from fakegram.spec import ApiError
from storage.actions import history, last_notes
from storage.audit import latest
from tests.conftest import COORD, FGJ_STAFF, GROUP, OBSERVER, SSC_STAFF, STRANGER, World


async def reply_to(world: World, user: int, message: Sent, text: str) -> list[Sent]:
    """``user`` answers ``message`` (Telegram's "Reply") with ``text``."""
    update = world.api.message_update(user, message.chat_id, text)
    update["message"]["reply_to_message"] = world.api.messages[
        (message.chat_id, message.message_id)
    ]
    before = len(world.api.sent)
    await world.driver.process(update)
    return world.api.sent[before:]


def notes(world: World, item_id: int = 1) -> list[tuple[str, str]]:
    _item, entries = world.database.call(history, item_id)
    return [(e.status.value, e.note) for e in entries]


async def private_card(world: World, command: str = "/avance 1 en curso visita") -> Sent:
    """Item #1 of SSC, and its card with buttons in SSC's private chat."""
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje preventivo")
    [card] = await world.send(SSC_STAFF, SSC_STAFF, command)
    assert "<b>#1</b>" in card.text, card.text
    return card


async def test_blocked_tap_asks_the_reason_and_the_reply_is_the_note(world: World) -> None:
    card = await private_card(world)
    sent = await world.press(SSC_STAFF, card, "st:1:blocked")
    edit, prompt = sent
    assert edit.method == "editMessageText" and "Bloqueada" in edit.text
    assert prompt.chat_id == SSC_STAFF and "<b>#1</b> quedó bloqueada" in prompt.text
    force = prompt.params["reply_markup"]
    assert force["force_reply"] is True
    assert force["input_field_placeholder"] == "Motivo del bloqueo de #1"
    [confirmation] = await reply_to(world, SSC_STAFF, prompt, "Falta el oficio de la alcaldía")
    assert confirmation.text == "📝 Nota agregada a <b>#1</b>."
    assert notes(world) == [
        ("progress", "visita"),
        ("blocked", ""),
        ("blocked", "Falta el oficio de la alcaldía"),
    ]
    assert world.database.call(last_notes, [1]) == {1: "Falta el oficio de la alcaldía"}
    text = await world.reply(COORD, COORD, "/historial 1")
    assert "Falta el oficio de la alcaldía" in text
    assert "item.note" in [e.action for e in world.database.call(latest, 5)]


async def test_a_note_keeps_the_status_and_closing_time(world: World) -> None:
    card = await private_card(world, "/hecho 1 entregado")
    closed = card.params.get("reply_markup")
    assert closed is None  # a closed item's card has no buttons, yet it can be answered
    [confirmation] = await reply_to(world, SSC_STAFF, card, "Acuse recibido")
    assert "Nota agregada" in confirmation.text
    item, entries = world.database.call(history, 1)
    assert item.status is Status.done and item.closed_at == entries[0].at
    assert notes(world) == [("done", "entregado"), ("done", "Acuse recibido")]


@pytest.mark.parametrize("language", ["en"])
async def test_blocked_tap_and_reason_in_english(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/action SSC friday Preventive patrol")
    [card] = await world.send(SSC_STAFF, SSC_STAFF, "/update 1 in progress visit booked")
    assert "🔵 In progress" in card.text
    _edit, prompt = await world.press(SSC_STAFF, card, "st:1:blocked")
    assert "<b>#1</b> is blocked" in prompt.text
    assert prompt.params["reply_markup"]["input_field_placeholder"] == "Why #1 is blocked"
    [confirmation] = await reply_to(world, SSC_STAFF, prompt, "Waiting for the borough's letter")
    assert confirmation.text == "📝 Note added to <b>#1</b>."
    assert notes(world)[-1] == ("blocked", "Waiting for the borough's letter")
    [hint] = await world.send(SSC_STAFF, SSC_STAFF, "hello?")
    assert "To add a note, reply to the item's message" in hint.text


async def test_a_tap_in_the_group_asks_in_private(world: World) -> None:
    world.seed()
    [card] = await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    sent = await world.press(SSC_STAFF, card, "st:1:blocked")
    assert [s.chat_id for s in sent] == [GROUP, SSC_STAFF]  # the reason is not for the group
    await reply_to(world, SSC_STAFF, sent[1], "Sin patrulla disponible")
    assert notes(world)[-1] == ("blocked", "Sin patrulla disponible")
    # The coordinator never opened a private chat: the tap works, nothing is asked.
    await world.send(COORD, GROUP, "/accion FGJ viernes Carpeta")
    [card2] = [s for s in world.api.sent if "<b>#2</b>" in s.text]
    world.allowed_violations.append("sendMessage: Forbidden: bot can't initiate conversation")
    sent = await world.press(COORD, card2, "st:2:blocked")
    assert [s.chat_id for s in sent] == [GROUP]
    world.allowed_violations[:] = list(world.api.violations)


async def test_no_prompt_after_done_or_in_progress(world: World) -> None:
    card = await private_card(world, "/avance 1 abierta")
    sent = await world.press(SSC_STAFF, card, "st:1:progress")
    assert [s.method for s in sent] == ["editMessageText"]
    [confirmation] = await reply_to(world, SSC_STAFF, sent[0], "Ya hablé con la familia")
    assert "Nota agregada a <b>#1</b>" in confirmation.text
    assert notes(world)[-1] == ("progress", "Ya hablé con la familia")


async def test_a_reply_to_a_reminder_is_a_note(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    world.at_local("2026-12-03 18:00")
    await world.sweep()
    [reminder] = [s for s in world.api.sent if s.chat_id == SSC_STAFF]
    assert "<b>#1</b>" in reminder.text
    [confirmation] = await reply_to(world, SSC_STAFF, reminder, "Mañana a primera hora")
    assert "Nota agregada a <b>#1</b>" in confirmation.text
    assert notes(world) == [("open", "Mañana a primera hora")]


async def test_personal_data_in_a_note_is_refused_and_not_stored(world: World) -> None:
    card = await private_card(world)
    [refusal] = await reply_to(world, SSC_STAFF, card, "llamar al 55 1234 5678 de la madre")
    assert "teléfono" in refusal.text
    assert notes(world) == [("progress", "visita")]


async def test_only_who_may_change_the_item_adds_a_note(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    # FGJ's staff: a message of the bot about #1 in their own chat, answered.
    [refusal] = await world.send(FGJ_STAFF, FGJ_STAFF, "/avance 1 hecha")
    assert "#1 es de otra dependencia" in refusal.text
    [again] = await reply_to(world, FGJ_STAFF, refusal, "Nosotros ya fuimos")
    assert "#1 es de otra dependencia" in again.text
    [observed] = await world.send(OBSERVER, OBSERVER, "/avance 1 hecha")
    [hint] = await reply_to(world, OBSERVER, observed, "Una nota")  # names no item
    assert "Para agregar una nota" in hint.text
    [stranger] = await world.send(STRANGER, STRANGER, "/avance 1 hecha")
    [refused] = await reply_to(world, STRANGER, stranger, "Una nota")
    assert "No estás registrado" in refused.text
    assert notes(world) == []


async def test_text_that_answers_no_item_gets_a_hint(world: World) -> None:
    world.seed()
    [hint] = await world.send(SSC_STAFF, SSC_STAFF, "hola, ¿cómo registro un avance?")
    assert "Para agregar una nota, responde al mensaje de la acción" in hint.text
    [helptext] = await world.send(SSC_STAFF, SSC_STAFF, "/ayuda")
    [again] = await reply_to(world, SSC_STAFF, helptext, "gracias")
    assert "Para agregar una nota" in again.text
    # A reply to the user's own message is no reply to the bot.
    [own] = [m for (chat, _), m in world.api.messages.items() if chat == SSC_STAFF][:1]
    mine = Sent("sendMessage", SSC_STAFF, own["message_id"], own["text"])
    [third] = await reply_to(world, SSC_STAFF, mine, "#1 listo")
    assert "Para agregar una nota" in third.text


async def test_a_list_of_several_items_is_not_one_items_message(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    await world.send(COORD, GROUP, "/accion SSC viernes Recorrido")
    [listing] = await world.send(SSC_STAFF, SSC_STAFF, "/acciones")
    assert "<b>#1</b>" in listing.text and "<b>#2</b>" in listing.text
    [hint] = await reply_to(world, SSC_STAFF, listing, "Ambas en curso")
    assert "Para agregar una nota" in hint.text
    assert notes(world, 1) == [] and notes(world, 2) == []


@pytest.mark.parametrize(
    ("typed", "status", "note"),
    [
        ("en curso llamé a la familia", "progress", "llamé a la familia"),
        ("En Proceso visita", "progress", "visita"),
        ("en_curso visita", "progress", "visita"),
        ("cumplida", "done", ""),
        ("hecha listo", "done", "listo"),
        ("Bloqueada sin oficio", "blocked", "sin oficio"),
        ("pendiente", "open", ""),
        ("cancelada duplicada", "cancelled", "duplicada"),
        ("in progress called", "progress", "called"),
    ],
)
async def test_status_words_with_spaces_and_accents(
    world: World, typed: str, status: str, note: str
) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    text = await world.reply(SSC_STAFF, SSC_STAFF, f"/avance 1 {typed}")
    assert "Avance registrado" in text, text
    assert notes(world) == [(status, note)]


async def test_an_unknown_status_word_is_quoted(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    text = await world.reply(SSC_STAFF, SSC_STAFF, "/avance 1 quizás mañana")
    assert "quizás" in text and notes(world) == []


async def test_a_replayed_reply_stores_its_note_once(world: World) -> None:
    card = await private_card(world)
    world.api.fail_next(SSC_STAFF, ApiError("Internal Server Error", 500))
    assert await reply_to(world, SSC_STAFF, card, "Sin respuesta de la alcaldía") == []
    assert notes(world)[-1] == ("progress", "Sin respuesta de la alcaldía")
    world.clock.advance(seconds=31)
    assert await replay_unprocessed(world.driver.app) == 1
    assert world.api.sent[-1].text == "📝 Nota agregada a <b>#1</b>."
    assert notes(world) == [("progress", "visita"), ("progress", "Sin respuesta de la alcaldía")]
    world.driver.errors.clear()  # the 500, seen by the harness
