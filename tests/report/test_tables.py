"""Tests of qclib.report.tables on the shipped catalog and data (what the report notebooks show)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from qclib.exceptions import QclibWarning
from qclib.report import tables as reportdata


@pytest.fixture(scope="module")
def inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QclibWarning)
        return reportdata.load_report_inputs()


def test_chart_sources_list_exactly_the_charted_points(inputs):
    card = inputs.scorecard("zhengzhou", 2015)
    meta = inputs.city_meta("zhengzhou")
    refs = reportdata.city_references(meta)
    table = reportdata.chart_sources_table(
        card, inputs.observations, city="zhengzhou", city_name="郑州市", year=2015, references=refs
    )
    pm = table.loc[(table["指标"] == "PM2.5年均浓度") & (table["地区"] == "郑州市")]
    assert pm["年份"].tolist() == [2013, 2014, 2015]  # 2013: the plan's own figure, official
    assert pm["数据性质"].tolist() == ["官方数据", "研究值（非官方）", "官方数据"]
    assert table["来源"].ne("—").all() and table["年份"].le(2015).all()
    # the urban sewage figures (scope 城市) are charted for the 市区 target and listed
    sewage = table.loc[table["指标"] == "污水处理率（市区）"]
    assert sewage["年份"].tolist() == [2012, 2013]


def test_every_scorecard_row_has_a_source_line(inputs):
    card = inputs.scorecard("zhuzhou", 2017)
    src = reportdata.sources_table(card)
    assert len(src) == len(card)
    assert src["目标出处"].str.contains("株洲").all()


def test_side_by_side_marks_different_levels(inputs):
    side = reportdata.targets_side_by_side(inputs.catalog.targets, ["zhengzhou", "xinxiang", "zhuzhou"])
    ag = side.loc[side["指标"] == "农业标准化生产普及率"].iloc[0]
    assert ag["目标不同"] == "是" and ag["zhengzhou"].startswith("＞30%") and ag["xinxiang"].startswith("＞40%")


def test_target_text_counts_and_trends():
    count = {"kind": "count", "comparator": ">=", "target_value": 3.0, "unit": "count", "target_year": 2017}
    assert reportdata.target_text({**count, "measure_word": "家"}) == "≥3家（2017）"
    trend = {"kind": "trend", "comparator": ">", "n_years": 3, "target_year": 2017}
    assert reportdata.target_text({**trend, "n_years_stated": True}) == "连续3年提高（2017）"
    unstated = {**trend, "n_years": 7, "target_year": 2020, "n_years_stated": False}
    assert reportdata.target_text(unstated) == "持续提高（2014—2020年，逐年判断）"


def test_every_table_unit_of_a_count_is_its_measure_word(inputs):
    ind = inputs.catalog.indicators
    qhd = reportdata.observations_table(inputs.observations, ind, "qinhuangdao", 2010).set_index("指标")
    assert qhd.loc["动态管理的重点设备台数", "单位"] == "台"
    assert qhd.loc["中国驰名商标数", "单位"] == "件" and qhd.loc["中国名牌产品数", "单位"] == "项"
    assert qhd.loc["品牌建设示范企业数", "单位"] == "家"
    zz = reportdata.observations_table(inputs.observations, ind, "zhengzhou", 2013).set_index("指标")
    assert zz.loc["专利授权量", "单位"] == "件" and zz.loc["高新技术企业数", "单位"] == "家"
    assert zz.loc["大学生质量安全志愿者人数", "单位"] == "名"
    counts = set(ind.loc[ind["unit"] == "count", "name_zh"])
    shown = zz.loc[zz.index.isin(counts), "单位"].tolist() + qhd.loc[qhd.index.isin(counts), "单位"].tolist()
    words = reportdata.measure_words(ind)
    assert shown and set(shown) <= set(words.values())
    apart = reportdata.not_a_year_table(inputs.observations, ind, "qinhuangdao", 2010).set_index("指标")
    assert apart.loc["立项申报国家标准数", "单位"] == "项"


def test_the_data_request_sheet_asks_for_counts_in_their_word(inputs):
    card = inputs.scorecard("zhuzhou", 2017)
    rows = reportdata.data_request_rows(card, inputs.catalog.indicators, 2017, "株洲市").set_index("indicator_id")
    assert rows.loc["service_enterprises_brand_or_award", "unit_zh"] == "家"
    assert rows.loc["national_service_standardization_pilots", "unit_zh"] == "个"
    assert rows.loc["service_enterprises_brand_or_award", "target"] == "≥3家（2017）"


def test_overview_of_a_baseline_year_has_no_pace_columns_and_its_own_legend():
    base = pd.DataFrame(
        {
            "domain": ["environment", "environment", "service"],
            "status": ["baseline_met", "baseline", "no_data"],
            "progress_category": ["not_assessable"] * 3,
            "provisional": [False] * 3,
            "before_plan": [True] * 3,
        }
    )
    table = reportdata.overview_table(base)
    assert list(table.columns) == ["目标数", "规划前已达到目标值", "基期水平", "待核实", "无法判断"]
    assert table.loc["合计"].tolist() == [3, 1, 1, 0, 1]
    legend = reportdata.overview_legend(base)
    assert "不作进度判断" in legend and "进度正常" not in legend and "变化方向" not in legend


def test_overview_of_a_mixed_year_shows_both_and_explains_the_baseline_columns():
    card = pd.DataFrame(
        {
            "domain": ["environment", "environment"],
            "status": ["baseline", "on_track"],
            "progress_category": ["not_assessable", "significant"],
            "provisional": [False, False],
            "before_plan": [True, False],
        }
    )
    assert list(reportdata.overview_table(card).columns) == list(reportdata.OVERVIEW_COLUMNS)
    assert reportdata.overview_legend(card).startswith(reportdata.OVERVIEW_LEGEND) and "只有规划实施前数据" in (
        reportdata.overview_legend(card)
    )


def test_a_baseline_figure_older_than_the_report_year_is_requested_for_the_year():
    sc = pd.DataFrame({"status": ["baseline", "baseline"], "year_assessed": [2013, 2014], "provisional": [False] * 2})
    assert [reportdata._years_needed(r, 2014) for r in sc.to_dict("records")] == [[2014], []]
