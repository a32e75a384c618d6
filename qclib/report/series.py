"""Which figure of an indicator a report shows for each year (as the scorecard picks it).

Charts and tables both draw on these histories, so the choice of basis and
scope is made once, here, in the scorecard's order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

#: Bases that can be a year's value, preferred first (the scorecard's rule:
#: :data:`qclib.indicators.scorecard.VALUE_BASIS_RANK`; plan texts and partial years never are).
BASIS_PRIORITY: tuple[str, ...] = ("official", "computed", "derived", "research")


def _scope_key(scope: Any) -> str:
    """The scorecard's scope normalisation (whole-entity and urban spellings)."""
    from qclib.indicators.scorecard import URBAN_SCOPES, WHOLE_ENTITY_SCOPES

    text = "" if scope is None or (isinstance(scope, float) and math.isnan(scope)) else str(scope).strip()
    text = "市区" if text in URBAN_SCOPES else text
    return "" if text in WHOLE_ENTITY_SCOPES else text


def indicator_history(
    observations: pd.DataFrame, city: str, indicator_id: str, *, until: int | None = None, scope: str | None = None
) -> pd.DataFrame:
    """One value per year for a city's indicator, chosen as the scorecard does.

    Only bases that can be a year's value count (:data:`BASIS_PRIORITY`,
    the order of :data:`qclib.indicators.scorecard.VALUE_BASIS_RANK`: plan texts and
    partial years never are); the best-ranked basis wins, ties keep the first
    row read.  With ``scope``, only figures of that scope are kept (the
    whole-entity spellings of :data:`qclib.indicators.scorecard.WHOLE_ENTITY_SCOPES` are
    one scope), so a 市区 figure never stands for the whole city.

    Parameters
    ----------
    observations : DataFrame
        Observations (``city``, ``indicator_id``, ``year``, ``value``,
        ``basis``; ``scope`` optional).
    city, indicator_id : str
        What to select.
    until : int, optional
        Last year kept.
    scope : str, optional
        The target's scope (None = any scope).

    Returns
    -------
    DataFrame
        ``year``, ``value``, ``unit``, ``basis``, ``source``, ``source_kind``
        (those present) sorted by year.  Within a basis a publisher's figure
        beats an aggregator's or a copy site's (the scorecard's
        ``SOURCE_KIND_PENALTY``); a whole-city history without whole-city
        figures is the 市区 one (the scorecard's scope rule).

    Examples
    --------
    >>> obs = pd.DataFrame({"city": ["a"] * 4, "indicator_id": ["x"] * 4, "year": [2013, 2013, 2014, 2014],
    ...     "value": [108.0, 105.0, 100.0, 90.0], "basis": ["plan_text", "research", "official", "official"],
    ...     "source": ["plan", "study", "bulletin", "bulletin"], "scope": ["", "", "全市", "市区"]})
    >>> indicator_history(obs, "a", "x", scope="")[["year", "value"]].to_dict("list")
    {'year': [2013, 2014], 'value': [105.0, 100.0]}
    >>> indicator_history(obs, "a", "x", scope="市区")["value"].tolist()
    [90.0]
    >>> indicator_history(obs.assign(scope=["", "", "全市", "城市"]), "a", "x", scope="市区")["value"].tolist()
    [90.0]
    """
    sel = observations.loc[
        (observations["city"] == city)
        & (observations["indicator_id"] == indicator_id)
        & observations["basis"].isin(BASIS_PRIORITY)
    ]
    if until is not None:
        sel = sel.loc[sel["year"] <= until]
    if scope is not None and "scope" in sel.columns:
        key = _scope_key(scope)
        keys = sel["scope"].map(_scope_key)
        # the scorecard's scope rule: a whole-city target without whole-city figures uses 市区 ones
        sel = sel.loc[keys == key] if (keys == key).any() or key != "" else sel.loc[keys == "市区"]
    from qclib.indicators.scorecard import SOURCE_KIND_PENALTY

    rank = {b: i for i, b in enumerate(BASIS_PRIORITY)}
    kinds = sel["source_kind"].astype(object) if "source_kind" in sel else pd.Series("", index=sel.index)
    penalty = kinds.map(lambda k: SOURCE_KIND_PENALTY.get(k, 0.0)).astype(float)
    sel = sel.assign(_r=sel["basis"].astype(object).map(rank).astype(float) + penalty)
    sel = sel.sort_values(["year", "_r"], kind="stable").drop_duplicates("year", keep="first")
    cols = [c for c in ("year", "value", "unit", "basis", "source", "source_kind") if c in sel.columns]
    return sel.loc[:, cols].reset_index(drop=True)


def reference_histories(
    observations: pd.DataFrame, entities: Mapping[str, str], indicator_id: str, *, until: int | None = None
) -> dict[str, pd.DataFrame]:
    """Histories of reference entities for an indicator (non-empty ones only).

    Parameters
    ----------
    observations : DataFrame
        Observations.
    entities : mapping
        Entity id → display name (e.g. ``{"henan": "河南省", "china": "全国"}``).
    indicator_id : str
        Indicator.
    until : int, optional
        Last year kept.

    Returns
    -------
    dict
        Display name → :func:`indicator_history` frame.

    Examples
    --------
    >>> obs = pd.DataFrame({"city": ["china"], "indicator_id": ["x"], "year": [2015], "value": [50.0],
    ...                     "basis": ["official"], "source": ["s"]})
    >>> list(reference_histories(obs, {"china": "全国", "henan": "河南省"}, "x"))
    ['全国']
    """
    out = {}
    for ent, name in entities.items():
        h = indicator_history(observations, ent, indicator_id, until=until)
        if not h.empty:
            out[name] = h
    return out


def has_path(target: Mapping[str, Any]) -> bool:
    """Whether a target draws as a path (two or more points): a trajectory, or a change from a known base.

    Examples
    --------
    >>> has_path({"kind": "trajectory", "base_year": 2013, "base_value": 108, "target_year": 2016,
    ...           "target_value": 95})
    True
    >>> has_path({"kind": "threshold", "target_value": 90, "target_year": 2015})
    False
    """
    vals = [target.get(k) for k in ("base_year", "base_value", "target_year", "target_value")]
    known = all(v is not None and not (isinstance(v, float) and math.isnan(v)) for v in vals)
    if not known or target.get("kind") not in ("trajectory", "reduction_vs_base", "change_vs_base"):
        return False
    return target.get("kind") != "trajectory" or float(vals[2] or 0) > float(vals[0] or 0)


def drawable(history: pd.DataFrame, target: Mapping[str, Any] | None = None) -> bool:
    """A chart only where there is something to see: two or more years, or one year and a path.

    Examples
    --------
    >>> one = pd.DataFrame({"year": [2013], "value": [100.0]})
    >>> drawable(one, {"kind": "threshold", "target_value": 100, "target_year": 2015})
    False
    >>> drawable(one, {"kind": "trajectory", "base_year": 2013, "base_value": 108,
    ...                "target_year": 2016, "target_value": 95})
    True
    """
    n = history["year"].nunique() if not history.empty else 0
    return n >= 2 or (n == 1 and target is not None and has_path(target))
