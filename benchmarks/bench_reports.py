"""Benchmark of the report batch: prints numbers, asserts nothing.

Measures, in a temporary folder (the real reports/ and data/processed/ are
not touched):

1. the floor: a bare papermill run of an empty notebook on the same kernel;
2. the batch run sequentially (``jobs=1``): seconds per report;
3. the same batch with ``jobs=2``;
4. a no-change rerun of the whole batch (nothing executes).

Usage: ``python benchmarks/bench_reports.py [--cities zhengzhou,zhuzhou] [--years 2015,2017]``
(default: the whole run definition, params/run.yml).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import nbformat
import papermill as pm

from qclib.batch.runner import run_reports


def empty_notebook_seconds(folder: Path, repeat: int = 3) -> float:
    """Median seconds of a bare papermill run of an empty notebook."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    src = folder / "empty.ipynb"
    nbformat.write(nb, src)
    times = []
    for i in range(repeat):
        t0 = time.perf_counter()
        pm.execute_notebook(
            str(src), str(folder / f"empty_out{i}.ipynb"), kernel_name="python3", progress_bar=False, log_output=False
        )
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", default=None)
    parser.add_argument("--years", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        floor = empty_notebook_seconds(root)
        print(f"floor (papermill, empty notebook, same kernel): {floor:6.2f} s")
        quiet = open(os.devnull, "w")
        results = {}
        for jobs in (1, 2):
            out = root / f"reports_j{jobs}"
            t0 = time.perf_counter()
            summary = run_reports(
                args.cities, args.years, jobs=jobs, out_dir=out, processed_dir=root / f"processed_j{jobs}", stream=quiet
            )
            wall = time.perf_counter() - t0
            n = len(summary.results)
            results[jobs] = (wall, n, summary)
            per = wall / n if n else float("nan")
            failed = summary.count("failed")
            print(
                f"jobs={jobs}: {n} reports in {wall:6.2f} s = {per:5.2f} s/report "
                f"({per / floor:4.1f}x the floor){f'; {failed} FAILED' if failed else ''}"
            )
        if results[1][1]:
            slowest = max(results[1][2].results, key=lambda r: r.duration_s)
            print(f"  slowest report (jobs=1): {slowest.key} {slowest.duration_s:.2f} s")
            print(f"  speed-up jobs=2 vs jobs=1: {results[1][0] / results[2][0]:4.2f}x (on {os.cpu_count()} cores)")
        t0 = time.perf_counter()
        again = run_reports(
            args.cities,
            args.years,
            jobs=2,
            out_dir=root / "reports_j2",
            processed_dir=root / "processed_j2",
            stream=quiet,
        )
        wall = time.perf_counter() - t0
        print(
            f"no-change rerun: {len(again.results)} reports, {again.count('skipped')} skipped, {wall:6.2f} s in total"
        )


if __name__ == "__main__":
    main()
