"""Shared pytest fixtures.  Each helper keeps its fixtures under its own header."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

# ============================================================================
# Indicator maths and scorecard (change, trajectory, progress, attainment,
# trend, consistency, scorecard): named edge-case series, all indexed by
# integer year labels.
# ============================================================================


def _years(values: list[float], start: int) -> pd.Series:
    return pd.Series(values, index=pd.Index(range(start, start + len(values)), dtype="int64"), dtype=float)


@pytest.fixture
def empty() -> pd.Series:
    """No years at all."""
    return pd.Series([], index=pd.Index([], dtype="int64"), dtype=float)


@pytest.fixture
def single_year() -> pd.Series:
    """One value (2015 = 93.1)."""
    return _years([93.1], 2015)


@pytest.fixture
def missing_base_year() -> pd.Series:
    """Values 2011-2014; the base year 2010 is absent."""
    return _years([98.0, 95.0, 92.0, 90.0], 2011)


@pytest.fixture
def zero_base() -> pd.Series:
    """A count starting at 0 in 2013 (0, 1, 3)."""
    return _years([0.0, 1.0, 3.0], 2013)


@pytest.fixture
def nan_gap() -> pd.Series:
    """2012 and 2014 present, 2013 missing; 2015 NaN; 2016 present."""
    return pd.Series([10.0, 12.0, np.nan, 15.0], index=pd.Index([2012, 2014, 2015, 2016]))


@pytest.fixture
def already_met() -> pd.Series:
    """Pass rate already above a 90 % target at the 2012 base (92 -> 95)."""
    return _years([92.0, 93.5, 95.0], 2012)


@pytest.fixture
def lower_is_better() -> pd.Series:
    """PM2.5 falling from the plan's 108 (2013) (seed 001 item 6)."""
    return _years([108.0, 104.0, 100.0, 97.0, 93.0, 90.0], 2013)


@pytest.fixture
def pm25_plan_target() -> dict:
    """The Zhengzhou PM2.5 trajectory target (seed 001, 三（四）item 6)."""
    return {"base_year": 2013, "base_value": 108.0, "target_year": 2016, "target_value": 95.0}


def make_targets(rows: list[dict]) -> pd.DataFrame:
    """A targets frame with every catalog column (missing ones None)."""
    from qclib.indicators.scorecard import TARGET_COLUMNS

    base = {c: None for c in TARGET_COLUMNS}
    base.update(
        domain="environment",
        scope="",
        numeric=True,
        measure="level",
        direction="lower_is_better",
        source_file="001.txt",
        source_section="三（四）",
        source_item="1",
        unit="",
    )
    return pd.DataFrame([{**base, **r} for r in rows], columns=list(TARGET_COLUMNS))


def make_observations(rows: list[dict]) -> pd.DataFrame:
    """An observations frame with every loader column."""
    from qclib.constants import OBSERVATION_COLUMNS

    base = {
        "unit": "",
        "scope": "",
        "source": "test",
        "source_detail": "",
        "basis": "official",
        "note": "",
        "file": "t.csv",
        "row": 2,
    }
    return pd.DataFrame([{**base, **r} for r in rows], columns=list(OBSERVATION_COLUMNS))


@pytest.fixture
def targets_frame():
    """Factory: ``targets_frame([{...}, ...])`` -> a full targets frame."""
    return make_targets


@pytest.fixture
def observations_frame():
    """Factory: ``observations_frame([{...}, ...])`` -> a full observations frame."""
    return make_observations
