"""Data-quality flags of daily monitoring data, counted per city-year.

Flags are **counted, not acted on**, except by these explicit rules
(:func:`apply_flag_rules`, :func:`resolve_duplicates`):

1. Negative values become missing (a concentration cannot be negative).
2. Replacement codes become missing: any value in :data:`SENTINELS`
   (-99, -999, -9999, 9999, 99999); the negative ones are counted as sentinels,
   not as negatives.
3. Duplicated (city, date) rows: exact copies are kept once (and counted);
   copies that disagree raise :class:`~qclib.exceptions.DataValidationError`
   naming both rows.

Everything else is reported only:

- ``n_zero``: exact zeros (possible after rounding, suspicious for PM).
- ``n_repeat_run_days``: days inside runs of >= :data:`RUN_LENGTH` (5)
  consecutive calendar days with the identical value (a stuck analyser or a
  filled gap).
- ``n_jumps``: days whose value differs from the previous calendar day's by a
  factor >= :data:`JUMP_RATIO` (5) *and* by at least the pollutant's grade II
  24-h limit (GB 3095-2012 Table 1), so low-level noise (3 -> 16) is not
  flagged but 40 -> 400 ug/m3 PM2.5 is.
- ``n_at_max_repeated``: number of days equal to the city-year maximum when
  that maximum occurs on >= :data:`CAP_REPEATS` (3) days (a capped series).
- ``n_pm25_gt_pm10``: days with PM2.5 > PM10 (physically impossible, within
  measurement error) -- on the ``pm25`` row.
- ``n_missing_dates``: calendar days of the year without a row.
- ``n_duplicate_dates``: identical duplicate rows removed.

Suspect years (:func:`suspect_marks`, qclib convention, documented thresholds
on the counts above): a pollutant-year is ``suspect`` when

- exact zeros exceed :data:`ZERO_SHARE_SUSPECT` (5 %) of its valid days
  (zeros are rare in real concentrations after rounding: fill values or a
  dead analyser), or
- for PM2.5, PM10, NO2 and O3 (:data:`RUN_POLLUTANTS`; SO2 and CO sit near
  their rounding step in clean air, where repeats are normal) days inside runs
  of >= 5 identical values exceed :data:`RUN_SHARE_SUSPECT` (5 %) of its
  valid days (a stuck analyser or filled gaps), or the year's maximum
  occurs on >= :data:`CAP_REPEATS` (3) days (a capped series).

A city-year with a suspect pollutant is suspect as a whole (its AQI and
good days use every pollutant): its statistics are provisional (待核实),
never official.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from qclib.air.standards import LIMITS_2012
from qclib.air.validity import group_codes, present_pollutants
from qclib.exceptions import DataValidationError, Issue

SENTINELS: tuple[float, ...] = (-99.0, -999.0, -9999.0, 9999.0, 99999.0)
RUN_LENGTH: int = 5
JUMP_RATIO: float = 5.0
CAP_REPEATS: int = 3
#: A pollutant-year whose exact-zero daily values exceed this share of its
#: valid days is marked ``suspect`` (qclib convention: zeros are rare in real
#: concentrations after rounding; > 5 % points to fill values or a dead analyser).
ZERO_SHARE_SUSPECT: float = 0.05
#: Share of valid days inside identical-value runs above which a pollutant-year is suspect.
RUN_SHARE_SUSPECT: float = 0.05
#: Pollutants whose runs and capped maxima mark a year suspect.
RUN_POLLUTANTS: tuple[str, ...] = ("pm25", "pm10", "no2", "o3_8h")

FLAG_COLUMNS: tuple[str, ...] = (
    "n_negative",
    "n_sentinel",
    "n_zero",
    "n_repeat_run_days",
    "n_jumps",
    "n_at_max_repeated",
    "n_pm25_gt_pm10",
    "n_missing_dates",
    "n_duplicate_dates",
)


def resolve_duplicates(frame: pd.DataFrame, *, key: Sequence[str] = ("city", "date")) -> tuple[pd.DataFrame, pd.Series]:
    """Drop identical duplicate rows; refuse duplicates that disagree.

    Rule 3 of the module: rows with the same ``key`` and identical values are
    kept once; rows with the same key and different values raise.  Columns
    ``_file`` and ``_row`` (added by :mod:`qclib.air.io`) are used to name the
    rows and are not compared.

    Parameters
    ----------
    frame : pandas.DataFrame
        Daily (key ``city, date``) or hourly (key ``city, datetime``) table.
    key : sequence of str
        Columns identifying one observation, ``city`` first and the time last
        (``city, station, datetime`` for station data).

    Returns
    -------
    deduplicated : pandas.DataFrame
        A new frame without the identical copies.
    removed : pandas.Series
        Number of removed rows per (city, year).

    Raises
    ------
    DataValidationError
        Conflicting duplicates, one issue per conflicting row.

    Examples
    --------
    >>> d = pd.DataFrame({"city": ["a", "a"], "date": pd.to_datetime(["2020-01-01"] * 2), "pm25": [5.0, 5.0]})
    >>> dedup, removed = resolve_duplicates(d)
    >>> len(dedup), removed.to_dict()
    (1, {('a', 2020): 1})
    >>> d.loc[1, "pm25"] = 6.0
    >>> resolve_duplicates(d)
    Traceback (most recent call last):
    ...
    qclib.exceptions.DataValidationError: 2 validation error(s):
      - <input>, row 2, field 'date': duplicated city and date with different values (pm25=5.0) (got '2020-01-01')...
    """
    key = list(key)
    value_cols = [c for c in frame.columns if c not in key and not c.startswith("_")]
    dup_any = frame.duplicated(subset=key, keep=False)
    when = pd.to_datetime(frame[key[-1]])
    empty = pd.Series(dtype="int64", index=pd.MultiIndex.from_arrays([[], []], names=["city", "year"]))
    if not dup_any.any():
        return frame.copy(), empty
    sub = frame.loc[dup_any]
    exact = sub.duplicated(subset=key + value_cols, keep="first")
    conflict_keys = sub.drop_duplicates(subset=key + value_cols).duplicated(subset=key, keep=False)
    bad = sub.drop_duplicates(subset=key + value_cols).loc[conflict_keys]
    if len(bad):
        issues = []
        for idx, row in bad.iterrows():
            issues.append(
                Issue(
                    file=str(row.get("_file", "")),
                    row=int(row["_row"]) if "_row" in row and pd.notna(row["_row"]) else int(idx) + 2,
                    column=key[-1],
                    value=_fmt_time(row[key[-1]]),
                    message=f"duplicated {' and '.join(key)} with different values "
                    f"({', '.join(f'{c}={row[c]}' for c in value_cols)})",
                    allowed=f"one row per {', '.join(key[:-1])} and {key[-1]}, or exact copies",
                )
            )
        raise DataValidationError(issues)
    drop_idx = sub.index[exact.to_numpy()]
    out = frame.drop(index=drop_idx)
    removed = pd.DataFrame(
        {"city": frame.loc[drop_idx, "city"].to_numpy(), "year": when.loc[drop_idx].dt.year.to_numpy()}
    ).value_counts()
    removed.index.names = ["city", "year"]
    return out, removed.rename(None)


def _fmt_time(value: object) -> str:
    ts = pd.Timestamp(value)
    return str(ts.date()) if ts == ts.normalize() else str(ts)


def apply_flag_rules(daily: pd.DataFrame) -> pd.DataFrame:
    """Set negative values and replacement codes to missing (rules 1 and 2).

    Parameters
    ----------
    daily : pandas.DataFrame
        Daily table with pollutant columns.

    Returns
    -------
    pandas.DataFrame
        A new frame; the input is not modified.

    Examples
    --------
    >>> apply_flag_rules(pd.DataFrame({"pm25": [-1.0, 0.0, 9999.0, 40.0]}))["pm25"].tolist()
    [nan, 0.0, nan, 40.0]
    """
    out = daily.copy()
    for p in present_pollutants(out):
        v = out[p].to_numpy(dtype=float)
        bad = (v < 0) | np.isin(v, SENTINELS)
        out[p] = np.where(bad, np.nan, v)
    return out


def quality_flags(
    daily: pd.DataFrame, *, run_length: int = RUN_LENGTH, jump_ratio: float = JUMP_RATIO, cap_repeats: int = CAP_REPEATS
) -> pd.DataFrame:
    """Count data-quality flags per city, year and pollutant (before cleaning).

    See the module docstring for each flag's rule.

    Parameters
    ----------
    daily : pandas.DataFrame
        Columns ``city``, ``date`` (datetime64) and pollutant columns; one row
        per city and date (run :func:`resolve_duplicates` first).
    run_length : int
        Minimum run of identical consecutive daily values that is flagged.
    jump_ratio : float
        Day-to-day factor that, together with an absolute change of at least
        the grade II 24-h limit, flags a jump.
    cap_repeats : int
        Minimum number of days at the city-year maximum that flags capping.

    Returns
    -------
    pandas.DataFrame
        One row per (city, year, pollutant) with :data:`FLAG_COLUMNS` except
        ``n_duplicate_dates`` (added by the caller).

    Examples
    --------
    >>> dates = pd.date_range("2020-01-01", periods=6)
    >>> d = pd.DataFrame({"city": "a", "date": dates, "pm25": [10, 10, 10, 10, 10, -1.0],
    ...                   "pm10": [5, 20, 20, 20, 20, 20.0]})
    >>> f = quality_flags(d).set_index("pollutant")
    >>> f.loc["pm25", ["n_negative", "n_repeat_run_days", "n_pm25_gt_pm10", "n_missing_dates"]].tolist()
    [1, 5, 1, 360]
    """
    d = daily.sort_values(["city", "date"], kind="mergesort").reset_index(drop=True)
    date = pd.to_datetime(d["date"])
    year = date.dt.year.to_numpy()
    keys = pd.DataFrame({"city": d["city"].to_numpy(), "year": year})
    codes, uniq_frame = group_codes(keys)
    g = len(uniq_frame)
    same_city = np.r_[False, d["city"].to_numpy()[1:] == d["city"].to_numpy()[:-1]]
    day_num = date.to_numpy().astype("datetime64[D]").astype(np.int64)
    consecutive = same_city & np.r_[False, np.diff(day_num) == 1]
    years = uniq_frame["year"].to_numpy()
    leap = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))
    days_in_year = 365 + leap.astype(int)
    present_dates = np.bincount(codes, minlength=g)
    frames = []
    for p in present_pollutants(d):
        v = d[p].to_numpy(dtype=float)
        fin = np.isfinite(v)
        sentinel = np.isin(v, SENTINELS)
        negative = fin & (v < 0) & ~sentinel
        usable = fin & ~sentinel & (v >= 0)
        prev = np.r_[np.nan, v[:-1]]
        prev_ok = consecutive & usable & np.r_[False, usable[:-1]]
        # runs of identical values on consecutive days
        same = prev_ok & (v == prev)
        run_id = np.cumsum(~same)
        run_len = np.bincount(run_id)[run_id]
        in_run = usable & (run_len >= run_length)
        # jumps
        limit = (LIMITS_2012.get(p) or {}).get("24h")
        lim2 = float(limit[1]) if limit else np.inf
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ratio = np.maximum(v / prev, prev / v)
        jump = prev_ok & (ratio >= jump_ratio) & (np.abs(v - prev) >= lim2)
        # capped maxima
        vmax = np.full(g, -np.inf)
        np.maximum.at(vmax, codes[usable], v[usable])
        at_max = usable & (v == vmax[codes]) & (vmax[codes] > 0)
        n_at_max = np.bincount(codes[at_max], minlength=g)
        n_at_max = np.where(n_at_max >= cap_repeats, n_at_max, 0)
        f = uniq_frame.copy()
        f["pollutant"] = p
        f["n_negative"] = np.bincount(codes[negative], minlength=g)
        f["n_sentinel"] = np.bincount(codes[sentinel], minlength=g)
        f["n_zero"] = np.bincount(codes[usable & (v == 0)], minlength=g)
        f["n_repeat_run_days"] = np.bincount(codes[in_run], minlength=g)
        f["n_jumps"] = np.bincount(codes[jump], minlength=g)
        f["n_at_max_repeated"] = n_at_max
        if p == "pm25" and "pm10" in d.columns:
            pm10 = d["pm10"].to_numpy(dtype=float)
            ok10 = np.isfinite(pm10) & (pm10 >= 0) & ~np.isin(pm10, SENTINELS)
            f["n_pm25_gt_pm10"] = np.bincount(codes[usable & ok10 & (v > pm10)], minlength=g)
        else:
            f["n_pm25_gt_pm10"] = 0
        f["n_missing_dates"] = days_in_year - present_dates
        frames.append(f)
    if not frames:
        return pd.DataFrame(columns=["city", "year", "pollutant", *FLAG_COLUMNS[:-1]])
    return pd.concat(frames, ignore_index=True)


def suspect_marks(quality: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Which pollutant-years are suspect, and why (rules in the module docstring).

    Parameters
    ----------
    quality : pandas.DataFrame
        ``pollutant``, ``n_days`` and the flag counts ``n_zero``,
        ``n_repeat_run_days``, ``n_at_max_repeated``.

    Returns
    -------
    suspect : numpy.ndarray of bool
    reasons : list of str
        ``""`` for rows that are not suspect.

    Examples
    --------
    >>> q = pd.DataFrame({"pollutant": ["pm25", "so2", "pm10"], "n_days": [300, 300, 300],
    ...                   "n_zero": [69, 0, 0], "n_repeat_run_days": [0, 40, 30], "n_at_max_repeated": [0, 3, 0]})
    >>> suspect_marks(q)
    (array([ True, False,  True]), ['23.0 % exact zeros (> 5 %)', '', '10.0 % of days in runs of >= 5 identical values (> 5 %)'])
    """
    n = quality["n_days"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        zero = np.where(n > 0, quality["n_zero"].to_numpy(float) / n, 0.0)
        run = np.where(n > 0, quality["n_repeat_run_days"].to_numpy(float) / n, 0.0)
    applies = quality["pollutant"].isin(RUN_POLLUTANTS).to_numpy()
    capped = applies & (quality["n_at_max_repeated"].to_numpy() >= CAP_REPEATS)
    run_bad = applies & (run > RUN_SHARE_SUSPECT)
    zero_bad = zero > ZERO_SHARE_SUSPECT
    reasons = []
    for z, zb, r, rb, c, cn in zip(zero, zero_bad, run, run_bad, capped, quality["n_at_max_repeated"]):
        parts = [f"{z * 100:.1f} % exact zeros (> {ZERO_SHARE_SUSPECT * 100:g} %)"] if zb else []
        if rb:
            parts.append(
                f"{r * 100:.1f} % of days in runs of >= {RUN_LENGTH} identical values (> {RUN_SHARE_SUSPECT * 100:g} %)"
            )
        if c:
            parts.append(f"the maximum on {int(cn)} days (capped series?)")
        reasons.append("; ".join(parts))
    return zero_bad | run_bad | capped, reasons
