"""Tiny numeric helpers shared by the display modules (no I/O)."""

from __future__ import annotations

import math
from typing import Any


def as_float(x: Any) -> float:
    """Float of ``x``; NaN for None, pandas NA and anything that is not a number.

    Examples
    --------
    >>> as_float("2.5"), as_float(None), as_float("n/a")
    (2.5, nan, nan)
    """
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def is_present(x: Any) -> bool:
    """True when ``x`` is a number (not None/NA/NaN).

    Examples
    --------
    >>> is_present(0), is_present(float("nan")), is_present(None)
    (True, False, False)
    """
    return not math.isnan(as_float(x))
