"""``qc validate``: a thin adapter over the catalog and observation loaders."""

from __future__ import annotations

import argparse
import sys
import warnings

import pandas as pd

from qclib.constants import DOMAINS
from qclib.exceptions import DataValidationError, Issue, QclibWarning

#: Errors printed at most (a file of a million bad rows must not print a million lines).
MAX_PRINTED: int = 50


def validate_all(paths: list[str], params_dir: str | None = None) -> tuple[dict, list[Issue], list[str]]:
    """Validate the catalog (``params_dir``, default ``params/``), its ``run.yml``, the shipped data and ``paths``.

    Returns
    -------
    summary : dict
        ``targets`` and ``observations`` frames (empty when invalid).
    errors : list of Issue
    warnings : list of str

    Examples
    --------
    >>> summary, errors, warns = validate_all([])
    >>> errors
    []
    """
    from qclib.data.catalog import load_catalog
    from qclib.data.observations import load_observations

    try:
        catalog = load_catalog(params_dir)
        _check_run_file(params_dir)
    except DataValidationError as exc:
        return {}, exc.issues, []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", QclibWarning)
        try:
            obs = load_observations(paths or None, catalog=catalog)
        except DataValidationError as exc:
            return {"catalog": catalog}, exc.issues, [str(w.message) for w in caught]
    return (
        {"catalog": catalog, "observations": obs},
        [],
        [str(w.message) for w in caught if issubclass(w.category, QclibWarning)],
    )


def _check_run_file(params_dir: str | None) -> None:
    """The params folder's ``run.yml`` (when it has one), against that folder's city files."""
    from pathlib import Path

    from qclib.batch.runner import load_run_config
    from qclib.paths import PARAMS_DIR

    folder = Path(params_dir) if params_dir is not None else PARAMS_DIR
    if (folder / "run.yml").is_file():
        load_run_config(folder / "run.yml", params_dir=folder)


def _summary_tables(catalog, obs: pd.DataFrame) -> str:
    t = catalog.targets
    cities = sorted(catalog.cities)
    targets = pd.crosstab(t["city"], t["numeric"].map({True: "numeric", False: "non_numeric"})).reindex(
        index=cities, columns=["numeric", "non_numeric"], fill_value=0
    )
    by_domain = pd.crosstab(t["city"], t["domain"]).reindex(index=cities, columns=list(DOMAINS), fill_value=0)
    obs_city = pd.crosstab(obs["city"], obs["basis"])
    domain = obs["indicator_id"].map(catalog.indicators.set_index("indicator_id")["domain"])
    obs_dom = pd.crosstab(obs["city"], domain).reindex(columns=list(DOMAINS), fill_value=0)
    for frame in (targets, by_domain, obs_city, obs_dom):
        frame.index.name, frame.columns.name = "city", None
    parts = [
        f"Catalog: {len(catalog.cities)} cities, {len(catalog.indicators)} indicators, {len(t)} targets",
        "",
        "Targets per city (numeric / non-numeric):",
        targets.to_string(),
        "",
        "Targets per city and domain:",
        by_domain.to_string(),
        "",
        f"Observations: {len(obs)} rows from {obs['file'].nunique()} file(s)",
        "",
        "Observations per entity and basis:",
        obs_city.to_string(),
        "",
        "Observations per entity and domain:",
        obs_dom.to_string(),
    ]
    return "\n".join(parts)


def cmd_validate(args: argparse.Namespace) -> int:
    summary, errors, warns = validate_all(args.paths, params_dir=args.params_dir)
    if errors:
        print(f"INVALID: {len(errors)} error(s)", file=sys.stderr)
        for issue in errors[:MAX_PRINTED]:
            print(f"  ERROR {issue}", file=sys.stderr)
        if len(errors) > MAX_PRINTED:
            print(f"  ... and {len(errors) - MAX_PRINTED} more error(s): fix these first", file=sys.stderr)
        for w in warns[:MAX_PRINTED]:
            print(f"  warning: {w}", file=sys.stderr)
        return 1
    print(_summary_tables(summary["catalog"], summary["observations"]))
    if warns:
        print(f"\n{len(warns)} warning(s):")
        for w in warns[:MAX_PRINTED]:
            print(f"  warning: {w}")
        if len(warns) > MAX_PRINTED:
            print(f"  ... and {len(warns) - MAX_PRINTED} more warning(s)")
    print("\nOK: catalog and data are valid")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``validate`` command."""
    p = subparsers.add_parser("validate", help="validate the catalog, the shipped data and the given files")
    p.add_argument("paths", nargs="*", help="extra observation files or folders (CSV or Excel)")
    p.add_argument("--params-dir", default=None, metavar="DIR", help="target catalog folder (default params/)")
    p.set_defaults(func=cmd_validate)
