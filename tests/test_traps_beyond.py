"""Traps outside the chi(T) classifier: spin-cluster conventions, chains, M(H) fits, loops, simulate.

Every reference is computed here by independent code: closed forms (Bleaney-Bowers, Brillouin,
Curie-Weiss, mean-field T_C), numpy.linalg.eigh of the spin Hamiltonian, synthetic loops whose
H_c and H_eb are known by construction.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from magfit.mh.convert import MagnetizationCurve
from magfit.mh.loops import analyze_loop

NA, KB, MUB = 6.02214076e23, 1.380649e-16, 9.2740100783e-21


# ------------------------------------------------------------------ hysteresis loops
def _loop(hc=200.0, heb=-150.0, width=100.0, drift=0.0, n=201, hmax=2e4):
    """tanh branches switching at H_eb -+ H_c; drift linear in reading index."""
    hd, hi = np.linspace(hmax, -hmax, n), np.linspace(-hmax, hmax, n)
    h = np.r_[hd, hi]
    m = np.r_[np.tanh((hd - (heb - hc)) / width), np.tanh((hi - (heb + hc)) / width)] - 1e-6 * h
    m = m + drift * np.linspace(0.0, 1.0, h.size)
    return MagnetizationCurve(temperature_K=5.0, field_Oe=h, M=m, M_err=np.full(h.size, np.nan),
                              branch=np.array(["decreasing"] * n + ["increasing"] * n), unit="emu_g")


def _analyze(curve, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analyze_loop(curve, **kw)


def test_sharp_exchange_biased_loop_root_stays_between_bracketing_readings():
    # switching width (100 Oe) below the field step (200 Oe): the cubic inverse interpolation used to
    # overshoot to H_c- = -592 Oe (readings -400 / -200 Oe bracket it), so H_eb = -392 for -150 Oe
    r = _analyze(_loop())
    b = r.Hc_branches_Oe
    assert -400.0 <= b["H_c_minus"] <= -200.0 and 0.0 <= b["H_c_plus"] <= 200.0
    assert abs(r.H_eb_Oe - (-150.0)) < max(2 * r.Hc_Oe_err, 50.0)
    assert abs(r.Hc_Oe - 200.0) < 2 * r.Hc_Oe_err + 1e-9


def test_exchange_bias_sign_and_value_on_a_fine_grid():
    r = _analyze(_loop(n=2001))
    assert r.Hc_Oe == pytest.approx(200.0, abs=2.0)
    assert r.H_eb_Oe == pytest.approx(-150.0, abs=2.0)      # loop shifted to negative fields
    mr = (np.tanh(350.0 / 100.0) + np.tanh(50.0 / 100.0)) / 2.0
    assert r.Mr == pytest.approx(mr, abs=2e-3)


def test_drift_is_reported_and_corrected_on_request():
    curve = _loop(n=2001, drift=0.05)
    plain = _analyze(curve)
    assert plain.drift == pytest.approx(0.05, rel=0.05)
    assert abs(plain.H_eb_Oe + 150.0) > plain.Hc_Oe_err      # drift biases the uncorrected values ...
    assert any("NOT corrected" in n for n in plain.notes)   # ... and the result says so
    fixed = _analyze(curve, correct_drift=True)
    assert fixed.Hc_Oe == pytest.approx(200.0, abs=max(fixed.Hc_Oe_err, 0.5))
    assert fixed.H_eb_Oe == pytest.approx(-150.0, abs=max(fixed.Hc_Oe_err, 0.5))
    assert not any("NOT corrected" in n for n in fixed.notes)


# ------------------------------------------------------------------ Brillouin fits of M(H)
def _bj(j, x):
    a, b = (2 * j + 1) / (2 * j), 1 / (2 * j)
    return a / np.tanh(a * x) - b / np.tanh(b * x)


def _mh_curve(t_k, h, m):
    return MagnetizationCurve(temperature_K=t_k, field_Oe=h, M=m, M_err=np.full(h.size, np.nan),
                              branch=np.array(["virgin"] * h.size), unit="muB", per="ion",
                              emu_mol_per_unit=NA * MUB)


def _ion_isotherm(g, j, step=0.0, seed=0):
    """M per ion at 2 K: n g J B_J + diamagnetic slope (-2e-4 emu/mol) + saturated impurity step."""
    h = np.linspace(500.0, 70000.0, 60)
    m = g * j * _bj(j, g * j * MUB * h / (KB * 2.0)) - 2e-4 / (NA * MUB) * h + step * np.tanh(h / 300.0)
    return h, m + 0.002 * np.random.default_rng(seed).standard_normal(h.size)


@pytest.mark.parametrize("g,j", [(2.0, 3.5), (2.1, 0.5), (2.2, 1.0)], ids=["Gd3+", "Cu2+", "Ni2+"])
def test_brillouin_with_impurity_step_warns_and_ferro_step_recovers_g(g, j):
    from magfit.mh.paramagnet import fit_brillouin

    h, m = _ion_isotherm(g, j)
    clean = fit_brillouin([_mh_curve(2.0, h, m)], J=j)
    assert not clean.warnings
    assert abs(clean.g - g) < 3 * clean.g_err
    h, m = _ion_isotherm(g, j, step=0.02)
    biased = fit_brillouin([_mh_curve(2.0, h, m)], J=j)
    assert any("ferromagnetic-impurity step" in w for w in biased.warnings)   # g alone would mislead
    fixed = fit_brillouin([_mh_curve(2.0, h[h > 3000], m[h > 3000])], J=j, ferro_step=True)
    assert abs(fixed.g - g) < 3 * fixed.g_err + 1e-3
    assert fixed.m_step == pytest.approx(0.02, abs=3 * fixed.m_step_err)
    assert "step" in fixed.summary()


def test_superparamagnet_fed_to_brillouin_is_called_not_an_ion():
    from magfit.mh.paramagnet import MAX_ION_MOMENT_MUB, fit_brillouin

    h = np.linspace(500.0, 70000.0, 60)
    mu = 1000.0                                          # particle moment, μB (Langevin)
    x = mu * MUB * h / (KB * 300.0)
    m = (1.0 / np.tanh(x) - 1.0 / x) * mu / 1000.0       # per ion: 1000 ions of 1 μB each
    fit = fit_brillouin([_mh_curve(300.0, h, m)])
    assert fit.g * fit.J > MAX_ION_MOMENT_MUB or fit.J >= 9.99
    assert any("superparamagnetic" in w for w in fit.warnings)
    assert "WARNING" in fit.summary()
