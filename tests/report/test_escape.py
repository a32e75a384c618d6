"""Text from data files never reaches a reader as markup (issue 15).

Unit tests of :mod:`qclib.report.escape`, and an end-to-end run of the city report from a
hostile observation file whose HTML is parsed (not grepped) for anything the data created.
"""

from __future__ import annotations

import os
from html.parser import HTMLParser

import pandas as pd
import pytest

from qclib.report import escape, tables

HOSTILE = [
    "<script>alert(1)</script><img src=x onerror=alert(2)>",
    '"><svg onload=alert(3)>',
    "[点我](javascript:alert(4))",
    "![x](https://evil.example/p.png)",
    "<a href='javascript:alert(5)'>公报</a>",
    "**粗体** _斜体_ `code` # 标题",
]


class _Collector(HTMLParser):
    """Every start tag with its attributes, and the text of <script> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _parse(page: str) -> list[tuple[str, dict[str, str | None]]]:
    c = _Collector()
    c.feed(page)
    return c.tags


@pytest.mark.parametrize("text", HOSTILE)
def test_md_text_forms_no_tag_or_link(text):
    import mistune  # the Markdown renderer nbconvert uses for the reports

    page = mistune.html(escape.md_text(text))
    assert [t for t, _ in _parse(page)] == ["p"]


@pytest.mark.parametrize("text", HOSTILE)
def test_table_escapes_cells_and_headers(text):
    page = escape.table(pd.DataFrame({text: [text]})).to_html()
    tags = {t for t, _ in _parse(page)}
    assert tags <= {"style", "table", "thead", "tbody", "tr", "th", "td"}
    assert not any(k.startswith("on") for _, a in _parse(page) for k in a)


def test_scorecard_styler_escapes():
    t = pd.DataFrame({"状态": ["已达标"], "来源": [HOSTILE[0]], "status": ["met"]})
    page = tables.style_scorecard(t).to_html()
    assert "script" not in {t for t, _ in _parse(page)} and "&lt;script&gt;" in page


def test_with_csp_blocks_script():
    page = escape.with_csp("<html><head></head><body></body></html>")
    (tag, attrs), *_ = [x for x in _parse(page) if x[0] == "meta"]
    assert attrs["http-equiv"] == "Content-Security-Policy"
    assert "script-src" not in attrs["content"] and "default-src 'none'" in attrs["content"]


@pytest.mark.slow
def test_city_report_from_a_hostile_file_holds_no_markup_from_it(tmp_path):
    from qclib.batch.runner import load_run_config, run_reports

    # a plan target's figure (its source reaches the scorecard and sources tables) and an
    # observed-only figure (the "other statistics" table), each with hostile text everywhere
    rows = [
        dict(
            city="zhengzhou",
            indicator_id=iid,
            year=2015 - i,  # one official figure a year: two would be a conflict (refused)
            value=base + i,
            unit="%",
            scope="全市",
            source=text,
            source_detail=text,
            basis="official",
            note=text,
        )
        for iid, base in (("agri_standardization_rate", 31), ("product_spotcheck_pass_rate", 90))
        for i, text in enumerate(HOSTILE)
    ]
    hostile = tmp_path / "hostile.csv"
    pd.DataFrame(rows).to_csv(hostile, index=False)
    summary = run_reports(
        "zhengzhou",
        "2015",
        run_config=load_run_config(),
        comparison=False,
        data_paths=[hostile],
        out_dir=tmp_path / "reports",
        processed_dir=tmp_path / "processed",
        stream=open(os.devnull, "w"),
    )
    assert [r.status for r in summary.results] == ["ok"], summary.results
    page = (tmp_path / "reports" / "zhengzhou" / "2015" / "city_report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)" in page  # the text is there, as text
    tags = _parse(page)
    assert not [a for t, a in tags if t == "img" and a.get("src") in ("x", "https://evil.example/p.png")]
    assert not [t for t, _ in tags if t == "svg"]
    assert not [a for _, a in tags for k in a if k.startswith("on")]
    assert not [a for t, a in tags if t == "a" and "javascript" in (a.get("href") or "").lower()]
    metas = [a for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert metas and "default-src 'none'" in metas[0]["content"] and "script-src" not in metas[0]["content"]
    assert [a.get("lang") for t, a in tags if t == "html"] == ["zh-CN"]
    scripts = [a for t, a in tags if t == "script"]
    assert all(a.get("src") or a.get("type") for a in scripts)  # only nbconvert's own, none from data


def test_index_page_carries_the_csp_and_escapes_names():
    from qclib.batch.index import render_index

    m = {
        "reports": {
            "x/2015": {
                "kind": "city",
                "status": "ok",
                "parameters": {"city": "x", "year": 2015},
                "outputs": {},
                "counts": {"met": 1},
            }
        }
    }
    page = render_index(m, "/nonexistent", {"x": HOSTILE[0]})
    tags = _parse(page)
    assert any(t == "meta" and a.get("http-equiv") == "Content-Security-Policy" for t, a in tags)
    assert not [t for t, _ in tags if t in ("script", "img")]
