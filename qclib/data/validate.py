"""Validation rules for observation rows (the catalog validates itself on load).

Each rule is a vectorised mask over the raw text table; every failing row
becomes an :class:`~qclib.exceptions.Issue` naming file, row, column, the bad
value and the allowed values.  Errors stop a load; warnings do not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qclib.constants import BASES
from qclib.exceptions import Issue

if TYPE_CHECKING:  # pragma: no cover
    from qclib.data.catalog import Catalog


#: Years accepted as observation years.
YEAR_RANGE: tuple[int, int] = (1949, 2100)

#: Upper bounds beyond which a concentration is flagged as suspicious (µg/m³ / mg/m³).
_SUSPICIOUS_CONCENTRATION = {"ug/m3": 1000.0, "mg/m3": 50.0}


def _issues(
    df: pd.DataFrame,
    mask: pd.Series,
    column: str,
    message: str,
    allowed: str,
    severity: str = "error",
    values: pd.Series | None = None,
) -> list[Issue]:
    if not mask.any():
        return []
    vals = (values if values is not None else df[column])[mask]
    sub = df.loc[mask, ["file", "row"]]
    return [Issue(f, int(r), column, v, message, allowed, severity) for f, r, v in zip(sub["file"], sub["row"], vals)]


def validate_observations(raw: pd.DataFrame, catalog: Catalog) -> tuple[pd.DataFrame, list[Issue]]:
    """Validate raw observation rows against the catalog.

    Parameters
    ----------
    raw : pandas.DataFrame
        Text columns ``city, indicator_id, year, value, unit, source, scope,
        source_detail, basis, note, file, row`` as read by
        :func:`qclib.data.observations.read_table`.
    catalog : Catalog
        Provides the known entities and the indicator registry.

    Returns
    -------
    clean : pandas.DataFrame
        The rows with typed ``year`` (int) and ``value`` (float); rows with an
        empty value are dropped, exact duplicates kept once, ``basis`` defaults
        to ``official``.
    issues : list of Issue
        Errors (severity ``"error"``) and warnings (``"warning"``).

    Notes
    -----
    Errors: unknown city or indicator; year not an integer in
    :data:`YEAR_RANGE`; non-numeric value; a rate outside 0-100; a negative
    concentration, count or level; a boolean other than 0/1; a rank below 1;
    a unit that disagrees with the registry; a missing source; an unknown
    basis; conflicting duplicates (same city, indicator, year, scope, basis
    and source with different values).
    Warnings: a partial-year row without a note saying which months; a derived
    row without ``source_detail``; a non-integer count for a whole entity; an implausibly high
    concentration; a change of more than 50 % between consecutive years of an
    official level series; dropped empty rows; exact duplicates.

    Examples
    --------
    >>> from qclib.data.catalog import load_catalog
    >>> raw = pd.DataFrame({"city": ["zhengzhou"], "indicator_id": ["pm25_annual_mean"],
    ...     "year": ["2015"], "value": ["-3"], "unit": ["ug/m3"], "source": ["x"],
    ...     "scope": [""], "source_detail": [""], "basis": [""], "note": [""],
    ...     "file": ["f.csv"], "row": [2]})
    >>> _, found = validate_observations(raw, load_catalog())
    >>> print(found[0])
    f.csv, row 2, field 'value': a concentration cannot be negative (got -3...); allowed: >= 0
    """
    df = raw.copy()
    for col in ("scope", "source_detail", "basis", "note"):
        if col not in df.columns:
            df[col] = ""
    df, issues = _drop_empty_values(df)
    reg = catalog.indicators.set_index("indicator_id")
    issues += _check_identifiers(df, set(catalog.entities), reg)
    year_num, value, more = _parse_year_and_value(df)
    issues += more
    df.loc[df["basis"].eq(""), "basis"] = "official"
    issues += _check_provenance(df)
    issues += _check_text_fields(df)
    v = value.where(value.notna())
    issues += _check_units_and_ranges(df, reg, v)
    issues += _plausibility_warnings(df, reg, v)
    typed = df.assign(year=year_num, value=v).loc[year_num.notna() & v.notna()].copy()
    typed["year"] = typed["year"].astype(int)
    typed, more = _check_duplicates(typed)
    issues += more
    issues += _year_on_year_jumps(typed, reg)
    return typed, issues


def _drop_empty_values(df: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
    """Rows without a value are no data: dropped, with one warning naming the files."""
    empty_value = df["value"].eq("")
    if not empty_value.any():
        return df, []
    files = sorted(df.loc[empty_value, "file"].unique())
    issue = Issue(
        ", ".join(files),
        None,
        "value",
        int(empty_value.sum()),
        "rows without a value were skipped (no data)",
        "a number",
        "warning",
    )
    return df.loc[~empty_value].copy(), [issue]


def _check_identifiers(df: pd.DataFrame, entities: set[str], reg: pd.DataFrame) -> list[Issue]:
    """Errors for unknown cities/entities and unknown indicator ids."""
    issues = _issues(df, ~df["city"].isin(entities), "city", "unknown city or entity", ", ".join(sorted(entities)))
    issues += _issues(
        df,
        ~df["indicator_id"].isin(reg.index),
        "indicator_id",
        "unknown indicator id",
        "an indicator_id defined in params/indicators*.yml (qc validate lists them; see params/README.md)",
    )
    return issues


def _parse_year_and_value(df: pd.DataFrame) -> tuple[pd.Series, pd.Series, list[Issue]]:
    """Typed ``year`` and ``value`` (NaN where invalid) and the errors for the invalid ones."""
    year_num = pd.to_numeric(df["year"], errors="coerce")
    bad_year = year_num.isna() | (year_num % 1 != 0) | ~year_num.between(*YEAR_RANGE)
    issues = _issues(df, bad_year, "year", "not a valid year", f"an integer {YEAR_RANGE[0]}-{YEAR_RANGE[1]}")
    value = pd.to_numeric(df["value"].str.replace(",", "", regex=False), errors="coerce")
    bad_value = value.isna() | ~np.isfinite(value.fillna(0))
    issues += _issues(df, bad_value, "value", "not a number", "a number (decimal point '.', no units or text)")
    return year_num.where(~bad_year), value.where(~bad_value), issues


def _check_provenance(df: pd.DataFrame) -> list[Issue]:
    """Errors for a missing source or an unknown basis."""
    issues = _issues(
        df, df["source"].eq(""), "source", "every observation needs its source", "a document name, file or URL"
    )
    return issues + _issues(df, ~df["basis"].isin(BASES), "basis", "unknown basis", ", ".join(BASES))


#: Longest text a field may hold (a source, a note): longer is a pasted page, not a citation.
MAX_TEXT_LENGTH: int = 2000

#: Text columns of an observation file checked for control characters and length.
TEXT_COLUMNS: tuple[str, ...] = ("city", "indicator_id", "unit", "scope", "source", "source_detail", "basis", "note")

_CONTROL = r"[\x00-\x1f\x7f-\x9f]"


def _check_text_fields(df: pd.DataFrame) -> list[Issue]:
    """Errors for control characters (tabs, line breaks, escapes) and over-long text in text fields.

    Examples
    --------
    >>> df = pd.DataFrame({"source": ["ok", "a\\x1b[31m", "x" * 2001], "file": ["f.csv"] * 3, "row": [2, 3, 4]})
    >>> [(i.row, i.message) for i in _check_text_fields(df)]
    [(3, 'control characters are not allowed in text'), (4, 'text longer than 2000 characters')]
    """
    issues: list[Issue] = []
    for col in (c for c in TEXT_COLUMNS if c in df.columns):
        text = df[col].astype(str)
        issues += _issues(
            df,
            text.str.contains(_CONTROL, regex=True),
            col,
            "control characters are not allowed in text",
            "plain text on one line (no tabs, line breaks or escape codes)",
        )
        issues += _issues(
            df,
            text.str.len() > MAX_TEXT_LENGTH,
            col,
            f"text longer than {MAX_TEXT_LENGTH} characters",
            "a citation: publisher, title, date or URL; put long text in a document and cite it",
            values=text.str.slice(0, 60) + "…",
        )
    return issues


def _check_units_and_ranges(df: pd.DataFrame, reg: pd.DataFrame, v: pd.Series) -> list[Issue]:
    """Errors for a unit other than the catalog's and for values outside their measure's range."""
    known_ind = df["indicator_id"].isin(reg.index)
    measure = df["indicator_id"].map(reg["measure"])
    unit_expected = df["indicator_id"].map(reg["unit"])
    bad_unit = known_ind & df["unit"].ne(unit_expected)
    issues = [
        Issue(f, int(r), "unit", u, f"unit disagrees with the catalog for {iid}", repr(exp))
        for f, r, u, iid, exp in zip(
            df.loc[bad_unit, "file"],
            df.loc[bad_unit, "row"],
            df.loc[bad_unit, "unit"],
            df.loc[bad_unit, "indicator_id"],
            unit_expected[bad_unit],
        )
    ]
    ok = v.notna()
    rate_bad = ok & measure.eq("rate") & ~v.between(0, 100)
    issues += _issues(df, rate_bad, "value", "a rate must lie in 0-100", "0 <= value <= 100", values=v)
    for m, label in (("concentration", "a concentration"), ("count", "a count"), ("level", "a level")):
        neg = ok & measure.eq(m) & (v < 0)
        issues += _issues(df, neg, "value", f"{label} cannot be negative", ">= 0", values=v)
    bool_bad = ok & measure.eq("boolean") & ~v.isin([0, 1])
    issues += _issues(
        df, bool_bad, "value", "a boolean indicator takes 0 or 1", "0 (not achieved), 1 (achieved)", values=v
    )
    rank_bad = ok & measure.eq("rank") & (v < 1)
    return issues + _issues(df, rank_bad, "value", "a rank starts at 1", ">= 1", values=v)


def _plausibility_warnings(df: pd.DataFrame, reg: pd.DataFrame, v: pd.Series) -> list[Issue]:
    """Warnings for what is suspicious but possible (fractional counts, high concentrations, missing notes)."""
    ok = v.notna()
    measure = df["indicator_id"].map(reg["measure"])
    # a count for an aggregate scope ("18 cities") is often an average, so only
    # whole-entity counts must be whole numbers
    frac = ok & measure.eq("count") & (v % 1 != 0) & df["scope"].eq("")
    issues = _issues(
        df,
        frac,
        "value",
        "a count that is not a whole number",
        "an integer (or a scope naming the aggregate it averages)",
        "warning",
        values=v,
    )
    hi = ok & measure.eq("concentration") & (v > df["unit"].map(_SUSPICIOUS_CONCENTRATION).fillna(np.inf))
    issues += _issues(
        df, hi, "value", "implausibly high concentration for an annual figure", "check the unit", "warning", values=v
    )
    partial = df["basis"].eq("partial_year") & df["note"].eq("")
    issues += _issues(
        df, partial, "note", "a partial-year figure should say which months it covers", "e.g. 'Jan-Nov'", "warning"
    )
    derived = df["basis"].eq("derived") & df["source_detail"].eq("")
    return issues + _issues(
        df, derived, "source_detail", "a derived figure should say how it was derived", "formula and inputs", "warning"
    )


#: Columns that identify one figure: a second row with the same key and another value conflicts.
_DUPLICATE_KEY: list[str] = ["city", "indicator_id", "year", "scope", "basis", "source"]


def _check_duplicates(typed: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
    """Exact duplicates kept once (warning); same key with another value is an error naming both rows."""
    key = _DUPLICATE_KEY
    issues: list[Issue] = []
    exact = typed.duplicated(key + ["value"], keep="first")
    if exact.any():
        issues += _issues(typed, exact, "value", "exact duplicate of an earlier row (kept once)", "", "warning")
        typed = typed.loc[~exact]
    conflict = typed.duplicated(key, keep=False)
    if not conflict.any():
        return typed, issues
    sub = typed.loc[conflict].sort_values(key + ["file", "row"])
    for _, grp in sub.groupby(key, sort=False):
        first = grp.iloc[0]
        for _, other in grp.iloc[1:].iterrows():
            issues.append(
                Issue(
                    other["file"],
                    int(other["row"]),
                    "value",
                    other["value"],
                    f"conflicts with {first['file']} row {first['row']} (value {first['value']}) "
                    f"for the same city, indicator, year, scope, basis and source",
                    "one value per city/indicator/year/source (use a different source or basis)",
                )
            )
    return typed, issues


def _year_on_year_jumps(typed: pd.DataFrame, reg: pd.DataFrame) -> list[Issue]:
    """Warnings where an official level or concentration moves by more than 50 % in one year."""
    official_level = typed.loc[
        typed["basis"].eq("official") & typed["indicator_id"].map(reg["measure"]).isin(["level", "concentration"])
    ]
    if official_level.empty:
        return []
    s = official_level.sort_values("year").groupby(["city", "indicator_id", "scope"])
    prev_year = s["year"].shift()
    prev_val = s["value"].shift()
    consecutive = official_level["year"].sub(prev_year).eq(1) & prev_val.gt(0)
    jump = consecutive & (official_level["value"].div(prev_val).sub(1).abs() > 0.5)
    return _issues(
        official_level,
        jump,
        "value",
        "changes by more than 50 % on the previous year",
        "check the figure and unit",
        "warning",
    )
