"""The ``qc`` command: a thin dispatcher over the modules' ``register`` functions."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from qclib import __version__

#: Modules that add commands (each has ``register(subparsers)``).
COMMAND_MODULES: tuple[str, ...] = (
    "qclib.cli.validate",
    "qclib.cli.template",
    "qclib.cli.scorecard",
    "qclib.cli.air",
    "qclib.cli.run",
    "qclib.cli.city",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered command.

    Examples
    --------
    >>> sorted(build_parser()._subparsers._group_actions[0].choices)[:3]
    ['air', 'city', 'run']
    """
    parser = argparse.ArgumentParser(
        prog="qc", description="qclib: quality-strong city targets, indicators and reports"
    )
    parser.add_argument("--version", action="version", version=f"qclib {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``qc`` and ``python -m qclib``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
