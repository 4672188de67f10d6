"""Physical constants and unit conversions (cgs-emu molar by default, SI on request).

The constants are literals (importing :mod:`scipy.constants` costs 0.2-0.3 s of start-up, more
than the rest of reading a file): the SI defining constants (exact since 2019: N_A, k_B, h, e, c)
and the CODATA 2022 recommended values of the measured ones (mu_B, m_e, mu_0, a_0), the set
scipy >= 1.15 ships as :mod:`scipy.constants`. ``tests/test_units.py`` compares every literal with
scipy.constants. cgs values are derived here, so there is one source of truth:

* k_B  [erg/K]  = k_B[J/K] * 1e7
* mu_B [erg/G] = mu_B[J/T] * 1e3          (1 J/T = 1e3 erg/G = 1e3 emu)
* N_A  [1/mol]

Curie constant per mole (cgs-emu, emu K mol^-1 Oe^-1 == cm^3 K mol^-1):

    C = N_A mu_B^2 mu_eff^2 / (3 k_B)  = CURIE_CGS_PER_MUB2 * mu_eff^2,
    CURIE_CGS_PER_MUB2 = 0.125049 emu K / mol   (so mu_eff = 2.82787 sqrt(C) ~ sqrt(8 C))

SI molar susceptibility: chi_SI [m^3/mol] = 4 pi 1e-6 chi_cgs [cm^3/mol]
(the 4 pi from the Gaussian -> SI definition of H, the 1e-6 from cm^3 -> m^3).
Mass susceptibility: chi_g,SI [m^3/kg] = 4 pi 1e-3 chi_g,cgs [cm^3/g].
Fields: 1 Oe <-> mu0 H = 1e-4 T in vacuum.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "N_A", "K_B_ERG", "MU_B_ERG_G", "K_B_J", "MU_B_J_T", "MU_0",
    "H_J_S", "HBAR_J_S", "E_C", "C_M_S", "M_E_KG", "BOHR_RADIUS_M",
    "CURIE_CGS_PER_MUB2", "CURIE_SI_PER_MUB2",
    "curie_from_mu_eff", "mu_eff_from_curie",
    "chi_cgs_to_si", "chi_si_to_cgs", "chi_mass_cgs_to_si",
    "tesla_to_oe", "oe_to_tesla", "MUB_PER_EMU",
]

# SI defining constants, exact (BIPM SI brochure, 9th ed., 2019; CODATA 2018 = 2022 for these)
N_A: float = 6.02214076e23                             # 1/mol, Avogadro constant
K_B_J: float = 1.380649e-23                            # J/K, Boltzmann constant
H_J_S: float = 6.62607015e-34                          # J s, Planck constant
E_C: float = 1.602176634e-19                           # C, elementary charge (also J per eV)
C_M_S: float = 299792458.0                             # m/s, speed of light in vacuum
HBAR_J_S: float = H_J_S / (2.0 * math.pi)              # J s, reduced Planck constant
# measured constants, CODATA 2022 (Mohr et al., Rev. Mod. Phys. 97, 025002 (2025);
# physics.nist.gov/constants); 2018 values differ by < 1.4e-9 relative
MU_B_J_T: float = 9.2740100657e-24                     # J/T, Bohr magneton
M_E_KG: float = 9.1093837139e-31                       # kg, electron mass
MU_0: float = 1.25663706127e-6                         # T m / A (N/A^2), vacuum permeability
BOHR_RADIUS_M: float = 5.29177210544e-11               # m, Bohr radius
K_B_ERG: float = K_B_J * 1e7                           # erg/K
MU_B_ERG_G: float = MU_B_J_T * 1e3                     # erg/G = emu

#: C per mu_eff^2 in emu K mol^-1 (N_A mu_B^2 / 3 k_B, cgs) = 0.125049
CURIE_CGS_PER_MUB2: float = N_A * MU_B_ERG_G**2 / (3.0 * K_B_ERG)
#: C per mu_eff^2 in m^3 K mol^-1 (SI molar) = 4 pi 1e-6 * CURIE_CGS_PER_MUB2 = 1.5714e-6
CURIE_SI_PER_MUB2: float = MU_0 * N_A * MU_B_J_T**2 / (3.0 * K_B_J)

#: Bohr magnetons in one emu (1 emu = 1e-3 A m^2)
MUB_PER_EMU: float = 1.0 / MU_B_ERG_G

_CGS_TO_SI_MOLAR = 4.0 * math.pi * 1e-6
_CGS_TO_SI_MASS = 4.0 * math.pi * 1e-3


def curie_from_mu_eff(mu_eff_B, *, si: bool = False):
    """Molar Curie constant from the effective moment (in Bohr magnetons).

    C = N_A mu_B^2 mu_eff^2 / (3 k_B); emu K/mol by default, m^3 K/mol with ``si=True``.
    Example: Gd3+ (mu_eff = 7.937) -> C = 7.877 emu K/mol.

    Parameters
    ----------
    mu_eff_B : float or array_like
        Effective moment in Bohr magnetons.
    si : bool
        Return m^3 K/mol instead of emu K/mol.

    Returns
    -------
    float or numpy.ndarray
        Molar Curie constant.
    """
    factor = CURIE_SI_PER_MUB2 if si else CURIE_CGS_PER_MUB2
    return factor * np.square(mu_eff_B)


def mu_eff_from_curie(curie, *, si: bool = False):
    """Effective moment (Bohr magnetons) from a molar Curie constant: mu_eff = sqrt(3 k_B C/(N_A mu_B^2)).

    In cgs, mu_eff = 2.82787 sqrt(C) (the familiar sqrt(8C) is 0.02 % high).

    Parameters
    ----------
    curie : float or array_like
        Molar Curie constant, emu K/mol (m^3 K/mol with ``si=True``).
    si : bool
        ``curie`` is in SI units.

    Returns
    -------
    float or numpy.ndarray
        mu_eff in Bohr magnetons.
    """
    factor = CURIE_SI_PER_MUB2 if si else CURIE_CGS_PER_MUB2
    return np.sqrt(np.asarray(curie, dtype=float) / factor)


def chi_cgs_to_si(chi_emu_mol):
    """Molar susceptibility emu/mol (= cm^3/mol) -> m^3/mol: multiply by 4 pi 1e-6.

    Parameters
    ----------
    chi_emu_mol : float or array_like
        Molar susceptibility in emu/mol (cm^3/mol).

    Returns
    -------
    numpy.ndarray
        The same quantity in m^3/mol.
    """
    return np.asarray(chi_emu_mol, dtype=float) * _CGS_TO_SI_MOLAR


def chi_si_to_cgs(chi_m3_mol):
    """Molar susceptibility m^3/mol -> emu/mol: divide by 4 pi 1e-6.

    Parameters
    ----------
    chi_m3_mol : float or array_like
        Molar susceptibility in m^3/mol.

    Returns
    -------
    numpy.ndarray
        The same quantity in emu/mol.
    """
    return np.asarray(chi_m3_mol, dtype=float) / _CGS_TO_SI_MOLAR


def chi_mass_cgs_to_si(chi_emu_g):
    """Mass susceptibility emu/(g Oe) = cm^3/g -> m^3/kg: multiply by 4 pi 1e-3.

    Parameters
    ----------
    chi_emu_g : float or array_like
        Mass susceptibility in emu/(g Oe) = cm^3/g.

    Returns
    -------
    numpy.ndarray
        The same quantity in m^3/kg.
    """
    return np.asarray(chi_emu_g, dtype=float) * _CGS_TO_SI_MASS


def tesla_to_oe(field_T):
    """mu0 H in tesla -> H in oersted (vacuum): 1 T <-> 1e4 Oe.

    Parameters
    ----------
    field_T : float or array_like
        Field mu0 H in tesla.

    Returns
    -------
    numpy.ndarray
        The same quantity in oersted (H).
    """
    return np.asarray(field_T, dtype=float) * 1e4


def oe_to_tesla(field_Oe):
    """H in oersted -> mu0 H in tesla (vacuum): 1 Oe <-> 1e-4 T.

    Parameters
    ----------
    field_Oe : float or array_like
        Field H in oersted.

    Returns
    -------
    numpy.ndarray
        The same quantity in tesla (mu0 H).
    """
    return np.asarray(field_Oe, dtype=float) * 1e-4
