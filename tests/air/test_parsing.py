"""Cells and time columns: one date format per file, day/month order, Excel serials, year/month/day parts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qclib.air.io import read_monitoring_file
from qclib.air.parsing import dates_from_parts, hours_of, parse_datetimes, parse_numbers
from qclib.exceptions import DataValidationError


def _parse(values, dayfirst=None):
    issues: list = []
    rows = np.arange(len(values)) + 2
    out = parse_datetimes(
        pd.Series(values, dtype=object), fname="f.csv", column="date", rows=rows, issues=issues, dayfirst=dayfirst
    )
    return out, issues


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2021-03-01", "2021-03-01"),
        ("2021/3/1", "2021-03-01"),
        ("20210301", "2021-03-01"),
        ("2021.03.01", "2021-03-01"),
        ("2021年3月1日", "2021-03-01"),
        ("2021-03-01 05:00", "2021-03-01 05:00"),
        ("2021-03-01T05:00:00", "2021-03-01 05:00"),
        ("2021/3/1 5:00:00", "2021-03-01 05:00"),
        ("44256", "2021-03-01"),
        ("44256.208333333", "2021-03-01 05:00"),
    ],
)
def test_published_date_formats(text, expected):
    out, issues = _parse([text])
    assert not issues and out.iloc[0] == pd.Timestamp(expected)


def test_ambiguous_day_month_order_is_refused_then_read_as_told():
    values = ["01/02/2021", "02/02/2021", "03/02/2021"]
    out, issues = _parse(values)
    assert out.isna().all() and len(issues) == 1
    assert issues[0].row == 2 and "--dayfirst" in issues[0].allowed
    assert _parse(values, dayfirst=True)[0].dt.month.tolist() == [2, 2, 2]
    assert _parse(values, dayfirst=False)[0].dt.month.tolist() == [1, 2, 3]


def test_day_above_twelve_settles_the_order_unless_contradicted():
    values = ["28/02/2021", "01/03/2021"]
    out, issues = _parse(values)
    assert not issues and out.tolist() == [pd.Timestamp("2021-02-28"), pd.Timestamp("2021-03-01")]
    _, issues = _parse(values, dayfirst=False)
    assert issues and "contradicts" in issues[0].message


def test_identical_day_and_month_is_not_ambiguous():
    out, issues = _parse(["01/01/2021", "02/02/2021"])
    assert not issues and out.dt.day.tolist() == [1, 2]


def test_mixed_formats_refused_naming_the_rows_that_differ():
    # a quarter of dd/mm data among yyyy-mm-dd rows is not read row by row
    out, issues = _parse(["2021-01-05", "2021-01-06", "07/01/2021", "2021-01-08"])
    assert [i.row for i in issues] == [4]
    assert "yyyy-mm-dd" in issues[0].message and issues[0].value == "07/01/2021"


def test_empty_and_bad_times_named():
    out, issues = _parse(["2021-01-01 01:00", "", "2021-01-01 25:00"])
    assert [(i.row, i.message) for i in issues] == [(3, "empty date"), (4, "not a date")]
    assert out.iloc[0] == pd.Timestamp("2021-01-01 01:00")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.datetimes(min_value=pd.Timestamp("2000-01-01"), max_value=pd.Timestamp("2030-12-31")), min_size=1))
def test_iso_round_trip(stamps):
    stamps = [pd.Timestamp(t).floor("s") for t in stamps]
    out, issues = _parse([t.strftime("%Y-%m-%d %H:%M:%S") for t in stamps])
    assert not issues and out.tolist() == stamps


def test_year_month_day_parts():
    issues: list = []
    d = dates_from_parts(
        {
            "year": pd.Series(["2014", "2014", "x"]),
            "month": pd.Series(["3", "2", "1"]),
            "day": pd.Series(["1", "29", "1"]),
        },
        fname="f",
        rows=np.array([2, 3, 4]),
        issues=issues,
    )
    assert d.iloc[0] == pd.Timestamp("2014-03-01") and d.iloc[1:].isna().all()
    assert [(i.row, i.column) for i in issues] == [(4, "year"), (3, "day")]


def test_hours_and_numbers():
    issues: list = []
    assert np.isnan(hours_of(pd.Series(["1.5"]), fname="f", rows=np.array([2]), issues=issues)[0]) and issues
    issues = []
    v = parse_numbers(pd.Series(["NA", "缺测", "3", None, "x"]), "f", "pm25", np.arange(5) + 2, issues)
    assert np.isnan(v[[0, 1, 3, 4]]).all() and v[2] == 3 and [i.row for i in issues] == [6]


# --- the layouts of whole files --------------------------------------------------------------


def _write(tmp_path, text, name="t.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "header,row",
    [
        ("city,datetime,pm25", "x,2021-03-01 05:00,{v}"),
        ("city,date,hour,pm25", "x,2021-03-01,5,{v}"),
        ("city,year,month,day,hour,pm25", "x,2021,3,1,5,{v}"),
        ("城市,日期,时间,PM2.5", "x,2021-03-01,05:00,{v}"),
        ("city,datetime,pm25", "x,44256.208333333,{v}"),
        ("city,时间,pm25", "x,2021年3月1日 5时,{v}"),
    ],
    ids=["datetime", "date+hour", "year-month-day-hour", "date+time", "excel-serial", "chinese"],
)
def test_every_time_layout_gives_the_same_hour(tmp_path, header, row):
    kind, f = read_monitoring_file(_write(tmp_path, f"{header}\n{row.format(v=40)}\n"))
    assert kind == "hourly" and f.loc[0, "datetime"] == pd.Timestamp("2021-03-01 05:00")


def test_excel_serial_dates_in_a_workbook(tmp_path):
    p = tmp_path / "d.xlsx"
    pd.DataFrame({"city": ["x", "x"], "date": [44256, 44257], "pm25": [40, 41]}).to_excel(p, index=False)
    kind, f = read_monitoring_file(p)
    assert kind == "daily" and f["date"].tolist() == [pd.Timestamp("2021-03-01"), pd.Timestamp("2021-03-02")]


def test_day_column_is_the_date_without_year_and_month(tmp_path):
    kind, f = read_monitoring_file(_write(tmp_path, "city,day,pm25\nx,2021-03-01,40\n"))
    assert kind == "daily" and f.loc[0, "date"] == pd.Timestamp("2021-03-01")


def test_ambiguous_file_refused_then_read_with_dayfirst(tmp_path):
    p = _write(tmp_path, "city,date,pm25\nx,01/02/2021,40\nx,02/02/2021,41\n")
    with pytest.raises(DataValidationError, match="--dayfirst"):
        read_monitoring_file(p)
    _, f = read_monitoring_file(p, dayfirst=True)
    assert f["date"].dt.month.tolist() == [2, 2]


def test_hour_24_is_refused_never_the_next_day(tmp_path):
    p = _write(tmp_path, "城市,日期,时间,PM2.5\nx,2021-03-01,23:00,40\nx,2021-03-01,24:00,41\n")
    with pytest.raises(DataValidationError) as exc:
        read_monitoring_file(p)
    assert [(i.row, i.column) for i in exc.value.issues] == [(3, "datetime")]
    p = _write(tmp_path, "city,date,hour,pm25\nx,2021-03-01,24,40\n")
    with pytest.raises(DataValidationError, match="1-24"):
        read_monitoring_file(p)


def test_year_month_day_with_a_time_of_day_column(tmp_path):
    p = _write(tmp_path, "city,年,月,日,时间,PM2.5\nx,2021,3,1,05:00,40\nx,2021,3,1,06:00,41\n")
    kind, f = read_monitoring_file(p)
    assert kind == "hourly" and f["datetime"].dt.hour.tolist() == [5, 6]


def test_a_date_column_without_any_value_is_refused_row_by_row(tmp_path):
    p = _write(tmp_path, "city,date,pm25\nx,,40\nx,,41\n")
    with pytest.raises(DataValidationError) as exc:
        read_monitoring_file(p)
    assert [(i.row, i.message) for i in exc.value.issues] == [(2, "empty date"), (3, "empty date")]
