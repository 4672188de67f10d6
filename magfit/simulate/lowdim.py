"""Low-dimensional S = 1/2 models: Bleaney-Bowers dimer and Heisenberg antiferromagnetic chain.

The chain uses, by default, a Pade approximant fitted to exact diagonalisation of rings
extrapolated in N (1e-4 for T >= 0.5 J'); the older Hall / Estes approximant is kept only as the
labelled legacy option ``approximant="hall-estes-1978"``.

Exchange conventions differ by factors of 2 between papers, so every function here takes
``convention``:

* ``"-J"``  : H = -J sum_<ij> S_i.S_j   (project convention, each bond once; J > 0 FM, J < 0 AFM)
* ``"-2J"`` : H = -2J sum_<ij> S_i.S_j  (Heisenberg / Van Vleck / Bleaney-Bowers "chemist" form)
* ``"+J"``  : H = +J sum_<ij> S_i.S_j   (theorists' form; J > 0 AFM, e.g. Bonner-Fisher, Eggert et al.)

J is always in kelvin (J / k_B). Conversion to the bond energy used internally:
J_bond (H = -J_bond S.S) = J, 2J, -J respectively.

References
----------
* B. Bleaney and K. D. Bowers, Proc. R. Soc. A 214, 451 (1952).
* J. C. Bonner and M. E. Fisher, Phys. Rev. 135, A640 (1964).
* W. E. Estes, D. P. Gavel, W. E. Hatfield and D. J. Hodgson, Inorg. Chem. 17, 1415 (1978);
  J. W. Hall, PhD thesis, University of North Carolina (1977) (rational approximant).
* S. Eggert, I. Affleck and M. Takahashi, Phys. Rev. Lett. 73, 332 (1994) (exact T_max, chi_max).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..chit import ChiT
from ..errors import SimulationError
from ..units import CURIE_CGS_PER_MUB2
from .curves import _chit, _finite_scalar, _positive_scalar, _temperatures

__all__ = [
    "CONVENTIONS",
    "bond_exchange_K",
    "bleaney_bowers",
    "heisenberg_chain",
    "chain_reduced_chi",
    "CHAIN_APPROXIMANTS",
    "CHAIN_ACCURATE_ABOVE",
    "CHAIN_TMAX_EXACT",
    "CHAIN_CHIMAX_EXACT",
]

#: multiplier turning J of each convention into J_bond of H = -J_bond S_i.S_j
CONVENTIONS: dict[str, float] = {"-J": 1.0, "-2J": 2.0, "+J": -1.0}
#: S=1/2 AFM chain, H = J' sum S.S: k_B T_max / J' and chi_max J'/(N g^2 mu_B^2) (Eggert et al. 1994)
CHAIN_TMAX_EXACT = 0.640851
CHAIN_CHIMAX_EXACT = 0.146926

# N_A mu_B^2 / k_B in emu K / mol (= 3 x 0.125049)
_NMUB2_K = 3.0 * CURIE_CGS_PER_MUB2

# LEGACY: Hall / Estes et al. rational approximant in y = J'/(k_B T), H = J' sum S_i.S_{i+1}
# (biases a fitted J by +2.5 to +5.4 % against exact diagonalisation; kept as approximant="hall-estes-1978")
_CHAIN_NUM = (0.25, 0.074975, 0.075235)
_CHAIN_DEN = (1.0, 0.9931, 0.172135, 0.757825)

# Default: Pade fit in x = J'/(k_B T) of chi* = chi J'/(N g^2 mu_B^2) per spin,
#   chi* = (x/4) (1 + sum_k N_k x^k) / (1 + sum_k D_k x^k),   k = 1..5 and 1..6,
# with N1 = D1 - 1/2 (exact high-T series chi T/C = 1 - J'/2T + ...) and N5/(4 D6) = 1/pi^2 (exact T = 0
# limit, Eggert et al. 1994). Fitted (max. relative deviation 1.3e-8) to exact diagonalisation of
# S = 1/2 rings N = 10, 12, 14 extrapolated in N (Shanks), 0.4 <= k_B T/J' <= 300 (magfit.spin.ed;
# the slow test test_simulate_lowdim.py::test_default_chain_against_rings_extrapolated_in_N repeats
# the check). Accuracy: < 6e-5 relative for T >= 0.5 J'
# (the size of the N-extrapolation); maximum at 0.6408512 J' with chi*_max = 0.1469263 (exact 0.640851,
# 0.146926). Below 0.5 J' it interpolates to the exact chi*(0) = 1/pi^2 without the logarithmic
# corrections; its accuracy there is NOT verified (finite-ring ED does not reach it).
_CHAIN_ED_NUM = (-0.07358365014389667, 0.46140950431546507, -0.01132426059781057, 0.03315413464420083,
                 0.004540117542426812)
_CHAIN_ED_DEN = (0.4264163498561033, 0.6746201959469267, 0.28428074267702164, 0.14472958890166307,
                 0.04804411795805094, 0.011202291019549667)
#: names of the chain approximants; the first is the default
CHAIN_APPROXIMANTS = ("ed-pade", "hall-estes-1978")
#: k_B T / J' above which the default chain approximant is accurate to 1e-4
CHAIN_ACCURATE_ABOVE = 0.5


def chain_reduced_chi(t_over_J: Any, approximant: str = "ed-pade") -> np.ndarray:
    """chi* = chi J'/(N g^2 mu_B^2) per spin of the S = 1/2 AFM chain H = J' sum S_i.S_{i+1}.

    Parameters
    ----------
    t_over_J : array_like
        k_B T / J' (> 0).
    approximant : {"ed-pade", "hall-estes-1978"}
        "ed-pade" (default): Pade fit to exact diagonalisation of rings extrapolated in N, accurate
        to 1e-4 for T >= 0.5 J'; "hall-estes-1978": the legacy rational approximant (2 % errors).

    Returns
    -------
    numpy.ndarray
        chi* (dimensionless).
    """
    x = 1.0 / np.asarray(t_over_J, dtype=float)
    if approximant == "ed-pade":
        num = 1.0 + sum(c * x ** (k + 1) for k, c in enumerate(_CHAIN_ED_NUM))
        den = 1.0 + sum(c * x ** (k + 1) for k, c in enumerate(_CHAIN_ED_DEN))
        return 0.25 * x * num / den
    if approximant == "hall-estes-1978":
        num = _CHAIN_NUM[0] + x * (_CHAIN_NUM[1] + x * _CHAIN_NUM[2])
        den = _CHAIN_DEN[0] + x * (_CHAIN_DEN[1] + x * (_CHAIN_DEN[2] + x * _CHAIN_DEN[3]))
        return x * num / den
    raise SimulationError(f"approximant must be one of {CHAIN_APPROXIMANTS}, got {approximant!r}")


def bond_exchange_K(J_K: float, convention: str) -> float:
    """J_bond of H = -J_bond S_i.S_j from J given in ``convention`` ("-J", "-2J" or "+J").

    Parameters
    ----------
    J_K : float
        Exchange constant in K, written in ``convention``.
    convention : {"-J", "-2J", "+J"}
        Hamiltonian the value refers to (module docstring).

    Returns
    -------
    float
        J_bond in K (H = -J_bond S_i.S_j, > 0 ferromagnetic).
    """
    if convention not in CONVENTIONS:
        raise SimulationError(
            f"convention must be one of {sorted(CONVENTIONS)} (H = -J sum S.S, H = -2J sum S.S, "
            f"H = +J sum S.S), got {convention!r}"
        )
    return CONVENTIONS[convention] * _finite_scalar("J_K", J_K)


def _extra_terms(t: np.ndarray, g: float, rho: float, chi0: float) -> np.ndarray:
    """Paramagnetic S=1/2 impurity fraction rho (Curie, per mole of spins) plus chi0."""
    return rho * _NMUB2_K * g * g / (4.0 * t) + chi0


def bleaney_bowers(temperature_K: Any, *, J_K: float, g: float = 2.0, convention: str = "-J",
                   rho: float = 0.0, chi0_emu_mol: float = 0.0) -> ChiT:
    """Bleaney-Bowers susceptibility of isolated S = 1/2 dimers, per mole of S = 1/2 ions (e.g. Cu).

    With the singlet-triplet gap Delta = E_T - E_S = -J_bond (H = -J_bond S_1.S_2):

        chi = (1 - rho) N_A g^2 mu_B^2 / (k_B T (3 + exp(Delta / k_B T)))
              + rho N_A g^2 mu_B^2 / (4 k_B T) + chi0,

    i.e. in the -2J convention chi = N g^2 mu_B^2 / (k_B T (3 + exp(-2J/k_B T))) per Cu
    (Bleaney & Bowers 1952). For an antiferromagnetic dimer the maximum is at
    k_B T_max = 1.2472 |J| (-2J convention) = 0.6236 |J| (-J convention); at high T
    chi -> C/(T - theta) with theta = J_bond/4 (z = 1, S(S+1) = 3/4).

    Parameters
    ----------
    temperature_K : array_like
    J_K : float
        Exchange constant in K, in ``convention`` (default project form H = -J S_1.S_2).
    g : float
    convention : {"-J", "-2J", "+J"}
    rho : float
        Fraction of uncoupled S = 1/2 impurities (0..1).
    chi0_emu_mol : float
        Temperature-independent term (TIP, diamagnetism) per mole of ions.

    Returns
    -------
    ChiT
        per mole of S = 1/2 ions (divide-by-nothing; a mole of dimers is twice this).
    """
    jb = bond_exchange_K(J_K, convention)
    gg = _positive_scalar("g", g)
    r = _finite_scalar("rho", rho)
    if not 0.0 <= r <= 1.0:
        raise SimulationError(f"rho (impurity fraction) must lie in [0, 1], got {r:g}")
    chi0 = _finite_scalar("chi0_emu_mol", chi0_emu_mol)
    t = _temperatures(temperature_K)
    delta = -jb
    u = np.exp(-abs(delta) / t)                    # <= 1: no overflow for either sign
    # 1/(3 + e^{Delta/T}) written with u = e^{-|Delta|/T}
    frac = u / (3.0 * u + 1.0) if delta >= 0 else 1.0 / (3.0 + u)
    chi = (1.0 - r) * _NMUB2_K * gg * gg * frac / t + _extra_terms(t, gg, r, chi0)
    return _chit(t, chi, name=f"Bleaney-Bowers J={J_K:g} K ({convention}) g={gg:g}", per="S=1/2 ion",
                 model="dimer",
                 parameters={"J_K": float(J_K), "convention": convention, "J_bond_K": jb, "g": gg,
                             "rho": r, "chi0_emu_mol": chi0},
                 formula="chi = (1-rho) N g^2 mu_B^2/(k_B T (3 + exp(-J_bond/k_B T)))"
                         " + rho N g^2 mu_B^2/(4k_BT) + chi0",
                 convention=f"H = {convention} S_1.S_2 (J_bond = {jb:g} K in H = -J_bond S_1.S_2)",
                 reference="Bleaney & Bowers, Proc. R. Soc. A 214, 451 (1952)")


def heisenberg_chain(temperature_K: Any, *, J_K: float, g: float = 2.0, convention: str = "-J",
                     rho: float = 0.0, chi0_emu_mol: float = 0.0, approximant: str = "ed-pade") -> ChiT:
    """S = 1/2 Heisenberg antiferromagnetic chain (Bonner-Fisher), per mole of spins.

    Default (``approximant="ed-pade"``): chi = N g^2 mu_B^2 chi*(k_B T/J') / J' with the Pade
    approximant of :func:`chain_reduced_chi`, fitted to exact diagonalisation of S = 1/2 rings
    (N = 10-14) extrapolated in N; accurate to 1e-4 (relative) for T >= 0.5 J', exact high-T
    series and T = 0 limit built in, maximum at 0.64085 J' (Eggert et al.: 0.640851).

    LEGACY (``approximant="hall-estes-1978"``): the Hall / Estes et al. rational approximant, with
    J' = -J_bond > 0 (H = J' sum S_i.S_{i+1}) and y = J'/(k_B T):

        chi = (N g^2 mu_B^2 / k_B T) (0.25 + 0.074975 y + 0.075235 y^2)
              / (1 + 0.9931 y + 0.172135 y^2 + 0.757825 y^3)  (+ impurity and chi0 terms).

    Its maximum is at k_B T_max = 0.6475 J' with chi_max = 0.14681 (g mu_B)^2/J' per spin (exact
    Bethe ansatz: 0.640851 J' and 0.146926, Eggert, Affleck & Takahashi 1994), i.e.
    k_B T_max = 1.2817 |J| in the -2J convention (PHYSICS.md pitfalls 1-2: the approximant's
    coefficient set 0.074975... belongs to y = J'/k_BT = 2|J|/k_BT, not |J|/k_BT of H = -2J).
    Within ~2 % of exact diagonalisation for T >= J'; its high-T form C/(T + 0.693 J') differs
    from the exact series C/(T + J'/2), so do not read theta off a Curie-Weiss fit of it.

    Parameters
    ----------
    temperature_K : array_like
        Temperatures in K.
    J_K : float
        Exchange in K in ``convention``; must be antiferromagnetic (J_bond < 0).
    g, convention, rho, chi0_emu_mol
        As in :func:`bleaney_bowers`.
    approximant : {"ed-pade", "hall-estes-1978"}
        Which approximant (default: the accurate one; the legacy one biases a fitted J by +2.5 to
        +5.4 %).

    Returns
    -------
    ChiT
        per mole of S = 1/2 ions.
    """
    jb = bond_exchange_K(J_K, convention)
    if jb >= 0:
        raise SimulationError(
            f"heisenberg_chain: the approximant is for an antiferromagnetic chain; J_K = {J_K:g} K in "
            f"convention {convention!r} is ferromagnetic or zero (use J_K < 0 for '-J'/'-2J', > 0 for '+J')"
        )
    gg = _positive_scalar("g", g)
    r = _finite_scalar("rho", rho)
    if not 0.0 <= r <= 1.0:
        raise SimulationError(f"rho (impurity fraction) must lie in [0, 1], got {r:g}")
    chi0 = _finite_scalar("chi0_emu_mol", chi0_emu_mol)
    t = _temperatures(temperature_K)
    jp = -jb
    chi = (1.0 - r) * _NMUB2_K * gg * gg / jp * chain_reduced_chi(t / jp, approximant) \
        + _extra_terms(t, gg, r, chi0)
    legacy = approximant == "hall-estes-1978"
    label = f"S=1/2 AFM chain J={J_K:g} K ({convention}) g={gg:g}" + (" [legacy Hall-Estes]" * legacy)
    return _chit(t, chi, name=label, per="S=1/2 ion",
                 model="chain",
                 parameters={"J_K": float(J_K), "convention": convention, "J_bond_K": jb, "g": gg,
                             "rho": r, "chi0_emu_mol": chi0, "approximant": approximant},
                 formula=("LEGACY chi = (N g^2 mu_B^2/k_B T)(0.25 + 0.074975y + 0.075235y^2)/(1 + "
                          "0.9931y + 0.172135y^2 + 0.757825y^3), y = J'/k_B T") if legacy else
                         ("chi = N g^2 mu_B^2 chi*(k_B T/J')/J', chi* = Pade [5/6] in J'/k_BT fitted to "
                          "ED of rings N = 10-14 extrapolated in N (1e-4 for T >= 0.5 J')"),
                 convention=f"H = {convention} sum S_i.S_i+1 (J' = {jp:g} K in H = J' sum S.S)",
                 reference=("Estes, Gavel, Hatfield & Hodgson, Inorg. Chem. 17, 1415 (1978)" if legacy
                            else
                            "magfit exact diagonalisation (magfit.spin); Eggert, Affleck & Takahashi, "
                            "PRL 73, 332 (1994)") + "; Bonner & Fisher, Phys. Rev. 135, A640 (1964)")
