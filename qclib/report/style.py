"""Shared look of the reports: status colours, units as printed, the CJK font.

Charts (:mod:`qclib.report.charts`) and tables (:mod:`qclib.report.tables`)
both take their colours and unit labels from here, so neither imports the other.
The font is the Noto Sans CJK SC file that the ``mplfonts`` package ships:
reports never depend on the system's fonts.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager

from qclib.constants import UNIT_NAMES_ZH

#: File name of the CJK font used for every chart (shipped by ``mplfonts``).
CJK_FONT_FILE: str = "NotoSansCJKsc-Regular.otf"

#: Colour of each attainment status (charts and the scorecard table).
STATUS_COLORS: dict[str, str] = {
    "met": "#2e7d32",
    "not_met": "#c62828",
    "on_track": "#7cb342",
    "off_track": "#ef6c00",
    "baseline_met": "#00897b",
    "baseline": "#1e88e5",
    "no_data": "#9e9e9e",
    "not_assessable": "#bdbdbd",
}

#: Light background colour of each status (table cells).
STATUS_BACKGROUNDS: dict[str, str] = {
    "met": "#c8e6c9",
    "not_met": "#ffcdd2",
    "on_track": "#dcedc8",
    "off_track": "#ffe0b2",
    "baseline_met": "#e0f2f1",  # before the plan: the figure already reaches the target value
    "baseline": "#e3f2fd",  # before the plan: the base level, no pace
    "no_data": "#eeeeee",
    "not_assessable": "#f5f5f5",
    "provisional": "#fff3cd",  # a judged status resting on a figure that is not official (待核实)
}

#: Size of one report chart (inches): the size it is printed at.  A4 print (the stylesheet's
#: 180 mm text width, 7.1 in) and the Word report (157 mm, 6.2 in) show it at 1:1; in the HTML
#: report it is about 540 CSS px wide (96 px per inch, with the inline backend's 0.1 in tight-box
#: padding), scaled down to the column on a phone (about 376 px at 400 px, 0.7).  One chart per
#: picture, so a chart is never shrunk to half a page width and never taller than a page.
CHART_SIZE_IN: tuple[float, float] = (5.5, 3.4)

#: Font sizes of chart text (points at :data:`CHART_SIZE_IN`, so as printed): at least 9.5 pt on
#: paper and in Word, about 9 CSS px or more on a 400 px phone.
CHART_FONT_PT: dict[str, float] = {
    "title": 11.0,  # axes title
    "label": 10.0,  # axis label (年份)
    "tick": 10.0,  # tick labels
    "legend": 9.5,
    "annotation": 9.5,  # value labels at the points, the unit above the value axis
}

#: Resolution of chart figures: 96 dots per inch, so that a figure of W inches is W × 96 CSS px
#: (the inline backend's ``retina`` PNGs carry that display width; the Word report reads it).
CHART_DPI: int = 96

#: Comparators as printed in Chinese text.
COMPARATOR_ZH: dict[str, str] = {">": "＞", ">=": "≥", "<=": "≤", "<": "＜", "==": "="}

#: Units as printed on axes and in text.
UNIT_LABELS: dict[str, str] = UNIT_NAMES_ZH


def cjk_font_path() -> Path:
    """Path of the CJK font file shipped by ``mplfonts``.

    Returns
    -------
    Path
        ``.../mplfonts/fonts/NotoSansCJKsc-Regular.otf``.

    Raises
    ------
    FileNotFoundError
        If the installed ``mplfonts`` does not ship the font.

    Examples
    --------
    >>> cjk_font_path().name
    'NotoSansCJKsc-Regular.otf'
    """
    import mplfonts

    path = Path(mplfonts.__file__).resolve().parent / "fonts" / CJK_FONT_FILE
    if not path.is_file():
        raise FileNotFoundError(f"mplfonts does not ship {CJK_FONT_FILE} (looked in {path.parent})")
    return path


def use_cjk_font() -> str:
    """Register the shipped CJK font and make it matplotlib's default.

    Adds the font file with ``matplotlib.font_manager.fontManager.addfont``
    (never relying on system fonts), puts its family first in
    ``font.sans-serif``, sets ``font.family`` to ``sans-serif`` and turns off
    ``axes.unicode_minus`` (the CJK font has no Unicode minus glyph).
    Calling it again is harmless.

    Returns
    -------
    str
        The registered family name.

    Examples
    --------
    >>> use_cjk_font()
    'Noto Sans CJK SC'
    >>> import matplotlib
    >>> matplotlib.rcParams["font.sans-serif"][0], matplotlib.rcParams["axes.unicode_minus"]
    ('Noto Sans CJK SC', False)
    """
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    rc = matplotlib.rcParams
    rc["font.family"] = "sans-serif"
    rc["font.sans-serif"] = [name] + [f for f in rc["font.sans-serif"] if f != name]
    rc["axes.unicode_minus"] = False
    return name


def use_report_style() -> str:
    """The one chart style of every report: seaborn's white-grid theme, then the shipped CJK font.

    Figures of :data:`CHART_SIZE_IN` at :data:`CHART_DPI`, chart text of :data:`CHART_FONT_PT`
    (legible as printed), and in a notebook kernel ``retina`` PNGs that carry their display width.

    Returns
    -------
    str
        The CJK font family (see :func:`use_cjk_font`).

    Examples
    --------
    >>> use_report_style()
    'Noto Sans CJK SC'
    >>> import matplotlib
    >>> matplotlib.rcParams["axes.grid"], matplotlib.rcParams["font.sans-serif"][0]
    (True, 'Noto Sans CJK SC')
    >>> matplotlib.rcParams["figure.figsize"], matplotlib.rcParams["xtick.labelsize"]
    ([5.5, 3.4], 10.0)
    """
    import seaborn as sns

    sizes = CHART_FONT_PT
    sns.set_theme(
        style="whitegrid",
        context="notebook",
        rc={
            "figure.figsize": CHART_SIZE_IN,
            "figure.dpi": CHART_DPI,
            "savefig.dpi": "figure",
            "font.size": sizes["annotation"],
            "axes.titlesize": sizes["title"],
            "axes.labelsize": sizes["label"],
            "xtick.labelsize": sizes["tick"],
            "ytick.labelsize": sizes["tick"],
            "legend.fontsize": sizes["legend"],
            "legend.title_fontsize": sizes["legend"],
        },
    )
    _inline_retina()
    return use_cjk_font()


def _inline_retina() -> None:
    """In a notebook kernel, charts as ``retina`` PNGs: twice the pixels, shown at :data:`CHART_DPI`.

    The PNG output then carries its display width (``metadata["image/png"]["width"]``, the
    figure's width × 96 CSS px), which the HTML report uses for the ``<img>`` and the Word report
    for the picture (:func:`qclib.report.docx.notebook_pieces`).  Outside IPython nothing is done.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the notebook stack
        return
    if get_ipython() is None:
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("retina")


def unit_label(unit: Any, measure_word: Any = "") -> str:
    """Chinese label of a registry unit (the unit itself when not known).

    A count (unit ``count``) prints its indicator's measure word (``measure_word`` in
    ``params/indicators*.yml``: 件 for patents, 家 for enterprises, 台 for equipment);
    without one it falls back to the generic 个.

    Parameters
    ----------
    unit : str
        Unit as written in ``params/indicators.yml``.
    measure_word : str, optional
        The indicator's measure word (used for unit ``count`` only).

    Returns
    -------
    str

    Examples
    --------
    >>> unit_label("ug/m3"), unit_label("%"), unit_label("per 10k"), unit_label("kWh")
    ('微克/立方米', '%', '每万', 'kWh')
    >>> unit_label("count", "件"), unit_label("count"), unit_label("%", "件")
    ('件', '个', '%')
    """
    if unit is None or (isinstance(unit, float) and math.isnan(unit)):
        return ""
    if str(unit) == "count" and isinstance(measure_word, str) and measure_word:
        return measure_word
    return UNIT_LABELS.get(str(unit), str(unit))
