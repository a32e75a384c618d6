"""Header vocabulary: split date columns, row numbers versus nitric oxide, ignored and refused columns."""

from __future__ import annotations

import pandas as pd
import pytest

from qclib.air.columns import map_columns
from qclib.exceptions import DataValidationError


def _map(*headers):
    return map_columns(pd.DataFrame(columns=list(headers)), "f.csv")


def test_public_multisite_header():
    mapping, ignored = _map(
        *"No,year,month,day,hour,PM2.5,PM10,SO2,NO2,CO,O3,TEMP,PRES,DEWP,RAIN,wd,WSPM,station".split(",")
    )
    assert mapping["day"] == "day" and mapping["station"] == "station" and mapping["O3"] == "o3"
    assert ignored == ["No", "TEMP", "PRES", "DEWP", "RAIN", "wd", "WSPM"]


def test_day_is_the_date_without_year_and_month():
    assert _map("city", "day", "pm25")[0]["day"] == "date"
    assert _map("年", "月", "日", "时", "PM2.5")[0] == {
        "年": "year",
        "月": "month",
        "日": "day",
        "时": "hour",
        "PM2.5": "pm25",
    }


@pytest.mark.parametrize("header,ignored", [("No", True), ("no.", True), ("序号", True), ("NO", False)])
def test_row_number_or_nitric_oxide(header, ignored):
    if ignored:
        assert _map(header, "city", "date", "pm25")[1] == [header]
    else:
        with pytest.raises(DataValidationError, match="looks like a pollutant"):
            _map(header, "city", "date", "pm25")


def test_every_problem_of_a_header_is_reported():
    with pytest.raises(DataValidationError) as exc:
        _map("city", "date", "pm25", "PM2_5", "NH3", "operator")
    assert [i.column for i in exc.value.issues] == ["PM2_5", "NH3", "operator"]


def test_station_code_is_the_station_only_without_a_name():
    assert _map("city", "监测点位编码", "date", "pm25")[0]["监测点位编码"] == "station"
    mapping, ignored = _map("城市", "点位名称", "点位编码", "日期", "PM2.5", "AQI范围")
    assert mapping["点位名称"] == "station" and "点位编码" not in mapping and ignored == ["AQI范围", "点位编码"]
