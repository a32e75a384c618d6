"""Units: CO in ug/m3 refused unless declared (header or --unit), converted only when declared."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qclib.air.io import annual_statistics_from_files, parse_unit, read_monitoring_file
from qclib.exceptions import DataValidationError


def _daily(tmp_path, co_header="CO", co_factor=1000.0, name="d.csv"):
    dates = pd.date_range("2015-03-01", periods=60)
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "city": "beijing",
            "date": dates.strftime("%Y-%m-%d"),
            "PM2.5": rng.uniform(20, 120, 60).round(),
            "PM10": rng.uniform(60, 180, 60).round(),
            "SO2": 10,
            "NO2": 40,
            co_header: (rng.uniform(0.5, 1.5, 60) * co_factor).round(3),
            "O3_8h": 80,
        }
    )
    p = tmp_path / name
    df.to_csv(p, index=False)
    return p


def test_co_in_ug_without_declaration_is_refused_naming_co(tmp_path):
    p = _daily(tmp_path)
    with pytest.raises(DataValidationError) as exc:
        read_monitoring_file(p)
    (issue,) = exc.value.issues
    assert issue.column == "CO" and issue.file == "d.csv"
    assert "--unit co=ug/m3" in issue.allowed and "median" in str(issue.value)


@pytest.mark.parametrize("header,units", [("CO", {"co": "ug/m3"}), ("CO(μg/m³)", None), ("CO_ug", None)])
def test_declared_ug_co_is_converted_and_good_days_plausible(tmp_path, header, units):
    p = _daily(tmp_path, co_header=header)
    stats, _ = annual_statistics_from_files([p], units=units)
    v = stats.set_index("indicator_id")["value"]
    assert 0.5 <= v["co_p95"] <= 1.5
    assert v["good_days_ratio"] >= 20.0  # PM2.5 20-120 ug/m3: about 1/3 good days, never 0 %


def test_declared_unit_that_does_not_fit_the_values_is_refused(tmp_path):
    p = _daily(tmp_path, co_factor=1.0)  # values in mg/m3
    with pytest.raises(DataValidationError, match="look like mg/m3"):
        read_monitoring_file(p, units={"co": "ug/m3"})


def test_pm_in_mg_is_refused_not_converted(tmp_path):
    p = tmp_path / "pm.csv"
    p.write_text("city,date,pm25\nx,2021-01-01,0.05\nx,2021-01-02,0.08\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="pm25=mg/m3"):
        read_monitoring_file(p)
    _, f = read_monitoring_file(p, units={"pm25": "mg/m3"})
    assert f["pm25"].tolist() == [50.0, 80.0]


def test_parse_unit():
    assert parse_unit("CO_mg") == "mg/m3" and parse_unit("CO") is None and parse_unit("μg/m3") == "ug/m3"


def test_cli_unit_flag(tmp_path, capsys):
    from qclib.cli.main import main

    p = _daily(tmp_path)
    out = tmp_path / "o.csv"
    assert main(["air", "annual", str(p), "--out", str(out)]) == 1
    assert "CO" in capsys.readouterr().err and not out.exists()
    assert main(["air", "annual", str(p), "--out", str(out), "--unit", "co=ug/m3"]) == 0
    assert main(["air", "annual", str(p), "--out", str(out), "--co-unit", "ug/m3"]) == 0
    assert main(["air", "annual", str(p), "--out", str(out), "--unit", "co=ppm"]) == 1


def test_single_implausible_co_daily_mean_is_refused_naming_the_row(tmp_path):
    rows = [f"x,2021-01-{d:02d},{0.8 if d != 3 else 62}" for d in range(1, 11)]
    p = tmp_path / "co.csv"
    p.write_text("city,date,co\n" + "\n".join(rows), encoding="utf-8")
    with pytest.raises(DataValidationError) as exc:
        read_monitoring_file(p)
    (issue,) = exc.value.issues
    assert (issue.row, issue.column, issue.value) == (4, "co", 62.0) and "above 50 mg/m3" in issue.message


def test_hourly_co_up_to_the_top_of_the_scale_is_kept(tmp_path):
    rows = [f"x,2021-01-01 {h:02d}:00,{1.0 if h != 5 else 60}" for h in range(24)]
    p = tmp_path / "co.csv"
    p.write_text("city,datetime,co\n" + "\n".join(rows), encoding="utf-8")
    kind, f = read_monitoring_file(p)
    assert kind == "hourly" and f["co"].max() == 60.0
