"""The ``qc`` command: one small module per sub-command, each a thin adapter.

:mod:`qclib.cli.main` builds the parser from the modules' ``register``
functions; nothing here computes a figure.
"""

from qclib.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
