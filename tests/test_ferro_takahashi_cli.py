"""`magfit ferro --tc-isotherm`: Takahashi T_A, T_0 and the Deguchi-Takahashi placement end to end.

A weak itinerant ferromagnet "Ni3Al-like" is built in the test from Takahashi's relations
(T_C = (p_s²/(20 C_4/3))^(3/4) T_A^(3/4) T_0^(1/4) for g = 2, the M⁵ isotherm at T_C with the
prefactor written out from constants, p_eff chosen on 1.4 (T_C/T_0)^(-2/3)), written as raw-moment
files, and read back through the CLI.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import constants as sc

from magfit.cli import main

MUB = sc.physical_constants["Bohr magneton"][0] * 1e3
KB = sc.k * 1e7
M_FU = 3 * 58.6934 + 26.9815385          # Ni3Al, g/mol (IUPAC standard atomic weights)
MASS_MG, NI_PER_FU = 20.0, 3
T_A, T_0, P_S, C43 = 3000.0, 600.0, 0.2, 1.00608
TC = (P_S**2 / (20 * C43)) ** 0.75 * T_A**0.75 * T_0**0.25
P_EFF = 1.4 * (TC / T_0) ** (-2 / 3) * P_S   # on the generalized Rhodes-Wohlfarth curve


def _emu(m_muB_per_ni):
    return m_muB_per_ni * NI_PER_FU * sc.N_A * MUB * (MASS_MG / 1e3) / M_FU


def _write(path, rows):
    with open(path, "w") as f:
        f.write("Temperature (K),Magnetic Field (Oe),Moment (emu)\n")
        f.writelines("{:.6f},{:.4f},{:.10e}\n".format(*r) for r in rows)
    return str(path)


@pytest.fixture
def files(tmp_path):
    # χ(T) above T_C: Curie-Weiss per Ni with μ_eff² = p_eff (p_eff + 2), at 1000 Oe
    mu_eff = math.sqrt(P_EFF * (P_EFF + 2))
    curie = sc.N_A * MUB**2 / (3 * KB) * mu_eff**2          # emu K / (mol Ni)
    temps = np.linspace(2 * TC, 300.0, 60)
    chi_rows = [(t, 1000.0, _emu(curie / (t - 1.05 * TC) * 1000.0 / (sc.N_A * MUB))) for t in temps]
    # low-T loop saturating at p_s
    up = np.linspace(0, 50000, 60)
    dec = np.linspace(50000, -50000, 120)
    branches = [(up, 0.0), (dec, -100.0), (dec[::-1], 100.0)]
    low = [(2.0, h, _emu(P_S * np.tanh((h - s) / 2000.0))) for hh, s in branches for h in hh]
    # isotherm at T_C: M⁵ = K (T_C²/T_A³) H, K = 450 π² μB/k_B (M in μB/Ni, H in Oe)
    k = 450 * math.pi**2 * MUB / KB
    h = np.linspace(500.0, 20000.0, 40)
    m = (k * TC**2 / T_A**3 * h) ** 0.2
    tc_rows = [(TC, hh, _emu(mm)) for hh, mm in zip(h, m, strict=True)]
    return (_write(tmp_path / "chi.csv", chi_rows), _write(tmp_path / "low.csv", low),
            _write(tmp_path / "tc.csv", tc_rows))


def test_ferro_tc_isotherm_gives_TA_T0_and_dt_placement(files, capsys):
    chi, low, tc = files
    assert main(["ferro", "--chi", chi, "--mh", low, "--tc-isotherm", tc, "--formula", "Ni3Al",
                 "--per-ion", "Ni", "--mass-mg", str(MASS_MG), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"p_c", "p_s", "rw_ratio", "Tc_K", "T0_K", "label", "reasons", "T_A_K", "Tc_over_T0"} <= set(out)
    assert out["Tc_K"] == pytest.approx(TC, rel=1e-4)
    assert out["p_s"] == pytest.approx(P_S, rel=0.01)
    assert out["T_A_K"] == pytest.approx(T_A, rel=0.01)
    # T_0 ∝ p_s⁻⁶: 1 % in p_s is 6 % in T_0
    assert out["T0_K"] == pytest.approx(T_0, rel=0.07)
    assert out["T0_source"] == "takahashi_slope"
    assert out["label"] == "itinerant"
    assert out["dt_placement"]["verdict"] == "on the curve"
    assert out["dt_placement"]["regime"] == "itinerant"
    assert any("Deguchi-Takahashi plot" in r for r in out["reasons"])
    assert out["not_a_ferromagnet"] is False


def test_ferro_text_output_shows_takahashi(files, capsys):
    chi, low, tc = files
    assert main(["ferro", "--chi", chi, "--mh", low, "--tc-isotherm", tc, "--formula", "Ni3Al",
                 "--per-ion", "Ni", "--mass-mg", str(MASS_MG)]) == 0
    text = capsys.readouterr().out
    assert "T_A =" in text and "T_C/T_0" in text and "on the generalized Rhodes-Wohlfarth curve" in text


def test_family_isotherm_used_only_near_tc():
    from types import SimpleNamespace

    from magfit.mh.ferro import _tc_isotherm

    fam = [SimpleNamespace(temperature_K=t) for t in (36.0, 39.5, 44.0)]
    iso, src = _tc_isotherm(40.0, fam, None, None, "mh.csv")
    assert iso.temperature_K == 39.5 and "mh.csv" in src          # within max(1 K, 2 %)
    assert _tc_isotherm(42.0, fam, None, None, "mh.csv") == (None, None)   # 2 K from the nearest
    # a file given as the T_C isotherm is used whatever its distance (the user said so)
    iso, src = _tc_isotherm(42.0, fam, [SimpleNamespace(temperature_K=45.0)], "tc.csv", "mh.csv")
    assert iso.temperature_K == 45.0 and "tc.csv" in src


def test_ferro_withholds_the_label_for_net_antiferromagnetic_exchange(files, tmp_path, capsys):
    """theta < 0 by many sigma: 'NOT A FERROMAGNET?' leads, and the Rhodes-Wohlfarth label is withheld
    (undetermined, machine-readable not_a_ferromagnet) instead of contradicting it with 'itinerant'."""
    _, low, _ = files
    mu_eff = math.sqrt(P_EFF * (P_EFF + 2))
    curie = sc.N_A * MUB**2 / (3 * KB) * mu_eff**2
    temps = np.linspace(60.0, 300.0, 60)
    afm = _write(tmp_path / "afm_chi.csv",
                 [(t, 1000.0, _emu(curie / (t + 40.0) * 1000.0 / (sc.N_A * MUB))) for t in temps])
    assert main(["ferro", "--chi", afm, "--mh", low, "--formula", "Ni3Al", "--per-ion", "Ni",
                 "--mass-mg", str(MASS_MG), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["not_a_ferromagnet"] is True
    assert out["label"] == "undetermined"
    assert out["reasons"][0].startswith("NOT A FERROMAGNET?")
    assert any("label withheld" in r for r in out["reasons"])
