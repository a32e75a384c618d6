"""Generated Chinese text for the reports, in the style of an official bulletin.

Every number in the text comes from a scorecard row
(:func:`qclib.indicators.scorecard.scorecard`); nothing is typed by hand.  The functions
are pure: a mapping (a scorecard row, optionally with ``name_zh``) in, a
string out.  A missing number is never invented: the clause that needs it is
left out, and an indicator without a value says 无数据.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from qclib._numbers import as_float, is_present
from qclib.constants import (
    ASSESSED_STATUSES,
    BASELINE_STATUSES,
    DOMAIN_NAMES_ZH,
    STATUS_NAMES_ZH,
    STATUSES,
    UNIT_NAMES_ZH,
)
from qclib.exceptions import InvalidChoiceError

#: Chinese names of the progress categories (Eurostat-style).
PROGRESS_NAMES_ZH: dict[str, str] = {
    "achieved": "目标已实现",
    "significant": "进展显著",
    "moderate": "进展一般",
    "insufficient": "进展不足",
    "moving_away": "偏离目标",
    "not_assessable": "无法判断进展",
}

#: Chinese names of the trend labels.
TREND_NAMES_ZH: dict[str, str] = {
    "rising": "上升",
    "falling": "下降",
    "improving": "向好",
    "worsening": "变差",
    "stable": "基本持平",
    "flat": "基本持平",
    "insufficient_data": "数据不足",
}

_COMPARATOR_ZH: dict[str, str] = {
    ">": "高于",
    ">=": "不低于",
    "<=": "不高于",
    "<": "低于",
    "==": "",
}

#: Units as written after a number in a sentence (a rank is "第3位", a
#: per-10k figure names its base in the indicator name).
_UNIT_ZH: dict[str, str] = {**UNIT_NAMES_ZH, "rank": "", "per 10k": ""}


_num = as_float
_present = is_present


def format_number(value: Any) -> str:
    """A number as printed in the text (at most 2 decimals, no trailing zeros).

    Parameters
    ----------
    value : number or None
        The value; None/NaN give ``"—"``.

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(95), format_number(99.333), format_number(14.80), format_number(1234.56)
    ('95', '99.33', '14.8', '1234.6')
    >>> format_number(None)
    '—'
    """
    v = _num(value)
    if math.isnan(v):
        return "—"
    digits = 1 if abs(v) >= 1000 else 2
    text = f"{v:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_value(value: Any, unit: str, measure_word: Any = "") -> str:
    """A value with its Chinese unit.

    Parameters
    ----------
    value : number or None
        The value.
    unit : str
        Registry unit (``%``, ``ug/m3``, ``rank``…).
    measure_word : str, optional
        For a count (unit ``count``): the indicator's measure word (件, 家, 台 …,
        ``measure_word`` in ``params/indicators*.yml``); without one a count reads 个.

    Returns
    -------
    str

    Examples
    --------
    >>> format_value(96, "ug/m3"), format_value(92.5, "%"), format_value(3, "rank")
    ('96微克/立方米', '92.5%', '第3位')
    >>> format_value(15000, "count", "件"), format_value(342, "count", "家")
    ('15000件', '342家')
    >>> format_value(float("nan"), "%")
    '无数据'
    """
    if not _present(value):
        return STATUS_NAMES_ZH["no_data"]
    if unit == "rank":
        return f"第{format_number(value)}位"
    if unit == "count" and isinstance(measure_word, str) and measure_word:
        return f"{format_number(value)}{measure_word}"
    return f"{format_number(value)}{_UNIT_ZH.get(unit, '' if unit is None else str(unit))}"


def measure_word_of(row: Mapping[str, Any]) -> str:
    """The measure word of a row's indicator (``''`` when it has none or is not a count).

    Examples
    --------
    >>> measure_word_of({"unit": "count", "measure_word": "件"}), measure_word_of({"unit": "%"})
    ('件', '')
    """
    word = row.get("measure_word")
    return word if isinstance(word, str) else ""


def n_years_stated(row: Mapping[str, Any]) -> bool:
    """Whether a trend target's number of years is the plan's own (连续3年) or the span of its years.

    A row without the field (a hand-built frame) reads as stated.

    Examples
    --------
    >>> n_years_stated({"n_years_stated": False}), n_years_stated({}), n_years_stated({"n_years_stated": float("nan")})
    (False, True, True)
    """
    v = row.get("n_years_stated")
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return True
    try:
        return bool(v)
    except TypeError:  # pandas.NA
        return True


def _trend_verb(row: Mapping[str, Any]) -> str:
    return "下降" if row.get("comparator") in ("<", "<=") else "提高"


def _trend_span(row: Mapping[str, Any]) -> str:
    """'2014—2020年': the plan years a trend without a stated number of years covers ('' when unknown)."""
    n, ty = _num(row.get("n_years")), _num(row.get("target_year"))
    if math.isnan(n) or math.isnan(ty):
        return ""
    return f"{int(ty) - int(n) + 1}—{int(ty)}年"


def trend_target_phrase(row: Mapping[str, Any]) -> str:
    """How a trend target reads: 连续N年 only when the plan states N, else as the plan says.

    ``n_years_stated`` (``params/<city>.yml``) tells the two apart: Zhuzhou's 连续3年不断提高
    states the count; Xinxiang's and Zhengzhou's 不断提高 / 逐年下降 do not, and are judged
    year by year over the plan years (``n_years`` is that span).

    Examples
    --------
    >>> trend_target_phrase({"kind": "trend", "comparator": ">", "n_years": 3, "target_year": 2017,
    ...                      "n_years_stated": True})
    '2017年目标为连续3年提高'
    >>> trend_target_phrase({"kind": "trend", "comparator": ">", "n_years": 7, "target_year": 2020,
    ...                      "n_years_stated": False})
    '目标为2014—2020年持续提高（规划未规定年数，按每年均高于上年判断）'
    >>> trend_target_phrase({"kind": "trend", "comparator": "<", "target_year": 2016})
    '2016年目标为逐年下降'
    """
    ty = _num(row.get("target_year"))
    when = f"{int(ty)}年" if not math.isnan(ty) else ""
    verb = _trend_verb(row)
    n = _num(row.get("n_years"))
    span = _trend_span(row)
    if not n_years_stated(row) and span:
        higher = "低于" if verb == "下降" else "高于"
        return f"目标为{span}持续{verb}（规划未规定年数，按每年均{higher}上年判断）"
    return f"{when}目标为{f'连续{int(n)}年' if not math.isnan(n) else '逐年'}{verb}"


def _trend_shortfall(row: Mapping[str, Any]) -> str:
    """What a trend target behind or missed lacks, in years (never in the indicator's unit)."""
    verb = _trend_verb(row)
    if row.get("status") == "off_track":
        return f"最近一年未{verb}"
    if not n_years_stated(row) and _trend_span(row):
        return f"{_trend_span(row)}并非每年均{'低于' if verb == '下降' else '高于'}上年"
    n, gap = _num(row.get("n_years")), _num(row.get("gap"))
    if math.isnan(n) or math.isnan(gap):
        return ""
    return f"至目标年仅连续{max(int(n - gap), 0)}年{verb}，未达到连续{int(n)}年"


def change_phrase(row: Mapping[str, Any]) -> str:
    """Change on the previous year (``比上年…``), or ``''`` when unknown.

    Rates change in percentage points (``yoy_change_pp``), other measures in
    percent (``yoy_change_pct``); the points form is used whenever it is
    present.

    Parameters
    ----------
    row : mapping
        Scorecard row.

    Returns
    -------
    str

    Examples
    --------
    >>> change_phrase({"yoy_change_pp": 1.2, "yoy_change_pct": 1.3})
    '比上年提高1.2个百分点'
    >>> change_phrase({"yoy_change_pp": float("nan"), "yoy_change_pct": -5.88})
    '比上年下降5.88%'
    >>> change_phrase({"yoy_change_pp": 0.0})
    '与上年持平'
    >>> change_phrase({})
    ''
    """
    pp, pct = _num(row.get("yoy_change_pp")), _num(row.get("yoy_change_pct"))
    if not math.isnan(pp):
        if pp == 0:
            return "与上年持平"
        return f"比上年{'提高' if pp > 0 else '下降'}{format_number(abs(pp))}个百分点"
    if not math.isnan(pct):
        if pct == 0:
            return "与上年持平"
        return f"比上年{'增长' if pct > 0 else '下降'}{format_number(abs(pct))}%"
    return ""


def target_phrase(row: Mapping[str, Any]) -> str:
    """How the target reads (``目标为…``), from the row's kind and numbers.

    Parameters
    ----------
    row : mapping
        Scorecard row (``kind``, ``comparator``, ``target_value``, ``unit``,
        ``target_year``, ``base_year``/``base_value`` where relevant,
        ``reference`` for vs_reference, ``n_years`` for trend).

    Returns
    -------
    str

    Examples
    --------
    >>> target_phrase({"kind": "threshold", "comparator": ">=", "target_value": 90,
    ...                "unit": "%", "target_year": 2015})
    '2015年目标为不低于90%'
    >>> target_phrase({"kind": "reduction_vs_base", "comparator": ">=", "target_value": 14.8,
    ...                "unit": "%", "base_year": 2010, "target_year": 2015})
    '2015年目标为较2010年下降不低于14.8%'
    >>> target_phrase({"kind": "trajectory", "base_year": 2013, "base_value": 108,
    ...                "target_value": 95, "unit": "ug/m3", "target_year": 2016})
    '规划路径为由2013年的108微克/立方米降至2016年的95微克/立方米'
    >>> target_phrase({"kind": "trend", "comparator": ">", "target_year": 2016, "n_years": 3})
    '2016年目标为连续3年提高'
    >>> target_phrase({"kind": "rank", "comparator": "<=", "target_value": None, "target_year": 2020})
    '2020年目标无量化数值'
    >>> target_phrase({"kind": "count", "comparator": ">=", "target_value": 3, "unit": "count",
    ...                "measure_word": "家", "target_year": 2017})
    '2017年目标为不低于3家'
    """
    kind = row.get("kind")
    ty = _num(row.get("target_year"))
    when = f"{int(ty)}年" if not math.isnan(ty) else ""
    comp = _COMPARATOR_ZH.get(str(row.get("comparator")), "")
    tv = row.get("target_value")
    unit = row.get("unit") or ""
    word = measure_word_of(row)
    if kind == "trajectory":
        by, bv = _num(row.get("base_year")), row.get("base_value")
        if math.isnan(by) or not _present(bv) or not _present(tv):
            return f"{when}目标为{format_value(tv, unit, word)}"
        verb = "降至" if _num(tv) < _num(bv) else "升至"
        return f"规划路径为由{int(by)}年的{format_value(bv, unit, word)}{verb}{when}的{format_value(tv, unit, word)}"
    if kind in ("reduction_vs_base", "change_vs_base"):
        by = _num(row.get("base_year"))
        base = f"较{int(by)}年" if not math.isnan(by) else "较基准年"
        word = "下降" if kind == "reduction_vs_base" else "变化"
        return f"{when}目标为{base}{word}{comp}{format_number(tv)}%"
    if kind == "trend":
        return trend_target_phrase(row)
    if kind == "vs_reference":
        ref = row.get("reference_name_zh") or row.get("reference") or "参照地区"
        return f"{when}目标为{comp}{ref}平均水平"
    if kind == "boolean":
        return f"{when}目标为实现"
    if not _present(tv):
        return f"{when}目标无量化数值"
    if kind == "rank":
        return f"{when}目标为排名{comp}第{format_number(tv)}位"
    return f"{when}目标为{comp}{format_value(tv, unit, word)}"


def standing_phrase(row: Mapping[str, Any]) -> str:
    """Standing against the target or planned path, ending with the status.

    Parameters
    ----------
    row : mapping
        Scorecard row (``status``, ``gap``, ``planned_value``, ``unit``,
        ``progress_category``, ``kind``, ``target_value``).

    Returns
    -------
    str

    Raises
    ------
    InvalidChoiceError
        If ``status`` is not one of :data:`qclib.constants.STATUSES`.

    Examples
    --------
    >>> standing_phrase({"status": "met", "progress_category": "achieved"})
    '已达标'
    >>> standing_phrase({"status": "not_met", "gap": 2.5, "unit": "%",
    ...                  "progress_category": "moderate"})
    '距目标尚差2.5个百分点，未达标'
    >>> standing_phrase({"status": "on_track", "kind": "trajectory", "planned_value": 99.33,
    ...                  "unit": "ug/m3", "value": 96})
    '当年规划路径值为99.33微克/立方米，实际值优于规划路径，进度正常'
    >>> standing_phrase({"status": "not_assessable", "kind": "rank", "target_value": None})
    '无法评估'

    A baseline year (before the plan starts): the distance to the target, no pace.

    >>> standing_phrase({"status": "baseline", "kind": "threshold", "gap": 10, "unit": "%"})
    '距目标尚差10个百分点，基期水平'
    >>> standing_phrase({"status": "baseline", "kind": "trajectory", "planned_value": 108, "gap": 13,
    ...                  "unit": "ug/m3", "base_year": 2013, "year_assessed": 2013, "target_year": 2016})
    '2013年为规划基期，该值即规划路径的起点，距2016年目标尚差13微克/立方米，基期水平'
    >>> standing_phrase({"status": "baseline_met", "kind": "threshold", "gap": -0.5, "unit": "%"})
    '规划前已达到目标值'
    """
    status = row.get("status")
    if status not in STATUSES:
        raise InvalidChoiceError("status", status, STATUSES)
    unit = row.get("unit") or ""
    word = measure_word_of(row)
    parts: list[str] = []
    path = row.get("planned_value")
    at_base = _present(row.get("base_year")) and _num(row.get("year_assessed")) == _num(row.get("base_year"))
    if status in BASELINE_STATUSES:  # before the plan: where it starts from, no verdict on a pace
        return _baseline_standing(row, at_base)
    if _present(path) and status in ("on_track", "off_track") and at_base:
        parts.append(f"{int(_num(row.get('base_year')))}年为规划基期，该值即规划路径的起点")
    elif _present(path) and status in ("on_track", "off_track"):  # before the target year: against the path
        same = abs(_num(row.get("value")) - _num(path)) <= 1e-9 * max(1.0, abs(_num(path)))
        better = "与规划路径持平" if same else ("优于规划路径" if status == "on_track" else "落后于规划路径")
        parts.append(f"当年规划路径值为{format_value(path, unit, word)}，实际值{better}")
    elif _present(path) and status in ("met", "not_met"):  # the target year: against the target itself
        parts.append(f"{'达到' if status == 'met' else '未达到'}{int(_num(row.get('target_year')))}年目标")
    gap = _num(row.get("gap"))
    if status in ("not_met", "off_track") and row.get("kind") == "trend":  # a gap in years, not in the unit
        parts.append(_trend_shortfall(row))
    elif status in ("not_met", "off_track") and not math.isnan(gap) and gap != 0:
        size = format_number(abs(gap))
        if row.get("kind") in ("reduction_vs_base", "change_vs_base"):
            parts.append(f"距目标尚差{size}个百分点")
        elif unit == "%":
            parts.append(f"距目标尚差{size}个百分点")
        elif unit == "rank":
            parts.append(f"距目标尚差{size}位")
        elif not _present(path):
            parts.append(f"距目标尚差{format_value(abs(gap), unit, word)}")
    parts.append(status_label(row) + _direction_note(row))
    return "，".join(p for p in parts if p)


def _baseline_standing(row: Mapping[str, Any], at_base: bool) -> str:
    """:func:`standing_phrase` of a baseline status: the path's start, the gap to the target, the status."""
    unit = row.get("unit") or ""
    parts: list[str] = []
    path = row.get("planned_value")
    if _present(path) and at_base:
        parts.append(f"{int(_num(row.get('base_year')))}年为规划基期，该值即规划路径的起点")
    gap = _num(row.get("gap"))
    if row.get("status") == "baseline" and not math.isnan(gap) and gap > 0:
        ty = _num(row.get("target_year"))
        target = f"{int(ty)}年目标" if _present(path) and not math.isnan(ty) else "目标"
        rel = row.get("kind") in ("reduction_vs_base", "change_vs_base")
        size = f"{format_number(gap)}位" if unit == "rank" and not rel else _gap_text(gap, unit, rel)
        parts.append(f"距{target}尚差{size}")
    parts.append(status_label(row))
    return "，".join(parts)


#: How an indicator moved since its base (from the progress category), in words that
#: describe the direction only: the status says where it stands against the plan, this
#: says which way it moves, so "进度滞后（较基期：改善）" is not a contradiction.
DIRECTION_NAMES_ZH: dict[str, str] = {
    "significant": "改善",
    "moderate": "改善",
    "insufficient": "小幅改善",
    "moving_away": "变差",
}

#: Arrows of the overview (same categories as :data:`DIRECTION_NAMES_ZH`).
DIRECTION_ARROWS: dict[str, str] = {"significant": "↑", "moderate": "↑", "insufficient": "↗", "moving_away": "↓"}


def _direction_note(row: Mapping[str, Any]) -> str:
    """'（较基期：改善）' before the target year; nothing once the target year is reached."""
    if row.get("status") not in ("on_track", "off_track"):
        return ""
    cat = row.get("progress_category")
    return f"（较基期：{DIRECTION_NAMES_ZH[cat]}）" if cat in DIRECTION_NAMES_ZH else ""


def status_label(row: Mapping[str, Any]) -> str:
    """The status in Chinese, marked 待核实 when it rests on a figure that is not official.

    Examples
    --------
    >>> status_label({"status": "met", "provisional": True, "provisional_reason_zh": "数值为研究文献的监测均值，非官方发布"})
    '已达标（待核实：数值为研究文献的监测均值，非官方发布）'
    >>> status_label({"status": "off_track"})
    '进度滞后'
    """
    status = str(row.get("status"))
    label = STATUS_NAMES_ZH.get(status, status)
    if row.get("provisional") is True or row.get("provisional") == 1:
        why = row.get("provisional_reason_zh") or ""
        return f"{label}（待核实：{why}）" if why else f"{label}（待核实）"
    return label


def indicator_sentence(row: Mapping[str, Any], year: int) -> str:
    """One bulletin sentence about one target.

    Parameters
    ----------
    row : mapping
        Scorecard row, optionally with ``name_zh`` (else ``indicator_id`` is
        used as the name).
    year : int
        Report year; when the value assessed is from an earlier year
        (``year_assessed``), the sentence says so.

    Returns
    -------
    str
        Ends with ``。``.

    Examples
    --------
    >>> row = {"name_zh": "细颗粒物（PM2.5）年均浓度", "kind": "trajectory", "unit": "ug/m3",
    ...        "value": 96, "year_assessed": 2015, "yoy_change_pct": -5.88,
    ...        "base_year": 2013, "base_value": 108, "target_value": 95, "target_year": 2016,
    ...        "planned_value": 99.33, "status": "on_track", "progress_category": "significant"}
    >>> indicator_sentence(row, 2015)
    '细颗粒物（PM2.5）年均浓度为96微克/立方米，比上年下降5.88%；规划路径为由2013年的108微克/立方米降至2016年的95微克/立方米，当年规划路径值为99.33微克/立方米，实际值优于规划路径，进度正常（较基期：改善）。'
    >>> indicator_sentence({"name_zh": "顾客满意度", "status": "no_data", "kind": "threshold",
    ...                     "comparator": ">=", "target_value": 80, "unit": "score",
    ...                     "target_year": 2015}, 2015)
    '顾客满意度暂无2015年数据（无数据），2015年目标为不低于80分。'
    """
    name = row.get("name_zh") or row.get("indicator_id") or "该指标"
    unit = row.get("unit") or ""
    target = target_phrase(row)
    if row.get("status") == "no_data" or not _present(row.get("value")):
        return f"{name}暂无{year}年数据（{STATUS_NAMES_ZH['no_data']}），{target}。"
    ya = _num(row.get("year_assessed"))
    when = f"（{int(ya)}年数据）" if not math.isnan(ya) and int(ya) != int(year) else ""
    head = f"{name}{when}为{format_value(row.get('value'), unit, measure_word_of(row))}"
    if row.get("kind") == "rank" or unit == "rank":
        head = f"{name}{when}位居{format_value(row.get('value'), 'rank')}"
    change = change_phrase(row)
    if change:
        head += f"，{change}"
    red = _num(row.get("reduction_vs_base_pct"))
    by = _num(row.get("base_year"))
    if row.get("kind") == "reduction_vs_base" and not math.isnan(red) and not math.isnan(by):
        word = "下降" if red >= 0 else "上升"
        head += f"，较{int(by)}年累计{word}{format_number(abs(red))}%"
    return f"{head}；{target}，{standing_phrase(row)}。"


def status_summary(statuses: Iterable[str]) -> str:
    """``共有N项目标指标，其中已达标a项、…`` for a collection of statuses.

    Parameters
    ----------
    statuses : iterable of str
        Status ids (zero counts are left out of the list).

    Returns
    -------
    str

    Raises
    ------
    InvalidChoiceError
        On an unknown status id.

    Examples
    --------
    >>> status_summary(["met", "met", "no_data", "not_met"])
    '共有4项目标指标，其中已达标2项、未达标1项、无数据1项'
    >>> status_summary([])
    '没有目标指标'
    """
    statuses = list(statuses)
    for s in statuses:
        if s not in STATUSES:
            raise InvalidChoiceError("status", s, STATUSES)
    if not statuses:
        return "没有目标指标"
    counts = [(s, statuses.count(s)) for s in STATUSES if statuses.count(s)]
    detail = "、".join(f"{STATUS_NAMES_ZH[s]}{n}项" for s, n in counts)
    return f"共有{len(statuses)}项目标指标，其中{detail}"


def _domain_counts(rows: Sequence[Mapping[str, Any]]) -> str:
    """:func:`status_summary` of a domain's rows, counting a judged status on a figure that is not official as 待核实.

    The domain's counts then agree with the overview table (:func:`overview_bucket`).

    Examples
    --------
    >>> _domain_counts([{"status": "met"}, {"status": "met", "provisional": True}, {"status": "no_data"}])
    '共有3项目标指标，其中已达标1项、待核实1项、无数据1项'

    A target without a figure of a year it can be judged on, but with an
    older one (quoted in the paragraph), is 仅有往年数据, not 无数据:

    >>> _domain_counts([{"status": "no_data", "value": 93.1}, {"status": "no_data"}])
    '共有2项目标指标，其中仅有往年数据1项、无数据1项'
    """
    text = status_summary(str(r.get("status")) for r in rows)  # validates the ids
    if not rows:
        return text
    labels = [_count_label(r) for r in rows]
    order = (
        [s for s in STATUSES if s in JUDGED_STATUSES]
        + ["待核实", "仅有往年数据"]
        + [s for s in STATUSES if s not in JUDGED_STATUSES]
    )
    detail = "、".join(f"{STATUS_NAMES_ZH.get(k, k)}{labels.count(k)}项" for k in order if labels.count(k))
    return f"共有{len(rows)}项目标指标，其中{detail}"


def _count_label(r: Mapping[str, Any]) -> str:
    """The count a row goes into in a domain's lead: its status, 待核实, or 仅有往年数据."""
    status = str(r.get("status"))
    if status in JUDGED_STATUSES and is_provisional(r):
        return "待核实"
    if status == "no_data" and _present(r.get("value")):
        return "仅有往年数据"
    return status


def _quoted(name: Any) -> str:
    text = str(name)
    return text if "“" in text else f"“{text}”"


def domain_paragraph(rows: Iterable[Mapping[str, Any]], *, domain: str, city_name_zh: str, year: int) -> str:
    """The opening paragraph of a domain section: the targets that can be judged, one sentence each.

    Targets without a figure are not listed here (the report names them once,
    in its data-gap section); the paragraph only counts them.  A target whose
    latest figure is older than its target year says so.

    Parameters
    ----------
    rows : iterable of mapping
        The scorecard rows of one city, year and domain (each optionally
        with ``name_zh``).
    domain : str
        Domain id (one of :data:`qclib.constants.DOMAIN_NAMES_ZH`).
    city_name_zh : str
        City name, e.g. ``郑州市``.
    year : int
        Report year.

    Returns
    -------
    str

    Raises
    ------
    InvalidChoiceError
        On an unknown domain.

    Examples
    --------
    >>> rows = [{"name_zh": "农业标准化生产普及率", "kind": "threshold", "comparator": ">",
    ...          "target_value": 30, "unit": "%", "target_year": 2015, "value": 32.5,
    ...          "year_assessed": 2015, "yoy_change_pp": 2.1, "status": "met",
    ...          "progress_category": "achieved"},
    ...         {"name_zh": "顾客满意度", "status": "no_data"}]
    >>> domain_paragraph(rows, domain="product", city_name_zh="郑州市", year=2015)
    '2015年，郑州市产品质量领域共有2项目标指标，其中已达标1项、无数据1项。农业标准化生产普及率为32.5%，比上年提高2.1个百分点；2015年目标为高于30%，已达标。另有1项目标暂无可用数据，见“数据缺口”。'
    >>> domain_paragraph([{"status": "no_data"}, {"status": "not_assessable"}], domain="service",
    ...                  city_name_zh="新乡市", year=2017)
    '2017年，新乡市服务质量领域共有2项目标指标，其中无数据1项、无法评估1项。1项目标暂无可用数据，1项目标未给出可核对的数值或参照，无法评估，均见“数据缺口”。'
    >>> domain_paragraph([], domain="culture", city_name_zh="秦皇岛市", year=2010)
    '2010年，秦皇岛市质量文化及质量基础领域没有目标指标。'
    """
    if domain not in DOMAIN_NAMES_ZH:
        raise InvalidChoiceError("domain", domain, tuple(DOMAIN_NAMES_ZH))
    rows = list(rows)
    lead = f"{year}年，{city_name_zh}{DOMAIN_NAMES_ZH[domain]}领域{_domain_counts(rows)}。"
    judged = [r for r in rows if r.get("status") not in ("no_data", "not_assessable") and _present(r.get("value"))]
    old = [r for r in rows if r.get("status") == "no_data" and _present(r.get("value"))]
    unjudged = [r for r in rows if r not in judged and r not in old]
    text = lead + "".join(indicator_sentence(r, year) for r in judged)
    text += "".join(old_value_sentence(r) for r in old)
    missing = [r for r in unjudged if r.get("status") == "no_data"]
    vague = [r for r in unjudged if r.get("status") != "no_data"]
    vague_text = f"{len(vague)}项目标未给出可核对的数值或参照，无法评估"
    if missing and (judged or old):  # "另有" only after targets the paragraph has named
        text += f"另有{len(missing)}项目标暂无可用数据，见“数据缺口”。"
    elif missing and vague:
        return text + f"{len(missing)}项目标暂无可用数据，{vague_text}，均见“数据缺口”。"
    elif missing:
        text += "所缺数据见“数据缺口”。"
    if vague:
        text += f"{vague_text}，见“数据缺口”。"
    return text


def old_value_sentence(row: Mapping[str, Any]) -> str:
    """A target at or past its target year whose latest figure is older: shown, not judged.

    Examples
    --------
    >>> old_value_sentence({"name_zh": "保障房工程一次验收合格率", "value": 100, "unit": "%",
    ...     "year_assessed": 2013, "target_year": 2015, "kind": "threshold", "comparator": "==",
    ...     "target_value": 100, "status": "no_data"})
    '保障房工程一次验收合格率最近数据为2013年的100%，尚无2015年（目标年）的数据，无法判断是否达标。'
    """
    name = row.get("name_zh") or row.get("indicator_id") or "该指标"
    ya, ty = _num(row.get("year_assessed")), _num(row.get("target_year"))
    when = f"{int(ya)}年的" if not math.isnan(ya) else ""
    target_year = f"{int(ty)}年（目标年）" if not math.isnan(ty) else "目标年"
    return (
        f"{name}最近数据为{when}{format_value(row.get('value'), row.get('unit') or '', measure_word_of(row))}"
        f"{value_caveat(row)}，"
        f"尚无{target_year}的数据，无法判断是否达标。"
    )


def value_caveat(row: Mapping[str, Any]) -> str:
    """'（以相近指标“…”的数值近似）' and the like: what a figure is when it is not an official one.

    Examples
    --------
    >>> value_caveat({"value_basis": "proxy", "proxy_name_zh": "重要工业产品抽检合格率"})
    '（以相近指标“重要工业产品抽检合格率”的数值近似）'
    >>> value_caveat({"value_basis": "official", "value_source_kind": "mirror"})
    '（数据来源为转载网站，待核实）'
    >>> value_caveat({"value_basis": "official", "value_source_kind": "media"})
    ''
    """
    from qclib.indicators.scorecard import PROVISIONAL_BASIS_ZH

    basis = row.get("value_basis")
    if basis == "proxy":
        return f"（以相近指标“{row.get('proxy_name_zh') or ''}”的数值近似）"
    if basis in PROVISIONAL_BASIS_ZH:
        return f"（{PROVISIONAL_BASIS_ZH[basis]}）"
    if row.get("value_source_kind") in ("mirror", "aggregator"):
        return "（数据来源为转载网站，待核实）"
    return ""


# --------------------------------------------------------------------------- headline, problems, next steps
#: Statuses resting on a figure compared with the target: the four verdicts and, before the
#: plan starts, the two baseline statuses (the rest cannot be judged yet).
JUDGED_STATUSES: tuple[str, ...] = ASSESSED_STATUSES


def _names(rows: Sequence[Mapping[str, Any]], limit: int = 3) -> str:
    """'“A”“B”“C”等5项' style list of target names (at most ``limit`` named; one more is named, not 等).

    Examples
    --------
    >>> _names([{"name_zh": n} for n in "ABCD"]), _names([{"name_zh": n} for n in "ABCDE"])
    ('“A”“B”“C”“D”', '“A”“B”“C”等5项')
    """
    if len(rows) == limit + 1:  # "“A”“B”“C”等4项" would leave out a single name
        limit += 1
    names = "".join(_quoted(r.get("name_zh") or r.get("indicator_id")) for r in rows[:limit])
    return names + (f"等{len(rows)}项" if len(rows) > limit else "")


def is_provisional(r: Mapping[str, Any]) -> bool:
    """Whether a scorecard row's status rests on a figure that is not official (its ``provisional`` flag).

    Examples
    --------
    >>> is_provisional({"provisional": True}), is_provisional({"provisional": 0}), is_provisional({})
    (True, False, False)
    """
    return r.get("provisional") is True or r.get("provisional") == 1


#: The overview's buckets, in the order the 综述 states them (a judged status on a figure that is
#: not official counts as 待核实 only, as in :func:`qclib.report.tables.overview_table`).
HEADLINE_BUCKETS: tuple[str, ...] = (
    "已达标",
    "进度正常",
    "进度滞后",
    "未达标",
    "规划前已达到目标值",
    "基期水平",
    "待核实",
)

#: The buckets of a figure from before the plan (no pace judged on it).
BASELINE_BUCKETS: tuple[str, ...] = tuple(STATUS_NAMES_ZH[s] for s in BASELINE_STATUSES)


def is_short_before_plan(r: Mapping[str, Any]) -> bool:
    """A base level (status ``baseline``) still short of its target: listed in 存在问题 and 下一步.

    Examples
    --------
    >>> is_short_before_plan({"status": "baseline", "gap": 10}), is_short_before_plan({"status": "baseline", "gap": 0})
    (True, False)
    """
    return r.get("status") == "baseline" and _num(r.get("gap")) > 0


def is_before_plan(r: Mapping[str, Any]) -> bool:
    """Whether a scorecard row is of a report year, or rests on a figure, before the plan starts (``before_plan``).

    Examples
    --------
    >>> is_before_plan({"before_plan": True}), is_before_plan({"before_plan": False}), is_before_plan({})
    (True, False, False)
    """
    return r.get("before_plan") is True or r.get("before_plan") == 1


def baseline_report(rows: Iterable[Mapping[str, Any]]) -> int | None:
    """The plan's start year when every row is before it (a baseline-year report), else None.

    Examples
    --------
    >>> baseline_report([{"before_plan": True, "plan_start_year": 2014}, {"before_plan": True}])
    2014
    >>> baseline_report([{"before_plan": True, "plan_start_year": 2014}, {"before_plan": False}]) is None
    True
    >>> baseline_report([]) is None
    True
    """
    rows = list(rows)
    if not rows or not all(is_before_plan(r) for r in rows):
        return None
    starts = [int(_num(r.get("plan_start_year"))) for r in rows if _present(r.get("plan_start_year"))]
    return min(starts) if starts else None


def overview_bucket(r: Mapping[str, Any]) -> str:
    """The overview column of one scorecard row (the one definition, for the 综述, the overview and the index).

    Examples
    --------
    >>> overview_bucket({"status": "met"}), overview_bucket({"status": "met", "provisional": True})
    ('已达标', '待核实')
    >>> overview_bucket({"status": "no_data"})
    '无法判断'
    """
    status = str(r.get("status"))
    if status not in JUDGED_STATUSES:
        return "无法判断"
    return "待核实" if is_provisional(r) else STATUS_NAMES_ZH[status]


def _due_sentence(rows: Sequence[Mapping[str, Any]], year: int) -> str:
    """For a target year: how many targets fall due and how many are confirmed met, missed or unknown."""
    due = [r for r in rows if _num(r.get("target_year")) == year]
    if not due:
        return ""
    met = sum(overview_bucket(r) == "已达标" for r in due)
    missed = sum(overview_bucket(r) == "未达标" for r in due)
    unsure = sum(overview_bucket(r) == "待核实" for r in due)
    unknown = len(due) - met - missed - unsure
    if unknown == len(due):
        return f"本年度到期的{len(due)}项目标均缺少{year}年的可用数据，无法确认是否完成。"
    parts = [f"确认已达标{met}项"] + [t for t, n in ((f"未达标{missed}项", missed), (f"待核实{unsure}项", unsure)) if n]
    tail = f"，{unknown}项缺少{year}年数据，无法确认是否完成" if unknown else ""
    return f"本年度到期的{len(due)}项目标中，" + "、".join(parts) + tail + "。"


def headline(rows: Iterable[Mapping[str, Any]], *, city_name_zh: str, year: int) -> str:
    """The 综述: three to five sentences from the scorecard (what is met, what is behind, what cannot be judged).

    The counts are those of the overview table beside it (:data:`HEADLINE_BUCKETS`);
    in a target year the second sentence says how many of the targets due are
    confirmed met.

    Parameters
    ----------
    rows : iterable of mapping
        The scorecard rows of one city and year (with ``name_zh``, ``domain``).
    city_name_zh : str
        City name.
    year : int
        Report year.

    Returns
    -------
    str
        Every number is a count of scorecard rows or a value the rows hold.

    Examples
    --------
    >>> rows = [{"name_zh": "PM2.5年均浓度", "status": "on_track", "domain": "environment", "target_year": 2016},
    ...         {"name_zh": "污水处理率", "status": "off_track", "domain": "environment", "target_year": 2016},
    ...         {"name_zh": "顾客满意度", "status": "no_data", "domain": "service", "target_year": 2015},
    ...         {"name_zh": "抽检合格率", "status": "met", "domain": "product", "provisional": True,
    ...          "target_year": 2015}]
    >>> print(headline(rows, city_name_zh="郑州市", year=2015))
    2015年，郑州市质量强市规划共4项目标，其中3项可以作出判断：进度正常1项，进度滞后1项，待核实1项。本年度到期的2项目标中，确认已达标0项、待核实1项，1项缺少2015年数据，无法确认是否完成。已达标或进度正常的有“PM2.5年均浓度”。落后于规划要求的有“污水处理率”。“待核实”的1项所依据的数据不是官方发布数据，需核实后再作结论。其余1项目标缺少可用数据，无法判断，均在服务质量领域。

    A baseline year (every row before the plan's start year): the base level, no pace.

    >>> base = {"before_plan": True, "plan_start_year": 2014, "target_year": 2015}
    >>> rows = [{**base, "name_zh": "生活垃圾无害化处理率", "status": "baseline_met", "domain": "environment"},
    ...         {**base, "name_zh": "污水处理率", "status": "baseline", "gap": 10, "domain": "environment"},
    ...         {**base, "name_zh": "顾客满意度", "status": "no_data", "domain": "service"}]
    >>> print(headline(rows, city_name_zh="郑州市", year=2013))
    2013年在郑州市质量强市规划实施之前（规划自2014年起实施），为规划的基期，不作进度判断。规划共3项目标，其中2项有基期数据：规划前已达到目标值1项，基期水平1项。规划实施前已达到目标值的有“生活垃圾无害化处理率”，规划要求在目标年达到，届时再作达标判断。基期距目标尚有差距的有“污水处理率”，差距见“存在问题”。其余1项目标缺少可用数据，无法判断，均在服务质量领域。
    """
    rows = list(rows)
    if not rows:
        return f"{year}年，{city_name_zh}没有规划目标。"
    buckets = [overview_bucket(r) for r in rows]
    judged = [r for r, b in zip(rows, buckets) if b != "无法判断"]
    detail = "，".join(f"{b}{buckets.count(b)}项" for b in HEADLINE_BUCKETS if buckets.count(b))
    start = baseline_report(rows)
    if start is not None:
        out = [
            f"{year}年在{city_name_zh}质量强市规划实施之前（规划自{start}年起实施），为规划的基期，"
            f"不作进度判断。规划共{len(rows)}项目标，"
            + (f"其中{len(judged)}项有基期数据：{detail}。" if judged else "目前均缺少基期数据。")
        ]
    elif judged:
        out = [f"{year}年，{city_name_zh}质量强市规划共{len(rows)}项目标，其中{len(judged)}项可以作出判断：{detail}。"]
    else:
        out = [f"{year}年，{city_name_zh}质量强市规划共{len(rows)}项目标，目前均无法作出判断。"]
    out.append(_due_sentence(rows, year))
    good = [r for r, b in zip(rows, buckets) if b in ("已达标", "进度正常")]
    bad = [r for r, b in zip(rows, buckets) if b in ("未达标", "进度滞后")]
    if good:
        out.append(f"已达标或进度正常的有{_names(good)}。")
    if bad:
        out.append(f"落后于规划要求的有{_names(bad)}。")
    out.append(_baseline_sentences(rows, buckets, in_baseline_report=start is not None))
    if buckets.count("待核实"):
        out.append(f"“待核实”的{buckets.count('待核实')}项所依据的数据不是官方发布数据，需核实后再作结论。")
    missing = [r for r in rows if r.get("status") == "no_data"]
    vague = [r for r in rows if r.get("status") == "not_assessable"]
    if missing:
        lead = "其余" if not vague else ""
        out.append(f"{lead}{len(missing)}项目标缺少可用数据，无法判断{_by_domain(missing)}。")
    if vague:
        out.append(f"{len(vague)}项目标未给出可核对的数值或参照，无法评估。")
    return "".join(out)


def _per_domain(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """``["产品质量9项", "环境质量7项"]``: how many of ``rows`` each domain holds, in the domains' order."""
    return [f"{DOMAIN_NAMES_ZH[d]}{n}项" for d in DOMAIN_NAMES_ZH if (n := sum(r.get("domain") == d for r in rows))]


def _by_domain(rows: Sequence[Mapping[str, Any]]) -> str:
    """Where ``rows`` are: ``，均在服务质量领域`` or ``（产品质量2项、服务质量1项）``.

    Examples
    --------
    >>> _by_domain([{"domain": "service"}] * 2)
    '，均在服务质量领域'
    >>> _by_domain([{"domain": "service"}, {"domain": "product"}, {"domain": "product"}])
    '（产品质量2项、服务质量1项）'
    """
    domains = {str(r.get("domain")) for r in rows}
    if len(domains) == 1:
        d = next(iter(domains))
        return f"，均在{DOMAIN_NAMES_ZH.get(d, d)}领域"
    return "（" + "、".join(_per_domain(rows)) + "）"


def _of_them_provisional(rows: Sequence[Mapping[str, Any]]) -> str:
    """``（其中2项待核实）`` when some of ``rows`` rest on figures that are not official (the overview's 待核实).

    Examples
    --------
    >>> _of_them_provisional([{"provisional": True}, {}]), _of_them_provisional([{}])
    ('（其中1项待核实）', '')
    >>> _of_them_provisional([{"provisional": True}])
    '（待核实）'
    """
    n = sum(is_provisional(r) for r in rows)
    if not n:
        return ""
    return "（待核实）" if n == len(rows) else f"（其中{n}项待核实）"


def _baseline_sentences(rows: Sequence[Mapping[str, Any]], buckets: Sequence[str], *, in_baseline_report: bool) -> str:
    """The 综述's sentences on targets whose figure is from before the plan (met already, short, level only)."""
    met = [r for r, b in zip(rows, buckets) if b == STATUS_NAMES_ZH["baseline_met"]]
    level = [r for r, b in zip(rows, buckets) if b == STATUS_NAMES_ZH["baseline"]]
    short = [r for r in level if _num(r.get("gap")) > 0]
    other = [r for r in level if r not in short]
    if not (met or level):
        return ""
    out = []
    if not in_baseline_report:  # a later report holding figures from before the plan (待核实 ones too)
        met = [r for r in rows if r.get("status") == "baseline_met"]
        level = [r for r in rows if r.get("status") == "baseline"]
        short = [r for r in level if _num(r.get("gap")) > 0]
        other = [r for r in level if r not in short]
        starts = [int(_num(r.get("plan_start_year"))) for r in met + level if _present(r.get("plan_start_year"))]
        since = f"（{min(starts)}年以前）" if starts else ""
        parts = [f"已达到目标值的有{_names(met)}{_of_them_provisional(met)}"] if met else []
        parts += [f"距目标尚有差距的有{_names(short)}{_of_them_provisional(short)}"] if short else []
        parts += [f"只列示数值的有{_names(other)}{_of_them_provisional(other)}"] if other else []
        return f"有{len(met + level)}项目标只有规划实施前{since}的数据，不作进度判断：" + "；".join(parts) + "。"
    if met:
        out.append(f"规划实施前已达到目标值的有{_names(met)}，规划要求在目标年达到，届时再作达标判断。")
    if short:
        out.append(f"基期距目标尚有差距的有{_names(short)}，差距见“存在问题”。")
    if other:
        out.append(f"{_names(other)}为趋势或较基年变化类目标，基期只列示数值，规划实施后再判断。")
    return "".join(out)


#: How the 存在问题 list is ordered (gaps in different units compare only relative to their targets).
ORDER_NOTE = "（按距目标的相对差距从大到小排列）"


def problems_lead(rows: Iterable[Mapping[str, Any]], n_problems: int) -> str:
    """The first line of 存在问题: never "no problems" when most targets could not be checked.

    What could not be checked comes first, then the list's own lead (which ends in a colon,
    right before the list).  Before the plan starts the listed gaps are base levels, not a
    pace; in a later year, targets that have only figures from before the plan are named as
    such, apart from those behind.

    Examples
    --------
    >>> problems_lead([{"status": "no_data"}, {"status": "on_track"}], 0)
    '可以作出判断的1项目标中，没有落后于规划要求的指标；但另有1项目标缺少数据或无可核对的数值，无法确认是否落后，数据缺失是当前最突出的问题。'
    >>> problems_lead([{"status": "off_track"}], 1)
    '以下1项目标落后于规划要求（按距目标的相对差距从大到小排列）：'
    >>> problems_lead([{"status": "no_data"}, {"status": "not_assessable"}], 0)
    '2项目标均缺少数据或无可核对的数值，无法确认是否落后于规划要求，数据缺失是当前最突出的问题。'
    >>> problems_lead([{"status": "baseline", "before_plan": True, "plan_start_year": 2014},
    ...                {"status": "no_data", "before_plan": True}], 1)
    '本年度在规划实施之前，不作进度判断。另有1项目标缺少基期数据，尚不清楚与目标的差距。以下1项目标的基期水平距目标尚有差距，是规划实施中需要重点推进的（按距目标的相对差距从大到小排列）：'
    >>> problems_lead([{"status": "baseline", "gap": 3, "before_plan": True}, {"status": "off_track"},
    ...                {"status": "on_track"}], 2)
    '以下2项目标中，1项落后于规划要求，1项只有规划实施前的数据、基期水平距目标尚有差距（按距目标的相对差距从大到小排列）：'
    """
    rows = list(rows)
    judged = sum(r.get("status") in JUDGED_STATUSES for r in rows)
    unknown = len(rows) - judged
    if baseline_report(rows) is not None:
        lead = "本年度在规划实施之前，不作进度判断。"
        lead += f"另有{unknown}项目标缺少基期数据，尚不清楚与目标的差距。" if unknown and n_problems else ""
        if n_problems:
            return lead + f"以下{n_problems}项目标的基期水平距目标尚有差距，是规划实施中需要重点推进的{ORDER_NOTE}："
        if judged:
            lead += f"有基期数据的{judged}项目标中，没有距目标尚有差距的指标。"
        return lead + (f"另有{unknown}项目标缺少基期数据，尚不清楚与目标的差距。" if unknown else "")
    missing = f"{unknown}项目标缺少数据或无可核对的数值，无法确认是否落后。" if unknown else ""
    if n_problems:
        short = sum(map(is_short_before_plan, rows))
        behind = n_problems - short
        if short and behind > 0:
            what = f"中，{behind}项落后于规划要求，{short}项只有规划实施前的数据、基期水平距目标尚有差距"
        elif short:
            what = "只有规划实施前的数据，基期水平距目标尚有差距"
        else:
            what = "落后于规划要求"
        return f"{missing}以下{n_problems}项目标{what}{ORDER_NOTE}："
    if unknown and judged:
        return (
            f"可以作出判断的{judged}项目标中，没有落后于规划要求的指标；但另有{unknown}项目标缺少数据或无可核对的数值，"
            "无法确认是否落后，数据缺失是当前最突出的问题。"
        )
    if unknown:
        return f"{unknown}项目标均缺少数据或无可核对的数值，无法确认是否落后于规划要求，数据缺失是当前最突出的问题。"
    return "所有目标均未落后于规划要求。"


def problem_sentence(row: Mapping[str, Any], year: int) -> str:
    """One 存在问题 line: where the target stands, the gap, and what is still needed per year.

    Examples
    --------
    >>> problem_sentence({"name_zh": "污水处理率（市区）", "value": 85, "unit": "%", "year_assessed": 2013,
    ...     "kind": "threshold", "comparator": ">=", "target_value": 95, "target_year": 2015,
    ...     "status": "off_track", "gap": 10, "gap_per_year": 5}, 2013)
    '“污水处理率（市区）”：2013年为85%，2015年目标为不低于95%，尚差10个百分点，此后每年需提高5个百分点。'
    """
    name = _quoted(row.get("name_zh") or row.get("indicator_id"))
    unit = row.get("unit") or ""
    ya = _num(row.get("year_assessed"))
    when = f"{int(ya)}年" if not math.isnan(ya) else f"{year}年"
    rel = row.get("kind") in ("reduction_vs_base", "change_vs_base")
    word = measure_word_of(row)
    if row.get("status") in BASELINE_STATUSES:
        when += "（规划实施前）"
    text = f"{name}：{when}为{format_value(row.get('value'), unit, word)}，{target_phrase(row)}"
    gap = _num(row.get("gap"))
    if row.get("kind") == "trend":  # its gap is in years: say what the run lacks
        short = _trend_shortfall(row)
        text += f"，{short}" if short else ""
    elif not math.isnan(gap) and gap > 0:
        text += f"，尚差{_gap_text(gap, unit, rel, word)}"
    per = _num(row.get("gap_per_year"))
    if not math.isnan(per) and row.get("kind") != "trend":
        lower = row.get("comparator") in ("<", "<=") and not rel
        text += f"，此后每年需{'降低' if lower else '提高'}{_gap_text(per, unit, rel, word)}"
    if row.get("status") == "not_met":
        text += "，目标年已到，未达标"
    if is_provisional(row):
        text += f"（待核实：{row.get('provisional_reason_zh') or ''}）"
    return text + "。"


def _gap_text(x: float, unit: str, relative: bool, word: str = "") -> str:
    return f"{format_number(x)}个百分点" if (relative or unit == "%") else format_value(x, unit, word)


def next_steps(rows: Iterable[Mapping[str, Any]], *, year: int) -> list[str]:
    """下一步工作建议, generated from the gaps: targets behind, figures to verify, data to collect.

    Examples
    --------
    >>> rows = [{"name_zh": "污水处理率", "status": "off_track", "domain": "environment", "target_year": 2015},
    ...         {"name_zh": "顾客满意度", "status": "no_data", "domain": "service"},
    ...         {"name_zh": "PM2.5", "status": "met", "domain": "environment", "provisional": True,
    ...          "provisional_reason_zh": "数值为研究文献的监测均值，非官方发布"}]
    >>> for line in next_steps(rows, year=2015): print(line)
    对落后于规划要求的“污水处理率”，逐项明确年度任务和责任单位，按剩余年限分解差距（见“存在问题”）。
    请统计部门或主管部门提供“PM2.5”的官方数据，替换目前依据的非官方数据后再作最终判断。
    补齐“顾客满意度”的数据，纳入年度统计，按年报送；所需指标、年份和规划条款见随报告附送的数据需求清单，请逐项明确责任部门和报送时间。
    """
    rows = list(rows)
    out = []
    short = [r for r in rows if is_short_before_plan(r)]
    if short:
        out.append(
            f"对基期距目标尚有差距的{_names(short, 4)}，在规划实施中逐项明确年度任务和责任单位，"
            "按规划年限分解差距（见“存在问题”）。"
        )
    kept = [r for r in rows if r.get("status") == "baseline_met"]
    if kept:
        out.append(f"对规划实施前已达到目标值的{_names(kept, 4)}，巩固现有水平，确保目标年仍达到目标值。")
    behind = [r for r in rows if r.get("status") in ("off_track", "not_met")]
    late = [r for r in behind if r.get("status") == "not_met"]
    early = [r for r in behind if r.get("status") == "off_track"]
    if early:
        out.append(
            f"对落后于规划要求的{_names(early, 4)}，逐项明确年度任务和责任单位，按剩余年限分解差距（见“存在问题”）。"
        )
    if late:
        out.append(f"{_names(late, 4)}在目标年未达标：说明原因，并在下一阶段规划中确定新的完成时限。")
    prov = [r for r in rows if is_provisional(r) and r.get("status") in JUDGED_STATUSES]
    if prov:
        out.append(f"请统计部门或主管部门提供{_names(prov, 4)}的官方数据，替换目前依据的非官方数据后再作最终判断。")
    missing = [r for r in rows if r.get("status") == "no_data"]
    if missing:
        ended = all(_num(r.get("target_year")) < year for r in rows if not math.isnan(_num(r.get("target_year"))))
        why = "用于规划实施情况的总结和验收" if ended else "纳入年度统计，按年报送"
        if baseline_report(rows) is not None:
            why = "作为规划实施的基期数据，并" + why
        what = _names(missing) if len(missing) <= 3 else f"{len(missing)}项目标（{'、'.join(_per_domain(missing))}）"
        out.append(
            f"补齐{what}的数据，{why}；"
            "所需指标、年份和规划条款见随报告附送的数据需求清单，请逐项明确责任部门和报送时间。"
        )
    vague = [r for r in rows if r.get("status") == "not_assessable"]
    if vague:
        out.append(f"为{_names(vague, 3)}确定可量化的考核口径（数值或参照对象），否则无法评估是否完成。")
    return out


def _ranking_sentence(best: str, any_confirmed: bool, any_judged: bool) -> str:
    """The end of :func:`comparison_headline`: who ranks first, or why nobody does."""
    if best:
        return f"。依据官方数据可作出判断的目标比例最高的是{best}。"
    if any_confirmed:  # a tie
        return "。"
    return "。各市目前均没有依据官方数据的判断。" if any_judged else "。各市目前均无法作出判断。"


def comparison_headline(card: Any, names: Mapping[str, str], year: int) -> str:
    """One comparative sentence for the comparison report: judged targets and confirmed results per city.

    Examples
    --------
    >>> import pandas as pd
    >>> card = pd.DataFrame({"city": ["a", "a", "b"], "status": ["met", "no_data", "off_track"],
    ...                      "provisional": [False, False, False]})
    >>> comparison_headline(card, {"a": "甲市", "b": "乙市"}, 2015)
    '2015年，各市可作出判断的目标数：甲市1项（共2项）、乙市1项（共1项）；确认已达标或进度正常的：甲市1项、乙市0项；落后于规划要求的：甲市0项、乙市1项。依据官方数据可作出判断的目标比例最高的是乙市。'
    >>> comparison_headline(card.assign(provisional=[False, False, True]), {"a": "甲市", "b": "乙市"}, 2015).split("。")[-2]
    '依据官方数据可作出判断的目标比例最高的是甲市'
    """
    rows = card.to_dict("records")
    judged, good, bad, total = {}, {}, {}, {}
    for c, label in names.items():
        mine = [r for r in rows if r.get("city") == c]
        buckets = [overview_bucket(r) for r in mine]
        total[label] = len(mine)
        judged[label] = sum(b != "无法判断" for b in buckets)
        good[label] = sum(b in ("已达标", "进度正常") for b in buckets)
        bad[label] = sum(b in ("未达标", "进度滞后") for b in buckets)
    before = [label for c, label in names.items() if baseline_report(r for r in rows if r.get("city") == c)]
    # ranked on judgments resting on official figures only (a 待核实 one ranks nobody); a baseline year, a tie: no rank
    confirmed = {
        k: judged[k] - sum(overview_bucket(r) == "待核实" for r in rows if names.get(r.get("city")) == k)
        for k in names.values()
    }
    share = {k: confirmed[k] / total[k] for k in names.values() if k not in before and confirmed[k] and total[k]}
    top = [k for k, v in share.items() if v == max(share.values())] if share else []
    best = top[0] if len(top) == 1 else ""
    note = (
        f"{'、'.join(before)}{year}年在规划实施之前，只列示基期水平，不作进度判断，不计入已达标或进度正常。"
        if before
        else ""
    )
    return (
        f"{year}年，各市可作出判断的目标数："
        + "、".join(f"{k}{judged[k]}项（共{total[k]}项）" for k in names.values())
        + "；确认已达标或进度正常的："
        + "、".join(f"{k}{good[k]}项" for k in names.values())
        + "；落后于规划要求的："
        + "、".join(f"{k}{bad[k]}项" for k in names.values())
        + _ranking_sentence(best, any(confirmed.values()), any(judged.values()))
        + note
    )
