"""Batch runner: execute the report notebooks for cities × years with papermill.

The orchestrator :func:`run_reports` only sequences named steps::

    load_run_config → plan_reports (validate everything) → up_to_date? →
    prepare inputs once (qclib.batch.inputs) → render_report (per report, on
    the Dask engine's workers) → write_outputs (client) → export_scorecards →
    write_manifest → write_index

Rules:

- **Validate first.**  Unknown cities or years, a missing notebook or data
  file, a bad ``jobs`` value or scheduler address: a
  :class:`~qclib.exceptions.QclibError` is raised before any kernel starts.
- **Keep going, then fail.**  A failing report is recorded (stage, cell,
  exception) and the others still run; the summary says which failed and
  :attr:`RunSummary.exit_code` is 1.
- **Engine.**  Reports run on Dask distributed (:mod:`qclib.batch.engine`):
  an embedded cluster of ``jobs`` worker processes on 127.0.0.1, or an
  existing cluster (``scheduler``).  A worker needs only the installed qclib:
  :func:`render_report` gets the notebook text, parameters and inputs, runs
  a fresh kernel in a private temporary folder and returns every output as
  bytes (the HTML and, with ``formats``, the Word report; the data-request
  sheet); the kernel's log lines stay out of the run's output.
- **Compute once.**  The catalog and observations are loaded and validated
  once per set of data files and each report's scorecard computed once on
  the client; the notebook reads them from its ``inputs_path``
  (:mod:`qclib.batch.inputs`).
- **Atomic outputs, written by the client.**  :func:`write_outputs` moves each
  file into place with ``os.replace`` (the notebook, holding the cache
  record, last) and leaves unchanged files alone.  A failed notebook
  (papermill's error banner included) is kept as ``<stem>.failed.ipynb``
  beside the good files, never over them.
- **Incremental.**  A report whose notebook, parameters, code version (hash of
  the qclib sources) and inputs (hash of ``params/``, ``data/raw/`` and any
  extra data files) are unchanged is skipped without starting a kernel or a
  cluster (nor importing papermill, nbconvert or dask); the cache key lives
  in the output notebook's metadata, which is replaced last.  The scorecard
  export is skipped too when the city reports' cache keys are those of the
  last export.

Outputs: ``reports/<city>/<year>/city_report.{ipynb,html}`` and
``<city>_<year>_质量分析报告.docx`` (the Word report, :mod:`qclib.report.docx`),
``reports/comparison/<year>/city_comparison.{ipynb,html}`` and
``comparison_<year>_城市对比报告.docx`` (``formats`` chooses HTML and/or Word),
``data/processed/scorecard_<year>.{csv,parquet}``, ``reports/index.html`` and
``reports/manifest.json``.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from qclib.batch.manifest import (
    code_hash,
    digest,
    git_commit,
    hash_files,
    int_counts,
    read_manifest,
    sha256_file,
    utc_now,
    write_manifest,
)
from qclib.cells import neutralise
from qclib.constants import STATUSES
from qclib.data.yamlio import read_yaml
from qclib.exceptions import DataValidationError, InvalidChoiceError, Issue, QclibError
from qclib.paths import PARAMS_DIR, PROCESSED_DATA_DIR, PROJ_ROOT, RAW_DATA_DIR, REPORTS_DIR

#: The run definition read by ``qc run`` by default.
RUN_CONFIG_FILE: Path = PARAMS_DIR / "run.yml"

#: Report kinds and their notebook stems.
REPORT_KINDS: dict[str, str] = {"city": "city_report", "comparison": "city_comparison"}

#: Outcomes of one report in a run.
RESULT_STATUSES: tuple[str, ...] = ("ok", "skipped", "failed", "planned")

#: Output formats of a report besides its executed notebook (``qc run --formats``).
REPORT_FORMATS: tuple[str, ...] = ("html", "docx")

#: Word report file name of each report kind (``{city}``, ``{year}``).
DOCX_NAMES: dict[str, str] = {
    "city": "{city}_{year}_质量分析报告.docx",
    "comparison": "comparison_{year}_城市对比报告.docx",
}

#: Years a run definition may name.
YEAR_RANGE: tuple[int, int] = (1990, 2100)


# --------------------------------------------------------------------------- config
@dataclass(frozen=True)
class RunConfig:
    """The validated content of ``params/run.yml``.

    Attributes
    ----------
    notebooks : dict
        Report kind (``city``, ``comparison``) → notebook path.
    city_years : dict
        City id → the years it has a report for (sorted).
    city_data_paths : dict
        City id → extra observation files for that city's reports.
    comparison_cities : tuple of str
        Cities compared side by side.
    comparison_years : tuple of int
        Years with a comparison report.
    file : str
        Where the definition was read from.
    """

    notebooks: dict[str, Path]
    city_years: dict[str, tuple[int, ...]]
    city_data_paths: dict[str, tuple[Path, ...]] = field(default_factory=dict)
    comparison_cities: tuple[str, ...] = ()
    comparison_years: tuple[int, ...] = ()
    file: str = ""

    @property
    def cities(self) -> tuple[str, ...]:
        """Cities with reports, in the order of the file."""
        return tuple(self.city_years)


def _resolve(path: str | Path, base: Path) -> Path:
    p = Path(path)
    return p if p.is_absolute() else (base / p)


def load_run_config(path: str | Path | None = None, *, params_dir: str | Path | None = None) -> RunConfig:
    """Read and validate a run definition (``params/run.yml``).

    The file lists, per city, the years it has reports for (years with data
    or targets) and optional extra data files; the cities and years of the
    comparison report; and the notebooks::

        notebooks: {city: notebooks/city_report.ipynb, comparison: notebooks/city_comparison.ipynb}
        cities:
          zhengzhou: {years: [2013, 2014, 2015, 2016]}
          xinxiang: {years: [2013, 2015], data_paths: [my/xinxiang_2015.xlsx]}
        comparison: {cities: [zhengzhou, xinxiang], years: [2015]}

    Relative paths are relative to the project root.

    Parameters
    ----------
    path : str or Path, optional
        The file (``params/run.yml`` by default).
    params_dir : str or Path, optional
        Folder holding one ``<city>.yml`` per city; every city named must
        have one (the file's own folder by default).

    Returns
    -------
    RunConfig

    Raises
    ------
    DataValidationError
        Every problem found (unknown keys, cities without a params file,
        years that are not integers in :data:`YEAR_RANGE`, missing
        notebooks, comparison cities without reports).

    Examples
    --------
    >>> cfg = load_run_config()
    >>> "zhengzhou" in cfg.cities and cfg.notebooks["city"].name
    'city_report.ipynb'
    """
    path = Path(path) if path is not None else RUN_CONFIG_FILE
    params = Path(params_dir) if params_dir is not None else path.parent
    doc = read_yaml(path)
    file = str(path)
    if not isinstance(doc, dict):
        raise DataValidationError(
            [Issue(file, 1, "", type(doc).__name__, "must be a mapping", "keys notebooks, cities, comparison")]
        )
    r = _RunConfigReader(file)
    for key in doc:
        if key not in ("notebooks", "cities", "comparison"):
            r.add(_line_of(doc, key), key, key, "unknown key", "notebooks, cities, comparison")
    notebooks = r.notebooks(doc)
    city_years, city_data = r.cities(doc, params)
    comp_cities, comp_years = r.comparison(doc, city_years)
    if r.issues:
        raise DataValidationError(r.issues)
    return RunConfig(
        notebooks=notebooks,
        city_years=city_years,
        city_data_paths=city_data,
        comparison_cities=comp_cities,
        comparison_years=comp_years,
        file=file,
    )


def _line_of(mapping: Any, key: str) -> int | None:
    return mapping.line_of(key) if hasattr(mapping, "line_of") else None


class _RunConfigReader:
    """Checks of ``params/run.yml``, section by section; every problem is collected in :attr:`issues`."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[Issue] = []

    def add(self, line: int | None, column: str, value: Any, message: str, allowed: str = "") -> None:
        self.issues.append(Issue(self.file, line, column, value, message, allowed))

    def years_of(self, mapping: Any, key: str, where: str) -> tuple[int, ...]:
        """A non-empty list of plausible years, sorted and unique."""
        raw = mapping.get(key) if isinstance(mapping, dict) else None
        if not isinstance(raw, list) or not raw:
            self.add(_line_of(mapping, key), where, raw, "must be a non-empty list of years", "e.g. [2014, 2015]")
            return ()
        good = []
        for y in raw:
            if isinstance(y, bool) or not isinstance(y, int) or not YEAR_RANGE[0] <= y <= YEAR_RANGE[1]:
                self.add(_line_of(mapping, key), where, y, "not a year", f"integers {YEAR_RANGE[0]}-{YEAR_RANGE[1]}")
            else:
                good.append(y)
        return tuple(sorted(set(good)))

    def notebooks(self, doc: Any) -> dict[str, Path]:
        """The notebook of each report kind (defaults under ``notebooks/``), each existing."""
        nb_doc = doc.get("notebooks") or {}
        notebooks: dict[str, Path] = {}
        for kind, stem in REPORT_KINDS.items():
            nb = _resolve(nb_doc.get(kind, f"notebooks/{stem}.ipynb"), PROJ_ROOT)
            if not nb.is_file():
                self.add(
                    _line_of(nb_doc, kind), f"notebooks.{kind}", str(nb), "notebook not found", "an existing .ipynb"
                )
            notebooks[kind] = nb
        for key in nb_doc:
            if key not in REPORT_KINDS:
                self.add(_line_of(nb_doc, key), f"notebooks.{key}", key, "unknown report kind", ", ".join(REPORT_KINDS))
        return notebooks

    def cities(self, doc: Any, params: Path) -> tuple[dict[str, tuple[int, ...]], dict[str, tuple[Path, ...]]]:
        """Each city's years and extra data files; a city needs its ``params/<city>.yml``."""
        city_years: dict[str, tuple[int, ...]] = {}
        city_data: dict[str, tuple[Path, ...]] = {}
        cities_doc = doc.get("cities")
        if not isinstance(cities_doc, dict) or not cities_doc:
            self.add(
                _line_of(doc, "cities"),
                "cities",
                cities_doc,
                "must map city ids to {years: [...]}",
                "see params/README.md",
            )
            cities_doc = {}
        known = sorted(p.stem for p in params.glob("*.yml") if not p.name.startswith(("indicators", "run")))
        for city, spec in cities_doc.items():
            where = f"cities.{city}"
            if city not in known:
                self.add(
                    _line_of(cities_doc, city),
                    where,
                    city,
                    f"no params file for this city in {params} (a catalog elsewhere: give --params-dir)",
                    ", ".join(known),
                )
            if not isinstance(spec, dict):
                self.add(_line_of(cities_doc, city), where, spec, "must be a mapping with 'years'", "{years: [...]}")
                continue
            for key in spec:
                if key not in ("years", "data_paths"):
                    self.add(_line_of(spec, key), f"{where}.{key}", key, "unknown key", "years, data_paths")
            city_years[city] = self.years_of(spec, "years", f"{where}.years")
            paths = spec.get("data_paths") or []
            if not isinstance(paths, list):
                self.add(
                    _line_of(spec, "data_paths"),
                    f"{where}.data_paths",
                    paths,
                    "must be a list of files",
                    "[a.csv, b.xlsx]",
                )
                paths = []
            city_data[city] = tuple(_resolve(p, PROJ_ROOT) for p in paths)
        return city_years, city_data

    def comparison(self, doc: Any, city_years: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """The comparison's cities (two or more of this run's) and years."""
        comp = doc.get("comparison") or {}
        comp_cities: tuple[str, ...] = ()
        comp_years: tuple[int, ...] = ()
        if comp:
            raw_cities = comp.get("cities")
            if not isinstance(raw_cities, list) or len(raw_cities) < 2:
                self.add(
                    _line_of(comp, "cities"),
                    "comparison.cities",
                    raw_cities,
                    "must list at least two cities",
                    ", ".join(city_years),
                )
            else:
                for c in raw_cities:
                    if c not in city_years:
                        self.add(
                            _line_of(comp, "cities"),
                            "comparison.cities",
                            c,
                            "not a city of this run",
                            ", ".join(city_years),
                        )
                comp_cities = tuple(raw_cities)
            comp_years = self.years_of(comp, "years", "comparison.years")
            for key in comp:
                if key not in ("cities", "years"):
                    self.add(_line_of(comp, key), f"comparison.{key}", key, "unknown key", "cities, years")
        return comp_cities, comp_years


# --------------------------------------------------------------------------- selection
def parse_cities(spec: str | Sequence[str] | None, allowed: Sequence[str]) -> tuple[str, ...]:
    """Resolve a city selection (``"all"``, ``"a,b"``, a list, or None = all).

    Parameters
    ----------
    spec : str, sequence of str or None
        The selection.
    allowed : sequence of str
        Cities of the run definition, in order.

    Returns
    -------
    tuple of str
        Selected cities in the order of ``allowed``.

    Raises
    ------
    InvalidChoiceError
        Naming the parameter ``city`` and the allowed values.

    Examples
    --------
    >>> parse_cities("xinxiang,zhengzhou", ["zhengzhou", "xinxiang", "zhuzhou"])
    ('zhengzhou', 'xinxiang')
    >>> parse_cities("all", ["zhengzhou", "xinxiang"])
    ('zhengzhou', 'xinxiang')
    >>> parse_cities("lyon", ["zhengzhou"])
    Traceback (most recent call last):
    ...
    qclib.exceptions.InvalidChoiceError: city cannot be 'lyon'; allowed: 'all', 'zhengzhou'
    """
    if spec is None:
        return tuple(allowed)
    items = [s.strip() for s in spec.split(",")] if isinstance(spec, str) else [str(s).strip() for s in spec]
    items = [s for s in items if s]
    if not items:
        raise InvalidChoiceError("city", spec, ("all", *allowed))
    if items == ["all"]:
        return tuple(allowed)
    for c in items:
        if c not in allowed:
            raise InvalidChoiceError("city", c, ("all", *allowed))
    return tuple(c for c in allowed if c in items)


def parse_years(spec: str | int | Sequence[int] | None) -> tuple[tuple[int, ...] | None, bool]:
    """Parse a year selection.

    Parameters
    ----------
    spec : str, int, sequence of int or None
        ``2015``, ``"2015"``, ``"2014,2015"``, ``"2013:2016"`` (inclusive
        range), ``"all"`` or None (every configured year).

    Returns
    -------
    years : tuple of int or None
        The years named (None = all).
    is_range : bool
        True for a range (years outside a city's list are quietly left out);
        explicitly named years must each exist for some selected city.

    Raises
    ------
    InvalidChoiceError
        Naming the parameter ``year`` for anything else.

    Examples
    --------
    >>> parse_years("2013:2016")
    ((2013, 2014, 2015, 2016), True)
    >>> parse_years("2015,2014"), parse_years(2015), parse_years("all")
    (((2014, 2015), False), ((2015,), False), (None, False))
    >>> parse_years("20x5")
    Traceback (most recent call last):
    ...
    qclib.exceptions.InvalidChoiceError: year cannot be '20x5'; allowed: 'all', 'YYYY', 'YYYY,YYYY', 'YYYY:YYYY'
    """
    forms = ("all", "YYYY", "YYYY,YYYY", "YYYY:YYYY")
    if spec is None:
        return None, False
    if isinstance(spec, bool):
        raise InvalidChoiceError("year", spec, forms)
    if isinstance(spec, int):
        return (spec,), False
    if not isinstance(spec, str):
        try:
            years = tuple(sorted({int(y) for y in spec}))
        except (TypeError, ValueError):
            raise InvalidChoiceError("year", spec, forms) from None
        return years, False
    text = spec.strip()
    if text == "all":
        return None, False
    try:
        if ":" in text:
            a, b = (int(x) for x in text.split(":"))
            if a > b:
                raise ValueError
            return tuple(range(a, b + 1)), True
        years = tuple(sorted({int(x) for x in text.split(",") if x.strip()}))
        if not years:
            raise ValueError
        return years, False
    except ValueError:
        raise InvalidChoiceError("year", spec, forms) from None


def parse_formats(spec: str | Sequence[str] | None) -> tuple[str, ...]:
    """Resolve an output-format selection (``"html,docx"``, a list, or None = all).

    Parameters
    ----------
    spec : str, sequence of str or None
        Formats among :data:`REPORT_FORMATS` (the executed notebook is always written).

    Returns
    -------
    tuple of str
        In the order of :data:`REPORT_FORMATS`.

    Raises
    ------
    InvalidChoiceError
        Naming the parameter ``formats`` and the allowed values.

    Examples
    --------
    >>> parse_formats(None), parse_formats("docx, html"), parse_formats(["html"])
    (('html', 'docx'), ('html', 'docx'), ('html',))
    >>> parse_formats("pdf")
    Traceback (most recent call last):
    ...
    qclib.exceptions.InvalidChoiceError: formats cannot be 'pdf'; allowed: 'html', 'docx'
    """
    if spec is None:
        return REPORT_FORMATS
    items = [x.strip() for x in spec.split(",")] if isinstance(spec, str) else [str(x).strip() for x in spec]
    items = [x for x in items if x]
    if not items:
        raise InvalidChoiceError("formats", spec, REPORT_FORMATS)
    for x in items:
        if x not in REPORT_FORMATS:
            raise InvalidChoiceError("formats", x, REPORT_FORMATS)
    return tuple(f for f in REPORT_FORMATS if f in items)


# --------------------------------------------------------------------------- plan
@dataclass(frozen=True)
class ReportSpec:
    """One report to produce.

    Attributes
    ----------
    kind : str
        ``city`` or ``comparison``.
    key : str
        ``<city>/<year>`` or ``comparison/<year>`` (also the output folder).
    notebook : Path
        Template notebook.
    parameters : dict
        Injected into the template's ``parameters`` cell.
    out_dir : Path
        Output folder.
    data_paths : tuple of Path
        Extra observation files read by the report (hashed as inputs).
    """

    kind: str
    key: str
    notebook: Path
    parameters: dict[str, Any]
    out_dir: Path
    data_paths: tuple[Path, ...] = ()

    @property
    def stem(self) -> str:
        """Output file stem (the template's name)."""
        return REPORT_KINDS[self.kind]

    @property
    def ipynb(self) -> Path:
        """Executed notebook."""
        return self.out_dir / f"{self.stem}.ipynb"

    @property
    def html(self) -> Path:
        """HTML rendering (no code cells)."""
        return self.out_dir / f"{self.stem}.html"

    @property
    def docx(self) -> Path:
        """Word report (:data:`DOCX_NAMES`: ``zhengzhou_2015_质量分析报告.docx``)."""
        name = DOCX_NAMES[self.kind].format(city=self.parameters.get("city", ""), year=self.year)
        return self.out_dir / name

    def output(self, fmt: str) -> Path:
        """The file of an output format (:data:`REPORT_FORMATS`)."""
        return self.html if fmt == "html" else self.docx

    @property
    def failed(self) -> Path:
        """Where the notebook of a failed run is kept."""
        return self.out_dir / f"{self.stem}.failed.ipynb"

    @property
    def year(self) -> int:
        """Report year."""
        return int(self.parameters["year"])


def _check_output_folder(folder: Path) -> None:
    """Refuse an output folder that is a file or lies below one, before anything runs (a dry run too)."""
    from qclib.exceptions import OutputPathError

    for p in (folder, *folder.absolute().parents):
        if p.exists():
            if not p.is_dir():
                raise OutputPathError(f"cannot write reports to {folder}: {p} is a file; choose a folder")
            return


def plan_reports(
    cities: str | Sequence[str] | None = None,
    years: str | int | Sequence[int] | None = None,
    *,
    config: RunConfig,
    out_dir: str | Path,
    params_dir: str | Path | None = None,
    data_paths: Sequence[str | Path] = (),
    comparison: bool = True,
) -> list[ReportSpec]:
    """Validate a selection and list the reports to produce (nothing runs).

    City reports: every selected city × selected year in that city's
    ``years``.  Comparison reports: every selected year in the comparison's
    ``years``, when all comparison cities are selected.

    Parameters
    ----------
    cities, years
        Selections (see :func:`parse_cities`, :func:`parse_years`).
    config : RunConfig
        The run definition.
    out_dir : str or Path
        Root of the reports.
    params_dir : str or Path, optional
        Catalog folder passed to the notebooks ('' / None = shipped).
    data_paths : sequence of path
        Extra observation files for every report.
    comparison : bool
        Whether to include comparison reports.

    Returns
    -------
    list of ReportSpec
        City reports (by city, then year), then comparison reports.

    Raises
    ------
    InvalidChoiceError
        Unknown city, a named year no selected city has, a year form not
        understood.
    DataValidationError
        A data file that does not exist.
    OutputPathError
        An output folder that cannot be one (it, or a folder above it, is a file).

    Examples
    --------
    >>> cfg = RunConfig(notebooks={"city": Path("c.ipynb"), "comparison": Path("k.ipynb")},
    ...                 city_years={"zhengzhou": (2014, 2015), "xinxiang": (2015,)},
    ...                 comparison_cities=("zhengzhou", "xinxiang"), comparison_years=(2015,))
    >>> [s.key for s in plan_reports("all", "2015", config=cfg, out_dir="reports")]
    ['zhengzhou/2015', 'xinxiang/2015', 'comparison/2015']
    >>> [s.key for s in plan_reports("zhengzhou", None, config=cfg, out_dir="reports")]
    ['zhengzhou/2014', 'zhengzhou/2015']
    >>> plan_reports("xinxiang", "2014", config=cfg, out_dir="reports")
    Traceback (most recent call last):
    ...
    qclib.exceptions.InvalidChoiceError: year cannot be 2014; allowed: 2015
    """
    selected = parse_cities(cities, config.cities)
    wanted, is_range = parse_years(years)
    available = sorted({y for c in selected for y in config.city_years[c]})
    if wanted is not None and not is_range:
        for y in wanted:
            if y not in available:
                raise InvalidChoiceError("year", y, available)
    # the notebooks run in another folder: paths given relative to the caller's folder are made absolute
    extra = tuple(Path(p).absolute() for p in data_paths)
    missing = [
        p for p in extra + tuple(p for c in selected for p in config.city_data_paths.get(c, ())) if not p.exists()
    ]
    if missing:
        raise DataValidationError(
            [
                Issue(str(p), None, "data_paths", str(p), "file not found", "an existing CSV/Excel file or folder")
                for p in missing
            ]
        )
    _check_output_folder(Path(out_dir))
    root = Path(out_dir)
    pdir = "" if params_dir in (None, "") else str(Path(params_dir).absolute())
    specs: list[ReportSpec] = []
    for city in selected:
        for y in config.city_years[city]:
            if wanted is not None and y not in wanted:
                continue
            paths = extra + config.city_data_paths.get(city, ())
            specs.append(
                ReportSpec(
                    kind="city",
                    key=f"{city}/{y}",
                    notebook=config.notebooks["city"],
                    parameters={"city": city, "year": y, "params_dir": pdir, "data_paths": [str(p) for p in paths]},
                    out_dir=root / city / str(y),
                    data_paths=paths,
                )
            )
    if wanted is not None and is_range and not specs:
        raise InvalidChoiceError("year", years, available)
    if comparison and config.comparison_cities and set(config.comparison_cities) <= set(selected):
        paths = extra + tuple(
            dict.fromkeys(p for c in config.comparison_cities for p in config.city_data_paths.get(c, ()))
        )
        for y in config.comparison_years:
            if wanted is not None and y not in wanted:
                continue
            specs.append(
                ReportSpec(
                    kind="comparison",
                    key=f"comparison/{y}",
                    notebook=config.notebooks["comparison"],
                    parameters={
                        "cities": list(config.comparison_cities),
                        "year": y,
                        "params_dir": pdir,
                        "data_paths": [str(p) for p in paths],
                    },
                    out_dir=root / "comparison" / str(y),
                    data_paths=paths,
                )
            )
    return specs


# --------------------------------------------------------------------------- cache
def cache_components(
    spec: ReportSpec,
    *,
    params_dir: str | Path | None = None,
    code: str | None = None,
    hashed: dict[Path, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """What a report's output depends on, hashed.

    Parameters
    ----------
    spec : ReportSpec
        The report.
    params_dir : str or Path, optional
        Catalog folder (shipped ``params/`` by default).
    code : str, optional
        Precomputed :func:`qclib.batch.manifest.code_hash`.
    hashed : dict, optional
        Path → its :func:`~qclib.batch.manifest.hash_files`, filled and reused
        across the reports of a run (each file is read once).

    Returns
    -------
    dict
        ``notebook`` (hash), ``parameters``, ``code`` (hash), ``inputs``
        (file → hash for ``params/``, ``data/raw/`` and the extra data files)
        and ``cache_key`` (hash of all of them).

    Examples
    --------
    >>> from qclib.paths import NOTEBOOKS_DIR
    >>> spec = ReportSpec("city", "zhengzhou/2015", NOTEBOOKS_DIR / "city_report.ipynb",
    ...                   {"city": "zhengzhou", "year": 2015}, Path("reports/zhengzhou/2015"))
    >>> c = cache_components(spec)
    >>> sorted(c), "params/zhengzhou.yml" in c["inputs"]
    (['cache_key', 'code', 'inputs', 'notebook', 'parameters'], True)
    """
    pdir = Path(params_dir) if params_dir not in (None, "") else PARAMS_DIR
    parts = {
        "notebook": sha256_file(spec.notebook),
        "parameters": spec.parameters,
        "code": code if code is not None else code_hash(),
        "inputs": _hash_inputs([pdir, RAW_DATA_DIR, *spec.data_paths], {} if hashed is None else hashed),
    }
    return {**parts, "cache_key": digest(parts)}


def _hash_inputs(paths: Sequence[Path], hashed: dict[Path, dict[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in paths:
        if p not in hashed:
            hashed[p] = hash_files([p])
        out.update(hashed[p])
    return dict(sorted(out.items()))


def stored_cache(spec: ReportSpec, formats: Sequence[str] = ("html",)) -> dict[str, Any] | None:
    """The cache record of the report on disk, or None when it must run.

    None when the notebook or the file of one of ``formats`` is missing or
    unreadable, or the notebook has no ``metadata.qclib`` record.

    Parameters
    ----------
    spec : ReportSpec
        The report.
    formats : sequence of str
        Output formats that must be there (:data:`REPORT_FORMATS`).

    Returns
    -------
    dict or None

    Examples
    --------
    >>> spec = ReportSpec("city", "x/2015", Path("c.ipynb"), {"year": 2015}, Path("/nonexistent"))
    >>> stored_cache(spec) is None
    True
    """
    if not (spec.ipynb.is_file() and all(spec.output(f).is_file() for f in formats)):
        return None
    try:
        meta = json.loads(spec.ipynb.read_text(encoding="utf-8")).get("metadata", {}).get("qclib")
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) and "cache_key" in meta else None


def rerun_reason(
    spec: ReportSpec, components: Mapping[str, Any], *, force: bool = False, formats: Sequence[str] = ("html",)
) -> str | None:
    """Why a report must run, or None when its outputs are up to date.

    Parameters
    ----------
    spec : ReportSpec
        The report.
    components : mapping
        Its current :func:`cache_components`.
    force : bool
        Always rerun.
    formats : sequence of str
        Output formats wanted (a missing one reruns the report).

    Returns
    -------
    str or None
        ``forced``, ``no previous output``, ``previous run failed``, or
        ``<what> changed`` (notebook, parameters, code, inputs: file names).

    Examples
    --------
    >>> spec = ReportSpec("city", "x/2015", Path("c.ipynb"), {"year": 2015}, Path("/nonexistent"))
    >>> rerun_reason(spec, {"cache_key": "k"}), rerun_reason(spec, {}, force=True)
    ('no previous output', 'forced')
    """
    if force:
        return "forced"
    stored = stored_cache(spec, formats)
    if stored is None:
        return "previous run failed" if spec.failed.exists() else "no previous output"
    if stored.get("cache_key") == components.get("cache_key"):
        return None
    changed = [k for k in ("notebook", "parameters", "code") if stored.get(k) != components.get(k)]
    old_in, new_in = stored.get("inputs") or {}, components.get("inputs") or {}
    files = sorted(f for f in set(old_in) | set(new_in) if old_in.get(f) != new_in.get(f))
    if files:
        shown = ", ".join(files[:3]) + (f" (+{len(files) - 3})" if len(files) > 3 else "")
        changed.append(f"inputs ({shown})")
    return (" and ".join(changed) or "cache key") + " changed"


# --------------------------------------------------------------------------- execute
def _remove_dead_tmp(out_dir: Path) -> None:
    """Remove temporary files left by killed runs (their pid, part of the name, no longer exists).

    :func:`qclib.atomic.atomic_path` names its temporary files
    ``.<name>.<pid>.<random>.tmp<suffix>``.
    """
    for tmp in out_dir.glob(".*.tmp*"):
        parts = tmp.name.split(".")
        pid = next((int(p) for p in parts if p.isdigit()), None)
        if pid is None or pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            tmp.unlink(missing_ok=True)
        except PermissionError:
            continue


#: Cell tags whose cell (or output) no report shows (the Jupyter Book / nbconvert convention).
REMOVE_CELL_TAGS: tuple[str, ...] = ("remove-cell", "remove_cell")
REMOVE_OUTPUT_TAGS: tuple[str, ...] = ("remove-output", "remove_output")


def render_html(notebook_path: str | Path, html_path: str | Path) -> Path:
    """Render an executed notebook to HTML with the report template, atomically.

    The report template (:data:`qclib.report.layout.TEMPLATE_NAME`) shows no code,
    no prompts and no script; the page is ``lang="zh-CN"`` and carries the content
    security policy (:func:`qclib.report.escape.with_csp`); its tables are marked
    for the stylesheet (:func:`qclib.report.layout.decorate_tables`).  Cells tagged
    :data:`REMOVE_CELL_TAGS` (outputs tagged :data:`REMOVE_OUTPUT_TAGS`) are left out.

    Parameters
    ----------
    notebook_path : str or Path
        Executed notebook.
    html_path : str or Path
        Destination (written to a temporary file, then renamed).

    Returns
    -------
    Path

    Examples
    --------
    >>> import nbformat, tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("secret_code = 1")])
    >>> nbformat.write(nb, os.path.join(d, "a.ipynb"))
    >>> html = render_html(os.path.join(d, "a.ipynb"), os.path.join(d, "a.html")).read_text()
    >>> "secret_code" in html, '<html lang="zh-CN">' in html, "<script" in html
    (False, True, False)
    """
    import nbformat

    from qclib.atomic import atomic_path

    nb = nbformat.read(str(notebook_path), as_version=4)
    title = nb.metadata.get("qclib", {}).get("title") or Path(html_path).stem
    body = html_of_notebook(nb, title)
    with atomic_path(html_path) as tmp:
        tmp.write_text(body, encoding="utf-8")
    return Path(html_path)


@functools.lru_cache(maxsize=1)
def _html_exporter() -> Any:
    """The report template's HTML exporter, built once per process (its Jinja templates compile once)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    from qclib.report.layout import TEMPLATE_DIR, TEMPLATE_NAME

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    config.TagRemovePreprocessor.remove_all_outputs_tags = set(REMOVE_OUTPUT_TAGS)
    return HTMLExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        language_code="zh",
    )


def html_of_notebook(nb: Any, title: str) -> str:
    """The report page of an executed notebook (see :func:`render_html`).

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 标题")])
    >>> page = html_of_notebook(nb, "报告")
    >>> "<title>报告</title>" in page and "Content-Security-Policy" in page
    True
    """
    from qclib.report.escape import with_csp
    from qclib.report.layout import decorate_tables

    exporter = _html_exporter()
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    # the reports are Chinese documents, and no script may run in them (a missed escape stays inert)
    body = body.replace('<html lang="zh">', '<html lang="zh-CN">', 1)
    body = body.replace('alt="No description has been provided for this image"', 'alt="图表"')
    return with_csp(decorate_tables(body))


def render_outputs(notebook_path: str | Path, outputs: Mapping[str, str | Path], title: str | None = None) -> None:
    """Render an executed notebook to each output format (``html``, ``docx``), atomically.

    Parameters
    ----------
    notebook_path : str or Path
        Executed notebook.
    outputs : mapping
        Format (:data:`REPORT_FORMATS`) → destination file.
    title : str, optional
        Word document title (default: the notebook's ``metadata.qclib.title``).

    Examples
    --------
    >>> import nbformat, tempfile, os
    >>> d = tempfile.mkdtemp(); nb = os.path.join(d, "a.ipynb")
    >>> nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 报告")]), nb)
    >>> render_outputs(nb, {"html": os.path.join(d, "a.html"), "docx": os.path.join(d, "a.docx")})
    >>> sorted(os.listdir(d))
    ['a.docx', 'a.html', 'a.ipynb']
    """
    for fmt, path in outputs.items():
        if fmt == "html":
            render_html(notebook_path, path)
        elif fmt == "docx":
            from qclib.report.docx import write_docx

            write_docx(notebook_path, path, title=title)
        else:
            raise InvalidChoiceError("formats", fmt, REPORT_FORMATS)


def _error_fields(exc: BaseException) -> dict[str, Any]:
    return {
        "ename": getattr(exc, "ename", None) or type(exc).__name__,
        "evalue": str(getattr(exc, "evalue", None) or exc)[:2000],
        "cell": getattr(exc, "exec_count", None),
        "cell_index": getattr(exc, "cell_index", None),
    }


def make_task(
    spec: ReportSpec,
    cache: Mapping[str, Any],
    *,
    notebook_text: str,
    title: str = "",
    kernel_name: str = "python3",
    timeout: float | None = None,
    scorecard_for: Sequence[str] | None = None,
    formats: Sequence[str] = ("html",),
) -> dict[str, Any]:
    """What a worker needs to render one report: plain data, no path it must be able to read.

    Parameters
    ----------
    spec : ReportSpec
        The report.
    cache : mapping
        Its :func:`cache_components` (stored in the notebook's ``metadata.qclib``).
    notebook_text : str
        The template notebook (JSON text).
    title, kernel_name, timeout
        HTML title, Jupyter kernel, per-cell timeout in seconds (None: none).
    scorecard_for : sequence of str, optional
        The cities of the report's scorecard: with the shared inputs the
        worker computes it once, outside the kernel, and hands both to the
        notebook as its ``inputs_path`` (:mod:`qclib.batch.inputs`).
    formats : sequence of str
        Output formats (:data:`REPORT_FORMATS`); each becomes the file name the
        worker renders it to (``formats`` in the task).

    Returns
    -------
    dict
        ``key``, ``notebook_name``, ``notebook``, ``stem``, ``parameters``,
        ``cache``, ``title``, ``kernel_name``, ``timeout``, ``scorecard_for``, ``formats``.

    Examples
    --------
    >>> spec = ReportSpec("city", "x/2015", Path("nb/city_report.ipynb"), {"year": 2015}, Path("r/x/2015"))
    >>> t = make_task(spec, {"cache_key": "k"}, notebook_text="{}")
    >>> t["stem"], t["notebook_name"], t["scorecard_for"]
    ('city_report', 'city_report.ipynb', None)
    """
    return {
        "key": spec.key,
        "notebook_name": spec.notebook.name,
        "notebook": notebook_text,
        "stem": spec.stem,
        "parameters": dict(spec.parameters),
        "cache": dict(cache),
        "title": title or spec.stem,
        "kernel_name": kernel_name,
        "timeout": timeout,
        "scorecard_for": list(scorecard_for) if scorecard_for is not None else None,
        "formats": {f: spec.output(f).name for f in formats},
    }


def render_report(task: Mapping[str, Any], shared: bytes | None = None) -> dict[str, Any]:
    """Execute one report notebook and render it, in a private folder; return every output as bytes.

    Runs on a worker (:mod:`qclib.batch.engine`), which needs only the
    installed qclib: the notebook, its parameters and its inputs come in
    ``task`` and ``shared``; nothing is written outside a temporary folder,
    which is removed.  Steps: papermill (a fresh kernel; the notebook's
    ``inputs_path`` set when inputs were given) → cache record in
    ``metadata.qclib`` → HTML → data-request sheet → the names of the
    outputs recorded in ``metadata.qclib.outputs``.

    Parameters
    ----------
    task : mapping
        From :func:`make_task`.
    shared : bytes, optional
        The run's shared inputs (:func:`qclib.batch.inputs.dumps_shared`).

    Returns
    -------
    dict
        ``status`` (``ok``/``failed``), ``started_at``, ``duration_s``;
        ``outputs`` (file name → bytes, the notebook among them) when ok;
        on failure ``error`` (``stage``, ``ename``, ``evalue``, ``cell``
        (execution count), ``cell_index``) and ``failed_notebook`` (the
        partial notebook with papermill's error banner, or None).

    Examples
    --------
    >>> import nbformat
    >>> text = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1/0")]))
    >>> res = render_report({"notebook_name": "t.ipynb", "notebook": text, "stem": "t", "cache": {}})
    >>> res["status"], res["error"]["ename"], res["failed_notebook"] is not None
    ('failed', 'ZeroDivisionError', True)
    """
    from qclib.batch.engine import release_kernel, take_kernel
    from qclib.batch.inputs import prepare_report_inputs

    started, t0 = utc_now(), time.perf_counter()
    result: dict[str, Any] = {"started_at": started}
    work, km = take_kernel(task.get("kernel_name") or "python3")  # a kernel started ahead on a warm worker
    try:
        template = work / Path(str(task.get("notebook_name") or "report.ipynb")).name
        template.write_text(task["notebook"], encoding="utf-8")
        parameters = dict(task.get("parameters") or {})
        if shared is not None and task.get("scorecard_for") is not None:
            year = int(parameters["year"])
            path, result["scorecards"] = prepare_report_inputs(
                work / "inputs.pickle", shared, task["scorecard_for"], year
            )
            parameters["inputs_path"] = str(path)
        out = work / "out"
        out.mkdir()
        notebook = out / f"{task['stem']}.ipynb"
        result.update(_render_into(task, template, notebook, parameters, started, km))
        if result["status"] != "ok":
            result["failed_notebook"] = notebook.read_bytes() if notebook.exists() else None
    finally:
        release_kernel(work, km)
    result["duration_s"] = round(time.perf_counter() - t0, 3)
    return result


def _render_into(
    task: Mapping[str, Any], template: Path, notebook: Path, parameters: dict[str, Any], started: str, km: Any = None
) -> dict[str, Any]:
    """papermill → metadata → HTML and/or Word (``task["formats"]``) → data request, into ``notebook``'s folder.

    Returns ``status`` and ``outputs`` (file name → bytes) or ``error``.
    """
    import nbformat
    import papermill as pm

    out_dir = notebook.parent
    stage = "execute"
    try:
        pm.execute_notebook(
            str(template),
            str(notebook),
            parameters=parameters,
            kernel_name=task.get("kernel_name") or "python3",
            progress_bar=False,
            log_output=False,
            cwd=str(template.parent),
            execution_timeout=task.get("timeout"),
            request_save_on_cell_execute=False,  # written once at the end (and on error), not after every cell
            **({"km": km} if km is not None else {}),
        )
        stage = "metadata"
        nb = nbformat.read(str(notebook), as_version=4)
        record = {**dict(task.get("cache") or {}), "title": task.get("title") or notebook.stem, "executed_at": started}
        nb.metadata["qclib"] = record
        nbformat.write(nb, str(notebook))
        wanted = task.get("formats") or {"html": f"{notebook.stem}.html"}
        for fmt, name in wanted.items():
            stage = fmt
            render_outputs(notebook, {fmt: out_dir / _output_name(name)}, title=task.get("title"))
        stage = "data_request"
        write_data_request(nb, out_dir, dict(task.get("parameters") or {}))
        stage = "outputs"
        nb.metadata["qclib"]["outputs"] = sorted(p.name for p in out_dir.iterdir() if p.is_file())
        nbformat.write(nb, str(notebook))
        return {"status": "ok", "outputs": {p.name: p.read_bytes() for p in sorted(out_dir.iterdir()) if p.is_file()}}
    except Exception as exc:  # keep going: any failure of this report is recorded, not raised
        return {"status": "failed", "error": {"stage": stage, **_error_fields(exc)}}


def _output_name(name: Any) -> str:
    """A plain file name (no folder, not hidden): outputs come from a worker and are checked like data."""
    text = str(name)
    if not text or text != Path(text).name or text.startswith(".") or "\\" in text:
        raise ValueError(f"not a plain file name: {text!r}")
    return text


def write_outputs(out_dir: str | Path, stem: str, result: Mapping[str, Any]) -> list[str]:
    """Write a report's outputs on the client, atomically; return the names written.

    A successful result: every output is written to a temporary file and
    moved into place (``os.replace``) — unchanged files are left alone — the
    notebook (which holds the cache record) last; outputs of the previous run
    that this run did not produce (e.g. a data-request sheet no longer
    needed) are removed, and so is a ``<stem>.failed.ipynb``.  A failed
    result: only ``<stem>.failed.ipynb`` is written (the partial notebook with
    papermill's error banner); the good outputs of an earlier run stay as they
    were.

    Parameters
    ----------
    out_dir : str or Path
        The report's folder.
    stem : str
        The notebook's stem (``city_report``).
    result : mapping
        From :func:`render_report`.

    Returns
    -------
    list of str
        File names written or left unchanged.

    Raises
    ------
    ValueError
        An output name that is not a plain file name (nothing is written).

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> write_outputs(d, "r", {"status": "ok", "outputs": {"r.ipynb": b"{}", "r.html": b"<p>"}})
    ['r.html', 'r.ipynb']
    >>> write_outputs(d, "r", {"status": "failed", "failed_notebook": b"{}"}), sorted(p.name for p in d.iterdir())
    ([], ['r.failed.ipynb', 'r.html', 'r.ipynb'])
    """
    from qclib.atomic import atomic_write_bytes

    folder = Path(out_dir)
    failed = folder / f"{stem}.failed.ipynb"
    if result.get("status") != "ok":
        if result.get("failed_notebook"):
            atomic_write_bytes(failed, result["failed_notebook"])
        return []
    outputs = {_output_name(k): v for k, v in (result.get("outputs") or {}).items()}
    main = f"{stem}.ipynb"
    folder.mkdir(parents=True, exist_ok=True)
    _remove_dead_tmp(folder)
    previous = _previous_outputs(folder / main)
    for name in sorted(outputs, key=lambda n: (n == main, n)):  # the notebook (cache record) last
        path = folder / name
        if not (path.is_file() and path.stat().st_size == len(outputs[name]) and path.read_bytes() == outputs[name]):
            atomic_write_bytes(path, outputs[name])
    for name in previous - set(outputs) - {failed.name}:
        (folder / name).unlink(missing_ok=True)
    failed.unlink(missing_ok=True)
    return sorted(outputs)


def _previous_outputs(notebook: Path) -> set[str]:
    """Outputs the previous run recorded in its notebook (``metadata.qclib.outputs``)."""
    try:
        names = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["qclib"]["outputs"]
        return {_output_name(n) for n in names}
    except (OSError, ValueError, KeyError, TypeError):
        # a report written before outputs were recorded: its only optional output is the data request
        return {p.name for p in notebook.parent.glob("*_数据需求清单.xlsx")}


def execute_report(task: Mapping[str, Any]) -> dict[str, Any]:
    """Execute one report in this process and write its outputs: :func:`render_report` then :func:`write_outputs`.

    Parameters
    ----------
    task : mapping
        ``notebook``, ``ipynb``, ``failed`` (paths as str; the outputs go into
        the folder of ``ipynb``), ``parameters``, ``cache``, ``title``,
        ``kernel_name``, ``timeout``.

    Returns
    -------
    dict
        :func:`render_report`'s result without the bytes.

    Examples
    --------
    >>> import nbformat, tempfile, os
    >>> d = tempfile.mkdtemp(); nb = os.path.join(d, "t.ipynb")
    >>> nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1/0")]), nb)
    >>> res = execute_report({"notebook": nb, "ipynb": os.path.join(d, "o.ipynb"), "parameters": {},
    ...                       "cache": {"cache_key": "k"}})
    >>> res["status"], res["error"]["ename"], os.path.exists(os.path.join(d, "o.failed.ipynb"))
    ('failed', 'ZeroDivisionError', True)
    """
    ipynb = Path(task["ipynb"])
    notebook = Path(task["notebook"])
    inner = {
        **dict(task),
        "notebook_name": notebook.name,
        "notebook": notebook.read_text(encoding="utf-8"),
        "stem": ipynb.stem,
    }
    result = render_report(inner)
    write_outputs(ipynb.parent, ipynb.stem, result)
    return {k: v for k, v in result.items() if k not in ("outputs", "failed_notebook")}


def data_request_rows(nb: Any) -> list[dict[str, Any]]:
    """The data-request rows a city report emitted (:data:`qclib.report.tables.DATA_REQUEST_MIME`)."""
    from qclib.report.tables import DATA_REQUEST_MIME

    rows: list[dict[str, Any]] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if DATA_REQUEST_MIME in data:
                rows.extend(data[DATA_REQUEST_MIME])
    return rows


def write_data_request(nb: Any, out_dir: Path, parameters: Mapping[str, Any]) -> str | None:
    """Write the 数据需求清单 beside a city report: ``<city>_<year>_数据需求清单.xlsx``.

    The rows come from the executed notebook (the notebook writes no file); the
    sheet is :func:`qclib.data.template.request_frame`, which loads back with
    ``qc validate`` once filled.  A report without gaps writes no sheet and
    removes a stale one.  Returns the file name written (None when none).
    """
    import pandas as pd

    from qclib.data.template import request_frame, write_request

    rows = data_request_rows(nb)
    name = f"{parameters.get('city', 'report')}_{parameters.get('year', '')}_数据需求清单.xlsx"
    if not rows:
        (out_dir / name).unlink(missing_ok=True)
        return None
    write_request(request_frame(pd.DataFrame(rows)), out_dir / name)
    return name


# --------------------------------------------------------------------------- scorecards
def export_scorecards(
    specs: Sequence[ReportSpec],
    *,
    processed_dir: str | Path,
    params_dir: str | Path | None = None,
    inputs: Mapping[tuple[Path, ...], Any] | None = None,
    computed: Mapping[str, Any] | None = None,
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, Any]], list[Path], dict[str, dict[str, int]]]:
    """Write the scorecards of the planned city reports and count statuses.

    One file per year, ``scorecard_<year>.csv`` and ``.parquet``, with the
    rows of every city report of that year (a leading ``year`` column is the
    report year).  A partial run (``--city zhuzhou``) replaces the rows of its
    own cities and keeps the other cities' rows of an earlier run
    (:func:`_merge_with_earlier`).  Each city is computed with its own extra
    data files; a city whose inputs fail to load is left out and reported
    (its earlier rows are kept); a city without plan targets has no
    scorecard and no counts.

    Parameters
    ----------
    specs : sequence of ReportSpec
        The run's reports (comparison reports reuse their cities' counts).
    processed_dir : str or Path
        Destination folder.
    params_dir : str or Path, optional
        Catalog folder.
    inputs : mapping, optional
        Set of data files → the inputs the run already loaded and validated
        for it (not loaded again).
    computed : mapping, optional
        Report key → the scorecard its worker computed (not computed again;
        reports without one, e.g. skipped as up to date, are computed here).

    Returns
    -------
    counts : dict
        Report key → status → count (comparison keys: summed over cities).
    errors : dict
        Report key → error fields for city reports whose scorecard failed.
    written : list of Path
        Files written.
    headlines : dict
        Report key → :func:`headline_counts` (comparison keys: summed over cities).
    """
    import pandas as pd

    from qclib.atomic import atomic_path
    from qclib.report.tables import load_report_inputs

    pdir = None if params_dir in (None, "") else params_dir
    counts: dict[str, dict[str, int]] = {}
    errors: dict[str, dict[str, Any]] = {}
    frames: dict[int, list[pd.DataFrame]] = {}
    headlines: dict[str, dict[str, int]] = {}
    inputs_cache: dict[tuple, Any] = dict(inputs or {})
    done = computed or {}
    for spec in specs:
        if spec.kind != "city":
            continue
        try:
            if spec.key in done:
                sc = done[spec.key]
            else:
                key = spec.data_paths
                if key not in inputs_cache:
                    inputs_cache[key] = load_report_inputs(pdir, list(spec.data_paths))
                city = spec.parameters["city"]
                if not (inputs_cache[key].catalog.targets["city"] == city).any():
                    continue  # a city without plan targets has no scorecard (its report lists baseline data)
                sc = inputs_cache[key].scorecard(city, spec.year)
        except Exception as exc:  # recorded per report; the others are still exported
            errors[spec.key] = {"stage": "scorecard", **_error_fields(exc)}
            continue
        counts[spec.key] = status_counts(sc)
        headlines[spec.key] = headline_counts(sc)
        frames.setdefault(spec.year, []).append(sc.assign(year=spec.year))
    for spec in specs:
        if spec.kind == "comparison":
            _comparison_counts(spec, counts, headlines, inputs_cache, pdir)
    written: list[Path] = []
    out = Path(processed_dir)
    for year, parts in sorted(frames.items()):
        df = pd.concat(parts, ignore_index=True)
        df = df[["year"] + [c for c in df.columns if c != "year"]]
        csv, parquet = out / f"scorecard_{year}.csv", out / f"scorecard_{year}.parquet"
        df = _merge_with_earlier(df, parquet)
        with atomic_path(csv) as tmp:
            neutralise(df).to_csv(tmp, index=False, encoding="utf-8", lineterminator="\r\n")  # opened in Excel
        with atomic_path(parquet) as tmp:
            df.to_parquet(tmp, index=False)
        written += [csv, parquet]
    return counts, errors, written, headlines


def _comparison_counts(
    spec: ReportSpec,
    counts: dict[str, dict[str, int]],
    headlines: dict[str, dict[str, int]],
    inputs_cache: dict[tuple, Any],
    pdir: Any,
) -> None:
    """A comparison's counts: the sum over its cities, computing the scorecards of cities the run did not report."""
    from qclib.report.tables import load_report_inputs

    try:
        for c in spec.parameters["cities"]:
            key = f"{c}/{spec.year}"
            if key not in counts:
                if spec.data_paths not in inputs_cache:
                    inputs_cache[spec.data_paths] = load_report_inputs(pdir, list(spec.data_paths))
                sc = inputs_cache[spec.data_paths].scorecard(c, spec.year)
                counts[key] = status_counts(sc)
                headlines[key] = headline_counts(sc)
    except Exception:  # a city without targets or inputs that fail: the comparison shows no counts
        return
    _sum_cities(spec, counts, headlines)


def status_counts(scorecard: Any) -> dict[str, int]:
    """Status → number of targets (every status of :data:`~qclib.constants.STATUSES`, 0 when absent).

    Examples
    --------
    >>> import pandas as pd
    >>> status_counts(pd.DataFrame({"status": ["met", "met", "no_data"]}))["met"]
    2
    """
    vc = scorecard["status"].value_counts()
    return {s: int(vc.get(s, 0)) for s in STATUSES}


def _sum_cities(spec: ReportSpec, counts: dict[str, dict[str, int]], headlines: dict[str, dict[str, int]]) -> None:
    """A comparison's counts and headline: the sums over its cities' (all of them known, else none)."""
    keys = [f"{c}/{spec.year}" for c in spec.parameters.get("cities", [])]
    if not keys or not all(k in counts and k in headlines for k in keys):
        return
    counts[spec.key] = {s: sum(counts[k].get(s, 0) for k in keys) for s in STATUSES}
    headlines[spec.key] = {h: sum(headlines[k].get(h, 0) for k in keys) for h in headlines[keys[0]]}


def headline_counts(scorecard: Any) -> dict[str, int]:
    """What a leader reads first: judged statuses on official figures, 待核实, 无法判断, and directions.

    Keys: ``met``, ``on_track``, ``off_track``, ``not_met``, and before the plan
    starts ``baseline_met`` (规划前已达到目标值) and ``baseline`` (基期水平), each
    resting on official figures; ``provisional`` (待核实), ``cannot_judge``
    (无法判断), ``improving``, ``slow``, ``worsening`` (the progress arrows ↑ ↗ ↓ of
    :func:`qclib.report.tables.overview_table`) and ``before_plan`` (the targets
    of a report year, or resting on a figure, before the plan starts: all of
    them in a baseline year; the index shows no pace columns then).

    Examples
    --------
    >>> import pandas as pd
    >>> sc = pd.DataFrame({"status": ["met", "met", "no_data"], "provisional": [False, True, False],
    ...                    "progress_category": ["achieved", "significant", "not_assessable"]})
    >>> headline_counts(sc)["met"], headline_counts(sc)["provisional"], headline_counts(sc)["improving"]
    (1, 1, 1)
    >>> base = pd.DataFrame({"status": ["baseline_met", "baseline", "no_data"], "provisional": [False] * 3,
    ...                      "progress_category": ["not_assessable"] * 3, "before_plan": [True] * 3})
    >>> {k: v for k, v in headline_counts(base).items() if v}
    {'baseline_met': 1, 'baseline': 1, 'cannot_judge': 1, 'before_plan': 3}
    """
    from qclib.report.narrative import DIRECTION_ARROWS, is_before_plan, overview_bucket

    names = {"已达标": "met", "进度正常": "on_track", "进度滞后": "off_track", "未达标": "not_met"}
    names |= {"规划前已达到目标值": "baseline_met", "基期水平": "baseline"}
    names |= {"待核实": "provisional", "无法判断": "cannot_judge"}
    out = dict.fromkeys([*names.values(), "improving", "slow", "worsening", "before_plan"], 0)
    for r in scorecard.to_dict("records"):
        out[names[overview_bucket(r)]] += 1
        out["before_plan"] += is_before_plan(r)
        arrow = DIRECTION_ARROWS.get(str(r.get("progress_category")), "")
        key = {"↑": "improving", "↗": "slow", "↓": "worsening"}.get(arrow)
        if key:
            out[key] += 1
    return out


def _merge_with_earlier(df: Any, parquet: Path) -> Any:
    """This run's scorecard rows plus an earlier file's rows of the cities this run did not compute.

    The parquet file is the record (the CSV is its Excel copy); an unreadable
    earlier file is replaced, not merged (nothing in it could be trusted).
    """
    import pandas as pd

    if not parquet.exists():
        return df
    try:
        old = pd.read_parquet(parquet)
    except Exception:  # a damaged earlier export: this run's rows stand alone
        return df
    keep = old.loc[~old["city"].isin(set(df["city"]))]
    if keep.empty:
        return df
    merged = pd.concat([keep.reindex(columns=df.columns), df], ignore_index=True)
    return merged.sort_values("city", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- summary
@dataclass
class ReportResult:
    """Outcome of one report in a run.

    Attributes
    ----------
    key : str
        ``<city>/<year>`` or ``comparison/<year>``.
    kind : str
        ``city`` or ``comparison``.
    status : str
        One of :data:`RESULT_STATUSES`.
    reason : str
        Why it ran (or ``up to date``).
    duration_s : float
        Seconds spent executing (0 when skipped).
    error : dict or None
        ``stage``, ``ename``, ``evalue``, ``cell`` when failed.
    """

    key: str
    kind: str
    status: str
    reason: str = ""
    duration_s: float = 0.0
    error: dict[str, Any] | None = None

    def error_text(self) -> str:
        """One-line error: ``In [cell]: Ename: evalue`` (empty when none)."""
        if not self.error:
            return ""
        cell = self.error.get("cell")
        where = f"In [{cell}]: " if cell is not None else f"{self.error.get('stage')}: "
        first = str(self.error.get("evalue", "")).strip().splitlines()
        return f"{where}{self.error.get('ename')}: {first[0] if first else ''}"[:160]


@dataclass
class RunSummary:
    """What a run did.

    Attributes
    ----------
    results : list of ReportResult
        One per planned report, in plan order.
    manifest : Path or None
        The manifest written (None on a dry run).
    index : Path or None
        The index written (None on a dry run).
    scorecards : list of Path
        Scorecard files written.
    """

    results: list[ReportResult]
    manifest: Path | None = None
    index: Path | None = None
    scorecards: list[Path] = field(default_factory=list)

    def count(self, status: str) -> int:
        """Number of reports with a given status."""
        return sum(r.status == status for r in self.results)

    @property
    def exit_code(self) -> int:
        """0 when nothing failed, 1 otherwise."""
        return 1 if self.count("failed") else 0

    def table(self) -> str:
        """The summary table (report, status, seconds, reason or error).

        Examples
        --------
        >>> s = RunSummary([ReportResult("zhengzhou/2015", "city", "ok", "no previous output", 3.2),
        ...                 ReportResult("xinxiang/2015", "city", "failed", "forced", 1.0,
        ...                              {"cell": 4, "ename": "KeyError", "evalue": "'x'"})])
        >>> print(s.table())
        report          status    seconds  detail
        zhengzhou/2015  ok            3.2  no previous output
        xinxiang/2015   failed        1.0  In [4]: KeyError: 'x'
        1 ok, 0 skipped, 1 failed
        """
        width = max([len("report")] + [len(r.key) for r in self.results])
        lines = [f"{'report':<{width}}  {'status':<8} {'seconds':>7}  detail"]
        for r in self.results:
            detail = r.error_text() if r.status == "failed" else r.reason
            lines.append(f"{r.key:<{width}}  {r.status:<8} {r.duration_s:>7.1f}  {detail}")
        if any(r.status == "planned" for r in self.results):
            tail = f"dry run: {self.count('planned')} to run, {self.count('skipped')} up to date"
        else:
            tail = f"{self.count('ok')} ok, {self.count('skipped')} skipped, {self.count('failed')} failed"
        return "\n".join(lines + [tail])


class _Progress:
    """Per-report progress: a tqdm bar on a terminal, plain lines otherwise."""

    def __init__(self, total: int, stream: IO[str], bar: bool):
        self.total, self.stream, self.done = total, stream, 0
        self.bar = None
        if bar and total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=stream, unit="report", leave=False, dynamic_ncols=True)

    def line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def report(self, result: ReportResult) -> None:
        self.done += 1
        detail = result.error_text() if result.status == "failed" else result.reason
        w = len(str(self.total))
        self.line(
            f"[{self.done:>{w}}/{self.total}] {result.status:<7} {result.key} "
            f"({result.duration_s:.1f} s) {detail}".rstrip()
        )
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# --------------------------------------------------------------------------- orchestrator
def run_reports(
    cities: str | Sequence[str] | None = None,
    years: str | int | Sequence[int] | None = None,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    engine: Any = None,
    force: bool = False,
    dry_run: bool = False,
    out_dir: str | Path | None = None,
    params_dir: str | Path | None = None,
    data_paths: Sequence[str | Path] = (),
    run_config: str | Path | RunConfig | None = None,
    processed_dir: str | Path | None = None,
    comparison: bool = True,
    scorecards: bool = True,
    kernel_name: str = "python3",
    timeout: float | None = None,
    progress: bool | None = None,
    stream: IO[str] | None = None,
    formats: str | Sequence[str] | None = None,
) -> RunSummary:
    """Build the reports: validate, execute what changed, export, index, manifest.

    Parameters
    ----------
    cities : str or sequence, optional
        ``"all"``, ``"zhengzhou,xinxiang"`` or a list (default: the run
        definition's cities).
    years : str, int or sequence, optional
        ``2015``, ``"2013:2016"``, ``"2014,2015"`` or ``"all"`` (default: each
        city's years).
    jobs : int
        Worker processes of the embedded Dask cluster (>= 1), one report each at a time.
    scheduler : str, optional
        ``tcp://HOST:PORT`` of a running Dask scheduler to execute on instead
        (``jobs`` is then ignored).
    engine : optional
        An engine of :mod:`qclib.batch.engine` to use instead (e.g.
        :class:`~qclib.batch.engine.InlineEngine`); not entered when nothing runs.
    force : bool
        Rerun reports that are up to date.
    dry_run : bool
        Validate and print the plan (what would run and why); run nothing,
        write nothing.
    out_dir : str or Path, optional
        Reports root (``reports/``).
    params_dir : str or Path, optional
        Catalog folder for the notebooks (shipped ``params/``).
    data_paths : sequence of path
        Extra observation files for every report.
    run_config : path or RunConfig, optional
        Run definition (``params/run.yml``).
    processed_dir : str or Path, optional
        Where the scorecards go (``data/processed/``).
    comparison : bool
        Include the comparison reports.
    scorecards : bool
        Export the scorecards and count statuses for the index.
    kernel_name : str
        Jupyter kernel.
    timeout : float, optional
        Per-cell execution timeout in seconds.
    progress : bool, optional
        Progress bar (default: when ``stream`` is a terminal); otherwise one
        line per report.
    stream : file, optional
        Where progress goes (``sys.stderr``).
    formats : str or sequence, optional
        Output formats besides the notebook: ``"html,docx"`` (default, both),
        ``"html"`` or ``"docx"`` (:func:`parse_formats`).

    Returns
    -------
    RunSummary
        ``exit_code`` is 1 when a report failed.

    Raises
    ------
    InvalidChoiceError
        Bad selection, ``jobs``, ``formats`` or ``scheduler`` (nothing has run).
    DataValidationError
        Bad run definition or missing data file (nothing has run).
    """
    stream = stream if stream is not None else sys.stderr
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise InvalidChoiceError("jobs", jobs, ("a positive integer",))
    fmts = parse_formats(formats)
    if engine is None:
        from qclib.batch.engine import make_engine

        engine = make_engine(jobs, scheduler, stream=stream)  # validates the address; starts nothing yet
    config = (
        run_config
        if isinstance(run_config, RunConfig)
        else load_run_config(run_config, params_dir=_params_folder(params_dir))
    )
    root = Path(out_dir) if out_dir is not None else REPORTS_DIR
    processed = Path(processed_dir) if processed_dir is not None else PROCESSED_DATA_DIR
    specs = plan_reports(
        cities, years, config=config, out_dir=root, params_dir=params_dir, data_paths=data_paths, comparison=comparison
    )
    pdir = _params_folder(params_dir)
    code = code_hash()
    previous_manifest = read_manifest(root / "manifest.json")
    names_before = (previous_manifest.get("last_run") or {}).get("city_names")
    hashes: dict[Path, dict[str, str]] = {}
    components = {s.key: cache_components(s, params_dir=pdir, code=code, hashed=hashes) for s in specs}
    reasons = {s.key: rerun_reason(s, components[s.key], force=force, formats=fmts) for s in specs}
    bar = progress if progress is not None else bool(getattr(stream, "isatty", lambda: False)())
    results: dict[str, ReportResult] = {}
    to_run = [s for s in specs if reasons[s.key] is not None]
    if dry_run:
        out = [
            ReportResult(s.key, s.kind, "planned" if reasons[s.key] else "skipped", reasons[s.key] or "up to date")
            for s in specs
        ]
        return RunSummary(out)

    if not to_run:  # else read from the catalog the run loads
        names, names_cache = cached_city_names(pdir, names_before)
    started, t0 = utc_now(), time.perf_counter()
    prog = _Progress(len(specs), stream, bar)
    for s in specs:
        if reasons[s.key] is None:
            results[s.key] = ReportResult(s.key, s.kind, "skipped", "up to date")
            _remove_dead_tmp(s.out_dir)  # a killed earlier run's temporary files go, even when nothing runs
            prog.report(results[s.key])
    raw: dict[str, dict[str, Any]] = {}
    computed: dict[str, Any] = {}  # report key → the scorecard its worker computed (exported as is)
    loaded: dict[tuple[Path, ...], Any] = {}
    by_key = {s.key: s for s in specs}

    def record(task: Mapping[str, Any], res: dict[str, Any]) -> None:
        s = by_key[task["key"]]
        try:
            write_outputs(s.out_dir, s.stem, res)
        except (OSError, ValueError, QclibError) as exc:  # this report fails; the others go on
            res = {**res, "status": "failed", "error": {"stage": "write", **_error_fields(exc)}}
        raw[s.key] = {k: v for k, v in res.items() if k not in ("outputs", "failed_notebook", "scorecards")}
        if res.get("scorecards"):
            computed.update(_worker_scorecard(s, res["scorecards"]))
        results[s.key] = ReportResult(
            s.key, s.kind, res["status"], reasons[s.key] or "", res.get("duration_s", 0.0), res.get("error")
        )
        prog.report(results[s.key])

    engine_info: dict[str, Any] = {"name": getattr(engine, "name", "?"), "workers": 0, "started": False}
    try:
        if to_run:
            n_sets = len({s.data_paths for s in specs})
            loaded, bad = _validated_inputs(to_run, pdir, n_sets)  # a bad data file or catalog stops the run here
            names, names_cache = cached_city_names(pdir, names_before, known=_catalog_names(loaded))
            for s in [s for s in to_run if s.data_paths in bad]:
                error = {"stage": "inputs", **_error_fields(bad[s.data_paths]), "evalue": str(bad[s.data_paths])}
                record({"key": s.key}, {"status": "failed", "duration_s": 0.0, "error": error})
            runnable = [s for s in to_run if s.data_paths not in bad]
            runnable = longest_first(runnable, _previous_durations(previous_manifest), _target_counts(runnable, loaded))
            tasks = _tasks(runnable, components, names, pdir, kernel_name, timeout, fmts, loaded)
            with engine:
                engine_info = engine.describe()
                engine.run(render_report, tasks, record)
    finally:
        prog.close()

    previous = previous_manifest["reports"]
    export_key = _export_key(specs, components, processed)
    headlines: dict[str, dict[str, int]] = {}
    if not scorecards:
        written = []
        counts, headlines = _counts_without_export(specs, computed, previous)
    elif _export_unchanged(previous_manifest, export_key, specs):
        counts = {s.key: c for s in specs if (c := int_counts((previous.get(s.key) or {}).get("counts")))}
        headlines = {s.key: h for s in specs if (h := int_counts((previous.get(s.key) or {}).get("headline")))}
        written = [PROJ_ROOT / p for p in previous_manifest["last_run"].get("scorecards", [])]
    else:
        counts, written, headlines = _export(specs, results, processed, pdir, loaded, computed)
    ordered = [results[s.key] for s in specs]
    summary = RunSummary(ordered, scorecards=written)
    commit = git_commit()
    entries = {
        sp.key: _manifest_entry(
            sp, results[sp.key], raw.get(sp.key), components[sp.key], previous, commit, root, engine_label(engine_info)
        )
        | {"counts": counts.get(sp.key), "headline": headlines.get(sp.key)}
        for sp in specs
    }
    run = {
        "started_at": started,
        "duration_s": round(time.perf_counter() - t0, 3),
        "git_commit": commit,
        "code_hash": code,
        "engine": engine_info,
        "jobs": jobs,
        "force": force,
        "formats": list(fmts),
        "selection": {"cities": cities, "years": years},
        "n_ok": summary.count("ok"),
        "n_skipped": summary.count("skipped"),
        "n_failed": summary.count("failed"),
        "scorecards": [_rel(p) for p in written],
        "scorecards_key": export_key if scorecards else None,
        "city_names": names_cache,
    }
    manifest = write_manifest(root / "manifest.json", run, entries)
    from qclib.batch.index import write_index

    summary.manifest = root / "manifest.json"
    summary.index = write_index(root / "index.html", manifest, root, names)
    return summary


def engine_label(info: Mapping[str, Any]) -> str:
    """The engine as a manifest entry names it: ``dask local``, ``dask tcp://HOST:PORT``, ``inline``.

    Examples
    --------
    >>> engine_label({"name": "dask", "cluster": "local", "address": "tcp://127.0.0.1:40000"})
    'dask local'
    >>> engine_label({"name": "dask", "cluster": "scheduler", "address": "tcp://10.0.0.5:8786"})
    'dask tcp://10.0.0.5:8786'
    """
    name = str(info.get("name") or "?")
    if info.get("cluster") == "local":
        return f"{name} local"
    return f"{name} {info['address']}" if info.get("address") else name


def report_cities(spec: ReportSpec) -> list[str]:
    """The catalog cities a report reads: its city, or a comparison's cities.

    Examples
    --------
    >>> report_cities(ReportSpec("comparison", "comparison/2015", Path("c.ipynb"), {"cities": ["a", "b"]}, Path(".")))
    ['a', 'b']
    """
    return [spec.parameters["city"]] if spec.kind == "city" else list(spec.parameters["cities"])


def longest_first(
    specs: Sequence[ReportSpec], durations: Mapping[str, float], sizes: Mapping[str, int]
) -> list[ReportSpec]:
    """The reports in the order they are handed to the workers: the longest first.

    Longest-processing-time-first scheduling: when the long reports start
    first, the run ends on short ones, and no worker waits long for the last
    report of another.  A report's expected time is its duration in the
    previous run (``durations``, seconds); a report without one (new, or
    failed before) goes first, by ``sizes`` (its targets), largest first.
    Ties keep the given order.

    Examples
    --------
    >>> mk = lambda k: ReportSpec("city", k, Path("n.ipynb"), {"city": k.split("/")[0]}, Path("."))
    >>> specs = [mk("a/2015"), mk("b/2015"), mk("c/2015"), mk("d/2015")]
    >>> [s.key for s in longest_first(specs, {"a/2015": 0.5, "b/2015": 0.9}, {"c/2015": 10, "d/2015": 30})]
    ['d/2015', 'c/2015', 'b/2015', 'a/2015']
    """

    def expected(spec: ReportSpec) -> tuple[int, float]:
        if spec.key in durations:
            return (0, float(durations[spec.key]))
        return (1, float(sizes.get(spec.key, 0)))

    return sorted(specs, key=expected, reverse=True)


def _catalog_names(loaded: Mapping[tuple[Path, ...], Any]) -> dict[str, str]:
    """City id → Chinese name, from the catalogs the run loaded (the names its city files give)."""
    return {city: got.city_name(city) for got in loaded.values() for city in got.catalog.cities}


def _previous_durations(manifest: Mapping[str, Any]) -> dict[str, float]:
    """Seconds each report took in the previous run, for those that rendered (``ok``)."""
    out: dict[str, float] = {}
    for key, entry in (manifest.get("reports") or {}).items():
        seconds = entry.get("duration_s") if entry.get("status") == "ok" else None
        if isinstance(seconds, (int, float)) and not isinstance(seconds, bool):
            out[key] = float(seconds)
    return out


def _target_counts(specs: Sequence[ReportSpec], loaded: Mapping[tuple[Path, ...], Any]) -> dict[str, int]:
    """Each report's number of targets (its cities' plans), where its inputs were loaded."""
    per_city = {paths: got.catalog.targets["city"].value_counts().to_dict() for paths, got in loaded.items()}
    return {
        s.key: int(sum(per_city[s.data_paths].get(c, 0) for c in report_cities(s)))
        for s in specs
        if s.data_paths in per_city
    }


def _tasks(
    to_run: Sequence[ReportSpec],
    components: Mapping[str, Mapping[str, Any]],
    names: Mapping[str, str],
    pdir: Path | None,
    kernel_name: str,
    timeout: float | None,
    formats: Sequence[str] = ("html",),
    loaded: Mapping[tuple[Path, ...], Any] | None = None,
) -> Iterator[tuple[dict[str, Any], bytes | None]]:
    """The tasks of the reports to run, each with the shared inputs it reads (computed once, see :mod:`qclib.batch.inputs`).

    Inputs are prepared only for notebooks that declare ``inputs_path``: the
    catalog and observations loaded and validated once per set of data files,
    here; each report's scorecard computed once, by the worker (outside the
    kernel), so that the client never becomes the bottleneck of a large
    cluster.  Data that fails to load is not prepared: that notebook loads it
    itself and fails in its own cell, as when run stand-alone.
    """
    from qclib.batch import inputs as prepared

    texts: dict[Path, str] = {}
    shared: dict[tuple[Path, ...], bytes | None] = {}
    run_cities: dict[tuple[Path, ...], set[str]] = {}
    for s in to_run:
        run_cities.setdefault(s.data_paths, set()).update(report_cities(s))
    cities: list[str] | None
    for s in to_run:
        if s.notebook not in texts:
            texts[s.notebook] = s.notebook.read_text(encoding="utf-8")
        text = texts[s.notebook]
        blob, cities = None, None
        if prepared.wants_inputs(text):
            if s.data_paths not in shared:
                try:
                    got = (loaded or {}).get(s.data_paths) or prepared.load_shared(pdir, s.data_paths)
                    # what this run's reports read of it (all of it for a national run): less to send and unpickle
                    sent = prepared.report_slice(got, sorted(run_cities[s.data_paths]))
                    shared[s.data_paths] = prepared.dumps_shared(sent)
                except QclibError:
                    shared[s.data_paths] = None
            blob = shared[s.data_paths]
            if blob is not None:
                cities = report_cities(s)
        task = make_task(
            s,
            components[s.key],
            notebook_text=text,
            title=_title(s, names),
            kernel_name=kernel_name,
            timeout=timeout,
            scorecard_for=cities,
            formats=formats,
        )
        yield task, blob


def _validated_inputs(
    to_run: Sequence[ReportSpec], pdir: Path | None, n_sets: int
) -> tuple[dict[tuple[Path, ...], Any], dict[tuple[Path, ...], QclibError]]:
    """Load and validate the catalog and data of every report to run, before any kernel starts.

    Returns the loaded inputs and the error of each set of data files that
    failed.  When every set of the run fails (``n_sets``: the distinct sets of
    all its reports; a bad ``--data`` file shared by all, a bad
    ``--params-dir`` catalog) the first error is raised: nothing runs and the
    CLI prints every file, row, column and value.  When only some fail (one
    city's files in the run definition) those reports fail without a kernel,
    with the same details, and the others run (keep going, then fail).
    """
    from qclib.batch import inputs as prepared

    loaded: dict[tuple[Path, ...], Any] = {}
    errors: dict[tuple[Path, ...], QclibError] = {}
    for s in to_run:
        if s.data_paths not in loaded and s.data_paths not in errors:
            try:
                loaded[s.data_paths] = prepared.load_shared(pdir, s.data_paths)
            except QclibError as exc:
                errors[s.data_paths] = exc
    if errors and not loaded and len(errors) == n_sets:  # every report of the run would fail: refuse the run
        raise next(iter(errors.values()))
    return loaded, errors


def _export_key(specs: Sequence[ReportSpec], components: Mapping[str, Mapping[str, Any]], processed: Path) -> str:
    """What the scorecard export depends on: the city reports' cache keys and the destination."""
    parts = [(s.key, components[s.key]["cache_key"]) for s in specs if s.kind == "city"]
    return digest({"reports": parts, "processed": str(processed.absolute())})


def _export_unchanged(previous: Mapping[str, Any], key: str, specs: Sequence[ReportSpec]) -> bool:
    """True when the last run exported the same scorecards, they are all on disk and none failed."""
    last = previous.get("last_run") or {}
    if last.get("scorecards_key") != key:
        return False
    files = [PROJ_ROOT / p for p in last.get("scorecards") or []]
    entries = previous.get("reports") or {}
    if not all(f.is_file() for f in files):
        return False
    for s in specs:
        err = (entries.get(s.key) or {}).get("error") or {}
        if err.get("stage") == "scorecard":
            return False
    return True


def _counts_without_export(
    specs: Sequence[ReportSpec], computed: Mapping[str, Any], previous: Mapping[str, Any]
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """The index's counts when no scorecard is exported (``--no-scorecards``); nothing is computed again.

    A report this run rendered counts its worker's scorecard (a comparison's
    holds all its cities); any other keeps the counts of the run that rendered
    it (the manifest's), else a comparison sums its cities' when all are known.  Without this the index showed every count
    as —, as if it did not apply.

    Examples
    --------
    >>> import pandas as pd
    >>> spec = ReportSpec("city", "zz/2015", None, {"city": "zz"}, None)
    >>> sc = pd.DataFrame({"status": ["met", "no_data"], "provisional": [False, False],
    ...                    "progress_category": ["achieved", "not_assessable"]})
    >>> counts, heads = _counts_without_export([spec], {"zz/2015": sc}, {})
    >>> counts["zz/2015"]["met"], heads["zz/2015"]["cannot_judge"]
    (1, 1)
    >>> _counts_without_export([spec], {}, {"zz/2015": {"counts": {"met": 2}, "headline": {"met": 2}}})[1]
    {'zz/2015': {'met': 2}}
    >>> _counts_without_export([spec], {}, {"zz/2015": {"counts": {"met": "2"}, "headline": None}})  # hand-edited
    ({}, {})
    """
    counts: dict[str, dict[str, int]] = {}
    headlines: dict[str, dict[str, int]] = {}
    for spec in specs:
        if spec.key in computed:
            counts[spec.key] = status_counts(computed[spec.key])
            headlines[spec.key] = headline_counts(computed[spec.key])
            continue
        old = previous.get(spec.key) or {}  # entries are mappings (read_manifest drops the others)
        kept_counts, kept_head = int_counts(old.get("counts")), int_counts(old.get("headline"))
        if kept_counts and kept_head:  # both or neither: the index reads the headline, the manifest both
            counts[spec.key], headlines[spec.key] = kept_counts, kept_head
    for spec in specs:
        if spec.kind == "comparison" and spec.key not in headlines:
            _sum_cities(spec, counts, headlines)
    return counts, headlines


def _worker_scorecard(spec: ReportSpec, sliced: bytes) -> dict[str, Any]:
    """The scorecard a worker computed for a report (``{key: frame}``; empty when it computed none).

    A comparison's frame holds all its cities' rows (the index counts them;
    the export computes and writes the city reports' only).
    """
    import pickle

    cities = (spec.parameters["city"],) if spec.kind == "city" else tuple(spec.parameters.get("cities", ()))
    try:
        got = pickle.loads(sliced)  # noqa: S301 - from this run's workers, trusted like the code (README)
        frame, _ = got[(cities, spec.year)]
    except Exception:  # none (a city without targets, a failure): the export computes it and reports why
        return {}
    return {spec.key: frame}


def _export(
    specs: Sequence[ReportSpec],
    results: dict[str, ReportResult],
    processed: Path,
    pdir: Path | None,
    loaded: Mapping[tuple[Path, ...], Any] | None = None,
    computed: Mapping[str, Any] | None = None,
) -> tuple[dict[str, dict[str, int]], list[Path], dict[str, dict[str, int]]]:
    """Export the scorecards (those the workers computed as they are); a report whose scorecard failed is marked failed.

    Returns (counts, files written, headline counts).
    """
    counts, sc_errors, written, headlines = export_scorecards(
        specs, processed_dir=processed, params_dir=pdir, inputs=loaded, computed=computed
    )
    for key, err in sc_errors.items():
        r = results[key]
        if r.status != "failed":
            r.status, r.error = "failed", err
    return counts, written, headlines


def _params_folder(params_dir: str | Path | None) -> Path | None:
    """The catalog folder given (None for the shipped ``params/``); a missing folder is a DataValidationError."""
    pdir = None if params_dir in (None, "") else Path(str(params_dir))
    if pdir is not None and not pdir.is_dir():
        raise DataValidationError(
            [
                Issue(
                    str(pdir),
                    None,
                    "params_dir",
                    str(pdir),
                    "folder not found",
                    "a folder with indicators.yml and <city>.yml files",
                )
            ]
        )
    return pdir


def _manifest_entry(
    s: ReportSpec,
    r: ReportResult,
    raw: Mapping[str, Any] | None,
    components: Mapping[str, Any],
    previous: Mapping[str, Any],
    commit: str | None,
    root: Path,
    engine: str | None = None,
) -> dict[str, Any]:
    """One report's manifest entry: its inputs and hashes, and when, where and how it last ran (kept when skipped)."""
    prev = previous.get(s.key) or {}
    ran = raw is not None
    return {
        "kind": s.kind,
        "notebook": _rel(s.notebook),
        "parameters": s.parameters,
        "inputs": components["inputs"],
        "notebook_sha256": components["notebook"],
        "code_hash": components["code"],
        "cache_key": components["cache_key"],
        "git_commit": commit if ran else prev.get("git_commit", commit),
        "started_at": raw.get("started_at") if raw is not None else prev.get("started_at"),
        "duration_s": r.duration_s if ran else prev.get("duration_s"),
        "status": r.status,
        "reason": r.reason,
        "error": r.error,
        "engine": engine if ran else prev.get("engine"),
        "worker": raw.get("worker") if raw is not None else prev.get("worker"),
        "outputs": {
            "ipynb": _rel(s.ipynb, root),
            "html": _rel(s.html, root) if s.html.exists() else None,
            "docx": _rel(s.docx, root) if s.docx.exists() else None,
            "failed": _rel(s.failed, root) if s.failed.exists() else None,
        },
    }


def city_names(params_dir: str | Path | None = None) -> dict[str, str]:
    """Chinese city names from the city YAML files (files that do not parse are skipped).

    Used only for titles and the index, so a broken city file never stops them.

    Examples
    --------
    >>> city_names()["zhengzhou"]
    '郑州市'
    """
    from qclib.data.yamlio import read_yaml

    pdir = Path(params_dir) if params_dir not in (None, "") else PARAMS_DIR
    out: dict[str, str] = {}
    for path in sorted(pdir.glob("*.yml")):
        if path.name.startswith(("indicators", "run")):
            continue
        try:
            doc = read_yaml(path)
            out[path.stem] = str(doc["city"]["name_zh"])
        except (DataValidationError, KeyError, TypeError):
            continue
    return out


def cached_city_names(
    params_dir: str | Path | None, cache: Any = None, known: Mapping[str, str] | None = None
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """:func:`city_names`, parsing only the city files that changed since ``cache`` was made.

    A national catalog has hundreds of city files; a no-change run reads their
    hashes, not their YAML, and a run that has loaded the catalog takes the
    names it read (``known``) instead of parsing every file a second time.

    Parameters
    ----------
    params_dir : str or Path, optional
        The catalog folder.
    cache : mapping, optional
        City id → ``[sha256 of its file, name]`` from an earlier run (the
        manifest's ``last_run.city_names``); anything else is ignored.
    known : mapping, optional
        City id → name, from the loaded catalog (a file whose id is not in
        it is parsed).

    Returns
    -------
    names : dict
        City id → Chinese name.
    cache : dict
        The cache for the next run.

    Examples
    --------
    >>> names, cache = cached_city_names(None)
    >>> names["zhengzhou"], cached_city_names(None, cache)[0] == names
    ('郑州市', True)
    >>> cached_city_names(None, known={"zhengzhou": "郑州"})[0]["zhengzhou"]
    '郑州'
    """
    pdir = Path(params_dir) if params_dir not in (None, "") else PARAMS_DIR
    old = cache if isinstance(cache, dict) else {}
    names: dict[str, str] = {}
    new: dict[str, list[str]] = {}
    for path in sorted(pdir.glob("*.yml")):
        if path.name.startswith(("indicators", "run")):
            continue
        sha = sha256_file(path)
        hit = old.get(path.stem)
        if isinstance(hit, list) and len(hit) == 2 and hit[0] == sha and isinstance(hit[1], str):
            name = hit[1]
        elif known and path.stem in known:
            name = str(known[path.stem])
        else:
            try:
                name = str(read_yaml(path)["city"]["name_zh"])
            except (DataValidationError, KeyError, TypeError):
                continue
        names[path.stem] = name
        new[path.stem] = [sha, name]
    return names, new


def _title(spec: ReportSpec, names: Mapping[str, str] | None = None) -> str:
    names = dict(names or {})
    if spec.kind == "city":
        city = spec.parameters["city"]
        return f"{names.get(city, city)}{spec.year}年质量分析报告"
    cities = "、".join(names.get(c, c) for c in spec.parameters.get("cities", []))
    return f"{cities}{spec.year}年对比报告" if cities else f"{spec.year}年城市对比报告"


def _rel(path: Path, root: Path | None = None) -> str:
    base = root if root is not None else PROJ_ROOT
    try:
        return Path(path).resolve().relative_to(Path(base).resolve()).as_posix()
    except ValueError:
        return str(path)
