"""Joint Brillouin fit of paramagnetic isotherms: Gd3+ (g = 2, J = 7/2) with noise and a
diamagnetic slope (issue 16). The reference curves are computed here from the Boltzmann sum over
the 2J+1 levels m_J, independent of the coth form used by magfit."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import constants as sc

from magfit.errors import FitError
from magfit.mh import MagnetizationCurve, collapse_check, fit_brillouin

MU_B_ERG_G = sc.physical_constants["Bohr magneton"][0] * 1e3   # erg/G
K_B_ERG = sc.k * 1e7
EMU_MOL_PER_MUB = sc.N_A * MU_B_ERG_G


def boltzmann_moment(h_oe, t_k, g, J, n):
    """<M> = n g μB <m_J>, μB per formula unit, by direct summation over m_J = -J..J."""
    m = np.arange(-J, J + 1)
    e = g * MU_B_ERG_G * np.outer(h_oe, m) / (K_B_ERG * np.asarray(t_k)[..., None] * np.ones((1, m.size)))
    w = np.exp(e - e.max(axis=1, keepdims=True))
    return n * g * (w @ m) / w.sum(axis=1)


def _family(rng, *, chi_dia_emu_mol=-4e-4, rel_noise=0.003, theta=0.0):
    g, J, n = 2.0, 3.5, 2.0
    curves = []
    for t in (2.0, 4.0, 10.0):
        h = np.linspace(1000, 70000, 40)
        m = boltzmann_moment(h, np.full(h.size, t - theta), g, J, n)
        m = m + chi_dia_emu_mol / EMU_MOL_PER_MUB * h
        m = m + rng.normal(0, rel_noise * np.abs(m).max(), h.size)
        curves.append(MagnetizationCurve(t, h, m, np.full(h.size, np.nan), np.full(h.size, "virgin"), "muB",
                                         emu_mol_per_unit=EMU_MOL_PER_MUB))
    return curves


def test_gd_isotherms_J_free_recover_g_J_n_within_2_sigma():
    curves = _family(np.random.default_rng(7))
    fit = fit_brillouin(curves)
    assert abs(fit.g - 2.0) <= 2 * fit.g_err
    assert abs(fit.J - 3.5) <= 2 * fit.J_err
    assert abs(fit.n - 2.0) <= 2 * fit.n_err
    assert abs(fit.chi_hf_emu_mol + 4e-4) <= 2 * fit.chi_hf_err_emu_mol
    assert fit.g_err < 0.05 and fit.J_err < 0.5


def test_gd_isotherms_J_fixed_from_ion():
    import magfit

    J = magfit.ion("Gd3+").J
    assert J == 3.5
    curves = _family(np.random.default_rng(8))
    fit = fit_brillouin(curves, J=J)
    assert fit.J_fixed and fit.J == 3.5 and fit.J_err == 0.0
    assert abs(fit.g - 2.0) <= 2 * fit.g_err and fit.g_err < 0.01
    assert abs(fit.n - 2.0) <= 2 * fit.n_err
    d = fit.to_dict()
    assert {"g", "g_err", "J", "n"} <= set(d)


def test_collapse_statement():
    ok = collapse_check(_family(np.random.default_rng(9), chi_dia_emu_mol=0.0))
    assert ok["collapse"] is True
    bad = collapse_check(_family(np.random.default_rng(9), chi_dia_emu_mol=0.0, theta=-1.5))
    assert bad["collapse"] is False and "do NOT collapse" in bad["statement"]


def test_brillouin_needs_muB():
    c = _family(np.random.default_rng(1))[0]
    c.unit = "emu"
    with pytest.raises(FitError, match="μB"):
        fit_brillouin([c])
