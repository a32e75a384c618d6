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


_VS_REFERENCE = """
  - target_id: testcity_environment_3
    indicator_id: pm25_annual_mean
    domain: environment
    name_zh: PM2.5 below the province
    name_en: PM2.5 below the province
    kind: vs_reference
    comparator: "<"
    reference: {ref}
    source: {{section: 三（四）, item: "8"}}
"""


def test_any_province_or_the_nation_can_be_a_reference(tmp_path):
    for ref in ("sichuan", "china", "xinjiang"):
        cat = load_catalog(make_params(tmp_path / ref, CITY + _VS_REFERENCE.format(ref=ref)))
        assert cat.targets.set_index("target_id").loc["testcity_environment_3", "reference"] == ref


def test_an_unknown_reference_names_the_closest_areas(tmp_path):
    issues = _errors(tmp_path, city=CITY + _VS_REFERENCE.format(ref="sichaun"))
    (issue,) = [i for i in issues if i.column == "targets[3].reference"]
    assert "closest: sichuan" in issue.allowed


def test_a_city_cannot_be_a_reference(tmp_path):
    issues = _errors(tmp_path, city=CITY + _VS_REFERENCE.format(ref="luoyang"))
    assert any(i.column == "targets[3].reference" and i.value == "luoyang" for i in issues)


def _registry_city(city_id: str, name: str, province: str) -> str:
    text = CITY.replace("city_id: testcity", f"city_id: {city_id}").replace("name_zh: 测试市", f"name_zh: {name}")
    text = text.replace("province_en: Henan", f"province_en: Henan\n  province_entity: {province}")
    return text.replace("testcity_", f"{city_id}_")


def _registry_errors(tmp_path, city_id, name, province):
    d = make_params(tmp_path)
    (d / "testcity.yml").unlink()
    (d / f"{city_id}.yml").write_text(_registry_city(city_id, name, province), encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        load_catalog(d)
    return info.value.issues


def test_the_province_of_a_registry_city_must_be_its_own(tmp_path):
    (issue,) = _registry_errors(tmp_path, "luoyang", "洛阳市", "hunan")
    assert issue.column == "city.province_entity" and issue.allowed == "'henan'"
    assert "洛阳市 is in 河南省, not 湖南省" in issue.message


def test_a_province_id_is_not_a_city_id(tmp_path):
    (issue,) = _registry_errors(tmp_path, "henan", "河南省", "china")
    assert issue.column == "city.city_id" and "not a city" in issue.message


def test_an_unknown_province_entity_names_the_closest(tmp_path):
    (issue,) = _registry_errors(tmp_path, "luoyang", "洛阳市", "hennan")
    assert issue.column == "city.province_entity" and "henan" in issue.allowed


def test_a_municipality_is_a_city_with_the_nation_as_its_province(tmp_path):
    d = make_params(tmp_path)
    (d / "testcity.yml").unlink()
    (d / "chongqing.yml").write_text(_registry_city("chongqing", "重庆市", "china"), encoding="utf-8")
    assert "chongqing" in load_catalog(d).cities


def test_the_name_of_a_registry_city_must_be_the_registry_name(tmp_path):
    (issue,) = _registry_errors(tmp_path, "luoyang", "洛杨市", "henan")
    assert issue.column == "city.name_zh" and issue.allowed == "洛阳市 (or 洛阳)"


# ---- measure words of counts ----------------------------------------------------------------
_WORD = "    measure_word: 个\n"


@pytest.mark.parametrize(
    "indicators, fragment",
    [
        (INDICATORS.replace(_WORD, ""), "states no measure word"),  # missing
        (INDICATORS.replace(_WORD, '    measure_word: ""\n'), "states no measure word"),  # empty
        (INDICATORS.replace(_WORD, "    measure_word: pieces\n"), "not a known measure word"),
        (INDICATORS.replace(_WORD, "    measure_word: 件数\n"), "not a known measure word"),
    ],
    ids=["missing", "empty", "english", "not-a-word"],
)
def test_a_count_without_a_known_measure_word_is_refused(tmp_path, indicators, fragment):
    assert indicators != INDICATORS
    issues = _errors(tmp_path, indicators=indicators)
    match = [i for i in issues if i.column == "indicators[2].measure_word"]
    assert match, [str(i) for i in issues]
    text = str(match[0])
    assert match[0].file.endswith("indicators.yml") and isinstance(match[0].row, int)
    assert fragment in text and "'pilots'" in text  # file, line, indicator and the value
    assert "个, 件, 家" in text  # what is allowed


def test_a_measure_word_on_another_unit_is_refused(tmp_path):
    ind = INDICATORS.replace('    unit: "%"\n', '    unit: "%"\n    measure_word: 件\n', 1)
    issues = _errors(tmp_path, indicators=ind)
    match = [i for i in issues if i.column == "indicators[1].measure_word"]
    assert match and "'pass_rate'" in str(match[0]) and "件" in str(match[0])


def test_an_unknown_indicator_field_names_the_indicator(tmp_path):
    issues = _errors(tmp_path, indicators=INDICATORS.replace(_WORD, "    unit_zh: 件\n"))
    match = [i for i in issues if i.column == "indicators[2].unit_zh"]
    assert match and "'pilots'" in str(match[0]) and "measure_word" in str(match[0])


def test_a_count_target_carries_its_indicators_measure_word(tmp_path):
    city = (
        CITY
        + """  - target_id: testcity_service_1
    indicator_id: pilots
    domain: service
    name_zh: 试点
    name_en: pilots
    kind: count
    comparator: ">="
    target_value: 1
    unit: count
    source: {section: 三（三）, item: "3"}
"""
    )
    t = load_catalog(make_params(tmp_path, city=city)).targets.set_index("target_id")
    assert t.loc["testcity_service_1", "measure_word"] == "个"
    assert t.loc["testcity_product_1", "measure_word"] == ""  # a rate prints %


# ---- trend targets say whether the plan states the number of years ------------------------
_TREND = """  - target_id: testcity_engineering_1
    indicator_id: pass_rate
    domain: engineering
    name_zh: 比重不断提高
    name_en: share keeps rising
    kind: trend
    comparator: ">"
    target_value: null
    unit: "%"
    target_year: 2020
    n_years: 7
{stated}    numeric: false
    source: {{section: 二（二）, item: "2"}}
"""


@pytest.mark.parametrize("stated", ["", "    n_years_stated: maybe\n"], ids=["missing", "not-a-bool"])
def test_a_trend_must_say_whether_its_years_are_stated(tmp_path, stated):
    issues = _errors(tmp_path, city=CITY + _TREND.format(stated=stated))
    match = [i for i in issues if i.column == "targets[3].n_years_stated"]
    assert match, [str(i) for i in issues]
    assert "'testcity_engineering_1'" in str(match[0]) and "连续3年" in str(match[0])


def test_n_years_stated_is_read_and_refused_outside_trends(tmp_path):
    cat = load_catalog(make_params(tmp_path, city=CITY + _TREND.format(stated="    n_years_stated: false\n")))
    t = cat.targets.set_index("target_id")
    assert bool(t.loc["testcity_engineering_1", "n_years_stated"]) is False
    assert bool(t.loc["testcity_product_1", "n_years_stated"]) is True  # not a trend: nothing to say
    city = CITY.replace("kind: threshold\n", "kind: threshold\n    n_years_stated: true\n", 1)
    issues = _errors(tmp_path / "b", city=city)
    assert any(i.column == "targets[0].n_years_stated" and "only a trend" in str(i) for i in issues)


# ---- the plan's start year (a report year before it is a baseline year) -----------------------
_START = "  start_year: 2014\n  start_source: {section: 六、工作进度安排, clause: （一）规划筹备阶段}\n"


def _with_start(start: str = _START) -> str:
    return CITY.replace("  deadline_year: 2015\n", "  deadline_year: 2015\n" + start, 1)


def test_plan_start_year_is_read_into_every_target(tmp_path):
    cat = load_catalog(make_params(tmp_path, _with_start()))
    assert cat.targets["plan_start_year"].tolist() == [2014, 2014, 2014]
    assert cat.cities["testcity"]["plan"]["start_source"]["section"] == "六、工作进度安排"


def test_without_a_start_year_the_printed_date_then_the_first_phase_dates_the_start(tmp_path):
    assert set(load_catalog(make_params(tmp_path / "a")).targets["plan_start_year"]) == {2014}  # date 2014-05-08
    undated = CITY.replace('date: "2014-05-08"', 'date: ""').replace('start: "2014-03"', 'start: "2013-11"')
    assert set(load_catalog(make_params(tmp_path / "b", undated)).targets["plan_start_year"]) == {2013}


def test_the_shipped_plans_cite_their_start_year():
    cat = load_catalog()
    starts = {c: (m["plan"] or {}).get("start_year") for c, m in cat.cities.items()}
    assert starts == {"zhengzhou": 2014, "xinxiang": 2013, "zhuzhou": 2016, "qinhuangdao": None}
    for c, m in cat.cities.items():
        if m["plan"]:
            assert m["plan"]["start_source"]["section"] and m["plan"]["start_source"]["clause"], c


@pytest.mark.parametrize(
    ("start", "field", "fragment"),
    [
        ("  start_year: 2014\n", "plan.start_source", "source clause"),
        ('  start_year: "2014年"\n  start_source: {section: 六, clause: 一}\n', "plan.start_year", "integer"),
        ("  start_year: 2016\n  start_source: {section: 六, clause: 一}\n", "plan.start_year", "deadline_year 2015"),
        (
            "  start_year: 2015\n  start_source: {section: 六, clause: 一}\n",
            "plan.start_year",
            "before the plan's start",
        ),
        ("  start_year: 2014\n  start_source: {section: 六}\n", "plan.start_source.clause", "missing"),
        ("  start_source: {section: 六, clause: 一}\n", "plan.start_source", "needs a start_year"),
    ],
)
def test_a_bad_start_year_is_refused_with_its_line(tmp_path, start, field, fragment):
    issues = _errors(tmp_path, city=_with_start(start))
    match = [i for i in issues if i.column == field]
    assert match, [str(i) for i in issues]
    assert isinstance(match[0].row, int) and match[0].row > 1 and fragment in str(match[0])


def test_a_target_due_before_the_plan_starts_is_refused(tmp_path):
    city = _with_start().replace(
        '    target_value: 90\n    unit: "%"\n', '    target_value: 90\n    unit: "%"\n    target_year: 2013\n', 1
    )
    issues = _errors(tmp_path, city=city)
    match = [i for i in issues if i.column == "targets[0].target_year"]
    assert match and "before the plan starts (2014)" in str(match[0])
