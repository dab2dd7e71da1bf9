"""The published CDNOW parameters, reproduced end to end from the raw sample file.

Raw ``CDNOW_sample.txt`` -> ``helpers.data.loading.load_table`` with ``mappings/cdnow_sample.yaml``
-> ``helpers.segments.customer_summary`` (39-week calibration ending 1997-09-30, time unit weeks)
-> ``helpers.value`` fits. Published figures (``../shared/datasets/README.md``):

* BG/NBD, Fader, Hardie & Lee (2005): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426,
  log-likelihood = -9,582.4;
* Gamma-Gamma, Fader & Hardie (2013) on the 946 repeat buyers: p = 6.25, q = 3.74,
  gamma = 15.44.
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.segments import customer_summary
from helpers.value import fit_bgnbd, fit_gamma_gamma


@pytest.fixture(scope="module")
def cdnow_calibration(cdnow_sample_transactions) -> pd.DataFrame:
    # the raw file, straight through the loader: the mapping names its header-less columns
    return customer_summary(cdnow_sample_transactions, as_of="1997-09-30", freq="D",
                            freq_multiplier=7)


def test_calibration_summary_shape(cdnow_calibration):
    assert len(cdnow_calibration) == 2357
    assert int((cdnow_calibration["frequency"] > 0).sum()) == 946
    assert cdnow_calibration["T"].max() == pytest.approx(39 - 1 / 7, abs=1e-9)  # Jan 1 -> Sep 30


def test_bgnbd_reproduces_fader_hardie_lee_2005(cdnow_calibration):
    fit = fit_bgnbd(cdnow_calibration)
    assert fit.converged
    assert round(fit.r, 3) == 0.243
    assert round(fit.alpha, 3) == 4.414
    assert round(fit.a, 3) == 0.793
    assert round(fit.b, 3) == 2.426
    assert round(fit.loglik, 1) == -9582.4


def test_gamma_gamma_reproduces_fader_hardie_2013(cdnow_calibration):
    fit = fit_gamma_gamma(cdnow_calibration)
    assert fit.converged and fit.n_customers == 946 and fit.excluded == 0
    assert round(fit.p, 2) == 6.25
    assert round(fit.q, 2) == 3.74
    assert round(fit.gamma, 2) == 15.44
