"""``qc city new NAME``: a thin adapter that adds a plan city to the params folder.

Resolves NAME in the registry of divisions (:mod:`qclib.data.registry`: 绵阳市, 绵阳, 510700
or ``mianyang``), writes the ``params/<city>.yml`` skeleton (:func:`qclib.data.skeleton.city_yaml`)
and adds the city to ``params/run.yml`` (:func:`qclib.data.skeleton.add_run_city`), both
atomically; the run file is checked with :func:`qclib.batch.runner.load_run_config` before it
replaces the old one.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
from pathlib import Path

import yaml

from qclib.exceptions import DataValidationError, OutputExistsError, QclibError


def parse_years(text: str | None, today: _dt.date | None = None) -> list[int]:
    """``"2022,2023"`` -> ``[2022, 2023]``; none given -> the year before ``today``.

    Examples
    --------
    >>> parse_years("2023, 2022"), parse_years(None, _dt.date(2026, 3, 1))
    ([2022, 2023], [2025])
    """
    if not text:
        return [(today or _dt.date.today()).year - 1]
    try:
        return sorted({int(y) for y in text.split(",") if y.strip()})
    except ValueError as exc:
        raise QclibError(f"--years must be years separated by commas, e.g. 2022,2023 (got {text!r})") from exc


def new_city(name: str, params_dir: Path, years: list[int], *, force: bool = False) -> tuple[Path, Path]:
    """Write ``<params_dir>/<id>.yml`` and add the city to ``<params_dir>/run.yml``; return both paths.

    Raises
    ------
    QclibError
        NAME is not a city of the registry (unknown, ambiguous or a province); the city file
        exists (without ``force``; with it, a run file that lists the city is left as it is);
        the run file already lists the city or would not be valid.
    """
    from qclib.atomic import atomic_path, atomic_write_text
    from qclib.batch.runner import load_run_config
    from qclib.data import registry, skeleton

    division = registry.get(registry.resolve(name, what="city"))
    if not division.is_city:
        examples = ", ".join(c.entity_id for c in registry.cities(division.entity_id)[:3])
        raise QclibError(f"{division.name_zh} is a {division.kind_zh}, not a city; its cities include {examples}")
    city_file = params_dir / f"{division.entity_id}.yml"
    if city_file.exists() and not force:
        raise OutputExistsError(f"{city_file} exists; use --force to overwrite it with a new skeleton")
    run_file = params_dir / "run.yml"
    old_run = run_file.read_text(encoding="utf-8") if run_file.exists() else ""
    listed = division.entity_id in ((yaml.safe_load(old_run) or {}).get("cities") or {}) if old_run else False
    new_run = old_run if listed and force else skeleton.add_run_city(old_run, division.entity_id, years)
    existed = city_file.exists()
    atomic_write_text(city_file, skeleton.city_yaml(division), force=force)
    try:
        with atomic_path(run_file) as tmp:
            tmp.write_text(new_run, encoding="utf-8")
            load_run_config(tmp, params_dir=params_dir)  # refuse a run file qc run could not read
    except QclibError:
        if not existed:
            city_file.unlink()  # all or nothing: no city file without its run entry
        raise
    return city_file, run_file


def cmd_city(args: argparse.Namespace) -> int:
    """Run ``qc city new``; 0 on success, 1 with the message on an error."""
    from qclib.paths import PARAMS_DIR

    params_dir = Path(args.params_dir) if args.params_dir else PARAMS_DIR
    try:
        years = parse_years(args.years)
        city_file, run_file = new_city(args.name, params_dir, years, force=args.force)
    except DataValidationError as exc:
        print(f"qc city new: run.yml would not be valid; nothing was written:\n{exc}", file=sys.stderr)
        return 1
    except QclibError as exc:
        print(f"qc city new: {exc}", file=sys.stderr)
        return 1
    city_id = city_file.stem
    print(f"wrote {city_file} (fill in plan and targets) and added {city_id} to {run_file} with years {years}")
    print(
        f"next: edit {city_file}, then `qc validate` (and `qc validate YOUR_DATA.csv`), then `qc run --city {city_id}`"
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``city`` command (``qc city new NAME``).

    Examples
    --------
    >>> p = argparse.ArgumentParser(); sub = p.add_subparsers()
    >>> register(sub)
    >>> a = p.parse_args(["city", "new", "绵阳市", "--years", "2023"])
    >>> a.name, a.years, a.params_dir, a.force
    ('绵阳市', '2023', None, False)
    """
    p = subparsers.add_parser("city", help="add a plan city: qc city new NAME")
    sub = p.add_subparsers(dest="city_command", metavar="ACTION", required=True)
    new = sub.add_parser(
        "new",
        help="write params/<city>.yml from the registry of divisions and add the city to params/run.yml",
        description="NAME: a prefecture-level city or municipality, as 绵阳市, 绵阳, 510700 or mianyang.",
    )
    new.add_argument("name", help="the city: Chinese name, short name, GB/T 2260 code or id")
    new.add_argument("--years", default=None, help="report years for run.yml, e.g. 2022,2023 (default: last year)")
    new.add_argument("--params-dir", default=None, metavar="DIR", help="target catalog folder (default params/)")
    new.add_argument("--force", action="store_true", help="overwrite an existing params/<city>.yml")
    new.set_defaults(func=cmd_city)
