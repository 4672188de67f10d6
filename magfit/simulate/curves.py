"""Single-ion reference curves: Curie, Curie-Weiss, Pauli, Brillouin, Langevin, Van Vleck.

Every chi(T) function returns a :class:`magfit.ChiT` (cgs-emu molar susceptibility,
emu mol^-1 Oe^-1, per mole of the magnetic ion unless ``per`` says otherwise), so a simulated
curve can go wherever a measured one goes. Magnetisation curves M(H, T) are returned as
pandas DataFrames with unit-named columns.

Conventions: H = -sum_<ij> J_ij S_i.S_j (J > 0 ferromagnetic); theta > 0 is net ferromagnetic;
exchange constants in kelvin (J / k_B). Constants come from :mod:`magfit.units` (CODATA via
scipy.constants).

References
----------
* N. W. Ashcroft and N. D. Mermin, *Solid State Physics* (1976), ch. 2 (free electrons),
  ch. 31 (Curie law, Brillouin function, Pauli paramagnetism, Van Vleck term).
* S. Blundell, *Magnetism in Condensed Matter* (2001), sections 2.4-2.7 and 7.2.
* C. Kittel, *Introduction to Solid State Physics*, 8th ed., ch. 11 (paramagnetism), ch. 12 (Curie-Weiss).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import constants as _sc

from ..chit import ChiT
from ..errors import SimulationError
from ..units import CURIE_CGS_PER_MUB2, K_B_ERG, MU_B_ERG_G, N_A, curie_from_mu_eff

__all__ = [
    "langevin",
    "langevin_derivative",
    "brillouin",
    "brillouin_derivative",
    "curie_constant",
    "curie",
    "curie_weiss",
    "fermi_energy_eV",
    "pauli_chi_emu_mol",
    "pauli",
    "brillouin_magnetization",
    "brillouin_chi",
    "langevin_magnetization",
    "van_vleck",
    "MAGNETIZATION_EMU_MOL_PER_MUB",
]

#: one Bohr magneton per ion, per mole: N_A mu_B = 5585 emu/mol
MAGNETIZATION_EMU_MOL_PER_MUB: float = N_A * MU_B_ERG_G

_EV_ERG: float = _sc.electron_volt * 1e7          # erg per eV
_BOHR_RADIUS_M: float = _sc.physical_constants["Bohr radius"][0]
_SERIES_LIMIT = 0.1                               # |x| below which the Taylor series is used


# --------------------------------------------------------------------------- checks
def _positive_array(name: str, values: Any, *, allow_zero: bool = False) -> np.ndarray:
    """Float array of finite, positive values; SimulationError naming ``name`` otherwise."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise SimulationError(f"{name} must be numeric, got {values!r}") from None
    bad = ~np.isfinite(arr) | ((arr < 0) if allow_zero else (arr <= 0))
    if np.any(bad):
        first = arr.reshape(-1)[np.argmax(bad.reshape(-1))]
        kind = "non-negative" if allow_zero else "positive"
        raise SimulationError(f"{name} must be finite and {kind}; got {first!r}")
    return arr


def _positive_scalar(name: str, value: Any, *, allow_zero: bool = False) -> float:
    arr = _positive_array(name, value, allow_zero=allow_zero)
    if arr.ndim != 0 and arr.size != 1:
        raise SimulationError(f"{name} must be a single number, got {arr.size} values")
    return float(arr.reshape(-1)[0])


def _finite_scalar(name: str, value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise SimulationError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(v):
        raise SimulationError(f"{name} must be finite, got {v!r}")
    return v


def _temperatures(temperature_K: Any) -> np.ndarray:
    t = _positive_array("temperature_K", temperature_K).reshape(-1)
    if t.size == 0:
        raise SimulationError("temperature_K is empty; pass at least one temperature in kelvin")
    return t


def _spin(name: str, value: Any) -> float:
    """A spin / angular momentum quantum number: positive multiple of 1/2."""
    v = _positive_scalar(name, value)
    if abs(2 * v - round(2 * v)) > 1e-9:
        raise SimulationError(f"{name} must be a positive multiple of 1/2, got {v!r}")
    return v


def _chit(t: np.ndarray, chi: np.ndarray, *, name: str, per: str, model: str,
          parameters: dict[str, Any], formula: str, convention: str, reference: str,
          field_Oe: float | None = None) -> ChiT:
    prov = {
        "source": "simulation",
        "model": model,
        "parameters": dict(parameters),
        "formula": formula,
        "convention": convention,
        "reference": reference,
    }
    return ChiT(t, chi, None, field_Oe=field_Oe, name=name, per=per, provenance=prov)


# ------------------------------------------------------------- special functions
def langevin(x: Any) -> np.ndarray:
    """Langevin function L(x) = coth(x) - 1/x, numerically stable for all x.

    For |x| < 0.1 the Taylor series x/3 - x^3/45 + 2x^5/945 - x^7/4725 is used (relative error
    < 1e-12); otherwise 1/tanh(x) - 1/x, which tends to sign(x) without overflow.

    Parameters
    ----------
    x : array_like
        Argument mu H / (k_B T).

    Returns
    -------
    numpy.ndarray
        L(x), odd in x, L(x) ~ x/3 at small x.
    """
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < _SERIES_LIMIT
    xs = np.where(small, 1.0, x)
    xt = np.where(small, x, 0.0)                  # series argument, kept small (no overflow)
    x2 = xt * xt
    series = xt * (1.0 / 3.0 - x2 * (1.0 / 45.0 - x2 * (2.0 / 945.0 - x2 / 4725.0)))
    return np.where(small, series, 1.0 / np.tanh(xs) - 1.0 / xs)


def langevin_derivative(x: Any) -> np.ndarray:
    """dL/dx = 1/x^2 - 1/sinh^2(x), stable for all x.

    Small |x|: 1/3 - x^2/15 + 2x^4/189 - x^6/675. Otherwise 1/sinh^2 x is written as
    4 e^{-2|x|} / expm1(-2|x|)^2, which underflows harmlessly to 0 at large |x|.

    Parameters
    ----------
    x : array_like
        Argument of L (dimensionless, mu H / k_B T).

    Returns
    -------
    numpy.ndarray
        dL/dx, same shape as ``x``.
    """
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < _SERIES_LIMIT
    ax = np.where(small, 1.0, np.abs(x))
    xt = np.where(small, x, 0.0)
    x2 = xt * xt
    series = 1.0 / 3.0 - x2 * (1.0 / 15.0 - x2 * (2.0 / 189.0 - x2 / 675.0))
    e = np.exp(-2.0 * ax)
    inv_sinh2 = 4.0 * e / np.expm1(-2.0 * ax) ** 2
    return np.where(small, series, (1.0 / ax) ** 2 - inv_sinh2)


def brillouin(x: Any, J: float) -> np.ndarray:
    """Brillouin function B_J(x) for angular momentum J.

    B_J(x) = a coth(a x) - b coth(b x),  a = (2J+1)/(2J),  b = 1/(2J).
    Because a/(a x) = b/(b x) = 1/x, this equals a L(a x) - b L(b x) with the Langevin function
    L, which is evaluated stably (series at small argument), so B_J(x) -> (J+1) x / (3J) for
    x -> 0 and -> 1 for x -> infinity without cancellation or overflow.

    Parameters
    ----------
    x : array_like
        g mu_B J H / (k_B T) (the Zeeman energy of the fully polarised state over k_B T).
    J : float
        Angular momentum quantum number (multiple of 1/2). B_{1/2}(x) = tanh(x); J -> infinity
        gives the Langevin function.

    Returns
    -------
    numpy.ndarray

    References
    ----------
    Ashcroft & Mermin ch. 31 (Brillouin function); Blundell sec. 2.5.
    """
    j = _positive_scalar("J", J)
    a = (2.0 * j + 1.0) / (2.0 * j)
    b = 1.0 / (2.0 * j)
    x = np.asarray(x, dtype=float)
    # clip: at large |x| the two terms round to a - b = 1 plus an ulp
    return np.clip(a * langevin(a * x) - b * langevin(b * x), -1.0, 1.0)


def brillouin_derivative(x: Any, J: float) -> np.ndarray:
    """dB_J/dx (same a, b as :func:`brillouin`); -> (J+1)/(3J) at x = 0, -> 0 at large |x|.

    For b|x| < 0.1: a^2 L'(a x) - b^2 L'(b x) (L' by its series where small). Otherwise the 1/x^2
    parts of L' cancel exactly and b^2/sinh^2(b x) - a^2/sinh^2(a x) is used, which stays
    positive and accurate deep in the saturated regime (no 1/x^2 - 1/x^2 cancellation).

    Parameters
    ----------
    x : array_like
        Argument of B_J (dimensionless, g mu_B J H / k_B T).
    J : float
        Angular momentum quantum number (> 0, integer or half-integer).

    Returns
    -------
    numpy.ndarray
        dB_J/dx, same shape as ``x``.
    """
    j = _positive_scalar("J", J)
    a = (2.0 * j + 1.0) / (2.0 * j)
    b = 1.0 / (2.0 * j)
    x = np.asarray(x, dtype=float)
    large = b * np.abs(x) >= _SERIES_LIMIT
    xs = np.where(large, np.abs(x), 1.0)
    xm = np.where(large, 0.0, x)

    def inv_sinh2(y: np.ndarray) -> np.ndarray:
        return 4.0 * np.exp(-2.0 * y) / np.expm1(-2.0 * y) ** 2

    far = b * b * inv_sinh2(b * xs) - a * a * inv_sinh2(a * xs)
    near = a * a * langevin_derivative(a * xm) - b * b * langevin_derivative(b * xm)
    return np.where(large, far, near)


# --------------------------------------------------------------------- Curie laws
def curie_constant(*, C: float | None = None, mu_eff: float | None = None,
                   J: float | None = None, g: float | None = None) -> float:
    """Molar Curie constant (emu K/mol) from exactly one of: C, mu_eff, or (J, g).

    C = N_A mu_B^2 mu_eff^2 / (3 k_B) = 0.125049 mu_eff^2, with mu_eff = g sqrt(J(J+1)) for an
    ion of angular momentum J (Ashcroft & Mermin ch. 31).

    Parameters
    ----------
    C : float, optional
        Curie constant in emu K/mol (returned after validation).
    mu_eff : float, optional
        Effective moment in Bohr magnetons.
    J, g : float, optional
        Angular momentum quantum number and Lande factor, given together.

    Returns
    -------
    float
        C in emu K/mol.
    """
    given = [C is not None, mu_eff is not None, J is not None or g is not None]
    if sum(given) != 1:
        raise SimulationError("give exactly one of C (emu K/mol), mu_eff (mu_B) or J together with g")
    if C is not None:
        return _positive_scalar("C", C)
    if mu_eff is not None:
        return float(curie_from_mu_eff(_positive_scalar("mu_eff", mu_eff)))
    if J is None or g is None:
        raise SimulationError("J and g must both be given (e.g. J=3.5, g=2 for Gd3+)")
    j = _spin("J", J)
    gg = _positive_scalar("g", g)
    return CURIE_CGS_PER_MUB2 * gg * gg * j * (j + 1.0)


def curie(temperature_K: Any, *, C: float | None = None, mu_eff: float | None = None,
          chi0_emu_mol: float = 0.0, per: str = "magnetic ion") -> ChiT:
    """Curie law chi(T) = C / T + chi0.

    Parameters
    ----------
    temperature_K : array_like
        Temperatures in K (> 0).
    C : float, optional
        Curie constant in emu K/mol.
    mu_eff : float, optional
        Effective moment in Bohr magnetons (C = 0.125049 mu_eff^2); give C or mu_eff.
    chi0_emu_mol : float
        Temperature-independent term in emu/mol.
    per : str
        What a mole counts (default one magnetic ion).

    Returns
    -------
    ChiT

    References
    ----------
    P. Curie (1895); Ashcroft & Mermin ch. 31.
    """
    c = curie_constant(C=C, mu_eff=mu_eff)
    chi0 = _finite_scalar("chi0_emu_mol", chi0_emu_mol)
    t = _temperatures(temperature_K)
    return _chit(t, c / t + chi0, name=f"Curie C={c:.4g}", per=per, model="curie",
                 parameters={"C_emu_K_mol": c, "chi0_emu_mol": chi0},
                 formula="chi = C/T + chi0", convention="non-interacting moments",
                 reference="P. Curie (1895); Ashcroft & Mermin ch. 31")


def curie_weiss(temperature_K: Any, *, theta_K: float, C: float | None = None,
                mu_eff: float | None = None, chi0_emu_mol: float = 0.0,
                per: str = "magnetic ion") -> ChiT:
    """Curie-Weiss law chi(T) = C / (T - theta) + chi0, for T > theta.

    theta > 0 ferromagnetic, theta < 0 antiferromagnetic; in mean field
    theta = S(S+1) sum_k z_k J_k / 3 for H = -sum_<ij> J_ij S_i.S_j (see
    :func:`magfit.simulate.exchange.theta_from_shells`).

    Parameters
    ----------
    temperature_K : array_like
        Temperatures in K; all must exceed theta (the law diverges at T = theta).
    theta_K : float
        Weiss temperature in K.
    C, mu_eff : float
        Curie constant (emu K/mol) or effective moment (mu_B); give one.
    chi0_emu_mol : float
        Temperature-independent term (emu/mol).
    per : str
        What a mole counts (default one magnetic ion).

    Returns
    -------
    ChiT

    References
    ----------
    P. Weiss (1907); Kittel, Introduction to Solid State Physics, 8th ed., ch. 12.
    """
    c = curie_constant(C=C, mu_eff=mu_eff)
    theta = _finite_scalar("theta_K", theta_K)
    chi0 = _finite_scalar("chi0_emu_mol", chi0_emu_mol)
    t = _temperatures(temperature_K)
    if np.any(t <= theta):
        raise SimulationError(
            f"curie_weiss: every temperature must exceed theta_K = {theta:g} K (lowest given "
            f"{t.min():g} K); the Curie-Weiss law only holds above the ordering temperature"
        )
    return _chit(t, c / (t - theta) + chi0, name=f"Curie-Weiss C={c:.4g} theta={theta:.4g} K",
                 per=per, model="curie-weiss",
                 parameters={"C_emu_K_mol": c, "theta_K": theta, "chi0_emu_mol": chi0},
                 formula="chi = C/(T - theta) + chi0",
                 convention="theta > 0 ferromagnetic (H = -sum J S_i.S_j, J > 0 FM)",
                 reference="P. Weiss (1907); Kittel, Introduction to Solid State Physics, ch. 12")


# -------------------------------------------------------------------------- Pauli
def fermi_energy_eV(*, electron_density_m3: float | None = None, r_s_bohr: float | None = None) -> float:
    """Free-electron Fermi energy E_F = hbar^2 k_F^2 / (2 m_e), k_F = (3 pi^2 n)^(1/3).

    Give the conduction-electron density ``electron_density_m3`` (m^-3) or the Wigner-Seitz
    radius ``r_s_bohr`` in Bohr radii (n = 3 / (4 pi r_s^3)). Na: r_s = 3.93 -> E_F = 3.24 eV
    (Ashcroft & Mermin Table 2.1).

    Parameters
    ----------
    electron_density_m3 : float, optional
        Conduction-electron density n in m^-3.
    r_s_bohr : float, optional
        Wigner-Seitz radius in Bohr radii (give one of the two).

    Returns
    -------
    float
        E_F in eV.
    """
    if (electron_density_m3 is None) == (r_s_bohr is None):
        raise SimulationError("give exactly one of electron_density_m3 (m^-3) or r_s_bohr (Bohr radii)")
    if r_s_bohr is not None:
        rs_m = _positive_scalar("r_s_bohr", r_s_bohr) * _BOHR_RADIUS_M
        n = 3.0 / (4.0 * math.pi * rs_m**3)
    else:
        n = _positive_scalar("electron_density_m3", electron_density_m3)
    k_f = (3.0 * math.pi**2 * n) ** (1.0 / 3.0)
    return (_sc.hbar * k_f) ** 2 / (2.0 * _sc.m_e) / _sc.electron_volt


_free_electron_fermi_energy_eV = fermi_energy_eV   # pauli_chi_emu_mol has a keyword of this name


def pauli_chi_emu_mol(*, dos_states_eV: float | None = None, fermi_energy_eV: float | None = None,
                      electron_density_m3: float | None = None, r_s_bohr: float | None = None,
                      electrons_per_formula_unit: float = 1.0, stoner_enhancement: float = 1.0,
                      landau: bool = False) -> float:
    """Pauli spin susceptibility per mole (emu/mol), from a density of states or free electrons.

    chi_P = N_A mu_B^2 g(E_F)  (cgs), g(E_F) = states per erg per formula unit, both spins.
    Free electrons: g(E_F) = 3 z / (2 E_F) for z conduction electrons per formula unit, so
    chi_P = N_A mu_B^2 (3/2) z / E_F; Na (E_F = 3.24 eV, z = 1): 1.50e-5 emu/mol.

    Parameters
    ----------
    dos_states_eV : float, optional
        g(E_F) in states / eV / formula unit (both spin directions).
    fermi_energy_eV, electron_density_m3, r_s_bohr : float, optional
        Free-electron alternatives (one of them) when ``dos_states_eV`` is not given.
    electrons_per_formula_unit : float
        z for the free-electron formula.
    stoner_enhancement : float
        Multiplies chi_P: S = 1 / (1 - I N(E_F)) >= 1 (Pd ~ 10).
    landau : bool
        Add the free-electron Landau diamagnetism, -chi_P / 3 (m* = m_e), to the unenhanced value.

    Returns
    -------
    float
        emu/mol (cm^3/mol).

    References
    ----------
    Ashcroft & Mermin ch. 31 (Pauli paramagnetism) and Table 2.1; Blundell sec. 7.2.
    """
    n_given = sum(v is not None for v in (dos_states_eV, fermi_energy_eV, electron_density_m3, r_s_bohr))
    if n_given != 1:
        raise SimulationError(
            "pauli: give exactly one of dos_states_eV, fermi_energy_eV, electron_density_m3 or r_s_bohr"
        )
    if dos_states_eV is not None:
        dos_per_erg = _positive_scalar("dos_states_eV", dos_states_eV) / _EV_ERG
    else:
        if fermi_energy_eV is None:
            ef = _free_electron_fermi_energy_eV(electron_density_m3=electron_density_m3, r_s_bohr=r_s_bohr)
        else:
            ef = _positive_scalar("fermi_energy_eV", fermi_energy_eV)
        z = _positive_scalar("electrons_per_formula_unit", electrons_per_formula_unit)
        dos_per_erg = 1.5 * z / (ef * _EV_ERG)
    stoner = _positive_scalar("stoner_enhancement", stoner_enhancement)
    chi_p = N_A * MU_B_ERG_G**2 * dos_per_erg
    return chi_p * stoner - (chi_p / 3.0 if landau else 0.0)


def pauli(temperature_K: Any, *, dos_states_eV: float | None = None, fermi_energy_eV: float | None = None,
          electron_density_m3: float | None = None, r_s_bohr: float | None = None,
          electrons_per_formula_unit: float = 1.0, stoner_enhancement: float = 1.0, landau: bool = False,
          per: str = "formula unit") -> ChiT:
    """Temperature-independent Pauli susceptibility as a ChiT (keywords as :func:`pauli_chi_emu_mol`).

    chi(T) = N_A mu_B^2 g(E_F) (x Stoner enhancement), constant for k_B T << E_F.

    Parameters
    ----------
    temperature_K : array_like
        Temperatures in K (chi does not depend on them).
    dos_states_eV, fermi_energy_eV, electron_density_m3, r_s_bohr : float, optional
        Density of states at E_F (states/eV per formula unit, both spins), or a free-electron
        description; see :func:`pauli_chi_emu_mol`.
    electrons_per_formula_unit : float
        Conduction electrons per formula unit (free-electron inputs).
    stoner_enhancement : float
        Factor multiplying chi (1: bare Pauli).
    landau : bool
        Include the Landau diamagnetism, -1/3 of the free-electron Pauli term.
    per : str
        What a mole counts.

    Returns
    -------
    ChiT
    """
    t = _temperatures(temperature_K)
    kwargs = {"dos_states_eV": dos_states_eV, "fermi_energy_eV": fermi_energy_eV,
              "electron_density_m3": electron_density_m3, "r_s_bohr": r_s_bohr,
              "electrons_per_formula_unit": electrons_per_formula_unit,
              "stoner_enhancement": stoner_enhancement, "landau": landau}
    chi = pauli_chi_emu_mol(**kwargs)
    return _chit(t, np.full(t.size, chi), name=f"Pauli {chi:.4g} emu/mol", per=per, model="pauli",
                 parameters={k: v for k, v in kwargs.items() if v is not None},
                 formula="chi = N_A mu_B^2 g(E_F); free e-: g = 3z/(2E_F)",
                 convention="no exchange (Stoner factor applied if given)",
                 reference="Ashcroft & Mermin ch. 31 (Pauli paramagnetism)")


# ------------------------------------------------------------ M(H, T) curves
def _field_temperature_grid(field_Oe: Any, temperature_K: Any) -> tuple[np.ndarray, np.ndarray]:
    try:
        h = np.asarray(field_Oe, dtype=float)
    except (TypeError, ValueError):
        raise SimulationError(f"field_Oe must be numeric, got {field_Oe!r}") from None
    if not np.all(np.isfinite(h)):
        raise SimulationError("field_Oe must be finite")
    t = _positive_array("temperature_K", temperature_K)
    try:
        h, t = np.broadcast_arrays(h, t)
    except ValueError:
        raise SimulationError(
            f"field_Oe (shape {h.shape}) and temperature_K (shape {t.shape}) cannot be broadcast; "
            "pass equal lengths or one scalar"
        ) from None
    return h.reshape(-1).astype(float), t.reshape(-1).astype(float)


def brillouin_magnetization(field_Oe: Any, temperature_K: Any, *, J: float, g: float = 2.0) -> pd.DataFrame:
    """Paramagnetic magnetisation M(H, T) of free ions of angular momentum J (Brillouin).

    M = N_A g mu_B J B_J(x),  x = g mu_B J H / (k_B T)   (per mole of ions, cgs: H in Oe).

    Parameters
    ----------
    field_Oe, temperature_K : array_like
        Broadcast against each other (e.g. a field sweep at one temperature).
    J : float
        Angular momentum quantum number (use S for quenched 3d ions).
    g : float
        Lande factor (g_J; 2 for spin-only).

    Returns
    -------
    pandas.DataFrame
        Columns field_Oe, temperature_K, x, moment_muB_per_ion (= g J B_J), magnetization_emu_mol.

    References
    ----------
    Ashcroft & Mermin ch. 31; W. E. Henry, Phys. Rev. 88, 559 (1952) (Gd, Fe, Cr salts).
    """
    j = _spin("J", J)
    gg = _positive_scalar("g", g)
    h, t = _field_temperature_grid(field_Oe, temperature_K)
    x = gg * MU_B_ERG_G * j * h / (K_B_ERG * t)
    moment = gg * j * brillouin(x, j)
    return pd.DataFrame({
        "field_Oe": h,
        "temperature_K": t,
        "x": x,
        "moment_muB_per_ion": moment,
        "magnetization_emu_mol": moment * MAGNETIZATION_EMU_MOL_PER_MUB,
    })


def brillouin_chi(temperature_K: Any, *, J: float, g: float = 2.0, field_Oe: float = 1000.0,
                  per: str = "magnetic ion") -> ChiT:
    """chi = M/H of a Brillouin paramagnet in a finite field (what a magnetometer measures).

    chi(T) = N_A g mu_B J B_J(x) / H, x = g mu_B J H/(k_B T). For x << 1 this is the Curie law
    C/T with C = N_A g^2 mu_B^2 J(J+1)/(3 k_B); at large H/T it saturates (chi < C/T).

    Parameters
    ----------
    temperature_K : array_like
        Temperatures in K (> 0).
    J : float
        Angular momentum quantum number.
    g : float
        Lande factor.
    field_Oe : float
        Measuring field in Oe (> 0).
    per : str
        What a mole counts (default one magnetic ion).

    Returns
    -------
    ChiT
    """
    h = _positive_scalar("field_Oe", field_Oe)
    t = _temperatures(temperature_K)
    frame = brillouin_magnetization(h, t, J=J, g=g)
    chi = frame["magnetization_emu_mol"].to_numpy() / h
    return _chit(t, chi, name=f"Brillouin J={J} g={g} H={h:g} Oe", per=per, model="brillouin",
                 parameters={"J": float(J), "g": float(g), "field_Oe": h},
                 formula="chi = N_A g mu_B J B_J(g mu_B J H/k_B T)/H",
                 convention="free ions (no exchange)", reference="Ashcroft & Mermin ch. 31",
                 field_Oe=h)


def langevin_magnetization(field_Oe: Any, temperature_K: Any, *, mu_muB: float) -> pd.DataFrame:
    """Classical (Langevin) magnetisation of moments of size ``mu_muB`` Bohr magnetons.

    M = N_A mu L(x), x = mu H / (k_B T); the J -> infinity limit of the Brillouin form at fixed
    g J = mu/mu_B. Small x: M = N_A mu^2 H / (3 k_B T).

    Parameters
    ----------
    field_Oe, temperature_K : array_like
        Broadcast against each other.
    mu_muB : float
        Moment in Bohr magnetons (> 0).

    Returns
    -------
    pandas.DataFrame
        Columns field_Oe, temperature_K, x, moment_muB_per_ion, magnetization_emu_mol: per moment
        (an ion, or for a superparamagnet one particle / cluster of ``mu_muB``) and per mole of
        those moments.

    References
    ----------
    P. Langevin (1905); Blundell sec. 2.4.
    """
    mu = _positive_scalar("mu_muB", mu_muB)
    h, t = _field_temperature_grid(field_Oe, temperature_K)
    x = mu * MU_B_ERG_G * h / (K_B_ERG * t)
    moment = mu * langevin(x)
    return pd.DataFrame({
        "field_Oe": h,
        "temperature_K": t,
        "x": x,
        "moment_muB_per_ion": moment,
        "magnetization_emu_mol": moment * MAGNETIZATION_EMU_MOL_PER_MUB,
    })


def van_vleck(temperature_K: Any, *, chi0_emu_mol: float | None = None, gap_K: float | None = None,
              matrix_element_muB: float | None = None, per: str = "formula unit") -> ChiT:
    """Temperature-independent (Van Vleck-like) susceptibility as a ChiT.

    Either a given constant ``chi0_emu_mol``, or the low-temperature (k_B T << Delta) Van Vleck
    term of a non-magnetic ground state coupled to one excited level at ``gap_K`` by the Zeeman
    matrix element |<0|mu_z|1>| = ``matrix_element_muB`` mu_B:

        chi_VV = 2 N_A mu_B^2 |<0|(L + 2S)_z|1>|^2 / Delta      (second-order perturbation).

    Parameters
    ----------
    temperature_K : array_like
        Temperatures in K.
    chi0_emu_mol : float, optional
        The constant susceptibility (emu/mol); or give the two below.
    gap_K : float, optional
        Energy of the excited level above the non-magnetic ground state, in K.
    matrix_element_muB : float, optional
        |<0|(L + 2S)_z|1>| in Bohr magnetons.
    per : str
        What a mole counts.

    Returns
    -------
    ChiT

    References
    ----------
    J. H. Van Vleck, *The Theory of Electric and Magnetic Susceptibilities* (1932); Ashcroft &
    Mermin ch. 31 (Van Vleck paramagnetism); Blundell sec. 2.7.
    """
    t = _temperatures(temperature_K)
    if chi0_emu_mol is not None:
        if gap_K is not None or matrix_element_muB is not None:
            raise SimulationError("van_vleck: give chi0_emu_mol OR (gap_K, matrix_element_muB), not both")
        chi0 = _finite_scalar("chi0_emu_mol", chi0_emu_mol)
        params: dict[str, Any] = {"chi0_emu_mol": chi0}
    else:
        if gap_K is None or matrix_element_muB is None:
            raise SimulationError("van_vleck: give chi0_emu_mol, or both gap_K (K) and matrix_element_muB")
        gap = _positive_scalar("gap_K", gap_K)
        m = _positive_scalar("matrix_element_muB", matrix_element_muB, allow_zero=True)
        chi0 = 2.0 * N_A * MU_B_ERG_G**2 * m * m / (K_B_ERG * gap)
        params = {"gap_K": gap, "matrix_element_muB": m, "chi0_emu_mol": chi0}
    return _chit(t, np.full(t.size, chi0), name=f"Van Vleck {chi0:.4g} emu/mol", per=per,
                 model="van-vleck", parameters=params,
                 formula="chi = chi0 = 2 N_A mu_B^2 |<0|mu_z|1>|^2 / Delta",
                 convention="T-independent (k_B T << Delta)",
                 reference="Van Vleck (1932); Ashcroft & Mermin ch. 31")
