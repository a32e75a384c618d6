"""Formula-leading text is written as text and read back unchanged (issue 15)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qclib.cells import _NUMBER, FORMULA_LEADS, neutralise, restore

HOSTILE = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "\t=x", "\r=y", '=HYPERLINK("http://e.x","点")']


@given(st.lists(st.text(max_size=20).filter(lambda t: not t.startswith("'")), min_size=1, max_size=5))
def test_round_trip_gives_the_original_text_and_writes_no_formula(texts):
    df = pd.DataFrame({"t": texts})
    out = neutralise(df)
    assert restore(out).equals(df)
    for t in out["t"]:
        assert not t.startswith(FORMULA_LEADS) or _NUMBER.match(t)


@pytest.mark.parametrize("text", HOSTILE)
def test_no_written_cell_starts_a_formula(text):
    out = neutralise(pd.DataFrame({"source": [text], "value": [-1.5]}))
    assert out.loc[0, "source"] == "'" + text and out.loc[0, "value"] == -1.5


def test_scorecard_csv_and_excel_exports_are_neutralised_and_load_back(tmp_path):
    from qclib.cli.scorecard import write_table

    table = pd.DataFrame({"value_source": HOSTILE, "value": [float(i) - 3 for i in range(len(HOSTILE))]})
    for fmt, name in (("csv", "s.csv"), ("xlsx", "s.xlsx")):
        out = tmp_path / name
        write_table(table, fmt, str(out))
        raw = pd.read_csv(out, dtype=str) if fmt == "csv" else pd.read_excel(out, dtype=str)
        assert not raw["value_source"].str.startswith(FORMULA_LEADS).any()
        # the row count is kept (a CR is quoted); readers turn a CR into LF (pandas' CSV parser;
        # XML line-end normalisation in .xlsx)
        raw["value_source"] = raw["value_source"].str.replace("\n", "\r")
        assert restore(raw)["value_source"].tolist() == HOSTILE
        assert pd.to_numeric(raw["value"]).tolist() == table["value"].tolist()


def test_observation_file_written_neutralised_loads_the_original_source(tmp_path):
    from qclib.data.observations import read_table

    df = pd.DataFrame(
        {
            "city": ["zhengzhou"],
            "indicator_id": ["pm25_annual_mean"],
            "year": ["2015"],
            "value": ["96"],
            "unit": ["ug/m3"],
            "source": ["=公报"],
        }
    )
    path = tmp_path / "o.csv"
    neutralise(df).to_csv(path, index=False)
    assert read_table(path)["source"].tolist() == ["=公报"]


def test_restore_changes_only_quoted_text_in_mixed_and_empty_columns():
    df = pd.DataFrame(
        {
            "mixed": ["'=1+1", 3, None, "'plain"],  # text, a number, a missing cell, a quote that hid no formula
            "text": pd.Series(["'+x", "y", None, "'@z"], dtype="string"),
            "empty": [None, None, None, None],
            "number": [1.0, 2.0, 3.0, 4.0],
        }
    )
    out = restore(df)
    assert out["mixed"].tolist() == ["=1+1", 3, None, "'plain"]
    assert out["text"].tolist()[:2] == ["+x", "y"] and pd.isna(out["text"][2]) and out["text"][3] == "@z"
    assert out["empty"].isna().all() and out["number"].equals(df["number"])
    assert df["mixed"].tolist()[0] == "'=1+1", "the frame given is not changed"
