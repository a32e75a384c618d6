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
from qclib.constants import DOMAIN_NAMES_ZH, STATUS_NAMES_ZH
from qclib.report.escape import CSP_META, html_text

#: Statuses shown as columns of the index (in this order).
INDEX_STATUSES: tuple[str, ...] = ("met", "not_met", "on_track", "off_track", "no_data", "not_assessable")

_STATUS_ROW_ZH: dict[str, str] = {"ok": "成功", "skipped": "未变化（沿用）", "failed": "失败", "planned": "待运行"}

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin-bottom:2em}th,td{border:1px solid #ccc;padding:.3em .7em;text-align:center}
th{background:#f0f0f0}td.l{text-align:left}tr.failed td{background:#ffebee}
.met{color:#2e7d32}.not_met{color:#c62828}.on_track{color:#558b2f}.off_track{color:#ef6c00}.no_data{color:#757575}.not_assessable{color:#9e9e9e}
small{color:#666}.scroll{max-width:100%;overflow-x:auto}th,td{white-space:nowrap}
@media (max-width:640px){body{margin:.8em}th,td{padding:.25em .4em}}
"""


def _link(href: str | None, text: str, root: Path) -> str:
    if not href or not (root / href).exists():
        return ""
    return f'<a href="{html.escape(href)}">{html.escape(text)}</a>'


def render_index(manifest: Mapping[str, Any], root: str | Path, names: Mapping[str, str] | None = None) -> str:
    """The index page as an HTML string.

    Parameters
    ----------
    manifest : mapping
        A run manifest (``reports`` maps keys to entries with ``kind``,
        ``parameters``, ``status``, ``outputs``, ``counts``, ``error``).
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
    ...          "counts": {"met": 5, "not_met": 1, "on_track": 0, "off_track": 0, "no_data": 3}}}}
    >>> page = render_index(m, "/nonexistent")
    >>> "zhengzhou" in page and ">5<" in page and "已达标" in page
    True
    >>> "郑州市" in render_index(m, "/nonexistent", {"zhengzhou": "郑州市"})
    True
    """
    root = Path(root)
    reports = manifest.get("reports", {})
    run = manifest.get("last_run", {})
    head = "".join(f'<th class="{s}">{STATUS_NAMES_ZH[s]}</th>' for s in INDEX_STATUSES)
    sections = []
    for kind, title in (("city", "城市质量分析报告"), ("comparison", "城市对比报告")):
        rows = []
        for _key, e in sorted(reports.items(), key=lambda kv: (kv[0].split("/")[0], kv[0])):
            if e.get("kind") != kind:
                continue
            p = e.get("parameters", {})
            label = dict(names or {})
            who = (
                label.get(p.get("city"), p.get("city"))
                if kind == "city"
                else "、".join(label.get(c, c) for c in p.get("cities", []))
            )
            counts = e.get("counts") or {}
            cells = "".join(f'<td class="{s}">{html_text(counts.get(s, "—"))}</td>' for s in INDEX_STATUSES)
            out = e.get("outputs") or {}
            links = " ".join(
                x
                for x in (
                    _link(out.get("html"), "HTML", root),
                    _link(out.get("docx"), "Word", root),
                    _link(out.get("ipynb"), "notebook", root),
                    _link(out.get("failed"), "失败的notebook", root),
                )
                if x
            )
            status = e.get("status", "")
            err = e.get("error") or {}
            detail = ""
            if err:
                cell = err.get("cell")
                detail = (
                    f"<br><small>{html_text(f'In [{cell}]: ') if cell is not None else ''}"
                    f"{html.escape(str(err.get('ename', '')))}: "
                    f"{html.escape(str(err.get('evalue', '')).splitlines()[0] if err.get('evalue') else '')}</small>"
                )
            rows.append(
                f'<tr class="{html.escape(status)}"><td class="l">{html.escape(str(who))}</td>'
                f"<td>{html.escape(str(p.get('year', '')))}</td>{cells}"
                f"<td>{html.escape(_STATUS_ROW_ZH.get(status, status))}{detail}</td>"
                f'<td class="l">{links}</td></tr>'
            )
        if rows:
            sections.append(
                f'<h2>{title}</h2><div class="scroll">'
                f"<table><tr><th>{'城市' if kind == 'city' else '对比城市'}</th><th>年份</th>"
                f"{head}<th>运行状态</th><th>链接</th></tr>{''.join(rows)}</table></div>"
            )
    body = "".join(sections) or "<p>尚无报告。</p>"
    domains = "、".join(DOMAIN_NAMES_ZH.values())
    meta = (
        f"<p><small>最近一次运行：{html.escape(str(run.get('started_at', '')))}；"
        f"代码版本（git）：{html.escape(str(run.get('git_commit') or '未知'))}；"
        f'详见 <a href="manifest.json">manifest.json</a>。</small></p>'
    )
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{CSP_META}"
        f"<title>质量分析报告索引</title><style>{_CSS}</style></head><body>"
        f"<h1>质量强市示范城市：质量分析报告</h1><p>领域：{domains}。表中数字为目标指标个数。</p>"
        f"{body}{meta}</body></html>\n"
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
