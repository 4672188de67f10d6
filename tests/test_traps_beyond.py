"""Traps outside the chi(T) classifier: spin-cluster conventions, chains, M(H) fits, loops, simulate.

Every reference is computed here by independent code: closed forms (Bleaney-Bowers, Brillouin,
Curie-Weiss, mean-field T_C), numpy.linalg.eigh of the spin Hamiltonian, synthetic loops whose
H_c and H_eb are known by construction.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from magfit.errors import FitError
from magfit.mh.convert import MagnetizationCurve
from magfit.mh.loops import analyze_loop

NA, KB, MUB = 6.02214076e23, 1.380649e-16, 9.2740100783e-21


# ------------------------------------------------------------------ hysteresis loops
def _loop(hc=200.0, heb=-150.0, width=100.0, drift=0.0, n=201, hmax=2e4):
    """tanh branches switching at H_eb -+ H_c; drift linear in reading index."""
    hd, hi = np.linspace(hmax, -hmax, n), np.linspace(-hmax, hmax, n)
    h = np.r_[hd, hi]
    m = np.r_[np.tanh((hd - (heb - hc)) / width), np.tanh((hi - (heb + hc)) / width)] - 1e-6 * h
    m = m + drift * np.linspace(0.0, 1.0, h.size)
    return MagnetizationCurve(temperature_K=5.0, field_Oe=h, M=m, M_err=np.full(h.size, np.nan),
                              branch=np.array(["decreasing"] * n + ["increasing"] * n), unit="emu_g")


def _analyze(curve, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analyze_loop(curve, **kw)


def test_sharp_exchange_biased_loop_root_stays_between_bracketing_readings():
    # switching width (100 Oe) below the field step (200 Oe): the cubic inverse interpolation used to
    # overshoot to H_c- = -592 Oe (readings -400 / -200 Oe bracket it), so H_eb = -392 for -150 Oe
    r = _analyze(_loop())
    b = r.Hc_branches_Oe
    assert -400.0 <= b["H_c_minus"] <= -200.0 and 0.0 <= b["H_c_plus"] <= 200.0
    assert abs(r.H_eb_Oe - (-150.0)) < max(2 * r.Hc_Oe_err, 50.0)
    assert abs(r.Hc_Oe - 200.0) < 2 * r.Hc_Oe_err + 1e-9


def test_exchange_bias_sign_and_value_on_a_fine_grid():
    r = _analyze(_loop(n=2001))
    assert r.Hc_Oe == pytest.approx(200.0, abs=2.0)
    assert r.H_eb_Oe == pytest.approx(-150.0, abs=2.0)      # loop shifted to negative fields
    mr = (np.tanh(350.0 / 100.0) + np.tanh(50.0 / 100.0)) / 2.0
    assert r.Mr == pytest.approx(mr, abs=2e-3)


def test_drift_is_reported_and_corrected_on_request():
    curve = _loop(n=2001, drift=0.05)
    plain = _analyze(curve)
    assert plain.drift == pytest.approx(0.05, rel=0.05)
    assert abs(plain.H_eb_Oe + 150.0) > plain.Hc_Oe_err      # drift biases the uncorrected values ...
    assert any("NOT corrected" in n for n in plain.notes)   # ... and the result says so
    fixed = _analyze(curve, correct_drift=True)
    assert fixed.Hc_Oe == pytest.approx(200.0, abs=max(fixed.Hc_Oe_err, 0.5))
    assert fixed.H_eb_Oe == pytest.approx(-150.0, abs=max(fixed.Hc_Oe_err, 0.5))
    assert not any("NOT corrected" in n for n in fixed.notes)


# ------------------------------------------------------------------ Brillouin fits of M(H)
def _bj(j, x):
    a, b = (2 * j + 1) / (2 * j), 1 / (2 * j)
    return a / np.tanh(a * x) - b / np.tanh(b * x)


def _mh_curve(t_k, h, m):
    return MagnetizationCurve(temperature_K=t_k, field_Oe=h, M=m, M_err=np.full(h.size, np.nan),
                              branch=np.array(["virgin"] * h.size), unit="muB", per="ion",
                              emu_mol_per_unit=NA * MUB)


def _ion_isotherm(g, j, step=0.0, seed=0):
    """M per ion at 2 K: n g J B_J + diamagnetic slope (-2e-4 emu/mol) + saturated impurity step."""
    h = np.linspace(500.0, 70000.0, 60)
    m = g * j * _bj(j, g * j * MUB * h / (KB * 2.0)) - 2e-4 / (NA * MUB) * h + step * np.tanh(h / 300.0)
    return h, m + 0.002 * np.random.default_rng(seed).standard_normal(h.size)


@pytest.mark.parametrize("g,j", [(2.0, 3.5), (2.1, 0.5), (2.2, 1.0)], ids=["Gd3+", "Cu2+", "Ni2+"])
def test_brillouin_with_impurity_step_warns_and_ferro_step_recovers_g(g, j):
    from magfit.mh.paramagnet import fit_brillouin

    h, m = _ion_isotherm(g, j)
    clean = fit_brillouin([_mh_curve(2.0, h, m)], J=j)
    assert not clean.warnings
    assert abs(clean.g - g) < 3 * clean.g_err
    h, m = _ion_isotherm(g, j, step=0.02)
    biased = fit_brillouin([_mh_curve(2.0, h, m)], J=j)
    assert any("ferromagnetic-impurity step" in w for w in biased.warnings)   # g alone would mislead
    fixed = fit_brillouin([_mh_curve(2.0, h[h > 3000], m[h > 3000])], J=j, ferro_step=True)
    assert abs(fixed.g - g) < 3 * fixed.g_err + 1e-3
    assert fixed.m_step == pytest.approx(0.02, abs=3 * fixed.m_step_err)
    assert "step" in fixed.summary()


def test_superparamagnet_fed_to_brillouin_is_called_not_an_ion():
    from magfit.mh.paramagnet import MAX_ION_MOMENT_MUB, fit_brillouin

    h = np.linspace(500.0, 70000.0, 60)
    mu = 1000.0                                          # particle moment, μB (Langevin)
    x = mu * MUB * h / (KB * 300.0)
    m = (1.0 / np.tanh(x) - 1.0 / x) * mu / 1000.0       # per ion: 1000 ions of 1 μB each
    fit = fit_brillouin([_mh_curve(300.0, h, m)])
    assert fit.g * fit.J > MAX_ION_MOMENT_MUB or fit.J >= 9.99
    assert any("superparamagnetic" in w for w in fit.warnings)
    assert "WARNING" in fit.summary()


# ---------------------------------------------- simulate: closed forms, conventions printed
def _bb_per_cu(t, j_minus2j, g):
    """Bleaney-Bowers per mole Cu, H = -2J S1.S2 (Bleaney & Bowers 1952)."""
    return NA * g**2 * MUB**2 / (KB * t * (3.0 + np.exp(-2.0 * j_minus2j / t)))


def test_simulate_cli_prints_convention_and_matches_closed_forms(tmp_path, capsys):
    import pandas as pd

    from magfit.cli import main

    cases = {
        "curie": (["C=1.2"], lambda t: 1.2 / t, "per mole"),
        "curie-weiss": (["C=1.2", "theta_K=-10"], lambda t: 1.2 / (t + 10.0), "theta > 0 ferromagnetic"),
        "dimer": (["J_K=-50", "g=2.1", "convention=-2J"], lambda t: _bb_per_cu(t, -50.0, 2.1), "-2J"),
        # Weiss: T_C = z J S(S+1)/3 for H = -sum_<ij> J S.S (each bond once): z=6, J=5 K, S=1 -> 20 K
        "weiss-fm": (["spin=1", "z=6", "J_K=5"],
                     lambda t: 2.0**2 * MUB**2 * NA * 2.0 / (3 * KB) / (t - 6 * 5.0 * 2.0 / 3.0),
                     "theta = z J S(S+1)/3"),
    }
    for model, (params, ref, stated) in cases.items():
        out = tmp_path / f"{model}.csv"
        argv = ["simulate", model, "--tmin", "30", "--tmax", "300", "--n", "7", "-o", str(out)]
        for p in params:
            argv += ["--param", p]
        assert main(argv) == 0
        err = capsys.readouterr().err
        assert stated in err and "per mole of" in err, (model, err)
        f = pd.read_csv(out)
        np.testing.assert_allclose(f.chi_emu_mol, ref(f.temperature_K.to_numpy()), rtol=2e-5)


def test_dimer_conventions_give_the_same_curve():
    from magfit.simulate import bleaney_bowers

    t = np.linspace(5, 300, 30)
    ref = _bb_per_cu(t, -60.0, 2.0)
    for conv, j in (("-2J", -60.0), ("-J", -120.0), ("+J", 120.0)):
        chi = bleaney_bowers(t, J_K=j, g=2.0, convention=conv).chi_emu_mol
        np.testing.assert_allclose(chi, ref, rtol=2e-5)


# ------------------------------------------------------------------ spin clusters against eigh
def _spin_ops(s):
    m = np.arange(s, -s - 1, -1)
    sp = np.zeros((m.size, m.size))
    for i in range(1, m.size):
        sp[i - 1, i] = np.sqrt(s * (s + 1) - m[i] * (m[i] + 1))
    return (sp + sp.T) / 2, (sp - sp.T) / 2j, np.diag(m)


def _chi_eigh(spins, bonds, t, g):
    """chi per mole of clusters of H = -sum J_ij S_i.S_j (numpy.linalg.eigh), beta <(g mu_B S_z)^2>."""
    eye = [np.eye(int(2 * s + 1)) for s in spins]

    def embed(i, op):
        mats = list(eye)
        mats[i] = op
        out = mats[0]
        for x in mats[1:]:
            out = np.kron(out, x)
        return out

    ops = [[embed(i, o) for o in _spin_ops(s)] for i, s in enumerate(spins)]
    ham = sum(-j * sum(ops[a][k] @ ops[b][k] for k in range(3)) for a, b, j in bonds)
    e, v = np.linalg.eigh(ham)
    sz = sum(o[2] for o in ops)
    sz2 = np.real(np.einsum("in,ij,jn->n", v.conj(), sz @ sz, v))
    w = np.exp(-(e[None, :] - e.min()) / t[:, None])
    return (w * sz2).sum(1) / w.sum(1) * NA * g**2 * MUB**2 / (KB * t)


@pytest.mark.parametrize("conv,sign", [("-J", 1.0), ("+J", -1.0), ("-2J", 0.5)])
def test_mixed_spin_ring_against_eigh_in_each_convention(conv, sign):
    from magfit.spin import Cluster, model_chi

    t = np.array([2.0, 5.0, 10.0, 30.0, 100.0, 300.0])
    ref = _chi_eigh([1, 0.5, 1, 0.5], [(0, 1, -15.0), (1, 2, -15.0), (2, 3, -15.0), (3, 0, -15.0)], t, 2.0)
    c = Cluster.from_strings("1,1/2,1,1/2", ["1-2:J", "2-3:J", "3-4:J", "4-1:J"], convention=conv)
    np.testing.assert_allclose(model_chi(c, {"J": -15.0 * sign, "g": 2.0}, t), ref, rtol=1e-7)


def test_dimer_fit_returns_j_in_the_stated_convention():
    from magfit.spin import Cluster, fit_cluster

    t = np.linspace(2, 300, 60)
    chit = 2 * _bb_per_cu(t, -60.0, 2.1) * t              # per mole of dimers
    for conv, expect in (("-2J", -60.0), ("-J", -120.0), ("+J", 120.0)):
        fit = fit_cluster(Cluster.from_strings("1/2,1/2", ["1-2:J"], convention=conv), (t, chit))
        assert fit.values["J"] == pytest.approx(expect, rel=1e-6)
        assert f"{conv} convention" in fit.summary() and fit.to_dict()["convention"] == conv


def test_dimer_magnetization_at_2K_against_levels():
    from magfit.spin import Cluster
    from magfit.spin.calc import magnetization

    h = np.linspace(1e3, 7e4, 15)
    c = Cluster.from_strings("1/2,1/2", ["1-2:J"], convention="-2J")
    x = 2.0 * MUB * h / KB
    for j in (-1.0, -5.0):
        e = np.array([np.full_like(h, 1.5 * j), -0.5 * j - x, np.full_like(h, -0.5 * j), -0.5 * j + x])
        w = np.exp(-(e - e.min(0)) / 2.0)
        ref = 2.0 * (w[1] - w[3]) / w.sum(0)
        np.testing.assert_allclose(magnetization(c, {"J": j, "g": 2.0}, h, 2.0), ref, atol=1e-7)


def test_dimer_j_errors_cover_the_truth_about_68_percent():
    from magfit.spin import Cluster, fit_cluster

    t = np.linspace(2, 300, 40)
    c = Cluster.from_strings("1/2,1/2", ["1-2:J"], convention="-2J")
    y = 2 * _bb_per_cu(t, -60.0, 2.1) * t
    hits = 0
    for seed in range(40):
        noisy = y + 0.005 * np.random.default_rng(seed).standard_normal(t.size)
        v, e = fit_cluster(c, (t, noisy, np.full(t.size, 0.005)), start={"J": -55.0}).params["J"]
        hits += abs(v + 60.0) < e
    assert 0.5 <= hits / 40 <= 0.85


# ------------------------------------------------------------------ S = 1/2 AFM chain
def _ring_chi_per_spin(n, jp, t, g):
    """S = 1/2 ring H = J' sum S_i.S_i+1, built bitwise and diagonalised (numpy.linalg.eigh) per S_z
    sector; chi per mole of spins."""
    states = np.arange(2**n)
    bits = (states[:, None] >> np.arange(n)) & 1
    sz = bits.sum(1) - n / 2.0
    ham = np.zeros((states.size, states.size))
    for i in range(n):
        k = (i + 1) % n
        same = bits[:, i] == bits[:, k]
        ham[states, states] += np.where(same, jp / 4, -jp / 4)
        flip = states[~same] ^ ((1 << i) | (1 << k))
        ham[states[~same], flip] += jp / 2
    energies, weights = [], []
    for m in np.unique(sz):
        idx = np.flatnonzero(sz == m)
        e = np.linalg.eigvalsh(ham[np.ix_(idx, idx)])
        energies.append(e)
        weights.append(np.full(e.size, m * m))
    e, sz2 = np.concatenate(energies), np.concatenate(weights)
    w = np.exp(-(e[None, :] - e.min()) / t[:, None])
    return (w * sz2).sum(1) / w.sum(1) * NA * g**2 * MUB**2 / (KB * t) / n


def test_chain_fit_against_ring_eigh_in_minus2J_convention():
    from magfit import ChiT
    from magfit.simulate import fit_simulation, heisenberg_chain

    jp = 40.0                                               # H = J' sum S.S, J' = 2|J(-2J)|
    t = np.linspace(jp, 8 * jp, 12)                         # T >= J': N = 10 ring within 1e-4 of N = inf
    ref = _ring_chi_per_spin(10, jp, t, 2.0)
    fit = fit_simulation(ChiT(t, ref), heisenberg_chain, {"J_K": (-15.0, -100.0, -1.0), "g": (2.1, 1.5, 2.5)},
                         fixed={"convention": "-2J"})
    assert fit.params["J_K"].n == pytest.approx(-jp / 2, rel=2e-3)
    assert fit.params["g"].n == pytest.approx(2.0, rel=1e-3)


def test_brillouin_summary_states_per_what_and_errors_are_honest():
    from magfit.mh.paramagnet import fit_brillouin

    h = np.linspace(500.0, 70000.0, 40)
    hits, n_seeds = 0, 10
    for seed in range(n_seeds):
        curves = []
        for t in (2.0, 5.0):
            m = 7.0 * _bj(3.5, 7.0 * MUB * h / (KB * t)) - 2e-4 / (NA * MUB) * h
            m = m + 0.003 * np.random.default_rng(10 * seed + int(t)).standard_normal(h.size)
            curves.append(_mh_curve(t, h, m))
        fit = fit_brillouin(curves)
        hits += abs(fit.J - 3.5) < fit.J_err
    assert 0.4 <= hits / n_seeds <= 0.95                    # 1-sigma coverage ~0.68 (10 seeds)
    assert "per ion" in fit.summary() and "per f.u." not in fit.summary()
    other = _mh_curve(5.0, h, curves[1].M)
    other.per = "formula unit"
    with pytest.raises(FitError, match="different units"):
        fit_brillouin([curves[0], other])


@pytest.mark.parametrize("j", [-1.0, 2.0])
def test_dimer_fit_to_mh_alone_finds_j(j):
    # without chi*T there was no J grid: J = -1 K (-2J) ended at +134 K with no error bars
    from magfit.spin import Cluster, fit_cluster

    h = np.linspace(1e3, 7e4, 30)
    x = 2.0 * MUB * h / KB
    hs, ts, ms = [], [], []
    for t in (2.0, 5.0):
        e = np.array([np.full_like(h, 1.5 * j), -0.5 * j - x, np.full_like(h, -0.5 * j), -0.5 * j + x])
        w = np.exp(-(e - e.min(0)) / t)
        hs.append(h)
        ts.append(np.full(h.size, t))
        ms.append(2.0 * (w[1] - w[3]) / w.sum(0))
    m = np.concatenate(ms) + 0.002 * np.random.default_rng(1).standard_normal(2 * h.size)
    c = Cluster.from_strings("1/2,1/2", ["1-2:J"], convention="-2J")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = fit_cluster(c, mh=(np.concatenate(hs), np.concatenate(ts), m, np.full(m.size, 0.002)))
    v, err = fit.params["J"]
    assert np.isfinite(err) and abs(v - j) < 4 * err
    assert not any("no uncertainty" in w for w in fit.warnings)


def test_clean_brillouin_fits_raise_no_warnings():
    # S = 1/2 sits at the J >= 1/2 limit by nature: that is no 'undetermined J'
    from magfit.mh.paramagnet import fit_brillouin

    h = np.linspace(500.0, 70000.0, 40)
    for seed in range(3):
        for g, j in ((2.0, 3.5), (2.1, 0.5), (2.2, 1.0)):
            curves = []
            for t in (2.0, 5.0):
                m = g * j * _bj(j, g * j * MUB * h / (KB * t)) - 2e-4 / (NA * MUB) * h
                m = m + 0.01 * np.random.default_rng(7 * seed + int(t)).standard_normal(h.size)
                curves.append(_mh_curve(t, h, m))
            for jfix in (None, j):
                assert fit_brillouin(curves, J=jfix).warnings == [], (g, j, jfix, seed)


def test_weiss_spontaneous_magnetization_spin_half_against_tanh():
    # S = 1/2 mean field: m = tanh(m T_C / T), T_C = z J S(S+1)/3 = z J / 4 (H = -sum_<ij> J S.S)
    from scipy.optimize import brentq

    from magfit.simulate import meanfield

    tc = 8 * 10.0 / 4.0
    t = np.array([0.3, 0.5, 0.8, 0.95]) * tc
    ref = [brentq(lambda m, tt=tt: m - np.tanh(m * tc / tt), 1e-9, 1.0) for tt in t]
    got = meanfield.weiss_ferromagnet(t, spin=0.5, z=8, J_K=10.0).reduced_magnetization
    np.testing.assert_allclose(got, ref, rtol=1e-6)
