"""Annual evaluation of daily air-quality data (HJ 663-2013 with GB 3095-2012 limits).

Per city, year and pollutant:

- annual mean of the daily values (PM2.5, PM10, SO2, NO2);
- the percentile of the daily values named by HJ 663-2013 (PM2.5/PM10/CO 95th,
  SO2/NO2 98th, O3 daily max 8-h 90th), by the HJ 663 formula
  (:func:`hj663_percentile`);
- days above the grade II 24-h limit;
- compliance with grade I and II: annual mean <= annual limit **and**
  percentile <= 24-h (O3: 8-h) limit, on the rounded statistics [M: notes B2,
  "a pollutant meets the annual standard only if each statistic meets its
  limit"; evaluating on rounded values follows the notes' 修约 item];
- validity: >= 324 daily values and >= 27 per month (February >= 25)
  (:mod:`qclib.air.validity`).  Invalid city-years are reported with their
  counts and ``valid = False`` -- never dropped, never silently used.

And from the daily AQI (:mod:`qclib.air.aqi`): valid days, good days (AQI <=
100), good-days ratio over valid days, days per category, heavy-pollution
days (AQI > 200), days per primary pollutant.

Rounding (修约), GB/T 8170 "四舍六入五成双" (round half to even) [V~: the
notes B2 and the GB/T 8170 rule as restated by a monitoring-equipment vendor
page]; concentrations to integers (ug/m3), CO to 1 decimal (mg/m3); the
good-days ratio to 1 decimal in % (qclib convention: bulletins print one
decimal).  Both the rounded and the unrounded value are returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from qclib.air.aqi import daily_aqi
from qclib.air.flags import FLAG_COLUMNS, apply_flag_rules, quality_flags, resolve_duplicates, suspect_marks
from qclib.air.standards import (
    AIR_INDICATORS,
    AQI_CATEGORY_IDS,
    POLLUTANTS,
    STANDARD_VERSIONS,
    STANDARDS,
    AirStandard,
    UnconfirmedStandardError,
    default_standard,
    get_standard,
)
from qclib.air.validity import group_codes, grouped_validity
from qclib.constants import OBSERVATION_FILE_COLUMNS
from qclib.exceptions import InvalidChoiceError

#: Decimals of the good-days ratio (qclib convention, see module docstring).
RATIO_DECIMALS: int = 1

STAT_COLUMNS: tuple[str, ...] = (
    "city",
    "year",
    "indicator_id",
    "value",
    "value_unrounded",
    "unit",
    "pollutant",
    "standard",
    "n_days",
    "valid",
    "validity",
)


def round_half_even(values: np.ndarray | pd.Series | float, decimals: int = 0) -> np.ndarray:
    """Round to ``decimals`` places, ties to even (GB/T 8170-2008 修约, 四舍六入五成双).

    The value is first scaled and cleaned of binary noise (rounded to 6 places
    after scaling), so decimal ties such as 2.675 -> 2.68 and 0.25 -> 0.2 behave
    as written in decimal.

    Parameters
    ----------
    values : array-like or float
        Numbers to round (NaN kept).
    decimals : int
        Decimal places to keep.

    Returns
    -------
    numpy.ndarray of float
        A new array.

    Examples
    --------
    >>> round_half_even([0.5, 1.5, 2.5, 35.5, 36.5, 35.51, -0.5]).tolist()
    [0.0, 2.0, 2.0, 36.0, 36.0, 36.0, -0.0]
    >>> round_half_even([0.25, 0.35, 2.675, 1.05], 1).tolist()
    [0.2, 0.4, 2.7, 1.0]
    """
    x = np.asarray(values, dtype=float)
    scale = 10.0**decimals
    return np.rint(np.round(x * scale, 6)) / scale


def hj663_percentile(values: Iterable[float] | np.ndarray, p: float) -> float:
    """Percentile of daily values by the HJ 663-2013 formula.

    Sort the n valid values ascending, X_1 <= ... <= X_n; then::

        k = 1 + (n - 1) * p / 100,   s = floor(k),
        m_p = X_s + (X_{s+1} - X_s) * (k - s)

    (X_{s+1} is not needed when k = n).  [V~] The notes (B2) and an
    implementation restating the standard ("k=1+(n-1)p% -> mp=X(s)+(X(s+1)-X(s))
    x(k-s)"); it equals ``numpy.percentile(x, p, method="linear")``.
    NaN values are ignored; an empty series gives NaN.

    Parameters
    ----------
    values : array-like of float
        Daily values.
    p : float
        Percentile, 0-100.

    Returns
    -------
    float

    Examples
    --------
    >>> hj663_percentile([5, 1, 4, 2, 3], 95)   # k = 4.8 -> 4 + 0.8 * (5 - 4)
    4.8
    >>> hj663_percentile([10, 20], 90)          # k = 1.9 -> 10 + 0.9 * 10
    19.0
    >>> hj663_percentile([7], 98)
    7.0
    """
    x = np.sort(np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=float))
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return float("nan")
    k = 1 + (n - 1) * p / 100.0
    s = int(np.floor(k))
    lo = x[s - 1]
    hi = x[min(s, n - 1)]
    return float(lo + (hi - lo) * (k - s))


def grouped_percentile(codes: np.ndarray, values: np.ndarray, p: float, n_groups: int) -> np.ndarray:
    """HJ 663 percentile of each group at once (one sort, no Python loop).

    Same formula as :func:`hj663_percentile`, applied within each group code.

    Parameters
    ----------
    codes : numpy.ndarray of int
        Group of each value (0..n_groups-1).
    values : numpy.ndarray of float
        Values (NaN ignored).
    p : float
        Percentile, 0-100.
    n_groups : int
        Number of groups.

    Returns
    -------
    numpy.ndarray of float, shape (n_groups,)
        NaN for groups without values.

    Examples
    --------
    >>> grouped_percentile(np.array([0, 0, 0, 0, 0, 1, 1]), np.array([5, 1, 4, 2, 3, 10, 20.0]), 95, 2).round(3).tolist()
    [4.8, 19.5]
    """
    values = np.asarray(values, dtype=float)
    codes = np.asarray(codes, dtype=np.int64)
    out = np.full(n_groups, np.nan)
    if len(values) == 0:
        return out
    # Pad each group into one row of a matrix and sort the rows (NaN sorts
    # last): exact, and one vectorised sort instead of a Python loop.
    if np.all(codes[1:] >= codes[:-1]):
        sc, sv = codes, values
    else:
        order = np.argsort(codes, kind="stable")
        sc, sv = codes[order], values[order]
    sizes = np.bincount(sc, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    pos = np.arange(len(sv)) - starts[sc]
    mat = np.full((n_groups, int(sizes.max())), np.nan)
    mat[sc, pos] = sv
    mat.sort(axis=1)
    n = np.isfinite(mat).sum(axis=1)
    rows = np.flatnonzero(n > 0)
    k = 1 + (n[rows] - 1) * p / 100.0
    s = np.floor(k).astype(np.int64)
    lo = mat[rows, s - 1]
    hi = mat[rows, np.minimum(s, n[rows] - 1)]
    out[rows] = lo + (hi - lo) * (k - s)
    return out


def resolve_standards(years: Iterable[int], standard: str | int | None = None) -> dict[int, AirStandard]:
    """Standard applied to each year.

    ``standard=None`` uses :func:`~qclib.air.standards.default_standard` per
    year (2012 rules before 2026, the 2026 rules from 2026, which are not
    confirmed and raise).  A given version applies to every year.

    Parameters
    ----------
    years : iterable of int
        Years evaluated.
    standard : str, int or None
        ``"2012"``, ``"2026"`` or ``None``.

    Returns
    -------
    dict
        ``{year: AirStandard}``.

    Raises
    ------
    InvalidChoiceError
        Unknown version.
    UnconfirmedStandardError
        A year needs a version whose values are not confirmed.

    Examples
    --------
    >>> {y: s.version for y, s in resolve_standards([2019, 2020]).items()}
    {2019: '2012', 2020: '2012'}
    >>> resolve_standards([2025, 2026])
    Traceback (most recent call last):
    ...
    qclib.air.standards.UnconfirmedStandardError: standard '2026' (years 2026) cannot be applied: ...
    """
    years = sorted({int(y) for y in years})
    if standard is not None and str(standard).strip() not in STANDARDS:
        raise InvalidChoiceError("standard", standard, STANDARD_VERSIONS)
    wanted = {y: (str(standard).strip() if standard is not None else default_standard(y)) for y in years}
    out: dict[int, AirStandard] = {}
    for version in sorted(set(wanted.values())):
        ys = tuple(y for y, v in wanted.items() if v == version)
        std = STANDARDS[version]
        if not std.confirmed:
            raise UnconfirmedStandardError(version, std.unconfirmed, ys)
        for y in ys:
            out[y] = std
    return out


def _validity_text(n: np.ndarray, mc: np.ndarray, valid: np.ndarray, std: AirStandard) -> list[str]:
    need = np.where(np.arange(1, 13) == 2, std.min_days_february, std.min_days_month)
    texts = []
    for i in range(len(n)):
        short = [f"{m + 1:02d}={mc[i, m]}/{need[m]}" for m in range(12) if mc[i, m] < need[m]]
        months = ", ".join(short) if short else "none"
        head = "valid" if valid[i] else "NOT VALID"
        texts.append(f"{head}: {int(n[i])} daily values (need {std.min_days_year}); months below minimum: {months}")
    return texts


def annual_statistics(daily: pd.DataFrame, *, standard: str | int | None = None) -> pd.DataFrame:
    """Annual statistics per city and year from cleaned daily values.

    Computes every indicator of :data:`~qclib.air.standards.AIR_INDICATORS`
    that the columns allow (see the module docstring for formulas and
    sources).  Rows are never dropped for lack of data: an invalid city-year
    has ``valid = False`` and ``validity`` says why.

    Parameters
    ----------
    daily : pandas.DataFrame
        Columns ``city``, ``date`` (datetime64), pollutant columns
        (``pm25, pm10, so2, no2, co, o3_8h``, optional ``o3_1h``); one row per
        city and date; negative values and replacement codes already missing
        (:func:`qclib.air.flags.apply_flag_rules`).
    standard : str, int or None
        Standard version, ``None`` for the per-year default.

    Returns
    -------
    pandas.DataFrame
        Long table with :data:`STAT_COLUMNS`: ``value`` rounded per the
        standard (GB/T 8170), ``value_unrounded``, ``n_days`` behind the
        statistic and its ``valid`` flag.

    Examples
    --------
    >>> dates = pd.date_range("2021-01-01", "2021-12-31")
    >>> d = pd.DataFrame({"city": "x", "date": dates, "pm25": np.where(dates.day_of_year <= 30, 80.0, 30.0)})
    >>> s = annual_statistics(d).set_index("indicator_id")
    >>> s.loc[["pm25_annual_mean", "pm25_p95", "pm25_days_over_grade2", "pm25_compliant_grade2"],
    ...       ["value", "value_unrounded", "valid"]]
                           value  value_unrounded  valid
    indicator_id
    pm25_annual_mean        34.0        34.109589   True
    pm25_p95                80.0        80.000000   True
    pm25_days_over_grade2   30.0        30.000000   True
    pm25_compliant_grade2    0.0         0.000000   True
    """
    return _evaluate(daily, standard)[0]


class _Collector:
    """Accumulates per-indicator arrays; builds one long frame at the end (fast)."""

    def __init__(self, keys: pd.DataFrame, label: str):
        self.keys = keys
        self.label = label
        self.parts: list[tuple[str, str, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(
        self,
        indicator: str,
        pollutant: str,
        value: np.ndarray,
        unrounded: np.ndarray,
        n: np.ndarray,
        valid: np.ndarray,
        text: np.ndarray,
    ) -> None:
        self.parts.append(
            (
                indicator,
                pollutant,
                np.asarray(value, float),
                np.asarray(unrounded, float),
                np.asarray(n),
                np.asarray(valid, bool),
                text,
            )
        )

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=list(STAT_COLUMNS))
        g, k = len(self.keys), len(self.parts)
        ids = [pt[0] for pt in self.parts]
        return pd.DataFrame(
            {
                "city": np.tile(self.keys["city"].to_numpy(dtype=object), k),
                "year": np.tile(self.keys["year"].to_numpy(dtype=np.int64), k),
                "indicator_id": np.repeat(np.array(ids, dtype=object), g),
                "value": np.concatenate([pt[2] for pt in self.parts]),
                "value_unrounded": np.concatenate([pt[3] for pt in self.parts]),
                "unit": np.repeat(np.array([AIR_INDICATORS[i]["unit"] for i in ids], dtype=object), g),
                "pollutant": np.repeat(np.array([pt[1] for pt in self.parts], dtype=object), g),
                "standard": self.label,
                "n_days": np.concatenate([pt[4] for pt in self.parts]).astype(np.int64),
                "valid": np.concatenate([pt[5] for pt in self.parts]),
                "validity": np.concatenate([pt[6] for pt in self.parts]),
            }
        )


def _evaluate(daily: pd.DataFrame, standard: str | int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Statistics and the validity table, sharing group codes and the daily AQI."""
    d = daily.reset_index(drop=True)
    date = pd.to_datetime(d["date"])
    months = date.dt.month.to_numpy()
    codes, keys = group_codes(pd.DataFrame({"city": d["city"].to_numpy(dtype=object), "year": date.dt.year.to_numpy()}))
    g = len(keys)
    stds = resolve_standards(keys["year"].tolist(), standard)
    versions = {s.version for s in stds.values()}
    if len(versions) > 1:  # pragma: no cover - only one confirmed version exists today
        raise UnconfirmedStandardError(",".join(sorted(versions)), ("mixing versions in one run",))
    std = next(iter(stds.values())) if stds else get_standard("2012")
    col = _Collector(keys, std.label)
    validity_rows: list[pd.DataFrame] = []

    def check(pollutant: str, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n, mc, valid = grouped_validity(codes, months, ok, g, std)
        text = np.array(_validity_text(n, mc, valid, std), dtype=object)
        f = keys.copy()
        f["pollutant"] = pollutant
        f["n_days"] = n
        for m in range(12):
            f[f"m{m + 1:02d}"] = mc[:, m]
        f["valid"] = valid
        f["validity"] = text
        f["standard"] = std.label
        validity_rows.append(f)
        return n, valid, text

    compliant2: dict[str, np.ndarray] = {}
    valid_by_p: dict[str, np.ndarray] = {}
    for p in (*POLLUTANTS, "o3_1h"):
        if p not in d.columns:
            continue
        v = d[p].to_numpy(dtype=float)
        ok = np.isfinite(v)
        n, valid, text = check(p, ok)
        if p not in POLLUTANTS:
            continue  # o3_1h: used by the AQI only; validity reported
        valid_by_p[p] = valid
        dec = std.decimals[p]
        lim = std.limits[p]
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.bincount(codes[ok], weights=v[ok], minlength=g) / n
        mean = np.where(n > 0, mean, np.nan)
        mean_r = round_half_even(mean, dec)
        pct = std.percentiles[p]
        perc = grouped_percentile(codes, v, pct, g)
        perc_r = round_half_even(perc, dec)
        if lim["annual"] is not None:
            col.add(f"{p}_annual_mean", p, mean_r, mean, n, valid, text)
        col.add(f"{p}_p{int(pct)}", p, perc_r, perc, n, valid, text)
        over = ok & (round_half_even(v, dec) > lim["24h"][1])
        n_over = np.bincount(codes[over], minlength=g).astype(float)
        col.add(f"{p}_days_over_grade2", p, n_over, n_over, n, valid, text)
        for grade in (1, 2):
            c = perc_r <= lim["24h"][grade - 1]
            if lim["annual"] is not None:
                c = c & (mean_r <= lim["annual"][grade - 1])
            cval = np.where(np.isfinite(perc_r), c.astype(float), np.nan)
            if grade == 2:
                compliant2[p] = cval
            col.add(f"{p}_compliant_grade{grade}", p, cval, cval, n, valid, text)
    if len(compliant2) == len(POLLUTANTS):
        stack = np.vstack([compliant2[p] for p in POLLUTANTS])
        allc = np.where(np.isnan(stack).any(axis=0), np.nan, stack.min(axis=0))
        allvalid = np.vstack([valid_by_p[p] for p in POLLUTANTS]).all(axis=0)
        text = np.where(
            allvalid, "valid: all six pollutants valid", "NOT VALID: at least one pollutant-year not valid"
        ).astype(object)
        col.add("air_compliant_grade2", "all", allc, allc, np.full(g, -1), allvalid, text)
    if all(p in d.columns for p in POLLUTANTS):
        a = daily_aqi(d[[c for c in (*POLLUTANTS, "o3_1h") if c in d.columns]], standard=std.version)
        ok = a["aqi_valid"].to_numpy()
        n, valid, text = check("aqi", ok)
        _aqi_statistics(a, codes, g, ok, n, valid, text, col)
    stats = col.frame()
    validity = (
        pd.concat(validity_rows, ignore_index=True)
        if validity_rows
        else pd.DataFrame(columns=["city", "year", "pollutant", "n_days", "valid", "validity", "standard"])
    )
    return stats, validity


def _aqi_statistics(
    a: pd.DataFrame,
    codes: np.ndarray,
    g: int,
    ok: np.ndarray,
    n: np.ndarray,
    valid: np.ndarray,
    text: np.ndarray,
    col: _Collector,
) -> None:
    aqi = a["aqi"].to_numpy(dtype=float)

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(codes[mask & ok], minlength=g).astype(float)

    def add(indicator: str, value: np.ndarray, unrounded: np.ndarray) -> None:
        col.add(indicator, "aqi", value, unrounded, n, valid, text)

    nf = n.astype(float)
    add("valid_days", nf, nf)
    good = count(aqi <= 100)
    add("good_days", good, good)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(n > 0, good / nf * 100.0, np.nan)
    add("good_days_ratio", round_half_even(ratio, RATIO_DECIMALS), ratio)
    heavy = count(aqi > 200)
    add("heavy_pollution_days", heavy, heavy)
    # category from the integer AQI (HJ 633-2012 Table 2), same bounds as aqi_category
    bounds = np.array([50, 100, 150, 200, 300], dtype=float)
    cat_idx = np.searchsorted(bounds, aqi, side="left")
    for i, cid in enumerate(AQI_CATEGORY_IDS):
        c = count(cat_idx == i)
        add(f"days_aqi_{cid}", c, c)
    over50 = aqi > 50
    for p in POLLUTANTS:
        is_max = a[f"iaqi_{p}"].to_numpy(dtype=float) == aqi
        key = p
        if p == "o3_8h":
            key = "o3"
            if "iaqi_o3_1h" in a.columns:
                is_max |= a["iaqi_o3_1h"].to_numpy(dtype=float) == aqi
        c = count(is_max & over50)
        add(f"{key}_primary_days", c, c)


def annual_air_quality(daily: pd.DataFrame, *, standard: str | int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Full pipeline on a daily table: duplicates, flags, cleaning, statistics.

    Steps: :func:`~qclib.air.flags.resolve_duplicates` (identical copies kept
    once, conflicts raise) -> :func:`~qclib.air.flags.quality_flags` on the
    raw values -> :func:`~qclib.air.flags.apply_flag_rules` (negatives and
    replacement codes become missing) -> :func:`annual_statistics`.

    Parameters
    ----------
    daily : pandas.DataFrame
        Columns ``city``, ``date`` and pollutant columns (``_file``/``_row``
        optional, used in error messages).
    standard : str, int or None
        Standard version, ``None`` for the per-year default.

    Returns
    -------
    stats : pandas.DataFrame
        :func:`annual_statistics` output.
    quality : pandas.DataFrame
        One row per (city, year, pollutant) -- pollutant ``aqi`` for the AQI
        day counts -- with ``n_days``, month counts ``m01..m12``, ``valid``,
        ``validity``, ``standard`` and the flag counts of
        :data:`~qclib.air.flags.FLAG_COLUMNS`.

    Examples
    --------
    >>> dates = pd.date_range("2021-01-01", "2021-03-31")
    >>> d = pd.DataFrame({"city": "x", "date": dates, "pm25": 20.0})
    >>> stats, quality = annual_air_quality(d)
    >>> quality[["city", "year", "pollutant", "n_days", "valid", "n_missing_dates"]]
      city  year pollutant  n_days  valid  n_missing_dates
    0    x  2021      pm25      90  False              275
    """
    dedup, removed = resolve_duplicates(daily)
    flags = quality_flags(dedup)
    clean = apply_flag_rules(dedup)
    cols = ["city", "date", *[c for c in clean.columns if c in (*POLLUTANTS, "o3_1h")]]
    stats, quality = _evaluate(clean[cols], standard)
    quality = quality.merge(flags, on=["city", "year", "pollutant"], how="left")
    dup = removed.rename("n_duplicate_dates").reset_index()
    quality = quality.merge(dup, on=["city", "year"], how="left") if len(dup) else quality.assign(n_duplicate_dates=0)
    for c in FLAG_COLUMNS:
        if c not in quality.columns:
            quality[c] = 0
        quality[c] = quality[c].fillna(0).astype(int)
    # city-year-level counts apply to every row of the city-year (the AQI row too)
    for c in ("n_missing_dates", "n_duplicate_dates"):
        quality[c] = quality.groupby(["city", "year"])[c].transform("max").astype(int)
    # suspect pollutant-years, and city-years (rules in qclib.air.flags)
    suspect, reasons = suspect_marks(quality)
    quality["suspect"] = suspect
    quality["suspect_reason"] = reasons
    quality["city_year_suspect"] = quality.groupby(["city", "year"])["suspect"].transform("any").astype(bool)
    return stats, quality


#: Note marker of statistics from a suspect city-year (provisional, 待核实; see
#: :func:`qclib.air.flags.suspect_marks`).  It follows the ``NOT VALID`` prefix
#: when both apply, so a note starting with ``NOT VALID`` still says invalid.
SUSPECT_NOTE: str = "SUSPECT data, provisional (待核实)"


def suspect_city_years(quality: pd.DataFrame) -> pd.DataFrame:
    """One row per suspect city-year, with the reasons of its pollutants.

    Parameters
    ----------
    quality : pandas.DataFrame
        Quality table of :func:`annual_air_quality` (``suspect``,
        ``suspect_reason``).

    Returns
    -------
    pandas.DataFrame
        ``city, year, reason`` (``"pm25: 23.0 % exact zeros (> 5 %)"``, several
        pollutants joined by `` | ``).

    Examples
    --------
    >>> q = pd.DataFrame({"city": "x", "year": 2015, "pollutant": ["pm25", "pm10"], "suspect": [True, False],
    ...                   "suspect_reason": ["23.0 % exact zeros (> 5 %)", ""]})
    >>> suspect_city_years(q).to_dict("records")
    [{'city': 'x', 'year': 2015, 'reason': 'pm25: 23.0 % exact zeros (> 5 %)'}]
    """
    if "suspect" not in quality.columns:
        return pd.DataFrame(columns=["city", "year", "reason"])
    s = quality.loc[quality["suspect"].astype(bool)]
    text = s["pollutant"].astype(str) + ": " + s["suspect_reason"].astype(str)
    out = text.groupby([s["city"], s["year"]]).agg(" | ".join).rename("reason").reset_index()
    return out


def to_observations(
    stats: pd.DataFrame,
    *,
    source: str,
    exclude_invalid: bool = False,
    cities: Mapping[str, str] | None = None,
    quality: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Convert :func:`annual_statistics` output to the observation format.

    Columns of ``data/raw/README.md``: ``city, indicator_id, year, value, unit,
    scope, source, source_detail, basis, note``; ``basis`` is ``computed``;
    ``source_detail`` names the standard and the validity counts; ``note``
    carries the unrounded value and, for invalid city-years, starts with
    ``NOT VALID``.

    Parameters
    ----------
    stats : pandas.DataFrame
        Output of :func:`annual_statistics`.
    source : str
        Input file name(s).
    exclude_invalid : bool
        Drop rows whose city-year is not valid (default keeps them, marked).
    cities : mapping, optional
        Extra ``{name: city_id}`` renames applied to ``city``.
    quality : pandas.DataFrame, optional
        Quality table; statistics of its suspect city-years get
        :data:`SUSPECT_NOTE` and the reasons in ``note`` (provisional, never
        official).

    Returns
    -------
    pandas.DataFrame
        A new frame with :data:`qclib.constants.OBSERVATION_FILE_COLUMNS`, rows with a NaN value omitted.

    Examples
    --------
    >>> s = pd.DataFrame({"city": ["x"], "year": [2021], "indicator_id": ["pm25_annual_mean"],
    ...                   "value": [34.0], "value_unrounded": [34.1096], "unit": ["ug/m3"],
    ...                   "pollutant": ["pm25"], "standard": ["GB 3095-2012 / HJ 633-2012 / HJ 663-2013"],
    ...                   "n_days": [365], "valid": [True], "validity": ["valid: 365 daily values"]})
    >>> to_observations(s, source="x.csv")[["indicator_id", "value", "basis", "note"]]
           indicator_id  value     basis               note
    0  pm25_annual_mean   34.0  computed  unrounded 34.1096
    """
    s = stats.loc[stats["value"].notna()]
    if exclude_invalid:
        s = s.loc[s["valid"].astype(bool)]
    flagged = suspect_city_years(quality) if quality is not None else pd.DataFrame(columns=["city", "year", "reason"])
    why = s[["city", "year"]].merge(flagged, on=["city", "year"], how="left")["reason"].fillna("").to_numpy()
    note = [
        ("" if ok else "NOT VALID (GB 3095-2012 data validity not met); ")
        + (f"{SUSPECT_NOTE}: {w}; " if w else "")
        + f"unrounded {x:.6g}"
        for ok, w, x in zip(s["valid"].astype(bool), why, s["value_unrounded"].astype(float))
    ]
    out = pd.DataFrame(
        {
            "city": s["city"].map(lambda c: (cities or {}).get(c, c)).to_numpy(),
            "indicator_id": s["indicator_id"].to_numpy(),
            "year": s["year"].astype(int).to_numpy(),
            "value": s["value"].to_numpy(dtype=float),
            "unit": s["unit"].to_numpy(),
            "scope": "",
            "source": source,
            "source_detail": [f"{a}; {b}" for a, b in zip(s["standard"], s["validity"])],
            "basis": "computed",
            "note": note,
        }
    )
    return out[list(OBSERVATION_FILE_COLUMNS)].reset_index(drop=True)
