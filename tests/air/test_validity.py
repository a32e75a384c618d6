"""GB 3095-2012 / HJ 663-2013 validity: 20 hours, 6-of-8 hours, 14 windows, 27/25 per month, 324 per year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qclib.air.annual import annual_statistics
from qclib.air.validity import daily_from_hourly, monthly_minimum, year_is_valid

FULL = {m: 27 for m in range(1, 13)}


@pytest.mark.parametrize("n,expected", [(323, False), (324, True), (365, True)])
def test_324_day_rule(n, expected):
    assert year_is_valid(n, {m: 31 for m in range(1, 13)}) is expected


@pytest.mark.parametrize("feb,expected", [(24, False), (25, True), (28, True)])
def test_february_25_day_rule(feb, expected):
    assert year_is_valid(330, {**FULL, 2: feb}) is expected


@pytest.mark.parametrize("month", [1, 3, 7, 12])
@pytest.mark.parametrize("count,expected", [(26, False), (27, True)])
def test_27_day_month_rule(month, count, expected):
    assert year_is_valid(330, {**FULL, month: count}) is expected


def test_missing_month_counts_as_zero():
    assert not year_is_valid(340, {m: 31 for m in range(1, 12)})
    assert monthly_minimum(2) == 25 and monthly_minimum(11) == 27


def _year(drop: pd.DatetimeIndex | None = None) -> pd.DataFrame:
    dates = pd.date_range("2021-01-01", "2021-12-31")
    if drop is not None:
        dates = dates.difference(drop)
    return pd.DataFrame({"city": "x", "date": dates, "pm25": 30.0})


def test_annual_statistics_marks_short_february_invalid_but_reports_it():
    d = _year(drop=pd.date_range("2021-02-01", "2021-02-04"))  # February 24 days
    s = annual_statistics(d).set_index("indicator_id").loc["pm25_annual_mean"]
    assert s["value"] == 30 and not s["valid"]
    assert "02=24/25" in s["validity"] and s["n_days"] == 361


def test_annual_statistics_27_day_month_and_324_total():
    s = annual_statistics(_year(drop=pd.date_range("2021-07-01", "2021-07-05"))).set_index("indicator_id")
    assert not s.loc["pm25_p95", "valid"] and "07=26/27" in s.loc["pm25_p95", "validity"]
    # Drop up to 43 days without breaking a month (31-day months keep 27, 30-day
    # months keep 27, February keeps 25): 41 dropped -> 324 days -> valid.
    dates = pd.date_range("2021-01-01", "2021-12-31")
    spare = [dt for dt in dates if (dt.month == 2 and dt.day >= 26) or (dt.month != 2 and dt.day >= 28)]
    assert len(spare) == 43
    s = annual_statistics(_year(drop=pd.DatetimeIndex(spare[:41]))).set_index("indicator_id")
    assert s.loc["pm25_annual_mean", "n_days"] == 324 and s.loc["pm25_annual_mean", "valid"]
    assert "months below minimum: none" in s.loc["pm25_annual_mean", "validity"]
    s = annual_statistics(_year(drop=pd.DatetimeIndex(spare[:42]))).set_index("indicator_id")
    assert s.loc["pm25_annual_mean", "n_days"] == 323 and not s.loc["pm25_annual_mean", "valid"]


def _hours(values_pm25, o3=None, day="2021-05-01"):
    t = pd.date_range(day, periods=24, freq="h")
    frame = {"city": "x", "datetime": t, "pm25": values_pm25}
    if o3 is not None:
        frame["o3"] = o3
    return pd.DataFrame(frame)


@pytest.mark.parametrize("n_valid,expected_valid", [(19, False), (20, True), (24, True)])
def test_20_hour_rule_for_24h_mean(n_valid, expected_valid):
    v = np.array([10.0] * n_valid + [np.nan] * (24 - n_valid))
    d = daily_from_hourly(_hours(v))
    assert d.loc[0, "hours_pm25"] == n_valid
    assert bool(np.isfinite(d.loc[0, "pm25"])) is expected_valid


def test_o3_8h_window_needs_6_hours_and_day_needs_14_windows():
    o3 = np.full(24, 50.0)
    # Hours 16..23 with only 5 values -> the last windows lose validity progressively.
    o3[16:19] = np.nan
    d = daily_from_hourly(_hours(np.full(24, 10.0), o3))
    # windows ending 7..23: those containing >= 3 of hours 16-18 have <= 5 values: ends 18..23 -> 6 invalid
    assert d.loc[0, "o3_8h_windows"] == 11
    assert np.isnan(d.loc[0, "o3_8h"])  # 11 < 14 and 50 <= 160


def test_o3_8h_with_few_windows_still_valid_when_over_limit():
    o3 = np.full(24, np.nan)
    o3[0:10] = 200.0  # windows ending 7, 8, 9 fully valid; ends 10..12 have 7..5 values
    d = daily_from_hourly(_hours(np.full(24, 10.0), o3))
    assert d.loc[0, "o3_8h_windows"] == 5
    assert d.loc[0, "o3_8h"] == 200.0  # kept: exceeds the 160 ug/m3 limit


def test_o3_8h_max_by_hand_and_1h_max():
    o3 = np.arange(24, dtype=float) * 10  # window ending h averages (h-7..h)*10 -> max at 23: 195
    d = daily_from_hourly(_hours(np.full(24, 10.0), o3))
    assert d.loc[0, "o3_8h"] == pytest.approx(195.0)
    assert d.loc[0, "o3_8h_windows"] == 17
    assert d.loc[0, "o3_1h"] == 230.0


def test_hourly_days_are_separate_per_city_and_date():
    a = _hours(np.full(24, 10.0), day="2021-05-01")
    b = _hours(np.full(24, 20.0), day="2021-05-02").assign(city="y")
    d = daily_from_hourly(pd.concat([a, b], ignore_index=True)).sort_values("city")
    assert d["pm25"].tolist() == [10.0, 20.0] and d["city"].tolist() == ["x", "y"]
