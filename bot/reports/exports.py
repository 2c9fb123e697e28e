"""Exports for coordinators, observers and evaluators: items, incidents, updates and the
sector × week panel (``bot.reports.panel``, with its codebook), as CSV or XLSX.

Files are meant to be read as they are by pandas, R ``readr`` and Stata ``import
delimited``: no index column, empty cells for missing values (never ``nan``), integers
without ``.0``, booleans as 0/1, times local to the configured zone without an offset
(spreadsheets cannot hold one). CSV is UTF-8 with a BOM: Excel in Mexico needs the BOM to
read accents, and pandas, readr and Stata 16+ skip it.
"""

from __future__ import annotations

import io
from datetime import datetime

import pandas as pd

from bot.reports import panel as panel_table
from bot.runtime.settings import Settings
from storage import report_data
from storage.engine import Session

CODEBOOK_SHEET = "codebook"


def _tidy(frame: pd.DataFrame, zone: object) -> pd.DataFrame:
    """Times in the configured zone without offsets; booleans as nullable 0/1 integers."""
    frame = frame.copy()
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            frame[column] = frame[column].dt.tz_convert(zone).dt.tz_localize(None)
        elif frame[column].dtype == bool:
            frame[column] = frame[column].astype("Int64")
    return frame


def panel(session: Session, settings: Settings, now: datetime) -> pd.DataFrame:
    """The evaluators' panel (``bot.reports.panel``)."""
    return panel_table.panel(session, settings, now)


def panel_columns() -> list[str]:
    return list(panel_table.COLUMNS)


def codebook(settings: Settings) -> pd.DataFrame:
    """The panel's codebook, one row per column (``bot.reports.panel_codebook``)."""
    from bot.reports.panel_codebook import codebook as build_codebook

    return build_codebook(settings.locale.zone)


# The free-text column of each export (an incident's notes are never exported).
FREE_TEXT = {"items": "text", "updates": "note", "incidents": "place"}


def _incidents(
    session: Session, sectors: list[str] | None, *, free_text: bool, zone: object
) -> pd.DataFrame:
    """One row per incident with its classification, source and the source's own id, and
    whether its time of day is known (if not, the time shown is a placeholder). A flagged
    duplicate names the code of the record it may repeat. No notes, ever; the place only
    with ``free_text``."""
    frame = report_data.incidents_frame(session, sectors)
    codes = dict(zip(frame["id"], frame["code"], strict=True))
    frame["duplicate_of"] = frame["duplicate_of"].map(codes)
    frame["time_known"] = frame["time_known"].astype(bool)
    frame = frame.drop(columns=["id"] if free_text else ["id", "place"])
    return _tidy(frame, zone)


def build(
    session: Session,
    kind: str,
    *,
    settings: Settings,
    now: datetime,
    sectors: list[str] | None = None,
    free_text: bool = True,
) -> pd.DataFrame:
    """The export ``kind`` as a DataFrame (times local to the configured zone).

    ``sectors`` limits it to those sectors (a group's export: need to know); without
    ``free_text`` item texts, update notes and incident places are left out (observers,
    groups)."""
    zone = settings.locale.zone
    if kind == "panel":
        table = panel(session, settings, now)
        return (
            table
            if sectors is None
            else table[table["sector"].isin(sectors)].reset_index(drop=True)
        )
    if kind == "incidents":
        return _incidents(session, sectors, free_text=free_text, zone=zone)
    if kind not in FREE_TEXT:
        raise ValueError(f"unknown export {kind!r}")
    spread = report_data.item_sectors_frame(session)
    if sectors is not None:
        spread = spread[spread["sector"].isin(sectors)]
    names = spread.groupby("id")["sector"].agg(lambda found: ", ".join(sorted(found)))
    if kind == "items":
        frame = report_data.items_frame(session, sectors)
        frame.insert(1, "sectors", frame["id"].map(names).fillna(""))
    else:
        frame = report_data.updates_frame(session)
        if sectors is not None:
            frame = frame[frame["item_id"].isin(names.index)]
    if not free_text:
        frame = frame.drop(columns=[FREE_TEXT[kind]])
    return _tidy(frame.reset_index(drop=True), zone)


def _xlsx(sheets: dict[str, pd.DataFrame], buffer: io.BytesIO) -> None:
    """A workbook written row by row (openpyxl's write-only mode): the real panel is a
    million cells, a third faster this way than ``DataFrame.to_excel`` and without holding
    every cell object in memory. Missing values are empty cells."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, frame in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append([str(c) for c in frame.columns])
        cells = frame.astype(object).where(frame.notna(), None)
        for row in cells.itertuples(index=False, name=None):
            sheet.append(row)
    book.save(buffer)


def encode(frame: pd.DataFrame, fmt: str, *, codebook: pd.DataFrame | None = None) -> bytes:
    """CSV (UTF-8 with a BOM) or XLSX; an XLSX gets the ``codebook`` as a second sheet (a
    CSV's codebook is a file of its own: encode it alone)."""
    buffer = io.BytesIO()
    if fmt == "xlsx":
        sheets = {"data": frame} if codebook is None else {"data": frame, CODEBOOK_SHEET: codebook}
        _xlsx(sheets, buffer)
    else:
        buffer.write(frame.to_csv(index=False, date_format="%Y-%m-%d %H:%M:%S").encode("utf-8-sig"))
    return buffer.getvalue()


def documents(
    frame: pd.DataFrame, kind: str, fmt: str, *, settings: Settings, stem: str
) -> list[tuple[str, bytes]]:
    """The files of an export, as (file name, content): the table, and for the panel its
    codebook (a second sheet of the XLSX, or ``STEM-codebook.csv`` beside the CSV)."""
    book = codebook(settings) if kind == "panel" else None
    if fmt == "xlsx" or book is None:
        return [(f"{stem}.{fmt}", encode(frame, fmt, codebook=book))]
    return [(f"{stem}.csv", encode(frame, "csv")), (f"{stem}-codebook.csv", encode(book, "csv"))]
