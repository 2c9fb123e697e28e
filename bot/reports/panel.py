"""The evaluators' panel: one row per sector × ISO week, tidy, ready for a
difference-in-differences in pandas, R or Stata as it is.

Why it is built this way:

- **Coverage, not zeros.** A week no source covers for a sector (``bot.reports.coverage``)
  is unknown, not zero: its incident counts are empty (NA) and ``covered`` is 0. A zero
  there would read as a drop in violence. The grid runs from the first to the last complete
  week any source covers (an FGJ import of 2019–2024 alone ends at 2024-W52, however late
  the export is made); every sector has every week of it, so the panel is balanced.
- **What counts is ``domain.measures``'**: the counts per classification keep everything
  (negligent homicides too), ``homicides`` and ``nonfatal`` are ``kpis.outcomes``; incidents
  flagged as possible duplicates are left out of every count and shown in
  ``possible_duplicates`` so an evaluator can bound their effect.
- **Action-item measures are counts of the bot's own records**: 0 there is a true 0.
- **Integers are integers**: nullable ``Int64`` columns, so a CSV has empty cells for NA and
  no ``.0``; booleans are 0/1; dates are ISO ``YYYY-MM-DD`` text.

The codebook (``bot.reports.panel_codebook``) defines every column.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

from bot.reports import kpis
from bot.reports.coverage import covered_range, covered_weeks
from bot.runtime.settings import Settings
from domain.measures import PANEL_CLASSES, Classification, Duplicate
from domain.terms import ActionKind
from storage import report_data
from storage.engine import Session
from storage.groups import sector_key

BOT_CLASSES = (Classification.homicide, Classification.nonfatal)


def class_column(classification: Classification) -> str:
    """``n_homicidio_doloso``…; the bot's own two types read ``n_bot_homicide`` and
    ``n_bot_nonfatal`` so nobody takes them for FGJ categories."""
    prefix = "n_bot_" if classification in BOT_CLASSES else "n_"
    return prefix + classification.value


CLASS_COLUMNS = [class_column(c) for c in PANEL_CLASSES]
OUTCOMES = ["homicides", "nonfatal", "killed", "injured", "group_involved"]
ITEM_MEASURES = ("created", "closed", "on_time")
ITEM_COLUMNS = [f"items_{what}_{k.value}" for k in ActionKind for what in ITEM_MEASURES]
# Counts of incident records: empty in weeks outside coverage.
INCIDENT_COLUMNS = [*CLASS_COLUMNS, *OUTCOMES, "reviewed_7d", "possible_duplicates"]
COLUMNS = [
    "sector_id",
    "sector",
    "alcaldia",
    "iso_year",
    "iso_week",
    "week_start",
    "covered",
    *CLASS_COLUMNS,
    *OUTCOMES,
    "reviewed_7d",
    *ITEM_COLUMNS,
    "comparison",
    "treated",
    "treatment_start",
    "possible_duplicates",
]
TEXT_COLUMNS = ("sector", "alcaldia", "week_start", "treatment_start")


def empty() -> pd.DataFrame:
    """The panel without rows, typed as a full one (so its CSV header is the same)."""
    return pd.DataFrame(
        {c: pd.Series(dtype="string" if c in TEXT_COLUMNS else "Int64") for c in COLUMNS}
    )


def _local_day(now: datetime, zone: ZoneInfo) -> pd.Timestamp:
    return pd.Timestamp(now).tz_convert(zone).tz_localize(None).normalize()


def grid_weeks(
    coverage: pd.DataFrame, sector_ids: list[int], *, now: datetime, zone: ZoneInfo
) -> pd.DataFrame:
    """Covered flags, sector_id × week, for every week any source's period touches, up to
    the last complete week (no columns when nothing is covered). A week only partly
    covered (the first and last weeks of an import) is a row with ``covered = 0``: its
    events are in the database, but a partial count is not the week's count."""
    today = _local_day(now, zone)
    period = covered_range(coverage, today=today) if sector_ids else None
    if period is None:
        return pd.DataFrame(index=sector_ids)
    first, last = period
    monday = first - pd.Timedelta(days=first.weekday())
    end = min(last - pd.Timedelta(days=last.weekday()), kpis.weeks_ending(now, 1, zone)[0])
    weeks = list(pd.date_range(monday, end, freq="7D")) if monday <= end else []
    return covered_weeks(coverage, sector_ids, weeks, today=today)


def panel(session: Session, settings: Settings, now: datetime) -> pd.DataFrame:
    """The panel (see the module docstring), in ``COLUMNS`` order."""
    zone = settings.locale.zone
    sectors = report_data.sectors_frame(session)
    coverage = report_data.coverage_frame(session, zone)
    covered = grid_weeks(coverage, list(sectors["sector_id"]), now=now, zone=zone)
    if covered.shape[1] == 0:
        return empty()
    weeks = list(covered.columns)
    names = list(sectors["sector"])
    incidents = report_data.incidents_frame(session)
    table = kpis.weekly_shootings(incidents, zone, weeks=weeks, sectors=names)[OUTCOMES]
    _add_incident_counts(table, incidents, zone)
    _add_delivery_by_kind(table, report_data.item_sectors_frame(session, delivery=True), zone)
    table = table.reset_index()
    ids = dict(zip(sectors["sector"], sectors["sector_id"], strict=True))
    table.insert(0, "sector_id", table["sector"].map(ids))
    flags = covered.stack()
    table["covered"] = flags.reindex(
        pd.MultiIndex.from_arrays([table["sector_id"], table["week"]])
    ).to_numpy()
    for column in INCIDENT_COLUMNS:  # unknown, not zero
        table[column] = table[column].astype("Int64").mask(~table["covered"].astype(bool))
    return _with_design(table, sectors, settings)


def _week_counts(frame: pd.DataFrame, zone: ZoneInfo, grid: pd.Index) -> pd.Series:
    """Rows of ``frame`` per (sector, week of ``occurred_at``), on the grid, 0 elsewhere."""
    if frame.empty:
        return pd.Series(0, index=grid)
    weeks = kpis.week_start(frame["occurred_at"], zone)
    return frame.groupby([frame["sector"], weeks.rename("week")]).size().reindex(grid, fill_value=0)


def _add_incident_counts(table: pd.DataFrame, incidents: pd.DataFrame, zone: ZoneInfo) -> None:
    """Per classification (flagged duplicates left out), the counted incidents reviewed
    within a week of happening, and the possible duplicates waiting for a judgement."""
    judged = incidents["duplicate"].fillna("") if len(incidents) else pd.Series(dtype=str)
    kept = incidents[judged.isin(["", Duplicate.distinct.value])]
    for classification, column in zip(PANEL_CLASSES, CLASS_COLUMNS, strict=True):
        chosen = kept[kept["classification"] == classification.value]
        table[column] = _week_counts(chosen, zone, table.index)
    counted = kpis.outcomes(incidents) if len(incidents) else incidents
    delay = counted["reviewed_at"] - counted["occurred_at"] if len(counted) else None
    reviewed = counted[delay <= pd.Timedelta(days=7)] if len(counted) else counted
    table["reviewed_7d"] = _week_counts(reviewed, zone, table.index)
    possible = incidents[judged == Duplicate.possible.value]
    table["possible_duplicates"] = _week_counts(possible, zone, table.index)


def _add_delivery_by_kind(table: pd.DataFrame, items: pd.DataFrame, zone: ZoneInfo) -> None:
    """Items created, closed and closed on time, per sector, week and action kind."""
    items = items.assign(kind=items["kind"].fillna(ActionKind.other.value))
    done = items[items["status"] == "done"]
    counted = {
        "created": items.assign(week=kpis.week_start(items["created_at"], zone)),
        "closed": done.assign(week=kpis.week_start(done["closed_at"], zone)),
    }
    counted["on_time"] = counted["closed"][done["closed_at"] <= done["due_at"]]
    kinds = [k.value for k in ActionKind]
    for what in ITEM_MEASURES:
        frame = counted[what]
        by_kind = frame.groupby(["sector", "week", "kind"]).size().unstack("kind")
        by_kind = by_kind.reindex(index=table.index, columns=kinds)
        for kind in kinds:
            table[f"items_{what}_{kind}"] = by_kind[kind].fillna(0).astype(int)


def _with_design(table: pd.DataFrame, sectors: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Week labels and the evaluation design: comparison sector (``[sectors] comparison`` or
    the sector's own flag), treatment start and whether the sector was treated that week."""
    keys = table["sector"].map(sector_key)
    configured = {sector_key(s) for s in settings.sectors.comparison}
    flagged = set(sectors.loc[sectors["comparison"].astype(bool), "sector"].map(sector_key))
    starts = {sector_key(s): pd.Timestamp(d) for s, d in settings.sectors.treatment_start.items()}
    start = pd.to_datetime(keys.map(starts))  # NaT: no treatment
    iso = table["week"].dt.isocalendar()
    out = pd.DataFrame(
        {
            "sector_id": table["sector_id"],
            "sector": table["sector"],
            "alcaldia": table["sector"].map(
                dict(zip(sectors["sector"], sectors["alcaldia"], strict=True))
            ),
            "iso_year": iso["year"],
            "iso_week": iso["week"],
            "week_start": table["week"].dt.strftime("%Y-%m-%d"),
            "covered": table["covered"],
            **{c: table[c] for c in INCIDENT_COLUMNS if c != "possible_duplicates"},
            **{c: table[c] for c in ITEM_COLUMNS},
            "comparison": keys.isin(configured | flagged),
            "treated": start.notna() & (table["week"] >= start),
            "treatment_start": start.dt.strftime("%Y-%m-%d"),
            "possible_duplicates": table["possible_duplicates"],
        }
    )
    return out.astype({c: "string" if c in TEXT_COLUMNS else "Int64" for c in COLUMNS})[COLUMNS]
