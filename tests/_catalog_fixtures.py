"""Builders for small, self-contained catalogs and data files used by the loader tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

INDICATORS = """\
indicators:
  - indicator_id: pm25_annual_mean
    domain: environment
    name_zh: 细颗粒物年均浓度
    name_en: PM2.5 annual mean
    unit: ug/m3
    measure: concentration
    direction: lower_is_better
  - indicator_id: pass_rate
    domain: product
    name_zh: 抽查合格率
    name_en: Spot-check pass rate
    unit: "%"
    measure: rate
    direction: higher_is_better
  - indicator_id: pilots
    domain: service
    name_zh: 试点数
    name_en: Pilots
    unit: count
    measure_word: 个
    measure: count
    direction: higher_is_better
  - indicator_id: cod_emissions
    domain: environment
    name_zh: 化学需氧量排放总量
    name_en: COD emissions
    unit: t
    measure: level
    direction: lower_is_better
"""

CITY = """\
city:
  city_id: testcity
  name_zh: 测试市
  name_en: Test City
  province_zh: 河南省
  province_en: Henan
plan:
  title_zh: 测试方案
  doc_number: 测政〔2014〕1号
  date: "2014-05-08"
  seed_file: 999_test.txt
  deadline_year: 2015
phases:
  - phase_id: prep
    name_zh: 筹备
    start: "2014-03"
    end: "2014-05"
targets:
  - target_id: testcity_product_1
    indicator_id: pass_rate
    domain: product
    name_zh: 抽查合格率
    name_en: pass rate
    kind: threshold
    comparator: ">="
    target_value: 90
    unit: "%"
    source: {section: 三（一）, item: "1"}
  - target_id: testcity_environment_1
    indicator_id: pm25_annual_mean
    domain: environment
    name_zh: PM2.5
    name_en: PM2.5
    kind: trajectory
    comparator: "<="
    target_value: 95
    unit: ug/m3
    base_year: 2013
    base_value: 108
    target_year: 2016
    source: {section: 三（四）, item: "6"}
  - target_id: testcity_environment_2
    indicator_id: cod_emissions
    domain: environment
    name_zh: COD
    name_en: COD
    kind: reduction_vs_base
    comparator: ">="
    target_value: 14.8
    unit: "%"
    base_year: 2010
    source: {section: 三（四）, item: "7"}
"""


def make_params(tmp: Path, city: str = CITY, indicators: str = INDICATORS) -> Path:
    """Write a params folder with one city and return it."""
    d = tmp / "params"
    d.mkdir(parents=True, exist_ok=True)
    (d / "indicators.yml").write_text(indicators, encoding="utf-8")
    (d / "testcity.yml").write_text(city, encoding="utf-8")
    return d


def write_csv(path: Path, body: str) -> Path:
    """Write a CSV (dedented) and return its path."""
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


HEADER = "city,indicator_id,year,value,unit,scope,source,source_detail,basis,note\n"
