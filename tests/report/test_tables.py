"""Tests of qclib.report.tables on the shipped catalog and data (what the report notebooks show)."""

from __future__ import annotations

import warnings

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
