"""Unit tests for helpers.segments._funnel: funnel tables and the lead funnel."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from helpers.errors import DataProblem
from helpers.segments import funnel_table, lead_funnel, plot_funnel


def test_funnel_counts_and_conversion():
    labels = pd.Series(pd.Categorical(["loyal"] * 2 + ["closed"] * 3 + ["target"] * 5
                                      + ["potential"] * 10,
                                      categories=["loyal", "closed", "target", "potential"]))
    f = funnel_table(labels)
    assert f.index.tolist() == ["potential", "target", "closed", "loyal"]
    assert f["reached"].tolist() == [20, 10, 5, 2]
    assert f["conversion"].tolist()[1:] == [0.5, 0.5, 0.4]
    with pytest.raises(DataProblem, match="not among the stages"):
        funnel_table(labels, stages=["potential", "target"])
    ax = plot_funnel(f)
    assert [t.get_text().split(":")[0] for t in ax.texts] == f.index.tolist()
    plt.close("all")


def test_lead_funnel_takes_the_highest_stage():
    leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3", "L4", "L5"],
                          "converted": [False, False, False, True, False]})
    calls = pd.DataFrame({
        "lead_id": ["L2", "L3", "L3", "L4", None],
        "answered": [False, True, True, False, True],
        "outcome": ["no_answer", "refused", "interested", "no_answer", "sale"],
    })
    stages = lead_funnel(leads, calls)
    assert stages.astype(str).tolist() == ["potential", "target", "interested", "closed",
                                           "potential"]
    f = funnel_table(stages)
    assert f.index.tolist() == ["potential", "target", "contacted", "interested", "closed"]
    assert f["reached"].tolist() == [5, 3, 2, 2, 1]
    with pytest.raises(DataProblem, match=r"table 'leads': column\(s\) \['converted'\] missing"):
        lead_funnel(leads.drop(columns="converted"), calls)
