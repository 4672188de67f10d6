"""Layout hunt, round five: files real users have that magfit misread or refused without need.

Every file here is written by this test from a Curie-Weiss paramagnet computed in the test
(C = N_A mu_B^2 mu_eff^2 / (3 k_B) from scipy.constants, chi = C/(T - theta)) and read back; the
values must come back to 1e-6 relative. Files that cannot be read (a heat-capacity file, a MATLAB
.mat, an HTML table named .xls) must be refused with a message naming the file and the fix.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from scipy import constants as sc

import magfit
from magfit.errors import FormatError, MagfitError

N_A = sc.N_A
MU_B_CGS = sc.physical_constants["Bohr magneton"][0] * 1e3     # erg/G
K_B_CGS = sc.k * 1e7                                             # erg/K
MU_EFF, THETA_K = 3.873, -5.0
CURIE = N_A * MU_B_CGS**2 * MU_EFF**2 / (3 * K_B_CGS)            # emu K/mol
MOLAR_MASS, MASS_MG, FIELD_OE = 250.0, 12.5, 1000.0
T = np.round(np.linspace(2.0, 300.0, 25), 6)
X = CURIE / (T - THETA_K)                                        # emu/mol
MOMENT = X * FIELD_OE * (MASS_MG / 1000.0) / MOLAR_MASS          # emu on MASS_MG of it


def g(x: float) -> str:
    return f"{x:.12g}"


def rows(columns, sep=",", fmt=g) -> str:
    return "".join(sep.join(fmt(v) for v in values) + "\n" for values in zip(*columns, strict=True))


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def assert_paramagnet(m, **chi_kw):
    chi = m.susceptibility(**chi_kw)
    order = np.argsort(chi.temperature_K)
    np.testing.assert_allclose(chi.temperature_K[order], T, rtol=0, atol=1e-9)
    np.testing.assert_allclose(chi.chi_emu_mol[order], X, rtol=1e-6)


# ------------------------------------------------------------ other PPMS options, given by mistake
def _ppms_file(names: list[str], row, first_lines: str) -> str:
    body = "".join(",".join(row(i, t)) + "\n" for i, t in enumerate(T))
    return "[Header]\n" + first_lines + "[Data]\n" + ",".join(names) + "\n" + body


def test_heat_capacity_file_is_refused_as_what_it_is(tmp_path):
    names = ["Comment", "Time Stamp (sec)", "PPMS Status", "Puck Temp (Kelvin)", "Field (Oersted)",
             "Sample Temp (Kelvin)", "Samp HC (µJ/K)", "Samp HC Err (µJ/K)"]
    text = _ppms_file(names, lambda i, t: ["", str(i), "0", g(t), "0", g(t), g(1e-3 * t**3), "1e-3"],
                      "TITLE,HC\nBYAPP,HeatCapacity,1.3\nINFO,2.5,SAMPLE_MASS\n")
    path = write(tmp_path, "hc.dat", text.encode("cp1252"))
    with pytest.raises(FormatError) as err:
        magfit.read(path)
    msg = str(err.value)
    assert "heat capacity" in msg and "Samp HC" in msg and "hc.dat" in msg and "line 6" in msg
    assert "magnetometry" in msg        # the fix: give the magnetometry file


def test_resistivity_file_is_refused(tmp_path):
    names = ["Comment", "Time Stamp (sec)", "Temperature (K)", "Magnetic Field (Oe)",
             "Bridge 1 Resistivity (Ohm-cm)", "Bridge 1 Excitation (uA)"]
    text = _ppms_file(names, lambda i, t: ["", str(i), g(t), "0", g(1e-3 * t), "10"],
                      "; Resistivity Data File\nBYAPP,Resistivity,1.0\n")
    with pytest.raises(FormatError, match="resistivity.*no magnetic moment"):
        magfit.read(write(tmp_path, "rho.dat", text))


# ------------------------------------------------------------ units
@pytest.mark.parametrize("unit", ["Nβ", "N β", "Nbeta", "μB/f.u.", "NμB"])
def test_magnetisation_in_n_beta_is_bohr_magnetons_per_formula_unit(tmp_path, unit):
    m_nbeta = X * FIELD_OE / (N_A * MU_B_CGS)              # M / (N_A mu_B), emu/mol over emu/mol
    text = f"T (K),H (Oe),M ({unit})\n" + rows([T, np.full(T.size, FIELD_OE), m_nbeta])
    assert_paramagnet(magfit.read(write(tmp_path, "nbeta.csv", text)))


# ------------------------------------------------------------ binary files and spreadsheet names
def test_matlab_mat_file_is_refused_with_the_export_command(tmp_path):
    raw = b"MATLAB 5.0 MAT-file, Platform: GLNXA64" + b" " * 80 + b"\x00\x01IM" + b"\x00" * 32
    with pytest.raises(FormatError, match=r"MATLAB \.mat file.*writetable"):
        magfit.read(write(tmp_path, "data.mat", raw))


def test_origin_project_is_refused_with_the_export_menu(tmp_path):
    with pytest.raises(FormatError, match=r"Origin project.*Export"):
        magfit.read(write(tmp_path, "data.opju", b"CPYA 4.3 " + b"\x00" * 64))


def test_xlsx_saved_with_a_csv_name_is_read_as_a_workbook(tmp_path):
    import pandas as pd

    buf = io.BytesIO()
    pd.DataFrame({"T (K)": T, "chi (emu/mol)": X}).to_excel(buf, index=False)
    m = magfit.read(write(tmp_path, "exported.csv", buf.getvalue()))
    assert "workbook_by_content" in m.provenance
    assert_paramagnet(m)


def test_tab_separated_text_named_xls_is_read_as_text(tmp_path):
    m = magfit.read(write(tmp_path, "export.xls", "T (K)\tchi (emu/mol)\n" + rows([T, X], sep="\t")))
    assert "text_under_workbook_name" in m.provenance
    assert_paramagnet(m)


def test_html_table_named_xls_is_refused_with_the_fix(tmp_path):
    body = "".join(f"<tr><td>{g(a)}</td><td>{g(b)}</td></tr>" for a, b in zip(T, X, strict=True))
    html = f"<html><table><tr><th>T (K)</th><th>chi</th></tr>{body}</table></html>"
    path = write(tmp_path, "export.xls", html)
    with pytest.raises(FormatError, match=r"HTML.*export\.xls|export\.xls.*HTML") as err:
        magfit.read(path)
    assert "save it as .xlsx or as CSV" in str(err.value)


def test_zip_archive_is_not_taken_for_a_workbook(tmp_path):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.csv", "T (K),chi (emu/mol)\n1,2\n")
    with pytest.raises(MagfitError, match="zip archive"):
        magfit.read(write(tmp_path, "data.dat", buf.getvalue()))


# ------------------------------------------------------------ a power of ten in the column name
@pytest.mark.parametrize(("name", "scale"), [
    ("χ × 10³ (emu/mol)", 1e3), ("chi*10^3 (emu/mol)", 1e3), ("χ (emu/mol) x 1e3", 1e3),
    ("10³χ (emu/mol)", 1e3), ("10^2 chi (emu/mol)", 1e2), ("χ·10⁻³ (emu/mol)", 1e-3)])
def test_scale_factor_in_the_name_divides_the_column(tmp_path, name, scale):
    """An axis-label name 'χ × 10³ (emu/mol)' holds chi times 10^3 (it was read as 10^6 chi)."""
    m = magfit.read(write(tmp_path, "scaled.csv", f"T (K),{name}\n" + rows([T, X * scale])))
    assert any("scale factor" in n for n in m.provenance.get("notes", []))
    assert_paramagnet(m)


def test_power_of_ten_inside_the_unit_stays_the_units(tmp_path):
    """'χ (10⁻³ emu/mol)': the numbers are in units of 10^-3 emu/mol (unchanged)."""
    assert_paramagnet(magfit.read(write(tmp_path, "u.csv", "T (K),χ (10⁻³ emu/mol)\n" + rows([T, X * 1e3]))))


# ------------------------------------------------------------ missing-value marks inside the data
def test_rows_of_missing_value_marks_do_not_hide_the_header(tmp_path):
    """'--,--' and 'N/A,N/A' rows among the data: the header stays the header (before, the names were
    taken from the '--' row: 'no temperature column, columns are '--', '-- (2)''); those rows are counted."""
    data = rows([T, X]).splitlines()
    text = "T (K),chi (emu/mol)\n" + "\n".join(data[:3] + ["--,--", "N/A,N/A", "310,--"] + data[3:]) + "\n"
    m = magfit.read(write(tmp_path, "gaps.csv", text))
    assert m.provenance["column_names_line"] == 1
    assert m.provenance["data_lines"] == len(m.data) + sum(m.provenance["dropped_rows"].values())
    assert m.provenance["non_numeric"]["T (K)"]["first_line"] == 5
    assert_paramagnet(m)


# ------------------------------------------------------------ MPMS3: VSM rows and DC-scan rows in one file
_MPMS3_NAMES = ["Comment", "Time Stamp (sec)", "Temperature (K)", "Magnetic Field (Oe)", "Moment (emu)",
                "M. Std. Err. (emu)", "Transport Action", "DC Moment Fixed Ctr (emu)",
                "DC Moment Err Fixed Ctr (emu)", "DC Moment Free Ctr (emu)", "DC Moment Err Free Ctr (emu)"]


def _mpms3_two_modes(dc_rows, dc_column: str) -> str:
    """VSM rows fill 'Moment (emu)'; DC-scan rows fill the DC column (Free or Fixed centre) only."""
    lines = []
    for i, (t, mom) in enumerate(zip(T, MOMENT, strict=True)):
        cells = dict.fromkeys(_MPMS3_NAMES, "")
        cells.update({"Time Stamp (sec)": str(100 + i), "Temperature (K)": g(t),
                      "Magnetic Field (Oe)": g(FIELD_OE), "Transport Action": "1"})
        if i in dc_rows:
            cells[dc_column] = g(mom)
            cells[dc_column.replace("DC Moment ", "DC Moment Err ")] = "2e-9"
        else:
            cells["Moment (emu)"], cells["M. Std. Err. (emu)"] = g(mom), "1e-9"
        lines.append(",".join(cells.values()))
    return ("[Header]\n; MPMS3 Data File\nTITLE,\nBYAPP,MPMS3,1.0,1.1\n"
            f"INFO,{g(MASS_MG)},SAMPLE_MASS\nINFO,{g(MOLAR_MASS)},SAMPLE_MOLECULAR_WEIGHT\n[Data]\n"
            + ",".join(_MPMS3_NAMES) + "\n" + "\n".join(lines) + "\n")


@pytest.mark.parametrize(("dc_rows", "dc_column"), [
    (set(range(0, 25, 2)), "DC Moment Free Ctr (emu)"),          # alternating modes
    (set(range(12, 25)), "DC Moment Fixed Ctr (emu)"),           # VSM below, DC scan above
])
def test_mpms3_vsm_and_dc_scan_rows_both_read(tmp_path, dc_rows, dc_column):
    """Every point is read from the column its mode filled (12 of 25 points were dropped before)."""
    m = magfit.read(write(tmp_path, "modes.dat", _mpms3_two_modes(dc_rows, dc_column)))
    assert m.variant == "VSM+DC scan"
    merged = m.provenance["merged_modes"]
    assert (merged["VSM rows"], merged["DC scan rows"]) == (T.size - len(dc_rows), len(dc_rows))
    assert {"Moment (emu)", dc_column} <= set(m.data.columns)          # the originals are kept
    err = m.column("moment_err_emu")
    np.testing.assert_array_equal(err, np.where(np.isin(np.arange(T.size), list(dc_rows)), 2e-9, 1e-9))
    assert_paramagnet(m)


# ------------------------------------------------------------ sample mass and molar mass spelled other ways
def _mpms3_vsm(info_lines: str) -> str:
    body = "".join(f",{100 + i},{g(t)},{g(FIELD_OE)},{g(mom)},1e-9\n"
                   for i, (t, mom) in enumerate(zip(T, MOMENT, strict=True)))
    return ("[Header]\n; MPMS3 Data File\nTITLE,\nBYAPP,MPMS3,1.0\n" + info_lines + "[Data]\n"
            "Comment,Time Stamp (sec),Temperature (K),Magnetic Field (Oe),Moment (emu),M. Std. Err. (emu)\n"
            + body)


@pytest.mark.parametrize("info", [
    "INFO,Sample Mass (mg),12.5\nINFO,Molecular Weight (g/mol),250\n",   # typed key first in an MPMS3 file
    "INFO,0.0125 g,SAMPLE_MASS\nINFO,250,SAMPLE_MOLECULAR_WEIGHT\n",      # a unit typed into the mass field
    "INFO,12.5 mg,SAMPLE_MASS\nINFO,MW,250 g/mol\n",
])
def test_mass_and_molar_mass_header_spellings(tmp_path, info):
    m = magfit.read(write(tmp_path, "info.dat", _mpms3_vsm(info)))
    assert_paramagnet(m)        # no mass_mg / molar_mass_g_mol arguments: both from the header


@pytest.mark.parametrize("head", [
    "# Sample mass: 12.5 mg\n# Molecular weight (g/mol): 250\n",
    "# Sample Mass (mg) = 12.5\n# MW = 250 g/mol\n",
    "Sample: X\nMass: 0.0125 g\nFormula weight: 250\n",
])
def test_table_comment_header_gives_mass_and_molar_mass(tmp_path, head):
    text = head + "T (K),H (Oe),M (emu)\n" + rows([T, np.full(T.size, FIELD_OE), MOMENT])
    assert_paramagnet(magfit.read(write(tmp_path, "hdr.csv", text)))


# ------------------------------------------------------------ thousands separators
def _grouped(value: float, group: str, decimal: str) -> str:
    """A number as a spreadsheet shows it with a thousands separator (written here, not by magfit)."""
    text = f"{value:,.12g}" if abs(value) >= 1000 and "e" not in f"{value:.12g}" else g(value)
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group)


@pytest.mark.parametrize(("sep", "group", "decimal", "quote"), [
    (",", ",", ".", '"'),            # English Excel: "10,000" quoted in a CSV (refused before: no numbers)
    (";", ".", ",", ""),             # German Excel: 10.000 and 1,23E-05 (read as 10 Oe before: chi x1000)
    (";", "\u00a0", ",", ""),        # French: no-break space groups
    ("\t", "'", ".", ""),            # Swiss: 10'000
])
def test_thousands_separators(tmp_path, sep, group, decimal, quote):
    field = np.full(T.size, 10 * FIELD_OE)

    def cell(v):
        return quote + _grouped(v, group, decimal) + quote
    text = sep.join(["T (K)", "H (Oe)", "M (emu)"]) + "\n" + rows([T, field, 10 * MOMENT], sep=sep, fmt=cell)
    m = magfit.read(write(tmp_path, "grouped.csv", text))
    np.testing.assert_allclose(m.field_Oe, field, rtol=1e-12)
    assert "H (Oe)" in m.provenance["thousands_separators"]
    assert_paramagnet(m, mass_mg=MASS_MG, molar_mass_g_mol=MOLAR_MASS)


def test_quoted_decimal_commas_in_a_comma_separated_file(tmp_path):
    """'"2,5","1,250"': every number quoted, commas as decimal marks (a LibreOffice export with a comma
    delimiter). Read as 2.5 and 1.25 -- not as a thousands separator (1250) -- where it was 'format not
    recognised' before."""
    temps = np.arange(T.size) + 2.5
    text = '"T (K)","H (Oe)","M (emu)"\n' + "".join(
        f'"{t:.1f}","1,250","{g(mom)}"\n'.replace('.5"', ',5"') for t, mom in zip(temps, MOMENT, strict=True))
    m = magfit.read(write(tmp_path, "dc.csv", text))
    np.testing.assert_allclose(m.temperature_K, temps, rtol=1e-12)
    np.testing.assert_allclose(m.field_Oe, 1.25, rtol=1e-12)
    np.testing.assert_allclose(m.moment_emu, MOMENT, rtol=1e-11)


# ------------------------------------------------------------ Igor Pro text files (.itx)
def _itx(names: str, columns, setscale: str, more: str = "") -> str:
    body = "".join("\t" + "\t".join(g(v) for v in values) + "\n" for values in zip(*columns, strict=True))
    return f"IGOR\nWAVES/D\t{names}\nBEGIN\n{body}END\n{setscale}{more}"


def test_igor_text_file_reads_waves_with_their_units(tmp_path):
    """Wave names as columns, data units from 'X SetScale d' (was: 'no header line naming the columns')."""
    text = _itx("temp\tchiT", [T, X * T], 'X SetScale d 0,0,"K", temp; SetScale d 0,0,"cm3 K mol-1", chiT\n',
                more="WAVES/D\tother\nBEGIN\n\t1\n\t2\nEND\n")
    m = magfit.read(write(tmp_path, "chit.itx", text))
    assert m.columns["temperature_K"] == "temp (K)" and m.columns["chiT_emu_K_mol"] == "chiT (cm3 K mol-1)"
    assert m.provenance["igor_blocks_not_read"] == [{"waves": ["other"], "line": T.size + 6, "rows": 2}]
    assert_paramagnet(m)


def test_igor_text_file_snake_case_wave_names_and_file_line_numbers(tmp_path):
    text = _itx("T_K\tchi_emu_mol", [T, X], "").replace(f"\t{g(T[3])}\t", "\tjunk\t", 1)
    m = magfit.read(write(tmp_path, "chi.itx", text))
    assert m.provenance["non_numeric"]["T_K"]["first_line"] == 4 + 3      # the file's own line number
    chi = m.susceptibility()
    np.testing.assert_allclose(chi.chi_emu_mol, np.delete(X, 3)[np.argsort(np.delete(T, 3))], rtol=1e-9)


# ------------------------------------------------------------ a .dat re-saved by a decimal-comma spreadsheet
def test_quantum_design_file_resaved_with_semicolons_and_decimal_commas(tmp_path):
    """A PPMS VSM .dat opened in a German Excel and saved as CSV: ';' separators, decimal commas in the
    data and in the header values, every line padded with ';' (was: 'no temperature column',
    with the whole names line as one column)."""
    names = ["Comment", "Time Stamp (sec)", "Temperature (K)", "Magnetic Field (Oe)", "Moment (emu)",
             "M. Std. Err. (emu)"]

    def de(x):
        return g(x).replace(".", ",")
    head = ["[Header]", "; VSM Data File", "TITLE", "BYAPP;PPMS VSM;1.4.10",
            f"INFO;{de(MASS_MG)};SAMPLE_MASS", f"INFO;{de(MOLAR_MASS + 0.5)};SAMPLE_MOLECULAR_WEIGHT",
            "[Data]"]
    body = [";".join(["", str(100 + i), de(t), de(FIELD_OE), de(mom), "1,5E-09"])
            for i, (t, mom) in enumerate(zip(T, MOMENT, strict=True))]
    lines = [h + ";" * (len(names) - 1 - h.count(";")) for h in head] + [";".join(names)] + body
    m = magfit.read(write(tmp_path, "vsm_de.csv", ("\r\n".join(lines) + "\r\n").encode("cp1252")))
    assert m.instrument == "PPMS VSM" and "resaved_semicolons" in m.provenance
    np.testing.assert_allclose(m.moment_err_emu, 1.5e-9, rtol=1e-12)
    assert_paramagnet(m, molar_mass_g_mol=MOLAR_MASS)         # the mass 12,5 mg from the header
    assert m.header["SAMPLE_MOLECULAR_WEIGHT"] == g(MOLAR_MASS + 0.5)


# ------------------------------------------------------- labels, symbols, AC columns, side-by-side blocks
@pytest.mark.parametrize("name", ["M ZFC (emu)", "M_ZFC (emu)", "M (ZFC) (emu)", "M-FC (emu)", "ZFC M (emu)",
                                  "M warming (emu)"])
def test_sweep_label_in_the_moment_name(tmp_path, name):
    """'M ZFC (emu)': ZFC labels the sweep, not the unit (was: unit 'ZFC (emu)' not understood)."""
    text = f"T (K),H (Oe),{name}\n" + rows([T, np.full(T.size, FIELD_OE), MOMENT])
    m = magfit.read(write(tmp_path, "zfc.csv", text))
    assert m.columns["moment_emu"] == name
    assert_paramagnet(m, mass_mg=MASS_MG, molar_mass_g_mol=MOLAR_MASS)


def test_lakeshore_columns_with_a_symbol_before_the_unit(tmp_path):
    """'Temperature (T) [K]', 'Field (H) [Oe]' (was: 'no temperature column')."""
    text = ("#RUN ON SOFTWARE VERSION:,\n1.2.3,\n##DATA TABLE,\n"
            "Time Stamp [s],Temperature (T) [K],Field (H) [Oe],Moment (m) [emu]\n"
            + rows([np.arange(T.size), T, np.full(T.size, FIELD_OE), MOMENT]))
    m = magfit.read(write(tmp_path, "ls.csv", text))
    assert (m.columns["temperature_K"], m.columns["field_Oe"]) == ("Temperature (T) [K]", "Field (H) [Oe]")
    assert_paramagnet(m, mass_mg=MASS_MG, molar_mass_g_mol=MOLAR_MASS)


def test_ac_susceptibility_column_is_named_in_the_refusal(tmp_path):
    path = write(tmp_path, "ac.csv", "T (K),χ' (emu/mol),χ'' (emu/mol)\n" + rows([T, X, 0 * X]))
    with pytest.raises(FormatError, match=r"AC susceptibility.*--column chi_emu_mol="):
        magfit.read(path).susceptibility()
    assert_paramagnet(magfit.read(path, columns={"chi_emu_mol": "χ' (emu/mol)"}))   # the fix it names


def test_side_by_side_blocks_warn_and_the_second_reads_with_columns(tmp_path):
    """ZFC in columns A-B, FC in D-E (an Excel sheet exported): the second block is not silently lost."""
    half = 13
    cells = [[g(T[i]), g(MOMENT[i]), "", g(T[half + i]) if half + i < T.size else "",
              g(MOMENT[half + i]) if half + i < T.size else ""] for i in range(half)]
    text = "T (K),M ZFC (emu),,T (K),M FC (emu)\n" + "".join(",".join(c) + "\n" for c in cells)
    path = write(tmp_path, "sbs.csv", text)
    kw = {"mass_mg": MASS_MG, "molar_mass_g_mol": MOLAR_MASS, "field_Oe": FIELD_OE}
    chi = magfit.read(path).susceptibility(**kw)
    assert any("second block side by side" in w and "--column temperature_K='T (K) (2)'" in w
               for w in chi.provenance["warnings"])
    second = magfit.read(path, columns={"temperature_K": "T (K) (2)", "moment_emu": "M FC (emu)"})
    chi2 = second.susceptibility(**kw)
    np.testing.assert_allclose(np.sort(np.concatenate([chi.temperature_K, chi2.temperature_K])), T, atol=1e-9)
    np.testing.assert_allclose(chi2.chi_emu_mol, X[half:], rtol=1e-6)


def test_r_write_table_row_names_are_not_the_temperature(tmp_path):
    """R's write.table: '"T_K" "chi_emu_mol"' over '"1" 2 0.27': the quoted first field is a row name
    (it was read as the temperature: T = 1, 2, 3 ...)."""
    text = '"T_K" "chi_emu_mol"\n' + "".join(f'"{i + 1}" {g(a)} {g(b)}\n'
                                             for i, (a, b) in enumerate(zip(T, X, strict=True)))
    m = magfit.read(write(tmp_path, "r.txt", text))
    assert "row_names_column" in m.provenance
    assert_paramagnet(m)


# --------------------------------------------------- Quantum Design: moment under another name, quoting
def _qd_vsm(header: str, names: list[str], cell) -> str:
    body = "".join(",".join(cell(i, t, mom)) + "\n" for i, (t, mom) in enumerate(zip(T, MOMENT, strict=True)))
    return "[Header]\n" + header + "[Data]\n" + ",".join(names) + "\n" + body


def test_quantum_design_moment_in_si_units_is_found_by_its_unit(tmp_path):
    """MPMS3 with moments in A·m² ('Moment (A·m²)'): read by name and unit, converted (was 'no moment
    column found')."""
    text = _qd_vsm(f"; MPMS3 Data File\nBYAPP,MPMS3,1.0\nINFO,{g(MASS_MG)},SAMPLE_MASS\n",
                   ["Comment", "Time Stamp (sec)", "Temperature (K)", "Magnetic Field (Oe)", "Moment (A·m²)"],
                   lambda i, t, mom: ["", str(i), g(t), g(FIELD_OE), g(mom * 1e-3)])
    m = magfit.read(write(tmp_path, "si.dat", text))
    assert m.columns["moment_emu"] == "Moment (A·m²)"
    assert_paramagnet(m, molar_mass_g_mol=MOLAR_MASS)


def test_acms_ac_amplitude_is_never_taken_for_the_dc_moment(tmp_path):
    """An ACMS file with AC rows only: its 'Moment (emu)' is the AC amplitude, not a DC moment."""
    text = _qd_vsm("; ACMS Data File\nBYAPP,ACMS,1.0.9\n",
                   ["Comment", "Time Stamp (sec)", "Temperature (K)", "Magnetic Field (Oe)", "Measure Type",
                    "Moment (emu)", "M' (emu)", "M'' (emu)", "Frequency (Hz)"],
                   lambda i, t, mom: ["", str(i), g(t), "0", "5", g(mom), g(mom), "0", "1000"])
    assert "moment_emu" not in magfit.read(write(tmp_path, "ac.dat", text)).columns


def test_quantum_design_file_with_quoted_text_cells(tmp_path):
    """Re-saved with 'quote all text cells': '"[Header]"', '"INFO",12.5,"SAMPLE_MASS"' (was read as a
    plain table, the header mass lost)."""
    def q(text):
        return f'"{text}"'
    header = "\n".join([q("; VSM Data File"), f'{q("BYAPP")},{q("PPMS VSM")},1.4',
                        f'{q("INFO")},{g(MASS_MG)},{q("SAMPLE_MASS")}',
                        f'{q("INFO")},{g(MOLAR_MASS)},{q("SAMPLE_MOLECULAR_WEIGHT")}']) + "\n"
    names = [q(n) for n in ["Comment", "Temperature (K)", "Magnetic Field (Oe)", "Moment (emu)"]]
    text = _qd_vsm(header, names, lambda i, t, mom: ['""', g(t), g(FIELD_OE), g(mom)])
    text = text.replace("[Header]\n", q("[Header]") + "\n").replace("[Data]\n", q("[Data]") + "\n")
    m = magfit.read(write(tmp_path, "quoted.csv", text))
    assert m.instrument == "PPMS VSM"
    assert_paramagnet(m)


# ------------------------------------------------------------ spreadsheets as people leave them
def _xlsx(frame, **to_excel) -> bytes:
    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        frame.to_excel(xl, index=False, **to_excel)
    return buf.getvalue()


def test_xlsx_table_starting_in_column_c_row_5(tmp_path):
    """Empty columns A-B before the table: the names stay over their columns (T was read from the
    empty column A: 'no usable rows left (temperature missing: 25)')."""
    import pandas as pd

    book = _xlsx(pd.DataFrame({"T (K)": T, "chi (emu/mol)": X}), startrow=4, startcol=2)
    assert_paramagnet(magfit.read(write(tmp_path, "offset.xlsx", book)))


@pytest.mark.parametrize("decimal", [".", ","])
def test_xlsx_numbers_stored_as_text(tmp_path, decimal):
    """Cells holding '300' as text (Excel's green triangles), also '1,5' (was: no sheet holds a row of
    numbers)."""
    import pandas as pd

    frame = pd.DataFrame({"T (K)": [g(v).replace(".", decimal) for v in T],
                          "chi (emu/mol)": [g(v).replace(".", decimal) for v in X]})
    assert_paramagnet(magfit.read(write(tmp_path, "text.xlsx", _xlsx(frame))))


def test_csv_header_cells_with_line_breaks(tmp_path):
    """'"Temperature<newline>(K)"': a header cell typed with Alt+Enter, exported as CSV (was: no header)."""
    m = magfit.read(write(tmp_path, "multi.csv", '"Temperature\n(K)","χ\n(emu/mol)"\n' + rows([T, X])))
    assert m.provenance["first_data_line"] == 4          # the header spans lines 1-3
    assert_paramagnet(m)


# ------------------------------------------------------------ Quantum Design files pasted together
_VSM_NAMES = ["Comment", "Time Stamp (sec)", "Temperature (K)", "Magnetic Field (Oe)", "Moment (emu)"]
_VSM_HEAD = (f"[Header]\n; VSM Data File\nBYAPP,PPMS VSM,1.4.10\nINFO,{g(MASS_MG)},SAMPLE_MASS\n"
             f"INFO,{g(MOLAR_MASS)},SAMPLE_MOLECULAR_WEIGHT\n[Data]\n")


def _vsm_rows(order: list[str], part: slice) -> str:
    values = {"Comment": [""] * T.size, "Time Stamp (sec)": [str(i) for i in range(T.size)],
              "Temperature (K)": [g(t) for t in T], "Magnetic Field (Oe)": [g(FIELD_OE)] * T.size,
              "Moment (emu)": [g(mom) for mom in MOMENT]}
    return "".join(",".join(values[n][i] for n in order) + "\n" for i in range(T.size)[part])


def test_two_quantum_design_files_pasted_together_read_as_one(tmp_path):
    text = (_VSM_HEAD + ",".join(_VSM_NAMES) + "\n" + _vsm_rows(_VSM_NAMES, slice(0, 12))
            + _VSM_HEAD + ",".join(_VSM_NAMES) + "\n" + _vsm_rows(_VSM_NAMES, slice(12, None)))
    m = magfit.read(write(tmp_path, "pasted.dat", text))
    assert m.provenance["dropped_rows"]["repeated header line (files pasted together)"] == 1
    assert m.provenance["data_lines"] == len(m.data) + sum(m.provenance["dropped_rows"].values())
    assert_paramagnet(m)


def test_pasted_quantum_design_file_with_other_column_order_is_an_error(tmp_path):
    """The second file's columns in another order: T was read from its field column (T = 1000 K) before."""
    other = ["Comment", "Time Stamp (sec)", "Magnetic Field (Oe)", "Temperature (K)", "Moment (emu)"]
    text = (_VSM_HEAD + ",".join(_VSM_NAMES) + "\n" + _vsm_rows(_VSM_NAMES, slice(0, 12))
            + "[Data]\n" + ",".join(other) + "\n" + _vsm_rows(other, slice(12, None)))
    with pytest.raises(FormatError, match="line 21 names the columns again, differently") as err:
        magfit.read(write(tmp_path, "pasted.dat", text))
    assert "split the file" in str(err.value)


# ------------------------------------------------------------ more names and units people write
@pytest.mark.parametrize(("head", "columns"), [
    ("% T chi\n% K cm3/mol\n", lambda: rows([T, X], sep="\t")),          # MATLAB-style commented header
    ("T (k),chi (emu/mol)\n", lambda: rows([T, X])),                            # lower-case kelvin
    ("T (K),chi (cgs emu/mol)\n", lambda: rows([T, X])),                        # the unit system in words
    ("T (K),chi (emu/mol) (cgs)\n", lambda: rows([T, X])),
    ("T (K),H/M (mol/emu)\n", lambda: rows([T, 1 / X])),                        # H/M is 1/chi, not a field
])
def test_more_names_and_units(tmp_path, head, columns):
    assert_paramagnet(magfit.read(write(tmp_path, "more.txt", head + columns())))


# ------------------------------------------------------------ space-aligned tables with blank cells
def test_space_aligned_table_with_blank_cells_reads_by_column_position(tmp_path):
    """'  64.0833                  0.001': chi blank, err present. Split at spaces, the error was read as
    chi (and in an M, H table the field as the moment); the columns are now taken by position."""
    lines = [f"{'T':>10s}{'chi':>18s}{'err':>12s}"]
    blank_chi, blank_err = 5, 8
    for i, (t, x) in enumerate(zip(T, X, strict=True)):
        lines.append(f"{t:10.6f}" + (" " * 18 if i == blank_chi else f"{x:18.12f}")
                     + (" " * 12 if i == blank_err else f"{0.001:12.6f}"))
    m = magfit.read(write(tmp_path, "aligned.txt", "\n".join(lines) + "\n"))
    assert m.provenance["fixed_width"]["short_rows"] == 2
    assert np.isnan(m.data["chi"].iloc[blank_chi]) and m.data["err"].iloc[blank_chi] == 0.001
    assert np.isnan(m.data["err"].iloc[blank_err])
    chi = m.susceptibility()
    keep = np.arange(T.size) != blank_chi
    np.testing.assert_allclose(chi.temperature_K, np.round(T, 6)[keep], atol=1e-9)
    np.testing.assert_allclose(chi.chi_emu_mol, X[keep], rtol=1e-9)


def test_unaligned_short_rows_keep_trailing_gaps_with_a_warning(tmp_path):
    text = "T chi err\n" + "".join(f"{g(t)} {g(x)}" + (" 0.001" if i != 10 else "") + "\n"
                                   for i, (t, x) in enumerate(zip(T, X, strict=True)))
    m = magfit.read(write(tmp_path, "ragged.txt", text))
    assert m.provenance["short_rows"] == {"count": 1, "first_line": 12}
    assert any("fewer values than the header" in w for w in m.provenance["warnings"])
    assert_paramagnet(m)


@pytest.mark.parametrize("unit", ["emu/mol Cu", "cm3 mol-1 per Cu", "emu/(mol Cu)", "emu/mole of Cu"])
def test_chi_per_mole_of_an_element(tmp_path, unit):
    """'chi (emu/mol Cu)': per mole of Cu, as the unit says (was: "'Cu' is not a unit")."""
    m = magfit.read(write(tmp_path, "cu.csv", f"T (K),chi ({unit})\n" + rows([T, X])))
    assert any("per mole of Cu" in n for n in m.provenance["notes"])
    assert_paramagnet(m)


def test_a_literal_quote_in_a_column_name_is_not_a_line_break(tmp_path):
    """MPMS-XL's 'm" (emu)' copied into a table: one quote, nothing to join."""
    text = 'T (K),H (Oe),M (emu),m" (emu)\n' + rows([T, np.full(T.size, FIELD_OE), MOMENT, 0 * T])
    m = magfit.read(write(tmp_path, "quote.csv", text))
    assert m.provenance["column_names_line"] == 1
    assert_paramagnet(m, mass_mg=MASS_MG, molar_mass_g_mol=MOLAR_MASS)


def test_decimal_comma_table_accounts_for_blank_lines(tmp_path):
    """Blank lines inside a ';' + decimal-comma table are counted like in any table (they were not:
    the converted stream had no line accounting; found by fuzzing this file's layouts)."""
    from fuzzkit import row_accounting

    body = rows([T, X], sep=";", fmt=lambda v: g(v).replace(".", ",")).replace("\n", "\n\n", 3)
    path = write(tmp_path, "blank.csv", "T (K);chi (emu/mol)\n" + body)
    m = magfit.read(path)
    assert m.provenance["dropped_rows"] == {"blank line": 3}
    assert row_accounting(path.read_bytes(), m) is None
    assert_paramagnet(m)


def test_semicolon_resave_with_a_runaway_quoted_line_is_no_foreign_error(tmp_path):
    """Fuzzing the re-save layout: an open quote on a 200 kB line raised the csv module's 'field larger
    than field limit' (not a MagfitError)."""
    lines = ["[Header]", "; VSM Data File", "BYAPP;PPMS VSM;1.4", "[Data]",
             "Comment;Temperature (K);Magnetic Field (Oe);Moment (emu)"]
    lines += [f";{g(t).replace('.', ',')};1000;{g(mom).replace('.', ',')}"
              for t, mom in zip(T, MOMENT, strict=True)]
    lines[8] = '"' + "x" * 200_000 + lines[8]
    try:
        magfit.read(write(tmp_path, "runaway.csv", "\n".join(lines) + "\n"))
    except MagfitError:
        pass


def test_igor_text_without_end_line_accounts_for_every_line(tmp_path):
    """An .itx cut before END (or with END damaged): no blank line invented at the end (fuzz finding)."""
    from fuzzkit import row_accounting

    path = write(tmp_path, "cut.itx", _itx("temp\tchi", [T, X], "").replace("END\n", ""))
    m = magfit.read(path, units={"temp": "K", "chi": "emu/mol"})
    assert "dropped_rows" not in m.provenance and row_accounting(path.read_bytes(), m) is None
    assert_paramagnet(m)
