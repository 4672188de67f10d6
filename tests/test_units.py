"""Unit conversions and constants against closed forms (CODATA via scipy.constants)."""

import math

import numpy as np
import pytest

from magfit import units


def test_curie_factor_from_codata():
    # C = N_A mu_B^2/(3 k_B) per mu_B^2 in emu K/mol; PHYSICS.md [C]: 0.125049
    assert units.CURIE_CGS_PER_MUB2 == pytest.approx(0.125049, abs=2e-6)
    # N_A mu_B^2 / k_B = 0.375148 (spin-1/2, g=2 Curie constant is 0.37515)
    assert 3 * units.CURIE_CGS_PER_MUB2 == pytest.approx(0.375148, abs=3e-6)


def test_gd_curie_constant_both_ways():
    mu_gd = 2 * math.sqrt(3.5 * 4.5)  # g=2, S=7/2 -> 7.937
    c = units.curie_from_mu_eff(mu_gd)
    assert c == pytest.approx(7.88, abs=0.005)
    assert units.mu_eff_from_curie(7.88) == pytest.approx(7.94, abs=0.005)
    assert units.mu_eff_from_curie(c) == pytest.approx(mu_gd, rel=1e-12)
    # sqrt(8C) overestimates by ~0.02 %
    assert math.sqrt(8 * c) / mu_gd - 1 == pytest.approx(1.97e-4, abs=2e-5)


def test_si_cgs_molar():
    assert units.chi_cgs_to_si(1.0) == pytest.approx(4 * math.pi * 1e-6, rel=1e-15)
    x = np.array([1e-3, -2e-5, 7.0])
    np.testing.assert_allclose(units.chi_si_to_cgs(units.chi_cgs_to_si(x)), x, rtol=1e-15)
    # C_SI = 4 pi 1e-6 C_cgs, from the SI constants independently (mu0 carries the 4 pi)
    assert units.CURIE_SI_PER_MUB2 == pytest.approx(
        4 * math.pi * 1e-6 * units.CURIE_CGS_PER_MUB2, rel=1e-9
    )
    assert units.CURIE_SI_PER_MUB2 == pytest.approx(1.57142e-6, rel=2e-5)


def test_field_and_moment_units():
    assert units.tesla_to_oe(7.0) == pytest.approx(7e4)
    assert units.oe_to_tesla(1e4) == pytest.approx(1.0)
    assert units.MUB_PER_EMU == pytest.approx(1.0782e20, rel=1e-4)
    assert units.chi_mass_cgs_to_si(1.0) == pytest.approx(4 * math.pi * 1e-3)


def test_constant_literals_match_scipy_constants():
    # units.py writes the constants as literals (scipy.constants costs 0.2-0.3 s to import);
    # compare each with scipy.constants here. The SI defining constants are exact; the measured ones
    # may differ between CODATA 2018 (scipy < 1.15) and 2022 by < 1.4e-9 relative.
    from scipy import constants as sc

    exact = {"N_A": sc.N_A, "K_B_J": sc.k, "H_J_S": sc.h, "E_C": sc.e, "C_M_S": sc.c}
    for name, value in exact.items():
        assert getattr(units, name) == value, name
    assert units.HBAR_J_S == pytest.approx(sc.hbar, rel=1e-15)
    measured = {"MU_B_J_T": sc.physical_constants["Bohr magneton"][0], "M_E_KG": sc.m_e,
                "MU_0": sc.mu_0, "BOHR_RADIUS_M": sc.physical_constants["Bohr radius"][0]}
    for name, value in measured.items():
        assert getattr(units, name) == pytest.approx(value, rel=2e-9), name
    assert units.K_B_ERG == pytest.approx(sc.k * 1e7, rel=1e-15)
    assert units.MU_B_ERG_G == pytest.approx(sc.physical_constants["Bohr magneton"][0] * 1e3, rel=2e-9)


def test_units_module_does_not_import_scipy():
    import subprocess
    import sys

    code = "import sys, magfit.units; print('scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
