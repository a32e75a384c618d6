"""Benchmark of qclib.air on synthetic national-scale data (prints timings only).

337 cities x 10 years x 365 days x 6 pollutants (~7.4 M daily values) through
flags, cleaning, validity, percentiles, AQI and the observation table; plus the
hourly -> daily aggregation for a slice of cities.

Run: ``.venv/bin/python benchmarks/bench_air.py [--cities N] [--years N]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from qclib.air.annual import annual_air_quality, to_observations
from qclib.air.validity import daily_from_hourly


def synthetic_daily(n_cities: int, n_years: int, seed: int = 0) -> pd.DataFrame:
    """Lognormal daily series with seasonality and ~2 % missing values."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2015-01-01", f"{2015 + n_years - 1}-12-31", freq="D")
    n = len(dates)
    city = np.repeat(np.array([f"city{i:03d}" for i in range(n_cities)], dtype=object), n)
    date = np.tile(dates.to_numpy(), n_cities)
    season = np.tile(1 + 0.5 * np.cos(2 * np.pi * dates.day_of_year.to_numpy() / 365.25), n_cities)
    base = {"pm25": 45, "pm10": 80, "so2": 12, "no2": 30, "co": 0.9, "o3_8h": 95}
    frame = {"city": city, "date": date}
    for p, b in base.items():
        v = b * rng.lognormal(0, 0.45, size=n * n_cities) * (season if p != "o3_8h" else 2 - season)
        v[rng.random(v.size) < 0.02] = np.nan
        frame[p] = np.round(v, 1 if p == "co" else 0)
    return pd.DataFrame(frame)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cities", type=int, default=337)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--hourly-cities", type=int, default=20)
    args = ap.parse_args()

    t0 = time.perf_counter()
    daily = synthetic_daily(args.cities, args.years)
    t1 = time.perf_counter()
    n_values = int(daily[["pm25", "pm10", "so2", "no2", "co", "o3_8h"]].size)
    print(f"synthetic daily data: {len(daily):,} rows, {n_values:,} values in {t1 - t0:.2f} s")

    t1 = time.perf_counter()
    stats, quality = annual_air_quality(daily, standard="2012")
    t2 = time.perf_counter()
    print(f"annual_air_quality: {len(stats):,} statistics, {len(quality):,} quality rows in {t2 - t1:.2f} s")

    obs = to_observations(stats, source="synthetic")
    t3 = time.perf_counter()
    print(f"to_observations: {len(obs):,} rows in {t3 - t2:.2f} s")
    print(f"total daily -> observations: {t3 - t1:.2f} s")

    rng = np.random.default_rng(1)
    hours = pd.date_range("2020-01-01", "2020-12-31 23:00", freq="h")
    hc = args.hourly_cities
    hourly = pd.DataFrame(
        {
            "city": np.repeat(np.array([f"c{i}" for i in range(hc)], dtype=object), len(hours)),
            "datetime": np.tile(hours.to_numpy(), hc),
            **{p: rng.lognormal(3, 0.5, len(hours) * hc) for p in ("pm25", "pm10", "so2", "no2", "co", "o3")},
        }
    )
    t4 = time.perf_counter()
    d = daily_from_hourly(hourly)
    t5 = time.perf_counter()
    print(f"daily_from_hourly: {len(hourly):,} hourly rows -> {len(d):,} days in {t5 - t4:.2f} s")


if __name__ == "__main__":
    main()
