"""The project's own set-up files agree with each other and with the README."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_packages() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = meta["dependencies"] + meta["optional-dependencies"]["dev"]
    return {_name(r): r.replace(" ", "") for r in reqs}


def _environment_packages() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for p in dep.get("pip", []):
                if not p.startswith("-e"):
                    out[_name(p)] = p.split("#")[0].replace(" ", "")
        elif _name(dep) not in ("python", "pip"):
            out[_name(dep)] = dep.replace(" ", "")
    return out


def test_environment_yml_lists_the_same_packages_as_pyproject():
    assert _environment_packages() == _pyproject_packages()


def test_environment_yml_installs_the_project():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    assert "-e ." in pip and "conda-forge" in env["channels"]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- quickstart -->\s*```(?:bash|sh)?\n(.*?)```", text, re.S)
    assert block, "README must hold the quick-start block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def test_readme_has_the_two_commands_and_ci_runs_the_test_one():
    commands = _readme_commands()
    assert len(commands) == 2, commands
    run_cmd, test_cmd = commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_cmd in ci.splitlines()
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for cmd in commands:
        target = cmd.split()[-1]
        assert re.search(rf"^{target}:", makefile, re.M), f"Makefile lacks target {target}"


def test_makefile_default_goal_is_help_and_creates_the_venv():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert ".DEFAULT_GOAL := help" in makefile
    assert "-m venv" in makefile and "pip install" in makefile


def test_console_script_and_module_entry_point():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["scripts"]["qc"] == "qclib.cli:main"
    out = subprocess.run([sys.executable, "-m", "qclib", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.startswith("qclib ")


def test_layout_fixed_by_the_user():
    for p in ("notebooks", "qclib", "data/raw", "data/processed", "params", "tests", "environment.yml", "README.md"):
        assert (ROOT / p).exists(), p


def test_every_public_name_resolves():
    import qclib

    for name in qclib.__all__:
        assert getattr(qclib, name) is not None, name


def test_readme_layout_and_architecture_name_every_module():
    """A new module is described where a newcomer looks: the README's layout and ARCHITECTURE.md."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") : readme.index("## Conventions")]
    arch = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    pkg = ROOT / "qclib"
    for path in pkg.rglob("*.py"):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        assert path.name in layout or path.stem in layout, f"README layout does not mention {path.relative_to(ROOT)}"
        assert path.stem in arch, f"ARCHITECTURE.md does not mention {path.relative_to(ROOT)}"
    for sub in (p for p in pkg.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        assert f"qclib/{sub.name}/" in arch, f"ARCHITECTURE.md has no stage for qclib/{sub.name}/"


def test_the_registry_of_divisions_is_package_data():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data = meta["tool"]["setuptools"]["package-data"]["qclib"]
    assert "data/divisions.csv" in data and (ROOT / "qclib" / "data" / "divisions.csv").is_file()
