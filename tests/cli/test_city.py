"""Tests of ``qc city new`` (qclib.cli.city) and the texts it writes (qclib.data.skeleton)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from qclib.cli.main import main
from qclib.data.catalog import load_catalog
from qclib.paths import PARAMS_DIR

RUN_YML = """\
# my run definition
cities:
  zhengzhou:
    years: [2015]   # kept
comparison:
  cities: [zhengzhou, xinxiang]
  years: [2015]
"""


@pytest.fixture
def params(tmp_path) -> Path:
    """A params folder: the shipped indicator registry and Zhengzhou, Xinxiang, a run.yml."""
    d = tmp_path / "params"
    d.mkdir()
    for p in [*PARAMS_DIR.glob("indicators*.yml"), PARAMS_DIR / "zhengzhou.yml", PARAMS_DIR / "xinxiang.yml"]:
        shutil.copy(p, d / p.name)
    (d / "run.yml").write_text(
        RUN_YML.replace("years: [2015]   # kept", "years: [2015]   # kept\n  xinxiang:\n    years: [2020]"),
        encoding="utf-8",
    )
    return d


def test_new_city_writes_the_skeleton_and_the_run_entry(params, capsys):
    assert main(["city", "new", "绵阳市", "--years", "2022,2023", "--params-dir", str(params)]) == 0
    doc = yaml.safe_load((params / "mianyang.yml").read_text(encoding="utf-8"))
    assert doc["city"] == {
        "city_id": "mianyang",
        "name_zh": "绵阳市",
        "name_en": "Mianyang",
        "province_zh": "四川省",
        "province_en": "Sichuan",
        "province_entity": "sichuan",
    }
    assert doc["targets"] == [] and doc["plan"]["deadline_year"] is None
    run_text = (params / "run.yml").read_text(encoding="utf-8")
    assert "# my run definition" in run_text and "# kept" in run_text  # comments survive
    assert yaml.safe_load(run_text)["cities"]["mianyang"] == {"years": [2022, 2023]}
    assert "qc validate" in capsys.readouterr().out


def test_the_skeleton_names_every_field_to_fill(params, capsys):
    assert main(["city", "new", "mianyang", "--years", "2023", "--params-dir", str(params)]) == 0
    capsys.readouterr()
    assert main(["validate", "--params-dir", str(params)]) == 1
    err = capsys.readouterr().err
    for field, line in (("plan.title_zh", 13), ("plan.seed_file", 18), ("plan.deadline_year", 19)):
        assert f"mianyang.yml, row {line}, field '{field}': required field is missing or empty" in err, err


def test_the_filled_skeleton_validates(params):
    assert main(["city", "new", "绵阳", "--years", "2023", "--params-dir", str(params)]) == 0
    path = params / "mianyang.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('title_zh: ""', "title_zh: 绵阳市质量强市方案").replace('seed_file: ""', "seed_file: plan.pdf")
    text = text.replace("deadline_year: null", "deadline_year: 2023")
    path.write_text(text, encoding="utf-8")
    cat = load_catalog(params)
    assert cat.cities["mianyang"]["city"]["province_entity"] == "sichuan"


def test_a_municipality_has_the_nation_as_its_province(params):
    assert main(["city", "new", "重庆市", "--years", "2023", "--params-dir", str(params)]) == 0
    doc = yaml.safe_load((params / "chongqing.yml").read_text(encoding="utf-8"))
    assert doc["city"]["province_entity"] == "china" and doc["city"]["province_zh"] == "全国"


@pytest.mark.parametrize(
    "name, fragment",
    [
        ("四川省", "not a city; its cities include chengdu"),
        ("吉林", "could mean jilin (吉林省), jilin_jilin (吉林市)"),
        ("绵羊市", "closest: mianyang (绵阳市)"),
    ],
)
def test_a_name_that_is_not_one_city_is_refused_and_nothing_written(params, capsys, name, fragment):
    before = sorted(p.name for p in params.iterdir())
    run_before = (params / "run.yml").read_text(encoding="utf-8")
    assert main(["city", "new", name, "--params-dir", str(params)]) == 1
    assert fragment in capsys.readouterr().err
    assert sorted(p.name for p in params.iterdir()) == before
    assert (params / "run.yml").read_text(encoding="utf-8") == run_before


def test_an_existing_city_file_needs_force(params, capsys):
    assert main(["city", "new", "新乡市", "--years", "2023", "--params-dir", str(params)]) == 1
    assert "--force" in capsys.readouterr().err


def test_a_city_already_in_run_yml_is_refused_and_its_file_not_left_behind(params, capsys):
    (params / "run.yml").write_text("cities:\n  luoyang:\n    years: [2023]\n", encoding="utf-8")
    assert main(["city", "new", "洛阳市", "--params-dir", str(params)]) == 1
    assert "already lists luoyang" in capsys.readouterr().err
    assert not (params / "luoyang.yml").exists()


def test_force_rewrites_the_skeleton_and_keeps_the_run_entry(params):
    assert main(["city", "new", "洛阳市", "--years", "2023", "--params-dir", str(params)]) == 0
    (params / "luoyang.yml").write_text("broken: [", encoding="utf-8")
    run_text = (params / "run.yml").read_text(encoding="utf-8")
    assert main(["city", "new", "洛阳市", "--force", "--params-dir", str(params)]) == 0
    assert "city_id: luoyang" in (params / "luoyang.yml").read_text(encoding="utf-8")
    assert (params / "run.yml").read_text(encoding="utf-8") == run_text


def test_an_invalid_run_file_is_not_written_and_the_city_file_removed(params, capsys):
    (params / "run.yml").write_text(RUN_YML.replace("years: [2015]   # kept", "years: [1066]"), encoding="utf-8")
    assert main(["city", "new", "洛阳市", "--years", "2023", "--params-dir", str(params)]) == 1
    err = capsys.readouterr().err
    assert "run.yml would not be valid" in err and "1066" in err
    assert not (params / "luoyang.yml").exists()
    assert "luoyang" not in (params / "run.yml").read_text(encoding="utf-8")


def test_a_params_folder_without_run_yml_gets_one(params):
    (params / "run.yml").unlink()
    assert main(["city", "new", "洛阳市", "--years", "2023", "--params-dir", str(params)]) == 0
    assert (params / "run.yml").read_text(encoding="utf-8").startswith("cities:\n  luoyang:\n")


def test_bad_years_are_refused(params, capsys):
    assert main(["city", "new", "洛阳市", "--years", "twenty", "--params-dir", str(params)]) == 1
    assert "--years" in capsys.readouterr().err
