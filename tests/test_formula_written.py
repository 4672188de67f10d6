"""A formula as chemists write it (hydrate dot, subscripts, spaces) means the same as periodictable's
spelling everywhere a formula is read: candidate ions, the per-ion moment, the core-diamagnetism bound
and the field-dependence bound (it used to work only in the sample's molar mass; 'Gd2(SO4)3·8H2O'
gave no candidate ions and a parser error in the chi*T note)."""

from __future__ import annotations

import numpy as np
import pytest

import magfit

MU_B2_OVER_3K = 0.12505  # N_A mu_B^2 / (3 k_B) in emu K / mol (PHYSICS.md), C = this x mu_eff^2

SPELLINGS = ["Gd2(SO4)3·8H2O", "Gd2(SO4)3.8H2O", "Gd₂(SO₄)₃·8H₂O", "Gd2 (SO4)3 · 8 H2O"]


def _gd_sulfate_fit():
    """Curie-Weiss data of two free Gd3+ ions per formula unit (S = 7/2, g = 2: mu_eff^2 = 63 each)."""
    T_K = np.linspace(5.0, 300.0, 120)
    C_emu_K_mol = MU_B2_OVER_3K * 2 * 63.0
    chi = C_emu_K_mol / (T_K + 0.5)
    rng = np.random.default_rng(7)
    chi = chi * (1 + 1e-3 * rng.standard_normal(T_K.size))
    return magfit.fit_curie_weiss(magfit.ChiT(T_K, chi, 1e-3 * chi))


@pytest.mark.parametrize("written", SPELLINGS)
def test_written_formula_reads_as_its_plain_spelling(written):
    fit = _gd_sulfate_fit()
    plain = magfit.classify(fit, formula="Gd2(SO4)3(H2O)8")
    other = magfit.classify(fit, formula=written)
    assert [c for c in plain.candidates["ion"]] == [c for c in other.candidates["ion"]]
    assert "Gd3+" in list(other.candidates["ion"])
    assert other.label == plain.label and other.confidence == plain.confidence


@pytest.mark.parametrize("written", SPELLINGS[:2])
def test_candidate_ions_take_a_written_formula(written):
    mu_per_ion = np.sqrt(63.0)
    names = [ion.name if hasattr(ion, "name") else ion for ion in
             magfit.candidate_ions(mu_per_ion, 0.05, formula=written)["ion"]]
    assert names and names[0] == "Gd3+"


@pytest.mark.parametrize("written", ["Cu2(OAc)4", "Cu2(OAc)4·2H2O", "Mn(OAc)2"])
def test_acetate_abbreviation_is_refused_not_read_as_actinium(written):
    """'OAc' in periodictable's grammar is oxygen + actinium (Cu2(OAc)4: 1099 g/mol instead of 363.3),
    which would make chi three times too large; the error names the fix."""
    with pytest.raises(magfit.errors.SampleError, match="C2H3O2"):
        magfit.molar_mass_g_mol(written)


def test_acetate_written_out_gives_copper_acetate_mass():
    # Cu2(C2H3O2)4: 2 x 63.546 + 8 x 12.011 + 12 x 1.008 + 8 x 15.999 (IUPAC standard atomic weights)
    expected = 2 * 63.546 + 8 * 12.011 + 12 * 1.008 + 8 * 15.999
    assert magfit.molar_mass_g_mol("Cu2(C2H3O2)4") == pytest.approx(expected, rel=1e-6)
    assert magfit.molar_mass_g_mol("Ac2O3") == pytest.approx(2 * 227.0 + 3 * 15.999, rel=1e-3)
