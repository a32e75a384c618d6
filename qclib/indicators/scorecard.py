"""The scorecard: every catalog target of every city, with its status.

:func:`scorecard` joins the target catalog with the observations and applies
the attainment rules of :mod:`qclib.indicators.attainment`, the year-on-year and
since-base changes of :mod:`qclib.indicators.change`, the progress category of
:mod:`qclib.indicators.progress` and the trend test of :mod:`qclib.indicators.trend`, all
vectorised: observations are put on a dense (series x year) grid once, and
every lookup (assessed year, previous year, base year, reference entity,
trend runs) is array indexing, so 20 000 targets over 400 000 observations
take a fraction of a second (``benchmarks/bench_scorecard.py``).

Which observation is "the value" (one per city x indicator x scope x year):

- for the year's value: basis ``official`` > ``computed`` > ``derived`` >
  ``research``; ``partial_year`` and ``plan_text`` rows are never the year's
  value (a partial year is not the year; a plan text states a goal);
- for a base value: ``official`` > ``computed`` > ``derived`` >
  ``plan_text`` (observation rows, then the catalog's ``base_value``, which
  is plan text too) > ``research`` (e.g. PM2.5 108 ug/m3 in 2013 comes from
  the plan when no official 2013 figure exists);
- ties within a basis: the first row in input order;
- ``computed`` rows whose note starts with ``NOT VALID`` (a city-year that
  fails the GB 3095-2012 validity rules, see :mod:`qclib.air`) are never used.

- within a basis, who published it: :data:`SOURCE_KIND_PENALTY` (the
  publisher or a news outlet before an aggregator, before a copy site);
- a catalog ``base_value`` is an official observation of its base year (the
  plan states it, :func:`_plan_base_rows`); a catalog ``proxy_indicator``'s
  figures stand in after every figure of the indicator itself (basis
  ``proxy``, :func:`_proxy_rows`).

Scopes: an observation serves a target when their scopes match after
normalisation; the whole-entity spellings in :data:`WHOLE_ENTITY_SCOPES`
(and empty) are one scope, and so are the urban-district spellings in
:data:`URBAN_SCOPES` (城市, 城区 … are read as 市区).  A whole-city target
without any whole-city figure up to the year takes the 市区 series, with a
``scope_note`` (:func:`_scope_fallback`), unless it is ``scope_strict``; a
市区 target never takes a whole-city figure.

Provisional statuses: ``provisional`` / ``provisional_reason_zh``
(:func:`_provisional`); the change still needed per remaining year:
``gap_per_year``.  Report year: at or after a target's year only final
statuses; before the plan's start year (the catalog's ``plan_start_year``: a
baseline year, or a figure from before the plan) only the baseline statuses ``baseline_met`` / ``baseline``, with
the gap to the target and no pace, no direction since a base
(:mod:`qclib.indicators.attainment`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qclib.constants import (
    ASSESSED_STATUSES,
    OBSERVATION_COLUMNS,
    OPTIONAL_TARGET_COLUMNS,
    REPRODUCED_SOURCE_KINDS,
    SOURCE_KIND_NAMES_ZH,
    TARGET_COLUMNS,
)
from qclib.exceptions import DataValidationError, InvalidChoiceError, Issue
from qclib.indicators.attainment import _assess_arrays
from qclib.indicators.progress import _progress_core
from qclib.indicators.trend import TREND_ALPHA, trend_matrix

#: Preference of bases for the year's value (lower wins; absent = never).
#: Note prefix of computed observations from a city-year that is not valid
#: under GB 3095-2012 (see :mod:`qclib.air.annual`); such rows are ignored.
INVALID_NOTE_PREFIX: str = "NOT VALID"

#: Marker in the note of computed observations from a suspect city-year
#: (:data:`qclib.air.annual.SUSPECT_NOTE`: too many exact zeros, long runs of one
#: value, a capped maximum); a status resting on them says so.
SUSPECT_NOTE_MARK: str = "SUSPECT data"

VALUE_BASIS_RANK: dict[str, int] = {"official": 0, "computed": 1, "derived": 2, "research": 4, "proxy": 5}

#: Preference of bases for a base value; the catalog's base_value ranks 3.5.
BASE_BASIS_RANK: dict[str, int] = {
    "official": 0,
    "computed": 1,
    "derived": 2,
    "plan_text": 3,
    "research": 4,
}

#: Added to the basis rank of a row by who published it: within one basis a
#: figure from the publisher or a news outlet beats the same kind of figure
#: reproduced by a report aggregator, which beats a copy site (shared/data
#: README: "prefer another row with the same figure from a better host").
#: Always < 1, so it never overturns the basis order.
SOURCE_KIND_PENALTY: dict[str, float] = {"academic": 0.1, "aggregator": 0.3, "mirror": 0.5}

#: Scope spellings that mean "the whole entity".
WHOLE_ENTITY_SCOPES: tuple[str, ...] = (
    "",
    "全市",
    "全省",
    "全国",
    "含县市",
    "全市（含县市）",
    "全市(含县市)",
    "全域",
)

#: Scope spellings that mean the urban districts (市区): Chinese bulletins
#: report e.g. 城市污水处理率 for the same area a plan calls 市区.
URBAN_SCOPES: tuple[str, ...] = ("市区", "城市", "城区", "中心城区")

#: Measures whose change is in percentage points / in percent.
_PP_MEASURES = ("rate",)
_PCT_MEASURES = ("level", "concentration", "count", "index")

#: Output columns, in order.
SCORECARD_COLUMNS: tuple[str, ...] = (
    "city",
    "target_id",
    "indicator_id",
    "domain",
    "name_zh",
    "name_en",
    "kind",
    "comparator",
    "target_value",
    "unit",
    "scope",
    "measure",
    "direction",
    "base_year",
    "target_year",
    "year_assessed",
    "value",
    "value_basis",
    "value_source",
    "value_source_kind",
    "scope_note",
    "previous_year",
    "previous_value",
    "yoy_change_pp",
    "yoy_change_pct",
    "base_value",
    "base_value_basis",
    "base_value_source",
    "base_value_source_kind",
    "reduction_vs_base_pct",
    "reference",
    "reference_value",
    "planned_value",
    "target_for_year",
    "gap",
    "gap_to_path",
    "gap_per_year",
    "status",
    "status_zh",
    "reason",
    "reason_zh",
    "before_plan",
    "plan_start_year",
    "provisional",
    "provisional_reason_zh",
    "progress_category",
    "progress_base_year",
    "ror",
    "trend_n",
    "trend_slope",
    "trend_p_value",
    "trend_label",
    "target_source",
)


def _require(df: pd.DataFrame, cols: Iterable[str], name: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataValidationError(
            [Issue("", None, c, None, f"column missing from the {name} frame", ", ".join(cols)) for c in missing]
        )


def _norm_scope(s: pd.Series) -> np.ndarray:
    v = s.astype(object).where(s.notna(), "").astype(str).str.strip()
    v = v.where(~v.isin(URBAN_SCOPES), "市区")
    return np.where(v.isin(WHOLE_ENTITY_SCOPES).to_numpy(), "", v.to_numpy()).astype(object)


def _text(s: pd.Series) -> np.ndarray:
    out: np.ndarray = s.astype(object).where(s.notna(), "").astype(str).to_numpy(dtype=object)
    return out


def _codes(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and uniques of a column (missing -> code -1), no str copies."""
    codes, uni = pd.factorize(col, use_na_sentinel=True)
    return np.asarray(codes, dtype="int64"), np.asarray(uni, dtype=object)


def _select(cell: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Positions of the best-ranked row per grid cell; ties: first in input order.

    One stable sort of ``cell * 100 + round(10 * rank)`` (ranks are 0..9.9: a
    basis rank plus a source-kind penalty, :data:`SOURCE_KIND_PENALTY`).
    """
    comp = cell.astype("int64") * 100 + np.rint(rank * 10).astype("int64")
    order = np.argsort(comp, kind="stable")
    c = cell[order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = c[1:] != c[:-1]
    return order[first]


def _empty_scorecard() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in SCORECARD_COLUMNS})


def _int_column(x: np.ndarray, missing: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Nullable ``Int64`` array of ``x`` with ``<NA>`` where ``missing`` is true."""
    obj = np.asarray(x).astype(object)
    obj[np.asarray(missing, dtype=bool)] = pd.NA
    return pd.array(obj, dtype="Int64")


def _restrict(targets: pd.DataFrame, cities: Sequence[str] | None) -> pd.DataFrame:
    """The targets of the requested cities (all without ``cities``), index reset.

    Raises
    ------
    InvalidChoiceError
        A requested city has no targets.
    """
    tg = targets
    if cities is not None:
        wanted = list(dict.fromkeys(cities))
        have = set(tg["city"].dropna().astype(str))
        for city in wanted:
            if city not in have:
                raise InvalidChoiceError("cities", city, sorted(have))
        tg = tg[tg["city"].isin(wanted)]
    return tg.reset_index(drop=True)


@dataclass(frozen=True)
class _Obs:
    """Usable observations as integer codes (no copy of the input frame).

    One *series* is a city x indicator x normalised scope; series are
    numbered 0..K-1 in the order of ``keys`` and K is the all-NaN row of
    every grid.  Per kept row: ``o_k`` (series), ``o_col`` (year - ymin),
    ``o_val``, ``o_year`` and ``basis_codes`` (into ``basis_uni``, -1 =
    missing); ``keep`` holds the rows' positions in the input frame.
    """

    keep: np.ndarray
    city_uni: np.ndarray
    ind_uni: np.ndarray
    scope_uni: np.ndarray
    basis_uni: np.ndarray
    basis_codes: np.ndarray
    o_year: np.ndarray
    o_col: np.ndarray
    o_val: np.ndarray
    o_k: np.ndarray
    keys: np.ndarray
    penalty: np.ndarray  # per kept row: SOURCE_KIND_PENALTY of its source_kind
    kind_text: np.ndarray  # per kept row: its source_kind ('' when the frame has none)
    n_ind: int
    n_scope: int
    ymin: int
    ymax: int

    @property
    def K(self) -> int:  # noqa: N802 - the grid's name for the number of series
        """Number of series (and index of the all-NaN grid row)."""
        return int(self.keys.size)

    @property
    def m(self) -> int:
        """Number of grid columns (years ymin..ymax)."""
        return self.ymax - self.ymin + 1


def _encode_observations(ob: pd.DataFrame, year: int | None) -> _Obs:
    """Encode the usable observations as series codes and year columns.

    A row is usable when its value and year are numbers and it is not a
    ``computed`` row of a city-year that fails the GB 3095 validity rules
    (note starting with :data:`INVALID_NOTE_PREFIX`).  Scopes are
    normalised (:func:`_norm_scope`).  Without usable rows the year range is
    ``year``..``year`` (0..0 without ``year``).

    Parameters
    ----------
    ob : pandas.DataFrame
        Observations (columns :data:`OBSERVATION_COLUMNS`).  Not modified.
    year : int or None
        The assessed year (only for the year range of an empty input).

    Returns
    -------
    _Obs
    """
    o_val_all = pd.to_numeric(ob["value"], errors="coerce").to_numpy(dtype=float)
    o_year_all = pd.to_numeric(ob["year"], errors="coerce").to_numpy(dtype=float)
    not_valid: np.ndarray | bool = (
        (ob["basis"].astype(str).eq("computed") & ob["note"].astype(str).str.startswith(INVALID_NOTE_PREFIX)).to_numpy()
        if "note" in ob
        else False
    )
    keep = np.flatnonzero(~np.isnan(o_val_all) & ~np.isnan(o_year_all) & ~not_valid)
    city_codes, city_uni = _codes(ob["city"])
    ind_codes, ind_uni = _codes(ob["indicator_id"])
    sc_raw, sc_raw_uni = _codes(ob["scope"])
    # normalise the few distinct scopes; the appended '' serves code -1 (missing)
    sc_norm = np.append(_norm_scope(pd.Series(sc_raw_uni, dtype=object)), "")
    scope_codes_by_raw, scope_uni = pd.factorize(sc_norm)
    basis_codes, basis_uni = _codes(ob["basis"])
    scope_codes = scope_codes_by_raw[sc_raw[keep]]
    o_year = o_year_all[keep].astype("int64")
    n_ind, n_scope = max(len(ind_uni), 1), max(len(scope_uni), 1)
    o_key = (city_codes[keep].astype("int64") * n_ind + ind_codes[keep]) * n_scope + scope_codes
    keys, o_k = np.unique(o_key, return_inverse=True)
    kind_text = _text(ob["source_kind"].iloc[keep]) if "source_kind" in ob else np.full(keep.size, "", dtype=object)
    penalty = np.array([SOURCE_KIND_PENALTY.get(k, 0.0) for k in kind_text], dtype=float)
    if o_year.size:
        ymin, ymax = int(o_year.min()), int(o_year.max())
    else:
        ymin = ymax = int(year) if year is not None else 0
    return _Obs(
        keep=keep,
        city_uni=city_uni,
        ind_uni=ind_uni,
        scope_uni=np.asarray(scope_uni, dtype=object),
        basis_uni=basis_uni,
        basis_codes=basis_codes[keep],
        o_year=o_year,
        o_col=o_year - ymin,
        o_val=o_val_all[keep],
        o_k=o_k.ravel(),
        keys=keys,
        penalty=penalty,
        kind_text=kind_text,
        n_ind=n_ind,
        n_scope=n_scope,
        ymin=ymin,
        ymax=ymax,
    )


def _series_of(obs: _Obs, city: np.ndarray, ind: np.ndarray, scope: np.ndarray) -> np.ndarray:
    """Series index of each (city, indicator, normalised scope).

    Parameters
    ----------
    obs : _Obs
        Encoded observations.
    city, ind, scope : numpy.ndarray
        Object arrays of equal length (scope already normalised).

    Returns
    -------
    numpy.ndarray
        Row of each triple in the grids; ``obs.K`` (the all-NaN row) when
        the observations have no such series.
    """
    ci = pd.Index(obs.city_uni).get_indexer(city)
    ii = pd.Index(obs.ind_uni).get_indexer(ind)
    si = pd.Index(obs.scope_uni).get_indexer(scope)
    ok = (ci >= 0) & (ii >= 0) & (si >= 0)
    comp = (ci.astype("int64") * obs.n_ind + ii) * obs.n_scope + si
    K = obs.K
    pos = np.clip(np.searchsorted(obs.keys, comp), 0, max(K - 1, 0))
    found = ok & (K > 0) & (obs.keys[pos] == comp if K else False)
    return np.where(found, pos, K)  # K = the all-NaN row


@dataclass(frozen=True)
class _Grid:
    """One chosen observation per series x year: ``(K + 1) x m`` arrays.

    ``vals`` the value (NaN = none), ``rows`` its position among the kept
    observations (-1 = none), ``rank`` its basis rank (NaN = none).
    """

    vals: np.ndarray
    rows: np.ndarray
    rank: np.ndarray


def _pick_per_year(obs: _Obs, rank_map: dict[str, int], years: np.ndarray | None = None) -> _Grid:
    """Pick the value of each series x year: the best-ranked basis and host, ties first in input order.

    Parameters
    ----------
    obs : _Obs
        Encoded observations.
    rank_map : dict
        Rank of each usable basis (lower wins; a basis absent from the map
        is never picked): :data:`VALUE_BASIS_RANK` or :data:`BASE_BASIS_RANK`.
    years : numpy.ndarray, optional
        Only rows of these years are considered (the years looked up).

    Returns
    -------
    _Grid
    """
    by_code = np.array([rank_map.get(b, np.nan) for b in obs.basis_uni] + [np.nan], dtype=float)
    rank = by_code[obs.basis_codes] + obs.penalty  # code -1 (missing basis) -> the trailing NaN
    usable = ~np.isnan(rank)
    if years is not None:
        usable &= np.isin(obs.o_year, years)
    use = np.flatnonzero(usable)
    m, shape = obs.m, (obs.K + 1, obs.m)
    sel = use[_select(obs.o_k[use] * m + obs.o_col[use], rank[use])]
    vals = np.full(shape, np.nan)
    rows = np.full(shape, -1, dtype="int64")
    rk = np.full(shape, np.nan)
    at = (obs.o_k[sel], obs.o_col[sel])
    vals[at] = obs.o_val[sel]
    rows[at] = sel
    rk[at] = rank[sel]
    return _Grid(vals, rows, rk)


def _last_valid(vals: np.ndarray) -> np.ndarray:
    """Per grid cell, the column of the latest value at or before it (-1 = none)."""
    return np.maximum.accumulate(np.where(~np.isnan(vals), np.arange(vals.shape[1]), -1), axis=1)


@dataclass(frozen=True)
class _Assessed:
    """The assessed year's value of each target (see :func:`_pick_value`)."""

    L: np.ndarray  # grid column of the value (-1 = none)
    has: np.ndarray  # there is a value
    Lc: np.ndarray  # L with -1 -> 0 (safe to index)
    year_assessed: np.ndarray
    value: np.ndarray
    vrow: np.ndarray  # kept-observation row of the value (-1 = none)
    prev: np.ndarray  # value of year_assessed - 1 (NaN = none or not comparable)
    has_prev: np.ndarray
    ref_value: np.ndarray  # the reference series' value in the same column


def _pick_value(
    V: _Grid, last: np.ndarray, k: np.ndarray, kr: np.ndarray, ask_col: int | np.ndarray, year: int | None, ymin: int
) -> _Assessed:
    """Value of each target in the assessed year, the year before and for its reference.

    The assessed column is the latest with a value up to ``ask_col``.  The
    previous value is the one in the column before (never across a gap),
    and only when both or neither are ``research`` figures, and both or
    neither were found on a copy site or an aggregator.

    Parameters
    ----------
    V : _Grid
        The value grid (:data:`VALUE_BASIS_RANK`).
    last : numpy.ndarray
        :func:`_last_valid` of ``V.vals``.
    k, kr : numpy.ndarray
        Series of each target and of its reference entity (K = none).
    ask_col : int or numpy.ndarray
        Grid column of the year asked for (may be < 0 or >= m), one for all
        targets or one per target (a target judged at its target year).
    year : int or None
        The year asked for (the assessed year of a target without data).
    ymin : int
        Year of grid column 0.

    Returns
    -------
    _Assessed
    """
    m = V.vals.shape[1]
    ask = np.broadcast_to(np.asarray(ask_col, dtype="int64"), k.shape)
    L = np.where(ask < 0, -1, last[k, np.clip(ask, 0, m - 1)])
    has = L >= 0
    Lc = np.where(has, L, 0)
    year_assessed = np.where(has, ymin + L, np.nan if year is None else float(year))
    value = np.where(has, V.vals[k, Lc], np.nan)
    vrow = np.where(has, V.rows[k, Lc], -1)
    prev_ok = has & (L >= 1)
    # a research figure and an official one are not comparable: no change
    # is computed across that boundary (e.g. a study's 2014 mean vs the
    # official 2015 figure)
    research = VALUE_BASIS_RANK["research"]
    before = np.maximum(Lc - 1, 0)
    comparable = (np.floor(V.rank[k, before]) == research) == (np.floor(V.rank[k, Lc]) == research)
    # nor is a figure found on a copy site or an aggregator (a penalty of 0.3 or more) against a published one
    copied_before = (V.rank[k, before] - np.floor(V.rank[k, before])) >= 0.3 - 1e-9
    copied_now = (V.rank[k, Lc] - np.floor(V.rank[k, Lc])) >= 0.3 - 1e-9
    comparable &= copied_before == copied_now
    prev = np.where(prev_ok & comparable, V.vals[k, before], np.nan)
    ref_value = np.where(has, V.vals[kr, Lc], np.nan)
    return _Assessed(L, has, Lc, year_assessed, value, vrow, prev, ~np.isnan(prev), ref_value)


def _judged_columns(target_year: np.ndarray, year: int | None, ask_col: int, ymin: int) -> np.ndarray:
    """The grid column each target is judged at: its target year once the report year reaches it.

    A report at or after a target's year judges the target on the figure of
    that year (the latest up to it, which attainment then calls ``no_data``
    when it is older): a 2016 target in a 2020 report is judged on 2016, not
    on 2020's figure.  Before the target year, and without a report year, the
    column asked for.
    """
    cols = np.full(target_year.size, ask_col, dtype="int64")
    if year is None:
        return cols
    due = ~np.isnan(target_year) & (target_year <= year)
    return np.where(due, np.nan_to_num(target_year, nan=0).astype("int64") - ymin, cols)


def _pick_base(
    B: _Grid, k: np.ndarray, base_year: np.ndarray, catalog_base: np.ndarray, ymin: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Base value of each target: grid (official..plan_text) > catalog ``base_value`` > research.

    Parameters
    ----------
    B : _Grid
        The base grid (:data:`BASE_BASIS_RANK`).
    k : numpy.ndarray
        Series of each target (K = none).
    base_year, catalog_base : numpy.ndarray
        The targets' base year and catalog base value (NaN = none).
    ymin : int
        Year of grid column 0.

    Returns
    -------
    base_value : numpy.ndarray
        NaN when there is none.
    base_row : numpy.ndarray
        Kept-observation row of a base value from the grid (-1 otherwise).
    use_cat : numpy.ndarray
        The base value is the catalog's.
    """
    m = B.vals.shape[1]
    bcol = base_year - ymin
    b_in = ~np.isnan(base_year) & (bcol >= 0) & (bcol <= m - 1)
    bci = np.where(b_in, bcol, 0).astype("int64")
    g_bv = np.where(b_in, B.vals[k, bci], np.nan)
    g_brk = np.where(b_in, B.rank[k, bci], np.nan)
    g_row = np.where(b_in, B.rows[k, bci], -1)
    use_grid = ~np.isnan(g_bv) & ((np.floor(g_brk) <= 3) | np.isnan(catalog_base))
    use_cat = ~use_grid & ~np.isnan(catalog_base)
    base_value = np.where(use_grid, g_bv, np.where(use_cat, catalog_base, np.nan))
    return base_value, np.where(use_grid, g_row, -1), use_cat


def _trend_runs(vals: np.ndarray, k: np.ndarray, has: np.ndarray, Lc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Consecutive year-on-year rises / falls ending at each target's assessed column.

    A gap (NaN) or a flat year ends a run.

    Parameters
    ----------
    vals : numpy.ndarray
        The value grid (series x year).
    k : numpy.ndarray
        Series of each target.
    has, Lc : numpy.ndarray
        Whether the target has a value, and its assessed column (0 if none).

    Returns
    -------
    run_up, run_down : numpy.ndarray
        Per target, the number of rises / falls ending at the assessed
        column (0 for targets without a value).
    """
    K1, m = vals.shape
    d = np.diff(vals, axis=1)
    run_up_g = np.zeros((K1, m))
    run_dn_g = np.zeros((K1, m))
    for j in range(1, m):
        run_up_g[:, j] = np.where(d[:, j - 1] > 0, run_up_g[:, j - 1] + 1, 0)
        run_dn_g[:, j] = np.where(d[:, j - 1] < 0, run_dn_g[:, j - 1] + 1, 0)
    return np.where(has, run_up_g[k, Lc], 0), np.where(has, run_dn_g[k, Lc], 0)


def _changes(
    measure: np.ndarray, value: np.ndarray, prev: np.ndarray, base_value: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year-on-year change (pp for rates, % for levels) and reduction vs base (%).

    Returns
    -------
    yoy_pp, yoy_pct, reduction_pct : numpy.ndarray
        ``value - prev`` (measure ``rate``), ``(value - prev)/|prev| * 100``
        (``level``, ``concentration``, ``count``, ``index``; NaN when prev
        is 0) and ``(base - value)/|base| * 100`` (NaN when base is 0);
        NaN where the measure does not apply.
    """
    is_pp = np.isin(measure, _PP_MEASURES)
    is_pct = np.isin(measure, _PCT_MEASURES)
    with np.errstate(invalid="ignore", divide="ignore"):
        yoy_pp = np.where(is_pp, value - prev, np.nan)
        yoy_pct = np.where(is_pct & (prev != 0), (value - prev) / np.abs(prev) * 100.0, np.nan)
        red = np.where(base_value != 0, (base_value - value) / np.abs(base_value) * 100.0, np.nan)
    return yoy_pp, yoy_pct, red


def _progress_points(
    vals: np.ndarray,
    last: np.ndarray,
    k: np.ndarray,
    L: np.ndarray,
    target_year: np.ndarray,
    ymin: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Latest value up to the target year, and the earliest value in the five years before it.

    Parameters
    ----------
    vals : numpy.ndarray
        The value grid.
    last : numpy.ndarray
        :func:`_last_valid` of ``vals``.
    k : numpy.ndarray
        Series of each target.
    L : numpy.ndarray
        Assessed column of each target (-1 = no value).
    target_year : numpy.ndarray
        Target years (NaN = none: no cap).
    ymin : int
        Year of grid column 0.

    Returns
    -------
    yt, t : numpy.ndarray
        Latest value up to min(assessed year, target year) and its year.
    y0, t0 : numpy.ndarray
        Earliest value among the five years before ``t`` and its year.
    """
    m = vals.shape[1]
    Tcol = np.clip(np.nan_to_num(target_year - ymin, nan=m - 1), -1, m - 1).astype("int64")
    capcol = np.minimum(L, Tcol)
    Lp = np.where(capcol >= 0, last[k, np.maximum(capcol, 0)], -1)
    yt = np.where(Lp >= 0, vals[k, np.maximum(Lp, 0)], np.nan)
    t = np.where(Lp >= 0, ymin + Lp, np.nan)
    y0 = np.full(k.size, np.nan)
    t0 = np.full(k.size, np.nan)
    for back in range(5, 0, -1):
        col = Lp - back
        okc = (Lp >= 0) & (col >= 0) & np.isnan(y0)
        v = np.where(okc, vals[k, np.maximum(col, 0)], np.nan)
        take = okc & ~np.isnan(v)
        y0 = np.where(take, v, y0)
        t0 = np.where(take, ymin + col, t0)
    return yt, t, y0, t0


def _progress(
    kind: np.ndarray,
    cmp: np.ndarray,
    target_value: np.ndarray,
    target_year: np.ndarray,
    base_year: np.ndarray,
    base_value: np.ndarray,
    status: np.ndarray,
    points: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Eurostat progress category and RoR of each target.

    Applies to threshold, count, trajectory, reduction_vs_base and
    change_vs_base targets with a direction whose status is met, not_met,
    on_track or off_track; the others are ``not_assessable`` (so is a baseline
    status: the baseline year is the base, there is no change since it).  The base is
    the target's base year and value, else the window start of ``points``
    (:func:`_progress_points`); a latest value at or beyond the target is
    ``achieved``.

    Returns
    -------
    category : numpy.ndarray
        Progress category (object).
    ror : numpy.ndarray
        Ratio of actual to required growth (NaN where not applicable).
    base_year : numpy.ndarray
        Year of the base used (NaN where not applicable or none).
    """
    yt_p, t_p, win_y0, win_t0 = points
    lower = np.where(kind == "reduction_vs_base", np.isin(cmp, (">", ">=")), np.isin(cmp, ("<", "<=")))
    directed = np.isin(cmp, ("<", "<=", ">", ">="))
    prog_kind = np.isin(kind, ("threshold", "count", "trajectory", "reduction_vs_base", "change_vs_base"))
    yT = np.select(
        [kind == "reduction_vs_base", kind == "change_vs_base"],
        [base_value * (1 - target_value / 100.0), base_value * (1 + target_value / 100.0)],
        default=target_value,
    )
    has_by = ~np.isnan(base_year)
    y0_p = np.where(has_by, base_value, win_y0)
    t0_p = np.where(has_by, base_year, win_t0)
    core = _progress_core(y0_p, yt_p, yT, t0_p, t_p, target_year, lower)
    applicable = prog_kind & directed & np.isin(status, ("met", "not_met", "on_track", "off_track"))
    # "achieved" needs only the latest value and the target
    tol = 1e-9 * np.maximum(1, np.abs(yT))
    achieved = applicable & ~np.isnan(yt_p) & np.where(lower, yt_p <= yT + tol, yt_p >= yT - tol)
    achieved &= ~np.isin(kind, ("reduction_vs_base", "change_vs_base")) | ~np.isnan(base_value)
    category = np.where(applicable, core["category"], "not_assessable").astype(object)
    category = np.where(achieved, "achieved", category).astype(object)
    ror = np.where(applicable, core["ror"], np.nan)
    return category, ror, np.where(applicable, t0_p, np.nan)


def _trend(
    vals: np.ndarray, k: np.ndarray, has: np.ndarray, upto: int, ymin: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Theil-Sen slope and Mann-Kendall test of each target's series up to grid column ``upto``.

    Computed once per series used by a target with a value
    (:func:`qclib.indicators.trend.trend_matrix`).

    Returns
    -------
    n, slope, p_value, label : numpy.ndarray
        Per target; ``n`` 0, NaN and ``insufficient_data`` without a trend.
    """
    K1 = vals.shape[0]
    used = np.unique(k[has])
    tr_slope = np.full(K1, np.nan)
    tr_p = np.full(K1, np.nan)
    tr_n = np.zeros(K1)
    tr_label = np.full(K1, "insufficient_data", dtype=object)
    if used.size and upto >= 0:
        tm = trend_matrix(vals[used, : upto + 1], np.arange(ymin, ymin + upto + 1), alpha=TREND_ALPHA)
        tr_slope[used] = tm["slope"].to_numpy()
        tr_p[used] = tm["p_value"].to_numpy()
        tr_n[used] = tm["n"].to_numpy()
        tr_label[used] = tm["label"].to_numpy(dtype=object)
    return tr_n[k].astype("int64"), tr_slope[k], tr_p[k], tr_label[k]


def _source_text(ob: pd.DataFrame, obs: _Obs, rows: np.ndarray) -> np.ndarray:
    """``source | source_detail`` of kept-observation rows ('' for -1); reads only those rows."""
    if obs.keep.size == 0:
        return np.full(rows.size, "", dtype=object)
    okr = rows >= 0
    pos = obs.keep[np.where(okr, rows, 0)]
    src = _text(ob["source"].iloc[pos])
    det = _text(ob["source_detail"].iloc[pos])
    txt = np.where(det == "", src, src + " | " + det)
    return np.where(okr, txt, "").astype(object)


def _basis_text(obs: _Obs, rows: np.ndarray) -> np.ndarray:
    """Basis of kept-observation rows ('' for -1)."""
    if obs.keep.size == 0:
        return np.full(rows.size, "", dtype=object)
    okr = rows >= 0
    code = obs.basis_codes[np.where(okr, rows, 0)]
    txt = np.append(obs.basis_uni, "")[code]
    return np.where(okr, txt, "").astype(object)


def _note_has(ob: pd.DataFrame, obs: _Obs, rows: np.ndarray, mark: str) -> np.ndarray:
    """Whether the note of each kept-observation row holds ``mark`` (False for -1)."""
    if obs.keep.size == 0 or "note" not in ob:
        return np.zeros(rows.size, dtype=bool)
    okr = rows >= 0
    notes = _text(ob["note"].iloc[obs.keep[np.where(okr, rows, 0)]])
    found: np.ndarray = okr & np.array([mark in n for n in notes], dtype=bool)
    return found


def _kind_of(obs: _Obs, rows: np.ndarray) -> np.ndarray:
    """``source_kind`` of kept-observation rows ('' for -1)."""
    if obs.keep.size == 0:
        return np.full(rows.size, "", dtype=object)
    okr = rows >= 0
    return np.where(okr, obs.kind_text[np.where(okr, rows, 0)], "").astype(object)


def _target_source(tg: pd.DataFrame) -> np.ndarray:
    """《title》（doc number） seed-file | section | item: the document and clause of each target."""
    nt = len(tg)
    sf, ss, si = _text(tg["source_file"]), _text(tg["source_section"]), _text(tg["source_item"])
    title = _text(tg["plan_title"]) if "plan_title" in tg else np.full(nt, "", dtype=object)
    docno = _text(tg["doc_number"]) if "doc_number" in tg else np.full(nt, "", dtype=object)
    doc = np.where(title != "", "《" + title + "》", "") + np.where(docno != "", "（" + docno + "）", "")
    out: np.ndarray = np.where(doc != "", doc + " ", "") + sf + " | " + ss + " | item " + si
    return out


#: Basis of the observation rows the scorecard adds itself (never in a file):
#: a catalog ``proxy_indicator``'s figure standing in for the target's own.
PROXY_BASIS: str = "proxy"

#: Why a status is provisional (待核实), by the basis of the figure it rests on.
PROVISIONAL_BASIS_ZH: dict[str, str] = {
    "research": "数值为研究文献的监测均值，非官方发布",
    "derived": "数值由其他数据推算，非官方发布",
    "computed": "数值由监测数据计算，非官方发布",
    PROXY_BASIS: "以相近指标的数值近似",
}


def _plan_base_rows(tg: pd.DataFrame) -> pd.DataFrame:
    """A catalog ``base_value`` as an official observation of its base year.

    The plan states the level of its base year (Zhengzhou's PM2.5 108 ug/m3
    in 2013): an official figure of that year, published in a government
    document (issue 9).  Rows from observation files of the same basis come
    first (they are read first), so a published statistic still wins.
    """
    has = (
        pd.to_numeric(tg["base_value"], errors="coerce").notna()
        & pd.to_numeric(tg["base_year"], errors="coerce").notna()
    )
    b = tg.loc[has]
    if b.empty:
        return pd.DataFrame(columns=list(OBSERVATION_COLUMNS))
    src = _target_source(b)
    rows = pd.DataFrame(
        {
            "city": b["city"].to_numpy(),
            "indicator_id": b["indicator_id"].to_numpy(),
            "year": pd.to_numeric(b["base_year"]).astype("int64").to_numpy(),
            "value": pd.to_numeric(b["base_value"]).to_numpy(dtype=float),
            "unit": b["unit"].to_numpy(),
            "scope": b["scope"].fillna("").to_numpy(),
            "source": src,
            "source_detail": "规划所列基年值",
            "basis": "official",
            "note": "base value stated in the plan",
            "source_kind": "official_document",
            "file": "",
            "row": 0,
        }
    )
    return rows.drop_duplicates(subset=["city", "indicator_id", "year", "scope"])


def _proxy_rows(tg: pd.DataFrame, ob: pd.DataFrame) -> pd.DataFrame:
    """Observations of each target's ``proxy_indicator``, relabelled as the target's indicator.

    Basis :data:`PROXY_BASIS`: ranked after every figure of the indicator
    itself, and a status resting on it is provisional.
    """
    if "proxy_indicator" not in tg:
        return pd.DataFrame(columns=list(OBSERVATION_COLUMNS))
    pairs = tg.loc[tg["proxy_indicator"].fillna("").astype(str) != "", ["city", "indicator_id", "proxy_indicator"]]
    if pairs.empty:
        return pd.DataFrame(columns=list(OBSERVATION_COLUMNS))
    pairs = pairs.drop_duplicates()
    src = ob.merge(pairs, left_on=["city", "indicator_id"], right_on=["city", "proxy_indicator"], suffixes=("_p", ""))
    src = src.loc[src["basis"].eq("official")]
    out = src.drop(columns=["indicator_id_p", "proxy_indicator"]).assign(
        basis=PROXY_BASIS, note="proxy: " + src["indicator_id_p"].astype(str)
    )
    return out.loc[:, [c for c in OBSERVATION_COLUMNS if c in out.columns]]


def _with_catalog_rows(observations: pd.DataFrame, tg: pd.DataFrame) -> pd.DataFrame:
    """The observations plus plan-stated base values and proxy figures (appended, input not modified)."""
    extra = [f for f in (_plan_base_rows(tg), _proxy_rows(tg, observations)) if not f.empty]
    if not extra:
        return observations
    ob = observations if "source_kind" in observations else observations.assign(source_kind="")
    return pd.concat([ob, *extra], ignore_index=True)


def _scope_fallback(
    obs: _Obs, t: _Targets, k: np.ndarray, last: np.ndarray, ask_col: int
) -> tuple[np.ndarray, np.ndarray]:
    """Use the 市区 (城市) series for a whole-city target that has no whole-city value.

    Rule (issue 9): a figure whose scope the source states as 城市/市区 serves
    a whole-city target (全市, 含县市, no scope) when there is no whole-city
    figure up to the assessed year, unless the catalog marks the target
    ``scope_strict``; the report says so (``scope_note``).  A 市区 target
    never takes a whole-city figure.  Returns the mask of targets switched
    and each target's series after the switch.
    """
    n = k.size
    if ask_col < 0 or obs.K == 0:
        return np.zeros(n, dtype=bool), k
    col = min(ask_col, obs.m - 1)
    k_urb = _series_of(obs, t.city, t.ind, np.full(n, "市区", dtype=object))
    switched = (t.scope == "") & ~t.strict & (last[k, col] < 0) & (last[k_urb, col] >= 0)
    return switched, np.where(switched, k_urb, k)


def _scope_note(t: _Targets, raw_scope: np.ndarray, switched: np.ndarray) -> np.ndarray:
    """'所用数据为城市（市区）口径，目标为全市' for the targets :func:`_scope_fallback` switched."""
    target_scope = np.where(raw_scope == "", "全市", raw_scope)
    return np.where(switched, "所用数据为城市（市区）口径，目标口径为" + target_scope + "，以此近似", "").astype(object)


def _provisional(
    status: np.ndarray, kind: np.ndarray, value_basis: np.ndarray, value_kind: np.ndarray, base: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Whether each status rests on a figure that is not an official published one, and why.

    Provisional (待核实): a status resting on a figure (:data:`ASSESSED_STATUSES`:
    a verdict or a baseline status) whose
    value is ``research``, ``derived``, ``computed`` or a proxy, or was found
    on a report aggregator or a copy site (:data:`REPRODUCED_SOURCE_KINDS`);
    for reduction and change targets and trajectories also when the base
    value is such a figure.
    """
    judged = np.isin(status, ASSESSED_STATUSES)
    reasons = []
    for basis_arr, kind_arr, what in (
        (value_basis, value_kind, ""),
        (base["basis"], base["source_kind"], "基年"),
    ):
        why = np.array([PROVISIONAL_BASIS_ZH.get(b, "") for b in basis_arr], dtype=object)
        copied = np.isin(kind_arr, REPRODUCED_SOURCE_KINDS)
        copy_why = np.array(["数据来源为" + SOURCE_KIND_NAMES_ZH.get(x, "") for x in kind_arr], dtype=object)
        why = np.where(why != "", why, np.where(copied, copy_why, ""))
        if what:
            uses_base = np.isin(kind, ("reduction_vs_base", "change_vs_base", "trajectory"))
            why = np.where(uses_base & (why != ""), what + why, "")
        reasons.append(why)
    reason = np.where(reasons[0] != "", reasons[0], reasons[1])
    prov = judged & (reason != "")
    return prov, np.where(prov, reason, "").astype(object)


@dataclass(frozen=True)
class _Targets:
    """The catalog columns the computation reads, as arrays (``scope`` normalised)."""

    city: np.ndarray
    ind: np.ndarray
    scope: np.ndarray
    reference: np.ndarray
    kind: np.ndarray
    cmp: np.ndarray
    target_value: np.ndarray
    target_year: np.ndarray
    base_year: np.ndarray
    catalog_base: np.ndarray
    measure: np.ndarray
    n_years: np.ndarray
    unit: np.ndarray
    strict: np.ndarray  # scope_strict (False when the column is absent)
    stated: np.ndarray  # n_years_stated (True when the column is absent): trend wording only
    start: np.ndarray  # plan_start_year (NaN when the column is absent or the start is not known)


def _num(s: pd.Series) -> np.ndarray:
    out: np.ndarray = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
    return out


def _target_arrays(tg: pd.DataFrame) -> _Targets:
    """Read the targets frame once into :class:`_Targets`."""
    return _Targets(
        city=_text(tg["city"]),
        ind=_text(tg["indicator_id"]),
        scope=_norm_scope(tg["scope"]),
        reference=_text(tg["reference"]),
        kind=_text(tg["kind"]),
        cmp=_text(tg["comparator"]),
        target_value=_num(tg["target_value"]),
        target_year=_num(tg["target_year"]),
        base_year=_num(tg["base_year"]),
        catalog_base=_num(tg["base_value"]),
        measure=_text(tg["measure"]),
        n_years=_num(tg["n_years"]),
        unit=_text(tg["unit"]),
        strict=(
            tg["scope_strict"].fillna(False).astype(bool).to_numpy()
            if "scope_strict" in tg
            else np.zeros(len(tg), dtype=bool)
        ),
        stated=(
            tg["n_years_stated"].astype(object).where(tg["n_years_stated"].notna(), True).astype(bool).to_numpy()
            if "n_years_stated" in tg
            else np.ones(len(tg), dtype=bool)
        ),
        start=_num(tg["plan_start_year"]) if "plan_start_year" in tg else np.full(len(tg), np.nan),
    )


def _assess(
    t: _Targets,
    a: _Assessed,
    base_value: np.ndarray,
    runs: tuple[np.ndarray, np.ndarray],
    report_year: int | None,
) -> dict[str, np.ndarray]:
    """Attainment of each target (:func:`qclib.indicators.attainment._assess_arrays`).

    Parameters
    ----------
    t : _Targets
        The catalog arrays.
    a : _Assessed
        Assessed year, value, previous and reference values.
    base_value : numpy.ndarray
        From :func:`_pick_base`.
    runs : tuple of numpy.ndarray
        ``(run_up, run_down)`` from :func:`_trend_runs`.
    report_year : int or None
        The year of the report (None: each target's assessed year).

    Returns
    -------
    dict
        The columns of :func:`qclib.indicators.attainment.assess_targets`
        (``status``, ``reason``, ``gap`` …).
    """
    return _assess_arrays(
        kind=t.kind,
        comparator=t.cmp,
        target_value=t.target_value,
        target_year=t.target_year,
        year=a.year_assessed,
        value=a.value,
        base_year=t.base_year,
        base_value=base_value,
        reference=t.reference,
        reference_value=a.ref_value,
        n_years=t.n_years,
        run_up=runs[0],
        run_down=runs[1],
        has_previous=a.has_prev,
        unit=t.unit,
        report_year=None if report_year is None else np.full(t.kind.size, float(report_year)),
        n_years_stated=t.stated,
        plan_start_year=t.start,
    )


def _gap_per_year(gap: np.ndarray, status: np.ndarray, target_year: np.ndarray, ya: np.ndarray) -> np.ndarray:
    """The gap still to close per remaining year, ``gap / (target_year - year_assessed)``.

    Only for targets behind (``off_track``), or short of the target in a baseline
    year (``baseline``: the change the plan period needs), with a positive gap and
    years left; NaN elsewhere (in the target's unit, or percentage points for
    relative kinds).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        left = target_year - ya
        short = np.isin(status, ("off_track", "baseline"))
        out = np.where(short & (gap > 0) & (left > 0), gap / left, np.nan)
    return out


def _assemble(
    tg: pd.DataFrame,
    t: _Targets,
    a: _Assessed,
    base: dict[str, np.ndarray],
    res: dict[str, np.ndarray],
    progress: tuple[np.ndarray, np.ndarray, np.ndarray],
    trend: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> pd.DataFrame:
    """The output frame: columns :data:`SCORECARD_COLUMNS` from the computed steps.

    ``base`` holds ``value``, ``basis``, ``source`` (the base value and its
    provenance), ``value_basis``, ``value_source`` (of the value) and
    ``target_source`` (:func:`_provenance`).
    """
    yoy_pp, yoy_pct, red = _changes(t.measure, a.value, a.prev, base["value"])
    provisional = _provisional(res["status"], t.kind, base["value_basis"], base["value_source_kind"], base)
    suspect = base["suspect"] & np.isin(res["status"], ASSESSED_STATUSES)
    provisional = (
        provisional[0] | suspect,
        np.where(suspect, "监测数据存疑（零值过多、长期不变或封顶），待核实", provisional[1]).astype(object),
    )
    prog_cat, ror, prog_by = progress
    out = pd.DataFrame(
        {
            "city": t.city,
            "target_id": _text(tg["target_id"]),
            "indicator_id": t.ind,
            "domain": _text(tg["domain"]),
            "name_zh": _text(tg["name_zh"]),
            "name_en": _text(tg["name_en"]),
            "kind": t.kind,
            "comparator": t.cmp,
            "target_value": t.target_value,
            "unit": t.unit,
            "scope": _text(tg["scope"]),
            "measure": t.measure,
            "direction": _text(tg["direction"]),
            "base_year": _int_column(t.base_year, np.isnan(t.base_year)),
            "target_year": _int_column(t.target_year, np.isnan(t.target_year)),
            "year_assessed": _int_column(a.year_assessed, np.isnan(a.year_assessed)),
            "value": a.value,
            "value_basis": base["value_basis"],
            "value_source": base["value_source"],
            "value_source_kind": base["value_source_kind"],
            "scope_note": base["scope_note"],
            "previous_year": _int_column(a.year_assessed - 1, ~a.has_prev),
            "previous_value": a.prev,
            "yoy_change_pp": yoy_pp,
            "yoy_change_pct": yoy_pct,
            "base_value": base["value"],
            "base_value_basis": base["basis"],
            "base_value_source": base["source"],
            "base_value_source_kind": base["source_kind"],
            "reduction_vs_base_pct": red,
            "reference": t.reference,
            "reference_value": np.where(t.reference != "", a.ref_value, np.nan),
            "planned_value": res["planned_value"],
            "target_for_year": res["target_for_year"],
            "gap": res["gap"],
            "gap_to_path": res["gap_to_path"],
            "gap_per_year": _gap_per_year(res["gap"], res["status"], t.target_year, a.year_assessed),
            "status": res["status"],
            "status_zh": res["status_zh"],
            "reason": res["reason"],
            "reason_zh": res["reason_zh"],
            "before_plan": res["before_plan"],
            "plan_start_year": _int_column(t.start, np.isnan(t.start)),
            "provisional": provisional[0],
            "provisional_reason_zh": provisional[1],
            "progress_category": prog_cat,
            "progress_base_year": _int_column(prog_by, np.isnan(prog_by)),
            "ror": ror,
            "trend_n": trend[0],
            "trend_slope": trend[1],
            "trend_p_value": trend[2],
            "trend_label": trend[3],
            "target_source": base["target_source"],
        }
    )
    return out.loc[:, list(SCORECARD_COLUMNS)]


def _provenance(
    ob: pd.DataFrame, obs: _Obs, tg: pd.DataFrame, a: _Assessed, base: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> dict[str, np.ndarray]:
    """Base value, the basis and source of it and of the value, and each target's source.

    Returns
    -------
    dict
        ``value``, ``basis``, ``source`` (the base), ``value_basis``,
        ``value_source`` and ``target_source`` (:func:`_target_source`); a
        catalog base value's source is ``plan text: <target source>``.
    """
    base_value, base_row, use_cat = base
    bbasis = np.where(base_row >= 0, _basis_text(obs, base_row), np.where(use_cat, "plan_text", ""))
    bsrc = np.where(base_row >= 0, _source_text(ob, obs, base_row), np.where(use_cat, "target catalog base_value", ""))
    tsrc = _target_source(tg)
    bsrc = np.where((bsrc == "target catalog base_value"), "plan text: " + tsrc, bsrc)
    bkind = np.where(base_row >= 0, _kind_of(obs, base_row), np.where(use_cat, "official_document", ""))
    return {
        "target_source": tsrc,
        "value": base_value,
        "basis": bbasis.astype(object),
        "source": bsrc.astype(object),
        "source_kind": bkind.astype(object),
        "value_basis": _basis_text(obs, a.vrow).astype(object),
        "value_source": _source_text(ob, obs, a.vrow),
        "value_source_kind": _kind_of(obs, a.vrow),
    }


def scorecard(
    targets: pd.DataFrame,
    observations: pd.DataFrame,
    *,
    year: int | None = None,
    cities: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per city x catalog target with value, changes, status and reason.

    Every target of the catalog gets a row: numeric ones are assessed,
    non-numeric ones are ``not_assessable`` unless data make them assessable
    (a boolean with a 0/1 value), targets without data are ``no_data``.

    Per row (y = ``year_assessed``: ``year`` if it has a value, else the
    latest year with a value <= ``year``; without ``year`` the latest year
    with a value):

    - ``value`` and ``value_basis`` / ``value_source`` (preference in the
      module docstring); ``previous_value`` in y - 1 (never across a gap,
      never a research figure against a non-research one);
    - ``yoy_change_pp = value - previous`` for measure ``rate``;
      ``yoy_change_pct = (value - previous)/|previous| * 100`` for ``level``,
      ``concentration``, ``count``, ``index``; the other column NaN; both NaN
      for ``rank``, ``boolean``, ``signed`` and when previous is 0
      (:func:`qclib.indicators.change.yoy_change` conventions; the scorecard reports
      NaN where the function would raise, so one bad row does not stop it);
    - ``base_value`` (official > computed > derived > plan text > research)
      and ``reduction_vs_base_pct = (base - value)/|base| * 100``;
    - ``reference_value``: the reference entity's value for the same
      indicator and year (whole-entity scope), for vs_reference targets;
    - ``planned_value``, ``target_for_year``, ``gap``, ``gap_to_path``,
      ``status``, ``reason``: :func:`qclib.indicators.attainment.assess_targets`;
    - ``plan_start_year`` (the catalog's, :func:`qclib.data.catalog.plan_start_year`)
      and ``before_plan``: the report year (``year``) or the assessed year is
      before it (a baseline year, or a figure from before the plan), and the
      status is ``baseline_met`` / ``baseline`` (the figure against the target,
      no pace);
    - ``progress_category`` and ``ror``: :func:`qclib.indicators.progress._progress_core`
      (Eurostat RoR categories) for threshold, count, trajectory,
      reduction_vs_base and change_vs_base targets with a direction
      (comparator ``<``/``<=`` lower is better, ``>``/``>=`` higher; a
      reduction target means lower is better).  The base is the target's
      base year, else the earliest year with a value among the five before y
      (Eurostat's short-term period, methods-and-standards.md A1 [V]); the
      latest value used is the last one up to the target year (UN rule,
      A3b).  Others: ``not_assessable``;
    - ``trend_slope``, ``trend_p_value``, ``trend_label``: Theil-Sen slope and
      Mann-Kendall test over all values up to ``year``
      (:func:`qclib.indicators.trend.trend_matrix`).

    Parameters
    ----------
    targets : pandas.DataFrame
        The catalog (columns :data:`TARGET_COLUMNS`).  Not modified.
    observations : pandas.DataFrame
        Observations (columns :data:`OBSERVATION_COLUMNS`), plan cities and
        reference entities.  Not modified.
    year : int, optional
        Assess as of this year.
    cities : sequence of str, optional
        Restrict to these cities (each must have targets).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SCORECARD_COLUMNS`, rows in catalog order.

    Raises
    ------
    DataValidationError
        A required column is missing.
    InvalidChoiceError
        A requested city has no targets.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({c: [None] for c in TARGET_COLUMNS})
    >>> t = t.assign(city="zhengzhou", target_id="zz_env_6", indicator_id="pm25",
    ...              domain="environment", kind="trajectory", comparator="<=",
    ...              target_value=95.0, unit="ug/m3", base_year=2013, base_value=108.0,
    ...              target_year=2016, scope="全市", measure="concentration",
    ...              direction="lower_is_better", source_file="001.txt",
    ...              source_section="三（四）", source_item="6")
    >>> o = pd.DataFrame({"city": ["zhengzhou"] * 2, "indicator_id": ["pm25"] * 2,
    ...                   "year": [2014, 2015], "value": [105.0, 96.0],
    ...                   "unit": "ug/m3", "scope": "", "source": "bulletin",
    ...                   "source_detail": "", "basis": "official", "note": "",
    ...                   "file": "x.csv", "row": [2, 3]})
    >>> sc = scorecard(t, o)
    >>> sc[["year_assessed", "value", "base_value_basis", "planned_value", "status"]].round(2)
       year_assessed  value base_value_basis  planned_value    status
    0           2015   96.0         official          99.33  on_track
    >>> round(float(sc.loc[0, "yoy_change_pct"]), 2), sc.loc[0, "progress_category"]
    (-8.57, 'significant')
    >>> scorecard(t, o, year=2014).loc[0, "status"]
    'off_track'
    """
    _require(targets, [c for c in TARGET_COLUMNS if c not in OPTIONAL_TARGET_COLUMNS], "targets")
    _require(observations, [c for c in OBSERVATION_COLUMNS if c != "source_kind"], "observations")
    tg = _restrict(targets, cities)
    if len(tg) == 0:
        return _empty_scorecard()
    ob = _with_catalog_rows(observations, tg)
    obs = _encode_observations(ob, year)
    V = _pick_per_year(obs, VALUE_BASIS_RANK)
    t_base_years = pd.to_numeric(tg["base_year"], errors="coerce").dropna().unique()
    B = _pick_per_year(obs, BASE_BASIS_RANK, np.asarray(t_base_years).astype("int64"))
    last = _last_valid(V.vals)

    t = _target_arrays(tg)
    ask_col = (int(year) if year is not None else obs.ymax) - obs.ymin
    switched, k = _scope_fallback(obs, t, _series_of(obs, t.city, t.ind, t.scope), last, ask_col)
    kr = _series_of(obs, t.reference, t.ind, np.full(len(tg), "", dtype=object))
    a = _pick_value(V, last, k, kr, _judged_columns(t.target_year, year, ask_col, obs.ymin), year, obs.ymin)
    base = _pick_base(B, k, t.base_year, t.catalog_base, obs.ymin)
    res = _assess(t, a, base[0], _trend_runs(V.vals, k, a.has, a.Lc), year)
    points = _progress_points(V.vals, last, k, a.L, t.target_year, obs.ymin)
    progress = _progress(t.kind, t.cmp, t.target_value, t.target_year, t.base_year, base[0], res["status"], points)
    trend = _trend(V.vals, k, a.has, min(max(ask_col, -1), obs.m - 1), obs.ymin)
    prov = _provenance(ob, obs, tg, a, base)
    prov["suspect"] = _note_has(ob, obs, a.vrow, SUSPECT_NOTE_MARK)
    prov["scope_note"] = _scope_note(t, _text(tg["scope"]), switched & a.has)
    return _assemble(tg, t, a, prov, res, progress, trend)
