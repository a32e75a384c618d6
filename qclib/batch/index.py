"""``reports/index.html``: one page linking every report with its headline counts.

Built from the run manifest (:mod:`qclib.batch.manifest`), so it lists every
report on disk, not only those of the last run.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qclib.atomic import atomic_write_text
from qclib.batch.manifest import int_counts
from qclib.constants import DOMAIN_NAMES_ZH
from qclib.report.escape import CSP_META, html_text

#: Headline columns of the index (keys of :func:`qclib.batch.runner.headline_counts`), in this order.
INDEX_COLUMNS: tuple[tuple[str, str], ...] = (
    ("met", "已达标"),
    ("on_track", "进度正常"),
    ("off_track", "进度滞后"),
    ("not_met", "未达标"),
    ("baseline_met", "规划前已达到目标值"),
    ("baseline", "基期水平"),
    ("provisional", "待核实"),
    ("cannot_judge", "无法判断"),
)

#: Columns of a running plan (shown as — for a baseline-year report) and of a figure from before the plan
#: (shown as — for a report without one).
_PACE_KEYS: tuple[str, ...] = ("met", "on_track", "off_track", "not_met")
_BASELINE_KEYS: tuple[str, ...] = ("baseline_met", "baseline")

#: Headers too long for one line of a 1280 px screen, broken where they read well.
_HEAD_BREAKS: dict[str, str] = {"规划前已达到目标值": "规划前已达到<br>目标值"}

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em auto;max-width:72rem;
padding:0 1em;color:#222}
table{border-collapse:collapse;margin-bottom:2em}th,td{border:1px solid #ccc;padding:.3em .55em;text-align:right}
th{background:#f0f0f0;text-align:center}td.l{text-align:left}tr.failed td{background:#ffebee}
td.met{color:#2e7d32}td.not_met{color:#c62828;font-weight:bold}td.off_track{color:#ef6c00;font-weight:bold}
td.provisional{color:#8d6e00}td.cannot_judge{color:#757575}
footer{color:#666;font-size:.85em;border-top:1px solid #ddd;padding-top:.5em}
.scroll{max-width:100%;overflow-x:auto}th,td{white-space:nowrap}
@media (max-width:640px){body{margin:.8em}.scroll{overflow:visible}
table,tbody,tr,td{display:block}thead{display:none}table{border:none;margin-bottom:1.2em}
tr{border:1px solid #ccc;margin-bottom:.6em;padding:.4em .6em}
td{border:none;padding:.1em 0;text-align:left;white-space:normal;display:inline-block;margin-right:.9em}
td.who{font-weight:bold}td.links{display:block}td.na{display:none}
td[data-label]::before{content:attr(data-label) "：";color:#666;font-weight:normal}}
"""


def _link(href: str | None, text: str, root: Path) -> str:
    if not href or not (root / href).exists():
        return ""
    return f'<a href="{html.escape(href)}">{html.escape(text)}</a>'


def _arrows(h: Mapping[str, Any]) -> str:
    """'↑2 ↓1' from headline counts (improving, slow, worsening); '—' when none."""
    if _all_before_plan(h):
        return "—"
    parts = [f"{a}{h.get(k, 0)}" for a, k in (("↑", "improving"), ("↗", "slow"), ("↓", "worsening")) if h.get(k)]
    return " ".join(parts) or "—"


def _all_before_plan(h: Mapping[str, Any]) -> bool:
    """Every target of the report is before the plan starts (a baseline-year report)."""
    n = sum(v for k, v in h.items() if k in {c for c, _ in INDEX_COLUMNS} and isinstance(v, int))
    before = h.get("before_plan")
    return isinstance(before, int) and n > 0 and before >= n


def _cells(e: Mapping[str, Any]) -> str:
    """The headline cells of one report; — throughout when the manifest has no headline for it.

    A baseline-year report has no pace columns (—); a report without a figure from before the
    plan has no baseline columns (—).  The raw status ``counts`` are never shown instead: their
    已达标 includes the figures that are not official (待核实 in the headline).
    """
    h: dict[str, Any] = dict(int_counts(e.get("headline")) or {})
    if _all_before_plan(h):
        h |= dict.fromkeys(_PACE_KEYS, "—")
    elif not (isinstance(h.get("before_plan"), int) and h["before_plan"] > 0):
        h |= dict.fromkeys(_BASELINE_KEYS, "—")
    return "".join(_cell(k, zh, h.get(k, "—")) for k, zh in INDEX_COLUMNS) + _cell("", "变化方向", _arrows(h))


def _cell(status: str, label: str, value: Any) -> str:
    """One count cell; its column name goes with it (a phone shows each row as a card: "已达标：5").

    Examples
    --------
    >>> _cell("met", "已达标", 5), _cell("met", "已达标", "—")
    ('<td class="met" data-label="已达标">5</td>', '<td class="met na" data-label="已达标">—</td>')
    """
    cls = " ".join(x for x in (status, "na" if value == "—" else "") if x)
    return f'<td class="{cls}" data-label="{html.escape(label)}">{html_text(value)}</td>'


def _row(kind: str, e: Mapping[str, Any], root: Path, names: Mapping[str, str]) -> str:
    p = e.get("parameters", {})
    who = (
        names.get(p.get("city"), p.get("city"))
        if kind == "city"
        else "、".join(names.get(c, c) for c in p.get("cities", []))
    )
    out = e.get("outputs") or {}
    sheet = (
        f"{p.get('city')}/{p.get('year')}/{p.get('city')}_{p.get('year')}_数据需求清单.xlsx" if kind == "city" else None
    )
    found = (
        _link(out.get("html"), "网页版", root),
        _link(out.get("docx"), "Word版", root),
        _link(sheet, "数据需求清单", root),
    )
    links = " ".join(x for x in found if x)
    status = str(e.get("status", ""))
    if status == "failed":
        links = (
            (links + " " if links else "") + "<small>（本次未能生成，保留上次的报告）</small>" if links else "未能生成"
        )
    return (
        f'<tr class="{html.escape(status)}"><td class="l who">{html.escape(str(who))}</td>'
        f'<td class="who">{html.escape(str(p.get("year", "")))}</td>'
        f'<td class="l links">{links}</td>{_cells(e)}</tr>'
    )


def _when(stamp: Any) -> str:
    """'2026年12月2日 13:52（UTC）' from an ISO timestamp (the text itself when it is not one).

    Examples
    --------
    >>> _when("2026-12-02T13:52:38+00:00")
    '2026年12月2日 13:52（UTC）'
    """
    from datetime import datetime

    try:
        t = datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp or "")
    return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}（UTC）"


def _footer(manifest: Mapping[str, Any]) -> str:
    """Run details, small: when, which code version, how many reports failed, where the manifest is."""
    run = manifest.get("last_run", {})
    failed = [k for k, e in manifest.get("reports", {}).items() if e.get("status") == "failed"]
    fail = f"；{len(failed)}份报告本次未能生成" if failed else ""
    return (
        f"<footer>最近一次生成：{html.escape(_when(run.get('started_at')))}；"
        f"代码版本：{html.escape(str(run.get('git_commit') or '未知')[:12])}{html.escape(fail)}；"
        f'运行明细见<a href="manifest.json">运行清单</a>。</footer>'
    )


def render_index(manifest: Mapping[str, Any], root: str | Path, names: Mapping[str, str] | None = None) -> str:
    """The index page as an HTML string: one row per report with the headline a leader reads first.

    Columns: 城市, 年份, links (网页版, Word版), 已达标, 进度正常, 进度滞后, 未达标
    (each on official figures), 待核实, 无法判断 (numbers of targets) and
    变化方向 (↑ improving, ↗ slowly, ↓ moving away).  Run details are a
    small footer; the manifest holds the rest.

    Parameters
    ----------
    manifest : mapping
        A run manifest (``reports`` maps keys to entries with ``kind``,
        ``parameters``, ``status``, ``outputs``, ``headline`` or ``counts``).
    root : str or Path
        The reports folder (links are relative to it; missing files are not
        linked).
    names : mapping, optional
        City id -> display name (e.g. ``{"zhengzhou": "郑州市"}``); ids are
        shown for cities not in it.

    Returns
    -------
    str

    Examples
    --------
    >>> m = {"last_run": {"started_at": "2026-01-01T00:00:00+00:00", "git_commit": None},
    ...      "reports": {"zhengzhou/2015": {"kind": "city", "status": "ok",
    ...          "parameters": {"city": "zhengzhou", "year": 2015},
    ...          "outputs": {"html": "zhengzhou/2015/city_report.html"},
    ...          "headline": {"met": 5, "on_track": 0, "off_track": 1, "not_met": 0, "provisional": 2,
    ...                       "cannot_judge": 3, "improving": 2, "slow": 0, "worsening": 1}}}}
    >>> page = render_index(m, "/nonexistent")
    >>> "zhengzhou" in page and ">5<" in page and "待核实" in page and "↑2 ↓1" in page
    True
    >>> "郑州市" in render_index(m, "/nonexistent", {"zhengzhou": "郑州市"})
    True
    """
    root = Path(root)
    labels = dict(names or {})
    reports = manifest.get("reports", {})
    head = "".join(f"<th>{_HEAD_BREAKS.get(zh, zh)}</th>" for _, zh in INDEX_COLUMNS) + "<th>变化方向</th>"
    sections = []
    for kind, title in (("city", "城市质量分析报告"), ("comparison", "城市对比报告")):
        rows = [
            _row(kind, e, root, labels)
            for _key, e in sorted(reports.items(), key=lambda kv: (kv[0].split("/")[0], kv[0]))
            if e.get("kind") == kind
        ]
        if rows:
            first = "城市" if kind == "city" else "对比城市"
            sections.append(
                f'<h2>{title}</h2><div class="scroll"><table><thead><tr><th>{first}</th><th>年份</th><th>报告</th>'
                f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
            )
    body = "".join(sections) or "<p>尚无报告。</p>"
    domains = "、".join(DOMAIN_NAMES_ZH.values())
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{CSP_META}"
        f"<title>质量分析报告</title><style>{_CSS}</style></head><body>"
        f"<h1>质量强市示范城市：质量分析报告</h1>"
        f"<p>各报告按规划所列领域（{domains}）分述。表中数字为目标个数：已达标、进度正常、进度滞后、未达标均依据官方数据；"
        f"依据非官方数据的判断计入“待核实”；缺少数据或目标无可核对数值的计入“无法判断”。"
        f"规划实施前的年度（或只有规划实施前数据的目标）不作进度判断：基期数值已达到目标值的计入“规划前已达到目标值”，"
        f"其余计入“基期水平”；不适用的栏目为“—”。"
        f"变化方向：↑ 改善，↗ 小幅改善，↓ 变差（较基期）。</p>"
        f"{body}{_footer(manifest)}</body></html>\n"
    )


def write_index(
    path: str | Path, manifest: Mapping[str, Any], root: str | Path, names: Mapping[str, str] | None = None
) -> Path:
    """Write :func:`render_index` to ``path`` atomically.

    Parameters
    ----------
    path : str or Path
        ``reports/index.html``.
    manifest : mapping
        The run manifest.
    root : str or Path
        The reports folder.
    names : mapping, optional
        City id -> display name.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> write_index(os.path.join(d, "index.html"), {"reports": {}}, d).name
    'index.html'
    """
    return atomic_write_text(path, render_index(manifest, root, names))
