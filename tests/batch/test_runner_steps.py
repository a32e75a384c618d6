"""The named steps of qclib.batch.runner.run_reports and load_run_config, each on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from qclib.batch import runner
from qclib.exceptions import DataValidationError


def _spec(tmp_path: Path, key: str = "zhengzhou/2015") -> runner.ReportSpec:
    return runner.ReportSpec(
        "city", key, tmp_path / "city_report.ipynb", {"city": "zhengzhou", "year": 2015}, tmp_path / key
    )


def test_params_folder_none_for_shipped_and_missing_folder_refused(tmp_path):
    assert runner._params_folder(None) is None and runner._params_folder("") is None
    assert runner._params_folder(tmp_path) == tmp_path
    with pytest.raises(DataValidationError, match="folder not found"):
        runner._params_folder(tmp_path / "nope")


def test_manifest_entry_keeps_the_last_run_of_a_skipped_report(tmp_path):
    s = _spec(tmp_path)
    comp = {"inputs": {"a": "1"}, "notebook": "n", "code": "c", "cache_key": "k"}
    skipped = runner.ReportResult(s.key, "city", "skipped", "up to date")
    prev = {s.key: {"git_commit": "old", "started_at": "2026-01-01T00:00:00Z", "duration_s": 3.2}}
    e = runner._manifest_entry(s, skipped, None, comp, prev, "new", tmp_path)
    assert (e["git_commit"], e["started_at"], e["duration_s"], e["cache_key"]) == (
        "old",
        "2026-01-01T00:00:00Z",
        3.2,
        "k",
    )
    ran = runner.ReportResult(s.key, "city", "ok", "changed", 1.5)
    e = runner._manifest_entry(s, ran, {"started_at": "now"}, comp, prev, "new", tmp_path)
    assert (e["git_commit"], e["started_at"], e["duration_s"]) == ("new", "now", 1.5)


def test_run_config_reader_years_sorted_unique_and_bad_ones_named():
    r = runner._RunConfigReader("run.yml")
    assert r.years_of({"years": [2016, 2015, 2015]}, "years", "cities.x.years") == (2015, 2016)
    assert r.issues == []
    assert r.years_of({"years": [2015, "x", True]}, "years", "cities.x.years") == (2015,)
    assert [i.value for i in r.issues] == ["x", True]
    assert r.years_of({}, "years", "w") == () and "non-empty list" in r.issues[-1].message


# --------------------------------------------------------------------------- write_outputs (client side)
def _ok(stem: str = "r", **extra: bytes) -> dict:
    return {"status": "ok", "outputs": {f"{stem}.ipynb": b'{"metadata": {}}', f"{stem}.html": b"<p>new</p>", **extra}}


def test_write_outputs_leaves_unchanged_files_alone(tmp_path):
    runner.write_outputs(tmp_path, "r", _ok())
    html = tmp_path / "r.html"
    before = html.stat()
    runner.write_outputs(tmp_path, "r", _ok())
    after = html.stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns), (
        "an unchanged output is not rewritten"
    )
    runner.write_outputs(tmp_path, "r", {**_ok(), "outputs": {**_ok()["outputs"], "r.html": b"<p>changed</p>"}})
    assert html.read_bytes() == b"<p>changed</p>"


def test_write_outputs_removes_what_the_previous_run_wrote_and_this_one_did_not(tmp_path):
    nb = b'{"metadata": {"qclib": {"outputs": ["r.html", "r.ipynb", "x_2015_sheet.xlsx"]}}}'
    runner.write_outputs(
        tmp_path, "r", {"status": "ok", "outputs": {"r.ipynb": nb, "r.html": b"", "x_2015_sheet.xlsx": b"1"}}
    )
    (tmp_path / "notes.txt").write_text("the user's own file", encoding="utf-8")
    (tmp_path / "r.failed.ipynb").write_text("{}", encoding="utf-8")
    runner.write_outputs(tmp_path, "r", _ok())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "r.html", "r.ipynb"]


def test_write_outputs_refuses_names_that_leave_the_report_folder(tmp_path):
    for name in ("../evil.html", "/etc/evil", ".hidden", "a/b.html"):
        with pytest.raises(ValueError, match="plain file name"):
            runner.write_outputs(tmp_path / "r", "r", {"status": "ok", "outputs": {name: b"x"}})
    assert not (tmp_path / "r").exists() and not (tmp_path / "evil.html").exists()


def test_write_outputs_of_a_failure_keeps_the_good_report(tmp_path):
    runner.write_outputs(tmp_path, "r", _ok())
    runner.write_outputs(tmp_path, "r", {"status": "failed", "failed_notebook": b"{}", "error": {}})
    assert (tmp_path / "r.html").read_bytes() == b"<p>new</p>" and (tmp_path / "r.failed.ipynb").exists()
