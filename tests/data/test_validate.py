"""Tests of the steps of qclib.data.validate.validate_observations (each checked on its own)."""

from __future__ import annotations

import pandas as pd

from qclib.data import validate as v


def _rows(**cols):
    n = len(next(iter(cols.values())))
    base = {
        "city": ["zhengzhou"] * n,
        "indicator_id": ["pm25_annual_mean"] * n,
        "year": ["2015"] * n,
        "value": ["50"] * n,
        "unit": ["ug/m3"] * n,
        "source": ["bulletin"] * n,
        "scope": [""] * n,
        "source_detail": [""] * n,
        "basis": ["official"] * n,
        "note": [""] * n,
        "file": ["f.csv"] * n,
        "row": list(range(2, n + 2)),
    }
    return pd.DataFrame({**base, **cols})


def test_drop_empty_values_warns_once_and_keeps_the_rest():
    df, issues = v._drop_empty_values(_rows(value=["", "1", ""]))
    assert df["row"].tolist() == [3]
    assert [(i.severity, i.value) for i in issues] == [("warning", 2)]


def test_parse_year_and_value_marks_each_bad_cell():
    year, value, issues = v._parse_year_and_value(_rows(year=["2015", "20x5", "2015.5"], value=["1,234", "2", "abc"]))
    # 1,234 µg/m³ could be 1.234 or 1234: refused, as are the bad year and the text
    assert value.tolist()[1] == 2.0 and value.isna().tolist() == [True, False, True]
    assert year.notna().tolist() == [True, False, False]
    assert sorted((i.row, i.column) for i in issues) == [(2, "value"), (3, "year"), (4, "value"), (4, "year")]


def test_thousands_separator_kept_for_counts_decimal_comma_refused():
    from qclib.data.catalog import load_catalog

    reg = load_catalog().indicators.set_index("indicator_id")
    count_id = reg.index[reg["measure"].eq("count")][0]
    rate_id = reg.index[reg["measure"].eq("rate")][0]
    df = _rows(indicator_id=[count_id, rate_id, rate_id], value=["12,486", "78,5", "78.5"], unit=["", "%", "%"])
    _, value, issues = v._parse_year_and_value(df, reg)
    assert value.tolist()[0] == 12486.0 and pd.isna(value.iloc[1]) and value.iloc[2] == 78.5
    assert [(i.row, i.value) for i in issues] == [(3, "78,5")]
    assert "decimal comma" in issues[0].message


def test_duplicates_exact_kept_once_conflict_named():
    typed = _rows(value=["1", "1", "2"]).assign(year=2015, value=[1.0, 1.0, 2.0])
    kept, issues = v._check_duplicates(typed)
    assert kept["row"].tolist() == [2, 4]
    assert [i.severity for i in issues] == ["warning", "error"]
    assert "conflicts with f.csv row 2" in issues[1].message


def test_year_on_year_jump_above_half_warns():
    from qclib.data.catalog import load_catalog

    reg = load_catalog().indicators.set_index("indicator_id")
    typed = _rows(year=["2014", "2015"]).assign(year=[2014, 2015], value=[50.0, 80.0])
    assert [i.row for i in v._year_on_year_jumps(typed, reg)] == [3]
    assert v._year_on_year_jumps(typed.assign(value=[50.0, 70.0]), reg) == []


def test_control_characters_and_long_text_refused_with_file_row_column():
    from qclib.data.catalog import load_catalog

    raw = _rows(source=["bulletin\x1b[2J", "x" * 2001, "公报"], note=["", "", "line\nbreak"])
    clean, issues = v.validate_observations(raw, load_catalog())
    errors = sorted((i.row, i.column) for i in issues if i.severity == "error")
    assert errors == [(2, "source"), (3, "source"), (4, "note")]
    assert all(i.file == "f.csv" for i in issues)


def test_fraction_typed_for_a_percent_warns_but_small_real_rates_do_not():
    from qclib.data.catalog import load_catalog

    reg = load_catalog().indicators.set_index("indicator_id")
    rate_id = reg.index[reg["measure"].eq("rate")][0]
    df = _rows(indicator_id=[rate_id] * 3, year=["2014", "2015", "2016"], unit=["%"] * 3)
    typed = pd.Series([32.0, 0.35, 38.0], index=df.index)
    assert [i.row for i in v._plausibility_warnings(df, reg, typed)] == [3]
    small = pd.Series([0.35, 1.0, 1.2], index=df.index)  # a genuine share of a budget
    assert v._plausibility_warnings(df, reg, small) == []


def test_unknown_cities_name_the_closest_for_the_first_distinct_values_only():
    from qclib.data.catalog import load_catalog

    cat = load_catalog()
    n = v.MAX_SUGGESTED + 5
    df = _rows(city=[f"城{i}" for i in range(n)] + ["城0"])
    issues = v._check_identifiers(df, set(cat.entities), cat.indicators.set_index("indicator_id"))
    city = [i for i in issues if i.column == "city"]
    assert len(city) == n + 1 and all(i.message == "unknown city or entity" for i in city)
    assert ["closest:" in i.allowed for i in city] == [True] * v.MAX_SUGGESTED + [False] * 5 + [True]


def test_resolve_city_names_keeps_ambiguous_and_unknown_values():
    ents = {"zhengzhou", "henan", "jilin", "jilin_jilin", "testcity"}
    out = v.resolve_city_names(
        pd.Series(["测试市", " 郑州市 ", "吉林", "410000", "nowhere"]), ents, {"测试市": "testcity"}
    )
    assert out.tolist() == ["testcity", "zhengzhou", "吉林", "henan", "nowhere"]
