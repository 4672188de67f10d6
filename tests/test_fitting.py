"""fit_curie_weiss: exact recovery, uncertainty coverage, the window rule, flags, result object."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

import magfit
from magfit import window as W
from magfit.chit import ChiT
from magfit.errors import FitError
from magfit.fitting import CurieWeissFit, fit_curie_weiss
from magfit.models import curie_weiss
from magfit.units import curie_from_mu_eff

GD_MU = 2.0 * math.sqrt(3.5 * 4.5)          # 7.937 (Gd3+)
CONTRACT_KEYS = {"mu_eff", "mu_eff_err", "theta_K", "theta_K_err", "chi0_emu_mol", "chi0_emu_mol_err",
                 "C_emu_K_mol", "C_emu_K_mol_err", "tmin_K", "tmax_K", "n_points", "redchi", "flags"}
SCAN_COLUMNS = {"tmin_K", "n_points", "theta_K", "theta_K_err", "mu_eff", "mu_eff_err", "chi0_emu_mol",
                "chi0_emu_mol_err", "C_emu_K_mol", "C_emu_K_mol_err", "redchi", "accepted"}


def cw_data(theta, mu=GD_MU, chi0=3e-4, n=80, span=400.0, noise=0.0, seed=0, lo=None, **kw):
    lo = max(2.0, theta + 10.0) if lo is None else lo
    t = np.linspace(lo, lo + span, n)
    y = curie_weiss(t, float(curie_from_mu_eff(mu)), theta) + chi0
    err = None
    if noise:
        err = noise * y
        y = y + err * np.random.default_rng(seed).normal(size=n)
    return ChiT(t, y, err, **kw)


# --------------------------------------------------------------------------- exact recovery
@pytest.mark.parametrize("theta", [-500.0, -250.0, -60.0, -7.0, -0.5, 0.0, 4.0, 45.0, 150.0, 300.0])
@pytest.mark.parametrize("chi0", [3e-4, -2e-4])
def test_noise_free_recovery_automatic_window(theta, chi0):
    fit = fit_curie_weiss(cw_data(theta, chi0=chi0))
    assert fit.mu_eff.nominal_value == pytest.approx(GD_MU, rel=1e-6)
    assert fit.theta_K.nominal_value == pytest.approx(theta, abs=1e-4)
    assert fit.chi0.nominal_value == pytest.approx(chi0, rel=1e-6)
    assert fit.C.nominal_value == pytest.approx(float(curie_from_mu_eff(GD_MU)), rel=1e-6)
    # the 2|theta| rule is obeyed whenever the data reach that high with >= 10 points over a window
    # spanning T_max/T_min >= MIN_SPAN_RATIO
    t = fit.chi.temperature_K
    if np.sum(t >= 2 * abs(theta)) >= W.MIN_POINTS and 2 * abs(theta) * W.MIN_SPAN_RATIO <= t.max():
        assert fit.tmin_K >= 2 * abs(theta)
        assert not any("T_min < 2|theta|" in f for f in fit.flags)
    else:
        assert any("T_min < 2|theta|" in f for f in fit.flags)


def test_noise_free_without_chi0():
    fit = fit_curie_weiss(cw_data(-20.0, chi0=0.0), chi0=False)
    assert fit.theta_K.nominal_value == pytest.approx(-20.0, abs=1e-6)
    assert fit.mu_eff.nominal_value == pytest.approx(GD_MU, rel=1e-9)
    assert fit.chi0.nominal_value == 0.0 and fit.chi0.std_dev == 0.0
    assert "chi0" not in fit.result.params
    assert np.isnan(fit.correlation.loc["theta", "chi0"])


def test_n_ions_per_formula_unit():
    # Gd2(SO4)3.8H2O per formula unit: C doubles, mu_eff per Gd stays 7.937
    chi = cw_data(-0.7, mu=GD_MU * math.sqrt(2.0))
    fit = fit_curie_weiss(chi, n_ions=2)
    assert fit.mu_eff.nominal_value == pytest.approx(GD_MU, rel=1e-6)
    assert fit.C.nominal_value == pytest.approx(2 * float(curie_from_mu_eff(GD_MU)), rel=1e-6)


# --------------------------------------------------------------------------- coverage
def test_uncertainty_coverage_on_noisy_replicas():
    """200 seeded replicas with 0.5 % Gaussian noise: |theta - theta_true| < 1 sigma in ~68.3 %.

    Binomial sd of the fraction for 200 trials is 0.033; the tolerance 0.1 is 3 sd.
    """
    rng = np.random.default_rng(2024)
    t = np.linspace(5.0, 300.0, 60)
    c_true, theta_true, chi0_true = float(curie_from_mu_eff(4.9)), -15.0, 2e-4
    y0 = curie_weiss(t, c_true, theta_true) + chi0_true
    err = 0.005 * y0
    hit_theta = hit_mu = 0
    n = 200
    for _ in range(n):
        chi = ChiT(t, y0 + err * rng.normal(size=t.size), err)
        fit = fit_curie_weiss(chi, tmin=5.0)
        hit_theta += abs(fit.theta_K.nominal_value - theta_true) < fit.theta_K.std_dev
        hit_mu += abs(fit.mu_eff.nominal_value - 4.9) < fit.mu_eff.std_dev
    assert hit_theta / n == pytest.approx(0.683, abs=0.1)
    assert hit_mu / n == pytest.approx(0.683, abs=0.1)


def test_redchi_near_one_with_true_error_bars_and_weighting_text():
    fit = fit_curie_weiss(cw_data(-5.0, noise=0.004, n=150, seed=3), tmin=10.0)
    assert 0.7 < fit.redchi < 1.3          # chi2/nu for nu = 150 - 3: sd 0.12
    assert "1/chi_err" in fit.weighting
    fit_eq = fit_curie_weiss(cw_data(-5.0, noise=0.004, n=150, seed=3), tmin=10.0, weights="equal")
    assert "equal" in fit_eq.weighting
    with pytest.raises(FitError, match="weights"):
        fit_curie_weiss(cw_data(-5.0), weights="poisson")


# --------------------------------------------------------------------------- window rule
def afm_with_cusp(tn=20.0, theta=-40.0, noise=0.003, seed=1):
    """Mean-field two-sublattice AFM: CW above T_N, a powder-like drop to 2/3 chi(T_N) below."""
    t = np.linspace(2, 300, 150)
    c = float(curie_from_mu_eff(5.92))
    chi = np.where(t < tn, c / (tn - theta) * (2 / 3 + (t / tn) ** 2 / 3), c / (t - theta)) + 1e-4
    err = noise * chi
    y = chi + err * np.random.default_rng(seed).normal(size=t.size)
    return ChiT(t, y, err, name="afm")


def test_window_above_cusp_and_two_theta():
    fit = fit_curie_weiss(afm_with_cusp())
    kinds = [f["kind"] for f in fit.cross_checks["ordering_features"]]
    assert "chi maximum" in kinds
    t_peak = max(f["temperature_K"] for f in fit.cross_checks["ordering_features"])
    assert 18.0 <= t_peak <= 24.0
    assert fit.tmin_K >= W.ORDER_MARGIN * t_peak
    assert fit.tmin_K >= 2 * abs(fit.theta_K.nominal_value)
    assert abs(fit.theta_K.nominal_value + 40.0) < 3 * fit.theta_K.std_dev
    assert abs(fit.mu_eff.nominal_value - 5.92) < 3 * fit.mu_eff.std_dev
    assert "cusp" in fit.window_reason or "chi maximum" in fit.window_reason
    assert fit.scan["accepted"].dtype == bool and fit.scan["accepted"].any()
    assert not fit.scan.loc[fit.scan["tmin_K"] < W.ORDER_MARGIN * t_peak, "accepted"].any()


def test_window_above_ferromagnetic_rise():
    t = np.linspace(2, 300, 150)
    c = float(curie_from_mu_eff(3.87))
    tc = 50.0
    chi = np.where(t <= tc + 5, c / 5 * (1 - 0.2 * np.clip(1 - t / tc, 0, 1)), c / np.clip(t - tc, 5, None))
    fit = fit_curie_weiss(ChiT(t, chi))
    assert any("ferromagnetic" in f["kind"] for f in fit.cross_checks["ordering_features"])
    assert fit.tmin_K >= 2 * tc
    assert fit.theta_K.nominal_value == pytest.approx(tc, abs=1e-4)
    assert fit.mu_eff.nominal_value == pytest.approx(3.87, rel=1e-6)


@pytest.mark.parametrize(("kind", "theta", "t_order", "spin"),
                         [("afm", -60.0, 30.0, 2.5), ("fm", 50.0, 50.0, 3.5)])
def test_mean_field_simulations_give_exact_theta_and_moment(kind, theta, t_order, spin):
    """Mean field is exactly Curie-Weiss above the transition (Weiss: T_C = theta; Neel powder
    AFM with T_N = 30 K, theta = -60 K): the automatic window finds the transition and returns
    theta and mu_eff = 2 sqrt(S(S+1)) to numerical precision."""
    from magfit.simulate import afm_chi, weiss_chi

    t = np.linspace(2, 400, 200)
    if kind == "afm":
        chi = afm_chi(t, spin=spin, T_N_K=t_order, theta_K=theta)
    else:
        chi = weiss_chi(t, spin=spin, theta_K=theta)
    fit = fit_curie_weiss(chi)
    assert fit.theta_K.nominal_value == pytest.approx(theta, abs=1e-6)
    assert fit.mu_eff.nominal_value == pytest.approx(2 * math.sqrt(spin * (spin + 1)), rel=1e-9)
    assert fit.chi0.nominal_value == pytest.approx(0.0, abs=1e-9)
    assert fit.tmin_K >= max(W.ORDER_MARGIN * t_order, 2 * abs(theta))
    assert fit.flags == []


def test_no_ordering_feature_in_plain_curie_weiss_with_negative_chi0():
    # theta < 0 with chi0 < 0 gives a broad chi*T maximum; it must not be taken for ordering
    t = np.linspace(2, 300, 150)
    y = curie_weiss(t, 1.0, -100.0) - 1e-3
    assert W.ordering_features(t, y) == []


def test_no_false_ordering_features_in_noisy_paramagnets():
    hits = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        t = np.linspace(2, 300, 150)
        theta = [-50.0, -5.0, 0.0, 5.0][seed % 4]
        y = curie_weiss(t, 1.0, theta - (10.0 if theta > 0 else 0.0)) + 1e-4
        y = y * (1 + [0.001, 0.01][seed % 2] * rng.normal(size=t.size))
        hits += bool(W.ordering_features(t, y))
    assert hits == 0


def test_weak_cusp_found_in_interleaved_sweeps():
    """Two sweeps (ZFC warming, FC cooling) offset by 2 %, a 1 % cusp at T_N = 15 K."""
    t1 = np.arange(2.0, 60.0, 1.0)
    t2 = t1 + 0.05
    base = 2.4e-3 * (1 - 0.004 * (t1 - 15.0))
    cusp = np.where(t1 < 15.0, base - 1.15e-5 * (15.0 - t1), base)   # 1 % drop from 15 K to 2 K
    t = np.r_[t1, t2]
    y = np.r_[cusp, 1.02 * cusp] * (1 + 2e-4 * np.random.default_rng(0).normal(size=2 * t1.size))
    feats = W.ordering_features(t, y)
    assert len(feats) == 1 and abs(feats[0]["temperature_K"] - 15.0) <= 1.5   # smoothing: +-1 sample


def test_noisy_paramagnet_uses_low_temperatures():
    """Pure Curie-Weiss data with 0.5 % noise: the split-half test rarely rejects good windows
    (~1 % per window), so T_min stays at the lowest candidate >= 2|theta| = 3 K (the 4 K point)."""
    tmins, pulls = [], []
    for seed in range(20):
        fit = fit_curie_weiss(cw_data(-1.5, lo=2.0, span=298.0, n=150, noise=0.005, seed=seed))
        tmins.append(fit.tmin_K)
        pulls.append((fit.theta_K.nominal_value + 1.5) / fit.theta_K.std_dev)
    assert sum(t <= 10.0 for t in tmins) >= 18
    assert min(tmins) >= 3.0
    assert np.max(np.abs(pulls)) < 3.5


def test_two_theta_rule_on_noisy_data_near_the_grid_point():
    """theta = -5 K: 2|theta| = 10 K sits on a candidate; theta scatters around -5 from window to
    window, so the rule must not oscillate between 10 and 14 K and fall back to T_min = 2 K."""
    for seed in range(6):
        fit = fit_curie_weiss(cw_data(-5.0, mu=3.87, chi0=1e-4, lo=2.0, span=298.0, n=150, noise=0.003,
                                      seed=seed))
        assert fit.tmin_K >= 2 * abs(fit.theta_K.nominal_value), seed
        assert not any("T_min < 2|theta|" in f for f in fit.flags)


def test_curvature_test_detects_short_range_deviation():
    """chi = CW - 0.75 C/(T - theta) exp(-T/15 K) (a short-range-order suppression, 5 % at 40 K):
    the lack-of-fit F-test against CW + D/(T - theta)^3 rejects windows starting at 20 K and is
    silent on pure Curie-Weiss data (alpha = 0.01)."""
    t = np.linspace(20, 300, 140)
    c = float(curie_from_mu_eff(3.87))
    pure = c / (t + 5.0) + 1e-4
    dev = pure - 0.75 * c / (t + 5.0) * np.exp(-t / 15.0)
    rej_pure = rej_dev = 0
    for seed in range(10):
        noise = np.random.default_rng(seed).normal(size=t.size)
        rej_pure += W.curvature_test(t, pure * (1 + 0.003 * noise), 1 / (0.003 * pure))["curvature_p"] < 0.01
        rej_dev += W.curvature_test(t, dev * (1 + 0.003 * noise), 1 / (0.003 * dev))["curvature_p"] < 0.01
    assert rej_pure <= 1 and rej_dev == 10


def test_runs_test_statistic():
    assert W.runs_test_z(np.tile([1.0, -1.0], 20)) > 5          # alternating: too many runs
    assert W.runs_test_z(np.r_[np.ones(20), -np.ones(20)]) < -5  # two runs: a trend
    z = [W.runs_test_z(np.random.default_rng(s).normal(size=60)) for s in range(200)]
    assert abs(np.mean(z)) < 0.25 and 0.8 < np.std(z) < 1.2


def test_scan_table_contract():
    fit = fit_curie_weiss(cw_data(-5.0, noise=0.003))
    assert SCAN_COLUMNS <= set(fit.scan.columns)
    assert (fit.scan["n_points"] >= W.MIN_POINTS).all()
    assert fit.tmin_K in set(fit.scan.loc[fit.scan["accepted"], "tmin_K"])
    assert fit.scan["tmin_K"].is_monotonic_increasing
    user = fit_curie_weiss(cw_data(-5.0, noise=0.003), tmin=100.0)
    assert len(user.scan) == 1 and bool(user.scan["accepted"].iloc[0])
    assert user.window_reason.startswith("user window")


# --------------------------------------------------------------------------- flags
def test_flags_fire_when_they_should():
    clean = fit_curie_weiss(cw_data(-0.5, lo=2.0, span=298.0, n=100, noise=0.002))
    assert clean.flags == []
    # theta far beyond the data: theta and chi0 nearly degenerate, and T_min < 2|theta|
    deg = fit_curie_weiss(cw_data(-500.0, lo=2.0, span=298.0, noise=0.002))
    assert any(f.startswith("|rho(theta, chi0)|") for f in deg.flags)
    assert any(f.startswith("T_min < 2|theta|") for f in deg.flags)
    few = fit_curie_weiss(cw_data(-3.0, n=40), tmin=360.0)
    assert few.n_points < 10 and any("< 10 points" in f for f in few.flags)


def test_flags_for_pauli_data_and_user_window_in_ordered_regime():
    t = np.linspace(2, 300, 100)
    flat = 3e-4 * (1 + 1e-3 * np.random.default_rng(0).normal(size=t.size))
    pauli = fit_curie_weiss(ChiT(t, flat, np.full(t.size, 3e-7)))
    assert any(f.startswith("C not significantly positive") for f in pauli.flags)
    c, tc = float(curie_from_mu_eff(3.87)), 50.0
    chi = np.where(t <= tc + 5, c / 5 * (1 - 0.2 * np.clip(1 - t / tc, 0, 1)), c / np.clip(t - tc, 5, None))
    fm = fit_curie_weiss(ChiT(t, chi), tmin=20.0)
    assert any(f.startswith("window reaches into the ordered regime") for f in fm.flags)
    assert any(f.startswith("residuals show a systematic trend") for f in fm.flags)
    assert fm.cross_checks["residual_tests"]["runs_z"] < -W.Z_RUNS


def test_diamagnetic_flag():
    chi = cw_data(-3.0, chi0=-8e-4, noise=0.002)
    fit = fit_curie_weiss(chi, diamagnetic_emu_mol=-2e-4)
    assert any(f.startswith("chi0 more negative") for f in fit.flags)
    ok = fit_curie_weiss(cw_data(-3.0, chi0=-1.8e-4, noise=0.002), diamagnetic_emu_mol=-2e-4)
    assert not any(f.startswith("chi0 more negative") for f in ok.flags)


def test_diamagnetic_flag_from_provenance():
    """Formula in the provenance, nothing subtracted: Pascal estimate of CuSO4.5H2O (-116.1e-6 emu/mol,
    Bain & Berry 2008) is the floor; after a recorded subtraction the floor is -20 % of it."""
    base = cw_data(-0.7, mu=1.9, chi0=-5e-4, noise=0.001)
    prov = {"sample": {"formula": "CuSO4(H2O)5"}}
    fit = fit_curie_weiss(ChiT(base.temperature_K, base.chi_emu_mol, base.chi_err_emu_mol, provenance=prov))
    dia = fit.cross_checks["diamagnetism"]
    assert dia["subtracted"] is False
    assert dia["estimate_emu_mol"] == pytest.approx(-116.1e-6, rel=0.05)
    assert any(f.startswith("chi0 more negative") for f in fit.flags)
    ok = cw_data(-0.7, mu=1.9, chi0=-1.0e-4, noise=0.001)
    fit = fit_curie_weiss(ChiT(ok.temperature_K, ok.chi_emu_mol, ok.chi_err_emu_mol, provenance=prov))
    assert not any(f.startswith("chi0 more negative") for f in fit.flags)
    sub = {"sample": {"formula": "CuSO4(H2O)5"},
           "corrections": {"diamagnetic_emu_mol": {"value": -116.1e-6, "source": "pascal"}}}
    fit = fit_curie_weiss(ChiT(ok.temperature_K, ok.chi_emu_mol, ok.chi_err_emu_mol, provenance=sub))
    assert fit.cross_checks["diamagnetism"]["subtracted"] is True
    assert any(f.startswith("chi0 more negative") for f in fit.flags)     # -1e-4 left after subtraction


def test_field_dependence_flag_and_per_field_fits():
    t = np.linspace(5, 300, 60)
    c = float(curie_from_mu_eff(5.92))
    y1 = curie_weiss(t, c, -5.0)
    y2 = curie_weiss(t, 0.8 * c, -5.0)          # M/H 20 % lower at the second field
    chi = ChiT(np.r_[t, t], np.r_[y1, y2], 0.002 * np.r_[y1, y2], field_Oe=np.r_[np.full(60, 1000.0),
                                                                                  np.full(60, 50000.0)])
    fit = fit_curie_weiss(chi, tmin=5.0)
    assert any(f.startswith("M/H depends on field") for f in fit.flags)
    fields = sorted(r["field_Oe"] for r in fit.cross_checks["per_field"])
    assert fields == [1000.0, 50000.0]
    same = ChiT(np.r_[t, t], np.r_[y1, y1], 0.002 * np.r_[y1, y1],
                field_Oe=np.r_[np.full(60, 1000.0), np.full(60, 9999.0)])
    assert not any("field" in f for f in fit_curie_weiss(same, tmin=5.0).flags)


# --------------------------------------------------------------------------- result object
def test_result_object_contract_and_json():
    fit = fit_curie_weiss(cw_data(-12.0, noise=0.003, name="syn", per="Gd"))
    assert isinstance(fit, CurieWeissFit)
    d = fit.to_dict()
    assert CONTRACT_KEYS <= set(d)
    text = json.dumps(d, allow_nan=False)
    assert json.loads(text)["n_points"] == fit.n_points
    assert d["theta_K"] == pytest.approx(fit.theta_K.nominal_value)
    assert d["per"] == "Gd"
    assert fit.window_chi.temperature_K.min() == fit.tmin_K
    assert len(fit.window_chi) == fit.n_points
    assert isinstance(fit.correlation, pd.DataFrame)
    assert list(fit.correlation.index) == ["theta", "C", "chi0"]
    # analytic Jacobian (the fit) vs lmfit's finite-difference one (the lazily built result)
    assert fit.correlation.loc["theta", "chi0"] == pytest.approx(fit.result.params["theta"].correl["chi0"],
                                                                 rel=1e-4)
    t = np.array([50.0, 100.0, 200.0])
    parts = fit.components(t)
    assert set(parts) == {"curie_weiss", "chi0"}
    assert np.allclose(parts["curie_weiss"] + parts["chi0"], fit.eval(t), rtol=1e-14)
    assert np.allclose(parts["chi0"], fit.chi0.nominal_value)
    s = fit.summary()
    assert "mu_eff" in s and "theta" in s and "syn" in s
    # correlated ufloats: mu_eff is a function of C
    assert fit.mu_eff.std_dev == pytest.approx(
        fit.C.std_dev / (2 * magfit.units.CURIE_CGS_PER_MUB2 * fit.mu_eff.nominal_value), rel=1e-3)


def test_cross_checks_on_noise_free_data():
    fit = fit_curie_weiss(cw_data(-25.0, chi0=5e-4))
    inv = fit.cross_checks["inverse_chi_linear"]
    assert inv["theta_K"] == pytest.approx(-25.0, abs=1e-6)
    assert inv["mu_eff"] == pytest.approx(GD_MU, rel=1e-8)
    hi = fit.cross_checks["chi_T_high"]
    # (chi - chi0) T = C T/(T - theta) at the top temperature
    t_hi = fit.tmax_K
    assert hi["mu_eff"] == pytest.approx(GD_MU * math.sqrt(t_hi / (t_hi + 25.0)), rel=1e-8)
    assert hi["spin_only_S_nearest"] == 3.5


def test_dropped_points_are_recorded():
    chi = cw_data(-3.0)
    y = chi.chi_emu_mol.copy()
    y[[3, 9]] = np.nan
    fit = fit_curie_weiss(ChiT(chi.temperature_K, y))
    assert "2 points dropped" in fit.window_reason
    assert fit.theta_K.nominal_value == pytest.approx(-3.0, abs=1e-4)


def test_bad_input_errors():
    with pytest.raises(FitError, match="ChiT"):
        fit_curie_weiss(np.arange(10))
    with pytest.raises(FitError, match="tmin"):
        fit_curie_weiss(cw_data(-3.0), tmin=200, tmax=100)
    with pytest.raises(FitError, match="too few"):
        fit_curie_weiss(cw_data(-3.0, n=3))
    with pytest.raises(FitError, match="no data at or above"):
        fit_curie_weiss(cw_data(-3.0), tmin=5000)
    with pytest.raises(FitError, match="span only"):
        fit_curie_weiss(ChiT(300 + 0.1 * np.random.default_rng(1).normal(size=50), np.linspace(1, 2, 50)))
    with pytest.raises(FitError, match="weights has"):
        fit_curie_weiss(cw_data(-3.0), weights=np.ones(3))


def test_public_api_reexports():
    assert magfit.fit_curie_weiss is fit_curie_weiss
    assert magfit.CurieWeissFit is CurieWeissFit
    assert magfit.CurieWeissModel.__name__ == "CurieWeissModel"


# --------------------------------------------------------------------------- bad input (hypothesis)
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_values = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64),
                    st.floats(min_value=-1e3, max_value=1e3))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(t=st.lists(_values, min_size=0, max_size=25), seed=st.integers(0, 2**16))
def test_arbitrary_input_gives_a_fit_or_a_fit_error(t, seed):
    """Garbage in: either a CurieWeissFit or a FitError naming the problem, never a numpy traceback."""
    rng = np.random.default_rng(seed)
    t = np.asarray(t, dtype=float)
    y = rng.normal(size=t.size) * rng.choice([1e-6, 1e-2, 1e3])
    try:
        fit = fit_curie_weiss(ChiT(t, y))
    except FitError as exc:
        assert str(exc)
        return
    assert isinstance(fit, CurieWeissFit)
    json.dumps(fit.to_dict(), allow_nan=False)


@pytest.mark.slow
def test_noise_free_convergence_random_sweep():
    """120 random noise-free data sets, theta uniform in [-500, 300] K, C over 4.5 decades, chi0 of
    either sign or zero, random or even T grids above theta: the automatic fit recovers
    theta to 1e-4 K, C to 1e-6 and chi0 to 1e-6 of the data scale (runtime ~40 s)."""
    rng = np.random.default_rng(123)
    for _ in range(120):
        theta = rng.uniform(-500, 300)
        c = 10 ** rng.uniform(-3, 1.5)
        chi0 = rng.choice([0.0, 1.0, -1.0]) * 10 ** rng.uniform(-6, -2.5)
        lo = max(1.8, theta + rng.uniform(0.5, 50))
        hi = lo + rng.uniform(50, 700)
        n = int(rng.integers(12, 200))
        t = np.sort(rng.uniform(lo, hi, n)) if rng.random() < 0.5 else np.linspace(lo, hi, n)
        y = c / (t - theta) + chi0
        fit = fit_curie_weiss(ChiT(t, y))
        case = (theta, c, chi0, lo, hi, n)
        assert fit.theta_K.nominal_value == pytest.approx(theta, abs=1e-4), case
        assert fit.C.nominal_value == pytest.approx(c, rel=1e-6), case
        assert abs(fit.chi0.nominal_value - chi0) <= 1e-6 * np.median(np.abs(y)), case


def test_windows_must_span_a_range_of_temperature():
    """A sweep file often holds many points at its top temperature: ten points 0.1 K apart are no
    Curie-Weiss window. Every candidate T_min leaves T_max/T_min >= MIN_SPAN_RATIO."""
    t = np.concatenate([np.linspace(5, 300, 60), 300 + np.linspace(-0.05, 0.05, 40)])
    cands = W.candidate_tmins(t)
    assert cands.max() * W.MIN_SPAN_RATIO <= t.max()
    assert cands.min() == t.min()
    rng = np.random.default_rng(3)
    chi_true = curie_weiss(t, curie_from_mu_eff(5.92), -10.0) + 1e-4
    chi = ChiT(t, chi_true * (1 + 0.003 * rng.standard_normal(t.size)), 0.003 * chi_true)
    fit = fit_curie_weiss(chi)
    assert fit.tmax_K / fit.tmin_K >= W.MIN_SPAN_RATIO
    assert fit.theta_K.nominal_value == pytest.approx(-10.0, abs=4 * fit.theta_K.std_dev)
    # data narrower than the ratio still give the one full-range candidate
    assert W.candidate_tmins(np.linspace(250, 300, 30)).tolist() == [250.0]


def test_summary_says_per_formula_unit_when_chi_is_not_per_ion():
    # chi per mole of Gd2(SO4)3(H2O)8 (two Gd): sqrt(8C) = 11.2 mu_B is per formula unit, not per Gd;
    # the summary used to call it "per magnetic ion" whatever chi.per was
    t = np.linspace(5, 300, 60)
    c_gd = 0.125049 * 7.937**2                      # Gd3+ Curie constant, emu K/mol Gd
    per_fu = fit_curie_weiss(ChiT(t, 2 * c_gd / (t + 0.5)), tmin=5)
    mu_line = next(line for line in per_fu.summary().splitlines() if "mu_eff   =" in line)
    assert "per formula unit" in mu_line and "magnetic ion" not in mu_line.split("(")[0]
    assert abs(per_fu.mu_eff.nominal_value - 7.937 * np.sqrt(2)) < 1e-3
    per_gd = fit_curie_weiss(ChiT(t, c_gd / (t + 0.5), per="Gd"), tmin=5)
    assert "mu_B per magnetic ion" in per_gd.summary()
    two = fit_curie_weiss(ChiT(t, 2 * c_gd / (t + 0.5)), tmin=5, n_ions=2)
    assert "per magnetic ion, 2 ions per mol unit" in two.summary()


@pytest.mark.parametrize("kwargs", [{"tmin": "abc"}, {"tmax": "high"}, {"tmin": [5, 10]}])
def test_non_numeric_window_is_a_fit_error(kwargs):
    # tmin="abc" used to escape as a numpy UFuncTypeError from a comparison deep in the window code
    t = np.linspace(5, 300, 40)
    with pytest.raises(FitError, match="window limits must be temperatures"):
        fit_curie_weiss(ChiT(t, 1.0 / t), **kwargs)


def test_numeric_strings_are_accepted_as_window_limits():
    t = np.linspace(5, 300, 40)
    fit = fit_curie_weiss(ChiT(t, 1.0 / (t + 2.0)), tmin="20", tmax=250)   # e.g. from a CSV cell
    assert fit.tmin_K >= 20 and fit.tmax_K <= 250
    assert abs(fit.theta_K.nominal_value + 2.0) < 1e-6


def test_inverse_chi_check_is_the_polyfit_line():
    """The 1/(chi - chi0) cross-check's closed-form line equals numpy.polyfit on noisy data."""
    from magfit.fitting import _inverse_chi_check

    rng = np.random.default_rng(4)
    t = np.linspace(5.0, 300.0, 120)
    chi = magfit.ChiT(t, 4.4 / (t + 7.0) * (1.0 + 0.01 * rng.standard_normal(t.size)) + 1e-4)
    got = _inverse_chi_check(chi, 1e-4, 1.0)
    slope, intercept = np.polyfit(t, 1.0 / (chi.chi_emu_mol - 1e-4), 1)
    assert got["C_emu_K_mol"] == pytest.approx(1.0 / slope, rel=1e-12)
    assert got["theta_K"] == pytest.approx(-intercept / slope, rel=1e-10)


def test_trend_tests_compiled_equal_numpy(monkeypatch):
    """trend_tests with the compiled residual tests (magfit._trend_kernel) = the numpy path: the
    same runs z, low-end z to round-off, the same round-off verdict and trend flag."""
    from magfit import window as W

    rng = np.random.default_rng(9)
    for k in range(40):
        n = int(rng.integers(4, 300))
        t = np.sort(rng.uniform(2.0, 300.0, n))
        fitted = 5.0 / (t + 3.0) + 1e-4
        y = fitted * (1.0 + 10 ** rng.uniform(-13, -2) * rng.standard_normal(n))
        if k % 3 == 0:
            y = y + 0.02 * fitted * np.exp(-t / 20.0)              # a low-T trend
        if k % 7 == 0:
            y = fitted.copy()                                     # exact
        w = None if k % 2 else 1.0 / (0.01 * y)
        monkeypatch.setattr(W, "USE_NUMBA", False)
        a = W.trend_tests(t, y, fitted, w, fit_chi0=True, rss_cw=None)
        monkeypatch.setattr(W, "USE_NUMBA", True)
        b = W.trend_tests(t, y, fitted, w, fit_chi0=True, rss_cw=None)
        assert (a["exact"], a["trend"], a["runs_z"]) == (b["exact"], b["trend"], b["runs_z"]), k
        assert b["lowend_z"] == pytest.approx(a["lowend_z"], rel=1e-12, abs=1e-300), k
        assert b["curvature_p"] == pytest.approx(a["curvature_p"], rel=1e-4, abs=1e-12), k   # its own kernels


def test_undefined_rho_is_flagged_by_the_fit(monkeypatch):
    """A covariance whose theta-chi0 correlation is not finite (a zero or negative variance, not
    reported as singular) cannot be tested against |rho| > 0.95: the fit says so, as classify does,
    and classify keeps one copy of the flag. Noise-free data (covariance 0/0) are exempt."""
    from magfit import fitting
    from magfit.classify import classify

    t = np.linspace(2.0, 300.0, 120)
    c = curie_from_mu_eff(1.8)
    noise = 1.0 + 0.004 * np.random.default_rng(7).standard_normal(t.size)
    clean = fit_curie_weiss(ChiT(t, (c / (t + 2.0) + 1e-4) * noise, per="Cu"), tmin=10.0)
    assert math.isfinite(clean._corr[0, 2]) and fitting.RHO_UNDEFINED not in clean.flags
    real = fitting._correlation

    def nan_rho(wf, fit_chi0):       # what a negative chi0 variance gives (np.sqrt -> NaN)
        out = real(wf, fit_chi0)
        out[0, 2] = out[2, 0] = np.nan
        return out

    monkeypatch.setattr(fitting, "_correlation", nan_rho)
    fit = fit_curie_weiss(ChiT(t, (c / (t + 2.0) + 1e-4) * noise, per="Cu"), tmin=10.0)
    assert fit.flags.count(fitting.RHO_UNDEFINED) == 1
    assert [f for f in fit.flags if f != fitting.RHO_UNDEFINED] == clean.flags
    v = classify(fit)
    assert v.label == "localized"            # classify's own rule applies too (a localized verdict) ...
    assert v.flags.count(fitting.RHO_UNDEFINED) == 1, v.flags           # ... and the flag is said once
    exact = fit_curie_weiss(ChiT(t, c / (t + 2.0) + 1e-4, per="Cu"), tmin=10.0)
    assert fitting.RHO_UNDEFINED not in exact.flags                     # noise-free: exempt
    assert fitting.RHO_UNDEFINED not in fit_curie_weiss(
        ChiT(t, c / (t + 2.0) * noise, per="Cu"), tmin=10.0, chi0=False).flags       # no chi0: no rho


def test_given_window_lean_path_is_bit_identical_to_the_general_path(monkeypatch):
    """The given-window fit on the compiled path (kernels called straight, data checks in one call)
    returns exactly what the general path returns (varpro_fit's dict, window.trend_tests, the ~12
    numpy data checks): every number of to_dict(), the scan row and the flags, over seeded data sets
    with and without error bars, chi0 fixed, user and equal weights, and inputs that must fall back
    (unsorted, NaN, a zero error bar, noise-free data)."""
    pytest.importorskip("numba")
    from _scan_cases import synthetic_case

    from magfit import fitting

    monkeypatch.setattr(W, "USE_NUMBA", True)
    rng = np.random.default_rng(3)
    t = np.linspace(2.0, 300.0, 150)
    y = (5.0 / (t + 2.0) + 1e-4) * (1.0 + 0.01 * rng.standard_normal(t.size))
    perm = rng.permutation(t.size)
    y_nan = y.copy()
    y_nan[[4, 40]] = np.nan
    err0 = 0.01 * y
    err0[9] = 0.0
    cases = [(synthetic_case(s), {"tmin": q}) for s in range(8) for q in (5.0, 30.0)]
    cases += [(synthetic_case(1), {"tmin": 10.0, "chi0": False}),
              (synthetic_case(2), {"tmin": 10.0, "weights": "equal"}),
              (ChiT(t, y), {"tmin": 10.0, "weights": 1.0 / (0.01 * y)}),
              (ChiT(t[perm], y[perm], 0.01 * y[perm]), {"tmin": 10.0}),
              (ChiT(t, y_nan, 0.01 * np.abs(y)), {"tmin": 10.0}), (ChiT(t, y, err0), {"tmin": 10.0}),
              (ChiT(t, 5.0 / (t + 2.0) + 1e-4), {"tmin": 10.0})]
    real, taken = fitting._given_window_compiled, []

    def counted(*args):
        out = real(*args)
        taken.append(out[1] is not None)
        return out

    monkeypatch.setattr(fitting, "_given_window_compiled", counted)
    lean = [fit_curie_weiss(chi, **kw) for chi, kw in cases]
    assert sum(taken) >= 15                   # the lean path ran to the end (not a fallback) on most
    kernels = fitting._KERNELS or fitting._load_kernels()
    monkeypatch.setattr(fitting, "_KERNELS", (*kernels[:3], lambda *a: False))       # general data checks
    monkeypatch.setattr(fitting, "_given_window_compiled", lambda *a: (None, None))   # general fit + tests
    for (chi, kw), a in zip(cases, lean, strict=True):
        b = fit_curie_weiss(chi, **kw)
        assert json.dumps(a.to_dict(), sort_keys=True) == json.dumps(b.to_dict(), sort_keys=True), kw
        assert a.flags == b.flags
        pd.testing.assert_frame_equal(a.scan, b.scan)
