"""HJ 663-2013 annual statistics: percentile formula, rounding, compliance, good days, standards."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qclib.air.annual import (
    annual_air_quality,
    annual_statistics,
    grouped_percentile,
    hj663_percentile,
    resolve_standards,
    round_half_even,
    to_observations,
)
from qclib.air.standards import AIR_INDICATORS, UnconfirmedStandardError, default_standard, get_standard
from qclib.constants import DIRECTIONS, MEASURES
from qclib.exceptions import InvalidChoiceError


# --- percentile: HJ 663 k = 1 + (n-1) p/100, m = X_s + (X_{s+1} - X_s)(k - s) -------------------------
@pytest.mark.parametrize(
    "values,p,expected",
    [
        ([1, 2, 3, 4, 5], 95, 4.8),  # k = 4.8, s = 4: 4 + 0.8*(5-4)
        ([1, 2, 3, 4, 5], 50, 3.0),  # k = 3
        ([10, 20, 30, 40], 90, 37.0),  # k = 3.7: 30 + 0.7*10
        ([10, 20, 30, 40], 98, 39.4),  # k = 3.94
        ([3, 1, 2], 90, 2.8),  # unsorted input; k = 2.8
        ([5, 5, 100], 95, 90.5),  # k = 2.9: 5 + 0.9*95
        ([7], 95, 7.0),
        ([2, np.nan, 4], 50, 3.0),  # NaN ignored
    ],
)
def test_hj663_percentile_by_hand(values, p, expected):
    assert hj663_percentile(values, p) == pytest.approx(expected)


def test_percentile_of_empty_is_nan():
    assert np.isnan(hj663_percentile([], 95)) and np.isnan(hj663_percentile([np.nan], 95))


finite = st.floats(min_value=0, max_value=1000, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(finite, min_size=1, max_size=60), st.sampled_from([90, 95, 98]))
def test_percentile_equals_numpy_linear_and_is_bounded(values, p):
    m = hj663_percentile(values, p)
    assert m == pytest.approx(np.percentile(values, p, method="linear"))
    assert min(values) - 1e-9 <= m <= max(values) + 1e-9


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.one_of(finite, st.just(np.nan))), min_size=1, max_size=80))
def test_grouped_percentile_matches_one_group_at_a_time(pairs):
    codes = np.array([c for c, _ in pairs])
    values = np.array([v for _, v in pairs], dtype=float)
    got = grouped_percentile(codes, values, 95, 5)
    for g in range(5):
        exp = hj663_percentile(values[codes == g], 95)
        assert (np.isnan(got[g]) and np.isnan(exp)) or got[g] == pytest.approx(exp)


# --- rounding (GB/T 8170: half to even) ------------------------------------------------------------
@pytest.mark.parametrize(
    "x,dec,expected",
    [
        (34.5, 0, 34),
        (35.5, 0, 36),
        (34.51, 0, 35),
        (75.5, 0, 76),
        (0.45, 1, 0.4),
        (0.55, 1, 0.6),
        (1.25, 1, 1.2),
        (2.35, 1, 2.4),
        (35.49, 0, 35),
    ],
)
def test_round_half_even(x, dec, expected):
    assert round_half_even(x, dec) == pytest.approx(expected)


def test_rounding_decides_compliance_at_the_limit():
    """Annual mean 35.5 rounds to 36 (> 35: not compliant); 34.5 rounds to 34 (compliant)."""
    dates = pd.date_range("2021-01-01", "2021-12-31")
    for mean, rounded, compliant in [(35.5, 36, 0.0), (34.5, 34, 1.0)]:
        d = pd.DataFrame({"city": "x", "date": dates, "pm25": mean})
        s = annual_statistics(d).set_index("indicator_id")
        assert s.loc["pm25_annual_mean", "value_unrounded"] == pytest.approx(mean)
        assert s.loc["pm25_annual_mean", "value"] == rounded
        assert s.loc["pm25_compliant_grade2", "value"] == compliant


# --- statistics of a hand-made year ------------------------------------------------------------------
def _hand_year() -> pd.DataFrame:
    dates = pd.date_range("2021-01-01", "2021-12-31")
    d = np.arange(1, 366)
    return pd.DataFrame(
        {
            "city": "zhengzhou",
            "date": dates,
            "pm25": np.where(d % 5 == 0, 90.0, 30.0),  # 73 x 90, 292 x 30 -> mean 42, p95 90, 73 days > 75
            "pm10": np.where(d % 5 == 0, 180.0, 60.0),  # mean 84, p95 180, 73 days > 150
            "so2": 8.0 + d % 5,  # 8..12, 73 each -> mean 10, p98 12
            "no2": 20.0 + d % 10,
            "co": np.round(0.5 + 0.1 * (d % 5), 1),  # p95 0.9
            "o3_8h": np.where(d % 10 == 0, 170.0, 80.0),  # 36 x 170 -> p90 80, 36 days > 160
        }
    )


def test_hand_year_statistics():
    s = annual_statistics(_hand_year()).set_index("indicator_id")
    v = s["value"]
    assert v["pm25_annual_mean"] == 42 and v["pm25_p95"] == 90 and v["pm25_days_over_grade2"] == 73
    assert v["pm10_annual_mean"] == 84 and v["pm10_p95"] == 180 and v["pm10_days_over_grade2"] == 73
    assert v["so2_annual_mean"] == 10 and v["so2_p98"] == 12 and v["so2_days_over_grade2"] == 0
    no2 = 20.0 + np.arange(1, 366) % 10
    assert s.loc["no2_annual_mean", "value_unrounded"] == pytest.approx(no2.mean())
    assert v["no2_p98"] == round_half_even(np.percentile(no2, 98), 0)
    assert v["co_p95"] == pytest.approx(0.9)
    assert v["o3_8h_p90"] == 80 and v["o3_8h_days_over_grade2"] == 36
    # compliance: PM2.5 42 > 35 -> no; PM10 84 > 70 -> no; SO2 10/12 -> grade I and II; O3 80 <= 100 -> grade I
    assert v["pm25_compliant_grade2"] == 0 and v["pm10_compliant_grade2"] == 0
    assert v["so2_compliant_grade1"] == 1 and v["o3_8h_compliant_grade1"] == 1
    assert v["no2_compliant_grade2"] == 1 and v["co_compliant_grade2"] == 1
    assert v["air_compliant_grade2"] == 0
    # AQI: 73 days with PM2.5 90 (IAQI 119) -> lightly polluted; 292 days PM10 60 -> IAQI 55 good
    assert v["valid_days"] == 365 and v["good_days"] == 292 and v["good_days_ratio"] == 80.0
    assert v["days_aqi_good"] == 292 and v["days_aqi_lightly_polluted"] == 73 and v["days_aqi_excellent"] == 0
    assert v["pm10_primary_days"] == 292 and v["pm25_primary_days"] == 73 and v["o3_primary_days"] == 0
    assert v["heavy_pollution_days"] == 0
    assert s["valid"].all()
    assert set(s.index) <= set(AIR_INDICATORS)


def test_good_days_ratio_over_valid_days_only():
    d = _hand_year()
    d.loc[d.index[:10], "no2"] = np.nan  # 10 days without a valid AQI (all on 30-ug days? check)
    s = annual_statistics(d).set_index("indicator_id")["value"]
    n_bad_good = int((np.arange(1, 11) % 5 != 0).sum())  # of the 10 days, 8 would have been good
    assert s["valid_days"] == 355 and s["good_days"] == 292 - n_bad_good
    assert s["good_days_ratio"] == round_half_even((292 - n_bad_good) / 355 * 100, 1)


def test_partial_pollutant_set_gives_no_aqi_statistics():
    s = annual_statistics(_hand_year()[["city", "date", "pm25"]])
    assert "good_days" not in set(s["indicator_id"]) and "pm25_p95" in set(s["indicator_id"])


def test_several_cities_and_years_are_independent():
    a = _hand_year()
    b = _hand_year().assign(city="xinxiang", pm25=lambda f: f["pm25"] + 10)
    c = _hand_year().assign(date=lambda f: f["date"] + pd.offsets.DateOffset(years=1))
    s = annual_statistics(pd.concat([a, b, c], ignore_index=True))
    m = s.loc[s.indicator_id == "pm25_annual_mean"].set_index(["city", "year"])["value"]
    assert m[("zhengzhou", 2021)] == 42 and m[("xinxiang", 2021)] == 52
    assert ("zhengzhou", 2022) in m.index


# --- standards -------------------------------------------------------------------------------------------
def test_default_standard_and_2026_refused():
    assert default_standard(2013) == "2012" and default_standard(2030) == "2026"
    with pytest.raises(UnconfirmedStandardError, match="PM10"):
        get_standard("2026")
    with pytest.raises(UnconfirmedStandardError, match="2026"):
        annual_statistics(_hand_year().assign(date=lambda f: f["date"] + pd.offsets.DateOffset(years=5)))
    s = annual_statistics(
        _hand_year().assign(date=lambda f: f["date"] + pd.offsets.DateOffset(years=5)), standard="2012"
    )
    assert (s["year"] == 2026).all() and s["standard"].str.contains("GB 3095-2012").all()
    with pytest.raises(InvalidChoiceError, match="'2012'"):
        resolve_standards([2020], "1996")


def test_air_indicators_registry_entries_are_well_formed():
    for iid, e in AIR_INDICATORS.items():
        assert e["measure"] in MEASURES and e["direction"] in DIRECTIONS, iid
        assert e["unit"] in {"ug/m3", "mg/m3", "days", "%", "bool"}, iid
    for iid, unit in [
        ("pm25_annual_mean", "ug/m3"),
        ("pm10_annual_mean", "ug/m3"),
        ("good_days", "days"),
        ("good_days_ratio", "%"),
        ("co_p95", "mg/m3"),
        ("o3_8h_p90", "ug/m3"),
    ]:
        assert AIR_INDICATORS[iid]["unit"] == unit


# --- pipeline and observation format ---------------------------------------------------------------------
def test_annual_air_quality_flags_and_invalid_year_kept():
    d = _hand_year()
    d.loc[0, "pm25"] = -5.0  # negative -> missing
    d.loc[1, "pm25"] = 9999.0  # replacement code -> missing
    d = d.iloc[:300]  # year not valid
    stats, quality = annual_air_quality(d)
    q = quality.set_index("pollutant").loc["pm25"]
    assert q["n_negative"] == 1 and q["n_sentinel"] == 1 and q["n_days"] == 298 and not q["valid"]
    assert q["n_missing_dates"] == 65
    mean = stats.set_index("indicator_id").loc["pm25_annual_mean"]
    assert not mean["valid"] and mean["n_days"] == 298
    obs = to_observations(stats, source="f.csv")
    row = obs.loc[obs.indicator_id == "pm25_annual_mean"].iloc[0]
    assert (
        row["note"].startswith("NOT VALID")
        and row["basis"] == "computed"
        and "298 daily values" in row["source_detail"]
    )
    assert "pm25_annual_mean" not in set(to_observations(stats, source="f.csv", exclude_invalid=True)["indicator_id"])


def test_to_observations_has_the_raw_readme_columns():
    obs = to_observations(annual_statistics(_hand_year()), source="f.csv")
    assert list(obs.columns) == [
        "city",
        "indicator_id",
        "year",
        "value",
        "unit",
        "scope",
        "source",
        "source_detail",
        "basis",
        "note",
    ]
    assert (obs["basis"] == "computed").all() and obs["value"].notna().all()
