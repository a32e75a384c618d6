"""Tests of qclib.data.template: the Excel data-entry sheet round-trips through the loader."""

from __future__ import annotations

import pandas as pd
import pytest

from qclib.data.catalog import load_catalog
from qclib.data.observations import load_observations
from qclib.data.template import TEMPLATE_COLUMNS, make_template, template_frame
from qclib.exceptions import DataValidationError, InvalidChoiceError, OutputExistsError
from tests._catalog_fixtures import make_params


@pytest.fixture
def catalog(tmp_path):
    return load_catalog(make_params(tmp_path))


def test_frame_lists_each_indicator_with_target(catalog):
    t = template_frame("testcity", 2016, catalog)
    assert list(t.columns) == list(TEMPLATE_COLUMNS)
    assert set(t.indicator_id) == {"pass_rate", "pm25_annual_mean", "cod_emissions"}
    assert t.set_index("indicator_id").loc["pm25_annual_mean", "target"] == "108 (2013) -> 95 ug/m3"
    assert (t.value == "").all() and (t.source == "").all()


def test_unknown_city(catalog):
    with pytest.raises(InvalidChoiceError, match="testcity"):
        template_frame("atlantis", 2016, catalog)


def test_refuses_to_overwrite_without_force(tmp_path, catalog):
    out = tmp_path / "t.xlsx"
    make_template("testcity", 2016, out, catalog=catalog)
    before = out.read_bytes()
    with pytest.raises(OutputExistsError):
        make_template("testcity", 2017, out, catalog=catalog)
    assert out.read_bytes() == before
    make_template("testcity", 2017, out, force=True, catalog=catalog)
    assert pd.read_excel(out)["year"].eq(2017).all()


def test_filled_template_is_accepted_back(tmp_path, catalog):
    out = make_template("testcity", 2016, tmp_path / "t.xlsx", catalog=catalog)
    df = pd.read_excel(out, sheet_name="observations", dtype=str, keep_default_na=False)
    df.loc[df.indicator_id == "pm25_annual_mean", ["value", "source"]] = ["78", "环境状况公报 2016"]
    df.to_excel(out, sheet_name="observations", index=False)
    obs = load_observations(out, include_shipped=False, catalog=catalog)  # unfilled rows skipped
    assert obs[["indicator_id", "year", "value"]].values.tolist() == [["pm25_annual_mean", 2016, 78.0]]


def test_filled_template_with_bad_value_is_rejected(tmp_path, catalog):
    out = make_template("testcity", 2016, tmp_path / "t.xlsx", catalog=catalog)
    df = pd.read_excel(out, sheet_name="observations", dtype=str, keep_default_na=False)
    df.loc[df.indicator_id == "pass_rate", ["value", "source"]] = ["120", "x"]
    df.to_excel(out, sheet_name="observations", index=False)
    with pytest.raises(DataValidationError, match="0-100"):
        load_observations(out, include_shipped=False, catalog=catalog)
