"""Takahashi spin-fluctuation parameters T_A, T_0, F_1 from the magnetisation isotherm at T_C.

Theory (Y. Takahashi, J. Phys. Soc. Jpn. 55, 3553 (1986); *Spin Fluctuation Theory of Itinerant
Electron Magnetism*, Springer Tracts in Modern Physics 253 (2013)). Units of the theory: σ = M/(g μB)
per magnetic atom, h = g μB H / k_B (K), reduced inverse susceptibility y = h / (2 T_A σ) at small
fields, reduced temperature t = T/T_0. The total (zero-point + thermal) local spin amplitude is
conserved; the thermal amplitude is

    A(y, t) = 3 ∫_0^1 dx x³ [ln u - 1/(2u) - ψ(u)],   u = x (y + x²) / t,

with A(0, t) → C_{4/3} t^{4/3}, C_{4/3} = ∫_0^∞ v^{1/3} [ln v - 1/(2v) - ψ(v)] dv = 1.00608
(the integral is evaluated in tests/test_mh_takahashi.py and gives 1.006089). Amplitude
conservation at T_C reads σ² = 5 (T_0/T_A) [A(0, t_C) - A(y, t_C)] (+ a zero-point term linear in y);
for small y, A(0, t) - A(y, t) = (3π/4) t √y, hence at T = T_C

    h = (32 / (225 π²)) (T_A³ / T_C²) σ⁵,  i.e.  M⁴ = K_g (T_C² / T_A³) (H / M),
    K_g = (225 π² g⁶ / 32) μB / k_B   (M in μB per magnetic atom, H in Oe; K_2 = 0.2983 K/Oe).

The spontaneous moment p_s fixes T_0 through Takahashi's T_C relation

    (T_C/T_0)^{5/6} = p_s² / (5 g² C_{4/3}) · (15 c F_1 / (2 T_C))^{1/2},   F_1 = 2 T_A² / (15 c T_0),

with c = 0.3353, i.e. T_0 = (5 g² C_{4/3})³ T_C⁴ / (p_s⁶ T_A³) (equivalently
T_C = (60 c)^{-3/4} p_s^{3/2} T_A^{3/4} T_0^{1/4} for g = 2, since 3c ≈ C_{4/3}).

Provenance of the constants, stated honestly: C_{4/3}, c and the two T_C relations are as restated
by experimental papers that apply the theory (e.g. N. Tateiwa et al., Phys. Rev. B 96, 035125 (2017));
C_{4/3} is reproduced here by the integral above. The prefactor K_g of the M⁴ law is *derived* here
from the amplitude equation (not copied): the often-quoted form "M⁴ = 1.17×10¹⁸ (T_C²/T_A³)(H/M)"
(M in emu per mole of magnetic atoms, H in Oe) could not be checked against the source in this
project; our K_2 expressed in those units is 1.62×10¹⁸, a factor √(6/π) = 1.38 larger, which moves
T_A by 11 % (∝ K^{1/3}). :func:`takahashi_parameters` takes ``m4_coefficient`` to use another value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..errors import FitError, SampleError
from ..units import K_B_ERG, MU_B_ERG_G

__all__ = ["TakahashiResult", "takahashi_parameters", "takahashi_m4_coefficient", "TAKAHASHI_C43",
           "TAKAHASHI_C", "DT_PREFACTOR"]

#: C_{4/3} = ∫_0^∞ v^{1/3} [ln v - 1/(2v) - ψ(v)] dv (thermal amplitude at y = 0)
TAKAHASHI_C43 = 1.00608
#: c of F_1 = 2 T_A² / (15 c T_0) and T_C = (60 c)^{-3/4} p_s^{3/2} T_A^{3/4} T_0^{1/4}
TAKAHASHI_C = 0.3353
#: generalized Rhodes-Wohlfarth (Deguchi-Takahashi) relation p_eff/p_s ≈ 1.4 (T_C/T_0)^(-2/3)
DT_PREFACTOR = 1.4


def takahashi_m4_coefficient(g: float = 2.0) -> float:
    """K_g of M⁴ = K_g (T_C²/T_A³)(H/M) at T = T_C (M in μB per magnetic atom, H in Oe).

    Parameters
    ----------
    g : float
        Landé factor of the theory's σ = M/(g μB) (2 for itinerant d electrons).

    Returns
    -------
    float
        K_g in K/Oe: (225 π² g⁶ / 32) μB/k_B (0.2983 for g = 2); derivation in the module docstring.
    """
    return 225.0 * math.pi**2 * g**6 / 32.0 * MU_B_ERG_G / K_B_ERG


@dataclass(eq=False)
class TakahashiResult:
    """Spin-fluctuation parameters from the T_C isotherm.

    Attributes
    ----------
    zeta, zeta_err : float
        Slope of M⁴ vs H/M through the origin (μB⁵ per Oe), one-sigma from the line fit.
    T_A_K, T0_K, F1_K, Tc_over_T0 : float
        Takahashi's T_A (dispersion of the static susceptibility), T_0 (width of the spin-fluctuation
        spectrum), F_1 (mode-coupling constant), all in K, and T_C/T_0.
    T_A_K_err, T0_K_err, F1_K_err, Tc_over_T0_err : float
        One-sigma, propagated from the slope and from the given T_C and p_s errors (independent).
    Tc_K, p_s : float
        The inputs (K; μB per magnetic atom).
    r2_m4, r2_m2 : float
        R² of straight lines through the origin of M⁴ and M² against H/M.
    notes : list of str
    """

    zeta: float
    zeta_err: float
    T_A_K: float
    T_A_K_err: float
    T0_K: float
    T0_K_err: float
    F1_K: float
    F1_K_err: float
    Tc_over_T0: float
    Tc_over_T0_err: float
    Tc_K: float
    p_s: float
    r2_m4: float
    r2_m2: float
    notes: list = field(default_factory=list)

    def rw_prediction(self) -> float:
        """p_eff/p_s predicted by the generalized Rhodes-Wohlfarth relation at this T_C/T_0.

        Returns
        -------
        float
            1.4 (T_C/T_0)^(-2/3).
        """
        return DT_PREFACTOR * self.Tc_over_T0 ** (-2.0 / 3.0)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe values."""
        from .._json import json_safe

        return json_safe(dict(self.__dict__) | {"rw_prediction": self.rw_prediction()})

    def summary(self) -> str:
        """Two lines: T_A, T_0, F_1, T_C/T_0."""
        return (f"Takahashi (M⁴ vs H/M at T_C = {self.Tc_K:.4g} K, p_s = {self.p_s:.3g} μB): "
                f"T_A = {self.T_A_K:.4g} ± {self.T_A_K_err:.2g} K, T_0 = {self.T0_K:.4g} ± "
                f"{self.T0_K_err:.2g} K, F_1 = {self.F1_K:.4g} ± {self.F1_K_err:.2g} K\n"
                f"  T_C/T_0 = {self.Tc_over_T0:.3g} ± {self.Tc_over_T0_err:.2g}; generalized RW curve "
                f"predicts p_eff/p_s = {self.rw_prediction():.3g}")


def _through_origin(x, y) -> tuple[float, float, float]:
    import numpy as np

    k = float(np.sum(x * y) / np.sum(x * x))
    res = y - k * x
    r2 = 1.0 - float(np.sum(res**2) / np.sum((y - y.mean()) ** 2))
    err = math.sqrt(float(np.sum(res**2)) / (x.size - 1) / float(np.sum(x * x)))
    return k, err, r2


def takahashi_parameters(field_Oe, M_muB, Tc_K: float, p_s: float, *, Tc_K_err: float = 0.0,
                         p_s_err: float = 0.0, g: float = 2.0,
                         m4_coefficient: float | None = None) -> TakahashiResult:
    """T_A, T_0, F_1 and T_C/T_0 from the slope of M⁴ vs H/M of the isotherm at T_C.

    Parameters
    ----------
    field_Oe, M_muB : array_like
        The isotherm at (or nearest) T_C: field in Oe, M in μB per magnetic atom (H > 0 points used).
    Tc_K : float
        Curie temperature, K.
    p_s : float
        Spontaneous moment at T → 0, μB per magnetic atom.
    Tc_K_err, p_s_err : float
        One-sigma errors of T_C and p_s (propagated; taken as independent of the slope).
    g : float
        Landé factor of the theory (2).
    m4_coefficient : float, optional
        K of M⁴ = K (T_C²/T_A³)(H/M) in K/Oe; default :func:`takahashi_m4_coefficient` (g).

    Returns
    -------
    TakahashiResult

    Raises
    ------
    FitError
        Fewer than 4 usable points or a slope that is not positive.
    SampleError
        T_C or p_s not positive.
    """
    import numpy as np

    if not (math.isfinite(Tc_K) and Tc_K > 0):
        raise SampleError(f"Tc_K = {Tc_K!r}: the Curie temperature must be > 0 K for the Takahashi analysis")
    if not (math.isfinite(p_s) and p_s > 0):
        raise SampleError(f"p_s = {p_s!r}: the spontaneous moment must be > 0 μB per magnetic atom "
                          "(pass --per-ion so M is per magnetic atom)")
    h = np.asarray(field_Oe, float)
    m = np.asarray(M_muB, float)
    ok = np.isfinite(h) & np.isfinite(m) & (h > 0) & (m > 0)
    if ok.sum() < 4:
        raise FitError("Takahashi M⁴ vs H/M slope needs 4 or more points with H > 0 and M > 0, "
                       f"got {ok.sum()}")
    x = h[ok] / m[ok]
    zeta, zeta_err, r4 = _through_origin(x, m[ok] ** 4)
    _, _, r2 = _through_origin(x, m[ok] ** 2)
    if not zeta > 0:
        raise FitError(f"M⁴ vs H/M slope {zeta:.3g} is not positive: not an isotherm at T_C")
    k = takahashi_m4_coefficient(g) if m4_coefficient is None else float(m4_coefficient)
    t_a = (k * Tc_K**2 / zeta) ** (1.0 / 3.0)
    t0 = (5.0 * g**2 * TAKAHASHI_C43) ** 3 * Tc_K**4 / (p_s**6 * t_a**3)
    f1 = 2.0 * t_a**2 / (15.0 * TAKAHASHI_C * t0)
    dz, dt, dp = zeta_err / zeta, Tc_K_err / Tc_K, p_s_err / p_s

    def rel(a, b, c):  # relative error of ζ^a T_C^b p_s^c
        return math.sqrt((a * dz) ** 2 + (b * dt) ** 2 + (c * dp) ** 2)

    notes = []
    if r4 < r2:
        notes.append(f"M² vs H/M is straighter than M⁴ vs H/M (R² {r2:.4f} > {r4:.4f}): the isotherm "
                     "follows mean field rather than Takahashi's M⁵ law; T_A, T_0 are indicative only")
    return TakahashiResult(
        zeta=zeta, zeta_err=zeta_err, T_A_K=t_a, T_A_K_err=t_a * rel(-1 / 3, 2 / 3, 0), T0_K=t0,
        T0_K_err=t0 * rel(1, 2, -6), F1_K=f1, F1_K_err=f1 * rel(-5 / 3, -2 / 3, 6), Tc_over_T0=Tc_K / t0,
        Tc_over_T0_err=Tc_K / t0 * rel(-1, -1, 6), Tc_K=Tc_K, p_s=p_s, r2_m4=r4, r2_m2=r2, notes=notes)
