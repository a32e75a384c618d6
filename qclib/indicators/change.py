"""Year-on-year and since-base changes of an indicator series.

Series are indexed by integer **year labels**; every lookup here uses ``.loc``
(labels), never positions.  Two units of change are kept apart everywhere:

- a **rate** (a percentage such as a pass rate) changes in *percentage points*
  (``pp``): 90.9 % -> 93.1 % is +2.2 pp;
- a **level** (money, tonnes, a concentration, a count, an index) changes in
  *percent* (``pct``): 4134.86 -> 5877 is +42.13 %.

Output Series are named after their unit (``yoy_change_pp``,
``yoy_change_pct``, ``reduction_vs_base_pct``, ``change_vs_base_pct``) so a
column never hides which one it holds.  Nothing is rounded here: rounding for
display is the caller's job.  No function mutates its input.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from qclib.exceptions import (
    DataValidationError,
    InvalidChoiceError,
    Issue,
    MissingYearError,
    ZeroBaseError,
)

#: Kinds of change accepted by :func:`yoy_change`.
CHANGE_KINDS: tuple[str, ...] = ("rate", "level")

#: How each measure (``constants.MEASURES``) changes: ``rate`` in percentage
#: points, ``level``-like measures in percent.  ``rank``, ``boolean`` and
#: ``signed`` have no meaningful relative change and map to ``None``.
CHANGE_KIND_BY_MEASURE: dict[str, str | None] = {
    "rate": "rate",
    "index": "level",
    "level": "level",
    "concentration": "level",
    "count": "level",
    "rank": None,
    "boolean": None,
    "signed": None,
}


def _as_year_series(series: pd.Series, name: str = "series") -> pd.Series:
    """Check that ``series`` is a Series with unique integer year labels.

    Returns a float copy sorted by year (the input is not modified).
    """
    if not isinstance(series, pd.Series):
        raise DataValidationError(
            [
                Issue(
                    "",
                    None,
                    name,
                    type(series).__name__,
                    "expected a pandas Series indexed by integer year",
                    "pandas.Series",
                )
            ]
        )
    idx = series.index
    if len(idx) and not pd.api.types.is_integer_dtype(idx.dtype):
        raise DataValidationError(
            [
                Issue(
                    "",
                    None,
                    f"{name}.index",
                    str(idx.dtype),
                    "the index must hold integer year labels",
                    "integer years, e.g. [2013, 2014]",
                )
            ]
        )
    if idx.has_duplicates:
        dups = sorted(set(idx[idx.duplicated()].tolist()))
        raise DataValidationError(
            [Issue("", None, f"{name}.index", dups, "a year appears more than once", "one value per year")]
        )
    out = pd.Series(
        pd.to_numeric(series, errors="raise").to_numpy(dtype=float, copy=True),
        index=idx.astype("int64"),
        name=series.name,
    )
    return out.sort_index()


def _check_choice(name: str, value: object, allowed: Iterable[object]) -> None:
    allowed = tuple(allowed)
    if value not in allowed:
        raise InvalidChoiceError(name, value, allowed)


def _available_years(series: pd.Series) -> list[int]:
    return [int(y) for y in series.dropna().index]


def yoy_change(series: pd.Series, kind: str) -> pd.Series:
    """Year-on-year change, in percentage points (rates) or percent (levels).

    For each year *y* with a previous year *y - 1* in the series:

    - ``kind="rate"``:  ``change_pp(y) = x(y) - x(y-1)``  (percentage points)
    - ``kind="level"``: ``change_pct(y) = (x(y) - x(y-1)) / |x(y-1)| * 100``

    The absolute value in the denominator keeps the sign of the result equal
    to the direction of the move when a ``signed`` series is negative; for
    the non-negative levels the catalog uses it is the usual percent change.
    The convention "rates change in pp, levels in %" is the one of the
    Chinese statistical bulletins (seed 000: "93.1 %, 同比提高2.2个百分点";
    "5877万元 ... 增加了42 %") and of ``params/README.md`` (``measure``).

    Parameters
    ----------
    series : pandas.Series
        Values indexed by integer year (gaps allowed, NaN allowed).
    kind : {"rate", "level"}
        ``"rate"`` for percentages (result in pp), ``"level"`` for amounts
        (result in %).

    Returns
    -------
    yoy : pandas.Series
        Same year index, sorted; named ``yoy_change_pp`` or ``yoy_change_pct``.
        A year whose previous *calendar* year is absent or NaN gets NaN: a gap
        is never bridged (2012 and 2014 without 2013 give NaN for 2014).  The
        first year is NaN.  A new Series is returned; the input is unchanged.

    Raises
    ------
    InvalidChoiceError
        ``kind`` is not ``"rate"`` or ``"level"``.
    ZeroBaseError
        ``kind="level"`` and a previous-year value used as denominator is 0
        while the current year has a value.
    DataValidationError
        The index is not made of unique integer years.

    Examples
    --------
    >>> import pandas as pd
    >>> rate = pd.Series([90.9, 93.1], index=[2012, 2013])
    >>> yoy_change(rate, "rate").round(2)
    2012    NaN
    2013    2.2
    Name: yoy_change_pp, dtype: float64
    >>> money = pd.Series([4134.86, 5877.0], index=[2012, 2013])
    >>> yoy_change(money, "level").round(2)
    2012      NaN
    2013    42.13
    Name: yoy_change_pct, dtype: float64
    >>> gap = pd.Series([10.0, 12.0], index=[2012, 2014])
    >>> yoy_change(gap, "level")
    2012   NaN
    2014   NaN
    Name: yoy_change_pct, dtype: float64
    """
    _check_choice("kind", kind, CHANGE_KINDS)
    s = _as_year_series(series)
    years = s.index.to_numpy()
    cur = s.to_numpy()
    prev = s.reindex(years - 1).to_numpy()
    if kind == "rate":
        out = cur - prev
        name = "yoy_change_pp"
    else:
        zero = (prev == 0) & ~np.isnan(cur)
        if zero.any():
            year = int(years[np.flatnonzero(zero)[0]]) - 1
            raise ZeroBaseError(year, "previous year")
        with np.errstate(invalid="ignore", divide="ignore"):
            out = (cur - prev) / np.abs(prev) * 100.0
        name = "yoy_change_pct"
    return pd.Series(out, index=s.index, name=name)


def _base_value(s: pd.Series, base_year: int) -> float:
    if base_year not in s.index or np.isnan(s.loc[base_year]):
        raise MissingYearError(int(base_year), "base year", _available_years(s))
    base = float(s.loc[base_year])
    if base == 0:
        raise ZeroBaseError(int(base_year), "base year")
    return base


def reduction_vs_base(series: pd.Series, base_year: int) -> pd.Series:
    """Percent reduction of each year's value versus the base year.

    ``reduction_pct(y) = (x(base) - x(y)) / |x(base)| * 100``

    Positive when the value fell (100 -> 85 gives 15.0).  This is the
    "decline ratio" of the Chinese air-quality assessment,
    ``(C_base - C_year) / C_base * 100 %`` (methods-and-standards.md A4.1,
    《大气污染防治行动计划实施情况考核办法（试行）实施细则》, [V~]), and the reading
    of plan clauses such as "化学需氧量排放总量在2010年基础上削减14.8 %"
    (seed 001, 三、具体目标（四）item 7).

    Parameters
    ----------
    series : pandas.Series
        Values indexed by integer year.
    base_year : int
        Year label of the base value.

    Returns
    -------
    reduction : pandas.Series
        Same (sorted) year index, named ``reduction_vs_base_pct``; 0 at the base
        year, NaN where the series is NaN.  A new Series is returned.

    Raises
    ------
    MissingYearError
        The base year is absent or NaN (the error names it and lists the
        years that have values).
    ZeroBaseError
        The base value is 0.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([100.0, 92.0, 85.0], index=[2010, 2013, 2015])
    >>> reduction_vs_base(s, 2010)
    2010     0.0
    2013     8.0
    2015    15.0
    Name: reduction_vs_base_pct, dtype: float64
    >>> approvals = pd.Series([363.0, 141.0], index=[2012, 2013])
    >>> round(float(reduction_vs_base(approvals, 2012).loc[2013]), 1)
    61.2
    """
    s = _as_year_series(series)
    base = _base_value(s, base_year)
    out = (base - s.to_numpy()) / abs(base) * 100.0
    return pd.Series(out, index=s.index, name="reduction_vs_base_pct")


def change_vs_base(series: pd.Series, base_year: int) -> pd.Series:
    """Signed percent change of each year's value versus the base year.

    ``change_pct(y) = (x(y) - x(base)) / |x(base)| * 100 = -reduction_pct(y)``

    Used for ``change_vs_base`` targets ("PM2.5 下降5 % vs 2016" is
    ``change <= -5``, see ``constants.TARGET_KINDS``).

    Parameters
    ----------
    series : pandas.Series
        Values indexed by integer year.
    base_year : int
        Year label of the base value.

    Returns
    -------
    change : pandas.Series
        Named ``change_vs_base_pct``; 0 at the base year.  A new Series.

    Raises
    ------
    MissingYearError
        The base year is absent or NaN.
    ZeroBaseError
        The base value is 0.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([60.0, 57.0], index=[2016, 2017])
    >>> change_vs_base(s, 2016)
    2016    0.0
    2017   -5.0
    Name: change_vs_base_pct, dtype: float64
    """
    s = _as_year_series(series)
    base = _base_value(s, base_year)
    out = (s.to_numpy() - base) / abs(base) * 100.0
    return pd.Series(out, index=s.index, name="change_vs_base_pct")


def change_kind_for_measure(measure: str) -> str | None:
    """Return the :func:`yoy_change` kind for an indicator ``measure``.

    ``rate`` -> ``"rate"`` (pp); ``index``, ``level``, ``concentration``,
    ``count`` -> ``"level"`` (%); ``rank``, ``boolean``, ``signed`` -> ``None``
    (no relative change is reported for them).  See ``params/README.md``.

    Parameters
    ----------
    measure : str
        One of ``constants.MEASURES``.

    Returns
    -------
    kind : str or None

    Raises
    ------
    InvalidChoiceError
        Unknown measure.

    Examples
    --------
    >>> change_kind_for_measure("rate"), change_kind_for_measure("concentration")
    ('rate', 'level')
    >>> change_kind_for_measure("rank") is None
    True
    """
    _check_choice("measure", measure, CHANGE_KIND_BY_MEASURE)
    return CHANGE_KIND_BY_MEASURE[measure]
