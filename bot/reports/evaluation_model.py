"""The impact model: a Poisson difference-in-differences with sector and week fixed effects,
its event study, and a placebo (permutation) p-value.

Estimated with ``statsmodels``' GLM (Poisson family, explicit sector and week dummies):
a well-kept library whose estimates and clustered covariance evaluators can reproduce in R
(``fixest::fepois``) or Stata (``ppmlhdfe``). Not ``pyfixest.fepois``: it brings numba and
its JIT compilation on first use (seconds, in every fresh renderer process) and a much
larger install, and absorbing the fixed effects only pays off on panels far larger than a
handful of sectors × a few hundred weeks (on the real file a whole evaluation, placebos
and event study included, takes a fraction of a second: ``bench/evaluate.py``).

Inference: cluster-robust (CRV1) covariance by sector, t distribution with G − 1 degrees of
freedom (statsmodels' small-sample correction). With one treated sector and a few
comparison sectors that interval is fragile (the cluster-robust variance leans on the one
treated cluster), so a placebo p-value is computed as well: every comparison sector (or set
of them, as many as there are treated) is given the treatment in turn, and the p-value is the
share of estimates at least as large in absolute value as the real one, the real one
included. Its smallest possible value is 1 / (placebos + 1): with three comparison sectors,
0.25 — which is exactly what a reader must know.

Weeks with no event in any sector, and sectors with no event in the window, are dropped
before fitting: their fixed effect would be minus infinity, and they carry no information
about the treatment effect in a Poisson model with those fixed effects.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_PLACEBOS = 200  # combinations of comparison sectors given the treatment, at most
MIN_CLUSTERS = 3  # sectors: with two, a covariance clustered by sector is degenerate


@dataclass(frozen=True, slots=True)
class Estimate:
    """An incidence-rate ratio with its 95% interval and what it was estimated from."""

    irr: float
    low: float
    high: float
    p: float
    clusters: int
    treated_clusters: int
    observations: int  # sector-weeks used
    placebo_p: float | None = None
    placebos: int = 0


@dataclass(frozen=True)
class Fit:
    """Coefficients (log rate ratios) of the regressors, their 95% intervals and p-values."""

    params: pd.Series
    low: pd.Series
    high: pd.Series
    pvalues: pd.Series
    rows: int
    clusters: int


def _usable(panel: pd.DataFrame, regressors: list[str]) -> pd.DataFrame | None:
    """The rows that carry information (see the module docstring), or None when a
    regressor cannot be estimated (no variation, or no event where it is 1)."""
    panel = panel[panel.groupby("week")["y"].transform("sum") > 0]
    panel = panel[panel.groupby("sector")["y"].transform("sum") > 0]
    if panel["sector"].nunique() < 2 or not len(panel):
        return None
    for column in regressors:
        if panel[column].nunique() < 2 or panel.loc[panel[column] == 1, "y"].sum() == 0:
            return None
    return panel


def fit(panel: pd.DataFrame, regressors: list[str]) -> Fit | None:
    """Poisson regression of ``y`` on ``regressors`` with sector and week dummies
    (statsmodels' GLM), the covariance clustered by sector (CRV1 with its small-sample
    factor) and t with G − 1 degrees of freedom; None if not estimable."""
    import statsmodels.api as sm

    panel = _usable(panel, regressors)
    if panel is None:
        return None
    dummies = [
        pd.get_dummies(panel["sector"], prefix="s", drop_first=True, dtype=float),
        pd.get_dummies(panel["week"].astype(str), prefix="w", drop_first=True, dtype=float),
    ]
    design = pd.concat([panel[regressors].astype(float), *dummies], axis=1)
    design.insert(0, "const", 1.0)
    groups = pd.factorize(panel["sector"])[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # separation and convergence: judged below
        try:
            result = sm.GLM(panel["y"].to_numpy(float), design, family=sm.families.Poisson()).fit(
                cov_type="cluster", cov_kwds={"groups": groups}, use_t=True
            )
        except (ValueError, np.linalg.LinAlgError):
            return None
    intervals = result.conf_int().loc[regressors]
    if not result.converged or not np.all(np.isfinite(intervals.to_numpy())):
        return None
    return Fit(
        result.params[regressors],
        intervals[0],
        intervals[1],
        result.pvalues[regressors],
        len(panel),
        int(groups.max()) + 1,
    )


def _coefficient(panel: pd.DataFrame) -> float | None:
    result = fit(panel, ["d"])
    return None if result is None else float(result.params["d"])


def _placebo_p(panel: pd.DataFrame, treated: list[str], observed: float) -> tuple[float, int]:
    """Permutation p-value: comparison sectors given the treatment (``post``) in turn."""
    pool = panel[~panel["sector"].isin(treated)]
    sectors = sorted(pool["sector"].unique())
    size = len(treated)
    if len(sectors) <= size:
        return np.nan, 0
    estimates = []
    for chosen in itertools.islice(itertools.combinations(sectors, size), MAX_PLACEBOS):
        fake = pool.assign(d=(pool["sector"].isin(chosen) & (pool["post"] == 1)).astype(int))
        estimate = _coefficient(fake)
        if estimate is not None:
            estimates.append(estimate)
    if not estimates:
        return np.nan, 0
    extreme = sum(abs(b) >= abs(observed) - 1e-12 for b in estimates)
    return (1 + extreme) / (1 + len(estimates)), len(estimates)


def did(panel: pd.DataFrame, treated: list[str]) -> Estimate | None:
    """The DiD incidence-rate ratio of ``d`` (treated sector × post period).

    ``panel``: one row per covered sector-week, columns ``sector``, ``week``, ``y`` (count),
    ``d`` (1 in treated sectors' treated weeks) and ``post`` (the treated period on the
    calendar, used to give placebo sectors the treatment).

    Not estimable (None) when one of the four cells — treated or comparison, before or
    after — has no event (the ratio would be 0 or infinite: separation), or with fewer than
    three sectors (a covariance clustered by sector needs more clusters than that)."""
    is_treated = panel["sector"].isin(treated)
    cells = panel.groupby([is_treated, panel["post"]])["y"].sum()
    if len(cells) < 4 or (cells <= 0).any() or panel["sector"].nunique() < MIN_CLUSTERS:
        return None
    result = fit(panel, ["d"])
    if result is None:
        return None
    coefficient = float(result.params["d"])
    low, high = float(result.low["d"]), float(result.high["d"])
    placebo_p, placebos = _placebo_p(panel, treated, coefficient)
    return Estimate(
        irr=float(np.exp(coefficient)),
        low=float(np.exp(low)),
        high=float(np.exp(high)),
        p=float(result.pvalues["d"]),
        clusters=result.clusters,
        treated_clusters=len(treated),
        observations=result.rows,
        placebo_p=None if np.isnan(placebo_p) else float(placebo_p),
        placebos=placebos,
    )


def event_study(panel: pd.DataFrame, treated: list[str], *, baseline: int) -> pd.DataFrame:
    """Yearly treated × year incidence-rate ratios relative to ``baseline`` (= 1), with 95%
    intervals. ``panel`` as for ``did`` plus ``year`` (ISO year of the week). A year in which
    the treated or the comparison sectors had no event cannot be estimated: its row is NaN.

    Returns one row per year: ``year, irr, low, high`` (the baseline row 1, 1, 1)."""
    years = sorted(int(y) for y in panel["year"].unique())
    is_treated = panel["sector"].isin(treated)
    counts = panel.groupby([is_treated, panel["year"]])["y"].sum()
    usable = [y for y in years if counts.get((True, y), 0) > 0 and counts.get((False, y), 0) > 0]
    rows = {y: (np.nan, np.nan, np.nan) for y in years}
    if baseline not in usable or len(usable) < 2 or panel["sector"].nunique() < MIN_CLUSTERS:
        return _rows(rows)
    panel = panel[panel["year"].isin(usable)]
    others = [y for y in usable if y != baseline]
    names = [f"t{y}" for y in others]
    treated_rows = panel["sector"].isin(treated)
    columns = {
        n: (treated_rows & (panel["year"] == y)).astype(int)
        for n, y in zip(names, others, strict=True)
    }
    result = fit(panel.assign(**columns), names)
    rows[baseline] = (1.0, 1.0, 1.0)
    if result is not None:
        for name, year in zip(names, others, strict=True):
            low, high = result.low[name], result.high[name]
            rows[year] = (
                float(np.exp(result.params[name])),
                float(np.exp(low)),
                float(np.exp(high)),
            )
    return _rows(rows)


def _rows(rows: dict[int, tuple[float, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["irr", "low", "high"])
    return frame.rename_axis("year").reset_index()
