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


def test_trend_reason_says_n_years_only_when_the_plan_states_it():
    s = pd.Series([70, 72, 71, 78], index=range(2013, 2017), dtype=float)
    kw = dict(comparator=">", target_value=None, target_year=2016, year=2016, series=s, n_years=3)
    stated = attainment("trend", **kw)
    assert stated.status == "not_met" and "target (3 years running by 2016)" in stated.reason
    assert stated.reason_zh == "2016年已连续1年提高，目标为连续3年提高（目标年2016）：未达标"
    unstated = attainment("trend", **kw, n_years_stated=False)
    assert unstated.status == "not_met"  # the same year-by-year judgement
    assert "a rise in every year 2014-2016 (the plan states no number of years)" in unstated.reason
    assert unstated.reason_zh == "2016年已连续1年提高，目标为规划期内（2014—2016年）逐年提高（目标年2016）：未达标"
    before = attainment("trend", **{**kw, "year": 2015}, n_years_stated=False)
    assert before.reason_zh.startswith(
        "2015年未比上年提高，目标为规划期内（2014—2016年）逐年提高；最近一年未向目标方向变化"
    )


def test_trend_gap_years_breaks_the_run(nan_gap):
    r = attainment("trend", comparator=">", target_value=None, target_year=2014, year=2014, series=nan_gap, n_years=2)
    assert r.status == "no_data"  # 2013 missing: direction unknown


def test_series_latest_year_up_to_year(missing_base_year):
    r = attainment("threshold", comparator="<=", target_value=91, target_year=2017, year=2016, series=missing_base_year)
    assert r.year == 2014 and r.value == 90.0 and r.status == "on_track"


def test_at_the_target_year_an_older_value_gives_no_pace_status(missing_base_year):
    # the 2016 report on a 2016 target: the latest value (2014) cannot say whether 2016 met it
    r = attainment("threshold", comparator="<=", target_value=91, target_year=2016, year=2016, series=missing_base_year)
    assert r.year == 2014 and r.status == "no_data"
    assert "目标年无数据" in r.reason_zh
    # after the target year too (a 2018 report on the same target)
    later = attainment(
        "threshold", comparator="<=", target_value=91, target_year=2016, year=2018, series=missing_base_year
    )
    assert later.status == "no_data"


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


# ---- the named steps of _assess_arrays, each on a few rows -----------------


def _rows(**over):
    """_Rows for a few targets; every input defaults to a neutral value."""
    from qclib.indicators.attainment import _coerce

    n = len(next(iter(over.values())))
    base = dict(
        kind=np.array(["threshold"] * n, dtype=object),
        comparator=np.array([">="] * n, dtype=object),
        target_value=np.full(n, 90.0),
        target_year=np.full(n, 2015.0),
        year=np.full(n, 2015.0),
        value=np.full(n, 93.0),
        base_year=np.full(n, np.nan),
        base_value=np.full(n, np.nan),
        reference=np.array([""] * n, dtype=object),
        reference_value=np.full(n, np.nan),
        n_years=np.full(n, np.nan),
        run_up=np.zeros(n),
        run_down=np.zeros(n),
        has_previous=np.ones(n, dtype=bool),
        unit=np.array(["%"] * n, dtype=object),
    )
    base.update({k: np.asarray(v, dtype=base[k].dtype) for k, v in over.items()})
    return _coerce(**base)


def test_coerce_text_and_boolean_default():
    r = _rows(
        kind=["boolean", "boolean", "threshold"],
        comparator=[None, ">=", None],
        target_value=[np.nan, 1.0, 90.0],
        unit=[None, "%", "ug/m3"],
    )
    assert r.cmp.tolist() == ["==", ">=", ""]
    assert r.tv.tolist() == [1.0, 1.0, 90.0]
    assert r.unit.tolist() == ["", "%", "ug/m3"]
    assert r.cmp_ok.tolist() == [True, True, False]
    assert r.rising.tolist() == [False, True, False]
    assert r.is_["boolean"].tolist() == [True, True, False]


def test_first_reason_keeps_the_first_condition_and_skips_excluded():
    from qclib.indicators.attainment import _first_reason

    a = np.array([True, False, True, False])
    b = np.array([True, True, False, False])
    hit, en, zh = _first_reason([(a, "A", "甲"), (b, "B", "乙")], np.array([False, False, True, False]))
    assert hit.tolist() == [True, True, False, False]
    assert en.tolist() == ["A", "B", "", ""]
    assert zh.tolist() == ["甲", "乙", "", ""]


def test_not_assessable_reasons():
    from qclib.indicators.attainment import _not_assessable

    r = _rows(
        kind=["nonsense", "threshold", "threshold", "trend", "vs_reference", "reduction_vs_base", "change_vs_base"],
        comparator=[">=", "?", ">=", "==", ">=", ">=", ">="],
        target_value=[1.0, 1.0, np.nan, np.nan, np.nan, 10.0, 10.0],
        n_years=[np.nan, np.nan, np.nan, 3.0, np.nan, np.nan, np.nan],
        base_year=[np.nan] * 5 + [np.nan, 2010.0],
        base_value=[np.nan] * 6 + [0.0],
    )
    na, en, zh = _not_assessable(r)
    assert na.all()
    assert en.tolist() == [
        "unknown target kind",
        "the target has no comparator",
        "the target states no number",
        "the trend target states no number of years or no direction",
        "the target names no reference entity",
        "the target states no base year",
        "the base value is 0: a relative change is undefined",
    ]
    assert zh[0] == "目标类型未知"
    assert not _not_assessable(_rows(value=[1.0]))[0].any()


def test_measure_per_kind_and_target_for_the_year():
    from qclib.indicators.attainment import _measure

    r = _rows(
        kind=["trajectory", "reduction_vs_base", "change_vs_base", "trend", "threshold", "vs_reference"],
        comparator=["<=", ">=", ">=", "<", ">=", ">="],
        target_value=[95.0, 20.0, 10.0, np.nan, 90.0, np.nan],
        target_year=[2016.0, 2020.0, 2020.0, 2020.0, np.nan, 2015.0],
        year=[2014.0, 2015.0, 2020.0, 2015.0, 2015.0, 2015.0],
        value=[105.0, 85.0, 115.0, 1.0, 93.0, 93.0],
        base_year=[2013.0, 2010.0, 2010.0, np.nan, np.nan, np.nan],
        base_value=[108.0, 100.0, 100.0, np.nan, np.nan, np.nan],
        n_years=[np.nan, np.nan, np.nan, 3.0, np.nan, np.nan],
        reference_value=[np.nan] * 5 + [80.0],
        run_up=[0, 0, 0, 5, 0, 0],
        run_down=[0, 0, 0, 2, 0, 0],
    )
    m = _measure(r)
    assert m.final.tolist() == [False, False, True, False, True, True]
    np.testing.assert_allclose(m.measured, [105.0, 15.0, 15.0, 2.0, 93.0, 93.0])
    # trajectory path 108 -> 95 over 2013-2016: 103.667 in 2014; reduction pro rata 20 * 5/10
    np.testing.assert_allclose(m.target_for_year, [108 - 13 / 3, 10.0, 10.0, 1.0, 90.0, 80.0])
    np.testing.assert_allclose(m.target_final, [95.0, 20.0, 10.0, 3.0, 90.0, 80.0])
    assert m.planned[0] == pytest.approx(108 - 13 / 3) and np.isnan(m.planned[1:]).all()


def test_measure_trajectory_before_base_year_holds_the_base():
    from qclib.indicators.attainment import _measure

    r = _rows(
        kind=["trajectory"],
        comparator=["<="],
        target_value=[95.0],
        target_year=[2016.0],
        year=[2012.0],
        base_year=[2013.0],
        base_value=[108.0],
    )
    assert _measure(r).target_for_year.tolist() == [108.0]


def test_no_data_reasons_and_not_assessable_rows_excluded():
    from qclib.indicators.attainment import _measure, _no_data

    r = _rows(
        kind=["threshold", "reduction_vs_base", "trajectory", "vs_reference", "trend", "threshold"],
        comparator=[">=", ">=", "<=", ">=", ">", ">="],
        value=[np.nan, 80.0, 100.0, 90.0, 90.0, np.nan],
        year=[2015.0, 2015.0, 2014.0, 2015.0, 2014.0, 2015.0],
        base_year=[np.nan, 2010.0, 2013.0, np.nan, np.nan, np.nan],
        n_years=[np.nan] * 4 + [3.0, np.nan],
        reference=["", "", "", "china", "", ""],
        has_previous=[True, True, True, True, False, True],
    )
    na = np.array([False] * 5 + [True])
    nd, en, zh = _no_data(r, _measure(r).final, na)
    assert nd.tolist() == [True] * 5 + [False]
    assert en.tolist() == [
        "no value up to the assessed year",
        "no base-year value",
        "no start value for the planned path",
        "no value for the reference entity in that year",
        "no previous-year value to judge the direction",
        "",
    ]
    assert zh[1] == "缺少基年值"


def test_status_precedence():
    from qclib.indicators.attainment import _status

    t, f = True, False
    na = np.array([t, f, f, f, f, f])
    nd = np.array([t, t, f, f, f, f])
    final = np.array([t, t, t, t, f, f])
    sat = np.array([t, t, t, f, t, f])
    assert _status(na, nd, final, sat).tolist() == [
        "not_assessable",
        "no_data",
        "met",
        "not_met",
        "on_track",
        "off_track",
    ]


def test_status_precedence_in_a_baseline_year():
    from qclib.indicators.attainment import _status

    t, f = True, False
    na = np.array([t, f, f, f, f])
    nd = np.array([t, t, f, f, f])
    final = np.array([f, f, f, f, f])
    sat = np.array([t, t, t, f, t])
    pre = np.array([t, t, t, t, t])
    trend = np.array([f, f, f, f, t])
    assert _status(na, nd, final, sat, pre, trend).tolist() == [
        "not_assessable",
        "no_data",
        "baseline_met",
        "baseline",
        "baseline",  # a trend is never met before the plan runs
    ]


def test_reasons_one_template_per_row():
    from qclib.constants import STATUS_NAMES_ZH
    from qclib.indicators.attainment import (
        _compare,
        _measure,
        _no_data,
        _not_assessable,
        _reason_context,
        _reason_final,
        _reasons,
        _status,
    )
    from qclib.indicators.attainment import _lookup as lookup

    r = _rows(
        kind=["threshold", "trajectory", "trend", "threshold", "threshold"],
        comparator=[">=", "<=", ">", ">=", ">="],
        target_value=[90.0, 95.0, np.nan, np.nan, 90.0],
        target_year=[2015.0, 2016.0, 2018.0, 2015.0, 2015.0],
        year=[2015.0, 2014.0, 2015.0, 2015.0, 2015.0],
        value=[93.1, 105.0, 5.0, 1.0, np.nan],
        base_year=[np.nan, 2013.0, np.nan, np.nan, np.nan],
        base_value=[np.nan, 108.0, np.nan, np.nan, np.nan],
        n_years=[np.nan, np.nan, 3.0, np.nan, np.nan],
        run_up=[0, 0, 1, 0, 0],
        unit=["%", "ug/m3", "", "", "%"],
    )
    na3 = _not_assessable(r)
    m = _measure(r)
    nd3 = _no_data(r, m.final, na3[0])
    sat = _compare(m.measured, m.target_for_year, np.where(r.is_["trend"], ">=", r.cmp))
    status_zh = lookup(_status(na3[0], nd3[0], m.final, sat), STATUS_NAMES_ZH, "")
    en, zh = _reasons(r, m, sat, status_zh, na3, nd3)
    assert en.tolist() == [
        "2015: value 93.1% meets the target >= 90% (target year 2015)",
        "2014: value 105 ug/m3 is behind the planned path <= 103.6667 ug/m3 for 2014 (target <= 95 ug/m3 by 2016)",
        "2015: consecutive years moving the required way 1 years: the latest year-on-year move is in the "
        "required direction (target: 3 years running by 2018)",
        "not assessable: the target states no number",
        "no data: no value up to the assessed year",
    ]
    assert zh[0].startswith("2015年指标值 93.1%，目标>= 90%（目标年2015）：")
    assert zh[3] == "无法评估：目标未给出数值" and zh[4] == "无数据：评估年及以前无数据"
    c = _reason_context(r, m, sat, status_zh, np.array([0]))
    assert c["head"].tolist() == ["2015: value 93.1%"]
    assert _reason_final(c, np.array([True]))[0].tolist() == [en[0]]


def test_reason_on_path_names_the_pro_rata_path():
    out = assess_targets(
        pd.DataFrame(
            {
                "kind": ["reduction_vs_base"],
                "comparator": [">="],
                "target_value": [20.0],
                "target_year": [2020],
                "year": [2015],
                "value": [95.0],
                "base_year": [2010],
                "base_value": [100.0],
                "reference": [""],
                "reference_value": [np.nan],
                "n_years": [np.nan],
                "run_up": [0],
                "run_down": [0],
                "has_previous": [True],
                "unit": ["%"],
            }
        )
    )
    assert out.loc[0, "status"] == "off_track"
    assert out.loc[0, "reason"] == (
        "2015: reduction vs base 2010 5% is behind the pro-rata path >= 10% for 2015 (target >= 20% by 2020)"
    )
