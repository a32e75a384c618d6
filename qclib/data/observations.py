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
from qclib.data.validate import validate_observations
from qclib.exceptions import DataValidationError, Issue, QclibWarning
from qclib.paths import RAW_DATA_DIR

#: Suffixes read as observation files.
DATA_SUFFIXES: tuple[str, ...] = (".csv", ".xlsx", ".xlsm")

#: Columns a file must have.
REQUIRED_COLUMNS: tuple[str, ...] = ("city", "indicator_id", "year", "value", "unit", "source")
#: Columns a file may have (missing ones are filled with '').
OPTIONAL_COLUMNS: tuple[str, ...] = ("scope", "source_detail", "basis", "note")
#: Informational columns written by ``qc template``; ignored when read back.
TEMPLATE_INFO_COLUMNS: tuple[str, ...] = ("name_zh", "name_en", "target", "target_year", "kind")


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
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        elif suffix in (".xlsx", ".xlsm"):
            with pd.ExcelFile(path, engine="openpyxl") as xl:
                sheet = "observations" if "observations" in xl.sheet_names else xl.sheet_names[0]
                df = pd.read_excel(xl, sheet_name=sheet, dtype=str, keep_default_na=False)
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
    df = restore(df)  # cells this product wrote with a leading ' against formula injection
    df.columns = [str(c).strip() for c in df.columns]
    issues = []
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        issues.append(
            Issue(
                name, 1, ", ".join(missing), list(df.columns), "missing required column(s)", ", ".join(REQUIRED_COLUMNS)
            )
        )
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS) | set(TEMPLATE_INFO_COLUMNS)
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
    df = df.loc[:, list(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)]
    df = df.apply(lambda s: s.astype(str).str.strip())
    df["file"] = name
    df["row"] = range(2, len(df) + 2)
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
    ...         & (obs.basis == "plan_text") & (obs.year == 2013), ["year", "value"]].to_dict("records")
    [{'year': 2013, 'value': 108.0}]
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
    errors = [i for i in found if i.severity == "error"]
    if errors:
        raise DataValidationError(errors)
    for w in found:
        warnings.warn(str(w), QclibWarning, stacklevel=2)
    return obs.loc[:, list(OBSERVATION_COLUMNS)].reset_index(drop=True)
