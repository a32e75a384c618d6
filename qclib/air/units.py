"""Units of pollutant columns: named in the header or declared, checked for plausibility.

CO is read in mg/m3 and the other pollutants in ug/m3 (GB 3095-2012 Table 1)
unless the header names a unit (``CO(μg/m³)``, ``CO_mg``) or the caller
declares one (``--unit co=ug/m3``).  Values are converted only when a unit is
named or declared.  A column whose median is implausible for its unit
(:data:`PLAUSIBLE_MEDIAN`) is refused, naming the column, the values seen and
the flag to use -- never converted silently.
"""

from __future__ import annotations

import re

import numpy as np

from qclib.air.flags import SENTINELS
from qclib.exceptions import Issue

#: Unit each pollutant is assumed to be in when neither the header nor the
#: caller declares one (GB 3095-2012 Table 1 units).
DEFAULT_UNITS: dict[str, str] = {
    "pm25": "ug/m3",
    "pm10": "ug/m3",
    "so2": "ug/m3",
    "no2": "ug/m3",
    "co": "mg/m3",
    "o3_8h": "ug/m3",
    "o3_1h": "ug/m3",
    "o3": "ug/m3",
}

#: Plausibility bounds on the **median of the positive values** of a column, in
#: the unit it is read in.  Outside them the column is refused, never converted:
#: CO in mg/m3 with a median above 20 is almost surely ug/m3 (urban CO medians
#: are 0.3-3 mg/m3); a median of CO in ug/m3 below 20 is almost surely mg/m3;
#: PM/NO2/O3 medians below 1 ug/m3 (SO2 below 0.5) are almost surely mg/m3.
PLAUSIBLE_MEDIAN: dict[str, tuple[float, float]] = {
    "co": (0.02, 20.0),
    "pm25": (1.0, 2000.0),
    "pm10": (1.0, 3000.0),
    "so2": (0.5, 2000.0),
    "no2": (1.0, 1000.0),
    "o3_8h": (1.0, 1000.0),
    "o3_1h": (1.0, 1500.0),
    "o3": (1.0, 1500.0),
}

_UNIT_FACTORS: dict[tuple[str, str], float] = {
    ("ug/m3", "mg/m3"): 0.001,
    ("mg/m3", "ug/m3"): 1000.0,
}


def parse_unit(text: object) -> str | None:
    """Canonical unit (``"ug/m3"`` / ``"mg/m3"``) named in a text, or None.

    Parameters
    ----------
    text : object
        A header cell (``CO(μg/m³)``, ``CO_mg``) or a declared unit (``ug/m3``).

    Returns
    -------
    str or None

    Examples
    --------
    >>> [parse_unit(x) for x in ["CO(μg/m³)", "CO_mg", "co（mg/m3）", "ug/m3", "PM2.5", "µg"]]
    ['ug/m3', 'mg/m3', 'mg/m3', 'ug/m3', None, 'ug/m3']
    """
    s = str(text).strip().lower()
    m = re.search(r"[(（\[【](.*?)[)）\]】]", s)
    part = m.group(1) if m else s
    if not m:
        tail = re.search(r"[_\s-](ug|μg|µg|mg)(/m3|/m³)?$", s)
        if tail:
            part = tail.group(1)
        elif not re.fullmatch(r"(ug|μg|µg|mg)(/m3|/m³)?", s):
            return None
    part = part.replace("³", "3").replace(" ", "")
    if re.match(r"(ug|μg|µg|微克)", part):
        return "ug/m3"
    if re.match(r"(mg|毫克)", part):
        return "mg/m3"
    return None


def check_unit(
    values: np.ndarray,
    column: str,
    header: str,
    unit: str | None,
    fname: str,
    issues: list[Issue],
    *,
    hourly: bool = False,
    rows: np.ndarray | None = None,
) -> np.ndarray:
    """Plausibility check of a column's magnitude, then conversion of a declared unit.

    Parameters
    ----------
    values : numpy.ndarray of float
        The column's values as read.
    column : str
        Canonical pollutant (``co``, ``pm25`` …).
    header : str
        The header as written (for messages).
    unit : str or None
        Unit named in the header or declared; None = the default.
    fname : str
        File name for messages.
    issues : list of Issue
        Collector: unknown unit, implausible magnitude, single values above
        :data:`PLAUSIBLE_MAX`.
    hourly : bool
        Hourly values (else daily means), for :data:`PLAUSIBLE_MAX`.
    rows : numpy.ndarray of int, optional
        Spreadsheet rows, to name the rows of implausible single values.

    Returns
    -------
    numpy.ndarray of float
        Values in the standard's unit (unchanged when refused).

    Examples
    --------
    >>> issues = []
    >>> check_unit(np.array([800.0, 1200.0]), "co", "CO", "ug/m3", "f", issues).tolist(), issues
    ([0.8, 1.2], [])
    >>> _ = check_unit(np.array([800.0, 1200.0]), "co", "CO", None, "f", issues)
    >>> issues[0].allowed.startswith("declare the unit: --unit co=ug/m3")
    True
    """
    target = DEFAULT_UNITS[column]
    given = unit or target
    if given not in ("ug/m3", "mg/m3"):
        issues.append(Issue(fname, 1, header, unit, "unknown unit", "ug/m3 or mg/m3"))
        return values
    pos = values[np.isfinite(values) & (values > 0) & ~np.isin(values, SENTINELS)]
    if len(pos):
        lo, hi = PLAUSIBLE_MEDIAN[column]
        factor = _UNIT_FACTORS.get((given, target), 1.0)
        med = float(np.median(pos)) * factor
        if not lo <= med <= hi:
            other = "ug/m3" if given == "mg/m3" else "mg/m3"
            key = "o3" if column.startswith("o3") else column
            how = "declared" if unit else "assumed (no unit in the header)"
            issues.append(
                Issue(
                    fname,
                    None,
                    header,
                    f"median {float(np.median(pos)):.4g}, max {float(pos.max()):.4g}",
                    f"values implausible for {column.upper()} in {given} ({how}); they look like {other}. "
                    "Nothing was converted",
                    f"declare the unit: --unit {key}={other} (or a header such as {header.split('(')[0]}({other})), "
                    "or correct the file",
                )
            )
            return values
    converted = values * _UNIT_FACTORS.get((given, target), 1.0)
    _check_maximum(converted, column, header, hourly, rows, fname, issues)
    return converted


#: Largest plausible single value, in the standard's unit, of a daily mean and
#: of an hourly value: CO daily means above 50 mg/m3 (the HJ 633-2012 24-h CO
#: scale ends at 60 mg/m3 = IAQI 500; urban daily means are 0.3-5 mg/m3) and
#: hourly CO above 150 mg/m3 (the end of the 1-h scale) are refused, never
#: used: they are almost surely ug/m3 or typing errors.
PLAUSIBLE_MAX: dict[str, tuple[float, float]] = {"co": (50.0, 150.0)}


def _check_maximum(
    values: np.ndarray,
    column: str,
    header: str,
    hourly: bool,
    rows: np.ndarray | None,
    fname: str,
    issues: list[Issue],
) -> None:
    """Single values above :data:`PLAUSIBLE_MAX` (first 20 rows named)."""
    if column not in PLAUSIBLE_MAX:
        return
    limit = PLAUSIBLE_MAX[column][1 if hourly else 0]
    bad = np.flatnonzero(np.isfinite(values) & (values > limit) & ~np.isin(values, SENTINELS))
    what = "hourly value" if hourly else "daily mean"
    for i in bad[:20]:
        issues.append(
            Issue(
                fname,
                int(rows[i]) if rows is not None else None,
                header,
                float(values[i]),
                f"{column.upper()} {what} above {limit:g} mg/m3 is not a plausible ambient concentration"
                + (f" ({len(bad)} such values)" if len(bad) > 1 else ""),
                "check the unit (--unit) and the value; correct or remove the row",
            )
        )
