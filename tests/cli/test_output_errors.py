"""No user error about where to write ends in a traceback: a clear message and a non-zero exit."""

from __future__ import annotations

from pathlib import Path

import pytest

from qclib.cli import main


@pytest.fixture(params=["a_folder", "under_a_file"])
def bad_out(request, tmp_path):
    """An output path that cannot be written: an existing folder, or a path below a regular file."""
    if request.param == "a_folder":
        (tmp_path / "out.csv").mkdir()
        return tmp_path / "out.csv"
    (tmp_path / "plain").write_text("x")
    return tmp_path / "plain" / "out.csv"


AIR_FILE = str(Path(__file__).resolve().parents[1] / "fixtures" / "air" / "zhengzhou_2021_daily.csv")


@pytest.mark.parametrize(
    "argv",
    [
        ["scorecard", "--city", "zhengzhou", "--year", "2015", "--format", "csv", "--out", "{out}"],
        ["template", "--city", "zhengzhou", "--year", "2016", "{out}.xlsx"],
        ["air", "annual", AIR_FILE, "--out", "{out}"],
        ["run", "--city", "qinhuangdao", "--year", "2010", "--no-comparison", "--dry-run", "--out", "{out}"],
        ["run", "--city", "qinhuangdao", "--year", "2010", "--no-comparison", "--out", "{out}"],
    ],
    ids=["scorecard", "template", "air", "run-dry", "run"],
)
def test_unwritable_output_is_a_message_not_a_traceback(argv, bad_out, capsys):
    if argv[0] == "run" and bad_out.is_dir():
        pytest.skip("a folder is what qc run --out takes")
    out = str(bad_out)
    args = [a.replace("{out}", out) for a in argv]
    if args[-1].endswith(".csv.xlsx") and bad_out.name == "out.csv" and bad_out.is_dir():
        (bad_out.parent / "out.csv.xlsx").mkdir()
    code = main(args)
    err = capsys.readouterr().err
    assert code != 0
    assert "Traceback" not in err and ("cannot write" in err or "is a folder" in err)
