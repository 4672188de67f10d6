"""Localized or itinerant ferromagnet: Rhodes-Wohlfarth ratio and the Deguchi-Takahashi plot.

* p_c from the Curie-Weiss moment above T_C: μ_eff² = p_c (p_c + 2), i.e. p_c = √(1 + μ_eff²) - 1
  (μ_eff and p_c in μB per magnetic atom); p_s = ordered (saturation) moment per magnetic atom.
  Rhodes-Wohlfarth ratio RWR = p_c / p_s: ≈ 1 for localized moments, ≫ 1 for weak itinerant
  ferromagnets (P. Rhodes and E. P. Wohlfarth, Proc. R. Soc. A 273, 247 (1963); E. P. Wohlfarth,
  J. Magn. Magn. Mater. 7, 113 (1978)). Strong itinerant ferromagnets (Fe) also give RWR ≈ 1:
  the ratio separates *weak* itinerant magnets from the rest, not band from local moments.
* Takahashi's spin-fluctuation theory generalises the plot (Deguchi-Takahashi plot):
  p_eff/p_s ≈ 1.4 (T_C/T_0)^(-2/3) (Y. Takahashi, J. Phys. Soc. Jpn. 55, 3553 (1986); *Spin
  Fluctuation Theory of Itinerant Electron Magnetism*, Springer 2013). When the isotherm at T_C is
  given, T_A, T_0 and F_1 come from the slope of M⁴ vs H/M (:mod:`magfit.mh.takahashi`, where the
  constants and their provenance are stated) and the sample is placed on that curve; otherwise T_0
  is only *estimated* by inverting the relation (and the sample lies on the curve by construction).

Labels join :func:`magfit.classify`'s vocabulary: ``"localized"`` (RWR ≤ 1.3),
``"intermediate"`` (1.3 < RWR < 2), ``"itinerant"`` (RWR ≥ 2), or ``"undetermined"``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import FitError, SampleError
from .takahashi import DT_PREFACTOR

__all__ = ["p_c_from_mu_eff", "rhodes_wohlfarth", "FerroResult", "REFERENCE_FERROMAGNETS", "takahashi_slope",
           "ferro_from_files", "RW_LOCALIZED_MAX", "RW_ITINERANT_MIN", "RW_UNPHYSICAL_MAX", "DT_PREFACTOR",
           "DT_ON_CURVE_FACTOR", "deguchi_takahashi_placement"]

#: RWR at or below this: localized (the ratio of Gd, EuO, Fe is 0.9-1.1)
RW_LOCALIZED_MAX = 1.3
#: RWR at or above this: weak itinerant (MnSi ~3.5 and up)
RW_ITINERANT_MIN = 2.0
#: RWR clearly below this (by 2σ): no verdict - the ordered moment exceeds the paramagnetic one, which
#: no ferromagnet does (the lowest tabulated ratio, Gd's 7.04/7.63, is 0.92): p_s or μ_eff is wrong
RW_UNPHYSICAL_MAX = 0.7
#: a sample is "on" the generalized Rhodes-Wohlfarth curve when p_eff/p_s is within this factor of
#: 1.4 (T_C/T_0)^(-2/3) (our tolerance for the plot's scatter, not a published number)
DT_ON_CURVE_FACTOR = 1.5

#: Reference ferromagnets for the RW and Deguchi-Takahashi plots. p_s, p_c per magnetic atom (μB).
#: ``verified`` True only where every number of the row was read in the cited source during this
#: project (the abstracts named in ``source``); False rows are recalled literature values, kept for
#: orientation on the plots (drawn open) and never used as test tolerances -- ``note`` says what is
#: doubtful. Conventions differ between papers: some quote the "generalized RW ratio" as μ_eff/p_s;
#: here every ratio is p_c/p_s with μ_eff² = p_c (p_c + 2).
REFERENCE_FERROMAGNETS: list[dict[str, Any]] = [
    {"name": "Fe", "p_s": 2.22, "p_c": 2.29, "Tc_K": 1043, "Tc_over_T0": None,
     "source": "p_s: Kittel, Introduction to Solid State Physics, table of ferromagnetic crystals; "
               "p_c: Wohlfarth, JMMM 7, 113 (1978)", "verified": False,
     "note": "recalled; not checked against either source here"},
    {"name": "Co", "p_s": 1.72, "p_c": 2.29, "Tc_K": 1388, "Tc_over_T0": None,
     "source": "p_s: Kittel (as Fe); p_c: Wohlfarth, JMMM 7, 113 (1978)", "verified": False,
     "note": "recalled; not checked"},
    {"name": "Ni", "p_s": 0.606, "p_c": 0.90, "Tc_K": 627, "Tc_over_T0": None,
     "source": "p_s: Kittel (as Fe); p_c: Wohlfarth, JMMM 7, 113 (1978)", "verified": False,
     "note": "recalled; not checked"},
    {"name": "Gd", "p_s": 7.63, "p_c": 7.04, "Tc_K": 292, "Tc_over_T0": None,
     "source": "p_s: Kittel (as Fe); p_c from mu_eff = 7.98 (Nigh, Legvold, Spedding, Phys. Rev. 132, "
               "1092 (1963))", "verified": False, "note": "recalled; not checked"},
    {"name": "EuO", "p_s": 6.8, "p_c": 7.0, "Tc_K": 69, "Tc_over_T0": None,
     "source": "p_s: Kittel (as Fe); p_c from mu_eff = 7.94 (free Eu2+, S = 7/2)", "verified": False,
     "note": "p_s recalled; p_c is the free-ion value, not a measurement"},
    {"name": "MnSi", "p_s": 0.4, "p_c": 1.42, "Tc_K": 30, "Tc_over_T0": 0.13,
     "source": "p_s, mu_eff = 2.2: Moriya, Spin Fluctuations in Itinerant Electron Magnetism (1985); "
               "T_C/T_0: Takahashi, JPSJ 55, 3553 (1986)", "verified": False,
     "note": "recalled; T_C/T_0 not checked against Takahashi's table"},
    {"name": "ZrZn2", "p_s": 0.17, "p_c": 1.15, "Tc_K": 27.5, "Tc_over_T0": 0.067,
     "source": "p_s = M0 = 0.17 muB/f.u.: Yelland et al., PRB 72, 184436 (2005); p_c from "
               "mu_eff ~1.9 muB/f.u.; T_C/T_0: Takahashi (1986)", "verified": False,
     "note": "p_s per formula unit (Zr is the magnetic atom: one per f.u.); mu_eff = 1.9 recalled, not "
             "found in a checkable source here -- the ratio 6.8 rests on it"},
    {"name": "Ni3Al", "p_s": 0.075, "p_c": 0.64, "Tc_K": 41.5, "Tc_over_T0": 0.012,
     "source": "p_s, p_c: Wohlfarth, JMMM 7, 113 (1978); T_C/T_0: Takahashi (1986); T_C = 41 +- 1 K "
               "stated in the abstract of 'Small angle neutron scattering in Ni3Al' "
               "(scilit.com/publications/c6f1d07d99e9280561e3639ec184df8b)", "verified": False,
     "note": "ratio 8.5 from p_c = 0.64 (mu_eff ~1.3 muB/Ni) and p_s = 0.075, both recalled; PHYSICS.md's "
             "'15-20' [M] could not be confirmed either -- the conflict is unresolved; at T_C/T_0 = 0.012 "
             "the Deguchi-Takahashi curve predicts ~27, so at least one of these numbers is off"},
    {"name": "Sc3In", "p_s": 0.045, "p_c": 0.39, "Tc_K": 5.5, "Tc_over_T0": None,
     "source": "Wohlfarth, JMMM 7, 113 (1978)", "verified": False, "note": "recalled; not checked"},
    {"name": "KCo2Se2", "p_s": 0.72, "p_c": 1.4257, "mu_eff": 2.21, "Tc_K": 74, "Tc_over_T0": None,
     "source": "Yang et al., 'Magnetic properties in layered (K, Rb and Cs)Co2Se2', arXiv:1305.0123, "
               "abstract: T_C = 74 K, mu_eff = 2.21 muB/Co, p_s = 0.72 muB/Co (p_c computed here)",
     "verified": True, "note": "the paper's 'generalized RW ratio' 3.07 is mu_eff/p_s; p_c/p_s = 1.98"},
    {"name": "RbCo2Se2", "p_s": 0.59, "p_c": 1.2719, "mu_eff": 2.04, "Tc_K": 76, "Tc_over_T0": None,
     "source": "Yang et al., arXiv:1305.0123, abstract: T_C = 76 K, mu_eff = 2.04 muB/Co, p_s = 0.59 "
               "muB/Co (p_c computed here)", "verified": True,
     "note": "the paper's ratio 3.42 is ~mu_eff/p_s (2.04/0.59 = 3.46: rounding); p_c/p_s = 2.16"},
]
def p_c_from_mu_eff(mu_eff_B: float) -> float:
    """p_c from μ_eff² = p_c (p_c + 2): p_c = √(1 + μ_eff²) - 1.

    Parameters
    ----------
    mu_eff_B : float
        Curie-Weiss effective moment per magnetic atom, μB.

    Returns
    -------
    float
        p_c in μB (e.g. μ_eff = √15 = 3.873 -> p_c = 3).
    """
    if not math.isfinite(mu_eff_B) or mu_eff_B < 0:
        raise SampleError(f"mu_eff = {mu_eff_B!r} must be a finite non-negative moment in μB")
    return math.sqrt(1.0 + mu_eff_B**2) - 1.0


@dataclass(eq=False)
class FerroResult:
    """Rhodes-Wohlfarth / Deguchi-Takahashi verdict.

    Attributes
    ----------
    mu_eff, mu_eff_err : float
        Curie-Weiss moment per magnetic atom, μB.
    p_c, p_c_err, p_s, p_s_err, rw_ratio, rw_ratio_err : float
    Tc_K, T0_K, Tc_over_T0 : float or None
        T_0 from the M⁴ vs H/M slope at T_C when ``takahashi`` is set, else estimated from the
        Deguchi-Takahashi relation (``T0_source`` says which).
    label : str
        ``"localized"``, ``"intermediate"``, ``"itinerant"`` or ``"undetermined"``.
    reasons : list of str
        The evidence, in words with numbers.
    extra : dict
        Context (θ, Curie-Weiss window, where T_C came from) added by :func:`ferro_from_files`.
    takahashi : magfit.mh.takahashi.TakahashiResult or None
        T_A, T_0, F_1 from the isotherm at T_C.
    T0_source : str or None
        ``"takahashi_slope"`` (measured), ``"dt_relation"`` (estimated) or None.
    dt_placement : dict or None
        From :func:`deguchi_takahashi_placement` when T_0 was measured.
    """

    mu_eff: float
    mu_eff_err: float
    p_c: float
    p_c_err: float
    p_s: float
    p_s_err: float
    rw_ratio: float
    rw_ratio_err: float
    Tc_K: float | None
    T0_K: float | None
    Tc_over_T0: float | None
    label: str
    reasons: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    takahashi: Any = None
    T0_source: str | None = None
    dt_placement: dict | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe values (the CLI contract keys and errors)."""
        from .._json import json_safe

        keys = ("mu_eff", "mu_eff_err", "p_c", "p_c_err", "p_s", "p_s_err", "rw_ratio", "rw_ratio_err",
                "Tc_K", "T0_K", "Tc_over_T0", "label", "reasons", "T0_source", "dt_placement")
        out = {k: getattr(self, k) for k in keys}
        tk = self.takahashi
        out.update({"T_A_K": tk.T_A_K if tk else None, "T_A_K_err": tk.T_A_K_err if tk else None,
                    "T0_K_err": tk.T0_K_err if tk else None, "F1_K": tk.F1_K if tk else None,
                    "Tc_over_T0_err": tk.Tc_over_T0_err if tk else None,
                    "takahashi": tk.to_dict() if tk else None})
        out.update(self.extra)
        return json_safe(out)

    def summary(self) -> str:
        """Verdict and evidence."""
        lines = [f"{self.label}: p_c = {self.p_c:.3f} ± {self.p_c_err:.2g}, p_s = {self.p_s:.4g} ± "
                 f"{self.p_s_err:.2g} μB/atom, p_c/p_s = {self.rw_ratio:.3g} ± {self.rw_ratio_err:.2g}"]
        if self.takahashi is not None:
            lines.append("  " + self.takahashi.summary().replace("\n", "\n  "))
        elif self.T0_K is not None:
            lines.append(f"  T_C = {self.Tc_K:.4g} K, T_0 ≈ {self.T0_K:.4g} K, "
                         f"T_C/T_0 ≈ {self.Tc_over_T0:.3g} (from p_eff/p_s ≈ 1.4 (T_C/T_0)^(-2/3))")
        lines += [f"  - {r}" for r in self.reasons]
        return "\n".join(lines)


def rhodes_wohlfarth(mu_eff_B: float, p_s: float, *, mu_eff_err: float = 0.0, p_s_err: float = 0.0,
                     Tc_K: float | None = None, takahashi=None) -> FerroResult:
    """p_c, p_c/p_s, T_C/T_0 and the localized / intermediate / itinerant verdict.

    Parameters
    ----------
    mu_eff_B : float
        Curie-Weiss effective moment per magnetic atom (μB), from χ(T) above T_C.
    p_s : float
        Saturation (ordered) moment per magnetic atom (μB), from M(H) at low T.
    mu_eff_err, p_s_err : float
        One-sigma errors.
    Tc_K : float, optional
        Curie temperature (for the Deguchi-Takahashi estimate of T_0).
    takahashi : magfit.mh.takahashi.TakahashiResult, optional
        Measured T_A, T_0 (from :func:`magfit.mh.takahashi.takahashi_parameters`); then T_0 is not
        estimated and the sample is placed on the Deguchi-Takahashi curve.

    Returns
    -------
    FerroResult

    Raises
    ------
    SampleError
        p_s not positive or μ_eff invalid.
    """
    if not (math.isfinite(p_s) and p_s > 0):
        raise SampleError(f"p_s = {p_s!r}: the saturation moment per magnetic atom must be > 0 μB "
                          "(is the M(H) in μB per magnetic ion? pass --per-ion)")
    p_c = p_c_from_mu_eff(mu_eff_B)
    p_c_err = mu_eff_B / (p_c + 1.0) * mu_eff_err
    r = p_c / p_s
    r_err = r * math.hypot(p_c_err / p_c if p_c else 0.0, p_s_err / p_s)
    reasons = [f"Rhodes-Wohlfarth ratio p_c/p_s = {p_c:.3g}/{p_s:.3g} = {r:.3g} ± {r_err:.2g} "
               f"(p_c = √(1 + μ_eff²) - 1 with μ_eff = {mu_eff_B:.3g} μB)"]
    if r_err > 0 and (abs(r - RW_LOCALIZED_MAX) < r_err or abs(r - RW_ITINERANT_MIN) < r_err) and r < 3:
        reasons.append(f"the ratio is within 1σ of a class boundary ({RW_LOCALIZED_MAX}, {RW_ITINERANT_MIN})")
    if r + 2.0 * r_err < RW_UNPHYSICAL_MAX:
        label = "undetermined"
        reasons.append(f"p_c/p_s < {RW_UNPHYSICAL_MAX} by more than 2σ: the ordered moment exceeds the "
                       "paramagnetic one, which no ferromagnet does - p_s is overestimated (M(H) above T_C, "
                       "wrong mass, formula or --per-ion?) or μ_eff underestimated")
    elif r <= RW_LOCALIZED_MAX:
        label = "localized"
        reasons.append(f"p_c/p_s ≤ {RW_LOCALIZED_MAX}: the moment above T_C equals the ordered moment, "
                       "as for Gd and EuO (note: strong itinerant ferromagnets such as Fe also give ≈ 1)")
    elif r < RW_ITINERANT_MIN:
        label = "intermediate"
        reasons.append(f"{RW_LOCALIZED_MAX} < p_c/p_s < {RW_ITINERANT_MIN}: between localized and weak "
                       "itinerant, like Ni (≈ 1.5) and Co")
    else:
        label = "itinerant"
        reasons.append(f"p_c/p_s ≥ {RW_ITINERANT_MIN}: ordered moment much smaller than the fluctuating one, "
                       "a weak itinerant ferromagnet like MnSi, ZrZn2, Ni3Al")
    out = FerroResult(mu_eff=mu_eff_B, mu_eff_err=mu_eff_err, p_c=p_c, p_c_err=p_c_err, p_s=p_s,
                      p_s_err=p_s_err, rw_ratio=r, rw_ratio_err=r_err, Tc_K=Tc_K, T0_K=None, Tc_over_T0=None,
                      label=label, reasons=reasons)
    if takahashi is not None:
        _place_measured(out, takahashi)
    elif Tc_K is not None and math.isfinite(Tc_K) and Tc_K > 0:
        _estimate_t0(out)
    return out


def _estimate_t0(out: FerroResult) -> None:
    """T_0 by inverting p_eff/p_s = 1.4 (T_C/T_0)^(-2/3) (the sample is on the curve by construction)."""
    r = out.rw_ratio
    if r <= DT_PREFACTOR:
        out.reasons.append(f"Deguchi-Takahashi: p_eff/p_s ≤ {DT_PREFACTOR} would need T_C/T_0 ≥ 1, outside "
                           "the range of the spin-fluctuation relation (the localized limit); "
                           "T_0 not estimated")
        return
    ratio = (DT_PREFACTOR / r) ** 1.5
    out.Tc_over_T0, out.T0_K, out.T0_source = ratio, out.Tc_K / ratio, "dt_relation"
    out.reasons.append(f"Deguchi-Takahashi: p_eff/p_s = 1.4 (T_C/T_0)^(-2/3) gives T_C/T_0 ≈ {ratio:.3g}, "
                       f"T_0 ≈ {out.T0_K:.4g} K (estimated, not measured: give the isotherm at T_C for T_0 "
                       "from the M⁴ slope)" + (" (≪ 1: itinerant)" if ratio < 0.3 else ""))


def deguchi_takahashi_placement(rw_ratio: float, Tc_over_T0: float) -> dict[str, Any]:
    """Where a sample with p_eff/p_s and T_C/T_0 lies relative to 1.4 (T_C/T_0)^(-2/3).

    Parameters
    ----------
    rw_ratio : float
        p_eff/p_s (p_eff from μ_eff² = p_eff (p_eff + 2), i.e. p_c).
    Tc_over_T0 : float
        T_C/T_0 from the Takahashi analysis.

    Returns
    -------
    dict
        ``predicted`` (1.4 (T_C/T_0)^(-2/3)), ``ratio`` (measured / predicted), ``verdict``
        (``"on the curve"`` within a factor :data:`DT_ON_CURVE_FACTOR`, else ``"above"`` / ``"below"``)
        and ``regime`` (``"itinerant"`` for T_C/T_0 < 0.3, ``"intermediate"`` below 1, else
        ``"localized"``).
    """
    predicted = DT_PREFACTOR * Tc_over_T0 ** (-2.0 / 3.0)
    q = rw_ratio / predicted
    verdict = ("on the curve" if 1 / DT_ON_CURVE_FACTOR <= q <= DT_ON_CURVE_FACTOR
               else "above" if q > 1 else "below")
    regime = "itinerant" if Tc_over_T0 < 0.3 else "intermediate" if Tc_over_T0 < 1 else "localized"
    return {"predicted": predicted, "ratio": q, "verdict": verdict, "regime": regime}


def _place_measured(out: FerroResult, tk) -> None:
    out.takahashi, out.T0_source = tk, "takahashi_slope"
    out.T0_K, out.Tc_over_T0 = tk.T0_K, tk.Tc_over_T0
    out.Tc_K = out.Tc_K if out.Tc_K is not None else tk.Tc_K
    place = deguchi_takahashi_placement(out.rw_ratio, tk.Tc_over_T0)
    out.dt_placement = place
    out.reasons.append(
        f"Takahashi: M⁴ vs H/M at T_C = {tk.Tc_K:.4g} K gives T_A = {tk.T_A_K:.4g} ± {tk.T_A_K_err:.2g} K, "
        f"T_0 = {tk.T0_K:.4g} ± {tk.T0_K_err:.2g} K, T_C/T_0 = {tk.Tc_over_T0:.3g} ± {tk.Tc_over_T0_err:.2g} "
        f"({place['regime']} side: T_C/T_0 ≪ 1 itinerant, ≈ 1 localized)")
    out.reasons.append(
        f"Deguchi-Takahashi plot: p_eff/p_s = {out.rw_ratio:.3g} vs 1.4 (T_C/T_0)^(-2/3) = "
        f"{place['predicted']:.3g} (ratio {place['ratio']:.2f}): "
        + ("on" if place["verdict"] == "on the curve" else place["verdict"])
        + f" the generalized Rhodes-Wohlfarth curve (tolerance ×{DT_ON_CURVE_FACTOR})")
    out.reasons.extend(f"Takahashi: {n}" for n in tk.notes)


def takahashi_slope(field_Oe, M) -> dict[str, float]:
    """Slope ζ of M⁴ vs H/M (the Takahashi form of the isotherm at T_C) and its linearity.

    :func:`magfit.mh.takahashi.takahashi_parameters` turns the slope into T_A, T_0 and F_1.

    Parameters
    ----------
    field_Oe, M : array_like
        H > 0 points of the isotherm at (or nearest) T_C.

    Returns
    -------
    dict
        ``zeta`` (M⁴ per (Oe/M)), ``zeta_err``, ``r2_m4`` and ``r2_m2``: R² of straight lines through
        the origin of M⁴ and of M² (mean field) against H/M -- the larger says which law fits better.

    Raises
    ------
    FitError
        Fewer than 4 points.
    """
    from .takahashi import _through_origin

    h = np.asarray(field_Oe, float)
    m = np.asarray(M, float)
    ok = np.isfinite(h) & np.isfinite(m) & (h > 0) & (m > 0)
    if ok.sum() < 4:
        raise FitError("Takahashi M⁴ vs H/M slope needs 4 or more H > 0 points")
    x = h[ok] / m[ok]
    z, ze, r4 = _through_origin(x, m[ok] ** 4)
    _, _, r2 = _through_origin(x, m[ok] ** 2)
    return {"zeta": z, "zeta_err": ze, "r2_m4": r4, "r2_m2": r2}


#: an isotherm of the M(H) family is used for the Takahashi slope when it lies this close to T_C
#: (the larger of the two)
TC_ISOTHERM_TOL_K, TC_ISOTHERM_TOL_REL = 1.0, 0.02


def ferro_from_files(chi_path: str, mh_path: str, *, formula: str | None = None,
                     per_ion: str | None = None, n_ions: float | None = None, mass_mg: float | None = None,
                     chi_mass_mg: float | None = None,
                     tmin: float | None = None, Tc_K: float | None = None, Tc_K_err: float = 0.0,
                     tc_isotherm_path: str | None = None,
                     read_kwargs: dict | None = None) -> FerroResult:
    """The whole chain: Curie-Weiss fit of χ(T) above T_C, M_s of the lowest-T isotherm, verdict.

    Parameters
    ----------
    chi_path, mh_path : str
        χ(T) file (paramagnetic range above T_C) and M(H) file (lowest isotherm is used for p_s).
    formula, per_ion, n_ions : optional
        Sample description (the moments are per magnetic atom: give ``per_ion`` or ``n_ions``).
    mass_mg, chi_mass_mg : float, optional
        Masses of the M(H) and χ(T) samples (else from the headers; ``chi_mass_mg`` defaults to
        ``mass_mg``).
    tmin : float, optional
        Lower end of the Curie-Weiss window (K); automatic when None.
    Tc_K, Tc_K_err : float, optional
        Curie temperature and its error; else from an Arrott analysis of the M(H) file when it holds
        a family across T_C, else the temperature of ``tc_isotherm_path``, else the Curie-Weiss θ.
    tc_isotherm_path : str, optional
        M(H) file holding the isotherm at T_C (same sample): T_A, T_0 from the slope of M⁴ vs H/M
        (:func:`magfit.mh.takahashi.takahashi_parameters`). Without it, the isotherm of the
        ``mh_path`` family within max(1 K, 2 % T_C) of the Arrott T_C is used when there is one.
    read_kwargs : dict, optional
        Passed to :func:`magfit.read` (``columns``, ``units``).

    Returns
    -------
    FerroResult
    """
    sample = {"formula": formula, "per_ion": per_ion, "n_ions": n_ions, "mass_mg": mass_mg}
    rk = read_kwargs or {}
    cw = _curie_weiss(chi_path, sample, chi_mass_mg, tmin, rk)
    mu = cw.mu_eff
    curves = _isotherms_per_atom(mh_path, sample, rk)
    low = min(curves, key=lambda c: c.temperature_K if math.isfinite(c.temperature_K) else math.inf)
    sat = _saturation(low)
    extra: dict[str, Any] = {"Ms_temperature_K": low.temperature_K, "theta_K": float(cw.theta_K.n),
                             "cw_window_K": [cw.tmin_K, cw.tmax_K]}
    tc_curves = _isotherms_per_atom(tc_isotherm_path, sample, rk) if tc_isotherm_path else None
    Tc_K, Tc_K_err, tc_source = _curie_temperature(Tc_K, Tc_K_err, curves, tc_curves, cw)
    extra["Tc_source"] = tc_source
    extra["Tc_K_err"] = Tc_K_err if Tc_K is not None else None
    iso, iso_source = _tc_isotherm(Tc_K, curves, tc_curves, tc_isotherm_path, mh_path)
    extra["tc_isotherm"] = iso_source
    tk = None
    if iso is not None:
        from .critical import positive_branch
        from .takahashi import takahashi_parameters

        h, m = positive_branch(iso)
        tk = takahashi_parameters(h, m, Tc_K, sat.Ms, Tc_K_err=Tc_K_err, p_s_err=sat.Ms_err)
    out = rhodes_wohlfarth(float(mu.n), sat.Ms, mu_eff_err=float(mu.s), p_s_err=sat.Ms_err, Tc_K=Tc_K,
                           takahashi=tk)
    _check_isotherm_below_tc(out, low.temperature_K, Tc_K, tc_source)
    doubts = _not_a_ferromagnet(float(cw.theta_K.n), float(cw.theta_K.s), low)
    extra["not_a_ferromagnet"] = bool(doubts)
    if doubts and out.label != "undetermined":
        out.reasons.insert(0, f"Rhodes-Wohlfarth label withheld (the ratio alone would say '{out.label}'): "
                              "it presumes a ferromagnet")
        out.label = "undetermined"
    for why in reversed(doubts):
        out.reasons.insert(0, why)
    out.reasons.append(f"μ_eff = {mu.n:.3f} ± {mu.s:.2g} μB from χ(T) of {chi_path} "
                       f"({cw.tmin_K:.4g}-{cw.tmax_K:.4g} K, θ = {cw.theta_K.n:.4g} K); "
                       f"p_s = M_s at {low.temperature_K:.4g} K from {mh_path} ({sat.model})")
    if Tc_K is not None:
        out.reasons.append(f"T_C = {Tc_K:.4g} K from the {tc_source}")
    if iso_source:
        out.reasons.append(f"isotherm for the Takahashi slope: {iso_source}")
    out.extra = extra
    return out


def _not_a_ferromagnet(theta_K: float, theta_err_K: float, low) -> list[str]:
    """Reasons to doubt that the sample is a ferromagnet at all (the Rhodes-Wohlfarth ratio presumes one):
    a Curie-Weiss theta below zero by 3 sigma (net antiferromagnetic exchange: an antiferromagnet, a canted
    antiferromagnet or a ferrimagnet) and an M(H) that curves upward (a spin-flop or metamagnetic step,
    :func:`magfit.mh.paramagnet._convexity_warning`)."""
    from .critical import _single_branch
    from .paramagnet import _convexity_warning

    out = []
    err = theta_err_K if math.isfinite(theta_err_K) else 0.0
    if theta_K + 3.0 * err < 0.0:
        out.append(f"NOT A FERROMAGNET? theta = {theta_K:.4g} K < 0: the exchange is net antiferromagnetic "
                   "(an antiferromagnet, a canted antiferromagnet / weak ferromagnet or a ferrimagnet); "
                   "p_c/p_s of such a magnet is no Rhodes-Wohlfarth ratio")
    h, m = _single_branch(low)                 # one branch: a hard magnet's folded loop steps up at H_c
    convex = _convexity_warning(h, np.full(h.size, float(low.temperature_K)), m) if h.size >= 12 else None
    if convex:
        out.append("NOT A FERROMAGNET? " + convex)
    return out


def _check_isotherm_below_tc(out: FerroResult, T_ms_K: float, Tc_K: float | None, tc_source: str) -> None:
    """p_s is the ordered moment only from an isotherm well below T_C: say so, and withhold the verdict
    when the lowest isotherm is not below T_C at all (its M is a field-induced paramagnetic moment)."""
    if Tc_K is None or not (math.isfinite(T_ms_K) and math.isfinite(Tc_K) and Tc_K > 0):
        return
    if T_ms_K >= Tc_K:
        out.label = "undetermined"
        out.reasons.insert(0, f"the lowest M(H) isotherm ({T_ms_K:.4g} K) is not below T_C = {Tc_K:.4g} K "
                              f"({tc_source}): its M is field-induced, not the ordered moment p_s; "
                              "no Rhodes-Wohlfarth verdict - measure M(H) at T << T_C")
    elif T_ms_K > 0.5 * Tc_K:
        out.reasons.append(f"p_s from an isotherm at {T_ms_K:.4g} K = {T_ms_K / Tc_K:.2f} T_C: "
                           "M_s(T) < M_s(0), "
                           "so p_s is underestimated and p_c/p_s overestimated")


def _curie_weiss(chi_path, sample, chi_mass_mg, tmin, rk):
    from ..fitting import fit_curie_weiss
    from ..io import read

    kw = dict(sample)
    if chi_mass_mg is not None:
        kw["mass_mg"] = chi_mass_mg
    chi = read(chi_path, **rk).susceptibility(**kw)
    return fit_curie_weiss(chi, tmin=tmin)


def _isotherms_per_atom(path, sample, rk):
    from .api import read_isotherms

    curves = read_isotherms(path, unit="muB", read_kwargs=rk, **sample)
    if curves and curves[0].per == "formula unit" and not sample["n_ions"]:
        raise SampleError(f"{path}: p_s and the Takahashi slope need M per magnetic atom; pass per_ion=... "
                          "(CLI: --per-ion)")
    return curves


def _saturation(curve):
    from .loops import analyze_isotherm

    return analyze_isotherm(curve, require_closed=False).saturation


def _curie_temperature(Tc_K, Tc_K_err, curves, tc_curves, cw):
    """(T_C, error, source): argument, Arrott plot of the family, the T_C isotherm's T, or θ."""
    if Tc_K is not None:
        return Tc_K, Tc_K_err, "argument"
    if len(curves) >= 3:
        from .critical import arrott

        try:
            res = arrott(curves)
            err = math.hypot(res.Tc_K_err or 0.0, getattr(res, "Tc_K_sys", None) or 0.0)
            return res.Tc_K, err, "Arrott plot of the M(H) isotherms"
        except FitError:
            pass
    if tc_curves and len(tc_curves) == 1 and math.isfinite(tc_curves[0].temperature_K):
        return tc_curves[0].temperature_K, 0.0, "temperature of the T_C isotherm (given as at T_C)"
    if cw.theta_K.n > 0:
        return float(cw.theta_K.n), float(cw.theta_K.s), "Curie-Weiss θ (approximation: θ ≈ T_C)"
    return None, 0.0, None


def _tc_isotherm(Tc_K, curves, tc_curves, tc_path, mh_path):
    """The isotherm at (nearest) T_C for the Takahashi slope, and where it came from."""
    if Tc_K is None:
        return None, None
    pool, path = (tc_curves, tc_path) if tc_curves else (curves, mh_path)
    finite = [c for c in pool if math.isfinite(c.temperature_K)]
    if not finite:
        return None, None
    best = min(finite, key=lambda c: abs(c.temperature_K - Tc_K))
    tol = max(TC_ISOTHERM_TOL_K, TC_ISOTHERM_TOL_REL * Tc_K)
    if not tc_curves and abs(best.temperature_K - Tc_K) > tol:
        return None, None
    return best, f"{best.temperature_K:.4g} K of {path} (T_C = {Tc_K:.4g} K)"
