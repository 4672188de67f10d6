"""Table layouts people really write, generated here from a known Curie-Weiss paramagnet.

Every file is written in the test from chi(T) = C/(T - theta) + chi0 with C = N_A mu_B^2 mu_eff^2 /
(3 k_B) computed from scipy.constants (cgs: mu_B in erg/G, k_B in erg/K), read with magfit.read
and converted with Measurement.susceptibility; chi must come back to 1e-6 relative. Also: Fortran
``D`` exponents, snake-case and mu_eff column names, a Lake Shore export with an empty line after
``##DATA TABLE``, and rows whose temperature is missing or not physical (dropped, lines named).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import constants as sc

import magfit
from magfit.errors import MagfitError

N_A = sc.N_A
MU_B_CGS = sc.physical_constants["Bohr magneton"][0] * 1e3     # J/T -> erg/G
K_B_CGS = sc.k * 1e7                                             # J/K -> erg/K
MU_EFF, THETA_K, CHI0 = 7.94, -2.0, 2.0e-4
CURIE = N_A * MU_B_CGS**2 * MU_EFF**2 / (3 * K_B_CGS)                   # emu K / mol
T_GRID = np.round(np.linspace(2.0, 300.0, 25), 6)
MOLAR_MASS, MASS_MG, FIELD_OE = 746.79, 12.5, 1000.0


def chi_cw(temp):
    """The paramagnet: chi in emu/mol."""
    return CURIE / (np.asarray(temp, float) - THETA_K) + CHI0


def moment_emu(temp):
    """The moment the magnetometer would measure on MASS_MG of it at FIELD_OE."""
    return chi_cw(temp) * FIELD_OE * (MASS_MG / 1000.0) / MOLAR_MASS


def g(x: float) -> str:
    return f"{x:.12g}"


def rows(*columns, sep: str = ",", end: str = "", decimal: str = ".") -> str:
    out = []
    for values in zip(*columns, strict=True):
        cells = [g(v) for v in values]
        if decimal != ".":
            cells = [c.replace(".", decimal) for c in cells]
        out.append(sep.join(cells) + end + "\n")
    return "".join(out)


def assert_chi(chi, rtol: float = 1e-6) -> None:
    assert len(chi.temperature_K) == len(T_GRID)
    np.testing.assert_allclose(np.sort(chi.temperature_K), T_GRID, rtol=1e-9)
    np.testing.assert_allclose(chi.chi_emu_mol, chi_cw(chi.temperature_K), rtol=rtol, atol=0)


# --------------------------------------------------------------------- layouts
T, X = T_GRID, chi_cw(T_GRID)


def _excel_title_units():
    return ("xyz_excel.csv", "Gd sulfate chi(T),,\nTemperature,Susceptibility,\nK,emu/mol,\n"
            + rows(T, X, end=","), {})


def _m_over_h():
    return "mh.csv", "Temperature (K),M/H (emu/mol Oe)\n" + rows(T, X), {}


def _hyphen_unit_tab():
    return "hyphen.txt", "T(K)\tchi(emu/mol-Oe)\n" + rows(T, X, sep="\t"), {}


def _x_and_xt():
    # chi from the X column; X*T must agree with it (chi*T in emu K/mol)
    return "x_xt.csv", "T,X,X*T\n" + rows(T, X, X * T), {}


def _mpms_xl_dat():
    header = ("[Header]\nINFO, MPMS DC Measurement\nINFO, WEIGHT, " + g(MASS_MG) + "\nTITLE, test\n"
              "BYAPP, MPMS Measurement\n[Data]\nTime,Comment,Field (Oe),Temperature (K),Long Moment (emu),"
              "Long Scan Std Dev,Long Offset (cm)\n")
    body = "".join(f'{1000 + i},{chr(34) + "ZFC, 1 kOe" + chr(34) if i == 0 else ""},{g(FIELD_OE)},{g(t)},'
                   f"{g(m)},1e-9,1.5\n" for i, (t, m) in enumerate(zip(T, moment_emu(T), strict=True)))
    return "xl.dat", header + body, {"molar_mass_g_mol": MOLAR_MASS}


def _ppms_vsm_dat():
    header = ("[Header]\n; VSM Data File\nTITLE,VSM\nINFO," + g(MASS_MG) + ",SAMPLE_MASS\nBYAPP,PPMS VSM\n"
              "[Data]\nComment,Time Stamp (sec),Temperature (K),Magnetic Field (Oe),Moment (emu),"
              "M. Std. Err. (emu)\n")
    body = "".join(f",{100 + i},{g(t)},{g(FIELD_OE)},{g(m)},1e-9\n"
                   for i, (t, m) in enumerate(zip(T, moment_emu(T), strict=True)))
    return "vsm.dat", header + body, {"molar_mass_g_mol": MOLAR_MASS}


def _si_molar():
    return "si.csv", "T (K),chi (m^3/mol)\n" + rows(T, X * 4 * math.pi * 1e-6), {}


def _scaled_unit():
    return "scaled.csv", "T (K),χ_mol (10^-3 emu/mol)\n" + rows(T, X * 1e3), {}


def _german_tab_decimal_comma():
    return "de.txt", "Temperatur (K)\tχ (emu/mol)\n" + rows(T, X, sep="\t", decimal=","), {}


def _semicolon_decimal_comma():
    return "de.csv", "T [K];chi [emu/mol]\n" + rows(T, X, sep=";", decimal=","), {}


def _trailing_empty_columns():
    return "trailing.csv", "T (K),chi (emu/mol),,,\n" + rows(T, X, end=",,,"), {}


def _bracket_units_row():
    return "units_row.csv", "T,chi\n[K],[emu/mol]\n" + rows(T, X), {}


def _hash_header_whitespace():
    return "aligned.dat", "# T(K)      chi(cm3/mol)\n" + rows(T, X, sep="      "), {}


def _mass_susceptibility():
    return "chig.csv", "T (K),chi_g (emu/g)\n" + rows(T, X / MOLAR_MASS), {"molar_mass_g_mol": MOLAR_MASS}


def _inverse_chi():
    return "inv.csv", "T (K),1/chi (mol/emu)\n" + rows(T, 1 / X), {}


def _chi_t_cm3():
    return "chit.csv", "T / K,χMT / cm3 K mol−1\n" + rows(T, X * T), {}


def _sample_m_over_h():
    # M/H of the whole sample (emu/Oe): chi_mol = (M/H) M_molar / mass
    return ("sample_mh.csv", "T (K),M/H (emu/Oe)\n" + rows(T, moment_emu(T) / FIELD_OE),
            {"mass_mg": MASS_MG, "molar_mass_g_mol": MOLAR_MASS})


def _chi_of_t_name_and_scale_without_caret():
    # 'chi(T)' is chi as a function of T (not chi in tesla); '10-3 cm3 mol-1' is 10^-3 cm^3/mol
    return "chi_of_t.csv", "T (K),chi(T),χm (10-3 cm3 mol-1)\n" + rows(T, X, X * 1e3), {}


def _quoted_bom_crlf():
    return ("excel.csv", "\ufeff" + '"Temperature (K)","Chi (emu/mol)"\r\n'
            + "".join(f'"{g(t)}","{g(c)}"\r\n' for t, c in zip(T, X, strict=True)), {})


def _pandas_index_column():
    return "index.csv", ",T (K),chi (emu/mol)\n" + rows(np.arange(len(T)), T, X), {}


LAYOUTS = [_excel_title_units, _m_over_h, _hyphen_unit_tab, _x_and_xt, _mpms_xl_dat, _ppms_vsm_dat,
           _si_molar, _scaled_unit, _german_tab_decimal_comma, _semicolon_decimal_comma,
           _trailing_empty_columns, _bracket_units_row, _hash_header_whitespace, _mass_susceptibility,
           _inverse_chi, _chi_t_cm3, _sample_m_over_h, _chi_of_t_name_and_scale_without_caret,
           _quoted_bom_crlf, _pandas_index_column]


@pytest.mark.parametrize("layout", LAYOUTS, ids=[f.__name__.lstrip("_") for f in LAYOUTS])
def test_layout_reads_back_the_paramagnet(tmp_path, layout):
    name, text, kwargs = layout()
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    m = magfit.read(path)
    assert_chi(m.susceptibility(**kwargs))


def test_sample_m_over_h_needs_the_sample_mass(tmp_path):
    name, text, _kwargs = _sample_m_over_h()
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MagfitError, match="mass"):
        magfit.read(path).susceptibility(molar_mass_g_mol=MOLAR_MASS)
    # a bare 'emu' is not read as emu/Oe of the sample (it may mean emu/mol): the unit is refused
    path.write_text("T (K),chi (emu)\n" + rows(T, X), encoding="utf-8")
    with pytest.raises(MagfitError, match="emu"):
        magfit.read(path).susceptibility(mass_mg=MASS_MG, molar_mass_g_mol=MOLAR_MASS)


def test_chi_of_t_scaled_column_agrees(tmp_path):
    name, text, _kwargs = _chi_of_t_name_and_scale_without_caret()
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    m = magfit.read(path)
    assert m.columns["chi_emu_mol"] == "chi(T)"
    np.testing.assert_allclose(m.data["χm (10-3 cm3 mol-1)"] * 1e-3, m.column("chi_emu_mol"), rtol=1e-9)


def test_x_times_t_column_is_chi_times_t(tmp_path):
    path = tmp_path / "x_xt.csv"
    path.write_text("T,X,X*T\n" + rows(T, X, X * T), encoding="utf-8")
    m = magfit.read(path)
    np.testing.assert_allclose(m.column("chiT_emu_K_mol"), chi_cw(T) * T, rtol=1e-9)


def test_units_row_in_brackets_gives_plain_units(tmp_path):
    path = tmp_path / "units_row.csv"
    path.write_text("T,chi\n[K],[mK]\n" + rows(T, X), encoding="utf-8")
    # the units row is read as units: a wrong one is an error naming it, not a silent default
    with pytest.raises(MagfitError, match="mK"):
        magfit.read(path).susceptibility()
    path.write_text("T,chi\n[mK],[emu/mol]\n" + rows(T * 1000, X), encoding="utf-8")
    m = magfit.read(path)
    assert m.columns["temperature_K"] == "T (mK)"
    assert_chi(m.susceptibility())


# ------------------------------------------------------------- Fortran exponents
def test_fortran_d_exponents_are_numbers(tmp_path):
    text = "T (K)   chi (emu/mol)   note\n" + "".join(
        f"{t:.8E}   {c:.10E}   {'1.0D+00' if i == 0 else 'warm'}\n".replace("E", "D")
        for i, (t, c) in enumerate(zip(T, X, strict=True)))
    path = tmp_path / "fortran.dat"
    path.write_text(text, encoding="utf-8")
    m = magfit.read(path)
    assert m.provenance["fortran_exponents"] == ["T (K)", "chi (emu/mol)"]
    assert m.data["note"].iloc[1] == "warm"                  # a text column stays text
    assert not m.provenance.get("non_numeric")
    assert_chi(m.susceptibility())


def test_fortran_d_exponents_in_a_quantum_design_file(tmp_path):
    name, text, kwargs = _mpms_xl_dat()
    lines = text.splitlines(keepends=True)
    first = lines.index(next(x for x in lines if x.startswith("Time,"))) + 1
    lines[first:] = [x.replace("e-", "D-").replace("e+", "D+") for x in lines[first:]]
    assert any("D-" in x for x in lines[first:])
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    assert_chi(magfit.read(path).susceptibility(**kwargs))


# ------------------------------------------------------------- names
@pytest.mark.parametrize("name", ["chi_mol_emu", "chi_emu_mol", "chi_cgs", "chi_mol_cgs", "chi_cgs_mol",
                                  "X_mol_emu", "chi_mol (emu/mol)", "chi_emu_mol_Oe"])
def test_snake_case_chi_names_are_chi(tmp_path, name):
    path = tmp_path / "snake.csv"
    path.write_text(f"T_K,{name}\n" + rows(T, X), encoding="utf-8")
    m = magfit.read(path)
    assert m.columns.get("chi_emu_mol") == name, m.columns
    assert_chi(m.susceptibility())


@pytest.mark.parametrize("name", ["inv_chi", "chi_inv", "1/chi", "chi^-1", "chi_inv_mol_emu",
                                  "1/chi (mol/emu)", "inverse_chi_mol_emu", "χ⁻¹"])
def test_inverse_chi_names_stay_inverse(tmp_path, name):
    path = tmp_path / "inv.csv"
    path.write_text(f"T (K),{name}\n" + rows(T, 1 / X), encoding="utf-8")
    m = magfit.read(path)
    assert m.columns.get("inverse_chi_mol_emu") == name, m.columns
    assert_chi(m.susceptibility())


@pytest.mark.parametrize("name", ["Meff", "mu_eff", "μeff (μB)", "p_eff", "mueff(BM)", "μ_eff / μB", "M_eff"])
def test_effective_moment_names(tmp_path, name):
    # mu_eff(T) = sqrt(3 k_B chi T / (N_A mu_B^2)), written from the paramagnet (chi > 0 throughout)
    mu = np.sqrt(3 * K_B_CGS * X * T / (N_A * MU_B_CGS**2))
    path = tmp_path / "mueff.csv"
    path.write_text(f"T (K),{name}\n" + rows(T, mu), encoding="utf-8")
    m = magfit.read(path)
    assert m.columns.get("mu_eff_muB") == name, m.columns
    assert_chi(m.susceptibility())


# ------------------------------------------------------------- Lake Shore
LAKESHORE_HEADER = ("#RUN ON SOFTWARE VERSION:,,,,,\n1.2,,,,,\n#SAMPLE SETTINGS,,,,,\nID: S1,,,,,\n"
                    "Mass: 12.5 mg,,,,,\n#DATA: 2,,,,,\n"
                    "##DATA TABLE Moment (m) [emu] vs Temperature [K],,,,,\n")
LAKESHORE_NAMES = "Step,Temperature [K],Field [Oe],Moment (m) [emu],Time Stamp [s],Moment (m) Status\n"


def _lakeshore_body() -> str:
    return "".join(f"2,{g(t)},{g(FIELD_OE)},{g(m)},{2 * i},GOOD\n"
                   for i, (t, m) in enumerate(zip(T, moment_emu(T), strict=True)))


@pytest.mark.parametrize("gap", ["", "\n", ",,,,,\n", "\r\n\n"])
def test_lakeshore_empty_line_after_data_table(tmp_path, gap):
    path = tmp_path / "ls.csv"
    path.write_text(LAKESHORE_HEADER + gap + LAKESHORE_NAMES + _lakeshore_body(), encoding="utf-8",
                    newline="")
    m = magfit.read(path)
    assert m.instrument == "Lake Shore VSM"
    assert len(m.data) == len(T_GRID)                       # the names line is not a data row
    assert list(m.data.columns)[:4] == ["Step", "Temperature [K]", "Field [Oe]", "Moment (m) [emu]"]
    assert not m.provenance.get("non_numeric")
    first = m.provenance["first_data_line"]
    assert path.read_text(encoding="utf-8").splitlines()[first - 1].startswith("2,2,")
    assert_chi(m.susceptibility(mass_mg=MASS_MG, molar_mass_g_mol=MOLAR_MASS))


def test_real_lakeshore_file_with_an_empty_line_after_data_table(tmp_path):
    from conftest import realfile

    raw = realfile("vsm_testdata").read_bytes()
    marker = raw.index(b"##DATA TABLE")
    eol = raw.index(b"\n", marker) + 1
    path = tmp_path / "gap.csv"
    path.write_bytes(raw[:eol] + b",,,,,,,\n\n" + raw[eol:])
    a, b = magfit.read(realfile("vsm_testdata")), magfit.read(path)
    assert list(b.data.columns) == list(a.data.columns)
    assert len(b.data) == len(a.data)
    np.testing.assert_array_equal(b.moment_emu, a.moment_emu)
    assert b.provenance["first_data_line"] == a.provenance["first_data_line"] + 2


# ------------------------------------------------------------- bad temperatures
@pytest.mark.parametrize("bad", ["NaN", "1e308", "inf", "-5", ""])
def test_missing_or_unphysical_temperature_is_dropped_naming_the_line(tmp_path, bad):
    values = [g(t) for t in T]
    values[3] = bad
    path = tmp_path / "bad_t.csv"
    body = "".join(f"{t},{g(c)}\n" for t, c in zip(values, X, strict=True))
    path.write_text("T (K),chi (emu/mol)\n" + body, encoding="utf-8")
    chi = magfit.read(path).susceptibility()
    assert len(chi.temperature_K) == len(T_GRID) - 1
    np.testing.assert_allclose(chi.chi_emu_mol, chi_cw(chi.temperature_K), rtol=1e-9)
    lines = chi.provenance["dropped_lines"]
    assert list(lines.values()) == [[5]]                     # header line 1, data row 3 (0-based) = line 5
    if bad not in ("NaN", ""):
        assert any("line 5" in w and "not physical" in w for w in chi.provenance["warnings"])


def test_unphysical_temperature_in_a_moment_file_names_the_line(tmp_path):
    name, text, kwargs = _mpms_xl_dat()
    lines = text.splitlines(keepends=True)
    first = lines.index(next(x for x in lines if x.startswith("Time,"))) + 1
    cells = lines[first + 2].split(",")
    cells[3] = "1e308"                                       # Temperature (K)
    lines[first + 2] = ",".join(cells)
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    chi = magfit.read(path).susceptibility(**kwargs)
    assert len(chi.temperature_K) == len(T_GRID) - 1
    reason = next(k for k in chi.provenance["dropped"] if "not physical" in k)
    assert chi.provenance["dropped_lines"][reason] == [first + 3]
