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
    assert r["base_value"] == 108.0 and r["base_value_basis"] == "official"  # the plan states it (issue 9)
    assert r["base_value_source_kind"] == "official_document"
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
    # without observations only a plan-stated base value (an official figure of its year) is known
    judged = ~sc["status"].isin(["no_data", "not_assessable"])
    assert sc.loc[judged, "base_value"].notna().all()
    assert (sc.loc[judged, "year_assessed"] == sc.loc[judged, "base_year"]).all()
    assert (sc.loc[judged, "value_source_kind"] == "official_document").all()


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
            report_year=2015,
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
    assert "3 years running by 2018" in r["reason"] and "目标为连续3年提高" in r["reason_zh"]
    # the same target where the plan gives no count (不断提高): same judgement, worded as the plan says
    u = scorecard(tg.assign(n_years_stated=False), ob).iloc[0]
    assert u["status"] == "met" and "the plan states no number of years" in u["reason"]
    assert "规划期内（2016—2018年）逐年提高" in u["reason_zh"] and "连续3年提高" not in u["reason_zh"]


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
    assert pm["base_value"] == 108.0 and pm["base_value_basis"] == "official"  # the plan states the 2013 level


# ---- the named steps of scorecard(), each on a small frame -----------------


def _step_obs(observations_frame):
    """Two series: a/pm25 2013-2016 (mixed bases) and china/pm25 2015."""
    return observations_frame(
        [
            dict(city="a", indicator_id="pm25", year=2013, value=108.0, basis="plan_text"),
            dict(city="a", indicator_id="pm25", year=2013, value=110.0, basis="research"),
            dict(city="a", indicator_id="pm25", year=2014, value=104.0, basis="research"),
            dict(city="a", indicator_id="pm25", year=2014, value=103.0, basis="derived"),
            dict(city="a", indicator_id="pm25", year=2015, value=100.0, basis="official", source="bulletin"),
            dict(city="a", indicator_id="pm25", year=2015, value=99.0, basis="official"),
            dict(city="a", indicator_id="pm25", year=2016, value=97.0, basis="partial_year"),
            dict(city="a", indicator_id="pm25", year=2016, value=np.nan, basis="official"),
            dict(city="china", indicator_id="pm25", year=2015, value=50.0, scope="全国"),
        ]
    )


def test_restrict_keeps_requested_cities_in_catalog_order(targets_frame):
    from qclib.indicators.scorecard import _restrict

    tg = targets_frame([dict(city=c, target_id=f"t{i}") for i, c in enumerate(["x", "y", "x", "z"])])
    out = _restrict(tg, ["x", "z", "x"])
    assert out["target_id"].tolist() == ["t0", "t2", "t3"]
    assert out.index.tolist() == [0, 1, 2]
    assert len(_restrict(tg, None)) == 4
    with pytest.raises(InvalidChoiceError):
        _restrict(tg, ["nowhere"])


def test_encode_observations_drops_unusable_rows_and_normalises_scopes(observations_frame):
    from qclib.indicators.scorecard import _encode_observations

    o = observations_frame(
        [
            dict(city="a", indicator_id="x", year=2014, value=1.0, scope="全市"),
            dict(city="a", indicator_id="x", year=2016, value=2.0, scope=""),
            dict(city="a", indicator_id="x", year=2015, value=np.nan),
            dict(city="a", indicator_id="x", year=2010, value=3.0, basis="computed", note="NOT VALID: 200 days"),
            dict(city="a", indicator_id="x", year=2015, value=4.0, scope="城区"),
        ]
    )
    obs = _encode_observations(o, None)
    assert obs.keep.tolist() == [0, 1, 4]
    assert (obs.ymin, obs.ymax, obs.m) == (2014, 2016, 3)
    assert obs.o_col.tolist() == [0, 2, 1]
    # 全市 and '' are one series, 城区 (read as 市区) another
    assert obs.K == 2
    assert obs.o_k[0] == obs.o_k[1] != obs.o_k[2]
    empty = _encode_observations(o.iloc[:0], 2020)
    assert (empty.K, empty.ymin, empty.ymax) == (0, 2020, 2020)


def test_series_of_finds_series_and_maps_unknown_to_the_nan_row(observations_frame):
    from qclib.indicators.scorecard import _encode_observations, _series_of

    obs = _encode_observations(_step_obs(observations_frame), None)
    k = _series_of(
        obs,
        np.array(["a", "china", "a", "b"], dtype=object),
        np.array(["pm25", "pm25", "so2", "pm25"], dtype=object),
        np.array(["", "", "", ""], dtype=object),
    )
    assert obs.K == 2
    assert sorted(k[:2].tolist()) == [0, 1]
    assert k[2:].tolist() == [obs.K, obs.K]


def test_pick_per_year_prefers_basis_rank_then_input_order(observations_frame):
    from qclib.indicators.scorecard import (
        BASE_BASIS_RANK,
        VALUE_BASIS_RANK,
        _encode_observations,
        _pick_per_year,
        _series_of,
    )

    obs = _encode_observations(_step_obs(observations_frame), None)
    k = int(_series_of(obs, np.array(["a"], dtype=object), np.array(["pm25"], dtype=object), np.array([""]))[0])
    V = _pick_per_year(obs, VALUE_BASIS_RANK)
    assert V.vals.shape == (obs.K + 1, 4)
    # 2013: plan_text is never the year's value -> research 110; 2014 derived
    # beats research; 2015 first official row; 2016 partial year never
    np.testing.assert_array_equal(V.vals[k], [110.0, 103.0, 100.0, np.nan])
    np.testing.assert_array_equal(V.rank[k], [4, 2, 0, np.nan])
    assert V.rows[k].tolist() == [1, 3, 4, -1]
    assert np.isnan(V.vals[obs.K]).all()  # the all-NaN row
    B = _pick_per_year(obs, BASE_BASIS_RANK, np.array([2013]))
    np.testing.assert_array_equal(B.vals[k], [108.0, np.nan, np.nan, np.nan])


def test_last_valid_carries_the_latest_column_forward():
    from qclib.indicators.scorecard import _last_valid

    vals = np.array([[np.nan, 1.0, np.nan, 2.0], [np.nan] * 4])
    assert _last_valid(vals).tolist() == [[-1, 1, 1, 3], [-1, -1, -1, -1]]


def _grid(vals, rank=None):
    from qclib.indicators.scorecard import _Grid

    vals = np.asarray(vals, dtype=float)
    rows = np.where(np.isnan(vals), -1, np.arange(vals.size).reshape(vals.shape))
    rank = np.where(np.isnan(vals), np.nan, 0.0) if rank is None else np.asarray(rank, dtype=float)
    return _Grid(vals, rows, rank)


def test_pick_value_assessed_previous_and_reference():
    from qclib.indicators.scorecard import _last_valid, _pick_value

    # series 0: 2010..2013 = 5, 6, NaN, 8 ; series 1 (reference): 1, 2, 3, 4 ; row 2 = NaN row
    V = _grid([[5, 6, np.nan, 8], [1, 2, 3, 4], [np.nan] * 4])
    last = _last_valid(V.vals)
    k, kr = np.array([0, 0, 0, 2]), np.array([1, 1, 1, 2])
    a = _pick_value(V, last, k, kr, 3, None, 2010)
    assert a.year_assessed[:3].tolist() == [2013.0] * 3 and np.isnan(a.year_assessed[3])
    assert a.value[0] == 8.0 and np.isnan(a.prev[0])  # 2012 is a gap: no previous
    assert a.ref_value[0] == 4.0
    assert a.has.tolist() == [True, True, True, False]
    # as of 2012: the latest value is 2011 (6), previous 2010 (5)
    a12 = _pick_value(V, last, k, kr, 2, 2012, 2010)
    assert (a12.year_assessed[0], a12.value[0], a12.prev[0], a12.ref_value[0]) == (2011.0, 6.0, 5.0, 2.0)
    assert a12.year_assessed[3] == 2012.0  # no data: the year asked for
    # before any data
    assert not _pick_value(V, last, k, kr, -1, 2009, 2010).has.any()


def test_pick_value_no_previous_between_research_and_official():
    from qclib.indicators.scorecard import _last_valid, _pick_value

    V = _grid([[5.0, 6.0]], rank=[[4, 0]])
    a = _pick_value(V, _last_valid(V.vals), np.array([0]), np.array([0]), 1, None, 2014)
    assert a.value[0] == 6.0 and np.isnan(a.prev[0]) and not a.has_prev[0]


def test_pick_base_prefers_grid_then_catalog_then_research():
    from qclib.indicators.scorecard import _pick_base

    # series 0: official 100 in 2010; series 1: research 90 in 2010; series 2: nothing
    B = _grid([[100.0, np.nan], [90.0, np.nan], [np.nan, np.nan]], rank=[[0, np.nan], [4, np.nan], [np.nan] * 2])
    k = np.array([0, 1, 1, 2, 0, 0])
    by = np.array([2010, 2010, 2010, 2010, np.nan, 2005])
    cat = np.array([95.0, 95.0, np.nan, np.nan, 95.0, 95.0])
    value, row, use_cat = _pick_base(B, k, by, cat, 2010)
    np.testing.assert_array_equal(value, [100.0, 95.0, 90.0, np.nan, 95.0, 95.0])
    assert row.tolist() == [0, -1, 2, -1, -1, -1]
    assert use_cat.tolist() == [False, True, False, False, True, True]


def test_trend_runs_count_consecutive_moves():
    from qclib.indicators.scorecard import _trend_runs

    vals = np.array([[1.0, 2.0, 3.0, 2.0, 1.0, 0.5], [1.0, np.nan, 2.0, 3.0, 3.0, 4.0]])
    k = np.array([0, 0, 1, 1])
    Lc = np.array([2, 5, 3, 4])
    up, dn = _trend_runs(vals, k, np.array([True, True, True, True]), Lc)
    assert up.tolist() == [2, 0, 1, 0]
    assert dn.tolist() == [0, 3, 0, 0]
    up, dn = _trend_runs(vals, k, np.array([False] * 4), Lc)
    assert up.tolist() == dn.tolist() == [0, 0, 0, 0]


def test_changes_pp_pct_and_reduction():
    from qclib.indicators.scorecard import _changes

    measure = np.array(["rate", "level", "level", "rank"], dtype=object)
    value = np.array([93.0, 90.0, 5.0, 3.0])
    prev = np.array([91.5, 100.0, 0.0, 4.0])
    base = np.array([np.nan, 120.0, 0.0, 4.0])
    pp, pct, red = _changes(measure, value, prev, base)
    np.testing.assert_allclose(pp, [1.5, np.nan, np.nan, np.nan])
    np.testing.assert_allclose(pct, [np.nan, -10.0, np.nan, np.nan])
    np.testing.assert_allclose(red, [np.nan, 25.0, np.nan, 25.0])


def test_progress_points_cap_at_target_year_and_five_year_window():
    from qclib.indicators.scorecard import _last_valid, _progress_points

    # 2010..2019: values from 2011, NaN in 2012
    vals = np.array([[np.nan, 11, np.nan, 13, 14, 15, 16, 17, 18, 19]], dtype=float)
    last = _last_valid(vals)
    k = np.zeros(3, dtype="int64")
    L = np.array([9, 9, -1])
    T = np.array([np.nan, 2015.0, 2015.0])
    yt, t, y0, t0 = _progress_points(vals, last, k, L, T, 2010)
    np.testing.assert_array_equal(yt, [19.0, 15.0, np.nan])
    np.testing.assert_array_equal(t, [2019.0, 2015.0, np.nan])
    # earliest value among the five years before t: 2014 for 2019, 2011 for 2015
    np.testing.assert_array_equal(y0, [14.0, 11.0, np.nan])
    np.testing.assert_array_equal(t0, [2014.0, 2011.0, np.nan])


def test_progress_category_applicability_base_and_achieved():
    from qclib.indicators.scorecard import _progress

    kind = np.array(["threshold", "threshold", "reduction_vs_base", "rank", "threshold"], dtype=object)
    cmp = np.array(["<=", "<=", ">=", "<=", "<="], dtype=object)
    tv = np.array([90.0, 90.0, 20.0, 5.0, 90.0])
    T = np.full(5, 2020.0)
    by = np.array([np.nan, np.nan, 2010.0, np.nan, np.nan])
    bv = np.array([np.nan, np.nan, 100.0, np.nan, np.nan])
    status = np.array(["off_track", "on_track", "off_track", "met", "no_data"], dtype=object)
    points = (
        np.array([95.0, 88.0, 85.0, 3.0, np.nan]),  # latest value
        np.full(5, 2015.0),
        np.array([100.0, 100.0, 99.0, 9.0, np.nan]),  # window start
        np.full(5, 2012.0),
    )
    cat, ror, base_year = _progress(kind, cmp, tv, T, by, bv, status, points)

    # 100 (2012) -> 95 (2015) toward 90 by 2020: ratio of compound annual rates
    def cagr(y0, y1, n):
        return (y1 / y0) ** (1 / n) - 1

    assert cat[0] != "not_assessable" and ror[0] == pytest.approx(cagr(100, 95, 3) / cagr(100, 90, 8))
    assert cat[1] == "achieved"  # 88 <= 90
    # reduction: base 100 (2010) -> 85, target 80: the target's own base year is used
    assert base_year[2] == 2010.0 and ror[2] == pytest.approx(cagr(100, 85, 5) / cagr(100, 80, 10))
    assert cat[3] == cat[4] == "not_assessable" and np.isnan(ror[3:]).all() and np.isnan(base_year[3:]).all()
    assert base_year[0] == 2012.0


def test_trend_per_target_and_insufficient_data():
    from qclib.indicators.scorecard import _trend

    vals = np.array([[10.0, 9.0, 8.0, 7.0, 6.0, 5.0], [1.0, np.nan, np.nan, np.nan, np.nan, np.nan], [np.nan] * 6])
    n, slope, p, label = _trend(vals, np.array([0, 1, 2]), np.array([True, True, False]), 5, 2010)
    assert n.tolist() == [6, 1, 0]
    assert slope[0] == pytest.approx(-1.0) and p[0] < 0.05
    assert label[0] != "insufficient_data" and label[1] == label[2] == "insufficient_data"
    assert np.isnan(slope[2])
    n, *_ = _trend(vals, np.array([0]), np.array([True]), 2, 2010)  # up to 2012 only
    assert n.tolist() == [3]


def test_provenance_texts(targets_frame, observations_frame):
    from qclib.indicators.scorecard import _basis_text, _encode_observations, _source_text, _target_source

    o = observations_frame(
        [
            dict(city="a", indicator_id="x", year=2015, value=1.0, source="bulletin", source_detail="p. 3"),
            dict(city="a", indicator_id="x", year=2016, value=np.nan),
            dict(city="a", indicator_id="x", year=2016, value=2.0, source="yearbook", basis="derived"),
        ]
    )
    obs = _encode_observations(o, None)
    rows = np.array([0, 1, -1])  # kept rows: input rows 0 and 2
    assert _source_text(o, obs, rows).tolist() == ["bulletin | p. 3", "yearbook", ""]
    assert _basis_text(obs, rows).tolist() == ["official", "derived", ""]
    tg = targets_frame([dict(plan_title="质量强市", doc_number="郑政〔2016〕1号", source_item="6"), dict()])
    assert _target_source(tg).tolist() == [
        "《质量强市》（郑政〔2016〕1号） 001.txt | 三（四） | item 6",
        "001.txt | 三（四） | item 1",
    ]


def test_assemble_columns_and_nullable_years(targets_frame, observations_frame):
    from qclib.indicators.scorecard import _int_column

    col = _int_column(np.array([2015.0, np.nan, 2016.0]), np.array([False, True, False]))
    assert str(col.dtype) == "Int64" and col.tolist() == [2015, pd.NA, 2016]
    t = targets_frame(
        [
            dict(
                city="a",
                target_id="t",
                indicator_id="x",
                kind="threshold",
                comparator="<=",
                target_value=5.0,
                target_year=2016,
            )
        ]
    )
    o = observations_frame([dict(city="a", indicator_id="x", year=2015, value=4.0)])
    sc = scorecard(t, o)
    assert list(sc.columns) == list(SCORECARD_COLUMNS)
    assert sc.loc[0, "previous_year"] is pd.NA and sc.loc[0, "year_assessed"] == 2015
