"""Classical Heisenberg Monte Carlo: high-T series / Curie-Weiss, FM-AFM symmetry, seeds, Binder T_c."""

import numpy as np
import pandas as pd
import pytest

import magfit
from magfit.simulate import montecarlo as mc
from magfit.units import CURIE_CGS_PER_MUB2


@pytest.fixture(scope="module")
def sc_high_t():
    # sc FM, L = 8 (512 spins); enough sweeps for ~0.5 % statistical error on chi
    return mc.simulate_heisenberg([4.0, 6.0, 8.0, 10.0], lattice="sc", L=8, J=1.0, n_therm=400,
                                  n_measure=12000, seed=11)


def test_lattice_tables():
    for lat, z, per_cell in (("sc", 6, 1), ("bcc", 8, 2), ("fcc", 12, 4)):
        nbr, stag = mc.build_lattice(lat, 4)
        assert nbr.shape == (64 * per_cell, z)
        # every bond is seen from both ends: the neighbour relation is symmetric
        pairs = {(i, int(j)) for i in range(nbr.shape[0]) for j in nbr[i]}
        assert all((j, i) in pairs for i, j in pairs)
        if stag is not None:                       # bipartite: neighbours on the other sublattice
            assert np.all(stag[nbr] == -stag[:, None])
    with pytest.raises(magfit.SimulationError, match="lattice"):
        mc.build_lattice("hcp", 4)
    with pytest.raises(magfit.SimulationError, match="even L"):
        mc.simulate_heisenberg([1.0], lattice="sc", L=5, J=-1.0)


def test_high_temperature_chi_matches_series_and_curie_weiss(sc_high_t):
    f = sc_high_t.frame
    t = f["temperature_J"].to_numpy()
    chi = f["chi_per_spin"].to_numpy()
    assert np.all(f["chi_per_spin_err"] < 0.01 * chi)               # ~0.6-0.9 % (jackknife)
    # exact high-T series of the classical Heisenberg sc magnet through third order in
    # u = L(J/T) = coth(J/T) - T/J (self-avoiding walks 6, 30, 150; loops start at order 4):
    # 3 T chi = 1 + 6u + 30u^2 + 150u^3 + O(u^4); truncation < 0.3 % at T >= 8
    u = 1 / np.tanh(1 / t) - t
    series = (1 + 6 * u + 30 * u**2 + 150 * u**3) / (3 * t)
    np.testing.assert_allclose(chi[t >= 8], series[t >= 8], rtol=0.02)
    # Curie-Weiss with theta = z J / 3 = 2 (unit spins): 1/(3(T - 2)) per spin; the series itself
    # lies 2.5 % (T = 6) and 1.1 % (T = 8) below it, hence the tolerances
    cw = 1 / (3 * (t - 2.0))
    np.testing.assert_allclose(chi[t >= 8], cw[t >= 8], rtol=0.03)
    np.testing.assert_allclose(chi[t == 6], cw[t == 6], rtol=0.05)
    # at T = 4 J (2.8 T_c) short-range order already pulls chi ~ 8 % below the mean-field form
    assert 0.88 < chi[t == 4.0][0] / cw[t == 4.0][0] < 0.97


def test_high_temperature_binder_and_antiferromagnet_series(sc_high_t):
    # Gaussian 3-component magnetisation at high T: <m^4>/<m^2>^2 = 5/3 -> U = 1 - 5/9 = 4/9
    u10 = sc_high_t.frame.set_index("temperature_J").loc[10.0]
    assert u10["binder"] == pytest.approx(4 / 9, abs=4 * u10["binder_err"] + 0.01)
    # J -> -J flips the sign of u = L(J/T) in the series: 3 T chi = 1 - 6u + 30u^2 - 150u^3 (theta = -2)
    af = mc.simulate_heisenberg([8.0, 10.0], lattice="sc", L=6, J=-1.0, n_therm=300, n_measure=12000, seed=5)
    t = af.frame["temperature_J"].to_numpy()
    u = 1 / np.tanh(1 / t) - t
    series = (1 - 6 * u + 30 * u**2 - 150 * u**3) / (3 * t)
    np.testing.assert_allclose(af.frame["chi_per_spin"], series, rtol=0.02)
    np.testing.assert_allclose(af.frame["chi_per_spin"], 1 / (3 * (t + 2.0)), rtol=0.03)


def test_to_chit_conversion_gives_curie_constant(sc_high_t):
    # Gd-like classical moments, mu_eff = 7.94, J = 0.5 K: chi T -> C (1 + theta/T) at high T
    chit = sc_high_t.to_chit(J_K=0.5, mu_eff=7.94)
    assert isinstance(chit, magfit.ChiT) and chit.has_errors
    np.testing.assert_allclose(chit.temperature_K, sc_high_t.frame["temperature_J"] * 0.5)
    C = CURIE_CGS_PER_MUB2 * 7.94**2
    expected = 3 * C * sc_high_t.frame["chi_per_spin"].to_numpy() / 0.5
    np.testing.assert_allclose(chit.chi_emu_mol, expected)
    red = sc_high_t.reduced_chit()
    np.testing.assert_allclose(red.temperature_K, [4, 6, 8, 10])
    np.testing.assert_allclose(red.chi_emu_mol * 3 * C / 0.5, chit.chi_emu_mol)
    # 10 |J|: chi T / C = 3 T* chi* ~ 1 + theta/T = 1.2 (theta = 2 |J| = 1 K)
    assert chit.chi_T_emu_K_mol[-1] / C == pytest.approx(1.0 / (1 - 0.2), rel=0.03)


def test_ferro_antiferro_symmetry_and_ordering():
    # on a bipartite lattice J -> -J maps onto flipping one sublattice: E, |M| <-> |M_stag|
    temps = [0.6, 3.0]
    fm = mc.simulate_heisenberg(temps, lattice="bcc", L=4, J=1.0, n_therm=300, n_measure=1500, seed=3)
    af = mc.simulate_heisenberg(temps, lattice="bcc", L=4, J=-1.0, n_therm=300, n_measure=1500, seed=3)
    np.testing.assert_allclose(fm.frame["energy_per_spin"], af.frame["energy_per_spin"], rtol=0.03)
    np.testing.assert_allclose(fm.frame["m_abs"], af.frame["ms_abs"], rtol=0.05)
    low_fm, low_af = fm.frame.iloc[0], af.frame.iloc[0]
    assert low_fm["m_abs"] > 0.75 and low_af["ms_abs"] > 0.75 and low_af["m_abs"] < 0.1
    # ground-state energy per spin: -z|J|/2 = -4 (bcc), approached as T -> 0 (classical: + T per spin)
    assert low_fm["energy_per_spin"] == pytest.approx(-4.0 + 0.6, abs=0.15)
    assert af.order_column == "binder_staggered" and fm.order_column == "binder"
    # uniform chi of the AFM stays small and finite below T_N; the FM one is huge
    assert low_af["chi_per_spin"] < 0.2 < low_fm["chi_per_spin"]


def test_seed_reproducibility():
    a = mc.simulate_heisenberg([1.5, 2.0], lattice="fcc", L=2, J=-1.0, n_therm=50, n_measure=200, seed=42)
    b = mc.simulate_heisenberg([1.5, 2.0], lattice="fcc", L=2, J=-1.0, n_therm=50, n_measure=200, seed=42)
    c = mc.simulate_heisenberg([1.5, 2.0], lattice="fcc", L=2, J=-1.0, n_therm=50, n_measure=200, seed=43)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert not np.allclose(a.frame["energy_per_spin"], c.frame["energy_per_spin"], rtol=1e-12, atol=0)
    assert "ms_abs" not in a.frame                      # fcc: no two-sublattice order parameter


def _fake(L, u_of_t, t):
    f = pd.DataFrame({"temperature_J": t, "binder": u_of_t(t), "binder_err": np.full(t.size, 1e-3)})
    return mc.MCResult(frame=f, lattice="sc", L=L, n_spins=L**3, J=1.0, seed=0, n_therm=0,
                       n_measure=0, n_overrelax=0)


def test_tc_from_binder_finds_known_crossing():
    t = np.linspace(1.3, 1.6, 7)
    # U_L(T) = U* - a L^(1/nu) (T - Tc) with Tc = 1.443, nu = 0.71: all sizes cross at Tc
    runs = [_fake(L, lambda x, L=L: 0.62 - 0.05 * L ** (1 / 0.71) * (x - 1.443), t) for L in (8, 12, 16)]
    res = mc.tc_from_binder(runs)
    assert res.tc == pytest.approx(1.443, abs=1e-9) and len(res.pairs) == 3
    with pytest.raises(magfit.SimulationError, match="do not cross"):
        mc.tc_from_binder([_fake(8, lambda x: 0.6 + 0 * x, t), _fake(12, lambda x: 0.5 + 0 * x, t)])
    with pytest.raises(magfit.SimulationError, match="two"):
        mc.tc_from_binder(runs[:1])


@pytest.mark.slow
def test_sc_tc_from_binder_crossings_within_two_percent():
    """sc FM: Binder crossings of L = 8, 12, 16 give k_B T_c / J = 1.443 (PHYSICS.md table d) within 2 %."""
    temps = np.linspace(1.40, 1.49, 7)
    runs = [mc.simulate_heisenberg(temps, lattice="sc", L=L, n_therm=1500, n_measure=n, seed=100 + L)
            for L, n in ((8, 20000), (12, 12000), (16, 8000))]
    res = mc.tc_from_binder(runs)
    print("\nBinder crossings:\n", res.pairs.to_string(index=False), "\nT_c =", res.tc, "+-", res.tc_err)
    assert res.tc == pytest.approx(mc.TC_REFERENCE["sc"], rel=0.02)
    assert res.tc < 2.0                                  # well below theta_MF = z J / 3 = 2


def test_parallel_chains_cover_the_grid_and_agree_with_the_high_temperature_series():
    """n_jobs=2: two annealing chains in processes; every temperature once, and at T = 8|J| the
    susceptibility per spin agrees with the high-temperature series of the classical sc
    Heisenberg ferromagnet, chi = (1/3T)(1 + 2/T + ...) with z = 6 (first two terms, written here)."""
    temps = [8.0, 6.0, 4.0, 3.0]
    res = mc.simulate_heisenberg(temps, lattice="sc", L=4, n_therm=200, n_measure=800, seed=3, n_jobs=2)
    assert sorted(res.frame["temperature_J"]) == sorted(temps)
    assert "2 independent annealing chains" in res.provenance["parallel"]
    row = res.frame.set_index("temperature_J").loc[8.0]
    series = (1 / (3 * 8.0)) * (1 + 6 / (3 * 8.0))
    assert abs(row["chi_per_spin"] - series) < 4 * row["chi_per_spin_err"] + 0.05 * series
    with pytest.raises(magfit.SimulationError, match="n_jobs"):
        mc.simulate_heisenberg(temps, L=4, n_jobs=0)
