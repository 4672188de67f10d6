"""lmfit models: closed forms, the mu_eff expression parameter, composition, guess()."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import constants as sc

from magfit.errors import FitError
from magfit.models import (
    CurieModel,
    CurieWeissModel,
    PauliModel,
    TIPModel,
    curie,
    curie_weiss,
    mu_eff_expr,
    profile_theta,
    tip,
)
from magfit.units import CURIE_CGS_PER_MUB2, curie_from_mu_eff

GD_MU = 2.0 * math.sqrt(3.5 * 4.5)          # Gd3+ 8S7/2: g_J sqrt(J(J+1)) = 7.937


def test_line_shapes_closed_forms():
    t = np.array([10.0, 100.0, 300.0])
    assert np.allclose(curie(t, C=2.0), 2.0 / t, rtol=0, atol=0)
    assert np.allclose(curie_weiss(t, C=2.0, theta=-5.0), 2.0 / (t + 5.0), rtol=1e-15)
    assert np.allclose(curie_weiss(t, C=2.0, theta=0.0), curie(t, C=2.0), rtol=1e-15)
    assert np.array_equal(tip(t, chi0=-3e-5), np.full(3, -3e-5))


def test_mu_eff_expression_uses_codata_factor():
    # N_A mu_B^2 / (3 k_B) in cgs from scipy.constants directly (independent of magfit.units)
    factor = sc.N_A * (sc.physical_constants["Bohr magneton"][0] * 1e3) ** 2 / (3 * sc.k * 1e7)
    assert CURIE_CGS_PER_MUB2 == pytest.approx(factor, rel=1e-14)
    expr = mu_eff_expr(2.0)
    assert repr(CURIE_CGS_PER_MUB2) in expr and "2.0" in expr
    pars = CurieWeissModel().make_params(C=factor * 9.0, theta=0.0)
    assert pars["mu_eff"].expr is not None
    assert pars["mu_eff"].value == pytest.approx(3.0, rel=1e-14)


def test_gd3_curie_constant_and_moment_via_model():
    # PHYSICS.md table a: C = 0.125049 mu_eff^2; Gd3+ mu_eff 7.94 <-> C 7.88 emu K/mol
    pars = CurieModel().make_params(C=7.88)
    assert pars["mu_eff"].value == pytest.approx(7.94, abs=0.005)
    pars = CurieWeissModel().make_params(C=float(curie_from_mu_eff(GD_MU)), theta=-1.0)
    assert pars["mu_eff"].value == pytest.approx(GD_MU, rel=1e-13)
    assert float(curie_from_mu_eff(GD_MU)) == pytest.approx(7.878, abs=0.001)


def test_n_ions_makes_mu_eff_per_ion():
    # Gd2(SO4)3.8H2O per formula unit holds two Gd: C_fu = 2 C_Gd, mu_eff per Gd unchanged
    c_gd = float(curie_from_mu_eff(GD_MU))
    pars = CurieWeissModel(n_ions=2).make_params(C=2 * c_gd, theta=0.0)
    assert pars["mu_eff"].value == pytest.approx(GD_MU, rel=1e-13)


@pytest.mark.parametrize("bad", [0, -1, float("nan"), "two"])
def test_bad_n_ions(bad):
    with pytest.raises(FitError, match="n_ions"):
        CurieWeissModel(n_ions=bad)


def test_prefix_keeps_expression_consistent():
    m = CurieWeissModel(prefix="a_", n_ions=1)
    pars = m.make_params(a_C=CURIE_CGS_PER_MUB2 * 4.0, a_theta=0.0)
    assert pars["a_mu_eff"].value == pytest.approx(2.0, rel=1e-14)


def test_composite_components_and_stderr_propagation():
    rng = np.random.default_rng(11)
    t = np.linspace(5, 300, 80)
    truth = curie_weiss(t, 4.4, -12.0) + 6e-4
    y = truth * (1 + 0.003 * rng.normal(size=t.size))
    model = CurieWeissModel() + TIPModel()
    res = model.fit(y, model.make_params(C=3.0, theta=0.0, chi0=0.0), temperature_K=t)
    comps = res.eval_components(temperature_K=t)
    assert set(comps) == {"curie_weiss", "tip"}
    assert np.allclose(comps["curie_weiss"] + comps["tip"], res.best_fit, rtol=1e-12)
    c, mu = res.params["C"], res.params["mu_eff"]
    # delta method: mu = sqrt(C/f) -> s_mu = s_C / (2 f mu)
    assert mu.stderr == pytest.approx(c.stderr / (2 * CURIE_CGS_PER_MUB2 * mu.value), rel=1e-4)
    assert PauliModel is TIPModel


def test_guesses_recover_noise_free_parameters():
    t = np.linspace(3, 300, 60)
    p = CurieModel().guess(curie(t, 1.3), temperature_K=t)
    assert p["C"].value == pytest.approx(1.3, rel=1e-12)
    p = CurieWeissModel().guess(curie_weiss(t, 1.3, -7.5), temperature_K=t)
    assert p["C"].value == pytest.approx(1.3, rel=1e-6)
    assert p["theta"].value == pytest.approx(-7.5, abs=1e-4)
    assert p["theta"].max == pytest.approx(3.0)
    p = TIPModel().guess(np.full(t.size, 2e-4), temperature_K=t)
    assert p["chi0"].value == pytest.approx(2e-4, rel=1e-12)
    with pytest.raises(FitError, match="temperature_K"):
        CurieWeissModel().guess(curie(t, 1.0))


@pytest.mark.parametrize("theta", [-500.0, -80.0, -3.0, 0.0, 2.0, 60.0, 300.0])
def test_profile_theta_start_without_user_guess(theta):
    lo = max(2.0, theta + 5.0)
    t = np.linspace(lo, lo + 500.0, 70)
    y = curie_weiss(t, 2.5, theta) - 1.5e-4
    s = profile_theta(t, y)
    assert s["theta"] < t.min()
    assert s["theta"] == pytest.approx(theta, abs=1e-3 * max(1.0, abs(theta)))
    assert s["C"] == pytest.approx(2.5, rel=1e-4)
    assert s["chi0"] == pytest.approx(-1.5e-4, rel=1e-3)


def test_profile_theta_needs_points():
    with pytest.raises(FitError, match="at least 3"):
        profile_theta([10.0, 20.0], [0.1, 0.05])


def test_docstring_examples_run():
    import doctest

    import magfit.fitting
    import magfit.models
    import magfit.window

    for mod in (magfit.models, magfit.fitting, magfit.window):
        assert doctest.testmod(mod, optionflags=doctest.ELLIPSIS).failed == 0, mod.__name__
