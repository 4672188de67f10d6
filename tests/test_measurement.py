"""Measurement: segments, select, summary, susceptibility formula, corrections, table round trips."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SAMPLE_DATA, realfile

import magfit
from magfit.units import MU_B_ERG_G, N_A, chi_cgs_to_si, chi_mass_cgs_to_si

HEAD = ("[Header]\n; MPMS3 Data File (default extension .dat)\nTITLE,\n"
        "INFO,{mass},SAMPLE_MASS\nINFO,{mw},SAMPLE_MOLECULAR_WEIGHT\nINFO,test,SAMPLE_MATERIAL\n[Data]\n"
        "Comment,Time Stamp (sec),Temperature (K),Magnetic Field (Oe),Moment (emu),M. Std. Err. (emu)\n")


def _qd(tmp_path, rows, mass="10.0", mw="200.0", name="m.dat"):
    """rows: (comment, T, H, m, err)."""
    lines = []
    for i, (c, t, h, m, e) in enumerate(rows):
        cell = f'"{c}"' if c else ""
        lines.append(f"{cell},{i},{t},{h},{m},{e}")
    p = tmp_path / name
    p.write_text(HEAD.format(mass=mass, mw=mw) + "\n".join(lines) + "\n")
    return p


def _curie_rows(temps, field, curie, mass_mg, molar, comment=""):
    """Moments of an ideal Curie paramagnet: m = chi H mass/M, chi = C/T."""
    rows = []
    for k, t in enumerate(temps):
        m = curie / t * field * (mass_mg / 1000.0) / molar
        rows.append((comment if k == 0 else "", t, field, m, 1e-3 * m))
    return rows


def test_susceptibility_formula_by_hand(tmp_path):
    rows = [("", 10.0, 1000.0, 2.0e-3, 1.0e-5), ("", 20.0, 1000.0, 1.0e-3, 1.0e-5)]
    m = magfit.read(_qd(tmp_path, rows))
    chi = m.susceptibility()
    # chi_mol = m M / (mass_g H) = 2e-3 * 200 / (0.010 * 1000) = 0.04 emu/mol
    np.testing.assert_allclose(chi.chi_emu_mol, [0.04, 0.02], rtol=1e-12)
    np.testing.assert_allclose(chi.chi_err_emu_mol, [2e-4, 2e-4], rtol=1e-12)
    assert chi.provenance["sample"]["sources"]["mass_mg"] == "header SAMPLE_MASS"
    assert chi.provenance["columns"]["moment_emu"] == "Moment (emu)"
    assert chi.provenance["dropped"] == {}
    # explicit arguments win over the header; diamagnetic correction subtracted per formula unit,
    # then division by the number of ions
    chi2 = m.susceptibility(mass_mg=20.0, molar_mass_g_mol=400.0, diamagnetic=-1e-3, n_ions=2)
    np.testing.assert_allclose(chi2.chi_emu_mol, [(0.04 + 1e-3) / 2, (0.02 + 1e-3) / 2], rtol=1e-12)
    assert chi2.provenance["corrections"]["diamagnetic_emu_mol"]["value"] == -1e-3
    assert chi2.per == "magnetic ion"


def test_curie_constant_recovered(tmp_path):
    """An ideal S=7/2 paramagnet written as raw moments gives chi*T = C back exactly."""
    curie = magfit.units.curie_from_mu_eff(7.937)
    temps = np.linspace(5, 300, 20)
    m = magfit.read(_qd(tmp_path, _curie_rows(temps, 1000.0, curie, 10.0, 200.0)))
    chi = m.susceptibility()
    np.testing.assert_allclose(chi.chi_T_emu_K_mol, curie, rtol=1e-9)


def test_per_ion_from_formula(tmp_path):
    molar = magfit.sample.molar_mass_g_mol("Gd2(SO4)3(H2O)8")
    temps = np.array([10.0, 100.0])
    rows = _curie_rows(temps, 1000.0, 2 * 7.88, 10.0, molar)
    chi = magfit.read(_qd(tmp_path, rows)).susceptibility(formula="Gd2(SO4)3(H2O)8", per_ion="Gd")
    np.testing.assert_allclose(chi.chi_T_emu_K_mol, 7.88, rtol=1e-9)
    assert chi.per == "Gd"
    assert chi.provenance["per_ion"]["n_ions"] == 2


def test_holder_constant_and_mass_susceptibility(tmp_path):
    rows = [("", 10.0, 1000.0, 2.0e-3, 1e-5), ("", 20.0, 1000.0, 1.0e-3, 1e-5)]
    m = magfit.read(_qd(tmp_path, rows))
    chi = m.susceptibility(holder=1.0e-4)
    np.testing.assert_allclose(chi.chi_emu_mol, [1.9e-3 * 20, 0.9e-3 * 20], rtol=1e-12)
    assert chi.provenance["corrections"]["holder"] == {"kind": "constant", "moment_emu": 1e-4}
    mass = m.mass_susceptibility()
    # chi_g = m / (mass_g H) = 2e-3 / (0.01 * 1000) = 2e-4 emu/g; SI = 4 pi 1e-3 chi_g
    np.testing.assert_allclose(mass["chi_emu_g"], [2e-4, 1e-4], rtol=1e-12)
    np.testing.assert_allclose(mass["chi_m3_kg"], chi_mass_cgs_to_si([2e-4, 1e-4]), rtol=1e-12)
    assert mass.attrs["provenance"]["sample"]["mass_mg"] == 10.0


def test_holder_measurement_from_sample_data():
    """README: mixed_kondo_like.dat contains the holder of empty_holder_mpms3.dat; subtracting it
    recovers chi0 = 1.5e-3 + C/(T - theta) with C = 0.40516, theta = -25 K."""
    m = magfit.read(SAMPLE_DATA / "mixed_kondo_like.dat")
    t_true = None
    with_holder = m.susceptibility(holder=SAMPLE_DATA / "empty_holder_mpms3.dat")
    without = m.susceptibility()
    t_true = with_holder.temperature_K
    model = 1.5e-3 + 0.40516 / (t_true + 25.0)
    err_with = np.median(np.abs(with_holder.chi_emu_mol / model - 1))
    err_without = np.median(np.abs(without.chi_emu_mol / model - 1))
    assert err_with < 0.005 < err_without
    assert with_holder.provenance["corrections"]["holder"]["kind"] == "measurement"


def test_segments_comment_protocol_field_and_direction(tmp_path):
    temps_up = np.linspace(2, 50, 10)
    temps_down = temps_up[::-1]
    rows = (_curie_rows(temps_up, 100.0, 1.0, 10.0, 200.0, comment="ZFC, 100")
            + _curie_rows(temps_down, 100.0, 1.0, 10.0, 200.0, comment="FC, 100")
            + _curie_rows(temps_up, 1000.0, 1.0, 10.0, 200.0))
    # comment rows in QD files are separate, nearly empty rows: emulate by a comment-only row
    m = magfit.read(_qd(tmp_path, rows))
    seg = m.segments()
    assert list(seg["protocol"].fillna("")) == ["ZFC", "FC", "FC"]
    assert list(seg["direction"]) == ["warming", "cooling", "warming"]
    np.testing.assert_allclose(seg["field_Oe"], [100, 100, 1000])
    assert list(seg["n_rows"]) == [10, 10, 10]
    assert len(m.select("ZFC").data) == 10
    assert len(m.select("H=1000").data) == 10
    assert len(m.select("H=0.1T").data) == 10
    assert len(m.select("cooling").data) == 10
    assert len(m.select([0, 2]).data) == 20
    assert len(m.select("FC+warming").data) == 10
    chi = m.susceptibility(segment="ZFC")
    assert len(chi) == 10 and "ZFC" in chi.provenance["selection"]
    text = m.summary()
    assert "ZFC from comment" in text and "SAMPLE_MASS = 10.0" in text


def test_dropped_rows_are_counted(tmp_path):
    rows = [("", 10.0, 1000.0, 2.0e-3, 1e-5), ("", "", 1000.0, 1.0e-3, 1e-5),
            ("", 30.0, 1000.0, "", 1e-5), ("", 40.0, 0.0, 1.0e-3, 1e-5), ("", 50.0, 1000.0, 1e-3, 1e-5)]
    chi = magfit.read(_qd(tmp_path, rows)).susceptibility()
    assert len(chi) == 2
    assert chi.provenance["dropped"] == {"temperature missing (NaN)": 1, "moment missing (NaN)": 1,
                                         "zero field": 1}
    assert chi.provenance["rows_in"] == 5 and chi.provenance["rows_used"] == 2


def test_chit_to_frame_round_trip(tmp_path):
    t = np.linspace(2, 300, 50)
    orig = magfit.ChiT(t, 0.45 / (t + 3), 1e-5 * np.ones_like(t), field_Oe=1000.0)
    p = tmp_path / "chi.csv"
    orig.to_frame().to_csv(p, index=False)
    m = magfit.read(p)
    assert m.variant == "chi table"
    assert m.columns == {"temperature_K": "temperature_K", "chi_emu_mol": "chi_emu_mol",
                         "chi_err_emu_mol": "chi_err_emu_mol", "field_Oe": "field_Oe"}
    back = m.susceptibility()
    np.testing.assert_allclose(back.chi_emu_mol, orig.chi_emu_mol, rtol=1e-12)
    np.testing.assert_allclose(back.chi_err_emu_mol, orig.chi_err_emu_mol, rtol=1e-12)
    # SI: chi_m3_mol is converted back to emu/mol (divide by 4 pi 1e-6)
    p2 = tmp_path / "chi_si.csv"
    orig.to_frame(si=True).to_csv(p2, index=False)
    back2 = magfit.read(p2).susceptibility()
    np.testing.assert_allclose(back2.chi_emu_mol, orig.chi_emu_mol, rtol=1e-12)
    np.testing.assert_allclose(back2.chi_err_emu_mol, orig.chi_err_emu_mol, rtol=1e-12)


@pytest.mark.parametrize("sep", [",", "\t", "   ", ";"])
def test_table_column_names_and_delimiters(tmp_path, sep):
    names = ["Temp (K)", "chi (emu/g)", "note"]
    rows = [["2", "1e-3", "a"], ["3", "2e-3", "b"]]
    text = sep.join(names) + "\n" + "\n".join(sep.join(r) for r in rows) + "\n"
    p = tmp_path / "t.txt"
    p.write_text("# sample: test\n" + text)
    m = magfit.read(p)
    assert m.columns["temperature_K"] == "Temp (K)"
    assert m.columns["chi_emu_g"] == "chi (emu/g)"
    assert m.header["sample"] == "test"
    with pytest.raises(magfit.SampleError, match="molar mass"):
        m.susceptibility()
    chi = m.susceptibility(molar_mass_g_mol=100.0)
    np.testing.assert_allclose(chi.chi_emu_mol, [0.1, 0.2], rtol=1e-12)


def test_table_units_converted(tmp_path):
    p = tmp_path / "u.csv"
    p.write_text("T_K,H (T),M (muB/f.u.),chi_m3_mol\n10,1.0,0.5,1e-6\n")
    m = magfit.read(p)
    assert m.field_Oe[0] == pytest.approx(1e4)
    assert m.column("chi_emu_mol")[0] == pytest.approx(1e-6 / chi_cgs_to_si(1.0))
    m2 = magfit.read(p, columns={"chi_emu_mol": "chi_m3_mol"}, units={"chi_m3_mol": "emu/mol"})
    assert m2.column("chi_emu_mol")[0] == 1e-6
    # moment per formula unit: chi = M[muB] N_A mu_B / H, no mass needed
    p3 = tmp_path / "mub.csv"
    p3.write_text("T (K),H (Oe),M (muB/f.u.)\n10,1000,0.5\n")
    chi = magfit.read(p3).susceptibility()
    assert chi.chi_emu_mol[0] == pytest.approx(0.5 * N_A * MU_B_ERG_G / 1000.0, rel=1e-12)


def test_units_override_on_unit_less_column(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("T,chi\n10,0.1\n20,0.05\n")
    m = magfit.read(p, units={"chi": "m3/mol"})
    assert m.column("chi_emu_mol")[0] == pytest.approx(0.1 / chi_cgs_to_si(1.0))
    assert "m3/mol" in m.summary()


def test_select_returns_measurement_with_provenance(tmp_path):
    rows = _curie_rows(np.linspace(2, 20, 5), 100.0, 1.0, 10.0, 200.0)
    m = magfit.read(_qd(tmp_path, rows))
    sub = m.select(0)
    assert isinstance(sub, magfit.Measurement)
    assert sub.provenance["selections"] == ["segment 0: 5 of 5 rows"]
    assert sub.header == m.header and sub.sha256 == m.sha256
    with pytest.raises(magfit.FormatError, match="no segment 3"):
        m.select(3)


@pytest.mark.parametrize("name,canonical,factor", [
    ("T", "temperature_K", 1.0), ("Temp (K)", "temperature_K", 1.0),
    ("Temperature (K)", "temperature_K", 1.0),
    ("T_K", "temperature_K", 1.0), ("temperature_K", "temperature_K", 1.0),
    ("chi", "chi_emu_mol", 1.0), ("\u03c7", "chi_emu_mol", 1.0), ("chi (emu/mol)", "chi_emu_mol", 1.0),
    ("chi_emu_mol", "chi_emu_mol", 1.0), ("chi_m3_mol", "chi_emu_mol", 1.0 / chi_cgs_to_si(1.0)),
    ("\u03c7 (m\u00b3/mol)", "chi_emu_mol", 1.0 / chi_cgs_to_si(1.0)),
    ("chi (emu/g)", "chi_emu_g", 1.0), ("chi (m^3/kg)", "chi_emu_g", 1.0 / chi_mass_cgs_to_si(1.0)),
    ("M (emu)", "moment_emu", 1.0), ("Moment (m) [emu]", "moment_emu", 1.0), ("m (A m^2)", "moment_emu", 1e3),
    ("M (\u00b5B/f.u.)", "moment_muB_fu", 1.0), ("H (Oe)", "field_Oe", 1.0), ("Field [Oe]", "field_Oe", 1.0),
    ("H (kOe)", "field_Oe", 1e3), ("mu0H (T)", "field_Oe", 1e4), ("Time Stamp (sec)", "time_s", 1.0),
])
def test_column_names_matched_by_name_and_unit(tmp_path, name, canonical, factor):
    from magfit.io.table import match_table_columns

    cols, conv, _ = match_table_columns([name])
    assert cols == {canonical: name}
    assert conv.get(canonical, (1.0, 0.0, ""))[0] == pytest.approx(factor, rel=1e-12)


def test_field_override_that_disagrees_with_the_file_is_recorded_and_flagged():
    """--field-oe 5000 on a 1000 Oe file makes chi 5x too small: it must not pass silently."""
    m = magfit.read(SAMPLE_DATA / "gd_sulfate_mpms3.dat")
    wrong = m.susceptibility(formula="Gd2(SO4)3(H2O)8", per_ion="Gd", field_Oe=5000.0)
    assert any("field_Oe given" in w for w in wrong.provenance["warnings"])
    fit = magfit.fit_curie_weiss(wrong)
    assert any("field_Oe given" in f for f in fit.flags)
    same = m.susceptibility(formula="Gd2(SO4)3(H2O)8", per_ion="Gd", field_Oe=1000.0)
    assert not any("field_Oe given" in w for w in same.provenance.get("warnings", []))


def test_default_selection_says_which_segments_were_merged():
    """ZFC and FC sweeps fitted together by default: the provenance (and the fit summary) say so."""
    path = realfile("zfcfc1")
    chi = magfit.read(path).susceptibility(molar_mass_g_mol=500.0)
    sel = chi.provenance["selection"]
    assert "merged" in sel and "ZFC" in sel and "FC" in sel and "segment=" in sel
    single = magfit.read(SAMPLE_DATA / "gd_sulfate_mpms3.dat").susceptibility(formula="Gd2(SO4)3(H2O)8")
    assert "merged" not in single.provenance["selection"]
