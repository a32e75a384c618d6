"""Check reported changes against levels, and derive levels from reported changes.

Plan and review documents state changes next to levels ("审批事项由363项削减至
141项，削减64.2 %", seed 000, 三、服务质量).  :func:`check_reported_change`
recomputes the change from the two levels and flags a mismatch larger than
the rounding of the reported figure; :func:`implied_value` goes the other way
(a level from a known level and a reported change, "93.1 %, 同比提高2.2个百分点"
-> 90.9 % the year before) and keeps both sources, marking the result
``basis="derived"`` (``constants.BASES``; ``data/raw/README.md``: "for derived
rows the formula and inputs" go in ``source_detail``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from qclib.exceptions import DataValidationError, Issue, ZeroBaseError
from qclib.indicators.change import CHANGE_KINDS, _check_choice

#: How a reported change is signed: ``change`` (+ = rose), ``reduction``
#: (+ = fell, as in "削减64.2 %"), ``auto`` (compare magnitudes only, for texts
#: whose direction is in the words).
SENSES: tuple[str, ...] = ("auto", "change", "reduction")

#: Where the known level of :func:`implied_value` sits.
KNOWN_IS: tuple[str, ...] = ("previous", "current")


@dataclass(frozen=True)
class ChangeCheck:
    """Result of :func:`check_reported_change`.

    Attributes
    ----------
    previous, current : float
        The two levels.
    kind : str
        ``"level"`` (changes in %) or ``"rate"`` (changes in pp).
    computed_change : float
        Signed change computed from the levels (+ = rose), in ``unit``.
    reported_change : float
        The reported figure, as given.
    compared_computed : float
        The computed figure put in the reported figure's sense (signed
        change, reduction, or magnitude for ``sense="auto"``).
    difference : float
        ``reported_change - compared_computed`` in percentage points.
    tolerance : float
        Largest accepted ``|difference|``.
    consistent : bool
        ``|difference| <= tolerance``.
    unit : str
        ``"%"`` or ``"pp"``.
    message : str
        One English sentence saying what was found.
    """

    previous: float
    current: float
    kind: str
    computed_change: float
    reported_change: float
    compared_computed: float
    difference: float
    tolerance: float
    consistent: bool
    unit: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a plain dict.

        Examples
        --------
        >>> check_reported_change(90.9, 93.1, 2.2, kind="rate").to_dict()["unit"]
        'pp'
        """
        return asdict(self)


def _decimals(x: float | str) -> int:
    text = x.strip() if isinstance(x, str) else repr(float(x))
    text = text.rstrip("%").strip()
    if "e" in text.lower():
        return 6
    if "." not in text:
        return 0
    frac = text.split(".", 1)[1]
    if not isinstance(x, str) and frac == "0":
        return 0
    return len(frac)


def _fmt(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")


def check_reported_change(
    previous: float,
    current: float,
    reported_pct: float | str,
    *,
    kind: str = "level",
    tolerance: float | None = None,
    sense: str = "auto",
) -> ChangeCheck:
    """Recompute a reported change from its two levels and flag a mismatch.

    - ``kind="level"``: ``computed = (current - previous) / |previous| * 100`` (%)
    - ``kind="rate"``:  ``computed = current - previous`` (percentage points)

    The computed change is put in the reported figure's sense (``change``:
    signed, + = rose; ``reduction``: + = fell; ``auto``: magnitudes, for texts
    that give the direction in words, "削减64.2 %") and
    ``difference = reported - computed``.  The figures are consistent when
    ``|difference| <= tolerance``.  The default tolerance is half a unit of
    the last digit of the reported figure (the largest error of a correctly
    rounded number): 0.05 for "64.2", 0.5 for "42" or 42.0, plus 1e-9.

    Parameters
    ----------
    previous, current : float
        Levels before and after.
    reported_pct : float or str
        The reported change (a string keeps its written decimals: "42.0").
    kind : {"level", "rate"}
        ``"level"``: changes in percent; ``"rate"``: in percentage points.
    tolerance : float, optional
        Accepted absolute difference; default from the reported decimals.
    sense : {"auto", "change", "reduction"}
        How the reported figure is signed.

    Returns
    -------
    ChangeCheck
        Frozen dataclass with the computed and reported changes, their
        difference, the ``consistent`` flag and a message.

    Raises
    ------
    InvalidChoiceError
        Unknown ``kind`` or ``sense``.
    ZeroBaseError
        ``kind="level"`` with ``previous == 0``.

    Examples
    --------
    Seed 000 (三、服务质量): approvals cut from 363 to 141, "削减64.2 %":

    >>> c = check_reported_change(363, 141, 64.2)
    >>> round(c.computed_change, 2), round(c.difference, 2), c.consistent
    (-61.16, 3.04, False)
    >>> c.message
    'reported 64.2 % does not match the levels 363 -> 141, which give a fall of 61.157 % (difference 3.043 pp > tolerance 0.05)'

    Seed 000 (经费保障): 4134.86 -> 5877 "增加了42 %":

    >>> check_reported_change(4134.86, 5877, 42).consistent
    True
    >>> check_reported_change(90.9, 93.1, 2.2, kind="rate").consistent
    True
    """
    _check_choice("kind", kind, CHANGE_KINDS)
    _check_choice("sense", sense, SENSES)
    prev, cur = float(previous), float(current)
    reported = float(reported_pct)
    if kind == "level":
        if prev == 0:
            raise ZeroBaseError(0, "previous level")
        computed = (cur - prev) / abs(prev) * 100.0
        unit = "%"
    else:
        computed = cur - prev
        unit = "pp"
    if sense == "change":
        compared = computed
    elif sense == "reduction":
        compared = -computed
    else:
        compared = abs(computed)
        reported = abs(reported)
    tol = (0.5 * 10.0 ** (-_decimals(reported_pct)) + 1e-9) if tolerance is None else float(tolerance)
    diff = reported - compared
    ok = bool(abs(diff) <= tol)
    move = "rise" if computed > 0 else "fall" if computed < 0 else "no change"
    computed_txt = f"a {move} of {_fmt(abs(computed))} {unit}" if computed else "no change"
    if ok:
        msg = (
            f"reported {_fmt(float(reported_pct))} {unit} is consistent with the levels "
            f"{_fmt(prev)} -> {_fmt(cur)} ({computed_txt})"
        )
    else:
        msg = (
            f"reported {_fmt(float(reported_pct))} {unit} does not match the levels "
            f"{_fmt(prev)} -> {_fmt(cur)}, which give {computed_txt} "
            f"(difference {_fmt(abs(diff))} pp > tolerance {_fmt(tol)})"
        )
    return ChangeCheck(
        previous=prev,
        current=cur,
        kind=kind,
        computed_change=computed,
        reported_change=float(reported_pct),
        compared_computed=compared,
        difference=diff,
        tolerance=tol,
        consistent=ok,
        unit=unit,
        message=msg,
    )


@dataclass(frozen=True)
class ImpliedValue:
    """Result of :func:`implied_value`: a derived level and its provenance.

    Attributes
    ----------
    value : float
        The derived level (unrounded).
    basis : str
        Always ``"derived"``.
    known_value : float
        The level that was given.
    known_is : str
        ``"previous"`` or ``"current"``: which side ``known_value`` is.
    reported_change : float
        The change that was given, signed (+ = rose).
    change_unit : str
        ``"%"`` (kind level) or ``"pp"`` (kind rate).
    known_source, change_source : str
        Where each input comes from (both kept).
    formula : str
        The formula with the inputs filled in.
    source : str
        Both sources joined with ``" ; "`` (the observation ``source`` field).
    source_detail : str
        The formula, for the observation ``source_detail`` field.
    """

    value: float
    basis: str
    known_value: float
    known_is: str
    reported_change: float
    change_unit: str
    known_source: str
    change_source: str
    formula: str
    source: str
    source_detail: str

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a plain dict.

        Examples
        --------
        >>> implied_value(93.1, 2.2, kind="rate").to_dict()["basis"]
        'derived'
        """
        return asdict(self)

    def as_observation(self, city: str, indicator_id: str, year: int, unit: str) -> dict[str, Any]:
        """Return an observation row (``data/raw/README.md`` columns).

        Examples
        --------
        >>> iv = implied_value(93.1, 2.2, kind="rate", known_is="current",
        ...                    known_source="seed 000", change_source="seed 000")
        >>> row = iv.as_observation("zhengzhou", "industrial_pass_rate", 2012, "%")
        >>> row["basis"], round(row["value"], 1)
        ('derived', 90.9)
        """
        return {
            "city": city,
            "indicator_id": indicator_id,
            "year": int(year),
            "value": self.value,
            "unit": unit,
            "scope": "",
            "source": self.source,
            "source_detail": self.source_detail,
            "basis": self.basis,
            "note": "",
        }


def implied_value(
    known_value: float,
    reported_change: float,
    *,
    kind: str = "level",
    known_is: str = "current",
    sense: str = "change",
    known_source: str = "",
    change_source: str = "",
) -> ImpliedValue:
    """Derive the other level from a known level and a reported change.

    With ``c`` the signed change (+ = rose; a ``reduction`` is negated first):

    ====================  ========================  ============================
    kind / known_is       previous known (p)        current known (q)
    ====================  ========================  ============================
    ``rate`` (c in pp)    ``q = p + c``             ``p = q - c``
    ``level`` (c in %)    ``q = p * (1 + c/100)``   ``p = q / (1 + c/100)``
    ====================  ========================  ============================

    (the inverse of :func:`qclib.indicators.change.yoy_change`).  The result is marked
    ``basis="derived"`` and keeps both sources (``data/raw/README.md``).  No
    rounding: a derived figure carries the rounding error of its inputs (a
    change reported to 0.1 pp gives the level to +- 0.05 pp).

    Parameters
    ----------
    known_value : float
        The level that is known.
    reported_change : float
        The reported change (pp for ``rate``, % for ``level``).
    kind : {"level", "rate"}
        Unit of the change.
    known_is : {"current", "previous"}
        Which side the known level is on.
    sense : {"change", "reduction"}
        ``"reduction"`` when the text reports a fall as a positive number.
    known_source, change_source : str
        Sources of the two inputs (seed file and section, or URL).

    Returns
    -------
    ImpliedValue
        The value and its provenance.

    Raises
    ------
    InvalidChoiceError
        Unknown ``kind``, ``known_is`` or ``sense``.
    DataValidationError
        A level change of -100 % (or less) with the current level known:
        the previous level cannot be recovered.

    Examples
    --------
    >>> iv = implied_value(93.1, 2.2, kind="rate", known_is="current",
    ...                    known_source="seed 000 二、产品质量",
    ...                    change_source="seed 000 二、产品质量")
    >>> round(iv.value, 1), iv.basis
    (90.9, 'derived')
    >>> iv.formula
    'previous = current - change = 93.1 - 2.2'
    >>> round(implied_value(4134.86, 42.13, known_is="previous").value, 1)
    5876.9
    >>> round(implied_value(141, 61.157, known_is="current", sense="reduction").value, 1)
    363.0
    """
    _check_choice("kind", kind, CHANGE_KINDS)
    _check_choice("known_is", known_is, KNOWN_IS)
    _check_choice("sense", sense, ("change", "reduction"))
    known = float(known_value)
    c = float(reported_change)
    if sense == "reduction":
        c = -c
    if kind == "rate":
        unit = "pp"
        if known_is == "previous":
            value = known + c
            formula = f"current = previous + change = {_fmt(known)} + {_fmt(c)}"
        else:
            value = known - c
            formula = f"previous = current - change = {_fmt(known)} - {_fmt(c)}"
    else:
        unit = "%"
        factor = 1.0 + c / 100.0
        if known_is == "previous":
            value = known * factor
            formula = f"current = previous * (1 + change/100) = {_fmt(known)} * (1 + {_fmt(c)}/100)"
        else:
            if factor <= 0:
                raise DataValidationError(
                    [
                        Issue(
                            "",
                            None,
                            "reported_change",
                            c,
                            "a change of -100 % or less leaves no previous level to recover",
                            "a change > -100 %",
                        )
                    ]
                )
            value = known / factor
            formula = f"previous = current / (1 + change/100) = {_fmt(known)} / (1 + {_fmt(c)}/100)"
    if not math.isfinite(value):
        raise DataValidationError(
            [Issue("", None, "known_value", known, "the derived value is not finite", "finite numbers")]
        )
    sources = " ; ".join(s for s in (known_source, change_source) if s)
    detail = f"derived: {formula} (level: {known_source or 'n/a'}; change: {change_source or 'n/a'})"
    return ImpliedValue(
        value=value,
        basis="derived",
        known_value=known,
        known_is=known_is,
        reported_change=c,
        change_unit=unit,
        known_source=known_source,
        change_source=change_source,
        formula=formula,
        source=sources,
        source_detail=detail,
    )


#: Columns of :func:`reported_changes`.
REPORTED_CHANGE_COLUMNS: tuple[str, ...] = (
    "indicator_id",
    "change_of",
    "year",
    "base_year",
    "base_value",
    "value",
    "reported",
    "computed",
    "unit",
    "consistent",
)

#: Bases whose levels a reported change is checked against (a goal or a part of a year is not a level,
#: and a derived level, often worked back from the very change, would make the check circular).
LEVEL_BASES: tuple[str, ...] = ("official", "computed")


def _levels(observations: Any, city: str, indicator_id: str) -> dict[int, float]:
    """Year -> level of one series (official first, then computed, derived; first row per year)."""
    sel = observations.loc[
        (observations["city"] == city)
        & (observations["indicator_id"] == indicator_id)
        & observations["basis"].isin(LEVEL_BASES)
    ]
    sel = sel.assign(_rank=sel["basis"].map({b: i for i, b in enumerate(LEVEL_BASES)})).sort_values(
        "_rank", kind="stable"
    )
    return {int(y): float(v) for y, v in sel.drop_duplicates("year")[["year", "value"]].itertuples(index=False)}


def _base_year_of(change_base: str, year: int, levels: dict[int, float]) -> int | None:
    """The year a change is measured from: ``year - 1``, the latest earlier level, or a fixed year."""
    if change_base == "previous_year":
        return year - 1
    if change_base == "previous_value":
        earlier = [y for y in levels if y < year]
        return max(earlier) if earlier else None
    return int(change_base) if change_base.lstrip("-").isdigit() else None


def reported_changes(observations: Any, indicators: Any, city: str, *, until: int | None = None) -> Any:
    """Every reported change of a city checked against the two levels it describes.

    A reported change is an observation of an indicator whose registry entry
    names its level series (``change_of``) and what it is measured from
    (``change_base``: ``previous_year``, ``previous_value`` or a year).  With
    both levels known, :func:`check_reported_change` recomputes it (unit
    ``%``: ``(value - base)/|base| * 100``; any other unit, e.g. ``pp`` or
    ``days``: ``value - base``), signed as published (negative = fell).
    Changes whose levels are not both known are left out.

    Parameters
    ----------
    observations : pandas.DataFrame
        Observations (``city``, ``indicator_id``, ``year``, ``value``, ``basis``).
    indicators : pandas.DataFrame
        The registry (``indicator_id``, ``unit``, ``change_of``, ``change_base``).
    city : str
        Entity id.
    until : int, optional
        Last year checked.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REPORTED_CHANGE_COLUMNS`, one row per checked change.

    Examples
    --------
    Seed 000: approval items cut from 363 to 141, published as "削减64.2 %":

    >>> import pandas as pd
    >>> obs = pd.DataFrame({"city": "z", "indicator_id": ["items", "items", "items_change_pct"],
    ...     "year": [2012, 2013, 2013], "value": [363.0, 141.0, -64.2], "basis": "official"})
    >>> reg = pd.DataFrame({"indicator_id": ["items", "items_change_pct"], "unit": ["count", "%"],
    ...     "change_of": ["", "items"], "change_base": ["", "previous_value"]})
    >>> r = reported_changes(obs, reg, "z").iloc[0]
    >>> [float(r[c]) for c in ("base_value", "value", "reported")], round(float(r["computed"]), 1), bool(r["consistent"])
    ([363.0, 141.0, -64.2], -61.2, False)
    """
    import pandas as pd

    reg = indicators.loc[indicators["change_of"].fillna("").astype(str) != ""].set_index("indicator_id")
    sel = observations.loc[(observations["city"] == city) & observations["indicator_id"].isin(reg.index)]
    if until is not None:
        sel = sel.loc[sel["year"] <= until]
    rows = []
    for r in sel.itertuples(index=False):
        spec = reg.loc[r.indicator_id]
        levels = _levels(observations, city, str(spec["change_of"]))
        y = int(r.year)
        y0 = _base_year_of(str(spec["change_base"]), y, levels)
        if y0 is None or y0 not in levels or y not in levels:
            continue
        kind = "level" if spec["unit"] == "%" else "rate"
        if kind == "level" and levels[y0] == 0:
            continue
        chk = check_reported_change(levels[y0], levels[y], float(r.value), kind=kind, sense="change")
        unit = "%" if kind == "level" else str(spec["unit"])
        rows.append(
            (r.indicator_id, spec["change_of"], y, y0, levels[y0], levels[y], float(r.value), chk.computed_change)
            + (unit, chk.consistent)
        )
    return pd.DataFrame(rows, columns=list(REPORTED_CHANGE_COLUMNS))
