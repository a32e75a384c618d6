"""Fixtures of the report-form tests (Word report, browser test): real reports built once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory) -> Path:
    """Every report of the shipped run definition, built by the runner (HTML and Word); the reports folder."""
    from qclib.batch.runner import load_run_config, run_reports

    root = tmp_path_factory.mktemp("built") / "reports"
    with open(os.devnull, "w") as quiet:
        summary = run_reports(
            run_config=load_run_config(),
            jobs=2,
            out_dir=root,
            processed_dir=root.parent / "processed",
            stream=quiet,
        )
    failed = [(r.key, r.error_text()) for r in summary.results if r.status != "ok"]
    assert not failed, f"reports failed: {failed}"
    return root
