"""False positives of the spin-crossover, adsorbed-O2, gapped-minimum and one-field 'mixed' rules on ordinary
data (review of the issue-13 traps). Every curve is written here from a closed form: Curie-Weiss, a
two-sublattice S = 1/2 mean-field antiferromagnet (m = tanh(T_N m / T)), a smooth ZFC-like blocking curve.
"""

from __future__ import annotations

import numpy as np
import pytest

import magfit
from magfit.classify import classify
from magfit.classify.rules_transitions import o2_anomaly

#: Curie constant of S = 1/2, g = 2 (N_A mu_B^2 / (4 k_B) x 3 / 3 = 0.37515 emu K/mol)
C_HALF = 0.37515


def mean_field_afm_chi(t: np.ndarray, t_n: float, c: float) -> np.ndarray:
    """Powder chi of a two-sublattice S = 1/2 mean-field antiferromagnet with theta = -T_N: above T_N
    C/(T + T_N); below it chi_par = C (1 - m^2) / (T + T_N (1 - m^2)) with m = tanh(T_N m / T), and
    chi_perp = C / (2 T_N); powder = chi_par / 3 + 2 chi_perp / 3."""
    m = np.ones_like(t)
    for _ in range(3000):
        m = np.where(t < t_n, np.tanh(t_n * m / t), 0.0)
    par = c * (1 - m**2) / (t + t_n * (1 - m**2))
    perp = np.where(t < t_n, c / (2 * t_n), par)
    return par / 3 + 2 * perp / 3


def test_mean_field_afm_generator_limits():
    t = np.array([10.0, 49.99, 50.0, 80.0])
    y = mean_field_afm_chi(t, 50.0, 1.0)
    assert y[2] == pytest.approx(1.0 / 100.0) and y[3] == pytest.approx(1.0 / 130.0)
    assert y[1] == pytest.approx(y[2], rel=1e-3)           # continuous at T_N
    assert y[0] == pytest.approx(2 / 3 / 100.0, rel=1e-3)  # chi(0) = 2/3 chi(T_N): chi_par -> 0


def test_smooth_blocking_curve_is_not_oxygen():
    # dense (1900 points, 0.05 % noise) smooth ZFC-like curve with its maximum at 63 K: the 20-100 K
    # background with scatter/sqrt(n) flagged it at z = 12 (a 1.5 % smooth misfit)
    t = np.linspace(5.0, 310.0, 1900)
    y = (2.0 / (t + 60.0)) * -np.expm1(-(t / 44.0) ** 3)
    y = y * (1 + 5e-4 * np.random.default_rng(0).standard_normal(t.size))
    assert 58.0 < t[np.argmax(y)] < 70.0
    assert o2_anomaly(t, y) is None


@pytest.mark.parametrize("t_n", [44.0, 48.0, 52.0])
def test_afm_with_t_n_in_the_oxygen_range_is_noted_not_flagged(t_n):
    t = np.unique(np.concatenate([np.arange(2, 10, 0.5), np.arange(10, 70, 1.0), np.arange(70, 301, 5.0)]))
    y = mean_field_afm_chi(t, t_n, 4.377) + 0.0
    err = 0.003 * y
    chi = magfit.ChiT(t, y + err * np.random.default_rng(1).standard_normal(t.size), err, per="Mn")
    v = classify(chi, formula="MnF2")
    assert not any("O2" in f for f in v.flags), v.flags
    if o2_anomaly(chi.temperature_K, chi.chi_emu_mol) is not None:   # the cusp's excess: a note
        assert "adsorbed O2" in v.explanation and "sample's own" in v.explanation


def test_real_zfc_blocking_curve_is_not_oxygen():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "RinehartGroup__MagnetoPy__zfc4a.dat"
    if not path.exists():
        path = Path("/work/shared/realdata/RinehartGroup__MagnetoPy__zfc4a.dat")
    if not path.exists():
        pytest.skip("shared real data absent")
    chi = magfit.read(path).susceptibility(molar_mass_g_mol=500.0)
    assert o2_anomaly(np.asarray(chi.temperature_K), np.asarray(chi.chi_emu_mol)) is None


def _ordinary_cases(seed: int = 7):
    """Curie-Weiss (theta -300..+40 K, mu_eff 1.7-10.6) and Pauli + 0.1-2 % S = 1/2 impurity on sparse,
    log-spaced, 100-300 K and MPMS-like grids with 0.3-1 % noise."""
    rng = np.random.default_rng(seed)
    grids = [np.sort(rng.uniform(2, 300, 25)), np.geomspace(2, 300, 40), np.linspace(100, 300, 30),
             np.unique(np.concatenate([np.arange(2, 50, 2.0), np.arange(50, 301, 5.0)]))]
    for k in range(12):
        t = grids[k % 4]
        mu, th = rng.uniform(1.7, 10.6), rng.uniform(-300, 40)
        t = t[t > 1.2 * th] if th > 0 else t
        yield t, 0.125049 * mu**2 / (t - th) + rng.uniform(-2e-4, 5e-4), rng.choice([0.003, 0.01])
    for k in range(4):
        t = grids[k % 4]
        yield t, rng.uniform(5e-5, 1e-3) + rng.uniform(0.001, 0.02) * C_HALF / t, 0.003


def test_new_rules_stay_silent_on_ordinary_curves():
    for t, y, rel in _ordinary_cases():
        err = rel * np.abs(y)
        v = classify(magfit.ChiT(t, y + err * np.random.default_rng(3).standard_normal(t.size), err))
        said = " ".join(v.flags + v.reasons + [v.rule, v.explanation])
        assert "spin crossover" not in v.rule and "high-spin" not in v.rule, v.rule
        assert "O2" not in said and "has a minimum at" not in said, said


# ---------------------------------------------------- M(H): 'NOT A FERROMAGNET?' on a hard magnet
def _loop(m_of_h, h_max=70000.0, n=141, hc=0.0):
    """A full loop, decreasing from +H_max then increasing, M = m_of_h(H + H_c) / m_of_h(H - H_c)."""
    from magfit.mh.convert import MagnetizationCurve

    hd = np.linspace(h_max, -h_max, n)
    h = np.concatenate([hd, -hd])
    m = np.concatenate([m_of_h(hd + hc), m_of_h(-hd - hc)])
    m = m + 0.002 * np.random.default_rng(5).standard_normal(2 * n)
    branch = np.array(["decreasing"] * n + ["increasing"] * n)
    return MagnetizationCurve(temperature_K=5.0, field_Oe=h, M=m, M_err=np.full(h.size, np.nan),
                              branch=branch, unit="muB", per="formula unit", emu_mol_per_unit=5585.0)


def test_hard_ferromagnet_loop_is_not_called_a_metamagnet():
    # H_c = 0.3 H_max: the folded loop (increasing branch negative below H_c) steps up at H_c
    from magfit.mh.critical import _metamagnet_note
    from magfit.mh.ferro import _not_a_ferromagnet

    hard = _loop(lambda h: np.tanh(h / 2100.0) + 1e-6 * h, hc=21000.0)
    assert hard.M[0] > 0.99 and hard.M[141 + 70] < -0.9          # still reversed at H = 0 on the way up
    assert _not_a_ferromagnet(10.0, 1.0, hard) == []
    assert _metamagnet_note([hard], 20.0) is None


def test_spin_flop_step_is_still_said_on_a_loop():
    # an antiferromagnet's field-induced step at 30 kOe, the same on both branches
    step = _loop(lambda h: np.sign(h) * 0.5 * (1 + np.tanh((np.abs(h) - 30000.0) / 3000.0)) + 2e-6 * h)
    from magfit.mh.critical import _metamagnet_note
    from magfit.mh.ferro import _not_a_ferromagnet

    assert any("NOT A FERROMAGNET?" in w for w in _not_a_ferromagnet(10.0, 1.0, step))
    assert _metamagnet_note([step], 20.0) is not None


def test_sharp_zfc_blocking_step_is_not_asserted_to_be_a_spin_crossover():
    # a zero-field-cooled superparamagnet / spin glass with a narrow T_b distribution: chi*T steps up to
    # the Curie plateau (C / (T + 5) x (1 - exp(-(T/T_b)^6))) exactly like a spin crossover; chi alone
    # cannot tell them apart, so the blocking alternative must be said
    t = np.unique(np.concatenate([np.arange(2, 10, 0.5), np.arange(10, 50, 2.0), np.arange(50, 301, 5.0)]))
    y = 4.377 / (t + 5.0) * -np.expm1(-(t / 50.0) ** 6)
    err = 0.003 * y
    chi = magfit.ChiT(t, y + err * np.random.default_rng(2).standard_normal(t.size), err, per="Mn")
    for v in (classify(chi, formula="MnO"), classify(chi, formula="MnO", tmin=20.0)):
        assert v.label == "localized"
        said = " ".join(v.reasons + [v.rule, v.explanation]).lower()
        if "spin crossover" in said:
            assert "blocking" in said and "field-cooled" in said, said
