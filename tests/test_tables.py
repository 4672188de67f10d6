"""Issue 11 section 1: every chi(T) table a user exports loads, and fits to the true mu_eff and theta.

The truth is computed here, independently of magfit: C = N_A mu_B^2 mu_eff^2 / (3 k_B) from
scipy.constants in cgs (mu_B in erg/G = J/T x 1e3, k_B in erg/K = J/K x 1e7). The files are
written by the project's own generator (sample_data/make_sample_data.py: write_table_exports)
into tmp_path, then read and fitted through the CLI with only the options the file cannot carry.
"""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import constants as sc

import magfit
from magfit.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[1]
MU_EFF, THETA_K, CHI0 = 3.873, -5.0, -1.0e-4
MOLAR_MASS, DENSITY, MASS_MG, FIELD_OE = 291.71, 4.25, 15.0, 1000.0
MU_B_CGS = sc.physical_constants["Bohr magneton"][0] * 1e3      # erg/G
K_B_CGS = sc.k * 1e7                                              # erg/K
CURIE = sc.N_A * MU_B_CGS**2 * MU_EFF**2 / (3.0 * K_B_CGS)       # emu K/mol
TEMPS = np.concatenate([np.arange(2.0, 50.0, 1.0), np.arange(50.0, 301.0, 5.0)])


def true_chi(t):
    return CURIE / (t - THETA_K) + CHI0


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    script = ROOT / "sample_data" / "make_sample_data.py"
    spec = importlib.util.spec_from_file_location("make_sample_data", script)
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    out = tmp_path_factory.mktemp("exports")
    files = gen.write_table_exports(out, TEMPS, true_chi(TEMPS), molar_mass_g_mol=MOLAR_MASS,
                                    density_g_cm3=DENSITY, mass_mg=MASS_MG, field_Oe=FIELD_OE)
    return out, files


EXPORTS = ["chi_emu_mol.csv", "chi_snake_si.csv", "chiT_iupac.tsv", "chiT_canonical.csv", "inverse_chi.txt",
           "inverse_chi_cm3.csv", "mu_eff_decimal_comma.csv", "mu_eff_canonical.csv", "chi_mass.csv",
           "chi_mass_snake.csv", "chi_volume.tsv", "m_over_h_hash_header.csv", "moment_tesla_am2.csv",
           "moment_memu_koe.tsv", "moment_mub_fu.csv", "origin_export.dat", "bom_crlf_unicode.csv",
           "semicolon_emu_oe_mol.csv", "chiT_workbook.xlsx", "chi_workbook.ods"]


def test_the_generator_writes_every_category(exports):
    assert sorted(exports[1]) == sorted(EXPORTS)


@pytest.mark.parametrize("name", EXPORTS)
def test_each_export_fits_to_the_true_mu_eff_and_theta_through_the_cli(exports, name, capsys):
    out, files = exports
    code = cli_main(["fit", str(out / name), "--json", "--tmin", "2", *files[name]])
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    d = json.loads(captured.out.splitlines()[0])
    assert d["mu_eff"] == pytest.approx(MU_EFF, rel=1e-6)
    assert d["theta_K"] == pytest.approx(THETA_K, abs=1e-5)
    assert d["chi0_emu_mol"] == pytest.approx(CHI0, abs=1e-8)


def test_python_m_magfit_fit_json_on_a_chiT_table(exports):
    out, _ = exports
    r = subprocess.run([sys.executable, "-m", "magfit", "fit", str(out / "chiT_iupac.tsv"), "--json"],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout.splitlines()[0])
    assert d["mu_eff"] == pytest.approx(MU_EFF, rel=1e-5)


# ------------------------------------------------------------------ units, every way they are written
FOUR_PI = 4.0 * math.pi


@pytest.mark.parametrize("unit,canonical,factor", [
    ("emu/mol", "chi_emu_mol", 1.0), ("emu mol-1", "chi_emu_mol", 1.0),
    ("emu mol^-1 Oe^-1", "chi_emu_mol", 1.0),
    ("emu/(mol Oe)", "chi_emu_mol", 1.0), ("emu/Oe/mol", "chi_emu_mol", 1.0), ("cm3/mol", "chi_emu_mol", 1.0),
    ("cm^3 mol^-1", "chi_emu_mol", 1.0), ("cm³·mol⁻¹", "chi_emu_mol", 1.0), ("cm3 mol−1", "chi_emu_mol", 1.0),
    ("emu·mol⁻¹·Oe⁻¹", "chi_emu_mol", 1.0), ("emu/mol Oe", "chi_emu_mol", 1.0),
    ("emu Oe-1 mol-1", "chi_emu_mol", 1.0),
    ("m^3/mol", "chi_emu_mol", 1 / (FOUR_PI * 1e-6)), ("m3 mol-1", "chi_emu_mol", 1 / (FOUR_PI * 1e-6)),
    ("10^-3 emu/mol", "chi_emu_mol", 1e-3), ("emu/(mol T)", "chi_emu_mol", 1e-4),
    ("emu K/mol", "chiT_emu_K_mol", 1.0), ("cm3 K mol−1", "chiT_emu_K_mol", 1.0),
    ("m^3 K mol^-1", "chiT_emu_K_mol", 1 / (FOUR_PI * 1e-6)),
    ("mol/emu", "inverse_chi_mol_emu", 1.0), ("mol cm⁻³", "inverse_chi_mol_emu", 1.0),
    ("mol/m^3", "inverse_chi_mol_emu", FOUR_PI * 1e-6),
    ("emu/g", "chi_emu_g", 1.0), ("emu g⁻¹ Oe⁻¹", "chi_emu_g", 1.0), ("cm3/g", "chi_emu_g", 1.0),
    ("m^3/kg", "chi_emu_g", 1 / (FOUR_PI * 1e-3)),
    ("SI", "chi_volume_cgs", 1 / FOUR_PI), ("emu/(cm3 Oe)", "chi_volume_cgs", 1.0),
])
def test_susceptibility_units_convert_by_dimensional_analysis(unit, canonical, factor):
    from magfit.unit_parse import convert

    c = convert("chi", unit) if canonical != "chi_volume_cgs" else convert("chi_volume", unit)
    assert c.canonical == canonical
    assert c.factor == pytest.approx(factor, rel=1e-12)


@pytest.mark.parametrize("family,unit,canonical,factor,offset", [
    ("field", "Oe", "field_Oe", 1.0, 0.0), ("field", "kOe", "field_Oe", 1e3, 0.0),
    ("field", "T", "field_Oe", 1e4, 0.0), ("field", "mT", "field_Oe", 10.0, 0.0),
    ("field", "A/m", "field_Oe", FOUR_PI / 1e3, 0.0), ("field", "G", "field_Oe", 1.0, 0.0),
    ("moment", "emu", "moment_emu", 1.0, 0.0), ("moment", "memu", "moment_emu", 1e-3, 0.0),
    ("moment", "A m2", "moment_emu", 1e3, 0.0), ("moment", "A·m²", "moment_emu", 1e3, 0.0),
    ("moment", "J/T", "moment_emu", 1e3, 0.0), ("moment", "μB/f.u.", "moment_muB_fu", 1.0, 0.0),
    ("moment", "A m^2/kg", "magnetization_emu_g", 1.0, 0.0),
    ("temperature", "K", "temperature_K", 1.0, 0.0), ("temperature", "°C", "temperature_K", 1.0, 273.15),
    ("temperature", "mK", "temperature_K", 1e-3, 0.0), ("time", "min", "time_s", 60.0, 0.0),
    ("mu_eff", "μB", "mu_eff_muB", 1.0, 0.0), ("mu_eff", "B.M.", "mu_eff_muB", 1.0, 0.0),
])
def test_field_moment_temperature_units(family, unit, canonical, factor, offset):
    from magfit.unit_parse import convert

    c = convert(family, unit)
    assert (c.canonical, c.factor, c.offset) == (canonical, pytest.approx(factor, rel=1e-12),
                                                  pytest.approx(offset))


def test_an_unknown_unit_is_named():
    from magfit.unit_parse import convert

    with pytest.raises(magfit.UnitsError, match="'furlong'.*expected a susceptibility"):
        convert("chi", "emu/furlong", column="chi (emu/furlong)")
    with pytest.raises(magfit.UnitsError, match="column 'X'.*dimensions"):
        convert("chi", "emu/K", column="X")


# ------------------------------------------------------------------ column names
@pytest.mark.parametrize("name,canonical,factor", [
    ("T / K", "temperature_K", 1.0), ("T, K", "temperature_K", 1.0), ("Temp [°C]", "temperature_K", 1.0),
    ("T in K", "temperature_K", 1.0),
    ("χM / cm3 mol−1", "chi_emu_mol", 1.0), ("χMT / cm3 K mol−1", "chiT_emu_K_mol", 1.0),
    ("chiT_emu_K_mol", "chiT_emu_K_mol", 1.0), ("chi*T (emu K/mol)", "chiT_emu_K_mol", 1.0),
    ("inverse_chi_mol_emu", "inverse_chi_mol_emu", 1.0), ("1/χ (mol/emu)", "inverse_chi_mol_emu", 1.0),
    ("chi^-1 [mol/cm3]", "inverse_chi_mol_emu", 1.0), ("mu_eff_muB", "mu_eff_muB", 1.0),
    ("μeff (μB)", "mu_eff_muB", 1.0), ("effective moment (BM)", "mu_eff_muB", 1.0),
    ("chi_emu_g", "chi_emu_g", 1.0), ("chi_g (m3/kg)", "chi_emu_g", 1 / (FOUR_PI * 1e-3)),
    ("chi_volume_cgs", "chi_volume_cgs", 1.0), ("chi_m3_per_mol", "chi_emu_mol", 1 / (FOUR_PI * 1e-6)),
    ("M/H (emu/mol/Oe)", "chi_emu_mol", 1.0), ("Magnetic susceptibility (cm3/mol)", "chi_emu_mol", 1.0),
    ("μ0H (T)", "field_Oe", 1e4), ("B [mT]", "field_Oe", 10.0), ("H (A/m)", "field_Oe", FOUR_PI / 1e3),
    ("m (memu)", "moment_emu", 1e-3), ("Magnetization (emu/g)", "magnetization_emu_g", 1.0),
    ("M (emu/mol)", "magnetization_emu_mol", 1.0), ("H (Oersted)", "field_Oe", 1.0),
    ("T (Kelvin)", "temperature_K", 1.0),
    ("chi (x10^-3 emu/mol)", "chi_emu_mol", 1e-3), ("χ / 10⁻³ cm³ mol⁻¹", "chi_emu_mol", 1e-3),
    ("chi_v (dimensionless)", "chi_volume_cgs", 1.0), ("χv (SI)", "chi_volume_cgs", 1 / FOUR_PI),
    ("XT (cm3 K/mol)", "chiT_emu_K_mol", 1.0), ("χ_M T", "chiT_emu_K_mol", 1.0),
    ("1/X", "inverse_chi_mol_emu", 1.0),
    ("Inverse susceptibility (mol/emu)", "inverse_chi_mol_emu", 1.0), ('"T (K)"', "temperature_K", 1.0),
    ("Temperature/K", "temperature_K", 1.0), ("chi/emu mol-1", "chi_emu_mol", 1.0),
])


def test_column_names_with_units_written_every_way(name, canonical, factor):
    from magfit.io.table import match_table_columns

    cols, conv, _ = match_table_columns([name])
    assert cols == {canonical: name}
    assert conv.get(canonical, (1.0, 0.0, ""))[0] == pytest.approx(factor, rel=1e-12)


def test_a_magnetisation_in_emu_per_mol_is_not_taken_for_chi(tmp_path):
    """M (emu/mol) is M = chi H: with a field column chi = M/H; without one the field is asked for."""
    t, chi = _cw_rows()
    body = "".join(f"{a},5,{b * 50000}\n" for a, b in zip(t, chi, strict=True))   # 5 T = 5e4 Oe
    m = magfit.read(_write(tmp_path, "m.csv", "T (K),mu0H (T),M (emu/mol)\n" + body))
    np.testing.assert_allclose(m.susceptibility().chi_emu_mol, chi, rtol=1e-9)
    body = "".join(f"{a},{b * 5000}\n" for a, b in zip(t, chi, strict=True))
    p = _write(tmp_path, "m2.csv", "T (K),M (emu/mol)\n" + body)
    with pytest.raises(magfit.UnitsError, match="molar magnetisation.*--field-oe"):
        magfit.read(p).susceptibility()
@pytest.mark.parametrize("err_name", ["err", "σ", "sigma", "std", "±χ", "dchi", "δχ", "chi_err", "sigma_chi",
                                      "chi std", "error", "uncertainty"])
def test_error_columns_however_named_take_the_unit_of_their_quantity(err_name):
    from magfit.io.table import match_table_columns

    cols, conv, _ = match_table_columns(["T (K)", "chi (m^3/mol)", err_name])
    assert cols["chi_err_emu_mol"] == err_name
    assert conv["chi_err_emu_mol"][0] == pytest.approx(1 / (FOUR_PI * 1e-6))


def _write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def _cw_rows():
    t = np.arange(10.0, 300.0, 10.0)
    return t, true_chi(t)


def test_chiT_error_propagates_as_sigma_over_T(tmp_path):
    t, chi = _cw_rows()
    body = "".join(f"{a},{b * a},{0.01 * b * a}\n" for a, b in zip(t, chi, strict=True))
    m = magfit.read(_write(tmp_path, "x.csv", "T (K),chiT (emu K/mol),d(chiT)\n" + body))
    c = m.susceptibility()
    np.testing.assert_allclose(c.chi_emu_mol, chi, rtol=1e-9)
    np.testing.assert_allclose(c.chi_err_emu_mol, 0.01 * np.abs(chi), rtol=1e-9)


def test_mu_eff_table_comes_back_with_the_exact_curie_factor(tmp_path):
    t, chi = _cw_rows()
    c1 = sc.N_A * MU_B_CGS**2 / (3.0 * K_B_CGS)
    mu = np.sqrt(chi * t / c1)
    body = "".join(f"{a:.10g}\t{b:.12g}\n" for a, b in zip(t, mu, strict=True))
    c = magfit.read(_write(tmp_path, "mu.txt", "T\tmu_eff\n" + body)).susceptibility()
    np.testing.assert_allclose(c.chi_emu_mol, chi, rtol=1e-9)


@pytest.mark.parametrize("header,sep", [
    ("Temp (K)    chi (emu/mol)", "    "), ("T\tX", "\t"), ("T;χ", ";"), ("#T,chi", ","),
    ("# T (K) ; chi (emu/mol)", ";"),
])
def test_layouts(tmp_path, header, sep):
    t, chi = _cw_rows()
    body = "".join(f"{a:g}{sep}{b:.10g}\n" for a, b in zip(t, chi, strict=True))
    m = magfit.read(_write(tmp_path, "l.txt", "# a comment line\n" + header + "\n" + body))
    np.testing.assert_allclose(m.susceptibility().chi_emu_mol, chi, rtol=1e-9)


@pytest.mark.parametrize("head,sep,fmt", [
    ("A\tB\nTemperature\tSusceptibility\nK\temu/mol\ncomment\t\n", "\t", "{a}\t{b}"),   # Origin, 4 rows
    ("Sample, X\nT (K),chi (emu/mol)\n", ",", "{a},{b}"),                             # metadata row above
    ("Sample: X\nMass: 5 mg\n\nT (K),chi (emu/mol)\n", ",", "{a},{b}"),
    ('"T (K)","chi (emu/mol)"\n', ",", '"{a}","{b}"'),                                 # all quoted
    (",T (K),chi (emu/mol)\n", ",", "0,{a},{b}"),                                      # index column
    ("% T (K)  chi (emu/mol)\n", "  ", "{a}  {b}"),                                    # MATLAB-style header
    ("Temperature, K\tSusceptibility, emu/mol\n", "\t", "{a}\t{b}"),                  # units after a comma
    ("T (K),chi (emu/mol),mode\n", ",", "{a},{b},ZFC"),                                # a text column
    ("T (K),chi (emu/mol),\n", ",", "{a},{b},"),                                       # trailing delimiters
])
def test_more_layouts(tmp_path, head, sep, fmt):
    t, chi = _cw_rows()
    body = "".join(fmt.format(a=a, b=b) + "\n" for a, b in zip(t, chi, strict=True))
    m = magfit.read(_write(tmp_path, "x.txt", head + body))
    np.testing.assert_allclose(m.susceptibility().chi_emu_mol, chi, rtol=1e-12)
    assert len(m.data) == len(t)


def test_decimal_comma_with_tabs_is_told_apart_from_a_comma_delimiter(tmp_path):
    t, chi = _cw_rows()
    body = "".join(f"{a:.1f}\t{b:.10f}\n".replace(".", ",") for a, b in zip(t, chi, strict=True))
    m = magfit.read(_write(tmp_path, "dc.txt", "T (K)\tchi (emu/mol)\n" + body))
    assert m.provenance["decimal"] == "comma"
    np.testing.assert_allclose(m.susceptibility().chi_emu_mol, chi, rtol=1e-8)


def test_origin_export_with_empty_comments_row(tmp_path):
    t, chi = _cw_rows()
    body = "".join(f"{a}\t{b * a}\n" for a, b in zip(t, chi, strict=True))
    m = magfit.read(_write(tmp_path, "o.dat", "Temperature\tChiT\nK\tcm3 K/mol\n\t\n" + body))
    assert m.columns == {"temperature_K": "Temperature (K)", "chiT_emu_K_mol": "ChiT (cm3 K/mol)"}
    assert m.provenance["units_row_line"] == 2
    np.testing.assert_allclose(m.susceptibility().chi_emu_mol, chi, rtol=1e-9)


def test_no_header_shows_the_first_row_and_how_to_name_columns(tmp_path):
    t, chi = _cw_rows()
    p = _write(tmp_path, "nh.csv", "".join(f"{a},{b}\n" for a, b in zip(t, chi, strict=True)))
    with pytest.raises(magfit.FormatError, match=r"first row is '10\.0,.*--column temperature_K=1"):
        magfit.read(p)
    m = magfit.read(p, columns={"temperature_K": 1, "chi_emu_mol": 2}, units={"chi_emu_mol": "cm3/mol"})
    np.testing.assert_allclose(m.susceptibility().chi_emu_mol, chi, rtol=1e-12)


def test_columns_by_1based_index_and_unit_override(tmp_path):
    t, chi = _cw_rows()
    body = "".join(f"{a},{b * a}\n" for a, b in zip(t, chi, strict=True))
    p = _write(tmp_path, "i.csv", "a,b\n" + body)
    m = magfit.read(p, columns={"temperature_K": 1, "chiT_emu_K_mol": 2},
                    units={"chiT_emu_K_mol": "cm^3 K mol^-1"})
    np.testing.assert_allclose(m.susceptibility().chi_emu_mol, chi, rtol=1e-9)
    with pytest.raises(magfit.FormatError, match="out of range"):
        magfit.read(_write(tmp_path, "i.csv", "a,b\n" + body), columns={"temperature_K": 3})


def test_chi_like_column_with_unknown_unit_says_so_first_and_never_asks_for_a_field(tmp_path):
    p = _write(tmp_path, "u.csv", "T (K),chi (emu/parsec)\n2,0.1\n3,0.07\n4,0.05\n")
    with pytest.raises(magfit.UnitsError) as info:
        magfit.read(p).susceptibility()
    text = str(info.value)
    assert "chi (emu/parsec)" in text and "'parsec'" in text and "expected a susceptibility" in text
    assert "field" not in text.lower().split("expected")[0]
    m = magfit.read(p, units={"chi (emu/parsec)": "emu/mol"})
    assert m.susceptibility().chi_emu_mol[0] == pytest.approx(0.1)


def test_table_without_a_quantity_column_does_not_ask_for_a_field(tmp_path):
    p = _write(tmp_path, "q.csv", "T (K),Q\n2,0.1\n3,0.07\n4,0.05\n")
    with pytest.raises(magfit.FormatError, match="no susceptibility or moment column") as info:
        magfit.read(p).susceptibility()
    assert "field" not in str(info.value).split("--")[0].lower()


def test_options_that_do_not_apply_are_reported_as_ignored(exports, capsys):
    out, _ = exports
    code = cli_main(["fit", str(out / "chi_emu_mol.csv"), "--json", "--mass-mg", "5", "--holder", "1e-6"])
    captured = capsys.readouterr()
    assert code == 0
    d = json.loads(captured.out.splitlines()[0])
    assert any("mass_mg" in w and "ignored" in w for w in d["warnings"])
    assert any("holder" in w and "ignored" in w for w in d["warnings"])
    assert "ignored" in captured.err


def test_a_column_mapped_by_hand_keeps_the_unit_in_its_name(tmp_path):
    t, chi = _cw_rows()
    body = "".join(f"{a},{b * 4e-6 * math.pi}\n" for a, b in zip(t, chi, strict=True))
    m = magfit.read(_write(tmp_path, "s.csv", "Tx,chi (m3/mol)\n" + body),
                    columns={"temperature_K": "Tx", "chi_emu_mol": "chi (m3/mol)"})
    np.testing.assert_allclose(m.susceptibility().chi_emu_mol, chi, rtol=1e-9)


def test_field_and_density_on_a_chi_table_are_reported(exports, capsys):
    out, _ = exports
    args = ["fit", str(out / "chi_emu_mol.csv"), "--json", "--field-oe", "500", "--density", "3"]
    assert cli_main(args) == 0
    d = json.loads(capsys.readouterr().out.splitlines()[0])
    assert any("field_Oe" in w and "ignored" in w for w in d["warnings"])
    assert any("density" in w and "ignored" in w for w in d["warnings"])


def test_mass_and_volume_chi_say_what_is_missing(exports):
    out, _ = exports
    with pytest.raises(magfit.SampleError, match="molar mass"):
        magfit.read(out / "chi_mass.csv").susceptibility()
    with pytest.raises(magfit.SampleError, match="density"):
        magfit.read(out / "chi_volume.tsv").susceptibility(molar_mass_g_mol=MOLAR_MASS)


def test_workbook_sheet_by_name_and_missing_sheet(exports):
    out, _ = exports
    m = magfit.read(out / "chiT_workbook.xlsx", sheet="data")
    assert m.provenance["sheet"] == "data" and "chiT_emu_K_mol" in m.columns
    with pytest.raises(magfit.FormatError, match="no sheet"):
        magfit.read(out / "chiT_workbook.xlsx", sheet="nope")
    with pytest.raises(magfit.FormatError, match="no rows of numbers"):
        magfit.read(out / "chiT_workbook.xlsx", sheet="notes")


def test_info_cli_takes_column_and_unit(tmp_path, capsys):
    t, chi = _cw_rows()
    body = "".join(f"{a},{b}\n" for a, b in zip(t, chi, strict=True))
    p = _write(tmp_path, "x.csv", "a,b\n" + body)
    assert cli_main(["info", str(p), "--json", "--column", "temperature_K=1", "--column", "chi_emu_mol=b",
                     "--unit", "chi_emu_mol=m^3/mol"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["columns"] == {"temperature_K": "a", "chi_emu_mol": "b"}
    assert d["conversions"]["chi_emu_mol"][0] == pytest.approx(1 / (FOUR_PI * 1e-6))
