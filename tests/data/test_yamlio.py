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
