"""Validation rules for observation rows (the catalog validates itself on load).

Each rule is a vectorised mask over the raw text table; every failing row
becomes an :class:`~qclib.exceptions.Issue` naming file, row, column, the bad
value and the allowed values.  Errors stop a load; warnings do not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qclib.constants import BASES, SOURCE_KINDS
from qclib.data import registry
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
    basis or source kind (empty: ``analyst``); conflicting duplicates (same city, indicator, year, scope, basis
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
    for col in ("scope", "source_detail", "basis", "note", "source_kind"):
        if col not in df.columns:
            df[col] = ""
    df, issues = _drop_empty_values(df)
    df.loc[df["source_kind"].eq(""), "source_kind"] = "analyst"
    reg = catalog.indicators.set_index("indicator_id")
    entities = set(catalog.entities)
    df["city"] = resolve_city_names(df["city"], entities, _catalog_names(catalog))
    issues += _check_identifiers(df, entities, reg)
    year_num, value, more = _parse_year_and_value(df, reg)
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


def _catalog_names(catalog: Catalog) -> dict[str, str]:
    """Chinese names of the catalog's cities (``name_zh`` of each ``params/<city>.yml``) → city id."""
    out = {}
    for cid, meta in catalog.cities.items():
        name = str(meta.get("city", {}).get("name_zh") or "")
        if name:
            out[name] = cid
    return out


def resolve_city_names(city: pd.Series, entities: set[str], names: dict[str, str] | None = None) -> pd.Series:
    """Entity ids for the ``city`` column: Chinese names, codes and ids in another case mapped.

    A value that is already an entity id stays; else the catalog's own city names (``names``),
    else :func:`qclib.data.registry.matches` when it names exactly one division (郑州市, 郑州 and
    410100 all give ``zhengzhou``).  Ambiguous and unknown values stay as they are, for
    :func:`_check_identifiers` to refuse.

    Examples
    --------
    >>> ents = {"zhengzhou", "henan", "jilin", "jilin_jilin"}
    >>> resolve_city_names(pd.Series(["郑州市", "郑州", "henan", "河南省", "吉林", "里昂"]), ents).tolist()
    ['zhengzhou', 'zhengzhou', 'henan', 'henan', '吉林', '里昂']
    """
    names = names or {}
    mapping: dict[str, str] = {}
    for value in city[~city.isin(entities)].unique():
        text = str(value).strip()
        ids = (names[text],) if text in names else registry.matches(text)
        if len(ids) == 1 and ids[0] in entities:
            mapping[value] = ids[0]
    return city.map(lambda v: mapping.get(v, v)) if mapping else city


#: Distinct unknown city values that get their closest matches computed (the rest name the registry file).
MAX_SUGGESTED: int = 20


def _city_problem(value: str, suggest: bool) -> tuple[str, str]:
    """(message, allowed) of an unknown or ambiguous city value."""
    ids = registry.matches(value)
    if len(ids) > 1:
        return f"could mean {', '.join(f'{i} ({registry.name_zh(i)})' for i in ids)}", "the full Chinese name or the id"
    allowed = "an id, Chinese name or code in qclib/data/divisions.csv, or a city of params/"
    if suggest:
        allowed += "; closest: " + ", ".join(f"{i} ({registry.name_zh(i)})" for i in registry.closest(value))
    return "unknown city or entity", allowed


def _check_identifiers(df: pd.DataFrame, entities: set[str], reg: pd.DataFrame) -> list[Issue]:
    """Errors for unknown or ambiguous cities/entities (naming the candidates) and unknown indicator ids.

    The three closest divisions are named for the first :data:`MAX_SUGGESTED` distinct unknown
    values (a garbled file must not take minutes to refuse).
    """
    unknown = df.loc[~df["city"].isin(entities), ["file", "row", "city"]]
    problems = {v: _city_problem(str(v), i < MAX_SUGGESTED) for i, v in enumerate(unknown["city"].unique())}
    issues = [
        Issue(f, int(r), "city", v, *problems[v]) for f, r, v in zip(unknown["file"], unknown["row"], unknown["city"])
    ]
    issues += _issues(
        df,
        ~df["indicator_id"].isin(reg.index),
        "indicator_id",
        "unknown indicator id",
        "an indicator_id defined in params/indicators*.yml (qc validate lists them; see params/README.md)",
    )
    return issues


def _parse_year_and_value(
    df: pd.DataFrame, reg: pd.DataFrame | None = None
) -> tuple[pd.Series, pd.Series, list[Issue]]:
    """Typed ``year`` and ``value`` (NaN where invalid) and the errors for the invalid ones."""
    year_num = pd.to_numeric(df["year"], errors="coerce")
    bad_year = year_num.isna() | (year_num % 1 != 0) | ~year_num.between(*YEAR_RANGE)
    issues = _issues(df, bad_year, "year", "not a valid year", f"an integer {YEAR_RANGE[0]}-{YEAR_RANGE[1]}")
    measure = df["indicator_id"].map(reg["measure"]) if reg is not None else pd.Series("", index=df.index)
    text, comma_issues = _resolve_commas(df, measure)
    value = pd.to_numeric(text, errors="coerce")
    bad_value = value.isna() | ~np.isfinite(value.fillna(0))
    has_comma_issue = pd.Series(False, index=df.index)
    has_comma_issue[[i for i, _ in comma_issues]] = True
    issues += [issue for _, issue in comma_issues]
    issues += _issues(
        df, bad_value & ~has_comma_issue, "value", "not a number", "a number (decimal point '.', no units or text)"
    )
    return year_num.where(~bad_year), value.where(~bad_value), issues


#: ``12,486`` / ``1,234,567.5``: commas that can only be thousands separators (groups of three).
_THOUSANDS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"


def _resolve_commas(df: pd.DataFrame, measure: pd.Series) -> tuple[pd.Series, list[tuple[object, Issue]]]:
    """Value texts with thousands separators removed, and an error for every other comma.

    A comma is a thousands separator only in groups of three digits (``12,486``) and only for
    counts, or for levels when a decimal point or a second group settles it (``4,134.86``,
    ``1,234,567``); ``78,5`` or ``93,1`` (a decimal comma), ``4,135`` for a level and ``1,234`` for
    a rate or concentration (1.234 or 1234?) are refused: the figure could mean two things.

    Examples
    --------
    >>> df = pd.DataFrame({"value": ["12,486", "78,5", "1,234", "93.1", "4,134.86", "4,135"],
    ...                    "file": ["f"] * 6, "row": [2, 3, 4, 5, 6, 7]})
    >>> measures = pd.Series(["count", "rate", "concentration", "rate", "level", "level"])
    >>> text, found = _resolve_commas(df, measures)
    >>> text.tolist()
    ['12486', '78,5', '1,234', '93.1', '4134.86', '4,135']
    >>> [(i.row, i.value) for _, i in found]
    [(3, '78,5'), (4, '1,234'), (7, '4,135')]
    """
    raw = df["value"].astype(str)
    has_comma = raw.str.contains(",", regex=False)
    # "12,486" is twelve thousand for a count (12.486 firms is impossible); for a level (an amount of
    # money, 4,135 or 4.135?) only when the reading is settled by a decimal point or a second group
    settled = raw.str.contains(".", regex=False) | raw.str.count(",").gt(1)
    thousands = raw.str.match(_THOUSANDS) & (measure.eq("count") | (measure.eq("level") & settled))
    text = raw.where(~(has_comma & thousands), raw.str.replace(",", "", regex=False))
    found = []
    for idx in raw.index[has_comma & ~thousands]:
        r = df.loc[idx]
        found.append(
            (
                idx,
                Issue(
                    r["file"],
                    int(r["row"]),
                    "value",
                    r["value"],
                    "a comma in this figure could be a decimal comma or a thousands separator",
                    "a decimal point for decimals (78.5); no separators in rates, indices and concentrations",
                ),
            )
        )
    return text, found


def _check_provenance(df: pd.DataFrame) -> list[Issue]:
    """Errors for a missing source or an unknown basis."""
    issues = _issues(
        df, df["source"].eq(""), "source", "every observation needs its source", "a document name, file or URL"
    )
    issues += _issues(df, ~df["basis"].isin(BASES), "basis", "unknown basis", ", ".join(BASES))
    return issues + _issues(
        df, ~df["source_kind"].isin(SOURCE_KINDS), "source_kind", "unknown source kind", ", ".join(SOURCE_KINDS)
    )


#: Longest text a field may hold (a source, a note): longer is a pasted page, not a citation.
MAX_TEXT_LENGTH: int = 2000

#: Text columns of an observation file checked for control characters and length.
TEXT_COLUMNS: tuple[str, ...] = (
    "city",
    "indicator_id",
    "unit",
    "scope",
    "source",
    "source_detail",
    "basis",
    "note",
    "source_kind",
)

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
    issues += _issues(df, rank_bad, "value", "a rank starts at 1", ">= 1", values=v)
    if "value_percent_cell" in df.columns:
        pct_cell = df["value_percent_cell"].eq("1") & known_ind & unit_expected.ne("%")
        issues += _issues(
            df,
            pct_cell,
            "value",
            "the Excel cell is formatted as a percent, but this indicator is not in %",
            "the number in the indicator's unit, in a cell formatted as a number",
        )
    return issues


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
    # 0.35 for a rate whose other years read 30-40: a fraction typed for a percent
    # (warned when 100 x the value lies closer to the median of the other years above 1 % than the value does)
    rate = ok & measure.eq("rate")
    others = v.where(rate & (v > 1)).groupby([df["city"], df["indicator_id"]]).transform("median")
    fraction = rate & (v > 0) & (v <= 1) & ((v * 100 - others).abs() < (v - others).abs())
    issues += _issues(
        df,
        fraction,
        "value",
        "a rate of at most 1 % where the other years are above 1 %: a fraction (0.35) typed for 35 %?",
        "the rate in percent (35 for 35 %)",
        "warning",
        values=v,
    )
    partial = df["basis"].eq("partial_year") & df["note"].eq("")
    issues += _issues(
        df, partial, "note", "a partial-year figure should say which months it covers", "e.g. 'Jan-Nov'", "warning"
    )
    period = df["basis"].eq("period") & df["note"].eq("")
    issues += _issues(
        df, period, "note", "a period figure should say which years it covers", "e.g. 'cumulative 2006–2010'", "warning"
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


def resolve_official_conflicts(obs: pd.DataFrame, shipped: pd.Series) -> tuple[pd.DataFrame, list[Issue]]:
    """One official figure per city, indicator, year and scope: the rule, and what it dropped.

    Rule (stated in every message): an analyst's own file counts over the data shipped in
    ``data/raw/``; the shipped figure it replaces is dropped with a warning naming both rows.
    Two different official figures that remain (both from analysts' files, or both shipped)
    are an error: the figure could mean two things, so nothing is loaded.

    Parameters
    ----------
    obs : DataFrame
        Validated observations (``basis``, ``value``, ``file``, ``row`` …).
    shipped : Series of bool
        True for the rows read from the shipped data.

    Returns
    -------
    obs : DataFrame
        Without the shipped official figures an analyst's file replaced.
    issues : list of Issue
        Warnings for the replacements, errors for the conflicts left.

    Examples
    --------
    >>> obs = pd.DataFrame({"city": ["z", "z"], "indicator_id": ["pm25", "pm25"], "year": [2015, 2015],
    ...     "scope": ["", ""], "basis": ["official"] * 2, "value": [96.0, 69.0],
    ...     "file": ["data/raw/a.csv", "mine.csv"], "row": [5, 2]})
    >>> kept, found = resolve_official_conflicts(obs, pd.Series([True, False]))
    >>> kept["value"].tolist(), [i.severity for i in found]
    ([69.0], ['warning'])
    >>> _, found = resolve_official_conflicts(obs, pd.Series([False, False]))
    >>> [i.severity for i in found]
    ['error']
    """
    key = ["city", "indicator_id", "year", "scope"]
    official = obs["basis"].eq("official")
    n_values = obs.loc[official].groupby(key)["value"].transform("nunique")
    contested = pd.Series(False, index=obs.index)
    contested.loc[n_values.index] = n_values > 1
    issues: list[Issue] = []
    drop: list[Any] = []
    for _, grp in obs.loc[contested].groupby(key, sort=False):
        mine = grp.loc[~shipped.loc[grp.index]]
        theirs = grp.loc[shipped.loc[grp.index]]
        if not mine.empty and not theirs.empty:
            first = mine.iloc[0]
            for idx, r in theirs.iterrows():
                drop.append(idx)
                issues.append(
                    Issue(
                        r["file"],
                        int(r["row"]),
                        "value",
                        float(r["value"]),
                        f"official figure replaced by {first['value']:g} from {first['file']} row {first['row']} "
                        "(rule: the analyst's own file counts over shipped data)",
                        "",
                        "warning",
                    )
                )
        left = mine if not mine.empty else theirs
        if left["value"].nunique() > 1:
            a, b = left.iloc[0], left.loc[left["value"].ne(left.iloc[0]["value"])].iloc[0]
            # the analyst's files must agree (error); shipped data that disagrees is reported,
            # and the first row read counts (its notes record the disagreement)
            in_mine = not mine.empty
            issues.append(
                Issue(
                    b["file"],
                    int(b["row"]),
                    "value",
                    float(b["value"]),
                    f"a second official figure for {a['city']} {a['indicator_id']} {a['year']}: "
                    f"{a['file']} row {a['row']} gives {a['value']:g}"
                    + (
                        ""
                        if in_mine
                        else " (shipped data: the better-placed source counts, see qclib.indicators.scorecard)"
                    ),
                    "one official figure per city, indicator, year and scope "
                    "(remove one, or give the other its true basis: research, partial_year …)",
                    "error" if in_mine else "warning",
                ),
            )
    return obs.drop(index=drop), issues
