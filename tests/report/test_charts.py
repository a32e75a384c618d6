"""Tests of qclib.report.charts: CJK font registration, target drawing, charts."""

from __future__ import annotations

import io
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from qclib.exceptions import InvalidChoiceError
from qclib.report import charts as plotting
from qclib.report import style

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _render(fig) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    return [str(w.message) for w in caught]


def test_chinese_labels_render_without_missing_glyph_warnings():
    name = style.use_cjk_font()
    assert name == "Noto Sans CJK SC"
    fig, ax = plt.subplots()
    ax.plot([2013, 2014], [108, 100], label="细颗粒物（PM2.5）年均浓度")
    ax.set_title("郑州市质量分析报告：环境质量")
    ax.set_xlabel("年份")
    ax.set_ylabel("微克/立方米 −5")
    ax.legend()
    messages = _render(fig)
    assert not [m for m in messages if "missing from font" in m or "Glyph" in m], messages


def test_without_the_cjk_font_the_check_would_fail():
    """Guards the test above: the default font does lack the glyphs."""
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}):
        fig, ax = plt.subplots()
        ax.set_title("郑州")
        messages = _render(fig)
    assert any("missing from font" in m for m in messages)


def test_font_comes_from_the_mplfonts_package_not_the_system():
    path = style.cjk_font_path()
    assert path.parent.parent.name == "mplfonts" and path.is_file()
    from matplotlib import font_manager

    style.use_cjk_font()
    found = font_manager.findfont(font_manager.FontProperties(family="Noto Sans CJK SC"), fallback_to_default=False)
    assert found == str(path)
    assert matplotlib.rcParams["axes.unicode_minus"] is False


@pytest.mark.parametrize(
    "target, years, values",
    [
        ({"kind": "threshold", "target_value": 90.0, "target_year": 2015}, [2015], [90.0]),
        ({"kind": "count", "target_value": 0.0, "target_year": 2015}, [2015], [0.0]),
        (
            {"kind": "trajectory", "base_year": 2013, "base_value": 108.0, "target_year": 2016, "target_value": 95.0},
            [2013, 2014, 2015, 2016],
            [108.0, 103.667, 99.333, 95.0],
        ),
        (
            {
                "kind": "reduction_vs_base",
                "base_year": 2010,
                "base_value": 20.0,
                "target_year": 2015,
                "target_value": 17.8,
            },
            [2010, 2015],
            [20.0, 16.44],
        ),
        (
            {
                "kind": "change_vs_base",
                "base_year": 2016,
                "base_value": 50.0,
                "target_year": 2020,
                "target_value": -5.0,
            },
            [2016, 2020],
            [50.0, 47.5],
        ),
        (
            {
                "kind": "reduction_vs_base",
                "base_year": 2010,
                "base_value": None,
                "target_year": 2015,
                "target_value": 14.8,
            },
            [],
            [],
        ),
        ({"kind": "vs_reference", "target_value": None, "target_year": 2015}, [], []),
    ],
)
def test_target_level_points(target, years, values):
    pts = plotting.target_level_points(target)
    assert pts["year"].tolist() == years
    assert pts["value"].round(3).tolist() == values


def test_history_chart_draws_threshold_and_path():
    hist = pd.DataFrame({"year": [2013, 2014, 2015], "value": [90.0, 92.0, 95.0]})
    ax = plotting.plot_indicator_history(
        hist, {"kind": "threshold", "comparator": ">=", "target_value": 94, "unit": "%", "target_year": 2015}, unit="%"
    )
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[0] == "实际值" and "目标：≥94%（2015年）" in labels
    assert ax.get_xlim()[0] >= 2012 and ax.get_xlim()[1] <= 2016


def test_references_are_drawn_first_and_grey():
    hist = pd.DataFrame({"year": [2015], "value": [96.0]})
    ref = {"全国": pd.DataFrame({"year": [2015, 2016], "value": [50.0, 47.0]})}
    ax = plotting.plot_indicator_history(hist, None, references=ref)
    assert [line.get_label() for line in ax.get_lines()] == ["全国", "实际值"]


def test_status_counts_rejects_unknown_status():
    with pytest.raises(InvalidChoiceError, match="allowed"):
        plotting.plot_status_counts(pd.DataFrame({"done": [1]}, index=["郑州市"]))


def test_domain_chart_uses_only_the_targets_scope():
    rows = pd.DataFrame(
        {
            "indicator_id": ["sewage"],
            "name_zh": ["污水处理率（市区）"],
            "unit": ["%"],
            "kind": ["threshold"],
            "comparator": [">="],
            "target_value": [95.0],
            "target_year": [2015],
            "scope": ["市区"],
        }
    )
    obs = pd.DataFrame(
        {
            "city": ["z", "z"],
            "indicator_id": ["sewage", "sewage"],
            "year": [2014, 2015],
            "value": [93.0, 96.0],
            "basis": ["official"] * 2,
            "source": ["s"] * 2,
            "scope": ["全市"] * 2,
        }
    )
    assert plotting.plot_domain(rows, obs, city="z", year=2015) == []
    obs["scope"] = "市区"
    assert len(plotting.plot_domain(rows, obs, city="z", year=2015)) == 1


def test_a_single_figure_gets_no_chart():
    rows = pd.DataFrame(
        {
            "indicator_id": ["x"],
            "name_zh": ["合格率"],
            "unit": ["%"],
            "kind": ["threshold"],
            "comparator": [">="],
            "target_value": [100.0],
            "target_year": [2015],
            "scope": [""],
        }
    )
    obs = pd.DataFrame(
        {
            "city": ["z"],
            "indicator_id": ["x"],
            "year": [2013],
            "value": [100.0],
            "basis": ["official"],
            "source": ["s"],
            "scope": [""],
        }
    )
    assert plotting.plot_domain(rows, obs, city="z", year=2015) == []


def test_chart_rules_target_inside_the_axes_years_integer_unit_horizontal():
    hist = pd.DataFrame({"year": [2012, 2013], "value": [80.0, 85.0]})
    target = {"kind": "threshold", "comparator": ">=", "target_value": 95, "target_year": 2015, "unit": "%"}
    ax = plotting.plot_indicator_history(hist, target, unit="%")
    lo, hi = ax.get_ylim()
    assert lo < 80 and hi > 95 + 0.5  # the target line has a margin, not on the frame
    assert all(float(t).is_integer() for t in ax.get_xticks())
    assert ax.get_ylabel() == "" and any(t.get_text() == "%" and t.get_rotation() == 0 for t in ax.texts)
    counts = plotting.plot_indicator_history(pd.DataFrame({"year": [2014, 2015], "value": [3.0, 3.0]}), unit="count")
    assert all(float(t).is_integer() for t in counts.get_yticks())
    plt.close("all")


def test_a_count_axis_and_legend_use_the_measure_word():
    hist = pd.DataFrame({"year": [2013, 2015], "value": [3.0, 4.0]})
    target = {
        "kind": "count",
        "comparator": ">=",
        "target_value": 3,
        "target_year": 2017,
        "unit": "count",
        "measure_word": "家",
    }
    ax = plotting.plot_indicator_history(hist, target, unit="count")  # the word comes from the target row
    assert [t.get_text() for t in ax.texts if t.get_text() in ("家", "个")] == ["家"]
    assert "目标：≥3家（2017年）" in [line.get_label() for line in ax.get_lines()]
    cities = plotting.plot_cities_indicator({"株洲市": hist}, {"株洲市": target}, unit="count")
    assert "个" not in [t.get_text() for t in cities.texts] and "家" in [t.get_text() for t in cities.texts]
    plt.close("all")


def test_small_multiples_validates():
    with pytest.raises(ValueError, match="n and ncols"):
        plotting.small_multiples(0)


def _text_sizes(fig) -> list[float]:
    fig.canvas.draw()
    return [t.get_fontsize() for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()]


def test_chart_text_is_legible_at_the_printed_size():
    """Printed (A4, Word) at its own size, every text of a chart is at least 9 pt, legends included."""
    style.use_report_style()
    hist = pd.DataFrame(
        {"year": [2013, 2014, 2015], "value": [108.0, 88.1, 96.0], "basis": ["official", "research", "official"]}
    )
    pm = {"kind": "trajectory", "base_year": 2013, "base_value": 108, "target_year": 2016, "target_value": 95}
    refs = {"河南省": pd.DataFrame({"year": [2013, 2015], "value": [100.0, 90.0]})}
    counts = pd.DataFrame({"met": [3, 1], "not_met": [1, 2]}, index=["郑州市", "新乡市"])
    two = {"郑州市": hist, "新乡市": hist.assign(value=hist["value"] - 5)}
    figures = [
        plotting.plot_indicator_history(hist, pm, title="PM2.5年均浓度", unit="ug/m3", references=refs).figure,
        plotting.plot_cities_indicator(two, {"郑州市": pm}, title="PM2.5年均浓度", unit="ug/m3").figure,
        plotting.plot_status_counts(counts, title="达标情况").figure,
    ]
    word_text_width_in = (210 - 28 - 25) / 25.4
    for fig in figures:
        assert fig.get_figwidth() == style.CHART_SIZE_IN[0] <= word_text_width_in, "printed 1:1, never shrunk"
        sizes = _text_sizes(fig)
        assert sizes and min(sizes) >= 9, f"chart text of {min(sizes)} pt"
        assert fig.legends or any(ax.get_legend() for ax in fig.axes), "the legend is drawn"


def test_a_domain_gets_one_figure_per_chart():
    rows = pd.DataFrame(
        {
            "indicator_id": ["a", "b"],
            "name_zh": ["甲", "乙"],
            "unit": ["%", "%"],
            "kind": ["threshold"] * 2,
            "comparator": [">="] * 2,
            "target_value": [90.0, 90.0],
            "target_year": [2015] * 2,
        }
    )
    obs = pd.DataFrame(
        {
            "city": ["z"] * 4,
            "indicator_id": ["a", "a", "b", "b"],
            "year": [2014, 2015] * 2,
            "value": [80.0, 85.0, 70.0, 75.0],
            "basis": ["official"] * 4,
            "source": ["s"] * 4,
        }
    )
    figures = plotting.plot_domain(rows, obs, city="z", year=2015)
    assert [len(f.axes) for f in figures] == [1, 1], "each chart a picture of its own, printed at its own size"
    assert [f.axes[0].get_title() for f in figures] == ["甲", "乙"]
