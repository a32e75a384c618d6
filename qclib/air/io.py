"""Reading monitoring files and writing results (the I/O edge of :mod:`qclib.air`).

Input files are CSV (UTF-8 or GB18030) or Excel (first sheet), one header
line; folders stand for the CSV/Excel files in them (:func:`expand_inputs`).

Daily files: ``city, date`` plus any of ``pm25, pm10, so2, no2, co, o3_8h``
(daily means; O3 as the daily maximum 8-h mean; CO in mg/m3, the rest in ug/m3)
and optionally ``o3_1h`` (daily maximum 1-h O3).

Hourly files: ``city`` and a time (``datetime``; ``date, hour`` with hour 0-23
= the hour starting at hh:00; ``year, month, day, hour``; ``date`` + a
time-of-day column; Excel serials -- :mod:`qclib.air.parsing`, one date format
per file, ``dayfirst`` for dd/mm orders) plus any of ``pm25, pm10, so2, no2,
co, o3`` (hourly values); they are aggregated to days by
:func:`qclib.air.validity.daily_from_hourly`.  A daily ``date`` column whose
values carry a time of day is read as hourly.

Files without a city column take ``city=`` (``--city``).  Station tables (a
``station`` column, or ``file_is_station``) become city values by
:mod:`qclib.air.stations`.  The national hourly release format (``date, hour,
type``, one column per city or station code) is read by :mod:`qclib.air.cnemc`.

Column names are matched after normalisation (case, spaces, ``_ - . ·``,
unit suffixes in brackets and subscript digits are ignored), so ``PM2.5``,
``PM2_5``, ``pm2.5``, ``PM₂.₅ (μg/m³)`` all mean ``pm25``; Chinese names are
listed in :data:`qclib.air.columns.COLUMN_ALIASES`.  Columns that qclib recomputes (AQI, quality
level, primary pollutant: :data:`~qclib.air.columns.IGNORED_COLUMNS`) and columns that are not
pollutants (weather, row numbers: :data:`~qclib.air.columns.NON_POLLUTANT_COLUMNS`) are ignored
and listed.  Any other column is refused with the list of accepted names --
with a specific message when it looks like a pollutant qclib does not evaluate.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from qclib.air import cnemc
from qclib.air.annual import annual_air_quality, to_observations
from qclib.air.columns import (
    ALIAS_INDEX,
    COLUMN_ALIASES,
    city_id,
    header_key,
    map_columns,
    normalize_column_name,
)
from qclib.air.flags import SENTINELS, resolve_duplicates
from qclib.air.parsing import cell_text, dates_from_parts, hours_of, parse_datetimes, parse_numbers, seconds_of_day
from qclib.air.stations import (
    DAILY_O3_NOTE,
    city_daily_from_station_daily,
    city_daily_from_station_hourly,
    station_summary,
)
from qclib.air.units import check_unit, parse_unit
from qclib.air.validity import daily_from_hourly, group_codes
from qclib.atomic import atomic_path
from qclib.cells import neutralise
from qclib.exceptions import DataValidationError, Issue


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


#: Options of :func:`read_monitoring_file` that say how to read a file.
READ_OPTIONS: tuple[str, ...] = ("units", "city", "dayfirst", "file_is_station", "station_cities")


def read_monitoring_file(
    path: str | os.PathLike,
    *,
    units: dict[str, str] | None = None,
    city: str | None = None,
    dayfirst: bool | None = None,
    file_is_station: bool = False,
    station_cities: dict[str, str] | None = None,
) -> tuple[str, pd.DataFrame]:
    """Read one daily or hourly monitoring file into canonical columns.

    Layouts: city-level or station-level tables (module docstring), and the
    national hourly release format (:mod:`qclib.air.cnemc`).  Time columns as
    in :mod:`qclib.air.parsing`: one format per file.

    Parameters
    ----------
    path : str or path-like
        CSV or Excel file.
    units : dict, optional
        Declared unit per pollutant (``{"co": "ug/m3"}``), used when the header
        names no unit.  Values are converted to the standard's unit (CO mg/m3,
        the rest ug/m3) only when a unit is declared (header or here).  A
        column whose median is implausible for its unit
        (:data:`qclib.air.units.PLAUSIBLE_MEDIAN`) is refused.
    city : str, optional
        City of a file without a city column (``--city``); a file with a city
        column keeps its own.
    dayfirst : bool or None
        Day/month order of ambiguous dates (``None``: refuse them).
    file_is_station : bool
        A file without a station column is one station, named after the file.
    station_cities : dict, optional
        Station code -> city, for release files with station-code columns.

    Returns
    -------
    kind : str
        ``"daily"`` or ``"hourly"``.
    frame : pandas.DataFrame
        Canonical columns (``city``, optional ``station``, ``date`` or
        ``datetime``, pollutant columns as float) plus ``_file`` and ``_row``
        (spreadsheet row, header = row 1).  City names are mapped by
        :func:`city_id`.  ``frame.attrs["ignored"]`` lists the ignored columns
        (or release ``type`` values), ``frame.attrs["ignored_why"]`` says what and why.

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
    issues: list[Issue] = []
    if cnemc.is_release_header([normalize_column_name(c) for c in raw.columns]):
        out, ignored = cnemc.read_release(raw, fname, issues, station_cities=station_cities)
        if issues:
            raise DataValidationError(issues)
        out["city"] = _city_ids(out["city"])
        kind, why = "hourly", "ignored release rows of type (derived values, recomputed by qclib)"
        header_of = {c: c for c in out.columns}
    else:
        mapping, ignored = map_columns(raw, fname)
        df = raw.rename(columns=mapping)[list(mapping.values())]
        out, kind = _table_rows(df, fname, issues, city=city, dayfirst=dayfirst)
        if "station" not in out.columns and file_is_station:
            out["station"] = path.stem
        header_of = {v: k for k, v in mapping.items()}
        why = "ignored columns (not pollutants, or recomputed by qclib)"
    _check_pollutants(out, kind, header_of, units, fname, issues)
    if issues:
        raise DataValidationError(issues)
    out.attrs["ignored"] = ignored
    out.attrs["ignored_why"] = why
    return kind, out


def _table_rows(
    df: pd.DataFrame, fname: str, issues: list[Issue], *, city: str | None, dayfirst: bool | None
) -> tuple[pd.DataFrame, str]:
    """City, station and time of each row of a (renamed) table; pollutant columns copied as read."""
    canon = set(df.columns)
    rows = np.arange(len(df)) + 2
    if "city" not in canon and not city:
        issues.append(
            Issue(
                fname,
                1,
                "city",
                "",
                "no city column",
                "a city column (" + ", ".join(COLUMN_ALIASES["city"]) + "), or --city NAME for the whole file",
            )
        )
    if not canon & {"date", "datetime"} and not {"year", "month", "day"} <= canon:
        issues.append(
            Issue(
                fname,
                1,
                "date",
                "",
                "no date column",
                "one of: " + ", ".join(COLUMN_ALIASES["date"] + COLUMN_ALIASES["datetime"]) + "; or year, month, day",
            )
        )
    if issues:
        raise DataValidationError(issues)
    out = pd.DataFrame({"_file": fname, "_row": rows})
    out["city"] = _city_ids(_names(df["city"], fname, "city", rows, issues)) if "city" in canon else city_id(city)
    if "station" in canon:
        out["station"] = _names(df["station"], fname, "station", rows, issues).to_numpy()
    times, hourly = _times(df, canon, fname, rows, issues, dayfirst)
    _check_o3_columns(hourly, canon, fname, issues)
    for c in POLLUTANT_COLUMNS:
        if c in canon:
            out[c] = df[c].to_numpy()
    if hourly:
        out["datetime"] = times.dt.floor("h").to_numpy()
        return out, "hourly"
    out["date"] = times.dt.normalize().to_numpy()
    return out, "daily"


def _city_ids(names: pd.Series) -> np.ndarray:
    """:func:`city_id` of each name, looked up once per distinct name."""
    codes, uniq = pd.factorize(names.to_numpy(dtype=object))
    ids = np.array([city_id(u) for u in uniq], dtype=object)
    return ids[codes] if len(ids) else np.array([], dtype=object)


def _names(raw: pd.Series, fname: str, column: str, rows: np.ndarray, issues: list[Issue]) -> pd.Series:
    text = raw.map(cell_text)
    for i in np.flatnonzero((text == "").to_numpy())[:200]:
        issues.append(Issue(fname, int(rows[i]), column, "", f"empty {column}", f"a {column} name or id"))
    return text


#: Pollutant columns in the order they are read.
POLLUTANT_COLUMNS: tuple[str, ...] = ("pm25", "pm10", "so2", "no2", "co", "o3_8h", "o3_1h", "o3")


def _check_pollutants(
    out: pd.DataFrame,
    kind: str,
    header_of: dict[str, str],
    units: dict[str, str] | None,
    fname: str,
    issues: list[Issue],
) -> None:
    """Parse the pollutant columns in place: numbers, then the unit's plausibility and conversion."""
    pollutants = [c for c in POLLUTANT_COLUMNS if c in out.columns]
    if not pollutants:
        issues.append(Issue(fname, 1, "", "", "no pollutant column", "at least one of pm25, pm10, so2, no2, co, o3_8h"))
    declared = {str(k).strip().lower(): v for k, v in (units or {}).items()}
    rows = out["_row"].to_numpy()
    for c in pollutants:
        header = header_of.get(c, c)
        raw = out[c]
        values = (
            raw.to_numpy(float) if pd.api.types.is_float_dtype(raw) else parse_numbers(raw, fname, header, rows, issues)
        )
        unit = parse_unit(header) or declared.get(c) or declared.get("o3" if c.startswith("o3") else c)
        out[c] = check_unit(values, c, header, unit, fname, issues, hourly=kind == "hourly", rows=rows)


def _times(
    df: pd.DataFrame, canon: set[str], fname: str, rows: np.ndarray, issues: list[Issue], dayfirst: bool | None
) -> tuple[pd.Series, bool]:
    """Timestamps of the rows and whether the file is hourly (an hour column, or times of day)."""
    if {"year", "month", "day"} <= canon:
        times = dates_from_parts({k: df[k] for k in ("year", "month", "day")}, fname=fname, rows=rows, issues=issues)
        if "datetime" in canon:  # year, month, day + a time-of-day column
            times = _with_time_of_day(times, df["datetime"], fname, rows, issues)
    elif {"date", "datetime"} <= canon:
        dates = parse_datetimes(df["date"], fname=fname, column="date", rows=rows, issues=issues, dayfirst=dayfirst)
        times = _with_time_of_day(dates, df["datetime"], fname, rows, issues)
    else:
        tcol = "datetime" if "datetime" in canon else "date"
        times = parse_datetimes(df[tcol], fname=fname, column=tcol, rows=rows, issues=issues, dayfirst=dayfirst)
    # Hourly when an hour column exists or any timestamp has a time of day
    # (whatever the column is called); otherwise daily.
    if "hour" in canon:
        hours = hours_of(df["hour"], fname=fname, rows=rows, issues=issues)
        return times.dt.normalize() + pd.to_timedelta(np.nan_to_num(hours), unit="h"), True
    valid = times.dropna()
    return times, bool(len(valid) and (valid != valid.dt.normalize()).any())


def _with_time_of_day(dates: pd.Series, raw: pd.Series, fname: str, rows: np.ndarray, issues: list[Issue]) -> pd.Series:
    """Dates plus a separate time-of-day column (日期 + 时间); a full timestamp as the time is refused."""
    tod = raw.map(cell_text)
    secs, bad = seconds_of_day(tod.where(tod.str.fullmatch(r"\d{1,2}(:\d{2}){0,2}"), "x"))
    for i in np.flatnonzero(bad)[:200]:
        issues.append(
            Issue(
                fname,
                int(rows[i]),
                "datetime",
                raw.iloc[i],
                "expected a time of day (00:00-23:59) beside the date column(s)",
                "hh:mm or hh:mm:ss, hours 0-23",
            )
        )
    return dates.dt.normalize() + pd.to_timedelta(np.where(bad, 0, secs), unit="s")


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


#: File suffixes read from a folder given as input.
INPUT_SUFFIXES: tuple[str, ...] = (".csv", ".xlsx", ".xlsm", ".xls")


def expand_inputs(paths: Sequence[str | os.PathLike] | str | os.PathLike) -> list[Path]:
    """Files behind the inputs: a folder stands for its CSV/Excel files (recursively, sorted).

    Parameters
    ----------
    paths : path or sequence of paths
        Files and folders.

    Returns
    -------
    list of pathlib.Path

    Raises
    ------
    DataValidationError
        A folder holding no CSV/Excel file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for n in ("b.csv", "a.xlsx", "notes.txt", ".~lock.csv"):
    ...     _ = (d / n).write_text("x")
    >>> [p.name for p in expand_inputs([d])]
    ['a.xlsx', 'b.csv']
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out: list[Path] = []
    for p in map(Path, paths):
        if not p.is_dir():
            out.append(p)
            continue
        found = sorted(
            f
            for f in p.rglob("*")
            if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES and not f.name.startswith((".", "~$"))
        )
        if not found:
            raise DataValidationError(
                [Issue(str(p), None, "", str(p), "folder without CSV or Excel files", "a folder of .csv/.xlsx files")]
            )
        out.extend(found)
    return out


def read_daily(
    paths: Sequence[str | os.PathLike] | str | os.PathLike,
    *,
    units: dict[str, str] | None = None,
    **options: object,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read monitoring files (and folders) and return one city daily table.

    Hourly files are aggregated with
    :func:`~qclib.air.validity.daily_from_hourly` after their duplicates are
    resolved and their negative values and replacement codes set missing
    (counted in the second return value).  Station-level rows (a ``station``
    column, or ``file_is_station``) become city values by
    :mod:`qclib.air.stations` (HJ 663-2013: validity per station, then the
    mean of the valid stations); the daily table then has ``stations_<p>``
    columns.  A city given both as stations and as city-level rows is refused.

    Parameters
    ----------
    paths : path or sequence of paths
        CSV/Excel files or folders of them, daily or hourly.
    units : dict, optional
        Declared units per pollutant (see :func:`read_monitoring_file`).
    **options
        ``city``, ``dayfirst``, ``file_is_station``, ``station_cities`` of
        :func:`read_monitoring_file`.

    Returns
    -------
    daily : pandas.DataFrame
        ``city``, ``date``, pollutant columns, ``_file``, ``_row`` (and
        ``stations_<p>`` for station data).  ``daily.attrs["notes"]``: lines
        to show the user (ignored columns).
    hourly_flags : pandas.DataFrame
        ``city, year, pollutant, n_negative, n_sentinel`` counted on hourly or
        station values before aggregation (empty without such input).

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
    unknown = set(options) - set(READ_OPTIONS)
    if unknown:
        raise TypeError(f"unknown option(s) {sorted(unknown)}")
    issues: list[Issue] = []
    parts: dict[tuple[str, bool], list[pd.DataFrame]] = {}
    ignored: dict[str, dict[str, int]] = {}  # why -> column -> number of files
    for p in expand_inputs(paths):
        try:
            kind, frame = read_monitoring_file(p, units=units, **options)  # type: ignore[arg-type]
        except DataValidationError as exc:
            issues.extend(exc.issues)
            continue
        seen = ignored.setdefault(str(frame.attrs["ignored_why"]), {"": 0})
        seen[""] += 1  # files of this kind
        for col in frame.attrs.get("ignored", []):
            seen[col] = seen.get(col, 0) + 1
        parts.setdefault((kind, "station" in frame.columns), []).append(frame)
    if issues:
        raise DataValidationError(issues)
    _refuse_mixed_levels(parts)
    daily_parts, flag_parts = [], []
    for (kind, station), frames in sorted(parts.items()):
        d, f = _city_daily(pd.concat(frames, ignore_index=True), kind, station)
        daily_parts.append(d)
        flag_parts.append(f)
    daily = pd.concat(daily_parts, ignore_index=True) if daily_parts else pd.DataFrame(columns=["city", "date"])
    flags = [f for f in flag_parts if len(f)]
    hourly_flags = (
        pd.concat(flags, ignore_index=True)
        if flags
        else pd.DataFrame(columns=["city", "year", "pollutant", "n_negative", "n_sentinel"])
    )
    notes = [_ignored_note(why, counts) for why, counts in ignored.items() if len(counts) > 1]
    if any(set(f.columns) & {"o3_8h", "o3_1h"} for f in parts.get(("daily", True), [])):
        notes.append(DAILY_O3_NOTE)
    daily.attrs["notes"] = notes
    return daily, hourly_flags


def _ignored_note(why: str, counts: dict[str, int]) -> str:
    """One line naming the ignored columns of all files of one kind (``""`` counts the files).

    Examples
    --------
    >>> _ignored_note("ignored columns", {"": 3, "TEMP": 3, "wd": 1})
    'ignored columns: TEMP, wd (1 of 3 files) (in 3 files)'
    """
    n = counts[""]
    cols = [c if k == n else f"{c} ({k} of {n} files)" for c, k in counts.items() if c]
    return f"{why}: {', '.join(cols)}" + (f" (in {n} files)" if n > 1 else "")


def _refuse_mixed_levels(parts: dict[tuple[str, bool], list[pd.DataFrame]]) -> None:
    """A city given both as station rows and as city-level rows could be counted twice: refused."""
    level: dict[str, tuple[bool, str]] = {}
    issues = []
    for (_, station), frames in parts.items():
        for f in frames:
            for city in pd.unique(f["city"]):
                seen = level.setdefault(city, (station, str(f["_file"].iloc[0])))
                if seen[0] != station:
                    a, b = (seen[1], f["_file"].iloc[0]) if seen[0] else (f["_file"].iloc[0], seen[1])
                    issues.append(
                        Issue(
                            str(b),
                            None,
                            "city",
                            city,
                            f"city-level rows for a city that also has station rows (in {a})",
                            "station files only, or city files only, for one city",
                        )
                    )
    if issues:
        raise DataValidationError(issues[:50])


def _city_daily(frame: pd.DataFrame, kind: str, station: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One level of input (daily/hourly x city/station) -> city daily values and the pre-aggregation flags."""
    time = "datetime" if kind == "hourly" else "date"
    key = ("city", "station", time) if station else ("city", time)
    if kind == "daily" and not station:
        return frame, pd.DataFrame()
    frame, removed = resolve_duplicates(frame, key=key)
    flags, frame = _value_flags(frame, time)
    if len(removed):
        dup = removed.rename("n_duplicate_hours" if kind == "hourly" else "n_duplicate_station_days").reset_index()
        flags = flags.merge(dup, on=["city", "year"], how="left")
    if not station:
        d = daily_from_hourly(frame)
        d = d[[c for c in d.columns if not c.startswith("hours_") and c != "o3_8h_windows"]]
    elif kind == "hourly":
        d = city_daily_from_station_hourly(frame)
    else:
        d = city_daily_from_station_daily(frame[["city", "station", "date", *_pollutants(frame)]])
    d["_file"] = _source_label(frame["_file"])
    d["_row"] = np.nan
    if station:
        n_st = frame.groupby(["city", pd.to_datetime(frame[time]).dt.year.rename("year")])["station"].nunique()
        flags = flags.merge(n_st.rename("n_stations").reset_index(), on=["city", "year"], how="left")
    return d, flags


def _pollutants(frame: pd.DataFrame) -> list[str]:
    return [c for c in POLLUTANT_COLUMNS if c in frame.columns]


def _source_label(files: pd.Series | Sequence[str]) -> str:
    """File names joined; more than 5 shown as ``first, …, last (n files)``.

    Examples
    --------
    >>> _source_label(["a.csv"]), _source_label([f"d{i}.csv" for i in range(7)])
    ('a.csv', 'd0.csv, d1.csv, …, d6.csv (7 files)')
    """
    names = sorted(set(map(str, files)))
    if len(names) <= 5:
        return ", ".join(names)
    return f"{names[0]}, {names[1]}, …, {names[-1]} ({len(names)} files)"


def _value_flags(h: pd.DataFrame, time: str = "datetime") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Negatives and replacement codes of hourly or station values: counted, then set missing."""
    h = h.copy()
    year = pd.to_datetime(h[time]).dt.year.to_numpy()
    codes, keys = group_codes(pd.DataFrame({"city": h["city"].to_numpy(), "year": year}))
    frames = []
    for p in _pollutants(h):
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
    **options: object,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Annual air-quality statistics of monitoring files, in the observation format.

    Reads the files (:func:`read_daily`), runs
    :func:`qclib.air.annual.annual_air_quality` and converts with
    :func:`qclib.air.annual.to_observations` (``source`` = the file names).

    Parameters
    ----------
    paths : path or sequence of paths
        Daily or hourly CSV/Excel files, or folders of them.
    standard : str, int or None
        ``"2012"``, ``"2026"`` (raises: unconfirmed) or ``None`` (per-year default).
    exclude_invalid : bool
        Leave out statistics of city-years that fail the validity rules.
    units : dict, optional
        Declared units per pollutant, e.g. ``{"co": "ug/m3"}``.
    **options
        ``city``, ``dayfirst``, ``file_is_station``, ``station_cities``
        (see :func:`read_monitoring_file`).

    Returns
    -------
    stats : pandas.DataFrame
        Observation rows (``data/raw/README.md`` columns, basis ``computed``).
    quality : pandas.DataFrame
        Validity counts and data-quality flags per city, year and pollutant,
        with station counts (``n_stations``, ``stations_min/median/max`` per
        day) for station data and a ``source`` column.
        ``quality.attrs["notes"]``: lines for the user (ignored columns).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "d.csv"
    >>> _ = p.write_text("city,date,pm25\\n新乡,2021-01-01,40\\n", encoding="utf-8")
    >>> stats, quality = annual_statistics_from_files([p])
    >>> stats.loc[stats.indicator_id == "pm25_annual_mean", ["city", "value", "note"]].to_dict("records")
    [{'city': 'xinxiang', 'value': 40.0, 'note': 'NOT VALID (GB 3095-2012 data validity not met); unrounded 40'}]
    """
    result = evaluate_files(paths, standard=standard, exclude_invalid=exclude_invalid, units=units, **options)
    return result.stats, result.quality


@dataclass(frozen=True)
class AirEvaluation:
    """What :func:`evaluate_files` computed.

    Attributes
    ----------
    stats : pandas.DataFrame
        Observation rows (basis ``computed``).
    quality : pandas.DataFrame
        Validity, flags and station counts per city, year and pollutant.
    daily : pandas.DataFrame
        The city daily values the statistics come from (``city, date``,
        pollutants, ``stations_<p>`` for station data: the stations behind
        each day's value).
    notes : tuple of str
        Lines for the user (ignored columns or release rows).
    """

    stats: pd.DataFrame
    quality: pd.DataFrame
    daily: pd.DataFrame
    notes: tuple[str, ...]


def evaluate_files(
    paths: Sequence[str | os.PathLike] | str | os.PathLike,
    *,
    standard: str | int | None = None,
    exclude_invalid: bool = False,
    units: dict[str, str] | None = None,
    **options: object,
) -> AirEvaluation:
    """Statistics, quality table and the city daily values of monitoring files.

    Same steps and parameters as :func:`annual_statistics_from_files`, which
    returns the first two parts of this result.

    Returns
    -------
    AirEvaluation

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = p.write_text("city,station,date,pm25\\nx,a,2021-01-01,40\\nx,b,2021-01-01,20\\n", encoding="utf-8")
    >>> evaluate_files([p]).daily[["city", "date", "pm25", "stations_pm25"]].to_dict("records")
    [{'city': 'x', 'date': Timestamp('2021-01-01 00:00:00'), 'pm25': 30.0, 'stations_pm25': 2}]
    """
    files = expand_inputs(paths)
    daily, hourly_flags = read_daily(files, units=units, **options)
    notes = tuple(daily.attrs.get("notes", []))
    stations = station_summary(daily)
    stats, quality = annual_air_quality(daily, standard=standard)
    if len(hourly_flags):
        hf = hourly_flags.groupby(["city", "year", "pollutant"], as_index=False).sum(numeric_only=True)
        quality = quality.merge(hf, on=["city", "year", "pollutant"], how="left", suffixes=("", "_hourly"))
        for c in ("n_negative", "n_sentinel"):
            quality[c] = quality[c] + quality.pop(f"{c}_hourly").fillna(0).astype(int)
        for c in ("n_duplicate_hours", "n_duplicate_station_days", "n_stations"):
            if c in quality.columns:
                quality[c] = quality.groupby(["city", "year"])[c].transform("max").fillna(0).astype(int)
    if len(stations):
        quality = quality.merge(stations, on=["city", "year", "pollutant"], how="left")
    source = _source_label([p.name for p in files])
    quality.insert(len(quality.columns), "source", source)
    quality.attrs["notes"] = list(notes)
    stats = to_observations(stats, source=source, exclude_invalid=exclude_invalid, quality=quality)
    keep = ["city", "date", *[c for c in daily.columns if c in POLLUTANT_COLUMNS or c.startswith("stations_")]]
    city_daily = daily[keep].sort_values(["city", "date"], kind="mergesort").reset_index(drop=True)
    city_daily.attrs = {}
    return AirEvaluation(stats, quality, city_daily, notes)


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
    with atomic_path(Path(path)) as tmp:
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


def read_station_list(path: str | os.PathLike) -> dict[str, str]:
    """Station code -> city id, from a CSV/Excel list with ``station`` and ``city`` columns.

    Column names are matched like monitoring files (``站点``, ``监测点位``,
    ``城市`` …); other columns are ignored.  A station listed twice with
    different cities is refused.

    Parameters
    ----------
    path : str or path-like
        The list.

    Returns
    -------
    dict

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = p.write_text("监测点位编码,城市\\n1001A,北京\\n1011A,天津市\\n", encoding="utf-8")
    >>> read_station_list(p)
    {'1001A': 'beijing', '1011A': 'tianjin'}
    """
    path = Path(path)
    if not path.exists():
        raise DataValidationError([Issue(str(path), None, "", str(path), "file not found", "an existing file")])
    raw = _read_table(path)
    canon: dict[str, object] = {}
    for col in raw.columns:
        key = normalize_column_name(header_key(col))
        name = ALIAS_INDEX.get(key) or ("station_code" if re.search(r"station|site|点位|站点|编码|code", key) else None)
        if name in ("station", "station_code", "city") and name not in canon:
            canon[name] = col
    if "station_code" in canon:  # release columns are codes: a code column wins over a name column
        canon["station"] = canon.pop("station_code")
    if set(canon) != {"station", "city"}:
        raise _unreadable(path, "a station list needs a station column and a city column", "columns station, city")
    codes = raw[canon["station"]].map(cell_text)
    cities = pd.Series(_city_ids(raw[canon["city"]].map(cell_text)), index=raw.index)
    pairs = pd.DataFrame({"station": codes, "city": cities}).drop_duplicates()
    conflict = pairs.duplicated("station", keep=False)
    issues = [
        Issue(path.name, int(i) + 2, str(canon["station"]), codes.loc[i], "station listed with two cities", "one city")
        for i in conflict.index[conflict.to_numpy()]
    ]
    if issues:
        raise DataValidationError(issues[:50])
    return dict(zip(codes, cities))
