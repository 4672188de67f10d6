"""Free-electron Fermi energy and Pauli susceptibility (the Stoner-enhancement evidence)."""

from __future__ import annotations

import math

from ..errors import MagfitError
from ..units import E_C, HBAR_J_S, M_E_KG, MU_B_ERG_G, N_A


def fermi_energy_eV(electron_density_cm3: float) -> float:
    """Free-electron Fermi energy E_F = hbar^2 (3 pi^2 n)^(2/3) / (2 m_e), in eV.

    Parameters
    ----------
    electron_density_cm3 : float
        Conduction-electron density n in cm^-3 (Na: 2.65e22 -> 3.24 eV, Ashcroft & Mermin Table 2.1).

    Returns
    -------
    float
    """
    n_m3 = float(electron_density_cm3) * 1e6
    if not math.isfinite(n_m3) or n_m3 <= 0:
        raise MagfitError(
            f"electron_density_cm3={electron_density_cm3!r} must be a positive density in cm^-3"
        )
    e_f = HBAR_J_S**2 * (3.0 * math.pi**2 * n_m3) ** (2.0 / 3.0) / (2.0 * M_E_KG)
    return e_f / E_C


_fermi_energy_from_density = fermi_energy_eV


def pauli_free_electron_emu_mol(fermi_energy_eV: float, electrons_per_formula_unit: float = 1.0) -> float:
    """Free-electron Pauli susceptibility per mole of formula units (cgs-emu).

    chi_P = N_A mu_B^2 g(E_F) per atom = N_A mu_B^2 (3/2) Z / E_F for Z conduction electrons per
    formula unit (g(E_F) = 3 Z / (2 E_F), both spins). Na (E_F = 3.24 eV): 1.50e-5 emu/mol.

    Parameters
    ----------
    fermi_energy_eV : float
        Fermi energy in eV.
    electrons_per_formula_unit : float
        Conduction electrons per formula unit Z.

    Returns
    -------
    float
        chi_P in emu/mol.

    References
    ----------
    Ashcroft & Mermin, *Solid State Physics*, eq. 31.69; /work/shared/PHYSICS.md d.
    """
    ef = float(fermi_energy_eV)
    if not math.isfinite(ef) or ef <= 0:
        raise MagfitError(f"fermi_energy_eV={fermi_energy_eV!r} must be positive (eV)")
    ef_erg = ef * E_C * 1e7
    return N_A * MU_B_ERG_G**2 * 1.5 * float(electrons_per_formula_unit) / ef_erg

