"""Tests of qclib.indicators.attainment (status rules for every target kind)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qclib.constants import STATUSES, TARGET_KINDS
from qclib.exceptions import DataValidationError, InvalidChoiceError
from qclib.indicators.attainment import assess_targets, attainment

CASES = [
    # kind, kwargs, status, gap
    ("threshold", dict(comparator=">=", target_value=90, target_year=2015, year=2015, value=93.1), "met", -3.1),
    ("threshold", dict(comparator=">=", target_value=90, target_year=2015, year=2015, value=88.0), "not_met", 2.0),
    ("threshold", dict(comparator=">=", target_value=90, target_year=2015, year=2013, value=93.1), "on_track", -3.1),
    ("threshold", dict(comparator=">=", target_value=90, target_year=2015, year=2013, value=80.0), "off_track", 10.0),
    ("threshold", dict(comparator=">", target_value=90, target_year=2015, year=2015, value=90.0), "not_met", 0.0),
    ("threshold", dict(comparator="==", target_value=100, target_year=2015, year=2016, value=100.0), "met", 0.0),
    ("threshold", dict(comparator=">=", target_value=90, target_year=None, year=2013, value=91.0), "met", -1.0),
    ("count", dict(comparator=">=", target_value=1, target_year=2015, year=2015, value=0.0), "not_met", 1.0),
    ("rank", dict(comparator="<=", target_value=10, target_year=2015, year=2015, value=7.0), "met", -3.0),
    # PM2.5 trajectory 108 (2013) -> 95 (2016): path 103.67 in 2014, 99.33 in 2015
    (
        "trajectory",
        dict(
            comparator="<=", target_value=95, target_year=2016, year=2014, value=103.0, base_year=2013, base_value=108
        ),
        "on_track",
        8.0,
    ),
    (
        "trajectory",
        dict(
            comparator="<=", target_value=95, target_year=2016, year=2015, value=100.0, base_year=2013, base_value=108
        ),
        "off_track",
        5.0,
    ),
    (
        "trajectory",
        dict(comparator="<=", target_value=95, target_year=2016, year=2016, value=95.0, base_year=2013, base_value=108),
        "met",
        0.0,
    ),
    (
        "trajectory",
        dict(comparator="<=", target_value=95, target_year=2016, year=2017, value=96.0, base_year=2013, base_value=108),
        "not_met",
        1.0,
    ),
    # COD -14.8 % vs 2010 by 2015 (seed 001 item 7); pro rata 8.88 % by 2013
    (
        "reduction_vs_base",
        dict(
            comparator=">=", target_value=14.8, target_year=2015, year=2015, value=85.2, base_year=2010, base_value=100
        ),
        "met",
        0.0,
    ),
    (
        "reduction_vs_base",
        dict(
            comparator=">=", target_value=14.8, target_year=2015, year=2013, value=91.0, base_year=2010, base_value=100
        ),
        "on_track",
        5.8,
    ),
    (
        "reduction_vs_base",
        dict(
            comparator=">=", target_value=14.8, target_year=2015, year=2013, value=92.0, base_year=2010, base_value=100
        ),
        "off_track",
        6.8,
    ),
    (
        "change_vs_base",
        dict(comparator="<=", target_value=-5, target_year=2017, year=2017, value=57.0, base_year=2016, base_value=60),
        "met",
        0.0,
    ),
    (
        "change_vs_base",
        dict(comparator="<=", target_value=-5, target_year=2017, year=2017, value=58.0, base_year=2016, base_value=60),
        "not_met",
        1.6667,
    ),
    (
        "vs_reference",
        dict(
            comparator="<",
            target_value=None,
            target_year=2015,
            year=2015,
            value=40.0,
            reference="china",
            reference_value=45.0,
        ),
        "met",
        -5.0,
    ),
    (
        "vs_reference",
        dict(
            comparator="<",
            target_value=None,
            target_year=2015,
            year=2015,
            value=50.0,
            reference="china",
            reference_value=45.0,
        ),
        "not_met",
        5.0,
    ),
    ("boolean", dict(comparator=None, target_value=None, target_year=2015, year=2015, value=1.0), "met", 0.0),
    ("boolean", dict(comparator=None, target_value=None, target_year=2015, year=2015, value=0.0), "not_met", 1.0),
    ("boolean", dict(comparator=None, target_value=None, target_year=2015, year=2014, value=0.0), "off_track", 1.0),
]


@pytest.mark.parametrize("kind, kwargs, status, gap", CASES)
def test_status_and_gap(kind, kwargs, status, gap):
    r = attainment(kind, **kwargs)
    assert r.status == status
    assert r.gap == pytest.approx(gap, abs=1e-3)
    assert r.reason and r.reason_zh


def test_every_kind_is_covered():
    assert {c[0] for c in CASES} | {"trend"} == set(TARGET_KINDS)


@pytest.mark.parametrize(
    "kind, kwargs, why",
    [
        ("threshold", dict(comparator=">=", target_value=None), "states no number"),
        ("trajectory", dict(comparator="<=", target_value=None), "states no number"),
        ("trend", dict(comparator=">", target_value=None), "no number of years"),
        ("vs_reference", dict(comparator="<", target_value=None), "no reference entity"),
        ("reduction_vs_base", dict(comparator=">=", target_value=10), "no base year"),
        (
            "reduction_vs_base",
            dict(comparator=">=", target_value=10, base_year=2010, base_value=0.0),
            "base value is 0",
        ),
    ],
)
def test_not_assessable(kind, kwargs, why):
    r = attainment(kind, target_year=2015, year=2015, value=5.0, **kwargs)
    assert r.status == "not_assessable" and why in r.reason
    assert np.isnan(r.gap)


@pytest.mark.parametrize(
    "kind, kwargs, why",
    [
        ("threshold", dict(comparator=">=", target_value=90), "no value"),
        ("reduction_vs_base", dict(comparator=">=", target_value=10, base_year=2010, value=5.0), "no base-year value"),
        ("trajectory", dict(comparator="<=", target_value=95, base_year=2013, value=100.0), "no start value"),
        ("vs_reference", dict(comparator="<", target_value=None, reference="china", value=5.0), "reference entity"),
    ],
)
def test_no_data_is_never_met(kind, kwargs, why):
    r = attainment(kind, target_year=2016, year=2014, **kwargs)
    assert r.status == "no_data" and why in r.reason


def test_no_data_at_target_year():
    r = attainment("threshold", comparator=">=", target_value=90, target_year=2015, year=2015)
    assert r.status == "no_data"


@pytest.mark.parametrize(
    "values, year, n_years, comparator, status",
    [
        ([70, 72, 75, 78], 2016, 3, ">", "met"),  # rising 3 years running
        ([70, 72, 71, 78], 2016, 3, ">", "not_met"),
        ([70, 72, 75, 74], 2015, 3, ">", "on_track"),  # before target year: latest move up
        ([70, 72, 75, 74], 2016, 3, "<", "not_met"),
        ([9, 8, 7, 6], 2016, 3, "<", "met"),  # falling 3 years running
    ],
)
def test_trend_kind(values, year, n_years, comparator, status):
    s = pd.Series(values, index=range(2013, 2017), dtype=float)
    r = attainment(
        "trend", comparator=comparator, target_value=None, target_year=2016, year=year, series=s, n_years=n_years
    )
    assert r.status == status


def test_trend_gap_years_breaks_the_run(nan_gap):
    r = attainment("trend", comparator=">", target_value=None, target_year=2014, year=2014, series=nan_gap, n_years=2)
    assert r.status == "no_data"  # 2013 missing: direction unknown


def test_series_latest_year_up_to_year(missing_base_year):
    r = attainment("threshold", comparator="<=", target_value=91, target_year=2016, year=2016, series=missing_base_year)
    assert r.year == 2014 and r.value == 90.0 and r.status == "on_track"


def test_base_value_read_from_series(lower_is_better):
    r = attainment(
        "reduction_vs_base",
        comparator=">=",
        target_value=10,
        target_year=2018,
        year=2018,
        series=lower_is_better,
        base_year=2013,
    )
    assert r.measured == pytest.approx(16.667, abs=1e-3) and r.status == "met"


def test_errors():
    with pytest.raises(InvalidChoiceError):
        attainment("ratio", comparator=">=", target_value=1, target_year=2015, year=2015, value=1)
    with pytest.raises(InvalidChoiceError):
        attainment("threshold", comparator="=>", target_value=1, target_year=2015, year=2015, value=1)
    with pytest.raises(DataValidationError):
        attainment("threshold", comparator=">=", target_value=1, target_year=2015)
    with pytest.raises(DataValidationError):
        assess_targets(pd.DataFrame({"kind": ["threshold"]}))


def test_reason_texts():
    r = attainment(
        "trajectory",
        comparator="<=",
        target_value=95,
        target_year=2016,
        year=2015,
        value=100.0,
        base_year=2013,
        base_value=108,
        unit="ug/m3",
    )
    assert r.reason == (
        "2015: value 100 ug/m3 is behind the planned path <= 99.3333 ug/m3 for 2015 (target <= 95 ug/m3 by 2016)"
    )
    assert r.reason_zh.endswith("进度滞后")
    assert r.planned_value == pytest.approx(99.3333, abs=1e-4)


def test_assess_targets_does_not_mutate():
    f = pd.DataFrame(
        {
            "kind": ["threshold"],
            "comparator": [">="],
            "target_value": [90.0],
            "target_year": [2015],
            "year": [2015],
            "value": [93.1],
            "base_year": [np.nan],
            "base_value": [np.nan],
            "reference": [None],
            "reference_value": [np.nan],
            "n_years": [np.nan],
            "run_up": [0],
            "run_down": [0],
            "has_previous": [False],
            "unit": ["%"],
        }
    )
    before = f.copy()
    out = assess_targets(f)
    pd.testing.assert_frame_equal(f, before)
    assert set(out["status"]) <= set(STATUSES)


_ORDER = {"met": 1, "on_track": 1, "not_met": 0, "off_track": 0}


@given(
    st.sampled_from(["threshold", "trajectory", "reduction_vs_base", "change_vs_base"]),
    st.floats(1, 200),
    st.floats(0, 50),
    st.integers(2013, 2018),
)
def test_lower_value_never_worsens_lower_is_better_status(kind, value, cut, year):
    kw = {
        "threshold": dict(comparator="<=", target_value=95),
        "trajectory": dict(comparator="<=", target_value=95, base_year=2013, base_value=108),
        "reduction_vs_base": dict(comparator=">=", target_value=14.8, base_year=2013, base_value=108),
        "change_vs_base": dict(comparator="<=", target_value=-5, base_year=2013, base_value=108),
    }[kind]
    a = attainment(kind, target_year=2016, year=year, value=value, **kw)
    b = attainment(kind, target_year=2016, year=year, value=value - cut, **kw)
    assert _ORDER[b.status] >= _ORDER[a.status]
    assert b.gap <= a.gap + 1e-9
