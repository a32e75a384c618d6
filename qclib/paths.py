"""Project paths, in one place (constants only, no side effects).

Notebooks and the CLI take these as defaults; every function that reads or
writes accepts an explicit path instead, so tests never touch the real tree.
"""

from __future__ import annotations

from pathlib import Path

PROJ_ROOT: Path = Path(__file__).resolve().parents[1]
PARAMS_DIR: Path = PROJ_ROOT / "params"
DATA_DIR: Path = PROJ_ROOT / "data"
RAW_DATA_DIR: Path = DATA_DIR / "raw"
PROCESSED_DATA_DIR: Path = DATA_DIR / "processed"
NOTEBOOKS_DIR: Path = PROJ_ROOT / "notebooks"
REPORTS_DIR: Path = PROJ_ROOT / "reports"
