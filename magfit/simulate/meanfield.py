"""Mean-field (Weiss / Neel) ferromagnet and two-sublattice antiferromagnet.

Convention: H = -sum_<ij> J_ij S_i.S_j, J > 0 ferromagnetic, J in kelvin; theta > 0 net FM.
Spins S (quantum, Brillouin B_S), Lande factor g; molar quantities per mole of magnetic ions,
cgs-emu. The Curie constant is C = N_A g^2 mu_B^2 S(S+1) / (3 k_B).

Ferromagnet (Weiss 1907): reduced magnetisation m = M/M_sat solves

    m = B_S(h + 3S/(S+1) (T_c/T) m),   h = g mu_B S H / (k_B T),   T_c = theta,

and the longitudinal mean-field susceptibility (differentiate at fixed T)

    chi = N_A g mu_B S dm/dH = (3 C S/(S+1)) B'_S(y) / (T - 3S/(S+1) T_c B'_S(y)),

which above T_c (m = 0, B'_S(0) = (S+1)/(3S)) is the Curie-Weiss law C/(T - theta).

Antiferromagnet (Neel 1936), two sublattices A, B of N/2 ions, molecular fields
H_A = H - lambda M_B - eps M_A (lambda: inter-, eps: intra-sublattice; lambda > 0 AFM):

    theta = -C (lambda + eps)/2,   T_N = C (lambda - eps)/2,   |theta|/T_N = (lambda+eps)/(lambda-eps).

In exchange constants (z_inter neighbours on the other sublattice with J_inter < 0, z_intra on
the same one with J_intra): theta = S(S+1)(z_inter J_inter + z_intra J_intra)/3 and
T_N = S(S+1)(z_intra J_intra - z_inter J_inter)/3.
Below T_N the sublattice magnetisation m_s solves m_s = B_S(3S/(S+1) (T_N/T) m_s) and

    chi_perp = 1/lambda = C/(T_N - theta)                (= C/(T_N + |theta|) for theta < 0)
    chi_par  = N_A g^2 mu_B^2 S^2 B'_S(y_s) / (k_B T + (lambda+eps)/2 N_A g^2 mu_B^2 S^2 B'_S(y_s))
             = (3 C S/(S+1)) B'_S(y_s) / (T - 3S/(S+1) theta B'_S(y_s)),   y_s = 3S/(S+1)(T_N/T) m_s,

(derived by linearising both sublattice equations in a small uniform field, dM_A = dM_B;
J. S. Smart, *Effective Field Theories of Magnetism* (1966); C. Kittel, *Introduction to
Solid State Physics* ch. 12 "Antiferromagnetic susceptibility below the Neel temperature").
All three equal C/(T - theta) above T_N and are continuous at T_N; chi_par -> 0 as T -> 0.
Powder average: chi_powder = (chi_par + 2 chi_perp)/3.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from ..chit import ChiT
from ..errors import SimulationError
from ..units import K_B_ERG, MU_B_ERG_G
from .curves import (
    MAGNETIZATION_EMU_MOL_PER_MUB,
    _chit,
    _finite_scalar,
    _positive_scalar,
    _spin,
    _temperatures,
    brillouin,
    brillouin_derivative,
    curie_constant,
)
from .exchange import theta_from_shells

__all__ = [
    "reduced_magnetization",
    "weiss_ferromagnet",
    "weiss_chi",
    "neel_parameters",
    "neel_antiferromagnet",
    "afm_chi",
]

_REF_WEISS = "P. Weiss, J. Phys. Theor. Appl. 6, 661 (1907); Kittel ch. 12; Blundell sec. 5.1"
_REF_NEEL = "L. Neel, Ann. Phys. 5, 232 (1936); J. S. Smart, Effective Field Theories of Magnetism (1966)"


def reduced_magnetization(temperature_K: Any, *, spin: float, tc_K: float, h_reduced: Any = 0.0
                          ) -> np.ndarray:
    """Self-consistent mean-field m = M/M_sat: m = B_S(h + 3S/(S+1) (T_c/T) m).

    Solved per temperature by Brent's method on a bracket that excludes the unstable m = 0
    root below T_c (f(m) = B_S(.) - m is > 0 just above m = 0 and < 0 at m = 1), so it is
    robust right up to T_c; for h = 0 and T >= T_c, m = 0.

    Parameters
    ----------
    temperature_K : array_like
        Temperatures (K, > 0).
    spin : float
        S (multiple of 1/2).
    tc_K : float
        Mean-field ordering temperature (T_c of a FM, T_N for the AFM sublattice); >= 0.
    h_reduced : float or array
        g mu_B S H / (k_B T) (broadcast against T); negative fields give negative m.

    Returns
    -------
    numpy.ndarray
        m in [-1, 1].
    """
    s = _spin("spin", spin)
    tc = _positive_scalar("tc_K", tc_K, allow_zero=True)
    t = _temperatures(temperature_K)
    h = np.broadcast_to(np.asarray(h_reduced, dtype=float), t.shape)
    if not np.all(np.isfinite(h)):
        raise SimulationError("h_reduced (field) must be finite")
    k = 3.0 * s / (s + 1.0)
    out = np.zeros(t.size)
    for i, (ti, hi) in enumerate(zip(t, h, strict=True)):
        a = k * tc / ti
        sign = -1.0 if hi < 0 else 1.0
        ha = abs(hi)

        def f(m: float, a: float = a, ha: float = ha) -> float:
            return float(brillouin(ha + a * m, s)) - m

        if ha == 0.0:
            lo = 1e-150
            if a * (s + 1.0) / (3.0 * s) <= 1.0 or f(lo) <= 0.0:
                continue                                   # paramagnetic: m = 0
        else:
            lo = 0.0
        if f(1.0) >= 0.0:                                 # saturated to machine precision
            out[i] = sign
            continue
        out[i] = sign * brentq(f, lo, 1.0, xtol=1e-300, rtol=1e-15, maxiter=500)
    return out


def _fm_theta(spin: float, theta_K: float | None, z: float | None, J_K: float | None) -> float:
    if theta_K is not None:
        if z is not None or J_K is not None:
            raise SimulationError("give the coupling either as theta_K or as (z, J_K), not both")
        return _finite_scalar("theta_K", theta_K)
    if z is None or J_K is None:
        raise SimulationError("give the coupling as theta_K (K) or as z (neighbours) and J_K (kelvin)")
    return theta_from_shells([(z, J_K)], spin)


def weiss_ferromagnet(temperature_K: Any, *, spin: float, g: float = 2.0, theta_K: float | None = None,
                      z: float | None = None, J_K: float | None = None, field_Oe: float = 0.0
                      ) -> pd.DataFrame:
    """Weiss mean-field ferromagnet: M(T) (spontaneous or in a field) and chi(T).

    m = B_S(h + 3S/(S+1)(theta/T) m), T_c = theta = z J S(S+1)/3 (H = -sum_<ij> J S_i.S_j,
    J > 0 FM, J in K). See the module docstring for the susceptibility formula.

    Parameters
    ----------
    temperature_K : array_like
    spin : float
        S (use J for rare earths with g = g_J).
    g : float
    theta_K : float, optional
        Weiss temperature = T_c (K, > 0 for a ferromagnet).
    z, J_K : float, optional
        Alternatively the number of neighbours and the exchange constant in kelvin.
    field_Oe : float
        Applied field in Oe (0: spontaneous magnetisation).

    Returns
    -------
    pandas.DataFrame
        temperature_K, reduced_magnetization (M/M_sat), moment_muB_per_ion (g S m),
        magnetization_emu_mol, chi_emu_mol (longitudinal mean-field dM/dH; C/(T-theta) above
        T_c, infinite at T_c for H = 0).

    References
    ----------
    Weiss (1907); Kittel ch. 12; Blundell sec. 5.1.
    """
    s = _spin("spin", spin)
    gg = _positive_scalar("g", g)
    theta = _fm_theta(s, theta_K, z, J_K)
    if theta <= 0:
        raise SimulationError(
            f"weiss_ferromagnet needs theta > 0 (ferromagnetic coupling), got {theta:g} K; "
            "for theta < 0 use neel_antiferromagnet or curie_weiss"
        )
    h_oe = _finite_scalar("field_Oe", field_Oe)
    t = _temperatures(temperature_K)
    h_red = gg * MU_B_ERG_G * s * h_oe / (K_B_ERG * t)
    m = reduced_magnetization(t, spin=s, tc_K=theta, h_reduced=h_red)
    k = 3.0 * s / (s + 1.0)
    c = curie_constant(J=s, g=gg)
    bp = brillouin_derivative(h_red + k * theta / t * m, s)
    denom = t - k * theta * bp
    chi = np.where(denom > 0, k * c * bp / np.where(denom > 0, denom, 1.0), np.inf)
    para = (m == 0.0) & (h_oe == 0.0)              # exactly Curie-Weiss (infinite at T = T_c)
    chi = np.where(para, c / np.where(t > theta, t - theta, 1.0), chi)
    chi = np.where(para & (t <= theta), np.inf, chi)
    moment = gg * s * m
    return pd.DataFrame({
        "temperature_K": t,
        "reduced_magnetization": m,
        "moment_muB_per_ion": moment,
        "magnetization_emu_mol": moment * MAGNETIZATION_EMU_MOL_PER_MUB,
        "chi_emu_mol": chi,
    })


def weiss_chi(temperature_K: Any, *, spin: float, g: float = 2.0, theta_K: float | None = None,
              z: float | None = None, J_K: float | None = None) -> ChiT:
    """Zero-field mean-field susceptibility of a Weiss ferromagnet as a ChiT (per mole of ions).

    Above T_c: chi = C/(T - theta) exactly (Curie-Weiss). Below T_c: the longitudinal
    mean-field susceptibility (module docstring); at T = T_c it is infinite.

    Parameters
    ----------
    temperature_K : array_like
        Temperatures in K.
    spin : float
        S (J for rare earths, with g = g_J).
    g : float
        Lande factor.
    theta_K : float, optional
        Weiss temperature = T_c in K; or give ``z`` and ``J_K``.
    z, J_K : float, optional
        Number of neighbours and exchange constant in K (H = -sum J S_i.S_j).

    Returns
    -------
    ChiT
        Per mole of magnetic ions.
    """
    frame = weiss_ferromagnet(temperature_K, spin=spin, g=g, theta_K=theta_K, z=z, J_K=J_K)
    s = _spin("spin", spin)
    theta = _fm_theta(s, theta_K, z, J_K)
    return _chit(frame["temperature_K"].to_numpy(), frame["chi_emu_mol"].to_numpy(),
                 name=f"Weiss FM S={s:g} g={g:g} T_c={theta:.4g} K", per="magnetic ion",
                 model="weiss-fm", parameters={"spin": s, "g": float(g), "theta_K": theta},
                 formula="chi = (3CS/(S+1)) B'_S(y)/(T - 3S/(S+1) T_c B'_S(y)); = C/(T-theta) above T_c",
                 convention="H = -sum_<ij> J S_i.S_j, J > 0 FM, theta = z J S(S+1)/3",
                 reference=_REF_WEISS)


# ---------------------------------------------------------------- antiferromagnet
def neel_parameters(*, spin: float, T_N_K: float | None = None, theta_K: float | None = None,
                    z_inter: float | None = None, J_inter_K: float | None = None,
                    z_intra: float = 0.0, J_intra_K: float = 0.0) -> tuple[float, float]:
    """(T_N, theta) in K of the two-sublattice model, from (T_N, theta) or exchange constants.

    theta = S(S+1)(z_inter J_inter + z_intra J_intra)/3,  T_N = S(S+1)(z_intra J_intra - z_inter J_inter)/3
    (H = -sum J S.S; J_inter < 0 antiferromagnetic). theta defaults to -T_N (no intra coupling).
    Requires T_N > 0 and theta < T_N (i.e. lambda > 0).

    Parameters
    ----------
    spin : float
        S of the magnetic ions.
    T_N_K, theta_K : float, optional
        Neel and Weiss temperatures in K (theta defaults to -T_N).
    z_inter, J_inter_K : float, optional
        Neighbours on the other sublattice and their exchange in K (< 0 for AFM).
    z_intra, J_intra_K : float
        Neighbours on the same sublattice and their exchange in K.

    Returns
    -------
    tuple of float
        (T_N, theta) in K.
    """
    s = _spin("spin", spin)
    if T_N_K is not None:
        if z_inter is not None or J_inter_K is not None:
            raise SimulationError("give either T_N_K (and theta_K) or exchange constants, not both")
        tn = _positive_scalar("T_N_K", T_N_K)
        theta = -tn if theta_K is None else _finite_scalar("theta_K", theta_K)
    else:
        if z_inter is None or J_inter_K is None:
            raise SimulationError("give T_N_K (K), or z_inter and J_inter_K (kelvin, < 0 for AFM)")
        zi = _positive_scalar("z_inter", z_inter)
        ji = _finite_scalar("J_inter_K", J_inter_K)
        za = _positive_scalar("z_intra", z_intra, allow_zero=True)
        ja = _finite_scalar("J_intra_K", J_intra_K)
        ss = s * (s + 1.0)
        theta = ss * (zi * ji + za * ja) / 3.0
        tn = ss * (za * ja - zi * ji) / 3.0
        if tn <= 0:
            raise SimulationError(
                f"these exchange constants give T_N = {tn:g} K <= 0 (no Neel order); the inter-sublattice "
                "coupling J_inter_K must be antiferromagnetic (< 0) and dominate"
            )
    if theta >= tn:
        raise SimulationError(f"theta_K = {theta:g} K must be below T_N_K = {tn:g} K (lambda > 0)")
    return tn, theta


def neel_antiferromagnet(temperature_K: Any, *, spin: float, g: float = 2.0, T_N_K: float | None = None,
                         theta_K: float | None = None, z_inter: float | None = None,
                         J_inter_K: float | None = None, z_intra: float = 0.0, J_intra_K: float = 0.0
                         ) -> pd.DataFrame:
    """Two-sublattice Neel antiferromagnet in mean field: chi_par, chi_perp, powder, m_s.

    Formulas, convention (H = -sum J S.S, J > 0 FM) and references in the module docstring.
    Give (T_N_K [, theta_K]) or (z_inter, J_inter_K [, z_intra, J_intra_K]); an intra-sublattice
    antiferromagnetic coupling makes |theta|/T_N > 1.

    Parameters
    ----------
    temperature_K : array_like
        Temperatures in K.
    spin : float
        S of the magnetic ions.
    g : float
        Lande factor.
    T_N_K, theta_K : float, optional
        Neel and Weiss temperatures in K; or the exchange constants below.
    z_inter, J_inter_K, z_intra, J_intra_K : float, optional
        As in :func:`neel_parameters`.

    Returns
    -------
    pandas.DataFrame
        temperature_K, sublattice_magnetization (m_s = M_A/M_sat), chi_par_emu_mol,
        chi_perp_emu_mol, chi_powder_emu_mol (per mole of magnetic ions).
    """
    s = _spin("spin", spin)
    gg = _positive_scalar("g", g)
    tn, theta = neel_parameters(spin=s, T_N_K=T_N_K, theta_K=theta_K, z_inter=z_inter,
                                J_inter_K=J_inter_K, z_intra=z_intra, J_intra_K=J_intra_K)
    t = _temperatures(temperature_K)
    c = curie_constant(J=s, g=gg)
    k = 3.0 * s / (s + 1.0)
    ms = reduced_magnetization(t, spin=s, tc_K=tn)
    bp = brillouin_derivative(k * tn / t * ms, s)
    chi_par = k * c * bp / (t - k * theta * bp)          # denominator > 0 since theta < T_N
    chi_para = c / np.where(t > theta, t - theta, 1.0)   # used only above T_N > theta
    chi_perp = np.where(t < tn, c / (tn - theta), chi_para)
    above = ms == 0.0
    chi_par = np.where(above, chi_para, chi_par)
    return pd.DataFrame({
        "temperature_K": t,
        "sublattice_magnetization": ms,
        "chi_par_emu_mol": chi_par,
        "chi_perp_emu_mol": chi_perp,
        "chi_powder_emu_mol": (chi_par + 2.0 * chi_perp) / 3.0,
    })


def afm_chi(temperature_K: Any, *, spin: float, g: float = 2.0, T_N_K: float | None = None,
            theta_K: float | None = None, z_inter: float | None = None, J_inter_K: float | None = None,
            z_intra: float = 0.0, J_intra_K: float = 0.0, orientation: str = "powder") -> ChiT:
    """Mean-field antiferromagnet chi(T) as a ChiT: ``orientation`` = powder | parallel | perpendicular.

    See :func:`neel_antiferromagnet`; per mole of magnetic ions.

    Parameters
    ----------
    temperature_K : array_like
        Temperatures in K.
    spin, g, T_N_K, theta_K, z_inter, J_inter_K, z_intra, J_intra_K
        As in :func:`neel_antiferromagnet`.
    orientation : {"powder", "parallel", "perpendicular"}
        Field along (parallel) or across (perpendicular) the staggered moment, or the powder
        average (chi_par + 2 chi_perp)/3.

    Returns
    -------
    ChiT
        Per mole of magnetic ions.
    """
    cols = {"powder": "chi_powder_emu_mol", "parallel": "chi_par_emu_mol",
            "perpendicular": "chi_perp_emu_mol"}
    if orientation not in cols:
        raise SimulationError(f"orientation must be one of {sorted(cols)}, got {orientation!r}")
    s = _spin("spin", spin)
    tn, theta = neel_parameters(spin=s, T_N_K=T_N_K, theta_K=theta_K, z_inter=z_inter,
                                J_inter_K=J_inter_K, z_intra=z_intra, J_intra_K=J_intra_K)
    frame = neel_antiferromagnet(temperature_K, spin=s, g=g, T_N_K=tn, theta_K=theta)
    return _chit(frame["temperature_K"].to_numpy(), frame[cols[orientation]].to_numpy(),
                 name=f"Neel AFM S={s:g} T_N={tn:.4g} K theta={theta:.4g} K ({orientation})",
                 per="magnetic ion", model="afm",
                 parameters={"spin": s, "g": float(g), "T_N_K": tn, "theta_K": theta,
                             "orientation": orientation},
                 formula="chi_perp = C/(T_N - theta); chi_par = (3CS/(S+1))B'/(T - 3S/(S+1) theta B'); "
                         "powder = (chi_par + 2 chi_perp)/3; C/(T - theta) above T_N",
                 convention="H = -sum_<ij> J S_i.S_j, J > 0 FM; theta < 0 AFM",
                 reference=_REF_NEEL)
