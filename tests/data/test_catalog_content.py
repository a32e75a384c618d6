"""Content tests of the shipped target catalog (params/*.yml).

These pin the transcription of the plan documents (Zhengzhou 2014 work plan, Xinxiang 2013
implementing opinions, Zhuzhou 2016-2017 creation targets): structure, vocabularies and
spot checks of individual clauses.  They read the YAML with PyYAML only (independent of
``qclib.data.catalog``) so that a loader bug cannot hide a transcription change.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from qclib.constants import (
    COMPARATORS,
    DIRECTIONS,
    DOMAINS,
    MEASURE_WORDS,
    MEASURES,
    PLAN_CITIES,
    REFERENCE_ENTITIES,
    TARGET_KINDS,
)

PARAMS = Path(__file__).resolve().parents[2] / "params"
PLAN_FILES = ("zhengzhou", "xinxiang", "zhuzhou")

TARGET_FIELDS = {
    "target_id",
    "indicator_id",
    "domain",
    "name_zh",
    "name_en",
    "kind",
    "comparator",
    "target_value",
    "unit",
    "base_year",
    "base_value",
    "target_year",
    "target_year_inferred",
    "n_years",
    "reference",
    "scope",
    "numeric",
    "source",
    "note",
}
INDICATOR_FIELDS = {"indicator_id", "domain", "name_zh", "name_en", "unit", "measure", "direction", "note"}
UNITS = {
    "%",
    "score",
    "count",
    "ug/m3",
    "mg/m3",
    "dB(A)",
    "t",
    "10k t",
    "days",
    "rank",
    "CNY 10k",
    "per 10k",
    "bool",
    "pH",
}


def _load(name: str):
    with open(PARAMS / f"{name}.yml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def registry() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for path in sorted(PARAMS.glob("indicators*.yml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["indicators"]:
            assert entry["indicator_id"] not in out, f"duplicate indicator {entry['indicator_id']}"
            out[entry["indicator_id"]] = entry
    return out


@pytest.fixture(scope="module")
def docs() -> dict[str, dict]:
    return {c: _load(c) for c in PLAN_CITIES}


@pytest.fixture(scope="module")
def targets(docs) -> dict[str, dict]:
    """All targets by target_id (with their city added)."""
    out = {}
    for city, doc in docs.items():
        for t in doc["targets"] or []:
            assert t["target_id"] not in out, f"duplicate target id {t['target_id']}"
            out[t["target_id"]] = {**t, "city": city}
    return out


# --------------------------------------------------------------------------- structure


def test_indicator_registry_fields_and_vocab():
    entries = _load("indicators")["indicators"]
    ids = [e["indicator_id"] for e in entries]
    assert len(ids) == len(set(ids))
    for e in entries:
        assert set(e) - {"measure_word"} == INDICATOR_FIELDS, e["indicator_id"]  # measure_word: counts only
        assert e["domain"] in DOMAINS
        assert e["measure"] in MEASURES
        assert e["direction"] in DIRECTIONS
        assert e["unit"] in UNITS, (e["indicator_id"], e["unit"])
        if e["measure"] == "rank":
            assert e["unit"] == "rank" and e["direction"] == "lower_is_better"
        if e["measure"] == "boolean":
            assert e["unit"] == "bool"


#: The measure word of every count indicator (unit count), as the seed documents and the
#: public_facts quotes print it after the number.  A count added to the registry must be added
#: here too (the test below fails otherwise), with its word checked against its source.
COUNT_MEASURE_WORDS: dict[str, str] = {
    # plan targets (params/indicators.yml)
    "national_brand_demo_zones": "个",  # 称号1个以上 (001), 争创1个 (002)
    "provincial_brand_demo_zones": "个",  # 3个以上 (002)
    "major_quality_safety_accidents": "起",
    "national_service_standardization_pilots": "个",  # 建成1个 (001, 003)
    "time_honored_and_standard_store_titles": "个",  # 称号在3个以上 (001)
    "service_brand_titles": "个",  # 称号在3个以上 (001)
    "service_enterprises_brand_or_award": "家",  # enterprises
    "inferior_v_water_bodies_built_up": "个",
    "national_quality_education_bases": "个",  # 1个以上 (001)
    "national_metrology_centers_or_key_labs": "个",  # 1个以上 (001, 003)
    "national_qc_centers": "个",  # 12个国家质检中心 (000), 3个国家级质检中心 (003)
    # figures only (params/indicators_observed.yml)
    "food_spotcheck_batches": "批次",
    "china_famous_brand_products": "项",  # 中国名牌产品8项 (004)
    "china_well_known_trademarks": "件",  # 中国驰名商标6件 (004)
    "hebei_famous_brand_products": "项",
    "hebei_quality_products": "项",
    "hebei_famous_trademarks": "件",
    "hebei_famous_and_quality_products": "项",
    "valid_registered_trademarks": "件",
    "henan_famous_brand_enterprises_in_year": "家",  # 60家企业 (000)
    "henan_famous_brand_products_in_year": "个",  # 68个产品 (000)
    "brand_building_demo_enterprises": "家",
    "agri_standardization_demo_zones": "个",
    "special_equipment_supervision_bodies": "个",
    "enterprises_with_quality_dynamic_management_system": "家",
    "key_equipment_under_dynamic_management": "台",  # 19037台重点设备 (004)
    "admin_approval_items": "项",  # 由363项削减至141项 (000)
    "provincial_qc_centers": "个",
    "national_qc_centers_in_preparation": "个",
    "national_qc_centers_approved": "个",
    "city_county_inspection_bodies": "个",
    "municipal_rd_centers": "家",  # 市级研发中心、1705家 (000)
    "national_standardization_tech_committees": "个",
    "high_tech_enterprises": "家",  # 高新技术企业342家 (000)
    "patent_grants": "件",  # 专利授权10372件 (000)
    "valid_invention_patents": "件",
    "high_value_invention_patents": "件",
    "national_standards_drafted": "项",
    "industry_standards_drafted": "项",
    "local_standards_drafted": "项",
    "national_standard_projects_applied": "项",
    "local_standard_projects_applied": "项",
    "standardization_pilot_projects_approved": "项",
    "enterprise_standard_leaders": "个",
    "china_quality_award_nominations": "项",
    "governor_quality_award_winners_in_year": "家",
    "governor_quality_award_winners_cumulative": "家",
    "mayor_quality_award_winners_in_year": "家",
    "chief_quality_officers": "家",
    "quality_education_practice_bases": "家",  # 6家企业为…基地 (000)
    "quality_education_demo_schools": "所",  # 14所中小学校 (000)
    "quality_safety_student_volunteers": "名",  # 300名大学生 (000)
    "quality_volunteer_universities": "所",
    "quality_slogan_submissions": "条",  # 口号3484条 (000)
    "quality_logo_submissions": "个",
    "honest_metrology_pledge_units": "家",
    "honest_metrology_demo_units": "家",
}


def test_every_count_indicator_states_its_measure_word(registry):
    counts = {iid: e for iid, e in registry.items() if e["unit"] == "count"}
    missing = sorted(iid for iid, e in counts.items() if not e.get("measure_word"))
    assert not missing, f"count indicators without a measure_word: {missing}"
    assert set(counts) == set(COUNT_MEASURE_WORDS), set(counts) ^ set(COUNT_MEASURE_WORDS)
    for iid, e in counts.items():
        assert e["measure_word"] == COUNT_MEASURE_WORDS[iid], iid
        assert e["measure_word"] in MEASURE_WORDS, iid
    for iid, e in registry.items():
        if e["unit"] != "count":
            assert "measure_word" not in e, iid  # other units print their own (天, 吨, %)
        if e["measure"] == "count":  # every count either names its word or is in days (天)
            assert e["unit"] in ("count", "days"), iid


def test_every_city_file_has_metadata(docs):
    for city, doc in docs.items():
        assert doc["city"]["city_id"] == city
        assert doc["city"]["province_entity"] in REFERENCE_ENTITIES
        assert isinstance(doc["phases"], list)
    for city in PLAN_FILES:
        plan = docs[city]["plan"]
        for key in ("title_zh", "title_en", "issuer_zh", "seed_file", "deadline_year"):
            assert plan[key] not in (None, ""), (city, key)
        assert "doc_number" in plan
        assert isinstance(plan["date"], str)


def test_every_target_has_required_fields_and_allowed_values(targets, registry):
    assert targets, "no targets"
    for tid, t in targets.items():
        optional = {"city", "proxy_indicator", "scope_strict", "n_years_stated"}
        assert set(t) - optional == TARGET_FIELDS, tid  # optional fields (n_years_stated: trends only)
        assert tid.startswith(f"{t['city']}_{t['domain']}_"), tid
        assert t["domain"] in DOMAINS, tid
        assert t["kind"] in TARGET_KINDS, tid
        assert t["comparator"] in COMPARATORS, tid
        assert t["indicator_id"] in registry, (tid, t["indicator_id"])
        assert isinstance(t["numeric"], bool) and isinstance(t["target_year_inferred"], bool), tid
        assert isinstance(t["target_year"], int), tid
        assert t["source"]["section"] and str(t["source"]["item"]) and t["source"]["clause"], tid
        assert t["name_zh"] and t["name_en"], tid
        ind = registry[t["indicator_id"]]
        if t["numeric"]:
            assert isinstance(t["target_value"], (int, float)), tid
        else:
            assert t["target_value"] is None, tid
        if t["kind"] in ("threshold", "count", "trajectory", "rank") and t["target_value"] is not None:
            assert t["unit"] == ind["unit"], tid
        if t["kind"] in ("reduction_vs_base", "change_vs_base"):
            assert t["unit"] == "%" and isinstance(t["base_year"], int), tid
        if t["kind"] == "trajectory":
            assert isinstance(t["base_year"], int) and isinstance(t["base_value"], (int, float)), tid
        if t["kind"] == "trend":
            assert t["comparator"] in (">", "<") and isinstance(t["n_years"], int), tid
            assert isinstance(t["n_years_stated"], bool), tid
        else:
            assert "n_years_stated" not in t, tid
        if t["kind"] == "vs_reference":
            assert t["reference"] in REFERENCE_ENTITIES, tid
        else:
            assert t["reference"] is None, tid
        if t["kind"] == "boolean":
            assert ind["measure"] == "boolean" or t["unit"] == "bool", tid
        if t["kind"] == "rank":
            assert ind["measure"] == "rank", tid
        if t["unit"] == "%" and t["kind"] == "threshold":
            assert 0 <= t["target_value"] <= 100, tid
        # the comparator agrees with the indicator's direction for level targets
        if t["kind"] in ("threshold", "count") and ind["direction"] == "higher_is_better":
            assert t["comparator"] in (">", ">="), tid
        if t["kind"] in ("threshold",) and ind["direction"] == "lower_is_better":
            assert t["comparator"] in ("<", "<="), tid


def test_target_years_follow_plan_deadline(docs):
    for city in PLAN_FILES:
        deadline = docs[city]["plan"]["deadline_year"]
        for t in docs[city]["targets"]:
            if t["target_year_inferred"]:
                assert t["target_year"] == deadline, t["target_id"]


def test_qinhuangdao_has_no_plan():
    doc = _load("qinhuangdao")
    assert doc["plan"] is None
    assert doc["targets"] == []
    assert doc["city"]["province_entity"] == "hebei"
    assert doc["note"]


def test_plan_metadata():
    z = _load("zhengzhou")["plan"]
    assert z["doc_number"] == "郑政〔2014〕17号"
    assert z["date"] == "2014-05-08" and z["deadline_year"] == 2015
    assert z["seed_file"].startswith("001_")
    x = _load("xinxiang")["plan"]
    assert x["doc_number"] == "" and x["date"] == "2013-05-28" and x["deadline_year"] == 2020
    assert x["issuer_zh"] == "新乡市人民政府"
    zz = _load("zhuzhou")["plan"]
    assert zz["deadline_year"] == 2017 and zz["seed_file"].startswith("003_")
    assert "株洲市质量技术监督局" in zz["issuer_zh"]


def test_zhengzhou_phases():
    phases = _load("zhengzhou")["phases"]
    assert [(p["start"], p["end"]) for p in phases] == [
        ("2014-03", "2014-05"),
        ("2014-06", "2014-12"),
        ("2015-01", "2015-03"),
        ("2015-04", "2015-06"),
    ]


def test_zhuzhou_milestones():
    phases = {p["phase_id"]: p for p in _load("zhuzhou")["phases"]}
    assert phases["approval"]["start"] == "2016-12-20"
    assert phases["first_joint_meeting"]["start"] == "2017-05-24"
    assert phases["application"]["start"] == "2016-07"
    starts = [p["start"] for p in _load("zhuzhou")["phases"]]
    assert starts == sorted(starts)


# --------------------------------------------------------------------------- counts


@pytest.mark.parametrize(
    "city, n_total, n_numeric",
    [("zhengzhou", 39, 35), ("xinxiang", 23, 15), ("zhuzhou", 30, 22)],
)
def test_target_counts(docs, city, n_total, n_numeric):
    ts = docs[city]["targets"]
    assert len(ts) == n_total
    assert sum(t["numeric"] for t in ts) == n_numeric


def test_zhengzhou_counts_per_table(docs):
    by_domain = Counter(
        t["domain"]
        for t in docs["zhengzhou"]["targets"]
        if t["source"]["section"].startswith("三、") and t["source"]["item"] != "0"
    )
    # 7 product items; 4 engineering items -> 5 targets; 6 service; 8 environment items -> 11; 5 culture
    assert by_domain == {"product": 7, "engineering": 5, "service": 6, "environment": 11, "culture": 5}


# --------------------------------------------------------------------------- spot checks


def _check(t, **expected):
    for key, value in expected.items():
        assert t[key] == value, (t["target_id"], key, t[key], value)


def test_agri_standardisation_differs_between_plans(targets):
    _check(targets["zhengzhou_product_1"], indicator_id="agri_standardization_rate", comparator=">", target_value=30)
    _check(
        targets["xinxiang_product_1_c"],
        indicator_id="agri_standardization_rate",
        comparator=">",
        target_value=40,
        target_year=2020,
    )
    _check(
        targets["zhuzhou_product_4"],
        indicator_id="agri_standardization_rate",
        comparator=">",
        target_value=30,
        target_year=2017,
    )


def test_service_satisfaction_scores(targets):
    _check(
        targets["zhengzhou_service_1"],
        indicator_id="producer_service_satisfaction",
        comparator=">=",
        target_value=80,
        unit="score",
    )
    _check(
        targets["zhengzhou_service_2"],
        indicator_id="consumer_service_satisfaction",
        comparator=">=",
        target_value=75,
        unit="score",
    )
    _check(
        targets["xinxiang_service_3_b"], indicator_id="producer_service_satisfaction", comparator=">=", target_value=85
    )
    _check(
        targets["xinxiang_service_3_a"], indicator_id="consumer_service_satisfaction", comparator=">=", target_value=85
    )
    _check(
        targets["zhuzhou_service_3"],
        indicator_id="producer_service_satisfaction",
        target_value=80,
        unit="score",
        target_year_inferred=False,
    )
    _check(targets["zhuzhou_service_4"], indicator_id="consumer_service_satisfaction", target_value=75, unit="score")
    assert "80%" in targets["zhuzhou_service_3"]["note"]


def test_zhengzhou_pm25_trajectory(targets):
    _check(
        targets["zhengzhou_environment_6_b"],
        indicator_id="pm25_annual_mean",
        kind="trajectory",
        comparator="<=",
        base_year=2013,
        base_value=108,
        target_year=2016,
        target_value=95,
        unit="ug/m3",
        target_year_inferred=False,
    )


def test_zhengzhou_pm10_is_boolean(targets):
    _check(
        targets["zhengzhou_environment_6_a"],
        indicator_id="pm10_reduction_target_completed",
        kind="boolean",
        numeric=False,
        target_value=None,
    )


@pytest.mark.parametrize(
    "tid, indicator, value",
    [
        ("zhengzhou_environment_7", "cod_emissions", 14.8),
        ("zhengzhou_environment_8", "nh3n_emissions", 17.8),
    ],
)
def test_zhengzhou_emission_reductions(targets, tid, indicator, value):
    _check(
        targets[tid],
        indicator_id=indicator,
        kind="reduction_vs_base",
        comparator=">=",
        target_value=value,
        unit="%",
        base_year=2010,
        target_year=2015,
    )


def test_zhengzhou_environment_scopes_and_noise(targets):
    _check(
        targets["zhengzhou_environment_1_a"],
        indicator_id="sewage_treatment_rate",
        scope="市区",
        comparator=">=",
        target_value=95,
    )
    _check(
        targets["zhengzhou_environment_1_b"],
        indicator_id="sewage_treatment_rate",
        scope="县（市）",
        comparator=">=",
        target_value=85,
    )
    _check(
        targets["zhengzhou_environment_2"],
        indicator_id="msw_harmless_treatment_rate",
        target_value=92.5,
        scope="含县市",
    )
    _check(
        targets["zhengzhou_environment_3_a"],
        indicator_id="regional_environmental_noise",
        comparator="<=",
        target_value=56,
        unit="dB(A)",
    )
    _check(
        targets["zhengzhou_environment_3_b"],
        indicator_id="road_traffic_noise",
        comparator="<=",
        target_value=68,
        unit="dB(A)",
    )
    _check(
        targets["zhengzhou_environment_4"],
        indicator_id="inferior_v_water_bodies_built_up",
        kind="count",
        comparator="==",
        target_value=0,
        scope="建成区",
    )
    _check(
        targets["zhengzhou_environment_5"],
        indicator_id="drinking_water_source_compliance_rate",
        comparator=">=",
        target_value=98,
    )


def test_zhengzhou_engineering_two_acceptance_rates(targets):
    _check(
        targets["zhengzhou_engineering_1_a"],
        indicator_id="large_medium_project_acceptance_rate",
        comparator=">=",
        target_value=100,
    )
    _check(
        targets["zhengzhou_engineering_1_b"],
        indicator_id="other_project_acceptance_rate",
        comparator=">=",
        target_value=98,
    )


def test_zhengzhou_culture(targets):
    _check(
        targets["zhengzhou_culture_2"],
        indicator_id="enterprise_quality_credit_filing_rate",
        comparator=">",
        target_value=80,
    )
    _check(
        targets["zhengzhou_culture_3"],
        indicator_id="prepackaged_product_credit_filing_rate",
        comparator=">",
        target_value=80,
    )
    _check(
        targets["zhengzhou_culture_5"],
        indicator_id="quality_certificates_per_10k_employees",
        comparator=">=",
        target_value=2,
        unit="per 10k",
    )


def test_zhengzhou_service_brand_zone_kept_in_plan_grouping(targets, registry):
    t = targets["zhengzhou_service_4"]
    _check(t, indicator_id="national_brand_demo_zones", domain="service", comparator=">=", target_value=1)
    assert registry["national_brand_demo_zones"]["domain"] == "product"
    _check(targets["xinxiang_product_1_f"], indicator_id="national_brand_demo_zones", domain="product", target_value=1)
    _check(targets["xinxiang_product_1_g"], indicator_id="provincial_brand_demo_zones", comparator=">=", target_value=3)


def test_special_equipment_below_national_average(targets):
    for tid in ("zhengzhou_product_t28", "zhuzhou_product_10"):
        _check(
            targets[tid],
            indicator_id="special_equipment_death_rate",
            kind="vs_reference",
            comparator="<",
            reference="china",
            numeric=False,
        )
    assert targets["zhengzhou_product_t28"]["source"]["item"] == "28"


def test_zhengzhou_product_table(targets):
    expected = {
        "zhengzhou_product_2": ("agri_product_spotcheck_pass_rate", ">=", 96),
        "zhengzhou_product_3": ("product_national_spotcheck_pass_rate", ">=", 90),
        "zhengzhou_product_4": ("enterprise_product_supervision_pass_rate", ">=", 94),
        "zhengzhou_product_5": ("license_certificate_coverage", ">=", 100),
        "zhengzhou_product_6": ("ccc_product_spotcheck_batch_pass_rate", ">=", 95),
        "zhengzhou_product_7": ("key_food_spotcheck_pass_rate", ">=", 95),
    }
    for tid, (ind, comp, value) in expected.items():
        _check(
            targets[tid],
            indicator_id=ind,
            comparator=comp,
            target_value=value,
            target_year=2015,
            target_year_inferred=True,
        )


def test_xinxiang_product_and_engineering(targets):
    _check(
        targets["xinxiang_product_1_a"],
        indicator_id="international_standard_adoption_rate",
        comparator=">=",
        target_value=90,
    )
    _check(
        targets["xinxiang_product_1_b"],
        indicator_id="key_product_spotcheck_pass_rate",
        comparator=">=",
        target_value=95,
    )
    _check(targets["xinxiang_product_1_d"], indicator_id="agri_product_spotcheck_pass_rate", target_value=98)
    _check(targets["xinxiang_product_1_e"], indicator_id="food_production_spotcheck_pass_rate", target_value=93)
    _check(
        targets["xinxiang_engineering_2_d"],
        indicator_id="new_civil_building_energy_standard_implementation_rate",
        target_value=100,
    )
    _check(
        targets["xinxiang_engineering_2_e"],
        indicator_id="new_civil_building_energy_standard_compliance_rate",
        comparator=">=",
        target_value=95,
    )
    _check(
        targets["xinxiang_engineering_2_g"],
        indicator_id="construction_quality_complaint_rate",
        kind="trend",
        comparator="<",
        numeric=False,
    )


def test_xinxiang_environment_goal_is_non_numeric(targets):
    env = [t for t in targets.values() if t["city"] == "xinxiang" and t["domain"] == "environment"]
    assert len(env) == 6 and not any(t["numeric"] for t in env)
    assert sum(t["kind"] == "rank" for t in env) == 5
    _check(targets["xinxiang_environment_4_f"], indicator_id="national_environmental_model_city", kind="boolean")


def test_zhuzhou_product_rank_and_export(targets):
    _check(
        targets["zhuzhou_product_8"],
        indicator_id="import_inspection_pass_rate_rank",
        kind="rank",
        comparator="<=",
        target_value=10,
        n_years=3,
        unit="rank",
    )
    _check(
        targets["zhuzhou_product_9"],
        indicator_id="export_overseas_notification_rate",
        kind="vs_reference",
        comparator="<",
        reference="china",
    )
    _check(
        targets["zhuzhou_product_6"],
        indicator_id="local_agri_product_spotcheck_pass_rate",
        comparator=">=",
        target_value=95,
    )


def test_only_zhuzhou_trends_state_their_number_of_years(targets):
    # 连续3年不断提高 (Zhuzhou, seed 003) states the count; 不断提高 / 逐年下降 (Zhengzhou 001,
    # Xinxiang 002) do not: n_years is the span of plan years, each year judged against the one before
    trends = {tid: t for tid, t in targets.items() if t["kind"] == "trend"}
    stated = {tid for tid, t in trends.items() if t["n_years_stated"]}
    assert stated == {"zhuzhou_engineering_3", "zhuzhou_engineering_4", "zhuzhou_engineering_5", "zhuzhou_service_2"}
    spans = {
        tid: (t["target_year"] - t["n_years"] + 1, t["target_year"]) for tid, t in trends.items() if tid not in stated
    }
    assert spans == {
        "xinxiang_engineering_2_c": (2014, 2020),  # after the 2013 opinions, to 2020
        "xinxiang_engineering_2_g": (2014, 2020),
        "zhengzhou_engineering_intro": (2014, 2015),  # the 2014 plan's years
        "zhengzhou_service_intro": (2014, 2015),
    }


def test_zhuzhou_engineering_trends(targets):
    for tid, ind in [
        ("zhuzhou_engineering_3", "energy_efficient_building_share"),
        ("zhuzhou_engineering_4", "industrialised_construction_share"),
        ("zhuzhou_engineering_5", "green_building_share"),
    ]:
        _check(targets[tid], indicator_id=ind, kind="trend", comparator=">", n_years=3, numeric=False)
    for tid in ("zhuzhou_engineering_6", "zhuzhou_engineering_7", "zhuzhou_engineering_8"):
        _check(targets[tid], comparator=">=", target_value=100)


def test_zhuzhou_pm_reductions_vs_2016(targets):
    for tid, ind in [("zhuzhou_environment_1", "pm25_annual_mean"), ("zhuzhou_environment_2", "pm10_annual_mean")]:
        _check(
            targets[tid],
            indicator_id=ind,
            kind="reduction_vs_base",
            comparator=">=",
            target_value=5,
            base_year=2016,
            target_year=2017,
            unit="%",
        )
    assert "全面淘汰" in targets["zhuzhou_environment_2"]["note"]


def test_zhuzhou_service_and_tasks(targets):
    _check(
        targets["zhuzhou_service_1"],
        indicator_id="national_service_standardization_pilots",
        comparator=">=",
        target_value=1,
        target_year=2017,
        target_year_inferred=False,
    )
    assert "Task 5" in targets["zhuzhou_service_1"]["note"]
    _check(targets["zhuzhou_service_2"], indicator_id="service_satisfaction", kind="trend", n_years=3)
    _check(targets["zhuzhou_culture_t7"], indicator_id="national_metrology_centers_or_key_labs", target_value=1)
    _check(targets["zhuzhou_culture_t8"], indicator_id="national_qc_centers", comparator=">=", target_value=3)
    _check(
        targets["zhuzhou_service_t20"],
        indicator_id="service_enterprises_brand_or_award",
        comparator=">=",
        target_value=3,
    )
    _check(
        targets["zhuzhou_service_t21_b"], indicator_id="service_complaint_rate", kind="vs_reference", reference="china"
    )
    _check(targets["zhuzhou_service_t21_a"], kind="rank", numeric=False)


def test_reduction_convention_is_consistent(targets):
    # 削减/下降 X% is always reduction_vs_base with a positive value and '>=';
    # change_vs_base is used only for Xinxiang's unquantified 明显提高 (rise above 2013)
    changes = [t for t in targets.values() if t["kind"] == "change_vs_base"]
    assert sorted(t["target_id"] for t in changes) == ["xinxiang_engineering_2_f", "xinxiang_service_3_c"]
    assert all(t["comparator"] == ">" and t["target_value"] == 0 and t["base_year"] == 2013 for t in changes)
    for t in targets.values():
        if t["kind"] == "reduction_vs_base":
            assert t["comparator"] == ">=" and t["target_value"] > 0


def test_no_sentence_copied_from_documents(targets):
    # names and notes are short labels: no field carries a long run of Chinese text
    import re

    for t in targets.values():
        for field in ("name_zh", "note"):
            runs = re.findall(r"[\u4e00-\u9fff，、（）]+", t[field] or "")
            assert all(len(r) <= 30 for r in runs), (t["target_id"], field)
