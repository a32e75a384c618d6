"""Tests of the ``qc`` CLI: the commands are thin adapters over the Python API."""

from __future__ import annotations

import argparse

import pandas as pd

from qclib.cli import validate as _cli_data
from qclib.cli.main import build_parser, main


def test_validate_passes_on_shipped_data(capsys):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "OK: catalog and data are valid" in out and "zhengzhou" in out


def test_validate_fails_on_a_bad_file_and_names_row_and_field(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "city,indicator_id,year,value,unit,source\nzhengzhou,pm25_annual_mean,2015,lots,ug/m3,me\n", encoding="utf-8"
    )
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.csv, row 2, field 'value'" in err and "not a number" in err


def test_validate_passes_the_paths_to_the_api(monkeypatch, capsys):
    seen = {}

    def fake(paths, params_dir=None):
        seen["paths"], seen["params_dir"] = paths, params_dir
        return {"catalog": None, "observations": None}, [], ["w1"]

    monkeypatch.setattr(_cli_data, "validate_all", fake)
    monkeypatch.setattr(_cli_data, "_summary_tables", lambda c, o: "SUMMARY")
    args = build_parser().parse_args(["validate", "a.csv", "dir/"])
    assert args.func(args) == 0
    assert seen["paths"] == ["a.csv", "dir/"] and seen["params_dir"] is None
    out = capsys.readouterr().out
    assert "SUMMARY" in out and "warning: w1" in out


def test_template_command(tmp_path, capsys):
    out = tmp_path / "zz.xlsx"
    assert main(["template", "--city", "zhengzhou", "--year", "2016", str(out)]) == 0
    sheet = pd.read_excel(out, sheet_name="observations")
    assert (sheet["city"] == "zhengzhou").all() and (sheet["year"] == 2016).all()
    assert main(["template", "--city", "zhengzhou", "--year", "2016", str(out)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["template", "--city", "zhengzhou", "--year", "2016", "--force", str(out)]) == 0
    assert main(["template", "--city", "atlantis", "--year", "2016", str(tmp_path / "x.xlsx")]) == 2
    assert not (tmp_path / "x.xlsx").exists()


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_parser_has_every_command():
    sub = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)][0]
    assert {"validate", "template", "scorecard", "air", "run"} <= set(sub.choices)


def test_many_bad_rows_print_a_capped_list_with_the_count_of_the_rest(tmp_path, capsys):
    from qclib.cli.validate import MAX_PRINTED

    rows = "".join(f"zhengzhou,pm25_annual_mean,{2000 + i % 50},abc{i},ug/m3,x\n" for i in range(5000))
    path = tmp_path / "bad.csv"
    path.write_text("city,indicator_id,year,value,unit,source\n" + rows, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("  ERROR ") == MAX_PRINTED
    assert f"... and {5000 - MAX_PRINTED} more error(s)" in err
