"""Attainment status of a plan target: met / not_met / on_track / off_track / ...

One rule set for every kind in ``constants.TARGET_KINDS``, implemented once
on numpy arrays (:func:`assess_targets`, used by the scorecard for thousands
of targets at a time) and wrapped for a single target by :func:`attainment`.

Status semantics (our decision; methods-and-standards.md A3b notes the UN
rule "a target year already past is assessed up to that year", and A1 the
"target achieved whatever the trend" rule):

- ``not_assessable``: the target itself cannot be checked (no number for a
  numeric kind, no comparator, a trend without a number of years, a
  vs_reference target without a reference entity, a zero base value);
- ``no_data``: no value for the assessed year (or the base / reference / the
  previous-year value it needs).  Never ``met`` or ``not_met``;
- at or after the target year (or when the target has no year):
  ``met`` / ``not_met`` against the target value, never a pace status.  The
  *report* year decides (``report_year``, default the assessed year): a
  report written at or after the target year judges the target on a value
  of the target year (the scorecard judges a due target at its target
  year); when the latest value is older the status is
  ``no_data`` ("no value for the target year"), not a pace status
  on an old figure (issue 9: a 2016 report must not call a 2015 target
  进度正常 on a 2013 value);
- before the target year: ``on_track`` / ``off_track`` against what the plan
  requires *by that year*:

  * ``trajectory``: the linear planned path from (base_year, base_value) to
    (target_year, target_value) (:func:`qclib.indicators.trajectory.trajectory_path`;
    before the base year the base value is held);
  * ``reduction_vs_base`` / ``change_vs_base``: the target pro rata,
    ``target * (year - base_year) / (target_year - base_year)`` (the linear
    path in the target's unit);
  * ``trend``: the latest year-on-year move is in the required direction;
  * other kinds: the target value itself (satisfied now -> on_track).

  A threshold already satisfied before its target year is therefore
  ``on_track``, not ``met``: the plan asks for the level *in* the target
  year;
- a report year before the plan's start year (``plan_start_year``: a
  *baseline year*, e.g. Zhengzhou 2013 for a plan running from 2014), or,
  before the target year, a figure from before it (a 2014 report whose latest
  figure is 2013's; at or after the target year such a figure is ``no_data``
  as above): there
  is no pace to judge, so no ``on_track`` / ``off_track`` (nor ``met`` /
  ``not_met``): the figure shows where the plan started, not how it runs.  The figure is compared with the target itself (the final
  target value; for a trajectory its end point, for a relative kind the
  change since the base year, for vs_reference the reference's value that
  year): ``baseline_met`` (规划前已达到目标值) when it already satisfies it,
  else ``baseline`` (基期水平) with the gap to the target.  A trend target is
  always ``baseline`` (a run before the plan is not the sustained movement
  the plan asks for) and has no gap; so is a relative target assessed before
  its own base year (there is no change since the base yet).

Comparisons allow a relative tolerance of 1e-9 (floating-point residue of
computed reductions, never a policy margin).

The gap is given in the target's unit, oriented so that a positive gap is
what is still missing: ``target - measured`` for ``>``/``>=``,
``measured - target`` for ``<``/``<=``, ``|measured - target|`` for ``==``,
``n_years - run`` (years) for ``trend``.  A gap <= 0 is a margin (for ``>``
and ``<`` a gap of exactly 0 is still short).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from qclib.constants import COMPARATORS, STATUS_NAMES_ZH, TARGET_KINDS
from qclib.exceptions import DataValidationError, Issue
from qclib.indicators.change import _as_year_series, _check_choice
from qclib.indicators.trajectory import _path_values

#: Kinds whose target needs a number (``target_value``).
NUMERIC_KINDS: tuple[str, ...] = (
    "threshold",
    "count",
    "reduction_vs_base",
    "change_vs_base",
    "trajectory",
    "rank",
)

_REL_TOL: float = 1e-9

_KIND_LABEL = {
    "threshold": "value",
    "count": "count",
    "rank": "rank",
    "boolean": "state (1 = achieved)",
    "trajectory": "value",
    "reduction_vs_base": "reduction vs base",
    "change_vs_base": "change vs base",
    "vs_reference": "value",
    "trend": "consecutive years moving the required way",
}
_KIND_LABEL_ZH = {
    "threshold": "指标值",
    "count": "数量",
    "rank": "排名",
    "boolean": "状态（1=已实现）",
    "trajectory": "指标值",
    "reduction_vs_base": "较基年削减",
    "change_vs_base": "较基年变化",
    "vs_reference": "指标值",
    "trend": "连续向目标方向变化年数",
}


def _fmt(a: np.ndarray) -> np.ndarray:
    """Numbers as short strings ('93.1', '2015', '103.6667'); vectorised."""
    r = np.round(np.asarray(a, dtype=float), 4) + 0.0  # +0.0 turns -0.0 into 0.0
    if r.size == 0:
        return np.empty(0, dtype=object)
    uniq, inv = np.unique(r, return_inverse=True)  # format each distinct number once
    return np.char.mod("%.10g", uniq).astype(object)[inv.ravel()]


def _str(a: np.ndarray) -> np.ndarray:
    """Object array of str, with None/NaN as ''."""
    out = np.asarray(a, dtype=object).copy()
    null = pd.isna(out)
    out[null] = ""
    text: np.ndarray = out.astype(str).astype(object)
    return text


def _lookup(keys: np.ndarray, table: dict[str, str], default: str) -> np.ndarray:
    out = np.full(keys.size, default, dtype=object)
    for k, v in table.items():
        out[keys == k] = v
    return out


def _compare(m: np.ndarray, t: np.ndarray, cmp: np.ndarray) -> np.ndarray:
    tol = _REL_TOL * np.maximum(1.0, np.abs(t))
    with np.errstate(invalid="ignore"):
        out: np.ndarray = (
            np.select(
                [cmp == ">", cmp == ">=", cmp == "<=", cmp == "<", cmp == "=="],
                [m > t + tol, m >= t - tol, m <= t + tol, m < t - tol, np.abs(m - t) <= tol],
                default=False,
            )
            & ~np.isnan(m)
            & ~np.isnan(t)
        )
    return out


def _gap(m: np.ndarray, t: np.ndarray, cmp: np.ndarray) -> np.ndarray:
    return np.select(
        [np.isin(cmp, (">", ">=")), np.isin(cmp, ("<", "<=")), cmp == "=="],
        [t - m, m - t, np.abs(m - t)],
        default=np.nan,
    )


def assess_targets(frame: pd.DataFrame) -> pd.DataFrame:
    """Vectorised attainment of many targets (one row per target x year).

    Applies the rules of the module docstring with numpy to every row at
    once.  Measured quantity per kind: the value (threshold, count, rank,
    boolean, trajectory, vs_reference); ``(base - value)/|base| * 100``
    (reduction_vs_base, %); ``(value - base)/|base| * 100`` (change_vs_base,
    %); the number of consecutive year-on-year moves in the required
    direction ending at ``year`` (trend; ``>``/``>=`` rising, ``<``/``<=``
    falling).  A boolean target without a number means ``== 1``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``kind``, ``comparator``, ``target_value``, ``target_year``,
        ``year`` (assessed year; NaN when there is no data), ``value``,
        ``base_year``, ``base_value``, ``reference`` (entity id or empty),
        ``reference_value``, ``n_years``, ``run_up``, ``run_down`` (trend run
        lengths ending at ``year``), ``has_previous`` (bool: ``year - 1`` has a
        value) and ``unit``; optionally ``report_year`` (the year the report
        is written for; default the assessed year), ``n_years_stated``
        (trend: False when the plan gives no number of years and ``n_years``
        is the span of its years, judged year by year; default True), which
        changes only the wording of the reason, and ``plan_start_year``
        (the year the plan starts; a report year or a figure before it is a
        baseline one; NaN or absent: not known).  Not modified.

    Returns
    -------
    pandas.DataFrame
        Same index; columns ``measured``, ``target_for_year``,
        ``planned_value``, ``gap``, ``gap_to_path``, ``satisfied``,
        ``satisfied_final``, ``status``, ``status_zh``, ``reason``,
        ``reason_zh`` and ``before_plan`` (a baseline year).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> f = pd.DataFrame({
    ...     "kind": ["threshold", "trajectory"], "comparator": [">=", "<="],
    ...     "target_value": [90.0, 95.0], "target_year": [2015, 2016],
    ...     "year": [2015, 2014], "value": [93.1, 105.0],
    ...     "base_year": [np.nan, 2013], "base_value": [np.nan, 108.0],
    ...     "reference": ["", ""], "reference_value": [np.nan, np.nan],
    ...     "n_years": [np.nan, np.nan], "run_up": [0, 0], "run_down": [0, 0],
    ...     "has_previous": [True, True], "unit": ["%", "ug/m3"]})
    >>> out = assess_targets(f)
    >>> out[["status", "gap"]].round(2)
         status   gap
    0       met  -3.1
    1  off_track  10.0
    >>> out.loc[1, "reason"]
    '2014: value 105 ug/m3 is behind the planned path <= 103.6667 ug/m3 for 2014 (target <= 95 ug/m3 by 2016)'
    """
    cols = (
        "kind",
        "comparator",
        "target_value",
        "target_year",
        "year",
        "value",
        "base_year",
        "base_value",
        "reference",
        "reference_value",
        "n_years",
        "run_up",
        "run_down",
        "has_previous",
        "unit",
    )
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise DataValidationError([Issue("", None, c, None, "column missing", ", ".join(cols)) for c in missing])
    arrays = {
        c: frame[c].to_numpy(
            dtype=object
            if c in ("kind", "comparator", "reference", "unit")
            else (bool if c == "has_previous" else float)
        )
        for c in cols
    }
    for opt in ("report_year", "plan_start_year"):
        if opt in frame.columns:
            arrays[opt] = frame[opt].to_numpy(dtype=float)
    if "n_years_stated" in frame.columns:
        arrays["n_years_stated"] = frame["n_years_stated"].map(_stated).to_numpy(dtype=bool)
    return pd.DataFrame(_assess_arrays(**arrays), index=frame.index)


def _stated(v: Any) -> bool:
    """``n_years_stated`` of one row: only an explicit false (not a missing value) means 'not stated'."""
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return True
    return bool(v)


@dataclass(frozen=True)
class _Rows:
    """The inputs of :func:`_assess_arrays`, coerced (see :func:`_coerce`).

    ``is_`` maps each kind of ``TARGET_KINDS`` to its row mask; ``rel`` marks
    reduction_vs_base and change_vs_base rows, ``cmp_ok`` a known comparator,
    ``rising`` a ``>``/``>=`` comparator.
    """

    kind: np.ndarray
    cmp: np.ndarray
    tv: np.ndarray
    T: np.ndarray
    year: np.ndarray
    value: np.ndarray
    by: np.ndarray
    bv: np.ndarray
    ref: np.ndarray
    rv: np.ndarray
    ny: np.ndarray
    run_up: np.ndarray
    run_down: np.ndarray
    has_prev: np.ndarray
    unit: np.ndarray
    report_year: np.ndarray
    stated: np.ndarray
    pre: np.ndarray  # the report year or the figure's year is before the plan's start year (a baseline figure)
    start: np.ndarray  # the plan's start year (NaN = not known)
    is_: dict[str, np.ndarray]
    rel: np.ndarray
    cmp_ok: np.ndarray
    rising: np.ndarray


def _coerce(
    kind: np.ndarray,
    comparator: np.ndarray,
    target_value: np.ndarray,
    target_year: np.ndarray,
    year: np.ndarray,
    value: np.ndarray,
    base_year: np.ndarray,
    base_value: np.ndarray,
    reference: np.ndarray,
    reference_value: np.ndarray,
    n_years: np.ndarray,
    run_up: np.ndarray,
    run_down: np.ndarray,
    has_previous: np.ndarray,
    unit: np.ndarray,
    report_year: np.ndarray | None = None,
    n_years_stated: np.ndarray | None = None,
    plan_start_year: np.ndarray | None = None,
) -> _Rows:
    """Coerce the arrays (text: str with '' for missing; numbers: float) into :class:`_Rows`.

    A boolean target without a number (or without a known comparator)
    becomes ``== 1``: "achieved" means the value is 1.
    """
    kind_s = _str(kind)
    cmp = _str(comparator)
    tv = np.asarray(target_value, dtype=float)
    is_ = {k: kind_s == k for k in TARGET_KINDS}
    bool_default = is_["boolean"] & (np.isnan(tv) | ~np.isin(cmp, COMPARATORS))
    tv = np.where(bool_default, 1.0, tv)
    cmp = np.where(bool_default, "==", cmp)
    ry = np.asarray(year if report_year is None else report_year, dtype=float)
    start = np.full(kind_s.size, np.nan) if plan_start_year is None else np.asarray(plan_start_year, dtype=float)
    fig = np.fmin(ry, np.asarray(year, dtype=float))  # the figure's year (the report year without one)
    T = np.asarray(target_year, dtype=float)
    with np.errstate(invalid="ignore"):
        # a baseline year; or, before the target year, a figure from before the plan (at or after the
        # target year the target-year rule decides: an older figure is no_data)
        pre = ~np.isnan(start) & ((ry < start) | ((fig < start) & (ry < T)))
    return _Rows(
        kind=kind_s,
        cmp=cmp,
        tv=tv,
        T=T,
        year=np.asarray(year, dtype=float),
        value=np.asarray(value, dtype=float),
        by=np.asarray(base_year, dtype=float),
        bv=np.asarray(base_value, dtype=float),
        ref=_str(reference),
        rv=np.asarray(reference_value, dtype=float),
        ny=np.asarray(n_years, dtype=float),
        run_up=np.asarray(run_up, dtype=float),
        run_down=np.asarray(run_down, dtype=float),
        has_prev=np.asarray(has_previous, dtype=bool),
        unit=_str(unit),
        report_year=ry,
        stated=np.ones(kind_s.size, dtype=bool) if n_years_stated is None else np.asarray(n_years_stated, dtype=bool),
        pre=pre,
        start=start,
        is_=is_,
        rel=is_["reduction_vs_base"] | is_["change_vs_base"],
        cmp_ok=np.isin(cmp, COMPARATORS),
        rising=np.isin(cmp, (">", ">=")),
    )


def _first_reason(
    msgs: list[tuple[np.ndarray, str, str]], excluded: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows meeting any condition (outside ``excluded``) and the first condition's message.

    Parameters
    ----------
    msgs : list of (mask, message, message_zh)
        Conditions in order of precedence.
    excluded : numpy.ndarray
        Rows already decided (never flagged).

    Returns
    -------
    flagged, reason, reason_zh : numpy.ndarray
        The mask and, per flagged row, the messages of its first condition
        ('' elsewhere).
    """
    n = excluded.size
    hit = np.zeros(n, dtype=bool)
    reason = np.full(n, "", dtype=object)
    reason_zh = np.full(n, "", dtype=object)
    for cond, msg, msg_zh in msgs:
        new = cond & ~hit & ~excluded
        reason = np.where(new, msg, reason)
        reason_zh = np.where(new, msg_zh, reason_zh)
        hit |= cond & ~excluded
    return hit, reason, reason_zh


def _not_assessable(r: _Rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Targets that cannot be checked at all (module docstring), with the first reason.

    Parameters
    ----------
    r : _Rows
        Coerced inputs.

    Returns
    -------
    not_assessable, reason, reason_zh : numpy.ndarray
        As :func:`_first_reason`: unknown kind, no comparator, no number for
        a numeric kind, a trend without years or direction, a vs_reference
        target without a reference, a relative target without a base year
        or with a zero base value.
    """
    is_ = r.is_
    return _first_reason(
        [
            (~np.isin(r.kind, TARGET_KINDS), "unknown target kind", "目标类型未知"),
            (~r.cmp_ok, "the target has no comparator", "目标缺少比较符"),
            (np.isin(r.kind, NUMERIC_KINDS) & np.isnan(r.tv), "the target states no number", "目标未给出数值"),
            (
                is_["trend"] & (np.isnan(r.ny) | (r.cmp == "==")),
                "the trend target states no number of years or no direction",
                "趋势目标未给出年数或方向",
            ),
            (is_["vs_reference"] & (r.ref == ""), "the target names no reference entity", "目标未指明参照地区"),
            (r.rel & np.isnan(r.by), "the target states no base year", "目标未给出基年"),
            (r.rel & (r.bv == 0), "the base value is 0: a relative change is undefined", "基年值为0，无法计算相对变化"),
        ],
        np.zeros(r.kind.size, dtype=bool),
    )


@dataclass(frozen=True)
class _Measured:
    """What is compared with what (see :func:`_measure`)."""

    final: np.ndarray  # assessed at or after the target year (or no target year)
    measured: np.ndarray  # the quantity compared, in the target's unit
    planned: np.ndarray  # trajectory path value (NaN for other kinds)
    target_final: np.ndarray  # the target itself
    target_for_year: np.ndarray  # what the plan requires in the assessed year


def _measure(r: _Rows) -> _Measured:
    """The measured quantity per kind and the target for the assessed year.

    Measured: the value; ``(base - value)/|base| * 100`` (reduction_vs_base);
    ``(value - base)/|base| * 100`` (change_vs_base); the run of moves in
    the required direction (trend, NaN without a previous value).  Target
    for the year before the target year: the planned path (trajectory; the
    base value before the base year), the pro-rata target (relative kinds),
    one move (trend), else the target; from the target year on the target
    (the reference value for vs_reference, ``n_years`` for trend).  In a
    baseline year (``r.pre``) the target itself, never a path; a relative
    target assessed before its own base year measures nothing (NaN).
    """
    is_, n = r.is_, r.kind.size
    final = (np.isnan(r.T) | (np.fmax(r.report_year, r.year) >= r.T)) & ~r.pre
    with np.errstate(invalid="ignore", divide="ignore"):
        red = (r.bv - r.value) / np.abs(r.bv) * 100.0
        chg = (r.value - r.bv) / np.abs(r.bv) * 100.0
        prorata = np.clip((r.year - r.by) / (r.T - r.by), 0.0, 1.0)
    run = np.where(r.rising, r.run_up, r.run_down)
    measured = np.select(
        [is_["reduction_vs_base"], is_["change_vs_base"], is_["trend"]],
        [red, chg, np.where(r.has_prev, run, np.nan)],
        default=r.value,
    )
    with np.errstate(invalid="ignore"):
        measured = np.where(r.pre & r.rel & (r.year < r.by), np.nan, measured)
    path = _path_values(r.by, r.bv, r.T, r.tv, r.year)
    path = np.where(r.year < r.by, r.bv, path)
    target_final = np.select([is_["vs_reference"], is_["trend"]], [r.rv, r.ny], default=r.tv)
    target_year_t = np.select(
        [is_["trajectory"], r.rel, is_["trend"]],
        [path, r.tv * prorata, np.ones(n)],
        default=target_final,
    )
    return _Measured(
        final=final,
        measured=measured,
        planned=np.where(is_["trajectory"], path, np.nan),
        target_final=target_final,
        target_for_year=np.where(final | r.pre, target_final, target_year_t),
    )


def _no_data(r: _Rows, final: np.ndarray, na: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Assessable targets lacking a value they need, with the first reason.

    Parameters
    ----------
    r : _Rows
        Coerced inputs.
    final : numpy.ndarray
        Assessed at or after the target year (:class:`_Measured`).
    na : numpy.ndarray
        Not-assessable rows (never flagged here).

    Returns
    -------
    no_data, reason, reason_zh : numpy.ndarray
        As :func:`_first_reason`: no value (or year), no base value for a
        relative target, no start of the planned path before the target
        year, no reference value, no previous value for a trend.
    """
    is_ = r.is_
    return _first_reason(
        [
            (np.isnan(r.value) | np.isnan(r.year), "no value up to the assessed year", "评估年及以前无数据"),
            (
                final & (r.year < r.T),
                "no value for the target year (the latest before it is shown)",
                "目标年无数据（所列为目标年以前的最近数据）",
            ),
            (r.rel & np.isnan(r.bv), "no base-year value", "缺少基年值"),
            (
                is_["trajectory"] & ~final & (np.isnan(r.bv) | np.isnan(r.by)),
                "no start value for the planned path",
                "缺少规划路径起点值",
            ),
            (
                is_["vs_reference"] & np.isnan(r.rv),
                "no value for the reference entity in that year",
                "参照地区当年无数据",
            ),
            (is_["trend"] & ~r.has_prev, "no previous-year value to judge the direction", "缺少上年值，无法判断方向"),
        ],
        na,
    )


def _status(
    na: np.ndarray,
    nd: np.ndarray,
    final: np.ndarray,
    sat: np.ndarray,
    pre: np.ndarray | None = None,
    trend: np.ndarray | None = None,
) -> np.ndarray:
    """Status of each row: not_assessable > no_data > baseline_met / baseline (a baseline year) >
    met / not_met (final) or on_track / off_track.

    Parameters
    ----------
    na, nd, final, sat : numpy.ndarray
        Not assessable, no data, assessed as final, target for the year satisfied.
    pre, trend : numpy.ndarray
        The report year is before the plan starts; the target is a trend (never ``baseline_met``).
        Default: no row.

    Returns
    -------
    numpy.ndarray
        Object array of status names (``constants.STATUSES``).
    """
    pre = np.zeros(na.size, dtype=bool) if pre is None else pre
    trend = np.zeros(na.size, dtype=bool) if trend is None else trend
    judged = np.where(final, np.where(sat, "met", "not_met"), np.where(sat, "on_track", "off_track"))
    baseline = np.where(sat & ~trend, "baseline_met", "baseline")
    return np.where(na, "not_assessable", np.where(nd, "no_data", np.where(pre, baseline, judged))).astype(object)


def _reason_context(
    r: _Rows, m: _Measured, sat: np.ndarray, status_zh: np.ndarray, idx: np.ndarray
) -> dict[str, np.ndarray]:
    """Pieces shared by the verdict sentences of the assessed rows ``idx``.

    Returns
    -------
    dict
        Per row of ``idx``: ``sfx`` (unit suffix), ``yr`` / ``Ty`` (assessed
        / target year), ``cmp`` (the comparator shown), ``head`` / ``zh_head``
        (year, label, measured and, in Chinese, the target), ``tgt`` (the
        target described), ``sat``, ``final``, ``status_zh``, ``trend``,
        ``rel``, ``trajectory``, ``target_for_year`` and ``n_years``.
    """
    rel_i, trend_i, ref_i = r.rel[idx], r.is_["trend"][idx], r.is_["vs_reference"][idx]
    u = r.unit[idx]
    sfx = np.where(np.isin(u, ["%", ""]), u, " " + u)
    sfx = np.where(rel_i, "%", np.where(trend_i, " years", sfx)).astype(object)
    yr = _fmt(r.year[idx])
    cmp_t = np.where(trend_i, ">=", r.cmp[idx]).astype(object)
    label = _lookup(r.kind[idx], _KIND_LABEL, "value")
    label = np.where(rel_i, label + " " + _fmt(r.by[idx]), label)
    label_zh = _lookup(r.kind[idx], _KIND_LABEL_ZH, "指标值")
    m_s = _fmt(m.measured[idx]) + sfx
    tf_s = _fmt(m.target_final[idx]) + sfx
    rv_s = _fmt(r.rv[idx]) + sfx
    ref_s = r.ref[idx]
    tgt_zh = np.where(ref_i, ref_s + "（" + rv_s + "）", tf_s)
    trend_en, trend_zh = _trend_texts(r, m, idx)
    return {
        "sfx": sfx,
        "yr": yr,
        "Ty": _fmt(r.T[idx]),
        "cmp": cmp_t,
        "head": yr + ": " + label + " " + m_s,
        "zh_head": yr + "年" + label_zh + " " + m_s + "，目标" + cmp_t + " " + tgt_zh,
        "tgt": np.where(ref_i, "the value of " + ref_s + " (" + rv_s + ")", tf_s),
        "sat": sat[idx],
        "final": m.final[idx],
        "status_zh": status_zh[idx],
        "trend": trend_i,
        "rel": rel_i,
        "trajectory": r.is_["trajectory"][idx],
        "target_for_year": m.target_for_year[idx],
        "n_years": r.ny[idx],
        "trend_en": trend_en,
        "trend_zh": trend_zh,
        "pre": r.pre[idx],
        "start": _fmt(r.start[idx]),
        "measured": m.measured[idx],
    }


def _trend_texts(r: _Rows, m: _Measured, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The target of trend rows in words (en), and the run with the target (zh), for rows ``idx``.

    连续N年 only where the plan states N (``stated``); otherwise the plan years
    ``target_year - n_years + 1`` to ``target_year``, each year judged against the one before.
    """
    stated, ny, T = r.stated[idx], r.ny[idx], r.T[idx]
    rising = r.rising[idx]
    start, end = _fmt(T - ny + 1), _fmt(T)
    verb_zh = np.where(rising, "提高", "下降").astype(object)
    en = np.where(
        stated,
        _fmt(ny) + " years running by " + end,
        np.where(rising, "a rise", "a fall").astype(object)
        + " in every year "
        + start
        + "-"
        + end
        + " (the plan states no number of years)",
    ).astype(object)
    run = m.measured[idx]
    run_zh = np.where(run > 0, "已连续" + _fmt(run) + "年" + verb_zh, "未比上年" + verb_zh).astype(object)
    tgt_zh = np.where(
        stated, "连续" + _fmt(ny) + "年" + verb_zh, "规划期内（" + start + "—" + end + "年）逐年" + verb_zh
    ).astype(object)
    zh = _fmt(r.year[idx]) + "年" + run_zh + "，目标为" + tgt_zh
    return en, zh


def _reason_final(c: dict[str, np.ndarray], f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sentences (en, zh) of rows ``f`` assessed at or after the target year: met / not met."""
    meets = c["head"][f] + np.where(c["sat"][f], " meets", " does not meet").astype(object) + " the target "
    en = meets + c["cmp"][f] + " " + c["tgt"][f] + " (target year " + c["Ty"][f] + ")"
    zh = c["zh_head"][f] + "（目标年" + c["Ty"][f] + "）：" + c["status_zh"][f]
    trend = c["trend"][f]
    if trend.any():  # a trend's target is a run of years, said as the plan says it
        en_t = meets + "(" + c["trend_en"][f] + ")"
        zh_t = c["trend_zh"][f] + "（目标年" + c["Ty"][f] + "）：" + c["status_zh"][f]
        en, zh = np.where(trend, en_t, en).astype(object), np.where(trend, zh_t, zh).astype(object)
    return en, zh


def _reason_baseline(c: dict[str, np.ndarray], f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sentences (en, zh) of rows ``f`` in a baseline year: the figure against the target, no pace."""
    sat, trend_f = c["sat"][f] & ~c["trend"][f], c["trend"][f]
    nothing = np.isnan(c["measured"][f].astype(float))  # a relative target before its own base year
    where = np.select(
        [trend_f, nothing, sat],
        [
            "; a trend is not judged before the plan runs",
            "; the base year comes later: no change since it yet",
            "; already reaches the target value",
        ],
        default="; does not reach the target value yet",
    ).astype(object)
    en = (
        c["head"][f]
        + ", target "
        + c["cmp"][f]
        + " "
        + c["tgt"][f]
        + " by "
        + c["Ty"][f]
        + ": before the plan starts ("
        + c["start"][f]
        + "), no pace is judged"
        + where
    )
    zh = (
        c["zh_head"][f]
        + "（目标年"
        + c["Ty"][f]
        + "）；"
        + c["yr"][f]
        + "年在规划实施之前（规划自"
        + c["start"][f]
        + "年起实施），不作进度判断："
        + c["status_zh"][f]
    )
    return en, zh


def _reason_on_path(c: dict[str, np.ndarray], f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sentences (en, zh) of non-trend rows ``f`` before the target year: on / behind the path."""
    path_name = np.select(
        [c["trajectory"][f], c["rel"][f]], ["the planned path", "the pro-rata path"], default="the target"
    ).astype(object)
    ty_s = _fmt(c["target_for_year"][f]) + c["sfx"][f]
    cmp_t = c["cmp"][f]
    en = (
        c["head"][f]
        + np.where(c["sat"][f], " is on ", " is behind ").astype(object)
        + path_name
        + " "
        + cmp_t
        + " "
        + ty_s
        + " for "
        + c["yr"][f]
        + " (target "
        + cmp_t
        + " "
        + c["tgt"][f]
        + " by "
        + c["Ty"][f]
        + ")"
    )
    zh = c["zh_head"][f] + "（" + c["Ty"][f] + "年），当年要求" + cmp_t + " " + ty_s + "：" + c["status_zh"][f]
    return en, zh


def _reason_trend(c: dict[str, np.ndarray], f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sentences (en, zh) of trend rows ``f`` before the target year: the latest move's direction."""
    sat = c["sat"][f]
    en = (
        c["head"][f]
        + np.where(
            sat,
            ": the latest year-on-year move is in the required direction",
            ": the latest year-on-year move is not in the required direction",
        ).astype(object)
        + " (target: "
        + c["trend_en"][f]
        + ")"
    )
    zh = (
        c["trend_zh"][f]
        + "；最近一年"
        + np.where(sat, "向目标方向变化", "未向目标方向变化").astype(object)
        + "："
        + c["status_zh"][f]
    )
    return en, zh


def _reasons(
    r: _Rows,
    m: _Measured,
    sat: np.ndarray,
    status_zh: np.ndarray,
    not_assessable: tuple[np.ndarray, np.ndarray, np.ndarray],
    no_data: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """The verdict of every row in words (en, zh).

    Each row's sentence is built once, on the subset of rows of its
    template: not assessable, no data, final (:func:`_reason_final`),
    on/behind the path (:func:`_reason_on_path`), trend before the target
    year (:func:`_reason_trend`).
    """
    na, na_reason, na_reason_zh = not_assessable
    nd, nd_reason, nd_reason_zh = no_data
    n = na.size
    reason = np.empty(n, dtype=object)
    reason_zh = np.empty(n, dtype=object)
    reason[na] = "not assessable: " + na_reason[na]
    reason_zh[na] = "无法评估：" + na_reason_zh[na]
    reason[nd] = "no data: " + nd_reason[nd]
    reason_zh[nd] = "无数据：" + nd_reason_zh[nd]
    idx = np.flatnonzero(~na & ~nd)
    if idx.size:
        c = _reason_context(r, m, sat, status_zh, idx)
        en = np.empty(idx.size, dtype=object)
        zh = np.empty(idx.size, dtype=object)
        fin, trend_i, pre = c["final"], c["trend"], c["pre"]
        en[fin], zh[fin] = _reason_final(c, fin)
        for f, build in (
            (pre, _reason_baseline),
            (~fin & ~pre & ~trend_i, _reason_on_path),
            (~fin & ~pre & trend_i, _reason_trend),
        ):
            if f.any():
                en[f], zh[f] = build(c, f)
        reason[idx] = en
        reason_zh[idx] = zh
    return reason, reason_zh


def _assess_arrays(
    kind: np.ndarray,
    comparator: np.ndarray,
    target_value: np.ndarray,
    target_year: np.ndarray,
    year: np.ndarray,
    value: np.ndarray,
    base_year: np.ndarray,
    base_value: np.ndarray,
    reference: np.ndarray,
    reference_value: np.ndarray,
    n_years: np.ndarray,
    run_up: np.ndarray,
    run_down: np.ndarray,
    has_previous: np.ndarray,
    unit: np.ndarray,
    report_year: np.ndarray | None = None,
    n_years_stated: np.ndarray | None = None,
    plan_start_year: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Core of :func:`assess_targets` on plain arrays (no pandas objects).

    Steps: :func:`_coerce`, :func:`_not_assessable`, :func:`_measure`,
    :func:`_no_data`, compare (:func:`_compare`, :func:`_gap`),
    :func:`_status`, :func:`_reasons`.  Parameters and returned columns:
    :func:`assess_targets` (plus ``satisfied_final``).
    """
    r = _coerce(
        kind,
        comparator,
        target_value,
        target_year,
        year,
        value,
        base_year,
        base_value,
        reference,
        reference_value,
        n_years,
        run_up,
        run_down,
        has_previous,
        unit,
        report_year,
        n_years_stated,
        plan_start_year,
    )
    not_assessable = _not_assessable(r)
    na = not_assessable[0]
    m = _measure(r)
    no_data = _no_data(r, m.final, na)
    nd = no_data[0]
    trend = r.is_["trend"]
    cmp_eff = np.where(trend, ">=", r.cmp)
    sat = _compare(m.measured, m.target_for_year, cmp_eff)
    sat_final = _compare(m.measured, m.target_final, cmp_eff)
    gap = np.where(trend, m.target_final - m.measured, _gap(m.measured, m.target_final, r.cmp))
    gap = np.where(r.pre & trend, np.nan, gap)  # a trend before the plan: no distance in years
    gap_path = np.where(trend, m.target_for_year - m.measured, _gap(m.measured, m.target_for_year, r.cmp))
    gap_path = np.where(r.pre, np.nan, gap_path)  # a baseline year has no path to be on or behind
    ok = ~na & ~nd
    status = _status(na, nd, m.final, sat, r.pre, trend)
    status_zh = _lookup(status, STATUS_NAMES_ZH, "")
    reason, reason_zh = _reasons(r, m, sat, status_zh, not_assessable, no_data)
    return {
        "measured": np.where(ok, m.measured, np.nan),
        "target_for_year": np.where(na, np.nan, m.target_for_year),
        "planned_value": m.planned,
        "gap": np.where(ok, gap, np.nan),
        "gap_to_path": np.where(ok, gap_path, np.nan),
        "satisfied": np.where(ok, sat, False) & ok,
        "satisfied_final": sat_final & ok,
        "status": status,
        "status_zh": status_zh,
        "reason": reason,
        "reason_zh": reason_zh,
        "before_plan": r.pre.copy(),
    }


@dataclass(frozen=True)
class AttainmentResult:
    """Attainment of one target in one year (see :func:`attainment`).

    Attributes
    ----------
    status : str
        One of ``constants.STATUSES``.
    year : int or None
        Year assessed.
    value : float
        The indicator value used (NaN when none).
    measured : float
        The quantity compared, in the target's unit.
    target_for_year : float
        What the plan requires in ``year`` (path value before the target
        year, the target after).
    planned_value : float
        Trajectory path value for ``year`` (NaN for other kinds).
    gap, gap_to_path : float
        Distance still missing to the final target / to ``target_for_year``
        (positive = short), in the target's unit.
    reason, reason_zh : str
        The verdict in words.
    """

    status: str
    year: int | None
    value: float
    measured: float
    target_for_year: float
    planned_value: float
    gap: float
    gap_to_path: float
    reason: str
    reason_zh: str

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a plain dict.

        Examples
        --------
        >>> attainment("count", comparator=">=", target_value=1, target_year=2015,
        ...            year=2015, value=2).to_dict()["status"]
        'met'
        """
        return asdict(self)


def _run_length(s: pd.Series, year: int, rising: bool) -> tuple[float, bool]:
    """Consecutive year-on-year moves in one direction ending at ``year``."""
    run = 0
    has_prev = (year - 1) in s.index and year in s.index
    y = year
    while y in s.index and (y - 1) in s.index:
        d = s.loc[y] - s.loc[y - 1]
        if (d > 0) if rising else (d < 0):
            run += 1
            y -= 1
        else:
            break
    return float(run), has_prev


def attainment(
    kind: str,
    *,
    comparator: str | None,
    target_value: float | None,
    target_year: int | None,
    year: int | None = None,
    value: float | None = None,
    series: pd.Series | None = None,
    base_year: int | None = None,
    base_value: float | None = None,
    reference: str | None = None,
    reference_value: float | None = None,
    n_years: int | None = None,
    unit: str = "",
    report_year: int | None = None,
    n_years_stated: bool = True,
    plan_start_year: int | None = None,
) -> AttainmentResult:
    """Status, gap and reason of one target (every kind of ``TARGET_KINDS``).

    Rules: module docstring (before the target year on_track/off_track
    against the planned path or pro-rata target; at or after it met/not_met,
    judged on a value of the target year or later;
    no value -> no_data; a target with nothing to check -> not_assessable).
    Same code path as the scorecard (:func:`assess_targets`).

    Give either ``value`` (with ``year``) or a ``series`` indexed by year:
    with a series the assessed year is ``year`` if it has a value, else the
    latest year with a value up to ``year`` (or overall); the base value and
    the trend run are read from it too.

    Parameters
    ----------
    kind : str
        One of ``constants.TARGET_KINDS``.
    comparator : str or None
        One of ``constants.COMPARATORS`` (None allowed for boolean).
    target_value : float or None
        Target in the target's unit (None for a target without a number).
    target_year : int or None
        None means "assess as final".
    year : int, optional
        Assessed year (required without ``series``).
    value : float, optional
        Value in ``year``.
    series : pandas.Series, optional
        Values by year (for trend targets, required).
    base_year, base_value : optional
        Base of reduction/change/trajectory targets.
    reference, reference_value : optional
        Reference entity id and its value in ``year`` (vs_reference).
    n_years : int, optional
        Years running (trend).
    n_years_stated : bool
        Trend: whether the plan states ``n_years`` (连续3年) or it is the span of
        the plan years judged year by year (不断提高 without a number); wording only.
    unit : str
        Unit of the target, for the reason text.
    report_year : int, optional
        The year the report is written for (default ``year``): at or after
        the target year a value older than the target year gives ``no_data``.
    plan_start_year : int, optional
        The year the plan starts: a report year (or a figure) before it is a
        baseline one (``baseline_met`` / ``baseline``, no pace status).

    Returns
    -------
    AttainmentResult

    Raises
    ------
    InvalidChoiceError
        Unknown ``kind`` or ``comparator``.
    DataValidationError
        Neither ``year`` nor ``series`` given.

    Examples
    --------
    >>> attainment("threshold", comparator=">=", target_value=90, target_year=2015,
    ...            year=2015, value=93.1, unit="%").status
    'met'
    >>> attainment("threshold", comparator=">=", target_value=90, target_year=2015,
    ...            year=2013, value=93.1, unit="%").status
    'on_track'
    >>> r = attainment("reduction_vs_base", comparator=">=", target_value=14.8,
    ...                target_year=2015, year=2015, value=86.0, base_year=2010,
    ...                base_value=100.0)
    >>> r.status, round(r.measured, 1), round(r.gap, 1)
    ('not_met', 14.0, 0.8)
    >>> r.reason
    '2015: reduction vs base 2010 14% does not meet the target >= 14.8% (target year 2015)'
    >>> attainment("reduction_vs_base", comparator=">=", target_value=14.8,
    ...            target_year=2015, year=2015, value=85.2, base_year=2010,
    ...            base_value=100.0).status
    'met'
    >>> attainment("threshold", comparator=">=", target_value=None, target_year=2015,
    ...            year=2015, value=1.0).status
    'not_assessable'
    >>> attainment("boolean", comparator=None, target_value=None, target_year=2015,
    ...            year=2015, value=1.0).status
    'met'
    >>> s = pd.Series([20.0, 21.0, 23.0], index=[2013, 2014, 2015])
    >>> attainment("trend", comparator=">", target_value=None, target_year=2015, series=s, year=2015,
    ...            n_years=2, n_years_stated=False).reason_zh
    '2015年已连续2年提高，目标为规划期内（2014—2015年）逐年提高（目标年2015）：已达标'

    A baseline year (the plan starts in 2014): the figure against the target, no pace.

    >>> r = attainment("threshold", comparator=">=", target_value=95, target_year=2015,
    ...                year=2013, value=85.0, unit="%", plan_start_year=2014)
    >>> r.status, r.gap
    ('baseline', 10.0)
    >>> r.reason_zh
    '2013年指标值 85%，目标>= 95%（目标年2015）；2013年在规划实施之前（规划自2014年起实施），不作进度判断：基期水平'
    >>> attainment("threshold", comparator=">=", target_value=92.5, target_year=2015,
    ...            year=2013, value=93.0, unit="%", plan_start_year=2014).status
    'baseline_met'
    """
    _check_choice("kind", kind, TARGET_KINDS)
    if comparator is not None or kind != "boolean":
        _check_choice("comparator", comparator, COMPARATORS)
    run_up = run_down = 0.0
    has_prev = False
    asked = report_year if report_year is not None else year  # at/after the target year: final statuses only
    if series is not None:
        s = _as_year_series(series).dropna()
        if year is not None:
            s_upto = s.loc[: int(year)]
        else:
            s_upto = s
        if len(s_upto):
            year = int(year) if (year is not None and int(year) in s_upto.index) else int(s_upto.index.max())
            value = float(s_upto.loc[year]) if value is None else value
        if base_value is None and base_year is not None and int(base_year) in s.index:
            base_value = float(s.loc[int(base_year)])
        if year is not None:
            run_up, has_prev = _run_length(s_upto, int(year), True)
            run_down, _ = _run_length(s_upto, int(year), False)
    elif year is None:
        raise DataValidationError(
            [Issue("", None, "year", None, "give a year (with value) or a series", "an integer year")]
        )

    def _f(x: float | None) -> float:
        return np.nan if x is None else float(x)

    frame = pd.DataFrame(
        {
            "kind": [kind],
            "comparator": [comparator],
            "target_value": [_f(target_value)],
            "target_year": [_f(target_year)],
            "year": [_f(year)],
            "value": [_f(value)],
            "base_year": [_f(base_year)],
            "base_value": [_f(base_value)],
            "reference": [reference or ""],
            "reference_value": [_f(reference_value)],
            "n_years": [_f(n_years)],
            "run_up": [run_up],
            "run_down": [run_down],
            "has_previous": [has_prev],
            "unit": [unit],
            "report_year": [_f(asked if asked is not None else year)],
            "n_years_stated": [bool(n_years_stated)],
            "plan_start_year": [_f(plan_start_year)],
        },
        dtype=object,
    )
    row = assess_targets(frame).iloc[0]
    return AttainmentResult(
        status=str(row["status"]),
        year=None if year is None else int(year),
        value=_f(value),
        measured=float(row["measured"]),
        target_for_year=float(row["target_for_year"]),
        planned_value=float(row["planned_value"]),
        gap=float(row["gap"]),
        gap_to_path=float(row["gap_to_path"]),
        reason=str(row["reason"]),
        reason_zh=str(row["reason_zh"]),
    )
