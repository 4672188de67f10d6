"""`magfit mh` on M(H) tables already normalised: μB/f.u., emu/g (A m^2/kg, J/T/kg), emu/mol.

The loops are generated here (tanh loop with known M_s, H_c, M_r) and written in each unit with the
conversion factors computed from scipy.constants, independently of magfit.units.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import constants as sc

import magfit
from magfit.cli import main
from magfit.errors import SampleError

EMU_MOL_PER_MUB = sc.N_A * sc.physical_constants["Bohr magneton"][0] * 1e3   # J/T -> emu: x 1e3
MOLAR_G_MOL = 291.71          # CrBr3
PS, HC, W = 3.0, 200.0, 1500.0


def _loop(hmax=50000.0, n=50):
    up = np.linspace(0, hmax, n)
    dec = np.linspace(hmax, -hmax, 2 * n)
    h = np.concatenate([up, dec, dec[::-1]])
    shift = np.concatenate([np.zeros(n), np.full(2 * n, -HC), np.full(2 * n, HC)])
    return h, PS * np.tanh((h - shift) / W)


def _write(path, name, factor, temperature_K=5.0):
    h, m_mub = _loop()
    with open(path, "w") as f:
        f.write(f"T (K),H (Oe),{name}\n")
        for hh, mm in zip(h, m_mub * factor, strict=True):
            f.write(f"{temperature_K},{hh:.4f},{mm:.10e}\n")
    return str(path)


_PER_GRAM = EMU_MOL_PER_MUB / MOLAR_G_MOL      # emu/g per μB/f.u. (1 A m^2/kg = 1 J/(T kg) = 1 emu/g)
CASES = [("M (muB/f.u.)", 1.0, []), ("M (μB/f.u.)", 1.0, []), ("M (emu/mol)", EMU_MOL_PER_MUB, []),
         ("M (emu/g)", _PER_GRAM, ["--molar-mass", str(MOLAR_G_MOL)]),
         ("M (A m^2/kg)", _PER_GRAM, ["--formula", "CrBr3"]),
         ("M (J/T/kg)", _PER_GRAM, ["--molar-mass", str(MOLAR_G_MOL)])]


@pytest.mark.parametrize("name,factor,extra", CASES, ids=[c[0] for c in CASES])
def test_mh_takes_normalised_magnetisation(tmp_path, capsys, name, factor, extra):
    path = _write(tmp_path / "loop.csv", name, factor)
    assert main(["mh", path, "--json", *extra]) == 0
    (rec,) = json.loads(capsys.readouterr().out)
    assert rec["unit"] == "muB"
    assert rec["Ms_muB"] == pytest.approx(PS, abs=0.01)
    assert rec["Mr_muB"] == pytest.approx(PS * np.tanh(HC / W), abs=0.02)
    assert rec["Hc_Oe"] == pytest.approx(HC, abs=max(3 * rec["Hc_Oe_err"], 5.0))


def test_emu_g_table_without_molar_mass_stays_in_emu_g(tmp_path):
    path = _write(tmp_path / "loop.csv", "M (emu/g)", _PER_GRAM)
    (curve,) = magfit.mh.read_isotherms(path)
    assert curve.unit == "emu_g"
    h, m_mub = _loop()
    np.testing.assert_allclose(curve.M, m_mub * _PER_GRAM, rtol=1e-9)
    with pytest.raises(SampleError, match="molar mass"):
        magfit.mh.read_isotherms(path, unit="muB")


def test_per_ion_diamagnetic_and_stated_conversion(tmp_path):
    path = _write(tmp_path / "loop.csv", "M (emu/mol)", EMU_MOL_PER_MUB)
    dia = -1e-4
    (curve,) = magfit.mh.read_isotherms(path, formula="Cr2Br6", per_ion="Cr", diamagnetic=dia)
    h, m_mub = _loop()
    expected = (m_mub * EMU_MOL_PER_MUB - dia * h) / EMU_MOL_PER_MUB / 2.0
    np.testing.assert_allclose(curve.M, expected, rtol=1e-9)
    assert curve.per == "Cr"
    assert "N_A mu_B" in curve.provenance["formula"] and curve.provenance["table_unit"] == "emu_mol"
    mass_emu = magfit.mh.read_isotherms(path, unit="emu", mass_mg=10.0, molar_mass_g_mol=MOLAR_G_MOL)[0]
    np.testing.assert_allclose(mass_emu.M, m_mub * EMU_MOL_PER_MUB * 0.010 / MOLAR_G_MOL, rtol=1e-9)


def test_holder_correction_refused_on_normalised_table(tmp_path):
    path = _write(tmp_path / "loop.csv", "M (muB/f.u.)", 1.0)
    with pytest.raises(SampleError, match="raw moment"):
        magfit.mh.read_isotherms(path, holder_emu=1e-5)


def test_arrott_reads_a_muB_family(tmp_path):
    """A family of isotherms in μB/f.u. (several temperatures, one file) reaches the Arrott analysis."""
    h = np.linspace(1000, 50000, 30)
    with open(tmp_path / "family.csv", "w") as f:
        f.write("Temperature (K),Field (Oe),Magnetization (muB/f.u.)\n")
        for t in (90.0, 95.0, 100.0, 105.0, 110.0):
            for hh in h:
                f.write(f"{t},{hh},{np.tanh(hh / (t * 400.0)):.8f}\n")
    curves = magfit.mh.read_isotherms(str(tmp_path / "family.csv"))
    assert [c.unit for c in curves] == ["muB"] * 5
    assert [round(c.temperature_K) for c in curves] == [90, 95, 100, 105, 110]
    np.testing.assert_allclose(curves[0].M, np.tanh(h / 36000.0), atol=1e-8)
