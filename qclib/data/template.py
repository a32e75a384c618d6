"""Data-entry templates: an Excel sheet of a city's indicators to fill in.

``make_template`` writes one row per indicator (and scope) the city's plan
targets, with the target shown for reference and empty ``value`` and
``source`` cells.  The filled sheet is read back by
:func:`qclib.load_observations` and ``qc validate`` (informational columns are
ignored, unfilled rows are skipped as "no data").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qclib.atomic import atomic_path
from qclib.cells import neutralise
from qclib.data.catalog import Catalog, load_catalog
from qclib.exceptions import InvalidChoiceError

#: Column order of the template sheet.
TEMPLATE_COLUMNS: tuple[str, ...] = (
    "city",
    "indicator_id",
    "name_zh",
    "name_en",
    "unit",
    "target",
    "target_year",
    "year",
    "value",
    "scope",
    "source",
    "source_detail",
    "basis",
    "note",
)

_INSTRUCTIONS = [
    ("说明 / How to fill", ""),
    (
        "value",
        "填写该年度数值（单位见 unit 列），无数据请留空 / the figure in `unit`; leave empty when there is no data",
    ),
    ("source", "必填：文件名称、文号或网址 / required: document, file or URL the figure comes from"),
    ("source_detail", "出处位置（页码、表号、段落）/ where in the source"),
    ("basis", "official | research | partial_year | derived | plan_text"),
    ("note", "部分年度数据请注明月份，如 1-11月 / for partial-year figures say which months"),
    ("check", "填好后运行 / when filled, run:  qc validate THIS_FILE.xlsx"),
]


def _target_text(row: pd.Series) -> str:
    if not row["numeric"] or pd.isna(row["target_value"]):
        return f"{row['kind']} (no number)"
    value = f"{row['target_value']:g}"
    if row["kind"] == "trajectory":
        return f"{row['base_value']:g} ({row['base_year']}) -> {value} {row['unit']}"
    if row["kind"] in ("reduction_vs_base", "change_vs_base"):
        return f"{row['kind']} {row['comparator']} {value} % vs {row['base_year']}"
    return f"{row['comparator']} {value} {row['unit']}"


def template_frame(city: str, year: int, catalog: Catalog | None = None) -> pd.DataFrame:
    """The template table for ``city`` and ``year`` (pure: no file written).

    Parameters
    ----------
    city : str
        A city id of the catalog.
    year : int
        The year the figures will be entered for.
    catalog : Catalog, optional
        The shipped catalog by default.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TEMPLATE_COLUMNS`, one row per indicator and scope.

    Raises
    ------
    InvalidChoiceError
        Unknown city.

    Examples
    --------
    >>> t = template_frame("zhengzhou", 2016)
    >>> row = t.loc[t.indicator_id == "pm25_annual_mean"].iloc[0]
    >>> row["unit"], int(row["year"]), row["value"]
    ('ug/m3', 2016, '')
    """
    catalog = catalog if catalog is not None else load_catalog()
    if city not in catalog.cities:
        raise InvalidChoiceError("city", city, sorted(catalog.cities))
    t = catalog.targets.loc[catalog.targets["city"] == city]
    reg = catalog.indicators.set_index("indicator_id")
    rows = []
    for (iid, scope), grp in t.groupby(["indicator_id", "scope"], sort=False):
        ind = reg.loc[iid]
        rows.append(
            {
                "city": city,
                "indicator_id": iid,
                "name_zh": ind["name_zh"],
                "name_en": ind["name_en"],
                "unit": ind["unit"],
                "target": "; ".join(_target_text(r) for _, r in grp.iterrows()),
                "target_year": ", ".join(sorted({str(y) for y in grp["target_year"]})),
                "year": int(year),
                "value": "",
                "scope": scope,
                "source": "",
                "source_detail": "",
                "basis": "official",
                "note": "",
            }
        )
    return pd.DataFrame(rows, columns=list(TEMPLATE_COLUMNS))


def make_template(
    city: str, year: int, out: str | Path, *, force: bool = False, catalog: Catalog | None = None
) -> Path:
    """Write the Excel data-entry template for ``city`` and ``year``.

    Parameters
    ----------
    city, year
        See :func:`template_frame`.
    out : str or Path
        Destination ``.xlsx`` file.
    force : bool, default False
        Overwrite an existing file (refused otherwise, before anything is written).

    Returns
    -------
    Path
        The file written (atomically).

    Examples
    --------
    >>> import tempfile, os
    >>> p = make_template("xinxiang", 2020, os.path.join(tempfile.mkdtemp(), "t.xlsx"))
    >>> pd.read_excel(p, sheet_name="observations").columns[:3].tolist()
    ['city', 'indicator_id', 'name_zh']
    """
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise InvalidChoiceError("output file suffix", out.suffix, [".xlsx"])
    frame = template_frame(city, year, catalog)
    with atomic_path(out, force=force) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            neutralise(frame).to_excel(xw, sheet_name="observations", index=False)
            pd.DataFrame(_INSTRUCTIONS, columns=["field", "how"]).to_excel(xw, sheet_name="README", index=False)
            ws = xw.sheets["observations"]
            for col, width in zip("ABCDEFGHIJKLMN", (11, 34, 30, 30, 9, 26, 11, 6, 10, 10, 30, 20, 11, 16)):
                ws.column_dimensions[col].width = width
            ws.freeze_panes = "C2"
    return out


#: Columns of the data-request sheet (数据需求清单): the template's columns that
#: load back, plus what a department needs to answer (definition, the plan clause)
#: and a blank column for the department responsible.
REQUEST_COLUMNS: tuple[str, ...] = (
    "city",
    "indicator_id",
    "name_zh",
    "definition",
    "unit",
    "target",
    "plan_clause",
    "year",
    "value",
    "scope",
    "source",
    "source_detail",
    "basis",
    "note",
    "responsible_department",
)

#: Header row of the sheet in Chinese (row 2 of the sheet; the ids in row 1 load back).
REQUEST_HEADERS_ZH: dict[str, str] = {
    "city": "城市",
    "indicator_id": "指标代码",
    "name_zh": "指标名称",
    "definition": "口径说明",
    "unit": "单位",
    "target": "规划目标",
    "plan_clause": "规划条款",
    "year": "所需年份",
    "value": "数值（请填写）",
    "scope": "统计范围",
    "source": "来源（文件名称、文号或网址）",
    "source_detail": "出处位置",
    "basis": "数据性质",
    "note": "备注",
    "responsible_department": "责任部门（请填写）",
}


def request_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The data-request sheet (数据需求清单) for the targets a report could not judge.

    Parameters
    ----------
    rows : pandas.DataFrame
        One row per figure needed: ``city``, ``indicator_id``, ``name_zh``,
        ``unit``, ``scope``, ``year`` and optionally ``definition``,
        ``target`` (the target in words) and ``plan_clause``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REQUEST_COLUMNS`, ``value``, ``source`` and
        ``responsible_department`` empty, ``basis`` ``official``; one row per
        city, indicator, scope and year.  Filled in and passed to
        ``qc validate`` it loads like any observation file.

    Examples
    --------
    >>> f = request_frame(pd.DataFrame({"city": ["zhengzhou"], "indicator_id": ["consumer_service_satisfaction"],
    ...     "name_zh": ["消费性服务业顾客满意度"], "unit": ["score"], "scope": [""], "year": [2015]}))
    >>> f.loc[0, ["year", "value", "basis", "responsible_department"]].astype(str).tolist()
    ['2015', '', 'official', '']
    """
    out = rows.copy()
    for col in REQUEST_COLUMNS:
        if col not in out:
            out[col] = "official" if col == "basis" else ""
    out["year"] = pd.to_numeric(out["year"]).astype(int)
    out = out.drop_duplicates(subset=["city", "indicator_id", "scope", "year"])
    return out.loc[:, list(REQUEST_COLUMNS)].reset_index(drop=True)


def write_request(frame: pd.DataFrame, out: str | Path) -> Path:
    """Write :func:`request_frame` as an Excel sheet (atomically, formula cells neutralised).

    The header row holds the column ids (what ``qc validate`` reads), each
    with its Chinese name as a cell comment; the README sheet lists the
    Chinese names and says how to fill the sheet.

    Examples
    --------
    >>> import tempfile, os
    >>> f = request_frame(pd.DataFrame({"city": ["zhengzhou"], "indicator_id": ["road_traffic_noise"],
    ...     "name_zh": ["道路交通噪声"], "unit": ["dB(A)"], "scope": [""], "year": [2015]}))
    >>> p = write_request(f, os.path.join(tempfile.mkdtemp(), "r.xlsx"))
    >>> pd.read_excel(p, sheet_name="observations").loc[0, ["indicator_id", "year"]].astype(str).tolist()
    ['road_traffic_noise', '2015']
    """
    from openpyxl.comments import Comment

    out = Path(out)
    names = [(c, REQUEST_HEADERS_ZH[c]) for c in REQUEST_COLUMNS]
    with atomic_path(out, force=True) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            neutralise(frame).to_excel(xw, sheet_name="observations", index=False)
            readme = pd.DataFrame(names + _INSTRUCTIONS, columns=["field", "how"])
            readme.to_excel(xw, sheet_name="README", index=False)
            ws = xw.sheets["observations"]
            for i, (_, zh) in enumerate(names):
                ws.cell(row=1, column=i + 1).comment = Comment(zh, "qclib")
            for i, width in enumerate((10, 30, 28, 30, 9, 26, 30, 9, 12, 10, 30, 16, 10, 16, 18)):
                ws.column_dimensions[chr(ord("A") + i)].width = width
            ws.freeze_panes = "D3"
    return out
