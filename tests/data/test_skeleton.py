"""Tests of qclib.data.skeleton: the new-city YAML skeleton and its run.yml entry."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from qclib.data import registry
from qclib.data.skeleton import add_run_city, city_yaml
from qclib.exceptions import QclibError

CITY_IDS = [c.entity_id for c in registry.cities()]


@pytest.mark.parametrize("city", ["mianyang", "suzhou_anhui", "enshi", "hainan_qinghai", "shanghai"])
def test_the_skeleton_is_yaml_with_the_registry_city_block(city):
    d = registry.get(city)
    doc = yaml.safe_load(city_yaml(d))
    assert doc["city"]["city_id"] == city and doc["city"]["name_zh"] == d.name_zh
    province = d.parent_id if d.level == "prefecture" else "china"
    assert doc["city"]["province_entity"] == province
    assert doc["city"]["province_zh"] == registry.get(province).name_zh
    assert doc["targets"] == [] and doc["phases"] == [] and set(doc["plan"]) >= {"title_zh", "seed_file"}


def test_a_province_has_no_skeleton():
    with pytest.raises(QclibError, match="not a city"):
        city_yaml(registry.get("sichuan"))


def test_an_inline_cities_mapping_is_left_to_the_user():
    with pytest.raises(QclibError, match="by hand"):
        add_run_city("cities: {zhengzhou: {years: [2015]}}\n", "mianyang", [2023])


def test_an_empty_cities_key_gets_its_first_city():
    out = add_run_city("cities:\ncomparison: {}\n", "mianyang", [2023])
    assert yaml.safe_load(out) == {"cities": {"mianyang": {"years": [2023]}}, "comparison": {}}


def test_four_space_indentation_is_followed():
    out = add_run_city("cities:\n    zhengzhou:\n        years: [2015]\n", "mianyang", [2023])
    assert "\n    mianyang:\n        # added" in out and yaml.safe_load(out)["cities"]["mianyang"] == {"years": [2023]}


@given(
    st.lists(st.sampled_from(CITY_IDS), min_size=0, max_size=5, unique=True),
    st.sampled_from(CITY_IDS),
    st.lists(st.integers(1990, 2100), min_size=1, max_size=3, unique=True),
    st.booleans(),
)
def test_adding_a_city_keeps_every_other_entry_and_comment(existing, new, years, trailing):
    if new in existing:
        existing = [c for c in existing if c != new]
    body = "".join(f"  {c}:\n    # note {c}\n    years: [2015]\n" for c in existing)
    text = "# head\nnotebooks: {}\ncities:\n" + body + ("# tail\ncomparison: {}\n" if trailing else "")
    out = add_run_city(text, new, sorted(years))
    doc = yaml.safe_load(out)
    assert list(doc["cities"]) == [*existing, new]
    assert doc["cities"][new] == {"years": sorted(years)}
    assert all(doc["cities"][c] == {"years": [2015]} for c in existing)
    kept = [line for line in out.splitlines() if line.lstrip().startswith("#") and "added by" not in line]
    assert kept == [line for line in text.splitlines() if line.lstrip().startswith("#")]
    with pytest.raises(QclibError, match="already lists"):
        add_run_city(out, new, [2023])
