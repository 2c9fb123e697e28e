"""Property-based: every command with arbitrary arguments (any Unicode, control characters,
very long text) never raises, never makes a call Telegram would refuse, and never writes a
partial record."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from handlers import COMMANDS
from storage.models.audit import AuditLog
from storage.models.items import ActionItem
from tests.conftest import COORD, GROUP, SSC_STAFF, STRANGER, World

NAMES = sorted({name for spec in COMMANDS for name in (spec.name, spec.alias)})
# Telegram delivers at most 4096 characters; NUL never arrives in a message.
TEXT = st.text(st.characters(blacklist_characters="\x00"), max_size=300) | st.text(
    st.sampled_from("aé ñ🔵<>&\"'«»“”=#:\n\t\u200b\u202e"), min_size=3000, max_size=4000
)
USERS = st.sampled_from([COORD, SSC_STAFF, STRANGER])
CHATS = st.sampled_from(["group", "private"])


def count(world: World, model: type) -> int:
    return world.database.call(lambda s: s.exec(select(func.count()).select_from(model)).one())


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=st.sampled_from(NAMES), text=TEXT, user=USERS, where=CHATS)
async def test_any_arguments_are_handled(
    world: World, name: str, text: str, user: int, where: str
) -> None:
    if not count(world, AuditLog):
        world.seed()
    chat = GROUP if where == "group" else user
    message = f"/{name} {text}"[:4096]
    items_before = count(world, ActionItem)
    sent = await world.send(user, chat, message)
    assert world.driver.errors == [], f"/{name} raised"
    assert world.api.violations == [], world.api.violations
    created = sum("Acción registrada" in s.text for s in sent)
    assert count(world, ActionItem) == items_before + created  # all or nothing
