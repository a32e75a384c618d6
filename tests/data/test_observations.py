"""Tests of qclib.data.observations and qclib.data.validate: every rule fails with file, row and field."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from qclib.constants import OBSERVATION_COLUMNS
from qclib.data.catalog import load_catalog
from qclib.data.observations import load_observations
from qclib.exceptions import DataValidationError, QclibWarning
from tests._catalog_fixtures import HEADER, make_params, write_csv

GOOD = [
    "testcity,pass_rate,2014,91.5,%,,bulletin 2014,table 1,official,",
    "testcity,pm25_annual_mean,2015,96,ug/m3,,http://example.org/a,,official,",
    "china,pass_rate,2014,92.1,%,,http://example.org/b,,official,",
]


@pytest.fixture
def catalog(tmp_path):
    return load_catalog(make_params(tmp_path))


def _load(tmp_path, catalog, rows, name="obs.csv"):
    f = write_csv(tmp_path / name, HEADER + "\n".join(rows) + "\n")
    return load_observations(f, include_shipped=False, catalog=catalog), f


def _issues(tmp_path, catalog, rows):
    with pytest.raises(DataValidationError) as info:
        _load(tmp_path, catalog, rows)
    return info.value.issues


def test_good_rows_load_typed(tmp_path, catalog):
    obs, f = _load(tmp_path, catalog, GOOD)
    assert list(obs.columns) == list(OBSERVATION_COLUMNS)
    assert obs["year"].dtype.kind == "i" and obs["value"].dtype.kind == "f"
    assert obs["row"].tolist() == [2, 3, 4] and set(obs["file"]) == {str(f)}


@pytest.mark.parametrize(
    "row, column, fragment",
    [
        ("nowhere,pass_rate,2014,91,%,,src,,official,", "city", "unknown city"),
        ("testcity,pass_rat,2014,91,%,,src,,official,", "indicator_id", "unknown indicator"),
        ("testcity,pass_rate,2014,91%,%,,src,,official,", "value", "not a number"),
        ("testcity,pass_rate,2014,abc,%,,src,,official,", "value", "not a number"),
        ("testcity,pass_rate,2014,101,%,,src,,official,", "value", "0-100"),
        ("testcity,pm25_annual_mean,2014,-1,ug/m3,,src,,official,", "value", "negative"),
        ("testcity,pilots,2014,-2,count,,src,,official,", "value", "negative"),
        ("testcity,pm25_annual_mean,2014,50,mg/m3,,src,,official,", "unit", "'ug/m3'"),
        ("testcity,pass_rate,2014,91,%,,,,official,", "source", "needs its source"),
        ("testcity,pass_rate,20x4,91,%,,src,,official,", "year", "integer"),
        ("testcity,pass_rate,2014,91,%,,src,,guess,", "basis", "official, research"),
    ],
)
def test_each_rule_names_file_row_field(tmp_path, catalog, row, column, fragment):
    issues = _issues(tmp_path, catalog, GOOD + [row])
    match = [i for i in issues if i.column == column]
    assert match, [str(i) for i in issues]
    assert match[0].row == 5 and match[0].file.endswith("obs.csv")
    assert fragment in str(match[0])


def test_conflicting_duplicates(tmp_path, catalog):
    issues = _issues(tmp_path, catalog, GOOD + ["testcity,pass_rate,2014,93.0,%,,bulletin 2014,,official,"])
    assert any("conflicts with" in i.message and i.row == 5 for i in issues)


def test_same_figure_from_two_sources_is_fine(tmp_path, catalog):
    obs, _ = _load(tmp_path, catalog, GOOD + ["testcity,pass_rate,2014,91.5,%,,other bulletin,,official,"])
    assert len(obs) == 4


def test_two_official_figures_in_the_analysts_files_are_refused(tmp_path, catalog):
    with pytest.raises(DataValidationError, match="second official figure") as exc:
        _load(tmp_path, catalog, GOOD + ["testcity,pass_rate,2014,93.0,%,,other bulletin,,official,"])
    assert [(i.row, i.value) for i in exc.value.issues] == [(5, 93.0)]


def test_analysts_official_figure_replaces_the_shipped_one_and_says_so(tmp_path):
    mine = write_csv(tmp_path / "mine.csv", HEADER + "zhengzhou,pm25_annual_mean,2015,69,ug/m3,,我的来源,,official,\n")
    with pytest.warns(QclibWarning, match="analyst's own file counts over shipped data"):
        obs = load_observations(mine)
    sel = obs.loc[(obs.city == "zhengzhou") & (obs.indicator_id == "pm25_annual_mean") & (obs.year == 2015)]
    assert sel.loc[sel.basis == "official", "value"].tolist() == [69.0]


def test_exact_duplicate_warns_and_is_kept_once(tmp_path, catalog):
    with pytest.warns(QclibWarning, match="exact duplicate"):
        obs, _ = _load(tmp_path, catalog, GOOD + [GOOD[0]])
    assert len(obs) == 3


def test_missing_column_and_unknown_column(tmp_path, catalog):
    f = write_csv(tmp_path / "bad.csv", "city,indicator_id,year,value,unit\ntestcity,pass_rate,2014,1,%\n")
    with pytest.raises(DataValidationError, match="missing required column"):
        load_observations(f, include_shipped=False, catalog=catalog)
    f = write_csv(tmp_path / "bad2.csv", HEADER.strip() + ",colour\n" + GOOD[0] + ",red\n")
    with pytest.raises(DataValidationError, match="unknown column"):
        load_observations(f, include_shipped=False, catalog=catalog)


def test_empty_value_rows_are_skipped_as_no_data(tmp_path, catalog):
    with pytest.warns(QclibWarning, match="without a value"):
        obs, _ = _load(tmp_path, catalog, GOOD + ["testcity,pass_rate,2015,,%,,,,official,"])
    assert len(obs) == 3


def test_partial_year_without_note_warns(tmp_path, catalog):
    with pytest.warns(QclibWarning, match="which months"):
        _load(tmp_path, catalog, GOOD + ["testcity,pm25_annual_mean,2016,80,ug/m3,,src,,partial_year,"])


def test_excel_files_and_folders(tmp_path, catalog):
    df = pd.DataFrame([r.split(",") for r in GOOD], columns=HEADER.strip().split(","))
    folder = tmp_path / "mine"
    folder.mkdir()
    df.to_excel(folder / "a.xlsx", index=False, sheet_name="observations")
    obs = load_observations(folder, include_shipped=False, catalog=catalog)
    assert len(obs) == 3 and obs["row"].tolist() == [2, 3, 4]
    bad = df.copy()
    bad.loc[1, "value"] = "n/a"
    bad.to_excel(folder / "b.xlsx", index=False)
    with pytest.raises(DataValidationError) as info:
        load_observations(folder, include_shipped=False, catalog=catalog)
    (issue,) = info.value.issues
    assert issue.file.endswith("b.xlsx") and issue.row == 3 and issue.column == "value"


def test_missing_file_is_an_error(tmp_path, catalog):
    with pytest.raises(DataValidationError, match="file not found"):
        load_observations(tmp_path / "nope.csv", include_shipped=False, catalog=catalog)


def test_shipped_data_is_valid_and_sourced():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QclibWarning)
        obs = load_observations()
    assert len(obs) > 250
    assert obs["source"].ne("").all()
    assert {"official", "research", "partial_year", "plan_text"} <= set(obs["basis"])
    assert obs.loc[obs.basis == "research", "indicator_id"].str.endswith("_research").sum() == 0


def test_user_file_merged_with_shipped_data(tmp_path):
    f = write_csv(tmp_path / "mine.csv", HEADER + "zhengzhou,pm25_annual_mean,2030,40,ug/m3,,my survey,,official,\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QclibWarning)
        obs = load_observations(f)
    assert ((obs.year == 2030) & (obs.city == "zhengzhou")).sum() == 1
    assert obs["file"].nunique() >= 2


def test_fractional_count_warns_only_for_a_whole_entity(tmp_path, catalog):
    with pytest.warns(QclibWarning, match="not a whole number"):
        _load(tmp_path, catalog, GOOD + ["testcity,pilots,2014,2.5,count,,src,,official,"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", QclibWarning)
        obs, _ = _load(tmp_path, catalog, GOOD + ["china,pilots,2014,2.5,count,31 provinces (mean),src,,official,"])
    assert len(obs) == 4


# --------------------------------------------------------------------------- data entry as analysts type it
def _sheet(path, rows, percent_rows=(), header=("city", "indicator_id", "year", "value", "unit", "source")):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "observations"
    ws.append(list(header))
    for i, r in enumerate(rows):
        ws.append(r)
        if i in percent_rows:
            ws.cell(row=i + 2, column=4).number_format = "0%"
    wb.save(path)
    return path


def test_excel_percent_cell_reads_as_the_percent_it_shows(tmp_path):
    from qclib.data.catalog import load_catalog

    reg = load_catalog().indicators
    rate_id = reg.loc[reg["unit"].eq("%") & reg["measure"].eq("rate"), "indicator_id"].iloc[0]
    path = _sheet(tmp_path / "p.xlsx", [["zhengzhou", rate_id, 2015, 0.35, "%", "表"]], percent_rows=[0])
    obs = load_observations(path, include_shipped=False)
    assert obs["value"].tolist() == [35.0]


def test_excel_percent_cell_under_a_chinese_header_is_read_like_under_value(tmp_path):
    # the 数据需求清单 is written with Chinese headers: its 数值 column is the value column, percent cells too
    from qclib.data.catalog import load_catalog

    reg = load_catalog().indicators
    rate_id = reg.loc[reg["unit"].eq("%") & reg["measure"].eq("rate"), "indicator_id"].iloc[0]
    header = ("城市", "指标代码", "年份", "数值", "单位", "来源")
    path = _sheet(tmp_path / "p.xlsx", [["郑州市", rate_id, 2015, 0.35, "%", "表"]], percent_rows=[0], header=header)
    obs = load_observations(path, include_shipped=False)
    assert obs["value"].tolist() == [35.0] and obs["city"].tolist() == ["zhengzhou"]
    # a percent cell for a count means two things (3 or 300?): refused, as under an English header
    count = _sheet(
        tmp_path / "c.xlsx", [["郑州市", "patent_grants", 2015, 3, "count", "表"]], percent_rows=[0], header=header
    )
    with pytest.raises(DataValidationError, match="percent"):
        load_observations(count, include_shipped=False)


def test_excel_percent_cell_for_an_indicator_not_in_percent_is_refused(tmp_path):
    path = _sheet(tmp_path / "p.xlsx", [["zhengzhou", "pm25_annual_mean", 2015, 0.96, "ug/m3", "表"]], [0])
    with pytest.raises(DataValidationError) as exc:
        load_observations(path, include_shipped=False)
    (issue,) = exc.value.issues
    assert (issue.row, issue.column) == (2, "value") and "percent" in issue.message


def test_blank_lines_keep_row_numbers_and_trailing_commas_keep_columns(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text(
        "city,indicator_id,year,value,unit,source\n\n"
        "zhengzhou,pm25_annual_mean,2015,96,ug/m3,x,\n\n"
        "zhengzhou,pm25_annual_mean,2016,abc,ug/m3,x,,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as exc:
        load_observations(path, include_shipped=False)
    assert [(i.row, i.column, i.value) for i in exc.value.issues] == [(5, "value", "abc")]


def test_extra_filled_fields_are_refused_with_their_line(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text(
        "city,indicator_id,year,value,unit,source\nzhengzhou,pm25_annual_mean,2015,96,ug/m3,郑州,统计局\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as exc:
        load_observations(path, include_shipped=False)
    assert [i.row for i in exc.value.issues] == [2] and "fields" in exc.value.issues[0].message


def test_a_column_twice_in_the_header_is_refused(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("city,indicator_id,year,value,unit,source,value\nzhengzhou,pm25_annual_mean,2015,96,ug/m3,x,69\n")
    with pytest.raises(DataValidationError) as exc:
        load_observations(path, include_shipped=False)
    assert [(i.row, i.column) for i in exc.value.issues] == [(1, "value")]


def test_chinese_names_and_codes_map_to_the_entity_id(tmp_path, catalog):
    rows = [
        "测试市,pass_rate,2013,90,%,,bulletin,,official,",  # the catalog city's own name_zh
        "河南省,pass_rate,2014,91,%,,bulletin,,official,",
        "四川,pass_rate,2014,92,%,,bulletin,,official,",
        "绵阳市,pass_rate,2014,93,%,,bulletin,,official,",
        "511000,pass_rate,2014,94,%,,bulletin,,official,",
        "全国,pass_rate,2015,95,%,,bulletin,,official,",
    ]
    obs, _ = _load(tmp_path, catalog, rows)
    assert obs["city"].tolist() == ["testcity", "henan", "sichuan", "mianyang", "neijiang", "china"]


def test_any_registry_city_is_an_observation_entity(tmp_path, catalog):
    rows = ["lasa,pass_rate,2014,91,%,,b,,official,", "suzhou_anhui,pass_rate,2014,92,%,,b,,official,"]
    obs, _ = _load(tmp_path, catalog, rows)
    assert obs["city"].tolist() == ["lasa", "suzhou_anhui"]


def test_an_unknown_city_is_refused_with_the_three_closest(tmp_path, catalog):
    issues = _issues(tmp_path, catalog, GOOD + ["洛杨市,pass_rate,2014,91,%,,src,,official,"])
    (issue,) = [i for i in issues if i.column == "city"]
    assert issue.row == 5 and issue.value == "洛杨市" and issue.message == "unknown city or entity"
    assert "closest: luoyang (洛阳市)" in issue.allowed and issue.allowed.count("(") == 3


def test_an_ambiguous_short_name_is_refused_naming_both(tmp_path, catalog):
    issues = _issues(tmp_path, catalog, GOOD + ["吉林,pass_rate,2014,91,%,,src,,official,"])
    (issue,) = [i for i in issues if i.column == "city"]
    assert "jilin (吉林省)" in issue.message and "jilin_jilin (吉林市)" in issue.message
