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


def test_execute_runs_every_report_and_records_each(monkeypatch, tmp_path):
    specs = [_spec(tmp_path, f"c{i}/2015") for i in range(3)]
    monkeypatch.setattr(runner, "execute_in_subprocess", lambda task: {"status": "ok", "key": task["key"]})
    seen = []
    for jobs in (1, 2):
        seen.clear()
        runner._execute(specs, lambda s: {"key": s.key}, lambda s, res: seen.append((s.key, res["key"])), jobs)
        assert sorted(seen) == [(s.key, s.key) for s in specs]


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
