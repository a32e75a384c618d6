"""Tests of the ``qc scorecard`` adapter (core functions patched)."""

from __future__ import annotations

import io
import json
from unittest import mock

import pandas as pd
import pytest

from qclib.cli import scorecard as cli

TABLE = pd.DataFrame({"city": ["zz"], "target_id": ["t1"], "status": ["met"], "value": [93.1]})


def _parse(argv):
    import argparse

    p = argparse.ArgumentParser()
    sub = p.add_subparsers()
    cli.register(sub)
    return p.parse_args(["scorecard", *argv])


CATALOG = mock.Mock(targets="TARGETS")


def test_params_dir_is_passed_to_the_catalog(patched):
    lt, _, _ = patched
    assert cli.cmd_scorecard(_parse(["--params-dir", "my/params"])) == 0
    lt.assert_called_once_with("my/params")


@pytest.fixture
def patched():
    with (
        mock.patch("qclib.data.catalog.load_catalog", return_value=CATALOG) as lt,
        mock.patch("qclib.data.observations.load_observations", return_value="OBS") as lo,
        mock.patch("qclib.indicators.scorecard.scorecard", return_value=TABLE) as sc,
    ):
        yield lt, lo, sc


def test_passes_arguments_to_scorecard(patched, capsys):
    lt, lo, sc = patched
    rc = cli.cmd_scorecard(_parse(["--city", "zz, xx", "--year", "2015", "extra.csv"]))
    assert rc == 0
    lt.assert_called_once_with(None)
    lo.assert_called_once_with(["extra.csv"], catalog=CATALOG)
    sc.assert_called_once_with("TARGETS", "OBS", year=2015, cities=["zz", "xx"])
    assert capsys.readouterr().out.splitlines()[0] == "city,target_id,status,value"


def test_defaults_all_cities_latest_year(patched, capsys):
    lt, lo, sc = patched
    assert cli.cmd_scorecard(_parse([])) == 0
    lo.assert_called_once_with(None, catalog=CATALOG)
    sc.assert_called_once_with("TARGETS", "OBS", year=None, cities=None)


def test_json_to_stdout(patched, capsys):
    cli.cmd_scorecard(_parse(["--format", "json"]))
    assert json.loads(capsys.readouterr().out)[0]["status"] == "met"


def test_xlsx_needs_out(patched, capsys):
    assert cli.cmd_scorecard(_parse(["--format", "xlsx"])) == 2
    assert "--out" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_writes_files(patched, tmp_path, fmt):
    out = tmp_path / f"sc.{fmt}"
    assert cli.cmd_scorecard(_parse(["--format", fmt, "--out", str(out)])) == 0
    back = {"csv": pd.read_csv, "json": lambda p: pd.read_json(p, orient="records"), "xlsx": pd.read_excel}[fmt](out)
    assert back["target_id"].tolist() == ["t1"]
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temp file left


def test_qclib_error_gives_exit_1(capsys):
    from qclib.exceptions import InvalidChoiceError

    with (
        mock.patch("qclib.data.catalog.load_catalog", return_value=CATALOG),
        mock.patch("qclib.data.observations.load_observations", return_value="O"),
        mock.patch("qclib.indicators.scorecard.scorecard", side_effect=InvalidChoiceError("cities", "x", ["zz"])),
    ):
        assert cli.cmd_scorecard(_parse(["--city", "x"])) == 1
    assert "cities cannot be 'x'" in capsys.readouterr().err


def test_write_table_rejects_bad_format():
    from qclib.exceptions import InvalidChoiceError

    with pytest.raises(InvalidChoiceError):
        cli.write_table(TABLE, "parquet", None, io.StringIO())
    with pytest.raises(InvalidChoiceError):
        cli.write_table(TABLE, "xlsx", None, io.StringIO())
