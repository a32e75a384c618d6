"""An executed report notebook as a Word document (python-docx), the same sections, tables and charts.

Generic over whatever the notebook displays (the HTML report shows the same outputs):

- markdown cells and ``text/markdown`` outputs (rendered as nbconvert renders them) and
  ``text/html`` outputs become headings (``#`` → 标题 1, ``##`` → 标题 2, ``###`` → 标题 3),
  paragraphs and lists; bold and italic are kept, a link is its text followed by its
  address (decoded, ``%E6…`` shown as Chinese) when the two differ;
- HTML tables (pandas ``Styler`` / ``DataFrame.to_html``) become Word tables: header rows
  repeated on each page, rows never split, numbers right-aligned and text left-aligned
  (:func:`qclib.report.layout.column_layout`), statuses shaded and preceded by a symbol;
- ``image/png`` outputs become inline pictures no wider than the text;
- code is never shown; cells tagged ``remove-cell`` (outputs tagged ``remove-output``) are
  left out, like in the HTML report; ``stderr`` streams (warnings) are left out.

Data text is only ever written as the text of a run (``w:t``): never a field code, a
hyperlink field or a formula, so ``{ DDE … }`` or ``=cmd|…`` stays literal text.  The one
field of the document is the page number in the footer, written by code.  Characters
that XML cannot hold (control characters) are dropped.

The document: A4 portrait, margins 25 mm (left 28 mm), the styles' fonts
:data:`CJK_FONT` (the Noto Sans CJK SC family that :mod:`qclib.report.style` ships for
the charts) for Chinese and Latin text, with 微软雅黑 as the font Word and WPS use when it
is not installed (font table ``altName``, GB2312 character set), language zh-CN, and the
title in the core properties.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Iterable, Mapping
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote

from qclib.report.layout import (
    STATUS_FILLS,
    STATUS_SYMBOLS,
    Table,
    column_layout,
    column_weights,
    grid,
    parse_tables,
    status_key,
)

#: Font family of the document styles (Chinese and Latin text).
CJK_FONT: str = "Noto Sans CJK SC"

#: Font Word and WPS substitute when :data:`CJK_FONT` is not installed.
FALLBACK_FONT: str = "微软雅黑"

#: Document language.
LANGUAGE: str = "zh-CN"

#: Cell tags whose cell / outputs the reports leave out (as the HTML report does).
REMOVE_CELL_TAGS: frozenset[str] = frozenset({"remove-cell", "remove_cell"})
REMOVE_OUTPUT_TAGS: frozenset[str] = frozenset({"remove-output", "remove_output"})

#: Page size and margins (mm).
PAGE_MM: tuple[float, float] = (210.0, 297.0)
MARGINS_MM: dict[str, float] = {"top": 25.0, "bottom": 25.0, "left": 28.0, "right": 25.0}

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}
_BLOCK_TAGS = {"p", "div", "blockquote", "pre", "li", "dt", "dd"} | set(_HEADING_TAGS)


def clean_text(value: Any) -> str:
    """``value`` as text Word can hold: characters XML 1.0 forbids are dropped.

    Examples
    --------
    >>> clean_text("郑州\\x00市\\x1b"), clean_text(None)
    ('郑州市', '')
    """
    return "" if value is None else _XML_INVALID.sub("", str(value))


def readable_link(text: str, href: str) -> str:
    """A link as plain text: its text, and its address (decoded) when the text does not show it.

    Only ``http``/``https`` addresses are shown; a link whose text is its (encoded)
    address shows the decoded address once.

    Examples
    --------
    >>> readable_link("https://x.cn/%E5%85%AC%E6%8A%A5", "https://x.cn/%E5%85%AC%E6%8A%A5")
    'https://x.cn/公报'
    >>> readable_link("统计公报", "https://x.cn/a")
    '统计公报（https://x.cn/a）'
    >>> readable_link("点这里", "javascript:alert(1)")
    '点这里'
    """
    text = text.strip()
    if not re.match(r"^https?://", href.strip(), flags=re.IGNORECASE):
        return text
    url = unquote(href.strip())
    if not text or unquote(text) == url:
        return url
    return f"{text}（{url}）"


# --------------------------------------------------------------------------- HTML → blocks
class _Blocks(HTMLParser):
    """HTML (no tables) as blocks: ``("heading", level, runs)``, ``("para", style, runs)``.

    A run is ``(text, bold, italic)``.  The style of a list item is a :class:`ListItem`:
    its list style and which list of the fragment it belongs to (so each numbered list
    restarts at its own start number in Word).
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, Any, list[tuple[str, bool, bool]]]] = []
        self._runs: list[tuple[str, bool, bool]] = []
        self._kind: tuple[str, Any] = ("para", None)
        self._bold = self._italic = self._skip = self._pre = 0
        self._lists: list[tuple[str, int, int]] = []  # tag, number in the fragment, start
        self._n_lists = 0
        self._in_li = 0
        self._link: tuple[str, list[str]] | None = None

    def _flush(self) -> None:
        runs = _tidy(self._runs, keep_space=bool(self._pre))
        if runs:
            self.blocks.append((self._kind[0], self._kind[1], runs))
        self._runs = []
        self._kind = ("para", None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("style", "script") or (tag == "a" and "anchor-link" in (a.get("class") or "")):
            self._skip += 1
        elif tag in ("ul", "ol"):
            self._flush()
            self._lists.append((tag, self._n_lists, _start(a.get("start"))))
            self._n_lists += 1
        elif tag in _BLOCK_TAGS:
            self._flush()
            self._in_li += tag == "li"
            if tag in _HEADING_TAGS:
                self._kind = ("heading", _HEADING_TAGS[tag])
            elif tag == "li" or (self._in_li and tag in ("p", "div")):
                self._kind = ("para", _list_style(self._lists))  # a loose list item holds a <p>
            self._pre += tag == "pre"
        elif tag in ("strong", "b", "th"):
            self._bold += 1
        elif tag in ("em", "i"):
            self._italic += 1
        elif tag == "br":
            self._runs.append(("\n", False, False))
        elif tag == "a":
            self._link = (a.get("href") or "", [])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script") or (tag == "a" and self._skip and self._link is None):
            self._skip = max(0, self._skip - 1)
        elif tag in ("ul", "ol"):
            self._flush()
            if self._lists:
                self._lists.pop()
        elif tag in _BLOCK_TAGS:
            self._flush()
            self._pre -= tag == "pre" and self._pre > 0
            self._in_li -= tag == "li" and self._in_li > 0
        elif tag in ("strong", "b", "th"):
            self._bold = max(0, self._bold - 1)
        elif tag in ("em", "i"):
            self._italic = max(0, self._italic - 1)
        elif tag == "a" and self._link is not None:
            href, parts = self._link
            self._link = None
            shown = readable_link("".join(parts), href)
            self._runs.append((shown, self._bold > 0, self._italic > 0))

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._link is not None:
            self._link[1].append(data)
        else:
            self._runs.append((data, self._bold > 0, self._italic > 0))

    def close(self) -> None:
        super().close()
        self._flush()


class ListItem(NamedTuple):
    """The paragraph style of a list item and the list it belongs to.

    ``list_no`` numbers the lists of one HTML fragment (``<ol>`` and ``<ul>``, nested ones
    included) in order of their opening tags; ``start`` is the ``<ol start>`` number (1 by default).
    """

    style: str
    list_no: int
    start: int


def _start(value: str | None) -> int:
    try:
        return max(0, int(str(value)))
    except ValueError:
        return 1


def _list_style(lists: list[tuple[str, int, int]]) -> ListItem:
    depth = min(len(lists), 3)
    tag, list_no, start = lists[-1] if lists else ("ul", -1, 1)
    base = "List Number" if tag == "ol" else "List Bullet"
    return ListItem(base if depth <= 1 else f"{base} {depth}", list_no, start)


def _tidy(runs: list[tuple[str, bool, bool]], *, keep_space: bool) -> list[tuple[str, bool, bool]]:
    """Collapse white space as HTML does (not in ``<pre>``); drop empty runs and edges."""
    out: list[tuple[str, bool, bool]] = []
    for text, bold, italic in runs:
        t = clean_text(text)
        if not keep_space and t != "\n":
            t = re.sub(r"\s+", " ", t)
        if t:
            out.append((t, bold, italic))
    if not keep_space:
        while out and not out[0][0].strip():
            out.pop(0)
        while out and not out[-1][0].strip():
            out.pop()
        if out:
            out[0] = (out[0][0].lstrip(), *out[0][1:])
            out[-1] = (out[-1][0].rstrip(), *out[-1][1:])
    return out


def html_pieces(html: str) -> list[tuple[str, Any]]:
    """An HTML fragment as pieces in order: ``("blocks", [...])`` and ``("table", Table)``.

    Examples
    --------
    >>> pieces = html_pieces("<h2>一、总体情况</h2><p>共<b>39</b>项</p><table><tr><th>状态</th></tr></table>")
    >>> [kind for kind, _ in pieces]
    ['blocks', 'table']
    >>> pieces[0][1]
    [('heading', 2, [('一、总体情况', False, False)]), ('para', None, [('共', False, False), ('39', True, False), ('项', False, False)])]
    """
    pieces: list[tuple[str, Any]] = []
    last = 0
    for table in parse_tables(html):
        pieces.append(("blocks", _blocks(html[last : table.span[0]])))
        pieces.append(("table", table))
        last = table.span[1]
    pieces.append(("blocks", _blocks(html[last:])))
    return [(k, v) for k, v in pieces if k == "table" or v]


def _blocks(html: str) -> list[tuple[str, Any, list[tuple[str, bool, bool]]]]:
    p = _Blocks()
    p.feed(html)
    p.close()
    return p.blocks


def markdown_html(source: str) -> str:
    """Markdown rendered to HTML as the HTML report renders it (nbconvert's mistune renderer).

    Examples
    --------
    >>> "<strong>粗</strong>" in markdown_html("**粗**")
    True
    """
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return str(markdown2html_mistune(source))


# --------------------------------------------------------------------------- notebook → pieces
def notebook_pieces(nb: Any) -> list[tuple[str, Any]]:
    """What the report shows, in order: ``blocks``, ``table`` and ``image`` (PNG bytes, CSS width) pieces.

    Code inputs are never shown; tagged cells and outputs are left out (see the module).
    """
    import base64

    pieces: list[tuple[str, Any]] = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_CELL_TAGS:
            continue
        if cell.cell_type == "markdown":
            pieces += html_pieces(markdown_html(cell.source))
        if cell.cell_type != "code" or tags & REMOVE_OUTPUT_TAGS:
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                if out.get("name") == "stdout":
                    pieces.append(("blocks", [("para", None, [(clean_text(out.get("text", "")), False, False)])]))
                continue
            data = out.get("data", {})
            if "text/html" in data:
                pieces += html_pieces(_joined(data["text/html"]))
            elif "text/markdown" in data:
                pieces += html_pieces(markdown_html(_joined(data["text/markdown"])))
            elif "image/png" in data:
                width = (out.get("metadata", {}).get("image/png") or {}).get("width")
                pieces.append(("image", (base64.b64decode(_joined(data["image/png"])), width)))
            elif "text/plain" in data:
                pieces.append(("blocks", [("para", None, [(clean_text(_joined(data["text/plain"])), False, False)])]))
    return [(k, v) for k, v in pieces if not (k == "blocks" and not v)]


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


# --------------------------------------------------------------------------- Word document
def notebook_to_docx(nb: Any, title: str) -> Any:
    """The Word document of an executed report notebook.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        Executed notebook (version 4).
    title : str
        Document title (core properties).

    Returns
    -------
    docx.document.Document

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 郑州市2015年质量分析报告\\n\\n正文")])
    >>> doc = notebook_to_docx(nb, "郑州市2015年质量分析报告")
    >>> [(p.style.name, p.text) for p in doc.paragraphs]
    [('Heading 1', '郑州市2015年质量分析报告'), ('Normal', '正文')]
    >>> doc.core_properties.title, doc.core_properties.language
    ('郑州市2015年质量分析报告', 'zh-CN')
    """
    from docx import Document

    doc = Document()
    _setup(doc, title, nb.metadata.get("qclib", {}).get("executed_at"))
    for kind, value in notebook_pieces(nb):
        if kind == "blocks":
            _add_blocks(doc, value)
        elif kind == "table":
            _add_table(doc, value)
        else:
            _add_picture(doc, *value)
    return doc


def write_docx(notebook_path: str | Path, docx_path: str | Path, title: str | None = None) -> Path:
    """Convert an executed notebook file to a ``.docx`` file, atomically.

    Parameters
    ----------
    notebook_path : str or Path
        Executed notebook.
    docx_path : str or Path
        Destination (written to a temporary file, then renamed).
    title : str, optional
        Document title (default: the notebook's ``metadata.qclib.title``, else the file stem).

    Returns
    -------
    Path

    Examples
    --------
    >>> import nbformat, tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## 一、总体情况")]),
    ...                os.path.join(d, "a.ipynb"))
    >>> write_docx(os.path.join(d, "a.ipynb"), os.path.join(d, "a.docx")).stat().st_size > 0
    True
    """
    import nbformat

    from qclib.atomic import atomic_path

    nb = nbformat.read(str(notebook_path), as_version=4)
    title = title or nb.metadata.get("qclib", {}).get("title") or Path(docx_path).stem
    doc = notebook_to_docx(nb, title)
    with atomic_path(docx_path) as tmp:
        doc.save(str(tmp))
    return Path(docx_path)


def _setup(doc: Any, title: str, executed_at: Any) -> None:
    """Page (A4, margins), fonts and language of the styles, core properties."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Mm, RGBColor

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    for side, mm in MARGINS_MM.items():
        setattr(section, f"{side}_margin", Mm(mm))
    _set_default_fonts(doc)
    for style in doc.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.TABLE, WD_STYLE_TYPE.CHARACTER):
            _set_style_font(style)
    for level in range(1, 5):
        doc.styles[f"Heading {level}"].font.color.rgb = RGBColor(0x1F, 0x1F, 0x1F)
    _register_fallback_font(doc)
    _page_numbers(section)
    cp = doc.core_properties
    cp.title, cp.language, cp.subject, cp.author = clean_text(title), LANGUAGE, "质量分析报告", ""
    cp.keywords, cp.comments, cp.category = "质量强市", "", "质量分析报告"
    cp.last_modified_by = "qclib"
    when = _parse_time(executed_at)
    if when is not None:
        cp.created = cp.modified = when


def _page_numbers(section: Any) -> None:
    """Footer ``第 N 页``, centred: the document's one field, a PAGE field written by code (never data)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run("第 ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    para._p.append(field)
    para.add_run(" 页")


def _parse_time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _rfonts_with(rpr: Any) -> Any:
    from docx.oxml.ns import qn

    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)  # a theme font would win over the named one
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), CJK_FONT)
    return rfonts


def _set_style_font(style: Any) -> None:
    _rfonts_with(style.element.get_or_add_rPr())


def _set_default_fonts(doc: Any) -> None:
    """``w:docDefaults``: the CJK font and the zh-CN language for every run."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    from docx.oxml.text.font import CT_RPr

    if isinstance(rpr, CT_RPr):
        _rfonts_with(rpr)
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), LANGUAGE)
        lang.set(qn("w:eastAsia"), LANGUAGE)


def _register_fallback_font(doc: Any) -> None:
    """Add :data:`CJK_FONT` to the font table with :data:`FALLBACK_FONT` as its ``altName``."""
    from lxml import etree

    part = next((p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None or not hasattr(part, "_blob"):
        return
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    root = etree.fromstring(part.blob)
    if root.find(f"{{{w}}}font[@{{{w}}}name='{CJK_FONT}']") is not None:
        return
    font = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": CJK_FONT})
    for tag, val in (("altName", FALLBACK_FONT), ("charset", "86"), ("family", "swiss"), ("pitch", "variable")):
        etree.SubElement(font, f"{{{w}}}{tag}", {f"{{{w}}}val": val})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _add_blocks(doc: Any, blocks: Iterable[tuple[str, Any, list[tuple[str, bool, bool]]]]) -> None:
    """Headings and paragraphs of one HTML fragment; each numbered list its own Word numbering."""
    numbers: dict[int, int] = {}  # list of the fragment -> numId of its numbering instance
    for kind, detail, runs in blocks:
        if kind == "heading":
            doc.add_heading("".join(t for t, _, _ in runs).strip(), level=int(detail))
            continue
        item = detail if isinstance(detail, ListItem) else None
        para = doc.add_paragraph(style=item.style if item else detail)
        if item is not None and item.style.startswith("List Number"):
            if item.list_no not in numbers:
                numbers[item.list_no] = _new_numbering(doc, item.style, item.start)
            _set_numbering(para, numbers[item.list_no])
        for text, bold, italic in runs:
            run = para.add_run(text)
            run.bold = bold or None
            run.italic = italic or None


def _new_numbering(doc: Any, style_name: str, start: int) -> int:
    """A new numbering instance (``w:num``) of a list style's list, restarting at ``start``: its ``numId``.

    Paragraphs of the style "List Number" share the style's ``w:num``, so a second list
    would go on counting 4, 5, 6…; a list of its own is a new ``w:num`` referencing the
    same ``w:abstractNum`` (same look) with a ``w:lvlOverride``/``w:startOverride`` of
    level 0 (ECMA-376 part 1, 17.9.8 and 17.9.27).
    """
    numbering = doc.part.numbering_part.element
    style_num = doc.styles[style_name].element.pPr.numPr.numId.val
    abstract = numbering.num_having_numId(style_num).abstractNumId.val
    num = numbering.add_num(abstract)
    num.add_lvlOverride(ilvl=0).add_startOverride(start)
    return int(num.numId)


def _set_numbering(para: Any, num_id: int) -> None:
    """The paragraph's ``w:numPr``: level 0 of numbering instance ``num_id`` (over its style's)."""
    num_pr = para._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


def _add_table(doc: Any, table: Table) -> None:
    """A Word table of :class:`~qclib.report.layout.Table`: spans merged, header repeated, columns aligned."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Pt

    rows, n = table.rows, table.n_columns()
    if not rows or n == 0:
        return
    layout = column_layout(table)
    size_pt = 9 if n <= 6 else 8 if n <= 9 else 7
    size = Pt(size_pt)
    wt = doc.add_table(rows=len(rows), cols=n)
    wt.style = doc.styles["Table Grid"]
    wt.alignment = WD_TABLE_ALIGNMENT.LEFT
    widths = _column_widths(doc, table, size_pt)
    wt.autofit = False
    for col, width in enumerate(widths):
        wt.columns[col].width = width
        for cell in wt.columns[col].cells:
            cell.width = width
    for r, placed in enumerate(grid(rows)):
        _row_properties(wt.rows[r], header=r < len(table.head))
        row_cells = wt.rows[r].cells  # once per row: wt.cell(r, c) rebuilds the whole grid on every call
        for col, cell in placed:
            target = row_cells[col]
            if cell.colspan > 1 or cell.rowspan > 1:
                target = target.merge(wt.cell(min(r + cell.rowspan, len(rows)) - 1, min(col + cell.colspan, n) - 1))
                row_cells = wt.rows[r].cells  # a merge changes the row's cells
            kind = layout[col][0] if cell.colspan == 1 else "text"
            _fill_cell(target, cell, kind, size, header=r < len(table.head) or cell.header)
    doc.add_paragraph()


def _column_widths(doc: Any, table: Table, size_pt: float) -> list[Any]:
    """Column widths (EMU): what the texts need, or the text width when they need more.

    A table of short texts (no long-text column) that fits is as wide as its texts.  Otherwise number,
    status and short-text columns keep the width their texts need
    (:func:`~qclib.report.layout.column_weights`, in em of the table's font size); the text
    columns with longer texts share the rest in proportion to their weights (their texts wrap).  When the fixed
    columns alone are too wide, every column is scaled down in proportion.
    """
    from docx.shared import Emu

    section = doc.sections[0]
    text_width = int(section.page_width - section.left_margin - section.right_margin)
    weights = column_weights(table)
    layout = column_layout(table)
    em = size_pt * 12700
    if sum(weights) * em <= text_width and all(width != "l" for _, width in layout):
        return [Emu(int(w * em)) for w in weights]
    wraps = [k == "text" and width != "s" for k, width in layout]  # short texts keep their width too
    fixed = sum(w * em for w, wrap in zip(weights, wraps) if not wrap)
    text_total = sum(w for w, wrap in zip(weights, wraps) if wrap)
    if text_total and fixed < 0.7 * text_width:
        shares = _shares([w for w, wrap in zip(weights, wraps) if wrap], text_width - fixed, floor=5.8 * em)
        it = iter(shares)
        return [Emu(int(next(it) if wrap else w * em)) for w, wrap in zip(weights, wraps)]
    total = sum(weights) or 1.0
    return [Emu(int(text_width * w / total)) for w in weights]


def _shares(weights: list[float], room: float, floor: float) -> list[float]:
    """``room`` split in proportion to ``weights``, no share below ``floor`` (when room allows).

    Examples
    --------
    >>> [round(x) for x in _shares([10, 10, 1], 210, floor=20)]
    [95, 95, 20]
    """
    fixed: dict[int, float] = {}
    for _ in weights:
        free = [i for i in range(len(weights)) if i not in fixed]
        left, total = room - sum(fixed.values()), sum(weights[i] for i in free) or 1.0
        low = [i for i in free if left * weights[i] / total < floor]
        if not low or left - floor * len(low) <= 0:
            break
        fixed.update({i: floor for i in low})
    free = [i for i in range(len(weights)) if i not in fixed]
    left, total = room - sum(fixed.values()), sum(weights[i] for i in free) or 1.0
    return [fixed.get(i, left * weights[i] / total) for i in range(len(weights))]


def _row_properties(row: Any, *, header: bool) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    tags = ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",)
    for tag in tags:
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        tr_pr.append(el)


def _fill_cell(target: Any, cell: Any, kind: str, size: Any, *, header: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    text = clean_text(cell.text)
    for link_text, href in cell.links:
        if link_text and link_text in text:
            text = text.replace(link_text, readable_link(link_text, href), 1)
    key = None if header else status_key(text)
    if key is not None:
        text = f"{STATUS_SYMBOLS[key]} {text}"
        _shade(target, STATUS_FILLS[key])
    elif header:
        _shade(target, "#f2f2f2")
    para = target.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT if kind == "number" else WD_ALIGN_PARAGRAPH.LEFT
    run = para.add_run(text)
    run.font.size = size
    run.bold = header or key in ("not_met", "off_track") or None


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill.lstrip("#").upper())
    cell._tc.get_or_add_tcPr().append(shd)


def png_size(data: bytes) -> tuple[int, int]:
    """Pixel width and height of a PNG (from its IHDR chunk); (0, 0) when not a PNG.

    Examples
    --------
    >>> png_size(b"\\x89PNG\\r\\n\\x1a\\n" + b"\\x00\\x00\\x00\\rIHDR" + (640).to_bytes(4, "big") + (480).to_bytes(4, "big"))
    (640, 480)
    >>> png_size(b"GIF89a")
    (0, 0)
    """
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return 0, 0
    w, h = struct.unpack(">II", data[16:24])
    return int(w), int(h)


def _add_picture(doc: Any, data: bytes, css_width: Any) -> None:
    """An inline picture at its display size (96 CSS px per inch), no wider than the text."""
    from docx.shared import Emu, Inches

    px = png_size(data)[0]
    try:
        shown = float(css_width) if css_width else float(px)
    except (TypeError, ValueError):
        shown = float(px)
    section = doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    width = min(int(Inches(shown / 96.0)), int(text_width)) if shown > 0 else int(text_width)
    doc.add_picture(io.BytesIO(data), width=Emu(width))


def docx_outline(path: str | Path) -> Mapping[str, Any]:
    """What a ``.docx`` holds, read back with python-docx: headings, tables (cell texts), pictures.

    Used by the tests and handy to compare the Word report with the HTML one.

    Returns
    -------
    dict
        ``headings`` (list of (level, text)), ``tables`` (list of rows of cell texts),
        ``pictures`` (number of inline pictures).
    """
    from docx import Document

    doc = Document(str(path))
    headings = [
        (int(p.style.name.split()[-1]), p.text)
        for p in doc.paragraphs
        if p.style is not None and p.style.name.startswith("Heading ")
    ]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return {"headings": headings, "tables": tables, "pictures": len(doc.inline_shapes)}
