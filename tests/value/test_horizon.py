"""Tests for helpers.value._horizon: horizons with units, the summary's unit, predictions and
CLV with a per-customer margin for any purchase model."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import helpers.value as lv
from helpers.errors import DataProblem
from helpers.segments import customer_summary
from tests.value.support import CDNOW, fit_from


@pytest.fixture(scope="module")
def tx() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    return pd.DataFrame({"customer_id": rng.integers(0, 60, n).astype(str),
                         "purchase_date": pd.Timestamp("2024-01-01")
                         + pd.to_timedelta(rng.integers(0, 400, n), unit="D"),
                         "amount": rng.uniform(5, 50, n)})


@pytest.mark.parametrize("freq, multiplier, unit", [("D", 1, "D"), ("D", 7, "W"), ("W", 1, "W"),
                                                    ("D", 14, "14D")])
def test_summary_unit_is_read_from_the_summary(tx, freq, multiplier, unit):
    s = customer_summary(tx, as_of="2025-02-01", freq=freq, freq_multiplier=multiplier)
    assert lv.summary_unit(s) == unit
    assert lv.summary_unit(s.drop(columns="tenure_days")) is None


def test_model_time_converts_text_and_checks_numbers(tx):
    days = customer_summary(tx, as_of="2025-02-01")
    weeks = customer_summary(tx, as_of="2025-02-01", freq_multiplier=7)
    assert lv.model_time("12W", summary=days) == 84
    assert lv.model_time("12w", summary=weeks) == 12
    assert lv.model_time("1Y", summary=days) == 365.25
    assert lv.model_time("6M", summary=weeks) == pytest.approx(365.25 / 2 / 7)
    assert lv.model_time(12, unit="W", summary=weeks) == 12
    assert lv.model_time(12.5, unit="W") == 12.5           # no summary: the unit is trusted


def test_a_mismatch_says_what_to_pass(tx):
    days = customer_summary(tx, as_of="2025-02-01")
    with pytest.raises(DataProblem, match=r"summary is in days; pass horizon='12W' to convert "
                                          r"it, or horizon=84 in the summary's unit"):
        lv.model_time(12, unit="W", summary=days)


@pytest.mark.parametrize("horizon, unit, match", [
    (52, None, "has no unit, so it can be misread.*horizon='52W'"),
    ("52 weeks", None, "not a duration"),
    ("0W", None, "above 0"),
    (-3, "D", "above 0"),
    (12, "Q", "not one of"),
    (True, "D", "duration"),
])
def test_bad_horizons_are_explained(tx, horizon, unit, match):
    with pytest.raises(DataProblem, match=match):
        lv.model_time(horizon, unit=unit, summary=customer_summary(tx, as_of="2025-02-01"))


def test_text_horizon_needs_a_summary_that_knows_its_unit(published_summary):
    with pytest.raises(DataProblem, match="does not say its time unit"):
        lv.model_time("12W", summary=published_summary)
    assert lv.model_time(39, unit="W", summary=published_summary) == 39


@pytest.fixture(scope="module")
def cdnow(cdnow_sample_transactions):
    return customer_summary(cdnow_sample_transactions, as_of="1997-09-30", freq="D",
                            freq_multiplier=7)


def test_predict_customers_is_the_fit_at_the_converted_horizon(cdnow):
    fit = fit_from(CDNOW)
    got = cdnow.pipe(lv.predict_customers, fit, "39W")
    want = fit.predict(cdnow, 39.0)
    pd.testing.assert_frame_equal(got, want)
    pd.testing.assert_frame_equal(lv.predict_customers(cdnow, fit, "273D"), want)
    with pytest.raises(DataProblem, match="unit"):
        lv.predict_customers(cdnow, fit, 39)
    pareto = lv.fit_pareto_nbd(cdnow)
    out = lv.predict_customers(cdnow, pareto, 39, unit="W")
    np.testing.assert_allclose(out["expected_purchases"], pareto.expected_purchases(
        39.0, cdnow["frequency"], cdnow["recency"], cdnow["T"]))


def test_lifetime_value_equals_customer_lifetime_value_times_margin(cdnow):
    bg = fit_from(CDNOW)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gg = lv.fit_gamma_gamma(cdnow)
    # the same steps and per-step rate as customer_lifetime_value(horizon=52, step=4)
    annual = 1.01 ** (365.25 / 28) - 1
    got = lv.lifetime_value(cdnow, bg, gg, horizon=52, step=4, unit="W",
                            annual_discount_rate=annual, margin=0.25)
    want = lv.customer_lifetime_value(cdnow, bg, gg, horizon=52, step=4, discount_rate=0.01)
    np.testing.assert_allclose(got["clv"], 0.25 * want["clv"], rtol=1e-10)
    np.testing.assert_allclose(got["expected_purchases"], want["expected_purchases"])
    assert (got["margin"] == 0.25).all()


def test_lifetime_value_takes_a_margin_per_customer(cdnow):
    bg = fit_from(CDNOW)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gg = lv.fit_gamma_gamma(cdnow)
    margin = pd.Series(np.linspace(0.1, 0.5, len(cdnow)), index=cdnow.index)
    one = lv.lifetime_value(cdnow, bg, gg, "1Y", "1M", margin=1.0)
    by_series = lv.lifetime_value(cdnow, bg, gg, "1Y", "1M", margin=margin.sample(frac=1.0,
                                                                                   random_state=1))
    np.testing.assert_allclose(by_series["clv"], one["clv"] * margin.to_numpy(), rtol=1e-12)
    by_column = lv.lifetime_value(cdnow.assign(m=margin), bg, gg, "1Y", "1M", margin="m")
    np.testing.assert_allclose(by_column["clv"], by_series["clv"])
    with pytest.raises(DataProblem, match="no value for 1 customer"):
        lv.lifetime_value(cdnow, bg, gg, "1Y", "1M", margin=margin.iloc[1:])
    with pytest.raises(DataProblem, match="'nope'"):
        lv.lifetime_value(cdnow, bg, gg, "1Y", "1M", margin="nope")
    # the same year in days or in weeks gives the same value
    days = lv.lifetime_value(cdnow.assign(T=cdnow["T"] * 7, recency=cdnow["recency"] * 7),
                             lv.BGNBDFit(bg.r, bg.alpha * 7, bg.a, bg.b, 0.0, 0), gg,
                             "1Y", "1M")
    np.testing.assert_allclose(days["clv"], one["clv"], rtol=1e-9)
    with pytest.raises(DataProblem, match="annual_discount_rate"):
        lv.lifetime_value(cdnow, bg, gg, "1Y", "1M", annual_discount_rate=-1)


def test_lifetime_value_with_other_models(cdnow):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gg = lv.fit_gamma_gamma(cdnow)
    values = {name: lv.lifetime_value(cdnow, fitter(cdnow), gg, "1Y", "1M")["clv"].sum()
              for name, fitter in lv.MODELS.items()}
    low, high = min(values.values()), max(values.values())
    assert high / low < 1.15        # the three models agree on CDNOW's total value


def test_bgbb_is_refused_with_what_to_do_instead(cdnow):
    fit = lv.BGBBFit(1.2, 0.75, 0.66, 2.8, 0.0, 0)
    with pytest.raises(DataProblem, match="opportunities"):
        lv.predict_customers(cdnow, fit, "1Y")
    with pytest.raises(DataProblem, match="opportunities"):
        lv.lifetime_value(cdnow, fit, lv.GammaGammaFit(6.25, 3.74, 15.44, 0.0, 0))
