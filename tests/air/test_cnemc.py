"""The national hourly release format: hourly rows read, derived rows ignored and listed, station codes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qclib.air.cnemc import read_release
from qclib.air.io import read_daily, read_monitoring_file, read_station_list
from qclib.exceptions import DataValidationError

RELEASE = Path(__file__).resolve().parents[1] / "fixtures" / "air" / "cnemc"


def test_city_release_file_reads_hourly_rows_only():
    kind, f = read_monitoring_file(RELEASE / "china_cities_20200101.csv")
    assert kind == "hourly" and sorted(f["city"].unique()) == sorted(["beijing", "tianjin", "shijiazhuang"])
    assert len(f) == 3 * 24 and {"pm25", "pm10", "so2", "no2", "co", "o3"} <= set(f.columns)
    raw = pd.read_csv(RELEASE / "china_cities_20200101.csv")
    want = raw.loc[(raw.type == "PM2.5") & (raw.hour == 5), "北京"].iloc[0]
    got = f.loc[(f.city == "beijing") & (f.datetime == pd.Timestamp("2020-01-01 05:00")), "pm25"].iloc[0]
    assert got == want
    assert "PM2.5_24h" in f.attrs["ignored"] and "O3_8h" in f.attrs["ignored"] and "AQI" in f.attrs["ignored"]
    assert "PM2.5" not in f.attrs["ignored"]


def test_folder_of_daily_release_files(capsys):
    daily, _ = read_daily([RELEASE])
    assert len(daily) == 3 * 2 and daily["date"].nunique() == 2
    (note,) = daily.attrs["notes"]
    assert note.startswith("ignored release rows of type") and "O3_8h_24h" in note and "(in 2 files)" in note
    # Tianjin lacks one PM2.5 hour on 2 January: 23 hours still make a valid daily mean
    raw = pd.read_csv(RELEASE / "china_cities_20200102.csv")
    tj = raw.loc[raw.type == "PM2.5", "天津"]
    got = daily.loc[(daily.city == "tianjin") & (daily.date == pd.Timestamp("2020-01-02")), "pm25"].iloc[0]
    assert tj.isna().sum() == 1 and np.isclose(got, tj.mean())


def test_unknown_type_refused():
    raw = pd.DataFrame({"date": ["20200101"], "hour": ["0"], "type": ["PM1"], "北京": ["3"]})
    issues: list = []
    read_release(raw, "r.csv", issues)
    assert issues and issues[0].column == "type" and issues[0].value == "PM1"


def _sites(tmp_path):
    rows = ["date,hour,type,1001A,1002A,1011A"]
    rows += [f"20200101,{h},{t},{10 + h},{20 + h},{50}" for h in range(24) for t in ("PM2.5", "PM2.5_24h")]
    p = tmp_path / "china_sites_20200101.csv"
    p.write_text("\n".join(rows), encoding="utf-8")
    return p


def test_station_code_columns_need_a_station_list(tmp_path):
    p = _sites(tmp_path)
    with pytest.raises(DataValidationError, match="without a city"):
        read_monitoring_file(p)
    lst = tmp_path / "stations.csv"
    lst.write_text("监测点位编码,城市\n1001A,北京\n1002A,北京\n1011A,天津\n", encoding="utf-8")
    daily, _ = read_daily(p, station_cities=read_station_list(lst))
    d = daily.set_index("city")
    assert d.loc["beijing", "pm25"] == pytest.approx(np.mean([10 + h for h in range(24)] + [20 + h for h in range(24)]))
    assert d.loc["beijing", "stations_pm25"] == 2 and d.loc["tianjin", "stations_pm25"] == 1


def test_station_list_with_two_cities_for_one_station_refused(tmp_path):
    lst = tmp_path / "stations.csv"
    lst.write_text("station,city\n1001A,北京\n1001A,天津\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="two cities"):
        read_station_list(lst)


def test_cli_release_and_station_list(tmp_path, capsys):
    from qclib.cli.main import main

    out = tmp_path / "o.csv"
    assert main(["air", "annual", str(RELEASE), "--out", str(out)]) == 0
    assert "ignored release rows of type" in capsys.readouterr().out
    p = _sites(tmp_path)
    assert main(["air", "annual", str(p), "--out", str(out)]) == 1
    assert "--station-list" in capsys.readouterr().err
    lst = tmp_path / "stations.csv"
    lst.write_text("station,city\n1001A,北京\n1002A,北京\n1011A,天津\n", encoding="utf-8")
    assert main(["air", "annual", str(p), "--station-list", str(lst), "--out", str(out)]) == 0
