"""The form of the reports, shared by the HTML and the Word report.

Generic over whatever the notebooks display:

- :data:`TEMPLATE_DIR` / :data:`TEMPLATE_NAME`: the one nbconvert template of every HTML
  report (``templates/qclib_report``: JupyterLab's DOM, the report stylesheet, no script);
- :func:`parse_tables` reads the HTML tables the notebooks display (pandas ``Styler`` or
  ``DataFrame.to_html``) into a small model (:class:`Table`: rows of :class:`Cell`);
- :func:`cell_kind` and :func:`column_layout` decide, from the cell texts alone, which columns
  hold numbers (right-aligned, tabular figures), which cells are a status (已达标, 未达标, …;
  shown with a symbol as well as a colour, so they read in grey print) and how wide a text
  column should at least be;
- :func:`decorate_tables` marks the cells of an HTML page with those decisions
  (``data-qc-kind``, ``data-qc-width``, ``data-qc-status`` attributes, styled by the
  template) and wraps each table in a horizontally scrollable block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path

#: Folder holding the nbconvert templates of the reports.
TEMPLATE_DIR: Path = Path(__file__).resolve().parent / "templates"

#: Name of the report template (a folder of :data:`TEMPLATE_DIR`).
TEMPLATE_NAME: str = "qclib_report"

#: Status names as shown in the reports → form key (CSS attribute value).
STATUS_TEXT_KEYS: dict[str, str] = {
    "已达标": "met",
    "未达标": "not_met",
    "待核实": "pending",
    "进度正常": "on_track",
    "进度滞后": "off_track",
    "规划前已达到目标值": "baseline_met",
    "基期水平": "baseline",
    "无数据": "no_data",
    "无法判断": "undetermined",
    "无法评估": "not_assessable",
}

#: Symbol printed before a status (so that it does not rely on colour alone).
STATUS_SYMBOLS: dict[str, str] = {
    "met": "√",
    "not_met": "×",
    "pending": "？",
    "on_track": "○",
    "off_track": "△",
    "baseline_met": "◆",
    "baseline": "◇",
    "no_data": "—",
    "undetermined": "…",
    "not_assessable": "…",
}

#: Light background of each status (the same as :data:`qclib.report.style.STATUS_BACKGROUNDS`).
STATUS_FILLS: dict[str, str] = {
    "met": "#c8e6c9",
    "not_met": "#ffcdd2",
    "pending": "#fff9c4",
    "on_track": "#dcedc8",
    "off_track": "#ffe0b2",
    "baseline_met": "#e0f2f1",
    "baseline": "#e3f2fd",
    "no_data": "#eeeeee",
    "undetermined": "#f5f5f5",
    "not_assessable": "#f5f5f5",
}

#: Cell texts that stand for "no figure" (they do not make a number column a text column).
PLACEHOLDERS: frozenset[str] = frozenset({"", "—", "–", "-", "－", "——", "…", "nan", "NaN", "None"})

_NUMBER = re.compile(r"^[+\-−＋－]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s*(%|‰|％)?$|^\d+/\d+$")

#: Minimum width classes of text columns, by the widest text (in em): (limit, class).
_WIDTHS: tuple[tuple[float, str], ...] = ((8.0, "s"), (20.0, "m"), (float("inf"), "l"))


@dataclass
class Cell:
    """One table cell: its text, header flag, spans and links (text, href)."""

    text: str
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    links: list[tuple[str, str]] = field(default_factory=list)
    #: (start, end) offsets of the cell's start tag in the parsed HTML.
    tag_span: tuple[int, int] = (0, 0)


@dataclass
class Table:
    """One HTML table: header rows (``<thead>``) and body rows, each a list of cells."""

    head: list[list[Cell]] = field(default_factory=list)
    body: list[list[Cell]] = field(default_factory=list)
    #: (start, end) offsets of ``<table …>`` … ``</table>`` in the parsed HTML.
    span: tuple[int, int] = (0, 0)

    @property
    def rows(self) -> list[list[Cell]]:
        """Header rows, then body rows."""
        return self.head + self.body

    def n_columns(self) -> int:
        """Number of grid columns (the widest row, spans counted)."""
        return max((sum(c.colspan for c in row) for row in self.rows), default=0)


def _visible_width(text: str) -> float:
    """Width of ``text`` in em: CJK and full-width characters 1, others about 0.55."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in text)


def cell_kind(text: str) -> str:
    """What a cell holds: ``number``, ``status``, ``empty`` (a placeholder) or ``text``.

    A number is an optionally signed decimal with optional thousands separators and an
    optional ``%``/``‰``, or a count ratio ``3/7``; a status is one of :data:`STATUS_TEXT_KEYS` (whole cell).

    Examples
    --------
    >>> [cell_kind(t) for t in ("93.1", "-0.5", "1,234", "96%", "2015", "1/6", "—", "已达标", "≥95%（2015年）")]
    ['number', 'number', 'number', 'number', 'number', 'number', 'empty', 'status', 'text']
    """
    t = text.strip()
    if t in PLACEHOLDERS:
        return "empty"
    if status_key(t) is not None:
        return "status"
    return "number" if _NUMBER.match(t) else "text"


def status_key(text: str) -> str | None:
    """The form key of a status text (symbol prefix allowed), or None.

    Examples
    --------
    >>> status_key("未达标"), status_key("√ 已达标"), status_key("未达标的指标")
    ('not_met', 'met', None)

    A judged status resting on a figure that is not official is 待核实, with
    its symbol and colour (the 状态 column writes it "已达标（待核实）"):

    >>> status_key("已达标（待核实）"), status_key("规划前已达到目标值（待核实）"), status_key("某某（待核实）")
    ('pending', 'pending', None)
    """
    t = text.strip()
    for symbol in set(STATUS_SYMBOLS.values()):
        if t.startswith(symbol + " "):
            t = t[len(symbol) + 1 :]
    if t.endswith("（待核实）") and t[: -len("（待核实）")] in STATUS_TEXT_KEYS:
        return "pending"
    return STATUS_TEXT_KEYS.get(t)


def grid(rows: list[list[Cell]]) -> list[list[tuple[int, Cell]]]:
    """Each row's cells with their grid column (col- and rowspans taken into account)."""
    taken: dict[tuple[int, int], bool] = {}
    out: list[list[tuple[int, Cell]]] = []
    for r, row in enumerate(rows):
        col, placed = 0, []
        for cell in row:
            while taken.get((r, col)):
                col += 1
            placed.append((col, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken[(r + dr, col + dc)] = True
            col += cell.colspan
        out.append(placed)
    return out


def column_layout(table: Table) -> list[tuple[str, str]]:
    """Per grid column: (kind, width class) from the body cells.

    kind is ``number`` when every body cell that is not a placeholder is a number (and
    there is at least one), ``status`` when they are all statuses, else ``text``; width
    class (``s``, ``m``, ``l``) grows with the widest text of the column, headers included.

    Examples
    --------
    >>> t = parse_tables("<table><tr><th>指标</th><th>数值</th><th>状态</th></tr>"
    ...                  "<tr><td>城市污水处理率（市区）</td><td>95.2</td><td>已达标</td></tr>"
    ...                  "<tr><td>x</td><td>—</td><td>无数据</td></tr></table>")[0]
    >>> column_layout(t)
    [('text', 'm'), ('number', 's'), ('status', 's')]
    """
    n = table.n_columns()
    kinds: list[set[str]] = [set() for _ in range(n)]
    widest = [0.0] * n
    for r, placed in enumerate(grid(table.rows)):
        in_body = r >= len(table.head)
        for col, cell in placed:
            if cell.colspan == 1 and col < n:
                widest[col] = max(widest[col], _visible_width(cell.text.strip()))
                if in_body and not cell.header:
                    kinds[col].add(cell_kind(cell.text))
    out = []
    for col in range(n):
        found = kinds[col] - {"empty"}
        kind = "number" if found == {"number"} else "status" if found == {"status"} else "text"
        width = next(cls for limit, cls in _WIDTHS if widest[col] <= limit)
        out.append((kind, width))
    return out


def column_weights(table: Table) -> list[float]:
    """Relative widths of the grid columns for a fixed-width page (the Word report).

    A column's weight is the widest text of its body cells in em (at most 16: longer
    texts wrap), or its header up to 4 em, or half a longer header (it wraps on two lines),
    plus 1.6 em of cell padding (and 1.5 em for the symbol of a status column); at least 3.

    Examples
    --------
    >>> t = parse_tables("<table><tr><th>指标</th><th>实际值</th></tr>"
    ...                  "<tr><td>城市污水处理率（市区）</td><td>95</td></tr></table>")[0]
    >>> [round(w, 2) for w in column_weights(t)]
    [12.6, 4.6]
    """
    n = table.n_columns()
    body, head = [0.0] * n, [0.0] * n
    for r, placed in enumerate(grid(table.rows)):
        for col, cell in placed:
            if cell.colspan == 1 and col < n:
                target = head if r < len(table.head) or cell.header else body
                lines = cell.text.strip().split("\n") or [""]
                target[col] = max(target[col], max(_visible_width(x) for x in lines))
    kinds = [kind for kind, _ in column_layout(table)]
    return [
        max(3.0, max(min(16.0, b), min(h, 4.0), min(h / 2, 16.0)) + 1.6 + (1.5 if kind == "status" else 0.0))
        for b, h, kind in zip(body, head, kinds)
    ]


class _TableParser(HTMLParser):
    """Collects the tables of an HTML fragment (with source offsets of their tags)."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        starts = [0]
        for line in source.splitlines(keepends=True):
            starts.append(starts[-1] + len(line))
        self._line_starts = starts
        self.tables: list[Table] = []
        self._stack: list[Table] = []
        self._section = "body"
        self._row: list[Cell] | None = None
        self._cell: Cell | None = None
        self._text: list[str] = []
        self._link: tuple[str, list[str]] | None = None

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._stack.append(Table(span=(self._offset(), -1)))
            return
        if not self._stack or len(self._stack) > 1:
            return  # outside a table, or in a nested one (kept as text of its cell)
        if tag in ("thead", "tbody", "tfoot"):
            self._section = "head" if tag == "thead" else "body"
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            start = self._offset()
            end = start + len(self.get_starttag_text() or "")
            self._cell = Cell("", tag == "th", _span(a.get("colspan")), _span(a.get("rowspan")), tag_span=(start, end))
            self._text = []
        elif tag == "br" and self._cell is not None:
            self._text.append("\n")
        elif tag == "a" and self._cell is not None:
            self._link = (a.get("href") or "", [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._stack:
            table = self._stack.pop()
            if not self._stack:
                end = self.source.find(">", self._offset()) + 1
                table.span = (table.span[0], end)
                self.tables.append(table)
            return
        if len(self._stack) != 1:
            return
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            lines = "".join(self._text).split("\n")
            self._cell.text = "\n".join(" ".join(line.split()) for line in lines).strip()
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self._stack[-1]
            (table.head if self._section == "head" else table.body).append(self._row)
            self._row = None
        elif tag == "thead":
            self._section = "body"
        elif tag == "a" and self._link is not None and self._cell is not None:
            href, parts = self._link
            self._cell.links.append(("".join(parts).strip(), href))
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._text.append(data.replace("\n", " "))
            if self._link is not None:
                self._link[1].append(data)


def _span(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def parse_tables(html: str) -> list[Table]:
    """The outermost tables of an HTML fragment, in document order.

    A ``<th>`` row in ``<thead>`` (or a first row of ``<th>`` only, when there is no
    ``<thead>``) is a header row; cell texts have entities decoded and white space collapsed.

    Examples
    --------
    >>> t = parse_tables('<table><thead><tr><th>来源</th></tr></thead>'
    ...                  '<tbody><tr><td><a href="https://x.cn/a">公报 &lt;b&gt;</a></td></tr></tbody></table>')[0]
    >>> [c.text for c in t.head[0]], t.body[0][0].text, t.body[0][0].links
    (['来源'], '公报 <b>', [('公报 <b>', 'https://x.cn/a')])
    """
    p = _TableParser(html)
    p.feed(html)
    p.close()
    for t in p.tables:
        if not t.head and t.body and all(c.header for c in t.body[0]):
            t.head, t.body = [t.body[0]], t.body[1:]
    return p.tables


_WRAPPER = '<div class="qc-table-scroll">'


#: Tables of at least this many columns become one block per row on a phone (see report.css).
STACK_MIN_COLUMNS = 3


def column_labels(table: Table) -> dict[int, str]:
    """Grid column → its header text (the last header row that names it); empty headers left out.

    Examples
    --------
    >>> t = parse_tables("<table><thead><tr><th></th><th>目标数</th></tr></thead><tr><th>产品</th><td>9</td></tr></table>")[0]
    >>> column_labels(t)
    {1: '目标数'}
    """
    labels: dict[int, str] = {}
    for placed in grid(table.head):
        for col, cell in placed:
            text = " ".join(cell.text.split())
            for c in range(col, col + cell.colspan):
                if text:
                    labels[c] = text
    return labels


def _stacks(labels: dict[int, str], layout: list[tuple[str, str]]) -> bool:
    """Whether a table reads as one block per row on a phone: at least :data:`STACK_MIN_COLUMNS` named columns.

    In a block, text cells take a line each and numbers run on in one line
    (``目标数：9　已达标：0 …``), so a table of counts stays short.
    """
    return len(labels) >= STACK_MIN_COLUMNS


def decorate_tables(html: str) -> str:
    """``html`` with every table's cells marked for the stylesheet and each table wrapped in a scroll block.

    Each ``<td>``/``<th>`` gets ``data-qc-kind`` (``number``, ``status``, ``text``) and
    ``data-qc-width`` (``s``, ``m``, ``l``) of its column (:func:`column_layout`); a status
    cell also ``data-qc-status`` (:data:`STATUS_TEXT_KEYS`).  Each outermost table is placed
    in ``<div class="qc-table-scroll">`` (scrolls sideways on a narrow screen).  A table
    with a header row of at least :data:`STACK_MIN_COLUMNS` named columns (:func:`_stacks`) is marked
    ``data-qc-stack`` and each body cell gets ``data-qc-label`` (its column's header,
    attribute-escaped): on a phone the stylesheet shows each row as one block of
    "列名：值" lines, so that no column is off the screen.  Nothing else of the page
    changes.

    Examples
    --------
    >>> out = decorate_tables("<p>x</p><table><tr><th>值</th></tr><tr><td>1.5</td></tr></table>")
    >>> out
    '<p>x</p><div class="qc-table-scroll"><table><tr><th data-qc-kind="number" data-qc-width="s">值</th></tr><tr><td data-qc-kind="number" data-qc-width="s">1.5</td></tr></table></div>'
    >>> decorate_tables(out) == out
    True
    """
    if _WRAPPER in html:
        return html  # already decorated
    inserts: list[tuple[int, str]] = []
    for table in parse_tables(html):
        layout = column_layout(table)
        labels = column_labels(table)
        inserts.append((table.span[0], _WRAPPER))
        stack = _stacks(labels, layout) and html.startswith("<table", table.span[0])
        if stack:
            inserts.append((table.span[0] + len("<table"), " data-qc-stack"))
        n_head = len(table.head)
        for r, placed in enumerate(grid(table.rows)):
            for col, cell in placed:
                kind, width = layout[col] if cell.colspan == 1 and col < len(layout) else ("text", "s")
                attrs = f' data-qc-kind="{kind}" data-qc-width="{width}"'
                key = status_key(cell.text) if not cell.header else None
                if key is not None:
                    attrs += f' data-qc-status="{key}"'
                if stack and r >= n_head and not cell.header and labels.get(col) and cell.colspan == 1:
                    attrs += f' data-qc-label="{html_escape(labels[col], quote=True)}"'
                start, end = cell.tag_span
                inserts.append((start + 3, attrs))  # after "<td" / "<th"
        inserts.append((table.span[1], "</div>"))
    out, last = [], 0
    for pos, text in sorted(inserts, key=lambda x: x[0]):
        out.append(html[last:pos])
        out.append(text)
        last = pos
    out.append(html[last:])
    return "".join(out)
