"""magfit.sample: molar masses, ion counts, and resolving the sample from arguments + header."""

from __future__ import annotations

import csv

import periodictable
import pytest
from conftest import realfile
from hypothesis import given, settings
from hypothesis import strategies as st

from magfit.errors import MagfitError, SampleError
from magfit.sample import (
    Sample,
    count_atoms,
    ion_element,
    molar_mass_g_mol,
    normalize_formula,
    resolve_sample,
)


def _by_hand(counts: dict[str, float]) -> float:
    """Molar mass summed element by element from periodictable's atomic weights."""
    return sum(n * periodictable.elements.symbol(s).mass for s, n in counts.items())


# ---------------------------------------------------------------------------------- molar mass

def test_gd_sulfate_octahydrate_molar_mass():
    m = molar_mass_g_mol("Gd2(SO4)3(H2O)8")
    assert m == pytest.approx(_by_hand({"Gd": 2, "S": 3, "O": 20, "H": 16}), rel=1e-12)
    assert m == pytest.approx(746.8, abs=0.05)  # literature value of Gd2(SO4)3.8H2O


@pytest.mark.parametrize("text", ["Gd2(SO4)3·8H2O", "Gd2(SO4)3.8H2O", "Gd2(SO4)3*8H2O", "Gd2(SO4)3 • 8 H2O",
                                  "Gd\u2082(SO\u2084)\u2083\u00b78H\u2082O", "Gd2(SO4)3+8H2O"])
def test_hydrate_notations_equal(text):
    assert molar_mass_g_mol(text) == pytest.approx(molar_mass_g_mol("Gd2(SO4)3(H2O)8"), rel=1e-12)


def test_copper_sulfate_pentahydrate_dot_is_a_hydrate_not_a_decimal():
    expected = _by_hand({"Cu": 1, "S": 1, "O": 9, "H": 10})
    assert molar_mass_g_mol("CuSO4.5H2O") == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(249.69, abs=0.02)  # CRC: CuSO4.5H2O 249.69 g/mol
    assert normalize_formula("CuSO4.5H2O") == "CuSO4+5H2O"


def test_fractional_subscripts():
    assert molar_mass_g_mol("Na1.9IrO3") == pytest.approx(_by_hand({"Na": 1.9, "Ir": 1, "O": 3}), rel=1e-12)
    assert normalize_formula("Na1.9IrO3") == "Na1.9IrO3"


@pytest.mark.parametrize("bad", ["", "   ", "Gd2(SO4", "Xx2O", "gd2o3", "KMK232"])
def test_bad_formula_raises_sample_error_with_fix(bad):
    with pytest.raises(SampleError, match="formula"):
        molar_mass_g_mol(bad)


def test_non_string_formula():
    with pytest.raises(SampleError):
        molar_mass_g_mol(None)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=20))
def test_any_text_gives_positive_mass_or_sample_error(text):
    try:
        m = molar_mass_g_mol(text)
    except MagfitError as exc:
        assert isinstance(exc, SampleError)
    else:
        assert m > 0


# ---------------------------------------------------------------------------------- ion counts

@pytest.mark.parametrize("ion, n", [("Gd", 2), ("Gd3+", 2), ("Gd(III)", 2), ("Gd+3", 2), ("O", 20),
                                    ("H", 16)])
def test_count_atoms(ion, n):
    assert count_atoms("Gd2(SO4)3(H2O)8", ion) == n


def test_count_fractional():
    assert count_atoms("Na1.9IrO3", "Na") == pytest.approx(1.9)
    assert count_atoms("Na1.9IrO3", "Ir4+") == 1


def test_ion_not_in_formula():
    with pytest.raises(SampleError, match=r"Cu.*does not occur.*Gd2\(SO4\)3\(H2O\)8"):
        count_atoms("Gd2(SO4)3(H2O)8", "Cu2+")


@pytest.mark.parametrize("bad", ["Xx", "gd", "3+", "", "Gd Cu"])
def test_bad_ion_label(bad):
    with pytest.raises(SampleError, match="per_ion"):
        ion_element(bad)


# ---------------------------------------------------------------------------------- resolve_sample

MPMS3_HEADER = {"SAMPLE_MATERIAL": "Gd2(SO4)3(H2O)8", "SAMPLE_MASS": "10.0", "SAMPLE_VOLUME": "",
                "SAMPLE_MOLECULAR_WEIGHT": "746.79", "SAMPLE_SIZE": "", "SAMPLE_HOLDER": "Straw"}


def test_header_values_and_sources():
    s = resolve_sample(MPMS3_HEADER)
    assert isinstance(s, Sample)
    assert s.mass_mg == 10.0 and s.molar_mass_g_mol == 746.79
    assert s.sources == {"mass_mg": "header SAMPLE_MASS",
                         "molar_mass_g_mol": "header SAMPLE_MOLECULAR_WEIGHT"}
    assert s.n_ions is None and s.per == "formula unit"
    assert s.diamagnetic_emu_mol == 0.0 and s.diamagnetic_source == "none"
    assert s.mass_g == pytest.approx(0.010)
    assert s.moles == pytest.approx(0.010 / 746.79)


def test_explicit_arguments_win():
    s = resolve_sample(MPMS3_HEADER, mass_mg=12.5, formula="Gd2(SO4)3(H2O)8", per_ion="Gd")
    assert s.mass_mg == 12.5 and s.sources["mass_mg"] == "argument mass_mg"
    assert s.molar_mass_g_mol == pytest.approx(molar_mass_g_mol("Gd2(SO4)3(H2O)8"))
    assert s.sources["molar_mass_g_mol"] == "formula Gd2(SO4)3(H2O)8"
    assert s.n_ions == 2 and s.per == "Gd"
    assert s.warnings == ()  # header 746.79 agrees with the formula within 1 %
    s2 = resolve_sample(MPMS3_HEADER, molar_mass_g_mol=700.0, n_ions=1.0, per_ion="Gd")
    assert s2.molar_mass_g_mol == 700.0 and s2.sources["molar_mass_g_mol"] == "argument molar_mass_g_mol"
    assert s2.n_ions == 1.0 and s2.sources["n_ions"] == "argument n_ions"
    assert any("SAMPLE_MOLECULAR_WEIGHT" in w for w in s2.warnings)


def test_mpmsxl_weight_and_placeholders():
    header = {"NAME": "pb6051", "WEIGHT": "48.400", "AREA": "0.000", "LENGTH": "0.000", "SHAPE": "0"}
    s = resolve_sample(header, header_conventions=True)
    assert s.mass_mg == pytest.approx(48.4) and s.sources["mass_mg"] == "header WEIGHT"
    assert s.molar_mass_g_mol is None and s.eicosane_mg is None and s.diamagnetic_emu_mol == 0.0


def test_freeform_grams_and_lakeshore_mass():
    assert resolve_sample({"mass (g)": "0.0467"}).mass_mg == pytest.approx(46.7)
    assert resolve_sample({"mass (g) =": "0.0467"}).mass_mg == pytest.approx(46.7)
    s = resolve_sample({"Mass": "0.02500 g"})
    assert s.mass_mg == pytest.approx(25.0) and "Mass" in s.sources["mass_mg"]
    assert resolve_sample({"Mass": "12.5 mg"}).mass_mg == pytest.approx(12.5)


@pytest.mark.parametrize("text", ["1.00000 g", "1 g", "1.0g", " 1.000 g "])
def test_lakeshore_placeholder_mass_is_not_used(text):
    """Lake Shore writes 'Mass: 1.00000 g' until the user types a mass: flagged, never used."""
    s = resolve_sample({"Mass": text})
    assert s.mass_mg is None and "placeholder" in s.sources["mass_mg"]
    assert any("placeholder 1 g" in w and "--mass-mg" in w for w in s.warnings)
    assert "placeholder" in s.mass_note
    explicit = resolve_sample({"Mass": text}, mass_mg=1000.0)      # a sample that really weighs 1 g
    assert explicit.mass_mg == pytest.approx(1000.0) and not explicit.warnings


def test_empty_values_are_absent():
    s = resolve_sample({"SAMPLE_MASS": "", "SAMPLE_MOLECULAR_WEIGHT": "  "})
    assert s.mass_mg is None and s.molar_mass_g_mol is None and s.sources == {}


def test_conventions_only_on_request():
    header = {"SAMPLE_MASS": "5.0", "SAMPLE_VOLUME": "12.3", "SAMPLE_SIZE": "-0.000264"}
    plain = resolve_sample(header)
    assert plain.eicosane_mg is None and plain.diamagnetic_emu_mol == 0.0
    chem = resolve_sample(header, header_conventions=True)
    assert chem.eicosane_mg == pytest.approx(12.3)
    assert chem.diamagnetic_emu_mol == pytest.approx(-2.64e-4)
    assert "SAMPLE_SIZE" in chem.diamagnetic_source and "SAMPLE_VOLUME" in chem.sources["eicosane_mg"]
    xl = resolve_sample({"WEIGHT": "3.0", "AREA": "7.5", "SHAPE": "-0.0003", "LENGTH": "512.4"},
                        header_conventions=True)
    assert (xl.eicosane_mg, xl.diamagnetic_emu_mol, xl.molar_mass_g_mol) == (7.5, -0.0003, 512.4)
    assert resolve_sample({"LENGTH": "512.4"}).molar_mass_g_mol is None


def test_ppms_dimensions_in_sample_size_are_never_a_number():
    s = resolve_sample({"SAMPLE_SIZE": "(1.5, 2, 0.3)"}, header_conventions=True)
    assert s.diamagnetic_emu_mol == 0.0 and s.diamagnetic_source == "none"
    assert any("dimensions" in w for w in s.warnings)


def test_diamagnetic_argument_and_pascal():
    s = resolve_sample({}, diamagnetic=-1.2e-4)
    assert s.diamagnetic_emu_mol == -1.2e-4 and s.sources["diamagnetic_emu_mol"] == "argument diamagnetic"
    p = resolve_sample({}, formula="CuSO4·5H2O", diamagnetic="pascal")
    assert p.diamagnetic_emu_mol == pytest.approx(-116.1e-6)
    assert "Bain" in p.diamagnetic_source


@pytest.mark.parametrize("kwargs, match", [
    ({"mass_mg": 0}, "mass_mg"), ({"mass_mg": -3.0}, "mass_mg"), ({"mass_mg": "ten"}, "mass_mg"),
    ({"molar_mass_g_mol": 0.0}, "molar_mass_g_mol"), ({"n_ions": 0}, "n_ions"),
    ({"per_ion": "Gd"}, "formula"), ({"formula": "Gd2(SO4)3", "per_ion": "Cu"}, "does not occur"),
    ({"formula": "Qq2"}, "formula"), ({"diamagnetic": 1.2e-4}, "negative"),
    ({"diamagnetic": "pascal"}, "formula"), ({"diamagnetic": "lots"}, "pascal"),
    ({"eicosane_mg": -1.0}, "eicosane_mg"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(SampleError, match=match):
        resolve_sample({}, **kwargs)


@pytest.mark.parametrize("header, key", [
    ({"SAMPLE_MASS": "ten mg"}, "SAMPLE_MASS"), ({"WEIGHT": "-4"}, "WEIGHT"),
    ({"SAMPLE_MOLECULAR_WEIGHT": "n/a"}, "SAMPLE_MOLECULAR_WEIGHT"), ({"Mass": "heavy"}, "Mass")])
def test_bad_header_values_name_the_key(header, key):
    with pytest.raises(SampleError, match=key) as info:
        resolve_sample(header, path="run1.dat")
    assert "run1.dat" in str(info.value)


def test_bad_header_value_not_needed_when_argument_given():
    assert resolve_sample({"SAMPLE_MASS": "ten mg"}, mass_mg=10.0).mass_mg == 10.0
    s = resolve_sample({"SAMPLE_MOLECULAR_WEIGHT": "n/a"}, formula="MnO")
    assert s.molar_mass_g_mol == pytest.approx(molar_mass_g_mol("MnO"))
    assert resolve_sample({"SAMPLE_MOLECULAR_WEIGHT": "n/a"}, molar_mass_g_mol=70.9).molar_mass_g_mol == 70.9


def test_positive_header_diamagnetic_refused_with_fix():
    with pytest.raises(SampleError, match="SAMPLE_SIZE.*diamagnetic="):
        resolve_sample({"SAMPLE_SIZE": "0.000264"}, header_conventions=True)


def test_sample_is_frozen_and_serialisable():
    s = resolve_sample(MPMS3_HEADER)
    with pytest.raises(AttributeError):
        s.mass_mg = 3.0  # type: ignore[misc]
    assert s.to_dict()["sources"]["mass_mg"] == "header SAMPLE_MASS"


# ---------------------------------------------------------------------------------- real headers

def _info_records(path, key_last: bool) -> dict[str, str]:
    """Minimal INFO-record reader for these tests (the real loader lives in magfit.io)."""
    out = {}
    with open(path, encoding="latin-1", newline="") as fh:
        for line in fh:
            if line.strip() == "[Data]":
                break
            fields = next(csv.reader([line.rstrip("\r\n")]), [])
            if len(fields) >= 3 and fields[0].strip() == "INFO":
                if key_last:
                    out[fields[-1].strip()] = ",".join(fields[1:-1]).strip()
                else:
                    out[fields[1].strip()] = ",".join(fields[2:]).strip()
    return out


def test_real_mpms3_header():
    s = resolve_sample(_info_records(realfile("zfcfc1"), key_last=True))
    assert s.mass_mg == pytest.approx(1.6) and s.molar_mass_g_mol is None  # SAMPLE_MOLECULAR_WEIGHT empty


def test_real_mpmsxl_header():
    s = resolve_sample(_info_records(realfile("pb6051_ZFC"), key_last=False), header_conventions=True)
    assert s.mass_mg == pytest.approx(48.4) and s.eicosane_mg is None


def test_real_acms_freeform_mass_in_grams():
    header = _info_records(realfile("Na1.9IrO3"), key_last=False)
    s = resolve_sample({k: v for k, v in header.items() if k.lower().startswith("mass")}, formula="Na1.9IrO3",
                       per_ion="Ir")
    assert s.mass_mg == pytest.approx(46.7) and s.n_ions == 1
