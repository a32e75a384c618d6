"""Text from data files is data: the one place where report strings are escaped.

Anything that can come from a file (sources, notes, scopes, names in a city's YAML, the
values echoed by validation messages) reaches a report only through these helpers:

- :func:`md_text` for text placed in a Markdown cell (HTML-escaped, Markdown punctuation
  backslash-escaped, so no tag, link or image can be formed);
- :func:`html_text` for text placed in HTML written by code (the index page);
- :func:`table` for a DataFrame shown as a table (a pandas ``Styler`` that escapes every
  cell and header; a plain Styler does not);
- :func:`safe_url` / :func:`link` for links: built by code from ``http``/``https`` URLs
  only, with ``rel="noopener noreferrer"``; anything else is shown as text.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

#: Markdown punctuation that could start emphasis, code, a link, an image, a table or a heading.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()#!|~>+-])")

#: Content security policy of every generated HTML page: the page's own inline styles and
#: embedded (data:) or local images and fonts; no script, no frame, no form, no plugin.  A missed
#: escape still cannot execute.
CONTENT_SECURITY_POLICY: str = (
    "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

#: The policy as the ``<meta>`` element placed first in ``<head>``.
CSP_META: str = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'

#: Schemes a link may have.
SAFE_SCHEMES: tuple[str, ...] = ("http", "https")


def _as_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def html_text(value: Any) -> str:
    """``value`` as HTML text: ``& < > " '`` escaped; None/NaN give ``""``.

    Examples
    --------
    >>> html_text('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    >>> html_text(None), html_text(float("nan")), html_text(3.5)
    ('', '', '3.5')
    """
    return html.escape(_as_text(value), quote=True)


def md_text(value: Any) -> str:
    """``value`` as literal Markdown text: HTML-escaped, Markdown punctuation backslash-escaped.

    Line breaks become spaces, so a value cannot start a heading, list or table of its own.

    Examples
    --------
    >>> md_text("[点击](javascript:alert(1)) <script>")
    '\\\\[点击\\\\]\\\\(javascript:alert\\\\(1\\\\)\\\\) &lt;script&gt;'
    >>> md_text("郑州市统计局《2015年统计公报》")
    '郑州市统计局《2015年统计公报》'
    """
    text = " ".join(_as_text(value).splitlines())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=True))


def safe_url(value: Any) -> str | None:
    """The URL if it is an absolute ``http``/``https`` URL with a host, else None.

    Examples
    --------
    >>> safe_url("https://www.zhengzhou.gov.cn/a?b=1")
    'https://www.zhengzhou.gov.cn/a?b=1'
    >>> safe_url("javascript:alert(1)"), safe_url(" JavaScript:alert(1)"), safe_url("data:text/html,x")
    (None, None, None)
    """
    text = _as_text(value).strip()
    if not text or any(c in text for c in "\"'<> \t\r\n"):
        return None
    parts = urlsplit(text)
    return text if parts.scheme.lower() in SAFE_SCHEMES and parts.netloc else None


def link(url: Any, text: Any) -> str:
    """An HTML link built by code, or the escaped text alone when the URL is not safe.

    Examples
    --------
    >>> link("https://example.org/x", "公报 <b>")
    '<a href="https://example.org/x" rel="noopener noreferrer">公报 &lt;b&gt;</a>'
    >>> link("javascript:alert(1)", "x")
    'x'
    """
    href = safe_url(url)
    if href is None:
        return html_text(text)
    return f'<a href="{html.escape(href, quote=True)}" rel="noopener noreferrer">{html_text(text)}</a>'


def table(frame: pd.DataFrame, *, index: bool = False) -> Any:
    """A pandas ``Styler`` of ``frame`` that HTML-escapes every cell and header.

    Parameters
    ----------
    frame : DataFrame
        The table to show.
    index : bool
        Show the index (default hidden).

    Returns
    -------
    pandas.io.formats.style.Styler

    Examples
    --------
    >>> t = pd.DataFrame({"来源": ["<script>alert(1)</script>"]})
    >>> html_out = table(t).to_html()
    >>> "<script>" in html_out, "&lt;script&gt;" in html_out
    (False, True)
    """
    styler = frame.style.format(escape="html", na_rep="")
    styler = styler.format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    return styler if index else styler.hide(axis="index")


def with_csp(page: str) -> str:
    """``page`` with :data:`CSP_META` as the first element of its ``<head>`` (once).

    Examples
    --------
    >>> out = with_csp("<html><head><title>t</title></head><body></body></html>")
    >>> out.startswith('<html><head><meta http-equiv="Content-Security-Policy"')
    True
    >>> with_csp(out) == out
    True
    """
    if CSP_META in page:
        return page
    m = re.search(r"<head(\s[^>]*)?>", page, flags=re.IGNORECASE)
    if m is None:
        return CSP_META + page
    return page[: m.end()] + CSP_META + page[m.end() :]
