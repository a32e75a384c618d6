"""Tests of qclib.report.docx: an executed report notebook as a Word document, read back with python-docx."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from pathlib import Path

import matplotlib
import nbformat
import pandas as pd
import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm

from qclib.report import escape
from qclib.report.docx import (
    CJK_FONT,
    FALLBACK_FONT,
    docx_outline,
    notebook_to_docx,
    readable_link,
    write_docx,
)
from qclib.report.layout import parse_tables

matplotlib.use("Agg")

#: Text that would be dangerous if any consumer interpreted it (a field, a formula, a tag).
HOSTILE = [
    '{ DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc" }',
    "=cmd|' /C calc'!A0",
    "<script>alert(1)</script>",
    '{ HYPERLINK "http://evil.example" }',
]


def _png() -> bytes:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 2), dpi=50)
    ax.plot([2013, 2015], [1, 2])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


@pytest.fixture
def report_table() -> pd.DataFrame:
    """A scorecard-like table with statuses, numbers, placeholders and hostile source texts."""
    return pd.DataFrame(
        {
            "指标": ["污水处理率（市区）", "产品质量监督抽查合格率", "PM2.5年均浓度"] + ["来源"] * len(HOSTILE),
            "实际值": ["85", "—", "96"] + ["—"] * len(HOSTILE),
            "状态": ["进度滞后", "无数据", "已达标"] + ["无数据"] * len(HOSTILE),
            "来源": ["郑州市统计局\x07公报", "", "环境状况公报"] + HOSTILE,
        }
    )


@pytest.fixture
def small_notebook(report_table) -> nbformat.NotebookNode:
    """A notebook with a markdown cell (headings, bold, a link, a list), a Styler table, a PNG and hidden parts."""
    md = (
        "# 郑州市2015年质量分析报告\n\n## 一、总体情况\n\n共**39**项目标，"
        "见[统计公报](https://tjj.zhengzhou.gov.cn/%E5%85%AC%E6%8A%A5)。\n\n- 第一项\n- 第二项\n\n### 环境质量"
    )
    table = nbformat.v4.new_output("display_data", data={"text/html": escape.table(report_table).to_html()})
    png = nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(_png()).decode()})
    warn = nbformat.v4.new_output("stream", name="stderr", text="UserWarning: noisy")
    hidden = nbformat.v4.new_code_cell("secret()", metadata={"tags": ["remove-cell"]})
    hidden.outputs = [nbformat.v4.new_output("stream", name="stdout", text="隐藏的输出")]
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(md),
            nbformat.v4.new_code_cell("display(table)", outputs=[table, warn]),
            nbformat.v4.new_code_cell("plot()", outputs=[png]),
            hidden,
            nbformat.v4.new_markdown_cell("## 附录：数据来源"),
        ]
    )
    nb.metadata["qclib"] = {"title": "郑州市2015年质量分析报告", "executed_at": "2026-01-05T10:00:00+00:00"}
    return nb


@pytest.fixture
def small_docx(small_notebook, tmp_path) -> Path:
    path = tmp_path / "nb.ipynb"
    nbformat.write(small_notebook, path)
    return write_docx(path, tmp_path / "郑州_2015_质量分析报告.docx")


def test_headings_paragraphs_and_lists(small_docx):
    doc = Document(str(small_docx))
    assert docx_outline(small_docx)["headings"] == [
        (1, "郑州市2015年质量分析报告"),
        (2, "一、总体情况"),
        (3, "环境质量"),
        (2, "附录：数据来源"),
    ]
    texts = {p.text: p for p in doc.paragraphs}
    para = next(p for t, p in texts.items() if t.startswith("共39项目标"))
    assert para.text == "共39项目标，见统计公报（https://tjj.zhengzhou.gov.cn/公报）。"
    assert [r.text for r in para.runs if r.bold] == ["39"]
    assert texts["第一项"].style.name == "List Bullet" and texts["第二项"].style.name == "List Bullet"


def test_code_hidden_cells_and_warnings_are_left_out(small_docx):
    body = "\n".join(p.text for p in Document(str(small_docx)).paragraphs)
    assert "display(table)" not in body and "plot()" not in body and "secret" not in body
    assert "隐藏的输出" not in body and "UserWarning" not in body


def test_table_cells_header_alignment_and_status(small_docx, report_table):
    doc = Document(str(small_docx))
    (table,) = doc.tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == list(report_table.columns)
    assert [r[0] for r in rows[1:]] == list(report_table["指标"])
    assert [r[2] for r in rows[1:4]] == ["△ 进度滞后", "— 无数据", "√ 已达标"], "a status carries a symbol"
    assert rows[1][3] == "郑州市统计局公报", "a control character is dropped, not written"
    header_tr = table.rows[0]._tr
    assert header_tr.trPr.find(qn("w:tblHeader")) is not None, "the header row repeats on each page"
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows)
    assert table.rows[1].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT, "numbers right-aligned"
    assert table.rows[2].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT, "a placeholder follows"
    assert table.rows[1].cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT, "text left-aligned"
    fill = table.rows[1].cells[2]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
    assert fill == "FFE0B2"


def test_hostile_text_is_literal_text_never_a_field(small_docx):
    with zipfile.ZipFile(small_docx) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    for tag in ("w:fldSimple", "w:instrText", "w:fldChar", "w:hyperlink", "<script"):
        assert tag not in xml, f"{tag} in the document"
    with zipfile.ZipFile(small_docx) as z:
        footers = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/footer")]
    fields = [f for x in footers for f in re.findall(r'w:instr="([^"]*)"', x)]
    assert fields == ["PAGE"], "the one field is the page number written by code"
    texts = [c.text for row in Document(str(small_docx)).tables[0].rows for c in row.cells]
    for s in HOSTILE:
        assert s in texts, f"{s!r} must be shown as it is"


def test_one_inline_picture_no_wider_than_the_text(small_docx):
    doc = Document(str(small_docx))
    assert len(doc.inline_shapes) == 1
    section = doc.sections[0]
    assert doc.inline_shapes[0].width <= section.page_width - section.left_margin - section.right_margin


def test_page_fonts_language_and_properties(small_docx):
    doc = Document(str(small_docx))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Table Grid"):
        rfonts = doc.styles[name].element.rPr.rFonts
        assert rfonts.get(qn("w:eastAsia")) == CJK_FONT and rfonts.get(qn("w:ascii")) == CJK_FONT, name
        assert rfonts.get(qn("w:eastAsiaTheme")) is None, f"{name}: a theme font would override the named one"
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert defaults.rFonts.get(qn("w:eastAsia")) == CJK_FONT
    with zipfile.ZipFile(small_docx) as z:
        fonts = z.read("word/fontTable.xml").decode("utf-8")
    assert re.search(rf'w:name="{CJK_FONT}".*?<w:altName w:val="{FALLBACK_FONT}"/>.*?w:val="86"', fonts, re.S)
    cp = doc.core_properties
    assert (cp.title, cp.language) == ("郑州市2015年质量分析报告", "zh-CN")
    assert cp.created.year == 2026


@pytest.mark.parametrize(
    "text, href, shown",
    [
        ("https://a.cn/%E6%A0%AA", "https://a.cn/%E6%A0%AA", "https://a.cn/株"),
        ("公报", "https://a.cn/x", "公报（https://a.cn/x）"),
        ("", "https://a.cn/x", "https://a.cn/x"),
        ("x", "javascript:alert(1)", "x"),
    ],
)
def test_readable_link(text, href, shown):
    assert readable_link(text, href) == shown


def test_colspan_and_rowspan_are_merged():
    html = (
        "<table><thead><tr><th colspan='2'>城市</th><th>值</th></tr></thead><tbody>"
        "<tr><td rowspan='2'>郑州</td><td>2014</td><td>1.5</td></tr><tr><td>2015</td><td>2.5</td></tr></tbody></table>"
    )
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("", outputs=[nbformat.v4.new_output("display_data", data={"text/html": html})])
        ]
    )
    (table,) = notebook_to_docx(nb, "t").tables
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["城市", "城市", "值"],
        ["郑州", "2014", "1.5"],
        ["郑州", "2015", "2.5"],
    ]


# --------------------------------------------------------------------------- a real report
def _html_outline(html: str) -> dict:
    body = html[html.index("<body") :]
    heads = [
        (int(level), re.sub(r"<[^>]+>", "", text).strip())
        for level, text in re.findall(r"<h([1-4])[^>]*>(.*?)</h\1>", body, re.S)
    ]
    import html as html_lib

    heads = [(min(level, 4), html_lib.unescape(t)) for level, t in heads]
    return {"headings": heads, "tables": parse_tables(body), "images": len(re.findall(r"<img\b", body))}


@pytest.mark.slow
def test_real_report_has_the_html_sections_tables_and_charts(built_reports):
    folder = built_reports / "zhengzhou" / "2015"
    docx_path = folder / "zhengzhou_2015_质量分析报告.docx"
    assert docx_path.is_file(), "the runner writes the Word report beside the HTML"
    word = docx_outline(docx_path)
    page = _html_outline((folder / "city_report.html").read_text(encoding="utf-8"))
    assert word["headings"] == page["headings"]
    assert len(word["tables"]) == len(page["tables"]) and word["pictures"] == page["images"] > 0
    for w, h in zip(word["tables"], page["tables"]):
        assert w[0] == [c.text for c in h.rows[0]], "same header"
        assert len(w) == len(h.rows), "same number of rows"
    assert Document(str(docx_path)).core_properties.title == "郑州市2015年质量分析报告"
    comparison = list((built_reports / "comparison" / "2015").glob("*.docx"))
    assert [p.name for p in comparison] == ["comparison_2015_城市对比报告.docx"]
    assert docx_outline(comparison[0])["tables"], "the comparison's tables are in its Word report"
    lists = _numbered_lists(built_reports / "zhengzhou" / "2014" / "zhengzhou_2014_质量分析报告.docx")
    assert len(lists) >= 2 and all(start == 1 for start, _ in lists), "存在问题 and 下一步工作建议 each start at 1"


@pytest.mark.slow
def test_real_report_charts_are_placed_at_their_printed_size(built_reports):
    """The charts' PNGs carry their display width (figure inches × 96 px); Word shows them at exactly that size."""
    from qclib.report.style import CHART_SIZE_IN

    folder = built_reports / "zhengzhou" / "2014"
    nb = nbformat.read(str(folder / "city_report.ipynb"), as_version=4)
    widths = [
        out["metadata"]["image/png"]["width"]
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if "image/png" in out.get("data", {})
    ]
    assert len(widths) == 2, "the environment domain's two charts, one picture each"
    assert all(CHART_SIZE_IN[0] * 96 <= w <= (CHART_SIZE_IN[0] + 0.25) * 96 for w in widths), widths
    doc = Document(str(folder / "zhengzhou_2014_质量分析报告.docx"))
    section = doc.sections[0]
    assert all(s.width <= section.page_width - section.left_margin - section.right_margin for s in doc.inline_shapes)
    assert [round(s.width / 914400 * 96) for s in doc.inline_shapes] == widths, "Word: 1:1, not scaled down"


def test_loose_and_nested_lists_keep_their_list_style():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("- 甲\n\n- 乙\n\n1. 一\n   - 一之一\n\n正文")])
    styles = [(p.style.name, p.text) for p in notebook_to_docx(nb, "t").paragraphs]
    assert styles == [
        ("List Bullet", "甲"),
        ("List Bullet", "乙"),
        ("List Number", "一"),
        ("List Bullet 2", "一之一"),
        ("Normal", "正文"),
    ]


def _numbered_lists(path: Path) -> list[tuple[int, list[str]]]:
    """The numbered lists of a saved ``.docx`` as Word numbers them: (first number, item texts) per numbering instance.

    Read back from the file: each paragraph's ``w:numPr/w:numId`` (its own or its style's) and the
    numbering part's ``w:num`` (its ``w:startOverride``, else the ``w:abstractNum``'s ``w:start``).
    Bullet lists are left out.
    """
    from lxml import etree

    doc = Document(str(path))
    with zipfile.ZipFile(path) as z:
        numbering = etree.fromstring(z.read("word/numbering.xml"))
    w = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    starts, formats = {}, {}
    for num in numbering.findall("w:num", w):
        num_id = int(num.get(qn("w:numId")))
        abstract = num.find("w:abstractNumId", w).get(qn("w:val"))
        lvl = numbering.find(f"w:abstractNum[@w:abstractNumId='{abstract}']/w:lvl[@w:ilvl='0']", w)
        override = num.find("w:lvlOverride[@w:ilvl='0']/w:startOverride", w)
        start = override if override is not None else lvl.find("w:start", w)
        starts[num_id] = int(start.get(qn("w:val"))) if start is not None else 0
        formats[num_id] = lvl.find("w:numFmt", w).get(qn("w:val"))
    lists: dict[int, list[str]] = {}
    for para in doc.paragraphs:
        num_pr = para._p.pPr.numPr if para._p.pPr is not None else None
        if num_pr is None and para.style.element.pPr is not None:
            num_pr = para.style.element.pPr.numPr
        if num_pr is not None and num_pr.numId is not None and formats[num_pr.numId.val] != "bullet":
            lists.setdefault(num_pr.numId.val, []).append(para.text)
    return [(starts[num_id], texts) for num_id, texts in lists.items()]


def test_each_numbered_list_restarts_at_one(tmp_path):
    """存在问题 then 下一步工作建议: the second list is 1, 2, not 4, 5 (its own numbering instance)."""
    problems = nbformat.v4.new_output("display_data", data={"text/markdown": "1. 问题一\n2. 问题二\n3. 问题三"})
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("## 四、存在问题"),
            nbformat.v4.new_code_cell("", outputs=[problems]),
            nbformat.v4.new_markdown_cell("## 五、下一步工作建议\n\n1. 建议一\n2. 建议二\n   1. 细则一\n3. 建议三"),
        ]
    )
    path = tmp_path / "lists.docx"
    notebook_to_docx(nb, "t").save(str(path))
    assert _numbered_lists(path) == [
        (1, ["问题一", "问题二", "问题三"]),
        (1, ["建议一", "建议二", "建议三"]),
        (1, ["细则一"]),
    ]
    doc = Document(str(path))
    assert [p.style.name for p in doc.paragraphs if p.text.startswith("建议")] == ["List Number"] * 3


def test_two_numbered_lists_never_share_a_numbering_instance(tmp_path):
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("1. 甲\n2. 乙\n\n正文\n\n1. 丙\n\n正文\n\n3. 丁")]
    )
    path = tmp_path / "lists.docx"
    notebook_to_docx(nb, "t").save(str(path))
    doc = Document(str(path))
    ids = [p._p.pPr.numPr.numId.val for p in doc.paragraphs if p.style.name == "List Number"]
    assert ids[0] == ids[1] and len({ids[0], ids[2], ids[3]}) == 3, "one w:num per list"
    assert _numbered_lists(path) == [(1, ["甲", "乙"]), (1, ["丙"]), (3, ["丁"])], "an <ol start> is kept"


def test_columns_fill_the_text_width_numbers_keep_their_width(small_docx):
    doc = Document(str(small_docx))
    section = doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    widths = [col.width for col in doc.tables[0].columns]
    assert abs(sum(widths) - text_width) < len(widths) * 20, "long texts: the table takes the text width"
    name, value, status, source = widths
    nine_pt_em = 9 * 12700
    assert value >= 4 * nine_pt_em and status >= 5 * nine_pt_em, "numbers and statuses are not squeezed"
    assert source > value and name > value, "text columns take the rest"


def test_a_table_of_short_texts_is_as_wide_as_they_are():
    frame = pd.DataFrame({"城市": ["郑州市", "株洲市"], "无数据": ["36", "28"]})
    out = nbformat.v4.new_output("display_data", data={"text/html": escape.table(frame).to_html()})
    doc = notebook_to_docx(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("", outputs=[out])]), "t")
    section = doc.sections[0]
    widths = [col.width for col in doc.tables[0].columns]
    assert sum(widths) < (section.page_width - section.left_margin - section.right_margin) / 2
