"""classify(fit) is lmfit-free (issue 12): no lmfit, scipy.stats or scipy.optimize, no fit.result,
and its closed-form statistics agree with independent computations written here."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from magfit.classify.stats import _fit_constant, _fit_curie_tip, _ftest, _local_moment_adequacy, _phi

PROBE = textwrap.dedent("""
    import dataclasses, importlib.abc, sys, warnings
    import numpy as np
    import magfit
    import magfit.window
    warnings.simplefilter("ignore")
    magfit.window.USE_NUMBA = False                      # no numba compile in a one-off process
    t = np.linspace(2.0, 300.0, 120)
    rng = np.random.default_rng(1)

    def chit(y, rel=0.003):
        return magfit.ChiT(t, y * (1 + rel * rng.standard_normal(t.size)), rel * np.abs(y))

    nm = 0.375149 * 4 * 0.75 / 3                          # S = 1/2 Curie constant, emu K/mol
    cases = [(chit(nm / (t + 3.0)), {}),                                    # localized
             (chit(3e-4 + 0.002 * nm / t), {"formula": "Pd"}),             # Pauli + tail
             (chit(np.full(t.size, 4e-4), 0.01), {}),                       # flat
             (chit(5e-4 * (1 - 1e-6 * t**2)), {"formula": "Pd"}),          # enhanced Pauli
             (chit(0.0285 / (t + 200.0) + 4e-3), {"formula": "Eu2O3"}),   # Van Vleck-like, degenerate
             (chit(nm * 4 / (t * (3 + np.exp(200.0 / t)))), {})]           # dimer
    fits = [(magfit.fit_curie_weiss(c), kw) for c, kw in cases]

    class Forbidden:
        def __getattr__(self, name):
            raise AssertionError(f"classify read fit.result.{name}")

    def no_result(fit):
        try:
            return dataclasses.replace(fit, result=Forbidden())
        except (TypeError, ValueError):       # result is no longer a field (built lazily on access)
            return fit

    fits = [(no_result(f), kw) for f, kw in fits]
    BLOCKED = ("lmfit", "scipy.stats", "scipy.optimize", "magfit.models")
    for name in list(sys.modules):
        if name.startswith(BLOCKED):
            del sys.modules[name]
    import scipy
    for sub in ("stats", "optimize"):
        scipy.__dict__.pop(sub, None)

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.startswith(BLOCKED):
                raise ImportError(f"classify(fit) imported {name}")
            return None

    sys.meta_path.insert(0, Block())
    for fit, kw in fits:
        v = magfit.classify(fit, **kw)
        print(v.label, round(v.confidence, 3))
""")


def test_classify_fit_needs_no_lmfit_scipy_stats_optimize_or_fit_result():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    labels = [line.split()[0] for line in out.stdout.strip().splitlines()]
    assert labels[:4] == ["localized", "itinerant", "itinerant", "itinerant"], out.stdout
    assert labels[4] == "localized" and labels[5] == "localized", out.stdout   # Van Vleck ion, gapped


# ------------------------------------------------------------------ closed forms, checked independently
def test_phi_and_f_test_against_closed_forms():
    # Phi(1.96) = 0.975 (two-sided 5 %); F(2, n) survival is closed form: (1 + 2F/n)^(-n/2)
    assert _phi(1.959963984540054) == pytest.approx(0.975, abs=1e-12)
    assert _phi(-math.inf) == 0.0 and _phi(math.inf) == 1.0
    rss_small, rss_big, n = 12.0, 10.0, 40
    fstat, p = _ftest(rss_small, 1, rss_big, 3, n)
    dfd = n - 3
    assert fstat == pytest.approx((2.0 / 2) / (10.0 / dfd))
    assert p == pytest.approx((1 + 2 * fstat / dfd) ** (-dfd / 2), rel=1e-10)


def test_weighted_mean_and_its_scaled_error():
    rng = np.random.default_rng(4)
    t = np.linspace(2, 300, 50)
    y = 3e-4 + 1e-6 * rng.standard_normal(t.size)
    w = 1.0 / np.linspace(1e-6, 2e-6, t.size)
    chi0, err, rss = _fit_constant(t, y, w)
    mean = np.sum(w**2 * y) / np.sum(w**2)
    rss_ref = np.sum((w * (y - mean)) ** 2)
    assert chi0 == pytest.approx(mean, rel=1e-12)
    assert rss == pytest.approx(rss_ref, rel=1e-9)
    assert err == pytest.approx(math.sqrt(rss_ref / (t.size - 1) / np.sum(w**2)), rel=1e-9)


def test_curie_share_error_matches_a_monte_carlo_of_the_linear_fit():
    # f = (C/T_ref) / (C/T_ref + chi0) of C/T + chi0: the propagated error against the spread of f over
    # 2,000 noisy replicas refitted with numpy.polyfit in 1/T (independent of the implementation)
    t = np.linspace(2, 300, 80)
    c, chi0, sigma = 0.01, 3e-4, 2e-6
    rng = np.random.default_rng(5)
    y = c / t + chi0 + sigma * rng.standard_normal(t.size)
    f, sf = _fit_curie_tip(t, y, None, 300.0)
    reps = []
    for _ in range(2000):
        yy = c / t + chi0 + sigma * rng.standard_normal(t.size)
        slope, icpt = np.polyfit(1.0 / t, yy, 1)
        reps.append(slope / 300.0 / (slope / 300.0 + icpt))
    assert f == pytest.approx(c / 300 / (c / 300 + chi0), abs=4 * sf)
    assert sf == pytest.approx(np.std(reps), rel=0.15)


def test_bounded_curie_weiss_rss_is_the_brute_force_minimum():
    # min over -T_max <= theta < T_min of the RSS of C/(T - theta): against a 200,001-point brute force
    from magfit.classify.stats import _bounded_theta_rss

    t = np.linspace(100, 300, 40)
    y = 1.0 / (t + 150.0) + 1e-3 + 1e-6 * np.random.default_rng(6).standard_normal(t.size)
    thetas = np.linspace(-300.0, 99.999, 200001)
    g = 1.0 / (t[None, :] - thetas[:, None])
    rss_min = float((np.sum(y**2) - (g @ y) ** 2 / np.sum(g * g, axis=1)).min())
    got = _bounded_theta_rss(t, y, None, -300.0, 100.0 - 1e-7)
    assert got == pytest.approx(rss_min, rel=1e-6)
    p = _local_moment_adequacy(t, y, None, rss_full=0.5 * rss_min)
    assert 0.0 <= p < 1e-3          # halving the RSS with one more parameter on 40 points is significant


def test_crystal_field_note_never_prints_plus_minus_nan():
    from magfit.classify.rules_ions import _pm

    assert _pm(float("nan")) == "(error undefined)" and _pm(float("inf")) == "(error undefined)"
    assert _pm(0.0123) == "+/- 0.012"
