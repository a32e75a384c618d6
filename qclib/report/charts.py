"""Charts for the report notebooks (display only: no I/O besides the font file).

Chinese labels need a CJK font.  :func:`use_cjk_font` registers the Noto Sans
CJK SC font shipped by the ``mplfonts`` package explicitly with matplotlib's
font manager, so charts never depend on the fonts installed on the machine.

Every plotting function takes plain DataFrames / mappings, draws on a given
(or new) :class:`matplotlib.axes.Axes` and returns it; nothing is shown or
saved here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
import matplotlib.figure
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.layout_engine import ConstrainedLayoutEngine

from qclib._numbers import as_float
from qclib.constants import REPRODUCED_SOURCE_KINDS, STATUS_NAMES_ZH, STATUSES
from qclib.exceptions import InvalidChoiceError
from qclib.indicators.trajectory import trajectory_path
from qclib.report.series import drawable, indicator_history, reference_histories
from qclib.report.style import (
    CHART_DPI,
    CHART_FONT_PT,
    CHART_SIZE_IN,
    STATUS_COLORS,
    unit_label,
)
from qclib.report.style import (
    COMPARATOR_ZH as _COMPARATOR_ZH,
)

_num = as_float


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".") if not math.isnan(v) else ""


def new_chart(height: float | None = None) -> Axes:
    """The axes of a new report chart: a figure of :data:`~qclib.report.style.CHART_SIZE_IN`
    (the size it is printed at), constrained layout, :data:`~qclib.report.style.CHART_DPI`.

    Parameters
    ----------
    height : float, optional
        Figure height in inches (default the chart height).

    Examples
    --------
    >>> ax = new_chart()
    >>> [float(x) for x in ax.figure.get_size_inches()], float(ax.figure.dpi)
    ([5.5, 3.4], 96.0)
    >>> plt.close("all")
    """
    width, default_height = CHART_SIZE_IN
    _, ax = plt.subplots(figsize=(width, height or default_height), dpi=CHART_DPI, layout="constrained")
    return ax


def _text_width_pt(text: str, size: float) -> float:
    """Rough width of ``text`` in points: a CJK character 1 em, others 0.6 em."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in text) * size


def legend_below(ax: Axes, *, size: float | None = None) -> None:
    """The axes' legend under the plot (never over a line or a point), in as many columns as fit.

    A chart alone in its figure gets a figure legend in the space the constrained layout keeps
    below the axes (``loc="outside lower center"``), so it never overlaps the 年份 label, and the
    figure grows by the legend's extra rows, so the plot keeps its height; an axes in a grid gets
    its own legend under its x label.

    Examples
    --------
    >>> ax = new_chart()
    >>> _ = ax.plot([1, 2], [1, 2], label="实际值"); _ = ax.plot([1, 2], [2, 1], label="目标：≥95%（2015年）")
    >>> legend_below(ax)
    >>> [t.get_text() for t in ax.figure.legends[0].get_texts()], ax.figure.legends[0].get_texts()[0].get_fontsize()
    (['实际值', '目标：≥95%（2015年）'], 9.5)
    >>> plt.close("all")
    """
    handles, labels = ax.get_legend_handles_labels()
    if not labels:
        return
    size = size or CHART_FONT_PT["legend"]
    fig, spec = ax.figure, ax.get_subplotspec()
    width_in = fig.get_figwidth() if isinstance(fig, matplotlib.figure.Figure) else CHART_SIZE_IN[0]
    room = width_in / (spec.get_gridspec().ncols if spec is not None else 1) * 72 * 0.95  # points
    ncol = len(labels)
    while ncol > 1 and ncol * max(_text_width_pt(t, size) + 3.5 * size for t in labels) > room:
        ncol -= 1
    style: dict[str, Any] = dict(fontsize=size, ncol=ncol, frameon=False, handlelength=1.8, columnspacing=1.2)
    alone = [a for a in fig.axes if a.get_visible()] == [ax]
    constrained = isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    if alone and isinstance(fig, matplotlib.figure.Figure) and constrained:
        rows = math.ceil(len(labels) / ncol)
        fig.set_figheight(fig.get_figheight() + (rows - 1) * size * 1.5 / 72)  # the plot keeps its height
        fig.legend(handles, labels, loc="outside lower center", **style)
    else:
        # anchored at the bottom of the axes, its top below the tick labels and the x label (3.6 em)
        ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), borderaxespad=3.6, **style)


def target_level_points(target: Mapping[str, Any], method: str = "linear") -> pd.DataFrame:
    """Points of a target drawn in the indicator's own unit.

    Parameters
    ----------
    target : mapping
        A scorecard or targets row with ``kind``, ``target_value``,
        ``target_year`` and, for base-relative kinds, ``base_year`` and
        ``base_value``.
    method : {"linear", "geometric"}
        Interpolation of a trajectory (:func:`qclib.indicators.trajectory.trajectory_path`).

    Returns
    -------
    DataFrame
        Columns ``year`` and ``value``: one row (the level to reach in the
        target year) for ``threshold``, ``count``, ``rank`` and ``boolean``;
        the base point and the level implied in the target year for
        ``reduction_vs_base`` (``base * (1 - target/100)``) and
        ``change_vs_base`` (``base * (1 + target/100)``); the straight planned
        path from the base year to the target year, one point per year, for
        ``trajectory``.  Empty when the target has no drawable level (trend,
        vs_reference, missing numbers).

    Examples
    --------
    >>> pm = {"kind": "trajectory", "base_year": 2013, "base_value": 108,
    ...       "target_year": 2016, "target_value": 95}
    >>> target_level_points(pm).round(1).to_dict("list")
    {'year': [2013, 2014, 2015, 2016], 'value': [108.0, 103.7, 99.3, 95.0]}
    >>> cod = {"kind": "reduction_vs_base", "base_year": 2010, "base_value": 20.0,
    ...        "target_year": 2015, "target_value": 14.8}
    >>> target_level_points(cod).round(2).to_dict("list")
    {'year': [2010, 2015], 'value': [20.0, 17.04]}
    >>> target_level_points({"kind": "trend", "target_value": None}).empty
    True
    """
    kind = target.get("kind")
    tv = _num(target.get("target_value"))
    ty = _num(target.get("target_year"))
    by = _num(target.get("base_year"))
    bv = _num(target.get("base_value"))
    empty = pd.DataFrame({"year": pd.Series([], dtype=int), "value": pd.Series([], dtype=float)})
    if math.isnan(tv) or math.isnan(ty):
        return empty
    if kind in ("threshold", "count", "rank", "boolean"):
        return pd.DataFrame({"year": [int(ty)], "value": [tv]})
    if kind in ("reduction_vs_base", "change_vs_base"):
        if math.isnan(by) or math.isnan(bv):
            return empty
        sign = -1.0 if kind == "reduction_vs_base" else 1.0
        return pd.DataFrame({"year": [int(by), int(ty)], "value": [bv, bv * (1 + sign * tv / 100.0)]})
    if kind == "trajectory":
        if math.isnan(by) or math.isnan(bv) or ty <= by:
            return empty
        path = trajectory_path(int(by), bv, int(ty), tv, range(int(by), int(ty) + 1), method)
        return pd.DataFrame({"year": path.index.astype(int), "value": path.to_numpy(dtype=float)})
    return empty


def target_label(target: Mapping[str, Any]) -> str:
    """Short Chinese legend label of a target.

    Parameters
    ----------
    target : mapping
        A scorecard or targets row.

    Returns
    -------
    str

    Examples
    --------
    >>> target_label({"kind": "threshold", "comparator": ">=", "target_value": 90,
    ...               "unit": "%", "target_year": 2015})
    '目标：≥90%（2015年）'
    >>> target_label({"kind": "reduction_vs_base", "comparator": ">=", "target_value": 14.8,
    ...               "unit": "%", "base_year": 2010, "target_year": 2015})
    '目标：较2010年下降≥14.8%（2015年）'
    >>> target_label({"kind": "trajectory", "base_year": 2013, "base_value": 108,
    ...               "target_value": 95, "unit": "ug/m3", "target_year": 2016})
    '规划路径：2013年108→2016年95微克/立方米'
    >>> target_label({"kind": "count", "comparator": ">=", "target_value": 3, "unit": "count",
    ...               "measure_word": "家", "target_year": 2017})
    '目标：≥3家（2017年）'
    """
    kind = target.get("kind")
    tv = _num(target.get("target_value"))
    ty = _num(target.get("target_year"))
    year = f"（{int(ty)}年）" if not math.isnan(ty) else ""
    unit = unit_label(target.get("unit"), _word(target))
    comp = _COMPARATOR_ZH.get(str(target.get("comparator")), "")
    if kind == "trajectory":
        by, bv = _num(target.get("base_year")), _num(target.get("base_value"))
        return f"规划路径：{int(by)}年{_fmt(bv)}→{int(ty)}年{_fmt(tv)}{unit}"
    if kind == "reduction_vs_base":
        return f"目标：较{int(_num(target.get('base_year')))}年下降{comp}{_fmt(tv)}%{year}"
    if kind == "change_vs_base":
        return f"目标：较{int(_num(target.get('base_year')))}年变化{comp}{_fmt(tv)}%{year}"
    return f"目标：{comp}{_fmt(tv)}{unit}{year}"


def _word(row: Mapping[str, Any] | None) -> str:
    """The measure word a target row carries (``measure_word``, '' when none)."""
    word = (row or {}).get("measure_word")
    return word if isinstance(word, str) else ""


#: Legend label of research (non-official) figures.
RESEARCH_LABEL: str = "研究值（非官方数据）"

#: Legend label of figures known only from a copy site or an aggregator (转载, 待核实 in the tables).
REPRODUCED_LABEL: str = "转载值（待核实）"


def _unofficial(h: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Rows of a history that are a study's figure, and rows known only from a copy site or an aggregator."""
    none = pd.Series(False, index=h.index)
    research = h["basis"].eq("research") if "basis" in h.columns else none
    copied = h["source_kind"].isin(REPRODUCED_SOURCE_KINDS) if "source_kind" in h.columns else none
    return research, copied & ~research


def finish_axes(
    ax: Axes, *, years: Sequence[float], values: Sequence[float], unit: str, title: str = "", measure_word: str = ""
) -> Axes:
    """The chart rules every indicator chart follows (issue 10).

    - integer year ticks, one per year when the span is short (never 2022.5);
    - the value axis includes every drawn value *and* the target line, with a
      margin of 10 % of the range (5 % of the level for a flat series), so a
      target never sits on the frame;
    - counts (unit ``count``) on an integer axis;
    - the unit written horizontally above the value axis, not rotated; a count
      writes its indicator's measure word (件, 家, 台 …), not the generic 个;
    - text of :data:`~qclib.report.style.CHART_FONT_PT` (legible as printed).

    Examples
    --------
    >>> _, ax = plt.subplots()
    >>> _ = finish_axes(ax, years=[2013, 2015], values=[3, 3, 5], unit="count", measure_word="件")
    >>> [int(t) for t in ax.get_xticks()], bool(ax.get_ylim()[0] < 3 < 5 < ax.get_ylim()[1])
    ([2013, 2014, 2015], True)
    >>> [t.get_text() for t in ax.texts]
    ['件']
    >>> plt.close("all")
    """
    ys = [float(v) for v in values if not math.isnan(float(v))]
    if years:
        lo, hi = int(math.floor(min(years))), int(math.ceil(max(years)))
        ax.set_xlim(lo - 0.5, hi + 0.5)
        step = max(1, math.ceil((hi - lo + 1) / 10))
        ax.set_xticks(list(range(lo, hi + 1, step)))
        ax.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%d"))
    if ys:
        lo_y, hi_y = min(ys), max(ys)
        pad = (hi_y - lo_y) * 0.1 if hi_y > lo_y else max(abs(hi_y) * 0.05, 1.0)
        ax.set_ylim(lo_y - pad, hi_y + pad)
    if unit == "count":
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    sizes = CHART_FONT_PT
    ax.set_title(title, fontsize=sizes["title"])
    ax.set_xlabel("年份", fontsize=sizes["label"])
    ax.set_ylabel("")
    ax.tick_params(labelsize=sizes["tick"])
    label = unit_label(unit, measure_word)
    if label:
        ax.annotate(
            label,
            xy=(0, 1.01),
            xycoords="axes fraction",
            ha="left",
            va="bottom",
            fontsize=sizes["annotation"],
            color="0.25",
        )
    ax.grid(True, alpha=0.3)
    return ax


def plot_indicator_history(
    history: pd.DataFrame,
    target: Mapping[str, Any] | None = None,
    *,
    ax: Axes | None = None,
    title: str = "",
    unit: str = "",
    label: str = "实际值",
    references: Mapping[str, pd.DataFrame] | None = None,
    measure_word: str = "",
) -> Axes:
    """Draw one indicator's history against its target line or planned path.

    Parameters
    ----------
    history : DataFrame
        Columns ``year`` and ``value`` (one row per year; duplicated years
        keep the last row) and optionally ``basis`` and ``source_kind``:
        ``research`` rows are drawn as separate open markers labelled
        :data:`RESEARCH_LABEL`, rows from a copy site or an aggregator as open
        squares labelled :data:`REPRODUCED_LABEL`.
    target : mapping, optional
        Scorecard/targets row (see :func:`target_level_points`).  A threshold
        is drawn as a dashed horizontal line, a trajectory as the planned path,
        a base-relative target as the line from the base value to the level it
        implies in the target year.
    ax : Axes, optional
        Axes to draw on (a new figure when omitted).
    title : str
        Axes title.
    unit : str
        Registry unit, used for the y label.
    label : str
        Legend label of the history line.
    references : mapping of str to DataFrame, optional
        Context series (e.g. ``{"河南省": df}``), drawn thin and grey.
    measure_word : str, optional
        A count's measure word for the y label (default: the target row's ``measure_word``).

    Returns
    -------
    Axes

    Examples
    --------
    >>> hist = pd.DataFrame({"year": [2013, 2014, 2015], "value": [108.0, 102.0, 96.0]})
    >>> pm = {"kind": "trajectory", "base_year": 2013, "base_value": 108,
    ...       "target_year": 2016, "target_value": 95, "unit": "ug/m3"}
    >>> ax = plot_indicator_history(hist, pm, title="PM2.5", unit="ug/m3")
    >>> [line.get_label() for line in ax.get_lines()]
    ['实际值', '规划路径：2013年108→2016年95微克/立方米']
    >>> mixed = hist.assign(basis=["official", "research", "official"])
    >>> [line.get_label() for line in plot_indicator_history(mixed).get_lines()]
    ['实际值', '研究值（非官方数据）']
    >>> copied = hist.assign(source_kind=["mirror", "official_site", "official_site"])
    >>> [line.get_label() for line in plot_indicator_history(copied).get_lines()]
    ['实际值', '转载值（待核实）']
    >>> plt.close("all")
    """
    if ax is None:
        ax = new_chart()
    for i, (name, ref) in enumerate((references or {}).items()):
        r = ref.drop_duplicates("year", keep="last").sort_values("year")
        ax.plot(r["year"], r["value"], color="0.45", lw=1, ls=(0, (1, 1 + i)), marker="o", ms=4, label=name)
        if not r.empty:  # its latest figure is labelled, like the city's: a reader compares the two numbers
            ax.annotate(
                _fmt(float(r["value"].iloc[-1])),
                (r["year"].iloc[-1], r["value"].iloc[-1]),
                textcoords="offset points",
                xytext=(0, -12),
                ha="center",
                fontsize=CHART_FONT_PT["annotation"],
                color="0.35",
            )
    h = history.drop_duplicates("year", keep="last").sort_values("year")
    # research figures (a study's monitoring average) and figures known only from a copy site are
    # not official values: drawn as open markers of their own, never joined to the official line
    is_research, is_copied = _unofficial(h)
    styles: tuple[tuple[pd.DataFrame, dict[str, Any]], ...] = (
        (h.loc[~is_research & ~is_copied], dict(color="#1565c0", lw=2, marker="o", label=label)),
        (h.loc[is_research], dict(color="#6a1b9a", lw=0, marker="o", mfc="none", label=RESEARCH_LABEL)),
        (h.loc[is_copied], dict(color="#8d6e63", lw=0, marker="s", mfc="none", label=REPRODUCED_LABEL)),
    )
    for part, style in styles:
        if part.empty:
            continue
        ax.plot(part["year"], part["value"], **style)
        for x, y in zip(part["year"], part["value"]):
            ax.annotate(
                _fmt(float(y)),
                (x, y),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=CHART_FONT_PT["annotation"],
                color=style["color"],
            )
    if target is not None:
        pts = target_level_points(target)
        if len(pts) == 1:
            ax.axhline(pts["value"].iloc[0], color="#c62828", ls="--", lw=1.2, label=target_label(target))
            ax.axvline(pts["year"].iloc[0], color="#c62828", ls=":", lw=0.8)
        elif len(pts) > 1:
            ax.plot(pts["year"], pts["value"], color="#c62828", ls="--", lw=1.2, marker="x", label=target_label(target))
    years = list(h["year"])
    values = list(h["value"])
    if target is not None:
        pts = target_level_points(target)
        years += list(pts["year"])
        values += list(pts["value"])
    for ref in (references or {}).values():
        values += list(ref["value"])
    word = measure_word or _word(target)
    finish_axes(ax, years=years, values=values, unit=unit, title=title, measure_word=word)
    legend_below(ax)
    return ax


def plot_cities_indicator(
    histories: Mapping[str, pd.DataFrame],
    targets: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    ax: Axes | None = None,
    title: str = "",
    unit: str = "",
    measure_word: str = "",
) -> Axes:
    """Draw one indicator for several cities on shared axes.

    Parameters
    ----------
    histories : mapping of str to DataFrame
        Legend label (city name) → frame with ``year`` and ``value``.
    targets : mapping of str to mapping, optional
        Same labels → target row; each city's target is drawn dashed in the
        city's colour.
    ax : Axes, optional
        Axes to draw on.
    title, unit : str
        Title and registry unit (y label).
    measure_word : str, optional
        A count's measure word for the y label (default: the first target row's ``measure_word``).

    Returns
    -------
    Axes

    Examples
    --------
    >>> h = {"郑州市": pd.DataFrame({"year": [2014, 2015], "value": [80.0, 82.0]}),
    ...      "新乡市": pd.DataFrame({"year": [2015], "value": [79.0]})}
    >>> t = {"郑州市": {"kind": "threshold", "comparator": ">=", "target_value": 80,
    ...                "unit": "score", "target_year": 2015}}
    >>> ax = plot_cities_indicator(h, t, unit="score")
    >>> len(ax.get_lines()), [float(x) for x in ax.get_xlim()]
    (3, [2013.5, 2015.5])
    >>> plt.close("all")
    """
    if ax is None:
        ax = new_chart()
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    years: list[float] = []
    values: list[float] = []
    for i, (name, hist) in enumerate(histories.items()):
        color = colors[i % len(colors)]
        h = hist.drop_duplicates("year", keep="last").sort_values("year")
        research, copied = _unofficial(h)
        official = ~research & ~copied
        if not h.loc[official].empty:
            ax.plot(h.loc[official, "year"], h.loc[official, "value"], color=color, marker="o", lw=2, label=name)
        for rows, marker, what in ((research, "o", RESEARCH_LABEL), (copied, "s", REPRODUCED_LABEL)):
            if rows.any():  # not joined to the official series
                ax.plot(
                    h.loc[rows, "year"],
                    h.loc[rows, "value"],
                    color=color,
                    marker=marker,
                    mfc="none",
                    lw=0,
                    label=f"{name} {what}",
                )
        years += list(h["year"])
        values += list(h["value"])
        t = (targets or {}).get(name)
        if t is not None:
            pts = target_level_points(t)
            years += list(pts["year"])
            values += list(pts["value"])
            if len(pts) == 1:
                ax.axhline(pts["value"].iloc[0], color=color, ls="--", lw=1, label=f"{name} {target_label(t)}")
            elif len(pts) > 1:
                ax.plot(pts["year"], pts["value"], color=color, ls="--", lw=1, label=f"{name} {target_label(t)}")
    word = measure_word or next((w for w in map(_word, (targets or {}).values()) if w), "")
    # target lines never stretch the years
    finish_axes(ax, years=years, values=values, unit=unit, title=title, measure_word=word)
    legend_below(ax)
    return ax


def plot_status_counts(counts: pd.DataFrame, *, ax: Axes | None = None, title: str = "") -> Axes:
    """Stacked horizontal bars of status counts (one bar per row).

    Parameters
    ----------
    counts : DataFrame
        Index = bar labels (cities, domains…), columns = status ids from
        :data:`qclib.constants.STATUSES` (missing statuses count 0).
    ax : Axes, optional
        Axes to draw on.
    title : str
        Axes title.

    Returns
    -------
    Axes

    Raises
    ------
    InvalidChoiceError
        If a column is not a status id.

    Examples
    --------
    >>> c = pd.DataFrame({"met": [3, 1], "not_met": [1, 2]}, index=["郑州市", "新乡市"])
    >>> ax = plot_status_counts(c)
    >>> len(ax.patches)
    4
    >>> plt.close("all")
    """
    for col in counts.columns:
        if col not in STATUSES:
            raise InvalidChoiceError("counts column", col, STATUSES)
    if ax is None:
        ax = new_chart(height=1.3 + 0.45 * max(len(counts), 1))
    left = np.zeros(len(counts))
    labels = [str(i) for i in counts.index]
    for status in STATUSES:
        if status not in counts.columns:
            continue
        vals = counts[status].fillna(0).to_numpy(dtype=float)
        if not vals.any():
            continue
        ax.barh(labels, vals, left=left, color=STATUS_COLORS[status], label=STATUS_NAMES_ZH[status])
        left += vals
    ax.invert_yaxis()
    ax.set_xlabel("指标数", fontsize=CHART_FONT_PT["label"])
    ax.set_title(title, fontsize=CHART_FONT_PT["title"])
    ax.tick_params(labelsize=CHART_FONT_PT["tick"])
    if ax.patches:  # below the axes, so it never hides a bar
        legend_below(ax)
    return ax


def small_multiples(
    n: int, *, ncols: int = 1, width: float = CHART_SIZE_IN[0], height: float = CHART_SIZE_IN[1]
) -> Sequence[Axes]:
    """A figure with ``n`` axes in a grid (extra grid cells hidden).

    The reports draw one chart per figure (:func:`new_chart`), so that each is printed at its
    own size; a grid is for exploring in a notebook.

    Parameters
    ----------
    n : int
        Number of charts (>= 1).
    ncols : int
        Columns of the grid.
    width, height : float
        Size of one chart in inches (default :data:`~qclib.report.style.CHART_SIZE_IN`).

    Returns
    -------
    list of Axes
        Exactly ``n`` axes, row by row.

    Raises
    ------
    ValueError
        If ``n`` < 1 or ``ncols`` < 1.

    Examples
    --------
    >>> axes = small_multiples(3)
    >>> len(axes)
    3
    >>> plt.close("all")
    """
    if n < 1 or ncols < 1:
        raise ValueError(f"n and ncols must be >= 1 (got n={n}, ncols={ncols})")
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig, grid = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), dpi=CHART_DPI, squeeze=False)
    flat = list(grid.ravel())
    for extra in flat[n:]:
        extra.set_visible(False)
    fig.set_layout_engine("constrained")
    return flat[:n]


def plot_domain(
    rows: pd.DataFrame,
    observations: pd.DataFrame,
    *,
    city: str,
    year: int,
    references: Mapping[str, str] | None = None,
) -> list[matplotlib.figure.Figure]:
    """Charts of a domain's targets that have data: history against target or path, one figure each.

    One chart (a figure of :data:`~qclib.report.style.CHART_SIZE_IN`, the size it is printed at:
    never shrunk to half a page in a grid, never taller than a page) per scorecard row whose indicator has two or more values up to
    ``year``, or one value and a planned path (:func:`drawable`; a single
    figure is a figure card in the report, ``qclib.report.tables.figure_cards``); the target is drawn with :func:`plot_indicator_history`
    (threshold line, planned path, or the level implied by a reduction since
    the base year, using the row's ``base_value``), and the reference
    entities' series of the same indicator as thin context lines.

    Parameters
    ----------
    rows : DataFrame
        Scorecard rows of one city and domain (``indicator_id``, ``name_zh``,
        ``unit``, target columns, ``base_value``).
    observations : DataFrame
        Observations.
    city : str
        City id.
    year : int
        Last year drawn.
    references : mapping, optional
        Reference entity id → display name.

    Returns
    -------
    list of Figure
        In the order of ``rows``; empty when no target of the domain has data.

    Examples
    --------
    >>> rows = pd.DataFrame({"indicator_id": ["pm25"], "name_zh": ["PM2.5"], "unit": ["ug/m3"],
    ...     "kind": ["trajectory"], "comparator": ["<="], "target_value": [95.0], "target_year": [2016],
    ...     "base_year": [2013], "base_value": [108.0]})
    >>> obs = pd.DataFrame({"city": ["z", "z"], "indicator_id": ["pm25", "pm25"], "year": [2014, 2015],
    ...     "value": [105.0, 96.0], "basis": ["official"] * 2, "source": ["s"] * 2})
    >>> [len(fig.axes) for fig in plot_domain(rows, obs, city="z", year=2015)]
    [1]
    >>> plot_domain(rows, obs, city="other", year=2015)
    []
    >>> plt.close("all")
    """

    charts = []
    for r in rows.to_dict("records"):
        hist = indicator_history(observations, city, r["indicator_id"], until=year, scope=r.get("scope"))
        if drawable(hist, r):
            charts.append((r, hist))
    figures = []
    for r, hist in charts:
        refs = reference_histories(observations, dict(references or {}), r["indicator_id"], until=year)
        unit = hist["unit"].iloc[-1] if "unit" in hist.columns else r.get("unit")
        ax = plot_indicator_history(
            hist, r, title=str(r.get("name_zh") or r["indicator_id"]), unit=str(unit or ""), references=refs
        )
        if isinstance(ax.figure, matplotlib.figure.Figure):
            figures.append(ax.figure)
    return figures
