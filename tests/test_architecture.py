"""The package's stages: lower stages never import higher ones (see ARCHITECTURE.md).

Every ``import`` in ``qclib/`` (module level or inside a function) is read with
:mod:`ast`; an import from a higher stage, or between sibling stages, fails
the test with the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "qclib"

#: Stage of each top-level part of the package (lower numbers may be imported by higher ones).
STAGES: dict[str, int] = {
    "constants": 0,
    "exceptions": 0,
    "paths": 0,
    "atomic": 0,
    "_numbers": 0,
    "cells": 0,
    "data": 1,
    "indicators": 2,
    "air": 2,
    "report": 3,
    "batch": 4,
    "cli": 5,
    "__main__": 6,
}

#: Modules of the report stage that must not import each other (both use ``report.style``).
REPORT_PEERS = {"qclib.report.charts", "qclib.report.tables"}

#: Standard-library modules that mean I/O, the clock or the environment.
IMPURE = {"os", "pathlib", "io", "time", "datetime", "subprocess", "shutil", "tempfile", "glob", "socket"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                pytest.fail(f"{path}:{node.lineno}: relative import; write `from qclib.… import …`")
            mod = node.module or ""
            out.append((node.lineno, mod))
            if mod == "qclib" or mod.startswith("qclib."):  # `from qclib.report import charts`
                out += [(node.lineno, f"{mod}.{a.name}") for a in node.names]
    return out


def _stage(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "qclib" or len(parts) < 2:
        return None
    return STAGES.get(parts[1])


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def test_every_part_of_the_package_has_a_stage():
    tops = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in MODULES} - {"__init__"}
    assert tops <= set(STAGES), f"give these a stage in STAGES and ARCHITECTURE.md: {sorted(tops - set(STAGES))}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_from_a_higher_or_sibling_stage(path):
    me = _module_name(path)
    mine = _stage(me)
    if mine is None:  # qclib/__init__.py: lazy string mapping only
        return
    my_part = me.split(".")[1]
    bad = []
    for line, mod in _imports(path):
        theirs = _stage(mod)
        if theirs is None or mod.split(".")[1] == my_part:
            continue
        if theirs > mine or (theirs == mine and mine > 0):  # base modules may share
            bad.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {me} (stage {mine}) imports {mod} (stage {theirs})")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("peer", sorted(REPORT_PEERS))
def test_charts_and_tables_do_not_import_each_other(peer):
    path = PACKAGE.parent / (peer.replace(".", "/") + ".py")
    other = (REPORT_PEERS - {peer}).pop()
    hits = [line for line, mod in _imports(path) if mod == other or mod.startswith(other + ".")]
    assert not hits, f"{peer} imports {other} at lines {hits}; share through qclib.report.style or .series"


@pytest.mark.parametrize("path", sorted((PACKAGE / "indicators").glob("*.py")), ids=lambda p: p.name)
def test_indicator_maths_does_no_io(path):
    text = path.read_text(encoding="utf-8")
    bad = [f"line {line}: import {mod}" for line, mod in _imports(path) if mod.split(".")[0] in IMPURE]
    tree = ast.parse(text)
    bad += [
        f"line {n.lineno}: {n.func.id}()"
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in {"open", "input", "print"}
    ]
    assert not bad, f"{path.name} does I/O: {bad}"


def test_the_checker_catches_a_violation(tmp_path):
    """The rule itself is live: a data module importing the report stage is caught."""
    fake = tmp_path / "bad.py"
    fake.write_text("from qclib.report import tables\n")
    assert _imports(fake) == [(1, "qclib.report"), (1, "qclib.report.tables")]
    assert _stage("qclib.report.tables") > _stage("qclib.data.catalog")
