"""Physical constants and unit conversions (cgs-emu molar by default, SI on request).

All constants come from :mod:`scipy.constants` (CODATA). cgs values are derived here, so
there is one source of truth:

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
from scipy import constants as _sc

__all__ = [
    "N_A", "K_B_ERG", "MU_B_ERG_G", "K_B_J", "MU_B_J_T", "MU_0",
    "CURIE_CGS_PER_MUB2", "CURIE_SI_PER_MUB2",
    "curie_from_mu_eff", "mu_eff_from_curie",
    "chi_cgs_to_si", "chi_si_to_cgs", "chi_mass_cgs_to_si",
    "tesla_to_oe", "oe_to_tesla", "MUB_PER_EMU",
]

N_A: float = _sc.N_A
K_B_J: float = _sc.k                                   # J/K
MU_B_J_T: float = _sc.physical_constants["Bohr magneton"][0]  # J/T
MU_0: float = _sc.mu_0                                 # T m / A
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
