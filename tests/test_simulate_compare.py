"""compare() residuals and fit_simulation() parameter recovery."""

import numpy as np
import pytest

import magfit
from magfit.simulate import bleaney_bowers, compare, curie_weiss, fit_simulation, heisenberg_chain


def test_compare_interpolates_and_counts_points_outside():
    t_sim = np.linspace(10, 300, 59)
    sim = magfit.ChiT(t_sim, 1e-3 * t_sim + 0.5)        # linear: interpolation is exact
    t_meas = np.array([5.0, 12.3, 77.7, 299.0, 310.0])
    meas = magfit.ChiT(t_meas, 1e-3 * t_meas + 0.5 + 0.01, chi_err_emu_mol=0.005)
    df = compare(meas, sim)
    assert list(df["in_range"]) == [False, True, True, True, False]
    np.testing.assert_allclose(df["residual_emu_mol"][df["in_range"]], 0.01, rtol=1e-9)
    np.testing.assert_allclose(df["normalized_residual"][df["in_range"]], 2.0, rtol=1e-9)
    assert df["residual_emu_mol"][~df["in_range"]].isna().all()
    assert df.attrs["n_outside"] == 2 and df.attrs["chi2"] == pytest.approx(12.0)
    # unsorted simulation is handled; no overlap is an error naming the ranges
    perm = np.random.default_rng(0).permutation(t_sim.size)
    df2 = compare(meas, magfit.ChiT(t_sim[perm], (1e-3 * t_sim + 0.5)[perm]))
    np.testing.assert_allclose(df2["residual_emu_mol"], df["residual_emu_mol"])
    with pytest.raises(magfit.SimulationError, match="simulated range"):
        compare(magfit.ChiT([400.0], [1.0]), sim)
    with pytest.raises(magfit.SimulationError, match="ChiT"):
        compare(np.ones(3), sim)


def test_fit_dimer_recovers_J_and_g_with_errors():
    rng = np.random.default_rng(7)
    t = np.linspace(4, 300, 80)
    true = bleaney_bowers(t, J_K=-150.0, g=2.12, convention="-2J", rho=0.02)
    err = 0.005 * true.chi_emu_mol + 1e-6
    meas = magfit.ChiT(t, true.chi_emu_mol + rng.normal(0, err), err)
    fit = fit_simulation(meas, bleaney_bowers,
                         {"J_K": (-50, -1000, -1), "g": (2.0, 1.5, 2.6), "rho": (0.0, 0.0, 0.5)},
                         fixed={"convention": "-2J"})
    assert fit.weighting == "errors"
    for name, val in (("J_K", -150.0), ("g", 2.12), ("rho", 0.02)):
        assert abs(fit.params[name].n - val) < 4 * fit.params[name].s, name
    assert 0.5 < fit.redchi < 2.0                                # errors were honest
    assert isinstance(fit.best, magfit.ChiT) and "J_K" in fit.summary()
    assert fit.residuals.attrs["n_outside"] == 0


def test_fit_chain_with_generic_scale_and_chi0():
    t = np.linspace(2, 200, 100)
    base = heisenberg_chain(t, J_K=-30.0, g=2.0, convention="-J").chi_emu_mol
    meas = magfit.ChiT(t, 0.8 * base + 3e-4)
    fit = fit_simulation(meas, heisenberg_chain,
                         {"J_K": (-10, -200, -0.1), "scale": (1.0, 0.1, 2.0), "chi0": 0.0},
                         fixed={"convention": "-J", "g": 2.0})
    assert fit.weighting == "relative"
    assert fit.params["J_K"].n == pytest.approx(-30.0, rel=1e-6)
    assert fit.params["scale"].n == pytest.approx(0.8, rel=1e-6)
    assert fit.params["chi0"].n == pytest.approx(3e-4, rel=1e-4)
    # curie_weiss takes C and theta; chi0 is applied generically (model's own chi0_emu_mol stays 0)
    cw = magfit.ChiT(t + 20, 2.0 / (t + 20 + 5.0) - 1e-4)
    f2 = fit_simulation(cw, curie_weiss, {"C": (1.0, 0.01, 10), "theta_K": (0.0, -50, 15), "chi0": 0.0})
    assert f2.params["theta_K"].n == pytest.approx(-5.0, rel=1e-5)
    assert f2.params["chi0"].n == pytest.approx(-1e-4, rel=1e-3)


def test_fit_simulation_rejects_unknown_parameters_and_bad_specs():
    meas = magfit.ChiT([10.0, 20.0, 30.0], [0.1, 0.05, 0.03])
    with pytest.raises(magfit.SimulationError, match="no parameter"):
        fit_simulation(meas, bleaney_bowers, {"Jay": -10.0})
    with pytest.raises(magfit.SimulationError, match="parameter 'J_K'"):
        fit_simulation(meas, bleaney_bowers, {"J_K": "minus ten"})
    with pytest.raises(magfit.FitError, match="no finite"):
        fit_simulation(meas, bleaney_bowers, {"J_K": -10.0}, tmin=100)


def test_dimer_fit_without_convention_warns_and_says_which():
    """The default ('-J') returns twice the -2J value: it must be named, warned and shown."""
    t = np.linspace(4, 300, 60)
    meas = bleaney_bowers(t, J_K=-100.0, g=2.0, convention="-2J")
    with pytest.warns(UserWarning, match="-2J value is half the -J value"):
        fit = fit_simulation(meas, bleaney_bowers, {"J_K": (-50, -1000, -1), "g": (2.0, 1.5, 2.5)})
    assert fit.fixed["convention"] == "-J"
    assert fit.params["J_K"].n == pytest.approx(-200.0, rel=1e-6)        # = 2 x the -2J value
    assert "'-J' convention" in fit.summary()
    explicit = fit_simulation(meas, bleaney_bowers, {"J_K": (-50, -1000, -1), "g": (2.0, 1.5, 2.5)},
                              fixed={"convention": "-2J"})
    assert explicit.params["J_K"].n == pytest.approx(-100.0, rel=1e-6)
