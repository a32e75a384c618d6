"""Progress towards a quantified target: rates, ratios, categories, projections.

Notation (methods-and-standards.md, section A "Common notation"): y0 value in
the base year t0; yt latest value (year t); yT target value for target year T.

Methods combined in :func:`progress` (status in that file's legend):

- Eurostat / Open SDG ratio of observed to required growth (A1):
  ``CAGR_a = (yt/y0)^(1/(t-t0)) - 1``, ``CAGR_r = (yT/y0)^(1/(T-t0)) - 1``,
  ``RoR = CAGR_a / CAGR_r``; categories achieved / significant (RoR >= 95 %) /
  moderate (60-95 %) / insufficient (0-60 %) / moving_away (< 0); the target
  already met gives ``achieved`` whatever the trend.  Formula and thresholds
  [V~] (Open SDG ``docs/progress-methodology.md`` and ``sdg-build``
  ``ProgressMeasure.py``, which state they follow Eurostat); the Eurostat
  category names [V] (IISD summary).
- UN Statistics Division SDG Progress Chart (A3b, [V] via EUSTAT-DES
  ``_pages/en/metodologia.md``, from the UN 2023 technical note): projected
  ``v_e = yt (1 + CAGR_a)^(T - t)``, projection ratio
  ``(v_e - y0) / (yT - y0)``; >= 0.95 on track, 0.10-0.95 fair progress,
  < 0.10 stagnation or regression; latest value meeting the target = achieved;
  a target year already past is assessed up to that year.
- Destatis "weather symbols" (A3b, [V] via ``jah-ky/nsdp-upgrade``
  ``www/_pages/methodology.md``): the average annual change over the last five
  years (last six data points, at least four consecutive ones) is continued to
  the target year; the share of the (target - current) gap that would be
  missed gives sun (< 5 %), sun behind cloud (5-20 %), cloud (> 20 % but
  moving the right way), thunderstorm (not moving the right way).
- Chinese cumulative assessment milestones (A4.1, 《大气污染防治行动计划实施情况
  考核办法（试行）实施细则》 环发〔2014〕107号, [V~] via mirrors): the decline must
  reach 10 %, 35 %, 65 % of the target improvement in the 1st, 2nd, 3rd
  assessed year and 100 % at the final year; a year whose annual mean
  worsened year on year scores 0.  The proportional points for partial
  completion (``100 * actual / required``, capped at 100) are **[M],
  unconfirmed**: the 细则's exact points formula was not read.

Sign and zero handling (our rules, stated because sign errors are "the most
common implementation bug", A "Common notation"): growth rates are used only
when y0, yt and yT are all > 0; otherwise (a zero base, negative values) the
ratio is computed from linear annual changes, ``RoR = ((yt-y0)/(t-t0)) /
((yT-y0)/(T-t0))`` (the SDSN-style linear pace, A2 [M]), and ``ror_method``
says which.  Open SDG instead replaces a zero by 0.001 ([V]); we do not,
because that turns a change from 0 into rates of thousands of percent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from qclib.exceptions import DataValidationError, Issue, MissingYearError
from qclib.indicators.change import _as_year_series, _check_choice

#: Directions a target can point (``constants.DIRECTIONS`` minus ``none``).
PROGRESS_DIRECTIONS: tuple[str, ...] = ("lower_is_better", "higher_is_better")

#: Eurostat RoR thresholds (methods-and-standards.md A1, [V~]).
ROR_SIGNIFICANT: float = 0.95
ROR_MODERATE: float = 0.60

#: UN Progress Chart projection-ratio thresholds (A3b, [V]).
UN_ON_TRACK: float = 0.95
UN_FAIR: float = 0.10
UN_LABELS: tuple[str, ...] = (
    "achieved",
    "on_track",
    "fair_progress",
    "stagnation_or_regression",
    "not_assessable",
)

#: Destatis weather-symbol thresholds on the share of the gap missed (A3b, [V]).
DESTATIS_SUN: float = 5.0
DESTATIS_SUN_CLOUD: float = 20.0
DESTATIS_SYMBOLS: tuple[str, ...] = (
    "sun",
    "sun_behind_cloud",
    "cloud",
    "thunderstorm",
    "not_assessable",
)
#: Destatis window: last five years (six points), at least four points.
DESTATIS_WINDOW: int = 5
DESTATIS_MIN_POINTS: int = 4

#: Cumulative share (%) of the target improvement required by the k-th
#: assessed year after the base year (大气十条 考核 style, A4.1, [V~]); the
#: target year itself always requires 100 %.
AIR_ACTION_PLAN_MILESTONES: Mapping[int, float] = {1: 10.0, 2: 35.0, 3: 65.0}

#: Relative tolerance used when comparing a value with a target.
_REL_TOL: float = 1e-9


def _satisfies(value: np.ndarray, target: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """``value`` at or beyond ``target`` in the good direction (with tolerance)."""
    tol = _REL_TOL * np.maximum(1.0, np.abs(target))
    with np.errstate(invalid="ignore"):
        out: np.ndarray = np.where(lower, value <= target + tol, value >= target - tol)
    return out


def _progress_core(
    y0: np.ndarray,
    yt: np.ndarray,
    yT: np.ndarray,
    t0: np.ndarray,
    t: np.ndarray,
    T: np.ndarray,
    lower: np.ndarray,
) -> dict[str, np.ndarray]:
    """Vectorised RoR, category, UN projection and improvement share.

    All inputs are float/bool arrays of one length; NaN anywhere gives
    ``not_assessable`` (or ``achieved`` when yt meets yT).
    """
    y0, yt, yT = (np.asarray(a, dtype=float) for a in (y0, yt, yT))
    t0, t, T = (np.asarray(a, dtype=float) for a in (t0, t, T))
    lower = np.asarray(lower, dtype=bool)
    n_obs = t - t0
    n_req = T - t0
    valid = ~(np.isnan(y0) | np.isnan(yt) | np.isnan(yT) | np.isnan(n_obs) | np.isnan(n_req))
    met = valid & _satisfies(yt, yT, lower)
    met_base = valid & _satisfies(y0, yT, lower)
    positive = valid & (y0 > 0) & (yt > 0) & (yT > 0)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        cagr_a = np.where(positive & (n_obs > 0), (yt / y0) ** (1.0 / n_obs) - 1.0, np.nan)
        cagr_r = np.where(positive & (n_req > 0), (yT / y0) ** (1.0 / n_req) - 1.0, np.nan)
        lin_a = np.where(valid & (n_obs > 0), (yt - y0) / n_obs, np.nan)
        lin_r = np.where(valid & (n_req > 0), (yT - y0) / n_req, np.nan)
        ror = np.where(positive, cagr_a / cagr_r, lin_a / lin_r)
        ror = np.where(np.isfinite(ror), ror, np.nan)
        years_left = T - t
        proj = np.where(
            positive,
            yt * (1.0 + cagr_a) ** years_left,
            yt + lin_a * years_left,
        )
        proj = np.where(years_left == 0, yt, proj)
        ratio = (proj - y0) / (yT - y0)
        ratio = np.where(np.isfinite(ratio), ratio, np.nan)
        share = (yt - y0) / (yT - y0) * 100.0
        share = np.where(np.isfinite(share), share, np.nan)
    assessable = valid & (n_obs > 0) & (n_req > 0)
    cat = np.select(
        [
            met,
            ~assessable,
            met_base,  # base met the target, now it does not: moved away
            np.isnan(ror),
            ror >= ROR_SIGNIFICANT,
            ror >= ROR_MODERATE,
            ror >= 0,
        ],
        ["achieved", "not_assessable", "moving_away", "not_assessable", "significant", "moderate", "insufficient"],
        default="moving_away",
    )
    un = np.select(
        [met, ~assessable | np.isnan(ratio), ratio >= UN_ON_TRACK, ratio >= UN_FAIR],
        ["achieved", "not_assessable", "on_track", "fair_progress"],
        default="stagnation_or_regression",
    )
    method = np.where(positive, "cagr", "linear")
    return {
        "met": met,
        "cagr_observed_pct": cagr_a * 100.0,
        "cagr_required_pct": cagr_r * 100.0,
        "ror": ror,
        "ror_method": method,
        "category": cat.astype(object),
        "projected_value": np.where(assessable, proj, np.nan),
        "projection_ratio": np.where(assessable, ratio, np.nan),
        "un_label": un.astype(object),
        "improvement_share_pct": share,
    }


@dataclass(frozen=True)
class ProgressResult:
    """One target's progress record (see :func:`progress` for the formulas).

    Attributes
    ----------
    direction : str
    base_year, base_value : int, float
    latest_year, latest_value : int, float
        The last year with a value in ``[base_year, target_year]`` (and not
        after ``year`` when given).
    target_year, target_value : int, float
    target_year_passed : bool
        Data exist after the target year (they are not used, UN rule).
    years_elapsed, years_remaining : int
        ``t - t0`` and ``T - t``.
    met : bool
        The latest value meets the target.
    cagr_observed_pct, cagr_required_pct : float
        Growth rates in percent per year (NaN under the linear method).
    ror : float
        Ratio of observed to required pace (a fraction: 0.9 = 90 %).
    ror_method : str
        ``"cagr"`` or ``"linear"``.
    category : str
        One of ``constants.PROGRESS_CATEGORIES``.
    projected_value, projection_ratio : float
        UN Progress Chart projection to the target year and its ratio.
    un_label : str
        One of :data:`UN_LABELS`.
    improvement_share_pct : float
        Share of the required improvement achieved so far, in percent.
    required_annual_change : float
        ``(yT - yt) / (T - t)``, in the indicator's unit per year (NaN when
        no year is left).  Signed: when the target is already met it is the
        largest yearly move away that would still end on the target.
    required_annual_rate_pct : float
        ``((yT / yt)^(1/(T - t)) - 1) * 100`` (NaN unless yt, yT > 0 and a
        year is left).
    destatis_projected_value, destatis_gap_missed_pct : float
        Destatis projection and share (%) of the (target - current) gap that
        would be missed; <= 0 means the target would be reached.
    destatis_symbol : str
        One of :data:`DESTATIS_SYMBOLS`.
    milestone_required_pct : float
        Cumulative share required by this assessed year (NaN when the schedule
        does not cover the year).
    milestone_met : bool or None
    worsened_yoy : bool or None
        The latest value is worse than the previous year's (None when the
        previous year has no value).
    milestone_points : float
        0 when worsened year on year, else ``min(100, 100 * share /
        required)`` ([M]: proportional scoring unconfirmed).
    """

    direction: str
    base_year: int
    base_value: float
    latest_year: int
    latest_value: float
    target_year: int
    target_value: float
    target_year_passed: bool
    years_elapsed: int
    years_remaining: int
    met: bool
    cagr_observed_pct: float
    cagr_required_pct: float
    ror: float
    ror_method: str
    category: str
    projected_value: float
    projection_ratio: float
    un_label: str
    improvement_share_pct: float
    required_annual_change: float
    required_annual_rate_pct: float
    destatis_projected_value: float
    destatis_gap_missed_pct: float
    destatis_symbol: str
    milestone_required_pct: float
    milestone_met: bool | None
    worsened_yoy: bool | None
    milestone_points: float

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a plain dict.

        Examples
        --------
        >>> import pandas as pd
        >>> s = pd.Series([100.0, 110.0], index=[2020, 2021])
        >>> progress(s, base_year=2020, target_year=2022, target_value=121.0,
        ...          direction="higher_is_better").to_dict()["category"]
        'significant'
        """
        return asdict(self)


def _destatis(s: pd.Series, t: int, yt: float, yT: float, T: int, lower: bool, met: bool) -> tuple[float, float, str]:
    window = s.loc[t - DESTATIS_WINDOW : t].dropna()
    # the points must be consecutive years ending at t (at most six)
    consecutive = []
    for y in range(t, t - DESTATIS_WINDOW - 1, -1):
        if y in window.index:
            consecutive.append(y)
        else:
            break
    if len(consecutive) < DESTATIS_MIN_POINTS:
        return np.nan, np.nan, "not_assessable"
    first = min(consecutive)
    avg = (yt - float(s.loc[first])) / (t - first)
    proj = yt + avg * (T - t)
    if met:
        return proj, np.nan, "sun"
    gap = yT - yt
    missed = (yT - proj) / gap * 100.0  # >0: short of target, <=0: reached
    right_way = (avg < 0) if lower else (avg > 0)
    if missed < DESTATIS_SUN:
        sym = "sun"
    elif missed <= DESTATIS_SUN_CLOUD:
        sym = "sun_behind_cloud"
    elif right_way:
        sym = "cloud"
    else:
        sym = "thunderstorm"
    return proj, missed, sym


def progress(
    series: pd.Series,
    *,
    base_year: int,
    target_year: int,
    target_value: float,
    direction: str,
    base_value: float | None = None,
    year: int | None = None,
    milestones: Mapping[int, float] | None = AIR_ACTION_PLAN_MILESTONES,
) -> ProgressResult:
    """Progress of a series towards a target value: one record of indicators.

    Formulas (y0, t0 base; yt, t latest; yT, T target; k = t - t0):

    - observed / required growth, Eurostat RoR and category (module
      docstring, A1 [V~]); when y0, yt, yT are not all > 0 the linear pace
      replaces the growth rates (``ror_method = "linear"``);
    - UN projection ``v_e = yt (1 + CAGR_a)^(T - t)`` (linear: ``yt +
      (yt - y0)/(t - t0) * (T - t)``) and ratio ``(v_e - y0)/(yT - y0)``
      (A3b [V]);
    - Destatis projection ``yt + a (T - t)`` with ``a`` the average annual
      change over the last <= 5 years of consecutive data (>= 4 points), and
      ``gap_missed = (yT - projection)/(yT - yt) * 100`` (A3b [V]);
    - improvement share ``(yt - y0)/(yT - y0) * 100``;
    - milestone: required share ``milestones[k]`` for ``t < T``, 100 at
      ``t >= T``; points 0 when the value worsened year on year (A4.1 [V~]),
      else ``min(100, 100 * share / required)`` ([M], unconfirmed);
    - still needed: ``(yT - yt)/(T - t)`` per year and
      ``((yT/yt)^(1/(T - t)) - 1) * 100`` % per year.

    Edge cases (all tested):

    - the base value comes from ``series.loc[base_year]``, else from
      ``base_value``; neither -> :class:`MissingYearError`;
    - a zero base or negative values -> linear pace (no error, no 0.001
      substitution);
    - target already met at base and still met -> ``achieved``; met at base
      but not now -> ``moving_away``;
    - target year passed -> only data up to the target year are used (UN
      rule), ``target_year_passed=True``;
    - latest year == base year -> rates NaN, category ``not_assessable``
      (unless already ``achieved``).

    Parameters
    ----------
    series : pandas.Series
        Values indexed by integer year.
    base_year, target_year : int
        ``target_year > base_year``.
    target_value : float
        The target level in the series' unit.
    direction : {"lower_is_better", "higher_is_better"}
    base_value : float, optional
        Used when the series has no value at ``base_year`` (a plan-stated
        baseline such as PM2.5 108 in 2013).
    year : int, optional
        Assess as of this year (ignore later data).
    milestones : mapping of int to float, optional
        Cumulative required shares by assessed year; default the 大气十条
        10/35/65 % schedule; ``None`` or ``{}`` switches interim milestones
        off (the target year still requires 100 %).

    Returns
    -------
    ProgressResult
        Frozen dataclass; ``.to_dict()`` gives a dict.

    Raises
    ------
    InvalidChoiceError
        Unknown ``direction``.
    MissingYearError
        No base value.
    DataValidationError
        ``target_year <= base_year``, or ``year < base_year``.

    Examples
    --------
    The worked example of methods-and-standards.md (A4): PM2.5 108 (2013)
    -> 95 (2016), 100 observed in 2015:

    >>> import pandas as pd
    >>> s = pd.Series([108.0, 104.0, 100.0], index=[2013, 2014, 2015])
    >>> p = progress(s, base_year=2013, target_year=2016, target_value=95,
    ...              direction="lower_is_better")
    >>> round(p.cagr_observed_pct, 2), round(p.cagr_required_pct, 2)
    (-3.77, -4.19)
    >>> round(p.ror, 2), p.category
    (0.9, 'moderate')
    >>> round(p.projection_ratio, 3), p.un_label
    (0.906, 'fair_progress')
    >>> round(p.improvement_share_pct, 1), p.milestone_required_pct, p.milestone_met
    (61.5, 35.0, True)
    >>> round(p.required_annual_change, 1)
    -5.0
    """
    _check_choice("direction", direction, PROGRESS_DIRECTIONS)
    t0, T = int(base_year), int(target_year)
    s, y0 = _assessed_series(series, t0, T, base_value, year)
    passed = bool((s.index > T).any())
    window = s.loc[t0:T]
    t = int(window.index.max())
    yt = float(window.loc[t])
    yT = float(target_value)
    lower = direction == "lower_is_better"
    core = _progress_core(
        np.array([y0]),
        np.array([yt]),
        np.array([yT]),
        np.array([t0]),
        np.array([t]),
        np.array([T]),
        np.array([lower]),
    )
    met = bool(core["met"][0])
    share = float(core["improvement_share_pct"][0])
    left = T - t
    need, need_rate = _still_needed(yt, yT, left)
    d_proj, d_missed, d_sym = _destatis(s.loc[:T], t, yt, yT, T, lower, met)
    k = t - t0
    required, worsened, m_met, points = _milestone(s, t, k, T, yt, share, lower, milestones)
    return ProgressResult(
        direction=direction,
        base_year=t0,
        base_value=y0,
        latest_year=t,
        latest_value=yt,
        target_year=T,
        target_value=yT,
        target_year_passed=passed,
        years_elapsed=k,
        years_remaining=left,
        met=met,
        cagr_observed_pct=float(core["cagr_observed_pct"][0]),
        cagr_required_pct=float(core["cagr_required_pct"][0]),
        ror=float(core["ror"][0]),
        ror_method=str(core["ror_method"][0]),
        category=str(core["category"][0]),
        projected_value=float(core["projected_value"][0]),
        projection_ratio=float(core["projection_ratio"][0]),
        un_label=str(core["un_label"][0]),
        improvement_share_pct=share,
        required_annual_change=float(need),
        required_annual_rate_pct=float(need_rate),
        destatis_projected_value=float(d_proj),
        destatis_gap_missed_pct=float(d_missed),
        destatis_symbol=d_sym,
        milestone_required_pct=required,
        milestone_met=m_met,
        worsened_yoy=worsened,
        milestone_points=points,
    )


def _assessed_series(
    series: pd.Series, t0: int, T: int, base_value: float | None, year: int | None
) -> tuple[pd.Series, float]:
    """The series as assessed (base value included, cut at ``year``) and its base value ``y0``.

    The base comes from ``series.loc[t0]``, else from ``base_value``; neither is a
    :class:`MissingYearError`.  ``T <= t0`` or ``year < t0`` is a :class:`DataValidationError`.

    Examples
    --------
    >>> s, y0 = _assessed_series(pd.Series([100.0, 90.0], index=[2014, 2015]), 2013, 2016, 108.0, None)
    >>> y0, s.index.tolist()
    (108.0, [2013, 2014, 2015])
    """
    if T <= t0:
        raise DataValidationError(
            [
                Issue(
                    "",
                    None,
                    "target_year",
                    T,
                    f"the target year must come after the base year {t0}",
                    f"an integer > {t0}",
                )
            ]
        )
    s = _as_year_series(series).dropna()
    if t0 in s.index:
        y0 = float(s.loc[t0])
    elif base_value is not None and np.isfinite(base_value):
        y0 = float(base_value)
        s = pd.concat([s, pd.Series([y0], index=pd.Index([t0], dtype="int64"))]).sort_index()
    else:
        raise MissingYearError(t0, "base year", [int(y) for y in s.index])
    if year is not None:
        if int(year) < t0:
            raise DataValidationError(
                [
                    Issue(
                        "",
                        None,
                        "year",
                        int(year),
                        f"cannot assess progress before the base year {t0}",
                        f"an integer >= {t0}",
                    )
                ]
            )
        s = s.loc[: int(year)]
    return s, y0


def _still_needed(yt: float, yT: float, left: int) -> tuple[float, float]:
    """Change still needed per year: ``(yT - yt)/left`` and ``((yT/yt)^(1/left) - 1) * 100`` %.

    Both NaN when no year is left; the rate NaN unless both values are > 0.

    Examples
    --------
    >>> _still_needed(100.0, 95.0, 1)
    (-5.0, -5.0)
    >>> _still_needed(100.0, 95.0, 0)
    (nan, nan)
    """
    if left <= 0:
        return np.nan, np.nan
    need_rate = ((yT / yt) ** (1.0 / left) - 1.0) * 100.0 if (yt > 0 and yT > 0) else np.nan
    return (yT - yt) / left, need_rate


def _milestone(
    s: pd.Series,
    t: int,
    k: int,
    T: int,
    yt: float,
    share: float,
    lower: bool,
    milestones: Mapping[int, float] | None,
) -> tuple[float, bool | None, bool | None, float]:
    """Milestone check: (required share %, worsened year on year, milestone met, points).

    Required share: ``milestones[k]`` for ``t < T``, 100 at ``t >= T`` (A4.1 [V~]); points 0
    when the value worsened on the previous year, else ``min(100, 100 * share / required)``
    ([M], unconfirmed).

    Examples
    --------
    >>> s = pd.Series([108.0, 104.0, 100.0], index=[2013, 2014, 2015])
    >>> _milestone(s, 2015, 2, 2016, 100.0, 61.5, True, {2: 35.0})
    (35.0, False, True, 100.0)
    """
    if k >= 1 and t >= T:
        required = 100.0
    elif k >= 1 and milestones:
        required = float(milestones.get(k, np.nan))
    else:
        required = np.nan
    worsened: bool | None = None
    if (t - 1) in s.index:
        prev = float(s.loc[t - 1])
        worsened = bool(yt > prev) if lower else bool(yt < prev)
    if np.isnan(required) or np.isnan(share):
        return required, worsened, None, np.nan
    points = 0.0 if worsened else float(min(100.0, max(0.0, 100.0 * share / required)))
    return required, worsened, bool(share >= required - 1e-9), points
