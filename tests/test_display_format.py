"""Output worth reading: keep() shows nothing, show() formats tables, plots carry labels and units,
colours are colour-blind safe and labels on bars readable."""

from __future__ import annotations

import ast
import json
import re

import matplotlib
import numpy as np
import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from matplotlib.colors import to_rgb

from helpers.calls import plot_ab_result, plot_daily
from helpers.display import RESULTS_MIMETYPE, Shown, column_kind, show, style_table
from helpers.paths import PACKAGE_DIR, SOLUTIONS_DIR
from helpers.plotting import BAD, GOOD, OKABE_ITO, money_axis, percent_axis, text_colour
from helpers.segments import customer_summary, explore_rfm
from helpers.value import plot_scenarios
from tests.conftest import package_functions
from tests.segments._data import random_tx

matplotlib.use("Agg")


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    yield shell
    InteractiveShell.clear_instance()


def test_keep_shows_nothing_and_echoes_no_dict_but_the_results_travel(shell):
    with capture_output() as captured:
        result = shell.run_cell("from helpers.display import keep\n"
                                "keep(p_base=0.23443668387488611, n_needed_per_arm=3162)")
    assert result.success and result.result is None  # nothing for the cell to echo
    assert captured.stdout == ""
    (output,) = captured.outputs
    assert output.data["text/plain"] == ""  # the bundle shows nothing
    assert output.data[RESULTS_MIMETYPE] == {"p_base": 0.23443668387488611,
                                             "n_needed_per_arm": 3162}


def test_no_notebook_cell_ends_by_echoing_what_it_kept():
    for path in sorted(SOLUTIONS_DIR.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] != "code" or "keep(" not in source:
                continue
            tree = ast.parse(source)
            last = tree.body[-1] if tree.body else None
            assert not (isinstance(last, ast.Expr) and isinstance(last.value, ast.Dict)), (
                f"{path.name} cell {cell['id']} ends with a dict: it is echoed")
            for node in ast.walk(tree):  # keep(...) returns None: an assigned result means nothing
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and getattr(
                        node.value.func, "id", "") == "keep":
                    pytest.fail(f"{path.name} cell {cell['id']} uses keep(...)'s result")


TABLE = pd.DataFrame({
    "segment": ["champions", "can't lose them: a label far wider than fifty characters, kept"],
    "monetary_total": [18242087.72, 950.5], "conversion": [0.0374, 0.5], "n_orders": [1234, 5],
    "recency_days": [3.25, 10.0], "first_purchase": pd.to_datetime(["2025-01-02", "2025-03-04"])},
    index=[3, 1])


def test_show_formats_numbers_money_percentages_dates_and_hides_a_junk_index():
    shown = show(TABLE)
    text = repr(shown)
    for expected in ("¥18,242,088", "3.7%", "50.0%", "1,234", "2025-01-02", TABLE["segment"][1]):
        assert expected in text
    assert not re.search(r"^\s*3\s", text.splitlines()[1]), "the leftover index 3, 1 is hidden"
    html = shown._repr_html_()
    assert "¥18,242,088" in html and TABLE["segment"][1] in html  # wide text not cut
    assert "text-align: left" in html and "18242087.72" not in html
    assert 'class="row_heading' not in html  # no index column


def test_show_keeps_a_meaningful_index_and_stays_a_dataframe():
    k_table = pd.DataFrame({"silhouette": [0.41, 0.38]}, index=pd.RangeIndex(2, 4, name="k"))
    shown = show(k_table, rows=None)
    assert isinstance(shown, Shown) and shown.equals(k_table)
    assert "row_heading" in shown._repr_html_()  # k stays
    assert type(shown.sort_values("silhouette")) is pd.DataFrame  # operations give plain frames
    assert len(show(pd.DataFrame({"a": range(30)}), rows=None)) == 30


@pytest.mark.parametrize(("name", "values", "kind"), [
    ("revenue", [1.5], "money"), ("cost_per_sale", [12.0], "money"), ("n_returns", [3], "int"),
    ("p_value", [0.04], "percent"), ("churn_rate", [1.7], "float"), ("silhouette", [0.4], "float"),
    ("order_value", [80.0], "money"), ("转化率", [0.2], "percent"), ("date", ["x"], "text")])
def test_column_kinds_follow_the_column_name_rules(name, values, kind):
    assert column_kind(name, pd.Series(values)) == kind


def test_style_table_handles_missing_values_and_duplicate_headers():
    frame = pd.DataFrame([[1.0, np.nan], [np.nan, 2.5]], columns=["share", "share"])
    html = style_table(frame).to_html()
    assert "–" in html and "nan" not in html.lower()


# --- plots ----------------------------------------------------------------------------------

#: plot_* helpers drawn without axes on purpose, and why.
NO_AXES = {"plot_funnel": "a diagram: the stages' names and counts are written on the bars"}


PLOT_FUNCTIONS = [(str(path.relative_to(PACKAGE_DIR)), node.name, node)
                  for path, node in package_functions("plot_")]


def _labels_set(function: ast.FunctionDef) -> set[str]:
    """Which of xlabel/ylabel the function sets to something (a non-empty string or a call)."""
    found: set[str] = set()
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        pairs = [(k.arg, k.value) for k in node.keywords]
        if name in ("set_xlabel", "set_ylabel") and node.args:
            pairs.append((name[4:], node.args[0]))
        for key, value in pairs:
            empty = isinstance(value, ast.Constant) and not value.value
            if key in ("xlabel", "ylabel") and not empty:
                found.add(key)
    return found


@pytest.mark.parametrize(("where", "name", "function"), PLOT_FUNCTIONS,
                         ids=[f"{n}" for _, n, _ in PLOT_FUNCTIONS])
def test_every_plot_helper_labels_both_axes(where, name, function):
    if name in NO_AXES:
        return
    missing = {"xlabel", "ylabel"} - _labels_set(function)
    assert not missing, f"{where}: {name} sets no {' or '.join(sorted(missing))}"


def test_drawn_plots_have_labels_units_and_no_red_green_pair():
    days = pd.date_range("2025-06-01", periods=10)
    daily = pd.DataFrame({"date": days, "conversion": np.linspace(0.1, 0.3, 10)})
    arms = pd.DataFrame({"variant": ["A", "B"], "conversions": [50, 70], "calls": [400, 410]})
    arms["rate"] = arms["conversions"] / arms["calls"]
    scenarios = pd.DataFrame({"total_profit": [1e6, 1.2e6, 0.9e6], "change": [0, 2e5, -1e5],
                              "change_pct": [0, 0.2, -0.1]}, index=["as is", "raise", "drop"])
    axes = [plot_daily(daily, threshold=0.15), plot_ab_result(arms), plot_scenarios(scenarios)]
    for ax in axes:
        ax.figure.canvas.draw()
        assert ax.get_xlabel() and ax.get_ylabel(), ax.get_title()
    assert "%" in axes[0].get_yticklabels()[1].get_text()  # rates as percentages
    assert "%" in axes[1].get_yticklabels()[1].get_text()
    assert "¥" in axes[2].get_xticklabels()[1].get_text()  # money in yuan
    bars = {matplotlib.colors.to_hex(p.get_facecolor()) for p in axes[2].patches}
    assert not ({"#2ca02c", "#d62728", "#008000", "#ff0000"} & bars)
    matplotlib.pyplot.close("all")


def _contrast(a, b) -> float:
    def lum(colour) -> float:
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                   for c in to_rgb(colour))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_palette_is_okabe_ito_and_labels_on_bars_are_readable():
    cycle = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    assert [matplotlib.colors.to_hex(c).upper() for c in cycle[:3]] == list(OKABE_ITO[:3])
    assert GOOD != BAD and "green" not in (GOOD + BAD)
    for colour in OKABE_ITO + ("#8fa8c8", "#e39b4f", "#ffffff", "#333333"):  # 08's old pastels
        assert _contrast(text_colour(colour), colour) >= 4.5, colour


def test_axis_formatters_show_units():
    fig, ax = matplotlib.pyplot.subplots()
    percent_axis(ax, "x")
    money_axis(ax, "y")
    assert ax.xaxis.get_major_formatter()(0.5, 0) == "50%"
    assert ax.yaxis.get_major_formatter()(2_500_000, 0) == "¥2.5M"
    matplotlib.pyplot.close(fig)


def test_rfm_thresholds_are_disabled_in_quantile_mode_and_their_labels_fit():
    board = explore_rfm(customer_summary(random_tx(6), as_of="2025-08-22"))
    method, sliders = board.children[0], board.children[1].children
    assert method.value == "quantile" and all(s.disabled for s in sliders)  # no effect: greyed
    assert all(s.style.description_width == "initial" for s in sliders)  # "R=5 if days ≤" whole
    method.value = "fixed"
    assert not any(s.disabled for s in sliders)
    matplotlib.pyplot.close("all")
