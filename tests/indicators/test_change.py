"""Tests of qclib.indicators.change (yoy_change, reduction_vs_base, change_vs_base)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qclib.exceptions import DataValidationError, InvalidChoiceError, MissingYearError, ZeroBaseError
from qclib.indicators.change import change_kind_for_measure, change_vs_base, reduction_vs_base, yoy_change


@pytest.mark.parametrize(
    "values, years, kind, year, expected",
    [
        ([90.9, 93.1], [2012, 2013], "rate", 2013, 2.2),  # seed 000: +2.2 pp
        ([4134.86, 5877.0], [2012, 2013], "level", 2013, 42.13),  # seed 000: ~42 %
        ([363.0, 141.0], [2012, 2013], "level", 2013, -61.16),  # seed 000 approvals
        ([100.0, 90.0], [2019, 2020], "level", 2020, -10.0),
        ([50.0, 40.0], [2019, 2020], "rate", 2020, -10.0),
        ([-10.0, -5.0], [2019, 2020], "level", 2020, 50.0),  # signed: rise is positive
    ],
)
def test_yoy_change_values(values, years, kind, year, expected):
    out = yoy_change(pd.Series(values, index=years), kind)
    assert out.loc[year] == pytest.approx(expected, abs=0.005)
    assert np.isnan(out.loc[years[0]])


def test_yoy_change_names_the_unit():
    s = pd.Series([1.0, 2.0], index=[2000, 2001])
    assert yoy_change(s, "rate").name == "yoy_change_pp"
    assert yoy_change(s, "level").name == "yoy_change_pct"


def test_yoy_change_never_bridges_a_gap(nan_gap):
    out = yoy_change(nan_gap, "level")
    assert np.isnan(out.loc[2014])  # 2013 missing
    assert np.isnan(out.loc[2015])  # value NaN
    assert np.isnan(out.loc[2016])  # previous NaN
    assert list(out.index) == [2012, 2014, 2015, 2016]


def test_yoy_change_empty_and_single(empty, single_year):
    assert yoy_change(empty, "rate").empty
    out = yoy_change(single_year, "rate")
    assert out.index.tolist() == [2015] and np.isnan(out.loc[2015])


def test_yoy_change_zero_previous_level(zero_base):
    with pytest.raises(ZeroBaseError) as err:
        yoy_change(zero_base, "level")
    assert err.value.year == 2013
    # in percentage points a zero is fine
    assert yoy_change(zero_base, "rate").loc[2014] == 1.0


def test_yoy_change_bad_kind():
    with pytest.raises(InvalidChoiceError) as err:
        yoy_change(pd.Series([1.0], index=[2000]), "percent")
    assert err.value.allowed == ("rate", "level")


def test_year_labels_not_positions():
    # label 1 exists at position 0: a positional lookup would give the wrong year
    s = pd.Series([10.0, 20.0, 40.0], index=[1, 2, 0])
    out = yoy_change(s, "level")
    assert out.loc[1] == pytest.approx(-75.0)  # 40 (year 0) -> 10 (year 1)
    assert out.loc[2] == pytest.approx(100.0)


def test_non_integer_index_and_duplicates_rejected():
    with pytest.raises(DataValidationError):
        yoy_change(pd.Series([1.0, 2.0], index=["a", "b"]), "rate")
    with pytest.raises(DataValidationError):
        yoy_change(pd.Series([1.0, 2.0], index=[2000, 2000]), "rate")


def test_inputs_not_mutated(lower_is_better):
    before = lower_is_better.copy()
    yoy_change(lower_is_better, "level")
    reduction_vs_base(lower_is_better, 2013)
    pd.testing.assert_series_equal(lower_is_better, before)


@pytest.mark.parametrize(
    "values, years, base, year, expected",
    [
        ([100.0, 85.0], [2010, 2015], 2010, 2015, 15.0),
        ([100.0, 85.2], [2010, 2015], 2010, 2015, 14.8),  # COD -14.8 % vs 2010 (seed 001 item 7)
        ([363.0, 141.0], [2012, 2013], 2012, 2013, 61.157),  # seed 000: levels give 61.2 %
        ([108.0, 95.0], [2013, 2016], 2013, 2016, 12.037),  # PM2.5 plan: 12.04 %
        ([50.0, 60.0], [2010, 2011], 2010, 2011, -20.0),  # a rise is a negative reduction
    ],
)
def test_reduction_vs_base_values(values, years, base, year, expected):
    assert reduction_vs_base(pd.Series(values, index=years), base).loc[year] == pytest.approx(expected, abs=0.001)


def test_reduction_missing_base_year(missing_base_year):
    with pytest.raises(MissingYearError) as err:
        reduction_vs_base(missing_base_year, 2010)
    assert err.value.year == 2010
    assert err.value.available == [2011, 2012, 2013, 2014]
    assert "base year 2010" in str(err.value)


def test_reduction_zero_base(zero_base):
    with pytest.raises(ZeroBaseError) as err:
        reduction_vs_base(zero_base, 2013)
    assert err.value.year == 2013


def test_reduction_base_nan_is_missing(nan_gap):
    with pytest.raises(MissingYearError):
        reduction_vs_base(nan_gap, 2015)


def test_change_vs_base_is_minus_reduction(lower_is_better):
    pd.testing.assert_series_equal(
        change_vs_base(lower_is_better, 2013).rename(None),
        (-reduction_vs_base(lower_is_better, 2013)).rename(None) + 0.0,
    )


@pytest.mark.parametrize(
    "measure, kind",
    [
        ("rate", "rate"),
        ("level", "level"),
        ("concentration", "level"),
        ("index", "level"),
        ("count", "level"),
        ("rank", None),
        ("boolean", None),
        ("signed", None),
    ],
)
def test_change_kind_for_measure(measure, kind):
    assert change_kind_for_measure(measure) == kind


def test_change_kind_for_measure_unknown():
    with pytest.raises(InvalidChoiceError):
        change_kind_for_measure("ratio")


values = st.lists(st.floats(0.01, 1e6, allow_nan=False), min_size=1, max_size=12)


@given(values, st.integers(1990, 2030))
def test_reduction_at_base_year_is_zero(vals, start):
    s = pd.Series(vals, index=range(start, start + len(vals)))
    assert reduction_vs_base(s, start).loc[start] == 0.0
    assert change_vs_base(s, start).loc[start] == 0.0


@given(values, st.floats(0.001, 1000.0))
def test_scaling_a_level_keeps_percent_change(vals, k):
    s = pd.Series(vals, index=range(2000, 2000 + len(vals)))
    a = yoy_change(s, "level")
    b = yoy_change(s * k, "level")
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(
        reduction_vs_base(s, 2000).to_numpy(), reduction_vs_base(s * k, 2000).to_numpy(), rtol=1e-9, atol=1e-9
    )


@given(values, st.floats(-100, 100))
def test_shifting_a_rate_keeps_pp_change(vals, c):
    s = pd.Series(vals, index=range(2000, 2000 + len(vals)))
    np.testing.assert_allclose(yoy_change(s, "rate").to_numpy(), yoy_change(s + c, "rate").to_numpy(), atol=1e-6)
