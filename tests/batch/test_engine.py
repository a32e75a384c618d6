"""Tests of qclib.batch.engine: the Dask engine, embedded and on a separately started cluster.

The cluster test starts ``dask scheduler`` and two ``dask worker`` processes on
127.0.0.1 (free ports) and runs a small batch of fixture notebooks on it and on
the embedded cluster; both must build the same reports, a failing report
fails alone, and the manifest names the engine and the workers.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from qclib.batch import engine as eng
from qclib.batch.manifest import read_manifest
from qclib.batch.runner import RunConfig, run_reports
from qclib.exceptions import InvalidChoiceError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"
DASK = Path(sys.executable).with_name("dask")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fails_for_xinxiang(folder: Path) -> Path:
    """A fixture notebook that prints its parameters and fails for one city."""
    echo = nbformat.read(FIXTURES / "echo.ipynb", as_version=4)
    echo.cells.append(
        nbformat.v4.new_code_cell('if city == "xinxiang":\n    raise RuntimeError("no data for xinxiang")')
    )
    path = folder / "fails_for_xinxiang.ipynb"
    nbformat.write(echo, path)
    return path


def _config(notebook: Path) -> RunConfig:
    return RunConfig(
        notebooks={"city": notebook, "comparison": FIXTURES / "echo.ipynb"},
        city_years={"zhengzhou": (2014, 2015), "xinxiang": (2015,), "zhuzhou": (2017,)},
        comparison_cities=("zhengzhou", "xinxiang"),
        comparison_years=(2015,),
    )


@pytest.fixture(scope="module")
def cluster():
    """``dask scheduler`` + two ``dask worker`` on 127.0.0.1; yields the scheduler address and the worker addresses."""
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [
        subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **quiet
        )
    ]
    try:
        for name in ("w1", "w2"):
            cmd = [
                str(DASK),
                "worker",
                address,
                "--nthreads",
                "1",
                "--host",
                "127.0.0.1",
                "--no-dashboard",
                "--name",
                name,
            ]
            procs.append(subprocess.Popen(cmd, **quiet))
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
            workers = set(client.scheduler_info()["workers"])
        yield address, workers
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def _outputs(root: Path) -> dict[str, tuple[str, ...]]:
    """Report folder → the text each executed cell printed (what the report shows)."""
    out = {}
    for nb_path in sorted(root.rglob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        texts = tuple(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
        out[nb_path.relative_to(root).as_posix()] = texts
    return out


@pytest.mark.slow
@pytest.mark.skipif(not DASK.exists(), reason="the dask command is installed with dask[distributed]")
def test_a_separate_cluster_builds_the_same_reports_as_the_embedded_one(tmp_path, cluster):
    address, workers = cluster
    notebook = _fails_for_xinxiang(tmp_path)
    quiet = open(os.devnull, "w")
    kw = dict(run_config=_config(notebook), scorecards=False, stream=quiet)
    remote = run_reports(scheduler=address, out_dir=tmp_path / "remote", **kw)
    local = run_reports(jobs=2, out_dir=tmp_path / "local", **kw)

    status = {r.key: r.status for r in remote.results}
    assert status == {r.key: r.status for r in local.results}
    assert status == {
        "zhengzhou/2014": "ok",
        "zhengzhou/2015": "ok",
        "xinxiang/2015": "failed",
        "zhuzhou/2017": "ok",
        "comparison/2015": "ok",
    }
    failed = next(r for r in remote.results if r.status == "failed")
    assert failed.error["ename"] == "RuntimeError" and "no data for xinxiang" in failed.error["evalue"]
    files = {p.relative_to(tmp_path / "remote").as_posix() for p in (tmp_path / "remote").rglob("*") if p.is_file()}
    assert files == {
        p.relative_to(tmp_path / "local").as_posix() for p in (tmp_path / "local").rglob("*") if p.is_file()
    }
    assert "xinxiang/2015/city_report.failed.ipynb" in files and "xinxiang/2015/city_report.html" not in files
    assert _outputs(tmp_path / "remote") == _outputs(tmp_path / "local")
    assert "report zhuzhou 2017" in (tmp_path / "remote/zhuzhou/2017/city_report.html").read_text(encoding="utf-8")

    m = read_manifest(tmp_path / "remote/manifest.json")
    assert m["last_run"]["engine"]["name"] == "dask" and m["last_run"]["engine"]["cluster"] == "scheduler"
    assert m["last_run"]["engine"]["workers"] == 2
    entries = m["reports"]
    assert {e["engine"] for e in entries.values()} == {f"dask {address}"}
    assert {e["worker"] for e in entries.values()} <= workers
    assert {e["engine"] for e in read_manifest(tmp_path / "local/manifest.json")["reports"].values()} == {"dask local"}


@pytest.mark.slow
@pytest.mark.skipif(not DASK.exists(), reason="the dask command is installed with dask[distributed]")
def test_rerun_on_the_cluster_redoes_only_the_failed_report(tmp_path, cluster):
    address, _ = cluster
    notebook = _fails_for_xinxiang(tmp_path)
    kw = dict(run_config=_config(notebook), scorecards=False, stream=open(os.devnull, "w"), out_dir=tmp_path / "r")
    run_reports(scheduler=address, **kw)
    again = run_reports(scheduler=address, **kw)
    assert [r.key for r in again.results if r.status != "skipped"] == ["xinxiang/2015"]


def _exit_first_time(task, shared):
    """Kill the worker process the first time (a lost worker), succeed the second."""
    marker = Path(task["marker"])
    if not marker.exists():
        marker.write_text("died once", encoding="utf-8")
        os._exit(1)
    return {"status": "ok", "shared": shared}


def _count_and_fail(task, shared):
    """Record each attempt, then fail like a broken notebook does (a result, not an exception)."""
    with open(task["marker"], "a", encoding="utf-8") as fh:
        fh.write("attempt\n")
    return {"status": "failed", "error": {"stage": "execute", "ename": "KeyError", "evalue": "x", "cell": 2}}


def _raise(task, shared):
    raise RuntimeError("bug in the worker function")


@pytest.mark.slow
def test_lost_worker_is_retried_but_a_failing_report_is_not(tmp_path):
    seen: dict[str, dict] = {}
    tasks = [
        ({"key": "lost", "marker": str(tmp_path / "lost")}, b"shared bytes"),
    ]
    with eng.DaskEngine(jobs=2) as engine:
        engine.run(_exit_first_time, tasks, lambda t, r: seen.__setitem__(t["key"], r))
        engine.run(
            _count_and_fail,
            [({"key": "fails", "marker": str(tmp_path / "fails")}, None)],
            lambda t, r: seen.__setitem__(t["key"], r),
        )
        engine.run(_raise, [({"key": "bug"}, None)], lambda t, r: seen.__setitem__(t["key"], r))
        info = engine.describe()
    assert seen["lost"]["status"] == "ok" and seen["lost"]["shared"] == b"shared bytes"
    assert seen["lost"]["worker"].startswith("tcp://127.0.0.1:")
    assert seen["fails"]["status"] == "failed"
    assert (tmp_path / "fails").read_text(encoding="utf-8").count("attempt") == 1, "a failing report is not retried"
    assert seen["bug"]["status"] == "failed" and seen["bug"]["error"]["ename"] == "RuntimeError"
    assert info["cluster"] == "local" and info["address"].startswith("tcp://127.0.0.1:")
    assert info["workers"] in (1, 2)  # the lost worker may still be restarting


def test_inline_engine_keeps_going_after_an_exception():
    seen = []

    def func(task, shared):
        if task["key"] == "b":
            raise ValueError("broken")
        return {"status": "ok"}

    tasks = [({"key": k}, None) for k in "abc"]
    eng.InlineEngine().run(func, tasks, lambda t, r: seen.append((t["key"], r["status"])))
    assert seen == [("a", "ok"), ("b", "failed"), ("c", "ok")]


def test_scheduler_address_is_checked_before_anything_runs(tmp_path):
    with pytest.raises(InvalidChoiceError, match="scheduler"):
        run_reports(scheduler="127.0.0.1:8786", run_config=_config(FIXTURES / "echo.ipynb"), out_dir=tmp_path / "r")
    assert not (tmp_path / "r").exists()


def test_no_change_rerun_starts_no_cluster(tmp_path, monkeypatch):
    kw = dict(run_config=_config(FIXTURES / "echo.ipynb"), scorecards=False, stream=open(os.devnull, "w"))
    kw["out_dir"] = tmp_path / "r"
    calls = []

    def fake(task, shared=None):
        calls.append(task["key"])
        stem = task["stem"]
        nb = nbformat.v4.new_notebook()
        names = list((task.get("formats") or {"html": f"{stem}.html"}).values())
        nb.metadata["qclib"] = {**task["cache"], "outputs": sorted([*names, f"{stem}.ipynb"])}
        files = {name: b"<p>" for name in names}
        return {"status": "ok", "outputs": {f"{stem}.ipynb": nbformat.writes(nb).encode(), **files}}

    from qclib.batch import runner

    monkeypatch.setattr(runner, "render_report", fake)
    run_reports(engine=eng.InlineEngine(), **kw)

    def no_cluster(*a, **k):
        raise AssertionError("a cluster was started for a no-change run")

    monkeypatch.setattr(eng.DaskEngine, "__enter__", no_cluster)
    summary = run_reports(jobs=2, **kw)
    assert summary.count("skipped") == 5 and len(calls) == 5
    assert read_manifest(tmp_path / "r/manifest.json")["last_run"]["engine"]["started"] is False


def test_no_change_rerun_imports_neither_papermill_nor_nbconvert_nor_dask(tmp_path):
    # a first run with a fake worker function that imports nothing heavy, then a no-change run in the same process
    code = f"""
import os, sys
import nbformat
from qclib.batch import runner
from qclib.batch.engine import InlineEngine
from tests.batch.test_engine import _config, FIXTURES

def fake(task, shared=None):
    nb = nbformat.v4.new_notebook()
    nb.metadata["qclib"] = dict(task["cache"])
    return {{"status": "ok", "outputs": {{task["stem"] + ".ipynb": nbformat.writes(nb).encode(), task["stem"] + ".html": b"x"}}}}

kw = dict(run_config=_config(FIXTURES / "echo.ipynb"), out_dir={str(tmp_path / "r")!r}, scorecards=False,
          stream=open(os.devnull, "w"), formats="html")
runner.render_report = fake
runner.run_reports(engine=InlineEngine(), **kw)
summary = runner.run_reports(jobs=2, **kw)
print(summary.count("skipped"), sorted(m for m in ("papermill", "nbconvert", "dask", "distributed") if m in sys.modules))
"""
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "5 []"


def test_worker_id_outside_a_worker_is_host_and_pid():
    assert eng.worker_id() == f"{socket.gethostname()}:{os.getpid()}"


def test_dask_command_is_installed_with_the_package():
    assert DASK.exists() or shutil.which("dask"), "dask[distributed] provides the dask command"


@pytest.mark.slow
def test_a_warm_worker_keeps_one_fresh_kernel_started_ahead(monkeypatch):
    eng._release_spare()  # a kernel another test of this process may have left ready
    monkeypatch.setattr(eng, "_PRESTART", True)
    first, km1 = eng.take_kernel("python3")  # nothing ready yet: papermill will start this report's kernel
    assert km1 is None and eng._SPARE is not None
    second, km2 = eng.take_kernel("python3")  # the kernel started ahead, in its own folder
    try:
        assert km2 is not None and eng._alive(km2) and second != first
        assert eng._SPARE is not None and eng._SPARE[2] is not km2, "each kernel serves one report"
        from jupyter_client import BlockingKernelClient

        kc = BlockingKernelClient()
        kc.load_connection_info(km2.get_connection_info())
        kc.start_channels()
        kc.wait_for_ready(timeout=120)  # never hang the suite: a kernel that does not answer fails the test
        reply = kc.execute_interactive(
            "import sys; print(sorted(m for m in ('pandas', 'papermill') if m in sys.modules))", timeout=120
        )
        assert reply["content"]["execution_count"] == 1, "the preload does not count as a cell"
        kc.stop_channels()
    finally:
        eng.release_kernel(first, km1)
        eng.release_kernel(second, km2)
        eng._release_spare()
    assert not eng._alive(km2) and not second.exists() and eng._SPARE is None


def _affinities() -> dict:
    """On a worker, as a report's task: the CPUs of each of its threads, its fork server and a kernel it forks."""
    from qclib.batch import forkserver

    threads = [sorted(os.sched_getaffinity(int(t))) for t in os.listdir("/proc/self/task")]
    srv = forkserver.server()
    folder, km = eng.take_kernel("python3")
    try:
        kernel = sorted(os.sched_getaffinity(km.provisioner.pid)) if km is not None else None
    finally:
        eng.release_kernel(folder, km)
    return {
        "threads": threads,
        "server": sorted(os.sched_getaffinity(srv.process.pid)) if srv else None,
        "kernel": kernel,
    }


def _on_each_worker(engine, func) -> list:
    """``func()`` run as a task on each worker of the engine (in its task thread, where reports run)."""
    workers = sorted(engine.client.scheduler_info()["workers"])
    return [engine.client.submit(func, workers=[w], pure=False).result() for w in workers]


@pytest.mark.slow
@pytest.mark.skipif(not 1 <= len(eng.available_cores()) <= 4, reason="needs CPU affinity (Linux) and a few cores")
def test_a_worker_per_core_is_pinned_with_its_kernels_and_fewer_workers_are_not():
    cores = eng.available_cores()
    with eng.DaskEngine(jobs=len(cores)) as engine:
        seen = _on_each_worker(engine, _affinities)
    assert sorted(s["server"][0] for s in seen) == cores, "one core each"
    for s in seen:
        core = s["server"]
        assert len(core) == 1 and all(t == core for t in s["threads"]) and s["kernel"] == core
    if len(cores) > 1:
        with eng.DaskEngine(jobs=len(cores) - 1) as engine:
            seen = _on_each_worker(engine, _affinities)
        assert all(s["server"] == s["kernel"] == cores and all(t == cores for t in s["threads"]) for s in seen)


def test_pinning_a_process_pins_its_threads_and_what_it_starts_later():
    if not eng.available_cores():
        pytest.skip("needs CPU affinity (Linux)")
    core = eng.available_cores()[-1]
    code = (
        "import json, os, subprocess, sys, threading\n"
        "from qclib.batch.engine import pin_to_core\n"
        "before = threading.Thread(target=threading.Event().wait, args=(5,), daemon=True); before.start()\n"
        f"pin_to_core({core})\n"
        "seen = []\n"
        "later = threading.Thread(target=lambda: seen.append(sorted(os.sched_getaffinity(0)))); later.start(); later.join()\n"
        "child = subprocess.run([sys.executable, '-c', 'import os; print(sorted(os.sched_getaffinity(0)))'],"
        " capture_output=True, text=True).stdout.strip()\n"
        "print(json.dumps([sorted(os.sched_getaffinity(before.native_id)), seen[0], json.loads(child)]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [[core]] * 3, "a thread started before, one started after, a child process"
