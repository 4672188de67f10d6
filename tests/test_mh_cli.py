"""The public CLI contract of `magfit mh`, `magfit arrott`, `magfit ferro` (issue 16)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import SAMPLE_DATA
from scipy import constants as sc

from magfit.cli import main

EMU_MOL_PER_MUB = sc.N_A * sc.physical_constants["Bohr magneton"][0] * 1e3
CRBR3_G_MOL, MASS_MG = 291.71, 15.0


def _write_mh(path, temps, moment_muB, hmax=50000.0, n=60, loop=True):
    """CSV of isotherms: virgin 0 -> hmax, then (loop) hmax -> -hmax -> hmax; moment in emu."""
    rows = []
    up = np.linspace(0, hmax, n)
    for t in temps:
        if loop:
            dec = np.linspace(hmax, -hmax, 2 * n)
            inc = dec[::-1]
            parts = [(up, "up"), (dec, "dec"), (inc, "inc")]
        else:
            parts = [(up, "up")]
        for h, kind in parts:
            m_mub = moment_muB(h, t, kind)
            emu = m_mub * EMU_MOL_PER_MUB * (MASS_MG / 1000.0) / CRBR3_G_MOL
            rows += [(t + 0.002 * np.sin(i), hh, mm) for i, (hh, mm) in enumerate(zip(h, emu, strict=True))]
    with open(path, "w") as f:
        f.write("Temperature (K),Magnetic Field (Oe),Moment (emu)\n")
        for r in rows:
            f.write("{:.6f},{:.4f},{:.8e}\n".format(*r))
    return str(path)


def _ferro_loop(h, t, kind, ps=3.0, hc=200.0, w=1500.0):
    shift = {"up": 0.0, "dec": -hc, "inc": hc}[kind]
    return ps * np.tanh((h - shift) / w)


def test_mh_json_contract(tmp_path, capsys):
    path = _write_mh(tmp_path / "crbr3_mh.csv", [2.0, 5.0], _ferro_loop)
    assert main(["mh", path, "--formula", "CrBr3", "--per-ion", "Cr", "--mass-mg", str(MASS_MG),
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out) == 2
    keys = {"file", "temperature_K", "Ms_muB", "Ms_muB_err", "Mr_muB", "Hc_Oe", "Hc_Oe_err", "chi_hf_emu_mol",
            "brillouin"}
    for rec, t in zip(out, (2.0, 5.0), strict=True):
        assert keys <= set(rec)
        assert rec["temperature_K"] == pytest.approx(t, abs=0.01)
        assert rec["Ms_muB"] == pytest.approx(3.0, abs=0.01)
        assert rec["Hc_Oe"] == pytest.approx(200.0, abs=max(3 * rec["Hc_Oe_err"], 5.0))
        assert rec["Mr_muB"] == pytest.approx(3.0 * np.tanh(200 / 1500), abs=0.02)
        assert rec["brillouin"] is None


def test_mh_brillouin_option(tmp_path, capsys):
    def para(h, t, kind):   # S = 3/2, g = 2 paramagnet (closed form for B_{3/2} via level sum)
        m = np.arange(-1.5, 1.6)
        x = 2.0 * sc.physical_constants["Bohr magneton"][0] * 1e3 * np.outer(h, m) / (sc.k * 1e7 * t)
        w = np.exp(x - x.max(axis=1, keepdims=True))
        return 2.0 * (w @ m) / w.sum(axis=1)

    path = _write_mh(tmp_path / "para.csv", [2.0, 4.0, 8.0], para, hmax=70000.0, loop=False)
    assert main(["mh", path, "--formula", "CrBr3", "--per-ion", "Cr", "--mass-mg", str(MASS_MG),
                 "--ion", "Cr3+", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    b = out[0]["brillouin"]
    assert b["J"] == 1.5 and b["g"] == pytest.approx(2.0, abs=0.01) and b["n"] == pytest.approx(1.0, abs=0.01)
    assert out[0]["Hc_Oe"] is None
    assert main(["mh", path, "--formula", "CrBr3", "--per-ion", "Cr", "--mass-mg", str(MASS_MG),
                 "--brillouin"]) == 0
    text = capsys.readouterr().out
    assert "Brillouin fit" in text and "isotherms collapse on M vs H/T" in text


def test_arrott_json_contract(tmp_path, capsys):
    from scipy.optimize import brentq

    tc = 40.0

    def solve(x, t):
        return brentq(lambda m: m - np.tanh((x / 1e4 + tc * m) / t), 1e-15, 1.0) if x > 0 else 0.0

    def weiss(h, t, kind):   # S = 1/2 mean field, reduced field h/1e4 in K
        return np.array([solve(x, t) for x in h])

    path = _write_mh(tmp_path / "arrott.csv", np.linspace(38.4, 41.6, 9), weiss, hmax=1000.0, n=30,
                     loop=False)
    assert main(["arrott", path, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"Tc_K", "Tc_K_err", "beta", "gamma", "Tc_K_sys", "beta_err", "beta_sys", "gamma_err",
            "gamma_sys"} <= set(out)
    assert out["Tc_K_sys"] is not None and out["Tc_K_sys"] >= 0
    assert out["Tc_K"] == pytest.approx(tc, rel=0.01)


def test_ferro_json_contract_crbr3_localized(tmp_path, capsys):
    path = _write_mh(tmp_path / "crbr3_mh.csv", [2.0], _ferro_loop)
    chi = str(SAMPLE_DATA / "ferromagnet_above_tc.csv")
    assert main(["ferro", "--chi", chi, "--mh", path, "--formula", "CrBr3", "--per-ion", "Cr",
                 "--mass-mg", str(MASS_MG), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"p_c", "p_s", "rw_ratio", "Tc_K", "T0_K", "label", "reasons"} <= set(out)
    # sample_data/README: Cr3+ mu_eff = 3.873 -> p_c = 3; the M(H) saturates at 3 μB per Cr
    assert out["p_c"] == pytest.approx(3.0, abs=0.1)
    assert out["p_s"] == pytest.approx(3.0, abs=0.01)
    assert out["label"] == "localized"


def test_mh_error_is_clean(tmp_path, capsys):
    p = tmp_path / "mt.csv"
    p.write_text("Temperature (K),Magnetic Field (Oe),Moment (emu)\n" +
                 "".join(f"{t},1000,{1e-3 / t}\n" for t in range(2, 60)))
    assert main(["mh", str(p)]) == 1
    assert "no isotherm" in capsys.readouterr().err
