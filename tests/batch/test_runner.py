"""Tests of qclib.batch.runner (the batch runner), qclib.batch.manifest, qclib.batch.index and the ``qc run`` CLI.

Most tests run on the inline engine and replace the worker function
(``render_report``) with a fake that returns outputs the way the real one does,
so no kernel and no cluster starts (the client still writes every file); the
tests marked ``slow`` execute tiny fixture notebooks (tests/fixtures/notebooks/) with
papermill, and one executes the real city report.  The Dask engine itself is
tested in test_engine.py.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from qclib.batch import runner
from qclib.batch.engine import InlineEngine
from qclib.batch.manifest import read_manifest
from qclib.batch.runner import ReportSpec, RunConfig, load_run_config, plan_reports, run_reports
from qclib.cli.main import main as qc_main
from qclib.exceptions import DataValidationError, InvalidChoiceError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"


def make_config(city_nb: str = "echo.ipynb", comparison_nb: str = "echo.ipynb", **kw) -> RunConfig:
    base = dict(
        notebooks={"city": FIXTURES / city_nb, "comparison": FIXTURES / comparison_nb},
        city_years={"zhengzhou": (2014, 2015), "xinxiang": (2015,), "zhuzhou": (2017,)},
        comparison_cities=("zhengzhou", "xinxiang"),
        comparison_years=(2015,),
    )
    base.update(kw)
    return RunConfig(**base)


def fake_execute(calls: list):
    """A stand-in for render_report: returns the outputs (notebook with the cache record, HTML), no kernel."""

    def run(task, shared=None):
        calls.append(task)
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"{task['parameters']}")])
        stem = task["stem"]
        names = list((task.get("formats") or {"html": f"{stem}.html"}).values())
        nb.metadata["qclib"] = {**task["cache"], "outputs": sorted([*names, f"{stem}.ipynb"])}
        outputs = {name: f"<html>{name} ok</html>".encode() for name in names}
        return {
            "status": "ok",
            "started_at": "2026-01-01T00:00:00+00:00",
            "duration_s": 0.01,
            "outputs": {f"{stem}.ipynb": nbformat.writes(nb).encode(), **outputs},
        }

    return run


@pytest.fixture
def fake(monkeypatch):
    calls: list = []
    monkeypatch.setattr(runner, "render_report", fake_execute(calls))
    return calls


def run_kw(tmp_path: Path, **kw):
    base = dict(
        run_config=make_config(),
        out_dir=tmp_path / "reports",
        processed_dir=tmp_path / "processed",
        scorecards=False,
        stream=open(os.devnull, "w"),
        engine=InlineEngine(),
    )
    base.update(kw)
    return base


# --------------------------------------------------------------------------- run definition
def test_shipped_run_config_is_valid_and_covers_the_plan_cities():
    cfg = load_run_config()
    assert set(cfg.cities) == {"zhengzhou", "xinxiang", "zhuzhou", "qinhuangdao"}
    assert 2015 in cfg.city_years["zhengzhou"] and 2017 in cfg.city_years["zhuzhou"]
    assert cfg.comparison_cities == ("zhengzhou", "xinxiang", "zhuzhou")
    assert all(p.is_file() for p in cfg.notebooks.values())


def test_shipped_run_years_have_targets_or_data():
    from qclib.report.tables import load_report_inputs

    cfg = load_run_config()
    inputs = load_report_inputs()
    obs, targets = inputs.observations, inputs.catalog.targets
    for city, years in cfg.city_years.items():
        t = targets.loc[targets["city"] == city]
        first = min([int(y) for y in t["base_year"].dropna()] + [min(years)])
        last = max([int(y) for y in t["target_year"].dropna()], default=max(years))
        have = set(obs.loc[obs["city"] == city, "year"])
        for y in years:
            assert y in have or first <= y <= last, (city, y)


def test_run_config_errors_are_all_reported(tmp_path):
    (tmp_path / "zhengzhou.yml").write_text("city: {}\n", encoding="utf-8")
    bad = tmp_path / "run.yml"
    bad.write_text(
        "cities:\n  zhengzhou: {years: [2015, twenty]}\n  lyon: {years: [2015]}\n"
        "comparison: {cities: [zhengzhou, nowhere], years: [2015]}\nextra: 1\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as err:
        load_run_config(bad)
    text = str(err.value)
    for expected in ("twenty", "lyon", "nowhere", "extra"):
        assert expected in text


# --------------------------------------------------------------------------- selection and validation
@pytest.mark.parametrize(
    "cities, years, expected",
    [
        ("all", "2015", ["zhengzhou/2015", "xinxiang/2015", "comparison/2015"]),
        (None, None, ["zhengzhou/2014", "zhengzhou/2015", "xinxiang/2015", "zhuzhou/2017", "comparison/2015"]),
        ("zhengzhou", "2013:2016", ["zhengzhou/2014", "zhengzhou/2015"]),
        ("zhuzhou,zhengzhou", "2017", ["zhuzhou/2017"]),
        (["xinxiang"], [2015], ["xinxiang/2015"]),
    ],
)
def test_plan_selection(cities, years, expected):
    specs = plan_reports(cities, years, config=make_config(), out_dir="reports")
    assert [s.key for s in specs] == expected


@pytest.mark.parametrize(
    "cities, years, name",
    [
        ("lyon", None, "city"),
        ("zhengzhou", "2012", "year"),
        ("all", "20x5", "year"),
        ("zhengzhou", "2000:2005", "year"),
        ("", None, "city"),
    ],
)
def test_bad_selection_names_the_parameter_and_runs_nothing(tmp_path, fake, cities, years, name):
    with pytest.raises(InvalidChoiceError) as err:
        run_reports(cities, years, **run_kw(tmp_path))
    assert err.value.name == name
    assert "allowed" in str(err.value)
    assert fake == [] and not (tmp_path / "reports").exists()


def test_bad_jobs_and_missing_data_file_are_rejected_before_running(tmp_path, fake):
    with pytest.raises(InvalidChoiceError, match="jobs"):
        run_reports(jobs=0, **run_kw(tmp_path))
    with pytest.raises(DataValidationError, match="file not found"):
        run_reports(data_paths=[tmp_path / "nope.csv"], **run_kw(tmp_path))
    assert fake == []


def test_comparison_only_when_all_its_cities_are_selected():
    specs = plan_reports("zhengzhou", "2015", config=make_config(), out_dir="r")
    assert [s.kind for s in specs] == ["city"]
    specs = plan_reports("zhengzhou,xinxiang", "2015", config=make_config(), out_dir="r", comparison=False)
    assert [s.kind for s in specs] == ["city", "city"]


def test_output_names_are_deterministic():
    spec = plan_reports("zhengzhou", "2015", config=make_config(), out_dir="reports")[0]
    assert spec.ipynb == Path("reports/zhengzhou/2015/city_report.ipynb")
    assert spec.html == Path("reports/zhengzhou/2015/city_report.html")
    assert spec.failed == Path("reports/zhengzhou/2015/city_report.failed.ipynb")
    comp = plan_reports("all", "2015", config=make_config(), out_dir="reports")[-1]
    assert comp.ipynb == Path("reports/comparison/2015/city_comparison.ipynb")
    assert comp.parameters == {"cities": ["zhengzhou", "xinxiang"], "year": 2015, "params_dir": "", "data_paths": []}


# --------------------------------------------------------------------------- caching
def test_second_run_executes_nothing(tmp_path, fake):
    first = run_reports(**run_kw(tmp_path))
    assert first.count("ok") == 5 and len(fake) == 5
    second = run_reports(**run_kw(tmp_path))
    assert len(fake) == 5, "no report may run when nothing changed"
    assert second.count("skipped") == 5 and second.exit_code == 0


def test_force_reruns_everything(tmp_path, fake):
    run_reports(**run_kw(tmp_path))
    run_reports(force=True, **run_kw(tmp_path))
    assert len(fake) == 10


def test_the_longest_reports_are_handed_to_the_workers_first(tmp_path, fake):
    run_reports(**run_kw(tmp_path))  # no earlier run: by the number of targets of the report's cities
    # the shipped plans: 郑州 39 targets, 株洲 30, 新乡 23; the comparison reads 郑州 and 新乡 (62)
    assert [t["key"] for t in fake] == [
        "comparison/2015",
        "zhengzhou/2014",
        "zhengzhou/2015",
        "zhuzhou/2017",
        "xinxiang/2015",
    ]
    manifest = tmp_path / "reports" / "manifest.json"
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    took = {"zhengzhou/2014": 0.4, "zhengzhou/2015": 0.5, "xinxiang/2015": 2.0, "zhuzhou/2017": 1.0}
    for key, seconds in took.items():
        doc["reports"][key]["duration_s"] = seconds
    doc["reports"]["comparison/2015"]["status"] = "failed"  # no duration to trust: it goes first
    manifest.write_text(json.dumps(doc), encoding="utf-8")
    fake.clear()
    run_reports(force=True, **run_kw(tmp_path))  # then by the seconds each took in the previous run
    assert [t["key"] for t in fake] == [
        "comparison/2015",
        "xinxiang/2015",
        "zhuzhou/2017",
        "zhengzhou/2015",
        "zhengzhou/2014",
    ]


def test_a_run_reads_the_city_names_from_the_catalog_it_loaded_not_the_files_again(tmp_path, fake, monkeypatch):
    calls = []
    real = runner.read_yaml
    monkeypatch.setattr(runner, "read_yaml", lambda path, *a, **k: calls.append(path) or real(path, *a, **k))
    summary = run_reports(**run_kw(tmp_path))
    assert summary.count("ok") == 5 and calls == []
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert all(name in index for name in ("郑州市", "新乡市", "株洲市"))
    assert fake[0]["title"] == "郑州市、新乡市2015年对比报告"


def test_changed_input_reruns_only_the_reports_that_read_it(tmp_path, fake):
    extra = tmp_path / "xinxiang_extra.csv"
    extra.write_text("city,indicator_id,year,value,unit,source\n", encoding="utf-8")
    cfg = make_config(city_data_paths={"xinxiang": (extra,)})
    run_reports(**run_kw(tmp_path, run_config=cfg))
    n = len(fake)
    extra.write_text(
        "city,indicator_id,year,value,unit,source\nxinxiang,agri_standardization_rate,2015,31,%,x\n", encoding="utf-8"
    )
    summary = run_reports(**run_kw(tmp_path, run_config=cfg))
    rerun = sorted(t["parameters"].get("city", "comparison") for t in fake[n:])
    assert rerun == ["comparison", "xinxiang"]
    reasons = {r.key: r.reason for r in summary.results if r.status == "ok"}
    assert "xinxiang_extra.csv" in reasons["xinxiang/2015"]


def test_changed_notebook_or_code_reruns(tmp_path, fake, monkeypatch):
    run_reports(**run_kw(tmp_path))
    monkeypatch.setattr(runner, "code_hash", lambda: "other-code")
    summary = run_reports(**run_kw(tmp_path))
    assert len(fake) == 10
    assert {r.reason for r in summary.results} == {"code changed"}


def test_missing_html_reruns_the_report(tmp_path, fake):
    run_reports(**run_kw(tmp_path))
    (tmp_path / "reports/zhengzhou/2015/city_report.html").unlink()
    summary = run_reports(**run_kw(tmp_path))
    assert [r.key for r in summary.results if r.status == "ok"] == ["zhengzhou/2015"]


def test_dry_run_writes_nothing_and_says_why(tmp_path, fake):
    summary = run_reports(dry_run=True, **run_kw(tmp_path))
    assert fake == [] and not (tmp_path / "reports").exists()
    assert {r.status for r in summary.results} == {"planned"}
    assert "dry run: 5 to run" in summary.table()
    run_reports(**run_kw(tmp_path))
    again = run_reports(dry_run=True, **run_kw(tmp_path))
    assert {r.status for r in again.results} == {"skipped"}


# --------------------------------------------------------------------------- manifest and index
def test_manifest_and_index_describe_every_report(tmp_path, fake):
    run_reports(**run_kw(tmp_path))
    run_reports("zhengzhou", "2015", force=True, **run_kw(tmp_path))
    m = read_manifest(tmp_path / "reports/manifest.json")
    assert sorted(m["reports"]) == [
        "comparison/2015",
        "xinxiang/2015",
        "zhengzhou/2014",
        "zhengzhou/2015",
        "zhuzhou/2017",
    ]
    e = m["reports"]["zhengzhou/2015"]
    assert e["parameters"]["city"] == "zhengzhou" and e["status"] == "ok"
    assert "params/zhengzhou.yml" in e["inputs"] and len(e["code_hash"]) == 64
    assert e["git_commit"] is None or len(e["git_commit"]) == 40
    assert m["last_run"]["selection"] == {"cities": "zhengzhou", "years": "2015"}
    index = (tmp_path / "reports/index.html").read_text(encoding="utf-8")
    assert 'href="zhengzhou/2015/city_report.html"' in index
    assert 'href="comparison/2015/city_comparison.html"' in index


def test_scorecards_exported_with_counts_in_index(tmp_path, fake):
    summary = run_reports("zhengzhou,xinxiang", "2015", **run_kw(tmp_path, scorecards=True))
    csv = tmp_path / "processed/scorecard_2015.csv"
    assert csv in summary.scorecards and (tmp_path / "processed/scorecard_2015.parquet").exists()
    df = pd.read_csv(csv)
    assert set(df["city"]) == {"zhengzhou", "xinxiang"} and set(df["year"]) == {2015}
    assert pd.read_parquet(tmp_path / "processed/scorecard_2015.parquet").shape == df.shape
    m = read_manifest(tmp_path / "reports/manifest.json")
    counts = m["reports"]["zhengzhou/2015"]["counts"]
    assert sum(counts.values()) == int((df["city"] == "zhengzhou").sum())
    comp = m["reports"]["comparison/2015"]["counts"]
    assert sum(comp.values()) == len(df)


def test_without_the_scorecard_export_the_index_still_counts_from_the_workers_scorecards(tmp_path, monkeypatch):
    import pickle

    from qclib.batch import inputs as prepared

    shared = prepared.load_shared(None, [])
    plain = fake_execute([])

    def with_scorecard(task, shared_bytes=None):  # as render_report: the scorecard it computed comes back
        p = task["parameters"]
        cities = [p["city"]] if "city" in p else list(p["cities"])
        return plain(task) | {"scorecards": pickle.dumps(prepared.scorecard_slice(shared, cities, int(p["year"])))}

    monkeypatch.setattr(runner, "render_report", with_scorecard)
    run_reports("zhengzhou,xinxiang", "2015", **run_kw(tmp_path))  # scorecards=False: --no-scorecards
    assert not list((tmp_path / "processed").glob("scorecard_*")), "nothing exported"
    m = read_manifest(tmp_path / "reports/manifest.json")["reports"]
    expected = runner.headline_counts(shared.scorecard("zhengzhou", 2015))
    assert m["zhengzhou/2015"]["headline"] == expected
    cities = ["zhengzhou", "xinxiang"]  # the test config's comparison
    assert m["comparison/2015"]["headline"] == runner.headline_counts(shared.scorecard(cities, 2015))
    index = (tmp_path / "reports/index.html").read_text(encoding="utf-8")
    assert f'<td class="cannot_judge" data-label="无法判断">{expected["cannot_judge"]}</td>' in index
    run_reports("zhengzhou,xinxiang", "2015", **run_kw(tmp_path))  # nothing changed: every report skipped
    again = read_manifest(tmp_path / "reports/manifest.json")["reports"]
    assert again["zhengzhou/2015"]["headline"] == expected, "a skipped report keeps the counts of the run that made it"
    assert again["comparison/2015"]["headline"] == m["comparison/2015"]["headline"]


def test_a_partial_run_keeps_the_other_cities_scorecard_rows(tmp_path, fake):
    run_reports("zhengzhou,xinxiang", "2015", **run_kw(tmp_path, scorecards=True))
    parquet = tmp_path / "processed/scorecard_2015.parquet"
    before = pd.read_parquet(parquet)
    run_reports("xinxiang", "2015", **run_kw(tmp_path, scorecards=True, force=True))  # the README's one-city run
    after = pd.read_parquet(parquet)
    assert set(after["city"]) == {"zhengzhou", "xinxiang"}
    assert len(after) == len(before)
    csv = pd.read_csv(tmp_path / "processed/scorecard_2015.csv")
    assert len(csv) == len(after) and set(csv["city"]) == {"zhengzhou", "xinxiang"}


# --------------------------------------------------------------------------- failures
def failing_for(city: str, calls: list):
    ok = fake_execute(calls)

    def run(task, shared=None):
        if task["parameters"].get("city") == city:
            calls.append(task)
            return {
                "status": "failed",
                "started_at": "t",
                "duration_s": 0.1,
                "error": {"stage": "execute", "ename": "KeyError", "evalue": "'boom'", "cell": 3},
                "failed_notebook": b"{}",
            }
        return ok(task)

    return run


def test_keep_going_then_fail_and_rerun_only_what_failed(tmp_path, monkeypatch, capsys):
    calls: list = []
    monkeypatch.setattr(runner, "render_report", failing_for("xinxiang", calls))
    summary = run_reports(**run_kw(tmp_path))
    assert summary.exit_code == 1
    assert {r.key: r.status for r in summary.results}["xinxiang/2015"] == "failed"
    assert summary.count("ok") == 4
    assert "xinxiang/2015    failed" in summary.table() and "In [3]: KeyError: 'boom'" in summary.table()
    m = read_manifest(tmp_path / "reports/manifest.json")
    assert m["reports"]["xinxiang/2015"]["error"]["cell"] == 3
    assert (tmp_path / "reports/xinxiang/2015/city_report.failed.ipynb").exists()
    fixed: list = []
    monkeypatch.setattr(runner, "render_report", fake_execute(fixed))
    again = run_reports(**run_kw(tmp_path))
    assert [t["parameters"].get("city") for t in fixed] == ["xinxiang"]
    assert again.exit_code == 0


def test_progress_lines_when_not_a_terminal(tmp_path, fake):
    log = tmp_path / "log.txt"
    with open(log, "w") as stream:
        run_reports(**run_kw(tmp_path, stream=stream))
    lines = log.read_text().splitlines()
    assert len(lines) == 5 and lines[0].startswith("[1/5] ok") and "\r" not in log.read_text()


# --------------------------------------------------------------------------- atomic writes (real execute_report)
def _task(tmp_path: Path, notebook: str, parameters: dict | None = None) -> dict:
    out = tmp_path / "out"
    return {
        "notebook": str(FIXTURES / notebook),
        "ipynb": str(out / "r.ipynb"),
        "html": str(out / "r.html"),
        "failed": str(out / "r.failed.ipynb"),
        "parameters": parameters or {},
        "cache": {"cache_key": "k1"},
        "title": "t",
    }


def _good_old_report(tmp_path: Path) -> dict:
    out = tmp_path / "out"
    out.mkdir()
    (out / "r.ipynb").write_text('{"old": "good"}', encoding="utf-8")
    (out / "r.html").write_text("<p>old good</p>", encoding="utf-8")
    return {p.name: p.read_bytes() for p in out.iterdir()}


@pytest.mark.slow
def test_failed_notebook_kept_beside_untouched_good_report(tmp_path):
    before = _good_old_report(tmp_path)
    res = runner.execute_report(_task(tmp_path, "broken.ipynb", {"city": "xinxiang"}))
    assert res["status"] == "failed"
    # cells: parameters (1), injected parameters (2), x = 1 (3), raise (4)
    assert res["error"]["ename"] == "RuntimeError" and res["error"]["cell"] == 4
    out = tmp_path / "out"
    assert {n: (out / n).read_bytes() for n in before} == before
    failed = nbformat.read(out / "r.failed.ipynb", as_version=4)
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in failed.cells)
    assert sorted(p.name for p in out.iterdir()) == ["r.failed.ipynb", "r.html", "r.ipynb"]


@pytest.mark.slow
def test_crash_while_writing_html_leaves_the_old_report(tmp_path, monkeypatch):
    before = _good_old_report(tmp_path)

    def crash(nb_path, html_path):
        Path(html_path).write_text("<p>half", encoding="utf-8")  # half-written, then the process dies
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "render_html", crash)
    with pytest.raises(KeyboardInterrupt):
        runner.execute_report(_task(tmp_path, "echo.ipynb"))
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == sorted(before), "no temporary file may remain"
    assert {n: (out / n).read_bytes() for n in before} == before


@pytest.mark.slow
def test_successful_run_replaces_report_and_removes_stale_failure(tmp_path):
    _good_old_report(tmp_path)
    (tmp_path / "out/r.failed.ipynb").write_text("{}", encoding="utf-8")
    res = runner.execute_report(_task(tmp_path, "echo.ipynb", {"city": "zhuzhou", "year": 2017}))
    assert res["status"] == "ok"
    out = tmp_path / "out"
    nb = nbformat.read(out / "r.ipynb", as_version=4)
    assert nb.metadata["qclib"]["cache_key"] == "k1"
    assert "report zhuzhou 2017" in json.dumps(nb.cells[-1].outputs)
    html = (out / "r.html").read_text(encoding="utf-8")
    assert "report zhuzhou 2017" in html and "print(f" not in html, "HTML must not show code"
    assert not (out / "r.failed.ipynb").exists()


def test_stale_temporary_files_of_dead_processes_are_removed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = out / ".r.ipynb.999999999.tmp.ipynb"
    dead.write_text("x")
    runner._remove_dead_tmp(out)
    assert not dead.exists()


# --------------------------------------------------------------------------- end to end (kernels)
@pytest.mark.slow
def test_broken_input_fails_only_that_city_in_parallel(tmp_path):
    broken = tmp_path / "xinxiang_bad.csv"
    broken.write_text("city,indicator_id,year,value,unit\nxinxiang,no_such_indicator,2015,abc,%\n", encoding="utf-8")
    cfg = make_config(
        city_nb="load_data.ipynb",
        city_years={"zhengzhou": (2015,), "xinxiang": (2015,), "zhuzhou": (2017,)},
        city_data_paths={"xinxiang": (broken,)},
        comparison_cities=(),
    )
    summary = run_reports(jobs=2, **run_kw(tmp_path, run_config=cfg, engine=None))  # the embedded Dask cluster
    status = {r.key: r.status for r in summary.results}
    assert status == {"zhengzhou/2015": "ok", "xinxiang/2015": "failed", "zhuzhou/2017": "ok"}
    assert summary.exit_code == 1
    err = next(r for r in summary.results if r.status == "failed").error
    # refused before a kernel started, with the file, row and column of the problem
    assert err["ename"] == "DataValidationError" and err["stage"] == "inputs"
    assert "xinxiang_bad.csv" in err["evalue"] and "row 1" in err["evalue"] and "source" in err["evalue"]
    rep = tmp_path / "reports"
    assert not (rep / "xinxiang/2015/city_report.ipynb").exists()
    for key in ("zhengzhou/2015", "zhuzhou/2017"):
        assert (rep / key / "city_report.ipynb").exists() and (rep / key / "city_report.html").exists()
    # a rerun after the partial failure redoes only the failed report
    again = run_reports(jobs=2, **run_kw(tmp_path, run_config=cfg, engine=None))
    assert {r.key: r.status for r in again.results} == {
        "zhengzhou/2015": "skipped",
        "xinxiang/2015": "failed",
        "zhuzhou/2017": "skipped",
    }


@pytest.mark.slow
def test_real_city_report_for_a_plan_city_and_the_city_without_plan(tmp_path):
    kw = dict(
        run_config=load_run_config(),
        jobs=2,
        out_dir=tmp_path / "reports",
        processed_dir=tmp_path / "processed",
        stream=open(os.devnull, "w"),
    )
    summary = run_reports("zhuzhou,qinhuangdao", "2010,2017", **kw)
    failed = [(r.key, r.error_text()) for r in summary.results if r.status != "ok"]
    if failed:  # seen once in a full CI-like run on 2 loaded cores; the cause goes to the log, then one rerun
        warnings.warn(f"first attempt failed (rerunning what failed): {failed}", stacklevel=1)
        summary = run_reports("zhuzhou,qinhuangdao", "2010,2017", **kw)
    failed = [(r.key, r.error_text()) for r in summary.results if r.status not in ("ok", "skipped")]
    assert not failed, failed
    assert [r.key for r in summary.results] == ["zhuzhou/2017", "qinhuangdao/2010"]
    html = (tmp_path / "reports/zhuzhou/2017/city_report.html").read_text(encoding="utf-8")
    assert "株洲市2017年质量分析报告" in html and "无数据" in html and "import warnings" not in html
    qhd = (tmp_path / "reports/qinhuangdao/2010/city_report.html").read_text(encoding="utf-8")
    assert "没有创建质量强市示范城市的规划目标" in qhd
    assert (tmp_path / "processed/scorecard_2017.parquet").exists()
    index = (tmp_path / "reports/index.html").read_text(encoding="utf-8")
    assert "zhuzhou/2017/city_report.html" in index


# --------------------------------------------------------------------------- CLI
def test_cli_passes_arguments_to_run_reports(monkeypatch, capsys):
    seen = {}

    def fake_run(**kwargs):
        seen.update(kwargs)
        return runner.RunSummary([runner.ReportResult("zhengzhou/2015", "city", "ok", "forced", 1.0)])

    monkeypatch.setattr(runner, "run_reports", fake_run)
    code = qc_main(
        [
            "run",
            "--city",
            "zhengzhou,xinxiang",
            "--year",
            "2013:2016",
            "--jobs",
            "2",
            "--force",
            "--out",
            "/tmp/r",
            "--data",
            "a.csv",
            "--data",
            "b.xlsx",
        ]
    )
    assert code == 0
    assert seen == {
        "cities": "zhengzhou,xinxiang",
        "years": "2013:2016",
        "jobs": 2,
        "scheduler": None,
        "force": True,
        "dry_run": False,
        "out_dir": "/tmp/r",
        "params_dir": None,
        "data_paths": ["a.csv", "b.xlsx"],
        "run_config": None,
        "comparison": True,
        "timeout": None,
        "scorecards": True,
        "formats": None,
    }
    assert "zhengzhou/2015" in capsys.readouterr().out


def test_cli_defaults(monkeypatch):
    seen = {}
    monkeypatch.setattr(runner, "run_reports", lambda **kw: seen.update(kw) or runner.RunSummary([]))
    assert qc_main(["run", "--dry-run"]) == 0
    assert seen["cities"] is None and seen["years"] is None and seen["jobs"] == 1 and seen["dry_run"] is True


def test_cli_exit_1_when_a_report_failed(monkeypatch, capsys):
    failed = runner.ReportResult(
        "xinxiang/2015",
        "city",
        "failed",
        "forced",
        1.0,
        {"stage": "execute", "ename": "KeyError", "evalue": "x", "cell": 2},
    )
    monkeypatch.setattr(runner, "run_reports", lambda **kw: runner.RunSummary([failed]))
    assert qc_main(["run"]) == 1
    assert "xinxiang/2015" in capsys.readouterr().err


def test_cli_exit_2_on_bad_parameters_without_running(tmp_path, fake, capsys):
    assert qc_main(["run", "--city", "lyon"]) == 2
    err = capsys.readouterr().err
    assert "city cannot be 'lyon'" in err and "zhengzhou" in err
    assert fake == []
    with pytest.raises(SystemExit) as exc:
        qc_main(["run", "--jobs", "0"])
    assert exc.value.code == 2


def test_spec_year_property():
    spec = ReportSpec("city", "a/2015", Path("x.ipynb"), {"year": 2015}, Path("o"))
    assert spec.year == 2015 and spec.stem == "city_report"


def test_relative_data_and_params_paths_reach_the_notebook_absolute(tmp_path, monkeypatch):
    # the notebooks run in another folder: `qc run --data mine.csv` must still find mine.csv
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.csv").write_text("city\n", encoding="utf-8")
    (tmp_path / "myparams").mkdir()
    (spec,) = plan_reports(
        "xinxiang", "2015", config=make_config(), out_dir="r", data_paths=["mine.csv"], params_dir="myparams"
    )
    assert spec.parameters["data_paths"] == [str(tmp_path / "mine.csv")]
    assert spec.parameters["params_dir"] == str(tmp_path / "myparams")


# --------------------------------------------------------------------------- output formats
def test_word_report_beside_the_html_and_in_manifest_and_index(tmp_path, fake):
    run_reports("zhengzhou", "2015", **run_kw(tmp_path))
    rep = tmp_path / "reports"
    spec_docx = rep / "zhengzhou/2015/zhengzhou_2015_质量分析报告.docx"
    assert spec_docx.is_file() and fake[0]["formats"]["docx"] == spec_docx.name
    e = read_manifest(rep / "manifest.json")["reports"]["zhengzhou/2015"]
    assert e["outputs"]["docx"] == "zhengzhou/2015/zhengzhou_2015_质量分析报告.docx"
    assert read_manifest(rep / "manifest.json")["last_run"]["formats"] == ["html", "docx"]
    assert 'href="zhengzhou/2015/zhengzhou_2015_质量分析报告.docx">Word版</a>' in (rep / "index.html").read_text(
        "utf-8"
    )
    comparison = plan_reports(config=make_config(), out_dir=rep)[-1]
    assert comparison.docx.name == "comparison_2015_城市对比报告.docx"


def test_formats_choose_the_outputs_and_a_missing_one_reruns(tmp_path, fake):
    run_reports("zhengzhou", "2015", formats="html", **run_kw(tmp_path))
    assert list(fake[-1]["formats"]) == ["html"]
    assert run_reports("zhengzhou", "2015", formats="html", **run_kw(tmp_path)).count("skipped") == 1
    again = run_reports("zhengzhou", "2015", formats="html,docx", **run_kw(tmp_path))
    assert [r.reason for r in again.results] == ["no previous output"] and "docx" in fake[-1]["formats"]
    docx_only = run_reports("zhengzhou", "2015", formats=["docx"], force=True, **run_kw(tmp_path))
    assert docx_only.count("ok") == 1 and list(fake[-1]["formats"]) == ["docx"]
    folder = tmp_path / "reports/zhengzhou/2015"
    assert not (folder / "city_report.html").exists()  # a format no longer wanted is removed on the client


@pytest.mark.parametrize("formats", ["pdf", "html,pdf", "", []])
def test_bad_formats_are_refused_before_running(tmp_path, fake, formats):
    with pytest.raises(InvalidChoiceError, match="formats"):
        run_reports(formats=formats, **run_kw(tmp_path))
    assert fake == []


def test_cli_formats_validated(tmp_path, fake, capsys):
    assert qc_main(["run", "--formats", "pdf"]) == 2
    assert "formats cannot be 'pdf'" in capsys.readouterr().err and fake == []


@pytest.mark.slow
def test_rerun_without_word_removes_the_stale_word_report(tmp_path):
    task = _task(tmp_path, "echo.ipynb", {"city": "zhuzhou", "year": 2017})
    docx = tmp_path / "out" / "r.docx"
    both = {"html": "r.html", "docx": "r.docx"}
    assert runner.execute_report({**task, "formats": both})["status"] == "ok" and docx.stat().st_size > 0
    res = runner.execute_report({**task, "formats": {"html": "r.html"}})
    assert res["status"] == "ok" and not docx.exists() and (tmp_path / "out" / "r.html").exists()


def test_index_rows_lead_with_the_headline_not_the_run(tmp_path, fake):
    run_reports("zhengzhou,xinxiang", "2015", **run_kw(tmp_path, scorecards=True))
    m = read_manifest(tmp_path / "reports/manifest.json")
    h = m["reports"]["zhengzhou/2015"]["headline"]
    judged = ("met", "on_track", "off_track", "not_met", "baseline_met", "baseline", "provisional", "cannot_judge")
    assert sum(h[k] for k in judged) == sum(m["reports"]["zhengzhou/2015"]["counts"].values())
    index = (tmp_path / "reports/index.html").read_text(encoding="utf-8")
    for word in ("已达标", "待核实", "无法判断", "变化方向", "网页版", "运行清单"):
        assert word in index
    for gone in ("notebook", "运行状态", "未变化（沿用）"):
        assert gone not in index


def test_index_of_a_baseline_year_shows_no_pace_columns():
    """Zhengzhou 2013, before the plan (2014): the baseline counts, — under the pace columns and arrows."""
    import re

    from qclib.batch.index import INDEX_COLUMNS, render_index
    from qclib.report import tables

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inputs = tables.load_report_inputs()
    entries = {}
    for year in (2013, 2015):
        h = runner.headline_counts(inputs.scorecard("zhengzhou", year))
        entries[f"zhengzhou/{year}"] = {
            "kind": "city",
            "status": "ok",
            "headline": h,
            "parameters": {"city": "zhengzhou", "year": year},
        }
    h13 = entries["zhengzhou/2013"]["headline"]
    # two of the 2013 figures at their target are proxies (content words): 待核实, not 规划前已达到目标值
    assert (h13["baseline_met"], h13["baseline"], h13["provisional"], h13["cannot_judge"]) == (2, 2, 3, 32)
    assert h13["before_plan"] == 39 and h13["on_track"] == h13["off_track"] == 0
    page = render_index({"reports": entries}, "/nonexistent")
    rows = {y: re.search(rf'<td class="who">{y}</td>.*?</tr>', page).group(0) for y in (2013, 2015)}
    found = {y: re.findall(r'<td class="(\w+)(?: na)?" data-label="[^"]*">([^<]*)</td>', rows[y]) for y in rows}
    cells = {y: {k: v for k, v in found[y] if k != "na"} for y in rows}  # "na" alone: the arrows cell, empty
    assert dict(cells[2013]) == {
        "met": "—",
        "on_track": "—",
        "off_track": "—",
        "not_met": "—",
        "baseline_met": "2",
        "baseline": "2",
        "provisional": "3",
        "cannot_judge": "32",
    }
    assert dict(cells[2015])["baseline"] == "—" and dict(cells[2015])["on_track"] == "1"
    assert [k for k, _ in INDEX_COLUMNS][4:6] == ["baseline_met", "baseline"] and "规划前已达到目标值" in page


def test_a_run_definition_outside_params_uses_the_given_catalog(tmp_path):
    import shutil

    from qclib.paths import PARAMS_DIR

    catalog = tmp_path / "catalog"
    shutil.copytree(PARAMS_DIR, catalog)
    (tmp_path / "run.yml").write_text((PARAMS_DIR / "run.yml").read_text(encoding="utf-8"), encoding="utf-8")
    summary = run_reports(
        "zhuzhou",
        "2017",
        run_config=tmp_path / "run.yml",
        params_dir=catalog,
        dry_run=True,
        out_dir=tmp_path / "reports",
        processed_dir=tmp_path / "processed",
        stream=open(os.devnull, "w"),
    )
    assert [(r.key, r.status) for r in summary.results] == [("zhuzhou/2017", "planned")]
    with pytest.raises(DataValidationError, match="give --params-dir"):
        run_reports(
            "zhuzhou",
            "2017",
            run_config=tmp_path / "run.yml",
            dry_run=True,
            out_dir=tmp_path / "r",
            stream=open(os.devnull, "w"),
        )


def test_a_bad_data_file_is_refused_with_its_row_before_any_report_runs(tmp_path, fake):
    bad = tmp_path / "bad.csv"
    bad.write_text("city,indicator_id,year,value,unit,source\nzhengzhou,pm25_annual_mean,2015,abc,ug/m3,x\n")
    with pytest.raises(DataValidationError) as err:
        run_reports("zhengzhou", "2015", data_paths=[bad], **run_kw(tmp_path))
    issue = err.value.issues[0]
    assert (issue.file, issue.row, issue.column, issue.value) == (str(bad), 2, "value", "abc")
    assert fake == []  # nothing ran


def test_a_bad_catalog_is_refused_before_any_report_runs(tmp_path, fake):
    import shutil

    from qclib.paths import PARAMS_DIR

    catalog = tmp_path / "catalog"
    shutil.copytree(PARAMS_DIR, catalog)
    text = (
        (catalog / "zhengzhou.yml").read_text(encoding="utf-8").replace("target_value: 95\n", "target_value: abc\n", 1)
    )
    (catalog / "zhengzhou.yml").write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        run_reports("zhengzhou", "2015", params_dir=catalog, **run_kw(tmp_path))
    assert any(i.file.endswith("zhengzhou.yml") and i.row for i in err.value.issues)
    assert fake == []


def test_cli_scheduler_reaches_run_reports_and_a_bad_address_exits_2(monkeypatch, capsys):
    seen = {}
    monkeypatch.setattr(runner, "run_reports", lambda **kw: seen.update(kw) or runner.RunSummary([]))
    assert qc_main(["run", "--scheduler", "tcp://127.0.0.1:8786"]) == 0
    assert seen["scheduler"] == "tcp://127.0.0.1:8786"
    monkeypatch.undo()
    assert qc_main(["run", "--scheduler", "127.0.0.1:8786", "--dry-run"]) == 2
    assert "scheduler cannot be '127.0.0.1:8786'" in capsys.readouterr().err


def test_an_up_to_date_run_removes_a_killed_runs_temporary_files(tmp_path, fake):
    run_reports("zhengzhou", "2015", **run_kw(tmp_path))
    folder = tmp_path / "reports/zhengzhou/2015"
    dead = folder / ".city_report.html.999999999.abc.tmp.html"  # pid 999999999 does not exist
    dead.write_text("half", encoding="utf-8")
    live = folder / f".city_report.html.{os.getpid()}.abc.tmp.html"  # a running writer's file stays
    live.write_text("busy", encoding="utf-8")
    summary = run_reports("zhengzhou", "2015", **run_kw(tmp_path))
    assert summary.count("skipped") == 1 and not dead.exists() and live.exists()


def test_a_hand_edited_manifest_neither_breaks_the_run_nor_shows_counts_it_cannot_trust(tmp_path, fake):
    import re

    run_reports("zhengzhou", "2015", **run_kw(tmp_path))
    path = tmp_path / "reports/manifest.json"
    m = json.loads(path.read_text(encoding="utf-8"))
    m["reports"]["zhengzhou/2015"]["headline"] = {"met": "lots"}  # not a count
    m["reports"]["zhengzhou/2015"]["counts"] = {"met": 3}  # raw counts: never shown in place of a headline
    m["reports"]["comparison/2015"] = ["broken"]  # not an entry
    m["last_run"] = "yesterday"
    path.write_text(json.dumps(m), encoding="utf-8")
    summary = run_reports("zhengzhou", "2015", **run_kw(tmp_path))  # nothing changed: every report skipped
    assert summary.exit_code == 0
    index = (tmp_path / "reports/index.html").read_text(encoding="utf-8")
    row = re.search(r'<td class="who">2015</td>.*?</tr>', index).group(0)
    assert "lots" not in row and ">3<" not in row
    assert set(re.findall(r'data-label="[^"]*">([^<]*)</td>', row)) == {"—"}
