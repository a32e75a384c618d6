"""Observations: what was measured (``data/raw/`` plus the analyst's own files).

``load_observations`` reads the shipped tables and any CSV or Excel files (or
folders of them) an analyst passes, validates every row against the catalog
(:mod:`qclib.data.validate`) and returns one tidy long table.  Errors name file,
row, column, value and what is allowed; suspicious-but-possible values are
reported as :class:`~qclib.exceptions.QclibWarning` warnings.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from qclib.cells import restore
from qclib.constants import OBSERVATION_COLUMNS
from qclib.data.catalog import Catalog, load_catalog
from qclib.data.validate import resolve_official_conflicts, validate_observations
from qclib.exceptions import DataValidationError, Issue, QclibWarning
from qclib.paths import RAW_DATA_DIR

#: Suffixes read as observation files.
DATA_SUFFIXES: tuple[str, ...] = (".csv", ".xlsx", ".xlsm")

#: Columns a file must have.
REQUIRED_COLUMNS: tuple[str, ...] = ("city", "indicator_id", "year", "value", "unit", "source")
#: Columns a file may have (missing ones are filled with '').
OPTIONAL_COLUMNS: tuple[str, ...] = ("scope", "source_detail", "basis", "note", "source_kind")
#: Informational columns written by ``qc template``; ignored when read back.
TEMPLATE_INFO_COLUMNS: tuple[str, ...] = (
    "name_zh",
    "name_en",
    "target",
    "target_year",
    "kind",
    "definition",
    "plan_clause",
    "responsible_department",
    "due_date",
    "unit_zh",
)

#: Chinese column headers a file may use instead of the ids (the 数据需求清单 is written with them,
#: so a department reads Chinese and the filled sheet still loads).
HEADER_ALIASES_ZH: dict[str, str] = {
    "城市": "city",
    "指标代码": "indicator_id",
    "指标名称": "name_zh",
    "口径说明": "definition",
    "单位": "unit",
    "单位说明": "unit_zh",
    "规划目标": "target",
    "规划条款": "plan_clause",
    "年份": "year",
    "数值": "value",
    "统计范围": "scope",
    "来源": "source",
    "出处位置": "source_detail",
    "数据性质": "basis",
    "备注": "note",
    "责任部门": "responsible_department",
    "报送时间": "due_date",
}


def _expand(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(
                sorted(
                    q for q in p.rglob("*") if q.suffix.lower() in DATA_SUFFIXES and not q.name.startswith(("~$", "."))
                )
            )
        else:
            out.append(p)
    return out


def read_table(path: str | Path) -> pd.DataFrame:
    """Read one observation file as text, keeping its spreadsheet row numbers.

    Parameters
    ----------
    path : str or Path
        A UTF-8 CSV file or an Excel workbook (first sheet named
        ``observations`` if present, else the first sheet).

    Returns
    -------
    pandas.DataFrame
        All cells as stripped strings, plus ``file`` and ``row`` (1-based
        spreadsheet row, the header being row 1).

    Raises
    ------
    DataValidationError
        Missing file, unreadable file, unsupported suffix, missing or unknown
        columns.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "obs.csv")
    >>> _ = open(p, "w", encoding="utf-8").write(
    ...     "city,indicator_id,year,value,unit,source\\nzhengzhou,pm25_annual_mean,2015,96,ug/m3,x\\n")
    >>> read_table(p)[["city", "value", "row"]].to_dict("records")
    [{'city': 'zhengzhou', 'value': '96', 'row': 2}]
    """
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise DataValidationError([Issue(name, None, "", None, "file not found", "an existing CSV or Excel file")])
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            df = _read_csv(path)
        elif suffix in (".xlsx", ".xlsm"):
            df = _read_workbook(path)
        else:
            raise DataValidationError(
                [Issue(name, None, "", suffix, "unsupported file type", ", ".join(DATA_SUFFIXES))]
            )
    except DataValidationError:
        raise
    except Exception as exc:  # pandas/openpyxl raise many types for corrupt files
        raise DataValidationError(
            [Issue(name, None, "", None, f"cannot read file: {exc}", "a UTF-8 CSV or an .xlsx workbook")]
        ) from exc
    df.columns = [HEADER_ALIASES_ZH.get(str(c).strip(), str(c).strip()) for c in df.columns]
    doubled = sorted({c for c in df.columns if list(df.columns).count(c) > 1 and c})
    if doubled:
        raise DataValidationError(
            [Issue(name, 1, c, c, "column appears twice in the header", "each column once") for c in doubled]
        )
    df = restore(df)  # cells this product wrote with a leading ' against formula injection
    issues = []
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        issues.append(
            Issue(
                name,
                1,
                ", ".join(missing),
                [c for c in df.columns if c != "_line"],
                "missing required column(s)",
                ", ".join(REQUIRED_COLUMNS),
            )
        )
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS) | set(TEMPLATE_INFO_COLUMNS) | {PERCENT_CELL_COLUMN, "_line"}
    unknown = [c for c in df.columns if c not in known]
    if unknown:
        issues.append(
            Issue(
                name,
                1,
                ", ".join(unknown),
                unknown,
                "unknown column(s)",
                ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS),
            )
        )
    if issues:
        raise DataValidationError(issues)
    for col in OPTIONAL_COLUMNS:
        if col not in df.columns:
            df[col] = ""
    lines = df.pop("_line") if "_line" in df.columns else pd.Series(range(2, len(df) + 2), index=df.index)
    percent = df[PERCENT_CELL_COLUMN] if PERCENT_CELL_COLUMN in df.columns else pd.Series("", index=df.index)
    df = df.loc[:, list(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)]
    df = df.apply(lambda s: s.astype(str).str.strip())
    df[PERCENT_CELL_COLUMN] = percent.astype(str)
    df["file"] = name
    df["row"] = lines.astype(int).to_numpy()
    blank = df[list(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)].eq("").all(axis=1)
    return df.loc[~blank].reset_index(drop=True)


#: Column set by :func:`read_table` to ``"1"`` where an Excel value cell had a percent number
#: format (it displays ``35%`` and holds 0.35; the value read is 35).
PERCENT_CELL_COLUMN: str = "value_percent_cell"


def _cell_text(value: object, number_format: str) -> tuple[str, str]:
    """Text of one Excel cell and ``"1"`` if it is a number shown as a percent.

    Examples
    --------
    >>> _cell_text(0.35, "0%"), _cell_text(96, "General"), _cell_text(93.1, "0.0"), _cell_text(None, "General")
    (('35', '1'), ('96', ''), ('93.1', ''), ('', ''))
    """
    if value is None:
        return "", ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value), ""
    is_percent = "%" in (number_format or "")
    number = round(float(value) * 100, 10) if is_percent else float(value)
    text = str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
    return text, "1" if is_percent else ""


def _read_csv(path: Path) -> pd.DataFrame:
    """A CSV file as text with each record's own line number (``_line``), blank lines dropped.

    Trailing empty fields beyond the header (a trailing comma) are ignored; a record with more
    non-empty fields than the header is refused, naming its line.
    """
    import csv

    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            return pd.DataFrame()
        while header and header[-1].strip() == "":
            header = header[:-1]
        width, records, lines, extra = len(header), [], [], []
        for rec in reader:
            if not any(f.strip() for f in rec):
                continue
            if len(rec) > width and any(f.strip() for f in rec[width:]):
                extra.append(
                    Issue(
                        str(path),
                        reader.line_num,
                        "",
                        len(rec),
                        f"{len(rec)} fields but the header has {width}",
                        "quote text that contains a comma, or remove the extra fields",
                    )
                )
            records.append((rec + [""] * width)[:width])
            lines.append(reader.line_num)
    if extra:
        raise DataValidationError(extra)
    df = pd.DataFrame(records, columns=header, dtype=str)
    df["_line"] = lines
    return df


def _read_workbook(path: Path) -> pd.DataFrame:
    """The ``observations`` sheet (else the first) as text, reading each value cell's number format.

    Every spreadsheet row is kept (blank ones too) so that row numbers stay the sheet's own.
    """
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True)
    try:
        ws = wb["observations"] if "observations" in wb.sheetnames else wb.worksheets[0]
        rows = [[_cell_text(c.value, c.number_format) for c in r] for r in ws.iter_rows()]
    finally:
        wb.close()
    if not rows:
        return pd.DataFrame()
    header = [HEADER_ALIASES_ZH.get(str(t).strip(), str(t).strip()) for t, _ in rows[0]]  # 数值 is the value column too
    width = len(header)
    body = [r[:width] + [("", "")] * (width - len(r)) for r in rows[1:]]
    df = pd.DataFrame([[t for t, _ in r] for r in body], columns=header, dtype=str)
    if "value" in header:
        col = header.index("value")
        df[PERCENT_CELL_COLUMN] = [r[col][1] for r in body]
    return df


def load_observations(
    paths: str | Path | Sequence[str | Path] | None = None,
    *,
    include_shipped: bool = True,
    catalog: Catalog | None = None,
) -> pd.DataFrame:
    """Load and validate observations.

    Parameters
    ----------
    paths : path or list of paths, optional
        Extra CSV/Excel files or folders, merged with the shipped data.  With
        no paths, the shipped ``data/raw/`` tables only.
    include_shipped : bool, default True
        Whether to include ``data/raw/``.
    catalog : Catalog, optional
        The catalog to validate against (the shipped one by default).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`~qclib.constants.OBSERVATION_COLUMNS` (``year`` int,
        ``value`` float, ``file``/``row`` the provenance of each row).  Rows
        whose ``value`` is empty (e.g. an unfilled template line) are dropped
        and counted in a warning.  Exact duplicate rows are kept once.

    Raises
    ------
    DataValidationError
        Every invalid row and field across all files (nothing is returned).

    Examples
    --------
    >>> obs = load_observations()
    >>> obs.loc[(obs.city == "zhengzhou") & (obs.indicator_id == "pm25_annual_mean")
    ...         & (obs.year == 2013), ["value", "basis", "source_kind"]].to_dict("records")
    [{'value': 108.0, 'basis': 'official', 'source_kind': 'official_document'}]
    """
    if paths is None:
        extra: list[Path] = []
    elif isinstance(paths, (str, Path)):
        extra = _expand([paths])
    else:
        extra = _expand(paths)
    files = (_expand([RAW_DATA_DIR]) if include_shipped else []) + extra
    catalog = catalog if catalog is not None else load_catalog()
    issues: list[Issue] = []
    frames = []
    for f in files:
        try:
            frames.append(read_table(f))
        except DataValidationError as exc:
            issues.extend(exc.issues)
    if issues:
        raise DataValidationError(issues)
    if not frames:
        raw = pd.DataFrame(columns=list(REQUIRED_COLUMNS + OPTIONAL_COLUMNS) + ["file", "row"])
    else:
        raw = pd.concat(frames, ignore_index=True)
    obs, found = validate_observations(raw, catalog)
    shipped_names = {str(f) for f in files[: len(files) - len(extra)]}
    obs, conflicts = resolve_official_conflicts(obs, obs["file"].isin(shipped_names))
    found += conflicts
    errors = [i for i in found if i.severity == "error"]
    if errors:
        raise DataValidationError(errors)
    for w in found:
        warnings.warn(str(w), QclibWarning, stacklevel=2)
    return obs.loc[:, list(OBSERVATION_COLUMNS)].reset_index(drop=True)
