"""``qc air annual``: a thin adapter over :func:`qclib.air.io.evaluate_files`."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from pathlib import Path

from qclib.air import io as air_io
from qclib.air.annual import suspect_city_years
from qclib.air.standards import STANDARD_VERSIONS
from qclib.air.units import DEFAULT_UNITS, parse_unit
from qclib.atomic import atomic_path
from qclib.cells import neutralise
from qclib.exceptions import DataValidationError, QclibError
from qclib.paths import PROCESSED_DATA_DIR

DEFAULT_OUT = PROCESSED_DATA_DIR / "air_annual.csv"


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``air`` command (subcommand ``annual``) to a ``qc`` parser.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers()`` returned.

    Returns
    -------
    argparse.ArgumentParser
        The ``air`` parser.

    Examples
    --------
    >>> p = argparse.ArgumentParser(prog="qc")
    >>> _ = register(p.add_subparsers(dest="command"))
    >>> a = p.parse_args(["air", "annual", "d.csv", "--standard", "2012"])
    >>> a.inputs, a.standard, a.out.name, a.func is run_annual
    (['d.csv'], '2012', 'air_annual.csv', True)
    """
    air = subparsers.add_parser(
        "air",
        help="air-quality statistics from monitoring data",
        description="Air-quality statistics from daily or hourly monitoring data "
        "(GB 3095-2012, HJ 633-2012, HJ 663-2013).",
    )
    air_sub = air.add_subparsers(dest="air_command", metavar="SUBCOMMAND")
    annual = air_sub.add_parser(
        "annual",
        help="annual statistics per city and year",
        description="Annual means, percentiles, days over the limit, compliance, AQI good days and "
        "data-quality flags per city and year, written in the observation format.",
    )
    annual.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="daily or hourly CSV/Excel file(s) or folders of them: city or station tables, or the national "
        "hourly release files (date, hour, type, one column per city)",
    )
    annual.add_argument(
        "--out",
        type=_path,
        default=DEFAULT_OUT,
        help=f"statistics CSV (default {DEFAULT_OUT}); the validity/flags table is written "
        "next to it as <stem>_quality.csv",
    )
    annual.add_argument("--quality-out", type=_path, default=None, help="validity/flags CSV (default: next to --out)")
    annual.add_argument(
        "--daily-out",
        type=_path,
        default=None,
        help="also write the city daily values behind the statistics, with the number of stations behind "
        "each day's value (stations_<pollutant>) for station data",
    )
    annual.add_argument(
        "--standard",
        choices=STANDARD_VERSIONS,
        default=None,
        help="standard version (default: 2012 rules for years before 2026; 2026 rules from "
        "2026, which are not confirmed and stop with an error)",
    )
    annual.add_argument(
        "--exclude-invalid",
        action="store_true",
        help="leave out statistics of city-years failing the validity rules "
        "(by default they are written with a NOT VALID note)",
    )
    annual.add_argument(
        "--unit",
        action="append",
        default=[],
        metavar="POLLUTANT=UNIT",
        help="declare the unit of a pollutant column whose header names none, e.g. co=ug/m3 "
        "(ug/m3 or mg/m3; repeatable); values are converted only when declared",
    )
    _add_reading_options(annual)
    annual.set_defaults(func=run_annual)
    air.set_defaults(func=lambda args: (air.print_help(), 2)[1])
    return air


def _add_reading_options(annual: argparse.ArgumentParser) -> None:
    """Options that say how to read the inputs: units, city, date order, stations."""
    annual.add_argument("--co-unit", default=None, metavar="UNIT", help="same as --unit co=UNIT")
    annual.add_argument(
        "--city",
        default=None,
        metavar="NAME",
        help="city of the files that have no city column (any city name or id); files with a city column keep theirs",
    )
    order = annual.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst",
        dest="dayfirst",
        action="store_const",
        const=True,
        default=None,
        help="read ambiguous dates such as 03/04/2021 as dd/mm/yyyy (refused without this or --monthfirst)",
    )
    order.add_argument(
        "--monthfirst", dest="dayfirst", action="store_const", const=False, help="read ambiguous dates as mm/dd/yyyy"
    )
    annual.add_argument(
        "--file-is-station",
        action="store_true",
        help="each file without a station column is one monitoring station (named after the file); the city "
        "value is the mean of its valid stations (HJ 663-2013)",
    )
    annual.add_argument(
        "--station-list",
        type=_path,
        default=None,
        metavar="FILE",
        help="CSV with columns station, city: the city of each station code in release files with station columns",
    )


def _path(text: str):
    from pathlib import Path

    return Path(text)


def run_annual(args: argparse.Namespace) -> int:
    """Run ``qc air annual``; returns the exit status (0 ok, 1 bad input).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments (``inputs``, ``out``, ``quality_out``, ``standard``,
        ``exclude_invalid``).

    Returns
    -------
    int

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (tmp / "d.csv").write_text("city,date,pm25\\nx,2021-01-01,40\\n", encoding="utf-8")
    >>> ns = argparse.Namespace(inputs=[str(tmp / "d.csv")], out=tmp / "a.csv", quality_out=None,
    ...                         standard=None, exclude_invalid=False)
    >>> run_annual(ns)
    wrote ... statistics to .../a.csv; validity and flags to .../a_quality.csv (0 of 1 city-year(s) valid)
    0
    """
    units = _declared_units(args)
    if units is None:
        return 1
    out = Path(args.out)
    qout = Path(args.quality_out or air_io.quality_path_for(args.out))
    dout = Path(args.daily_out) if getattr(args, "daily_out", None) else None
    problem = _output_problem(out, qout, dout)
    if problem:
        print(f"ERROR: {problem}", file=sys.stderr)
        return 1
    try:
        result = air_io.evaluate_files(
            args.inputs,
            standard=args.standard,
            exclude_invalid=args.exclude_invalid,
            units=units or None,
            **_read_options(args),
        )
    except DataValidationError as exc:
        print(f"INVALID INPUT: {len(exc.issues)} error(s)", file=sys.stderr)
        for issue in exc.issues[:100]:
            print(f"  ERROR {issue}", file=sys.stderr)
        return 1
    except QclibError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    # both tables are written before either replaces its old version, so a
    # failure never leaves new statistics beside an old quality table; cells
    # from data files (city and station names) never become formulas
    stats, quality = result.stats, result.quality
    try:
        with atomic_path(out) as tmp_stats, atomic_path(qout) as tmp_quality, ExitStack() as more:
            neutralise(stats).to_csv(tmp_stats, index=False, encoding="utf-8")
            neutralise(quality).to_csv(tmp_quality, index=False, encoding="utf-8")
            if dout is not None:
                neutralise(result.daily).to_csv(more.enter_context(atomic_path(dout)), index=False, encoding="utf-8")
    except OSError as exc:
        print(
            f"ERROR: cannot write the outputs ({exc.strerror or exc}: {exc.filename}); nothing was replaced; "
            "choose a writable --out / --quality-out",
            file=sys.stderr,
        )
        return 1
    _print_summary(stats, quality, out, qout)
    return 0


def _declared_units(args: argparse.Namespace) -> dict[str, str] | None:
    """``--unit`` / ``--co-unit`` as ``{pollutant: unit}``; None (after a message) when one is not understood."""
    units: dict[str, str] = {}
    declared = list(getattr(args, "unit", None) or [])
    if getattr(args, "co_unit", None):
        declared.append(f"co={args.co_unit}")
    for item in declared:
        key, sep, unit = item.partition("=")
        canon = parse_unit(unit) if sep else None
        if canon is None or key.strip().lower() not in DEFAULT_UNITS:
            print(
                f"ERROR: --unit {item!r} not understood; use POLLUTANT=UNIT with POLLUTANT one of "
                f"{', '.join(DEFAULT_UNITS)} and UNIT ug/m3 or mg/m3 (e.g. --unit co=ug/m3)",
                file=sys.stderr,
            )
            return None
        units[key.strip().lower()] = canon
    return units


def _output_problem(out: Path, qout: Path, dout: Path | None = None) -> str:
    """Why the output paths cannot be used ('' when they can)."""
    targets = [(out, "--out"), (qout, "--quality-out")] + ([(dout, "--daily-out")] if dout else [])
    for i, (a, fa) in enumerate(targets):
        for b, fb in targets[i + 1 :]:
            if a.resolve() == b.resolve():
                return f"{fa} and {fb} are the same file ({a}); give different paths"
    for target, flag in targets:
        if target.is_dir():
            return f"{flag} {target} is a folder; give a file path such as {target / 'air.csv'}"
    return ""


def _read_options(args: argparse.Namespace) -> dict[str, object]:
    """How to read the inputs: --city, --dayfirst/--monthfirst, --file-is-station, --station-list."""
    options: dict[str, object] = {k: getattr(args, k, None) for k in ("city", "dayfirst")}
    if getattr(args, "file_is_station", False):
        options["file_is_station"] = True
    if getattr(args, "station_list", None):
        options["station_cities"] = air_io.read_station_list(args.station_list)
    return {k: v for k, v in options.items() if v is not None}


def _print_summary(stats, quality, out: Path, qout: Path) -> None:
    """Ignored columns, one warning line per suspect city-year, and what was written."""
    for line in quality.attrs.get("notes", []):
        print(line)
    for _, r in suspect_city_years(quality).iterrows():
        print(f"WARNING suspect data: {r['city']} {r['year']}: {r['reason']}; its statistics are provisional (待核实)")
    # A city-year counts as valid when its AQI days are (all six pollutants
    # given) or, otherwise, when every pollutant given is valid.
    aqi_rows = quality.loc[quality["pollutant"] == "aqi"]
    basis = aqi_rows if len(aqi_rows) else quality
    per_year = basis.groupby(["city", "year"])["valid"].all() if len(basis) else basis
    n_valid, n_total = int(per_year.sum()) if len(basis) else 0, len(per_year)
    print(
        f"wrote {len(stats)} statistics to {out}; validity and flags to {qout} "
        f"({n_valid} of {n_total} city-year(s) valid)"
    )
