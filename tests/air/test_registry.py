"""qclib.air's indicators are in the catalog registry, so its output loads as observations."""

from __future__ import annotations

import warnings

from qclib.air.standards import AIR_INDICATORS
from qclib.cli.main import main
from qclib.data.catalog import load_indicators
from qclib.data.observations import load_observations
from qclib.exceptions import QclibWarning

FIXTURE = "tests/fixtures/air/zhengzhou_2021_daily.csv"


def test_every_air_indicator_is_registered_with_the_same_unit_measure_direction():
    reg = load_indicators().set_index("indicator_id")
    for iid, entry in AIR_INDICATORS.items():
        assert iid in reg.index, iid
        for key in ("unit", "measure", "direction"):
            assert reg.loc[iid, key] == entry[key], (iid, key)


def test_qc_air_annual_output_is_accepted_by_load_observations(tmp_path):
    out = tmp_path / "air.csv"
    assert main(["air", "annual", FIXTURE, "--out", str(out)]) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QclibWarning)
        obs = load_observations(out)
    mine = obs.loc[obs["file"] == str(out)]
    assert set(mine["basis"]) == {"computed"}
    row = mine.loc[(mine.indicator_id == "pm25_annual_mean") & (mine.year == 2021)].iloc[0]
    assert row["city"] == "zhengzhou" and row["unit"] == "ug/m3" and row["source"].endswith("zhengzhou_2021_daily.csv")
