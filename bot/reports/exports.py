"""Exports for coordinators, observers and evaluators: items, incidents, updates and the
sector × week panel, as CSV or XLSX.

The panel is the evaluators' table: one row per registered sector and ISO week, with
outcomes, delivery by action kind, review timeliness, and the evaluation design (comparison
sector, treatment start). It holds no free text and nothing about people.
"""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

from bot.reports import kpis
from bot.runtime.settings import Settings
from domain.terms import ActionKind
from storage import report_data
from storage.engine import Session
from storage.groups import sector_key

PANEL_OUTCOMES = ["incidents", "homicides", "nonfatal", "killed", "injured", "group_involved"]


def _local(frame: pd.DataFrame, zone: object) -> pd.DataFrame:
    """Times in the configured zone, without offsets (spreadsheets cannot hold them)."""
    frame = frame.copy()
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            frame[column] = frame[column].dt.tz_convert(zone).dt.tz_localize(None)
    return frame


def panel(session: Session, settings: Settings, now: datetime) -> pd.DataFrame:
    """One row per sector × ISO week, from the first week with data to the last full week."""
    zone = settings.locale.zone
    sectors = report_data.sector_names(session)
    incidents = report_data.incidents_frame(session)
    items = report_data.item_sectors_frame(session, delivery=True)
    starts = [
        kpis.week_start(incidents["occurred_at"], zone).min() if len(incidents) else None,
        kpis.week_start(items["created_at"], zone).min() if len(items) else None,
    ]
    first = min((s for s in starts if s is not None and not pd.isna(s)), default=None)
    last = kpis.weeks_ending(now, 1, zone)[0]
    if first is None or not sectors or first > last:  # nothing yet in a finished week
        return pd.DataFrame(columns=panel_columns())
    weeks = list(pd.date_range(first, last, freq="7D"))
    table = kpis.weekly_shootings(incidents, zone, weeks=weeks, sectors=sectors)
    table["reviewed_7d"] = _reviewed_within_a_week(incidents, zone, table.index)
    _add_delivery_by_kind(table, items, zone)
    return _with_design(table.reset_index(), settings)[panel_columns()]


def _reviewed_within_a_week(
    incidents: pd.DataFrame, zone: ZoneInfo, grid: pd.Index
) -> pd.Series | int:
    """Per sector and week, the incidents reviewed within 7 days of happening."""
    if not len(incidents):
        return 0
    reviewed = incidents[
        (incidents["reviewed_at"] - incidents["occurred_at"]) <= pd.Timedelta(days=7)
    ]
    return (
        reviewed.assign(week=kpis.week_start(reviewed["occurred_at"], zone))
        .groupby(["sector", "week"])
        .size()
        .reindex(grid, fill_value=0)
    )


def _add_delivery_by_kind(table: pd.DataFrame, items: pd.DataFrame, zone: ZoneInfo) -> None:
    """Items created, closed and closed on time, per sector, week and action kind."""
    items = items.assign(kind=items["kind"].fillna(ActionKind.other.value))
    done = items[items["status"] == "done"]
    counted = {
        "created": items.assign(week=kpis.week_start(items["created_at"], zone)),
        "closed": done.assign(week=kpis.week_start(done["closed_at"], zone)),
    }
    counted["on_time"] = counted["closed"][done["closed_at"] <= done["due_at"]]
    for what, frame in counted.items():
        by_kind = frame.groupby(["sector", "week", "kind"]).size().unstack("kind")
        by_kind = by_kind.reindex(index=table.index, columns=[k.value for k in ActionKind])
        for k in ActionKind:
            table[f"items_{what}_{k.value}"] = by_kind[k.value].fillna(0).astype(int)


def _with_design(table: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The evaluation design beside each row: comparison sector, treatment start, ISO week
    and whether the sector was treated that week."""
    comparison = {sector_key(s) for s in settings.sectors.comparison}
    starts_by_key = {sector_key(s): d for s, d in settings.sectors.treatment_start.items()}
    table.insert(1, "comparison", table["sector"].map(lambda s: sector_key(s) in comparison))
    table.insert(
        2, "treatment_start", table["sector"].map(lambda s: starts_by_key.get(sector_key(s)))
    )
    iso = table["week"].dt.isocalendar()
    table.insert(
        3, "iso_week", iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)
    )
    table = table.rename(columns={"week": "week_start"})
    table["treated"] = table["treatment_start"].notna() & (
        table["week_start"].dt.date >= table["treatment_start"].fillna(pd.Timestamp.max.date())
    )
    return table


def panel_columns() -> list[str]:
    kinds = [
        f"items_{what}_{k.value}" for k in ActionKind for what in ("created", "closed", "on_time")
    ]
    return [
        "sector",
        "comparison",
        "treatment_start",
        "iso_week",
        "week_start",
        "treated",
        *PANEL_OUTCOMES,
        "reviewed_7d",
        *kinds,
    ]


# The free-text column of each export (an incident's notes are never exported).
FREE_TEXT = {"items": "text", "updates": "note", "incidents": "place"}


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
        return table if sectors is None else table[table["sector"].isin(sectors)]
    if kind == "incidents":
        frame = report_data.incidents_frame(session, sectors).drop(columns=["id"])
        return _local(frame if free_text else frame.drop(columns=["place"]), zone)
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
    return _local(frame.reset_index(drop=True), zone)


def encode(frame: pd.DataFrame, fmt: str) -> bytes:
    """CSV (UTF-8 with a BOM, so spreadsheet programs read accents) or XLSX."""
    buffer = io.BytesIO()
    if fmt == "xlsx":
        frame.to_excel(buffer, index=False, engine="openpyxl")
    else:
        buffer.write(frame.to_csv(index=False).encode("utf-8-sig"))
    return buffer.getvalue()
