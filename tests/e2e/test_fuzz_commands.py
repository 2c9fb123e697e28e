"""Property-based: every command with arbitrary arguments (any Unicode, NUL and other control
characters included, very long text) and every button with arbitrary data never raises,
never makes a call Telegram would refuse, and a refused input writes nothing in any table.

2,000 examples per database backend (``FUZZ_EXAMPLES`` overrides it for a quick local run).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import SQLModel

from bot.chat.buttons import Kind, sign
from bot.runtime.container import runtime_of
from handlers import COMMANDS
from tests.conftest import COORD, GROUP, SSC_STAFF, STRANGER, World

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000"))
NAMES = sorted({name for spec in COMMANDS for name in (spec.name, spec.alias)})
NUMBERS = st.sampled_from(["1", "2", "0", "²", "٣", "99999999999999999999", str(2**31), "-1"])
# Words at the edges: odd digits, dates and weeks out of range, fields with odd values.
EDGES = st.sampled_from(
    ["9999-12-31", "0001-01-01", "9999-W52", "0001-W01", "W99", "31/02", "lesionados=²",
     "victimas=99999999999", "baja", "alta", "SSC", "viernes", "mañana", "#1", "semana", "\x00"]
)  # fmt: skip
TEXT = (
    st.text(max_size=300)
    | st.lists(NUMBERS | EDGES, min_size=1, max_size=5).map(" ".join)
    | st.text(
        # What the guard's patterns react to, too: "a.a.a…", digits and separators, "@".
        st.sampled_from("aé ñ🔵<>&\"'«»“”=#:\n\t\x00\x07\u200b\u202e²٣.@1-/_"),
        min_size=3000,
        max_size=4000,
    )
)
BUTTON_DATA = st.one_of(
    st.builds(lambda n, s: f"{Kind.status}:{n}:{s}", NUMBERS, st.sampled_from(["done", "x"])),
    st.builds(lambda s, p: f"{Kind.pager}:{s}:{p}", st.sampled_from(["all", "SSC", "x"]), NUMBERS),
    st.builds(lambda n: f"{Kind.snooze}:{n}", NUMBERS),
    st.builds(lambda n, s: f"{Kind.collect}:{n}:{s}", NUMBERS, st.sampled_from(["done", "?"])),
    st.builds(
        lambda f, v: f"{Kind.incident_form}:{f}:{v}",
        st.sampled_from(["type", "sector", "risk", "cancel"]),
        NUMBERS | st.text(max_size=12),
    ),
    st.text(max_size=64),
)
USERS = st.sampled_from([COORD, SSC_STAFF, STRANGER])
CHATS = st.sampled_from(["group", "private"])
# Written by every update whatever its outcome: the intake, and who was seen where.
BOOKKEEPING = {"received_update", "command_step", "member", "review_attendance"}


def counts(world: World) -> dict[str, int]:
    def read(session) -> dict[str, int]:
        return {
            table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
            if table.name not in BOOKKEEPING
        }

    return world.database.call(read)


def refusals(world: World) -> float:
    metrics = runtime_of(world.driver.app).metrics
    return sum(
        sample.value
        for family in metrics.updates.collect()
        for sample in family.samples
        if sample.labels.get("outcome") == "refused" and sample.name.endswith("_total")
    )


def check(world: World, before: dict[str, int], refused_before: float) -> None:
    assert world.driver.errors == [], world.driver.errors
    assert world.api.violations == [], world.api.violations
    if refusals(world) > refused_before:  # refused: nothing at all was written
        assert counts(world) == before


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(
    what=st.one_of(
        st.tuples(st.just("command"), st.sampled_from(NAMES), TEXT),
        st.tuples(st.just("button"), st.just(""), BUTTON_DATA),
    ),
    user=USERS,
    where=CHATS,
    signed=st.booleans(),
)
async def test_any_command_and_any_button_is_handled(
    world: World, what: tuple[str, str, str], user: int, where: str, signed: bool
) -> None:
    if not counts(world)["agency"]:
        world.seed()
        await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    chat = GROUP if where == "group" else user
    kind, name, text = what
    before, refused = counts(world), refusals(world)
    if kind == "command":
        await world.send(user, chat, f"/{name} {text}"[:4096])
    else:
        shown = await world.send(COORD if chat == GROUP else user, chat, "/ayuda")
        if not shown:
            return
        under = shown[-1]  # a message of the bot's in that chat, to press under
        before, refused = counts(world), refusals(world)
        data = sign(text, world.driver.app.bot.token, chat_id=chat) if signed else text
        await world.driver.press_raw(user, under, data[:64])
    check(world, before, refused)
