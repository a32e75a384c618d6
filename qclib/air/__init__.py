"""Air-quality statistics from monitoring data (GB 3095-2012, HJ 633-2012, HJ 663-2013).

Modules: :mod:`~qclib.air.standards` (tables as data), :mod:`~qclib.air.validity`
(hourly -> daily, 324/27/25-day rules), :mod:`~qclib.air.aqi` (IAQI/AQI),
:mod:`~qclib.air.flags` (data-quality flags), :mod:`~qclib.air.annual`
(annual statistics, percentile, rounding), :mod:`~qclib.air.stations` (city
values from station values, HJ 663), :mod:`~qclib.air.io` (files; cells and time
columns in :mod:`~qclib.air.parsing`, the national hourly release format in
:mod:`~qclib.air.cnemc`); ``qc air annual`` lives in :mod:`qclib.cli.air`.
Maths modules do no I/O.
"""

from __future__ import annotations

from qclib.air.annual import (
    annual_air_quality,
    annual_statistics,
    grouped_percentile,
    hj663_percentile,
    round_half_even,
    to_observations,
)
from qclib.air.aqi import aqi_category, daily_aqi, iaqi
from qclib.air.flags import apply_flag_rules, quality_flags, resolve_duplicates
from qclib.air.io import (
    AirEvaluation,
    annual_statistics_from_files,
    city_id,
    evaluate_files,
    expand_inputs,
    read_daily,
    read_monitoring_file,
    read_station_list,
    write_csv_atomic,
)
from qclib.air.standards import (
    AIR_INDICATORS,
    AQI_CATEGORIES,
    STANDARDS,
    UnconfirmedStandardError,
    default_standard,
    get_standard,
)
from qclib.air.stations import city_daily_from_station_daily, city_daily_from_station_hourly
from qclib.air.validity import daily_from_hourly, year_is_valid

__all__ = [
    "AIR_INDICATORS",
    "AirEvaluation",
    "AQI_CATEGORIES",
    "STANDARDS",
    "UnconfirmedStandardError",
    "annual_air_quality",
    "annual_statistics",
    "annual_statistics_from_files",
    "apply_flag_rules",
    "aqi_category",
    "city_daily_from_station_daily",
    "city_daily_from_station_hourly",
    "city_id",
    "daily_aqi",
    "daily_from_hourly",
    "default_standard",
    "evaluate_files",
    "expand_inputs",
    "get_standard",
    "grouped_percentile",
    "hj663_percentile",
    "iaqi",
    "quality_flags",
    "read_daily",
    "read_monitoring_file",
    "read_station_list",
    "resolve_duplicates",
    "round_half_even",
    "to_observations",
    "write_csv_atomic",
    "year_is_valid",
]
