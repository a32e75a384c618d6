"""Data-quality flags: counted per city-year; only the documented rules change values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qclib.air.flags import RUN_LENGTH, apply_flag_rules, quality_flags, resolve_duplicates
from qclib.exceptions import DataValidationError


def _series(values, col="pm25", start="2021-01-01", city="x", **extra):
    dates = pd.date_range(start, periods=len(values))
    return pd.DataFrame({"city": city, "date": dates, col: np.asarray(values, dtype=float), **extra})


def _flags(frame, pollutant="pm25"):
    return quality_flags(frame).set_index("pollutant").loc[pollutant]


def test_negative_and_sentinel_counted_separately_and_set_missing():
    d = _series([10, -1, -99, 9999, 0, 20])
    f = _flags(d)
    assert (f["n_negative"], f["n_sentinel"], f["n_zero"]) == (1, 2, 1)
    assert apply_flag_rules(d)["pm25"].isna().tolist() == [False, True, True, True, False, False]


@pytest.mark.parametrize("run,expected", [(RUN_LENGTH - 1, 0), (RUN_LENGTH, RUN_LENGTH), (8, 8)])
def test_runs_of_identical_values(run, expected):
    vals = [1.0, 2.0] + [40.0] * run + [3.0]
    assert _flags(_series(vals))["n_repeat_run_days"] == expected


def test_run_broken_by_a_missing_date_is_not_one_run():
    d = _series([40.0] * 6)
    d = d.drop(index=3)  # gap in dates: runs 3 + 2 days
    assert _flags(d)["n_repeat_run_days"] == 0


@pytest.mark.parametrize(
    "vals,expected",
    [
        ([40, 400], 1),  # x10 and +360 >= 75
        ([3, 16], 0),  # x5.3 but +13 < 75
        ([100, 180], 0),  # +80 but x1.8
        ([400, 40], 1),
    ],  # fall
)
def test_jumps(vals, expected):
    assert _flags(_series(vals))["n_jumps"] == expected


def test_capped_maximum_repeated():
    assert _flags(_series([500, 10, 500, 20, 500]))["n_at_max_repeated"] == 3
    assert _flags(_series([500, 10, 500, 20, 30]))["n_at_max_repeated"] == 0


def test_pm25_above_pm10_and_missing_dates():
    d = _series([50, 10], pm10=[40.0, 30.0])
    f = _flags(d)
    assert f["n_pm25_gt_pm10"] == 1 and f["n_missing_dates"] == 363
    leap = _series([1.0], start="2020-06-01")
    assert _flags(leap)["n_missing_dates"] == 365


def test_identical_duplicates_removed_and_counted():
    d = pd.concat([_series([10, 20]), _series([10])], ignore_index=True)
    out, removed = resolve_duplicates(d)
    assert len(out) == 2 and removed[("x", 2021)] == 1


def test_conflicting_duplicates_name_both_rows_and_files():
    d = pd.concat(
        [_series([10]).assign(_file="a.csv", _row=2), _series([11]).assign(_file="b.csv", _row=7)], ignore_index=True
    )
    with pytest.raises(DataValidationError) as exc:
        resolve_duplicates(d)
    where = {(i.file, i.row) for i in exc.value.issues}
    assert where == {("a.csv", 2), ("b.csv", 7)}
    assert "pm25=11.0" in str(exc.value)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.floats(0, 600), st.just(np.nan)), min_size=1, max_size=40))
def test_flags_never_change_clean_values(values):
    d = _series(values)
    out = apply_flag_rules(d)
    pd.testing.assert_frame_equal(out, d)
    f = _flags(d)
    assert f["n_negative"] == 0 and f["n_sentinel"] == 0
    assert 0 <= f["n_repeat_run_days"] <= len(values)


def test_share_of_exact_zeros_marks_suspect(tmp_path, capsys):
    from qclib.air.annual import annual_air_quality
    from qclib.cli.main import main

    dates = pd.date_range("2021-01-01", "2021-12-31")
    pm = np.where(np.arange(len(dates)) % 4 == 0, 0.0, 40.0)  # 25 % zeros
    pm10 = np.random.default_rng(0).uniform(50, 150, len(dates)).round(1)  # no runs, no capped maximum
    _, q = annual_air_quality(pd.DataFrame({"city": "x", "date": dates, "pm25": pm, "pm10": pm10}))
    q = q.set_index("pollutant")
    assert bool(q.loc["pm25", "suspect"]) and "exact zeros" in q.loc["pm25", "suspect_reason"]
    assert not bool(q.loc["pm10", "suspect"])
    p = tmp_path / "d.csv"
    pd.DataFrame({"city": "x", "date": dates.strftime("%Y-%m-%d"), "pm25": pm}).to_csv(p, index=False)
    assert main(["air", "annual", str(p), "--out", str(tmp_path / "o.csv")]) == 0
    assert "WARNING suspect data: x 2021: pm25: 25.2 % exact zeros" in capsys.readouterr().out


def test_suspect_rules_runs_and_capped_maxima_only_for_pm_no2_o3():
    from qclib.air.flags import suspect_marks

    q = pd.DataFrame(
        {
            "pollutant": ["pm25", "so2", "o3_8h", "co", "pm10"],
            "n_days": 365,
            "n_zero": [0, 0, 0, 0, 18],
            "n_repeat_run_days": [40, 40, 0, 0, 18],
            "n_at_max_repeated": [0, 5, 4, 9, 0],
        }
    )
    suspect, reasons = suspect_marks(q)
    assert suspect.tolist() == [True, False, True, False, False]  # 18/365 = 4.9 %: not above 5 %
    assert "runs of >= 5" in reasons[0] and "maximum on 4 days" in reasons[2] and reasons[1] == ""


def test_suspect_city_year_marks_every_statistic_provisional():
    from qclib.air.annual import SUSPECT_NOTE, annual_air_quality, to_observations

    dates = pd.date_range("2015-01-01", "2015-12-31")
    rng = np.random.default_rng(1)
    pm = rng.uniform(20, 90, len(dates)).round(1)
    pm[:84] = 0.0  # 23 % exact zeros, as in the issue
    d = pd.concat(
        [
            pd.DataFrame({"city": "x", "date": dates, "pm25": pm}),
            pd.DataFrame({"city": "y", "date": dates, "pm25": rng.uniform(20, 90, len(dates)).round(1)}),
        ]
    )
    stats, quality = annual_air_quality(d)
    q = quality.set_index("city")
    assert bool(q.loc["x", "city_year_suspect"]) and not bool(q.loc["y", "city_year_suspect"])
    obs = to_observations(stats, source="s", quality=quality)
    assert obs.loc[obs.city == "x", "note"].str.contains(SUSPECT_NOTE, regex=False).all()
    assert obs.loc[obs.city == "x", "note"].str.contains("23.0 % exact zeros").all()
    assert not obs.loc[obs.city == "y", "note"].str.contains("SUSPECT").any()
