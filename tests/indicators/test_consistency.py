"""Tests of qclib.indicators.consistency (reported changes vs levels, implied values)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qclib.exceptions import DataValidationError, InvalidChoiceError, ZeroBaseError
from qclib.indicators.consistency import check_reported_change, implied_value, reported_changes


@pytest.mark.parametrize(
    "prev, cur, reported, kind, sense, consistent, computed",
    [
        (363, 141, 64.2, "level", "auto", False, -61.157),  # seed 000: flagged
        (363, 141, 61.2, "level", "auto", True, -61.157),
        (363, 141, 61.2, "level", "reduction", True, -61.157),
        (363, 141, 61.2, "level", "change", False, -61.157),  # wrong sign
        (363, 141, -61.2, "level", "change", True, -61.157),
        (4134.86, 5877, 42, "level", "auto", True, 42.132),  # seed 000 "增加了42%"
        (4134.86, 5877, "42.0", "level", "auto", False, 42.132),  # 42.0 claims 0.05 precision
        (90.9, 93.1, 2.2, "rate", "auto", True, 2.2),  # seed 000 "+2.2 个百分点"
        (90.9, 93.1, 2.5, "rate", "auto", False, 2.2),
    ],
)
def test_check_reported_change(prev, cur, reported, kind, sense, consistent, computed):
    c = check_reported_change(prev, cur, reported, kind=kind, sense=sense)
    assert c.consistent is consistent
    assert c.computed_change == pytest.approx(computed, abs=0.001)
    assert c.unit == ("%" if kind == "level" else "pp")
    assert ("does not match" in c.message) is (not consistent)


def test_check_reported_change_difference_and_tolerance():
    c = check_reported_change(363, 141, 64.2)
    assert c.difference == pytest.approx(3.043, abs=0.001)
    assert c.tolerance == pytest.approx(0.05)
    assert check_reported_change(363, 141, 64.2, tolerance=5).consistent


def test_check_reported_change_errors():
    with pytest.raises(ZeroBaseError):
        check_reported_change(0, 5, 10)
    with pytest.raises(InvalidChoiceError):
        check_reported_change(1, 2, 3, kind="ratio")
    with pytest.raises(InvalidChoiceError):
        check_reported_change(1, 2, 3, sense="up")


@pytest.mark.parametrize(
    "known, change, kind, known_is, sense, expected",
    [
        (93.1, 2.2, "rate", "current", "change", 90.9),
        (90.9, 2.2, "rate", "previous", "change", 93.1),
        (4134.86, 42.13, "level", "previous", "change", 5876.88),
        (5877, 42.13, "level", "current", "change", 4134.95),
        (141, 61.157, "level", "current", "reduction", 363.0),
        (363, 61.157, "level", "previous", "reduction", 141.0),
    ],
)
def test_implied_value(known, change, kind, known_is, sense, expected):
    iv = implied_value(known, change, kind=kind, known_is=known_is, sense=sense, known_source="A", change_source="B")
    assert iv.value == pytest.approx(expected, abs=0.01)
    assert iv.basis == "derived"
    assert iv.source == "A ; B"
    assert "level: A" in iv.source_detail and "change: B" in iv.source_detail


def test_implied_value_cannot_invert_minus_100():
    with pytest.raises(DataValidationError):
        implied_value(0, -100, known_is="current")


def test_implied_value_observation_row():
    row = implied_value(93.1, 2.2, kind="rate").as_observation("zhengzhou", "x", 2012, "%")
    assert row["basis"] == "derived" and row["year"] == 2012 and row["unit"] == "%"


@given(st.floats(0.1, 1e6), st.floats(-90, 500))
def test_implied_then_checked_is_consistent(prev, change):
    cur = implied_value(prev, change, known_is="previous").value
    assert check_reported_change(prev, cur, change, sense="change", tolerance=1e-6).consistent
    back = implied_value(cur, change, known_is="current").value
    assert back == pytest.approx(prev, rel=1e-9)


# ---- reported_changes: every published change against its two levels (issue 9) -----------
@pytest.fixture
def change_registry():
    """Three reported changes: year on year (%), since 2015 (%), in percentage points."""
    return pd.DataFrame(
        {
            "indicator_id": ["pm25", "pm25_yoy_change_pct", "pm25_change_vs2015_pct", "rate", "rate_change_pp"],
            "unit": ["ug/m3", "%", "%", "%", "pp"],
            "change_of": ["", "pm25", "pm25", "", "rate"],
            "change_base": ["", "previous_year", "2015", "", "previous_value"],
        }
    )


def _obs(rows):
    return pd.DataFrame(
        [dict(city="z", basis="official") | dict(zip(("indicator_id", "year", "value"), r)) for r in rows]
    )


def test_each_change_base_is_read_as_published(change_registry):
    obs = _obs(
        [
            ("pm25", 2015, 96.0),
            ("pm25", 2019, 58.0),
            ("pm25", 2020, 51.0),
            ("pm25_yoy_change_pct", 2020, -12.1),
            ("pm25_change_vs2015_pct", 2020, -46.9),
            ("rate", 2012, 90.9),
            ("rate", 2013, 93.1),
            ("rate_change_pp", 2013, 2.2),
        ]
    )
    out = reported_changes(obs, change_registry, "z").set_index("indicator_id")
    assert out.loc["pm25_yoy_change_pct", "base_year"] == 2019 and bool(out.loc["pm25_yoy_change_pct", "consistent"])
    assert out.loc["pm25_change_vs2015_pct", "base_year"] == 2015
    assert out.loc["rate_change_pp", "unit"] == "pp" and out.loc["rate_change_pp", "computed"] == pytest.approx(2.2)


def test_a_wrong_published_change_is_flagged(change_registry):
    obs = _obs([("pm25", 2019, 58.0), ("pm25", 2020, 51.0), ("pm25_yoy_change_pct", 2020, -15.0)])
    row = reported_changes(obs, change_registry, "z").iloc[0]
    assert not row["consistent"] and row["computed"] == pytest.approx(-12.069, abs=1e-3)


def test_changes_without_both_levels_or_on_research_levels_are_left_out(change_registry):
    obs = _obs([("pm25", 2020, 51.0), ("pm25_yoy_change_pct", 2020, -12.1)])
    assert reported_changes(obs, change_registry, "z").empty  # no 2019 level
    research = pd.concat([obs, _obs([("pm25", 2019, 58.0)]).assign(basis="research")], ignore_index=True)
    assert reported_changes(research, change_registry, "z").empty  # a study's mean is not the level published


def test_until_limits_the_years_checked(change_registry):
    obs = _obs([("pm25", 2019, 58.0), ("pm25", 2020, 51.0), ("pm25_yoy_change_pct", 2020, -12.1)])
    assert reported_changes(obs, change_registry, "z", until=2019).empty
