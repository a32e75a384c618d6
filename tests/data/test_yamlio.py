"""Tests of qclib.data.yamlio."""

from __future__ import annotations

import pytest

from qclib.data.yamlio import read_yaml
from qclib.exceptions import DataValidationError


def test_dates_stay_strings_and_lines_recorded(tmp_path):
    p = tmp_path / "a.yml"
    p.write_text("x: 1\nplan:\n  date: 2014-05-08\n  when: 2014-03\n", encoding="utf-8")
    doc = read_yaml(p)
    assert doc["plan"]["date"] == "2014-05-08"
    assert doc["plan"].line == 3 and doc.line_of("plan") == 2


def test_duplicate_key_is_an_error(tmp_path):
    p = tmp_path / "a.yml"
    p.write_text("a: 1\na: 2\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="duplicate key"):
        read_yaml(p)


def test_missing_file(tmp_path):
    with pytest.raises(DataValidationError, match="cannot read file"):
        read_yaml(tmp_path / "nope.yml")


def test_a_file_read_twice_is_parsed_once_and_each_caller_gets_its_own_copy(tmp_path):
    from qclib.data import yamlio

    path = tmp_path / "city.yml"
    path.write_text("city:\n  name_zh: 郑州市\n", encoding="utf-8")
    first = yamlio.read_yaml(path)
    first["city"]["name_zh"] = "changed by a caller"
    again = yamlio.read_yaml(path)
    assert again["city"]["name_zh"] == "郑州市"
    assert again["city"].line == 2 and again["city"].line_of("name_zh") == 2
    path.write_text("city:\n  name_zh: 新乡市\n", encoding="utf-8")  # new text: parsed again, never a stale copy
    assert yamlio.read_yaml(path)["city"]["name_zh"] == "新乡市"
