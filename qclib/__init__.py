"""qclib — how far a city stands from its quality-strong city (质量强市) plan targets.

Public API (everything else is internal):

- data: :func:`load_catalog`, :func:`load_targets`, :func:`load_observations`,
  :func:`make_template`
- indicator maths: :func:`yoy_change`, :func:`reduction_vs_base`,
  :func:`trajectory_path`, :func:`progress`, :func:`attainment`, :func:`trend`,
  :func:`check_reported_change`, :func:`implied_value`
- the scorecard: :func:`scorecard`
- reports: :func:`run_reports`
- errors: :class:`QclibError` and its subclasses, :class:`QclibWarning`

Rules for contributors: one module per concern; maths modules do no I/O and
read no clock or environment; every public function has type hints, a
numpydoc docstring with its formula and a doctest; re-export new public names
here (the mapping below) and nowhere else.

Names are imported lazily, so ``import qclib`` is cheap and has no side effects.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # data
    "Catalog": "qclib.data.catalog",
    "load_catalog": "qclib.data.catalog",
    "load_targets": "qclib.data.catalog",
    "load_indicators": "qclib.data.catalog",
    "load_observations": "qclib.data.observations",
    "make_template": "qclib.data.template",
    # maths
    "yoy_change": "qclib.indicators.change",
    "reduction_vs_base": "qclib.indicators.change",
    "change_vs_base": "qclib.indicators.change",
    "change_kind_for_measure": "qclib.indicators.change",
    "trajectory_path": "qclib.indicators.trajectory",
    "progress": "qclib.indicators.progress",
    "ProgressResult": "qclib.indicators.progress",
    "attainment": "qclib.indicators.attainment",
    "assess_targets": "qclib.indicators.attainment",
    "AttainmentResult": "qclib.indicators.attainment",
    "trend": "qclib.indicators.trend",
    "trend_matrix": "qclib.indicators.trend",
    "TrendResult": "qclib.indicators.trend",
    "check_reported_change": "qclib.indicators.consistency",
    "implied_value": "qclib.indicators.consistency",
    "ChangeCheck": "qclib.indicators.consistency",
    "ImpliedValue": "qclib.indicators.consistency",
    "scorecard": "qclib.indicators.scorecard",
    "SCORECARD_COLUMNS": "qclib.indicators.scorecard",
    # air quality (GB 3095 / HJ 633 / HJ 663)
    "annual_air_quality": "qclib.air",
    "annual_statistics_from_files": "qclib.air",
    "daily_aqi": "qclib.air",
    "iaqi": "qclib.air",
    "hj663_percentile": "qclib.air",
    # reports
    "run_reports": "qclib.batch.runner",
    "load_run_config": "qclib.batch.runner",
    "RunSummary": "qclib.batch.runner",
    "use_cjk_font": "qclib.report.style",
    # errors
    "QclibError": "qclib.exceptions",
    "QclibWarning": "qclib.exceptions",
    "DataValidationError": "qclib.exceptions",
    "MissingYearError": "qclib.exceptions",
    "ZeroBaseError": "qclib.exceptions",
    "InvalidChoiceError": "qclib.exceptions",
    "Issue": "qclib.exceptions",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'qclib' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
