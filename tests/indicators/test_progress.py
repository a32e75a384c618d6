"""Tests of qclib.indicators.progress.progress."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qclib.constants import PROGRESS_CATEGORIES
from qclib.exceptions import DataValidationError, InvalidChoiceError, MissingYearError
from qclib.indicators.progress import progress


def _s(values, start):
    return pd.Series(values, index=range(start, start + len(values)), dtype=float)


def test_methods_file_worked_example(pm25_plan_target):
    """methods-and-standards.md A4: 108 -> 95 (2013-2016), 100 in 2015."""
    p = progress(
        _s([108.0, 104.0, 100.0], 2013),
        direction="lower_is_better",
        **{k: pm25_plan_target[k] for k in ("base_year", "target_year", "target_value")},
    )
    assert p.cagr_required_pct == pytest.approx(-4.19, abs=0.005)
    assert p.cagr_observed_pct == pytest.approx(-3.77, abs=0.005)
    assert p.ror == pytest.approx(0.90, abs=0.005)
    assert p.category == "moderate"
    assert p.projection_ratio == pytest.approx(0.906, abs=0.0005)
    assert p.un_label == "fair_progress"
    assert p.improvement_share_pct == pytest.approx(61.54, abs=0.01)
    assert p.ror_method == "cagr"
    assert p.years_elapsed == 2 and p.years_remaining == 1
    assert p.required_annual_change == pytest.approx(-5.0)
    assert p.required_annual_rate_pct == pytest.approx(-5.0)


@pytest.mark.parametrize(
    "latest, category",
    [
        (125.0, "achieved"),
        (121.0, "achieved"),
        (110.0, "significant"),
        (106.0, "moderate"),
        (103.0, "insufficient"),
        (100.0, "insufficient"),
        (95.0, "moving_away"),
    ],
)
def test_eurostat_categories_higher_is_better(latest, category):
    # CAGR_r over 2 years to 121 from 100 = 10 %/yr; one year observed
    p = progress(
        _s([100.0, latest], 2020), base_year=2020, target_year=2022, target_value=121.0, direction="higher_is_better"
    )
    assert p.category == category
    assert p.category in PROGRESS_CATEGORIES


@pytest.mark.parametrize(
    "latest, category",
    [(90.0, "achieved"), (95.0, "significant"), (97.0, "moderate"), (99.0, "insufficient"), (101.0, "moving_away")],
)
def test_eurostat_categories_lower_is_better(latest, category):
    p = progress(
        _s([100.0, latest], 2020), base_year=2020, target_year=2022, target_value=90.25, direction="lower_is_better"
    )  # -5 %/yr required
    assert p.category == category


def test_already_met_at_base(already_met):
    p = progress(already_met, base_year=2012, target_year=2015, target_value=90.0, direction="higher_is_better")
    assert p.met and p.category == "achieved" and p.un_label == "achieved"
    # met at base, fallen below since: moving away, whatever the RoR sign
    s = _s([92.0, 89.0], 2012)
    q = progress(s, base_year=2012, target_year=2015, target_value=90.0, direction="higher_is_better")
    assert q.category == "moving_away"


def test_zero_base_uses_linear_pace(zero_base):
    p = progress(zero_base, base_year=2013, target_year=2018, target_value=5.0, direction="higher_is_better")
    assert p.ror_method == "linear"
    assert np.isnan(p.cagr_observed_pct)
    assert p.ror == pytest.approx(1.5)  # 1.5/yr observed vs 1/yr required
    assert p.category == "significant"
    assert p.projected_value == pytest.approx(7.5)


def test_negative_values_use_linear_pace():
    p = progress(
        _s([-10.0, -8.0], 2020), base_year=2020, target_year=2024, target_value=-2.0, direction="higher_is_better"
    )
    assert p.ror_method == "linear" and p.ror == pytest.approx(1.0)
    assert p.category == "significant"


def test_target_year_passed_uses_data_up_to_target_year(lower_is_better):
    p = progress(lower_is_better, base_year=2013, target_year=2016, target_value=95.0, direction="lower_is_better")
    assert p.target_year_passed and p.latest_year == 2016 and p.latest_value == 97.0
    assert p.years_remaining == 0 and np.isnan(p.required_annual_change)
    assert p.ror == pytest.approx(((97 / 108) ** (1 / 3) - 1) / ((95 / 108) ** (1 / 3) - 1))
    assert p.category == "moderate"  # RoR 0.84
    assert p.milestone_required_pct == 100.0 and p.milestone_met is False


def test_latest_equals_base_year(single_year):
    p = progress(single_year, base_year=2015, target_year=2020, target_value=99.0, direction="higher_is_better")
    assert p.latest_year == 2015 and p.years_elapsed == 0
    assert np.isnan(p.ror) and p.category == "not_assessable"
    assert np.isnan(p.milestone_required_pct)


def test_missing_base_year(missing_base_year):
    with pytest.raises(MissingYearError) as err:
        progress(missing_base_year, base_year=2010, target_year=2015, target_value=80.0, direction="lower_is_better")
    assert err.value.year == 2010
    p = progress(
        missing_base_year,
        base_year=2010,
        target_year=2015,
        target_value=80.0,
        direction="lower_is_better",
        base_value=100.0,
    )
    assert p.base_value == 100.0 and p.latest_year == 2014


def test_bad_arguments(lower_is_better):
    with pytest.raises(InvalidChoiceError):
        progress(lower_is_better, base_year=2013, target_year=2016, target_value=95, direction="none")
    with pytest.raises(DataValidationError):
        progress(lower_is_better, base_year=2013, target_year=2013, target_value=95, direction="lower_is_better")
    with pytest.raises(DataValidationError):
        progress(
            lower_is_better, base_year=2013, target_year=2016, target_value=95, direction="lower_is_better", year=2012
        )


def test_nan_gap_is_skipped_not_filled(nan_gap):
    p = progress(nan_gap, base_year=2012, target_year=2020, target_value=30.0, direction="higher_is_better")
    assert p.latest_year == 2016 and p.worsened_yoy is None  # 2015 is NaN
    assert p.destatis_symbol == "not_assessable"  # no 4 consecutive points


@pytest.mark.parametrize(
    "values, year, required, met, points",
    [
        ([108.0, 106.0], 2014, 10.0, True, 100.0),  # share 2/13 = 15 % >= 10 %
        ([108.0, 107.5], 2014, 10.0, False, 38.46),  # share 3.8 % of 10 %: [M] proportional
        ([108.0, 104.0, 105.0], 2015, 35.0, False, 0.0),  # rose year on year: 0 points
        ([108.0, 104.0, 100.0, 99.0], 2016, 100.0, False, 69.23),  # final year requires 100 %
    ],
)
def test_air_plan_milestones(values, year, required, met, points):
    p = progress(
        _s(values, 2013), base_year=2013, target_year=2016, target_value=95.0, direction="lower_is_better", year=year
    )
    assert p.milestone_required_pct == required
    assert p.milestone_met is met
    assert p.milestone_points == pytest.approx(points, abs=0.01)


def test_milestones_can_be_switched_off():
    p = progress(
        _s([108.0, 106.0], 2013),
        base_year=2013,
        target_year=2016,
        target_value=95.0,
        direction="lower_is_better",
        milestones=None,
    )
    assert np.isnan(p.milestone_required_pct) and p.milestone_met is None


@pytest.mark.parametrize(
    "target, symbol, missed",
    [(80.0, "cloud", 28.0), (82.0, "sun_behind_cloud", 10.0), (83.0, "sun", -2.857), (50.0, "cloud", 82.0)],
)
def test_destatis(lower_is_better, target, symbol, missed):
    # last six points 108..90 (2013-2018): average change -3.6/yr -> 82.8 in 2020
    p = progress(lower_is_better, base_year=2013, target_year=2020, target_value=target, direction="lower_is_better")
    assert p.destatis_projected_value == pytest.approx(82.8)
    assert p.destatis_symbol == symbol
    assert p.destatis_gap_missed_pct == pytest.approx(missed, abs=0.01)


def test_destatis_wrong_way_is_thunderstorm():
    s = _s([90.0, 92.0, 94.0, 96.0], 2013)
    p = progress(s, base_year=2013, target_year=2020, target_value=80.0, direction="lower_is_better")
    assert p.destatis_symbol == "thunderstorm"


def test_to_dict_and_input_unchanged(lower_is_better):
    before = lower_is_better.copy()
    d = progress(
        lower_is_better, base_year=2013, target_year=2020, target_value=80.0, direction="lower_is_better"
    ).to_dict()
    assert d["category"] in PROGRESS_CATEGORIES
    pd.testing.assert_series_equal(lower_is_better, before)


_RANK = {"moving_away": 0, "not_assessable": 0, "insufficient": 1, "moderate": 2, "significant": 3, "achieved": 4}


@given(st.floats(50, 150), st.floats(0.1, 30))
def test_lower_value_never_worsens_lower_is_better_category(latest, cut):
    base = _s([100.0, latest], 2020)
    better = _s([100.0, latest - cut], 2020)
    kw = dict(base_year=2020, target_year=2023, target_value=90.0, direction="lower_is_better")
    assert _RANK[progress(better, **kw).category] >= _RANK[progress(base, **kw).category]
