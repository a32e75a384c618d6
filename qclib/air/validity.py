"""Data-validity rules: hourly -> daily values, and the annual/monthly day counts.

GB 3095-2012 clause 7 "数据统计的有效性规定" (Table 4) and HJ 663-2013 [V~]
(the notes, section B1; the O3 rules as restated verbatim in a code comment
quoting HJ 663: "日最大8小时平均：当日8时至24时至少有14个有效8小时平均浓度值。
当不满足14个有效数据时，若日最大8小时平均浓度超过浓度限值标准时，统计结果仍有效。"):

- 24-h mean of SO2, NO2, CO, PM10, PM2.5: at least **20** hourly values.
- O3 8-h mean: at least **6** hourly values in the 8 hours.
- O3 daily maximum 8-h mean: at least **14** valid 8-h means among the 17
  windows ending 08:00 ... 24:00 of the day; with fewer, the value is still valid
  when it exceeds the limit (qclib compares with the grade II limit, 160 ug/m3).
- Annual statistics (annual mean and the percentile of daily values, O3 included):
  at least **324** daily values in the calendar year and at least **27** in each
  month (**25** in February).

Hour labels: an hourly timestamp ``hh:00`` stands for the hour starting at
``hh:00``; the 8-h window "ending at 08:00" is hours 00..07 of the same day, so
the 17 windows are the ones that lie inside the calendar day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qclib.air.standards import ALL_POLLUTANT_COLUMNS, AirStandard, get_standard

#: Windows of the O3 daily maximum 8-h mean: window ending at hour label h
#: (h = 7..23) averages hour labels h-7..h.
O3_WINDOW_ENDS: tuple[int, ...] = tuple(range(7, 24))


def monthly_minimum(month: np.ndarray | int, *, standard: str = "2012") -> np.ndarray:
    """Minimum number of daily values a month needs (GB 3095-2012 clause 7).

    27 for every month except February, which needs 25.

    Parameters
    ----------
    month : array-like of int or int
        Month numbers 1-12.
    standard : str
        Standard version.

    Returns
    -------
    numpy.ndarray of int
        The threshold per month.

    Examples
    --------
    >>> monthly_minimum([1, 2, 3]).tolist()
    [27, 25, 27]
    """
    std = get_standard(standard)
    m = np.atleast_1d(np.asarray(month, dtype=int))
    return np.where(m == 2, std.min_days_february, std.min_days_month)


def year_is_valid(n_days: int, month_counts: dict[int, int] | pd.Series, *, standard: str = "2012") -> bool:
    """Whether one year of daily values supports annual statistics.

    Rule (GB 3095-2012 clause 7; HJ 663-2013): ``n_days >= 324`` and, for every
    month m, ``count_m >= 27`` (February ``>= 25``).  A month absent from
    ``month_counts`` counts as 0.

    Parameters
    ----------
    n_days : int
        Number of valid daily values in the calendar year.
    month_counts : mapping month -> int
        Valid daily values per month.
    standard : str
        Standard version.

    Returns
    -------
    bool

    Examples
    --------
    >>> full = {m: 27 for m in range(1, 13)}
    >>> year_is_valid(324, full)
    True
    >>> year_is_valid(323, full)
    False
    >>> year_is_valid(330, {**full, 2: 25}), year_is_valid(330, {**full, 2: 24})
    (True, False)
    >>> year_is_valid(330, {**full, 7: 26})
    False
    """
    std = get_standard(standard)
    counts = np.array([int(dict(month_counts).get(m, 0)) for m in range(1, 13)])
    return bool(
        n_days >= std.min_days_year and np.all(counts >= monthly_minimum(np.arange(1, 13), standard=std.version))
    )


def grouped_validity(
    codes: np.ndarray, months: np.ndarray, ok: np.ndarray, n_groups: int, std: AirStandard
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised annual validity for many city-years at once.

    Same rule as :func:`year_is_valid`, for daily rows labelled by group code.

    Parameters
    ----------
    codes : numpy.ndarray of int
        City-year group code of each daily row (0..n_groups-1).
    months : numpy.ndarray of int
        Month (1-12) of each row.
    ok : numpy.ndarray of bool
        Whether the row has a valid daily value.
    n_groups : int
        Number of groups.
    std : AirStandard
        Standard whose thresholds apply.

    Returns
    -------
    n_days : numpy.ndarray of int, shape (n_groups,)
    month_counts : numpy.ndarray of int, shape (n_groups, 12)
    valid : numpy.ndarray of bool, shape (n_groups,)

    Examples
    --------
    >>> import numpy as np
    >>> days = pd.date_range("2021-01-01", "2021-12-31")
    >>> n, mc, v = grouped_validity(np.zeros(len(days), int), days.month.to_numpy(),
    ...                             np.ones(len(days), bool), 1, get_standard("2012"))
    >>> int(n[0]), mc[0, 1], bool(v[0])
    (365, np.int64(28), True)
    """
    okc = codes[ok]
    n_days = np.bincount(okc, minlength=n_groups)
    mc = np.bincount(okc * 12 + (months[ok] - 1), minlength=n_groups * 12).reshape(n_groups, 12)
    need = np.where(np.arange(1, 13) == 2, std.min_days_february, std.min_days_month)
    valid = (n_days >= std.min_days_year) & np.all(mc >= need, axis=1)
    return n_days, mc, valid


def daily_from_hourly(hourly: pd.DataFrame, *, standard: str = "2012", by: tuple[str, ...] = ("city",)) -> pd.DataFrame:
    """Aggregate hourly values to daily statistics under the validity rules.

    - ``pm25, pm10, so2, no2, co``: 24-h mean when at least 20 hourly values
      exist, else NaN (GB 3095-2012 clause 7).
    - ``o3_8h``: maximum of the 8-h moving means whose window ends at hour
      labels 7..23 (17 windows inside the day); a window needs >= 6 hourly
      values; the daily maximum needs >= 14 valid windows, or exceeds the
      grade II limit (HJ 663-2013).
    - ``o3_1h``: maximum hourly O3 of the day when at least 20 hourly values
      exist (qclib convention, not a clause of the standard).

    Parameters
    ----------
    hourly : pandas.DataFrame
        Columns ``city``, ``datetime`` (datetime64) and any of ``pm25, pm10,
        so2, no2, co, o3`` (hourly O3).  One row per city and hour.
    standard : str
        Standard version.
    by : tuple of str
        Columns naming one series (``("city", "station")`` for station data).

    Returns
    -------
    pandas.DataFrame
        A new frame with the ``by`` columns, ``date`` and the daily columns, plus
        ``hours_<pollutant>`` (hourly values found) and ``o3_8h_windows``.

    Examples
    --------
    >>> t = pd.date_range("2021-03-01", periods=24, freq="h")
    >>> h = pd.DataFrame({"city": "x", "datetime": t, "pm25": [10.0] * 20 + [np.nan] * 4,
    ...                   "o3": np.arange(24, dtype=float)})
    >>> d = daily_from_hourly(h)
    >>> d[["pm25", "hours_pm25", "o3_8h", "o3_8h_windows", "o3_1h"]]
       pm25  hours_pm25  o3_8h  o3_8h_windows  o3_1h
    0  10.0          20   19.5             17   23.0
    """
    std = get_standard(standard)
    date, hour = split_hours(hourly["datetime"])
    keys = pd.DataFrame({**{k: hourly[k].array for k in by}, "date": date})
    codes, out = group_codes(keys)
    n = len(out)
    for p in ("pm25", "pm10", "so2", "no2", "co"):
        if p not in hourly.columns:
            continue
        grid = _grid(codes, hour, hourly[p].to_numpy(dtype=float), n)
        cnt = np.isfinite(grid).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(grid, axis=1) / cnt
        out[p] = np.where(cnt >= std.min_hours_daily, mean, np.nan)
        out[f"hours_{p}"] = cnt
    if "o3" in hourly.columns:
        grid = _grid(codes, hour, hourly["o3"].to_numpy(dtype=float), n)
        fin = np.isfinite(grid)
        cs = np.concatenate([np.zeros((n, 1)), np.cumsum(np.where(fin, grid, 0.0), axis=1)], axis=1)
        cc = np.concatenate([np.zeros((n, 1), int), np.cumsum(fin, axis=1)], axis=1)
        ends = np.array(O3_WINDOW_ENDS)
        wsum = cs[:, ends + 1] - cs[:, ends - 7]
        wcnt = cc[:, ends + 1] - cc[:, ends - 7]
        with np.errstate(invalid="ignore", divide="ignore"):
            wavg = np.where(wcnt >= std.min_hours_8h, wsum / np.maximum(wcnt, 1), np.nan)
        nwin = np.isfinite(wavg).sum(axis=1)
        wmax = np.max(np.where(np.isfinite(wavg), wavg, -np.inf), axis=1)
        wmax = np.where(nwin > 0, wmax, np.nan)
        grades = std.limits["o3_8h"]["24h"]
        limit2 = float(grades[1]) if grades is not None and grades[1] is not None else np.inf
        out["o3_8h"] = np.where((nwin >= std.min_windows_o3_8h) | (wmax > limit2), wmax, np.nan)
        out["o3_8h_windows"] = nwin
        cnt = fin.sum(axis=1)
        hmax = np.max(np.where(fin, grid, -np.inf), axis=1)
        out["o3_1h"] = np.where(cnt >= std.min_hours_daily, hmax, np.nan)
        out["hours_o3"] = cnt
    return out


def split_hours(times: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Calendar day (datetime64[ns] at midnight) and hour 0-23 of timestamps, by integer arithmetic.

    Parameters
    ----------
    times : pandas.Series
        Timestamps (datetime64 or parseable).

    Returns
    -------
    date : numpy.ndarray of datetime64[ns]
    hour : numpy.ndarray of int

    Examples
    --------
    >>> d, h = split_hours(pd.Series(pd.to_datetime(["1969-12-31 23:30", "2021-03-01 05:00"])))
    >>> [str(x)[:10] for x in d], h.tolist()
    (['1969-12-31', '2021-03-01'], [23, 5])
    """
    hours = pd.to_datetime(times).to_numpy().astype("datetime64[h]").astype(np.int64)
    day = np.floor_divide(hours, 24)
    return day.astype("datetime64[D]").astype("datetime64[ns]"), hours - day * 24


def group_codes(keys: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer code of each row's key combination, and the sorted distinct keys.

    Parameters
    ----------
    keys : pandas.DataFrame
        Key columns (e.g. ``city, year``), no missing values.

    Returns
    -------
    codes : numpy.ndarray of int
        Row ``i`` belongs to ``uniques.iloc[codes[i]]``.
    uniques : pandas.DataFrame
        Distinct key rows, sorted, with a fresh index.

    Examples
    --------
    >>> c, u = group_codes(pd.DataFrame({"city": ["b", "a", "b"], "year": [2020, 2020, 2020]}))
    >>> c.tolist(), u["city"].tolist()
    ([1, 0, 1], ['a', 'b'])
    """
    # factorize each column (sorted), combine the codes in mixed radix, factorize
    # again: the same groups and order as a sorted groupby, several times faster
    cols = list(keys.columns)
    if not cols or len(keys) == 0:
        return np.zeros(len(keys), dtype=np.int64), keys.drop_duplicates().reset_index(drop=True)
    parts = [pd.factorize(keys[c], sort=True) for c in cols]
    combined = np.zeros(len(keys), dtype=np.int64)
    for c, u in parts:
        if (c < 0).any():
            raise ValueError("group_codes: missing values in the key columns")
        combined = combined * max(len(u), 1) + c
    codes, uniq = pd.factorize(combined, sort=True)
    values = {}
    rest = np.asarray(uniq, dtype=np.int64)
    for col, (_, u) in zip(reversed(cols), reversed(parts)):
        base = max(len(u), 1)
        values[col] = np.asarray(u)[rest % base]
        rest = rest // base
    uniques = pd.DataFrame({c: values[c] for c in cols})
    for c in cols:
        if isinstance(keys[c].dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(keys[c]):
            uniques[c] = pd.to_datetime(uniques[c])
    return codes.astype(np.int64), uniques


def _grid(codes: np.ndarray, hour: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    grid = np.full((n, 24), np.nan)
    grid[codes, hour] = values
    return grid


def present_pollutants(frame: pd.DataFrame) -> tuple[str, ...]:
    """Pollutant columns of a daily frame, in report order.

    Parameters
    ----------
    frame : pandas.DataFrame
        A daily table.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> present_pollutants(pd.DataFrame(columns=["city", "date", "o3_8h", "pm25"]))
    ('pm25', 'o3_8h')
    """
    return tuple(p for p in ALL_POLLUTANT_COLUMNS if p in frame.columns)


__all__ = [
    "O3_WINDOW_ENDS",
    "daily_from_hourly",
    "group_codes",
    "grouped_validity",
    "monthly_minimum",
    "present_pollutants",
    "split_hours",
    "year_is_valid",
]
