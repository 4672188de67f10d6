"""Mean-field ferromagnet and two-sublattice antiferromagnet against exact limits."""

import numpy as np
import pytest
from scipy.optimize import fsolve

import magfit
from magfit.simulate import curves, meanfield
from magfit.units import CURIE_CGS_PER_MUB2, K_B_ERG, MU_B_ERG_G, N_A


@pytest.mark.parametrize("S", [0.5, 1.0, 3.5])
def test_weiss_tc_equals_theta_and_saturation(S):
    theta = 100.0
    t = np.array([0.5, 5.0, 50.0, 99.0, 99.99, 100.0, 100.01, 150.0])
    fm = meanfield.weiss_ferromagnet(t, spin=S, g=2.0, theta_K=theta)
    m = fm["reduced_magnetization"].to_numpy()
    assert np.all(m[:5] > 0) and np.all(m[5:] == 0)                 # T_c = theta
    assert np.all(np.diff(m[:5]) <= 0) and m[2] < m[1]
    # M(T -> 0) = saturation g S mu_B per ion
    assert fm["moment_muB_per_ion"].iloc[0] == pytest.approx(2 * S, rel=1e-12)
    assert fm["magnetization_emu_mol"].iloc[0] == pytest.approx(2 * S * N_A * MU_B_ERG_G, rel=1e-12)
    # Landau expansion just below T_c: m^2 = (10/3)(S+1)^2/(S^2+(S+1)^2) (1 - T/T_c)
    tau = 1e-4
    m_near = meanfield.reduced_magnetization([theta * (1 - tau)], spin=S, tc_K=theta)[0]
    assert m_near**2 == pytest.approx(10 / 3 * (S + 1) ** 2 / (S**2 + (S + 1) ** 2) * tau, rel=1e-3)


def test_weiss_spin_half_is_tanh_self_consistency_and_low_T():
    t = np.linspace(1, 99, 50)
    m = meanfield.reduced_magnetization(t, spin=0.5, tc_K=100.0)
    np.testing.assert_allclose(m, np.tanh(100.0 / t * m), atol=1e-13)
    # low T: 1 - m = 2 exp(-2 T_c/T) to leading order (S = 1/2)
    m20 = meanfield.reduced_magnetization([20.0], spin=0.5, tc_K=100.0)[0]
    assert 1 - m20 == pytest.approx(2 * np.exp(-10.0), rel=1e-3)


def test_weiss_z_J_route_and_curie_weiss_above_tc():
    # S = 7/2, z = 12, J = 1 K -> theta = 12 * 63/4 / 3 = 63 K
    t = np.linspace(70, 300, 20)
    a = meanfield.weiss_chi(t, spin=3.5, g=2.0, z=12, J_K=1.0)
    b = curves.curie_weiss(t, theta_K=63.0, C=CURIE_CGS_PER_MUB2 * 4 * 3.5 * 4.5)
    np.testing.assert_allclose(a.chi_emu_mol, b.chi_emu_mol, rtol=1e-12)
    assert isinstance(a, magfit.ChiT) and a.per == "magnetic ion"
    below = meanfield.weiss_chi([30.0, 60.0, 63.0], spin=3.5, z=12, J_K=1.0).chi_emu_mol
    assert np.all(np.isfinite(below[:2])) and below[1] > below[0] and np.isinf(below[2])


def test_weiss_in_field_matches_numerical_derivative_and_curie_weiss():
    theta, S = 50.0, 1.0
    # small field above T_c: M/H = C/(T - theta)
    h = 1.0
    fm = meanfield.weiss_ferromagnet([100.0, 200.0], spin=S, theta_K=theta, field_Oe=h)
    c = CURIE_CGS_PER_MUB2 * 4 * S * (S + 1)
    np.testing.assert_allclose(fm["magnetization_emu_mol"] / h, c / (np.array([100.0, 200.0]) - theta),
                               rtol=1e-6)
    # below T_c the analytic chi equals dM/dH of the self-consistent solution
    t, dh = 30.0, 10.0
    mp = meanfield.weiss_ferromagnet(t, spin=S, theta_K=theta, field_Oe=dh)["magnetization_emu_mol"][0]
    m0 = meanfield.weiss_ferromagnet(t, spin=S, theta_K=theta)
    spont = m0["magnetization_emu_mol"][0]
    assert 0 < mp - spont < 1e-3 * spont                               # field is a small perturbation
    chi_fd = (mp - spont) / dh
    assert m0["chi_emu_mol"][0] == pytest.approx(chi_fd, rel=1e-3)
    with pytest.raises(magfit.SimulationError, match="theta > 0"):
        meanfield.weiss_ferromagnet([10.0], spin=0.5, theta_K=-5.0)
    with pytest.raises(magfit.SimulationError, match="not both"):
        meanfield.weiss_ferromagnet([10.0], spin=0.5, theta_K=5.0, z=6, J_K=1.0)


def _neel_numeric_chi_par(t, S, g, lam, eps, dh=10.0):
    """Solve M_A = (N/2) g mu_B S B_S(g mu_B S H_A/kT), H_A = H - lam M_B - eps M_A (A<->B), fsolve."""
    n = N_A
    msat = n / 2 * g * MU_B_ERG_G * S

    def eqs(v, h):
        ma, mb = v * msat
        ha = h - lam * mb - eps * ma
        hb = h - lam * ma - eps * mb
        xa = g * MU_B_ERG_G * S * ha / (K_B_ERG * t)
        xb = g * MU_B_ERG_G * S * hb / (K_B_ERG * t)
        return [curves.brillouin(xa, S) - v[0], curves.brillouin(xb, S) - v[1]]

    m0 = fsolve(eqs, [0.9, -0.9], args=(0.0,), xtol=1e-14, full_output=True)[0]
    mp = fsolve(eqs, m0, args=(dh,), xtol=1e-14, full_output=True)[0]
    mm = fsolve(eqs, m0, args=(-dh,), xtol=1e-14, full_output=True)[0]
    for sol, h in ((m0, 0.0), (mp, dh), (mm, -dh)):
        assert np.max(np.abs(eqs(sol, h))) < 1e-13
    return (mp.sum() - mm.sum()) * msat / (2 * dh), m0[0]


@pytest.mark.parametrize(("tn", "theta"), [(40.0, -40.0), (40.0, -80.0), (40.0, 10.0)])
def test_neel_chi_par_equals_numerical_linear_response(tn, theta):
    S, g = 2.5, 2.0
    c = CURIE_CGS_PER_MUB2 * g**2 * S * (S + 1)
    lam = (tn - theta) / c                 # T_N = C(lam - eps)/2, theta = -C(lam + eps)/2
    eps = -(theta + tn) / c
    for t in (10.0, 25.0, 38.0):
        chi_num, ms_num = _neel_numeric_chi_par(t, S, g, lam, eps)
        fr = meanfield.neel_antiferromagnet([t], spin=S, g=g, T_N_K=tn, theta_K=theta)
        assert fr["sublattice_magnetization"][0] == pytest.approx(abs(ms_num), rel=1e-8)
        assert fr["chi_par_emu_mol"][0] == pytest.approx(chi_num, rel=1e-4)
        assert fr["chi_perp_emu_mol"][0] == pytest.approx(1 / lam, rel=1e-12)


def test_neel_continuity_powder_and_limits():
    S, g, tn, theta = 2.5, 2.0, 67.0, -82.0           # MnF2-like (PHYSICS.md table e)
    c = CURIE_CGS_PER_MUB2 * g**2 * S * (S + 1)
    t = np.concatenate([np.linspace(0.5, 66.999, 200), [67.0], np.linspace(67.001, 300, 100)])
    fr = meanfield.neel_antiferromagnet(t, spin=S, g=g, T_N_K=tn, theta_K=theta)
    par, perp, pw = (fr[k].to_numpy() for k in ("chi_par_emu_mol", "chi_perp_emu_mol", "chi_powder_emu_mol"))
    np.testing.assert_allclose(pw, (par + 2 * perp) / 3, rtol=1e-14)
    at_tn = c / (tn - theta)
    np.testing.assert_allclose(perp[:200], c / (tn + abs(theta)))          # chi_perp = C/(T_N + |theta|)
    assert par[199] == pytest.approx(at_tn, rel=1e-3) and par[201] == pytest.approx(at_tn, rel=1e-4)
    np.testing.assert_allclose(fr[t > tn]["chi_par_emu_mol"], c / (t[t > tn] - theta))
    assert par[0] < 1e-6 * at_tn                                        # chi_par -> 0 as T -> 0
    assert np.all(np.diff(par[:200]) > 0)
    # powder chi(T -> 0) = 2/3 chi(T_N)
    assert pw[0] == pytest.approx(2 / 3 * at_tn, rel=1e-6)


def test_neel_from_exchange_with_intra_sublattice_coupling():
    # sc nearest neighbours J1 = -2 K (other sublattice, z=6), next nearest J2 = -0.5 K (same, z=12), S = 5/2
    tn, theta = meanfield.neel_parameters(spin=2.5, z_inter=6, J_inter_K=-2.0, z_intra=12, J_intra_K=-0.5)
    ss = 2.5 * 3.5
    assert theta == pytest.approx(ss * (6 * -2.0 + 12 * -0.5) / 3)
    assert tn == pytest.approx(ss * (12 * -0.5 + 6 * 2.0) / 3)
    assert abs(theta) / tn == pytest.approx(3.0)                          # frustration |theta|/T_N > 1
    chi = meanfield.afm_chi(np.linspace(2, 200, 50), spin=2.5, z_inter=6, J_inter_K=-2.0, z_intra=12,
                            J_intra_K=-0.5, orientation="parallel")
    assert isinstance(chi, magfit.ChiT) and chi.provenance["parameters"]["theta_K"] == pytest.approx(theta)
    with pytest.raises(magfit.SimulationError, match="T_N"):
        meanfield.neel_parameters(spin=0.5, z_inter=6, J_inter_K=1.0)
    with pytest.raises(magfit.SimulationError, match="orientation"):
        meanfield.afm_chi([10.0], spin=0.5, T_N_K=5.0, orientation="c-axis")
