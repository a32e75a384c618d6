"""Spreadsheet cells that cannot turn into formulas (CSV / formula injection).

Every CSV or Excel file the product writes passes its frame through :func:`neutralise`: a text
cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
apostrophe, so Excel and LibreOffice show it as text instead of evaluating it (OWASP, "CSV
Injection").  Numbers stay numbers, and so does text that reads as a plain number (``-3.5``).
:func:`restore` undoes it when such a file is read back, so a round trip gives the original text.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

#: Characters that make a spreadsheet treat a cell as a formula (OWASP).
FORMULA_LEADS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise_text(value: Any) -> Any:
    """One cell: a formula-leading text gets a leading ``'``; anything else is returned as is.

    Examples
    --------
    >>> neutralise_text("=HYPERLINK(\\"http://x\\")"), neutralise_text("@SUM(A1)"), neutralise_text("-3.5")
    ('\\'=HYPERLINK("http://x")', "'@SUM(A1)", '-3.5')
    >>> neutralise_text(-3.5), neutralise_text("郑州市统计局")
    (-3.5, '郑州市统计局')
    """
    if isinstance(value, str) and value.startswith(FORMULA_LEADS) and not _NUMBER.match(value):
        return "'" + value
    return value


def restore_text(value: Any) -> Any:
    """Undo :func:`neutralise_text` on a cell read back.

    Examples
    --------
    >>> restore_text("'=1+1"), restore_text("'quoted"), restore_text("=1+1")
    ('=1+1', "'quoted", '=1+1')
    """
    if isinstance(value, str) and value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_LEADS):
        return value[1:]
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and headers) cannot be read as formulas.

    Examples
    --------
    >>> df = pd.DataFrame({"source": ["=cmd|' /C calc'!A0", "公报"], "value": [-1.0, 2.0]})
    >>> out = neutralise(df)
    >>> out["source"].tolist(), out["value"].tolist()
    (["'=cmd|' /C calc'!A0", '公报'], [-1.0, 2.0])
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_text)
    out.columns = [neutralise_text(c) for c in out.columns]
    return out


def restore(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`neutralise` on a frame read back as text.

    Examples
    --------
    >>> df = pd.DataFrame({"source": ["=1+1", "x"]})
    >>> restore(neutralise(df)).equals(df)
    True
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            quoted = _quoted(out[col])
            if quoted.any():  # most columns have no quoted cell: nothing to map (a national file has ~10^5 cells)
                out.loc[quoted, col] = out.loc[quoted, col].map(restore_text)
    return out


def _quoted(column: pd.Series) -> pd.Series:
    """Which cells are text beginning with ``'`` (the only ones :func:`restore_text` may change)."""
    try:
        return column.str.startswith("'").fillna(False).astype(bool)
    except AttributeError:  # no text in the column at all
        return pd.Series(False, index=column.index)
