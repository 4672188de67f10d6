"""magfit.corrections: Pascal diamagnetism, holder background interpolation, eicosane."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import periodictable
import pytest

from magfit.corrections import (
    EICOSANE_CHI_EMU_G,
    EICOSANE_CHI_EMU_MOL,
    background_moment_emu,
    demagnetization_correct_emu_mol,
    diamagnetism_rule_of_thumb_emu_mol,
    eicosane_moment_emu,
    holder_background,
    interpolate_background_emu,
    pascal_diamagnetism,
    pascal_diamagnetism_emu_mol,
)
from magfit.errors import SampleError
from magfit.sample import molar_mass_g_mol
from magfit.units import CURIE_CGS_PER_MUB2, mu_eff_from_curie

SAMPLE_DATA = Path(__file__).resolve().parents[1] / "sample_data"

# ---------------------------------------------------------------------------------- Pascal


def test_copper_sulfate_worked_example():
    """Imperial College worked example (PHYSICS.md): chi_m = 1.488e-3 at 293 K, Pascal -117.8e-6,
    mu_eff = 1.94."""
    chi_d = pascal_diamagnetism_emu_mol("CuSO4·5H2O")
    # Bain & Berry: Cu2+ -11, SO4^2- -40.1, H2O -13 (x5)
    assert chi_d == pytest.approx((-11.0 - 40.1 - 5 * 13.0) * 1e-6, rel=1e-12)
    assert chi_d == pytest.approx(-117.8e-6, rel=0.03)                       # their Pascal sum
    assert chi_d == pytest.approx(diamagnetism_rule_of_thumb_emu_mol("CuSO4·5H2O"), rel=0.10)  # -M/2 rule
    corrected = 1.488e-3 - chi_d
    assert mu_eff_from_curie(corrected * 293.0) == pytest.approx(1.94, abs=0.005)


def test_rule_of_thumb_is_minus_half_molar_mass():
    assert diamagnetism_rule_of_thumb_emu_mol("CuSO4(H2O)5") == pytest.approx(
        -0.5e-6 * molar_mass_g_mol("CuSO4(H2O)5"), rel=1e-12)


@pytest.mark.parametrize("formula, terms", [
    ("Gd2(SO4)3(H2O)8", 2 * -20.0 + 3 * -40.1 + 8 * -13.0),
    ("Gd2(SO4)3·8H2O", 2 * -20.0 + 3 * -40.1 + 8 * -13.0),
    ("MnO", -14.0 - 12.0),
    ("CrBr3", -11.0 + 3 * -34.6),
    ("Na1.9IrO3", 1.9 * -6.8 - 29.0 + 3 * -12.0),        # charge balance +4.1 -> Ir4+
    ("K3Fe(CN)6", 3 * -14.9 - 10.0 + 6 * -13.0),         # Fe3+ from charge balance
    ("Cu(NO3)2(H2O)3", -11.0 + 2 * -18.9 + 3 * -13.0),
    ("Ni(OH)2", -12.0 + 2 * -12.0),
    ("KClO4", -14.9 - 32.0),
    ("C20H42", 20 * -6.00 + 42 * -2.93),                  # covalent: neutral-atom constants
])
def test_pascal_sums(formula, terms):
    assert pascal_diamagnetism_emu_mol(formula) == pytest.approx(terms * 1e-6, rel=1e-9)


def test_oxidation_state_override():
    assert pascal_diamagnetism_emu_mol("Fe3O4", {"Fe": 2}) == pytest.approx((3 * -13.0 + 4 * -12.0) * 1e-6)
    value, source = pascal_diamagnetism("Fe3O4")
    assert "nearest to charge balance" in source  # +2.67 is not a tabulated charge


def test_source_names_reference_and_terms():
    value, source = pascal_diamagnetism("Gd2(SO4)3(H2O)8")
    assert "Bain" in source and "85, 532 (2008)" in source
    assert "Gd3+" in source and "SO4" in source and "8 H2O" in source
    assert "-264.3e-6" in source and value == pytest.approx(-264.3e-6)


def test_untabulated_element_falls_back_to_half_molar_mass():
    value, source = pascal_diamagnetism("NpO2")
    np_mass = periodictable.elements.symbol("Np").mass
    assert value == pytest.approx((-0.5 * np_mass + 2 * -12.0) * 1e-6, rel=1e-9)
    assert "-M/2" in source


def test_intermetallic_flags_assumption():
    value, source = pascal_diamagnetism("CePd3")
    assert value < 0 and "assumed" in source and "oxidation_states" in source


@pytest.mark.parametrize("formula", ["CuSO4·5H2O", "Gd2(SO4)3(H2O)8", "MnO", "Na1.9IrO3", "CrBr3", "Fe2O3",
                                     "Cu(C5H5N)2Cl2", "NiCl2(H2O)6", "YBa2Cu3O7", "Dy2Ti2O7"])
def test_pascal_negative_and_same_order_as_rule_of_thumb(formula):
    chi_d = pascal_diamagnetism_emu_mol(formula)
    rule = diamagnetism_rule_of_thumb_emu_mol(formula)
    assert chi_d < 0
    assert 0.3 < chi_d / rule < 2.0  # Bain & Berry's -M/2 is an order-of-magnitude estimate


def test_bad_formula():
    with pytest.raises(SampleError):
        pascal_diamagnetism_emu_mol("Zz3")


# ---------------------------------------------------------------------------------- holder


def test_interpolation_exact_on_linear_data():
    t_h = np.linspace(2.0, 300.0, 20)
    m_h = -2e-6 + 1e-9 * t_h
    t = np.array([2.0, 3.3, 77.7, 150.0, 299.9, 300.0])
    assert interpolate_background_emu(t_h, m_h, t) == pytest.approx(-2e-6 + 1e-9 * t, rel=1e-13)


def test_unsorted_and_repeated_holder_points():
    t_h = np.array([300.0, 10.0, 100.0, 10.0])
    m_h = np.array([3.0, 0.0, 1.0, 2.0])  # two points at 10 K average to 1.0
    assert interpolate_background_emu(t_h, m_h, [10.0, 55.0, 200.0]) == pytest.approx([1.0, 1.0, 2.0])


def test_extrapolation_refused_with_range_in_message():
    with pytest.raises(SampleError, match=r"5-300 K.*1.8") as info:
        interpolate_background_emu([5.0, 300.0], [1.0, 2.0], [1.8, 10.0], tolerance_K=1.0)
    assert "tolerance_K" in str(info.value)
    with pytest.raises(SampleError, match="310"):
        interpolate_background_emu([5.0, 300.0], [1.0, 2.0], [310.0])


def test_within_tolerance_uses_end_value_and_counts():
    res = holder_background([5.0, 300.0], [1.0, 2.0], [4.5, 100.0, 300.8], tolerance_K=1.0)
    assert res.moment_emu[0] == 1.0 and res.moment_emu[2] == 2.0
    assert res.n_clamped == 2 and res.holder_range_K == (5.0, 300.0)


def test_nonfinite_holder_points_dropped_and_counted():
    res = holder_background([2.0, np.nan, 100.0, 200.0], [0.0, 5.0, np.inf, 2.0], [2.0, 101.0, np.nan])
    assert res.n_dropped == 2 and res.n_holder_points == 2
    assert res.moment_emu[1] == pytest.approx(0.0 + 2.0 * 99.0 / 198.0)
    assert math.isnan(res.moment_emu[2])


def test_field_scaling():
    t_h = [2.0, 300.0]
    m_h = [-2e-6, -2e-6]  # measured at 1000 Oe
    bg = interpolate_background_emu(t_h, m_h, [50.0, 60.0], holder_field_Oe=1000.0, field_Oe=[5000.0, 500.0])
    assert bg == pytest.approx([-1e-5, -1e-6])


@pytest.mark.parametrize("args, match", [
    (([1.0, 2.0], [1.0], [1.5]), "equal length"),
    (([1.0], [1.0], [1.0]), "need >= 2"),
    (([1.0, np.nan], [1.0, 2.0], [1.0]), "need >= 2"),
])
def test_holder_errors(args, match):
    with pytest.raises(SampleError, match=match):
        interpolate_background_emu(*args)


def test_constant_background():
    assert background_moment_emu(-3e-6, [2.0, 5.0, 9.0]) == pytest.approx([-3e-6] * 3)
    with pytest.raises(SampleError):
        background_moment_emu(float("nan"), [2.0])
    with pytest.raises(SampleError, match="holder must be"):
        background_moment_emu("straw", [2.0])
    pair = background_moment_emu(([2.0, 4.0], [0.0, 2.0]), [3.0])
    assert pair == pytest.approx([1.0])


def _mpms3_columns(path: Path, *names: str) -> list[np.ndarray]:
    """Minimal reader for the project's own MPMS3 sample files (the real loader lives in magfit.io)."""
    lines = path.read_text().splitlines()
    i = lines.index("[Data]")
    rows = list(csv.reader(lines[i + 1:]))
    header = rows[0]
    return [np.array([float(r[header.index(n)]) for r in rows[1:]]) for n in names]


def test_holder_subtraction_recovers_mixed_sample_model():
    """mixed_kondo_like.dat = sample + empty_holder background (sample_data/README.md); subtracting the
    interpolated holder run recovers chi0 + C/(T - theta) with chi0 = 1.5e-3, mu_eff 1.8, theta -25 K."""
    cols = ("Temperature (K)", "Magnetic Field (Oe)", "DC Moment Free Ctr (emu)")
    t_h, h_h, m_h = _mpms3_columns(SAMPLE_DATA / "empty_holder_mpms3.dat", *cols)
    t, h, m = _mpms3_columns(SAMPLE_DATA / "mixed_kondo_like.dat", *cols)
    bg = interpolate_background_emu(t_h, m_h, t, holder_field_Oe=h_h, field_Oe=h)
    molar = molar_mass_g_mol("CePd3")
    true = 1.5e-3 + CURIE_CGS_PER_MUB2 * 1.8**2 / (t + 25.0)
    chi_corrected = (m - bg) * molar / (0.020 * h)
    chi_raw = m * molar / (0.020 * h)
    hot = t > 200
    assert np.median(np.abs(chi_corrected / true - 1)) < 0.004          # within the 0.3 % noise
    assert np.all(np.abs(chi_raw[hot] / true[hot] - 1) > 0.01)         # the holder matters at high T


# ---------------------------------------------------------------------------------- eicosane


def test_eicosane_constants():
    assert EICOSANE_CHI_EMU_MOL == pytest.approx((20 * -6.00 + 42 * -2.93) * 1e-6)
    assert EICOSANE_CHI_EMU_G * molar_mass_g_mol("C20H42") == pytest.approx(EICOSANE_CHI_EMU_MOL, rel=1e-12)
    assert EICOSANE_CHI_EMU_G == pytest.approx(-8.60e-7, rel=2e-3)


def test_eicosane_moment():
    assert eicosane_moment_emu(10.0, 1000.0) == pytest.approx(EICOSANE_CHI_EMU_G * 0.010 * 1000.0)
    arr = eicosane_moment_emu(5.0, np.array([1000.0, -1000.0]))
    assert arr[0] < 0 < arr[1]
    assert eicosane_moment_emu(0.0, 1000.0) == 0.0
    with pytest.raises(SampleError, match="eicosane_mg"):
        eicosane_moment_emu(-1.0, 1000.0)


# ---------------------------------------------------------------------------------- demagnetization


def test_demagnetization_sphere_closed_form():
    """Sphere (N = 1/3): kappa_ext = kappa_int / (1 + 4 pi kappa_int / 3); a perfect diamagnet
    (kappa_int = -1/(4 pi)) appears as -3/(8 pi), and the correction inverts it exactly."""
    v_m = 10.0
    kappa_int = np.array([-1 / (4 * np.pi), 1e-4, 0.05])
    kappa_ext = kappa_int / (1 + 4 * np.pi * kappa_int / 3)
    assert kappa_ext[0] == pytest.approx(-3 / (8 * np.pi))
    back = demagnetization_correct_emu_mol(kappa_ext * v_m, 1 / 3, molar_volume_cm3_mol=v_m)
    assert back == pytest.approx(kappa_int * v_m, rel=1e-12)


def test_demagnetization_identity_and_density_route():
    chi = np.array([1e-3, 2e-2])
    assert demagnetization_correct_emu_mol(chi, 0.0, molar_volume_cm3_mol=30.0) == pytest.approx(chi)
    a = demagnetization_correct_emu_mol(chi, 0.5, molar_mass_g_mol=70.94, density_g_cm3=5.37)
    b = demagnetization_correct_emu_mol(chi, 0.5, molar_volume_cm3_mol=70.94 / 5.37)
    assert a == pytest.approx(b)
    assert np.all(a > chi)  # paramagnet: the internal field is smaller than the applied one


@pytest.mark.parametrize("kwargs, match", [
    ({"demag_factor": 1.5, "molar_volume_cm3_mol": 10.0}, "demag_factor"),
    ({"demag_factor": 0.3}, "molar_volume"),
    ({"demag_factor": 0.3, "molar_volume_cm3_mol": -1.0}, "molar_volume"),
    ({"demag_factor": 1.0, "molar_volume_cm3_mol": 1.0}, "demagnetization limit"),
])
def test_demagnetization_errors(kwargs, match):
    with pytest.raises(SampleError, match=match):
        demagnetization_correct_emu_mol(0.2, **kwargs)
