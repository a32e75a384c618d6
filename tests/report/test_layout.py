"""Tests of qclib.report.layout: reading the notebooks' HTML tables, cell kinds, decoration, the template."""

from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qclib.report import escape
from qclib.report.layout import (
    STATUS_TEXT_KEYS,
    TEMPLATE_DIR,
    TEMPLATE_NAME,
    cell_kind,
    column_layout,
    decorate_tables,
    parse_tables,
    status_key,
)


@pytest.fixture
def scorecard_like() -> pd.DataFrame:
    """A scorecard-shaped table: Chinese text, numbers with placeholders, statuses, a long note."""
    return pd.DataFrame(
        {
            "领域": ["环境质量", "产品质量", "工程质量"],
            "指标": ["城市污水处理率（市区）", "产品质量国家监督抽查合格率", "保障房工程建设质量一次验收合格率"],
            "实际值": ["85", "—", "100"],
            "差距": ["10.0", "—", "-0.5"],
            "状态": ["进度滞后", "无数据", "已达标"],
            "说明": ["2013年为基准年，按规划路径应在2015年达到95%，目前落后10个百分点，需加快建设进度" * 2, "", "x"],
        }
    )


def test_styler_table_is_read_back_with_header_and_cells(scorecard_like):
    (table,) = parse_tables(escape.table(scorecard_like).to_html())
    assert [c.text for c in table.head[0]] == list(scorecard_like.columns)
    assert [[c.text for c in row] for row in table.body] == scorecard_like.astype(str).values.tolist()
    assert all(c.header for c in table.head[0]) and not any(c.header for c in table.body[0])


def test_column_kinds_and_widths(scorecard_like):
    (table,) = parse_tables(escape.table(scorecard_like).to_html())
    assert column_layout(table) == [
        ("text", "s"),
        ("text", "m"),
        ("number", "s"),
        ("number", "s"),
        ("status", "s"),
        ("text", "l"),
    ]


@pytest.mark.parametrize(
    "text, kind",
    [
        ("1,234.5", "number"),
        ("−3", "number"),
        ("+5", "number"),
        ("42.13%", "number"),
        ("2015", "number"),
        ("", "empty"),
        ("—", "empty"),
        ("2014-03", "text"),
        ("+5个百分点", "text"),
        ("≥95%（2015）", "text"),
        ("12,34", "text"),
    ],
)
def test_cell_kind(text, kind):
    assert cell_kind(text) == kind


def test_every_status_name_is_recognised_and_nothing_else():
    assert {status_key(t) for t in STATUS_TEXT_KEYS} == set(STATUS_TEXT_KEYS.values())
    assert status_key("已达标率") is None and status_key("met") is None


def test_decoration_marks_cells_and_wraps_each_table(scorecard_like):
    html = escape.table(scorecard_like).to_html()
    out = decorate_tables(f"<p>前</p>{html}<p>中</p>{html}")
    assert out.count('<div class="qc-table-scroll"><table') == 2 and out.count("</table></div>") == 2
    assert re.search(r'<td data-qc-kind="status" data-qc-width="s" data-qc-status="off_track"[^>]*>进度滞后</td>', out)
    assert re.search(r'<th data-qc-kind="number" data-qc-width="s"[^>]*>实际值</th>', out)
    assert re.search(r'<td data-qc-kind="number" data-qc-width="s"[^>]*>—</td>', out), (
        "a placeholder follows its column"
    )


def test_spans_keep_the_columns_aligned():
    html = (
        "<table><thead><tr><th colspan='2'>城市</th><th>值</th></tr></thead><tbody>"
        "<tr><td rowspan='2'>郑州</td><td>2014</td><td>1.5</td></tr><tr><td>2015</td><td>2.5</td></tr></tbody></table>"
    )
    (table,) = parse_tables(html)
    assert column_layout(table) == [("text", "s"), ("number", "s"), ("number", "s")]
    out = decorate_tables(html)
    assert '<td data-qc-kind="number" data-qc-width="s" data-qc-label="值">2.5</td>' in out


def test_hostile_text_stays_escaped_through_decoration():
    frame = pd.DataFrame({"来源": ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']})
    out = decorate_tables(escape.table(frame).to_html())
    assert "<script>" not in out and "<img" not in out and "&lt;script&gt;" in out


_cell_text = st.text(alphabet=st.sampled_from(list("0123456789.,%-—郑州已达标无数据 <>&\"'")), max_size=8)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_cell_text, min_size=1, max_size=4), min_size=1, max_size=5))
def test_decoration_only_adds_attributes_and_wrappers(rows):
    width = max(len(r) for r in rows)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], columns=[f"列{i}" for i in range(width)])
    html = "<p>x</p>" + escape.table(frame).to_html() + "<p>y</p>"
    out = decorate_tables(html)
    stripped = re.sub(r' data-qc-(kind|width|status|label)="[^"]*"', "", out).replace(" data-qc-stack", "")
    stripped = stripped.replace('<div class="qc-table-scroll">', "").replace("</table></div>", "</table>")
    assert stripped == html
    assert decorate_tables(out) == out


def test_template_folder_extends_lab_and_carries_the_stylesheet():
    folder = TEMPLATE_DIR / TEMPLATE_NAME
    assert '"base_template": "lab"' in (folder / "conf.json").read_text(encoding="utf-8")
    css = (folder / "static" / "report.css").read_text(encoding="utf-8")
    for rule in ("@page", "size: A4", "tabular-nums", "overflow-x: auto", "break-inside: avoid", "@media print"):
        assert rule in css
    for key in set(STATUS_TEXT_KEYS.values()):
        assert f'td[data-qc-status="{key}"]' in css, f"status {key} has no style"


def test_rendered_page_uses_the_template(tmp_path):
    from qclib.batch.runner import html_of_notebook

    frame = pd.DataFrame({"指标": ["污水处理率"], "数值": ["95.2"], "状态": ["已达标"]})
    out = nbformat.v4.new_output("display_data", data={"text/html": escape.table(frame).to_html()})
    hidden = nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["remove-cell"]})
    hidden.outputs = [nbformat.v4.new_output("stream", name="stdout", text="隐藏的输出")]
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# 报告"), nbformat.v4.new_code_cell("show()", outputs=[out]), hidden]
    )
    page = html_of_notebook(nb, "报告")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert "<script" not in page and "show()" not in page and "隐藏的输出" not in page
    assert 'data-qc-status="met"' in page and "qc-table-scroll" in page and "tabular-nums" in page
    assert "In&nbsp;[" not in page and "jp-InputPrompt jp-InputArea-prompt" not in page


def test_every_template_file_is_package_data():
    import fnmatch

    import tomllib

    from qclib.paths import PROJ_ROOT

    globs = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["qclib"]
    package = PROJ_ROOT / "qclib"
    files = [p.relative_to(package).as_posix() for p in TEMPLATE_DIR.rglob("*") if p.is_file()]
    assert files
    for f in files:
        assert any(fnmatch.fnmatch(f, g) for g in globs), f"{f} would be missing from an installed qclib"


def test_tables_of_several_columns_stack_on_a_phone():
    text = (
        "<table><thead><tr><th>领域</th><th>指标</th><th>说明</th></tr></thead><tbody>"
        "<tr><td>环境质量</td><td>PM2.5年均浓度</td><td>数值为研究文献的监测均值，非官方发布 &amp; “待核实”</td></tr>"
        "</tbody></table>"
    )
    out = decorate_tables(text)
    assert "<table data-qc-stack>" in out and 'data-qc-label="说明"' in out and 'data-qc-label="领域"' in out
    counts = (
        "<table><thead><tr><th></th><th>目标数</th><th>已达标</th><th>无法判断</th></tr></thead><tbody>"
        "<tr><th>产品质量</th><td>9</td><td>0</td><td>9</td></tr></tbody></table>"
    )
    out = decorate_tables(counts)
    assert "<table data-qc-stack>" in out and 'data-qc-label="无法判断"' in out
    two = (
        "<table><thead><tr><th>城市</th><th>值</th></tr></thead><tbody><tr><td>郑州</td><td>1</td></tr></tbody></table>"
    )
    assert "data-qc-stack" not in decorate_tables(two) and "data-qc-label" not in decorate_tables(two)


def test_a_header_from_data_is_an_escaped_attribute():
    text = (
        '<table><thead><tr><th>a"onmouseover="x</th><th>&lt;b&gt;</th><th>c</th></tr></thead><tbody>'
        "<tr><td>一段较长的说明文字，超过短列的宽度</td><td>一段较长的说明文字，超过短列的宽度</td><td>x</td></tr></tbody></table>"
    )
    out = decorate_tables(text)
    assert 'data-qc-label="a&quot;onmouseover=&quot;x"' in out and 'data-qc-label="&lt;b&gt;"' in out
