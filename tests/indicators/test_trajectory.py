"""Tests of qclib.indicators.trajectory.trajectory_path."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qclib.exceptions import DataValidationError, InvalidChoiceError, ZeroBaseError
from qclib.indicators.trajectory import trajectory_path


@pytest.mark.parametrize(
    "method, year, expected",
    [
        ("linear", 2013, 108.0),
        ("linear", 2014, 103.6667),
        ("linear", 2015, 99.3333),
        ("linear", 2016, 95.0),
        ("geometric", 2014, 103.48),  # methods file A4: compound path 103.5 / 99.1
        ("geometric", 2015, 99.15),
    ],
)
def test_pm25_plan_path(pm25_plan_target, method, year, expected):
    p = pm25_plan_target
    path = trajectory_path(
        p["base_year"], p["base_value"], p["target_year"], p["target_value"], range(2013, 2017), method
    )
    assert path.loc[year] == pytest.approx(expected, abs=0.01)
    assert path.name == "planned_value"


def test_geometric_has_constant_rate():
    path = trajectory_path(2013, 108, 2016, 95, range(2013, 2017), "geometric")
    ratios = (path / path.shift(1)).dropna().to_numpy()
    np.testing.assert_allclose(ratios, (95 / 108) ** (1 / 3))


@pytest.mark.parametrize(
    "outside, expected", [("nan", [np.nan, np.nan]), ("hold", [108.0, 95.0]), ("extrapolate", [112.3333, 90.6667])]
)
def test_outside_years(outside, expected):
    path = trajectory_path(2013, 108, 2016, 95, [2012, 2017], outside=outside)
    np.testing.assert_allclose(path.to_numpy(), expected, atol=1e-3)


def test_errors():
    with pytest.raises(DataValidationError):
        trajectory_path(2016, 1, 2016, 2, [2016])
    with pytest.raises(DataValidationError):
        trajectory_path(2010, np.nan, 2016, 2, [2016])
    with pytest.raises(ZeroBaseError):
        trajectory_path(2010, 0, 2016, 2, [2016], "geometric")
    with pytest.raises(ZeroBaseError):
        trajectory_path(2010, 3, 2016, 0, [2016], "geometric")
    with pytest.raises(DataValidationError):
        trajectory_path(2010, -3, 2016, 2, [2016], "geometric")
    with pytest.raises(InvalidChoiceError):
        trajectory_path(2010, 3, 2016, 2, [2016], "spline")
    with pytest.raises(InvalidChoiceError):
        trajectory_path(2010, 3, 2016, 2, [2016], outside="clip")


def test_zero_start_linear_is_fine():
    assert trajectory_path(2010, 0, 2012, 2, [2011]).loc[2011] == 1.0


def test_empty_years():
    assert trajectory_path(2010, 1, 2012, 2, []).empty


@given(
    st.integers(1990, 2030),
    st.integers(1, 30),
    st.floats(0.1, 1e5),
    st.floats(0.1, 1e5),
    st.sampled_from(["linear", "geometric"]),
)
def test_endpoints_equal_inputs(y0, span, v0, vT, method):
    path = trajectory_path(y0, v0, y0 + span, vT, [y0, y0 + span], method)
    assert path.loc[y0] == v0 and path.loc[y0 + span] == vT


@given(st.integers(2, 20), st.floats(0.1, 1e5), st.floats(0.1, 1e5), st.sampled_from(["linear", "geometric"]))
def test_path_is_monotone_between_endpoints(span, v0, vT, method):
    path = trajectory_path(2000, v0, 2000 + span, vT, range(2000, 2001 + span), method).to_numpy()
    d = np.diff(path)
    assert (d <= 1e-9 * max(v0, vT)).all() or (d >= -1e-9 * max(v0, vT)).all()
