"""Tests of qclib.batch.inputs: inputs loaded and scored once give the reports the same figures."""

from __future__ import annotations

import pickle
import re
import warnings

import nbformat
import pandas as pd
import pytest

from qclib.batch import engine, runner
from qclib.batch import inputs as prepared
from qclib.exceptions import QclibWarning
from qclib.paths import NOTEBOOKS_DIR
from qclib.report.tables import load_report_inputs


@pytest.fixture(scope="module")
def shared():
    return prepared.load_shared(None, [])


def test_precomputed_scorecards_equal_the_notebooks_own_for_every_run_city_and_year(shared):
    direct = load_report_inputs()
    cfg = runner.load_run_config()
    checked = 0
    for city, years in cfg.city_years.items():
        for year in years:
            got = prepared.scorecard_slice(shared, [city], year)
            if not (direct.catalog.targets["city"] == city).any():
                assert got == {}  # a city without plan: its report asks for no scorecard
                continue
            frame, _ = got[((city,), year)]
            pd.testing.assert_frame_equal(frame, direct.scorecard(city, year))
            checked += 1
    cities = list(cfg.comparison_cities)
    for year in cfg.comparison_years:
        frame, _ = prepared.scorecard_slice(shared, cities, year)[(tuple(cities), year)]
        pd.testing.assert_frame_equal(frame, direct.scorecard(cities, year))
    assert checked > 5


def test_a_reports_slice_scores_and_reads_as_the_whole_catalog_for_every_run_report(shared):
    cfg = runner.load_run_config()
    reports = [([c], y) for c, ys in cfg.city_years.items() for y in ys]
    reports += [(list(cfg.comparison_cities), y) for y in cfg.comparison_years]
    for cities, year in reports:
        part = prepared.report_slice(shared, cities)
        assert sorted(part.catalog.cities) == sorted(cities)
        assert set(part.catalog.targets["city"]) <= set(cities)
        assert part.catalog.indicators is shared.catalog.indicators  # the whole registry: names of any indicator
        others = set(shared.catalog.cities) - set(cities)
        assert not others & set(part.observations["city"]), "another catalog city's figures were kept"
        refs = set(shared.observations["city"]) - set(shared.catalog.cities)
        assert refs and refs <= set(part.observations["city"]), "a reference's figures (province, China) were dropped"
        for c in cities:  # every figure of the report's cities, in order
            pd.testing.assert_frame_equal(
                part.observations.loc[part.observations["city"] == c],
                shared.observations.loc[shared.observations["city"] == c],
            )
        assert part.load_warnings == shared.load_warnings
        assert (
            prepared.scorecard_slice(part, cities, year).keys() == prepared.scorecard_slice(shared, cities, year).keys()
        )
        for key, (frame, recorded) in prepared.scorecard_slice(part, cities, year).items():
            full, full_recorded = prepared.scorecard_slice(shared, cities, year)[key]
            pd.testing.assert_frame_equal(frame, full)
            assert recorded == full_recorded


def test_the_notebooks_inputs_file_holds_its_slice_and_the_worker_unpickles_the_run_inputs_once(tmp_path, shared):
    blob = prepared.dumps_shared(shared)
    prepared._LOADED.clear()
    path, _ = prepared.prepare_report_inputs(tmp_path / "a.pickle", blob, ["zhuzhou"], 2017)
    first = prepared._LOADED[0][1]
    prepared.prepare_report_inputs(tmp_path / "b.pickle", blob, ["zhengzhou"], 2015)
    assert prepared._LOADED[0][1] is first  # the same bytes object: not unpickled again
    prepared.prepare_report_inputs(tmp_path / "c.pickle", bytes(bytearray(blob)), ["zhengzhou"], 2015)
    assert prepared._LOADED[0][1] is not first  # other bytes (another run, other data files): unpickled
    got = prepared.load_inputs(path)
    assert sorted(got.catalog.cities) == ["zhuzhou"]
    assert path.stat().st_size < len(blob)  # four shipped cities; a national catalog is ~100 times its slice


def test_load_inputs_raises_the_load_warnings_again_and_returns_copies(tmp_path, shared):
    assert shared.load_warnings, "the shipped data raises data warnings (two official figures for one year)"
    path = prepared.write_inputs_file(
        tmp_path / "in.pickle",
        prepared.dumps_shared(shared),
        pickle.dumps(prepared.scorecard_slice(shared, ["zhuzhou"], 2017)),
    )
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", QclibWarning)
        again = prepared.load_inputs(path)
    assert [str(w.message) for w in seen] == [m for _, m in shared.load_warnings]
    assert all(issubclass(w.category, QclibWarning) for w in seen)
    card = again.scorecard("zhuzhou", 2017)
    card.loc[:, "status"] = "tampered"
    assert (again.scorecard("zhuzhou", 2017)["status"] != "tampered").all()
    # a scorecard not prepared is computed as usual
    pd.testing.assert_frame_equal(again.scorecard("zhengzhou", 2015), shared.scorecard("zhengzhou", 2015))


def test_a_city_whose_scorecard_fails_is_left_to_the_notebook(shared):
    assert prepared.scorecard_slice(shared, ["zhuzhou"], "not a year") == {}


def test_only_notebooks_declaring_inputs_path_get_inputs(tmp_path):
    from tests.batch.test_runner import FIXTURES, make_config

    cfg = make_config(city_nb="echo.ipynb")
    specs = runner.plan_reports("zhuzhou", "2017", config=cfg, out_dir=tmp_path)
    comps = {s.key: runner.cache_components(s) for s in specs}
    ((task, blob),) = list(runner._tasks(specs, comps, {}, None, "python3", None))
    assert blob is None and task["scorecard_for"] is None and "inputs_path" not in task["parameters"]
    assert task["notebook"] == (FIXTURES / "echo.ipynb").read_text(encoding="utf-8")
    real = runner.ReportSpec(
        "city", "zhuzhou/2017", NOTEBOOKS_DIR / "city_report.ipynb", {"city": "zhuzhou", "year": 2017}, tmp_path
    )
    ((task, blob),) = list(runner._tasks([real], {real.key: runner.cache_components(real)}, {}, None, "python3", None))
    assert isinstance(blob, bytes) and task["scorecard_for"] == ["zhuzhou"]
    assert pickle.loads(blob).catalog.cities["zhuzhou"]["city"]["name_zh"] == "株洲市"


def _shown(nb) -> list:
    """What each cell shows (text, markdown, HTML tables); images left out, the injected parameters cell too."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "injected-parameters" in cell.metadata.get("tags", []):
            continue
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            shown = (o.get("text"), data.get("text/markdown"), data.get("text/html"), data.get("text/plain"))
            # pandas Styler's random table ids and the objects' addresses differ from run to run
            out.append(tuple(re.sub(r"T_[0-9a-f]{5}| at 0x[0-9a-f]+", "", str(x)) for x in shown))
    return out


@pytest.mark.slow
def test_the_real_report_shows_the_same_with_prepared_inputs_as_stand_alone(tmp_path, shared, monkeypatch):
    spec = runner.ReportSpec(
        "city",
        "zhengzhou/2020",  # the year of the shipped data's two official figures (a load warning the report shows)
        NOTEBOOKS_DIR / "city_report.ipynb",
        {"city": "zhengzhou", "year": 2020, "params_dir": "", "data_paths": []},
        tmp_path,
    )
    text = spec.notebook.read_text(encoding="utf-8")
    cache = {"cache_key": "k"}
    alone = runner.render_report(runner.make_task(spec, cache, notebook_text=text))
    task = runner.make_task(spec, cache, notebook_text=text, scorecard_for=["zhengzhou"])
    fast = runner.render_report(task, prepared.dumps_shared(shared))
    assert alone["status"] == fast["status"] == "ok", (alone.get("error"), fast.get("error"))
    assert sorted(alone["outputs"]) == sorted(fast["outputs"])
    nb_alone = nbformat.reads(alone["outputs"]["city_report.ipynb"].decode(), as_version=4)
    nb_fast = nbformat.reads(fast["outputs"]["city_report.ipynb"].decode(), as_version=4)
    assert "inputs_path" in nb_fast.metadata["papermill"]["parameters"]
    assert "inputs_path" not in nb_alone.metadata["papermill"]["parameters"]
    shown = _shown(nb_alone)
    assert shown == _shown(nb_fast)
    # on a warm worker: the kernel started ahead, with the libraries imported, shows the same
    monkeypatch.setattr(engine, "_PRESTART", True)
    try:
        runner.render_report(task, prepared.dumps_shared(shared))  # starts the kernel ahead
        warm = runner.render_report(task, prepared.dumps_shared(shared))
    finally:
        engine._release_spare()
    assert _shown(nbformat.reads(warm["outputs"]["city_report.ipynb"].decode(), as_version=4)) == shown
    # the load warnings reach the report through the prepared route too (the shipped data raise two)
    assert any("同一年份有两个官方数值" in str(s) for s in shown)


def test_preparing_every_run_report_leaves_the_workers_cached_inputs_as_they_were(tmp_path, shared):
    # the worker keeps the run's inputs across its reports: a report that changed them would change the next
    blob = prepared.dumps_shared(shared)
    prepared._LOADED.clear()
    before = pickle.dumps(prepared._shared_inputs(blob))
    cfg = runner.load_run_config()
    for city, years in cfg.city_years.items():
        for year in years:
            prepared.prepare_report_inputs(tmp_path / "in.pickle", blob, [city], year)
    for year in cfg.comparison_years:
        prepared.prepare_report_inputs(tmp_path / "in.pickle", blob, list(cfg.comparison_cities), year)
    assert pickle.dumps(prepared._shared_inputs(blob)) == before


def test_a_run_sends_its_workers_only_its_own_cities_and_every_reference(tmp_path, shared):
    specs = [
        runner.ReportSpec(
            "city", "zhuzhou/2017", NOTEBOOKS_DIR / "city_report.ipynb", {"city": "zhuzhou", "year": 2017}, tmp_path
        ),
        runner.ReportSpec(
            "comparison",
            "comparison/2015",
            NOTEBOOKS_DIR / "city_comparison.ipynb",
            {"cities": ["zhengzhou", "xinxiang"], "year": 2015},
            tmp_path,
        ),
    ]
    comps = {s.key: runner.cache_components(s) for s in specs}
    (_, one), (_, two) = list(runner._tasks(specs, comps, {}, None, "python3", None))
    assert one is two, "the run's inputs are sent once"
    sent = pickle.loads(one)
    assert sorted(sent.catalog.cities) == ["xinxiang", "zhengzhou", "zhuzhou"], "qinhuangdao is not in this run"
    refs = set(shared.observations["city"]) - set(shared.catalog.cities)
    assert refs <= set(sent.observations["city"]), "the references (provinces, China) are sent"
    for cities in (["zhuzhou"], ["zhengzhou", "xinxiang"]):  # what each report reads is what it would read of all
        mine, whole = prepared.report_slice(sent, cities), prepared.report_slice(shared, cities)
        pd.testing.assert_frame_equal(mine.observations, whole.observations)
        pd.testing.assert_frame_equal(mine.catalog.targets, whole.catalog.targets)
        assert mine.catalog.cities == whole.catalog.cities and mine.load_warnings == whole.load_warnings
