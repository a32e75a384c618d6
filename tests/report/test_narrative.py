"""Tests of qclib.report.narrative: every number in the text comes from the row."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qclib.constants import STATUSES
from qclib.exceptions import InvalidChoiceError
from qclib.report import narrative

PM25 = {
    "name_zh": "细颗粒物（PM2.5）年均浓度",
    "kind": "trajectory",
    "unit": "ug/m3",
    "value": 96.0,
    "year_assessed": 2015,
    "yoy_change_pct": -5.88,
    "base_year": 2013,
    "base_value": 108.0,
    "target_value": 95.0,
    "target_year": 2016,
    "planned_value": 99.33,
    "status": "on_track",
    "progress_category": "significant",
    "comparator": "<=",
}


def numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def test_every_number_in_a_sentence_comes_from_the_row():
    text = narrative.indicator_sentence(PM25, 2015).replace(PM25["name_zh"], "")
    allowed = {narrative.format_number(abs(v)) for v in PM25.values() if isinstance(v, (int, float))}
    assert numbers(text) <= allowed, text


def test_change_of_a_rate_is_in_percentage_points():
    row = {**PM25, "unit": "%", "kind": "threshold", "yoy_change_pp": -1.5, "yoy_change_pct": float("nan")}
    assert "比上年下降1.5个百分点" in narrative.indicator_sentence(row, 2015)


def test_older_value_says_its_year():
    row = {**PM25, "year_assessed": 2013}
    assert narrative.indicator_sentence(row, 2015).startswith("细颗粒物（PM2.5）年均浓度（2013年数据）为96")


def test_no_data_is_stated_plainly():
    row = {
        "name_zh": "顾客满意度",
        "status": "no_data",
        "kind": "threshold",
        "comparator": ">=",
        "target_value": 80.0,
        "unit": "score",
        "target_year": 2015,
    }
    assert "无数据" in narrative.indicator_sentence(row, 2015)
    para = narrative.domain_paragraph([row], domain="service", city_name_zh="郑州市", year=2015)
    # the target is counted here and named once, in the report's data-gap section
    assert para == "2015年，郑州市服务质量领域共有1项目标指标，其中无数据1项。所缺数据见“数据缺口”。"


def test_not_met_states_the_gap():
    row = {
        "name_zh": "抽检合格率",
        "kind": "threshold",
        "comparator": ">=",
        "target_value": 95.0,
        "unit": "%",
        "target_year": 2015,
        "value": 92.5,
        "gap": 2.5,
        "status": "not_met",
        "progress_category": "insufficient",
    }
    text = narrative.indicator_sentence(row, 2015)
    # at the target year: a final status, no pace wording beside it
    assert text.endswith("距目标尚差2.5个百分点，未达标。")


def test_reduction_since_base():
    row = {
        "name_zh": "化学需氧量排放总量",
        "kind": "reduction_vs_base",
        "comparator": ">=",
        "target_value": 14.8,
        "unit": "%",
        "base_year": 2010,
        "target_year": 2015,
        "value": 17.0,
        "reduction_vs_base_pct": 15.2,
        "status": "met",
        "progress_category": "achieved",
    }
    text = narrative.indicator_sentence(row, 2015)
    assert "较2010年累计下降15.2%" in text and "目标为较2010年下降不低于14.8%" in text


def test_unknown_status_and_domain_are_rejected():
    with pytest.raises(InvalidChoiceError, match="status"):
        narrative.standing_phrase({"status": "done"})
    with pytest.raises(InvalidChoiceError, match="domain"):
        narrative.domain_paragraph([], domain="food", city_name_zh="郑州市", year=2015)


@given(st.lists(st.sampled_from(STATUSES), max_size=30))
def test_status_summary_counts_add_up(statuses):
    text = narrative.status_summary(statuses)
    if not statuses:
        assert text == "没有目标指标"
        return
    total = int(re.match(r"共有(\d+)项", text).group(1))
    parts = [int(n) for n in re.findall(r"(\d+)项", text)[1:]]
    assert total == len(statuses) == sum(parts)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_format_number_round_trips_within_rounding(x):
    text = narrative.format_number(x)
    assert math.isclose(float(text), x, abs_tol=0.051 if abs(x) >= 1000 else 0.0051)


# ---- counts print their measure word --------------------------------------------------------
PATENTS = {
    "name_zh": "专利授权量",
    "kind": "count",
    "comparator": ">=",
    "target_value": 12000.0,
    "unit": "count",
    "measure_word": "件",
    "target_year": 2016,
    "value": 10372.0,
    "year_assessed": 2013,
    "gap": 1628.0,
    "status": "off_track",
    "progress_category": "moderate",
}


def test_a_count_reads_with_its_measure_word_not_ge():
    text = narrative.indicator_sentence(PATENTS, 2013)
    assert text.startswith("专利授权量为10372件；2016年目标为不低于12000件") and "距目标尚差1628件" in text
    assert "个" not in text
    line = narrative.problem_sentence({**PATENTS, "gap_per_year": 542.67}, 2013)
    assert "2013年为10372件" in line and "尚差1628件" in line and "每年需提高542.67件" in line
    old = narrative.old_value_sentence({**PATENTS, "status": "no_data", "year_assessed": 2013})
    assert "最近数据为2013年的10372件" in old


def test_without_a_measure_word_a_count_keeps_the_generic_word():
    assert narrative.format_value(3, "count") == "3个"
    assert narrative.format_value(3, "%", "件") == "3%"  # the word is for counts only


# ---- trend targets: 连续N年 only when the plan states N ---------------------------------------
STATED = {"kind": "trend", "comparator": ">", "n_years": 3, "target_year": 2017, "n_years_stated": True}
UNSTATED = {"kind": "trend", "comparator": ">", "n_years": 7, "target_year": 2020, "n_years_stated": False}


def test_a_stated_number_of_years_reads_as_the_plan_prints_it():
    assert narrative.target_phrase(STATED) == "2017年目标为连续3年提高"
    assert narrative.target_phrase({**STATED, "comparator": "<"}) == "2017年目标为连续3年下降"


def test_a_trend_without_a_stated_number_is_never_n_years_running():
    text = narrative.target_phrase(UNSTATED)
    assert text == "目标为2014—2020年持续提高（规划未规定年数，按每年均高于上年判断）"
    assert "连续" not in text
    falling = narrative.target_phrase({**UNSTATED, "comparator": "<"})
    assert falling == "目标为2014—2020年持续下降（规划未规定年数，按每年均低于上年判断）"


def test_a_trend_behind_is_short_in_years_not_in_its_unit():
    row = {
        **UNSTATED,
        "name_zh": "工业化建造比重",
        "unit": "%",
        "value": 20.0,
        "year_assessed": 2016,
        "gap": 7.0,
        "gap_per_year": 1.75,
        "status": "off_track",
        "progress_category": "moving_away",
    }
    text = narrative.indicator_sentence(row, 2016)
    assert "最近一年未提高" in text and "百分点" not in text and "连续" not in text
    line = narrative.problem_sentence(row, 2016)
    assert "百分点" not in line and "每年需" not in line
    missed = narrative.standing_phrase({**STATED, "unit": "%", "gap": 1.0, "status": "not_met"})
    assert missed == "至目标年仅连续2年提高，未达到连续3年，未达标"
    assert "并非每年均高于上年" in narrative.standing_phrase({**UNSTATED, "gap": 3.0, "status": "not_met"})


# ---- a year before the plan starts: the base level, never a pace --------------------------------
_BASE = {"before_plan": True, "plan_start_year": 2014, "target_year": 2015, "year_assessed": 2013}
SEWAGE_2013 = {
    **_BASE,
    "name_zh": "污水处理率（市区）",
    "kind": "threshold",
    "comparator": ">=",
    "target_value": 95.0,
    "unit": "%",
    "value": 85.0,
    "status": "baseline",
    "gap": 10.0,
    "gap_per_year": 5.0,
    "domain": "environment",
}
MSW_2013 = {
    **_BASE,
    "name_zh": "生活垃圾无害化处理率",
    "kind": "threshold",
    "comparator": ">=",
    "target_value": 92.5,
    "unit": "%",
    "value": 93.0,
    "status": "baseline_met",
    "gap": -0.5,
    "domain": "environment",
}
MISSING_2013 = {**_BASE, "name_zh": "顾客满意度", "status": "no_data", "domain": "service"}


def test_a_baseline_sentence_gives_the_distance_and_no_pace():
    text = narrative.indicator_sentence(SEWAGE_2013, 2013)
    assert text == "污水处理率（市区）为85%；2015年目标为不低于95%，距目标尚差10个百分点，基期水平。"
    assert narrative.indicator_sentence(MSW_2013, 2013).endswith("2015年目标为不低于92.5%，规划前已达到目标值。")


def test_the_baseline_headline_counts_the_overview_buckets_and_names_no_pace():
    text = narrative.headline([SEWAGE_2013, MSW_2013, MISSING_2013], city_name_zh="郑州市", year=2013)
    assert text.startswith("2013年在郑州市质量强市规划实施之前（规划自2014年起实施）")
    assert "其中2项有基期数据：规划前已达到目标值1项，基期水平1项。" in text
    for pace in ("进度正常", "进度滞后", "可以作出判断", "落后于规划要求"):
        assert pace not in text


def test_a_later_report_says_which_targets_rest_on_figures_from_before_the_plan():
    later = [{**r, "before_plan": True} for r in (SEWAGE_2013, MSW_2013)]
    on_track = {"name_zh": "PM2.5", "status": "on_track", "domain": "environment", "target_year": 2016}
    text = narrative.headline([*later, on_track], city_name_zh="郑州市", year=2014)
    assert "有2项目标只有规划实施前（2014年以前）的数据，不作进度判断：" in text
    assert "已达到目标值的有“生活垃圾无害化处理率”；距目标尚有差距的有“污水处理率（市区）”。" in text
    assert "已达标或进度正常的有“PM2.5”" in text


def test_baseline_problems_and_next_steps_speak_of_the_gap_to_close():
    rows = [SEWAGE_2013, MSW_2013, MISSING_2013]
    lead = narrative.problems_lead(rows, 1)
    assert lead.startswith("本年度在规划实施之前，不作进度判断。另有1项目标缺少基期数据")
    assert lead.endswith(
        "以下1项目标的基期水平距目标尚有差距，是规划实施中需要重点推进的（按距目标的相对差距从大到小排列）："
    )
    line = narrative.problem_sentence(SEWAGE_2013, 2013)
    assert (
        line
        == "“污水处理率（市区）”：2013年（规划实施前）为85%，2015年目标为不低于95%，尚差10个百分点，此后每年需提高5个百分点。"
    )
    steps = "".join(narrative.next_steps(rows, year=2013))
    assert "对基期距目标尚有差距的“污水处理率（市区）”" in steps and "确保目标年仍达到目标值" in steps
    assert "作为规划实施的基期数据" in steps and "落后于规划要求" not in steps


def test_the_comparison_says_which_city_is_in_its_baseline_year():
    import pandas as pd

    card = pd.DataFrame(
        [{**SEWAGE_2013, "city": "zz"}, {"city": "xx", "status": "met", "provisional": False, "before_plan": False}]
    )
    text = narrative.comparison_headline(card, {"zz": "株洲市", "xx": "新乡市"}, 2015)
    assert text.endswith("株洲市2015年在规划实施之前，只列示基期水平，不作进度判断，不计入已达标或进度正常。")
    assert "比例最高的是新乡市" in text  # the city in its baseline year is not ranked
    alone = narrative.comparison_headline(card.iloc[:1], {"zz": "株洲市"}, 2015)
    assert "比例最高" not in alone and "均无法作出判断" not in alone


def test_a_domain_counts_unofficial_figures_as_in_the_overview():
    proxy = {**MSW_2013, "provisional": True, "provisional_reason_zh": "以相近指标的数值近似"}
    text = narrative.domain_paragraph(
        [proxy, MSW_2013, MISSING_2013], domain="environment", city_name_zh="郑州市", year=2013
    )
    assert text.startswith(
        "2013年，郑州市环境质量领域共有3项目标指标，其中规划前已达到目标值1项、待核实1项、无数据1项。"
    )
    assert [narrative.overview_bucket(r) for r in (proxy, MSW_2013)] == ["待核实", "规划前已达到目标值"]


def test_a_later_year_names_the_pre_plan_gaps_apart_from_the_targets_behind():
    later = {**SEWAGE_2013, "status": "baseline"}  # the 2013 figure in the 2014 report: still a base level
    behind = {"name_zh": "PM2.5", "status": "off_track", "gap": 5.0}
    lead = narrative.problems_lead([later, behind, MISSING_2013], 2)
    assert lead == (
        "1项目标缺少数据或无可核对的数值，无法确认是否落后。以下2项目标中，1项落后于规划要求，"
        "1项只有规划实施前的数据、基期水平距目标尚有差距（按距目标的相对差距从大到小排列）："
    )
    alone = narrative.problems_lead([later, {"status": "on_track"}], 1)
    assert "落后于规划要求" not in alone and alone.startswith("以下1项目标只有规划实施前的数据")
