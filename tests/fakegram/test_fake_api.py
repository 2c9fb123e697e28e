"""The fake Bot API is strict: it refuses what Telegram refuses, checked against api.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from fakegram import FakeBotApi, FakeRequest
from fakegram.spec import ApiError, Validator, parse_html

SHARED_SPEC = Path(__file__).parents[3] / "shared" / "telegram-bot-api" / "api.json"


@pytest.fixture
def api() -> FakeBotApi:
    api = FakeBotApi()
    api.add_user(1, "Ana")
    api.add_group(-5, "Grupo")
    api.started.add(1)
    return api


@pytest.fixture
async def bot(api: FakeBotApi):
    request = FakeRequest(api)
    bot = Bot("123:abc", request=request, get_updates_request=request)
    await bot.initialize()
    yield bot
    await bot.shutdown()


def test_vendored_spec_matches_shared_copy() -> None:
    if not SHARED_SPEC.exists():
        pytest.skip("shared/ is not beside this checkout")
    vendored = Path(__file__).parents[2] / "fakegram" / "api.json"
    assert json.loads(vendored.read_text()) == json.loads(SHARED_SPEC.read_text())


def test_unknown_method_and_parameters(api: FakeBotApi) -> None:
    with pytest.raises(ApiError, match="method not found"):
        api.call("sendMesage", {"chat_id": 1, "text": "x"})
    with pytest.raises(ApiError, match="unknown parameter 'colour'"):
        api.call("sendMessage", {"chat_id": 1, "text": "x", "colour": "red"})
    with pytest.raises(ApiError, match="'text' is required"):
        api.call("sendMessage", {"chat_id": 1})
    with pytest.raises(ApiError, match="expected Integer"):
        api.call("editMessageText", {"chat_id": 1, "message_id": "1", "text": "x"})
    assert len(api.violations) == 4


def test_nested_objects_are_checked(api: FakeBotApi) -> None:
    button = {"text": "ok", "callback_data": "x", "colour": "red"}
    with pytest.raises(ApiError, match="unknown field 'colour' of InlineKeyboardButton"):
        api.call(
            "sendMessage",
            {"chat_id": 1, "text": "x", "reply_markup": {"inline_keyboard": [[button]]}},
        )
    with pytest.raises(ApiError, match="field 'text' of InlineKeyboardButton is required"):
        api.call(
            "sendMessage",
            {"chat_id": 1, "text": "x", "reply_markup": {"inline_keyboard": [[{"url": "u"}]]}},
        )


def test_limits(api: FakeBotApi) -> None:
    with pytest.raises(ApiError, match="message is too long"):
        api.call("sendMessage", {"chat_id": 1, "text": "x" * 4097})
    api.call("sendMessage", {"chat_id": 1, "text": "x" * 4096})
    # Telegram counts UTF-16 units: 2049 emoji are 4098 units.
    with pytest.raises(ApiError, match="too long"):
        api.call("sendMessage", {"chat_id": 1, "text": "🔵" * 2049})
    # Markup does not count, only the visible text.
    api.call(
        "sendMessage", {"chat_id": 1, "text": "<b>" + "x" * 4096 + "</b>", "parse_mode": "HTML"}
    )
    with pytest.raises(ApiError, match="text is empty"):
        api.call("sendMessage", {"chat_id": 1, "text": "<b> </b>", "parse_mode": "HTML"})
    with pytest.raises(ApiError, match="BUTTON_DATA_INVALID"):
        markup = {"inline_keyboard": [[{"text": "a", "callback_data": "ñ" * 33}]]}
        api.call("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": markup})
    with pytest.raises(ApiError, match="caption is too long"):
        api.validator.check_call("sendPhoto", {"chat_id": 1, "photo": "id", "caption": "c" * 1025})


@pytest.mark.parametrize(
    "text",
    ["a < b", "a & b", "<b>open", "<b>x</i>", "<script>x</script>", "x</b>", "&nbsp;", "a > b"],
)
def test_html_telegram_would_refuse(text: str) -> None:
    with pytest.raises(ApiError, match="can't parse entities"):
        parse_html(text)


def test_html_accepted() -> None:
    assert parse_html('<b>a</b> &lt;&amp;&gt; <a href="https://x">l</a> <code>c</code>') == (
        "a <&> l c"
    )


def test_every_spec_method_is_known() -> None:
    validator = Validator()
    assert validator.method_name("sendmessage") == "sendMessage"
    assert len(validator.methods) >= 150


async def test_through_python_telegram_bot(bot: Bot, api: FakeBotApi) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="d")]])
    message = await bot.send_message(-5, "<b>hola</b>", parse_mode="HTML", reply_markup=markup)
    assert message.message_id == 1 and message.chat.id == -5 and message.text == "hola"
    assert api.sent[-1].buttons == [("ok", "d")]
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("hola", -5, message.message_id, reply_markup=markup)
    edited = await bot.edit_message_text("adiós", -5, message.message_id)
    assert edited.text == "adiós"
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", -5, 99)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(-5, "1 < 2", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(-77, "x")


async def test_private_chat_needs_start(bot: Bot, api: FakeBotApi) -> None:
    api.add_user(2, "Beto")
    with pytest.raises(Forbidden, match=r"(?i)can't initiate conversation"):
        await bot.send_message(2, "hola")
    api.message_update(2, 2, "/start")
    assert (await bot.send_message(2, "hola")).text == "hola"


def test_flood_control_answers_429_past_telegrams_limits(api: FakeBotApi) -> None:
    """30 messages a second overall, 20 a minute per group; an album counts per photo."""
    from fakegram.limits import FloodControl

    now = [100.0]
    api.flood_control = FloodControl(clock=lambda: now[0])
    for n in range(30):
        api.add_user(1000 + n, f"U{n}")
        api.started.add(1000 + n)
        api.call("sendMessage", {"chat_id": 1000 + n, "text": "hola"})
    with pytest.raises(ApiError) as refused:
        api.call("sendMessage", {"chat_id": 1, "text": "uno más"})
    assert refused.value.code == 429 and refused.value.retry_after == 1
    assert not refused.value.is_violation and api.violations == []

    now[0] += 1.0  # the second has passed: the overall window is empty again
    for _ in range(20):
        now[0] += 0.5
        api.call("sendMessage", {"chat_id": -5, "text": "grupo"})
    with pytest.raises(ApiError) as refused:
        api.call("sendMessage", {"chat_id": -5, "text": "grupo"})
    assert refused.value.code == 429 and refused.value.retry_after == 51  # 60 s - 9.5 s
    api.call("sendMessage", {"chat_id": 1, "text": "privado"})  # other chats still pass
    now[0] += 60
    api.call("sendMessage", {"chat_id": -5, "text": "grupo"})
    assert api.flood_control.refused == 2
    assert len([s for s in api.sent if s.chat_id == -5]) == 21


async def test_flood_control_counts_each_photo_of_an_album(api: FakeBotApi, bot: Bot) -> None:
    import io

    from PIL import Image
    from telegram import InputMediaPhoto
    from telegram.error import RetryAfter

    from fakegram.limits import FloodControl

    buffer = io.BytesIO()
    Image.new("RGB", (32, 20), "white").save(buffer, "PNG")
    api.flood_control = FloodControl(clock=lambda: 0.0)
    for _ in range(18):
        await bot.send_message(-5, "grupo")
    album = [InputMediaPhoto(buffer.getvalue()) for _ in range(3)]
    with pytest.raises(RetryAfter):
        await bot.send_media_group(-5, album)  # 18 + 3 > 20: refused as a whole
    assert len([s for s in api.sent if s.chat_id == -5]) == 18
    await bot.send_media_group(-5, album[:2])  # exactly 20
