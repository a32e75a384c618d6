"""What the city reports say, on the shipped catalog and data (issue 9's done-when).

The scorecard-level checks use :class:`qclib.report.tables.ReportInputs`; one test renders
the Zhengzhou 2013 and 2016 reports through the batch runner and reads their visible text.
"""

from __future__ import annotations

import os
import re
import warnings
from html.parser import HTMLParser

import pandas as pd
import pytest

from qclib.exceptions import QclibWarning
from qclib.indicators.consistency import reported_changes
from qclib.report import narrative, tables


@pytest.fixture(scope="module")
def inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QclibWarning)
        return tables.load_report_inputs()


def _by_indicator(card: pd.DataFrame) -> pd.DataFrame:
    return card.set_index("target_id")


# ---- official figures the documents give are used ---------------------------------------
def test_zhengzhou_2013_uses_the_plan_and_interview_figures(inputs):
    c = _by_indicator(inputs.scorecard("zhengzhou", 2013))
    pm = c.loc["zhengzhou_environment_6_b"]
    assert (pm["value"], pm["year_assessed"], pm["value_basis"]) == (108.0, 2013, "official")
    msw = c.loc["zhengzhou_environment_2"]  # 93 % (城市) against >= 92.5 % (含县市)
    assert msw["value"] == 93.0 and msw["status"] == "baseline_met" and "城市（市区）口径" in msw["scope_note"]
    water = c.loc["zhengzhou_environment_5"]  # 98 % (城市) against >= 98 % (全市)
    assert water["value"] == 98.0 and water["status"] == "baseline_met"
    spot = c.loc["zhengzhou_product_4"]  # 93.1 % key industrial products, a proxy
    assert spot["value"] == 93.1 and spot["value_basis"] == "proxy" and spot["provisional"]
    assert "工业产品质量监督抽查合格率" in spot["provisional_reason_zh"]


@pytest.mark.parametrize(
    ("tid", "proxy"),
    [
        # 保障性安居工程…竣工工程合格率100%: at completion, not the first-time acceptance rate the plan targets
        ("zhengzhou_engineering_4", "保障性安居工程竣工工程合格率"),
        # 市区建筑节能设计标准执行率100%: the design standard, not the rate for newly started buildings
        ("zhengzhou_engineering_2", "建筑节能设计标准执行率"),
    ],
)
def test_a_near_but_different_figure_stands_in_as_a_proxy(inputs, tid, proxy):
    r = _by_indicator(inputs.scorecard("zhengzhou", 2013)).loc[tid]  # at the target before the plan, not verified
    assert (r["value"], r["value_basis"], r["status"]) == (100.0, "proxy", "baseline_met")
    assert r["provisional"] and r["proxy_name_zh"] == proxy and proxy in r["provisional_reason_zh"]
    assert narrative.overview_bucket(r.to_dict()) == "待核实"
    assert f"以相近指标“{proxy}”的数值近似" in narrative.status_label(r.to_dict())
    late = _by_indicator(inputs.scorecard("zhengzhou", 2015)).loc[tid]  # the 2013 figure, shown not judged
    assert late["status"] == "no_data" and proxy in narrative.old_value_sentence(late.to_dict())


def test_zhengzhou_2016_has_no_pace_status_on_a_2015_target(inputs):
    c = inputs.scorecard("zhengzhou", 2016)
    past = c.loc[c["target_year"] <= 2016]
    assert not past["status"].isin(["on_track", "off_track"]).any()
    pm = _by_indicator(c).loc["zhengzhou_environment_6_b"]  # 78.6: a study's mean, not official
    assert pm["status"] == "met" and pm["provisional"] and "研究文献" in pm["provisional_reason_zh"]


def test_no_copy_site_figure_is_labelled_official(inputs):
    for city, year in (("zhengzhou", 2020), ("zhuzhou", 2017), ("xinxiang", 2020), ("zhengzhou", 2016)):
        card = inputs.scorecard(city, year)
        src = tables.sources_by_credibility(card)
        copied = card.loc[card["value"].notna() & card["value_source_kind"].isin(["mirror", "aggregator"])]
        for name in copied["name_zh"]:
            assert (src.loc[src["指标"] == name, "来源类别"] == "转载（非发布机构，待核实）").all(), (city, name)
        judged = copied.loc[copied["status"].isin(["met", "not_met", "on_track", "off_track"])]
        assert judged["provisional"].all()
        assert not src["来源"].str.contains(r"seeds/|public_facts|\.txt").any()
        assert not src.loc[src["来源类别"].str.startswith("四"), "数据性质"].eq("官方数据").any()
    for city, year in (("zhuzhou", 2017), ("zhengzhou", 2020)):
        shown = tables.observations_table(inputs.observations, inputs.catalog.indicators, city, year)
        copied = shown["来源"].str.startswith("转载")
        assert not shown.loc[copied, "数据性质"].eq("官方数据").any(), (city, year)


def test_the_published_64_2_percent_cut_is_flagged(inputs):
    checks = reported_changes(inputs.observations, inputs.catalog.indicators, "zhengzhou", until=2013)
    cut = checks.set_index("indicator_id").loc["admin_approval_items_change_pct"]
    assert (cut["base_value"], cut["value"], cut["reported"]) == (363.0, 141.0, -64.2)
    assert round(cut["computed"], 1) == -61.2 and not cut["consistent"]
    shown = tables.change_checks_table(checks, {"admin_approval_items": "行政审批事项"})
    assert "不一致：按数值计算为-61.2%" in shown["核对结果"].tolist()


def test_every_reported_change_in_the_registry_names_its_levels(inputs):
    reg = inputs.catalog.indicators
    changes = reg.loc[reg["indicator_id"].str.contains(r"_change") & reg["unit"].isin(["%", "pp", "days"])]
    # the two approval-reform figures have no published levels; everything else is checkable
    unchecked = set(changes.loc[changes["change_of"] == "", "indicator_id"])
    assert unchecked == {"admin_approval_steps_change_pct", "admin_approval_time_limit_change_pct"}


def test_partial_year_and_period_figures_are_never_a_years_value(inputs):
    ind = inputs.catalog.indicators
    xx = tables.observations_table(inputs.observations, ind, "xinxiang", 2017)
    assert not xx["数值"].isin(["119", "18"]).any()
    apart = tables.not_a_year_table(inputs.observations, ind, "xinxiang", 2017)
    assert set(apart["覆盖时段"]) == {"部分年度（1–2月）"}
    qhd = tables.observations_table(inputs.observations, ind, "qinhuangdao", 2010)
    assert "5000" not in qhd["数值"].tolist()
    assert "多年合计（2006–2010年）" in set(
        tables.not_a_year_table(inputs.observations, ind, "qinhuangdao", 2010)["覆盖时段"]
    )


# ---- the generated text states only what the scorecard holds -----------------------------
def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def _held(card: pd.DataFrame) -> set[str]:
    held = {str(n) for n in range(len(card) + 1)}
    for col in (
        "value",
        "target_value",
        "gap",
        "gap_per_year",
        "base_value",
        "year_assessed",
        "target_year",
        "base_year",
        "plan_start_year",
    ):
        for v in pd.to_numeric(card[col], errors="coerce").dropna():
            held.add(narrative.format_number(abs(v)))
    return held | {"2.5", "10"}  # PM2.5 and PM10 in indicator names


@pytest.mark.parametrize(
    ("city", "year"), [("zhengzhou", 2013), ("zhengzhou", 2015), ("zhuzhou", 2017), ("xinxiang", 2020)]
)
def test_headline_problems_and_next_steps_hold_only_scorecard_numbers(inputs, city, year):
    card = inputs.scorecard(city, year)
    rows = card.to_dict("records")
    name = inputs.city_name(city)
    text = narrative.headline(rows, city_name_zh=name, year=year)
    text += "".join(narrative.problem_sentence(r, year) for r in tables.problem_rows(card).to_dict("records"))
    text += "".join(narrative.next_steps(rows, year=year))
    names = "".join(str(n) for n in card["name_zh"])
    stray = _numbers(text) - _held(card) - _numbers(names) - {str(year)}
    assert not stray, stray


def test_missing_targets_are_named_once(inputs):
    card = inputs.scorecard("zhengzhou", 2015)
    gaps = tables.gaps_table(card)
    named = "；".join(gaps["目标指标"]).split("；")
    assert len(named) == len(set(named)) == int(gaps["目标数"].sum())
    paragraphs = "".join(
        narrative.domain_paragraph(
            card.loc[card["domain"] == d].to_dict("records"), domain=d, city_name_zh="郑州市", year=2015
        )
        for d in card["domain"].unique()
    )
    unjudged = card.loc[~tables.judged_mask(card) & card["value"].isna(), "name_zh"]
    assert not [n for n in unjudged if n in paragraphs]  # counted in the domain text, named in 数据缺口 only


# ---- the rendered reports -------------------------------------------------------------------
class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from qclib.batch.runner import load_run_config, run_reports

    out = tmp_path_factory.mktemp("reports")
    summary = run_reports(
        "zhengzhou",
        "2013,2016",
        run_config=load_run_config(),
        comparison=False,
        out_dir=out / "r",
        processed_dir=out / "p",
        stream=open(os.devnull, "w"),
    )
    assert [r.status for r in summary.results] == ["ok", "ok"], summary.results
    return out / "r"


def _visible(path) -> str:
    p = _Text()
    p.feed(path.read_text(encoding="utf-8"))
    return "".join(p.parts)


def test_rendered_report_reads_as_a_report(rendered, inputs):
    text = _visible(rendered / "zhengzhou" / "2013" / "city_report.html")
    assert text.lstrip().startswith("郑州市2013年质量分析报告")
    for heading in ("综述", "存在问题", "下一步工作建议", "数据缺口", "附录：数据来源"):
        assert heading in text
    for banned in ("qc run", "papermill", "qclib", ".ipynb", ".csv", "seeds/"):
        assert banned not in text
    n_missing = int((inputs.scorecard("zhengzhou", 2013)["status"] == "no_data").sum())
    assert text.count("无数据") <= n_missing // 4 + 3  # said once per gap list, not per target per section
    assert "不一致：按数值计算为-61.2%" in text


def test_rendered_counts_carry_their_measure_word_and_proxies_are_named(rendered):
    text = _visible(rendered / "zhengzhou" / "2013" / "city_report.html")
    # the patent figure of the 2014 interview (seed 000: 专利授权10372件) with its word, not 个
    assert re.search(r"专利授权量\s*10372\s*件", text) and not re.search(r"10372\s*个", text)
    assert re.search(r"高新技术企业数\s*342\s*家", text) and re.search(r"大学生质量安全志愿者人数\s*300\s*名", text)
    for proxy in ("保障性安居工程竣工工程合格率", "建筑节能设计标准执行率"):
        assert f"以相近指标“{proxy}”的数值近似" in text


def test_rendered_trends_without_a_stated_count_are_not_n_years_running(rendered):
    text = _visible(rendered / "zhengzhou" / "2016" / "city_report.html")
    assert "工业化建造比重不断提高" in text and "持续提高（2014—2015年，逐年判断）" in text
    assert not re.search(r"连续\d+年(上升|提高)", text)  # Zhengzhou's plan gives no count of years


# ---- a year before the plan starts: the base level, no pace --------------------------------------
def test_zhengzhou_2013_is_a_baseline_year_with_no_pace_status(inputs):
    card = inputs.scorecard("zhengzhou", 2013)
    assert card["before_plan"].all() and set(card["plan_start_year"]) == {2014}
    assert not card["status"].isin(["on_track", "off_track", "met", "not_met"]).any()
    c = _by_indicator(card)
    assert c.loc["zhengzhou_environment_2", "status"] == "baseline_met"  # 93 % against >= 92.5 %
    assert c.loc["zhengzhou_environment_5", "status"] == "baseline_met"  # 98 % against >= 98 %
    sewage = c.loc["zhengzhou_environment_1_a"]  # 85 % against >= 95 %
    assert (sewage["status"], sewage["gap"], sewage["gap_per_year"]) == ("baseline", 10.0, 5.0)
    pm = c.loc["zhengzhou_environment_6_b"]  # the path's start, 13 above the 2016 target
    assert (pm["status"], pm["gap"]) == ("baseline", 13.0) and pm["progress_category"] == "not_assessable"


def _summary(text: str) -> str:
    return text[text.index("综述") : text.index("一、分领域情况")]


def test_rendered_zhengzhou_2013_report_states_the_baseline_and_no_pace(rendered):
    text = _visible(rendered / "zhengzhou" / "2013" / "city_report.html")
    summary = _summary(text)
    assert "2013年在郑州市质量强市规划实施之前（规划自2014年起实施），为规划的基期，不作进度判断。" in summary
    assert "其中7项有基期数据：规划前已达到目标值2项，基期水平2项，待核实3项。" in summary
    assert "基期距目标尚有差距的有“污水处理率（市区）”“PM2.5年均浓度”" in summary
    for pace in ("进度正常", "进度滞后", "已达标", "未达标", "变化方向", "落后于规划要求"):
        assert pace not in text, pace  # nowhere in the report: no pace before the plan
    # the figures the documents give are shown, the distance to each target stated
    assert "PM2.5年均浓度为108微克/立方米" in text and "距2016年目标尚差13微克/立方米，基期水平" in text
    assert "生活垃圾无害化处理率为93%" in text and "集中式饮用水水源地取水水质达标率为98%" in text
    assert "距目标尚差10个百分点，基期水平" in text
    assert "以下3项目标的基期水平距目标尚有差距" in text
    assert "不一致：按数值计算为-61.2%" in text  # the published 64.2 % cut is still flagged
    assert "规划自2014年起实施" in text
    # the domain counts agree with the overview table: the two proxies at their target are 待核实 there too
    assert "郑州市工程质量领域共有6项目标指标，其中待核实2项、无数据4项" in text


def test_word_report_of_zhengzhou_2013_says_the_same(rendered):
    from docx import Document

    doc = Document(str(rendered / "zhengzhou" / "2013" / "zhengzhou_2013_质量分析报告.docx"))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "为规划的基期，不作进度判断" in body and "进度正常" not in body
    overview = [c.text for c in doc.tables[0].rows[0].cells]
    assert overview == ["", "目标数", "规划前已达到目标值", "基期水平", "待核实", "无法判断"]
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert "◆ 规划前已达到目标值" in cells and "◇ 基期水平" in cells


def test_data_request_sheet_is_written_and_loads_back(rendered, tmp_path):
    from openpyxl import load_workbook

    import qclib

    sheet = rendered / "zhengzhou" / "2013" / "zhengzhou_2013_数据需求清单.xlsx"
    wb = load_workbook(sheet)
    assert wb.sheetnames == ["数据需求清单", "填写说明"]
    ws = wb["数据需求清单"]
    header = [c.value for c in ws[1]]
    assert {"城市", "指标代码", "年份", "数值", "规划条款", "责任部门", "报送时间"} <= set(header)
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert len(body) >= 20  # Zhengzhou 2013 misses most of its figures
    text = " ".join(str(v) for row in body for v in row if v is not None)
    assert ".txt" not in text and "qc " not in text and "'=" not in text
    assert body[0][header.index("城市")] == "郑州市"
    # the 待核实 proxy figure asks for the official one
    spot = [r for r in body if r[header.index("指标代码")] == "enterprise_product_supervision_pass_rate"]
    assert spot and "官方" in str(spot[0][header.index("备注")])
    ws.cell(row=2, column=header.index("数值") + 1, value=1)
    ws.cell(row=2, column=header.index("来源") + 1, value="本单位统计")
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QclibWarning)
        obs = qclib.load_observations([filled], include_shipped=False)
    assert len(obs) == 1 and obs.iloc[0]["source_kind"] == "analyst" and obs.iloc[0]["city"] == "zhengzhou"


def test_a_report_counts_only_the_load_warnings_of_its_own_years(rendered):
    # the shipped data's two official figures are for 2020: the 2016 report shows no table of them, nor counts them
    text = _visible(rendered / "zhengzhou" / "2016" / "city_report.html")
    assert "本年度没有需要核对的数据事项。" in text and "同一年份有两个官方数值" not in text
    assert "读取数据时" not in text  # no sentence about checks that found nothing
