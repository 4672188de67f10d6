"""Bleaney-Bowers dimer and S=1/2 chain: exact diagonalisation and published maxima."""

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

import magfit
from magfit.simulate import lowdim
from magfit.units import CURIE_CGS_PER_MUB2

NMUB2_K = 3 * CURIE_CGS_PER_MUB2          # N_A mu_B^2 / k_B

SZ = np.array([[0.5, 0], [0, -0.5]])
SP = np.array([[0.0, 1.0], [0.0, 0.0]])          # S+ ; S.S = SzSz + (S+S- + S-S+)/2 (all real)


def _site_op(op, i, n):
    out = np.array([[1.0]])
    for k in range(n):
        out = np.kron(out, op if k == i else np.eye(2))
    return out


def _ed_chi_per_spin(n, bonds, j_bond, t, g=2.0):
    """chi per mole of spins of H = -j_bond sum_bonds S_i.S_j from full diagonalisation."""
    h = np.zeros((2**n, 2**n))
    for i, j in bonds:
        pi, pj = _site_op(SP, i, n), _site_op(SP, j, n)
        h -= j_bond * (_site_op(SZ, i, n) @ _site_op(SZ, j, n) + 0.5 * (pi @ pj.T + pi.T @ pj))
    e, v = np.linalg.eigh(h)
    sz = np.diag(sum(_site_op(SZ, i, n) for i in range(n)))        # diagonal in the product basis
    sz2 = (v**2).T @ sz**2
    out = []
    for ti in np.atleast_1d(t):
        w = np.exp(-(e - e.min()) / ti)
        out.append(NMUB2_K * g * g / ti * (w @ sz2) / w.sum() / n)
    return np.array(out)


@pytest.mark.parametrize(("J", "conv", "jbond"), [(-10.0, "-J", -10.0), (-10.0, "-2J", -20.0),
                                                    (10.0, "+J", -10.0), (5.0, "-2J", 10.0)])
def test_dimer_matches_two_spin_exact_diagonalisation(J, conv, jbond):
    t = np.array([0.5, 2.0, 7.0, 20.0, 300.0])
    chi = lowdim.bleaney_bowers(t, J_K=J, g=2.1, convention=conv)
    np.testing.assert_allclose(chi.chi_emu_mol, _ed_chi_per_spin(2, [(0, 1)], jbond, t, g=2.1), rtol=1e-10)
    assert isinstance(chi, magfit.ChiT) and conv in chi.provenance["convention"]


def test_dimer_maximum_and_high_T_limit():
    # PHYSICS.md: k_B T_max = 1.2472 |J| in H = -2J S1.S2  (x/(e^x + 3) maximal at x = 1.6036)
    J = -50.0
    res = minimize_scalar(lambda t: -lowdim.bleaney_bowers([t], J_K=J, convention="-2J").chi_emu_mol[0],
                          bounds=(20, 150), method="bounded", options={"xatol": 1e-6})
    assert res.x / abs(J) == pytest.approx(1.2472, abs=2e-4)
    res1 = minimize_scalar(lambda t: -lowdim.bleaney_bowers([t], J_K=J, convention="-J").chi_emu_mol[0],
                           bounds=(10, 80), method="bounded", options={"xatol": 1e-6})
    assert res1.x == pytest.approx(res.x / 2, rel=1e-5)                 # factor-2 convention change
    # high T: chi T / C = 1 + theta/T + ..., theta = J_bond/4 (z = 1, S(S+1) = 3/4) = J/2 in -2J form
    t = 1e5
    chi = lowdim.bleaney_bowers([t], J_K=J, g=2.0, convention="-2J").chi_emu_mol[0]
    ct = chi * t / (NMUB2_K * 4 / 4)
    assert (ct - 1) * t == pytest.approx(J / 2, rel=1e-3)
    # impurity term and TIP
    a = lowdim.bleaney_bowers([2.0], J_K=J, convention="-2J", rho=0.05, chi0_emu_mol=1e-4).chi_emu_mol[0]
    b = lowdim.bleaney_bowers([2.0], J_K=J, convention="-2J").chi_emu_mol[0]
    assert a == pytest.approx(0.95 * b + 0.05 * NMUB2_K / 2.0 + 1e-4)
    # deep in the singlet regime chi vanishes without overflow
    assert lowdim.bleaney_bowers([0.01], J_K=-500.0).chi_emu_mol[0] == 0.0


def test_chain_maximum_published_positions_and_conventions():
    jp = 100.0                       # H = J' sum S.S
    f = lambda t, conv, j: -lowdim.heisenberg_chain([t], J_K=j, g=2.0, convention=conv,  # noqa: E731
                                                    approximant="hall-estes-1978").chi_emu_mol[0]
    r = minimize_scalar(f, bounds=(30, 120), args=("+J", jp), method="bounded", options={"xatol": 1e-6})
    # approximant maximum 0.6475 J' (PHYSICS.md [C]); exact Bethe ansatz 0.640851 J' within 1.1 %
    assert r.x / jp == pytest.approx(0.6475, abs=5e-4)
    assert r.x / jp == pytest.approx(lowdim.CHAIN_TMAX_EXACT, rel=0.011)
    chimax = -r.fun * jp / (NMUB2_K * 4)            # in units of N g^2 mu_B^2 / J'
    assert chimax == pytest.approx(0.14681, abs=1e-4)
    assert chimax == pytest.approx(lowdim.CHAIN_CHIMAX_EXACT, rel=2e-3)
    # the same chain written as H = -2J sum (J = -J'/2): k_B T_max = 1.295 |J| (exact 1.2817 |J|)
    r2 = minimize_scalar(f, bounds=(30, 120), args=("-2J", -jp / 2), method="bounded",
                         options={"xatol": 1e-6})
    assert r2.x == pytest.approx(r.x, rel=1e-6)
    assert r2.x / (jp / 2) == pytest.approx(2 * 0.6475, abs=1e-3)
    with pytest.raises(magfit.SimulationError, match="antiferromagnetic"):
        lowdim.heisenberg_chain([10.0], J_K=5.0, convention="-J")
    with pytest.raises(magfit.SimulationError, match="convention"):
        lowdim.heisenberg_chain([10.0], J_K=-5.0, convention="J")


def test_chain_against_exact_diagonalisation_of_a_ring():
    # N = 8 ring, H = J' sum S.S (J_bond = -J'); PHYSICS.md: approximant within ~2 % for T >= J'
    n, jp = 8, 1.0
    t = np.array([1.0, 2.0, 5.0])
    ed = _ed_chi_per_spin(n, [(i, (i + 1) % n) for i in range(n)], -jp, t)
    approx = lowdim.heisenberg_chain(t, J_K=jp, convention="+J", approximant="hall-estes-1978").chi_emu_mol
    np.testing.assert_allclose(approx, ed, rtol=0.025)
    # and the exact high-T series chi T/C = 1 - J'/(2T) + ... is matched by ED, not by the approximant
    ed_hi = _ed_chi_per_spin(n, [(i, (i + 1) % n) for i in range(n)], -jp, [50.0])[0]
    assert (ed_hi * 50 / NMUB2_K - 1) * 50 == pytest.approx(-0.5, rel=0.05)


# ------------------------------------------------------------------ accurate chain (issue 15)
def test_default_chain_maximum_matches_bethe_ansatz():
    """Eggert, Affleck & Takahashi (1994): k_B T_max = 0.640851 J', chi*_max = 0.146926."""
    r = minimize_scalar(lambda x: -lowdim.chain_reduced_chi(x), bounds=(0.5, 0.8), method="bounded",
                        options={"xatol": 1e-9})
    assert r.x == pytest.approx(lowdim.CHAIN_TMAX_EXACT, abs=2e-6)
    assert -r.fun == pytest.approx(lowdim.CHAIN_CHIMAX_EXACT, abs=2e-6)
    # exact limits: high-T series chi* T = 1/4 (1 - 1/(2t) + ...), chi*(0) = 1/pi^2
    t = 1e4
    assert (lowdim.chain_reduced_chi(t) * 4 * t - 1) * t == pytest.approx(-0.5, rel=1e-3)
    assert lowdim.chain_reduced_chi(1e-9) == pytest.approx(1 / np.pi**2, rel=1e-6)
    # heisenberg_chain is chi* in molar units, in every convention
    c = lowdim.heisenberg_chain([64.0], J_K=-50.0, convention="-2J", g=2.0).chi_emu_mol[0]
    assert c == pytest.approx(NMUB2_K * 4 / 100.0 * lowdim.chain_reduced_chi(0.64), rel=1e-12)


def test_default_chain_against_ring_exact_diagonalisation():
    """N = 10 ring ED (finite-size effects < 1e-5 for T >= J') to 1e-4; legacy approximant is 1-2 % off."""
    from magfit.spin.ed import CoupledBasis

    n = 10
    cb = CoupledBasis([0.5] * n, [(i, (i + 1) % n) for i in range(n)])
    sp = cb.diagonalise([-1.0] * n)                    # H = J' sum S.S, J' = 1
    t = np.array([1.0, 1.5, 2.0, 3.0, 5.0, 10.0])
    w = (2 * sp.spin + 1) * np.exp(-sp.energy_K[None, :] / t[:, None])
    ed = (w * sp.spin * (sp.spin + 1)).sum(1) / w.sum(1) / (3 * t * n)
    np.testing.assert_allclose(lowdim.chain_reduced_chi(t), ed, rtol=1e-4)
    legacy = lowdim.chain_reduced_chi(t, "hall-estes-1978")
    assert np.max(np.abs(legacy / ed - 1)) > 5e-3
    with pytest.raises(magfit.SimulationError, match="approximant"):
        lowdim.chain_reduced_chi(t, "bonner")


@pytest.mark.slow
def test_default_chain_against_rings_extrapolated_in_N():
    """Rings N = 10, 12, 14 extrapolated (Shanks) at 0.5 <= T/J' <= 1: agreement to 1e-4 (~2 min)."""
    from magfit.spin.ed import CoupledBasis

    t = np.array([0.5, 0.6, 0.7, 0.85, 1.0])
    chi = {}
    for n in (10, 12, 14):
        sp = CoupledBasis([0.5] * n, [(i, (i + 1) % n) for i in range(n)]).diagonalise([-1.0] * n)
        w = (2 * sp.spin + 1) * np.exp(-sp.energy_K[None, :] / t[:, None])
        chi[n] = (w * sp.spin * (sp.spin + 1)).sum(1) / w.sum(1) / (3 * t * n)
    d1, d2 = chi[12] - chi[10], chi[14] - chi[12]
    extrap = chi[14] + d2 * (d2 / d1) / (1 - d2 / d1)
    np.testing.assert_allclose(lowdim.chain_reduced_chi(t), extrap, rtol=1e-4)
