"""Tests of qclib.indicators.scorecard.scorecard."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qclib.constants import PROGRESS_CATEGORIES, STATUSES
from qclib.exceptions import DataValidationError, InvalidChoiceError
from qclib.indicators.attainment import attainment
from qclib.indicators.scorecard import SCORECARD_COLUMNS, scorecard


@pytest.fixture
def plan(targets_frame):
    return targets_frame(
        [
            dict(
                city="zz",
                target_id="zz_pm25",
                indicator_id="pm25",
                kind="trajectory",
                comparator="<=",
                target_value=95.0,
                unit="ug/m3",
                base_year=2013,
                base_value=108.0,
                target_year=2016,
                measure="concentration",
            ),
            dict(
                city="zz",
                target_id="zz_cod",
                indicator_id="cod",
                kind="reduction_vs_base",
                comparator=">=",
                target_value=14.8,
                unit="%",
                base_year=2010,
                target_year=2015,
                measure="level",
            ),
            dict(
                city="zz",
                target_id="zz_pass",
                indicator_id="pass_rate",
                kind="threshold",
                comparator=">=",
                target_value=90.0,
                unit="%",
                target_year=2015,
                measure="rate",
                direction="higher_is_better",
            ),
            dict(
                city="zz",
                target_id="zz_brand",
                indicator_id="brand",
                kind="threshold",
                comparator=">=",
                target_value=None,
                unit="",
                target_year=2015,
                numeric=False,
                measure="count",
            ),
            dict(
                city="zz",
                target_id="zz_nodata",
                indicator_id="sewage",
                kind="threshold",
                comparator=">=",
                target_value=95.0,
                unit="%",
                target_year=2015,
                scope="市区",
                measure="rate",
            ),
            dict(
                city="zz",
                target_id="zz_ref",
                indicator_id="pm25",
                kind="vs_reference",
                comparator="<",
                target_value=None,
                unit="ug/m3",
                reference="china",
                target_year=2015,
                measure="concentration",
            ),
            dict(
                city="zz",
                target_id="zz_bool",
                indicator_id="pilot",
                kind="boolean",
                comparator=None,
                target_value=None,
                unit="bool",
                target_year=2015,
                numeric=False,
                measure="boolean",
            ),
            dict(
                city="xx",
                target_id="xx_pass",
                indicator_id="pass_rate",
                kind="threshold",
                comparator=">=",
                target_value=95.0,
                unit="%",
                target_year=2015,
                measure="rate",
                direction="higher_is_better",
            ),
        ]
    )


@pytest.fixture
def obs(observations_frame):
    rows = [
        # PM2.5: no official 2013 -> plan base 108 is used
        dict(city="zz", indicator_id="pm25", year=2014, value=105.0),
        dict(city="zz", indicator_id="pm25", year=2015, value=99.0),
        dict(city="zz", indicator_id="pm25", year=2015, value=60.0, basis="research"),
        dict(city="zz", indicator_id="pm25", year=2016, value=80.0, basis="partial_year"),
        dict(city="zz", indicator_id="pm25", year=2016, value=95.0, basis="plan_text"),
        dict(city="china", indicator_id="pm25", year=2015, value=50.0),
        # COD: base 2010 = 100 (official), 2015 = 85.2
        dict(city="zz", indicator_id="cod", year=2010, value=100.0),
        dict(city="zz", indicator_id="cod", year=2010, value=90.0, basis="plan_text"),
        dict(city="zz", indicator_id="cod", year=2015, value=85.2),
        # pass rates (seed 000: 90.9 -> 93.1)
        dict(city="zz", indicator_id="pass_rate", year=2012, value=90.9, basis="derived"),
        dict(city="zz", indicator_id="pass_rate", year=2013, value=93.1),
        dict(city="xx", indicator_id="pass_rate", year=2013, value=93.0, basis="research"),
        # sewage: only a whole-city figure, the target is for 市区
        dict(city="zz", indicator_id="sewage", year=2015, value=97.0, scope="全市"),
        dict(city="zz", indicator_id="pilot", year=2015, value=1.0),
    ]
    return observations_frame(rows)


def _row(sc, tid):
    return sc.set_index("target_id").loc[tid]


def test_every_target_gets_a_row(plan, obs):
    sc = scorecard(plan, obs)
    assert list(sc.columns) == list(SCORECARD_COLUMNS)
    assert sc["target_id"].tolist() == plan["target_id"].tolist()
    assert set(sc["status"]) <= set(STATUSES)
    assert set(sc["progress_category"]) <= set(PROGRESS_CATEGORIES)


def test_pm25_trajectory_uses_plan_base_and_official_value(plan, obs):
    r = _row(scorecard(plan, obs, year=2015), "zz_pm25")
    assert r["year_assessed"] == 2015 and r["value"] == 99.0 and r["value_basis"] == "official"
    assert r["base_value"] == 108.0 and r["base_value_basis"] == "plan_text"
    assert r["planned_value"] == pytest.approx(99.3333, abs=1e-4)
    assert r["status"] == "on_track"
    assert r["yoy_change_pct"] == pytest.approx(-5.714, abs=1e-3) and np.isnan(r["yoy_change_pp"])
    assert r["reduction_vs_base_pct"] == pytest.approx(8.333, abs=1e-3)


def test_partial_year_and_plan_text_are_never_the_value(plan, obs):
    r = _row(scorecard(plan, obs), "zz_pm25")
    assert r["year_assessed"] == 2015  # 2016 has only partial_year and plan_text rows
    assert r["value"] == 99.0


def test_cod_reduction_uses_official_base(plan, obs):
    r = _row(scorecard(plan, obs), "zz_cod")
    assert r["base_value"] == 100.0 and r["base_value_basis"] == "official"
    assert r["reduction_vs_base_pct"] == pytest.approx(14.8)
    assert r["status"] == "met"
    assert r["progress_category"] == "achieved"


def test_rate_change_in_pp(plan, obs):
    r = _row(scorecard(plan, obs), "zz_pass")
    assert r["yoy_change_pp"] == pytest.approx(2.2) and np.isnan(r["yoy_change_pct"])
    assert r["previous_value"] == 90.9 and r["previous_year"] == 2012
    assert r["status"] == "on_track"  # 2013 < 2015


def test_research_is_used_when_nothing_better(plan, obs):
    r = _row(scorecard(plan, obs), "xx_pass")
    assert r["value_basis"] == "research" and r["value"] == 93.0 and r["status"] == "off_track"


def test_non_numeric_and_no_data(plan, obs):
    sc = scorecard(plan, obs)
    assert _row(sc, "zz_brand")["status"] == "not_assessable"
    nd = _row(sc, "zz_nodata")
    assert nd["status"] == "no_data"  # the 全市 figure does not stand for 市区
    assert np.isnan(nd["value"])
    b = _row(sc, "zz_bool")
    assert b["status"] == "met"


def test_vs_reference_looks_up_the_reference(plan, obs):
    r = _row(scorecard(plan, obs, year=2015), "zz_ref")
    assert r["reference_value"] == 50.0 and r["status"] == "not_met"
    assert r["gap"] == pytest.approx(49.0)


def test_year_before_any_data(plan, obs):
    sc = scorecard(plan, obs, year=2000)
    assert set(sc["status"]) <= {"no_data", "not_assessable"}
    assert (sc["year_assessed"] == 2000).all()


def test_cities_filter_and_errors(plan, obs):
    assert set(scorecard(plan, obs, cities=["xx"])["city"]) == {"xx"}
    with pytest.raises(InvalidChoiceError) as err:
        scorecard(plan, obs, cities=["nowhere"])
    assert "zz" in err.value.allowed
    with pytest.raises(DataValidationError):
        scorecard(plan.drop(columns=["kind"]), obs)
    with pytest.raises(DataValidationError):
        scorecard(plan, obs.drop(columns=["basis"]))


def test_empty_inputs(plan, obs):
    empty = scorecard(plan.iloc[0:0], obs)
    assert empty.empty and list(empty.columns) == list(SCORECARD_COLUMNS)
    sc = scorecard(plan, obs.iloc[0:0])
    assert len(sc) == len(plan)
    assert set(sc["status"]) <= {"no_data", "not_assessable"}


def test_inputs_not_mutated(plan, obs):
    p0, o0 = plan.copy(), obs.copy()
    scorecard(plan, obs, year=2015)
    pd.testing.assert_frame_equal(plan, p0)
    pd.testing.assert_frame_equal(obs, o0)


def test_statuses_agree_with_scalar_attainment(plan, obs):
    sc = scorecard(plan, obs, year=2015)
    for _, r in sc.iterrows():
        if r["kind"] == "trend":
            continue
        scalar = attainment(
            r["kind"],
            comparator=r["comparator"] or None,
            target_value=None if np.isnan(r["target_value"]) else r["target_value"],
            target_year=None if pd.isna(r["target_year"]) else int(r["target_year"]),
            year=int(r["year_assessed"]),
            value=None if np.isnan(r["value"]) else r["value"],
            base_year=None if pd.isna(r["base_year"]) else int(r["base_year"]),
            base_value=None if np.isnan(r["base_value"]) else r["base_value"],
            reference=r["reference"] or None,
            reference_value=None if np.isnan(r["reference_value"]) else r["reference_value"],
            unit=r["unit"],
        )
        assert scalar.status == r["status"], r["target_id"]
        assert scalar.reason == r["reason"]


def test_trend_columns_and_trend_kind(targets_frame, observations_frame):
    tg = targets_frame(
        [
            dict(
                city="c",
                target_id="t",
                indicator_id="sat",
                kind="trend",
                comparator=">",
                n_years=3,
                target_year=2018,
                measure="index",
            )
        ]
    )
    ob = observations_frame(
        [
            dict(city="c", indicator_id="sat", year=y, value=v)
            for y, v in zip(range(2012, 2019), [70, 71, 73, 74, 76, 77, 79])
        ]
    )
    r = scorecard(tg, ob).iloc[0]
    assert r["status"] == "met" and r["trend_label"] == "increasing" and r["trend_n"] == 7
    assert r["trend_slope"] == pytest.approx(1.5)
    r14 = scorecard(tg, ob, year=2014).iloc[0]
    assert r14["status"] == "on_track" and r14["trend_label"] == "insufficient_data"


def test_duplicate_same_basis_first_row_wins(targets_frame, observations_frame):
    tg = targets_frame(
        [
            dict(
                city="c",
                target_id="t",
                indicator_id="x",
                kind="threshold",
                comparator=">=",
                target_value=1.0,
                target_year=2015,
            )
        ]
    )
    ob = observations_frame(
        [dict(city="c", indicator_id="x", year=2015, value=v, source=s) for v, s in ((2.0, "first"), (0.5, "second"))]
    )
    r = scorecard(tg, ob).iloc[0]
    assert r["value"] == 2.0 and r["value_source"] == "first"


def test_progress_category_for_threshold_uses_five_year_window(targets_frame, observations_frame):
    tg = targets_frame(
        [
            dict(
                city="c",
                target_id="t",
                indicator_id="x",
                kind="threshold",
                comparator=">=",
                target_value=100.0,
                target_year=2020,
                measure="level",
                direction="higher_is_better",
            )
        ]
    )
    ob = observations_frame(
        [dict(city="c", indicator_id="x", year=y, value=v) for y, v in ((2008, 1.0), (2012, 50.0), (2016, 70.0))]
    )
    r = scorecard(tg, ob).iloc[0]
    assert r["progress_base_year"] == 2012  # 2008 is outside the five years before 2016
    ror = (1.4 ** (1 / 4) - 1) / (2 ** (1 / 8) - 1)  # 8.78 %/yr observed vs 9.05 %/yr required
    assert r["ror"] == pytest.approx(ror)
    assert r["progress_category"] == "significant"  # RoR 0.97


def test_medium_synthetic_runs(targets_frame):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from bench_scorecard import synthetic

    tg, ob = synthetic(n_cities=20, n_ind=10, n_years=8)
    sc = scorecard(tg, ob, year=2011)
    assert len(sc) == len(tg)
    assert set(sc["status"]) <= set(STATUSES)
    assert sc["status"].isin(["met", "not_met", "on_track", "off_track"]).any()


def test_computed_rows_of_an_invalid_city_year_are_not_used(targets_frame, observations_frame):
    tg = targets_frame(
        [
            dict(
                city="c",
                target_id="t",
                indicator_id="pm25",
                kind="threshold",
                comparator="<=",
                target_value=35.0,
                target_year=2015,
                measure="concentration",
            )
        ]
    )
    ob = observations_frame(
        [
            dict(
                city="c",
                indicator_id="pm25",
                year=2015,
                value=30.0,
                basis="computed",
                note="NOT VALID (GB 3095-2012 data validity not met); unrounded 30.2",
            ),
            dict(city="c", indicator_id="pm25", year=2014, value=40.0, basis="computed", note="unrounded 40.1"),
        ]
    )
    r = scorecard(tg, ob, year=2015).iloc[0]
    assert r["year_assessed"] == 2014 and r["value"] == 40.0


def test_urban_scope_spellings_match_a_shiqu_target(targets_frame, observations_frame):
    tg = targets_frame(
        [
            dict(
                city="c",
                target_id="t",
                indicator_id="sewage",
                kind="threshold",
                scope="市区",
                comparator=">=",
                target_value=95.0,
                unit="%",
                target_year=2015,
                measure="rate",
                direction="higher_is_better",
            )
        ]
    )
    ob = observations_frame(
        [
            dict(city="c", indicator_id="sewage", year=2013, value=85.0, scope="城市"),
            dict(city="c", indicator_id="sewage", year=2014, value=99.0, scope="全市"),
        ]
    )
    r = scorecard(tg, ob).iloc[0]
    assert r["year_assessed"] == 2013 and r["value"] == 85.0 and r["status"] == "off_track"


def test_no_yoy_change_between_research_and_official(targets_frame, observations_frame):
    tg = targets_frame(
        [
            dict(
                city="c",
                target_id="t",
                indicator_id="pm25",
                kind="threshold",
                comparator="<=",
                target_value=35.0,
                target_year=2015,
                measure="concentration",
            )
        ]
    )
    ob = observations_frame(
        [
            dict(city="c", indicator_id="pm25", year=2014, value=88.1, basis="research"),
            dict(city="c", indicator_id="pm25", year=2015, value=96.0),
        ]
    )
    r = scorecard(tg, ob, year=2015).iloc[0]
    assert r["value"] == 96.0 and np.isnan(r["previous_value"]) and np.isnan(r["yoy_change_pct"])
    ob2 = observations_frame(
        [
            dict(city="c", indicator_id="pm25", year=2014, value=88.1, basis="research"),
            dict(city="c", indicator_id="pm25", year=2015, value=95.8, basis="research"),
        ]
    )
    r2 = scorecard(tg, ob2, year=2015).iloc[0]
    assert r2["previous_value"] == 88.1 and round(r2["yoy_change_pct"], 2) == 8.74


def test_shipped_data_gives_a_row_for_every_catalog_target():
    import warnings

    from qclib.data.catalog import load_targets
    from qclib.data.observations import load_observations
    from qclib.exceptions import QclibWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QclibWarning)
        targets, obs = load_targets(), load_observations()
    for year in (None, 2015):
        sc = scorecard(targets, obs, year=year)
        assert sorted(sc["target_id"]) == sorted(targets["target_id"])
        assert set(sc["status"]) <= set(STATUSES)
        assert sc["target_source"].str.contains(r"\| item ").all()
    zz = scorecard(targets, obs, year=2015, cities=["zhengzhou"]).set_index("target_id")
    pm = zz.loc["zhengzhou_environment_6_b"]
    assert pm["value"] == 96.0 and round(pm["planned_value"], 2) == 99.33 and pm["status"] == "on_track"
    assert pm["base_value"] == 108.0 and pm["base_value_basis"] == "plan_text"
