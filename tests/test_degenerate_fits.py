"""Degenerate Curie-Weiss optima must give a verdict, not a crash: strong-exchange dimers and chains
push theta to -infinity, where 1/(t - theta) is a constant column (collinear with chi0), and the
covariance can come out with negative variances."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from _verdict_cases import all_cases, run_case

from magfit.varpro import _lin2


def test_lin2_collinear_columns_give_the_one_column_least_squares_fit():
    rng = np.random.default_rng(0)
    b = np.ones(20)
    a = 3.0 * b                                   # 1/(t - theta) for theta -> -inf, scaled
    v = 2.0 + rng.standard_normal(20)
    c, c0 = _lin2(a, b, v)
    fit = c * a + c0 * b
    proj = (v @ b) / (b @ b) * b                  # least-squares projection on the span
    assert np.all(np.isfinite([c, c0]))
    assert fit == pytest.approx(proj, rel=1e-12)


def test_ufloats_with_negative_variance_give_undefined_errors():
    fitting = importlib.import_module("magfit.fitting")

    class WF:
        res = None
        theta, C, chi0 = -4.9e4, 120.0, 1e-3
        cov = np.array([[-4.06e9, 8.89e8, -9.06e3], [8.89e8, -1.95e8, 1.98e3], [-9.06e3, 1.98e3, -2.0e-2]])

    u = fitting._ufloats(WF, True, 1.0)
    assert u["C"].nominal_value == WF.C and np.isnan(u["C"].std_dev)
    assert np.isnan(u["mu_eff"].std_dev) and np.isfinite(u["mu_eff"].nominal_value)


@pytest.mark.parametrize("name", ["synthetic 14 dimer", "synthetic 27 chain", "synthetic 38 dimer",
                                  "synthetic 56 dimer", "synthetic 86 dimer"])
def test_strong_exchange_cases_are_classified_not_failed(name):
    (build,) = [b for n, mode, b in all_cases() if n == name and mode == "chi"]
    v = run_case("chi", build)
    assert not any("fit failed" in r for r in v.reasons), v.reasons
    assert v.rule
