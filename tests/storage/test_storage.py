"""Repository functions on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import StatementError
from sqlmodel import SQLModel, select

from domain.actor import Actor
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.terms import Role, Status
from storage import engine as storage_engine
from storage.actions import create_item, history, list_open_items, open_items_page, record_update
from storage.agencies import add_agency, get_agency, list_agencies
from storage.audit import latest
from storage.engine import Database
from storage.groups import register_group, sector_key
from storage.invites import create_invite, redeem_invite
from storage.members import resolve_actor
from storage.models.items import ActionItem


def test_migrations_match_models(database: Database) -> None:
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_downgrade_and_upgrade_again(database: Database) -> None:
    from alembic import command

    command.downgrade(storage_engine.alembic_config(database.engine), "base")
    assert inspect(database.engine).get_table_names() == ["alembic_version"]
    database.upgrade()
    assert "action_item" in inspect(database.engine).get_table_names()


def test_timestamps_round_trip_as_utc(database: Database, coordinator: Actor) -> None:
    local = datetime(2026, 12, 1, 9, 30, tzinfo=storage_engine_zone())
    database.call(add_agency, coordinator, code="SSC", name="Seguridad", now=local)
    item = database.call(
        create_item, coordinator, agency_code="SSC", due_at=local, text="texto", now=local
    )
    assert item.due_at == datetime(2026, 12, 1, 15, 30, tzinfo=UTC)
    assert item.due_at.tzinfo is UTC
    stored = database.call(lambda s: s.exec(select(ActionItem)).one())
    assert stored.due_at.tzinfo is UTC and stored.due_at.hour == 15
    with pytest.raises(StatementError, match="naive"):  # ambiguous: refused, not guessed
        database.call(
            create_item,
            coordinator,
            agency_code="SSC",
            due_at=datetime(2026, 12, 1),
            text="x",
            now=local,
        )


def storage_engine_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo("America/Mexico_City")


def test_agencies(database: Database, coordinator: Actor) -> None:
    now = datetime(2026, 11, 30, tzinfo=UTC)
    database.call(add_agency, coordinator, code="fgj", name="Fiscalía", now=now)
    assert database.call(get_agency, "FGJ").name == "Fiscalía"
    with pytest.raises(Conflict):
        database.call(add_agency, coordinator, code="FGJ", name="Otra", now=now)
    with pytest.raises(InvalidInput):
        database.call(add_agency, coordinator, code="1X", name="Mal", now=now)
    with pytest.raises(NotFound):
        database.call(get_agency, "NOPE")
    assert [a.code for a in database.call(list_agencies)] == ["FGJ"]


def test_failed_write_leaves_nothing(database: Database, coordinator: Actor) -> None:
    now = datetime(2026, 11, 30, tzinfo=UTC)

    def add_two_then_fail(session):
        add_agency(session, coordinator, code="AAA", name="uno", now=now)
        add_agency(session, coordinator, code="AAA", name="dos", now=now)

    with pytest.raises(Conflict):
        database.call(add_two_then_fail)
    assert database.call(list_agencies) == []
    assert [a.action for a in database.call(latest)] == ["member.bootstrap"]


def test_groups_fold_sector_names(database: Database, coordinator: Actor) -> None:
    now = datetime(2026, 11, 30, tzinfo=UTC)
    _, names, new = database.call(
        register_group,
        coordinator,
        -1,
        title="G",
        sectors=["Álvaro Obregón", "alvaro  obregon"],
        now=now,
    )
    assert names == ["Álvaro Obregón"] and new
    assert sector_key("ÁLVARO obregón") == "alvaro obregon"
    with pytest.raises(InvalidInput):
        database.call(register_group, coordinator, -2, title="G", sectors=[" "], now=now)


def _setup_items(database: Database, coordinator: Actor, now: datetime) -> dict[str, Actor]:
    database.call(add_agency, coordinator, code="SSC", name="Seguridad", now=now)
    database.call(add_agency, coordinator, code="FGJ", name="Fiscalía", now=now)
    actors = {}
    for user, code in ((10, "SSC"), (20, "FGJ")):
        invite = database.call(
            create_invite, coordinator, agency_code=code, role=Role.agency, now=now
        )
        database.call(redeem_invite, user, display_name=f"staff {code}", code=invite.code, now=now)
        actors[code] = database.call(
            resolve_actor, user, "x", configured_coordinators=frozenset(), now=now
        )
    return actors


def test_items_updates_and_listing(database: Database, coordinator: Actor) -> None:
    now = datetime(2026, 11, 30, 16, tzinfo=UTC)
    staff = _setup_items(database, coordinator, now)
    a = database.call(
        create_item,
        coordinator,
        agency_code="SSC",
        due_at=now + timedelta(days=2),
        text="A",
        now=now,
    )
    b = database.call(
        create_item,
        coordinator,
        agency_code="SSC",
        due_at=now + timedelta(hours=1),
        text="B",
        now=now,
    )
    c = database.call(
        create_item,
        coordinator,
        agency_code="FGJ",
        due_at=now + timedelta(days=1),
        text="C",
        now=now,
    )
    later = now + timedelta(hours=2)
    assert [i.id for i in database.call(list_open_items, later)] == [c.id, b.id, a.id]
    assert [i.id for i in database.call(list_open_items, later, overdue_only=True)] == [b.id]
    assert [i.id for i in database.call(list_open_items, later, agency_code="fgj")] == [c.id]
    first, last = (database.call(open_items_page, later, page=n, per_page=2) for n in (0, 1))
    assert (first.total, first.page, first.pages, [i.id for i in first.items]) == (
        3,
        0,
        2,
        [c.id, b.id],
    )
    assert (last.page, [i.id for i in last.items]) == (1, [a.id])
    # A page past the end (the list got shorter since the button was sent) shows the last.
    assert database.call(open_items_page, later, page=9, per_page=2).page == 1
    assert database.call(open_items_page, later, page=0, per_page=2, agency_code="XYZ").items == []
    with pytest.raises(Forbidden):
        database.call(record_update, staff["FGJ"], a.id, status=Status.done, note="", now=later)
    with pytest.raises(NotFound):
        database.call(record_update, staff["SSC"], 999, status=Status.done, note="", now=later)
    item, previous = database.call(
        record_update, staff["SSC"], a.id, status=Status.done, note="ok", now=later
    )
    assert previous is Status.open and item.closed_at == later
    item, previous = database.call(
        record_update,
        staff["SSC"],
        a.id,
        status=Status.done,
        note="",
        now=later,
        only_if_changed=True,
    )
    assert previous is Status.done
    _, entries = database.call(history, a.id)
    assert [(e.status, e.note, e.author) for e in entries] == [(Status.done, "ok", "staff SSC")]
    assert a.id not in [i.id for i in database.call(list_open_items, later)]


def test_invites_are_single_use_under_concurrency(database: Database, coordinator: Actor) -> None:
    now = datetime(2026, 11, 30, tzinfo=UTC)
    database.call(add_agency, coordinator, code="SSC", name="Seguridad", now=now)
    invite = database.call(create_invite, coordinator, agency_code="SSC", role=Role.agency, now=now)
    results: list[str] = []

    def redeem(user: int) -> None:
        try:
            database.call(redeem_invite, user, display_name=f"u{user}", code=invite.code, now=now)
            results.append("ok")
        except Conflict as exc:
            results.append(exc.key)
        except Exception as exc:  # a serialisation failure also means "not twice"
            results.append(type(exc).__name__)

    threads = [threading.Thread(target=redeem, args=(u,)) for u in range(30, 36)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1, results


def test_invite_expiry_and_reuse(database: Database, coordinator: Actor) -> None:
    now = datetime(2026, 11, 30, tzinfo=UTC)
    with pytest.raises(InvalidInput):
        database.call(create_invite, coordinator, agency_code=None, role=Role.agency, now=now)
    invite = database.call(
        create_invite, coordinator, agency_code=None, role=Role.observer, now=now
    )
    assert invite.expires_at == now + timedelta(days=7)
    with pytest.raises(Conflict, match="invite_expired"):
        database.call(
            redeem_invite, 40, display_name="late", code=invite.code, now=now + timedelta(days=7)
        )
    member, agency = database.call(
        redeem_invite, 40, display_name="ok", code=invite.code.lower(), now=now
    )
    assert member.role == Role.observer and agency is None
    with pytest.raises(NotFound):
        database.call(redeem_invite, 41, display_name="x", code="NOPE", now=now)


def test_unknown_user_has_no_role(database: Database) -> None:
    actor = database.call(
        resolve_actor,
        77,
        "x",
        configured_coordinators=frozenset(),
        now=datetime(2026, 11, 30, tzinfo=UTC),
    )
    assert actor.role is None and not actor.is_member


def test_database_url_normalisation() -> None:
    assert storage_engine.normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert storage_engine.normalize_url("postgres://u:p@h/db").startswith("postgresql+psycopg://")
    assert storage_engine.normalize_url("sqlite:///x.db") == "sqlite:///x.db"


async def test_run_executes_off_the_event_loop(database: Database) -> None:
    main = threading.get_ident()
    ident = await database.run(lambda session: threading.get_ident())
    assert ident != main


def test_upgrade_keeps_data_of_the_previous_release(db_url: str) -> None:
    """A database at revision 0001 with data upgrades to head and keeps its rows."""
    from alembic import command
    from sqlalchemy import text

    db = Database(db_url)
    try:
        command.upgrade(storage_engine.alembic_config(db.engine), "0001")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO agency (code, name, created_at) VALUES ('SSC', 'Seguridad', '2026-01-01')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO member (telegram_id, display_name, role, active, started_bot, created_at)"
                    " VALUES (1, 'C', 'coordinator', true, false, '2026-01-01')"
                )
            )
            conn.execute(text("INSERT INTO sector (name, key) VALUES ('Plateros', 'plateros')"))
            conn.execute(
                text(
                    "INSERT INTO action_item (agency_id, text, status, due_at, created_by, created_at)"
                    " VALUES (1, 'antes', 'open', '2026-02-01', 1, '2026-01-01')"
                )
            )
        db.upgrade()
        items = db.call(list_open_items, datetime(2026, 1, 2, tzinfo=UTC))
        assert [(i.text, i.kind, i.incident_code) for i in items] == [("antes", None, None)]
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT comparison, prefix FROM sector")).one() == (
                False,
                None,
            )
    finally:
        db.close()


def test_one_open_review_per_group(database: Database, coordinator: Actor) -> None:
    from storage.reviews import end_review, start_review

    now = datetime(2026, 11, 30, tzinfo=UTC)
    database.call(register_group, coordinator, -5, title="G", sectors=["Plateros"], now=now)
    database.call(start_review, coordinator, -5, since=now, now=now)
    with pytest.raises(Conflict, match="review_already_open"):
        database.call(start_review, coordinator, -5, since=now, now=now)
    database.call(end_review, coordinator, -5, now=now)
    database.call(start_review, coordinator, -5, since=now, now=now)  # a new one after closing
