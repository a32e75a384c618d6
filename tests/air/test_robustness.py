"""Whatever a monitoring file holds, reading it ends in results or a QclibError, never another exception."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qclib.air.io import annual_statistics_from_files
from qclib.exceptions import QclibError

HEADERS = [
    "city", "城市", "station", "点位", "date", "日期", "datetime", "时间", "hour", "year", "month", "day", "日",
    "PM2.5", "PM10", "SO2", "NO2", "CO", "CO(μg/m³)", "O3", "O3_8h", "AQI", "No", "NO", "TEMP", "wd", "type", "北京", "1001A", "",
]  # fmt: skip
CELLS = [
    "", "NA", "-", "0", "5", "40", "-999", "9999", "1200", "0.8", "abc", "x", "郑州", "a", "2021-01-01",
    "2021-01-01 05:00", "01/02/2021", "13/02/2021", "20210101", "44256", "44256.5", "2021", "2", "30", "23", "24",
    "05:00", "24:00", "PM2.5", "PM2.5_24h", "AQI", "=1+1", "1e400", "nan",
]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8),
    rows=st.lists(st.lists(st.sampled_from(CELLS), min_size=1, max_size=9), min_size=0, max_size=30),
    options=st.fixed_dictionaries(
        {},
        optional={
            "city": st.sampled_from(["beijing", "洛阳", ""]),
            "dayfirst": st.booleans(),
            "file_is_station": st.booleans(),
        },
    ),
)
def test_any_table_gives_results_or_a_qclib_error(tmp_path, header, rows, options):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for r in rows:
        w.writerow((r + [""] * len(header))[: len(header)])
    p = tmp_path / "fuzz.csv"
    p.write_text(buf.getvalue(), encoding="utf-8")
    try:
        annual_statistics_from_files([p], **options)
    except QclibError:
        pass


LAYOUTS = [
    ["city", "date", "PM2.5", "CO"],
    ["city", "station", "datetime", "PM2.5", "O3"],
    ["No", "year", "month", "day", "hour", "PM2.5", "CO", "O3", "TEMP", "station"],
    ["城市", "日期", "时间", "PM2.5"],
    ["date", "hour", "type", "北京", "天津"],
    ["date", "hour", "type", "1001A"],
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    layout=st.sampled_from(LAYOUTS),
    rows=st.lists(st.lists(st.sampled_from(CELLS), min_size=10, max_size=10), min_size=1, max_size=40),
    options=st.fixed_dictionaries(
        {},
        optional={
            "city": st.sampled_from(["beijing", "洛阳"]),
            "dayfirst": st.booleans(),
            "units": st.just({"co": "ug/m3"}),
        },
    ),
)
def test_published_layouts_with_any_cells(tmp_path, layout, rows, options):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(layout)
    for r in rows:
        w.writerow(r[: len(layout)])
    p = tmp_path / "fuzz.csv"
    p.write_text(buf.getvalue(), encoding="utf-8")
    try:
        annual_statistics_from_files([p], **options)
    except QclibError:
        pass
