"""Tables the report notebooks display (pure shaping; loading at one edge).

The notebooks call these functions and only display the results, so every
table is tested here and no notebook defines code.  :func:`load_report_inputs`
is the only function that reads files; the rest take DataFrames and return
new ones (Chinese column headers, ready to show).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from qclib._numbers import as_float
from qclib.constants import (
    BASELINE_STATUSES,
    BASIS_NAMES_ZH,
    DOMAIN_NAMES_ZH,
    DOMAINS,
    NOT_A_YEAR_BASES,
    STATUS_NAMES_ZH,
    UNIT_NAMES_ZH,
)
from qclib.data import registry
from qclib.data.catalog import plan_start_year
from qclib.exceptions import InvalidChoiceError
from qclib.report.escape import table as escaped_table
from qclib.report.narrative import (
    HEADLINE_BUCKETS,
    JUDGED_STATUSES,
    is_provisional,
    measure_word_of,
    n_years_stated,
    overview_bucket,
)
from qclib.report.series import _scope_key, drawable, indicator_history, reference_histories
from qclib.report.style import STATUS_BACKGROUNDS, unit_label

#: Report languages (the reports are written in Chinese).
LANGS: tuple[str, ...] = ("zh",)

_COMPARATOR_TEXT: dict[str, str] = {">": "＞", ">=": "≥", "<=": "≤", "<": "＜", "==": "为"}
_KIND_ZH: dict[str, str] = {
    "threshold": "达到数值",
    "count": "数量",
    "reduction_vs_base": "较基准年下降",
    "change_vs_base": "较基准年变化",
    "trajectory": "规划路径",
    "trend": "持续趋势",
    "rank": "排名",
    "vs_reference": "与参照地区比较",
    "boolean": "是否实现",
}


def natural_key(text: Any) -> str:
    """A sort key that puts numbers in their order: ``x_2`` before ``x_10`` (digits zero-padded).

    Examples
    --------
    >>> sorted(["zz_product_10", "zz_product_2", "zz_product_1_b"], key=natural_key)
    ['zz_product_1_b', 'zz_product_2', 'zz_product_10']
    """
    return re.sub(r"\d+", lambda m: m.group().zfill(8), str(text))


@dataclass
class ReportInputs:
    """The catalog and observations one report works from.

    Attributes
    ----------
    catalog : qclib.data.catalog.Catalog
        Cities, indicators, targets.
    observations : pandas.DataFrame
        Validated observations (shipped plus extra files).
    """

    catalog: Any
    observations: pd.DataFrame

    def city_meta(self, city: str) -> dict[str, Any]:
        """Catalog entry of ``city`` (``city``, ``plan``, ``phases``).

        Raises
        ------
        InvalidChoiceError
            Unknown city, naming the allowed ones.
        """
        if city not in self.catalog.cities:
            raise InvalidChoiceError("city", city, tuple(self.catalog.cities))
        return self.catalog.cities[city]

    def city_name(self, city: str) -> str:
        """Chinese name of a city or reference entity (the id when unknown)."""
        if city in self.catalog.cities:
            return self.catalog.cities[city]["city"].get("name_zh") or city
        return registry.name_zh(city)

    def scorecard(self, city: str | Sequence[str], year: int) -> pd.DataFrame:
        """Scorecard of one or several cities for a report year, with names.

        Parameters
        ----------
        city : str or sequence of str
            City id(s).
        year : int
            Assessment year.

        Returns
        -------
        DataFrame
            :func:`qclib.indicators.scorecard.scorecard` rows plus ``name_zh``,
            ``name_en``, ``measure``, ``direction`` of the target/indicator and the
            target's ``base_year``, ``n_years``, ``reference`` and source
            fields; ordered by domain as in :data:`qclib.constants.DOMAINS`.
        """
        from qclib.indicators.scorecard import scorecard

        cities = [city] if isinstance(city, str) else list(city)
        for c in cities:
            self.city_meta(c)
        targets = self.catalog.targets
        sc = scorecard(targets, self.observations, year=int(year), cities=cities)
        extra_cols = [
            c
            for c in (
                "name_zh",
                "name_en",
                "measure",
                "direction",
                "base_year",
                "n_years",
                "reference",
                "scope",
                "plan_title",
                "doc_number",
                "source_section",
                "source_item",
                "source_clause",
                "target_year_inferred",
                "proxy_indicator",
                "measure_word",
                "n_years_stated",
            )
            if c in targets.columns and c not in sc.columns
        ]
        sc = sc.merge(targets[["city", "target_id", *extra_cols]], on=["city", "target_id"], how="left")
        sc = self._name_proxies(sc)
        sc["reference_name_zh"] = sc.get("reference", pd.Series(index=sc.index, dtype=object)).map(
            lambda r: registry.name_zh(r) if isinstance(r, str) and registry.find(r) else None
        )
        order = {d: i for i, d in enumerate(DOMAINS)}
        sc = sc.assign(_o=sc["domain"].map(order), _n=sc["target_id"].map(natural_key))
        sc = sc.sort_values(["city", "_o", "_n"], kind="stable")  # the plan's item order: 第2项 before 第10项
        return sc.drop(columns=["_o", "_n"]).reset_index(drop=True)

    def _name_proxies(self, sc: pd.DataFrame) -> pd.DataFrame:
        """Say which indicator stands in where a figure is a proxy's (basis ``proxy``): ``proxy_name_zh``."""
        if "proxy_indicator" not in sc or not sc["value_basis"].eq("proxy").any():
            return sc.assign(proxy_name_zh="")
        names = self.catalog.indicators.set_index("indicator_id")["name_zh"]
        is_proxy = sc["value_basis"].eq("proxy")
        proxy_name = sc["proxy_indicator"].map(lambda i: names.get(i, i)).where(is_proxy, "")
        text = "以相近指标“" + proxy_name + "”的数值近似，非本指标统计"
        judged = is_proxy & sc["provisional"].astype(bool)
        return sc.assign(
            proxy_name_zh=proxy_name, provisional_reason_zh=sc["provisional_reason_zh"].where(~judged, text)
        )


def load_report_inputs(params_dir: str | Path | None = None, data_paths: Sequence[str | Path] = ()) -> ReportInputs:
    """Load the catalog and observations for a report (the I/O edge).

    Parameters
    ----------
    params_dir : str or Path, optional
        Catalog folder; ``None`` or ``''`` = the shipped ``params/``.
    data_paths : sequence of path
        Extra observation files merged with the shipped ``data/raw/``.

    Returns
    -------
    ReportInputs

    Raises
    ------
    DataValidationError
        When the catalog or an observation file is invalid.

    Examples
    --------
    >>> inputs = load_report_inputs()
    >>> inputs.city_name("zhengzhou"), inputs.city_name("china")
    ('郑州市', '全国')
    """
    from qclib.data.catalog import load_catalog
    from qclib.data.observations import load_observations

    catalog = load_catalog(None if params_dir in (None, "") else params_dir)
    obs = load_observations(list(data_paths) or None, catalog=catalog)
    return ReportInputs(catalog=catalog, observations=obs)


# --------------------------------------------------------------------------- helpers
_num = as_float


def _fmt(x: Any) -> str:
    from qclib.report.narrative import format_number

    return format_number(x) if not math.isnan(_num(x)) else "—"


def measure_words(indicators: pd.DataFrame) -> dict[str, str]:
    """Indicator id -> measure word (件, 家, 台 …) of every count of the registry that states one.

    Examples
    --------
    >>> ind = pd.DataFrame({"indicator_id": ["p", "r"], "unit": ["count", "%"], "measure_word": ["件", ""]})
    >>> measure_words(ind)
    {'p': '件'}
    """
    if "measure_word" not in indicators.columns:
        return {}
    sel = indicators.loc[indicators["unit"].eq("count") & indicators["measure_word"].fillna("").ne("")]
    return dict(zip(sel["indicator_id"], sel["measure_word"]))


def target_text(row: Mapping[str, Any]) -> str:
    """A target in short form, e.g. ``≥90%（2015）`` or ``2013年108→95（2016）``.

    Parameters
    ----------
    row : mapping
        A targets or scorecard row.

    Returns
    -------
    str

    Examples
    --------
    >>> target_text({"kind": "threshold", "comparator": ">", "target_value": 30, "unit": "%",
    ...              "target_year": 2015})
    '＞30%（2015）'
    >>> target_text({"kind": "reduction_vs_base", "comparator": ">=", "target_value": 14.8,
    ...              "unit": "%", "base_year": 2010, "target_year": 2015})
    '较2010年下降≥14.8%（2015）'
    >>> target_text({"kind": "trajectory", "base_year": 2013, "base_value": 108,
    ...              "target_value": 95, "unit": "ug/m3", "target_year": 2016})
    '2013年108→95微克/立方米（2016）'
    >>> target_text({"kind": "threshold", "comparator": ">=", "target_value": 80, "unit": "score",
    ...              "target_year": 2015})
    '≥80分（2015）'
    >>> target_text({"kind": "vs_reference", "comparator": "<", "reference": "china",
    ...              "target_year": 2015})
    '＜全国（2015）'
    >>> target_text({"kind": "count", "comparator": ">=", "target_value": 3, "unit": "count",
    ...              "measure_word": "家", "target_year": 2017})
    '≥3家（2017）'
    >>> target_text({"kind": "trend", "comparator": ">", "n_years": 3, "target_year": 2017})
    '连续3年提高（2017）'
    >>> target_text({"kind": "trend", "comparator": "<", "n_years": 7, "target_year": 2020,
    ...              "n_years_stated": False})
    '持续下降（2014—2020年，逐年判断）'
    """
    kind = row.get("kind")
    comp = _COMPARATOR_TEXT.get(str(row.get("comparator")), "")
    ty = _num(row.get("target_year"))
    when = f"（{int(ty)}）" if not math.isnan(ty) else ""
    unit = row.get("unit") or ""
    if unit == "count":
        unit = measure_word_of(row)  # 件, 家, 台 … ('' without one: a bare number, never a wrong 个)
    else:
        unit = "" if unit in ("bool", "rank", "per 10k") else UNIT_NAMES_ZH.get(unit, unit)
    sep = ""
    tv = row.get("target_value")
    by = _num(row.get("base_year"))
    if kind == "trajectory":
        return f"{int(by) if not math.isnan(by) else '?'}年{_fmt(row.get('base_value'))}→{_fmt(tv)}{sep}{unit}{when}"
    if kind in ("reduction_vs_base", "change_vs_base"):
        base = f"{int(by)}年" if not math.isnan(by) else "基准年"
        if kind == "change_vs_base" and _num(tv) == 0 and row.get("comparator") in (">", "<"):
            return f"{'高于' if row.get('comparator') == '>' else '低于'}{base}{when}"
        word = "下降" if kind == "reduction_vs_base" else "变化"
        return f"较{base}{word}{comp}{_fmt(tv)}%{when}"
    if kind == "trend":
        n = _num(row.get("n_years"))
        way = "下降" if row.get("comparator") in ("<", "<=") else "提高"
        if not n_years_stated(row) and not math.isnan(n) and not math.isnan(ty):
            return f"持续{way}（{int(ty) - int(n) + 1}—{int(ty)}年，逐年判断）"  # the plan gives no count
        lead = f"连续{int(n)}年" if not math.isnan(n) else "持续"
        return f"{lead}{way}{when}"
    if kind == "vs_reference":
        ref = row.get("reference")
        name = registry.name_zh(str(ref), ref or "参照地区")
        return f"{comp}{name}{when}"
    if kind == "boolean":
        return f"实现{when}"
    if kind == "rank":
        if math.isnan(_num(tv)):
            return f"排名居前列（未量化）{when}"
        return f"排名{comp}第{_fmt(tv)}位{when}"
    if math.isnan(_num(tv)):
        return f"定性目标{when}"
    if unit == "%" and _num(tv) == 100 and row.get("comparator") in (">=", "=="):
        return f"100%{when}"  # ≥100% reads oddly: a rate cannot exceed it
    return f"{comp}{_fmt(tv)}{sep}{unit}{when}"


# --------------------------------------------------------------------------- plan & timeline
def plan_table(meta: Mapping[str, Any]) -> pd.DataFrame:
    """The plan's identity as a two-column table (``项目``, ``内容``).

    Parameters
    ----------
    meta : mapping
        A catalog city entry (``city``, ``plan`` — may be None).

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> plan_table({"city": {"name_zh": "秦皇岛市"}, "plan": None})["内容"].tolist()
    ['秦皇岛市', '无创建规划（本报告仅列示基准数据）']
    """
    plan = meta.get("plan")
    rows = [("城市", meta["city"].get("name_zh", ""))]
    if not plan:
        rows.append(("规划文件", "无创建规划（本报告仅列示基准数据）"))
    else:
        rows += [
            ("规划文件", plan.get("title_zh") or ""),
            ("文号", plan.get("doc_number") or "—"),
            ("发布单位", plan.get("issuer_zh") or "—"),
            ("发布日期", str(plan.get("date") or "—")),
            ("总体目标年份", str(plan.get("deadline_year") or "—")),
        ]
    return pd.DataFrame(rows, columns=["项目", "内容"])


def _year_of(date: Any) -> int | None:
    text = str(date or "")
    return int(text[:4]) if text[:4].isdigit() else None


def timeline_table(phases: Iterable[Mapping[str, Any]], year: int) -> pd.DataFrame:
    """The plan's phases and where the report year falls.

    Parameters
    ----------
    phases : iterable of mapping
        ``phase_id``, ``name_zh``, ``start``, ``end`` (dates as strings).
    year : int
        Report year.

    Returns
    -------
    DataFrame
        Columns ``阶段``, ``开始``, ``结束``, ``相对报告年份`` (已结束 /
        本年度内 / 尚未开始).

    Examples
    --------
    >>> ph = [{"name_zh": "推进落实阶段", "start": "2014-06", "end": "2014-12"},
    ...       {"name_zh": "总结验收阶段", "start": "2015-04", "end": "2015-06"}]
    >>> timeline_table(ph, 2015)["相对报告年份"].tolist()
    ['已结束', '本年度内']
    """
    rows = []
    for p in phases:
        s, e = _year_of(p.get("start")), _year_of(p.get("end"))
        if e is not None and e < year:
            where = "已结束"
        elif s is not None and s > year:
            where = "尚未开始"
        else:
            where = "本年度内"
        rows.append((p.get("name_zh", ""), str(p.get("start", "")), str(p.get("end", "")), where))
    return pd.DataFrame(rows, columns=["阶段", "开始", "结束", "相对报告年份"])


def timeline_sentence(meta: Mapping[str, Any], targets: pd.DataFrame, year: int) -> str:
    """Where the report year stands in the plan, in one sentence.

    Parameters
    ----------
    meta : mapping
        Catalog city entry.
    targets : DataFrame
        The city's targets (``target_year``).
    year : int
        Report year.

    Returns
    -------
    str

    Examples
    --------
    >>> meta = {"city": {"name_zh": "郑州市"}, "plan": {"title_zh": "工作方案", "date": "2014-05-08"}}
    >>> t = pd.DataFrame({"target_year": [2015, 2015, 2016]})
    >>> timeline_sentence(meta, t, 2015)
    '郑州市的创建规划《工作方案》于2014年发布，目标年份为2015、2016年；2015年为目标年份，共有2项目标在本年度到期，另有1项目标在以后年份到期。'
    >>> timeline_sentence({"city": {"name_zh": "株洲市"}, "plan": {"title_zh": "创建方案", "date": ""}},
    ...                   t.assign(target_year=2017), 2017)
    '株洲市的创建规划《创建方案》（文件未载明发布日期），目标年份为2017年；2017年为目标年份，共有3项目标在本年度到期。'
    >>> timeline_sentence({"city": {"name_zh": "秦皇岛市"}, "plan": None}, t.iloc[:0], 2010)
    '秦皇岛市没有创建质量强市示范城市的规划目标，本报告列示2010年的基准数据。'
    """
    city = meta["city"].get("name_zh", "")
    plan = meta.get("plan")
    if not plan or targets.empty:
        return f"{city}没有创建质量强市示范城市的规划目标，本报告列示{year}年的基准数据。"
    issued = _year_of(plan.get("date"))
    start = plan_start_year(plan, meta.get("phases") or [])  # the catalog's rule: start_year, date, first phase
    if issued is None:  # no printed date: the plan's start says when it started
        issued = start
    tys = sorted({int(y) for y in targets["target_year"].dropna()})
    years_text = "、".join(str(y) for y in tys)
    dated = _year_of(plan.get("date")) is not None
    issued_text = (
        f"于{issued}年发布"
        if dated
        else (f"于{issued}年启动（文件未载明发布日期）" if issued else "（文件未载明发布日期）")
    )
    head = f"{city}的创建规划《{plan.get('title_zh', '')}》{issued_text}，目标年份为{years_text}年；"
    due = int((targets["target_year"] == year).sum())
    before = int((targets["target_year"] < year).sum())
    after = int((targets["target_year"] > year).sum())
    if start is not None and year < start:
        pos = f"{year}年在规划实施之前（规划自{start}年起实施），本报告为基期情况"
    elif due:
        pos = f"{year}年为目标年份，共有{due}项目标在本年度到期"
    elif after and not before:
        pos = f"{year}年处于规划实施期内，目标尚未到期"
    else:
        pos = f"{year}年在目标年份之后"
    tail = []
    if due and after:
        tail.append(f"另有{after}项目标在以后年份到期")
    if due and before:
        tail.append(f"{before}项目标已于此前到期")
    return head + pos + ("，" + "，".join(tail) if tail else "") + "。"


# --------------------------------------------------------------------------- scorecard tables
def scorecard_table(scorecard: pd.DataFrame) -> pd.DataFrame:
    """The judged targets for display (one row per target, Chinese headers).

    Columns: 领域, 指标, 目标, 评估年份, 实际值, 比上年, 路径值, 差距, 状态
    (against the plan; ``（待核实）`` when it rests on a figure that is not
    official), 较基期 (the direction of change, before the target year
    only), 说明 (why provisional, the scope used), status (the status id,
    used for colours; hidden by :func:`style_scorecard`).

    Examples
    --------
    >>> sc = pd.DataFrame({"domain": ["product"], "name_zh": ["抽检合格率"], "kind": ["threshold"],
    ...     "comparator": [">="], "target_value": [90.0], "unit": ["%"], "target_year": [2015],
    ...     "year_assessed": [2015], "value": [92.1], "yoy_change_pp": [1.0],
    ...     "yoy_change_pct": [float("nan")], "planned_value": [float("nan")], "gap": [2.1],
    ...     "status": ["met"], "progress_category": ["achieved"], "provisional": [True],
    ...     "provisional_reason_zh": ["数值为研究文献的监测均值，非官方发布"]})
    >>> scorecard_table(sc).iloc[0][["领域", "目标", "实际值", "比上年", "状态", "较基期"]].tolist()
    ['产品质量', '≥90%（2015）', '92.1', '+1个百分点', '已达标（待核实）', '—']
    """
    from qclib.report.narrative import DIRECTION_NAMES_ZH

    def change(r: Mapping[str, Any]) -> str:
        pp, pct = _num(r.get("yoy_change_pp")), _num(r.get("yoy_change_pct"))
        if not math.isnan(pp):
            return f"{pp:+.2f}".rstrip("0").rstrip(".") + "个百分点"
        if not math.isnan(pct):
            return f"{pct:+.2f}".rstrip("0").rstrip(".") + "%"
        return "—"

    rows = []
    for r in scorecard.to_dict("records"):
        ya = _num(r.get("year_assessed"))
        status = r.get("status")
        prov = is_provisional(r)
        pace = DIRECTION_NAMES_ZH.get(r.get("progress_category"), "—") if status in ("on_track", "off_track") else "—"
        notes = [str(x) for x in (r.get("provisional_reason_zh"), r.get("scope_note")) if isinstance(x, str) and x]
        rows.append(
            {
                "领域": DOMAIN_NAMES_ZH.get(r.get("domain"), r.get("domain")),
                "指标": r.get("name_zh") or r.get("indicator_id"),
                "目标": target_text(r),
                "评估年份": str(int(ya)) if not math.isnan(ya) else "—",
                "实际值": _fmt(r.get("value")),
                "比上年": change(r),
                "路径值": _fmt(r.get("planned_value")),
                "差距": _fmt(r.get("gap")) if _num(r.get("gap")) > 0 else "—",  # what is still missing
                "状态": STATUS_NAMES_ZH.get(status, status) + ("（待核实）" if prov else ""),
                "较基期": pace,
                "说明": "；".join(notes) or "—",
                "status": "provisional" if prov else status,
            }
        )
    cols = [
        "领域",
        "指标",
        "目标",
        "评估年份",
        "实际值",
        "比上年",
        "路径值",
        "差距",
        "状态",
        "较基期",
        "说明",
        "status",
    ]
    return pd.DataFrame(rows, columns=cols)


def style_scorecard(table: pd.DataFrame) -> Any:
    """A pandas Styler colouring each row's 状态 cell by status.

    Parameters
    ----------
    table : DataFrame
        :func:`scorecard_table` output (its ``status`` column is hidden).

    Returns
    -------
    pandas.io.formats.style.Styler

    Examples
    --------
    >>> t = pd.DataFrame({"状态": ["已达标"], "status": ["met"]})
    >>> "#c8e6c9" in style_scorecard(t).to_html()
    True
    """

    colours = table["status"].map(lambda s: f"background-color: {STATUS_BACKGROUNDS.get(s, '')}")

    def paint(col: pd.Series) -> list[str]:
        return list(colours) if col.name == "状态" else [""] * len(col)

    return escaped_table(table).apply(paint, axis=0).hide(subset=["status"], axis="columns")


def sources_table(scorecard: pd.DataFrame) -> pd.DataFrame:
    """Where each figure comes from: the target clause and the observation source.

    Examples
    --------
    >>> sc = pd.DataFrame({"name_zh": ["合格率"], "plan_title": ["工作方案"], "doc_number": ["郑政〔2014〕17号"],
    ...     "source_section": ["三、（一）"], "source_item": ["1"], "source_clause": ["表内第1项"],
    ...     "value": [92.0], "year_assessed": [2015], "value_source": ["统计公报"], "value_basis": ["official"]})
    >>> sources_table(sc).iloc[0]["目标出处"]
    '《工作方案》（郑政〔2014〕17号）三、（一） 表内第1项'
    >>> pm = sc.assign(base_year=[2013], base_value=[108.0], base_value_basis=["plan_text"], base_value_source=[""])
    >>> sources_table(pm).iloc[0]["基期值及来源"]
    '2013年108（规划文本；规划文本（见目标出处））'
    """
    rows = []
    for r in scorecard.to_dict("records"):
        target_src = target_clause(r)
        has_value = not math.isnan(_num(r.get("value")))
        ya = _num(r.get("year_assessed"))
        rows.append(
            {
                "指标": r.get("name_zh") or r.get("indicator_id"),
                "目标出处": target_src,
                "数值": _fmt(r.get("value")) + (f"（{int(ya)}年）" if has_value and not math.isnan(ya) else ""),
                "数值来源": (r.get("value_source") or "—") if has_value else STATUS_NAMES_ZH["no_data"],
                "数据性质": basis_label(r.get("value_basis"), r.get("value_source_kind"))
                if has_value and r.get("value_basis")
                else "—",
                "基期值及来源": _base_text(r),
            }
        )
    return pd.DataFrame(rows, columns=["指标", "目标出处", "数值", "数值来源", "数据性质", "基期值及来源"])


def target_clause(r: Mapping[str, Any]) -> str:
    """《plan title》（doc number）section, item, clause of a target: how a reader cites it (no file names).

    Examples
    --------
    >>> target_clause({"plan_title": "工作方案", "doc_number": "郑政〔2014〕17号", "source_section": "三、（一）",
    ...                "source_item": "1", "source_clause": "表内第1项"})
    '《工作方案》（郑政〔2014〕17号）三、（一） 表内第1项'
    >>> target_clause({"source_section": "四、（五）", "source_item": "19", "source_clause": "第19项第2句"})
    '四、（五） 第19项第2句'
    >>> target_clause({"source_section": "二、总体目标", "source_item": "0", "source_clause": "末句"})
    '二、总体目标 末句'

    The item is left out where the clause already names it, and item 0 (the
    text before a numbered list) is not an item a reader can find.
    """
    doc = f"《{r.get('plan_title')}》" if r.get("plan_title") else ""
    if r.get("doc_number"):
        doc += f"（{r.get('doc_number')}）"
    raw_item = str(r.get("source_item") or "").strip()
    item = f"第{raw_item}项" if raw_item not in ("", "0", "nan") else ""
    if item and item in str(r.get("source_clause") or ""):
        item = ""
    clause = " ".join(
        str(x)
        for x in (r.get("source_section"), item, r.get("source_clause"))
        if x not in (None, "") and not (isinstance(x, float) and math.isnan(x))
    )
    return (doc + clause) if (doc or clause) else "—"


def basis_label(basis: Any, kind: Any = "") -> str:
    """What a figure is, in the words of the report: never 官方 for a figure found on a copy site.

    Examples
    --------
    >>> basis_label("official", "official_site"), basis_label("official", "mirror")
    ('官方数据', '转载数据（非发布机构，待核实）')
    >>> basis_label("official", "media")
    '官方数据（新闻媒体报道）'
    >>> basis_label("research", "academic")
    '研究值（非官方）'
    """
    from qclib.constants import REPRODUCED_SOURCE_KINDS

    b = str(basis or "")
    if b == "official" and kind in REPRODUCED_SOURCE_KINDS:
        return "转载数据（非发布机构，待核实）"
    if b == "official" and kind == "media":
        return "官方数据（新闻媒体报道）"
    return BASIS_NAMES_ZH.get(b, b) or "—"


def _base_text(r: Mapping[str, Any]) -> str:
    """The base value a relative target or a path starts from, with its source."""
    bv, by = _num(r.get("base_value")), _num(r.get("base_year"))
    if math.isnan(bv):
        return "—" if math.isnan(by) else f"{int(by)}年：{STATUS_NAMES_ZH['no_data']}"
    raw_basis = str(r.get("base_value_basis") or "")
    basis = basis_label(raw_basis, r.get("base_value_source_kind"))
    src = r.get("base_value_source") or ""
    if not src and r.get("base_value_basis") == "plan_text":
        src = "规划文本（见目标出处）"
    year = f"{int(by)}年" if not math.isnan(by) else ""
    return f"{year}{_fmt(bv)}（{basis}；{src}）" if src else f"{year}{_fmt(bv)}（{basis}）"


# --------------------------------------------------------------------------- observations


def observations_table(
    observations: pd.DataFrame, indicators: pd.DataFrame, city: str, year: int, *, exclude: Iterable[str] = ()
) -> pd.DataFrame:
    """A city's figures for one year (for baselines and cities without a plan).

    Parameters
    ----------
    observations : DataFrame
        Observations.
    indicators : DataFrame
        The indicator registry (``indicator_id``, ``domain``, ``name_zh``).
    city : str
        City id.
    year : int
        Year.
    exclude : iterable of str
        Indicator ids to leave out (e.g. those already in the scorecard).

    Returns
    -------
    DataFrame
        领域, 指标, 数值, 单位, 数据性质, 来源 (sorted by domain order).
        Partial-year, period and plan-text figures are never a year's value:
        they are left out (:func:`not_a_year_table` lists them).

    Examples
    --------
    >>> obs = pd.DataFrame({"city": ["q"], "indicator_id": ["x"], "year": [2010], "value": [96.5],
    ...     "unit": ["%"], "basis": ["official"], "source": ["seed 004"], "scope": [""]})
    >>> ind = pd.DataFrame({"indicator_id": ["x"], "domain": ["product"], "name_zh": ["优等品率"]})
    >>> observations_table(obs, ind, "q", 2010).iloc[0].tolist()
    ['产品质量', '优等品率', '96.5', '%', '官方数据', 'seed 004']
    """
    sel = observations.loc[
        (observations["city"] == city)
        & (observations["year"] == year)
        & ~observations["indicator_id"].isin(list(exclude))
        & ~observations["basis"].isin(NOT_A_YEAR_BASES)
    ]
    reg = indicators.set_index("indicator_id")
    words = measure_words(indicators)
    order = {d: i for i, d in enumerate(DOMAINS)}
    rows = []
    for r in sel.to_dict("records"):
        iid = r["indicator_id"]
        dom = reg["domain"].get(iid, "") if iid in reg.index else ""
        name = reg["name_zh"].get(iid, iid) if iid in reg.index else iid
        scope = r.get("scope") or ""
        rows.append(
            {
                "_o": order.get(dom, len(order)),
                "领域": DOMAIN_NAMES_ZH.get(dom, dom or "—"),
                "指标": name + (f"（{scope}）" if scope else ""),
                "数值": _yes_no(r["value"]) if r.get("unit") == "bool" else _fmt(r["value"]),
                "单位": unit_label(r.get("unit", ""), words.get(iid, "")),
                "数据性质": basis_label(r.get("basis", ""), r.get("source_kind", "")),
                "来源": source_label(r.get("source", ""), r.get("source_kind", "")),
            }
        )
    df = pd.DataFrame(rows, columns=["_o", "领域", "指标", "数值", "单位", "数据性质", "来源"])
    return df.sort_values(["_o", "指标"], kind="stable").drop(columns="_o").reset_index(drop=True)


def _yes_no(value: Any) -> str:
    """A yes/no figure (unit ``bool``) as a reader says it: 是 (1), 否 (0), else the number.

    Examples
    --------
    >>> _yes_no(1.0), _yes_no(0), _yes_no(0.5)
    ('是', '否', '0.5')
    """
    v = _num(value)
    return "是" if v == 1 else "否" if v == 0 else _fmt(value)


# --------------------------------------------------------------------------- comparison
def targets_side_by_side(
    targets: pd.DataFrame,
    cities: Sequence[str],
    names: Mapping[str, str] | None = None,
    indicator_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Each indicator's targets in several cities, side by side.

    A row is one indicator: it is named as the indicator registry names it
    (``indicator_names``; the cities' plans may each word the target their
    own way), and its 领域 lists every domain the cities' plans file it under.

    Parameters
    ----------
    targets : DataFrame
        Targets table.
    cities : sequence of str
        City ids (columns, in this order).
    names : mapping, optional
        City id → display name.
    indicator_names : mapping, optional
        Indicator id → its registry name (else the first city's target name).

    Returns
    -------
    DataFrame
        领域, 指标, one column per city (target texts joined by ``；`` when a
        plan has several, prefixed by their scope when scopes differ), 城市数
        (cities with a target) and 目标不同 (是 when at least two cities target
        the indicator differently, else 否).  Sorted with shared indicators first.

    Examples
    --------
    >>> t = pd.DataFrame({"city": ["a", "b"], "indicator_id": ["x", "x"], "domain": ["product"] * 2,
    ...     "name_zh": ["普及率"] * 2, "kind": ["threshold"] * 2, "comparator": [">", ">"],
    ...     "target_value": [30.0, 40.0], "unit": ["%", "%"], "target_year": [2015, 2020]})
    >>> targets_side_by_side(t, ["a", "b"]).iloc[0].to_dict()
    {'领域': '产品质量', '指标': '普及率', 'a': '＞30%（2015）', 'b': '＞40%（2020）', '城市数': 2, '目标不同': '是'}
    >>> t2 = pd.DataFrame({"city": ["a", "a"], "indicator_id": ["s", "s"], "domain": ["environment"] * 2,
    ...     "name_zh": ["污水处理率（市区）", "污水处理率（县（市））"], "kind": ["threshold"] * 2,
    ...     "comparator": [">=", ">="], "target_value": [95.0, 85.0], "unit": ["%", "%"],
    ...     "target_year": [2015, 2015], "scope": ["市区", "县（市）"]})
    >>> r = targets_side_by_side(t2, ["a"]).iloc[0]
    >>> r["指标"], r["a"]
    ('污水处理率', '市区：≥95%（2015）；县（市）：≥85%（2015）')
    >>> t3 = t.assign(domain=["service", "product"], name_zh=["示范区称号", "创建示范区"])
    >>> targets_side_by_side(t3, ["a", "b"], indicator_names={"x": "知名品牌示范区数"}).iloc[0][["领域", "指标"]].tolist()
    ['产品质量、服务质量', '知名品牌示范区数']
    """
    names = dict(names or {})
    sel = targets.loc[targets["city"].isin(list(cities))]
    order = {d: i for i, d in enumerate(DOMAINS)}
    rows = []
    for iid, grp in sel.groupby("indicator_id", sort=False):
        first = grp.iloc[0]
        name = first.get("name_zh") or iid
        several_scopes = "scope" in grp.columns and grp["scope"].map(_scope_key).nunique() > 1
        if several_scopes:  # e.g. 污水处理率（市区） and （县（市））: one row, scopes in the cells
            name = re.sub(r"（[^（）]*(（[^（）]*）)?[^（）]*）$", "", str(name)) or name
        domains = sorted(set(grp["domain"]), key=lambda d: order.get(d, 99))
        row: dict[str, Any] = {
            "_o": order.get(domains[0], 99),
            "领域": "、".join(DOMAIN_NAMES_ZH.get(d, d) for d in domains),
            "指标": (indicator_names or {}).get(iid) or name,
        }
        texts = {}
        for c in cities:
            g = grp.loc[grp["city"] == c]
            texts[c] = (
                "；".join(
                    (f"{r['scope']}：" if several_scopes and r.get("scope") else "") + target_text(r)
                    for r in g.to_dict("records")
                )
                if not g.empty
                else ""
            )
            row[names.get(c, c)] = texts[c] or "—"
        present = [t for t in texts.values() if t]
        # compare without the years: a different deadline alone is not a different level
        levels = {t.split("（")[0] for t in present}
        row["城市数"] = len(present)
        row["目标不同"] = "是" if len(present) >= 2 and len(levels) > 1 else "否"
        rows.append(row)
    cols = ["_o", "领域", "指标", *[names.get(c, c) for c in cities], "城市数", "目标不同"]
    df = pd.DataFrame(rows, columns=cols)
    df = df.sort_values(["城市数", "_o", "指标"], ascending=[False, True, True], kind="stable")
    return df.drop(columns="_o").reset_index(drop=True)


def shared_indicators(targets: pd.DataFrame, cities: Sequence[str], *, min_cities: int = 2) -> list[str]:
    """Indicator ids targeted by at least ``min_cities`` of ``cities``.

    Examples
    --------
    >>> t = pd.DataFrame({"city": ["a", "b", "a"], "indicator_id": ["x", "x", "y"]})
    >>> shared_indicators(t, ["a", "b"])
    ['x']
    """
    sel = targets.loc[targets["city"].isin(list(cities))]
    n = sel.groupby("indicator_id", sort=False)["city"].nunique()
    return [i for i, k in n.items() if k >= min_cities]


def check_lang(lang: str) -> str:
    """Validate the report language parameter.

    Raises
    ------
    InvalidChoiceError
        Naming ``lang`` and :data:`LANGS`.

    Examples
    --------
    >>> check_lang("zh")
    'zh'
    """
    if lang not in LANGS:
        raise InvalidChoiceError("lang", lang, LANGS)
    return lang


# --------------------------------------------------------------------------- misc display helpers
def warning_lines(records: Iterable[Any], root: str | Path | None = None) -> list[str]:
    """Messages of recorded warnings, with the project root removed from paths.

    Parameters
    ----------
    records : iterable
        ``warnings.WarningMessage`` objects (``warnings.catch_warnings(record=True)``)
        or plain strings.
    root : str or Path, optional
        Prefix to strip (the project root by default).

    Returns
    -------
    list of str
        Unique messages in order.

    Examples
    --------
    >>> from qclib.paths import PROJ_ROOT
    >>> warning_lines([f"{PROJ_ROOT}/data/raw/a.csv, row 3: odd", "x", "x"])
    ['data/raw/a.csv, row 3: odd', 'x']
    """
    from qclib.paths import PROJ_ROOT

    prefix = str(root if root is not None else PROJ_ROOT).rstrip("/") + "/"
    out: list[str] = []
    for r in records:
        text = str(getattr(r, "message", r)).replace(prefix, "")
        if text not in out:
            out.append(text)
    return out


def plans_overview(catalog: Any, cities: Sequence[str]) -> pd.DataFrame:
    """The plans of several cities in one table.

    Parameters
    ----------
    catalog : qclib.data.catalog.Catalog
        The catalog.
    cities : sequence of str
        City ids.

    Returns
    -------
    DataFrame
        城市, 规划文件, 文号, 发布日期, 目标年份, 目标数.

    Examples
    --------
    >>> from qclib.data.catalog import load_catalog
    >>> plans_overview(load_catalog(), ["zhengzhou"]).iloc[0]["文号"]
    '郑政〔2014〕17号'
    """
    rows = []
    for c in cities:
        meta = catalog.cities[c]
        plan = meta.get("plan") or {}
        t = catalog.targets.loc[catalog.targets["city"] == c]
        years = "、".join(str(int(y)) for y in sorted(set(t["target_year"].dropna())))
        rows.append(
            {
                "城市": meta["city"].get("name_zh", c),
                "规划文件": plan.get("title_zh") or "无规划",
                "文号": plan.get("doc_number") or "—",
                "发布日期": str(plan.get("date") or "—"),
                "目标年份": years or "—",
                "目标数": len(t),
            }
        )
    return pd.DataFrame(rows, columns=["城市", "规划文件", "文号", "发布日期", "目标年份", "目标数"])


def chart_sources_table(
    scorecard: pd.DataFrame,
    observations: pd.DataFrame,
    *,
    city: str,
    city_name: str,
    year: int,
    references: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Every figure the domain charts draw, with its basis and source.

    Mirrors :func:`qclib.report.charts.plot_domain`: for each scorecard row, the
    city's history (the target's scope, up to ``year``) and the reference
    entities' series of the same indicator.  Each figure is listed once.

    Parameters
    ----------
    scorecard : DataFrame
        The city's scorecard rows (``indicator_id``, ``name_zh``, ``scope``).
    observations : DataFrame
        Observations.
    city, city_name : str
        City id and its display name.
    year : int
        Last year drawn.
    references : mapping, optional
        Reference entity id -> display name (as passed to the charts).

    Returns
    -------
    DataFrame
        指标, 地区, 年份, 数值, 数据性质, 来源.

    Examples
    --------
    >>> sc = pd.DataFrame({"indicator_id": ["x"], "name_zh": ["PM2.5"], "scope": [""]})
    >>> obs = pd.DataFrame({"city": ["z", "z", "china"], "indicator_id": ["x"] * 3, "year": [2014, 2015, 2015],
    ...     "value": [88.1, 96.0, 50.0], "basis": ["research", "official", "official"],
    ...     "source": ["study", "bulletin", "national"], "scope": ["", "", ""]})
    >>> t = chart_sources_table(sc, obs, city="z", city_name="郑州市", year=2015, references={"china": "全国"})
    >>> t[["地区", "年份", "数据性质", "来源"]].values.tolist()
    [['郑州市', 2014, '研究值（非官方）', 'study'], ['郑州市', 2015, '官方数据', 'bulletin'], ['全国', 2015, '官方数据', 'national']]
    """
    series: dict[str, dict[str, pd.DataFrame]] = {}
    for r in scorecard.to_dict("records"):
        iid, name = r["indicator_id"], r.get("name_zh") or r["indicator_id"]
        hist = indicator_history(observations, city, iid, until=year, scope=r.get("scope"))
        if hist.empty or name in series:
            continue
        series[name] = {city_name: hist, **reference_histories(observations, dict(references or {}), iid, until=year)}
    return histories_sources_table(series)


def histories_sources_table(series: Mapping[str, Mapping[str, pd.DataFrame]]) -> pd.DataFrame:
    """Flatten charted histories into one row per figure with its basis and source.

    Parameters
    ----------
    series : mapping
        Indicator label -> {area label -> :func:`indicator_history` frame}.

    Returns
    -------
    DataFrame
        指标, 地区, 年份, 数值, 数据性质, 来源 (each figure once).

    Examples
    --------
    >>> h = pd.DataFrame({"year": [2015], "value": [96.0], "basis": ["official"], "source": ["bulletin"]})
    >>> histories_sources_table({"PM2.5": {"郑州市": h, "新乡市": h.iloc[:0]}}).values.tolist()
    [['PM2.5', '郑州市', 2015, '96', '官方数据', 'bulletin']]
    """
    rows = [
        {
            "指标": label,
            "地区": who,
            "年份": int(x["year"]),
            "数值": _fmt(x["value"]),
            "数据性质": basis_label(x.get("basis"), x.get("source_kind")),
            "来源": source_label(x.get("source"), x.get("source_kind")),
        }
        for label, by_area in series.items()
        for who, h in by_area.items()
        for x in h.to_dict("records")
    ]
    cols = ["指标", "地区", "年份", "数值", "数据性质", "来源"]
    return pd.DataFrame(rows, columns=cols).drop_duplicates().reset_index(drop=True)


def common_histories(
    scorecard: pd.DataFrame, observations: pd.DataFrame, indicators: Sequence[str], names: Mapping[str, str], year: int
) -> dict[str, dict[str, pd.DataFrame]]:
    """Histories of shared indicators per city, each in the scope of that city's target.

    Parameters
    ----------
    scorecard : DataFrame
        Scorecard rows of the compared cities (``city``, ``indicator_id``, ``scope``).
    observations : DataFrame
        Observations.
    indicators : sequence of str
        Indicator ids to chart.
    names : mapping
        City id -> display name (the cities compared, in order).
    year : int
        Last year kept.

    Returns
    -------
    dict
        Indicator id -> {city name -> :func:`indicator_history` frame} (empty
        frames for cities without a target or data).

    Examples
    --------
    >>> sc = pd.DataFrame({"city": ["a", "b"], "indicator_id": ["s", "s"], "scope": ["市区", ""]})
    >>> obs = pd.DataFrame({"city": ["a", "a", "b"], "indicator_id": ["s"] * 3, "year": [2015] * 3,
    ...     "value": [90.0, 80.0, 70.0], "basis": ["official"] * 3, "source": ["x"] * 3,
    ...     "scope": ["市区", "", ""]})
    >>> h = common_histories(sc, obs, ["s"], {"a": "甲市", "b": "乙市"}, 2015)
    >>> h["s"]["甲市"]["value"].tolist(), h["s"]["乙市"]["value"].tolist()
    ([90.0], [70.0])
    """
    out: dict[str, dict[str, pd.DataFrame]] = {}
    for iid in indicators:
        rows = scorecard.loc[scorecard["indicator_id"] == iid].drop_duplicates("city").set_index("city")
        out[iid] = {}
        for city, label in names.items():
            scope = rows.loc[city, "scope"] if city in rows.index and "scope" in rows.columns else None
            out[iid][label] = indicator_history(observations, city, iid, until=year, scope=scope)
    return out


def city_references(meta: Mapping[str, Any]) -> dict[str, str]:
    """Reference entities of a city for charts: its province and China.

    The province is the city file's ``province_entity``, else the registry's province of the
    city (a municipality has only China); names come from :mod:`qclib.data.registry`.

    Examples
    --------
    >>> city_references({"city": {"province_entity": "henan"}})
    {'henan': '河南省', 'china': '全国'}
    >>> city_references({"city": {"city_id": "mianyang"}}), city_references({"city": {"city_id": "beijing"}})
    ({'sichuan': '四川省', 'china': '全国'}, {'china': '全国'})
    """
    out = {}
    city = meta.get("city", {})
    division = registry.find(str(city.get("city_id")))
    prov = city.get("province_entity") or (division.province_id if division else None)
    for ent in (prov, "china"):
        if isinstance(ent, str) and ent in registry.reference_ids() and ent != city.get("city_id"):
            out[ent] = registry.name_zh(ent)
    return out


def indicator_coverage(observations: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Which indicators have data, for whom and when (for exploration).

    Returns
    -------
    DataFrame
        indicator_id, name_zh, domain, unit, entities (comma-separated),
        first_year, last_year, n (observations); most observed first.

    Examples
    --------
    >>> obs = pd.DataFrame({"city": ["a", "b"], "indicator_id": ["x", "x"], "year": [2014, 2016]})
    >>> ind = pd.DataFrame({"indicator_id": ["x"], "name_zh": ["指标"], "domain": ["product"], "unit": ["%"]})
    >>> indicator_coverage(obs, ind).iloc[0][["entities", "first_year", "last_year", "n"]].astype(str).tolist()
    ['a, b', '2014', '2016', '2']
    """
    g = observations.groupby("indicator_id")
    cov = pd.DataFrame(
        {
            "entities": g["city"].agg(lambda s: ", ".join(sorted(set(s)))),
            "first_year": g["year"].min(),
            "last_year": g["year"].max(),
            "n": g.size(),
        }
    ).reset_index()
    reg = indicators[["indicator_id", "name_zh", "domain", "unit"]]
    out = reg.merge(cov, on="indicator_id", how="right")
    cols = ["indicator_id", "name_zh", "domain", "unit", "entities", "first_year", "last_year", "n"]
    return out[cols].sort_values(["n", "indicator_id"], ascending=[False, True]).reset_index(drop=True)


def history_table(
    observations: pd.DataFrame,
    indicator_id: str,
    entities: Sequence[str],
    *,
    start: int | None = None,
    end: int | None = None,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Years × entities table of one indicator (preferred basis per year).

    Examples
    --------
    >>> obs = pd.DataFrame({"city": ["a", "b"], "indicator_id": ["x", "x"], "year": [2015, 2015],
    ...                     "value": [1.0, 2.0], "basis": ["official"] * 2, "source": ["s"] * 2})
    >>> history_table(obs, "x", ["a", "b"]).loc[2015].tolist()
    [1.0, 2.0]
    """
    names = dict(names or {})
    cols = {}
    for e in entities:
        h = indicator_history(observations, e, indicator_id)
        if start is not None:
            h = h.loc[h["year"] >= start]
        if end is not None:
            h = h.loc[h["year"] <= end]
        cols[names.get(e, e)] = h.set_index("year")["value"]
    df = pd.DataFrame(cols)
    df.index.name = "年份"
    return df.sort_index()


# --------------------------------------------------------------------------- headline overview, problems, gaps
#: Columns of the overview: a judged status counts in its own column only when it
#: rests on official figures; otherwise it counts as 待核实.  The two baseline columns
#: (规划前已达到目标值, 基期水平) appear only where a row is before the plan, and the pace
#: columns (and 变化方向) only where a row is not (:func:`overview_columns`).
OVERVIEW_COLUMNS: tuple[str, ...] = ("目标数", *HEADLINE_BUCKETS, "无法判断", "变化方向")

#: The columns of the statuses of a plan that runs (and the direction since the base).
_PLAN_COLUMNS: tuple[str, ...] = ("已达标", "进度正常", "进度滞后", "未达标", "变化方向")
#: The columns of a figure from before the plan.
_BASELINE_COLUMNS: tuple[str, ...] = ("规划前已达到目标值", "基期水平")

#: The note under every overview table of a plan that runs: what the columns and arrows mean.
OVERVIEW_LEGEND: str = (
    "注：表中数字为目标个数。已达标、进度正常、进度滞后、未达标均依据官方数据（含新闻媒体报道的官方数据）；"
    "依据研究文献、推算或转载网站数据的判断计入“待核实”；缺少数据或目标无可核对数值的计入“无法判断”。"
    "变化方向为较基期的变化：↑ 改善，↗ 小幅改善，↓ 变差。"
)

#: The note under the overview of a baseline year (every row before the plan starts).
BASELINE_LEGEND: str = (
    "注：表中数字为目标个数。本年度在规划实施之前，只列示基期水平，不作进度判断：“规划前已达到目标值”"
    "指基期数值已达到目标值（规划要求在目标年达到，届时再作达标判断），“基期水平”指基期数值尚未达到目标值"
    "或目标为变化趋势，均依据官方数据（含新闻媒体报道的官方数据）；依据研究文献、推算或转载网站数据的计入“待核实”；"
    "缺少数据或目标无可核对数值的计入“无法判断”。"
)

#: Added to :data:`OVERVIEW_LEGEND` when some rows rest on figures from before the plan.
_MIXED_LEGEND: str = (
    "“规划前已达到目标值”“基期水平”为只有规划实施前数据的目标（不作进度判断）：前者基期数值已达到目标值，"
    "后者尚未达到或目标为变化趋势。"
)


def overview_columns(scorecard: pd.DataFrame) -> list[str]:
    """The overview's columns for these rows: pace columns for a running plan, baseline ones before it.

    Examples
    --------
    >>> overview_columns(pd.DataFrame({"before_plan": [True, True]}))
    ['目标数', '规划前已达到目标值', '基期水平', '待核实', '无法判断']
    >>> overview_columns(pd.DataFrame({"status": ["met"]}))
    ['目标数', '已达标', '进度正常', '进度滞后', '未达标', '待核实', '无法判断', '变化方向']
    """
    n = len(scorecard)
    before = (
        scorecard["before_plan"].fillna(False).astype(bool) if "before_plan" in scorecard else pd.Series([False] * n)
    )
    status = scorecard["status"] if "status" in scorecard else pd.Series([""] * n)
    running = n == 0 or not bool(before.all())
    early = bool(before.any()) or bool(status.isin(BASELINE_STATUSES).any())
    return [
        c
        for c in OVERVIEW_COLUMNS
        if not (c in _PLAN_COLUMNS and not running) and not (c in _BASELINE_COLUMNS and not early)
    ]


def overview_legend(scorecard: pd.DataFrame) -> str:
    """The note under an overview of these rows (:data:`OVERVIEW_LEGEND`, or :data:`BASELINE_LEGEND`).

    Examples
    --------
    >>> overview_legend(pd.DataFrame({"before_plan": [True]})) == BASELINE_LEGEND
    True
    >>> overview_legend(pd.DataFrame({"status": ["met"]})) == OVERVIEW_LEGEND
    True
    """
    cols = overview_columns(scorecard)
    if "已达标" not in cols:
        return BASELINE_LEGEND
    return OVERVIEW_LEGEND + (_MIXED_LEGEND if "基期水平" in cols else "")


def overview_table(
    scorecard: pd.DataFrame, *, by: str = "domain", labels: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Per domain: targets, the status counts a leader reads at a glance, and the direction arrows.

    The SDG progress-snapshot layout (UN ESCAP, Eurostat): one row per domain
    and a 合计 row; 变化方向 counts the targets improving (↑, progress
    category significant or moderate), improving slowly (↗, insufficient) and
    moving away (↓) since their base (:data:`qclib.report.narrative.DIRECTION_ARROWS`).

    Examples
    --------
    >>> sc = pd.DataFrame({"domain": ["product", "product", "service"], "status": ["met", "off_track", "no_data"],
    ...     "progress_category": ["achieved", "moving_away", "not_assessable"], "provisional": [False, False, False]})
    >>> overview_table(sc).loc["产品质量"].astype(str).tolist()
    ['2', '1', '0', '1', '0', '0', '0', '↓1']
    >>> int(overview_table(sc).loc["合计", "无法判断"])
    1
    >>> overview_table(sc.assign(city=["a", "a", "b"]), by="city", labels={"a": "甲市", "b": "乙市"}).index.tolist()
    ['甲市', '乙市', '合计']

    A baseline year (every row before the plan starts): no pace columns, no directions.

    >>> base = pd.DataFrame({"domain": ["environment"] * 3, "status": ["baseline_met", "baseline", "no_data"],
    ...     "progress_category": ["not_assessable"] * 3, "provisional": [False] * 3, "before_plan": [True] * 3})
    >>> overview_table(base).loc["合计"].to_dict()
    {'目标数': 3, '规划前已达到目标值': 1, '基期水平': 1, '待核实': 0, '无法判断': 1}
    """
    from qclib.report.narrative import DIRECTION_ARROWS

    records = scorecard.to_dict("records")
    out = []
    index = []
    if by == "domain":
        keys, names = list(DOMAINS), dict(DOMAIN_NAMES_ZH)
    else:
        present = list(dict.fromkeys(scorecard[by]))
        names = dict(labels or {})
        keys = [k for k in names if k in present] + [k for k in present if k not in names]  # the caller's order
    groups = [(names.get(k, k), [r for r in records if r.get(by) == k]) for k in keys]
    for name, rows in [*groups, ("合计", records)]:
        if not rows:
            continue
        buckets = [overview_bucket(r) for r in rows]
        arrows = [DIRECTION_ARROWS.get(str(r.get("progress_category")), "") for r in rows]
        arrow_text = " ".join(f"{a}{arrows.count(a)}" for a in ("↑", "↗", "↓") if arrows.count(a))
        out.append([len(rows), *[buckets.count(c) for c in OVERVIEW_COLUMNS[1:-1]], arrow_text or "—"])
        index.append(name)
    return pd.DataFrame(out, index=index, columns=list(OVERVIEW_COLUMNS)).loc[:, overview_columns(scorecard)]


def gaps_table(scorecard: pd.DataFrame) -> pd.DataFrame:
    """数据缺口: per domain, the targets that cannot be judged and why, each named once.

    Two reasons: no usable figure (无数据, including a figure older than the
    target year) and a target that states no number or reference to check
    against (无法评估, e.g. 居全省前列).

    Examples
    --------
    >>> sc = pd.DataFrame({"domain": ["service", "service", "product"], "name_zh": ["满意度", "品牌数", "合格率"],
    ...     "status": ["no_data", "not_assessable", "met"]})
    >>> gaps_table(sc).values.tolist()
    [['服务质量', '无数据', 1, '满意度'], ['服务质量', '目标无可核对的数值（无法评估）', 1, '品牌数']]
    """
    records = [r for r in scorecard.to_dict("records") if overview_bucket(r) == "无法判断"]
    rows = []
    for d in DOMAINS:
        for status, why in (("no_data", "无数据"), ("not_assessable", "目标无可核对的数值（无法评估）")):
            names = [
                str(r.get("name_zh") or r.get("indicator_id"))
                for r in records
                if r.get("domain") == d and r.get("status") == status
            ]
            if names:
                rows.append([DOMAIN_NAMES_ZH[d], why, len(names), "；".join(names)])  # names may hold a 、
    return pd.DataFrame(rows, columns=["领域", "原因", "目标数", "目标指标"])


def problem_rows(scorecard: pd.DataFrame) -> pd.DataFrame:
    """The targets behind (进度滞后), missed (未达标) or short of the target before the plan (基期水平
    with a gap), largest relative gap first.

    Examples
    --------
    >>> sc = pd.DataFrame({"name_zh": ["a", "b", "c", "d"], "status": ["off_track", "not_met", "met", "baseline"],
    ...     "gap": [1.0, 5.0, -2.0, 3.0], "target_value": [95.0, 50.0, 90.0, 95.0]})
    >>> problem_rows(sc)["name_zh"].tolist()
    ['b', 'd', 'a']
    """
    short = scorecard["status"].eq("baseline") & (pd.to_numeric(scorecard["gap"], errors="coerce") > 0)
    behind = scorecard.loc[scorecard["status"].isin(["off_track", "not_met"]) | short].copy()
    gap = pd.to_numeric(behind["gap"], errors="coerce").abs()
    size = pd.to_numeric(behind["target_value"], errors="coerce").abs().where(lambda x: x > 0)
    behind["_rel"] = (gap / size).fillna(gap)
    return behind.sort_values("_rel", ascending=False, kind="stable").drop(columns="_rel").reset_index(drop=True)


def data_request_rows(
    scorecard: pd.DataFrame, indicators: pd.DataFrame, year: int, city_name: str | None = None
) -> pd.DataFrame:
    """The figures the report needed and did not have, as rows for the 数据需求清单.

    Per target without a usable figure (``no_data``): the year it needs (the
    report year, or the target year when that is earlier), and the base year
    when a relative target or a path lacks its base value.  Per target judged
    on a figure that is not official (待核实): the official figure of that
    year.  Input for :func:`qclib.data.template.request_frame`.

    Examples
    --------
    >>> sc = pd.DataFrame({"city": ["z"], "indicator_id": ["x"], "name_zh": ["排放削减"], "unit": ["%"],
    ...     "scope": [""], "status": ["no_data"], "kind": ["reduction_vs_base"], "comparator": [">="],
    ...     "target_value": [14.8], "target_year": [2015], "base_year": [2010], "base_value": [float("nan")],
    ...     "plan_title": ["方案"]})
    >>> ind = pd.DataFrame({"indicator_id": ["x"], "unit": ["t"], "name_zh": ["化学需氧量排放总量"], "note": [""]})
    >>> data_request_rows(sc, ind, 2016, "郑州市")[["city", "year", "unit", "unit_zh"]].values.tolist()
    [['郑州市', 2015, 't', '吨'], ['郑州市', 2010, 't', '吨']]
    """
    reg = indicators.set_index("indicator_id")
    words = measure_words(indicators)
    rows = []
    for r in scorecard.to_dict("records"):
        years = _years_needed(r, year)
        if not years:
            continue
        iid = r["indicator_id"]
        unit = reg["unit"].get(iid, r.get("unit")) if iid in reg.index else r.get("unit")
        note = "请提供官方发布的数值（报告目前依据非官方数据，待核实）" if is_provisional(r) else ""
        for y in years:
            rows.append(
                {
                    "city": city_name or r["city"],
                    "indicator_id": iid,
                    "name_zh": r.get("name_zh") or iid,
                    "definition": reg["name_zh"].get(iid, "") if iid in reg.index else "",
                    "unit": unit,
                    "unit_zh": unit_label(unit, words.get(iid, "")),
                    "target": target_text(r),
                    "plan_clause": target_clause(r),
                    "scope": r.get("scope") or "",
                    "year": y,
                    "note": note,
                }
            )
    cols = ["city", "indicator_id", "name_zh", "definition", "unit", "unit_zh", "target", "plan_clause"]
    return pd.DataFrame(rows, columns=[*cols, "scope", "year", "note"])


def _years_needed(r: Mapping[str, Any], year: int) -> list[int]:
    """The years of official figures a target needs (none when it is judged on official figures)."""
    if is_provisional(r):
        ya = _num(r.get("year_assessed"))
        return [int(ya)] if not math.isnan(ya) else []
    ya = _num(r.get("year_assessed"))
    if r.get("status") in ("baseline_met", "baseline") and not math.isnan(ya) and ya < year:
        return [int(year)]  # only a figure from before the plan: this year's is needed
    if r.get("status") != "no_data":  # judged, or nothing to check against: not a data question
        return []
    ty = _num(r.get("target_year"))
    years = [int(min(year, ty)) if not math.isnan(ty) else int(year)]
    by = _num(r.get("base_year"))
    if not math.isnan(by) and math.isnan(_num(r.get("base_value"))):
        years.append(int(by))
    return years


# --------------------------------------------------------------------------- sources, readable
_SEED_PREFIX = re.compile(r"^seeds/\d{3}_[0-9a-f]{16}\.txt\s+—\s+")


def source_label(source: Any, kind: Any = "") -> str:
    """A source as a reader sees it: the document's title, or who published a web page and where.

    Never a file name: a transcribed document shows its title; a URL shows
    the kind of host (政府网站, 新闻媒体, 转载（非发布机构） …) and the address
    decoded (``%E6%A0%AA`` -> 株).  A page that only copies a publisher's
    text (``mirror``, ``aggregator``) shows its site alone: the page is not
    the publisher's, and some copy sites' paths read like advertising.  Its
    full address stays in the data file and the exported scorecard
    (``value_source``), and the data request asks for the official source.

    Examples
    --------
    >>> source_label("seeds/001_1e9d2761d1d519df.txt — 《郑州市创建全国质量强市示范城市工作方案》（郑政〔2014〕17号）")
    '《郑州市创建全国质量强市示范城市工作方案》（郑政〔2014〕17号）'
    >>> source_label("http://www.example.gov.cn/%E6%A0%AA%E6%B4%B2/1.htm", "official_site")
    '政府网站：www.example.gov.cn/株洲/1.htm'
    >>> source_label("http://www.example.cn/%E6%A0%AA%E6%B4%B2/1.htm", "mirror")
    '转载（非发布机构）：www.example.cn 网站'
    """
    from urllib.parse import unquote, urlsplit

    from qclib.constants import SOURCE_KIND_NAMES_ZH

    text = _SEED_PREFIX.sub("", str(source or "").strip())
    if re.match(r"^https?://", text):
        who = SOURCE_KIND_NAMES_ZH.get(str(kind or ""), "网页")
        if str(kind or "") in COPY_KINDS:
            return f"{who}：{urlsplit(text).hostname or text} 网站"
        return f"{who}：{unquote(re.sub(r'^https?://', '', text))}"
    return text or "—"


#: Source kinds of a page that copies a publisher's text (its site is shown, not the page).
COPY_KINDS: frozenset[str] = frozenset({"mirror", "aggregator"})


#: Order of the credibility groups of the sources appendix (a column of its rows, so not numbered: a report may have no
#: row of the first group).
CREDIBILITY_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("发布机构（政府文件、政府网站）", ("official_document", "official_site")),
    ("新闻媒体与本单位填报", ("media", "analyst")),
    ("学术文献", ("academic",)),
    ("转载（非发布机构，待核实）", ("aggregator", "mirror")),
)


def credibility_group(kind: Any) -> str:
    """The appendix group of a source kind (:data:`CREDIBILITY_GROUPS`).

    Examples
    --------
    >>> credibility_group("mirror")
    '转载（非发布机构，待核实）'
    """
    for name, kinds in CREDIBILITY_GROUPS:
        if kind in kinds:
            return name
    return CREDIBILITY_GROUPS[1][0]


def sources_by_credibility(scorecard: pd.DataFrame) -> pd.DataFrame:
    """The appendix: every figure a status rests on, grouped by who published it.

    Examples
    --------
    >>> sc = pd.DataFrame({"name_zh": ["PM2.5", "合格率"], "value": [78.6, 93.1], "year_assessed": [2016, 2013],
    ...     "value_source": ["http://a.cn/x", "seeds/000_fcc7a09923591210.txt — 《报道》"],
    ...     "value_source_kind": ["mirror", "media"], "value_basis": ["official", "official"]})
    >>> sources_by_credibility(sc)[["来源类别", "指标"]].values.tolist()
    [['新闻媒体与本单位填报', '合格率'], ['转载（非发布机构，待核实）', 'PM2.5']]
    """
    rows = []
    order = {name: i for i, (name, _) in enumerate(CREDIBILITY_GROUPS)}
    for r in scorecard.to_dict("records"):
        if math.isnan(_num(r.get("value"))):
            continue
        kind = r.get("value_source_kind") or ""
        ya = _num(r.get("year_assessed"))
        rows.append(
            {
                "来源类别": credibility_group(kind),
                "指标": r.get("name_zh") or r.get("indicator_id"),
                "数值": _fmt(r.get("value")) + (f"（{int(ya)}年）" if not math.isnan(ya) else ""),
                "数据性质": basis_label(r.get("value_basis"), kind),
                "来源": source_label(str(r.get("value_source") or "").split(" | ")[0], kind),
            }
        )
    df = pd.DataFrame(rows, columns=["来源类别", "指标", "数值", "数据性质", "来源"])
    df["_o"] = df["来源类别"].map(order)
    return df.sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)


def change_checks_table(checks: pd.DataFrame, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Reported changes against their levels (:func:`qclib.indicators.consistency.reported_changes`), in Chinese.

    Examples
    --------
    >>> c = pd.DataFrame({"indicator_id": ["x_change_pct"], "change_of": ["x"], "year": [2013], "base_year": [2012],
    ...     "base_value": [363.0], "value": [141.0], "reported": [-64.2], "computed": [-61.157], "unit": ["%"],
    ...     "consistent": [False]})
    >>> change_checks_table(c, {"x": "行政审批事项"}).iloc[0].tolist()
    ['行政审批事项', '2012年363 → 2013年141', '-64.2%', '-61.2%', '不一致：按数值计算为-61.2%']
    """
    names = dict(names or {})
    rows = []
    for r in checks.to_dict("records"):
        unit = "个百分点" if r["unit"] == "pp" else unit_label(r["unit"]) if r["unit"] != "%" else "%"
        computed = f"{r['computed']:.1f}".rstrip("0").rstrip(".") + unit
        rows.append(
            [
                names.get(r["change_of"], r["change_of"]),
                f"{r['base_year']}年{_fmt(r['base_value'])} → {r['year']}年{_fmt(r['value'])}",
                f"{_fmt(r['reported'])}{unit}",
                computed,
                "一致" if r["consistent"] else f"不一致：按数值计算为{computed}",
            ]
        )
    return pd.DataFrame(rows, columns=["指标", "前后数值", "公布的变化", "按数值计算", "核对结果"])


def not_a_year_table(observations: pd.DataFrame, indicators: pd.DataFrame, city: str, year: int) -> pd.DataFrame:
    """Partial-year and period figures of a year, shown apart with what they cover (never as the year's value).

    Examples
    --------
    >>> obs = pd.DataFrame({"city": ["x"], "indicator_id": ["pm25"], "year": [2017], "value": [119.0],
    ...     "unit": ["ug/m3"], "basis": ["partial_year"], "note": ["Jan–Feb mean"], "source": ["http://a.cn"],
    ...     "source_kind": ["media"], "scope": [""]})
    >>> ind = pd.DataFrame({"indicator_id": ["pm25"], "domain": ["environment"], "name_zh": ["PM2.5年均浓度"]})
    >>> not_a_year_table(obs, ind, "x", 2017).iloc[0].tolist()
    ['PM2.5平均浓度', '119', '微克/立方米', '部分年度（1–2月）', '新闻媒体：a.cn']
    """
    sel = observations.loc[
        (observations["city"] == city)
        & (observations["year"] == year)
        & observations["basis"].isin(("partial_year", "period"))
    ]
    names = indicators.set_index("indicator_id")["name_zh"]
    words = measure_words(indicators)
    rows = []
    for r in sel.to_dict("records"):
        rows.append(
            [
                # a two-month mean is not an annual mean: the name drops 年均 (the period column says which)
                str(names.get(r["indicator_id"], r["indicator_id"])).replace("年均浓度", "平均浓度"),
                _fmt(r["value"]),
                unit_label(r.get("unit", ""), words.get(r["indicator_id"], "")),
                _coverage_zh(str(r.get("basis")), str(r.get("note") or "")),
                source_label(r.get("source", ""), r.get("source_kind", "")),
            ]
        )
    return pd.DataFrame(rows, columns=["指标", "数值", "单位", "覆盖时段", "来源"])


_MONTHS = {m: i + 1 for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}


def _coverage_zh(basis: str, note: str) -> str:
    """'部分年度（1–11月）' / '多年合计（2006–2010年）' from the note's English month or year span."""
    m = re.search(
        r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\w*\s*[–-]\s*(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)",
        note,
    )
    if basis == "partial_year":
        return f"部分年度（{_MONTHS[m.group(1)]}–{_MONTHS[m.group(2)]}月）" if m else "部分年度"
    y = re.search(r"(\d{4})\s*[–-]\s*(\d{4})", note)
    return f"多年合计（{y.group(1)}–{y.group(2)}年）" if y else "多年合计"


# --------------------------------------------------------------------------- report helpers (issue 9)
#: MIME type of the data-request rows a city report emits; the batch runner writes them as the
#: 数据需求清单 Excel sheet beside the report (the notebook itself writes no file).
DATA_REQUEST_MIME: str = "application/vnd.qclib.data-request+json"


def judged_mask(scorecard: pd.DataFrame) -> pd.Series:
    """Rows a bureau can state a judgement on (met, not_met, on_track, off_track).

    Examples
    --------
    >>> judged_mask(pd.DataFrame({"status": ["met", "no_data"]})).tolist()
    [True, False]
    """
    return scorecard["status"].isin(JUDGED_STATUSES)


def target_sources_table(scorecard: pd.DataFrame) -> pd.DataFrame:
    """Each target's plan clause (document, number, section, item), once per target.

    Examples
    --------
    >>> sc = pd.DataFrame({"name_zh": ["合格率"], "plan_title": ["工作方案"], "doc_number": ["郑政〔2014〕17号"],
    ...     "source_section": ["三、（一）"], "source_item": ["1"], "source_clause": ["表内第1项"],
    ...     "kind": ["threshold"], "comparator": [">="], "target_value": [90.0], "unit": ["%"], "target_year": [2015],
    ...     "value": [float("nan")]})
    >>> target_sources_table(sc).iloc[0].tolist()
    ['合格率', '≥90%（2015）', '《工作方案》（郑政〔2014〕17号）三、（一） 表内第1项']
    """
    src = sources_table(scorecard)
    return pd.DataFrame(
        {
            "指标": src["指标"],
            "目标": [target_text(r) for r in scorecard.to_dict("records")],
            "规划出处": src["目标出处"],
        }
    )


def official_conflicts_table(
    observations: pd.DataFrame,
    city: str,
    *,
    until: int | None = None,
    names: Mapping[str, str] | None = None,
    measure_words: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Years for which the data hold two different official figures, and the one the report uses.

    Rule (qclib.indicators.scorecard): within the official basis the figure from the
    publisher or a news outlet counts over an aggregator's, which counts over a copy
    site's; among equals the first row read.

    Examples
    --------
    >>> obs = pd.DataFrame({"city": ["z", "z"], "indicator_id": ["r", "r"], "year": [2020, 2020],
    ...     "value": [62.8, 63.0], "scope": ["", ""], "basis": ["official"] * 2, "unit": ["%", "%"],
    ...     "source_kind": ["mirror", "official_site"]})
    >>> official_conflicts_table(obs, "z", names={"r": "优良天数比例"}).iloc[0].astype(str).tolist()
    ['优良天数比例', '2020', '62.8%（转载（非发布机构））；63%（政府网站）', '63%']
    """
    from qclib.constants import SOURCE_KIND_NAMES_ZH
    from qclib.indicators.scorecard import SOURCE_KIND_PENALTY as rank

    sel = observations.loc[(observations["city"] == city) & observations["basis"].eq("official")]
    if until is not None:
        sel = sel.loc[sel["year"] <= until]
    names = dict(names or {})
    rows = []
    for (iid, y, _scope), grp in sel.groupby(["indicator_id", "year", "scope"], sort=True):
        if grp["value"].nunique() < 2:
            continue
        unit = unit_label(str(grp["unit"].iloc[0]), (measure_words or {}).get(str(iid), ""))
        kinds = grp.get("source_kind", pd.Series("", index=grp.index)).fillna("")
        order = kinds.map(lambda k: rank.get(k, 0.0)).sort_values(kind="stable")
        used = grp.loc[order.index[0], "value"]
        seen = "；".join(
            f"{_fmt(v)}{unit}（{SOURCE_KIND_NAMES_ZH.get(k, '未注明')}）" for v, k in zip(grp["value"], kinds)
        )
        rows.append([names.get(iid, iid), int(y), seen, f"{_fmt(used)}{unit}"])
    return pd.DataFrame(rows, columns=["指标", "年份", "各来源数值", "采用"])


def city_warnings(records: Iterable[Any], city: str, years: Iterable[int] | None = None) -> list[str]:
    """The recorded warnings that concern one city (its id in the message), others left out.

    With ``years``, a warning about one figure (``… for CITY INDICATOR YEAR``) of another
    year is left out too: the report shows and uses only its own years' figures.

    Examples
    --------
    >>> lines = ["a.csv, row 3: a second official figure for zhengzhou r 2020", "b: for xinxiang"]
    >>> city_warnings(lines, "zhengzhou")
    ['a.csv, row 3: a second official figure for zhengzhou r 2020']
    >>> city_warnings(lines, "zhengzhou", years=[2015, 2016])
    []
    """
    keep = None if years is None else {int(y) for y in years}
    out = []
    for line in warning_lines(records):
        if not re.search(rf"\b{re.escape(city)}\b", line):
            continue
        when = re.search(rf"\bfor {re.escape(city)} \S+ (\d{{4}})\b", line)
        if keep is not None and when and int(when.group(1)) not in keep:
            continue
        out.append(line)
    return out


def warnings_sentence(records: Iterable[Any]) -> str:
    """One Chinese sentence on the checks run while the data were read (counts by kind).

    Examples
    --------
    >>> warnings_sentence([])
    ''
    >>> warnings_sentence(["a.csv, row 3: a second official figure for z r 2020: ...", "b: changes by 80 % ..."])
    '读取数据时有2条校验提示：同一年份有两个官方数值1条（采用的数值见上表）、其他提示1条。'
    """
    kinds = {
        "second official figure": "同一年份有两个官方数值",
        "replaced by": "本单位填报数值替换了内置数据",
        "rows without a value": "空白行已跳过",
        "should say": "数据说明不全",
    }
    lines = warning_lines(records)
    if not lines:  # nothing to say (the report says once that there is nothing to check)
        return ""
    counts: dict[str, int] = {}
    for text in lines:
        label = next((zh for key, zh in kinds.items() if key in text), "其他提示")
        counts[label] = counts.get(label, 0) + 1
    parts = [f"{k}{n}条" + ("（采用的数值见上表）" if k == "同一年份有两个官方数值" else "") for k, n in counts.items()]
    return f"读取数据时有{len(lines)}条校验提示：" + "、".join(parts) + "。"


def common_indicator_lines(
    series: Mapping[str, Mapping[str, pd.DataFrame]],
    names: Mapping[str, str],
    units: Mapping[str, str],
    measure_words: Mapping[str, str] | None = None,
) -> tuple[list[str], list[str]]:
    """Split shared indicators into those with two or more cities' data (charted) and one-city lines.

    Returns
    -------
    charted : list of str
        Indicator ids with data for at least two cities.
    lines : list of str
        One sentence per indicator with data for one city only (its latest figure).

    Examples
    --------
    >>> h = pd.DataFrame({"year": [2015], "value": [96.0]})
    >>> e = h.iloc[:0]
    >>> common_indicator_lines({"pm": {"郑州市": h, "株洲市": e}, "x": {"郑州市": e, "株洲市": e}},
    ...                        {"pm": "PM2.5年均浓度"}, {"pm": "ug/m3"})
    ([], ['“PM2.5年均浓度”仅郑州市有数据（2015年96微克/立方米），无法对比。'])
    >>> common_indicator_lines({"p": {"郑州市": h.assign(value=12.0), "株洲市": e}}, {"p": "国家级质检中心数"},
    ...                        {"p": "count"}, {"p": "个"})[1]
    ['“国家级质检中心数”仅郑州市有数据（2015年12个），无法对比。']
    >>> common_indicator_lines({"pm": {"郑州市": h.assign(basis="research", source_kind="academic")}},
    ...                        {"pm": "PM2.5年均浓度"}, {"pm": "ug/m3"})[1]
    ['“PM2.5年均浓度”仅郑州市有数据（2015年96微克/立方米，研究值，非官方），无法对比。']
    """
    from qclib.report.narrative import format_value

    charted, lines = [], []
    for iid, by_city in series.items():
        have = {c: h for c, h in by_city.items() if not h.empty}
        if len(have) >= 2:
            charted.append(iid)
        elif len(have) == 1:
            ((city, h),) = have.items()
            last = h.iloc[-1]
            what = basis_label(last.get("basis", "official"), last.get("source_kind", ""))
            plain = what.replace("（", "，").replace("）", "")  # no brackets inside the sentence's brackets
            kind = "" if what in ("官方数据", "—") else f"，{plain}"  # a research or copied figure says so
            lines.append(
                f"“{names.get(iid, iid)}”仅{city}有数据（{int(last['year'])}年"
                f"{format_value(last['value'], units.get(iid, ''), (measure_words or {}).get(iid, ''))}{kind}），无法对比。"
            )
    return charted, lines


def judged_by_domain(scorecard: pd.DataFrame, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Per domain and city: ``good / judged / total`` (met or on track on an official figure, judged, all targets).

    A met or on-track status resting on a figure that is not official is 待核实 in the
    overview, so it is not counted as good here either.

    Examples
    --------
    >>> sc = pd.DataFrame({"city": ["a", "a", "b", "b"], "domain": ["product"] * 4,
    ...                    "status": ["met", "no_data", "off_track", "met"], "provisional": [False, False, False, True]})
    >>> judged_by_domain(sc, {"a": "甲市"}).loc["产品质量"].to_dict()
    {'甲市': '1 / 1 / 2', 'b': '0 / 2 / 2'}
    """
    names = dict(names or {})
    present = list(dict.fromkeys(scorecard["city"]))
    cities = [c for c in names if c in present] + [c for c in present if c not in names]  # the caller's order
    out = pd.DataFrame(
        index=[DOMAIN_NAMES_ZH[d] for d in DOMAINS], columns=[names.get(c, c) for c in cities], dtype=object
    )
    judged = judged_mask(scorecard)
    official = ~scorecard["provisional"].fillna(False).astype(bool) if "provisional" in scorecard else True
    good = scorecard["status"].isin(["met", "on_track"]) & official
    for d in DOMAINS:
        for c in cities:
            m = (scorecard["domain"] == d) & (scorecard["city"] == c)
            n = int(m.sum())
            out.loc[DOMAIN_NAMES_ZH[d], names.get(c, c)] = (
                f"{int((m & good).sum())} / {int((m & judged).sum())} / {n}" if n else "—"
            )
    return out.dropna(how="all")


def figure_cards(rows: pd.DataFrame, observations: pd.DataFrame, city: str, year: int) -> list[str]:
    """A compact card (value, year, target, status) for each judged target with a single figure.

    The charts leave these out (one point on a full axis says nothing,
    :func:`qclib.report.series.drawable`); the card says it in one line.
    Each card is Markdown with every data text escaped (:func:`qclib.report.escape.md_text`).

    Examples
    --------
    >>> rows = pd.DataFrame({"indicator_id": ["x"], "name_zh": ["保障房一次验收合格率"], "unit": ["%"],
    ...     "kind": ["threshold"], "comparator": [">="], "target_value": [100.0], "target_year": [2015],
    ...     "scope": [""], "value": [100.0], "year_assessed": [2013], "status": ["on_track"]})
    >>> obs = pd.DataFrame({"city": ["z"], "indicator_id": ["x"], "year": [2013], "value": [100.0],
    ...     "basis": ["official"], "scope": [""]})
    >>> figure_cards(rows, obs, "z", 2015)
    ['**保障房一次验收合格率**　2013年：100%　｜　目标：100%（2015）　｜　进度正常']
    """
    from qclib.report.escape import md_text
    from qclib.report.narrative import format_value, status_label

    cards = []
    for r in rows.to_dict("records"):
        hist = indicator_history(observations, city, r["indicator_id"], until=year, scope=r.get("scope"))
        if hist.empty or drawable(hist, r):
            continue
        ya = _num(r.get("year_assessed"))
        when = f"{int(ya)}年：" if not math.isnan(ya) else ""
        name = r.get("name_zh") or r["indicator_id"]
        value = format_value(r.get("value"), str(r.get("unit") or ""), measure_word_of(r))
        rest = f"{when}{value}　｜　目标：{target_text(r)}　｜　{status_label(r)}"
        cards.append(f"**{md_text(name)}**　{md_text(rest)}")
    return cards
