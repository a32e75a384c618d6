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
