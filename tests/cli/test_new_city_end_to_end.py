"""Issue 14's acceptance test: a plan city in a province no shipped city is in, with no code change.

A temporary params folder gets the shipped indicator registry; ``qc city new 绵阳市`` (四川省:
none of the shipped cities is in Sichuan) writes the skeleton and the run entry; the test fills
the plan and three targets as a bureau would, writes a small observation file that names the
city and the province in Chinese, then ``qc validate``, ``qc scorecard`` and ``qc run`` work on
it and the report carries Sichuan as its reference line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from qclib.cli.main import main
from qclib.paths import PARAMS_DIR

PLAN = {
    'title_zh: ""': "title_zh: 绵阳市创建质量强市示范城市工作方案（测试）",
    'seed_file: ""': "seed_file: mianyang_plan_test.pdf",
    "deadline_year: null": "deadline_year: 2023",
}

TARGETS = """\
targets:
  - target_id: mianyang_environment_1
    indicator_id: pm25_annual_mean
    domain: environment
    name_zh: 细颗粒物年均浓度低于全省平均
    name_en: PM2.5 below the provincial average
    kind: vs_reference
    comparator: "<"
    target_value: null
    reference: sichuan
    target_year: 2023
    source: {section: 二、主要目标, item: "1"}
  - target_id: mianyang_environment_2
    indicator_id: good_days_ratio
    domain: environment
    name_zh: 空气质量优良天数比例
    name_en: Share of good air days
    kind: threshold
    comparator: ">="
    target_value: 90
    unit: "%"
    target_year: 2023
    source: {section: 二、主要目标, item: "2"}
  - target_id: mianyang_product_1
    indicator_id: product_national_spotcheck_pass_rate
    domain: product
    name_zh: 产品质量国家监督抽查合格率
    name_en: National spot-check pass rate
    kind: threshold
    comparator: ">="
    target_value: 95
    unit: "%"
    target_year: 2023
    source: {section: 二、主要目标, item: "3"}
"""

OBSERVATIONS = """\
city,indicator_id,year,value,unit,source
绵阳市,pm25_annual_mean,2022,31,ug/m3,绵阳市生态环境状况公报（测试）
绵阳市,pm25_annual_mean,2023,30,ug/m3,绵阳市生态环境状况公报（测试）
四川省,pm25_annual_mean,2022,32,ug/m3,四川省生态环境状况公报（测试）
四川省,pm25_annual_mean,2023,33,ug/m3,四川省生态环境状况公报（测试）
绵阳,good_days_ratio,2023,91.2,%,绵阳市生态环境状况公报（测试）
mianyang,product_national_spotcheck_pass_rate,2023,94.0,%,四川省市场监管局抽查通报（测试）
"""


@pytest.fixture
def bureau(tmp_path) -> tuple[Path, Path]:
    """The params folder and observation file of the new city, made with ``qc city new``."""
    params = tmp_path / "params"
    params.mkdir()
    for p in PARAMS_DIR.glob("indicators*.yml"):
        shutil.copy(p, params / p.name)
    assert main(["city", "new", "绵阳市", "--years", "2023", "--params-dir", str(params)]) == 0
    path = params / "mianyang.yml"
    text = path.read_text(encoding="utf-8")
    for old, new in PLAN.items():
        text = text.replace(old, new)
    path.write_text(text.replace("targets: []\n", TARGETS), encoding="utf-8")
    data = tmp_path / "mianyang_2023.csv"
    data.write_text(OBSERVATIONS, encoding="utf-8")
    return params, data


def test_validate_and_scorecard_of_a_city_in_an_uncovered_province(bureau, tmp_path, capsys):
    params, data = bureau
    assert main(["validate", "--params-dir", str(params), str(data)]) == 0
    out = capsys.readouterr().out
    assert "OK: catalog and data are valid" in out and "mianyang" in out and "sichuan" in out
    card = tmp_path / "card.csv"
    args = ["scorecard", "--params-dir", str(params), "--city", "mianyang", "--year", "2023", "--out", str(card)]
    assert main([*args, str(data)]) == 0
    status = pd.read_csv(card).set_index("target_id")["status"].to_dict()
    assert status == {"mianyang_environment_1": "met", "mianyang_environment_2": "met", "mianyang_product_1": "not_met"}


@pytest.mark.slow
def test_run_builds_the_report_with_the_province_as_reference(bureau, tmp_path, capsys):
    params, data = bureau
    argv = ["run", "--params-dir", str(params), "--config", str(params / "run.yml"), "--city", "mianyang"]
    out = tmp_path / "reports"
    assert main([*argv, "--data", str(data), "--out", str(out), "--no-scorecards"]) == 0
    html = (out / "mianyang" / "2023" / "city_report.html").read_text(encoding="utf-8")
    assert "绵阳市2023年质量分析报告" in html
    assert "四川省" in html and "低于四川省" in html  # the province reference, by its registry name
    assert "sichuan" not in html.replace("sichuan.yml", "")  # never the bare id in the text
