"""Tests of qclib.data.registry: the registry of administrative divisions and its lookups."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qclib.data import registry
from qclib.data.registry import UnknownEntityError

DIVISIONS = registry.divisions()


def test_every_province_and_prefecture_is_there():
    levels = [d.level for d in DIVISIONS]
    assert levels.count("nation") == 1 and levels.count("province") == 34
    assert 330 <= levels.count("prefecture") <= 340
    assert len(registry.provinces()) == 34 and len(registry.cities()) == 333 + 4  # municipalities are cities


def test_ids_are_readable_unique_and_codes_are_gb2260():
    ids = [d.entity_id for d in DIVISIONS]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)
    codes = [d.code for d in DIVISIONS if d.level != "nation"]
    assert len(set(codes)) == len(codes) and all(re.fullmatch(r"\d{4}00", c) for c in codes)


def test_every_prefecture_belongs_to_the_province_of_its_code():
    by_id = {d.entity_id: d for d in DIVISIONS}
    for d in DIVISIONS:
        if d.level == "prefecture":
            parent = by_id[d.parent_id]
            assert parent.level == "province" and parent.code[:2] == d.code[:2], d
        elif d.level == "province":
            assert d.parent_id == "china"


@pytest.mark.parametrize(
    "entity, name, province",
    [
        ("zhengzhou", "郑州市", "henan"),
        ("xinxiang", "新乡市", "henan"),
        ("zhuzhou", "株洲市", "hunan"),
        ("qinhuangdao", "秦皇岛市", "hebei"),
    ],
)
def test_the_shipped_cities_keep_their_ids(entity, name, province):
    d = registry.get(entity)
    assert (d.name_zh, d.province_id, d.is_city) == (name, province, True)


def test_the_shipped_references_keep_their_ids_and_names():
    from qclib.constants import REFERENCE_ENTITIES

    for entity, meta in REFERENCE_ENTITIES.items():
        assert registry.get(entity).name_zh == meta["name_zh"]
        assert entity in registry.reference_ids()


@pytest.mark.parametrize(
    "short, entity",
    [
        ("漯河", "luohe"),
        ("陕西", "shaanxi"),
        ("山西", "shanxi"),
        ("长治", "changzhi"),
        ("重庆", "chongqing"),
        ("蚌埠", "bengbu"),
        ("六安", "luan"),
        ("丽水", "lishui"),
        ("朝阳", "chaoyang"),
        ("长沙", "changsha"),
        ("厦门", "xiamen"),
        ("吕梁", "lvliang"),
    ],
)
def test_polyphonic_place_names_get_their_place_reading(short, entity):
    assert registry.resolve(short) == entity


def test_shared_pinyin_follows_the_suffix_rule():
    assert registry.resolve("苏州市") == "suzhou_jiangsu" and registry.resolve("宿州市") == "suzhou_anhui"
    assert registry.resolve("吉林省") == "jilin" and registry.resolve("吉林市") == "jilin_jilin"
    assert registry.find("suzhou") is None


def test_every_division_is_found_by_id_full_name_and_code():
    for d in DIVISIONS:
        assert registry.resolve(d.entity_id) == d.entity_id
        assert registry.resolve(d.name_zh) == d.entity_id
        if d.code:
            assert registry.resolve(d.code) == d.entity_id


def test_short_names_are_unique_but_for_the_documented_pairs():
    doubles = {}
    for d in DIVISIONS:
        doubles.setdefault(d.short_zh, []).append(d.entity_id)
    shared = {k: v for k, v in doubles.items() if len(v) > 1}
    assert shared == {"吉林": ["jilin", "jilin_jilin"], "海南": ["hainan", "hainan_qinghai"]}


def test_an_ambiguous_short_name_is_refused_naming_both():
    with pytest.raises(UnknownEntityError) as info:
        registry.resolve("海南", what="city")
    assert info.value.ambiguous and info.value.allowed == ("hainan", "hainan_qinghai")
    assert "海南省" in str(info.value) and "海南藏族自治州" in str(info.value)


def test_an_unknown_name_is_refused_with_the_three_closest():
    with pytest.raises(UnknownEntityError) as info:
        registry.resolve("郑洲市")
    assert len(info.value.allowed) == 3 and info.value.allowed[0] == "zhengzhou"
    assert not info.value.ambiguous and "郑州市" in str(info.value)


def test_municipalities_are_cities_and_references():
    bj = registry.get("beijing")
    assert bj.is_city and bj.is_reference and bj.province_id == "beijing"
    assert [c.entity_id for c in registry.cities("beijing")] == ["beijing"]


def test_cities_of_a_province():
    names = [c.short_zh for c in registry.cities("sichuan")]
    assert len(names) == 21 and names[0] == "成都" and "绵阳" in names


def test_name_zh_falls_back_to_the_id_or_the_default():
    assert registry.name_zh("hunan") == "湖南省"
    assert registry.name_zh("testcity") == "testcity" and registry.name_zh("x", "参照地区") == "参照地区"


@given(st.text(max_size=12))
def test_closest_always_names_registry_divisions(text):
    near = registry.closest(text)
    assert len(near) == 3 and len(set(near)) == 3
    assert all(registry.find(i) is not None for i in near)


@given(st.sampled_from(DIVISIONS), st.sampled_from(["", " ", "  "]))
def test_surrounding_spaces_do_not_change_the_answer(division, pad):
    assert registry.resolve(f"{pad}{division.name_zh}{pad}") == division.entity_id
