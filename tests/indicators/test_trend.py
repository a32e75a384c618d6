"""Tests of qclib.indicators.trend (Theil-Sen slope, Mann-Kendall test)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from qclib.indicators.trend import MIN_TREND_POINTS, trend, trend_matrix


def test_min_points_is_the_smallest_n_with_p_below_005():
    def min_p(n):
        s_max = n * (n - 1) / 2
        var = n * (n - 1) * (2 * n + 5) / 18
        return 2 * special.ndtr(-(s_max - 1) / np.sqrt(var))

    assert min_p(MIN_TREND_POINTS - 1) > 0.05
    assert min_p(MIN_TREND_POINTS) < 0.05


def test_decreasing_series(lower_is_better):
    r = trend(lower_is_better)
    assert r.label == "decreasing" and r.n == 6 and r.s == -15.0
    assert r.slope == pytest.approx(stats.theilslopes(lower_is_better.to_numpy(), lower_is_better.index.to_numpy())[0])
    assert r.p_value < 0.05


def test_too_short_is_insufficient(lower_is_better, single_year, empty):
    r = trend(lower_is_better.iloc[:4])
    assert r.label == "insufficient_data" and not np.isnan(r.slope)
    assert trend(single_year).label == "insufficient_data"
    assert np.isnan(trend(single_year).slope)
    assert trend(empty).n == 0


def test_flat_series_has_no_trend():
    r = trend(pd.Series([5.0] * 6, index=range(2010, 2016)))
    assert r.label == "no_trend" and r.s == 0 and r.p_value == 1.0 and r.slope == 0.0


def test_nan_gap_uses_real_year_distance(nan_gap):
    r = trend(nan_gap)
    assert r.n == 3
    # pairwise slopes (12-10)/2, (15-10)/4, (15-12)/2 -> median 1.25
    assert r.slope == pytest.approx(1.25)


@pytest.mark.parametrize(
    "values, s, var_s",
    [
        ([1, 2, 3, 4, 5], 10, 5 * 4 * 15 / 18),  # no ties: 16.667
        ([1, 1, 2, 2, 3], 8, (5 * 4 * 15 - 2 * (2 * 1 * 9)) / 18),  # two tie groups of 2
        ([3, 3, 3, 1], -3, (4 * 3 * 13 - 3 * 2 * 11) / 18),  # tie group of 3
    ],
)
def test_mann_kendall_tie_correction(values, s, var_s):
    r = trend(pd.Series(values, index=range(2000, 2000 + len(values)), dtype=float))
    assert r.s == s
    assert r.var_s == pytest.approx(var_s)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 6).map(float)), min_size=0, max_size=12))
def test_matrix_matches_scalar(vals):
    vals = [np.nan if v is None else v for v in vals]
    years = np.arange(2000, 2000 + len(vals))
    s = pd.Series(vals, index=years, dtype=float)
    r = trend(s)
    if len(vals) == 0:
        return
    m = trend_matrix(np.array([vals], dtype=float), years).iloc[0]
    assert m["n"] == r.n and m["s"] == r.s and m["label"] == r.label
    np.testing.assert_allclose(
        [m["slope"], m["var_s"], m["p_value"]], [r.slope, r.var_s, r.p_value], equal_nan=True, atol=1e-12
    )


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=2, max_size=15, unique=True))
def test_s_agrees_with_kendalltau_without_ties(vals):
    n = len(vals)
    r = trend(pd.Series(vals, index=range(2000, 2000 + n)))
    tau = stats.kendalltau(np.arange(n), vals).statistic
    assert r.s == pytest.approx(tau * n * (n - 1) / 2)


def test_matrix_input_not_mutated():
    m = np.array([[1.0, np.nan, 3.0, 2.0, 5.0]])
    before = m.copy()
    trend_matrix(m, np.arange(5))
    np.testing.assert_array_equal(m, before)
