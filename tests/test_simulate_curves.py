"""Single-ion reference curves against closed forms and published numbers."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import magfit
from magfit.simulate import curves
from magfit.units import CURIE_CGS_PER_MUB2, MU_B_ERG_G, N_A


def test_langevin_limits_and_series_continuity():
    x = np.array([1e-9, 1e-3, 0.0999999, 0.1000001, 0.5, 3.0, 50.0, 1e6])
    got = curves.langevin(x)
    direct = np.where(x > 0.05, 1 / np.tanh(np.maximum(x, 0.05)) - 1 / np.maximum(x, 0.05), np.nan)
    np.testing.assert_allclose(got[:2], x[:2] / 3, rtol=1e-6)          # L ~ x/3
    np.testing.assert_allclose(got[2:6], direct[2:6], rtol=1e-12)        # series joins the closed form
    assert got[-1] == pytest.approx(1.0 - 1e-6, rel=1e-12)               # coth(x) - 1/x -> 1 - 1/x
    np.testing.assert_allclose(curves.langevin(-x), -got)                # odd
    assert curves.langevin(0.0) == 0.0


def test_brillouin_half_is_tanh_and_limits():
    x = np.linspace(-20, 20, 401)
    np.testing.assert_allclose(curves.brillouin(x, 0.5), np.tanh(x), atol=1e-14)
    for J in (0.5, 1, 3.5, 7.5):
        small = np.array([1e-10, 1e-6, 1e-3])
        np.testing.assert_allclose(curves.brillouin(small, J), (J + 1) * small / (3 * J), rtol=1e-6)
        assert curves.brillouin(1e4, J) == pytest.approx(1.0, abs=1e-3)
        assert np.isfinite(curves.brillouin(1e300, J)) and curves.brillouin(1e300, J) == pytest.approx(1.0)
        assert curves.brillouin(0.0, J) == 0.0


def test_brillouin_derivative_matches_finite_difference():
    x = np.array([1e-6, 0.05, 0.3, 1.0, 4.0, 30.0])
    for J in (0.5, 2.0, 3.5):
        h = 1e-6
        fd = (curves.brillouin(x + h, J) - curves.brillouin(x - h, J)) / (2 * h)
        np.testing.assert_allclose(curves.brillouin_derivative(x, J), fd, rtol=1e-6, atol=1e-9)
        assert curves.brillouin_derivative(0.0, J) == pytest.approx((J + 1) / (3 * J))


def test_brillouin_large_J_tends_to_langevin():
    # B_J(x) -> L(x) as J -> infinity at fixed x (a -> 1, b -> 0)
    x = np.linspace(0.01, 10, 50)
    err = [np.max(np.abs(curves.brillouin(x, J) - curves.langevin(x))) for J in (10, 100, 1000)]
    assert err[0] > err[1] > err[2] and err[2] < 1e-3
    # and M(H,T) of Brillouin with g J = mu fixed approaches the Langevin magnetisation
    J = 500.0
    mb = curves.brillouin_magnetization(2e4, [2.0, 5.0, 50.0], J=J, g=7.0 / J)
    ml = curves.langevin_magnetization(2e4, [2.0, 5.0, 50.0], mu_muB=7.0)
    np.testing.assert_allclose(mb["magnetization_emu_mol"], ml["magnetization_emu_mol"], rtol=3e-3)


@pytest.mark.parametrize(("J", "g"), [(0.5, 2.0), (3.5, 2.0), (7.5, 4 / 3), (4.0, 1.25)])
def test_brillouin_small_field_is_curie_law(J, g):
    t = np.array([50.0, 100.0, 300.0])
    chi = curves.brillouin_chi(t, J=J, g=g, field_Oe=10.0)
    C = CURIE_CGS_PER_MUB2 * g**2 * J * (J + 1)
    assert isinstance(chi, magfit.ChiT)
    np.testing.assert_allclose(chi.chi_T_emu_K_mol, C, rtol=1e-5)
    assert curves.curie_constant(J=J, g=g) == pytest.approx(C)


def test_brillouin_saturation_and_gd_curie_constant():
    m = curves.brillouin_magnetization(7e4, 1.8, J=3.5, g=2.0)       # Henry's Gd salt regime
    assert 6.5 < m["moment_muB_per_ion"].iloc[0] < 7.0
    sat = curves.brillouin_magnetization(1e9, 1.0, J=3.5, g=2.0)
    assert sat["magnetization_emu_mol"].iloc[0] == pytest.approx(7.0 * N_A * MU_B_ERG_G, rel=1e-9)
    # Gd3+ S=7/2 g=2: C = 7.878 emu K/mol (PHYSICS.md: 0.125049 * 63)
    assert curves.curie_constant(J=3.5, g=2) == pytest.approx(0.125049 * 63, rel=1e-5)


def test_curie_and_curie_weiss():
    t = np.linspace(10, 300, 30)
    a = curves.curie_weiss(t, theta_K=-5.0, mu_eff=7.94)
    b = curves.curie_weiss(t, theta_K=-5.0, C=CURIE_CGS_PER_MUB2 * 7.94**2)
    np.testing.assert_allclose(a.chi_emu_mol, b.chi_emu_mol)
    np.testing.assert_allclose(1 / a.chi_emu_mol, (t + 5.0) / (CURIE_CGS_PER_MUB2 * 7.94**2))
    c = curves.curie(t, C=1.0, chi0_emu_mol=1e-4)
    np.testing.assert_allclose(c.chi_emu_mol, 1 / t + 1e-4)
    assert a.provenance["model"] == "curie-weiss" and "theta" in a.provenance["formula"]
    with pytest.raises(magfit.SimulationError, match="exceed theta"):
        curves.curie_weiss([5.0, 20.0], theta_K=10.0, C=1.0)
    with pytest.raises(magfit.SimulationError, match="exactly one"):
        curves.curie(t, C=1.0, mu_eff=2.0)
    with pytest.raises(magfit.SimulationError, match="temperature_K"):
        curves.curie([-1.0, 2.0], C=1.0)


def test_pauli_sodium_free_electron_value():
    # PHYSICS.md: Na, E_F = 3.24 eV -> 1.50e-5 emu/mol; r_s = 3.93 a0 gives E_F = 3.24 eV (A&M Table 2.1)
    assert curves.pauli_chi_emu_mol(fermi_energy_eV=3.24) == pytest.approx(1.50e-5, rel=3e-3)
    assert curves.fermi_energy_eV(r_s_bohr=3.93) == pytest.approx(3.24, rel=5e-3)
    assert curves.pauli_chi_emu_mol(r_s_bohr=3.93) == pytest.approx(1.50e-5, rel=1e-2)
    # electron density of Na, 2.65e28 m^-3 (A&M Table 1.1)
    assert curves.fermi_energy_eV(electron_density_m3=2.65e28) == pytest.approx(3.24, rel=5e-3)
    # K, E_F = 2.12 eV -> 2.29e-5; Landau diamagnetism removes one third
    assert curves.pauli_chi_emu_mol(fermi_energy_eV=2.12) == pytest.approx(2.29e-5, rel=3e-3)
    chi = curves.pauli_chi_emu_mol(fermi_energy_eV=3.24)
    assert curves.pauli_chi_emu_mol(fermi_energy_eV=3.24, landau=True) == pytest.approx(2 / 3 * chi)
    # g(E_F) route: 3/(2 E_F) states/eV reproduces the free-electron value
    assert curves.pauli_chi_emu_mol(dos_states_eV=1.5 / 3.24) == pytest.approx(chi)
    p = curves.pauli([2, 300], fermi_energy_eV=3.24, stoner_enhancement=10)
    np.testing.assert_allclose(p.chi_emu_mol, 10 * chi)


def test_van_vleck_constant_and_two_level_formula():
    v = curves.van_vleck([2, 100, 300], chi0_emu_mol=3e-4)
    np.testing.assert_allclose(v.chi_emu_mol, 3e-4)
    w = curves.van_vleck([2, 300], gap_K=500.0, matrix_element_muB=2.0)
    expected = 2 * CURIE_CGS_PER_MUB2 * 3 * 4.0 / 500.0        # 2 N_A mu_B^2 m^2 / (k_B Delta)
    np.testing.assert_allclose(w.chi_emu_mol, expected)
    with pytest.raises(magfit.SimulationError):
        curves.van_vleck([2.0], gap_K=500.0)



@settings(max_examples=200, deadline=None)
@given(x=st.floats(-1e4, 1e4, allow_nan=False, allow_subnormal=False),
       J=st.sampled_from([0.5, 1.0, 1.5, 2.5, 3.5, 7.5]))
def test_brillouin_properties(x, J):
    b = float(curves.brillouin(x, J))
    assert abs(b) <= 1.0 and np.sign(b) == np.sign(x)
    assert float(curves.brillouin(-x, J)) == -b
    assert float(curves.brillouin_derivative(x, J)) >= 0.0
    # ordering tanh(x) = B_1/2 >= B_J >= L(x) (Langevin = J -> infinity) for x >= 0
    ax = abs(x)
    bj = float(curves.brillouin(ax, J))
    # to round-off: B_1/2 and tanh are the same function computed by different formulas (1e-15 relative
    # apart at x = 0.125, found by hypothesis in CI), so allow a few ulp
    tol = 1e-13 * max(bj, 1e-300) + 1e-15
    assert np.tanh(ax) + tol >= bj >= float(curves.langevin(ax)) - tol
