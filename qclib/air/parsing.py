"""Cells of monitoring files: numbers, and time columns parsed one way per file.

Numbers (:func:`parse_numbers`): the texts of :data:`MISSING_TOKENS` are
missing values; anything else that is not a number is an error naming the row.

Time layouts (``qclib.air.io`` picks one from the canonical columns):

- ``datetime`` -- one column with date and time (``2021-03-01 05:00``,
  ``2021/3/1 5:00``, ``2021-03-01T05:00:00``, an Excel serial ``44256.2083``);
- ``date`` (+ ``hour`` 0-23, or + a time-of-day column ``hh:mm``);
- ``year, month, day`` (+ ``hour``), as in the public multi-site hourly files.

**One format per file.**  Every value of a date column must parse with the
same format: the format is chosen from :data:`DATE_FORMATS` as the one that
reads every distinct value; when none does, the file is refused naming the
rows that do not fit the format most rows use.  Year-first formats
(``yyyy-mm-dd``, ``yyyy/mm/dd``, ``yyyymmdd``, ``yyyy年m月d日``) are
unambiguous.  Day/month orders (``dd/mm/yyyy`` or ``mm/dd/yyyy``) are
ambiguous when both read every value and give different dates for at least
one: refused unless the caller says ``dayfirst=True`` / ``False``
(``--dayfirst`` / ``--monthfirst``).  A file whose values fit only one order
(a day above 12 somewhere) is read in that order, unless the caller's order
contradicts it (refused).

Excel serial dates (day numbers since 1899-12-30, five digits with an
optional fraction of a day) are accepted when every value of the column is
one.  Times of day are rounded to the second.  Parsing works on the distinct
values, so a year of hourly rows costs 8,760 parses, not one per row.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from qclib.exceptions import Issue

#: Cell texts read as "missing".
MISSING_TOKENS: frozenset[str] = frozenset({"", "-", "--", "—", "/", "na", "n/a", "nan", "null", "none", "无", "缺测"})

#: Date formats tried, with the order they belong to and a guard regex the
#: value must match in full (so ``2021015`` is not read as ``%Y%m%d``).
DATE_FORMATS: tuple[tuple[str, str, str], ...] = (
    ("%Y-%m-%d", "ymd", r"\d{4}-\d{1,2}-\d{1,2}"),
    ("%Y/%m/%d", "ymd", r"\d{4}/\d{1,2}/\d{1,2}"),
    ("%Y.%m.%d", "ymd", r"\d{4}\.\d{1,2}\.\d{1,2}"),
    ("%Y%m%d", "ymd", r"\d{8}"),
    ("%d/%m/%Y", "dmy", r"\d{1,2}/\d{1,2}/\d{4}"),
    ("%d-%m-%Y", "dmy", r"\d{1,2}-\d{1,2}-\d{4}"),
    ("%d.%m.%Y", "dmy", r"\d{1,2}\.\d{1,2}\.\d{4}"),
    ("%m/%d/%Y", "mdy", r"\d{1,2}/\d{1,2}/\d{4}"),
    ("%m-%d-%Y", "mdy", r"\d{1,2}-\d{1,2}-\d{4}"),
    ("%m.%d.%Y", "mdy", r"\d{1,2}\.\d{1,2}\.\d{4}"),
)

_SPLIT = re.compile(r"^(?P<d>\S+?)(?:[ T]+(?P<t>\d{1,2}(?::\d{1,2}){0,2}(?:\.\d+)?))?$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_HUMAN = {"%Y": "yyyy", "%m": "mm", "%d": "dd"}


def cell_text(v: object) -> str:
    """Text of a cell as read (NaN -> ``""``, ``3.0`` -> ``"3"``), stripped.

    Parameters
    ----------
    v : object
        A cell from ``read_csv(dtype=str)`` or ``read_excel(dtype=object)``.

    Returns
    -------
    str

    Examples
    --------
    >>> [cell_text(x) for x in [None, float("nan"), 3.0, 2.5, " a "]]
    ['', '', '3', '2.5', 'a']
    """
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def parse_numbers(raw: pd.Series, fname: str, column: str, rows: np.ndarray, issues: list[Issue]) -> np.ndarray:
    """Floats of a column; missing tokens -> NaN; other text -> an issue per row (first 200).

    Parameters
    ----------
    raw : pandas.Series
        The column as read.
    fname, column : str
        File and column for the messages.
    rows : numpy.ndarray of int
        Spreadsheet row of each value.
    issues : list of Issue
        Collector.

    Returns
    -------
    numpy.ndarray of float

    Examples
    --------
    >>> issues = []
    >>> parse_numbers(pd.Series(["1.5", "-", "x"]), "f", "pm25", np.array([2, 3, 4]), issues).tolist()
    [1.5, nan, nan]
    >>> [(i.row, i.value) for i in issues]
    [(4, 'x')]
    """
    codes, uniq = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=False)
    text = pd.Series(uniq, dtype=object).map(cell_text)
    missing_u = text.str.lower().isin(MISSING_TOKENS).to_numpy()
    num_u = pd.to_numeric(text.where(~missing_u, None), errors="coerce").to_numpy(dtype=float)
    num, missing = num_u[codes], missing_u[codes]
    bad = ~missing & ~np.isfinite(num)
    for i in np.flatnonzero(bad)[:200]:
        issues.append(
            Issue(
                fname, int(rows[i]), column, raw.iloc[i], "not a number", "a number, or empty / '-' / 'NA' for missing"
            )
        )
    return np.where(missing, np.nan, num)


def human_format(fmt: str) -> str:
    """A strptime date format as users write it.

    Parameters
    ----------
    fmt : str

    Returns
    -------
    str

    Examples
    --------
    >>> human_format("%d/%m/%Y")
    'dd/mm/yyyy'
    """
    for k, v in _HUMAN.items():
        fmt = fmt.replace(k, v)
    return fmt


def _normalise(text: pd.Series) -> pd.Series:
    """``2021年3月1日 5时`` -> ``2021-3-1 5``: Chinese date marks to ``-``, spaces collapsed."""
    s = text.str.replace(r"[年月]", "-", regex=True).str.replace(r"[日号]", " ", regex=True)
    s = s.str.replace(r"[时時]", ":00", regex=True).str.replace(r"[分]", "", regex=True)
    return s.str.replace(r"\s+", " ", regex=True).str.strip()


def seconds_of_day(t: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Seconds since midnight of ``h[:mm[:ss]]`` texts (empty -> 0) and a mask of bad ones.

    Hours run 0-23: ``24:00`` (a label of the hour ending at midnight) is bad,
    never silently the next day.

    Parameters
    ----------
    t : pandas.Series of str
        Times of day (NaN or ``""`` = midnight).

    Returns
    -------
    seconds : numpy.ndarray of float
    bad : numpy.ndarray of bool

    Examples
    --------
    >>> secs, bad = seconds_of_day(pd.Series(["5", "05:30", "23:59:59", "24:00", "x"]))
    >>> secs[:3].tolist(), bad.tolist()
    ([18000.0, 19800.0, 86399.0], [False, False, False, True, True])
    """
    parts = t.fillna("").str.extract(r"^(\d{1,2})?(?::(\d{1,2}))?(?::(\d{1,2}(?:\.\d+)?))?$")
    h = pd.to_numeric(parts[0], errors="coerce").fillna(0).to_numpy(float)
    m = pd.to_numeric(parts[1], errors="coerce").fillna(0).to_numpy(float)
    s = pd.to_numeric(parts[2], errors="coerce").fillna(0).to_numpy(float)
    unmatched = parts.isna().all(axis=1).to_numpy() & (t.fillna("") != "").to_numpy()
    bad = unmatched | (h > 23) | (m > 59) | (s >= 60)
    return np.round(h * 3600 + m * 60 + s), bad


def _choose_format(dpart: pd.Series, dayfirst: bool | None) -> tuple[str | None, pd.Series, str | None]:
    """Pick the one date format of a column (module rules).

    Returns ``(fmt, parsed, problem)``: ``problem`` is None when every
    value reads with ``fmt``; ``"ambiguous"`` when day-first and month-first
    both read everything and differ;
    ``"contradicts"`` when only the order opposite to ``dayfirst`` fits;
    ``"mixed"`` when no format reads every value (``fmt`` = the best one).
    """
    fits: dict[str, tuple[str, pd.Series]] = {}
    best: tuple[int, str, pd.Series] | None = None
    for fmt, order, guard in DATE_FORMATS:
        ok_shape = dpart.str.fullmatch(guard).fillna(False)
        if not ok_shape.any():
            continue
        parsed = pd.to_datetime(dpart.where(ok_shape), format=fmt, errors="coerce")
        n_ok = int(parsed.notna().sum())
        if best is None or n_ok > best[0]:
            best = (n_ok, fmt, parsed)
        if n_ok == len(dpart) and order not in fits:
            fits[order] = (fmt, parsed)
    if "ymd" in fits:
        return fits["ymd"][0], fits["ymd"][1], None
    if "dmy" in fits and "mdy" in fits:
        d, m = fits["dmy"], fits["mdy"]
        if (d[1] == m[1]).all() or dayfirst is not None:
            chosen = d if dayfirst or dayfirst is None else m
            return chosen[0], chosen[1], None
        return d[0], d[1], "ambiguous"
    for order in ("dmy", "mdy"):
        if order in fits:
            fmt, parsed = fits[order]
            if dayfirst is not None and dayfirst != (order == "dmy"):
                return fmt, parsed, "contradicts"
            return fmt, parsed, None
    if best is None:
        return None, pd.Series(pd.NaT, index=dpart.index, dtype="datetime64[ns]"), "mixed"
    return best[1], best[2], "mixed"


def parse_datetimes(
    raw: pd.Series,
    *,
    fname: str,
    column: str,
    rows: np.ndarray,
    issues: list[Issue],
    dayfirst: bool | None = None,
) -> pd.Series:
    """Timestamps of a date or date-time column, one format for the whole file.

    Rules: see the module docstring.  Problems are appended to ``issues``
    (file, spreadsheet row, column, value, what to do); their rows are NaT.

    Parameters
    ----------
    raw : pandas.Series
        The column as read (text, numbers or datetimes).
    fname, column : str
        File and column names for the messages.
    rows : numpy.ndarray of int
        Spreadsheet row of each value (header = row 1).
    issues : list of Issue
        Collector of problems.
    dayfirst : bool or None
        ``True`` for dd/mm/yyyy, ``False`` for mm/dd/yyyy, ``None`` (refuse
        when the order is ambiguous).

    Returns
    -------
    pandas.Series of datetime64

    Examples
    --------
    >>> rows, issues = np.array([2, 3]), []
    >>> s = pd.Series(["03/04/2021", "05/04/2021"])
    >>> parse_datetimes(s, fname="f.csv", column="date", rows=rows, issues=issues).isna().all()
    np.True_
    >>> issues[0].message.startswith("ambiguous day/month order")
    True
    >>> parse_datetimes(s, fname="f.csv", column="date", rows=rows, issues=[], dayfirst=True).dt.month.tolist()
    [4, 4]
    >>> parse_datetimes(pd.Series(["44197.5", "44198"]), fname="f", column="d", rows=rows, issues=[]).tolist()
    [Timestamp('2021-01-01 12:00:00'), Timestamp('2021-01-02 00:00:00')]
    """
    if pd.api.types.is_datetime64_any_dtype(raw):
        parsed = pd.to_datetime(raw).reset_index(drop=True)
        for i in np.flatnonzero(parsed.isna().to_numpy())[:200]:
            issues.append(Issue(fname, int(rows[i]), column, "", "empty date", "a date"))
        return parsed
    texts = raw.map(cell_text).to_numpy(dtype=object)
    codes, uniq = pd.factorize(np.where(texts == "", None, texts))
    text = pd.Series(np.asarray(uniq, dtype=object), dtype=object)
    values, problem, fmt = _parse_unique(_normalise(text.astype(str)), dayfirst)
    out = np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
    out[codes >= 0] = values[codes[codes >= 0]]
    result = pd.Series(out, dtype="datetime64[ns]")
    _report(raw, codes, values, problem, fmt, fname, column, rows, issues)
    return result


def _parse_unique(norm: pd.Series, dayfirst: bool | None) -> tuple[np.ndarray, str | None, str | None]:
    """Parse distinct normalised texts; returns datetime64 values, the problem and the format used."""
    if len(norm) and norm.str.fullmatch(_SERIAL.pattern).all():
        days = norm.astype(float).to_numpy()
        secs = np.round(days * 86400.0).astype(np.int64)
        return (np.datetime64("1899-12-30") + secs.astype("timedelta64[s]")).astype("datetime64[ns]"), None, "serial"
    parts = norm.str.extract(_SPLIT.pattern)
    fmt, dates, problem = _choose_format(parts["d"].fillna(norm), dayfirst)
    secs, bad_time = seconds_of_day(parts["t"])
    values = dates.to_numpy(dtype="datetime64[ns]") + secs.astype("timedelta64[s]")
    values[bad_time] = np.datetime64("NaT")
    if problem == "ambiguous":
        values[:] = np.datetime64("NaT")  # the file is refused: no date is trusted
    return values, problem, fmt


def _report(
    raw: pd.Series,
    codes: np.ndarray,
    values: np.ndarray,
    problem: str | None,
    fmt: str | None,
    fname: str,
    column: str,
    rows: np.ndarray,
    issues: list[Issue],
) -> None:
    """Issues for empty / unreadable / ambiguous values (at most 200 per column)."""
    if problem == "ambiguous":
        first = int(np.flatnonzero(codes >= 0)[0]) if (codes >= 0).any() else 0
        issues.append(
            Issue(
                fname,
                int(rows[first]),
                column,
                raw.iloc[first],
                "ambiguous day/month order: every date reads as dd/mm/yyyy and as mm/dd/yyyy, giving different dates",
                "say which: --dayfirst (dd/mm/yyyy) or --monthfirst (mm/dd/yyyy), or write dates as yyyy-mm-dd",
            )
        )
        return
    bad = (codes < 0) | np.isnat(values[np.maximum(codes, 0)]) if len(values) else codes < 0
    shown = human_format(fmt) if fmt and fmt != "serial" else "an Excel serial day number"
    if problem == "contradicts":
        why = f"the dates read only as {shown}, which contradicts the day/month order given"
        issues.append(Issue(fname, int(rows[0]), column, raw.iloc[0], why, "drop --dayfirst / --monthfirst"))
        return
    for i in np.flatnonzero(bad)[:200]:
        msg = "empty date" if codes[i] < 0 else "not a date"
        if problem == "mixed" and codes[i] >= 0 and fmt:
            msg = f"not a date in this file's format ({shown}, used by most rows); every row must use one format"
        issues.append(
            Issue(
                fname,
                int(rows[i]),
                column,
                raw.iloc[i],
                msg,
                "a date such as 2021-03-01, 2021/3/1, 20210301 or 2021年3月1日, the same format on every row",
            )
        )


def dates_from_parts(parts: dict[str, pd.Series], *, fname: str, rows: np.ndarray, issues: list[Issue]) -> pd.Series:
    """Dates from separate ``year``, ``month``, ``day`` columns.

    Parameters
    ----------
    parts : dict
        ``{"year": Series, "month": Series, "day": Series}`` as read.
    fname : str
        File name for messages.
    rows : numpy.ndarray of int
        Spreadsheet rows.
    issues : list of Issue
        Collector of problems (a value that is not a whole number, or a
        combination that is not a calendar date, e.g. 2021-02-30).

    Returns
    -------
    pandas.Series of datetime64

    Examples
    --------
    >>> issues = []
    >>> d = dates_from_parts({"year": pd.Series(["2014", "2014"]), "month": pd.Series(["2", "2"]),
    ...                       "day": pd.Series(["28", "30"])}, fname="f", rows=np.array([2, 3]), issues=issues)
    >>> d.tolist(), [(i.row, i.column) for i in issues]
    ([Timestamp('2014-02-28 00:00:00'), NaT], [(3, 'day')])
    """
    nums = {k: pd.to_numeric(v.map(cell_text), errors="coerce").to_numpy(float) for k, v in parts.items()}
    whole = np.ones(len(rows), bool)
    for k, v in nums.items():
        ok = np.isfinite(v) & (v == np.round(v))
        for i in np.flatnonzero(~ok)[:200]:
            issues.append(Issue(fname, int(rows[i]), k, parts[k].iloc[i], "not a whole number", f"the {k} as a number"))
        whole &= ok
    frame = pd.DataFrame({k: np.where(whole, v, 1).astype(np.int64) for k, v in nums.items()})
    dates = pd.to_datetime(frame[["year", "month", "day"]], errors="coerce")
    for i in np.flatnonzero(whole & dates.isna().to_numpy())[:200]:
        value = "-".join(cell_text(parts[k].iloc[i]) for k in ("year", "month", "day"))
        issues.append(
            Issue(fname, int(rows[i]), "day", value, "not a calendar date", "year, month, day of a real date")
        )
    return dates.where(whole)


def hours_of(raw: pd.Series, *, fname: str, rows: np.ndarray, issues: list[Issue]) -> np.ndarray:
    """Hour numbers 0-23 of an ``hour`` column (the hour starting at hh:00).

    Parameters
    ----------
    raw : pandas.Series
        The column as read.
    fname : str
        File name for messages.
    rows : numpy.ndarray of int
        Spreadsheet rows.
    issues : list of Issue
        Collector: empty, non-integer or out-of-range hours.

    Returns
    -------
    numpy.ndarray of float (NaN where bad)

    Examples
    --------
    >>> issues = []
    >>> hours_of(pd.Series(["0", "23", "24"]), fname="f", rows=np.array([2, 3, 4]), issues=issues).tolist()
    [0.0, 23.0, nan]
    >>> issues[0].row
    4
    """
    h = pd.to_numeric(raw.map(cell_text), errors="coerce").to_numpy(float)
    bad = ~np.isfinite(h) | (h < 0) | (h > 23) | (h != np.round(h))
    for i in np.flatnonzero(bad)[:200]:
        issues.append(
            Issue(
                fname,
                int(rows[i]),
                "hour",
                raw.iloc[i],
                "hour out of range",
                "an integer 0-23 (the hour starting at hh:00); hours numbered 1-24 (the hour ending) need 1 subtracted",
            )
        )
    return np.where(bad, np.nan, h)
