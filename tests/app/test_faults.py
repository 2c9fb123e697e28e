"""Faults: a Telegram outage, a database that drops its connections, two bot processes."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from domain.errors import DomainError
from storage.engine import normalize_url
from storage.models.reminders import NoticeState
from tests.conftest import COORD, GROUP, SSC_STAFF, World
from tests.reminders.test_reminders import notices, to


async def test_telegram_outage_then_everything_once_in_order(world: World) -> None:
    world.seed()
    await world.send(COORD, COORD, "/ayuda")
    for n in range(5):
        await world.send(COORD, GROUP, f"/accion SSC viernes Acción {n}")
    world.at_local("2026-12-03 17:00")
    await world.sweep()  # Monday's weekly report, before the outage
    world.api.outage = True
    world.at_local("2026-12-03 18:00")
    for _ in range(7):  # a minute of 502s, a sweep every 10 seconds
        await world.sweep(seconds=10)
    assert to(world, SSC_STAFF) == []
    world.api.outage = False
    for _ in range(20):  # Telegram is back: the back-off runs out and all go out
        await world.sweep(minutes=1)
    texts = to(world, SSC_STAFF)
    assert len(texts) == 5
    assert [int(t.split("<b>#")[1].split("</b>")[0]) for t in texts] == [1, 2, 3, 4, 5]
    assert all(n.state == NoticeState.sent for n in notices(world) if n.kind == "before_due")


@pytest.mark.skipif(not os.environ.get("CEASEFIRE_TEST_POSTGRES_URL"), reason="PostgreSQL only")
async def test_database_connections_dropped_between_sweeps(world: World, db_url: str) -> None:
    if not db_url.startswith("postgres"):
        pytest.skip("this fault is about a PostgreSQL server")
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    world.at_local("2026-12-03 17:00")
    await world.sweep()
    admin = create_engine(
        normalize_url(os.environ["CEASEFIRE_TEST_POSTGRES_URL"]), isolation_level="AUTOCOMMIT"
    )
    schema = db_url.rsplit("application_name=", 1)[1]
    with admin.connect() as connection:  # the server kills this bot's connections
        killed = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = :name"
            ),
            {"name": schema},
        ).scalar()
    assert killed >= 1
    admin.dispose()
    world.at_local("2026-12-03 18:00")
    report = await world.sweep()  # the pool notices and reconnects: no restart needed
    assert report.sent >= 1 and "vence en 24 horas" in to(world, SSC_STAFF)[-1]
    assert "Acciones abiertas" in await world.reply(SSC_STAFF, SSC_STAFF, "/acciones")


async def test_crash_between_sending_and_recording_never_sends_twice(
    world: World, monkeypatch
) -> None:
    from storage import notifications as store

    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    world.at_local("2026-12-03 17:00")
    await world.sweep()
    world.at_local("2026-12-03 18:00")
    real_finish = store.finish

    def crash(*args, **kwargs):
        raise RuntimeError("killed after sending")

    monkeypatch.setattr(store, "finish", crash)
    with pytest.raises(RuntimeError):
        await world.sweep()
    assert len(to(world, SSC_STAFF)) == 1  # it went out, the process died before recording
    monkeypatch.setattr(store, "finish", real_finish)
    for _ in range(5):  # the restarted bot sweeps again and again
        await world.sweep(minutes=10)
    assert len(to(world, SSC_STAFF)) == 1
    [notice] = [n for n in notices(world) if n.kind == "before_due"]
    assert notice.state == NoticeState.sending  # visible to `reminders preview`


async def test_rate_limiter_waits_out_a_429(database, clock) -> None:
    """With the production rate limiter on, a 429 is retried after retry_after."""
    from bot.app.application import build_application
    from bot.runtime.settings import load_settings
    from fakegram import FakeBotApi, FakeRequest
    from fakegram.driver import ChatDriver

    api = FakeBotApi(clock=clock)
    api.add_user(COORD, "Coordinación")
    settings = load_settings(
        None, access={"coordinators": [COORD]}, reports={"render_in": "thread"}
    )
    assert settings.telegram.rate_limit
    app = build_application(settings, FakeRequest(api), clock=clock, database=database)
    async with ChatDriver(app, api, expected=(DomainError,)) as driver:
        api.flood(COORD, retry_after=1)
        sent = await driver.send(COORD, COORD, "/ayuda")
        assert len(sent) == 1 and "Alto al Fuego" in sent[0].text
        assert driver.errors == []


async def test_retention_anonymises_old_free_text(world: World) -> None:
    from datetime import timedelta

    from sqlmodel import select

    from storage.audit import latest
    from storage.incidents import get_incident
    from storage.models.items import ActionItem, ItemChange, StatusUpdate
    from storage.retention import anonymise

    world.seed()
    await world.send(
        COORD,
        GROUP,
        '/incidente tipo=lesiones fecha=ayer lugar="Cuadrante 4" '
        'grupo=G-07 notas="se esperan represalias"',
    )
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje #PLA-2026-001")
    await world.send(COORD, GROUP, "/accion SSC viernes Sigue abierta")
    await world.send(COORD, COORD, '/editar 1 texto="Patrullaje preventivo" motivo="más claro"')
    await world.send(SSC_STAFF, SSC_STAFF, "/hecho 1 nota del cierre")
    later = world.clock() + timedelta(days=400)
    changed = world.database.call(anonymise, 365, later)
    assert changed == {"items": 1, "notes": 1, "corrections": 1, "incidents": 1}
    corrections = world.database.call(
        lambda s: [(c.old, c.new, c.reason) for c in s.exec(select(ItemChange))]
    )
    assert corrections == [("—", "—", "")]  # the text's history and its reason too
    items = world.database.call(lambda s: list(s.exec(select(ActionItem).order_by(ActionItem.id))))
    assert [i.text for i in items] == ["—", "Sigue abierta"]  # open items keep their text
    assert items[0].closed_at is not None and items[0].agency_id  # facts stay for the KPIs
    notes = world.database.call(lambda s: [u.note for u in s.exec(select(StatusUpdate))])
    assert notes == [""]
    incident = world.database.call(get_incident, "PLA-2026-001")
    assert (incident.data.place, incident.data.notes, incident.data.group_code) == ("", "", None)
    assert incident.data.type.value == "nonfatal" and incident.data.injured == 1
    assert world.database.call(latest, 1)[0].action == "retention.anonymise"
    again = world.database.call(anonymise, 365, later)
    assert again == {"items": 0, "notes": 0, "corrections": 0, "incidents": 0}


def test_backup_of_sqlite(tmp_path, capsys) -> None:
    from bot.app.cli import main
    from storage.engine import Database

    source = tmp_path / "live.db"
    Database(f"sqlite:///{source}").upgrade()
    config = tmp_path / "c.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{source}"\n', encoding="utf-8")
    target = tmp_path / "snapshot.db"
    assert main(["--config", str(config), "backup", "--output", str(target)]) == 0
    assert target.stat().st_size > 0 and "backup written" in capsys.readouterr().out
    config.write_text('[database]\nurl = "postgresql://u@db.example/ceasefire"\n', encoding="utf-8")
    assert main(["--config", str(config), "backup"]) == 0
    assert "pg_dump -Fc -h db.example" in capsys.readouterr().out
