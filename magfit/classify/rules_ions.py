"""Ion rules: Van Vleck ions (Eu3+, Sm3+), valence-fluctuating Ce/Yb compounds, and the crystal-field
annotation of 4f ions."""

from __future__ import annotations

import math

from .context import _Ctx, _Verdict
from .rules_gapped import _gapped_shape
from .thresholds import (
    CF_FREE_ION_Z,
    CF_SYS_RATIO,
    CF_TMIN_K,
    CW_NOT_MEANINGFUL,
    F_LOCALIZED,
    IV_CONFIDENCE,
    IV_TMIN_K,
    VAN_VLECK_CONFIDENCE,
)

#: elements whose compounds fluctuate between a Kramers 4f ion (Ce3+ 4f1, Yb3+ 4f13) and a non-magnetic
#: one (Ce4+ 4f0, Yb2+ 4f14): CePd3, CeSn3, YbAl3, YbCu2Si2, ...
IV_ELEMENTS = ("Ce", "Yb")
#: anion-forming elements: a compound holding one is ionic (oxide, chalcogenide, halide, nitride)
ANION_ELEMENTS = frozenset({"O", "S", "Se", "Te", "F", "Cl", "Br", "I", "N"})
#: 3d elements that carry a local moment in their usual ionic valences (Sc3+ and Zn2+ are d0 / d10)
MAGNETIC_3D_ELEMENTS = frozenset({"Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu"})


def _van_vleck_ions(c: _Ctx) -> list:
    return [i for i in c.formula_ions if i.name in ("Eu3+", "Sm3+")]


def _r_van_vleck(c: _Ctx) -> _Verdict | None:
    vv = _van_vleck_ions(c)
    if not vv or (c.curie_law and math.isfinite(c.f) and c.f >= F_LOCALIZED and not _matches_only(c, vv)):
        return None
    names = ", ".join(i.name for i in vv)
    shape = ("nearly temperature independent" if c.p_curie > c.alpha else
             "no Curie law over the window" if not c.curie_law
             else f"a Curie share of only {100 * c.f:.3g} %")
    text = (f"Localized (Van Vleck): the formula holds {names}, whose excited J multiplets lie a few "
            f"hundred K "
            f"above the ground one; chi is {shape}, as a Van Vleck ion gives -- not a Pauli metal. "
            "Fit instead: the Van Vleck multiplet formula (Eu3+: spin-orbit lambda ~ 300-500 K; Sm3+: Curie "
            "term of the J = 5/2 ground multiplet, 0.85 mu_B, plus chi_VV below ~100 K); mu_eff of a "
            "Curie-Weiss fit means nothing here.")
    return _Verdict("localized", VAN_VLECK_CONFIDENCE, text, f"Van Vleck ion {names}: not a Curie law; "
                    "fit the multiplet formula")


def _r_valence_fluctuation(c: _Ctx) -> _Verdict | None:
    """A Ce/Yb compound whose chi has the gapped shape (a maximum with chi falling on cooling, or chi
    rising through the window) at T* >= IV_TMIN_K: the Kondo / intermediate-valence crossover to a
    Fermi liquid -- local moments at high T, a Pauli-like chi(0) ~ C / T_sf at low T -- not a singlet
    cluster. Ce3+ and Yb3+ are Kramers ions (Kramers' theorem: every level at least doubly degenerate, so
    no single-ion singlet), and their exchange is too weak for a maximum this high (:data:`IV_TMIN_K`).
    Label 'mixed' (the module's 'Kondo or valence-fluctuating metal') at :data:`IV_CONFIDENCE`.
    Not when the formula holds a 3d element Ti-Cu with an anion element (:func:`_ionic_3d_elements`, e.g.
    CeCrO3): that 3d ion is a local moment whose exchange orders at tens to hundreds of K (the
    orthochromites RCrO3 at ~110-300 K [from memory]), so the maximum is no evidence for the 4f valence.

    References: B. C. Sales and D. K. Wohlleben, Phys. Rev. Lett. 35, 1240 (1975) (interconfiguration
    fluctuation chi(T) with a maximum); V. T. Rajan, Phys. Rev. Lett. 51, 308 (1983) (Coqblin-Schrieffer
    chi(T), maximum for J >= 3/2); J. M. Lawrence, P. S. Riseborough and R. D. Parks, Rep. Prog. Phys. 44,
    1 (1981).
    """
    iv = [i.name for i in c.local_ions if i.name.rstrip("0123456789+- ").startswith(IV_ELEMENTS)
          and i.shell == "4f"]
    if not iv:
        return None
    shape = _gapped_shape(c)
    if shape is None or shape["T_K"] < IV_TMIN_K:
        return None
    ionic_3d = _ionic_3d_elements(c.formula)
    if ionic_3d:
        c.notes.append(f"the formula holds {', '.join(ionic_3d)} in an ionic compound: its local moment and "
                       "exchange (hundreds of K in oxides) can make the chi maximum, so it is not read as "
                       f"{iv[0]} valence fluctuation")
        return None
    text = (f"Mixed (valence fluctuation / Kondo): the formula holds {iv[0]} and {shape['what']}. "
            f"{iv[0]} is a Kramers ion (no single-ion singlet) and 4f exchange is too weak for a maximum at "
            f"{shape['T_K']:.4g} K (>= {IV_TMIN_K:g} K), so this is the crossover from local moments at "
            "high T to a Fermi liquid with a Pauli-like chi(0) -- an intermediate-valence or Kondo-lattice "
            "metal, not a gapped cluster. Fit instead: the interconfiguration-fluctuation (Sales-Wohlleben) "
            "or Coqblin-Schrieffer (Rajan) chi(T); check the valence (L3-edge XAS, lattice constant).")
    return _Verdict("mixed", IV_CONFIDENCE, text, f"valence fluctuation {iv[0]}: chi maximum at "
                    f"{shape['T_K']:.4g} K; fit an IV/Kondo model")


def _ionic_3d_elements(formula: str | None) -> list[str]:
    """The 3d elements Ti..Cu of a formula that also holds an anion element (:data:`ANION_ELEMENTS`): an
    ionic compound (CeCrO3, YbMnO3), where the 3d ion is a local moment -- unlike the intermetallic
    valence-fluctuating compounds (CePd3, CeCu2Si2, YbAl3), where Pd/Cu/Ni carry none."""
    if not formula:
        return []
    try:
        from ..formula import read_formula

        symbols = {el.symbol for el in read_formula(formula, normalize=True).atoms}
    except Exception:  # noqa: BLE001 - an unreadable formula: no evidence either way
        return []
    if not symbols & ANION_ELEMENTS:
        return []
    return sorted(symbols & MAGNETIC_3D_ELEMENTS)


def _matches_only(c: _Ctx, vv: list) -> bool:
    """The best candidate for mu_eff is a Van Vleck ion (e.g. Sm3+ 1.5 or 0.85 mu_B)."""
    if not c.top:
        return False
    return str(c.top[0]["ion"]).split(" (")[0] in {i.name for i in vv}


def _a_crystal_field(c: _Ctx, v: _Verdict) -> str | None:
    """4f ion with an orbital moment, a window from below CF_TMIN_K, and a mu_eff that moves with the
    window or misses the free-ion value: crystal-field depopulation (flag).

    The 4f shell is shielded, so outside crystal-field effects a 4f ion's moment is the free-ion
    g_J sqrt(J(J+1)) (Ashcroft and Mermin, Table 31.3): a per-ion mu_eff more than CF_FREE_ION_Z combined
    sigma (statistical and window) from it, on a window inside the crystal-field range, is the
    depopulation of the crystal-field levels (Yb3+, Pr3+ with splittings of tens of K bias mu_eff by ~1 %
    with no drift of the window). Not for the Van Vleck ions Sm3+/Eu3+ (J-mixing, rule 2).
    """
    fit = c.numbers.get("fit")
    drift = any(fl.startswith("window systematic") for fl in c.flags)
    ions4f = [i for i in c.formula_ions if i.shell == "4f" and i.L > 0 and i.mu_eff_expected > 0]
    if not ions4f or fit is None or v.label != "localized":
        return "window systematic: parameters drift with T_min" if drift else None
    ion4f = ions4f[0]
    sys_mu = float(getattr(fit, "mu_eff_sys", float("nan")))
    moves = math.isfinite(sys_mu) and sys_mu > CF_SYS_RATIO * fit.mu_eff.std_dev
    off = _off_free_ion(c, ion4f, sys_mu)
    if not drift and not ((moves or off) and fit.tmin_K < CF_TMIN_K):
        return None
    if not drift:
        why = (f"mu_eff moves by {sys_mu:.2g} mu_B over the neighbouring windows (> {CF_SYS_RATIO:g} x the "
               f"statistical {fit.mu_eff.std_dev:.2g})" if moves else
               f"mu_eff = {c.mu:.4g} mu_B is {off:.2g} combined sigma from the free-ion value")
        c.flags.append(
            f"crystal field: {ion4f.name} with a window from {fit.tmin_K:.4g} K, and {why}: 4f crystal-field "
            f"levels span ~50-500 K, so the free-ion {ion4f.mu_eff_J:.3g} mu_B may not be reached -- fit "
            "above the gap (higher T_min) or a crystal-field model")
    mu = c.numbers.get("mu_eff", float("nan"))
    c.notes.append(
        f"mu_eff = {mu:.3f} {_pm(fit.mu_eff.std_dev)} (stat) {_pm(sys_mu)} (window) mu_B is an "
        f"effective moment of the {fit.tmin_K:.4g}-{c.t_hi:.4g} K window, shaped by the {ion4f.name} "
        f"crystal-field levels (theta and chi0 absorb their depopulation), not the free-ion "
        f"{ion4f.mu_eff_J:.3g} mu_B")
    return (f"{ion4f.name}: crystal-field depopulation below/inside the window; mu_eff {mu:.3f} is a "
            f"window value, free-ion {ion4f.mu_eff_J:.3g} not reached -- fit above the gap or a CF model")


def _off_free_ion(c: _Ctx, ion, sys_mu: float) -> float:
    """How many combined sigma the per-ion mu_eff lies from the free-ion g_J sqrt(J(J+1)) of ``ion``, when
    that exceeds CF_FREE_ION_Z (else 0): only for mu_eff per ion of that element, not for Sm3+/Eu3+."""
    if ion.name in ("Sm3+", "Eu3+") or not c.per_text.startswith(f"{ion.element} ion"):
        return 0.0
    err = math.hypot(c.numbers.get("mu_eff_err", float("nan")), sys_mu if math.isfinite(sys_mu) else 0.0)
    if not (math.isfinite(c.mu) and math.isfinite(err) and err > 0):
        return 0.0
    z = abs(c.mu - ion.mu_eff_J) / err
    return z if z > CF_FREE_ION_Z else 0.0


def _a_per_ion(c: _Ctx, v: _Verdict) -> str | None:
    """mu_eff per ion when the judged fit is per formula unit with several ions (Cu2(OH)3Cl: the fit prints
    2.45 mu_B per formula unit, the candidates are matched per Cu, 1.73): state the per-ion value and the
    normalisation next to the candidates, so neither number is read as the other."""
    fit = c.numbers.get("fit")
    n = float(c.numbers.get("n_ions", 1.0))
    if (fit is None or v.label not in ("localized", "mixed") or not math.isfinite(c.mu) or n == fit.n_ions
            or any(fl.startswith(CW_NOT_MEANINGFUL) for fl in c.flags)):
        return None
    mu_fit = float(fit.mu_eff.nominal_value)
    c.notes.append(f"mu_eff = {c.mu:.4g} mu_B per {c.per_text} (n_ions = {n:g}); the fit's {mu_fit:.4g} mu_B "
                   f"is per {fit.n_ions:g} ion(s) of {fit.per or 'formula unit'}: mu_eff(per ion) = "
                   f"mu_eff(fit) sqrt({fit.n_ions:g}/{n:g})")
    return f"mu_eff = {c.mu:.4g} mu_B per {c.per_text}; the fit's {mu_fit:.4g} is per formula unit"


def _pm(err: float) -> str:
    """'+/- 0.012', or 'error undefined' for a NaN/inf error (never '+/- nan')."""
    return f"+/- {err:.2g}" if math.isfinite(err) else "(error undefined)"
