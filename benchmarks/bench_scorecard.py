"""Benchmark: scorecard at national size next to a groupby-merge floor (not a test).

Synthetic data: 337 cities x 60 indicators x 20 years (~400k observations,
a mix of bases) and 60 targets per city (~20k targets, all kinds).  Prints
the scorecard time and, as the floor, one pandas pass over the same frames
(latest value per city x indicator by groupby, merged onto the targets).

Run: ``.venv/bin/python benchmarks/bench_scorecard.py``
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from qclib.indicators.scorecard import TARGET_COLUMNS, scorecard

KINDS = (
    "threshold",
    "count",
    "reduction_vs_base",
    "change_vs_base",
    "trajectory",
    "trend",
    "rank",
    "vs_reference",
    "boolean",
)


def synthetic(n_cities: int = 337, n_ind: int = 60, n_years: int = 20, seed: int = 0):
    """Return (targets, observations) frames of the requested size."""
    rng = np.random.default_rng(seed)
    cities = [f"city{i:03d}" for i in range(n_cities)] + ["china"]
    inds = [f"ind{j:02d}" for j in range(n_ind)]
    years = np.arange(2006, 2006 + n_years)
    c, i, y = np.meshgrid(np.arange(len(cities)), np.arange(n_ind), years, indexing="ij")
    n = c.size
    basis = rng.choice(["official", "official", "official", "research", "derived", "plan_text", "partial_year"], size=n)
    obs = pd.DataFrame(
        {
            "city": np.array(cities, dtype=object)[c.ravel()],
            "indicator_id": np.array(inds, dtype=object)[i.ravel()],
            "year": y.ravel().astype("int64"),
            "value": rng.uniform(10, 100, size=n).round(2),
            "unit": "%",
            "scope": "",
            "source": "synthetic",
            "source_detail": "",
            "basis": basis,
            "note": "",
            "file": "synthetic.csv",
            "row": np.arange(n) + 2,
        }
    )
    nt = n_cities * n_ind
    tc, ti = np.meshgrid(np.arange(n_cities), np.arange(n_ind), indexing="ij")
    kind = np.array(KINDS, dtype=object)[rng.integers(0, len(KINDS), nt)]
    tg = pd.DataFrame({col: [None] * nt for col in TARGET_COLUMNS})
    tg = tg.assign(
        city=np.array(cities, dtype=object)[tc.ravel()],
        target_id=[f"t{k}" for k in range(nt)],
        indicator_id=np.array(inds, dtype=object)[ti.ravel()],
        domain="product",
        kind=kind,
        comparator=rng.choice([">=", "<=", ">", "<"], size=nt),
        target_value=np.where(
            np.isin(kind, ("trend", "boolean", "vs_reference")), np.nan, rng.uniform(10, 100, nt).round(1)
        ),
        unit="%",
        base_year=np.where(np.isin(kind, ("reduction_vs_base", "change_vs_base", "trajectory")), 2010.0, np.nan),
        base_value=np.nan,
        target_year=rng.choice([2015.0, 2020.0, 2025.0], size=nt),
        n_years=np.where(kind == "trend", 3.0, np.nan),
        reference=np.where(kind == "vs_reference", "china", None),
        scope="",
        numeric=True,
        measure="rate",
        direction="higher_is_better",
        source_file="synthetic",
        source_section="s",
        source_item="1",
    )
    return tg, obs


def _floor(tg: pd.DataFrame, obs: pd.DataFrame) -> pd.DataFrame:
    latest = obs.loc[obs.groupby(["city", "indicator_id"])["year"].idxmax()]
    return tg.merge(latest, on=["city", "indicator_id"], how="left")


def main(repeat: int = 3) -> None:
    tg, obs = synthetic()
    print(f"targets: {len(tg):,}  observations: {len(obs):,}")
    for name, fn in (
        ("groupby-merge floor", lambda: _floor(tg, obs)),
        ("scorecard", lambda: scorecard(tg, obs)),
        ("scorecard(year=2015)", lambda: scorecard(tg, obs, year=2015)),
    ):
        best = np.inf
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
        print(f"{name:>22}: {best:.3f} s (best of {repeat})")


if __name__ == "__main__":
    main()
