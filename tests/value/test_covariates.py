"""BG/NBD and Gamma-Gamma with static covariates (helpers/value/_covariates.py).

A planted effect is recovered from data simulated here, and the planted acquisition-channel
factor of the course data (``truth.json`` ``channel_rate_factor``: referral ×1.5, marketplace
×0.7) from the bundled data (seed 2024) and another seed's.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import helpers.value as lv
from helpers.data import load_table
from helpers.errors import DataProblem
from helpers.segments import customer_summary

from .simulate_models import _last_of_first

CHANNEL = ["acquisition_channel", "true_type"]


def simulated(n: int, seed: int, rate_ratio: dict[str, float], spend_ratio: dict[str, float],
              r=0.8, alpha=6.0, a=0.8, b=2.5, T_max=52.0) -> pd.DataFrame:
    """BG/NBD customers whose purchase rate (and spend) is scaled by their group's factor."""
    rng = np.random.default_rng(seed)
    group = rng.choice(["A", "B", "C"], size=n, p=[0.5, 0.3, 0.2])
    factor = pd.Series(group).map(rate_ratio).to_numpy()
    lam = rng.gamma(r, 1 / alpha, n) * factor
    p = rng.beta(a, b, n)
    T = rng.uniform(T_max / 3, T_max, n)
    n_events = rng.poisson(lam * T)
    x = np.minimum(n_events, rng.geometric(p)).astype(float)
    t_x = _last_of_first(rng, x, n_events, T)
    # spend: z ~ Gamma(6, nu), nu ~ Gamma(4, rate 20 / spend factor) -> mean spend x factor
    nu = rng.gamma(4.0, 1 / (20.0 * pd.Series(group).map(spend_ratio).to_numpy()), n)
    m = np.array([rng.gamma(6.0, 1 / v, int(k)).mean() if k > 0 else 0.0
                  for v, k in zip(nu, x, strict=True)])
    return pd.DataFrame({"frequency": x, "recency": t_x, "T": T, "monetary_value": m,
                         "group": group}, index=pd.Index([f"c{i}" for i in range(n)],
                                                         name="customer_id"))


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    return simulated(6000, 11, {"A": 1.0, "B": 1.6, "C": 0.6}, {"A": 1.0, "B": 1.0, "C": 1.4})


def test_recovers_a_planted_purchase_rate_effect(planted):
    fit = lv.fit_bgnbd_covariates(planted, ["group"])
    co = fit.coefficients.loc["purchase"]
    assert list(co.index) == ["group=B", "group=C"]          # A is the most frequent level
    for term, truth in {"group=B": 1.6, "group=C": 0.6}.items():
        assert co.loc[term, "ratio_lower"] <= truth <= co.loc[term, "ratio_upper"], co
        assert co.loc[term, "ratio"] == pytest.approx(truth, rel=0.12)
    assert fit.converged and fit.base["r"] == pytest.approx(0.8, rel=0.2)
    # the planted effect is real: a model without it fits worse
    assert fit.loglik > lv.fit_bgnbd(planted).loglik + 50


def test_the_covariate_fit_reduces_to_bgnbd_and_predicts_per_group(planted):
    fit = lv.fit_bgnbd_covariates(planted, ["group"])
    params = fit.customer_params(planted)
    assert set(params.columns) == {"r", "alpha", "a", "b"}
    b_rows = planted.group.eq("B").to_numpy()
    ratio = params.alpha[~b_rows & planted.group.eq("A").to_numpy()].iloc[0] / params.alpha[
        b_rows].iloc[0]
    assert ratio == pytest.approx(fit.coefficients.loc[("purchase", "group=B"), "ratio"])
    pred = fit.predict(planted, 26.0)
    one = lv.BGNBDFit(**params.iloc[0].to_dict(), loglik=0, n_customers=0)
    expected = one.expected_purchases(26.0, *planted.iloc[0][["frequency", "recency", "T"]])
    assert pred.expected_purchases.iloc[0] == pytest.approx(float(expected))
    assert pred.index.equals(planted.index)


def test_recovers_a_planted_spend_effect(planted):
    fit = lv.fit_gamma_gamma_covariates(planted, ["group"])
    co = fit.coefficients.loc["spend"]
    assert co.loc["group=C", "ratio_lower"] <= 1.4 <= co.loc["group=C", "ratio_upper"], co
    assert co.loc["group=B", "ratio_lower"] <= 1.0 <= co.loc["group=B", "ratio_upper"], co
    spend = fit.expected_spend(planted)
    assert spend[planted.group.eq("C")].mean() > spend[planted.group.eq("A")].mean()


def test_dropout_covariates_and_the_sandwich():
    data = simulated(4000, 12, {"A": 1.0, "B": 1.0, "C": 1.0}, {"A": 1.0, "B": 1.0, "C": 1.0})
    fit = lv.fit_bgnbd_covariates(data, ["group"], dropout_covariates=["group"], robust=False)
    parts = set(fit.coefficients.index.get_level_values("part"))
    assert parts == {"purchase", "dropout_a", "dropout_b"}
    co = fit.coefficients.loc["purchase"]
    assert ((co.ratio_lower <= 1.0) & (1.0 <= co.ratio_upper)).all()   # no planted effect
    robust = lv.fit_bgnbd_covariates(data, ["group"], robust=True)
    plain = lv.fit_bgnbd_covariates(data, ["group"], robust=False)
    # the model is right here, so the sandwich and the inverse Hessian nearly agree
    np.testing.assert_allclose(robust.coefficients.se, plain.coefficients.se, rtol=0.15)


def _course_summary(folder) -> pd.DataFrame:
    truth = json.loads((folder / "truth.json").read_text())
    tx = load_table(folder / "transactions.csv", "transactions")
    customers = load_table(folder / "customers.csv", "customers")
    s = customer_summary(tx, as_of=truth["as_of"], freq="D", freq_multiplier=7)   # weeks
    return lv.join_covariates(s, customers, CHANNEL + ["customer_kind"])


def _channel_ratios(folder) -> pd.DataFrame:
    s = _course_summary(folder)
    fit = lv.fit_bgnbd_covariates(s, CHANNEL, reference={"acquisition_channel": "store"},
                                  level=0.95)
    wide = lv.fit_bgnbd_covariates(s, CHANNEL, reference={"acquisition_channel": "store"},
                                   level=0.99)
    co = fit.coefficients.loc["purchase"]
    return co.assign(lower_99=wide.coefficients.loc["purchase"].ratio_lower,
                     upper_99=wide.coefficients.loc["purchase"].ratio_upper)


@pytest.mark.parametrize("which", ["bundled", "other seed"])
def test_the_planted_channel_factor_is_recovered(which, bundled_dir, request):
    """Referral ×1.5 and marketplace ×0.7 on the purchase rate, adjusted for the customer type.

    Measured (95 % interval; robust standard errors):
    seed 2024: referral 1.48 [1.36, 1.60], marketplace 0.632 [0.574, 0.696] (99 %: up to 0.72);
    seed 7:    referral 1.44 [1.33, 1.56], marketplace 0.716 [0.655, 0.783].
    The bundled data's marketplace customers bought less than planted (a plain rate per year by
    type gives 0.655), so the truth sits just above the 95 % interval there and inside the 99 %.
    """
    folder = bundled_dir if which == "bundled" else request.getfixturevalue("alt_data_dir")
    truth = json.loads((folder / "truth.json").read_text())["channel_rate_factor"]
    co = _channel_ratios(folder)
    for channel in ("referral", "marketplace"):
        row = co.loc[f"acquisition_channel={channel}"]
        assert row.lower_99 <= truth[channel] <= row.upper_99, (channel, row)
        assert row.ratio == pytest.approx(truth[channel], rel=0.12)
    ref = co.loc["acquisition_channel=referral"]
    assert ref.ratio_lower <= truth["referral"] <= ref.ratio_upper
    if which == "other seed":
        mkt = co.loc["acquisition_channel=marketplace"]
        assert mkt.ratio_lower <= truth["marketplace"] <= mkt.ratio_upper
    # channels without a planted factor: no effect beyond the 99 % interval
    others = co.loc[[f"acquisition_channel={c}" for c, f in truth.items()
                     if f == 1.0 and c != "store"]]
    assert ((others.lower_99 <= 1.0) & (1.0 <= others.upper_99)).all(), others


def test_without_the_type_the_channel_effect_is_confounded(bundled_dir):
    """Loyal customers came mostly by referral: channel alone overstates its effect (≈ ×2.2)."""
    s = _course_summary(bundled_dir)
    fit = lv.fit_bgnbd_covariates(s, ["acquisition_channel"],
                                  reference={"acquisition_channel": "store"})
    assert fit.coefficients.loc[("purchase", "acquisition_channel=referral"), "ratio_lower"] > 1.8


def test_design_coding_and_bad_input():
    s = pd.DataFrame({"frequency": [0, 1, 2, 3], "recency": [0.0, 3, 4, 5], "T": [6.0] * 4,
                      "channel": ["web", "store", "store", "fair"], "age": [30, 40, 50, 60]})
    d = lv.covariate_design(s, ["channel", "age"], reference={"channel": "web"})
    assert d.terms == ("channel=fair", "channel=store", "age")
    np.testing.assert_array_equal(d.matrix(s)[:, :2], [[0, 0], [0, 1], [0, 1], [1, 0]])
    with pytest.raises(DataProblem, match="level.*not fitted with"):
        d.matrix(s.assign(channel=["web", "tv", "store", "fair"]))
    with pytest.raises(DataProblem, match="not in the table"):
        lv.covariate_design(s, ["region"])
    with pytest.raises(DataProblem, match="empty for 1 customer"):
        lv.covariate_design(s.assign(channel=["web", None, "store", "fair"]), ["channel"])
    with pytest.raises(DataProblem, match="reference level 'tv'"):
        lv.covariate_design(s, ["channel"], reference={"channel": "tv"})
    with pytest.raises(DataProblem, match="one level only"):
        lv.covariate_design(s.assign(channel="web"), ["channel"])
    customers = pd.DataFrame({"customer_id": ["a", "b"], "channel": ["web", "store"]})
    with pytest.raises(DataProblem, match="not in the customers table"):
        lv.join_covariates(s.set_index(pd.Index(list("abcd"))), customers, ["channel"])
