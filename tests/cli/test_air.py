"""``qc air annual`` through ``register`` and argparse: thin adapter, outputs, error exit."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qclib.air import io as air_io
from qclib.cli import air as _cli

DATA = Path(__file__).resolve().parents[1] / "fixtures" / "air"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qc")
    _cli.register(p.add_subparsers(dest="command"))
    return p


def _run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    return args.func(args)


def test_cli_is_a_thin_adapter(monkeypatch, tmp_path):
    seen = {}

    def fake(paths, *, standard=None, exclude_invalid=False, units=None, **options):
        seen.update(paths=paths, standard=standard, exclude_invalid=exclude_invalid, **options)
        stats = pd.DataFrame({"city": ["x"], "indicator_id": ["pm25_annual_mean"], "year": [2021]})
        quality = pd.DataFrame({"city": ["x"], "year": [2021], "pollutant": ["pm25"], "valid": [True]})
        return air_io.AirEvaluation(stats, quality, pd.DataFrame({"city": ["x"]}), ())

    monkeypatch.setattr(air_io, "evaluate_files", fake)
    out = tmp_path / "o.csv"
    assert _run(["air", "annual", "a.csv", "b.xlsx", "--out", str(out), "--standard", "2012", "--exclude-invalid"]) == 0
    assert seen == {"paths": ["a.csv", "b.xlsx"], "standard": "2012", "exclude_invalid": True}
    assert out.exists() and (tmp_path / "o_quality.csv").exists()
    seen.clear()
    argv = ["air", "annual", "d/", "--out", str(out), "--city", "北京", "--monthfirst", "--file-is-station"]
    assert _run(argv) == 0
    assert seen["city"] == "北京" and seen["dayfirst"] is False and seen["file_is_station"] is True


def test_cli_end_to_end_on_fixture(tmp_path, capsys):
    out = tmp_path / "air_annual.csv"
    assert _run(["air", "annual", str(DATA / "zhengzhou_2021_daily.csv"), "--out", str(out)]) == 0
    stats = pd.read_csv(out)
    assert list(stats.columns) == [
        "city",
        "indicator_id",
        "year",
        "value",
        "unit",
        "scope",
        "source",
        "source_detail",
        "basis",
        "note",
    ]
    v = stats.set_index("indicator_id")["value"]
    assert v["pm25_annual_mean"] == 42 and v["pm25_p95"] == 90 and v["o3_8h_p90"] == 80
    assert v["good_days"] == 292 and v["good_days_ratio"] == 80.0 and v["valid_days"] == 365
    quality = pd.read_csv(tmp_path / "air_annual_quality.csv")
    assert {"n_days", "valid", "n_negative", "n_missing_dates", "n_duplicate_dates"} <= set(quality.columns)
    assert "1 of 1 city-year(s) valid" in capsys.readouterr().out


@pytest.mark.parametrize(
    "fixture,needle",
    [("bad_unknown_column.csv", "NH3"), ("bad_date.csv", "row 3"), ("bad_number.csv", "'pm25'")],
)
def test_cli_bad_file_exits_1_with_row_and_column(tmp_path, capsys, fixture, needle):
    out = tmp_path / "o.csv"
    assert _run(["air", "annual", str(DATA / fixture), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert needle in err and fixture in err
    assert not out.exists()


def test_cli_unconfirmed_standard_exits_1(tmp_path, capsys):
    assert (
        _run(
            [
                "air",
                "annual",
                str(DATA / "zhengzhou_2021_daily.csv"),
                "--standard",
                "2026",
                "--out",
                str(tmp_path / "o.csv"),
            ]
        )
        == 1
    )
    assert "not confirmed" in capsys.readouterr().err


def test_cli_rejects_unknown_standard_choice():
    with pytest.raises(SystemExit):
        _parser().parse_args(["air", "annual", "a.csv", "--standard", "1996"])


def test_failed_quality_write_leaves_the_old_statistics(tmp_path):
    from qclib.cli.main import main

    out = tmp_path / "air.csv"
    out.write_text("old statistics\n", encoding="utf-8")
    blocked = tmp_path / "quality_is_a_folder"
    blocked.mkdir()
    (blocked / "keep").write_text("x", encoding="utf-8")
    assert (
        main(
            [
                "air",
                "annual",
                "tests/fixtures/air/zhengzhou_2021_daily.csv",
                "--out",
                str(out),
                "--quality-out",
                str(blocked),
            ]
        )
        == 1
    )
    assert out.read_text(encoding="utf-8") == "old statistics\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["air.csv", "quality_is_a_folder"]


@pytest.mark.parametrize(
    "name,content,needle",
    [
        ("empty.csv", b"", "empty"),
        ("ragged.csv", b"city,date,pm25\nx,2021-01-01,3\nx,2021-01-02,4,5,6\n", "unequal"),
        ("bad.xlsx", b"not a zip file", "Excel"),
        ("old.xls", b"\xd0\xcf\x11\xe0 not really", "Excel"),
    ],
)
def test_unreadable_inputs_are_messages_not_tracebacks(tmp_path, capsys, name, content, needle):
    from qclib.cli.main import main

    p = tmp_path / name
    p.write_bytes(content)
    out = tmp_path / "o.csv"
    out.write_text("old\n", encoding="utf-8")
    assert main(["air", "annual", str(p), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert needle in err and name in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "old\n"


def test_bad_output_locations(tmp_path, capsys):
    from qclib.cli.main import main

    src = "tests/fixtures/air/zhengzhou_2021_daily.csv"
    same = tmp_path / "a.csv"
    assert main(["air", "annual", src, "--out", str(same), "--quality-out", str(same)]) == 1
    assert "same file" in capsys.readouterr().err and not same.exists()
    assert main(["air", "annual", src, "--out", str(tmp_path)]) == 1
    assert "folder" in capsys.readouterr().err
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        rc = main(["air", "annual", src, "--out", str(ro / "a.csv")])
        if rc == 1:  # root ignores permissions
            assert "cannot write" in capsys.readouterr().err
    finally:
        ro.chmod(0o700)


def test_cli_dayfirst_and_monthfirst(tmp_path, capsys):
    from qclib.cli.main import main

    p = tmp_path / "d.csv"
    p.write_text("city,date,pm25\nx,01/02/2021,40\nx,02/02/2021,41\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    assert main(["air", "annual", str(p), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "ambiguous day/month order" in err and "row 2" in err and "--dayfirst" in err
    assert main(["air", "annual", str(p), "--dayfirst", "--out", str(out)]) == 0
    q = pd.read_csv(tmp_path / "o_quality.csv")
    assert q.loc[0, "m02"] == 2
    assert main(["air", "annual", str(p), "--monthfirst", "--out", str(out)]) == 0
    q = pd.read_csv(tmp_path / "o_quality.csv")
    assert q.loc[0, "m01"] == 1 and q.loc[0, "m02"] == 1
    with pytest.raises(SystemExit):
        _parser().parse_args(["air", "annual", str(p), "--dayfirst", "--monthfirst"])


def test_cli_city_and_file_is_station(tmp_path, capsys):
    from qclib.cli.main import main

    t = pd.date_range("2021-01-01", periods=48, freq="h").strftime("%Y-%m-%d %H:%M")
    for name, v in (("site_a", 10), ("site_b", 30)):
        pd.DataFrame({"datetime": t, "PM2.5": v, "TEMP": 1.5}).to_csv(tmp_path / f"{name}.csv", index=False)
    out = tmp_path / "out" / "o.csv"
    argv = ["air", "annual", str(tmp_path), "--city", "Luoyang", "--file-is-station", "--out", str(out)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "ignored columns (not pollutants, or recomputed by qclib): TEMP (in 2 files)" in printed
    stats = pd.read_csv(out).set_index("indicator_id")
    assert stats.loc["pm25_annual_mean", "value"] == 20 and stats.loc["pm25_annual_mean", "city"] == "luoyang"
    q = pd.read_csv(tmp_path / "out" / "o_quality.csv").set_index("pollutant")
    assert q.loc["pm25", "n_stations"] == 2 and q.loc["pm25", "stations_min"] == 2


def test_cli_one_warning_line_per_suspect_city_year(tmp_path, capsys):
    from qclib.cli.main import main

    dates = pd.date_range("2015-01-01", "2016-12-31")
    rng = np.random.default_rng(3)
    pm25 = rng.uniform(20, 90, len(dates)).round(1)
    pm25[:200:2] = 0.0  # 2015: 27 % zeros (every other day: no run of identical values)
    pm10 = rng.uniform(40, 180, len(dates)).round(1)
    pm10[:60:2] = 0.0  # 2015: 8 % zeros in a second pollutant, same line
    p = tmp_path / "d.csv"
    pd.DataFrame({"city": "x", "date": dates.strftime("%Y-%m-%d"), "pm25": pm25, "pm10": pm10}).to_csv(p, index=False)
    assert main(["air", "annual", str(p), "--out", str(tmp_path / "o.csv")]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("WARNING suspect")]
    assert len(lines) == 1 and lines[0].startswith("WARNING suspect data: x 2015: pm25: 27.4 % exact zeros")
    assert "pm10: 8.2 % exact zeros" in lines[0] and "provisional (待核实)" in lines[0]
    q = pd.read_csv(tmp_path / "o_quality.csv")
    assert q.groupby("year")["city_year_suspect"].all().to_dict() == {2015: True, 2016: False}


def test_outputs_never_hold_a_formula_from_a_file_name(tmp_path):
    from qclib.cli.main import main

    p = tmp_path / "=HYPERLINK(1).csv"
    p.write_text("city,date,pm25\nx,2021-01-01,40\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    assert main(["air", "annual", str(p), "--out", str(out)]) == 0
    for f in (out, tmp_path / "o_quality.csv"):
        sources = pd.read_csv(f)["source"]
        assert sources.str.startswith("'=").all(), f


def test_daily_out_has_the_stations_behind_each_day(tmp_path):
    from qclib.cli.main import main

    t = pd.date_range("2021-01-01", periods=48, freq="h").strftime("%Y-%m-%d %H:%M")
    rows = [
        f"x,{s},{h},{v if not (s == 'b' and h.startswith('2021-01-02 0')) else ''}"
        for s, v in (("a", 10), ("b", 30))
        for h in t
    ]
    p = tmp_path / "s.csv"
    p.write_text("city,station,datetime,pm25\n" + "\n".join(rows), encoding="utf-8")
    out, daily = tmp_path / "o.csv", tmp_path / "o_daily.csv"
    assert main(["air", "annual", str(p), "--out", str(out), "--daily-out", str(daily)]) == 0
    d = pd.read_csv(daily)
    assert d["stations_pm25"].tolist() == [2, 1] and d["pm25"].tolist() == [20.0, 10.0]
    assert main(["air", "annual", str(p), "--out", str(out), "--daily-out", str(out)]) == 1
