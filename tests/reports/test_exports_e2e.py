"""``/exportar`` through the fake Bot API on an empty database, one incident, and one week:
every export, CSV and XLSX, is a protected document pandas reads; the panel comes with its
codebook. (The real file's exports: ``test_panel``.)"""

from __future__ import annotations

import io

import pandas as pd
import pytest

from bot.reports import panel
from tests.conftest import COORD, GROUP, OBSERVER, World

KINDS = {"acciones": "items", "incidentes": "incidents", "avances": "updates", "panel": "panel"}


async def _export(world: World, user: int, word: str, fmt: str) -> dict[str, pd.DataFrame]:
    """The documents of ``/exportar WORD FMT``, read back: {"data": …, "codebook": …}."""
    sent = await world.send(user, user, f"/exportar {word} {fmt}")
    assert all(s.method == "sendDocument" and s.params["protect_content"] for s in sent)
    [upload] = sent[0].uploads
    assert upload.filename.startswith(f"alto-al-fuego-{KINDS[word]}-")
    if fmt == "xlsx":
        sheets = pd.read_excel(io.BytesIO(upload.content), sheet_name=None)
        assert list(sheets) == (["data", "codebook"] if word == "panel" else ["data"])
        return sheets
    files = {"data": pd.read_csv(io.BytesIO(upload.content))}
    assert len(sent) == (2 if word == "panel" else 1)
    if word == "panel":
        [book] = sent[1].uploads
        assert book.filename == upload.filename.replace(".csv", "-codebook.csv")
        assert "Diccionario de columnas" in sent[1].params["caption"]
        files["codebook"] = pd.read_csv(io.BytesIO(book.content))
    return files


async def _every_export(world: World, user: int = COORD) -> dict[tuple[str, str], pd.DataFrame]:
    found = {}
    for word in KINDS:
        for fmt in ("csv", "xlsx"):
            files = await _export(world, user, word, fmt)
            if word == "panel":
                assert list(files["data"].columns) == panel.COLUMNS
                assert list(files["codebook"]["column"]) == panel.COLUMNS
            found[KINDS[word], fmt] = files["data"]
    return found


async def test_every_export_of_an_empty_database(world: World) -> None:
    """No group, no incident: every export is a header (the panel's is the full one)."""
    found = await _every_export(world)
    assert all(len(frame) == 0 for frame in found.values())


@pytest.mark.parametrize("day", ["hoy", "ayer"])
async def test_every_export_with_one_incident(world: World, day: str) -> None:
    """A group registered this morning and one incident (today, or yesterday: before the
    group existed). No complete week is covered yet: the panel has no rows, not a row of
    zeros, and nothing fails."""
    world.seed()
    await world.send(COORD, GROUP, f"/incidente tipo=homicidio fecha={day}")
    found = await _every_export(world)
    assert len(found["incidents", "csv"]) == len(found["incidents", "xlsx"]) == 1
    assert len(found["panel", "csv"]) == len(found["panel", "xlsx"]) == 0
    incident = found["incidents", "csv"].iloc[0]
    assert (incident["classification"], incident["source"], incident["time_known"]) == (
        "homicide",
        "bot",
        0,
    )


async def test_every_export_after_one_week(world: World) -> None:
    """The group's first complete week: one panel row per sector, with the week's incident
    and item; the observer gets the same panel."""
    world.seed()
    world.at_local("2026-12-02 12:00")
    await world.send(COORD, GROUP, "/incidente tipo=homicidio fecha=2026-12-01 hora=23:30")
    await world.send(COORD, GROUP, "/accion SSC viernes Visita #PLA-2026-001")
    world.at_local("2026-12-07 09:00")
    found = await _every_export(world)
    for fmt in ("csv", "xlsx"):
        [row] = found["panel", fmt].to_dict("records")
        assert (row["sector"], row["iso_year"], row["iso_week"]) == ("Plateros", 2026, 49)
        assert (row["covered"], row["homicides"], row["nonfatal"], row["n_bot_homicide"]) == (
            1,
            1,
            0,
            1,
        )
        assert sum(row[c] for c in panel.ITEM_COLUMNS if c.startswith("items_created_")) == 1
        assert len(found["items", fmt]) == 1 and len(found["incidents", fmt]) == 1
    observed = await _export(world, OBSERVER, "panel", "csv")
    assert len(observed["data"]) == 1


async def test_a_covered_week_with_nothing_recorded_is_zeros(world: World) -> None:
    """The group existed all week and nobody recorded a shooting: here 0 is a true zero."""
    world.seed()
    world.at_local("2026-12-08 09:00")
    found = await _every_export(world)
    [row] = found["panel", "csv"].to_dict("records")
    assert row["covered"] == 1 and row["homicides"] == 0 and row["possible_duplicates"] == 0
