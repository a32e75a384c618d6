"""The status, source and scope rules of the scorecard (issue 9), on named small fixtures.

Each fixture is one situation a bureau meets; each test names the rule it checks.
"""

from __future__ import annotations

import numpy as np
import pytest

from qclib.indicators.scorecard import scorecard


def _row(sc, target_id="t"):
    return sc.set_index("target_id").loc[target_id]


@pytest.fixture
def threshold_2015(targets_frame):
    """A '>= 90 % by 2015' whole-city target."""
    return targets_frame(
        [
            dict(
                city="c",
                target_id="t",
                indicator_id="rate",
                kind="threshold",
                comparator=">=",
                target_value=90.0,
                target_year=2015,
                unit="%",
                measure="rate",
                direction="higher_is_better",
                scope="全市",
            )
        ]
    )


@pytest.fixture
def only_2013_value(observations_frame):
    """One official figure, two years before the target year."""
    return observations_frame([dict(city="c", indicator_id="rate", year=2013, value=95.0, unit="%")])


# ---- rule: at or after the target year, only final statuses -----------------------------
def test_before_the_target_year_an_old_value_gives_a_pace_status(threshold_2015, only_2013_value):
    assert _row(scorecard(threshold_2015, only_2013_value, year=2014))["status"] == "on_track"


@pytest.mark.parametrize("year", [2015, 2016, 2020])
def test_at_or_after_the_target_year_an_old_value_is_no_judgement(threshold_2015, only_2013_value, year):
    r = _row(scorecard(threshold_2015, only_2013_value, year=year))
    assert r["status"] == "no_data"
    assert r["value"] == 95.0 and r["year_assessed"] == 2013  # shown, not judged
    assert "目标年无数据" in r["reason_zh"]
    assert r["progress_category"] == "not_assessable"


def test_after_the_target_year_the_target_years_value_is_final(threshold_2015, observations_frame):
    obs = observations_frame([dict(city="c", indicator_id="rate", year=2015, value=89.0, unit="%")])
    assert _row(scorecard(threshold_2015, obs, year=2016))["status"] == "not_met"


# ---- rule: a status on a figure that is not official is provisional (待核实) --------------
@pytest.mark.parametrize(
    ("basis", "kind", "provisional", "why"),
    [
        ("official", "official_site", False, ""),
        ("official", "media", False, ""),
        ("official", "analyst", False, ""),
        ("official", "mirror", True, "转载"),
        ("official", "aggregator", True, "报告汇编网站"),
        ("research", "academic", True, "研究文献"),
        ("derived", "media", True, "推算"),
        ("computed", "analyst", True, "监测数据计算"),
    ],
)
def test_provisional_marks(threshold_2015, observations_frame, basis, kind, provisional, why):
    obs = observations_frame(
        [dict(city="c", indicator_id="rate", year=2015, value=92.0, unit="%", basis=basis, source_kind=kind)]
    )
    r = _row(scorecard(threshold_2015, obs, year=2015))
    assert r["status"] == "met"
    assert bool(r["provisional"]) is provisional
    assert why in r["provisional_reason_zh"]


def test_no_data_is_never_provisional(threshold_2015, observations_frame):
    obs = observations_frame([dict(city="c", indicator_id="other", year=2015, value=1.0, basis="research")])
    r = _row(scorecard(threshold_2015, obs, year=2015))
    assert r["status"] == "no_data" and not r["provisional"]


# ---- rule: the publisher's figure wins over a copy site's, whatever the order ------------
@pytest.mark.parametrize("mirror_first", [True, False])
def test_official_site_beats_copy_site_for_the_same_year(threshold_2015, observations_frame, mirror_first):
    rows = [
        dict(city="c", indicator_id="rate", year=2015, value=62.8, unit="%", source="copy", source_kind="mirror"),
        dict(city="c", indicator_id="rate", year=2015, value=63.0, unit="%", source="gov", source_kind="official_site"),
    ]
    obs = observations_frame(rows if mirror_first else rows[::-1])
    r = _row(scorecard(threshold_2015, obs, year=2015))
    assert r["value"] == 63.0 and r["value_source_kind"] == "official_site" and not r["provisional"]


def test_an_official_copy_still_beats_a_research_figure(threshold_2015, observations_frame):
    obs = observations_frame(
        [
            dict(
                city="c", indicator_id="rate", year=2015, value=80.0, unit="%", basis="research", source_kind="academic"
            ),
            dict(
                city="c", indicator_id="rate", year=2015, value=91.0, unit="%", basis="official", source_kind="mirror"
            ),
        ]
    )
    r = _row(scorecard(threshold_2015, obs, year=2015))
    assert r["value"] == 91.0 and r["provisional"]  # basis first, then the host


# ---- rule: a plan-stated base value is an official figure of its year --------------------
def test_plan_base_value_is_the_base_years_value(targets_frame, observations_frame, pm25_plan_target):
    tg = targets_frame(
        [
            dict(
                city="c",
                target_id="t",
                indicator_id="pm25",
                kind="trajectory",
                comparator="<=",
                unit="ug/m3",
                measure="concentration",
                **pm25_plan_target,
            )
        ]
    )
    obs = observations_frame([dict(city="x", indicator_id="pm25", year=2015, value=1.0, unit="ug/m3")])
    r = _row(scorecard(tg, obs, year=2013))
    assert (r["value"], r["year_assessed"], r["value_basis"]) == (108.0, 2013, "official")
    assert r["value_source_kind"] == "official_document" and r["status"] == "on_track"


def test_a_published_base_year_figure_beats_the_plan_text(targets_frame, observations_frame, pm25_plan_target):
    tg = targets_frame(
        [
            dict(
                city="c",
                target_id="t",
                indicator_id="pm25",
                kind="trajectory",
                comparator="<=",
                unit="ug/m3",
                measure="concentration",
                **pm25_plan_target,
            )
        ]
    )
    obs = observations_frame([dict(city="c", indicator_id="pm25", year=2013, value=107.0, unit="ug/m3")])
    assert _row(scorecard(tg, obs, year=2013))["value"] == 107.0


# ---- rule: scope (城市/市区 figures for a whole-city target, with a note) ------------------
@pytest.mark.parametrize("target_scope", ["全市", "含县市", ""])
def test_urban_figure_serves_a_whole_city_target_with_a_note(threshold_2015, observations_frame, target_scope):
    tg = threshold_2015.assign(scope=target_scope)
    obs = observations_frame([dict(city="c", indicator_id="rate", year=2015, value=93.0, unit="%", scope="城市")])
    r = _row(scorecard(tg, obs, year=2015))
    assert r["value"] == 93.0 and r["status"] == "met"
    assert "城市（市区）口径" in r["scope_note"]


def test_a_whole_city_figure_is_preferred_to_an_urban_one(threshold_2015, observations_frame):
    obs = observations_frame(
        [
            dict(city="c", indicator_id="rate", year=2015, value=93.0, unit="%", scope="城市"),
            dict(city="c", indicator_id="rate", year=2015, value=88.0, unit="%", scope="全市"),
        ]
    )
    r = _row(scorecard(threshold_2015, obs, year=2015))
    assert r["value"] == 88.0 and r["scope_note"] == ""


def test_scope_strict_target_refuses_the_urban_figure(threshold_2015, observations_frame):
    obs = observations_frame([dict(city="c", indicator_id="rate", year=2015, value=93.0, unit="%", scope="城市")])
    r = _row(scorecard(threshold_2015.assign(scope_strict=True), obs, year=2015))
    assert r["status"] == "no_data" and np.isnan(r["value"])


def test_an_urban_target_never_takes_a_whole_city_figure(threshold_2015, observations_frame):
    obs = observations_frame([dict(city="c", indicator_id="rate", year=2015, value=93.0, unit="%", scope="全市")])
    assert _row(scorecard(threshold_2015.assign(scope="市区"), obs, year=2015))["status"] == "no_data"


# ---- rule: a catalog proxy stands in, provisionally --------------------------------------
def test_proxy_indicator_stands_in_provisionally(threshold_2015, observations_frame):
    tg = threshold_2015.assign(proxy_indicator="near")
    obs = observations_frame([dict(city="c", indicator_id="near", year=2015, value=93.1, unit="%")])
    r = _row(scorecard(tg, obs, year=2015))
    assert (r["value"], r["value_basis"], r["status"]) == (93.1, "proxy", "met")
    assert r["provisional"] and "近似" in r["provisional_reason_zh"]


def test_own_figure_beats_the_proxy(threshold_2015, observations_frame):
    tg = threshold_2015.assign(proxy_indicator="near")
    obs = observations_frame(
        [
            dict(city="c", indicator_id="near", year=2015, value=93.1, unit="%"),
            dict(city="c", indicator_id="rate", year=2015, value=89.0, unit="%", basis="research"),
        ]
    )
    assert _row(scorecard(tg, obs, year=2015))["value"] == 89.0


# ---- the change still needed per year -------------------------------------------------------
def test_gap_per_year_for_a_target_behind(threshold_2015, observations_frame):
    obs = observations_frame([dict(city="c", indicator_id="rate", year=2013, value=85.0, unit="%")])
    r = _row(scorecard(threshold_2015, obs, year=2013))
    assert r["status"] == "off_track" and r["gap"] == 5.0 and r["gap_per_year"] == 2.5


def test_a_suspect_city_year_is_provisional_and_says_why(threshold_2015, observations_frame):
    from qclib.air.annual import SUSPECT_NOTE
    from qclib.indicators.scorecard import SUSPECT_NOTE_MARK

    assert SUSPECT_NOTE_MARK in SUSPECT_NOTE  # the air statistics write what the scorecard looks for
    obs = observations_frame(
        [
            dict(
                city="c",
                indicator_id="rate",
                year=2015,
                value=92.0,
                unit="%",
                basis="official",
                note=f"{SUSPECT_NOTE}: 23 % exact zeros; ",
            )
        ]
    )
    r = _row(scorecard(threshold_2015, obs, year=2015))
    assert r["status"] == "met" and r["provisional"] and "监测数据存疑" in r["provisional_reason_zh"]


def test_a_due_target_is_judged_on_its_target_year_not_a_later_one(threshold_2015, observations_frame):
    obs = observations_frame(
        [
            dict(city="c", indicator_id="rate", year=2015, value=85.0, unit="%"),
            dict(city="c", indicator_id="rate", year=2020, value=95.0, unit="%"),
        ]
    )
    r = _row(scorecard(threshold_2015, obs, year=2020))
    assert (r["year_assessed"], r["value"], r["status"]) == (2015, 85.0, "not_met")  # 2020's 95 says nothing of 2015


def test_a_later_figure_does_not_stand_in_for_a_missing_target_year(threshold_2015, observations_frame):
    obs = observations_frame([dict(city="c", indicator_id="rate", year=2016, value=95.0, unit="%")])
    r = _row(scorecard(threshold_2015, obs, year=2016))
    assert r["status"] == "no_data" and np.isnan(r["value"])


def test_no_change_is_computed_from_a_copy_site_figure_to_a_published_one(threshold_2015, observations_frame):
    obs = observations_frame(
        [
            dict(city="c", indicator_id="rate", year=2012, value=80.0, unit="%", source_kind="mirror"),
            dict(city="c", indicator_id="rate", year=2013, value=85.0, unit="%", source_kind="media"),
        ]
    )
    r = _row(scorecard(threshold_2015, obs, year=2013))
    assert r["value"] == 85.0 and np.isnan(r["previous_value"]) and np.isnan(r["yoy_change_pp"])


# ---- rule: before the plan starts there is no pace to judge (a baseline year) -------------------
# Zhengzhou's plan (郑政〔2014〕17号) starts in 2014 (六、工作进度安排): its 2013 report is a baseline
# year.  Each fixture is one target kind with the plan starting in 2014.


def _plan_target(targets_frame, **kw):
    base = dict(city="c", target_id="t", scope="全市", plan_start_year=2014, target_year=2015)
    return targets_frame([{**base, **kw}])


@pytest.fixture
def threshold_95_plan_2014(targets_frame):
    """'>= 95 % by 2015' (污水处理率), plan from 2014."""
    return _plan_target(
        targets_frame,
        indicator_id="rate",
        kind="threshold",
        comparator=">=",
        target_value=95.0,
        unit="%",
        measure="rate",
        direction="higher_is_better",
    )


@pytest.fixture
def sewage_2012_2013(observations_frame):
    """85 % in 2013 after 80 % in 2012 (improving before the plan)."""
    return observations_frame(
        [
            dict(city="c", indicator_id="rate", year=2012, value=80.0, unit="%"),
            dict(city="c", indicator_id="rate", year=2013, value=85.0, unit="%"),
        ]
    )


def test_a_baseline_year_short_of_the_target_is_baseline_with_the_gap_and_no_pace(
    threshold_95_plan_2014, sewage_2012_2013
):
    r = _row(scorecard(threshold_95_plan_2014, sewage_2012_2013, year=2013))
    assert (r["status"], r["status_zh"], r["gap"]) == ("baseline", "基期水平", 10.0)
    assert bool(r["before_plan"]) and r["plan_start_year"] == 2014
    assert r["progress_category"] == "not_assessable" and np.isnan(r["gap_to_path"])  # no direction, no path
    assert r["gap_per_year"] == 5.0  # the change the plan period needs
    assert "规划自2014年起实施" in r["reason_zh"] and "不作进度判断" in r["reason_zh"]


def test_a_baseline_year_already_at_the_target_is_not_called_met(threshold_95_plan_2014, observations_frame):
    obs = observations_frame([dict(city="c", indicator_id="rate", year=2013, value=96.0, unit="%")])
    r = _row(scorecard(threshold_95_plan_2014, obs, year=2013))
    assert (r["status"], r["status_zh"]) == ("baseline_met", "规划前已达到目标值")
    assert np.isnan(r["gap_per_year"])


def test_the_plan_start_year_itself_is_judged_on_pace(threshold_95_plan_2014, observations_frame):
    obs = observations_frame([dict(city="c", indicator_id="rate", year=2014, value=90.0, unit="%")])
    r = _row(scorecard(threshold_95_plan_2014, obs, year=2014))
    assert r["status"] == "off_track" and not r["before_plan"]


def test_a_later_report_on_a_figure_from_before_the_plan_gives_no_pace(threshold_95_plan_2014, sewage_2012_2013):
    r = _row(scorecard(threshold_95_plan_2014, sewage_2012_2013, year=2014))
    assert (r["status"], r["year_assessed"]) == ("baseline", 2013) and r["before_plan"]


def test_at_the_target_year_a_figure_from_before_the_plan_is_still_no_data(threshold_95_plan_2014, sewage_2012_2013):
    r = _row(scorecard(threshold_95_plan_2014, sewage_2012_2013, year=2015))
    assert r["status"] == "no_data" and "目标年无数据" in r["reason_zh"] and not r["before_plan"]


def test_without_a_plan_start_the_old_pace_rule_holds(threshold_95_plan_2014, sewage_2012_2013):
    r = _row(scorecard(threshold_95_plan_2014.drop(columns="plan_start_year"), sewage_2012_2013, year=2013))
    assert r["status"] == "off_track" and not r["before_plan"]


def test_a_baseline_year_without_a_figure_is_no_data(threshold_95_plan_2014, observations_frame):
    obs = observations_frame([dict(city="c", indicator_id="other", year=2013, value=1.0)])
    r = _row(scorecard(threshold_95_plan_2014, obs, year=2013))
    assert r["status"] == "no_data" and r["before_plan"]  # the report is still a baseline-year report


def test_a_baseline_status_on_a_research_figure_is_provisional(threshold_95_plan_2014, observations_frame):
    obs = observations_frame(
        [dict(city="c", indicator_id="rate", year=2013, value=96.0, unit="%", basis="research", source_kind="academic")]
    )
    r = _row(scorecard(threshold_95_plan_2014, obs, year=2013))
    assert r["status"] == "baseline_met" and r["provisional"] and "研究文献" in r["provisional_reason_zh"]


@pytest.mark.parametrize(("count", "status", "gap"), [(0.0, "baseline", 1.0), (2.0, "baseline_met", -1.0)])
def test_a_count_target_in_a_baseline_year(targets_frame, observations_frame, count, status, gap):
    """'>= 1 national pilot by 2015' (国家级综合服务业标准化试点)."""
    tg = _plan_target(
        targets_frame,
        indicator_id="pilots",
        kind="count",
        comparator=">=",
        target_value=1.0,
        unit="count",
        measure="count",
        direction="higher_is_better",
    )
    obs = observations_frame([dict(city="c", indicator_id="pilots", year=2013, value=count, unit="count")])
    r = _row(scorecard(tg, obs, year=2013))
    assert (r["status"], r["gap"]) == (status, gap)


@pytest.fixture
def cod_cut_14_8_vs_2010(targets_frame):
    """COD cut by >= 14.8 % from 2010 by 2015 (化学需氧量排放总量削减), plan from 2014."""
    return _plan_target(
        targets_frame,
        indicator_id="cod",
        kind="reduction_vs_base",
        comparator=">=",
        target_value=14.8,
        unit="%",
        base_year=2010,
        measure="level",
        direction="lower_is_better",
    )


@pytest.mark.parametrize(("value_2013", "status", "gap"), [(90.0, "baseline", 4.8), (80.0, "baseline_met", -5.2)])
def test_a_reduction_target_in_a_baseline_year_measures_the_cut_so_far(
    cod_cut_14_8_vs_2010, observations_frame, value_2013, status, gap
):
    obs = observations_frame(
        [
            dict(city="c", indicator_id="cod", year=2010, value=100.0, unit="t"),
            dict(city="c", indicator_id="cod", year=2013, value=value_2013, unit="t"),
        ]
    )
    r = _row(scorecard(cod_cut_14_8_vs_2010, obs, year=2013))
    assert r["status"] == status and r["gap"] == pytest.approx(gap)


def test_a_relative_target_before_its_own_base_year_has_no_gap(targets_frame, observations_frame):
    """Zhuzhou: PM2.5 down 5 % from 2016, plan from 2016; the 2015 report comes before the base year."""
    tg = _plan_target(
        targets_frame,
        indicator_id="pm25",
        kind="change_vs_base",
        comparator="<=",
        target_value=-5.0,
        unit="%",
        base_year=2016,
        target_year=2017,
        plan_start_year=2016,
        measure="concentration",
    )
    obs = observations_frame(
        [
            dict(city="c", indicator_id="pm25", year=2015, value=60.0, unit="ug/m3"),
            dict(city="c", indicator_id="pm25", year=2016, value=50.0, unit="ug/m3"),
        ]
    )
    r = _row(scorecard(tg, obs, year=2015))
    assert r["status"] == "baseline" and np.isnan(r["gap"]) and "base year comes later" in r["reason"]


def test_the_pm25_path_in_its_base_year_is_baseline_with_the_distance_to_95(
    targets_frame, observations_frame, pm25_plan_target
):
    """PM2.5 108 (2013) -> 95 (2016): 2013 is the path's start and the year before the plan."""
    tg = _plan_target(
        targets_frame,
        indicator_id="pm25",
        kind="trajectory",
        comparator="<=",
        unit="ug/m3",
        measure="concentration",
        **pm25_plan_target,
    )
    obs = observations_frame([dict(city="x", indicator_id="pm25", year=2013, value=1.0, unit="ug/m3")])
    r = _row(scorecard(tg, obs, year=2013))
    assert (r["value"], r["status"], r["gap"], r["planned_value"]) == (108.0, "baseline", 13.0, 108.0)
    assert np.isnan(r["gap_to_path"]) and r["gap_per_year"] == pytest.approx(13 / 3)


def test_a_trend_target_is_never_met_before_the_plan(targets_frame, observations_frame):
    """'customer satisfaction rising 3 years running' with three rises already before the plan."""
    tg = _plan_target(
        targets_frame,
        indicator_id="csi",
        kind="trend",
        comparator=">",
        n_years=3,
        unit="score",
        measure="index",
        direction="higher_is_better",
    )
    obs = observations_frame(
        [
            dict(city="c", indicator_id="csi", year=y, value=v, unit="score")
            for y, v in zip(range(2010, 2014), (70, 71, 72, 73))
        ]
    )
    r = _row(scorecard(tg, obs, year=2013))
    assert r["status"] == "baseline" and np.isnan(r["gap"])


@pytest.mark.parametrize(("city_value", "status"), [(50.0, "baseline_met"), (70.0, "baseline")])
def test_a_comparison_target_in_a_baseline_year(targets_frame, observations_frame, city_value, status):
    """'PM2.5 below the provincial average' against Henan's 2013 figure."""
    tg = _plan_target(
        targets_frame,
        indicator_id="pm25",
        kind="vs_reference",
        comparator="<",
        reference="henan",
        unit="ug/m3",
        measure="concentration",
    )
    obs = observations_frame(
        [
            dict(city="c", indicator_id="pm25", year=2013, value=city_value, unit="ug/m3"),
            dict(city="henan", indicator_id="pm25", year=2013, value=60.0, unit="ug/m3"),
        ]
    )
    r = _row(scorecard(tg, obs, year=2013))
    assert r["status"] == status and r["reference_value"] == 60.0


@pytest.mark.parametrize(("state", "status"), [(1.0, "baseline_met"), (0.0, "baseline")])
def test_a_boolean_target_in_a_baseline_year(targets_frame, observations_frame, state, status):
    tg = _plan_target(
        targets_frame, indicator_id="won", kind="boolean", comparator=None, unit="bool", measure="boolean"
    )
    obs = observations_frame([dict(city="c", indicator_id="won", year=2013, value=state, unit="bool")])
    assert _row(scorecard(tg, obs, year=2013))["status"] == status
