"""``qc template``: a thin adapter over :func:`qclib.data.template.make_template`."""

from __future__ import annotations

import argparse
import sys

from qclib.exceptions import OutputExistsError, QclibError


def cmd_template(args: argparse.Namespace) -> int:
    from qclib.data.template import make_template

    try:
        out = make_template(args.city, args.year, args.out, force=args.force)
    except OutputExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except QclibError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``template`` command."""
    p = subparsers.add_parser("template", help="write an Excel data-entry sheet for a city and year")
    p.add_argument("--city", required=True, help="city id, e.g. zhengzhou")
    p.add_argument("--year", required=True, type=int, help="year the figures are for")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.add_argument("out", help="output .xlsx file")
    p.set_defaults(func=cmd_template)
