"""Monotonic trend of an annual series: Theil-Sen slope and Mann-Kendall test.

Why these two.  City indicator series are short (5-15 annual values), often
with gaps and outliers; an ordinary least-squares slope and its t-test assume
normal residuals.  The Theil-Sen slope (median of all pairwise slopes; Theil
1950, Sen 1968) is robust to outliers and gaps, and the Mann-Kendall test
(Mann 1945; Kendall 1975; the form with tie correction and continuity
correction of Gilbert 1987, *Statistical Methods for Environmental Pollution
Monitoring*, ch. 16) is the distribution-free test usually paired with it in
environmental trend analysis.  These references are textbook knowledge, not
items of ``methods-and-standards.md`` (which does not cover trend tests):
treat them as [M] in that file's legend.

Why Mann-Kendall is implemented here and not taken from
``scipy.stats.kendalltau(years, values)``: the statistic S is the same (time
has no ties, so Kendall's tau-b times n(n-1)/2 is S), but ``kendalltau``
switches between an exact and an asymptotic p-value depending on n and ties
and applies no continuity correction, so the p-value would change method
silently between cities.  Implementing S, Var(S) with the tie term and Z with
continuity correction on numpy gives one documented formula, lets the
scorecard run the very same computation on a whole matrix of series at once
(:func:`trend_matrix`), and exposes S and Var(S).  The tests check S against
``kendalltau`` and the slope against ``scipy.stats.theilslopes``.

Minimum length.  With no ties, S is at most n(n-1)/2 and
Var(S) = n(n-1)(2n+5)/18, so the smallest attainable two-sided p-value is
2 * (1 - Phi((S_max - 1) / sqrt(Var(S)))):

====  =====  ======  ============
 n    S_max  Var(S)  min p (2-s.)
====  =====  ======  ============
 3      3     3.67      0.297
 4      6     8.67      0.089
 5     10    16.67      0.027
====  =====  ======  ============

(the exact permutation distribution agrees: 2/4! = 0.083 for n = 4 and
2/5! = 0.017 for n = 5).  So no series shorter than 5 values can show a trend
significant at alpha = 0.05: :data:`MIN_TREND_POINTS` is 5, and shorter series
are labelled ``insufficient_data`` (their Theil-Sen slope is still returned
when n >= 2, as a description, never as a finding).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from qclib.indicators.change import _as_year_series

#: Smallest number of values for which a two-sided Mann-Kendall p-value can
#: fall below 0.05 (see the module docstring for the computation).
MIN_TREND_POINTS: int = 5

#: Default significance level.
TREND_ALPHA: float = 0.05

#: Labels returned by :func:`trend`.
TREND_LABELS: tuple[str, ...] = ("increasing", "decreasing", "no_trend", "insufficient_data")


@dataclass(frozen=True)
class TrendResult:
    """Result of :func:`trend`.

    Attributes
    ----------
    n : int
        Number of non-NaN values used.
    slope : float
        Theil-Sen slope, in the series' unit per year (NaN when n < 2).
    intercept : float
        Theil-Sen intercept (value at year 0; NaN when n < 2).
    slope_low, slope_high : float
        95 % confidence bounds of the slope from ``scipy.stats.theilslopes``
        (NaN when n < 2).
    s : float
        Mann-Kendall statistic S.
    var_s : float
        Var(S) with the tie correction.
    z : float
        Continuity-corrected standard normal score.
    p_value : float
        Two-sided p-value (NaN when n < 2).
    tau : float
        Kendall's tau-a, S / (n(n-1)/2).
    label : str
        One of :data:`TREND_LABELS`.
    alpha : float
        Significance level used.
    """

    n: int
    slope: float
    intercept: float
    slope_low: float
    slope_high: float
    s: float
    var_s: float
    z: float
    p_value: float
    tau: float
    label: str
    alpha: float

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a plain dict.

        Examples
        --------
        >>> import pandas as pd
        >>> trend(pd.Series([1.0, 2.0], index=[2000, 2001])).to_dict()["label"]
        'insufficient_data'
        """
        return asdict(self)


def _mk_from_s(
    s: np.ndarray, var_s: np.ndarray, n: np.ndarray, alpha: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Z, p and label arrays from S, Var(S) and n (vectorised)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(var_s)
        z = np.where(s > 0, (s - 1) / sd, np.where(s < 0, (s + 1) / sd, 0.0))
    z = np.where(n >= 2, z, np.nan)
    p = np.where(n >= 2, 2.0 * special.ndtr(-np.abs(z)), np.nan)
    # var_s == 0 happens only when all values tie: no trend, p = 1
    flat = (n >= 2) & (var_s <= 0)
    z = np.where(flat, 0.0, z)
    p = np.where(flat, 1.0, p)
    label = np.where(
        n < MIN_TREND_POINTS,
        "insufficient_data",
        np.where(p < alpha, np.where(s > 0, "increasing", "decreasing"), "no_trend"),
    )
    return z, p, label.astype(object)


def _mann_kendall(x: np.ndarray) -> tuple[float, float]:
    """S and tie-corrected Var(S) of a 1-D array in time order (no NaN)."""
    n = x.size
    i, j = np.triu_indices(n, 1)
    s = float(np.sign(x[j] - x[i]).sum())
    _, t = np.unique(x, return_counts=True)
    ties = float((t * (t - 1) * (2 * t + 5)).sum())
    var_s = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    return s, var_s


def trend(series: pd.Series, *, alpha: float = TREND_ALPHA) -> TrendResult:
    """Theil-Sen slope and Mann-Kendall trend test of an annual series.

    - Theil-Sen: ``slope = median{(x_j - x_i) / (y_j - y_i) : y_i < y_j}``
      over all pairs of years with values (``scipy.stats.theilslopes``), so
      gaps are handled by the real year distances.
    - Mann-Kendall: ``S = sum_{i<j} sign(x_j - x_i)`` (values in year order);
      ``Var(S) = [n(n-1)(2n+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18`` where t_g are
      the sizes of groups of tied values; ``Z = (S - 1)/sqrt(Var S)`` if S > 0,
      ``(S + 1)/sqrt(Var S)`` if S < 0, 0 if S = 0; two-sided
      ``p = 2 (1 - Phi(|Z|))``.  Gilbert (1987) ch. 16 ([M]: textbook, not
      in methods-and-standards.md).
    - Label: ``insufficient_data`` when n < :data:`MIN_TREND_POINTS` (5, the
      smallest n for which p < 0.05 is attainable, see the module docstring);
      else ``increasing`` / ``decreasing`` when p < alpha, else ``no_trend``.

    NaN values are dropped.  The label describes the numbers, not whether the
    move is good: combine it with the indicator's direction for that.

    Parameters
    ----------
    series : pandas.Series
        Values indexed by integer year.
    alpha : float, default 0.05
        Two-sided significance level, keyword only.

    Returns
    -------
    TrendResult
        Frozen dataclass (see its attributes).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([108.0, 104.0, 100.0, 97.0, 93.0, 90.0],
    ...               index=range(2013, 2019))
    >>> r = trend(s)
    >>> round(r.slope, 2), r.s, r.label, round(r.p_value, 4)
    (-3.6, -15.0, 'decreasing', 0.0085)
    >>> trend(s.loc[2013:2016]).label
    'insufficient_data'
    """
    s = _as_year_series(series).dropna()
    n = int(s.size)
    years = s.index.to_numpy(dtype=float)
    x = s.to_numpy()
    if n >= 2:
        res = stats.theilslopes(x, years, alpha=0.95)
        slope, intercept = float(res[0]), float(res[1])
        low, high = float(res[2]), float(res[3])
        s_stat, var_s = _mann_kendall(x)
    else:
        slope = intercept = low = high = np.nan
        s_stat, var_s = 0.0, 0.0
    z, p, label = _mk_from_s(np.array([s_stat]), np.array([var_s]), np.array([n]), alpha)
    tau = s_stat / (n * (n - 1) / 2) if n >= 2 else np.nan
    return TrendResult(
        n=n,
        slope=slope,
        intercept=intercept,
        slope_low=low,
        slope_high=high,
        s=float(s_stat),
        var_s=float(var_s),
        z=float(z[0]),
        p_value=float(p[0]),
        tau=float(tau),
        label=str(label[0]),
        alpha=alpha,
    )


def trend_matrix(values: np.ndarray, years: np.ndarray, *, alpha: float = TREND_ALPHA) -> pd.DataFrame:
    """:func:`trend` for many series at once (rows of a year-aligned matrix).

    Same formulas as :func:`trend` (Theil-Sen slope = median of pairwise
    slopes; Mann-Kendall S, tie-corrected Var(S), continuity-corrected Z),
    computed with numpy over all rows together; NaN cells are missing years.
    Used by the scorecard.  Rows are processed in chunks so memory stays
    bounded (about two million pairwise slopes at a time).

    Parameters
    ----------
    values : numpy.ndarray, shape (k, m)
        One series per row, one column per year (NaN = no value).
    years : numpy.ndarray, shape (m,)
        Strictly increasing year labels of the columns.
    alpha : float, default 0.05
        Significance level, keyword only.

    Returns
    -------
    pandas.DataFrame
        k rows (same order), columns ``n``, ``slope``, ``s``, ``var_s``, ``z``,
        ``p_value``, ``label``.  The input is not modified.

    Examples
    --------
    >>> import numpy as np
    >>> m = np.array([[108.0, 104.0, 100.0, 97.0, 93.0, 90.0],
    ...               [1.0, np.nan, 1.0, 2.0, np.nan, np.nan]])
    >>> trend_matrix(m, np.arange(2013, 2019))[["n", "slope", "s", "label"]].round(3)
       n  slope     s              label
    0  6 -3.600 -15.0         decreasing
    1  3  0.333   2.0  insufficient_data
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 2:
        v = v.reshape(-1, np.asarray(years).size)
    yrs = np.asarray(years, dtype=float)
    k, m = v.shape
    slope = np.full(k, np.nan)
    s_all = np.zeros(k)
    ties_all = np.zeros(k)
    n_all = (~np.isnan(v)).sum(axis=1)
    if m >= 2 and k:
        ii, jj = np.triu_indices(m, 1)
        dy = yrs[jj] - yrs[ii]
        n_pairs = ii.size
        step = max(1, 2_000_000 // n_pairs)
        for lo in range(0, k, step):
            blk = v[lo : lo + step]
            d = blk[:, jj] - blk[:, ii]
            sl = np.sort(d / dy, axis=1)  # NaN sorted last
            cnt = (~np.isnan(sl)).sum(axis=1)
            lo_i = np.maximum((cnt - 1) // 2, 0)
            hi_i = np.maximum(cnt // 2, 0)
            med = 0.5 * (
                np.take_along_axis(sl, lo_i[:, None], 1)[:, 0] + np.take_along_axis(sl, hi_i[:, None], 1)[:, 0]
            )
            slope[lo : lo + step] = np.where(cnt > 0, med, np.nan)
            s_all[lo : lo + step] = np.nansum(np.sign(d), axis=1)
            # tie term: sizes of runs of equal values in each sorted row
            srt = np.sort(blk, axis=1)
            start = np.ones_like(srt, dtype=bool)
            start[:, 1:] = srt[:, 1:] != srt[:, :-1]  # NaN != NaN -> singleton
            gid = np.cumsum(start, axis=1) - 1 + (np.arange(srt.shape[0]) * m)[:, None]
            t = np.bincount(gid.ravel(), minlength=srt.shape[0] * m).astype(float)
            term = (t * (t - 1) * (2 * t + 5)).reshape(srt.shape[0], m).sum(axis=1)
            ties_all[lo : lo + step] = term
    n = n_all.astype(float)
    var_s = (n * (n - 1) * (2 * n + 5) - ties_all) / 18.0
    s_all = np.where(n_all >= 2, s_all, 0.0)
    z, p, label = _mk_from_s(s_all, var_s, n_all, alpha)
    slope = np.where(n_all >= 2, slope, np.nan)
    return pd.DataFrame({"n": n_all, "slope": slope, "s": s_all, "var_s": var_s, "z": z, "p_value": p, "label": label})
