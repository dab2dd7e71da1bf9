"""Benchmarks: the other customer-base models (Pareto/NBD, MBG/NBD, BG/BB, sBG) at 1M customers,
side by side with ``lifetimes`` at sizes it can handle.

Run manually: ``.venv/bin/python -m pytest benchmarks/bench_models.py --benchmark-only -p no:xdist``.
Each 1M benchmark stores ``peak_mb`` (tracemalloc); each peer benchmark stores ``ours_s`` and
``ratio`` (lifetimes' time / ours on the same data) and checks the parameters agree. The data
are drawn from each model with known parameters (``tests/value/simulate_models.py``), with
recency and T on a daily grid as a real summary in weeks has them.
"""

from __future__ import annotations

import time
import tracemalloc
import warnings

import numpy as np
import pytest

from helpers import value
from helpers.data import load_table
from helpers.paths import MAPPINGS_DIR
from helpers.segments import customer_summary
from tests.conftest import shared_file
from tests.value.simulate_models import bgbb, bgnbd, pareto_nbd

MILLION = 1_000_000


def _peak_mb(func, *args, **kwargs) -> float:
    tracemalloc.start()
    func(*args, **kwargs)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def _seconds(func, *args, **kwargs):
    began = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - began


def _quiet(func):
    def run(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return func(*args, **kwargs)
    return run


def _versus(benchmark, peer_fit, ours_fit, names, rel=1e-3):
    """Time the peer with the benchmark, ours once; record the ratio; compare parameters."""
    ours, ours_s = _seconds(ours_fit)
    peer = benchmark.pedantic(_quiet(peer_fit), rounds=1, iterations=1)
    benchmark.extra_info["ours_s"] = ours_s
    benchmark.extra_info["ratio"] = benchmark.stats["median"] / ours_s
    for k in names:
        assert ours.params[k] == pytest.approx(peer.params_[k], rel=rel), k


# ------------------------------------------------------------------------------------ data
@pytest.fixture(scope="module")
def cdnow_master():
    tx = load_table(shared_file("cdnow", "CDNOW_master.txt"), "transactions",
                    mapping=MAPPINGS_DIR / "cdnow_master.yaml")
    return customer_summary(tx, as_of="1997-09-30", freq="D", freq_multiplier=7)


@pytest.fixture(scope="module")
def cdnow_sample():
    tx = load_table(shared_file("cdnow", "CDNOW_sample.txt"), "transactions",
                    mapping=MAPPINGS_DIR / "cdnow_sample.yaml")
    return customer_summary(tx, as_of="1997-09-30", freq="D", freq_multiplier=7)


@pytest.fixture(scope="module")
def pareto_million():
    return pareto_nbd(MILLION, T_max=78, days=True, seed=1)


@pytest.fixture(scope="module")
def mbg_million():
    return bgnbd(MILLION, r=0.5, alpha=6.0, a=0.8, b=2.5, T_max=78, seed=2, modified=True,
                 days=True)


@pytest.fixture(scope="module")
def bgbb_million():
    return bgbb(MILLION, n_periods=12, seed=3)


# ------------------------------------------------------------------------------ Pareto/NBD
def test_pareto_cdnow_master(benchmark, cdnow_master):
    fit = benchmark.pedantic(value.fit_pareto_nbd, args=(cdnow_master,), rounds=3, iterations=1)
    assert fit.converged and len(cdnow_master) == 23570
    benchmark.extra_info["params"] = fit.params
    benchmark.extra_info["peak_mb"] = _peak_mb(value.fit_pareto_nbd, cdnow_master)


@pytest.mark.parametrize("data", ["cdnow_sample", "cdnow_master"])
def test_pareto_lifetimes(benchmark, data, request):
    lifetimes = pytest.importorskip("lifetimes")
    s = request.getfixturevalue(data)
    _versus(benchmark,
            lambda: lifetimes.ParetoNBDFitter().fit(s["frequency"], s["recency"], s["T"]),
            lambda: value.fit_pareto_nbd(s), ("r", "alpha", "s", "beta"), rel=2e-3)


def test_pareto_million(benchmark, pareto_million):
    fit = benchmark.pedantic(value.fit_pareto_nbd, args=(pareto_million,), rounds=1,
                             iterations=1)
    assert fit.converged
    assert fit.r == pytest.approx(0.55, rel=0.05) and fit.s == pytest.approx(0.61, rel=0.05)
    benchmark.extra_info["extras"] = fit.extras
    benchmark.extra_info["peak_mb"] = _peak_mb(value.fit_pareto_nbd, pareto_million)


# --------------------------------------------------------------------------------- MBG/NBD
def test_mbgnbd_million(benchmark, mbg_million):
    fit = benchmark.pedantic(value.fit_mbgnbd, args=(mbg_million,), rounds=3, iterations=1)
    assert fit.converged
    assert fit.r == pytest.approx(0.5, rel=0.05) and fit.alpha == pytest.approx(6.0, rel=0.1)
    benchmark.extra_info["peak_mb"] = _peak_mb(value.fit_mbgnbd, mbg_million)


@pytest.mark.parametrize("n", [100_000, MILLION])
def test_mbgnbd_lifetimes(benchmark, mbg_million, n):
    lifetimes = pytest.importorskip("lifetimes")
    s = mbg_million.iloc[:n]
    _versus(benchmark,
            lambda: lifetimes.ModifiedBetaGeoFitter().fit(s["frequency"], s["recency"], s["T"]),
            lambda: value.fit_mbgnbd(s), ("r", "alpha", "a", "b"))


# ----------------------------------------------------------------------------------- BG/BB
def test_bgbb_million(benchmark, bgbb_million):
    fit = benchmark.pedantic(value.fit_bgbb, args=(bgbb_million,), rounds=3, iterations=1)
    assert fit.converged and fit.n_customers == MILLION
    assert fit.alpha == pytest.approx(1.2, rel=0.05) and fit.delta == pytest.approx(2.8, rel=0.1)
    benchmark.extra_info["peak_mb"] = _peak_mb(value.fit_bgbb, bgbb_million)


def test_bgbb_lifetimes(benchmark, bgbb_million):
    """lifetimes on 100k rows as given (it does not group equal histories itself)."""
    lifetimes = pytest.importorskip("lifetimes")
    s = bgbb_million.iloc[:100_000]
    _versus(benchmark,
            lambda: lifetimes.BetaGeoBetaBinomFitter().fit(s["frequency"], s["recency"],
                                                           s["n_periods"]),
            lambda: value.fit_bgbb(s), ("alpha", "beta", "gamma", "delta"))


# ------------------------------------------------------------------------------------- sBG
def test_sbg_million(benchmark):
    """One million contracts, each observed for 1-12 periods (right-censored)."""
    rng = np.random.default_rng(4)
    theta = rng.beta(0.7, 1.2, MILLION)
    observed = rng.integers(1, 13, MILLION)
    life = rng.geometric(theta)
    churned = life <= observed
    tenure = np.where(churned, life, observed)
    fit = benchmark.pedantic(value.fit_sbg, kwargs={"tenure": tenure, "churned": churned},
                             rounds=3, iterations=1)
    assert fit.alpha == pytest.approx(0.7, rel=0.05) and fit.beta == pytest.approx(1.2, rel=0.1)
    benchmark.extra_info["peak_mb"] = _peak_mb(value.fit_sbg, tenure=tenure, churned=churned)


# ----------------------------------------------------------------------------- diagnostics
def test_diagnostics_million(benchmark, pareto_million):
    fit = value.ParetoNBDFit(0.55, 10.6, 0.61, 11.7, 0.0, 0)
    table = benchmark.pedantic(value.period_transactions, args=(fit, pareto_million),
                               rounds=3, iterations=1)
    assert table["observed"].sum() == MILLION


# ------------------------------------------------------------- uncertainty and covariates
@pytest.fixture(scope="module")
def bgnbd_million():
    return bgnbd(MILLION, r=0.5, alpha=6.0, a=0.8, b=2.5, T_max=78, seed=5, days=True)


def test_standard_errors_million(benchmark, bgnbd_million):
    """The Hessian at the optimum of a 1M-customer BG/NBD fit (on its distinct rows)."""
    fit = value.fit_bgnbd(bgnbd_million)
    se = benchmark.pedantic(value.standard_errors, args=(fit, bgnbd_million), rounds=3,
                            iterations=1)
    assert (se.se > 0).all() and (se.se / se.estimate < 0.05).all()
    benchmark.extra_info["se"] = se.se.to_dict()
    benchmark.extra_info["peak_mb"] = _peak_mb(value.standard_errors, fit, bgnbd_million)


def test_bootstrap_course_size(benchmark):
    """The course data's size: 3,000 customers, BG/NBD + Gamma-Gamma, 200 replicates, CLV."""
    s = bgnbd(3000, r=0.5, alpha=6.0, a=0.8, b=2.5, T_max=156, seed=6, days=True)
    rng = np.random.default_rng(6)
    s = s.assign(tenure_days=np.round(s["T"] * 7),
                 monetary_value=np.where(s.frequency > 0, rng.gamma(6.0, 8.0, len(s)), 0.0),
                 segment=rng.choice(["a", "b", "c"], len(s)))
    bg, gg = value.fit_bgnbd(s), value.fit_gamma_gamma(s)
    out = benchmark.pedantic(value.bootstrap_intervals, args=(s, bg, gg),
                             kwargs={"replicates": 200, "seed": 1, "by": "segment"},
                             rounds=1, iterations=1)
    assert len(out) == 9 and (out.lower <= out.upper).all()


def test_bgnbd_covariates_million(benchmark):
    """BG/NBD with a three-level covariate on the purchase rate, 1M customers (no compression)."""
    rng = np.random.default_rng(7)
    s = bgnbd(MILLION, r=0.5, alpha=6.0, a=0.8, b=2.5, T_max=78, seed=7, days=True)
    s["group"] = rng.choice(["a", "b", "c"], MILLION)
    fit = benchmark.pedantic(value.fit_bgnbd_covariates, args=(s, ["group"]), rounds=1,
                             iterations=1)
    co = fit.coefficients.loc["purchase"]
    assert ((co.ratio_lower <= 1.0) & (1.0 <= co.ratio_upper)).all()   # nothing planted
    benchmark.extra_info["seconds"] = fit.seconds
