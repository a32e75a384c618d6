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
from qclib.data.observations import HEADER_ALIASES_ZH
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


#: Columns of the data-request sheet (数据需求清单): what loads back, what a department needs
#: to answer (definition, the plan clause) and blank columns for the department and the date.
REQUEST_COLUMNS: tuple[str, ...] = (
    "city",
    "indicator_id",
    "name_zh",
    "definition",
    "unit",
    "unit_zh",
    "target",
    "plan_clause",
    "year",
    "value",
    "scope",
    "source",
    "source_detail",
    "note",
    "responsible_department",
    "due_date",
)

#: The sheet's Chinese headers (:data:`qclib.data.observations.HEADER_ALIASES_ZH` reads them back).
REQUEST_HEADERS_ZH: dict[str, str] = {v: k for k, v in HEADER_ALIASES_ZH.items() if v in REQUEST_COLUMNS}

#: How to fill the sheet, in Chinese (the README sheet).
REQUEST_INSTRUCTIONS: list[tuple[str, str]] = [
    ("填写说明", ""),
    ("数值", "填写该年度的数值，单位见“单位”列；没有数据请留空，不要填0"),
    ("来源", "必填：发布文件的名称、文号或网址"),
    ("出处位置", "页码、表号或段落"),
    ("备注", "只覆盖部分月份的数据请注明月份（如1-11月）"),
    ("责任部门、报送时间", "由牵头部门填写，分解到各责任部门"),
    ("注意", "请勿修改“城市”“指标代码”“年份”“单位”四列；填好后交回即可导入"),
]


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
        Columns :data:`REQUEST_COLUMNS`, ``value``, ``source``,
        ``responsible_department`` and ``due_date`` empty; one row per
        city, indicator, scope and year.  Filled in and passed to
        ``qc validate`` it loads like any observation file.

    Examples
    --------
    >>> f = request_frame(pd.DataFrame({"city": ["zhengzhou"], "indicator_id": ["consumer_service_satisfaction"],
    ...     "name_zh": ["消费性服务业顾客满意度"], "unit": ["score"], "scope": [""], "year": [2015]}))
    >>> f.loc[0, ["year", "value", "responsible_department"]].astype(str).tolist()
    ['2015', '', '']
    """
    out = rows.copy()
    for col in REQUEST_COLUMNS:
        if col not in out:
            out[col] = ""
    out["year"] = pd.to_numeric(out["year"]).astype(int)
    out = out.drop_duplicates(subset=["city", "indicator_id", "scope", "year"])
    return out.loc[:, list(REQUEST_COLUMNS)].reset_index(drop=True)


def write_request(frame: pd.DataFrame, out: str | Path) -> Path:
    """Write :func:`request_frame` as an Excel sheet (atomically, formula cells neutralised).

    The headers are Chinese (:data:`REQUEST_HEADERS_ZH`; the reader maps them
    back to the column ids), and a second sheet says in Chinese how to fill it.

    Examples
    --------
    >>> import tempfile, os
    >>> f = request_frame(pd.DataFrame({"city": ["zhengzhou"], "indicator_id": ["road_traffic_noise"],
    ...     "name_zh": ["道路交通噪声"], "unit": ["dB(A)"], "scope": [""], "year": [2015]}))
    >>> p = write_request(f, os.path.join(tempfile.mkdtemp(), "r.xlsx"))
    >>> pd.read_excel(p, sheet_name="数据需求清单").loc[0, ["指标代码", "年份"]].astype(str).tolist()
    ['road_traffic_noise', '2015']
    """
    out = Path(out)
    sheet = frame.loc[:, list(REQUEST_COLUMNS)].rename(columns=REQUEST_HEADERS_ZH)
    with atomic_path(out, force=True) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            neutralise(sheet).to_excel(xw, sheet_name="数据需求清单", index=False)
            pd.DataFrame(REQUEST_INSTRUCTIONS, columns=["项目", "说明"]).to_excel(
                xw, sheet_name="填写说明", index=False
            )
            ws = xw.sheets["数据需求清单"]
            for i, width in enumerate((10, 30, 28, 24, 9, 12, 26, 40, 8, 12, 10, 30, 16, 16, 18, 12)):
                ws.column_dimensions[chr(ord("A") + i)].width = width
            ws.freeze_panes = "D2"
    return out
