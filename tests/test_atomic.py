"""Tests of qclib.atomic: a failed write never replaces a good file and leaves no temporary file."""

from __future__ import annotations

import pytest

from qclib.atomic import atomic_path, atomic_write_text
from qclib.exceptions import OutputExistsError


def test_failure_mid_write_keeps_the_old_file_and_no_temp(tmp_path):
    dest = atomic_write_text(tmp_path / "report.html", "good")
    with pytest.raises(RuntimeError):
        with atomic_path(dest) as tmp:
            tmp.write_text("half", encoding="utf-8")
            raise RuntimeError("killed")
    assert dest.read_text(encoding="utf-8") == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_refuses_to_overwrite_without_force(tmp_path):
    dest = atomic_write_text(tmp_path / "a.txt", "one")
    with pytest.raises(OutputExistsError):
        atomic_write_text(dest, "two", force=False)
    assert dest.read_text(encoding="utf-8") == "one"


def test_creates_missing_folders(tmp_path):
    assert atomic_write_text(tmp_path / "x" / "y" / "z.txt", "ok").read_text(encoding="utf-8") == "ok"
