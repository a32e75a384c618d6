"""Benchmark of the report batch on Dask at national scale: prints numbers, asserts nothing.

In a temporary folder (the real params/, reports/ and data/processed/ are not
touched) it builds a synthetic catalog of every prefecture-level city and
municipality of the registry (337): each city gets a copy of one of the three
plans' targets (Zhengzhou, Xinxiang, Zhuzhou in turn; the shipped cities keep
their own files) and a copy of that plan city's observations under its own id.
Then, for one report year:

1. the warm floor, measured on the same engine: papermill executing a notebook
   that imports pandas and matplotlib and draws one chart, then the HTML
   export without code, on a worker that has already imported papermill and
   nbconvert (a fresh kernel each time, like a report);
2. ``--reports`` city reports (48) on the embedded cluster with 1 worker, then
   with 2 workers: reports per minute, seconds per report on the worker against
   the floor, the speed-up;
3. the time the client spends preparing inputs (catalog and data loaded and
   validated once) and a report's scorecard (computed once, on its worker);
   beside what two processes get from this machine at all (a CPU-bound loop
   alone, then two at once: the ceiling of any speed-up here);
4. the projected wall time of 337 cities × 10 years on 16 and 64 workers;
5. a no-change rerun of the same batch with ``qc run`` (a new process, as a user
   types it): nothing executes, no cluster starts.

Usage: ``python benchmarks/bench_reports.py [--cities 337] [--reports 48] [--year 2015]``.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pandas as pd
import yaml

from qclib.batch import inputs as prepared
from qclib.batch import runner
from qclib.batch.engine import DaskEngine, warm
from qclib.data import registry
from qclib.paths import NOTEBOOKS_DIR, PARAMS_DIR, RAW_DATA_DIR

PLANS = ("zhengzhou", "xinxiang", "zhuzhou")

FLOOR_CODE = """\
import pandas as pd
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(6, 3))
pd.Series(range(10)).plot(ax=ax)
plt.show()
"""


def synthetic_catalog(root: Path, n_cities: int, year: int) -> tuple[Path, Path, list[str]]:
    """Params folder, observations file and city ids of a synthetic catalog of ``n_cities`` cities."""
    params = root / "params"
    params.mkdir()
    for p in PARAMS_DIR.glob("indicators*.yml"):
        shutil.copy(p, params / p.name)
    templates = {c: yaml.safe_load((PARAMS_DIR / f"{c}.yml").read_text(encoding="utf-8")) for c in PLANS}
    raw = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(RAW_DATA_DIR.glob("*.csv"))])
    # a user's file may not give two official figures for one year (the shipped data may, with a warning)
    raw = raw.drop_duplicates(subset=["city", "indicator_id", "year", "scope", "basis"], keep="first")
    rows, cities = [], []
    for i, division in enumerate(registry.cities()[:n_cities]):
        city = division.entity_id
        cities.append(city)
        if (PARAMS_DIR / f"{city}.yml").exists():
            shutil.copy(PARAMS_DIR / f"{city}.yml", params / f"{city}.yml")
            continue
        plan = PLANS[i % len(PLANS)]
        doc = json.loads(json.dumps(templates[plan], default=str))
        province = registry.get(division.parent_id if division.level == "prefecture" else "china")
        doc["city"] = {
            "city_id": city,
            "name_zh": division.name_zh,
            "name_en": division.name_en,
            "province_zh": province.name_zh,
            "province_en": province.name_en,
            "province_entity": province.entity_id,
        }
        for t in doc.get("targets") or []:
            t["target_id"] = city + t["target_id"][len(plan) :]
        (params / f"{city}.yml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        rows.append(raw.loc[raw["city"] == plan].assign(city=city))
    obs = root / "synthetic_observations.csv"
    pd.concat(rows).to_csv(obs, index=False)
    nbs = {"city": str(NOTEBOOKS_DIR / "city_report.ipynb"), "comparison": str(NOTEBOOKS_DIR / "city_comparison.ipynb")}
    run = {"notebooks": nbs, "cities": {c: {"years": [year]} for c in cities}}
    (params / "run.yml").write_text(yaml.safe_dump(run), encoding="utf-8")
    return params, obs, cities


def floor_seconds(engine: DaskEngine, root: Path, repeat: int) -> list[float]:
    """Worker seconds of the floor notebook (papermill + one chart + HTML), ``repeat`` times, one after the other."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_CODE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    spec = runner.ReportSpec("city", "floor/0", root / "floor.ipynb", {}, root / "floor")
    task = runner.make_task(spec, {}, notebook_text=nbformat.writes(nb))
    times: list[float] = []
    for _ in range(repeat):
        engine.run(runner.render_report, [(task, None)], lambda t, r: times.append(r["duration_s"]))
    return times


SPIN = "import time\nt = time.perf_counter()\nx = 0\nfor i in range(20_000_000):\n    x += i\nprint(time.perf_counter() - t)\n"

#: A loop that works like a report (pandas frames of strings, filtering, pickling: memory and caches, not only the CPU).
SPIN_MEMORY = """\
import pickle, time
import numpy as np, pandas as pd
rng = np.random.default_rng(0)
df = pd.DataFrame({"city": rng.choice([f"c{i}" for i in range(337)], 20000), "v": rng.random(20000),
                   "s": [f"source {i}" for i in range(20000)]})
t = time.perf_counter()
for i in range(40):
    part = df.loc[df["city"].isin([f"c{i}", "c1"])].to_dict("records")
    pickle.loads(pickle.dumps(df))
    df.groupby("city")["v"].mean()
print(time.perf_counter() - t)
"""


def parallel_ceiling(repeat: int = 3, code: str = SPIN) -> float:
    """What 2 processes get from this machine at all: 2 × (one loop alone) / (the same loop, two at once).

    2.0 on two idle, independent cores; less where the cores are shared
    (virtual CPUs, other load, turbo limits) or, for :data:`SPIN_MEMORY`,
    where the two compete for memory and caches.  Medians of ``repeat`` rounds.
    """

    def spin(n: int) -> list[float]:
        procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(n)]
        return [float(p.communicate()[0]) for p in procs]

    alone = statistics.median(spin(1)[0] for _ in range(repeat))
    together = statistics.median(statistics.mean(spin(2)) for _ in range(repeat))
    return 2 * alone / together


def timed_run(run, seconds: dict, jobs: int):
    """``engine.run`` that records its wall seconds (the rendering phase of a run) in ``seconds[jobs]``."""

    def wrapped(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return run(*args, **kwargs)
        finally:
            seconds[jobs] = time.perf_counter() - t0

    return wrapped


def batch(cities, year, jobs, root, params, obs, quiet, engine=None):
    """One run of the city reports of ``cities`` on ``jobs`` workers: (wall seconds, worker seconds per report)."""
    config = runner.RunConfig(
        notebooks={"city": NOTEBOOKS_DIR / "city_report.ipynb", "comparison": NOTEBOOKS_DIR / "city_comparison.ipynb"},
        city_years={c: (year,) for c in cities},
    )
    t0 = time.perf_counter()
    summary = runner.run_reports(
        ",".join(cities),
        year,
        jobs=jobs,
        run_config=config,
        params_dir=params,
        data_paths=[obs],
        out_dir=root / f"reports_j{jobs}",
        processed_dir=root / f"processed_j{jobs}",
        stream=quiet,
        engine=engine,
    )
    wall = time.perf_counter() - t0
    failed = [r.key for r in summary.results if r.status == "failed"]
    if failed:
        print(f"  FAILED: {failed} {summary.results[0].error_text()}")
    return wall, [r.duration_s for r in summary.results if r.status == "ok"]


def prepare_seconds(params: Path, obs: Path, cities: list[str], year: int) -> tuple[float, float]:
    """Client seconds: loading + validating the catalog and data once, and one scorecard (mean over ``cities``)."""
    t0 = time.perf_counter()
    shared = prepared.load_shared(params, [obs])
    blob = prepared.dumps_shared(shared)
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    for c in cities:  # as a worker does: the report's slice of the inputs, then its scorecard
        pickle.dumps(prepared.scorecard_slice(prepared.report_slice(shared, [c]), [c], year))
    per = (time.perf_counter() - t0) / len(cities)
    print(
        f"client: load + validate {len(shared.catalog.cities)} cities once {load:5.2f} s "
        f"(shared inputs {len(blob) / 1e6:.1f} MB); a report's scorecard {per * 1000:4.0f} ms (on its worker)"
    )
    return load, per


def no_change_rerun(root: Path, params: Path, obs: Path, cities: list[str], year: int) -> float:
    """Seconds of ``qc run`` in a new process when nothing changed (the jobs=2 batch again)."""
    run_yml = params / "run.yml"  # written with the catalog: it is one of the reports' hashed inputs
    again, _ = batch(cities, year, 2, root, params, obs, open(os.devnull, "w"))
    print(f"no-change rerun (run_reports in this process, the scorecard export skipped as unchanged): {again:5.2f} s")
    # --no-scorecards: qc run has no option for the scorecards' folder, and data/processed/ is not to be touched
    cmd = [
        sys.executable,
        "-m",
        "qclib",
        "run",
        "--config",
        str(run_yml),
        "--params-dir",
        str(params),
        "--data",
        str(obs),
        "--out",
        str(root / "reports_j2"),
        "--city",
        ",".join(cities),
        "--year",
        str(year),
        "--jobs",
        "2",
        "--no-scorecards",
    ]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    tail = out.stdout.strip().splitlines()[-2:-1] if out.stdout else out.stderr.strip().splitlines()[-3:]
    print(f"no-change rerun (qc run in a new process, {len(cities)} reports): {wall:5.2f} s  [{' | '.join(tail)}]")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=337, help="cities in the synthetic catalog (default 337)")
    parser.add_argument(
        "--reports",
        type=int,
        default=48,
        help="reports rendered per engine size (default 48: 24 per worker with 2; a national run has 337 a year, "
        "and a smaller sample weighs a run's fixed costs - loading once, each worker's first report, the wait for "
        "the last one - more than such a run does)",
    )
    parser.add_argument("--year", type=int, default=2015, help="report year (default 2015)")
    parser.add_argument("--floor-repeat", type=int, default=3)
    args = parser.parse_args()
    quiet = open(os.devnull, "w")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        params, obs, cities = synthetic_catalog(root, args.cities, args.year)
        print(f"synthetic catalog: {len(cities)} cities, year {args.year} ({time.perf_counter() - t0:.1f} s to build)")
        sample = [c for c in cities if c not in ("qinhuangdao",)][: args.reports]
        load_s, _ = prepare_seconds(params, obs, cities, args.year)
        with DaskEngine(jobs=1) as engine:
            engine.client.run(warm, quiet=True, prestart=False, fork=False)
            cold = statistics.median(floor_seconds(engine, root, args.floor_repeat))
            engine.client.run(warm, quiet=True, prestart=True)
            floor = floor_seconds(engine, root, args.floor_repeat + 1)[1:]  # the first starts the spare kernel
        f = statistics.median(floor)
        print(
            f"warm floor (worker; papermill + pandas/matplotlib chart + HTML): {cold:5.2f} s with a new kernel process "
            f"that imports pandas and matplotlib (as issue 13 defines it), {f:5.2f} s with the kernel forked ahead "
            "from the worker's template like the reports (medians)"
        )
        walls, renders, per1 = {}, {}, f
        for jobs in (1, 2):
            t0 = time.perf_counter()
            with DaskEngine(jobs=jobs) as engine:
                start = time.perf_counter() - t0
                engine.run = timed_run(engine.run, renders, jobs)
                wall, per = batch(sample, args.year, jobs, root, params, obs, quiet, engine)
            walls[jobs] = wall
            m = statistics.median(per) if per else float("nan")
            print(
                f"jobs={jobs}: {len(per)} reports in {wall:6.1f} s = {len(per) / wall * 60:5.1f} reports/min "
                f"(+ {start:.1f} s cluster start and worker imports, once per run); "
                f"{m:5.2f} s per report on the worker = {m / cold:4.2f}x the floor ({m / f:4.2f}x the floor forked ahead "
                "like the reports)"
            )
            per1 = m if jobs == 1 else per1
        ceiling, memory_ceiling = parallel_ceiling(), parallel_ceiling(code=SPIN_MEMORY)
        print(
            f"speed-up jobs=2 vs jobs=1: {walls[1] / walls[2]:4.2f}x for the whole run, {renders[1] / renders[2]:4.2f}x "
            f"for the rendering alone ({renders[1]:.1f} s vs {renders[2]:.1f} s; the rest, {walls[1] - renders[1]:.1f} s, "
            f"is the client loading and validating once and writing the scorecards, index and manifest); "
            f"on {os.cpu_count()} cores, whose own ceiling for 2 processes (measured now) is {ceiling:4.2f}x for a CPU-bound "
            f"loop and {memory_ceiling:4.2f}x for a pandas loop (frames, filters, pickles: like a report)"
        )
        n = 337 * 10
        for workers in (16, 64):
            render = n * per1 / workers
            client = load_s * 10  # the client loads once per run; say one run per year
            print(
                f"projected 337 x 10 = {n} reports on {workers} workers: {(render + client) / 60:5.1f} min "
                f"(render {render / 60:.1f} min in parallel at {per1:.2f} s per report; client loading {client / 60:.1f} min)"
            )
        no_change_rerun(root, params, obs, sample, args.year)


if __name__ == "__main__":
    main()
