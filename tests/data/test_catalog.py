"""Tests of qclib.data.catalog: loading and validating the target catalog."""

from __future__ import annotations

import pytest

from qclib.data.catalog import TARGET_COLUMNS, load_catalog, load_indicators, load_targets
from qclib.exceptions import DataValidationError
from tests._catalog_fixtures import CITY, INDICATORS, make_params


def _errors(tmp_path, city=CITY, indicators=INDICATORS):
    with pytest.raises(DataValidationError) as info:
        load_catalog(make_params(tmp_path, city, indicators))
    return info.value.issues


def test_valid_catalog_loads(tmp_path):
    cat = load_catalog(make_params(tmp_path))
    assert list(cat.targets.columns) == list(TARGET_COLUMNS)
    t = cat.targets.set_index("target_id")
    assert t.loc["testcity_product_1", "target_year"] == 2015
    assert bool(t.loc["testcity_product_1", "target_year_inferred"]) is True
    assert bool(t.loc["testcity_environment_1", "target_year_inferred"]) is False
    assert t.loc["testcity_environment_1", "base_value"] == 108
    assert t.loc["testcity_environment_2", "measure"] == "level"
    assert t.loc["testcity_environment_2", "doc_number"] == "测政〔2014〕1号"
    assert cat.cities["testcity"]["plan"]["date"] == "2014-05-08"  # kept as written, not a date
    assert "china" in cat.entities and "testcity" in cat.entities


def test_load_targets_accepts_a_single_city_file(tmp_path):
    d = make_params(tmp_path)
    assert set(load_targets(d / "testcity.yml")["city"]) == {"testcity"}


@pytest.mark.parametrize(
    "old, new, field, fragment",
    [
        ("kind: threshold", "kind: thresold", "targets[0].kind", "threshold, count"),
        (
            'comparator: ">="\n    target_value: 90',
            'comparator: "=>"\n    target_value: 90',
            "targets[0].comparator",
            ">, >=, <=, <, ==",
        ),
        ("indicator_id: pass_rate", "indicator_id: pass_rat", "targets[0].indicator_id", "indicators"),
        ("target_value: 90", "target_value: 190", "targets[0].target_value", "0 <= value <= 100"),
        ("unit: ug/m3", "unit: mg/m3", "targets[1].unit", "'ug/m3'"),
        ("    base_year: 2010\n", "", "targets[2].base_year", "integer year"),
        ('source: {section: 三（一）, item: "1"}', "note: no source", "targets[0].source", "section and item"),
        (
            "domain: product\n    name_zh: 抽查",
            "domain: products\n    name_zh: 抽查",
            "targets[0].domain",
            "engineering",
        ),
    ],
)
def test_each_rule_names_file_line_field_and_allowed(tmp_path, old, new, field, fragment):
    city = CITY.replace(old, new, 1)
    assert city != CITY
    issues = _errors(tmp_path, city=city)
    match = [i for i in issues if i.column == field]
    assert match, [str(i) for i in issues]
    assert match[0].file.endswith("testcity.yml")
    assert isinstance(match[0].row, int) and match[0].row > 1
    assert fragment in str(match[0])


def test_yaml_syntax_error_reports_line(tmp_path):
    issues = _errors(tmp_path, city=CITY.replace("  - phase_id: prep", "  - phase_id: [prep"))
    assert issues[0].row is not None and "YAML syntax error" in issues[0].message


def test_duplicate_target_id(tmp_path):
    city = CITY.replace("testcity_environment_2", "testcity_environment_1")
    assert any("duplicate target id" in i.message for i in _errors(tmp_path, city=city))


def test_duplicate_indicator_across_registry_files(tmp_path):
    d = make_params(tmp_path)
    (d / "indicators_extra.yml").write_text(INDICATORS.split("  - indicator_id: pass_rate")[0], encoding="utf-8")
    with pytest.raises(DataValidationError, match="duplicate indicator id"):
        load_indicators(d)


def test_unknown_measure_in_registry(tmp_path):
    issues = _errors(tmp_path, indicators=INDICATORS.replace("measure: rate", "measure: ratio"))
    assert issues[0].column.endswith("measure") and "rate, index" in str(issues[0])


def test_city_id_must_match_file_name(tmp_path):
    issues = _errors(tmp_path, city=CITY.replace("city_id: testcity", "city_id: othercity"))
    assert any(i.column == "city.city_id" for i in issues)


def test_all_errors_collected_not_just_first(tmp_path):
    city = CITY.replace("kind: threshold", "kind: x").replace("kind: trajectory", "kind: y")
    assert len(_errors(tmp_path, city=city)) >= 2


def test_shipped_catalog_is_valid():
    cat = load_catalog()
    assert {"zhengzhou", "xinxiang", "zhuzhou", "qinhuangdao"} <= set(cat.cities)
    assert cat.targets["target_id"].is_unique
    assert set(cat.targets.loc[cat.targets.city == "qinhuangdao", "target_id"]) == set()
