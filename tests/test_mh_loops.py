"""Hysteresis-loop parameters against a synthetic loop with known H_c, M_r, M_s (issue 16)."""

from __future__ import annotations

import numpy as np
import pytest

from magfit.errors import FitError
from magfit.mh import analyze_loop, group_isotherms, magnetization, saturation

MS, HC, W, CHI = 2.0, 800.0, 1500.0, 1e-6   # μB-like units, Oe


def _loop(rng, *, noise=1e-3, hmax=60000.0, shift=0.0, closed=True, n=400):
    """Tanh loop: decreasing branch M = MS tanh((H + HC)/W), increasing M = MS tanh((H - HC)/W)."""
    dec = np.linspace(hmax, -hmax, n)
    inc = np.linspace(-hmax, hmax if closed else 0.3 * hmax, n)
    m_dec = MS * np.tanh((dec - shift + HC) / W) + CHI * dec
    m_inc = MS * np.tanh((inc - shift - HC) / W) + CHI * inc
    h = np.concatenate([dec, inc])
    m = np.concatenate([m_dec, m_inc]) + rng.normal(0, noise, h.size)
    return h, m


def _curve(h, m):
    return magnetization(group_isotherms(np.full(h.size, 10.0), h, m)[0], unit="emu")


def test_synthetic_loop_hc_mr_ms():
    rng = np.random.default_rng(3)
    res = analyze_loop(_curve(*_loop(rng)))
    mr_true = MS * np.tanh(HC / W)      # M at H = 0 on the decreasing branch
    assert res.Hc_Oe == pytest.approx(HC, abs=max(3 * res.Hc_Oe_err, 5.0))
    assert res.Hc_Oe_err < 30
    assert res.Mr == pytest.approx(mr_true, abs=max(3 * res.Mr_err, 5e-3))
    assert res.Ms == pytest.approx(MS, abs=max(3 * res.Ms_err, 2e-3))
    assert res.saturation.chi_hf == pytest.approx(CHI, rel=0.1)
    assert res.squareness == pytest.approx(mr_true / MS, abs=0.01)
    assert abs(res.H_eb_Oe) < 3 * res.Hc_Oe_err + 5
    assert abs(res.drift) < 0.01


def test_exchange_bias_shift():
    rng = np.random.default_rng(4)
    res = analyze_loop(_curve(*_loop(rng, shift=-300.0)))
    assert res.H_eb_Oe == pytest.approx(-300.0, abs=10.0)
    assert res.Hc_Oe == pytest.approx(HC, abs=10.0)


def test_approach_to_saturation_used_when_not_saturated():
    """M = Ms (1 - a/H) + chi H at high field: the law recovers Ms where a straight line would not."""
    h = np.linspace(20000, 70000, 40)
    a = 2000.0
    hh = np.concatenate([h[::-1], -h, -h[::-1], h])  # high-field parts only (folded analysis)
    m = np.sign(hh) * MS * (1 - a / np.abs(hh)) + CHI * hh
    iso = group_isotherms(np.full(hh.size, 5.0), hh, m, min_points=2)[0]
    sat = saturation(magnetization(iso, unit="emu"))
    assert not sat.saturated
    assert sat.Ms == pytest.approx(MS, rel=1e-3)
    assert sat.a_Oe == pytest.approx(a, rel=1e-2)


def test_open_loop_is_a_clear_error():
    rng = np.random.default_rng(5)
    c = _curve(*_loop(rng, closed=False))
    with pytest.raises(FitError, match="loop not closed"):
        analyze_loop(c)
    res = analyze_loop(c, require_closed=False)
    assert res.drift is None and res.closed is False
    assert res.Hc_Oe == pytest.approx(HC, abs=20.0)


def test_subtract_linear_removes_slope_and_records_it():
    from magfit.mh.convert import subtract_linear

    rng = np.random.default_rng(6)
    c = _curve(*_loop(rng))
    res = analyze_loop(c)
    flat = subtract_linear(c, res.saturation.chi_hf, reason="high-field slope")
    again = analyze_loop(flat)
    assert abs(again.saturation.chi_hf) < 3 * again.saturation.chi_hf_err + 1e-9
    assert again.Ms == pytest.approx(res.Ms, rel=1e-3)
    assert flat.provenance["corrections"]["linear_subtracted"]["reason"] == "high-field slope"
