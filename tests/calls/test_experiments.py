"""Uplift per collection play and call script, measured from the experiments: helpers/calls/_experiments."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.stats.contingency import relative_risk

from helpers.calls import (
    estimated_playbook,
    estimated_scripts,
    experiment_uplifts,
    load_experiments,
    play_uplifts,
    playbook_with_estimates,
    plot_uplifts,
    script_uplifts,
    srm_check,
    uplift_intervals,
)
from helpers.calls._experiments import _score_z
from helpers.data import write_table
from helpers.errors import DataProblem
from helpers.paths import DATASETS_DIR
from helpers.receivables import load_collection_playbook, worked_case
from helpers.simulate.experiments import experiment_truth, write_experiments

TRUTH = experiment_truth()


def _misses_allowed(n: int, level: float = 0.95) -> int:
    """Largest number of misses of ``n`` ``level`` intervals that is not below 1 in 1,000."""
    return int(stats.binom.ppf(0.999, n, 1 - level))


def _covered(data_dir) -> pd.DataFrame:
    exp = load_experiments(data_dir)
    plays = play_uplifts(exp.plays)
    plays["planted"] = [TRUTH["collection_plays"]["uplift"][t][s]
                        for s, t in zip(plays["stage"], plays["customer_type"], strict=True)]
    scripts = script_uplifts(exp.scripts)
    scripts["planted"] = scripts["script_id"].map(TRUTH["call_scripts"]["uplift"])
    both = pd.concat([plays.assign(kind="play"), scripts.assign(kind="script")])
    both["covered"] = both["uplift_low"].le(both["planted"]) & both["planted"].le(
        both["uplift_high"])
    return both


def test_bundled_truth_is_the_generator_truth():
    truth = json.loads((DATASETS_DIR / "truth.json").read_text(encoding="utf-8"))
    assert truth["experiments"]["collection_plays"]["uplift"] == TRUTH["collection_plays"]["uplift"]
    assert truth["experiments"]["call_scripts"]["uplift"] == TRUTH["call_scripts"]["uplift"]


def test_planted_uplifts_are_inside_their_intervals_on_the_bundled_data():
    both = _covered(None)
    assert len(both) == 25 + 13
    misses = int((~both["covered"]).sum())
    assert misses <= _misses_allowed(len(both)), both.loc[~both["covered"]]
    assert both["covered"].mean() >= 0.85


@pytest.mark.parametrize("seed", [7, 2025])
def test_planted_uplifts_are_inside_their_intervals_on_another_seed(tmp_path, seed):
    write_experiments(tmp_path / "experiments", np.random.default_rng(seed))
    both = _covered(tmp_path)
    misses = int((~both["covered"]).sum())
    assert misses <= _misses_allowed(len(both)), both.loc[~both["covered"]]
    assert both["covered"].mean() >= 0.85


def test_uplift_intervals_cover_95_percent_in_a_simulation():
    rng = np.random.default_rng(1)
    sims, n = 4000, 40
    for p_c, u in ((0.6, 0.2), (0.25, 0.05), (0.85, 0.1)):
        p_t = p_c + u * (1 - p_c)
        out = uplift_intervals(rng.binomial(n, p_t, sims), np.full(sims, n),
                               rng.binomial(n, p_c, sims), np.full(sims, n))
        up = ((out["uplift_low"] <= u) & (u <= out["uplift_high"])).mean()
        diff = ((out["diff_low"] <= p_t - p_c) & (p_t - p_c <= out["diff_high"])).mean()
        assert 0.93 <= up <= 0.985, (p_c, u, up)
        assert 0.93 <= diff <= 0.985, (p_c, u, diff)


def test_uplift_interval_is_a_score_inversion_and_agrees_with_katz_on_large_counts():
    out = uplift_intervals([300], [1000], [200], [1000])
    # at each bound the score statistic of the failure-rate ratio is -1.96 / +1.96
    f_t, f_c, n = np.array([700.0]), np.array([800.0]), np.array([1000.0])
    for bound, z in ((out["uplift_low"], -1.959964), (out["uplift_high"], 1.959964)):
        assert _score_z(1 - bound.to_numpy(), f_t, n, f_c, n)[0] == pytest.approx(z, abs=1e-6)
    katz = relative_risk(700, 1000, 800, 1000).confidence_interval(0.95)
    assert 1 - out["uplift_high"].iloc[0] == pytest.approx(katz.low, abs=0.003)
    assert 1 - out["uplift_low"].iloc[0] == pytest.approx(katz.high, abs=0.003)
    assert out["uplift"].iloc[0] == pytest.approx(0.125)
    assert out["p_value"].iloc[0] == pytest.approx(2 * stats.norm.sf(0.1 / np.sqrt(
        0.25 * 0.75 * 2 / 1000)))


def test_zero_failures_give_an_open_side():
    out = uplift_intervals([40, 40, 30], [40, 40, 40], [35, 40, 40], [40, 40, 40])
    assert out["uplift_high"].tolist()[:2] == [1.0, 1.0]     # no treatment failure
    assert out["uplift_low"].iloc[1] == -np.inf and out["uplift_low"].iloc[2] == -np.inf
    assert out["p_value"].iloc[1] == 1.0
    with pytest.raises(DataProblem, match="0 <= successes <= units"):
        uplift_intervals([5], [0], [1], [3])


def test_srm_check_matches_scipy_and_flags_a_broken_split():
    res = srm_check([5100, 4900])
    ref = stats.chisquare([5100, 4900], [5000, 5000])
    assert res["chi2"] == pytest.approx(ref.statistic) and res["p_value"] == pytest.approx(
        ref.pvalue)
    assert not res["mismatch"]
    uneven = srm_check([2100, 900], planned=[0.7, 0.3])
    assert uneven["p_value"] == pytest.approx(1.0) and not uneven["mismatch"]
    assert srm_check([5300, 4700])["mismatch"]
    three = srm_check([100, 130, 70])
    assert three["p_value"] == pytest.approx(stats.chisquare([100, 130, 70]).pvalue)
    with pytest.raises(DataProblem, match="one per arm"):
        srm_check([10, 10], planned=[1.0])


def test_srm_columns_of_the_experiments_agree_with_srm_check():
    est = play_uplifts(load_experiments().plays)
    row = est.iloc[8]
    ref = srm_check([row["n_treatment"], row["n_control"]])
    assert row["srm_p_value"] == pytest.approx(ref["p_value"])
    assert not est["srm_mismatch"].any()  # the bundled split is a fair coin
    skewed = pd.DataFrame({"g": "x", "arm": ["t"] * 700 + ["c"] * 300, "ok": True})
    skewed.loc[::3, "ok"] = False
    assert experiment_uplifts(skewed, ["g"], "ok", "t", "c")["srm_mismatch"].item()


def test_estimated_playbook_keeps_assumptions_only_where_untested():
    book = load_collection_playbook()
    est = play_uplifts(load_experiments().plays)
    out = estimated_playbook(est, book)
    assert len(out) == len(book.stage_names) * len(book.types)
    assumed = out[out["source"] == "assumed"]
    assert set(assumed["customer_type"]) == {book.types[-1]}  # the default play: not tested
    assert (assumed["uplift"] == assumed["uplift_assumed"]).all() and (assumed["n"] == 0).all()
    tested = out[out["source"] == "experiment"].merge(
        est[["stage", "customer_type", "uplift"]], on=["stage", "customer_type"],
        suffixes=("", "_r"))
    u_d = tested["stage"].map({s: book.play(s, book.types[-1]).uplift for s in book.stage_names})
    inside = tested["uplift"].between(1e-9, 1 - 1e-9)
    # on the playbook's scale the gain over the default play is what the experiment measured
    back = (tested["uplift"] - u_d) / (1 - u_d)
    assert np.allclose(back[inside], tested["uplift_r"][inside])
    assert (tested["uplift_low"] <= tested["uplift"]).all()
    assert (tested["uplift"] <= tested["uplift_high"]).all()
    assert out[["uplift", "uplift_low", "uplift_high"]].stack().between(0, 1).all()
    # only the type plays untested keep the assumption
    fewer = estimated_playbook(est[est["stage"] != "M3"], book)
    assert (fewer.loc[fewer["stage"] == "M3", "source"] == "assumed").all()


def test_estimated_tables_are_written_with_write_table(tmp_path):
    exp = load_experiments()
    book = estimated_playbook(play_uplifts(exp.plays))
    scripts = estimated_scripts(script_uplifts(exp.scripts))
    assert (scripts["source"] == "experiment").all() and len(scripts) == 13
    path = write_table(book, "estimated_playbook", tmp_path)
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["source"].tolist() == book["source"].tolist()
    assert np.allclose(back["uplift"], book["uplift"])
    one_less = estimated_scripts(script_uplifts(exp.scripts[exp.scripts["script_id"] != "obj_price"]))
    assert one_less.set_index("script_id").loc["obj_price", "source"] == "untested"


def test_bad_experiment_data_is_a_data_problem(tmp_path):
    plays = load_experiments().plays
    with pytest.raises(DataProblem, match="may only hold 'type_play' or 'default_play'"):
        play_uplifts(plays.assign(arm=plays["arm"].replace({"type_play": "typeplay"})))
    with pytest.raises(DataProblem, match="must be yes/no"):
        play_uplifts(plays.assign(paid_30d=plays["paid_30d"].astype(object).where(
            plays.index != 3, "maybe")))
    with pytest.raises(DataProblem, match="only one arm"):
        play_uplifts(plays[~((plays["stage"] == "M0") & (plays["arm"] == "type_play"))])
    with pytest.raises(DataProblem, match="paid_30d"):
        play_uplifts(plays.drop(columns="paid_30d"))
    with pytest.raises(DataProblem, match="experiment file not found"):
        load_experiments(tmp_path)


def test_the_worked_case_gains_what_the_experiment_measured():
    est = play_uplifts(load_experiments().plays)
    frame = estimated_playbook(est)
    book = playbook_with_estimates(frame)
    original = load_collection_playbook()
    assert book.play("M2", "cooperative").uplift == original.play("M2", "cooperative").uplift
    row = frame[(frame["stage"] == "M2") & (frame["customer_type"] == "lapsed")].iloc[0]
    assert book.play("M2", "lapsed").uplift == row["uplift"]
    assert original.play("M2", "lapsed").uplift == row["uplift_assumed"]  # the input unchanged
    accounts = pd.DataFrame({"stage": ["M2", "M2"], "customer_type": ["lapsed", "lapsed"],
                             "balance": [100.0, 300.0], "p_pay_30d": [0.2, 0.5]})
    case = worked_case(accounts, book)
    # gain over the default play = balance x r x (1 - p_default): the measured uplift r
    p_default = accounts["p_pay_30d"] + book.play("M2", "cooperative").uplift * (
        1 - accounts["p_pay_30d"])
    gain = (accounts["balance"] * row["uplift_vs_default"] * (1 - p_default)).sum()
    assert case.loc["lapsed", "gain"] == pytest.approx(gain)
    with pytest.raises(DataProblem, match=r"uplift must lie in \[0, 1\]"):
        playbook_with_estimates(frame.assign(uplift=frame["uplift"] + 2))


def test_plot_uplifts_draws_one_interval_per_experiment():
    est = script_uplifts(load_experiments().scripts)
    ax = plot_uplifts(est, assumed=pd.Series(0.0, index=est.index))
    assert len(ax.get_yticks()) == 13
    assert ax.get_yticklabels()[0].get_text() == "closing · close_assumptive"
    plays = play_uplifts(load_experiments().plays)
    assert len(plot_uplifts(plays, label="customer_type").get_yticks()) == 25
    with pytest.raises(DataProblem, match="uplift_low"):
        plot_uplifts(est.drop(columns="uplift_low"))
