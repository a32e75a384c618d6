"""The national hourly release format (CNEMC city or station files) -> long hourly rows.

Layout, one file per day as most analysts receive the China National
Environmental Monitoring Centre (CNEMC) real-time data: columns ``date``
(``20200101``), ``hour`` (0-23), ``type``, then one column per city
(``北京``, ``天津``, ...) or per station code (``1001A``, ...).  Each row holds
one quantity for one hour; ``type`` names the pollutant and its averaging:

- hourly concentrations, **read**: ``PM2.5, PM10, SO2, NO2, CO, O3``
  (:data:`HOURLY_TYPES`; CO in mg/m3, the others in ug/m3);
- derived values, **ignored and listed** (qclib recomputes them from the
  hourly values): ``PM2.5_24h, PM10_24h, SO2_24h, NO2_24h, CO_24h, O3_24h,
  O3_8h, O3_8h_24h, AQI`` (:data:`DERIVED_TYPES`);
- any other ``type`` is refused.

Station-code columns (four digits and a letter) are stations; they are kept
as ``station`` and need a city per station (``station_cities``), which the
release files do not carry.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from qclib.air.parsing import cell_text, hours_of, parse_datetimes, parse_numbers
from qclib.exceptions import Issue

#: ``type`` value (normalised: upper case, no spaces) -> canonical hourly column.
HOURLY_TYPES: dict[str, str] = {"PM2.5": "pm25", "PM10": "pm10", "SO2": "so2", "NO2": "no2", "CO": "co", "O3": "o3"}
#: Derived ``type`` values, ignored.
DERIVED_TYPES: frozenset[str] = frozenset(
    {"PM2.5_24H", "PM10_24H", "SO2_24H", "NO2_24H", "CO_24H", "O3_24H", "O3_8H", "O3_8H_24H", "AQI"}
)
STATION_CODE = re.compile(r"^\d{4}[A-Za-z]$")


def is_release_header(normalised: list[str]) -> bool:
    """Whether normalised header names look like the release format (``date, hour, type`` first).

    Parameters
    ----------
    normalised : list of str
        Header cells after :func:`qclib.air.io.normalize_column_name`.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_release_header(["date", "hour", "type", "北京"]), is_release_header(["city", "date", "pm25"])
    (True, False)
    """
    return normalised[:3] == ["date", "hour", "type"]


def read_release(
    raw: pd.DataFrame, fname: str, issues: list[Issue], *, station_cities: dict[str, str] | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Reshape one release table to hourly rows (one per city or station and hour).

    Parameters
    ----------
    raw : pandas.DataFrame
        The file as read (text cells), header ``date, hour, type, <entities>``.
    fname : str
        File name for messages.
    issues : list of Issue
        Collector of problems (unknown ``type``, bad dates, hours or numbers,
        station codes without a city).
    station_cities : dict, optional
        Station code -> city, required for station-code columns.

    Returns
    -------
    hourly : pandas.DataFrame
        ``city``, (``station``), ``datetime``, the hourly pollutant columns
        found, ``_file``, ``_row`` (spreadsheet row of the first type row of
        that hour).
    ignored : list of str
        The derived ``type`` values present and ignored, sorted.

    Examples
    --------
    >>> raw = pd.DataFrame({"date": ["20200101"] * 3, "hour": ["0"] * 3, "type": ["PM2.5", "PM2.5_24h", "CO"],
    ...                     "北京": ["40", "55", "0.8"], "天津": ["60", "70", ""]})
    >>> h, ignored = read_release(raw, "china_cities_20200101.csv", [])
    >>> h[["city", "datetime", "pm25", "co"]].to_dict("records"), ignored
    ([{'city': '北京', 'datetime': Timestamp('2020-01-01 00:00:00'), 'pm25': 40.0, 'co': 0.8}, {'city': '天津', 'datetime': Timestamp('2020-01-01 00:00:00'), 'pm25': 60.0, 'co': nan}], ['PM2.5_24h'])
    """
    cols = [str(c) for c in raw.columns]
    date_col, hour_col, type_col, entities = cols[0], cols[1], cols[2], cols[3:]
    rows = np.arange(len(raw)) + 2
    kind = raw[type_col].map(cell_text)
    key = kind.str.upper().str.replace(" ", "", regex=False)
    known = key.isin(HOURLY_TYPES.keys()) | key.isin(DERIVED_TYPES)
    for i in np.flatnonzero(~known.to_numpy())[:200]:
        issues.append(
            Issue(
                fname,
                int(rows[i]),
                type_col,
                kind.iloc[i],
                "unknown type in a release file",
                "hourly: " + ", ".join(HOURLY_TYPES) + "; derived (ignored): " + ", ".join(sorted(DERIVED_TYPES)),
            )
        )
    ignored = sorted(set(kind[key.isin(DERIVED_TYPES)]))
    keep = key.isin(HOURLY_TYPES.keys()).to_numpy()
    sub = raw.loc[keep].reset_index(drop=True)
    srows = rows[keep]
    dates = parse_datetimes(sub[date_col], fname=fname, column=date_col, rows=srows, issues=issues)
    hours = hours_of(sub[hour_col], fname=fname, rows=srows, issues=issues)
    when = dates.dt.normalize() + pd.to_timedelta(np.nan_to_num(hours), unit="h")
    values = np.column_stack(
        [parse_numbers(sub[e], fname, e, srows, issues) for e in entities] or [np.empty((len(sub), 0))]
    )
    stations = [e for e in entities if STATION_CODE.match(e.strip())]
    frame = _to_long(values, entities, key.loc[keep].map(HOURLY_TYPES).to_numpy(), when, srows, fname, issues)
    if stations and len(stations) < len(entities):
        other = next(e for e in entities if e not in stations)
        issues.append(
            Issue(fname, 1, other, other, "station codes and city names mixed in one release file", "one or the other")
        )
    if stations:
        return _assign_station_cities(frame, fname, issues, station_cities or {}), ignored
    return frame.rename(columns={"entity": "city"}), ignored


def _to_long(
    values: np.ndarray,
    entities: list[str],
    pollutant: np.ndarray,
    when: pd.Series,
    rows: np.ndarray,
    fname: str,
    issues: list[Issue],
) -> pd.DataFrame:
    """(type rows x entity columns) -> one row per entity and hour, a column per pollutant."""
    n, k = values.shape
    long = pd.DataFrame(
        {
            "entity": np.tile(np.array([e.strip() for e in entities], dtype=object), n),
            "datetime": np.repeat(when.to_numpy(), k),
            "pollutant": np.repeat(pollutant, k),
            "value": values.ravel(),
            "_row": np.repeat(rows, k),
        }
    )
    dup = long.duplicated(["entity", "datetime", "pollutant"], keep="first")
    for i in np.flatnonzero(dup.to_numpy())[:20]:
        r = long.iloc[i]
        issues.append(
            Issue(fname, int(r["_row"]), "type", r["pollutant"], "the same type twice for one hour", "one row per type")
        )
    long = long.loc[~dup]
    wide = long.pivot(index=["entity", "datetime"], columns="pollutant", values="value")
    first_row = long.groupby(["entity", "datetime"])["_row"].min()
    wide = wide.join(first_row).reset_index()
    wide.columns.name = None
    wide.insert(0, "_file", fname)
    return wide


def _assign_station_cities(
    frame: pd.DataFrame, fname: str, issues: list[Issue], cities: dict[str, str]
) -> pd.DataFrame:
    """Station-code columns: ``station`` = the code, ``city`` from ``cities``; unknown codes refused."""
    codes = frame["entity"].astype(str)
    unknown = sorted(set(codes) - set(cities))
    if unknown:
        issues.append(
            Issue(
                fname,
                1,
                unknown[0],
                ", ".join(unknown[:10]) + (" ..." if len(unknown) > 10 else ""),
                f"{len(unknown)} station-code column(s) without a city; the release files do not say which city a "
                "station belongs to",
                "a station list (--station-list FILE with columns station, city), or the city files (china_cities_*)",
            )
        )
        return frame.rename(columns={"entity": "city"})
    out = frame.rename(columns={"entity": "station"})
    out.insert(0, "city", codes.map(cities).to_numpy())
    return out
