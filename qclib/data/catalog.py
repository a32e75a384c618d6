"""The target catalog: indicator registry and per-city plan targets (``params/``).

``load_catalog`` reads ``params/indicators*.yml`` and every ``params/<city>.yml``,
validates them all (collecting every problem, each with file, line, field, the
bad value and what is allowed) and returns a :class:`Catalog`.  ``load_targets``
returns just the flat targets table.  The schema is documented in
``params/README.md``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from qclib.constants import (
    COMPARATORS,
    DIRECTIONS,
    DOMAINS,
    MEASURE_WORDS,
    MEASURES,
    TARGET_COLUMNS,
    TARGET_KINDS,
)
from qclib.data import registry
from qclib.data.yamlio import LineDict, read_yaml
from qclib.exceptions import DataValidationError, Issue
from qclib.paths import PARAMS_DIR

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")


INDICATOR_COLUMNS: tuple[str, ...] = (
    "indicator_id",
    "domain",
    "name_zh",
    "name_en",
    "unit",
    "measure",
    "direction",
    "note",
    "change_of",
    "change_base",
    "measure_word",
    "file",
)

#: Kinds whose target is relative to a base year.
_BASE_KINDS = ("reduction_vs_base", "change_vs_base", "trajectory")
#: Kinds whose target value is in the indicator's own unit.
_SAME_UNIT_KINDS = ("threshold", "count", "trajectory", "rank")


@dataclass
class Catalog:
    """Everything in ``params/``.

    Attributes
    ----------
    cities : dict
        Per city id: ``{"city": {...}, "plan": {...} or None, "phases": [...], "file": str}``.
    indicators : pandas.DataFrame
        The indicator registry (columns :data:`INDICATOR_COLUMNS`).
    targets : pandas.DataFrame
        One row per city × target (columns :data:`TARGET_COLUMNS`).
    """

    cities: dict[str, dict[str, Any]]
    indicators: pd.DataFrame
    targets: pd.DataFrame
    files: list[str] = field(default_factory=list)

    @property
    def entities(self) -> tuple[str, ...]:
        """Entity ids observations may use: the catalog's cities, then every division of the registry."""
        return tuple(self.cities) + tuple(d.entity_id for d in registry.divisions() if d.entity_id not in self.cities)

    def indicator(self, indicator_id: str) -> dict[str, Any]:
        """Registry entry of one indicator as a dict (KeyError when unknown)."""
        row = self.indicators.loc[self.indicators["indicator_id"] == indicator_id]
        if row.empty:
            raise KeyError(indicator_id)
        entry: dict[str, Any] = row.iloc[0].to_dict()
        return entry


class _Collector:
    """Accumulates issues for one file."""

    def __init__(self, file: str):
        self.file = file
        self.issues: list[Issue] = []

    def add(self, line: int | None, column: str, value: Any, message: str, allowed: str = "") -> None:
        self.issues.append(Issue(self.file, line, column, value, message, allowed))

    def require(self, mapping: Any, key: str, *, where: str = "", line: int | None = None) -> Any:
        if not isinstance(mapping, dict) or key not in mapping or mapping[key] in (None, ""):
            # an empty field is reported at its own line, a missing one at its mapping's
            ln = (mapping.line_of(key) if key in mapping else mapping.line) if isinstance(mapping, LineDict) else line
            self.add(ln, f"{where}{key}", None, "required field is missing or empty")
            return None
        return mapping[key]

    def choice(self, mapping: LineDict, key: str, allowed: tuple[str, ...], *, where: str = "") -> Any:
        value = self.require(mapping, key, where=where)
        if value is not None and value not in allowed:
            self.add(mapping.line_of(key), f"{where}{key}", value, "not an allowed value", ", ".join(map(str, allowed)))
            return None
        return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_unknown_keys(
    c: _Collector, mapping: LineDict, allowed: tuple[str, ...], where: str, owner: str = ""
) -> None:
    """Every key of ``mapping`` is in ``allowed`` (``owner`` names the entry in the message)."""
    for key in mapping:
        if key not in allowed:
            what = f"unknown field of {owner}" if owner else "unknown field"
            c.add(mapping.line_of(key), f"{where}{key}", key, what, ", ".join(allowed))


_INDICATOR_KEYS = (
    "indicator_id",
    "domain",
    "name_zh",
    "name_en",
    "unit",
    "measure",
    "direction",
    "note",
    "change_of",
    "change_base",
    "measure_word",
)

#: ``change_base`` of a reported change: the year before, the latest earlier
#: value of the level series, or a fixed year (an integer, e.g. 2015).
CHANGE_BASES: tuple[str, ...] = ("previous_year", "previous_value")


def _check_change_fields(c: _Collector, entry: LineDict, where: str) -> None:
    """A reported change names its level series (``change_of``) and what it is measured from."""
    of, base = entry.get("change_of"), entry.get("change_base")
    if of is None and base is None:
        return
    if not (isinstance(of, str) and _ID_RE.match(of)):
        c.add(entry.line_of("change_of"), where + "change_of", of, "a reported change needs its level id", "an id")
    if not (base in CHANGE_BASES or (isinstance(base, int) and not isinstance(base, bool))):
        c.add(
            entry.line_of("change_base"),
            where + "change_base",
            base,
            "what the change is measured from",
            ", ".join(CHANGE_BASES) + " or a year",
        )


def _check_measure_word(c: _Collector, entry: LineDict, where: str) -> None:
    """A count (unit ``count``) states its Chinese measure word; no other unit may.

    The word is what the report prints after the number (专利10372件, 企业342家); the
    unit ``count`` alone would read 个.  An indicator in another unit prints that
    unit (天, 吨, %), so a measure word there is refused rather than ignored.
    """
    iid, unit, word = entry.get("indicator_id"), entry.get("unit"), entry.get("measure_word")
    line = entry.line_of("measure_word") if "measure_word" in entry else entry.line
    if unit == "count" and word in (None, ""):
        c.add(
            line,
            where + "measure_word",
            word,
            f"indicator {iid!r} is a count (unit count) and states no measure word (量词) to print after its numbers",
            "the word the source documents use: " + ", ".join(MEASURE_WORDS),
        )
    elif unit != "count" and word is not None:
        c.add(
            line,
            where + "measure_word",
            word,
            f"indicator {iid!r} is in unit {unit!r}, which prints its own unit: a measure word is for unit count",
            "no measure_word (or unit: count)",
        )
    elif word is not None and word not in MEASURE_WORDS:
        c.add(
            line,
            where + "measure_word",
            word,
            f"indicator {iid!r}: not a known measure word",
            ", ".join(MEASURE_WORDS) + " (qclib.constants.MEASURE_WORDS)",
        )


def _load_indicator_file(path: Path, c: _Collector) -> list[dict[str, Any]]:
    doc = read_yaml(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("indicators"), list):
        c.add(getattr(doc, "line", 1), "indicators", None, "top level must be a mapping with an 'indicators' list")
        return []
    rows = []
    for i, entry in enumerate(doc["indicators"]):
        where = f"indicators[{i}]."
        if not isinstance(entry, LineDict):
            c.add(None, where.rstrip("."), entry, "each indicator must be a mapping")
            continue
        _check_unknown_keys(c, entry, _INDICATOR_KEYS, where, owner=f"indicator {entry.get('indicator_id')!r}")
        iid = c.require(entry, "indicator_id", where=where)
        if iid is not None and not (isinstance(iid, str) and _ID_RE.match(iid)):
            c.add(
                entry.line_of("indicator_id"),
                where + "indicator_id",
                iid,
                "not a snake_case id",
                "lower-case letters, digits, '_'",
            )
        c.choice(entry, "domain", DOMAINS, where=where)
        c.choice(entry, "measure", MEASURES, where=where)
        c.choice(entry, "direction", DIRECTIONS, where=where)
        for key in ("name_zh", "name_en", "unit"):
            c.require(entry, key, where=where)
        _check_change_fields(c, entry, where)
        _check_measure_word(c, entry, where)
        row = {k: entry.get(k) for k in _INDICATOR_KEYS}
        row["note"] = row["note"] or ""
        row["measure_word"] = row["measure_word"] or ""
        row["change_of"] = row["change_of"] or ""
        row["change_base"] = "" if row["change_base"] is None else str(row["change_base"])
        row["file"] = str(path)
        row["_line"] = entry.line
        rows.append(row)
    return rows


def load_indicators(params_dir: str | Path | None = None) -> pd.DataFrame:
    """Load and validate the indicator registry (``params/indicators*.yml``).

    Parameters
    ----------
    params_dir : str or Path, optional
        Folder holding the registry files; the shipped ``params/`` by default.

    Returns
    -------
    pandas.DataFrame
        One row per indicator, columns :data:`INDICATOR_COLUMNS`.

    Raises
    ------
    DataValidationError
        Unknown domain/measure/direction, missing fields, duplicate ids
        (across files), YAML syntax errors.

    Examples
    --------
    >>> ind = load_indicators()
    >>> ind.set_index("indicator_id").loc["pm25_annual_mean", "unit"]
    'ug/m3'
    """
    params_dir = Path(params_dir) if params_dir is not None else PARAMS_DIR
    files = sorted(params_dir.glob("indicators*.yml"))
    issues: list[Issue] = []
    rows: list[dict[str, Any]] = []
    if not files:
        issues.append(Issue(str(params_dir), None, "", None, "no indicator registry found", "params/indicators.yml"))
    seen: dict[str, tuple[str, int]] = {}
    for path in files:
        c = _Collector(str(path))
        for row in _load_indicator_file(path, c):
            iid = row["indicator_id"]
            if iid in seen:
                c.add(
                    row["_line"],
                    "indicator_id",
                    iid,
                    f"duplicate indicator id (first defined in {seen[iid][0]}, line {seen[iid][1]})",
                    "unique ids",
                )
            elif iid is not None:
                seen[iid] = (str(path), row["_line"])
            rows.append(row)
        issues.extend(c.issues)
    for row in rows:
        if row.get("change_of") and row["change_of"] not in seen:
            issues.append(
                Issue(row["file"], row["_line"], "change_of", row["change_of"], "unknown indicator id", "a registry id")
            )
    if issues:
        raise DataValidationError(issues)
    df = pd.DataFrame(rows).drop(columns="_line")
    return df.loc[:, list(INDICATOR_COLUMNS)].reset_index(drop=True)


_CITY_KEYS = ("city", "plan", "phases", "targets", "note")
_TARGET_KEYS = (
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
    "source",
    "note",
    "scope_strict",
    "proxy_indicator",
    "n_years_stated",
)


def _check_target_options(t: LineDict, where: str, c: _Collector, registry: dict[str, dict[str, Any]]) -> None:
    """``scope_strict`` is a boolean; ``proxy_indicator`` a registry id with the target indicator's unit."""
    strict = t.get("scope_strict")
    if strict is not None and not isinstance(strict, bool):
        c.add(t.line_of("scope_strict"), f"{where}scope_strict", strict, "must be true or false", "true, false")
    proxy = t.get("proxy_indicator")
    if proxy is None:
        return
    own = registry.get(str(t.get("indicator_id")))
    if proxy not in registry:
        c.add(t.line_of("proxy_indicator"), f"{where}proxy_indicator", proxy, "unknown indicator id", "a registry id")
    elif own is not None and registry[proxy]["unit"] != own["unit"]:
        c.add(
            t.line_of("proxy_indicator"),
            f"{where}proxy_indicator",
            proxy,
            f"the proxy's unit {registry[proxy]['unit']} differs from the target's {own['unit']}",
            "an indicator in the same unit",
        )


def _validate_target(
    t: LineDict, where: str, c: _Collector, registry: dict[str, dict[str, Any]], deadline: Any
) -> dict[str, Any] | None:
    """One target of a city file: every field checked (issues collected in ``c``), or None if any failed."""
    _check_unknown_keys(c, t, _TARGET_KEYS, where)
    n_before = len(c.issues)
    tid, iid, ind = _check_target_ids(t, where, c, registry)
    c.choice(t, "domain", DOMAINS, where=where)
    kind = c.choice(t, "kind", TARGET_KINDS, where=where)
    comparator = c.choice(t, "comparator", COMPARATORS, where=where)
    for key in ("name_zh", "name_en"):
        c.require(t, key, where=where)
    numeric, value, unit = _check_target_value(t, where, c, ind, iid, kind)
    _check_target_kind_fields(t, where, c, kind)
    target_year, inferred = _check_target_year(t, where, c, deadline)
    _check_target_source(t, where, c)
    _check_target_options(t, where, c, registry)
    if len(c.issues) > n_before or ind is None:
        return None
    source = t["source"]
    return {
        "target_id": tid,
        "indicator_id": iid,
        "domain": t["domain"],
        "name_zh": t["name_zh"],
        "name_en": t["name_en"],
        "kind": kind,
        "comparator": comparator,
        "target_value": float(value) if value is not None else math.nan,
        "unit": unit or (ind["unit"] if ind else ""),
        "base_year": t.get("base_year"),
        "base_value": float(t["base_value"]) if _is_number(t.get("base_value")) else math.nan,
        "target_year": target_year,
        "target_year_inferred": bool(inferred),
        "n_years": t.get("n_years"),
        "reference": t.get("reference") or "",
        "scope": t.get("scope") or "",
        "numeric": bool(numeric),
        "measure": ind["measure"],
        "direction": ind["direction"],
        "source_section": str(source.get("section") or ""),
        "source_item": str(source.get("item") or ""),
        "source_clause": str(source.get("clause") or ""),
        "note": t.get("note") or "",
        "scope_strict": bool(t.get("scope_strict") or False),
        "proxy_indicator": t.get("proxy_indicator") or "",
        "measure_word": ind["measure_word"] if (unit or ind["unit"]) == "count" else "",
        "n_years_stated": bool(t.get("n_years_stated", True)) if kind == "trend" else True,
        "_line": t.line,
    }


def _check_target_ids(
    t: LineDict, where: str, c: _Collector, registry: dict[str, dict[str, Any]]
) -> tuple[Any, Any, dict[str, Any] | None]:
    """``target_id`` (snake_case) and ``indicator_id`` (in the registry): (target id, indicator id, indicator)."""
    tid = c.require(t, "target_id", where=where)
    if tid is not None and not (isinstance(tid, str) and _ID_RE.match(tid)):
        c.add(
            t.line_of("target_id"), where + "target_id", tid, "not a snake_case id", "lower-case letters, digits, '_'"
        )
    iid = c.require(t, "indicator_id", where=where)
    ind = registry.get(iid) if iid is not None else None
    if iid is not None and ind is None:
        c.add(
            t.line_of("indicator_id"),
            where + "indicator_id",
            iid,
            "unknown indicator id",
            "an indicator_id defined in params/indicators*.yml",
        )
    return tid, iid, ind


def _check_target_value(
    t: LineDict, where: str, c: _Collector, ind: dict[str, Any] | None, iid: Any, kind: Any
) -> tuple[bool, Any, Any]:
    """``numeric``, ``target_value`` and ``unit`` against the kind and the indicator: (numeric, value, unit)."""
    numeric = t.get("numeric", True)
    if not isinstance(numeric, bool):
        c.add(t.line_of("numeric"), where + "numeric", numeric, "must be true or false", "true, false")
        numeric = True
    value = t.get("target_value")
    if value is not None and not _is_number(value):
        c.add(t.line_of("target_value"), where + "target_value", value, "not a number", "a number or null")
        value = None
    if numeric and value is None and kind not in ("trend", "vs_reference", "boolean", None):
        c.add(
            t.line_of("target_value"),
            where + "target_value",
            value,
            f"a numeric {kind} target needs a target_value",
            "a number (or numeric: false for a target without a number)",
        )
    unit = t.get("unit")
    if numeric and value is not None and not unit:
        c.add(t.line, where + "unit", unit, "required field is missing or empty")
    if ind is not None and unit and value is not None:
        if kind in _SAME_UNIT_KINDS and unit != ind["unit"]:
            c.add(
                t.line_of("unit"),
                where + "unit",
                unit,
                f"disagrees with the unit of indicator {iid!r}",
                repr(ind["unit"]),
            )
        if kind in ("reduction_vs_base", "change_vs_base") and unit != "%":
            c.add(t.line_of("unit"), where + "unit", unit, f"a {kind} target is a percent change", "'%'")
    if (
        ind is not None
        and value is not None
        and unit == "%"
        and kind in ("threshold", "trajectory")
        and ind["measure"] == "rate"
    ):
        if not 0 <= value <= 100:
            c.add(
                t.line_of("target_value"),
                where + "target_value",
                value,
                "a rate target must lie in 0-100",
                "0 <= value <= 100",
            )
    return numeric, value, unit


def _check_target_kind_fields(t: LineDict, where: str, c: _Collector, kind: Any) -> None:
    """The fields each kind needs: integer years, a base year, a path's base value, ``n_years``, a reference."""
    for key in ("base_year", "target_year", "n_years"):
        v = t.get(key)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool)):
            c.add(
                t.line_of(key),
                where + key,
                v,
                "not an integer",
                "an integer year" if key != "n_years" else "an integer",
            )
    if kind in _BASE_KINDS and t.get("base_year") is None:
        c.add(
            t.line_of("base_year"), where + "base_year", None, f"a {kind} target needs a base_year", "an integer year"
        )
    if kind == "trajectory" and not _is_number(t.get("base_value")):
        c.add(
            t.line_of("base_value"),
            where + "base_value",
            t.get("base_value"),
            "a trajectory target needs a numeric base_value (the start of the path)",
            "a number",
        )
    if kind == "trend" and t.get("n_years") is None:
        c.add(
            t.line_of("n_years"),
            where + "n_years",
            None,
            "a trend target needs n_years (years running)",
            "an integer >= 2",
        )
    _check_n_years_stated(t, where, c, kind)
    if kind == "vs_reference":
        ref = t.get("reference")
        if ref not in registry.reference_ids():
            near = registry.closest(str(ref)) if ref else ()
            c.add(
                t.line_of("reference"),
                where + "reference",
                ref,
                "unknown reference entity",
                "china or a province id of qclib/data/divisions.csv"
                + (f" (closest: {', '.join(near)})" if near else ""),
            )


def _check_n_years_stated(t: LineDict, where: str, c: _Collector, kind: Any) -> None:
    """A trend target says whether the plan states its number of years (``n_years_stated``).

    ``true``: the plan prints the count (连续3年不断提高); ``false``: it does not (不断提高,
    逐年下降) and ``n_years`` is the span of plan years judged year by year.  The report
    words the two differently, so the field is required on every trend and refused elsewhere.
    """
    stated = t.get("n_years_stated")
    if kind == "trend" and not isinstance(stated, bool):
        c.add(
            t.line_of("n_years_stated") if "n_years_stated" in t else t.line,
            where + "n_years_stated",
            stated,
            f"trend target {t.get('target_id')!r} must say whether the plan states its number of years",
            "true (the plan prints e.g. 连续3年) or false (不断提高/逐年: n_years is the plan's span)",
        )
    elif kind != "trend" and stated is not None:
        c.add(
            t.line_of("n_years_stated"),
            where + "n_years_stated",
            stated,
            f"only a trend target states n_years_stated (this one is {kind!r})",
            "no n_years_stated",
        )


def _check_target_year(t: LineDict, where: str, c: _Collector, deadline: Any) -> tuple[Any, bool]:
    """``target_year`` (else the plan's deadline, marked inferred) and base year before it."""
    target_year = t.get("target_year")
    inferred = t.get("target_year_inferred", False)
    if not isinstance(inferred, bool):
        c.add(
            t.line_of("target_year_inferred"),
            where + "target_year_inferred",
            inferred,
            "must be true or false",
            "true, false",
        )
        inferred = False
    if target_year is None:
        if deadline is None:
            c.add(
                t.line_of("target_year"),
                where + "target_year",
                None,
                "no target_year and the plan has no deadline_year",
                "an integer year",
            )
        target_year, inferred = deadline, True
    by, ty = t.get("base_year"), target_year
    if isinstance(by, int) and isinstance(ty, int) and by >= ty:
        c.add(t.line_of("base_year"), where + "base_year", by, f"base year must be before target year {ty}", f"< {ty}")
    return target_year, inferred


def _check_target_source(t: LineDict, where: str, c: _Collector) -> None:
    """Every target cites its clause: a ``source`` mapping with ``section`` and ``item``."""
    source = t.get("source")
    if not isinstance(source, LineDict):
        c.add(
            t.line_of("source"),
            where + "source",
            source,
            "every target needs its source clause",
            "a mapping with section and item",
        )
        return
    c.require(source, "section", where=where + "source.")
    c.require(source, "item", where=where + "source.")


def _check_city_in_registry(city: LineDict, c: _Collector) -> None:
    """A city file's ids against the registry of divisions (:mod:`qclib.data.registry`).

    ``city_id`` may not be a province or the nation (a municipality is a city); ``name_zh``
    must be the registry's full or short name; a ``province_entity`` must be a reference area, and for a city of the registry its own
    province (the nation for a municipality).  A city outside the registry (a test city) is
    not checked further.
    """
    city_id, prov = city.get("city_id"), city.get("province_entity")
    division = registry.find(str(city_id)) if city_id else None
    if division is not None and not division.is_city:
        c.add(city.line_of("city_id"), "city.city_id", city_id, "is a reference area id, not a city", "a city id")
        return
    name = city.get("name_zh")
    if division is not None and name and name not in (division.name_zh, division.short_zh):
        c.add(
            city.line_of("name_zh"),
            "city.name_zh",
            name,
            f"is not the registry's name of {city_id}",
            f"{division.name_zh} (or {division.short_zh})",
        )
    if prov in (None, ""):
        return
    if prov not in registry.reference_ids():
        allowed = f"china or a province id (closest: {', '.join(registry.closest(str(prov)))})"
        c.add(city.line_of("province_entity"), "city.province_entity", prov, "unknown reference area", allowed)
    elif division is not None:
        own = division.parent_id if division.level == "prefecture" else "china"
        if prov != own:
            c.add(
                city.line_of("province_entity"),
                "city.province_entity",
                prov,
                f"{division.name_zh} is in {registry.name_zh(own)}, not {registry.name_zh(str(prov))}",
                repr(own),
            )


def _year_of(date: Any) -> int | None:
    """The year of a date as written in a plan file ("2014-05-08", "2014-03", 2014), or None."""
    text = str(date if date is not None else "")
    return int(text[:4]) if text[:4].isdigit() else None


def plan_start_year(plan: Any, phases: Any = ()) -> int | None:
    """The year a plan's implementation starts: a report year before it is a baseline year.

    Rule: the plan's ``start_year`` (transcribed from the document, with its clause in
    ``start_source``); without it the year of the plan's printed ``date``; without a date
    the year the earliest of its ``phases`` starts; else None (not known: no report year is
    treated as a baseline year).

    Parameters
    ----------
    plan : mapping or None
        The ``plan:`` mapping of a city file (None: the city has no plan).
    phases : sequence of mapping
        The ``phases:`` list.

    Returns
    -------
    int or None

    Examples
    --------
    >>> plan_start_year({"start_year": 2014, "date": "2014-05-08"})
    2014
    >>> plan_start_year({"date": ""}, [{"start": "2016-07"}, {"start": "2017-05-24"}])
    2016
    >>> plan_start_year({"date": "2013-05-28"}), plan_start_year(None), plan_start_year({"date": ""})
    (2013, None, None)
    """
    if not isinstance(plan, dict):
        return None
    start = plan.get("start_year")
    if isinstance(start, int) and not isinstance(start, bool):
        return start
    issued = _year_of(plan.get("date"))
    if issued is not None:
        return issued
    starts = [_year_of(ph.get("start")) for ph in phases or () if isinstance(ph, dict)]
    return min((y for y in starts if y is not None), default=None)


def _check_plan_start(plan: LineDict, phases: list[Any], deadline: Any, c: _Collector) -> None:
    """``start_year`` (optional): an integer year, cited (``start_source``), not after the deadline or a phase."""
    start = plan.get("start_year")
    if start is None:
        if plan.get("start_source") is not None:
            c.add(plan.line_of("start_source"), "plan.start_source", None, "a start_source needs a start_year")
        return
    if not isinstance(start, int) or isinstance(start, bool):
        c.add(plan.line_of("start_year"), "plan.start_year", start, "not an integer", "an integer year")
        return
    source = plan.get("start_source")
    if not isinstance(source, LineDict):
        c.add(
            plan.line_of("start_source") if "start_source" in plan else plan.line_of("start_year"),
            "plan.start_source",
            source,
            "the start year needs its source clause",
            "a mapping with section and clause",
        )
    else:
        c.require(source, "section", where="plan.start_source.")
        c.require(source, "clause", where="plan.start_source.")
    if isinstance(deadline, int) and start > deadline:
        c.add(
            plan.line_of("start_year"),
            "plan.start_year",
            start,
            f"after the plan's deadline_year {deadline}",
            f"<= {deadline}",
        )
    for i, ph in enumerate(phases):
        y = _year_of(ph.get("start")) if isinstance(ph, dict) else None
        if y is not None and y < start:
            c.add(
                plan.line_of("start_year"),
                "plan.start_year",
                start,
                f"phases[{i}] ({ph.get('phase_id')}) starts in {y}, before the plan's start year",
                f"<= {y}",
            )


def _load_city_file(
    path: Path, registry: dict[str, dict[str, Any]], c: _Collector
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    doc = read_yaml(path)
    if not isinstance(doc, LineDict):
        c.add(1, "", None, "top level must be a mapping", "city, plan, phases, targets")
        return {}, []
    _check_unknown_keys(c, doc, _CITY_KEYS, "")
    city = c.require(doc, "city")
    city_id = None
    if isinstance(city, LineDict):
        city_id = c.require(city, "city_id", where="city.")
        for key in ("name_zh", "name_en", "province_zh", "province_en"):
            c.require(city, key, where="city.")
        if city_id is not None and city_id != path.stem:
            c.add(city.line_of("city_id"), "city.city_id", city_id, "must equal the file name", repr(path.stem))
        _check_city_in_registry(city, c)
    plan: Any = doc.get("plan")
    deadline = None
    if plan is not None:
        if not isinstance(plan, LineDict):
            c.add(doc.line_of("plan"), "plan", plan, "must be a mapping or null")
            plan = None
        else:
            for key in ("title_zh", "seed_file", "deadline_year"):
                c.require(plan, key, where="plan.")
            deadline = plan.get("deadline_year")
            if deadline is not None and not isinstance(deadline, int):
                c.add(
                    plan.line_of("deadline_year"), "plan.deadline_year", deadline, "not an integer", "an integer year"
                )
                deadline = None
    phases = doc.get("phases") or []
    if not isinstance(phases, list):
        c.add(doc.line_of("phases"), "phases", phases, "must be a list")
        phases = []
    for i, ph in enumerate(phases):
        if isinstance(ph, LineDict):
            for key in ("phase_id", "name_zh", "start"):
                c.require(ph, key, where=f"phases[{i}].")
        else:
            c.add(None, f"phases[{i}]", ph, "each phase must be a mapping")
    if isinstance(plan, LineDict):
        _check_plan_start(plan, phases, deadline, c)
    start = plan_start_year(plan, phases)
    targets = doc.get("targets") or []
    if not isinstance(targets, list):
        c.add(doc.line_of("targets"), "targets", targets, "must be a list")
        targets = []
    if targets and plan is None:
        c.add(doc.line_of("targets"), "targets", len(targets), "targets need a plan to cite", "a plan mapping")
    rows = []
    for i, t in enumerate(targets):
        where = f"targets[{i}]."
        if not isinstance(t, LineDict):
            c.add(None, where.rstrip("."), t, "each target must be a mapping")
            continue
        row = _validate_target(t, where, c, registry, deadline)
        if row is None:
            continue
        row["city"] = city_id
        row["source_file"] = (plan or {}).get("seed_file", "")
        row["plan_title"] = (plan or {}).get("title_zh", "")
        row["doc_number"] = (plan or {}).get("doc_number", "") or ""
        row["plan_start_year"] = start
        ty = row["target_year"]
        if start is not None and isinstance(ty, int) and ty < start:
            c.add(
                t.line_of("target_year") if "target_year" in t else t.line,
                where + "target_year",
                ty,
                f"falls due before the plan starts ({start})",
                f">= {start}",
            )
        rows.append(row)
    meta = {
        "city": dict(city) if isinstance(city, dict) else {},
        "plan": dict(plan) if isinstance(plan, dict) else None,
        "phases": [dict(p) for p in phases if isinstance(p, dict)],
        "note": doc.get("note") or "",
        "file": str(path),
    }
    return meta, rows


def load_catalog(params_dir: str | Path | None = None) -> Catalog:
    """Load and validate the whole target catalog.

    Parameters
    ----------
    params_dir : str or Path, optional
        Folder with ``indicators*.yml`` and one ``<city>.yml`` per city; the
        shipped ``params/`` by default.  Files whose names start with
        ``indicators`` or ``run`` are not city files.

    Returns
    -------
    Catalog

    Raises
    ------
    DataValidationError
        With every problem found across all files (file, line, field, value,
        allowed values): unknown indicator, kind, comparator or domain, a
        unit that disagrees with the registry, a relative target without a base
        year, a missing source clause, duplicate target ids, YAML syntax errors.

    Examples
    --------
    >>> cat = load_catalog()
    >>> sorted(cat.cities)[:2]
    ['qinhuangdao', 'xinxiang']
    >>> cat.cities["zhengzhou"]["plan"]["doc_number"]
    '郑政〔2014〕17号'
    """
    params_dir = Path(params_dir) if params_dir is not None else PARAMS_DIR
    indicators = load_indicators(params_dir)
    registry = {r["indicator_id"]: r for r in indicators.to_dict("records")}
    issues: list[Issue] = []
    cities: dict[str, dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    seen_targets: dict[str, str] = {}
    city_files = [p for p in sorted(params_dir.glob("*.yml")) if not p.name.startswith(("indicators", "run"))]
    for path in city_files:
        c = _Collector(str(path))
        meta, city_rows = _load_city_file(path, registry, c)
        for row in city_rows:
            tid = row["target_id"]
            if tid in seen_targets:
                c.add(
                    row["_line"],
                    "target_id",
                    tid,
                    f"duplicate target id (also in {seen_targets[tid]})",
                    "unique target ids",
                )
            seen_targets[tid] = str(path)
        issues.extend(c.issues)
        if meta.get("city", {}).get("city_id"):
            cities[meta["city"]["city_id"]] = meta
        rows.extend(city_rows)
    if issues:
        raise DataValidationError(issues)
    targets = pd.DataFrame(rows, columns=list(TARGET_COLUMNS) + ["_line"]).drop(columns="_line")
    for col in ("base_year", "target_year", "n_years", "plan_start_year"):
        targets[col] = targets[col].astype("Int64")
    targets["target_value"] = targets["target_value"].astype(float)
    targets["base_value"] = targets["base_value"].astype(float)
    return Catalog(
        cities=cities, indicators=indicators, targets=targets.reset_index(drop=True), files=[str(p) for p in city_files]
    )


def load_targets(path: str | Path | None = None) -> pd.DataFrame:
    """Load the targets table: one row per city × target.

    Parameters
    ----------
    path : str or Path, optional
        A ``params`` folder, or one city YAML file (its folder's registry is
        used).  The shipped catalog by default.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TARGET_COLUMNS`; years are nullable integers, values floats
        (NaN where the target has no number).

    Examples
    --------
    >>> t = load_targets()
    >>> row = t.loc[t["target_id"] == "zhengzhou_environment_7"].iloc[0]
    >>> row["kind"], float(row["target_value"]), int(row["base_year"])
    ('reduction_vs_base', 14.8, 2010)
    """
    if path is None:
        return load_catalog().targets
    path = Path(path)
    if path.is_dir():
        return load_catalog(path).targets
    cat = load_catalog(path.parent)
    return cat.targets.loc[cat.targets["city"] == path.stem].reset_index(drop=True)
