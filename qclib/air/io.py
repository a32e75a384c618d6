"""Reading monitoring files and writing results (the I/O edge of :mod:`qclib.air`).

Input files are CSV (UTF-8 or GB18030) or Excel (first sheet), one header line.

Daily files: ``city, date`` plus any of ``pm25, pm10, so2, no2, co, o3_8h``
(daily means; O3 as the daily maximum 8-h mean; CO in mg/m3, the rest in ug/m3)
and optionally ``o3_1h`` (daily maximum 1-h O3).

Hourly files: ``city, datetime`` (or ``city, date, hour`` with hour 0-23 = the
hour starting at hh:00) plus any of ``pm25, pm10, so2, no2, co, o3`` (hourly
values); they are aggregated to days by
:func:`qclib.air.validity.daily_from_hourly`.  A daily ``date`` column whose
values carry a time of day is read as hourly.

Column names are matched after normalisation (case, spaces, ``_ - . ·``,
unit suffixes in brackets and subscript digits are ignored), so ``PM2.5``,
``PM2_5``, ``pm2.5``, ``PM₂.₅ (μg/m³)`` all mean ``pm25``; Chinese names are
listed in :data:`COLUMN_ALIASES`.  Columns that qclib recomputes (AQI, quality
level, primary pollutant: :data:`IGNORED_COLUMNS`) are ignored.  Any other
column is refused with the list of accepted names.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from qclib.air.annual import annual_air_quality, to_observations
from qclib.air.flags import SENTINELS, resolve_duplicates
from qclib.air.validity import daily_from_hourly, group_codes
from qclib.atomic import atomic_path
from qclib.cells import neutralise
from qclib.constants import ENTITIES
from qclib.data import registry
from qclib.exceptions import DataValidationError, Issue

#: Canonical column -> accepted names (matched after :func:`normalize_column_name`).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "city": ("city", "city_id", "cityname", "city_name", "城市", "城市名称", "城市名", "地区", "市"),
    "date": ("date", "day", "日期", "监测日期"),
    "datetime": ("datetime", "time", "timestamp", "时间", "监测时间", "日期时间"),
    "hour": ("hour", "小时", "时"),
    "pm25": ("pm25", "pm2.5", "pm2_5", "细颗粒物"),
    "pm10": ("pm10", "可吸入颗粒物"),
    "so2": ("so2", "二氧化硫"),
    "no2": ("no2", "二氧化氮"),
    "co": ("co", "一氧化碳"),
    "o3_8h": (
        "o3_8h",
        "o3-8h",
        "o3_8h_max",
        "o3_8h_24h",
        "臭氧8小时",
        "臭氧日最大8小时",
        "臭氧日最大8小时平均",
        "臭氧8小时滑动平均",
        "臭氧最大8小时",
        "臭氧最大8小时平均",
    ),
    "o3_1h": (
        "o3_1h",
        "o3_1h_max",
        "o3_max_1h",
        "o3_24h",
        "臭氧1小时",
        "臭氧日最大1小时",
        "臭氧最大1小时",
        "臭氧日最大1小时平均",
    ),
    "o3": ("o3", "臭氧"),
}

#: Columns qclib recomputes itself; present in many published files, ignored.
IGNORED_COLUMNS: tuple[str, ...] = (
    "aqi",
    "空气质量指数",
    "质量等级",
    "空气质量等级",
    "等级",
    "级别",
    "类别",
    "空气质量类别",
    "首要污染物",
    "primary_pollutant",
    "quality",
    "level",
    "排名",
    "rank",
)

#: Cell texts read as "missing".
MISSING_TOKENS: frozenset[str] = frozenset({"", "-", "--", "—", "/", "na", "n/a", "nan", "null", "none", "无", "缺测"})

#: Chinese names of the plan cities -> entity ids ("市" suffix optional).
CITY_IDS: dict[str, str] = {"郑州": "zhengzhou", "新乡": "xinxiang", "株洲": "zhuzhou", "秦皇岛": "qinhuangdao"}

_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")

#: Unit each pollutant is assumed to be in when neither the header nor the
#: caller declares one (GB 3095-2012 Table 1 units).
DEFAULT_UNITS: dict[str, str] = {
    "pm25": "ug/m3",
    "pm10": "ug/m3",
    "so2": "ug/m3",
    "no2": "ug/m3",
    "co": "mg/m3",
    "o3_8h": "ug/m3",
    "o3_1h": "ug/m3",
    "o3": "ug/m3",
}

#: Plausibility bounds on the **median of the positive values** of a column, in
#: the unit it is read in.  Outside them the column is refused, never converted:
#: CO in mg/m3 with a median above 20 is almost surely ug/m3 (urban CO medians
#: are 0.3-3 mg/m3); a median of CO in ug/m3 below 20 is almost surely mg/m3;
#: PM/NO2/O3 medians below 1 ug/m3 (SO2 below 0.5) are almost surely mg/m3.
PLAUSIBLE_MEDIAN: dict[str, tuple[float, float]] = {
    "co": (0.02, 20.0),
    "pm25": (1.0, 2000.0),
    "pm10": (1.0, 3000.0),
    "so2": (0.5, 2000.0),
    "no2": (1.0, 1000.0),
    "o3_8h": (1.0, 1000.0),
    "o3_1h": (1.0, 1500.0),
    "o3": (1.0, 1500.0),
}

_UNIT_FACTORS: dict[tuple[str, str], float] = {
    ("ug/m3", "mg/m3"): 0.001,
    ("mg/m3", "ug/m3"): 1000.0,
}


def parse_unit(text: object) -> str | None:
    """Canonical unit (``"ug/m3"`` / ``"mg/m3"``) named in a text, or None.

    Parameters
    ----------
    text : object
        A header cell (``CO(μg/m³)``, ``CO_mg``) or a declared unit (``ug/m3``).

    Returns
    -------
    str or None

    Examples
    --------
    >>> [parse_unit(x) for x in ["CO(μg/m³)", "CO_mg", "co（mg/m3）", "ug/m3", "PM2.5", "µg"]]
    ['ug/m3', 'mg/m3', 'mg/m3', 'ug/m3', None, 'ug/m3']
    """
    s = str(text).strip().lower()
    m = re.search(r"[(（\[【](.*?)[)）\]】]", s)
    part = m.group(1) if m else s
    if not m:
        tail = re.search(r"[_\s-](ug|μg|µg|mg)(/m3|/m³)?$", s)
        if tail:
            part = tail.group(1)
        elif not re.fullmatch(r"(ug|μg|µg|mg)(/m3|/m³)?", s):
            return None
    part = part.replace("³", "3").replace(" ", "")
    if re.match(r"(ug|μg|µg|微克)", part):
        return "ug/m3"
    if re.match(r"(mg|毫克)", part):
        return "mg/m3"
    return None


def _header_key(col: object) -> str:
    """Header with a trailing ``_mg`` / ``_ug`` unit suffix removed."""
    return re.sub(r"(?i)[_\s-](ug|μg|µg|mg)(/m3|/m³)?$", "", str(col).strip())


def normalize_column_name(name: object) -> str:
    """Normalise a header for matching.

    Lower case; subscript digits to digits; bracketed unit suffixes removed
    (``(μg/m³)``, ``（mg/m3）``, ``[ug/m3]``); spaces and ``_ - . · /`` removed.

    Parameters
    ----------
    name : object
        A header cell.

    Returns
    -------
    str

    Examples
    --------
    >>> [normalize_column_name(x) for x in ["PM2.5", "PM2_5", "PM₂.₅ (μg/m³)", "O3-8h", "臭氧8小时（μg/m3）"]]
    ['pm25', 'pm25', 'pm25', 'o38h', '臭氧8小时']
    """
    s = str(name).strip().lower().translate(_SUBSCRIPTS)
    s = re.sub(r"[(（\[【].*?[)）\]】]", "", s)
    return re.sub(r"[\s_\-.·/]+", "", s)


_ALIAS_INDEX: dict[str, str] = {
    normalize_column_name(a): canon for canon, names in COLUMN_ALIASES.items() for a in names
}
_IGNORED_INDEX: frozenset[str] = frozenset(normalize_column_name(a) for a in IGNORED_COLUMNS)


def accepted_column_names() -> str:
    """Human-readable list of the accepted column names (for error messages).

    Returns
    -------
    str

    Examples
    --------
    >>> accepted_column_names().startswith("city (city, city_id")
    True
    """
    return "; ".join(f"{c} ({', '.join(n)})" for c, n in COLUMN_ALIASES.items())


def city_id(name: object) -> str:
    """Entity id of a city name: registry names mapped, others slugified.

    A name of the registry of divisions (:func:`qclib.data.registry.matches`: 郑州/郑州市,
    洛阳市, 410100, an id in any case) -> its id; any other name is kept as given,
    slugified: stripped, a trailing ``市`` dropped, lower case, runs of non-word
    characters -> ``_`` (observation validation then refuses it, naming the closest).

    Parameters
    ----------
    name : object
        City name or id as read.

    Returns
    -------
    str

    Examples
    --------
    >>> [city_id(x) for x in ["郑州市", "秦皇岛", "Zhengzhou", "洛阳市", "Xi'an City"]]
    ['zhengzhou', 'qinhuangdao', 'zhengzhou', 'luoyang', 'xi_an_city']
    """
    s = str(name).strip()
    ids = registry.matches(s)
    if len(ids) == 1:
        return ids[0]
    base = s[:-1] if s.endswith("市") and len(s) > 1 else s
    if base in CITY_IDS:
        return CITY_IDS[base]
    low = base.lower()
    if low in ENTITIES:
        return low
    return re.sub(r"[^\w]+", "_", low).strip("_")


def _unreadable(path: Path, why: str, what: str) -> DataValidationError:
    return DataValidationError([Issue(str(path), None, "", path.name, why, what)])


def _read_table(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if path.is_dir():
        raise _unreadable(path, "is a folder, not a file", "a CSV or Excel file")
    if suffix in (".xlsx", ".xlsm", ".xls"):
        try:
            table = pd.read_excel(path, sheet_name=0, dtype=object)
        except ImportError as exc:
            raise _unreadable(
                path, f"cannot read this Excel format ({exc.__class__.__name__}: {exc})", "save it as .xlsx or CSV"
            ) from None
        except Exception as exc:  # corrupt workbooks raise zipfile/xml/ValueError errors
            raise _unreadable(
                path, f"not a readable Excel workbook ({exc.__class__.__name__}: {exc})", "a valid .xlsx or a CSV"
            ) from None
        if table.empty:
            raise _unreadable(path, "the first sheet has no data rows", "a header line and data rows")
        return table
    last: Exception | None = None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc)
        except UnicodeDecodeError as exc:
            last = exc
            continue
        except pd.errors.EmptyDataError:
            raise _unreadable(path, "the file is empty", "a header line and data rows") from None
        except pd.errors.ParserError as exc:
            raise _unreadable(
                path, f"malformed CSV, rows of unequal length ({exc})", "the same number of fields on every row"
            ) from None
        if table.empty:
            raise _unreadable(path, "the file has a header but no data rows", "a header line and data rows")
        return table
    raise DataValidationError(
        [
            Issue(
                str(path),
                None,
                "",
                "",
                f"cannot decode the file ({last})",
                "UTF-8 or GB18030 CSV, or an Excel workbook",
            )
        ]
    )


def _cell_text(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _parse_numbers(raw: pd.Series, fname: str, column: str, rows: np.ndarray, issues: list[Issue]) -> np.ndarray:
    text = raw.map(_cell_text)
    missing = text.str.lower().isin(MISSING_TOKENS).to_numpy()
    num = pd.to_numeric(text.where(~missing, None), errors="coerce").to_numpy(dtype=float)
    bad = ~missing & ~np.isfinite(num)
    for i in np.flatnonzero(bad)[:200]:
        issues.append(
            Issue(
                fname, int(rows[i]), column, raw.iloc[i], "not a number", "a number, or empty / '-' / 'NA' for missing"
            )
        )
    return num


def _parse_times(raw: pd.Series, fname: str, column: str, rows: np.ndarray, issues: list[Issue]) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(raw):
        parsed = pd.to_datetime(raw)
        bad = parsed.isna().to_numpy()
    else:
        text = raw.map(_cell_text)
        norm = text.str.replace(r"[年月]", "-", regex=True).str.replace("日", "", regex=False)
        parsed = pd.to_datetime(norm, format="mixed", errors="coerce")
        bad = (parsed.isna() & (text != "")).to_numpy() | (text == "").to_numpy()
    for i in np.flatnonzero(bad)[:200]:
        issues.append(
            Issue(
                fname,
                int(rows[i]),
                column,
                raw.iloc[i],
                "not a date",
                "a date such as 2021-03-01, 2021/3/1, 20210301 or 2021年3月1日",
            )
        )
    return parsed


def read_monitoring_file(path: str | os.PathLike, *, units: dict[str, str] | None = None) -> tuple[str, pd.DataFrame]:
    """Read one daily or hourly monitoring file into canonical columns.

    Parameters
    ----------
    path : str or path-like
        CSV or Excel file.
    units : dict, optional
        Declared unit per pollutant (``{"co": "ug/m3"}``), used when the header
        names no unit.  Values are converted to the standard's unit (CO mg/m3,
        the rest ug/m3) only when a unit is declared (header or here).  A
        column whose median is implausible for its unit
        (:data:`PLAUSIBLE_MEDIAN`) is refused.

    Returns
    -------
    kind : str
        ``"daily"`` or ``"hourly"``.
    frame : pandas.DataFrame
        Canonical columns (``city``, ``date`` or ``datetime``, pollutant
        columns as float) plus ``_file`` and ``_row`` (spreadsheet row, header
        = row 1).  City names are mapped by :func:`city_id`.

    Raises
    ------
    DataValidationError
        Unknown or duplicated columns, missing ``city``/date columns,
        unparseable dates, text in numeric columns -- every problem with file,
        row, column and value.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "d.csv"
    >>> _ = p.write_text("城市,日期,PM2.5,O3-8h\\n郑州市,2021-01-01,80,-\\n", encoding="utf-8")
    >>> kind, f = read_monitoring_file(p)
    >>> kind, f[["city", "date", "pm25", "o3_8h", "_row"]].to_dict("records")
    ('daily', [{'city': 'zhengzhou', 'date': Timestamp('2021-01-01 00:00:00'), 'pm25': 80.0, 'o3_8h': nan, '_row': 2}])
    """
    path = Path(path)
    fname = path.name
    if not path.exists():
        raise DataValidationError([Issue(str(path), None, "", str(path), "file not found", "an existing file")])
    raw = _read_table(path)
    mapping = _map_columns(raw, fname)
    issues: list[Issue] = []
    df = raw.rename(columns=mapping)[list(mapping.values())]
    canon = set(df.columns)
    rows = np.arange(len(df)) + 2
    if "city" not in canon:
        issues.append(Issue(fname, 1, "city", "", "no city column", "one of: " + ", ".join(COLUMN_ALIASES["city"])))
    if not canon & {"date", "datetime"}:
        issues.append(
            Issue(
                fname,
                1,
                "date",
                "",
                "no date column",
                "one of: " + ", ".join(COLUMN_ALIASES["date"] + COLUMN_ALIASES["datetime"]),
            )
        )
    if issues:
        raise DataValidationError(issues)
    out = pd.DataFrame({"_file": fname, "_row": rows})
    city_text = df["city"].map(_cell_text)
    for i in np.flatnonzero((city_text == "").to_numpy())[:200]:
        issues.append(Issue(fname, int(rows[i]), "city", "", "empty city", "a city name or id"))
    out["city"] = city_text.map(city_id).to_numpy()
    times, hourly = _times(df, canon, fname, rows, issues)
    _check_o3_columns(hourly, canon, fname, issues)
    pollutants = [c for c in ("pm25", "pm10", "so2", "no2", "co", "o3_8h", "o3_1h", "o3") if c in canon]
    if not pollutants:
        issues.append(Issue(fname, 1, "", "", "no pollutant column", "at least one of pm25, pm10, so2, no2, co, o3_8h"))
    header_of = {v: k for k, v in mapping.items()}
    declared = {str(k).strip().lower(): v for k, v in (units or {}).items()}
    for c in pollutants:
        values = _parse_numbers(df[c], fname, c, rows, issues)
        header = header_of[c]
        unit = parse_unit(header) or declared.get(c) or declared.get("o3" if c.startswith("o3") else c)
        out[c] = _check_unit(values, c, header, unit, fname, issues)
    if issues:
        raise DataValidationError(issues)
    if hourly:
        out["datetime"] = times.dt.floor("h").to_numpy()
        return "hourly", out
    out["date"] = times.dt.normalize().to_numpy()
    return "daily", out


def _map_columns(raw: pd.DataFrame, fname: str) -> dict[str, str]:
    """Header -> canonical column (ignored columns left out); unknown or doubled columns are refused."""
    issues: list[Issue] = []
    mapping: dict[str, str] = {}
    for col in raw.columns:
        key = normalize_column_name(_header_key(col))
        if key in _IGNORED_INDEX:
            continue
        canon = _ALIAS_INDEX.get(key)
        if canon is None:
            issues.append(Issue(fname, 1, str(col), str(col), "unknown column", accepted_column_names()))
            continue
        if canon in mapping.values():
            other = next(k for k, v in mapping.items() if v == canon)
            issues.append(
                Issue(
                    fname,
                    1,
                    str(col),
                    str(col),
                    f"column means the same as '{other}' ({canon})",
                    "one column per quantity",
                )
            )
            continue
        mapping[str(col)] = canon
    if issues:
        raise DataValidationError(issues)
    return mapping


def _times(
    df: pd.DataFrame, canon: set[str], fname: str, rows: np.ndarray, issues: list[Issue]
) -> tuple[pd.Series, bool]:
    """Timestamps of the rows and whether the file is hourly (an hour column, or times of day)."""
    tcol = "datetime" if "datetime" in canon else "date"
    if {"date", "datetime"} <= canon:
        # separate date and time-of-day columns (日期 + 时间): combine them; a
        # time column holding full timestamps is refused (two date columns)
        tod = df["datetime"].map(_cell_text)
        is_tod = tod.str.fullmatch(r"\d{1,2}(:\d{2}){0,2}")
        for i in np.flatnonzero(~is_tod.to_numpy())[:200]:
            issues.append(
                Issue(
                    fname,
                    int(rows[i]),
                    "datetime",
                    df["datetime"].iloc[i],
                    "expected a time of day beside the date column",
                    "hh:mm or hh:mm:ss",
                )
            )
        dates = _parse_times(df["date"], fname, "date", rows, issues).dt.normalize()
        times = dates + pd.to_timedelta(
            tod.where(is_tod, "0").map(lambda t: ":".join((t.split(":") + ["00", "00"])[:3])), errors="coerce"
        ).fillna(pd.Timedelta(0))
    else:
        times = _parse_times(df[tcol], fname, tcol, rows, issues)
    # Hourly when an hour column exists or any timestamp has a time of day
    # (whatever the column is called); otherwise daily.
    hourly = "hour" in canon
    if "hour" in canon:
        hours = _parse_numbers(df["hour"], fname, "hour", rows, issues)
        bad = np.isfinite(hours) & ((hours < 0) | (hours > 23) | (hours != np.round(hours)))
        for i in np.flatnonzero(bad | ~np.isfinite(hours))[:200]:
            issues.append(
                Issue(
                    fname,
                    int(rows[i]),
                    "hour",
                    df["hour"].iloc[i],
                    "hour out of range",
                    "an integer 0-23 (the hour starting at hh:00)",
                )
            )
        times = times.dt.normalize() + pd.to_timedelta(np.nan_to_num(hours), unit="h")
    elif times.notna().any():
        hourly = bool((times.dropna() != times.dropna().dt.normalize()).any())
    return times, hourly


def _check_o3_columns(hourly: bool, canon: set[str], fname: str, issues: list[Issue]) -> None:
    """Hourly files give hourly O3; a daily file must say which daily O3 statistic it holds."""
    if hourly and "o3_8h" in canon:
        issues.append(
            Issue(
                fname,
                1,
                "o3_8h",
                "o3_8h",
                "hourly files give hourly O3; qclib computes the 8-h means",
                "o3 (hourly O3)",
            )
        )
    if not hourly and "o3" in canon:
        issues.append(
            Issue(
                fname,
                1,
                "o3",
                "o3",
                "ambiguous O3 column in a daily file",
                "o3_8h (daily maximum 8-h mean) or o3_1h (daily maximum 1-h value)",
            )
        )


def _check_unit(
    values: np.ndarray, column: str, header: str, unit: str | None, fname: str, issues: list[Issue]
) -> np.ndarray:
    """Plausibility check of a column's magnitude, then conversion of a declared unit."""
    target = DEFAULT_UNITS[column]
    given = unit or target
    if given not in ("ug/m3", "mg/m3"):
        issues.append(Issue(fname, 1, header, unit, "unknown unit", "ug/m3 or mg/m3"))
        return values
    pos = values[np.isfinite(values) & (values > 0) & ~np.isin(values, SENTINELS)]
    if len(pos):
        lo, hi = PLAUSIBLE_MEDIAN[column]
        factor = _UNIT_FACTORS.get((given, target), 1.0)
        med = float(np.median(pos)) * factor
        if not lo <= med <= hi:
            other = "ug/m3" if given == "mg/m3" else "mg/m3"
            key = "o3" if column.startswith("o3") else column
            how = "declared" if unit else "assumed (no unit in the header)"
            issues.append(
                Issue(
                    fname,
                    None,
                    header,
                    f"median {float(np.median(pos)):.4g}, max {float(pos.max()):.4g}",
                    f"values implausible for {column.upper()} in {given} ({how}); they look like {other}. "
                    "Nothing was converted",
                    f"declare the unit: --unit {key}={other} (or a header such as {header.split('(')[0]}({other})), "
                    "or correct the file",
                )
            )
            return values
    return values * _UNIT_FACTORS.get((given, target), 1.0)


def read_daily(
    paths: Sequence[str | os.PathLike] | str | os.PathLike, *, units: dict[str, str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read monitoring files and return one daily table.

    Hourly files are aggregated with
    :func:`~qclib.air.validity.daily_from_hourly` after their duplicates are
    resolved and their negative values and replacement codes set missing
    (counted in the second return value).

    Parameters
    ----------
    paths : path or sequence of paths
        CSV/Excel files, daily or hourly.
    units : dict, optional
        Declared units per pollutant (see :func:`read_monitoring_file`).

    Returns
    -------
    daily : pandas.DataFrame
        ``city``, ``date``, pollutant columns, ``_file``, ``_row``.
    hourly_flags : pandas.DataFrame
        ``city, year, pollutant, n_negative, n_sentinel, n_duplicate_dates``
        counted on hourly values (empty without hourly input).

    Raises
    ------
    DataValidationError
        Problems of every file, collected before raising.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "h.csv"
    >>> lines = ["city,datetime,pm25"] + [f"x,2021-01-01 {h:02d}:00,10" for h in range(24)]
    >>> _ = p.write_text("\\n".join(lines), encoding="utf-8")
    >>> daily, _ = read_daily(p)
    >>> daily[["city", "date", "pm25"]].to_dict("records")
    [{'city': 'x', 'date': Timestamp('2021-01-01 00:00:00'), 'pm25': 10.0}]
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    issues: list[Issue] = []
    daily_parts, hourly_parts = [], []
    for p in paths:
        try:
            kind, frame = read_monitoring_file(p, units=units)
        except DataValidationError as exc:
            issues.extend(exc.issues)
            continue
        (hourly_parts if kind == "hourly" else daily_parts).append(frame)
    if issues:
        raise DataValidationError(issues)
    hourly_flags = pd.DataFrame(columns=["city", "year", "pollutant", "n_negative", "n_sentinel"])
    if hourly_parts:
        h = pd.concat(hourly_parts, ignore_index=True)
        h, removed = resolve_duplicates(h, key=("city", "datetime"))
        hourly_flags, h = _hourly_flags(h)
        if len(removed):
            dup = removed.rename("n_duplicate_hours").reset_index()
            hourly_flags = hourly_flags.merge(dup, on=["city", "year"], how="left")
        d = daily_from_hourly(h)
        d = d[[c for c in d.columns if not c.startswith("hours_") and c != "o3_8h_windows"]]
        d["_file"] = ", ".join(sorted(set(h["_file"])))
        d["_row"] = np.nan
        daily_parts.append(d)
    daily = pd.concat(daily_parts, ignore_index=True) if daily_parts else pd.DataFrame(columns=["city", "date"])
    return daily, hourly_flags


def _hourly_flags(h: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    h = h.copy()
    year = pd.to_datetime(h["datetime"]).dt.year.to_numpy()
    codes, keys = group_codes(pd.DataFrame({"city": h["city"].to_numpy(), "year": year}))
    frames = []
    for p in ("pm25", "pm10", "so2", "no2", "co", "o3"):
        if p not in h.columns:
            continue
        v = h[p].to_numpy(dtype=float)
        sent = np.isin(v, SENTINELS)
        neg = np.isfinite(v) & (v < 0) & ~sent
        f = keys.copy()
        f["pollutant"] = "o3_8h" if p == "o3" else p
        f["n_negative"] = np.bincount(codes[neg], minlength=len(keys))
        f["n_sentinel"] = np.bincount(codes[sent], minlength=len(keys))
        frames.append(f)
        h[p] = np.where(sent | neg, np.nan, v)
    return pd.concat(frames, ignore_index=True), h


def annual_statistics_from_files(
    paths: Sequence[str | os.PathLike] | str | os.PathLike,
    *,
    standard: str | int | None = None,
    exclude_invalid: bool = False,
    units: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Annual air-quality statistics of monitoring files, in the observation format.

    Reads the files (:func:`read_daily`), runs
    :func:`qclib.air.annual.annual_air_quality` and converts with
    :func:`qclib.air.annual.to_observations` (``source`` = the file names).

    Parameters
    ----------
    paths : path or sequence of paths
        Daily or hourly CSV/Excel files.
    standard : str, int or None
        ``"2012"``, ``"2026"`` (raises: unconfirmed) or ``None`` (per-year default).
    exclude_invalid : bool
        Leave out statistics of city-years that fail the validity rules.
    units : dict, optional
        Declared units per pollutant, e.g. ``{"co": "ug/m3"}``.

    Returns
    -------
    stats : pandas.DataFrame
        Observation rows (``data/raw/README.md`` columns, basis ``computed``).
    quality : pandas.DataFrame
        Validity counts and data-quality flags per city, year and pollutant,
        with a ``source`` column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "d.csv"
    >>> _ = p.write_text("city,date,pm25\\n新乡,2021-01-01,40\\n", encoding="utf-8")
    >>> stats, quality = annual_statistics_from_files([p])
    >>> stats.loc[stats.indicator_id == "pm25_annual_mean", ["city", "value", "note"]].to_dict("records")
    [{'city': 'xinxiang', 'value': 40.0, 'note': 'NOT VALID (GB 3095-2012 data validity not met); unrounded 40'}]
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    daily, hourly_flags = read_daily(paths, units=units)
    stats, quality = annual_air_quality(daily, standard=standard)
    if len(hourly_flags):
        hf = hourly_flags.groupby(["city", "year", "pollutant"], as_index=False).sum(numeric_only=True)
        quality = quality.merge(hf, on=["city", "year", "pollutant"], how="left", suffixes=("", "_hourly"))
        for c in ("n_negative", "n_sentinel"):
            quality[c] = quality[c] + quality.pop(f"{c}_hourly").fillna(0).astype(int)
        if "n_duplicate_hours" in quality.columns:
            quality["n_duplicate_hours"] = quality["n_duplicate_hours"].fillna(0).astype(int)
    source = ", ".join(Path(p).name for p in paths)
    quality.insert(len(quality.columns), "source", source)
    return to_observations(stats, source=source, exclude_invalid=exclude_invalid), quality


def write_csv_atomic(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a CSV atomically (via :func:`qclib.atomic.atomic_path`).

    Parameters
    ----------
    frame : pandas.DataFrame
        Table to write (UTF-8, no index).
    path : str or path-like
        Destination; parent folders are created.

    Returns
    -------
    pathlib.Path
        The destination.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = write_csv_atomic(pd.DataFrame({"a": [1]}), pathlib.Path(tempfile.mkdtemp()) / "x" / "a.csv")
    >>> out.read_text()
    'a\\n1\\n'
    """
    with atomic_path(path) as tmp:
        neutralise(frame).to_csv(tmp, index=False, encoding="utf-8")  # no cell from data becomes a formula
    return Path(path)


def quality_path_for(out: str | os.PathLike) -> Path:
    """Path of the validity/flags table written next to a statistics file.

    Parameters
    ----------
    out : str or path-like
        Statistics CSV path.

    Returns
    -------
    pathlib.Path
        ``<stem>_quality.csv`` in the same folder.

    Examples
    --------
    >>> quality_path_for("data/processed/air_annual.csv").name
    'air_annual_quality.csv'
    """
    out = Path(out)
    return out.with_name(f"{out.stem}_quality.csv")


def iter_accepted_names() -> Iterable[tuple[str, str]]:
    """(accepted name, canonical column) pairs, for documentation tables.

    Returns
    -------
    iterable of (str, str)

    Examples
    --------
    >>> ("细颗粒物", "pm25") in list(iter_accepted_names())
    True
    """
    for canon, names in COLUMN_ALIASES.items():
        for n in names:
            yield n, canon
