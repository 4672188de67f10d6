"""Measurement.ac_susceptibility on the real MPMS-XL AC and PPMS ACMS files (skipped without ../shared).

Hand values come from the raw text of the files (numbers copied from the data lines quoted below),
converted with chi' = m' / h_ac * M_molar / mass_g (cgs, emu/mol).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import realfile

import magfit

XL_AC = "pb6051_ac_0Oe11.ac"
ACMS = "Na1.9IrO3"
#: MPMS-XL file, first data line (file line 29): m' = 1.181545e-4 emu, m" = 3.978727e-5 emu,
#: drive amplitude 6 Oe, frequency 0.100003 Hz, T = 3.999938 K, field 0 Oe; header WEIGHT = 21.300 mg
XL_M_RE, XL_M_IM, XL_HAC, XL_F, XL_T, XL_MASS_G = 1.181545e-4, 3.978727e-5, 6.0, 0.100003, 3.999938, 0.0213
#: ACMS file, first AC row with a moment (data row 209): T = 2.03033445 K, H = 9.853 Oe, f = 100 Hz,
#: h_ac = 5.00030447701092 Oe, M' = 2.21978182109366e-6 emu, M'' = 3.39759620719378e-8 emu;
#: header "INFO,mass (g) =,0.0467"
ACMS_ROW, ACMS_T, ACMS_H, ACMS_F, ACMS_HAC = 209, 2.03033445, 9.853, 100.0, 5.00030447701092
ACMS_M_RE, ACMS_M_IM, ACMS_MASS_G = 2.21978182109366e-6, 3.39759620719378e-8, 0.0467
MOLAR = 500.0  # an arbitrary molar mass (g/mol) for the MPMS-XL sample, whose formula is not given


def test_mpms_xl_ac_rows_and_first_row_by_hand():
    m = magfit.read(realfile(XL_AC))
    df = m.ac_susceptibility(molar_mass_g_mol=MOLAR)
    assert len(df) == 13
    assert list(df.columns) == ["temperature_K", "field_Oe", "frequency_Hz", "amplitude_Oe",
                                "chi_real_emu_mol", "chi_imag_emu_mol"]
    first = df.iloc[0]
    assert first.temperature_K == pytest.approx(XL_T)
    assert first.field_Oe == 0.0  # zero DC bias is fine for AC (no zero-field drop)
    assert first.frequency_Hz == pytest.approx(XL_F)
    assert first.amplitude_Oe == XL_HAC
    assert first.chi_real_emu_mol == pytest.approx(XL_M_RE / XL_HAC * MOLAR / XL_MASS_G, rel=1e-9)
    assert first.chi_imag_emu_mol == pytest.approx(XL_M_IM / XL_HAC * MOLAR / XL_MASS_G, rel=1e-9)
    # frequency sweep at 4 K: increasing frequency, chi' falls (slow relaxation of this sample)
    assert np.all(np.diff(df.frequency_Hz) > 0)
    assert np.all(np.diff(df.chi_real_emu_mol) < 0)
    prov = df.attrs["provenance"]
    assert prov["sample"]["sources"]["mass_mg"] == "header WEIGHT"
    assert prov["columns"]["moment_ac_real_emu"] == "m' (emu)"
    assert prov["columns"]["ac_amplitude_Oe"] == "Drive Amplitude (Oe)"
    assert prov["dropped"] == {}
    # the Scan Std Dev columns are 0 (one scan per point): no error columns, and a note says why
    assert any("Scan Std Dev" in note for note in prov["notes"])


def test_acms_ac_rows_selected_and_first_row_by_hand():
    m = magfit.read(realfile(ACMS))
    kind = m.row_kind()
    n_dc = int((kind == "DC").sum())
    assert len(m) == 235 and n_dc == 201
    df = m.ac_susceptibility(formula="Na1.9IrO3")
    prov = df.attrs["provenance"]
    assert prov["rows_in"] == 235 - 201
    # 8 AC rows (Measure Type 1, before the sweep) carry no M': dropped and counted, never silently
    assert prov["dropped"] == {"AC moment m' missing (NaN)": 8}
    assert len(df) == prov["rows_used"] == 34 - 8
    assert df.index[0] == ACMS_ROW
    molar = magfit.sample.molar_mass_g_mol("Na1.9IrO3")
    first = df.iloc[0]
    assert (first.temperature_K, first.field_Oe, first.frequency_Hz) == pytest.approx(
        (ACMS_T, ACMS_H, ACMS_F))
    assert first.amplitude_Oe == pytest.approx(ACMS_HAC)
    assert first.chi_real_emu_mol == pytest.approx(ACMS_M_RE / ACMS_HAC * molar / ACMS_MASS_G, rel=1e-9)
    assert first.chi_imag_emu_mol == pytest.approx(ACMS_M_IM / ACMS_HAC * molar / ACMS_MASS_G, rel=1e-9)
    assert prov["sample"]["sources"]["mass_mg"].startswith("header 'mass (g)'")
    assert "201 DC rows not used" in prov["selection"]


def test_acms_ac_chi_agrees_with_dc_chi_of_the_same_file():
    """Independent check of the emu/Oe convention: below ~15 K Na2IrO3-type chi is field-linear, so
    chi'(10 Oe bias, 100 Hz) ~ M/H of the DC sweep at 1 T. A peak-vs-rms mix-up (factor sqrt 2) or a
    4 pi slip would fall outside 0.8..1.2."""
    m = magfit.read(realfile(ACMS))
    ac = m.ac_susceptibility(formula="Na1.9IrO3")
    dc = m.susceptibility(formula="Na1.9IrO3", segment="ZFC")
    order = np.argsort(dc.temperature_K)
    dc_at_ac = np.interp(ac.temperature_K, dc.temperature_K[order], dc.chi_emu_mol[order])
    ratio = np.median(dc_at_ac / ac.chi_real_emu_mol)
    assert 0.8 < ratio < 1.2
    # chi'' is noise around zero for this insulating antiferromagnet: |chi''| << chi'
    assert np.median(np.abs(ac.chi_imag_emu_mol)) < 0.05 * np.median(ac.chi_real_emu_mol)


def test_per_ion_and_diamagnetic_correction():
    m = magfit.read(realfile(XL_AC))
    base = m.ac_susceptibility(molar_mass_g_mol=MOLAR)
    dia = -2.0e-4  # emu/mol per formula unit
    n = 2.0
    per = m.ac_susceptibility(molar_mass_g_mol=MOLAR, n_ions=n, diamagnetic=dia)
    # chi'_ion = (chi'_fu - chi_dia) / n ; chi''_ion = chi''_fu / n (static diamagnetism is in phase)
    np.testing.assert_allclose(per.chi_real_emu_mol, (base.chi_real_emu_mol - dia) / n, rtol=1e-12)
    np.testing.assert_allclose(per.chi_imag_emu_mol, base.chi_imag_emu_mol / n, rtol=1e-12)
    prov = per.attrs["provenance"]
    assert prov["corrections"]["diamagnetic_emu_mol"]["value"] == dia
    assert prov["corrections"]["diamagnetic_emu_mol"]["applied_to"] == "chi' only"
    assert prov["per_ion"]["n_ions"] == n
    # per_ion from a formula: Gd2(SO4)3(H2O)8 has 2 Gd, so per Gd is half the per-formula-unit value
    fu = m.ac_susceptibility(formula="Gd2(SO4)3(H2O)8")
    gd = m.ac_susceptibility(formula="Gd2(SO4)3(H2O)8", per_ion="Gd")
    np.testing.assert_allclose(gd.chi_real_emu_mol, fu.chi_real_emu_mol / 2, rtol=1e-12)
    assert gd.attrs["provenance"]["per"] == "Gd"


def test_explicit_mass_wins_over_header():
    m = magfit.read(realfile(XL_AC))
    df = m.ac_susceptibility(mass_mg=42.6, molar_mass_g_mol=MOLAR)
    assert df.chi_real_emu_mol.iloc[0] == pytest.approx(XL_M_RE / XL_HAC * MOLAR / 0.0426, rel=1e-9)
    assert df.attrs["provenance"]["sample"]["sources"]["mass_mg"] == "argument mass_mg"


def _with_amplitude(m, values):
    data = m.data.copy()
    data[m.columns["ac_amplitude_Oe"]] = values
    return dataclasses.replace(m, data=data)


def test_zero_or_missing_amplitude_is_a_units_error():
    m = magfit.read(realfile(XL_AC))
    with pytest.raises(magfit.UnitsError, match="Drive Amplitude \\(Oe\\).*ac_amplitude_Oe"):
        _with_amplitude(m, 0.0).ac_susceptibility(molar_mass_g_mol=MOLAR)
    with pytest.raises(magfit.UnitsError, match="zero or missing in every AC row"):
        _with_amplitude(m, np.nan).ac_susceptibility(molar_mass_g_mol=MOLAR)
    no_col = dataclasses.replace(m, columns={k: v for k, v in m.columns.items() if k != "ac_amplitude_Oe"})
    with pytest.raises(magfit.UnitsError, match="no AC drive-amplitude column.*ac_amplitude_Oe"):
        no_col.ac_susceptibility(molar_mass_g_mol=MOLAR)


def test_one_zero_amplitude_row_is_dropped_and_counted():
    m = magfit.read(realfile(XL_AC))
    amp = np.full(len(m), XL_HAC)
    amp[3] = 0.0
    df = _with_amplitude(m, amp).ac_susceptibility(molar_mass_g_mol=MOLAR)
    assert len(df) == 12 and 3 not in df.index
    assert df.attrs["provenance"]["dropped"] == {"AC drive amplitude zero or missing": 1}


def test_dc_file_has_no_ac_rows():
    m = magfit.read(realfile("zfcfc1"))
    with pytest.raises(magfit.FormatError, match="no AC rows.*susceptibility\\(\\)"):
        m.ac_susceptibility(molar_mass_g_mol=MOLAR, mass_mg=1.0)


def test_missing_molar_mass_is_a_sample_error():
    m = magfit.read(realfile(XL_AC))
    with pytest.raises(magfit.SampleError, match="molar mass unknown.*formula="):
        m.ac_susceptibility()


def test_susceptibility_on_ac_only_file_points_to_ac_susceptibility():
    m = magfit.read(realfile(XL_AC))
    with pytest.raises(magfit.FormatError, match="only AC rows.*ac_susceptibility\\(\\)"):
        m.susceptibility(mass_mg=21.3, molar_mass_g_mol=MOLAR)


def _mpms3_ac_file(tmp_path, rows):
    """An MPMS3 file with the real header and column list of zfcfc1.dat (an 'MPMS3 w/ AC' file) and
    the given rows {column name: value} (other cells empty)."""
    lines = realfile("zfcfc1").read_text(encoding="utf-8", errors="replace").splitlines()
    start = lines.index("[Data]")
    names = lines[start + 1].split(",")
    body = [",".join(str(row.get(n, "")) for n in names) for row in rows]
    path = tmp_path / "mpms3_ac.dat"
    path.write_text("\n".join(lines[:start + 2] + body) + "\n", encoding="utf-8")
    return path


def test_mpms3_chi_given_in_emu_per_oe_is_used_directly(tmp_path):
    """MPMS3 writes AC X' / AC X'' already in emu/Oe (no division by the drive amplitude), plus
    'AC Moment (emu)' = |X| h_ac, which is not the in-phase part and must not be used as m'."""
    x_re, x_im, x_err, h_ac = [1.0e-6, 2.0e-6, 3.0e-6], [1.0e-7, 3.0e-7, 2.0e-7], 1.0e-9, 3.0
    rows = [{"Temperature (K)": t, "Magnetic Field (Oe)": 1000.0, "AC X' (emu/Oe)": a, "AC X'' (emu/Oe)": b,
             "AC X' Std Err. (emu/Oe)": x_err, "AC X'' Std Err. (emu/Oe)": x_err,
             "AC Moment (emu)": float(np.hypot(a, b) * h_ac), "AC Drive (Oe)": h_ac, "AC Frequency (Hz)": f}
            for t, a, b, f in zip([2.0, 3.0, 4.0], x_re, x_im, [10.0, 100.0, 1000.0], strict=True)]
    m = magfit.read(_mpms3_ac_file(tmp_path, rows))
    df = m.ac_susceptibility(molar_mass_g_mol=MOLAR)  # header SAMPLE_MASS = 1.6 mg
    mass_g = 1.6e-3
    np.testing.assert_allclose(df.chi_real_emu_mol, np.array(x_re) * MOLAR / mass_g, rtol=1e-12)
    np.testing.assert_allclose(df.chi_imag_emu_mol, np.array(x_im) * MOLAR / mass_g, rtol=1e-12)
    np.testing.assert_allclose(df.chi_real_err_emu_mol, x_err * MOLAR / mass_g, rtol=1e-12)
    np.testing.assert_allclose(df.chi_imag_err_emu_mol, x_err * MOLAR / mass_g, rtol=1e-12)
    assert list(df.frequency_Hz) == [10.0, 100.0, 1000.0]
    assert list(df.field_Oe) == [1000.0] * 3 and list(df.amplitude_Oe) == [h_ac] * 3
    prov = df.attrs["provenance"]
    assert prov["columns"]["chi_real_emu_Oe"] == "AC X' (emu/Oe)"
    assert "moment_ac_real_emu" not in prov["columns"]


def test_header_conventions_give_molar_mass_wax_and_diamagnetism():
    """pb6051 re-uses MPMS-XL fields: LENGTH = 500 g/mol, AREA = 20.5 mg eicosane, SHAPE = -1.3e-6
    emu/mol. chi' = (m'/h_ac - chi_g,wax m_wax) M / mass - chi_dia; chi'' gets neither correction."""
    from magfit.corrections import EICOSANE_CHI_EMU_G

    m = magfit.read(realfile(XL_AC))
    df = m.ac_susceptibility(header_conventions=True)
    wax_g, dia = 20.5e-3, -1.3e-6
    assert df.chi_real_emu_mol.iloc[0] == pytest.approx(
        (XL_M_RE / XL_HAC - EICOSANE_CHI_EMU_G * wax_g) * 500.0 / XL_MASS_G - dia, rel=1e-9)
    assert df.chi_imag_emu_mol.iloc[0] == pytest.approx(XL_M_IM / XL_HAC * 500.0 / XL_MASS_G, rel=1e-9)
    prov = df.attrs["provenance"]
    assert prov["sample"]["sources"]["molar_mass_g_mol"] == "header LENGTH"
    assert prov["corrections"]["eicosane"]["applied_to"] == "chi' only"
