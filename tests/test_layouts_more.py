"""More table and instrument layouts people really export, each read back to a known paramagnet.

Independent of tests/test_table_layouts.py and tests/test_realfiles_layouts.py: every file here is
written from chi(T) = C/(T - theta) + chi0 with C = N_A mu_B^2 mu_eff^2 / (3 k_B) and all unit
factors computed in this file from scipy.constants (SI: chi_SI = 4 pi 1e-6 chi_cgs for a molar
chi; mu_0 H in T = 1e-4 H in Oe; H in A/m = 1000/(4 pi) H in Oe). Each layout is read with
magfit.read, converted with Measurement.susceptibility and fitted with fit_curie_weiss; chi must
come back to 1e-6 relative and mu_eff, theta to 1e-6 where the layout is exact (all of them
here: the numbers are written with 12 significant digits). Layouts that are genuinely ambiguous
must raise an error naming the column and the fix.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import constants as sc

import magfit
from magfit.errors import MagfitError

N_A = sc.N_A
MU_B_CGS = sc.physical_constants["Bohr magneton"][0] * 1e3     # erg/G
K_B_CGS = sc.k * 1e7                                             # erg/K
MU_EFF, THETA_K, CHI0 = 4.90, -7.5, 0.0
CURIE = N_A * MU_B_CGS**2 * MU_EFF**2 / (3 * K_B_CGS)            # emu K/mol
SI_MOLAR = 4 * math.pi * 1e-6                                    # m^3/mol per emu/(mol Oe)
SI_MASS = 4 * math.pi * 1e-3                                     # m^3/kg per emu/(g Oe)
TESLA_PER_OE = 1e-4                                              # mu_0 H (T) per H (Oe)
AM_PER_OE = 1e3 / (4 * math.pi)                                  # H (A/m) per H (Oe)
FORMULA, MOLAR_MASS = "FeSO4(H2O)7", 278.01                      # 278.0146 from periodictable
MASS_MG, FIELD_OE = 17.3, 2000.0
T = np.round(np.linspace(5.0, 300.0, 28), 6)


def chi_cw(temp):
    """The paramagnet, emu/mol."""
    return CURIE / (np.asarray(temp, float) - THETA_K) + CHI0


def moment_emu(temp, field_Oe=FIELD_OE, molar=MOLAR_MASS):
    """What the magnetometer measures on MASS_MG of the paramagnet."""
    return chi_cw(temp) * field_Oe * (MASS_MG / 1000.0) / molar


def g(x: float) -> str:
    return f"{x:.12g}"


def table(columns, sep=",", end="", decimal="."):
    lines = []
    for values in zip(*columns, strict=True):
        cells = [g(v) for v in values]
        if decimal != ".":
            cells = [c.replace(".", decimal) for c in cells]
        lines.append(sep.join(cells) + end)
    return "\n".join(lines) + "\n"


X = chi_cw(T)
MU = np.sqrt(3 * K_B_CGS * X * T / (N_A * MU_B_CGS**2))       # mu_eff(T) per formula unit, muB


def _formula_molar_mass():
    import periodictable

    return float(periodictable.formula("FeSO4(H2O)7").mass)


# ------------------------------------------------------------------ layouts
# each returns (file name, text or bytes, read() kwargs, susceptibility() kwargs)

def si_molar_bracket():
    return "si_molar.csv", "T [K],χ_M [m³/mol]\n" + table([T, X * SI_MOLAR]), {}, {}


def si_mass_chi():
    return "si_mass.csv", "T (K),chi_g (m3/kg)\n" + table([T, X / MOLAR_MASS * SI_MASS]), {}, \
        {"molar_mass_g_mol": MOLAR_MASS}


def si_chi_t():
    return "si_chit.csv", "T (K),χT (m^3 K mol^-1)\n" + table([T, X * T * SI_MOLAR]), {}, {}


def cgs_chi_t_with_oe():
    return "chit_oe.csv", "T (K),chiT (emu K Oe^-1 mol^-1)\n" + table([T, X * T]), {}, {}


def si_inverse_chi():
    return "inv_si.csv", "T (K),1/χ (mol m^-3)\n" + table([T, 1 / (X * SI_MOLAR)]), {}, {}


def mu_eff_greek():
    return "mueff1.csv", "T (K),μeff (μB)\n" + table([T, MU]), {}, {}


def mu_eff_slash():
    return "mueff2.csv", "T/K,mu_eff/muB\n" + table([T, MU]), {}, {}


def peff_bare():
    return "mueff3.txt", "T\tPeff\n" + table([T, MU], sep="\t"), {}, {}


def chi_per_gram_formula():
    return "chig.csv", "T (K),χg (emu g-1 Oe-1)\n" + table([T, X / _formula_molar_mass()]), {}, \
        {"formula": FORMULA}


def m_over_h_molar_paren():
    return "mh1.csv", "Temperature (K),M/H (emu/(mol Oe))\n" + table([T, X]), {}, {}


def m_over_h_molar_negative_exponents():
    return "mh2.csv", "Temperature (K),M/H (emu mol-1 Oe-1)\n" + table([T, X]), {}, {}


def two_row_header_plain_units():
    return "two_rows.csv", "Temperature,Susceptibility\nK,emu/mol\n" + table([T, X]), {}, {}


def two_row_header_paren_units_tab():
    return "two_rows.txt", "T\tchi\n(K)\t(cm^3/mol)\n" + table([T, X], sep="\t"), {}, {}


def units_after_slash_no_spaces():
    return "slash.csv", "T/K,chi/emu mol-1\n" + table([T, X]), {}, {}


def origin_three_header_rows():
    text = ("Temperature,chi_M,chi_M T\nK,cm3 mol-1,cm3 K mol-1\nsample A,ZFC 2 kOe,\n"
            + table([T, X, X * T]))
    return "origin.csv", text, {}, {}


def french_semicolon_decimal_comma():
    return "fr.csv", "Température (K);χ (emu/mol)\n" + table([T, X], sep=";", decimal=","), {}, {}


def german_moment_semicolon_comma_exponent():
    text = "Temperatur (K);Feld (Oe);Moment (emu)\n" + table(
        [T, np.full(T.size, FIELD_OE), moment_emu(T)], sep=";", decimal=",")
    return "de_moment.csv", text, {}, {"mass_mg": MASS_MG, "molar_mass_g_mol": MOLAR_MASS}


def tab_trailing_tabs():
    return "trail.txt", "T (K)\tchi (emu/mol)\t\t\n" + table([T, X], sep="\t", end="\t\t"), {}, {}


def mpms_xl_rso_long_moment():
    header = ("[Header]\n; MPMS Data File\nINFO, MPMS-XL RSO Measurement\nINFO, NAME, FeSO4\n"
              f"INFO, WEIGHT, {g(MASS_MG)}\nINFO, LENGTH, 1.0\nBYAPP, MPMS MultiVu, 1.54\n"
              "TITLE, RSO run\nFILEOPENTIME, 1388534400.0, 01/01/2014, 12:00 am\n[Data]\n"
              "Time,Comment,Field (Oe),Temperature (K),Long Moment (emu),Long Scan Std Dev,"
              "Long Algorithm,Long Reg Fit,RSO Position (cm),Amplitude (cm),Frequency (Hz),"
              "Cycles to Average\n")
    body = "".join(f"{1388534400 + 10 * i},,{g(FIELD_OE)},{g(t)},{g(m)},1.0e-8,1,0.999,2.0,3.0,1.0,5\n"
                   for i, (t, m) in enumerate(zip(T, moment_emu(T), strict=True)))
    return "rso.dat", header + body, {}, {"molar_mass_g_mol": MOLAR_MASS}


def mpms_xl_dc_moment():
    """An MPMS-XL MultiVu export whose DC moment column is 'DC Moment (emu)', not 'Long Moment'."""
    header = ("[Header]\n; MPMS Data File\nINFO, MPMS-XL DC Measurement\nINFO, NAME, FeSO4\n"
              f"INFO, WEIGHT, {g(MASS_MG)}\nBYAPP, MPMS MultiVu, 1.54\n[Data]\n"
              "Time,Comment,Field (Oe),Temperature (K),DC Moment (emu),DC Std. Err. (emu)\n")
    body = "".join(f"{100 + i},,{g(FIELD_OE)},{g(t)},{g(m)},1e-9\n"
                   for i, (t, m) in enumerate(zip(T, moment_emu(T), strict=True)))
    return "xl_dc.dat", header + body, {}, {"molar_mass_g_mol": MOLAR_MASS}


def quantum_design_field_in_tesla():
    """A MultiVu file whose field column is 'Magnetic Field (T)' (not the usual Oe name)."""
    header = ("[Header]\n; MPMS3 Data File\nTITLE,\nBYAPP,MPMS3\n"
              f"INFO,{g(MASS_MG)},SAMPLE_MASS\nINFO,{g(MOLAR_MASS)},SAMPLE_MOLECULAR_WEIGHT\n[Data]\n"
              "Comment,Time Stamp (sec),Temperature (K),Magnetic Field (T),Moment (emu),M. Std. Err. (emu)\n")
    body = "".join(f",{100 + i},{g(t)},{g(FIELD_OE * TESLA_PER_OE)},{g(m)},1e-9\n"
                   for i, (t, m) in enumerate(zip(T, moment_emu(T), strict=True)))
    return "mpms3_tesla.dat", header + body, {}, {}


def dc_moment_bare_table():
    text = "Temperature (K),Field (Oe),DC Moment (emu),DC Std. Err. (emu)\n" + table(
        [T, np.full(T.size, FIELD_OE), moment_emu(T), np.full(T.size, 1e-8)])
    return "dc_moment.csv", text, {}, {"mass_mg": MASS_MG, "molar_mass_g_mol": MOLAR_MASS}


def ppms_vsm_cp1252_crlf():
    header = ("[Header]\r\n; VSM Data File\r\nTITLE,VSM µ-sample\r\nBYAPP,PPMS VSM,1.4.10\r\n"
              f"INFO,{g(MASS_MG)},SAMPLE_MASS\r\nINFO,{g(MOLAR_MASS)},SAMPLE_MOLECULAR_WEIGHT\r\n[Data]\r\n"
              "Comment,Time Stamp (sec),Temperature (K),Magnetic Field (Oe),Moment (emu),"
              "M. Std. Err. (emu),Transport Action\r\n")
    body = "".join(f",{100 + i},{g(t)},{g(FIELD_OE)},{g(m)},2e-9,1\r\n"
                   for i, (t, m) in enumerate(zip(T, moment_emu(T), strict=True)))
    return "vsm.dat", (header + body).encode("cp1252"), {}, {}


def tset_and_tsample():
    """The set point is a round number, the sample temperature is what chi belongs to."""
    tset = np.round(T)
    text = "Tset (K),Tsample (K),Field (Oe),Moment (emu)\n" + table(
        [tset, T, np.full(T.size, FIELD_OE), moment_emu(T)])
    return "tset.csv", text, {}, {"mass_mg": MASS_MG, "molar_mass_g_mol": MOLAR_MASS}


def temperature_celsius():
    return "celsius.csv", "T (°C),chi (emu/mol)\n" + table([T - 273.15, X]), {}, {}


def field_tesla():
    text = "T (K),μ0H (T),M (emu)\n" + table([T, np.full(T.size, FIELD_OE * TESLA_PER_OE), moment_emu(T)])
    return "tesla.csv", text, {}, {"mass_mg": MASS_MG, "molar_mass_g_mol": MOLAR_MASS}


def field_millitesla():
    field_mT = np.full(T.size, FIELD_OE * TESLA_PER_OE * 1e3)
    text = "T (K),B (mT),M (emu)\n" + table([T, field_mT, moment_emu(T)])
    return "mt.csv", text, {}, {"mass_mg": MASS_MG, "molar_mass_g_mol": MOLAR_MASS}


def field_kA_per_m():
    text = "T (K),H (kA/m),m (A m2)\n" + table(
        [T, np.full(T.size, FIELD_OE * AM_PER_OE / 1e3), moment_emu(T) * 1e-3])
    return "kam.csv", text, {}, {"mass_mg": MASS_MG, "molar_mass_g_mol": MOLAR_MASS}


def field_A_per_m():
    text = "T (K)\tH (A/m)\tM (emu)\n" + table(
        [T, np.full(T.size, FIELD_OE * AM_PER_OE), moment_emu(T)], sep="\t")
    return "am.txt", text, {}, {"mass_mg": MASS_MG, "molar_mass_g_mol": MOLAR_MASS}


def negative_field_zfc():
    """A ZFC run after a magnet reset left the field at -2 kOe: m < 0, chi = m/H > 0."""
    text = "Temperature (K),Magnetic Field (Oe),Moment (emu)\n" + table(
        [T, np.full(T.size, -FIELD_OE), -moment_emu(T)])
    return "neg.csv", text, {}, {"mass_mg": MASS_MG, "molar_mass_g_mol": MOLAR_MASS}


def concatenated_files():
    """Two exports pasted one after the other: the header line repeats mid-file."""
    half = T.size // 2
    head = "T (K),chi (emu/mol)\n"
    text = head + table([T[:half], X[:half]]) + head + table([T[half:], X[half:]])
    return "concat.csv", text, {}, {}


def concatenated_files_with_units_row():
    half = T.size // 2
    head = "T,chi\nK,emu/mol\n"
    text = head + table([T[:half], X[:half]]) + head + table([T[half:], X[half:]])
    return "concat_units.csv", text, {}, {}


def xlsx_title_block_two_sheets():
    import io

    import pandas as pd

    title = pd.DataFrame([["Susceptibility of FeSO4.7H2O", None], ["measured 2024-03-01", None],
                          [None, None], ["T (K)", "chi_M (cm3/mol)"]])
    data = pd.DataFrame(np.column_stack([T, X]))
    notes = pd.DataFrame([["notes"], ["mass 17.3 mg"]])
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        notes.to_excel(xl, sheet_name="notes", header=False, index=False)
        title.to_excel(xl, sheet_name="chi", header=False, index=False)
        data.to_excel(xl, sheet_name="chi", header=False, index=False, startrow=len(title))
    return "book.xlsx", buf.getvalue(), {}, {}


def german_names_semicolon_comma():
    text = "Temperatur (K);Magnetfeld (Oe);Magnetisierung (emu)\n" + table(
        [T, np.full(T.size, FIELD_OE), moment_emu(T)], sep=";", decimal=",")
    return "de_names.csv", text, {}, {"mass_mg": MASS_MG, "molar_mass_g_mol": MOLAR_MASS}


def french_names_suscept():
    text = "Température (K);Susceptibilité (emu/mol)\n" + table([T, X], sep=";", decimal=",")
    return "fr_chi.csv", text, {}, {}


def setpoint_before_sample_temperature():
    text = "Temperature Setpoint (K),Sample Temperature (K),Field (Oe),Moment (emu)\n" + table(
        [np.round(T), T, np.full(T.size, FIELD_OE), moment_emu(T)])
    return "setpoint.csv", text, {}, {"mass_mg": MASS_MG, "molar_mass_g_mol": MOLAR_MASS}


def commented_names_and_units_rows():
    return "hash2.dat", "# T chi\n# K emu/mol\n" + table([T, X], sep=" "), {}, {}


def comment_after_header():
    return "hdr_comment.csv", "T (K), chi (emu/mol)   # ZFC, 2 kOe\n" + table([T, X]), {}, {}


def excel_sep_hint_line():
    return "excel_sep.csv", "sep=;\nT (K);chi (emu/mol)\n" + table([T, X], sep=";", decimal=","), {}, {}


def single_spaced_names_with_units():
    text = "Temp (K) Moment (emu) Field (Oe)\n" + table([T, moment_emu(T), np.full(T.size, FIELD_OE)],
                                                        sep=" ")
    return "single_space.dat", text, {}, {"mass_mg": MASS_MG, "molar_mass_g_mol": MOLAR_MASS}


def molar_magnetisation_and_field():
    text = "T (K),H (Oe),M (emu/mol)\n" + table([T, np.full(T.size, FIELD_OE), X * FIELD_OE])
    return "m_mol.csv", text, {}, {}


def short_first_block_concatenated():
    """The first export has only two rows: still data (it was silently skipped before)."""
    head = "T (K),chi (emu/mol)\n"
    return "concat_short.csv", head + table([T[:2], X[:2]]) + head + table([T[2:], X[2:]]), {}, {}


def text_columns_with_empty_trailing_cells():
    """A comment column first and a notes column last, empty in most rows: ',,' vs ',warm' rows."""
    lines = ["Comment,Temperature (K),Magnetic Field (Oe),Moment (emu),Note"]
    for i, (t, mm) in enumerate(zip(T, moment_emu(T), strict=True)):
        lines.append(f"{'ZFC' if i == 0 else ''},{g(t)},{g(FIELD_OE)},{g(mm)},{'warm' if i % 2 else ''}")
    return "notes.csv", "\n".join(lines) + "\n", {}, {"mass_mg": MASS_MG, "molar_mass_g_mol": MOLAR_MASS}


LAYOUTS = [si_molar_bracket, si_mass_chi, si_chi_t, cgs_chi_t_with_oe, si_inverse_chi, mu_eff_greek,
           mu_eff_slash, peff_bare, chi_per_gram_formula, m_over_h_molar_paren,
           m_over_h_molar_negative_exponents, two_row_header_plain_units, two_row_header_paren_units_tab,
           units_after_slash_no_spaces, origin_three_header_rows, french_semicolon_decimal_comma,
           german_moment_semicolon_comma_exponent, tab_trailing_tabs, mpms_xl_rso_long_moment,
           dc_moment_bare_table, ppms_vsm_cp1252_crlf, tset_and_tsample, temperature_celsius, field_tesla,
           field_millitesla, field_kA_per_m, field_A_per_m, negative_field_zfc, concatenated_files,
           concatenated_files_with_units_row, xlsx_title_block_two_sheets, german_names_semicolon_comma,
           french_names_suscept, setpoint_before_sample_temperature, commented_names_and_units_rows,
           comment_after_header, excel_sep_hint_line, single_spaced_names_with_units,
           molar_magnetisation_and_field, short_first_block_concatenated,
           text_columns_with_empty_trailing_cells, mpms_xl_dc_moment, quantum_design_field_in_tesla]


def _read(tmp_path, layout):
    name, content, read_kw, chi_kw = layout()
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return magfit.read(path, **read_kw), chi_kw


@pytest.mark.parametrize("layout", LAYOUTS, ids=[f.__name__ for f in LAYOUTS])
def test_layout_reads_back_the_paramagnet(tmp_path, layout):
    m, chi_kw = _read(tmp_path, layout)
    chi = m.susceptibility(**chi_kw)
    order = np.argsort(chi.temperature_K)
    np.testing.assert_allclose(chi.temperature_K[order], T, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(chi.chi_emu_mol[order], chi_cw(T), rtol=1e-6)
    fit = magfit.fit_curie_weiss(chi, tmin=5.0, chi0=False)
    assert fit.mu_eff.nominal_value == pytest.approx(MU_EFF, rel=1e-6)
    assert fit.theta_K.nominal_value == pytest.approx(THETA_K, abs=1e-5)


def test_enough_new_layouts():
    assert len(LAYOUTS) >= 25


# ------------------------------------------------------------------ what the loader says it did
@pytest.mark.parametrize("layout", [tset_and_tsample, setpoint_before_sample_temperature])
def test_set_point_is_not_the_temperature_and_the_choice_is_stated(tmp_path, layout):
    m, _kw = _read(tmp_path, layout)
    assert "sample" in m.columns["temperature_K"].lower()
    (note,) = [n for n in m.provenance["notes"] if n.startswith("temperature_K read from")]
    assert "not used" in note and "--column temperature_K" in note


def test_set_point_alone_is_used_with_a_note(tmp_path):
    path = tmp_path / "tset_only.csv"
    rows = table([T, np.full(T.size, FIELD_OE), moment_emu(T)])
    path.write_text("Tset (K),Field (Oe),Moment (emu)\n" + rows, encoding="utf-8")
    m = magfit.read(path)
    assert m.columns["temperature_K"] == "Tset (K)"
    assert any("the set point" in n for n in m.provenance["notes"])


@pytest.mark.parametrize("layout", [concatenated_files, concatenated_files_with_units_row,
                                    short_first_block_concatenated])
def test_repeated_header_lines_are_dropped_and_counted(tmp_path, layout):
    m, _kw = _read(tmp_path, layout)
    assert len(m.data) == T.size
    assert m.provenance["dropped_rows"]["repeated header line (files pasted together)"] >= 1
    assert not m.provenance.get("non_numeric")


def test_second_header_with_other_columns_is_an_error(tmp_path):
    path = tmp_path / "concat_other.csv"
    path.write_text("T (K),chi (emu/mol)\n" + table([T[:10], X[:10]]) + "chi (emu/mol),T (K)\n"
                    + table([X[10:], T[10:]]), encoding="utf-8")
    with pytest.raises(MagfitError, match="line 12 names the columns again") as exc:
        magfit.read(path)
    assert "split the file" in str(exc.value)


def test_volume_magnetisation_is_refused_naming_the_column(tmp_path):
    path = tmp_path / "m_am.csv"
    path.write_text("T (K),H (Oe),M (A/m)\n" + table([T, np.full(T.size, FIELD_OE), moment_emu(T)]),
                    encoding="utf-8")
    with pytest.raises(MagfitError, match="'M \\(A/m\\)'.*volume magnetisation") as exc:
        magfit.read(path).susceptibility(mass_mg=MASS_MG, molar_mass_g_mol=MOLAR_MASS)
    assert "--unit" in str(exc.value)


def test_celsius_and_field_units_are_stated(tmp_path):
    m, _kw = _read(tmp_path, temperature_celsius)
    factor, offset, unit = m.conversions["temperature_K"]
    assert (factor, offset) == (1.0, pytest.approx(273.15)) and unit == "°C"
    m, _kw = _read(tmp_path, field_tesla)
    assert m.conversions["field_Oe"][0] == pytest.approx(1 / TESLA_PER_OE)
    assert any("mu0 H" in n for n in m.provenance["notes"])


def test_xlsx_title_rows_recorded_and_other_sheet_listed(tmp_path):
    m, _kw = _read(tmp_path, xlsx_title_block_two_sheets)
    assert m.provenance["sheet"] == "chi" and m.provenance["sheets"] == ["notes", "chi"]
    assert m.provenance["header_rows_ignored"] == [1, 2]


def test_unitless_small_field_is_ambiguous(tmp_path):
    """'H' without a unit and values <= 16: tesla or Oe? Read as Oe chi would be 1e4 too large."""
    path = tmp_path / "h_unitless.csv"
    path.write_text("T,H,M\n" + table([T, np.full(T.size, FIELD_OE * TESLA_PER_OE), moment_emu(T)]),
                    encoding="utf-8")
    with pytest.raises(MagfitError, match="'H' .*no unit.*tesla or oersted") as exc:
        magfit.read(path)
    assert "--unit field_Oe=T" in str(exc.value)
    m = magfit.read(path, units={"field_Oe": "T"})
    chi = m.susceptibility(mass_mg=MASS_MG, molar_mass_g_mol=MOLAR_MASS)
    np.testing.assert_allclose(chi.chi_emu_mol, chi_cw(T), rtol=1e-9)
    big = tmp_path / "h_oe.csv"          # the same file in Oe (values > 16) reads without a unit
    big.write_text("T,H,M\n" + table([T, np.full(T.size, FIELD_OE), moment_emu(T)]), encoding="utf-8")
    np.testing.assert_allclose(magfit.read(big).susceptibility(mass_mg=MASS_MG, molar_mass_g_mol=MOLAR_MASS)
                               .chi_emu_mol, chi_cw(T), rtol=1e-9)


def test_clock_time_column_is_not_needed(tmp_path):
    path = tmp_path / "clock.csv"
    rows = [f"2021-08-11,10:{i // 60:02d}:{i % 60:02d},{g(t)},{g(c)}"
            for i, (t, c) in enumerate(zip(T, X, strict=True))]
    path.write_text("Date,Time,T (K),chi (emu/mol)\n" + "\n".join(rows) + "\n", encoding="utf-8")
    m = magfit.read(path)
    assert "time_s" not in m.columns
    assert any("'Time' holds no numbers" in n for n in m.provenance["notes"])
    np.testing.assert_allclose(m.susceptibility().chi_emu_mol, chi_cw(T), rtol=1e-9)


def test_wide_table_says_so_and_one_column_reads(tmp_path):
    """Published M(H) data often come wide: one M column per temperature."""
    h = np.linspace(0.0, 50000.0, 40)
    m2, m5 = 1e-3 * np.tanh(h / 4000.0), 1e-3 * np.tanh(h / 9000.0)
    path = tmp_path / "wide.csv"
    path.write_text("H (Oe),M_2K (emu),M_5K (emu)\n" + table([h, m2, m5]), encoding="utf-8")
    with pytest.raises(MagfitError, match="wide table") as exc:
        magfit.read(path)
    assert "--column moment_emu='M_2K (emu)'" in str(exc.value)
    m = magfit.read(path, columns={"moment_emu": "M_5K (emu)"})
    np.testing.assert_allclose(m.moment_emu, m5, rtol=1e-9)
    np.testing.assert_allclose(m.field_Oe, h, rtol=1e-9)
