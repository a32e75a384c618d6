"""Column names of monitoring files: the accepted names, the ignored ones, city ids.

Headers are matched after :func:`normalize_column_name` (case, spaces,
``_ - . · /``, bracketed unit suffixes and subscript digits do not matter).
Three kinds of header are known:

- the canonical columns and their aliases (:data:`COLUMN_ALIASES`: city,
  station, the time columns, the pollutants, in English and Chinese);
- columns qclib recomputes (:data:`IGNORED_COLUMNS`: AQI, category, primary
  pollutant) and columns that are not pollutants (:data:`NON_POLLUTANT_COLUMNS`:
  weather, row numbers, coordinates, notes): ignored, and listed to the user;
- anything else is refused -- with a specific message when it looks like a
  pollutant qclib does not evaluate (NH3, NO, PM1, TSP …), since ignoring it
  could hide a mislabelled column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from qclib.constants import ENTITIES
from qclib.data import registry
from qclib.exceptions import DataValidationError, Issue

#: Canonical column -> accepted names (matched after :func:`normalize_column_name`).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "city": ("city", "city_id", "cityname", "city_name", "城市", "城市名称", "城市名", "地区", "市"),
    "date": ("date", "day", "日期", "监测日期"),
    "datetime": ("datetime", "time", "timestamp", "时间", "监测时间", "日期时间"),
    "hour": ("hour", "小时", "时"),
    "year": ("year", "年", "年份"),
    "month": ("month", "月", "月份"),
    "station": (
        "station",
        "site",
        "station_name",
        "site_name",
        "点位",
        "点位名称",
        "监测点",
        "监测点位",
        "监测点位名称",
        "站点",
        "站点名称",
        "监测站",
        "监测站点",
        "站名",
        "测点",
    ),
    # used as the station when no station name column exists, else ignored
    "station_code": (
        "station_code",
        "site_code",
        "stationcode",
        "点位编码",
        "点位代码",
        "站点编码",
        "站点代码",
        "监测点位编码",
        "监测点编码",
    ),
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
    "范围",
    "aqi范围",
    "range",
    "quality",
    "level",
    "排名",
    "rank",
)

#: Columns that are not pollutants (weather, row numbers, coordinates, notes):
#: ignored and listed.  ``No`` is a row number; ``NO`` (upper case) would be
#: nitric oxide and is refused like any other unknown pollutant.
NON_POLLUTANT_COLUMNS: tuple[str, ...] = (
    "no",
    "序号",
    "编号",
    "id",
    "index",
    "row",
    "temp",
    "temperature",
    "温度",
    "气温",
    "pres",
    "pressure",
    "气压",
    "dewp",
    "dewpoint",
    "露点",
    "露点温度",
    "rain",
    "precipitation",
    "precip",
    "降水",
    "降水量",
    "降雨量",
    "wd",
    "winddirection",
    "风向",
    "ws",
    "wspm",
    "windspeed",
    "风速",
    "humidity",
    "rh",
    "湿度",
    "相对湿度",
    "visibility",
    "能见度",
    "lat",
    "latitude",
    "纬度",
    "lon",
    "lng",
    "longitude",
    "经度",
    "province",
    "省份",
    "省",
    "备注",
    "remark",
    "note",
)

#: Normalised headers that look like a pollutant qclib does not evaluate (refused, never ignored).
_POLLUTANT_LIKE = re.compile(
    r"^(pm\d|tsp|nox?|nh3|h2s|co2|voc|tvoc|o3|so|no|co|pb|bap|ch4|nmhc)|颗粒|臭氧|二氧化|一氧化|氮|氨|硫|苯|铅"
)

#: Chinese names of the plan cities -> entity ids ("市" suffix optional).
CITY_IDS: dict[str, str] = {"郑州": "zhengzhou", "新乡": "xinxiang", "株洲": "zhuzhou", "秦皇岛": "qinhuangdao"}

_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def header_key(col: object) -> str:
    """Header with a trailing ``_mg`` / ``_ug`` unit suffix removed.

    Parameters
    ----------
    col : object
        A header cell.

    Returns
    -------
    str

    Examples
    --------
    >>> header_key("CO_mg"), header_key("PM2.5")
    ('CO', 'PM2.5')
    """
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


ALIAS_INDEX: dict[str, str] = {
    normalize_column_name(a): canon for canon, names in COLUMN_ALIASES.items() for a in names
}
_IGNORED_INDEX: frozenset[str] = frozenset(normalize_column_name(a) for a in IGNORED_COLUMNS)
_NON_POLLUTANT_INDEX: frozenset[str] = frozenset(normalize_column_name(a) for a in NON_POLLUTANT_COLUMNS)


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


def map_columns(raw: pd.DataFrame, fname: str) -> tuple[dict[str, str], list[str]]:
    """Header -> canonical column, and the ignored headers; unknown or doubled columns are refused.

    ``day`` is the day of the month when ``year`` and ``month`` columns exist
    (the date otherwise).  ``No`` is a row number (ignored), ``NO`` nitric
    oxide (refused).

    Parameters
    ----------
    raw : pandas.DataFrame
        The table as read (only its header is used).
    fname : str
        File name for messages.

    Returns
    -------
    mapping : dict
        Header -> canonical name, for the columns kept.
    ignored : list of str
        Headers ignored (recomputed by qclib, or not pollutants), in file order.

    Raises
    ------
    DataValidationError
        Unknown columns, or two columns meaning the same.

    Examples
    --------
    >>> m, ign = map_columns(pd.DataFrame(columns=["No", "year", "month", "day", "hour", "PM2.5", "TEMP"]), "f")
    >>> m, ign
    ({'year': 'year', 'month': 'month', 'day': 'day', 'hour': 'hour', 'PM2.5': 'pm25'}, ['No', 'TEMP'])
    """
    issues: list[Issue] = []
    mapping: dict[str, str] = {}
    ignored: list[str] = []
    keys = {str(col): normalize_column_name(header_key(col)) for col in raw.columns}
    split_date = {"year", "month"} <= {ALIAS_INDEX.get(k) for k in keys.values()}
    for col, key in keys.items():
        if key in _IGNORED_INDEX or (key in _NON_POLLUTANT_INDEX and col.strip() != "NO"):
            ignored.append(col)
            continue
        canon = "day" if split_date and key in ("day", "日") else ALIAS_INDEX.get(key)
        if canon is None:
            issues.append(_unknown_column(fname, col, key))
            continue
        if canon in mapping.values():
            other = next(k for k, v in mapping.items() if v == canon)
            issues.append(
                Issue(fname, 1, col, col, f"column means the same as '{other}' ({canon})", "one column per quantity")
            )
            continue
        mapping[col] = canon
    if issues:
        raise DataValidationError(issues)
    codes = [c for c, v in mapping.items() if v == "station_code"]
    for c in codes:  # a station code beside a station name says nothing more
        if "station" in mapping.values():
            del mapping[c]
            ignored.append(c)
        else:
            mapping[c] = "station"
    return mapping, ignored


def _unknown_column(fname: str, col: str, key: str) -> Issue:
    if _POLLUTANT_LIKE.search(key):
        return Issue(
            fname,
            1,
            col,
            col,
            "looks like a pollutant qclib does not evaluate (only PM2.5, PM10, SO2, NO2, CO, O3 are); "
            "nothing is ignored silently",
            "remove the column or rename it to one of: " + accepted_column_names(),
        )
    return Issue(
        fname,
        1,
        col,
        col,
        "unknown column",
        accepted_column_names() + "; ignored (not pollutants): " + ", ".join(NON_POLLUTANT_COLUMNS),
    )


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
