"""City values from station (monitoring-site) values, HJ 663-2013 city-scale evaluation.

Rule [M: HJ 663-2013, city-scale evaluation (城市尺度): a city's concentration
for an averaging period is the arithmetic mean of its valid evaluation sites
(城市点位) for that period; the city statistics are then computed from the city
series -- as recorded in the project's methods notes, section B2; the clause
number is not verified]:

1. **Validity per station.**  A station's daily mean of PM2.5, PM10, SO2, NO2
   and CO needs >= 20 hourly values that day (GB 3095-2012 clause 7, applied by
   :func:`qclib.air.validity.daily_from_hourly` with the station as key).
2. **City daily value** of those pollutants = mean of the valid station daily
   values of that day; stations without a valid value do not count.  The
   number of stations behind each day's value is kept (``stations_<p>``).
3. **O3 (hourly where relevant).**  The city's hourly O3 = mean of the
   stations' hourly values of that hour; the city's 8-h means, daily maximum
   8-h mean (>= 14 valid windows) and daily maximum 1-h value are computed from
   that city hourly series.  ``stations_o3_8h`` counts the stations with at
   least one hourly O3 value that day.
4. **Daily station files** (no hours): the city daily value is the mean of the
   station daily values given (each assumed valid as published).  For O3 this
   is the mean of the stations' daily maxima (:data:`DAILY_O3_NOTE`), which can
   exceed the daily maximum of the city's 8-h means that rule 3 computes from
   hourly values: an approximation, said to the user.

A day with no valid station has no city value (NaN); it counts as missing for
the annual validity rules (324 days, 27 per month).  One valid station is
enough for a city day (qclib convention: no minimum share of stations is
encoded); the quality table shows how many stations stood behind the days
(:func:`station_summary`) so a thin day can be judged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qclib.air.validity import daily_from_hourly, group_codes, split_hours

#: What the user is told when O3 comes from daily station values (rule 4).
DAILY_O3_NOTE: str = (
    "O3 from daily station values: the city value is the mean of the stations' daily maxima, which can "
    "exceed the HJ 663 value from hourly data (give hourly station files for the exact rule)"
)

#: Pollutants averaged over stations as daily means (rule 2).
DAILY_MEAN_POLLUTANTS: tuple[str, ...] = ("pm25", "pm10", "so2", "no2", "co")


def city_daily_from_station_hourly(hourly: pd.DataFrame, *, standard: str = "2012") -> pd.DataFrame:
    """City daily values from hourly station values (rules 1-3).

    Parameters
    ----------
    hourly : pandas.DataFrame
        ``city``, ``station``, ``datetime`` and any of ``pm25, pm10, so2, no2,
        co, o3`` (hourly O3); one row per station and hour, negative values
        and replacement codes already missing.
    standard : str
        Standard version (validity thresholds).

    Returns
    -------
    pandas.DataFrame
        ``city``, ``date``, the daily pollutant columns (``o3_8h``, ``o3_1h``
        from hourly O3) and ``stations_<pollutant>``: number of stations
        behind each day's value.

    Examples
    --------
    >>> import numpy as np
    >>> t = pd.date_range("2021-03-01", periods=24, freq="h")
    >>> h = pd.concat([pd.DataFrame({"city": "x", "station": s, "datetime": t, "pm25": v})
    ...                for s, v in [("a", [10.0] * 24), ("b", [30.0] * 24), ("c", [50.0] * 19 + [np.nan] * 5)]])
    >>> city_daily_from_station_hourly(h)[["city", "pm25", "stations_pm25"]].to_dict("records")
    [{'city': 'x', 'pm25': 20.0, 'stations_pm25': 2}]
    """
    means = [p for p in DAILY_MEAN_POLLUTANTS if p in hourly.columns]
    st = daily_from_hourly(hourly[["city", "station", "datetime", *means]], standard=standard, by=("city", "station"))
    out = city_daily_from_station_daily(st[["city", "station", "date", *means]])
    if "o3" in hourly.columns:
        o3 = _city_hourly_o3(hourly)
        od = daily_from_hourly(o3[["city", "datetime", "o3"]], standard=standard)
        od = od.merge(o3.groupby(["city", "date"], as_index=False)["stations_o3_8h"].max(), on=["city", "date"])
        od = od[["city", "date", "o3_8h", "o3_1h", "stations_o3_8h"]]
        out = out.merge(od, on=["city", "date"], how="outer") if len(out.columns) > 2 else od
    return out.sort_values(["city", "date"], kind="mergesort").reset_index(drop=True)


def _city_hourly_o3(hourly: pd.DataFrame) -> pd.DataFrame:
    """City hourly O3 = mean of the stations' values of the hour; stations with O3 that day."""
    v = hourly["o3"].to_numpy(dtype=float)
    ok = np.isfinite(v)
    when = pd.to_datetime(hourly["datetime"]).to_numpy()
    codes, city = group_codes(pd.DataFrame({"city": hourly["city"].array, "datetime": when}))
    n = np.bincount(codes[ok], minlength=len(city))
    total = np.bincount(codes[ok], weights=v[ok], minlength=len(city))
    with np.errstate(invalid="ignore", divide="ignore"):
        city["o3"] = np.where(n > 0, total / np.maximum(n, 1), np.nan)
    city["date"], _ = split_hours(city["datetime"])
    # stations with at least one O3 hour per city-day
    date, _ = split_hours(hourly["datetime"])
    sd_codes, sd = group_codes(
        pd.DataFrame({"city": hourly["city"].array[ok], "station": hourly["station"].array[ok], "date": date[ok]})
    )
    per_day = sd.groupby(["city", "date"], sort=False).size().rename("stations_o3_8h").reset_index()
    city = city.merge(per_day, on=["city", "date"], how="left")
    city["stations_o3_8h"] = city["stations_o3_8h"].fillna(0).astype(int)
    return city


def city_daily_from_station_daily(daily: pd.DataFrame) -> pd.DataFrame:
    """City daily values as the mean of the station daily values (rules 2 and 4).

    Parameters
    ----------
    daily : pandas.DataFrame
        ``city``, ``station``, ``date`` and pollutant columns; NaN = no valid
        value at that station that day.

    Returns
    -------
    pandas.DataFrame
        ``city``, ``date``, the mean of each pollutant over the stations with a
        value, and ``stations_<pollutant>`` (how many).

    Examples
    --------
    >>> import numpy as np
    >>> d = pd.DataFrame({"city": "x", "station": ["a", "b", "c"], "date": pd.Timestamp("2021-01-01"),
    ...                   "pm25": [10.0, 20.0, np.nan], "o3_8h": [100.0, 120.0, 140.0]})
    >>> city_daily_from_station_daily(d).iloc[0].to_dict()
    {'city': 'x', 'date': Timestamp('2021-01-01 00:00:00'), 'pm25': 15.0, 'o3_8h': 120.0, 'stations_pm25': 2, 'stations_o3_8h': 3}
    """
    pollutants = [c for c in daily.columns if c not in ("city", "station", "date") and not c.startswith("_")]
    g = daily.groupby(["city", "date"], sort=True)[pollutants]
    mean = g.mean()
    count = g.count().add_prefix("stations_")
    return pd.concat([mean, count], axis=1).reset_index()


def station_summary(city_daily: pd.DataFrame) -> pd.DataFrame:
    """Stations behind the city's daily values, per city, year and pollutant.

    Parameters
    ----------
    city_daily : pandas.DataFrame
        Output of :func:`city_daily_from_station_hourly` or
        :func:`city_daily_from_station_daily` (``stations_<p>`` columns).

    Returns
    -------
    pandas.DataFrame
        ``city, year, pollutant, stations_min, stations_median, stations_max``
        over the days of the year that have a city value, and
        ``days_below_max_stations``: days with fewer stations than the
        year's maximum.

    Examples
    --------
    >>> d = pd.DataFrame({"city": "x", "date": pd.to_datetime(["2021-01-01", "2021-01-02"]),
    ...                   "pm25": [1.0, 2.0], "stations_pm25": [5, 3]})
    >>> station_summary(d).to_dict("records")
    [{'city': 'x', 'year': 2021, 'pollutant': 'pm25', 'stations_min': 3, 'stations_median': 4.0, 'stations_max': 5, 'days_below_max_stations': 1}]
    """
    cols = [c for c in city_daily.columns if c.startswith("stations_")]
    if not cols:
        return pd.DataFrame(
            columns=[
                "city",
                "year",
                "pollutant",
                "stations_min",
                "stations_median",
                "stations_max",
                "days_below_max_stations",
            ]
        )
    year = pd.to_datetime(city_daily["date"]).dt.year
    long = (
        city_daily[["city", *cols]]
        .assign(year=year.to_numpy())
        .melt(id_vars=["city", "year"], var_name="pollutant", value_name="n")
    )
    long["pollutant"] = long["pollutant"].str.removeprefix("stations_")
    long = long.loc[long["n"] > 0]
    g = long.groupby(["city", "year", "pollutant"])["n"]
    out = pd.DataFrame({"stations_min": g.min(), "stations_median": g.median(), "stations_max": g.max()})
    below = long["n"].to_numpy() < g.transform("max").to_numpy()
    out["days_below_max_stations"] = long.assign(b=below).groupby(["city", "year", "pollutant"])["b"].sum().astype(int)
    return out.reset_index()
