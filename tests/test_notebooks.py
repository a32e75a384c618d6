"""Static checks of the report notebooks (no kernel).

The notebooks are *executed* by nbval (``pytest --nbval-lax notebooks/``, see
pyproject.toml) and by the slow runner tests; here we check the rules that make
them safe to parameterise and to commit.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from qclib.batch.runner import REPORT_KINDS, load_run_config
from qclib.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
FIXTURES = sorted((Path(__file__).parent / "fixtures" / "notebooks").glob("*.ipynb"))


def test_the_three_notebooks_exist():
    assert {p.name for p in NOTEBOOKS} == {"city_report.ipynb", "city_comparison.ipynb", "explore_trends.ipynb"}


@pytest.mark.parametrize("path", NOTEBOOKS + FIXTURES, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, cell["source"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_first_literal_typed_and_commented(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1
    for line in code[0].source.splitlines():
        node = ast.parse(line.split("  #")[0]).body[0]
        assert isinstance(node, ast.AnnAssign), f"not an annotated assignment: {line}"
        ast.literal_eval(node.value)  # literal only: nothing computed
        assert "  # " in line, f"no comment: {line}"
    params = pm.inspect_notebook(str(path))
    assert all(p["inferred_type_name"] != "None" and p["help"] for p in params.values())
    assert "params_dir" in params and "data_paths" in params and "lang" in params


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_function_or_class_definitions(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            tree = ast.parse(cell.source)
            defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
            assert not defs, cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_never_write_into_data_raw(path):
    text = path.read_text(encoding="utf-8")
    assert "to_csv" not in text and "open(" not in text


def test_runner_parameters_match_the_notebooks():
    cfg = load_run_config()
    for kind in REPORT_KINDS:
        params = set(pm.inspect_notebook(str(cfg.notebooks[kind])))
        passed = {
            "city_report": {"city", "year", "params_dir", "data_paths"},
            "city_comparison": {"cities", "year", "params_dir", "data_paths"},
        }[REPORT_KINDS[kind]]
        assert passed <= params, (kind, passed - params)


def test_city_report_defaults_are_a_run_year():
    params = pm.inspect_notebook(str(NOTEBOOKS_DIR / "city_report.ipynb"))
    city, year = params["city"]["default"].strip('"'), int(params["year"]["default"])
    assert year in load_run_config().city_years[city]
