"""Reading monitoring files: column variants, city ids, bad files, hourly input, atomic writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qclib.air.io import (
    annual_statistics_from_files,
    city_id,
    normalize_column_name,
    read_daily,
    read_monitoring_file,
    write_csv_atomic,
)
from qclib.exceptions import DataValidationError

DATA = Path(__file__).resolve().parents[1] / "fixtures" / "air"


@pytest.mark.parametrize(
    "name,canon",
    [
        ("PM2.5", "pm25"),
        ("PM2_5", "pm25"),
        ("pm2.5", "pm25"),
        ("细颗粒物", "pm25"),
        ("PM10", "pm10"),
        ("可吸入颗粒物", "pm10"),
        ("SO2", "so2"),
        ("二氧化硫", "so2"),
        ("NO2", "no2"),
        ("二氧化氮", "no2"),
        ("CO", "co"),
        ("一氧化碳", "co"),
        ("O3_8h", "o3_8h"),
        ("O3-8h", "o3_8h"),
        ("臭氧8小时", "o3_8h"),
        ("城市", "city"),
        ("日期", "date"),
        ("PM2.5(μg/m³)", "pm25"),
        ("CO（mg/m3）", "co"),
    ],
)
def test_column_variants(tmp_path, name, canon):
    p = tmp_path / "d.csv"
    extra = "" if canon in ("city", "date") else f",{name}"
    city = "城市" if canon != "city" else name
    date = "日期" if canon != "date" else name
    header = f"{city},{date}" + extra + ("" if extra else ",pm25")
    p.write_text(header + "\nx,2021-01-01,5\n", encoding="utf-8")
    kind, f = read_monitoring_file(p)
    assert kind == "daily" and canon in f.columns
    assert normalize_column_name(name) != ""


@pytest.mark.parametrize(
    "name,cid",
    [
        ("郑州", "zhengzhou"),
        ("郑州市", "zhengzhou"),
        ("新乡市", "xinxiang"),
        ("株洲", "zhuzhou"),
        ("秦皇岛市", "qinhuangdao"),
        ("zhengzhou", "zhengzhou"),
        ("洛阳市", "luoyang"),
        ("成都", "chengdu"),
        ("410100", "zhengzhou"),
        ("吉林", "吉林"),  # province or city: left for validation to refuse, naming both
        (" Shijiazhuang ", "shijiazhuang"),
    ],
)
def test_city_ids(name, cid):
    assert city_id(name) == cid


def test_unknown_column_lists_accepted_names():
    with pytest.raises(DataValidationError) as exc:
        read_monitoring_file(DATA / "bad_unknown_column.csv")
    issue = exc.value.issues[0]
    assert issue.column == "NH3" and issue.file == "bad_unknown_column.csv"
    assert "looks like a pollutant" in issue.message
    assert "细颗粒物" in issue.allowed and "o3_8h" in issue.allowed


def test_unparseable_date_names_row_and_column():
    with pytest.raises(DataValidationError) as exc:
        read_monitoring_file(DATA / "bad_date.csv")
    (issue,) = exc.value.issues
    assert (issue.file, issue.row, issue.column, issue.value) == ("bad_date.csv", 3, "date", "2021-13-45")


def test_text_in_numeric_column_names_row_and_column():
    with pytest.raises(DataValidationError) as exc:
        read_monitoring_file(DATA / "bad_number.csv")
    (issue,) = exc.value.issues  # '-' on row 4 is a missing value, not an error
    assert (issue.row, issue.column, issue.value) == (3, "pm25", "abc")
    assert "row 3" in str(exc.value) and "'pm25'" in str(exc.value)


def test_errors_of_several_files_are_collected():
    with pytest.raises(DataValidationError) as exc:
        read_daily([DATA / "bad_date.csv", DATA / "bad_number.csv"])
    assert {i.file for i in exc.value.issues} == {"bad_date.csv", "bad_number.csv"}


def test_bare_o3_in_daily_file_is_refused(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("city,date,O3\nx,2021-01-01,100\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="o3_8h"):
        read_monitoring_file(p)


def test_duplicate_meaning_columns_refused(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("city,date,PM2.5,细颗粒物\nx,2021-01-01,1,1\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="same as"):
        read_monitoring_file(p)


def test_ignored_derived_columns_and_gbk_and_chinese_dates(tmp_path):
    p = tmp_path / "d.csv"
    p.write_bytes("城市,日期,AQI,质量等级,PM2.5\n郑州,2021年3月1日,60,良,40\n".encode("gb18030"))
    kind, f = read_monitoring_file(p)
    assert kind == "daily" and f.loc[0, "date"] == pd.Timestamp("2021-03-01") and f.loc[0, "city"] == "zhengzhou"
    assert "aqi" not in f.columns


def test_excel_input(tmp_path):
    p = tmp_path / "d.xlsx"
    pd.DataFrame({"城市": ["新乡"], "日期": [pd.Timestamp("2021-01-02")], "PM10": [88]}).to_excel(p, index=False)
    kind, f = read_monitoring_file(p)
    assert kind == "daily" and f.loc[0, "pm10"] == 88.0 and f.loc[0, "city"] == "xinxiang"


def test_hourly_file_aggregated_with_validity(tmp_path):
    t = pd.date_range("2021-01-01", periods=48, freq="h")
    pm = np.r_[np.full(24, 10.0), np.full(19, 30.0), np.full(5, np.nan)]
    o3 = np.r_[np.full(24, -1.0), np.full(24, 50.0)]  # day 1: all negative -> missing
    df = pd.DataFrame({"city": "株洲", "datetime": t.strftime("%Y-%m-%d %H:%M"), "PM2.5": pm, "O3": o3})
    p = tmp_path / "h.csv"
    df.to_csv(p, index=False)
    daily, hourly_flags = read_daily(p)
    assert daily["city"].unique().tolist() == ["zhuzhou"]
    assert daily["pm25"].iloc[0] == 10.0 and np.isnan(daily["pm25"].iloc[1])  # 19 hours < 20
    assert np.isnan(daily["o3_8h"].iloc[0]) and daily["o3_8h"].iloc[1] == 50.0
    assert hourly_flags.set_index("pollutant").loc["o3_8h", "n_negative"] == 24


def test_date_plus_hour_columns(tmp_path):
    rows = ["city,date,hour,pm25"] + [f"x,2021-01-01,{h},{h}" for h in range(24)]
    p = tmp_path / "h.csv"
    p.write_text("\n".join(rows), encoding="utf-8")
    kind, f = read_monitoring_file(p)
    assert kind == "hourly" and f["datetime"].iloc[5] == pd.Timestamp("2021-01-01 05:00")


def test_fixture_city_year_statistics():
    stats, quality = annual_statistics_from_files([DATA / "zhengzhou_2021_daily.csv"])
    v = stats.set_index("indicator_id")
    assert (stats["city"] == "zhengzhou").all() and (stats["year"] == 2021).all()
    assert v.loc["pm25_annual_mean", "value"] == 42 and v.loc["pm25_annual_mean", "unit"] == "ug/m3"
    assert v.loc["pm10_annual_mean", "value"] == 84 and v.loc["good_days", "value"] == 292
    assert v.loc["good_days_ratio", "value"] == 80.0 and v.loc["good_days_ratio", "unit"] == "%"
    assert (stats["source"] == "zhengzhou_2021_daily.csv").all()
    assert stats["source_detail"].str.contains("HJ 663-2013").all()
    q = quality.set_index("pollutant")
    assert q.loc["pm25", "n_duplicate_dates"] == 1 and q.loc["aqi", "n_days"] == 365 and q["valid"].all()


def test_write_csv_atomic_replaces_and_leaves_no_temp(tmp_path):
    out = tmp_path / "sub" / "a.csv"
    write_csv_atomic(pd.DataFrame({"a": [1]}), out)
    write_csv_atomic(pd.DataFrame({"a": [2]}), out)
    assert out.read_text() == "a\n2\n"
    assert [p.name for p in out.parent.iterdir()] == ["a.csv"]


def test_separate_date_and_time_of_day_columns(tmp_path):
    rows = ["城市,日期,时间,PM2.5"] + [f"x,2021-01-01,{h:02d}:00{':00' * (h % 2)},{h}" for h in range(24)]
    p = tmp_path / "h.csv"
    p.write_text("\n".join(rows), encoding="utf-8")
    kind, f = read_monitoring_file(p)
    assert f["datetime"].dt.hour.tolist() == list(range(24))
    assert kind == "hourly" and f["datetime"].iloc[5] == pd.Timestamp("2021-01-01 05:00")
    assert f["datetime"].dt.date.nunique() == 1


def test_columns_that_are_not_pollutants_are_ignored_and_listed(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("No,city,date,PM2.5,TEMP,PRES,DEWP,RAIN,wd,WSPM,湿度,AQI\n1,x,2021-01-01,40,3,1020,-9,0,NW,2,40,55\n")
    kind, f = read_monitoring_file(p)
    assert f.attrs["ignored"] == ["No", "TEMP", "PRES", "DEWP", "RAIN", "wd", "WSPM", "湿度", "AQI"]
    assert not {"TEMP", "temp", "wd", "No"} & set(f.columns)


@pytest.mark.parametrize("column", ["NO", "NH3", "PM1", "NOx", "氨气", "TSP"])
def test_unknown_pollutant_looking_column_is_refused(tmp_path, column):
    p = tmp_path / "m.csv"
    p.write_text(f"No,city,date,PM2.5,{column}\n1,x,2021-01-01,40,3\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as exc:
        read_monitoring_file(p)
    (issue,) = exc.value.issues
    assert issue.column == column and "looks like a pollutant" in issue.message


def test_unknown_other_column_is_refused_with_the_ignorable_names(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("city,date,PM2.5,operator\nx,2021-01-01,40,bob\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as exc:
        read_monitoring_file(p)
    (issue,) = exc.value.issues
    assert issue.message == "unknown column" and "wspm" in issue.allowed


def test_city_option_only_for_files_without_a_city_column(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("date,PM2.5\n2021-01-01,40\n", encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text("city,date,PM2.5\n新乡,2021-01-01,50\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="--city"):
        read_monitoring_file(a)
    daily, _ = read_daily([a, b], city="Kaifeng")
    assert sorted(daily["city"]) == ["kaifeng", "xinxiang"]


def test_empty_folder_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataValidationError, match="folder without CSV"):
        read_daily([tmp_path / "empty"])
