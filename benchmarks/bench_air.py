"""Benchmark of qclib.air on synthetic national-scale data (prints timings only).

337 cities x 10 years x 365 days x 6 pollutants (~7.4 M daily values) through
flags, cleaning, validity, percentiles, AQI and the observation table; plus the
hourly -> daily aggregation for a slice of cities; plus the station path:
``--station-cities`` cities x ``--stations`` stations x 1 year of hourly values
(default 337 x 5 x 8,760 h x 6 pollutants, ~88 M values in ~15 M station-hours)
through station validity, the city means (HJ 663) and the annual statistics.

Run: ``.venv/bin/python benchmarks/bench_air.py [--cities N] [--years N] [--station-cities N] [--stations N]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from qclib.air.annual import annual_air_quality, to_observations
from qclib.air.stations import city_daily_from_station_hourly
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
    ap.add_argument("--station-cities", type=int, default=337, help="cities of the station path (0 skips it)")
    ap.add_argument("--stations", type=int, default=5, help="stations per city of the station path")
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
    if args.station_cities > 0:
        station_path(args.station_cities, args.stations, t3 - t1)


def synthetic_station_hourly(n_cities: int, n_stations: int, seed: int = 2) -> pd.DataFrame:
    """One year of hourly values per station, ~2 % missing hours."""
    rng = np.random.default_rng(seed)
    hours = pd.date_range("2020-01-01", "2020-12-31 23:00", freq="h")
    n_series = n_cities * n_stations
    n = len(hours) * n_series
    city_names = np.array([f"city{i:03d}" for i in range(n_cities)], dtype=object)
    frame = {
        "city": np.repeat(city_names, n_stations * len(hours)),
        "station": np.tile(
            np.repeat(np.array([f"s{j}" for j in range(n_stations)], dtype=object), len(hours)), n_cities
        ),
        "datetime": np.tile(hours.to_numpy(), n_series),
    }
    base = {"pm25": 45, "pm10": 80, "so2": 12, "no2": 30, "co": 0.9, "o3": 60}
    for p, b in base.items():
        v = (b * rng.lognormal(0, 0.5, n)).astype(np.float32).astype(float)
        v[rng.random(n) < 0.02] = np.nan
        frame[p] = v
    return pd.DataFrame(frame)


def station_path(n_cities: int, n_stations: int, daily_seconds: float) -> None:
    """Station hourly -> city daily (HJ 663) -> annual statistics, timed next to the daily path."""
    t0 = time.perf_counter()
    h = synthetic_station_hourly(n_cities, n_stations)
    t1 = time.perf_counter()
    n_values = int(h[["pm25", "pm10", "so2", "no2", "co", "o3"]].size)
    print(f"synthetic station data: {len(h):,} station-hours, {n_values:,} values in {t1 - t0:.2f} s")
    city = city_daily_from_station_hourly(h)
    t2 = time.perf_counter()
    print(f"city_daily_from_station_hourly: {len(city):,} city-days in {t2 - t1:.2f} s")
    stats, _ = annual_air_quality(city[[c for c in city.columns if not c.startswith("stations_")]], standard="2012")
    to_observations(stats, source="synthetic stations")
    t3 = time.perf_counter()
    print(f"annual statistics of the city days: {len(stats):,} statistics in {t3 - t2:.2f} s")
    print(
        f"station path ({n_cities} cities x {n_stations} stations x 1 year hourly): {t3 - t1:.2f} s; "
        f"daily path ({daily_seconds:.2f} s) for comparison"
    )


if __name__ == "__main__":
    main()
