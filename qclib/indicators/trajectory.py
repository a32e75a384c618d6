"""Planned paths between a plan's start value and its target value.

A "trajectory" target states a start (base year, base value) and an end
(target year, target value), e.g. PM2.5 108 ug/m3 in 2013 -> 95 ug/m3 in 2016
(seed 001, 三、具体目标（四）item 6).  The plan gives no intermediate values,
so the intermediate years are interpolated.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from qclib.exceptions import DataValidationError, Issue, ZeroBaseError
from qclib.indicators.change import _check_choice

#: Interpolation methods of :func:`trajectory_path`.
TRAJECTORY_METHODS: tuple[str, ...] = ("linear", "geometric")

#: What :func:`trajectory_path` returns for years outside [start, target].
OUTSIDE_RULES: tuple[str, ...] = ("nan", "hold", "extrapolate")


def _path_values(
    start_year: np.ndarray,
    start_value: np.ndarray,
    target_year: np.ndarray,
    target_value: np.ndarray,
    year: np.ndarray,
) -> np.ndarray:
    """Vectorised linear path value; NaN outside [start, target] (no checks)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = (year - start_year) / (target_year - start_year)
        out = start_value + (target_value - start_value) * frac
    inside = (year >= start_year) & (year <= target_year)
    return np.where(inside, out, np.nan)


def trajectory_path(
    start_year: int,
    start_value: float,
    target_year: int,
    target_value: float,
    years: Iterable[int],
    method: str = "linear",
    *,
    outside: str = "nan",
) -> pd.Series:
    """Planned value for each year on the path from start to target.

    With ``f(y) = (y - y0) / (T - y0)``:

    - ``linear``:    ``v(y) = v0 + (vT - v0) * f(y)`` (equal annual steps in
      the indicator's unit);
    - ``geometric``: ``v(y) = v0 * (vT / v0) ** f(y)`` (a constant annual
      rate, the required CAGR ``(vT / v0) ** (1 / (T - y0)) - 1`` of the
      Eurostat / Open SDG method, methods-and-standards.md A1, [V~]).

    Worked check (methods-and-standards.md A4, "Worked example for a
    trajectory target"): 108 -> 95 over 2013-2016 gives the linear path
    108 / 103.67 / 99.33 / 95 and the compound path 108 / 103.5 / 99.1 / 95.

    Years outside ``[start_year, target_year]`` follow ``outside``:
    ``"nan"`` (default: a plan path says nothing before its start or after its
    deadline), ``"hold"`` (the start value before the start, the target value
    after the deadline: "keep the target once reached"), or
    ``"extrapolate"`` (continue the same formula).

    Parameters
    ----------
    start_year, start_value : int, float
        Start of the path (the plan's base year and value).
    target_year, target_value : int, float
        End of the path; ``target_year > start_year``.
    years : iterable of int
        Year labels to evaluate (any order; duplicates kept as given).
    method : {"linear", "geometric"}
        Interpolation.
    outside : {"nan", "hold", "extrapolate"}
        Rule for years outside the path, keyword only.

    Returns
    -------
    path : pandas.Series
        Float values indexed by ``years``, named ``planned_value``.  The
        endpoints equal ``start_value`` and ``target_value`` exactly.

    Raises
    ------
    InvalidChoiceError
        Unknown ``method`` or ``outside``.
    DataValidationError
        ``target_year <= start_year``, a non-finite endpoint value, or a
        geometric path between values of different signs.
    ZeroBaseError
        Geometric path with a zero start or target value (no constant rate
        reaches or leaves 0).

    Examples
    --------
    >>> trajectory_path(2013, 108, 2016, 95, range(2013, 2017)).round(2)
    2013    108.00
    2014    103.67
    2015     99.33
    2016     95.00
    Name: planned_value, dtype: float64
    >>> trajectory_path(2013, 108, 2016, 95, [2014, 2015], "geometric").round(1)
    2014    103.5
    2015     99.1
    Name: planned_value, dtype: float64
    >>> trajectory_path(2013, 108, 2016, 95, [2012, 2017])
    2012   NaN
    2017   NaN
    Name: planned_value, dtype: float64
    >>> trajectory_path(2013, 108, 2016, 95, [2017], outside="hold")
    2017    95.0
    Name: planned_value, dtype: float64
    """
    _check_choice("method", method, TRAJECTORY_METHODS)
    _check_choice("outside", outside, OUTSIDE_RULES)
    y0, yT = int(start_year), int(target_year)
    v0, vT = float(start_value), float(target_value)
    if yT <= y0:
        raise DataValidationError(
            [
                Issue(
                    "",
                    None,
                    "target_year",
                    yT,
                    f"the target year must come after the start year {y0}",
                    f"an integer > {y0}",
                )
            ]
        )
    if not (np.isfinite(v0) and np.isfinite(vT)):
        raise DataValidationError(
            [
                Issue(
                    "",
                    None,
                    "start_value/target_value",
                    (v0, vT),
                    "path endpoints must be finite numbers",
                    "finite floats",
                )
            ]
        )
    if method == "geometric":
        if v0 == 0:
            raise ZeroBaseError(y0, "start year")
        if vT == 0:
            raise ZeroBaseError(yT, "target year")
        if (v0 > 0) != (vT > 0):
            raise DataValidationError(
                [
                    Issue(
                        "",
                        None,
                        "start_value/target_value",
                        (v0, vT),
                        "a geometric path needs start and target of the same sign",
                        "same-sign non-zero values, or method='linear'",
                    )
                ]
            )
    yrs = np.asarray(list(years), dtype="int64")
    frac = (yrs - y0) / (yT - y0)
    if method == "linear":
        vals = v0 + (vT - v0) * frac
    else:
        vals = v0 * (vT / v0) ** frac
    # exact endpoints (no floating residue)
    vals = np.where(yrs == y0, v0, np.where(yrs == yT, vT, vals))
    if outside == "nan":
        vals = np.where((yrs < y0) | (yrs > yT), np.nan, vals)
    elif outside == "hold":
        vals = np.where(yrs < y0, v0, np.where(yrs > yT, vT, vals))
    return pd.Series(vals, index=pd.Index(yrs, dtype="int64"), name="planned_value")
