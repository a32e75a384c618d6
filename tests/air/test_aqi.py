"""HJ 633-2012 IAQI/AQI: every breakpoint edge of every item, the > 800 rules, categories."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qclib.air.aqi import aqi_category, daily_aqi, iaqi
from qclib.air.standards import BREAKPOINTS_2012, get_standard
from qclib.exceptions import InvalidChoiceError

EDGES = [(item, c, lvl) for item, (bps, lvls) in BREAKPOINTS_2012.items() for c, lvl in zip(bps, lvls)]


@pytest.mark.parametrize("item,conc,level", EDGES, ids=[f"{i}@{c}" for i, c, _ in EDGES])
def test_iaqi_at_each_breakpoint_is_the_table_level(item, conc, level):
    assert iaqi(conc, item)[0] == level
    assert iaqi(conc, item, rounded=False)[0] == pytest.approx(level)


@pytest.mark.parametrize(
    "item,conc,level",
    [e for e in EDGES if e[2] < max(BREAKPOINTS_2012[e[0]][1])],
    ids=[f"{i}@{c}+" for i, c, lvl in EDGES if lvl < max(BREAKPOINTS_2012[i][1])],
)
def test_iaqi_just_above_a_breakpoint_rounds_up_into_next_band(item, conc, level):
    bps, lvls = BREAKPOINTS_2012[item]
    j = list(bps).index(conc)
    step = (bps[j + 1] - bps[j]) / 1000
    assert iaqi(conc + step, item)[0] == level + 1


@pytest.mark.parametrize(
    "item,conc,expected",
    [
        ("pm25_24h", 55, 75.0),  # 50 + (100-50)/(75-35)*(55-35) = 75
        ("pm25_24h", 90, 118.75),  # 100 + 50/40*15
        ("pm10_24h", 180, 115.0),
        ("so2_24h", 300, 100 + 50 / 325 * 150),
        ("co_24h", 3, 75.0),
        ("o3_8h", 170, 100 + 50 / 55 * 10),
        ("no2_24h", 60, 75.0),
    ],
)
def test_iaqi_linear_formula_by_hand(item, conc, expected):
    assert iaqi(conc, item, rounded=False)[0] == pytest.approx(expected)
    assert iaqi(conc, item)[0] == math.ceil(expected - 1e-9)


def test_above_highest_breakpoint_is_500():
    assert iaqi([501, 10_000], "pm25_24h").tolist() == [500.0, 500.0]
    assert iaqi(2621, "so2_24h")[0] == 500


def test_over_800_rules_so2_1h_and_o3_8h_not_computed():
    assert np.isnan(iaqi(801, "so2_1h")[0]) and iaqi(800, "so2_1h")[0] == 200
    assert np.isnan(iaqi(801, "o3_8h")[0]) and iaqi(800, "o3_8h")[0] == 300


def test_missing_and_negative_give_nan_and_unknown_item_refused():
    assert np.isnan(iaqi([np.nan, -1], "pm10_24h")).all()
    with pytest.raises(InvalidChoiceError, match="pm25_24h"):
        iaqi(10, "pm2.5")


@pytest.mark.parametrize(
    "aqi,cat",
    [
        (0, "excellent"),
        (50, "excellent"),
        (51, "good"),
        (100, "good"),
        (101, "lightly_polluted"),
        (150, "lightly_polluted"),
        (151, "moderately_polluted"),
        (200, "moderately_polluted"),
        (201, "heavily_polluted"),
        (300, "heavily_polluted"),
        (301, "severely_polluted"),
        (500, "severely_polluted"),
    ],
)
def test_categories_of_table_2(aqi, cat):
    assert aqi_category(aqi)[0] == cat


def _day(**kw):
    base = dict(pm25=20.0, pm10=40.0, so2=5.0, no2=20.0, co=0.5, o3_8h=60.0)
    base.update(kw)
    return pd.DataFrame([base])


def test_daily_aqi_primary_pollutant_only_above_50_and_ties_joined():
    assert daily_aqi(_day())["primary_pollutant"][0] == ""  # AQI 40
    r = daily_aqi(_day(pm25=75.0, pm10=150.0))  # both IAQI 100
    assert r["aqi"][0] == 100 and r["primary_pollutant"][0] == "PM2.5,PM10"
    assert r["category"][0] == "good"


def test_daily_aqi_o3_8h_over_800_uses_o3_1h_and_is_invalid_without_it():
    r = daily_aqi(_day(o3_8h=850.0))
    assert not r["aqi_valid"][0] and np.isnan(r["aqi"][0])
    r = daily_aqi(_day(o3_8h=850.0).assign(o3_1h=1000.0))
    assert r["aqi_valid"][0] and r["aqi"][0] == 400 and r["primary_pollutant"][0] == "O3"


def test_daily_aqi_needs_all_six_pollutants():
    r = daily_aqi(_day(no2=np.nan))
    assert not r["aqi_valid"][0]
    assert not daily_aqi(_day().drop(columns="co"))["aqi_valid"][0]


def test_daily_aqi_does_not_mutate_input():
    d = _day()
    before = d.copy()
    daily_aqi(d)
    pd.testing.assert_frame_equal(d, before)


conc = st.floats(min_value=0, max_value=3000, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(a=conc, b=conc, item=st.sampled_from(sorted(BREAKPOINTS_2012)))
def test_iaqi_is_monotone_non_decreasing(a, b, item):
    lo, hi = sorted((a, b))
    x, y = iaqi([lo, hi], item)
    if np.isfinite(x) and np.isfinite(y):
        assert x <= y


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(conc, conc, conc, conc, st.floats(0, 100), st.floats(0, 800)), min_size=1, max_size=20))
def test_aqi_is_max_of_iaqi(rows):
    d = pd.DataFrame(rows, columns=["pm25", "pm10", "so2", "no2", "co", "o3_8h"])
    r = daily_aqi(d)
    iaqis = r[[c for c in r.columns if c.startswith("iaqi_")]].to_numpy()
    assert np.allclose(r["aqi"].to_numpy(), iaqis.max(axis=1))
    assert ((r["aqi"] > 50) == (r["primary_pollutant"] != "")).all()


def test_standard_2012_tables_are_complete():
    std = get_standard("2012")
    for item, (bps, lvls) in std.breakpoints.items():
        assert len(bps) == len(lvls) and list(bps) == sorted(bps), item
