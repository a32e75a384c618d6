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
    "no_data": "#9e9e9e",
    "not_assessable": "#bdbdbd",
}

#: Light background colour of each status (table cells).
STATUS_BACKGROUNDS: dict[str, str] = {
    "met": "#c8e6c9",
    "not_met": "#ffcdd2",
    "on_track": "#dcedc8",
    "off_track": "#ffe0b2",
    "no_data": "#eeeeee",
    "not_assessable": "#f5f5f5",
    "provisional": "#fff3cd",  # a judged status resting on a figure that is not official (待核实)
}

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
    """
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", rc={"axes.titlesize": 11, "legend.fontsize": 8})
    return use_cjk_font()


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
