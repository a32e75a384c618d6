"""``qc scorecard``: a thin adapter over :func:`qclib.indicators.scorecard.scorecard`.

Loads the catalog and the observations, calls ``scorecard()`` and writes the
table as CSV, JSON or Excel (stdout for CSV/JSON unless ``--out``; Excel needs
``--out``).  Files are written atomically.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

import pandas as pd

from qclib.atomic import atomic_path
from qclib.cells import neutralise
from qclib.exceptions import InvalidChoiceError, QclibError

#: Output formats of ``qc scorecard``.
FORMATS: tuple[str, ...] = ("csv", "xlsx", "json")


def parse_cities(text: str | None) -> list[str] | None:
    """``"all"``/empty -> None (every city); ``"a,b"`` -> ``["a", "b"]``.

    Examples
    --------
    >>> parse_cities("zhengzhou, zhuzhou"), parse_cities("all")
    (['zhengzhou', 'zhuzhou'], None)
    """
    if text is None or text.strip().lower() in ("", "all"):
        return None
    return [c.strip() for c in text.split(",") if c.strip()]


def write_table(table: pd.DataFrame, fmt: str, out: str | None, stdout: TextIO | None = None) -> None:
    """Write ``table`` as ``fmt`` to ``out`` (atomically) or to ``stdout``.

    Parameters
    ----------
    table : pandas.DataFrame
    fmt : {"csv", "xlsx", "json"}
    out : str or None
        Destination file; None writes CSV/JSON to ``stdout``.
    stdout : text stream, optional
        Defaults to ``sys.stdout``.

    Raises
    ------
    InvalidChoiceError
        Unknown format, or ``xlsx`` without ``out``.

    Examples
    --------
    >>> import io, pandas as pd
    >>> buf = io.StringIO()
    >>> write_table(pd.DataFrame({"a": [1]}), "csv", None, buf)
    >>> buf.getvalue()
    'a\\r\\n1\\r\\n'
    """
    if fmt not in FORMATS:
        raise InvalidChoiceError("format", fmt, FORMATS)
    if fmt == "xlsx" and not out:
        raise InvalidChoiceError("out", out, ("a file path (xlsx cannot go to stdout)",))
    if out is None:
        stream = stdout if stdout is not None else sys.stdout
        if fmt == "csv":
            # CRLF rows (RFC 4180): a CR inside a text cell is then quoted, never a row break
            neutralise(table).to_csv(stream, index=False, lineterminator="\r\n")
        else:
            stream.write(table.to_json(orient="records", force_ascii=False, indent=1))
            stream.write("\n")
        return
    with atomic_path(out) as tmp:
        if fmt == "csv":
            neutralise(table).to_csv(tmp, index=False, encoding="utf-8", lineterminator="\r\n")
        elif fmt == "json":
            tmp.write_text(table.to_json(orient="records", force_ascii=False, indent=1) + "\n", encoding="utf-8")
        else:
            neutralise(table).to_excel(tmp, index=False, sheet_name="scorecard")


def cmd_scorecard(args: argparse.Namespace) -> int:
    """Run ``qc scorecard``; returns the exit status (0 ok, 1 error, 2 usage).

    Loads ``qclib.data.catalog.load_catalog(params_dir)`` and
    ``qclib.data.observations.load_observations(paths, catalog=...)`` (imported here, lazily),
    calls :func:`qclib.indicators.scorecard.scorecard` and writes with :func:`write_table`.

    Parameters
    ----------
    args : argparse.Namespace
        ``paths``, ``city``, ``year``, ``format``, ``out``, ``params_dir`` (see :func:`register`).

    Returns
    -------
    int
        Exit status.

    Examples
    --------
    >>> import argparse
    >>> ns = argparse.Namespace(paths=[], city="all", year=None, format="xlsx", out=None, params_dir=None)
    >>> cmd_scorecard(ns)  # xlsx cannot go to stdout: usage error
    2
    """
    from qclib.data.catalog import load_catalog
    from qclib.data.observations import load_observations
    from qclib.indicators.scorecard import scorecard

    if args.format == "xlsx" and not args.out:
        print("qc scorecard: --format xlsx needs --out FILE", file=sys.stderr)
        return 2
    try:
        catalog = load_catalog(args.params_dir)
        observations = load_observations(list(args.paths) or None, catalog=catalog)
        table = scorecard(catalog.targets, observations, year=args.year, cities=parse_cities(args.city))
        write_table(table, args.format, args.out)
    except QclibError as exc:
        print(f"qc scorecard: {exc}", file=sys.stderr)
        return 1
    if args.out:
        print(f"wrote {len(table)} rows to {args.out}", file=sys.stderr)
    return 0


def register(subparsers: Any) -> None:
    """Add the ``scorecard`` command to ``qc``'s subparsers.

    Examples
    --------
    >>> import argparse
    >>> p = argparse.ArgumentParser(); sub = p.add_subparsers()
    >>> register(sub)
    >>> a = p.parse_args(["scorecard", "--city", "zhengzhou", "--year", "2015"])
    >>> a.city, a.year, a.format, a.out
    ('zhengzhou', 2015, 'csv', None)
    """
    p = subparsers.add_parser(
        "scorecard",
        help="status of every target (city x target) as CSV, JSON or Excel",
        description="One row per city x catalog target: value, changes, status, reason.",
    )
    p.add_argument("paths", nargs="*", help="extra observation files or folders (CSV/Excel)")
    p.add_argument("--city", default="all", help="comma-separated city ids, or 'all' (default)")
    p.add_argument("--year", type=int, default=None, help="assess as of this year (default: latest year with data)")
    p.add_argument("--format", choices=FORMATS, default="csv", help="output format (default csv)")
    p.add_argument("--out", default=None, help="output file (default stdout for csv/json; required for xlsx)")
    p.add_argument("--params-dir", default=None, metavar="DIR", help="target catalog folder (default params/)")
    p.set_defaults(func=cmd_scorecard)
