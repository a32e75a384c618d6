"""Content checks of the shipped observation tables (``data/raw/observations_*.csv``).

Pure pandas/yaml on purpose: these tests check the data files and the two indicator
registries themselves, independently of the qclib loaders.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
PARAMS = ROOT / "params"
SHARED_FACTS = Path("/work/shared/data/public_facts.csv")  # only used to check, if present

COLUMNS = [
    "city",
    "indicator_id",
    "year",
    "value",
    "unit",
    "scope",
    "source",
    "source_detail",
    "basis",
    "note",
    "source_kind",
]
SOURCE_KINDS = {"official_document", "official_site", "media", "academic", "aggregator", "mirror", "analyst"}
ENTITIES = {"zhengzhou", "xinxiang", "zhuzhou", "qinhuangdao", "henan", "hebei", "hunan", "china"}
BASES = {"official", "research", "partial_year", "derived", "plan_text", "computed", "period"}
MEASURES = {"rate", "index", "level", "concentration", "count", "rank", "boolean", "signed"}
DIRECTIONS = {"higher_is_better", "lower_is_better", "none"}
DOMAINS = {"product", "engineering", "service", "environment", "culture"}
#: Rows in shared/data/public_facts.csv (244 at transcription; no exact duplicate rows).
PUBLIC_FACTS_ROWS = 244
FILES = ("observations_seeds.csv", "observations_public.csv")


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(RAW / name, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def seeds() -> pd.DataFrame:
    return _read("observations_seeds.csv")


@pytest.fixture(scope="module")
def public() -> pd.DataFrame:
    return _read("observations_public.csv")


@pytest.fixture(scope="module")
def both(seeds: pd.DataFrame, public: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([seeds.assign(_file="seeds"), public.assign(_file="public")], ignore_index=True)


def _entries(name: str) -> list[dict]:
    return yaml.safe_load((PARAMS / name).read_text(encoding="utf-8"))["indicators"]


@pytest.fixture(scope="module")
def registry() -> dict[str, dict]:
    plan = _entries("indicators.yml")
    observed = _entries("indicators_observed.yml")
    ids_plan = [e["indicator_id"] for e in plan]
    ids_obs = [e["indicator_id"] for e in observed]
    assert len(ids_obs) == len(set(ids_obs)), "duplicate id in indicators_observed.yml"
    both_defined = set(ids_plan) & set(ids_obs)
    assert not both_defined, f"ids defined in both registry files: {sorted(both_defined)}"
    return {e["indicator_id"]: e for e in plan + observed}


def _one(df: pd.DataFrame, **kw) -> pd.Series:
    m = pd.Series(True, index=df.index)
    for k, v in kw.items():
        m &= df[k] == str(v)
    hit = df[m]
    assert len(hit) == 1, f"expected one row for {kw}, got {len(hit)}"
    return hit.iloc[0]


# ------------------------------------------------------------------ structure
@pytest.mark.parametrize("name", FILES)
def test_columns_exactly_as_readme(name: str) -> None:
    assert list(_read(name).columns) == COLUMNS


def test_readme_documents_the_same_columns() -> None:
    readme = (RAW / "README.md").read_text(encoding="utf-8")
    for col in COLUMNS:
        assert f"`{col}`" in readme


def test_no_empty_required_cells(both: pd.DataFrame) -> None:
    for col in ("city", "indicator_id", "year", "value", "unit", "source", "source_detail", "basis"):
        assert (both[col].str.strip() != "").all(), f"empty {col}"


def test_entities_years_values_parse(both: pd.DataFrame) -> None:
    assert set(both.city) <= ENTITIES
    years = both.year.astype(int)
    assert years.between(2000, 2030).all()
    values = both.value.astype(float)
    assert values.map(math.isfinite).all()


def test_basis_in_allowed_set(both: pd.DataFrame) -> None:
    assert set(both.basis) <= BASES
    assert "computed" not in set(both.basis), "computed is reserved for qclib output"


def test_no_exact_duplicate_rows(both: pd.DataFrame) -> None:
    assert not both.drop(columns="_file").duplicated().any()


# ------------------------------------------------------------------ registry
def test_registry_entries_well_formed(registry: dict[str, dict]) -> None:
    for iid, e in registry.items():
        assert e["domain"] in DOMAINS, iid
        assert e["measure"] in MEASURES, iid
        assert e["direction"] in DIRECTIONS, iid
        assert e["unit"], iid
        assert e["name_zh"] and e["name_en"], iid


def test_every_indicator_is_registered(both: pd.DataFrame, registry: dict[str, dict]) -> None:
    missing = sorted(set(both.indicator_id) - set(registry))
    assert not missing, f"indicator ids not in indicators.yml / indicators_observed.yml: {missing}"


def test_observed_registry_has_no_unused_ids(both: pd.DataFrame) -> None:
    unused = sorted({e["indicator_id"] for e in _entries("indicators_observed.yml")} - set(both.indicator_id))
    assert not unused, f"indicators_observed.yml lists ids without observations: {unused}"


def test_unit_equals_registry_unit(both: pd.DataFrame, registry: dict[str, dict]) -> None:
    bad = both[both.unit != both.indicator_id.map(lambda i: registry[i]["unit"])]
    assert bad.empty, bad[["city", "indicator_id", "year", "unit"]].to_string()


def test_values_respect_measure(both: pd.DataFrame, registry: dict[str, dict]) -> None:
    measure = both.indicator_id.map(lambda i: registry[i]["measure"])
    v = both.value.astype(float)
    rates = v[measure == "rate"]
    assert rates.between(0, 100).all(), "a rate outside 0-100"
    assert (v[measure.isin(["level", "concentration", "count", "index"])] >= 0).all()
    assert (v[measure == "rank"] >= 1).all()
    assert v[measure == "boolean"].isin([0.0, 1.0]).all()
    counts = v[measure == "count"]
    # counts are whole numbers, except averages over cities (e.g. 248.1 days, 18-city average)
    frac = both[(measure == "count") & (counts % 1 != 0).reindex(both.index, fill_value=False)]
    assert frac.note.str.contains("average").all(), frac.to_string()


def test_partial_year_rows_say_which_months(both: pd.DataFrame) -> None:
    part = both[both.basis == "partial_year"]
    assert len(part) >= 15
    months = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|H1|Q3"
    assert part.note.str.contains(months).all()


def test_period_totals_are_never_a_year(seeds: pd.DataFrame) -> None:
    # 十一五 (2006–2010) totals in seed 004: kept, but as a period figure (issue 9)
    period = seeds[seeds.note.str.contains("cumulative 2006–2010")]
    assert len(period) == 3 and (period.basis == "period").all()
    assert "inspection_testing_investment" in set(period.indicator_id)


def test_derived_rows_explain_derivation(both: pd.DataFrame) -> None:
    der = both[both.basis == "derived"]
    assert len(der) >= 1
    assert der.source_detail.str.contains("derived").all()


# ------------------------------------------------------------------ provenance
def test_public_rows_keep_urls(public: pd.DataFrame) -> None:
    assert public.source.str.match(r"https?://").all()


def test_seed_rows_cite_seed_files(seeds: pd.DataFrame) -> None:
    assert seeds.source.str.match(r"seeds/00[014]_[0-9a-f]{16}\.txt — ").all()
    assert set(seeds.source.str[6:9]) == {"000", "001", "004"}


def test_public_row_count_matches_public_facts(public: pd.DataFrame) -> None:
    assert len(public) == PUBLIC_FACTS_ROWS
    if SHARED_FACTS.exists():
        facts = pd.read_csv(SHARED_FACTS, dtype=str, keep_default_na=False)
        assert len(public) == len(facts) - int(facts.duplicated().sum())
        # every public fact is carried: same URL and value, row by row
        assert list(public.source) == list(facts.source_url)
        # who published each figure, as classified there (copy sites stay copy sites)
        assert list(public.source_kind) == list(facts.source_kind)


def test_every_row_says_who_published_it(both: pd.DataFrame) -> None:
    assert set(both.source_kind) <= SOURCE_KINDS
    seeds = both[both._file == "seeds"]
    plan = seeds.source.str.startswith("seeds/001_")
    assert (seeds.loc[plan, "source_kind"] == "official_document").all()
    assert (seeds.loc[~plan, "source_kind"] == "media").all()  # a newspaper feature (000), 中国质量报 (004)


def test_no_quote_text_copied(both: pd.DataFrame) -> None:
    if not SHARED_FACTS.exists():
        pytest.skip("shared/data not available: quote check skipped")
    facts = pd.read_csv(SHARED_FACTS, dtype=str, keep_default_na=False)
    n = 20
    grams: set[str] = set()
    for q in facts["quote"]:
        q = q.strip()
        grams.update(q[i : i + n] for i in range(max(0, len(q) - n + 1)))
    text_cols = ["scope", "source", "source_detail", "note"]
    cells = set(both[text_cols].to_numpy().ravel())
    for cell in cells:
        for i in range(max(0, len(cell) - n + 1)):
            assert cell[i : i + n] not in grams, f"quote text copied into: {cell!r}"


# ------------------------------------------------------------------ spot checks
def test_zhengzhou_2013_key_industrial_pass_rate(seeds: pd.DataFrame) -> None:
    r = _one(seeds, city="zhengzhou", indicator_id="key_industrial_product_spotcheck_pass_rate", year=2013)
    assert float(r.value) == 93.1 and r.basis == "official" and r.unit == "%"
    ch = _one(seeds, city="zhengzhou", indicator_id="key_industrial_product_spotcheck_pass_rate_change_pp", year=2013)
    assert float(ch.value) == 2.2


def test_zhengzhou_2012_pass_rate_is_derived(seeds: pd.DataFrame) -> None:
    r = _one(seeds, city="zhengzhou", indicator_id="key_industrial_product_spotcheck_pass_rate", year=2012)
    assert float(r.value) == pytest.approx(90.9) and r.basis == "derived"
    assert "93.1" in r.source_detail and "2.2" in r.source_detail


def test_zhengzhou_funding_levels_and_reported_change(seeds: pd.DataFrame) -> None:
    f12 = float(_one(seeds, city="zhengzhou", indicator_id="quality_funding", year=2012).value)
    f13 = float(_one(seeds, city="zhengzhou", indicator_id="quality_funding", year=2013).value)
    assert (f12, f13) == (4134.86, 5877.0)
    rep = float(_one(seeds, city="zhengzhou", indicator_id="quality_funding_yoy_change_pct", year=2013).value)
    assert rep == 42 and round((f13 / f12 - 1) * 100) == 42


def test_approvals_levels_and_uncorrected_reported_cut(seeds: pd.DataFrame) -> None:
    before = float(_one(seeds, city="zhengzhou", indicator_id="admin_approval_items", year=2012).value)
    after = float(_one(seeds, city="zhengzhou", indicator_id="admin_approval_items", year=2013).value)
    assert (before, after) == (363, 141)
    rep = float(_one(seeds, city="zhengzhou", indicator_id="admin_approval_items_change_pct", year=2013).value)
    assert rep == -64.2  # as reported; not corrected to the levels' -61.2
    assert round((after / before - 1) * 100, 1) == -61.2


def test_zhengzhou_environment_2013(seeds: pd.DataFrame) -> None:
    for iid, v in [
        ("sewage_treatment_rate", 85),
        ("msw_harmless_treatment_rate", 93),
        ("drinking_water_source_compliance_rate", 98),
    ]:
        assert float(_one(seeds, city="zhengzhou", indicator_id=iid, year=2013).value) == v


def test_zhengzhou_pm25_2013_is_plan_baseline(seeds: pd.DataFrame) -> None:
    r = _one(seeds, city="zhengzhou", indicator_id="pm25_annual_mean", year=2013)
    # the plan states the 2013 level: an official figure of 2013 (issue 9), published in a government document
    assert float(r.value) == 108 and r.basis == "official" and r.source.startswith("seeds/001_")
    assert r.source_kind == "official_document"


def test_building_energy_scope_urban(seeds: pd.DataFrame) -> None:
    # 市区建筑节能设计标准执行率: the design standard, not the plans' rate for newly started buildings
    r = _one(seeds, city="zhengzhou", indicator_id="building_energy_design_standard_rate", year=2013)
    assert float(r.value) == 100 and r.scope == "市区"
    assert not (seeds.indicator_id == "new_building_energy_standard_rate").any()


def test_affordable_housing_figure_is_a_completion_pass_rate(seeds: pd.DataFrame) -> None:
    # 保障性安居工程…竣工工程合格率: at completion, not the first-time acceptance rate the plans target
    r = _one(seeds, city="zhengzhou", indicator_id="affordable_housing_completion_pass_rate", year=2013)
    assert float(r.value) == 100 and "竣工工程合格率" in r.note
    assert not (seeds.indicator_id == "affordable_housing_acceptance_rate").any()


def test_education_bases_are_not_national(seeds: pd.DataFrame) -> None:
    assert float(_one(seeds, city="zhengzhou", indicator_id="quality_education_practice_bases", year=2013).value) == 6
    assert float(_one(seeds, city="zhengzhou", indicator_id="quality_education_demo_schools", year=2013).value) == 14
    assert not (seeds.indicator_id == "national_quality_education_bases").any()


def test_qinhuangdao_2010(seeds: pd.DataFrame) -> None:
    assert (
        float(_one(seeds, city="qinhuangdao", indicator_id="industrial_product_quality_grade_rate", year=2010).value)
        == 83.49
    )
    assert (
        float(
            _one(
                seeds, city="qinhuangdao", indicator_id="product_periodic_supervision_inspection_pass_rate", year=2010
            ).value
        )
        == 98
    )
    r = _one(seeds, city="qinhuangdao", indicator_id="national_standard_projects_applied", year=2010)
    assert float(r.value) == 32 and "2006–2010" in r.note


def test_zhengzhou_pm25_2015_official_vs_research(public: pd.DataFrame) -> None:
    off = _one(public, city="zhengzhou", indicator_id="pm25_annual_mean", year=2015, basis="official")
    res = _one(public, city="zhengzhou", indicator_id="pm25_annual_mean", year=2015, basis="research")
    assert float(off.value) == 96 and float(res.value) == 95.8
    assert off.source.startswith("https://public.zhengzhou.gov.cn/")


def test_research_rows_are_the_study(public: pd.DataFrame) -> None:
    res = public[public.basis == "research"]
    assert len(res) == 8
    assert set(res.indicator_id) == {"pm25_annual_mean", "pm10_annual_mean"}
    assert res.source.str.contains("hjkx.ac.cn").all()


def test_targets_in_public_facts_are_plan_text(public: pd.DataFrame) -> None:
    r = _one(public, city="zhengzhou", indicator_id="pm25_annual_mean", year=2019, basis="plan_text")
    assert float(r.value) == 58
    assert (public.basis == "plan_text").sum() == 16


def test_partial_year_rows_flagged(public: pd.DataFrame) -> None:
    r = _one(public, city="zhuzhou", indicator_id="good_days", year=2018)
    assert r.basis == "partial_year" and "Jan–Nov" in r.note
    r = _one(public, city="xinxiang", indicator_id="pm25_annual_mean", year=2017)
    assert r.basis == "partial_year" and "Jan–Feb" in r.note
    r = _one(public, city="zhuzhou", indicator_id="patent_grants", year=2023)
    assert r.basis == "partial_year" and "Jan–Aug" in r.note


def test_reference_entities_and_scopes(public: pd.DataFrame) -> None:
    henan = public[(public.city == "henan") & (public.indicator_id == "pm25_annual_mean")]
    assert set(henan.scope) == {"18 cities"}
    r = _one(public, city="china", indicator_id="sewage_treatment_rate", year=2021)
    assert r.scope == "cities" and float(r.value) == 97.89
    nat = public[(public.city == "china") & (public.indicator_id == "product_national_spotcheck_pass_rate")]
    assert len(nat) == 6


def test_emission_units_in_tonnes(public: pd.DataFrame) -> None:
    r = _one(public, city="hunan", indicator_id="cod_emissions", year=2012)
    assert r.unit == "t" and float(r.value) == 1263300
    r = _one(public, city="zhuzhou", indicator_id="cod_emissions", year=2015)
    assert r.unit == "t" and float(r.value) == 61087


def test_ranks_and_reported_changes_are_own_indicators(public: pd.DataFrame, registry: dict[str, dict]) -> None:
    assert registry["pm25_rank_henan_18"]["measure"] == "rank"
    assert registry["aq_rank_168"]["measure"] == "rank"
    assert registry["pm25_yoy_change_pct"]["measure"] == "signed"
    assert registry["pm25_change_vs2015_pct"]["measure"] == "signed"
    r = _one(public, city="zhengzhou", indicator_id="pm25_rank_henan_18", year=2015)
    assert float(r.value) == 18


def test_disagreeing_sources_kept(public: pd.DataFrame) -> None:
    rows = public[
        (public.city == "zhengzhou") & (public.indicator_id == "good_days_change_vs2015") & (public.year == "2020")
    ]
    assert sorted(rows.value.astype(float)) == [90, 92]


def test_plan_ids_used_for_public_figures(public: pd.DataFrame) -> None:
    ids = set(public.indicator_id)
    assert {
        "drinking_water_source_compliance_rate",
        "msw_harmless_treatment_rate",
        "road_traffic_noise",
        "cod_emissions",
        "good_days_ratio",
    } <= ids
    for raw in ("drinking_water_source_compliance", "msw_harmless_rate", "traffic_noise_leq"):
        assert raw not in ids
    assert not public.indicator_id.str.contains(r"_(?:research|target|jan_\w+|h1|q3)$").any()
