"""CurieWeissFit without lmfit (issue 12): the numbers come from variable projection, the lmfit
``ModelResult`` is fitted only when ``fit.result`` is read, and a fit imports none of lmfit,
scipy.optimize, scipy.stats, scipy.signal, scipy.special, scipy.ndimage."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from magfit.chit import ChiT
from magfit.fitting import fit_curie_weiss

ROOT = Path(__file__).resolve().parents[1]
C_TRUE, THETA_TRUE, CHI0_TRUE = 7.877, -3.0, 2e-4


def _data(n=200, seed=4, rel=0.01, weighted=True):
    rng = np.random.default_rng(seed)
    t = np.linspace(2.0, 300.0, n)
    y = C_TRUE / (t - THETA_TRUE) + CHI0_TRUE
    err = rel * y
    return ChiT(t, y + err * rng.standard_normal(n), err if weighted else None, per="Gd")


def test_a_fit_imports_no_lmfit_or_heavy_scipy():
    code = ("import sys, numpy as np, magfit\n"
            "t = np.linspace(2, 300, 120); y = 7.877 / (t + 3) + 2e-4\n"
            "y = y * (1 + 0.01 * np.random.default_rng(1).standard_normal(t.size))\n"
            "chi = magfit.ChiT(t, y, 0.01 * y)\n"
            "magfit.fit_curie_weiss(chi); magfit.fit_curie_weiss(chi, tmin=20.0)\n"
            "heavy = ('lmfit', 'scipy.optimize', 'scipy.stats', 'scipy.signal', 'scipy.special',\n"
            "         'scipy.ndimage', 'numba', 'matplotlib')\n"
            "print(','.join(m for m in heavy if m in sys.modules))\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "", f"a fit imported {out.stdout.strip()}"


@pytest.mark.parametrize("tmin", [None, 25.0])
@pytest.mark.parametrize("chi0", [True, False])
@pytest.mark.parametrize("weighted", [True, False])
def test_numbers_equal_the_lazily_built_lmfit_result(tmin, chi0, weighted):
    chi = _data(weighted=weighted)
    fit = fit_curie_weiss(chi, tmin=tmin, chi0=chi0)
    res = fit.result                                  # lmfit Levenberg-Marquardt, built now
    assert res.success and res.covar is not None
    pairs = [("theta", fit.theta_K), ("C", fit.C), ("mu_eff", fit.mu_eff)]
    pairs += [("chi0", fit.chi0)] if chi0 else []
    for name, u in pairs:
        p = res.params[name]
        assert u.nominal_value == pytest.approx(p.value, rel=1e-6, abs=1e-4 * p.stderr)
        assert u.std_dev == pytest.approx(p.stderr, rel=1e-4)
    assert fit.redchi == pytest.approx(res.redchi, rel=1e-6)
    assert fit.aic == pytest.approx(res.aic, rel=1e-6) and fit.bic == pytest.approx(res.bic, rel=1e-6)
    names = ["theta", "C"] + (["chi0"] if chi0 else [])
    for a in names:
        for b in names:
            want = 1.0 if a == b else res.params[a].correl[b]
            assert fit.correlation.loc[a, b] == pytest.approx(want, rel=1e-4, abs=1e-6)
    t = fit.window_chi.temperature_K
    assert np.allclose(fit.eval(t), res.eval(res.params, temperature_K=t), rtol=1e-8, atol=0)
    assert np.allclose(fit.eval(t), res.best_fit, rtol=1e-8, atol=0)
    if weighted:
        assert np.allclose(fit.weights, 1.0 / fit.window_chi.chi_err_emu_mol)
    else:
        assert fit.weights is None


def test_mu_eff_is_correlated_with_c():
    fit = fit_curie_weiss(_data())
    # mu_eff = sqrt(C / (n_ions K)) is a function of C: their correlation is 1 (linear propagation)
    c, mu = fit.C, fit.mu_eff
    cov = mu.derivatives
    assert set(cov) <= set(c.derivatives)
    assert mu.std_dev == pytest.approx(mu.nominal_value / (2.0 * c.nominal_value) * c.std_dev, rel=1e-12)


def test_noise_free_window_keeps_lmfit_numbers():
    # residuals at round-off: lmfit's numbers are used (fitted eagerly), as before
    t = np.linspace(5.0, 300.0, 120)
    fit = fit_curie_weiss(ChiT(t, C_TRUE / (t - THETA_TRUE) + CHI0_TRUE), tmin=10.0)
    res = fit.result
    assert fit.theta_K.nominal_value == res.params["theta"].value
    assert fit.C.nominal_value == res.params["C"].value
    assert fit.theta_K.nominal_value == pytest.approx(THETA_TRUE, abs=1e-8)


def test_theta_at_end_of_search_range_uses_lmfit():
    # chi rising with T is no Curie-Weiss: theta runs off to the end of the projection's search range
    # (-1e3 T_max), where lmfit's unbounded-below fit decides the numbers (fitted eagerly)
    t = np.linspace(10.0, 100.0, 60)
    y = 1e-3 * t * (1 + 1e-3 * np.random.default_rng(2).standard_normal(t.size))
    fit = fit_curie_weiss(ChiT(t, y), tmin=10.0)
    res = fit.result
    assert fit.theta_K.nominal_value == res.params["theta"].value
    assert fit.C.nominal_value == res.params["C"].value
    assert any(f.startswith("C not significantly positive") for f in fit.flags)


def test_fit_pickles_before_and_after_the_result_is_built():
    import pickle

    fit = fit_curie_weiss(_data())
    copy = pickle.loads(pickle.dumps(fit))               # e.g. back from a process pool
    assert copy.theta_K.nominal_value == fit.theta_K.nominal_value and copy.scan.equals(fit.scan)
    theta = fit.result.params["theta"].value
    again = pickle.loads(pickle.dumps(fit))              # the lmfit result is refitted on demand
    assert again.result.params["theta"].value == theta
