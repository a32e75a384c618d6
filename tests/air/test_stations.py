"""Station data: validity per station, city value = mean of the valid stations (HJ 663-2013)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qclib.air.io import annual_statistics_from_files, read_daily
from qclib.air.stations import city_daily_from_station_daily, city_daily_from_station_hourly, station_summary
from qclib.exceptions import DataValidationError

DATA = Path(__file__).resolve().parents[1] / "fixtures" / "air"
BEIJING = DATA / "beijing_multisite"
HEADER = "No,year,month,day,hour,PM2.5,PM10,SO2,NO2,CO,O3,TEMP,PRES,DEWP,RAIN,wd,WSPM,station"


def beijing_layout(folder: Path, stations=("Aotizhongxin", "Dongsi"), start="2015-01-01", days=365, seed=0):
    """Files in the public multi-site layout (CO in ug/m3, 'NA' for missing), one per station."""
    rng = np.random.default_rng(seed)
    t = pd.date_range(start, periods=24 * days, freq="h")
    folder.mkdir(parents=True, exist_ok=True)
    for k, name in enumerate(stations):
        n = len(t)
        season = 1 + 0.5 * np.cos(2 * np.pi * t.day_of_year.to_numpy() / 365.25)
        df = pd.DataFrame(
            {
                "No": np.arange(1, n + 1),
                "year": t.year,
                "month": t.month,
                "day": t.day,
                "hour": t.hour,
                "PM2.5": np.round(60 * season * rng.lognormal(0, 0.5, n) + 5 * k),
                "PM10": np.round(100 * season * rng.lognormal(0, 0.4, n)),
                "SO2": np.round(12 * rng.lognormal(0, 0.4, n)),
                "NO2": np.round(45 * rng.lognormal(0, 0.3, n)),
                "CO": np.round(1200 * season * rng.lognormal(0, 0.4, n), -2),
                "O3": np.round(60 * (2 - season) * rng.lognormal(0, 0.5, n)),
                "TEMP": np.round(rng.normal(12, 10, n), 1),
                "PRES": np.round(rng.normal(1015, 8, n), 1),
                "DEWP": np.round(rng.normal(0, 10, n), 1),
                "RAIN": 0.0,
                "wd": rng.choice(["N", "NE", "SW", "NNW"], n),
                "WSPM": np.round(rng.uniform(0, 5, n), 1),
                "station": name,
            }
        ).astype({"PM2.5": object})
        df.loc[rng.random(n) < 0.02, "PM2.5"] = "NA"
        df.to_csv(folder / f"PRSA_Data_{name}_{start[:4]}.csv", index=False, na_rep="NA")
    return folder


def test_city_daily_is_the_mean_of_valid_stations():
    t = pd.date_range("2021-03-01", periods=24, freq="h")
    frames = [
        pd.DataFrame({"city": "x", "station": s, "datetime": t, "pm25": v, "o3": o})
        for s, v, o in [
            ("a", np.full(24, 10.0), np.full(24, 100.0)),
            ("b", np.full(24, 30.0), np.full(24, 200.0)),
            ("c", np.r_[np.full(19, 90.0), np.full(5, np.nan)], np.full(24, np.nan)),  # 19 h: not valid
        ]
    ]
    d = city_daily_from_station_hourly(pd.concat(frames, ignore_index=True)).iloc[0]
    assert d["pm25"] == 20.0 and d["stations_pm25"] == 2
    assert d["o3_8h"] == 150.0 and d["o3_1h"] == 150.0 and d["stations_o3_8h"] == 2


def test_day_without_a_valid_station_has_no_city_value():
    t = pd.date_range("2021-03-01", periods=24, freq="h")
    h = pd.DataFrame({"city": "x", "station": "a", "datetime": t, "pm25": np.r_[np.full(10, 5.0), np.full(14, np.nan)]})
    d = city_daily_from_station_hourly(h)
    assert np.isnan(d.loc[0, "pm25"]) and d.loc[0, "stations_pm25"] == 0


def test_daily_station_values_are_averaged():
    d = pd.DataFrame(
        {
            "city": "x",
            "station": ["a", "b"],
            "date": pd.Timestamp("2021-01-01"),
            "pm25": [10.0, 30.0],
            "co": [1.0, np.nan],
        }
    )
    out = city_daily_from_station_daily(d).iloc[0]
    assert (out["pm25"], out["stations_pm25"], out["co"], out["stations_co"]) == (20.0, 2, 1.0, 1)


def test_station_summary_per_year():
    d = pd.DataFrame(
        {"city": "x", "date": pd.to_datetime(["2021-01-01", "2021-01-02", "2021-01-03"]), "stations_pm25": [5, 4, 0]}
    )
    s = station_summary(d).iloc[0]
    assert (s["stations_min"], s["stations_max"], s["days_below_max_stations"]) == (4, 5, 1)


def test_beijing_excerpt_as_distributed(capsys):
    """The fixture files are read as they are: split date columns, weather columns, 'NA', no city column."""

    daily, flags = read_daily([BEIJING], city="beijing", units={"co": "ug/m3"})
    assert daily["city"].unique().tolist() == ["beijing"] and len(daily) == 2
    raw = pd.concat([pd.read_csv(p) for p in sorted(BEIJING.glob("*.csv"))])
    raw["date"] = pd.to_datetime(raw[["year", "month", "day"]])
    st = raw.groupby(["station", "date"])["PM2.5"].agg(["mean", "count"])
    expected = st.loc[st["count"] >= 20, "mean"].groupby("date").mean()
    assert np.allclose(daily.set_index("date")["pm25"], expected)
    assert daily["stations_pm25"].tolist() == [2, 2]
    assert daily["co"].between(0.4, 1.6).all()  # ug/m3 converted to mg/m3 as declared
    assert daily.attrs["notes"] == [
        "ignored columns (not pollutants, or recomputed by qclib): No, TEMP, PRES, DEWP, RAIN, wd, WSPM (in 2 files)"
    ]


def test_beijing_year_in_the_public_layout(tmp_path, capsys):
    """Done-when of issue 11: --city beijing --unit co=ug/m3 FILES works; without --unit CO is refused."""
    from qclib.cli.main import main

    folder = beijing_layout(tmp_path / "PRSA_Data")
    files = [str(p) for p in sorted(folder.glob("*.csv"))]
    out = tmp_path / "bj.csv"
    assert main(["air", "annual", *files, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "no city column" in err and "--city" in err
    assert main(["air", "annual", "--city", "beijing", *files, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "field 'CO'" in err and "--unit co=ug/m3" in err and not out.exists()
    assert main(["air", "annual", "--city", "beijing", "--unit", "co=ug/m3", *files, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "ignored columns (not pollutants, or recomputed by qclib): No, TEMP, PRES, DEWP, RAIN, wd, WSPM" in printed
    stats = pd.read_csv(out).set_index("indicator_id")
    q = pd.read_csv(tmp_path / "bj_quality.csv").set_index("pollutant")
    assert q.loc["pm25", "n_stations"] == 2 and q.loc["pm25", "stations_max"] == 2 and bool(q.loc["aqi", "valid"])
    # independent computation of the annual PM2.5 mean: station days with >= 20 hours, mean over stations, over days
    raw = pd.concat([pd.read_csv(f) for f in files])
    raw["date"] = pd.to_datetime(raw[["year", "month", "day"]])
    st = raw.groupby(["station", "date"])["PM2.5"].agg(["mean", "count"])
    city = st.loc[st["count"] >= 20, "mean"].groupby("date").mean()
    assert stats.loc["pm25_annual_mean", "value"] == round(city.mean())
    assert 20 <= stats.loc["good_days_ratio", "value"] <= 90  # never the 0 % of CO read as mg/m3
    assert stats.loc["co_p95", "value"] < 5


def test_one_file_per_station_and_folders(tmp_path):
    t = pd.date_range("2021-01-01", periods=24, freq="h")
    for name, v in (("north", 10.0), ("south", 30.0)):
        pd.DataFrame({"datetime": t.strftime("%Y-%m-%d %H:%M"), "PM2.5": v}).to_csv(
            tmp_path / f"{name}.csv", index=False
        )
    daily, _ = read_daily([tmp_path], city="洛阳", file_is_station=True)
    assert daily[["city", "pm25", "stations_pm25"]].to_dict("records") == [
        {"city": "luoyang", "pm25": 20.0, "stations_pm25": 2}
    ]
    # without --file-is-station, two city series for the same hours disagree: refused, never averaged silently
    with pytest.raises(DataValidationError, match="duplicated"):
        read_daily([tmp_path], city="洛阳")


@pytest.mark.parametrize("column", ["station", "site", "点位", "监测点", "站点名称"])
def test_station_column_names(tmp_path, column):
    t = pd.date_range("2021-01-01", periods=24, freq="h").strftime("%Y-%m-%d %H:%M")
    rows = [f"x,{s},{h},{v}" for s, v in (("a", 10), ("b", 20)) for h in t]
    p = tmp_path / "s.csv"
    p.write_text(f"city,{column},datetime,pm25\n" + "\n".join(rows), encoding="utf-8")
    daily, _ = read_daily(p)
    assert daily.loc[0, "pm25"] == 15.0 and daily.loc[0, "stations_pm25"] == 2


def test_city_as_stations_and_as_city_series_refused(tmp_path):
    (tmp_path / "st.csv").write_text("city,station,date,pm25\nx,a,2021-01-01,10\n", encoding="utf-8")
    (tmp_path / "city.csv").write_text("city,date,pm25\nx,2021-01-01,12\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="also has station rows"):
        read_daily([tmp_path / "st.csv", tmp_path / "city.csv"])


def test_station_data_statistics_name_every_file(tmp_path):
    folder = beijing_layout(tmp_path / "f", days=31)
    stats, quality = annual_statistics_from_files([folder], city="beijing", units={"co": "ug/m3"})
    assert set(stats["city"]) == {"beijing"} and (quality["source"].str.count("PRSA_Data_") == 2).all()


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.floats(0, 500, allow_nan=False)), min_size=24, max_size=24),
        min_size=1,
        max_size=5,
    ),
    st.randoms(use_true_random=False),
)
def test_city_value_is_order_free_and_between_the_valid_stations(series, rnd):
    t = pd.date_range("2021-03-01", periods=24, freq="h")
    frames = [
        pd.DataFrame({"city": "x", "station": f"s{i}", "datetime": t, "pm25": [np.nan if v is None else v for v in s]})
        for i, s in enumerate(series)
    ]
    h = pd.concat(frames, ignore_index=True)
    shuffled = h.sample(frac=1.0, random_state=rnd.randint(0, 10**6)).reset_index(drop=True)
    a = city_daily_from_station_hourly(h).iloc[0]
    b = city_daily_from_station_hourly(shuffled).iloc[0]
    valid = [np.nanmean(np.array(s, dtype=float)) for s in series if sum(v is not None for v in s) >= 20]
    assert a["stations_pm25"] == b["stations_pm25"] == len(valid)
    if valid:
        assert min(valid) - 1e-9 <= a["pm25"] <= max(valid) + 1e-9 and np.isclose(a["pm25"], b["pm25"])
    else:
        assert np.isnan(a["pm25"]) and np.isnan(b["pm25"])


def test_daily_station_o3_is_said_to_be_an_approximation(tmp_path):
    from qclib.air.stations import DAILY_O3_NOTE

    p = tmp_path / "s.csv"
    p.write_text("city,station,date,O3_8h\nx,a,2021-07-01,150\nx,b,2021-07-01,170\n", encoding="utf-8")
    daily, _ = read_daily(p)
    assert daily.loc[0, "o3_8h"] == 160.0 and DAILY_O3_NOTE in daily.attrs["notes"]
    q = tmp_path / "h.csv"
    q.write_text("city,station,date,PM2.5\nx,a,2021-07-01,15\n", encoding="utf-8")
    assert read_daily(q)[0].attrs["notes"] == []
