"""Which sector-weeks have data: a week is *covered* for a sector when all seven of its local
days lie inside the period of at least one source covering that sector.

Outside coverage a count is unknown, not zero: the panel leaves those cells empty
(``covered = 0``) and the charts say "sin datos". A week only partly covered (the first and
last weeks of an import) is not covered: its count would be too low, and a trend or a
difference-in-differences would read the shortfall as a change.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

SIX_DAYS = pd.Timedelta(days=6)


def covered_weeks(
    coverage: pd.DataFrame,
    sector_ids: Sequence[int],
    weeks: Sequence[pd.Timestamp],
    *,
    today: pd.Timestamp,
) -> pd.DataFrame:
    """A boolean frame, index = ``sector_ids``, columns = ``weeks`` (local Mondays). An
    open-ended source (the bot) covers up to ``today`` (a naive local date)."""
    starts = pd.DatetimeIndex(weeks)
    result = pd.DataFrame(False, index=list(sector_ids), columns=starts)
    if coverage.empty or not len(starts):
        return result
    ends = starts + SIX_DAYS
    for row in coverage.itertuples(index=False):
        last = today if pd.isna(row.last_day) else row.last_day
        inside = np.asarray((starts >= row.first_day) & (ends <= last))
        if pd.isna(row.sector_id):
            result.loc[:, inside] = True
        elif int(row.sector_id) in result.index:
            result.loc[int(row.sector_id), inside] = True
    return result


def covered_range(
    coverage: pd.DataFrame, *, today: pd.Timestamp
) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and last local day any source covers, or None when nothing is covered."""
    if coverage.empty:
        return None
    last = coverage["last_day"].fillna(today)
    return coverage["first_day"].min(), last.max()
