"""Loader follow-ups: the Lake Shore placeholder mass and rows at the magnet's residual field.

Files are generated here from a Curie-Weiss paramagnet whose C is computed from scipy.constants
(cgs: C = N_A mu_B^2 mu_eff^2 / (3 k_B)), independently of magfit.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from scipy import constants as sc

import magfit
from magfit.cli import main
from magfit.errors import SampleError

N_A = sc.N_A
MU_B_CGS = sc.physical_constants["Bohr magneton"][0] * 1e3
K_B_CGS = sc.k * 1e7
MU_EFF, THETA_K, CHI0 = 5.92, -3.0, 0.0
CURIE = N_A * MU_B_CGS**2 * MU_EFF**2 / (3 * K_B_CGS)
MOLAR_MASS, MASS_MG = 400.0, 20.0
T = np.round(np.linspace(2.0, 300.0, 30), 6)


def chi_cw(temp):
    return CURIE / (np.asarray(temp, float) - THETA_K) + CHI0


def moment(temp, field_Oe):
    return chi_cw(temp) * field_Oe * (MASS_MG / 1000.0) / MOLAR_MASS


# ------------------------------------------------------------ Lake Shore placeholder mass
def _lakeshore(path, mass_text: str) -> str:
    head = ("#RUN ON SOFTWARE VERSION:,,,,,\n1.2,,,,,\n#SAMPLE SETTINGS,,,,,\nID: S1,,,,,\n"
            "Volume: 1.00000 cm,,,,,\n" f"Mass: {mass_text},,,,,\n#DATA: 2,,,,,\n"
            "##DATA TABLE Moment (m) [emu] vs Temperature [K],,,,,\n"
            "Step,Temperature [K],Field [Oe],Moment (m) [emu],Time Stamp [s],Moment (m) Status\n")
    body = "".join(f"2,{t:.10g},1000,{m:.12g},{2 * i},GOOD\n"
                   for i, (t, m) in enumerate(zip(T, moment(T, 1000.0), strict=True)))
    path.write_text(head + body, encoding="utf-8")
    return str(path)


def test_placeholder_mass_is_flagged_and_refused(tmp_path):
    path = _lakeshore(tmp_path / "ls.csv", "1.00000 g")
    m = magfit.read(path)
    note = "mass is the instrument default placeholder 1 g — pass --mass-mg"
    assert note in m.provenance["warnings"]
    assert note in m.summary()
    with pytest.raises(SampleError, match="placeholder 1 g"):
        m.susceptibility(molar_mass_g_mol=MOLAR_MASS)
    chi = m.susceptibility(mass_mg=MASS_MG, molar_mass_g_mol=MOLAR_MASS)
    np.testing.assert_allclose(chi.chi_emu_mol, chi_cw(T), rtol=1e-9)


def test_a_real_mass_in_the_lakeshore_header_is_used(tmp_path):
    path = _lakeshore(tmp_path / "ls.csv", f"{MASS_MG / 1000:.5f} g")
    m = magfit.read(path)
    assert not m.provenance.get("warnings")
    chi = m.susceptibility(molar_mass_g_mol=MOLAR_MASS)
    np.testing.assert_allclose(chi.chi_emu_mol, chi_cw(T), rtol=1e-6)


def test_cli_fit_and_info_say_placeholder(tmp_path, capsys):
    path = _lakeshore(tmp_path / "ls.csv", "1.00000 g")
    assert main(["fit", path, "--molar-mass", str(MOLAR_MASS), "--json"]) == 1
    err = json.loads(capsys.readouterr().out)["error"]
    assert "placeholder 1 g" in err and "--mass-mg" in err
    assert main(["info", path, "--json"]) == 0
    assert any("placeholder" in w for w in json.loads(capsys.readouterr().out)["warnings"])


REAL_LS = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "realdata",
                       "BRimmler__Magnetometry-Analysis-App__vsm_testdata.csv")


@pytest.mark.skipif(not os.path.exists(REAL_LS), reason="../shared/realdata not present")
def test_real_lakeshore_file_mh_stays_in_emu_with_a_warning(capsys):
    assert main(["mh", REAL_LS, "--json"]) == 0
    (rec,) = json.loads(capsys.readouterr().out)
    assert rec["unit"] == "emu" and any("placeholder" in w for w in rec["warnings"])
    with pytest.raises(SampleError, match="placeholder"):
        magfit.mh.read_isotherms(REAL_LS, unit="emu_g")


# ------------------------------------------------------------ residual field rows
def _with_residual(path, n_residual=4, residual_Oe=0.07, field_Oe=251.0):
    """A 251 Oe warming sweep, then a magnet reset and a few rows at the 0.07 Oe remanent field."""
    t_res = np.linspace(300.0, 295.0, n_residual)
    rng = np.random.default_rng(3)
    noise = 2e-9 * rng.standard_normal(n_residual)      # the SQUID's noise: chi = M/0.07 Oe is huge
    lines = ["Temperature (K),Magnetic Field (Oe),Moment (emu)"]
    lines += [f"{t:.10g},{field_Oe},{m:.12g}" for t, m in zip(T, moment(T, field_Oe), strict=True)]
    lines += [f"{t:.10g},{residual_Oe},{m:.12g}"
              for t, m in zip(t_res, moment(t_res, residual_Oe) + noise, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_residual_field_rows_are_their_own_segment_and_not_in_default_chi(tmp_path):
    path = _with_residual(tmp_path / "mt.csv")
    m = magfit.read(path)
    seg = m.segments()
    res = seg[seg["label"].str.contains("residual field")]
    assert len(res) == 1 and res["n_rows"].iloc[0] == 4
    assert res["field_Oe"].iloc[0] == pytest.approx(0.07)
    assert "residual field" in m.summary()
    chi = m.susceptibility(mass_mg=MASS_MG, molar_mass_g_mol=MOLAR_MASS)
    assert chi.temperature_K.size == T.size
    np.testing.assert_allclose(chi.chi_emu_mol, chi_cw(T), rtol=1e-9)
    (reason, count), = [(k, v) for k, v in chi.provenance["dropped"].items() if "residual" in k]
    assert count == 4 and "segment=" in reason
    assert "residual-field segment" in chi.provenance["selection"]
    fit = magfit.fit_curie_weiss(chi, tmin=10.0)
    assert fit.mu_eff.nominal_value == pytest.approx(MU_EFF, rel=1e-6)
    assert fit.theta_K.nominal_value == pytest.approx(THETA_K, abs=1e-4)
    picked = m.susceptibility(mass_mg=MASS_MG, molar_mass_g_mol=MOLAR_MASS, segment=int(res["id"].iloc[0]))
    assert picked.temperature_K.size == 4          # still selectable on purpose


def test_low_field_file_alone_is_not_residual(tmp_path):
    """A measurement at 2 Oe (a superconductor's ZFC) with no other field is a measuring field."""
    path = tmp_path / "lowfield.csv"
    path.write_text("Temperature (K),Magnetic Field (Oe),Moment (emu)\n" + "".join(
        f"{t:.10g},2,{mm:.12g}\n" for t, mm in zip(T, moment(T, 2.0), strict=True)), encoding="utf-8")
    m = magfit.read(str(path))
    assert not m.segments()["label"].str.contains("residual").any()
    chi = m.susceptibility(mass_mg=MASS_MG, molar_mass_g_mol=MOLAR_MASS)
    np.testing.assert_allclose(chi.chi_emu_mol, chi_cw(T), rtol=1e-9)


# ------------------------------------------------------------ empty quantity columns (one pass)
def test_empty_quantity_columns_settled_in_one_pass(tmp_path):
    """Empty 'Moment (emu)' gives way to the filled DC moment; an empty 'AC Susceptibility (emu/Oe)'
    beside it is unmapped with a note; a column the user maps is kept even when empty."""
    head = ("Temperature (K),Magnetic Field (Oe),Moment (emu),AC Susceptibility (emu/Oe),"
            "DC Moment Free Ctr (emu)")
    rows = [f"{t:.10g},1000,,,{mm:.12g}" for t, mm in zip(T, moment(T, 1000.0), strict=True)]
    path = tmp_path / "copied.csv"
    path.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    m = magfit.read(str(path))
    assert m.columns["moment_emu"] == "DC Moment Free Ctr (emu)"
    assert "chi_sample_emu_Oe" not in m.columns
    notes = m.provenance["notes"]
    assert any("'Moment (emu)' is empty in every row; moment_emu read from" in n for n in notes)
    assert any("'AC Susceptibility (emu/Oe)' (chi_sample_emu_Oe) is empty in every row: not used" in n
               for n in notes)
    chi = m.susceptibility(mass_mg=MASS_MG, molar_mass_g_mol=MOLAR_MASS)
    np.testing.assert_allclose(chi.chi_emu_mol, chi_cw(T), rtol=1e-9)
    kept = magfit.read(str(path), columns={"chi_sample_emu_Oe": "AC Susceptibility (emu/Oe)"})
    assert kept.columns["chi_sample_emu_Oe"] == "AC Susceptibility (emu/Oe)"
