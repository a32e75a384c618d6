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

Scopes: an observation serves a target only when their scopes match after
normalisation; the whole-entity spellings in :data:`WHOLE_ENTITY_SCOPES`
(and empty) are one scope, and so are the urban-district spellings in
:data:`URBAN_SCOPES` (城市, 城区 … are read as 市区).  A 市区 figure never
stands in for a whole-city target, nor the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from qclib.constants import OBSERVATION_COLUMNS
from qclib.exceptions import DataValidationError, InvalidChoiceError, Issue
from qclib.indicators.attainment import _assess_arrays
from qclib.indicators.progress import _progress_core
from qclib.indicators.trend import TREND_ALPHA, trend_matrix

#: Columns the scorecard needs in the targets frame (catalog loader output).
TARGET_COLUMNS: tuple[str, ...] = (
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
    "base_year",
    "base_value",
    "target_year",
    "target_year_inferred",
    "n_years",
    "reference",
    "scope",
    "numeric",
    "measure",
    "direction",
    "source_file",
    "source_section",
    "source_item",
    "source_clause",
    "plan_title",
    "doc_number",
    "note",
)


#: Preference of bases for the year's value (lower wins; absent = never).
#: Note prefix of computed observations from a city-year that is not valid
#: under GB 3095-2012 (see :mod:`qclib.air.annual`); such rows are ignored.
INVALID_NOTE_PREFIX: str = "NOT VALID"

VALUE_BASIS_RANK: dict[str, int] = {"official": 0, "computed": 1, "derived": 2, "research": 4}

#: Preference of bases for a base value; the catalog's base_value ranks 3.5.
BASE_BASIS_RANK: dict[str, int] = {
    "official": 0,
    "computed": 1,
    "derived": 2,
    "plan_text": 3,
    "research": 4,
}

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
    "previous_year",
    "previous_value",
    "yoy_change_pp",
    "yoy_change_pct",
    "base_value",
    "base_value_basis",
    "base_value_source",
    "reduction_vs_base_pct",
    "reference",
    "reference_value",
    "planned_value",
    "target_for_year",
    "gap",
    "gap_to_path",
    "status",
    "status_zh",
    "reason",
    "reason_zh",
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
    return s.astype(object).where(s.notna(), "").astype(str).to_numpy(dtype=object)


def _codes(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and uniques of a column (missing -> code -1), no str copies."""
    codes, uni = pd.factorize(col, use_na_sentinel=True)
    return np.asarray(codes, dtype="int64"), np.asarray(uni, dtype=object)


def _select(cell: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Positions of the best-ranked row per grid cell; ties: first in input order.

    One stable sort of ``cell * 8 + rank`` (ranks are 0..4).
    """
    comp = cell.astype("int64") * 8 + rank.astype("int64")
    order = np.argsort(comp, kind="stable")
    c = cell[order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = c[1:] != c[:-1]
    return order[first]


def _empty_scorecard() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in SCORECARD_COLUMNS})


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
    0           2015   96.0        plan_text          99.33  on_track
    >>> round(float(sc.loc[0, "yoy_change_pct"]), 2), sc.loc[0, "progress_category"]
    (-8.57, 'significant')
    >>> scorecard(t, o, year=2014).loc[0, "status"]
    'off_track'
    """
    _require(targets, TARGET_COLUMNS, "targets")
    _require(observations, OBSERVATION_COLUMNS, "observations")
    tg = targets
    if cities is not None:
        wanted = list(dict.fromkeys(cities))
        have = set(tg["city"].dropna().astype(str))
        for c in wanted:
            if c not in have:
                raise InvalidChoiceError("cities", c, sorted(have))
        tg = tg[tg["city"].isin(wanted)]
    if len(tg) == 0:
        return _empty_scorecard()
    tg = tg.reset_index(drop=True)
    nt = len(tg)

    # ---- observations -> integer series codes ------------------------------
    # (work on codes: no copy of the 400k-row frame, no str round trips)
    ob = observations
    o_val_all = pd.to_numeric(ob["value"], errors="coerce").to_numpy(dtype=float)
    o_year_all = pd.to_numeric(ob["year"], errors="coerce").to_numpy(dtype=float)
    # computed rows of a city-year that fails the GB 3095 validity rules
    # (qclib.air writes them with a note starting "NOT VALID") are never used
    not_valid = (
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
    city_codes, ind_codes = city_codes[keep], ind_codes[keep]
    scope_codes = scope_codes_by_raw[sc_raw[keep]]
    basis_codes = basis_codes[keep]
    o_year = o_year_all[keep].astype("int64")
    o_val = o_val_all[keep]

    n_ind, n_scope = max(len(ind_uni), 1), max(len(scope_uni), 1)
    o_key = (city_codes.astype("int64") * n_ind + ind_codes) * n_scope + scope_codes
    keys, o_k = np.unique(o_key, return_inverse=True)
    o_k = o_k.ravel()
    K = keys.size

    def _key_of(city: np.ndarray, ind: np.ndarray, scope: np.ndarray) -> np.ndarray:
        ci = pd.Index(city_uni).get_indexer(city)
        ii = pd.Index(ind_uni).get_indexer(ind)
        si = pd.Index(scope_uni).get_indexer(scope)
        ok = (ci >= 0) & (ii >= 0) & (si >= 0)
        comp = (ci.astype("int64") * n_ind + ii) * n_scope + si
        pos = np.searchsorted(keys, comp)
        pos = np.clip(pos, 0, max(K - 1, 0))
        found = ok & (K > 0) & (keys[pos] == comp if K else False)
        return np.where(found, pos, K)  # K = the all-NaN row

    if o_year.size:
        ymin, ymax = int(o_year.min()), int(o_year.max())
    else:
        ymin = ymax = int(year) if year is not None else 0
    m = ymax - ymin + 1
    o_col = o_year - ymin

    def _grid(rank_map: dict[str, int], years: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        by_code = np.array([rank_map.get(b, np.nan) for b in basis_uni] + [np.nan], dtype=float)
        rank = by_code[basis_codes]  # code -1 (missing basis) -> the trailing NaN
        usable = ~np.isnan(rank)
        if years is not None:  # only the years that will be looked up
            usable &= np.isin(o_year, years)
        use = np.flatnonzero(usable)
        sel = use[_select(o_k[use] * m + o_col[use], rank[use])]
        vals = np.full((K + 1, m), np.nan)
        rows = np.full((K + 1, m), -1, dtype="int64")
        rk = np.full((K + 1, m), np.nan)
        vals[o_k[sel], o_col[sel]] = o_val[sel]
        rows[o_k[sel], o_col[sel]] = sel
        rk[o_k[sel], o_col[sel]] = rank[sel]
        return vals, rows, rk

    V, VR, VRK = _grid(VALUE_BASIS_RANK)
    t_base_years = pd.to_numeric(tg["base_year"], errors="coerce").dropna().unique()
    B, BR, BRK = _grid(BASE_BASIS_RANK, t_base_years.astype("int64"))
    valid = ~np.isnan(V)
    last = np.maximum.accumulate(np.where(valid, np.arange(m), -1), axis=1)

    # ---- targets -------------------------------------------------------------
    t_city = _text(tg["city"])
    t_ind = _text(tg["indicator_id"])
    t_scope = _norm_scope(tg["scope"])
    t_ref = _text(tg["reference"])
    kind = _text(tg["kind"])
    cmp = _text(tg["comparator"])
    tv = pd.to_numeric(tg["target_value"], errors="coerce").to_numpy(dtype=float)
    T = pd.to_numeric(tg["target_year"], errors="coerce").to_numpy(dtype=float)
    by = pd.to_numeric(tg["base_year"], errors="coerce").to_numpy(dtype=float)
    cat_bv = pd.to_numeric(tg["base_value"], errors="coerce").to_numpy(dtype=float)
    measure = _text(tg["measure"])
    k = _key_of(t_city, t_ind, t_scope)
    kr = _key_of(t_ref, t_ind, np.full(nt, "", dtype=object))

    ask_col = (int(year) if year is not None else ymax) - ymin
    if ask_col < 0:
        L = np.full(nt, -1)
    else:
        L = last[k, min(ask_col, m - 1)]
    has = L >= 0
    Lc = np.where(has, L, 0)
    year_assessed = np.where(has, ymin + L, np.nan if year is None else float(year))
    value = np.where(has, V[k, Lc], np.nan)
    vrow = np.where(has, VR[k, Lc], -1)
    prev_ok = has & (L >= 1)
    # a research figure and an official one are not comparable: no change
    # is computed across that boundary (e.g. a study's 2014 mean vs the
    # official 2015 figure)
    research = VALUE_BASIS_RANK["research"]
    comparable = (VRK[k, np.maximum(Lc - 1, 0)] == research) == (VRK[k, Lc] == research)
    prev = np.where(prev_ok & comparable, V[k, np.maximum(Lc - 1, 0)], np.nan)
    has_prev = ~np.isnan(prev)
    ref_value = np.where(has, V[kr, Lc], np.nan)

    # base value: grid (official..plan_text) > catalog base_value > research
    bcol = by - ymin
    b_in = ~np.isnan(by) & (bcol >= 0) & (bcol <= m - 1)
    bci = np.where(b_in, bcol, 0).astype("int64")
    g_bv = np.where(b_in, B[k, bci], np.nan)
    g_brk = np.where(b_in, BRK[k, bci], np.nan)
    g_row = np.where(b_in, BR[k, bci], -1)
    use_grid = ~np.isnan(g_bv) & ((g_brk <= 3) | np.isnan(cat_bv))
    use_cat = ~use_grid & ~np.isnan(cat_bv)
    base_value = np.where(use_grid, g_bv, np.where(use_cat, cat_bv, np.nan))
    base_row = np.where(use_grid, g_row, -1)

    # trend runs on the value grid
    d = np.diff(V, axis=1)
    run_up_g = np.zeros((K + 1, m))
    run_dn_g = np.zeros((K + 1, m))
    for j in range(1, m):
        run_up_g[:, j] = np.where(d[:, j - 1] > 0, run_up_g[:, j - 1] + 1, 0)
        run_dn_g[:, j] = np.where(d[:, j - 1] < 0, run_dn_g[:, j - 1] + 1, 0)
    run_up = np.where(has, run_up_g[k, Lc], 0)
    run_dn = np.where(has, run_dn_g[k, Lc], 0)

    res = _assess_arrays(
        kind=kind,
        comparator=cmp,
        target_value=tv,
        target_year=T,
        year=year_assessed,
        value=value,
        base_year=by,
        base_value=base_value,
        reference=t_ref,
        reference_value=ref_value,
        n_years=pd.to_numeric(tg["n_years"], errors="coerce").to_numpy(dtype=float),
        run_up=run_up,
        run_down=run_dn,
        has_previous=has_prev,
        unit=_text(tg["unit"]),
    )

    # ---- changes ---------------------------------------------------------------
    is_pp = np.isin(measure, _PP_MEASURES)
    is_pct = np.isin(measure, _PCT_MEASURES)
    with np.errstate(invalid="ignore", divide="ignore"):
        yoy_pp = np.where(is_pp, value - prev, np.nan)
        yoy_pct = np.where(is_pct & (prev != 0), (value - prev) / np.abs(prev) * 100.0, np.nan)
        red = np.where(base_value != 0, (base_value - value) / np.abs(base_value) * 100.0, np.nan)

    # ---- progress category ---------------------------------------------------
    lower = np.where(kind == "reduction_vs_base", np.isin(cmp, (">", ">=")), np.isin(cmp, ("<", "<=")))
    directed = np.isin(cmp, ("<", "<=", ">", ">="))
    prog_kind = np.isin(kind, ("threshold", "count", "trajectory", "reduction_vs_base", "change_vs_base"))
    yT = np.select(
        [kind == "reduction_vs_base", kind == "change_vs_base"],
        [base_value * (1 - tv / 100.0), base_value * (1 + tv / 100.0)],
        default=tv,
    )
    # latest value up to the target year
    Tcol = np.clip(np.nan_to_num(T - ymin, nan=m - 1), -1, m - 1).astype("int64")
    capcol = np.minimum(np.where(has, L, -1), Tcol)
    Lp = np.where(capcol >= 0, last[k, np.maximum(capcol, 0)], -1)
    yt_p = np.where(Lp >= 0, V[k, np.maximum(Lp, 0)], np.nan)
    t_p = np.where(Lp >= 0, ymin + Lp, np.nan)
    # base: target base year, else earliest value in the five years before t
    win_y0 = np.full(nt, np.nan)
    win_t0 = np.full(nt, np.nan)
    for back in range(5, 0, -1):
        c = Lp - back
        okc = (Lp >= 0) & (c >= 0) & np.isnan(win_y0)
        v = np.where(okc, V[k, np.maximum(c, 0)], np.nan)
        take = okc & ~np.isnan(v)
        win_y0 = np.where(take, v, win_y0)
        win_t0 = np.where(take, ymin + c, win_t0)
    has_by = ~np.isnan(by)
    y0_p = np.where(has_by, base_value, win_y0)
    t0_p = np.where(has_by, by, win_t0)
    core = _progress_core(y0_p, yt_p, yT, t0_p, t_p, T, lower)
    applicable = prog_kind & directed & np.isin(res["status"], ("met", "not_met", "on_track", "off_track"))
    # "achieved" needs only the latest value and the target
    achieved = (
        applicable
        & ~np.isnan(yt_p)
        & np.where(lower, yt_p <= yT + 1e-9 * np.maximum(1, np.abs(yT)), yt_p >= yT - 1e-9 * np.maximum(1, np.abs(yT)))
    )
    achieved &= ~np.isin(kind, ("reduction_vs_base", "change_vs_base")) | ~np.isnan(base_value)
    prog_cat = np.where(applicable, core["category"], "not_assessable").astype(object)
    prog_cat = np.where(achieved, "achieved", prog_cat).astype(object)
    ror = np.where(applicable, core["ror"], np.nan)

    # ---- trend ---------------------------------------------------------------
    upto = min(max(ask_col, -1), m - 1)
    used = np.unique(k[has])
    tr_slope = np.full(K + 1, np.nan)
    tr_p = np.full(K + 1, np.nan)
    tr_n = np.zeros(K + 1)
    tr_label = np.full(K + 1, "insufficient_data", dtype=object)
    if used.size and upto >= 0:
        tm = trend_matrix(V[used, : upto + 1], np.arange(ymin, ymin + upto + 1), alpha=TREND_ALPHA)
        tr_slope[used] = tm["slope"].to_numpy()
        tr_p[used] = tm["p_value"].to_numpy()
        tr_n[used] = tm["n"].to_numpy()
        tr_label[used] = tm["label"].to_numpy(dtype=object)

    # ---- provenance text (only the rows used are read) ----------------------
    def _src(rows: np.ndarray) -> np.ndarray:
        okr = rows >= 0
        pos = keep[np.where(okr, rows, 0)] if keep.size else np.zeros(rows.size, dtype="int64")
        if keep.size == 0:
            return np.full(rows.size, "", dtype=object)
        src = _text(ob["source"].iloc[pos])
        det = _text(ob["source_detail"].iloc[pos])
        txt = np.where(det == "", src, src + " | " + det)
        return np.where(okr, txt, "").astype(object)

    def _basis(rows: np.ndarray) -> np.ndarray:
        okr = rows >= 0
        if keep.size == 0:
            return np.full(rows.size, "", dtype=object)
        code = basis_codes[np.where(okr, rows, 0)]
        txt = np.append(basis_uni, "")[code]
        return np.where(okr, txt, "").astype(object)

    vbasis = _basis(vrow)
    bbasis = np.where(base_row >= 0, _basis(base_row), np.where(use_cat, "plan_text", ""))
    bsrc = np.where(base_row >= 0, _src(base_row), np.where(use_cat, "target catalog base_value", ""))
    sf, ss, si = _text(tg["source_file"]), _text(tg["source_section"]), _text(tg["source_item"])
    # 《title》（doc number） seed-file | section | item: the document and clause
    title = _text(tg["plan_title"]) if "plan_title" in tg else np.full(nt, "", dtype=object)
    docno = _text(tg["doc_number"]) if "doc_number" in tg else np.full(nt, "", dtype=object)
    doc = np.where(title != "", "《" + title + "》", "") + np.where(docno != "", "（" + docno + "）", "")
    tsrc = np.where(doc != "", doc + " ", "") + sf + " | " + ss + " | item " + si
    bsrc = np.where((bsrc == "target catalog base_value"), "plan text: " + tsrc, bsrc)

    out = pd.DataFrame(
        {
            "city": t_city,
            "target_id": _text(tg["target_id"]),
            "indicator_id": t_ind,
            "domain": _text(tg["domain"]),
            "name_zh": _text(tg["name_zh"]),
            "name_en": _text(tg["name_en"]),
            "kind": kind,
            "comparator": cmp,
            "target_value": tv,
            "unit": _text(tg["unit"]),
            "scope": _text(tg["scope"]),
            "measure": measure,
            "direction": _text(tg["direction"]),
            "base_year": pd.array(np.where(np.isnan(by), pd.NA, by), dtype="Int64") if nt else by,
            "target_year": pd.array(np.where(np.isnan(T), pd.NA, T), dtype="Int64"),
            "year_assessed": pd.array(np.where(np.isnan(year_assessed), pd.NA, year_assessed), dtype="Int64"),
            "value": value,
            "value_basis": vbasis.astype(object),
            "value_source": _src(vrow),
            "previous_year": pd.array(np.where(has_prev, year_assessed - 1, pd.NA), dtype="Int64"),
            "previous_value": prev,
            "yoy_change_pp": yoy_pp,
            "yoy_change_pct": yoy_pct,
            "base_value": base_value,
            "base_value_basis": bbasis.astype(object),
            "base_value_source": bsrc.astype(object),
            "reduction_vs_base_pct": red,
            "reference": t_ref,
            "reference_value": np.where(t_ref != "", ref_value, np.nan),
            "planned_value": res["planned_value"],
            "target_for_year": res["target_for_year"],
            "gap": res["gap"],
            "gap_to_path": res["gap_to_path"],
            "status": res["status"],
            "status_zh": res["status_zh"],
            "reason": res["reason"],
            "reason_zh": res["reason_zh"],
            "progress_category": prog_cat,
            "progress_base_year": pd.array(np.where(applicable & ~np.isnan(t0_p), t0_p, pd.NA), dtype="Int64"),
            "ror": ror,
            "trend_n": tr_n[k].astype("int64"),
            "trend_slope": tr_slope[k],
            "trend_p_value": tr_p[k],
            "trend_label": tr_label[k],
            "target_source": tsrc,
        }
    )
    return out.loc[:, list(SCORECARD_COLUMNS)]
