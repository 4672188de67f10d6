"""Rules on the Curie-Weiss evidence: F-test computable, C resolved, Curie fraction determined, localized,
mixed.
"""

from __future__ import annotations

import math

import numpy as np

from ..field_dependence import pauli_bound_emu_mol
from .context import _Ctx, _undetermined_v, _Verdict
from .evidence import _half, _pct
from .stats import _phi
from .thresholds import (
    BULK_FULL_SHARE,
    CW_NOT_MEANINGFUL,
    DIA_FACTOR,
    DIA_FLOOR_NO_FORMULA,
    DIA_PER_GRAM,
    EXACT_REL,
    F_ITINERANT,
    F_LOCALIZED,
    FERRI_CONFIDENCE,
    IMPURITY_LEVEL_MAX,
    MIXED_ONE_FIELD_CONFIDENCE,
    MU_EFF_MAX,
    SIGMA_F_MAX,
    Z_BOUND,
)


def _r_ftest(c: _Ctx) -> _Verdict | None:
    if math.isfinite(c.p_curie):
        return None
    return _undetermined_v("F-test not computable", "the F-test could not be computed (too few points in "
                                                    "the window)")


def _r_unresolved(c: _Ctx) -> _Verdict | None:
    c_fit, c_err = c.numbers["C_emu_K_mol"], c.numbers.get("C_emu_K_mol_err", float("nan"))
    if not (math.isfinite(c_err) and c_err > 0 and c_fit < Z_BOUND * c_err):
        return None
    return _undetermined_v("Curie constant not resolved", (
        f"the Curie constant is not resolved (C = {c_fit:.3g} +/- {c_err:.2g} emu K/mol, less than "
        f"{Z_BOUND:g} "
        "sigma): the local-moment term is not determined in this window -- widen the temperature range or "
        "check the background subtraction"))


def _r_f_undetermined(c: _Ctx) -> _Verdict | None:
    if math.isfinite(c.f) and math.isfinite(c.sf) and c.sf <= SIGMA_F_MAX:
        return None
    return _undetermined_v("Curie fraction not determined", (
        f"the Curie fraction is not determined (f = {c.f:.3g} +/- {c.sf:.2g}, limit {SIGMA_F_MAX}): chi0 and "
        "the Curie-Weiss term are degenerate in this window"))


def _mu_text(c: _Ctx) -> str:
    return (f"mu_eff = {c.mu:.3g} mu_B per {c.per_text}" if math.isfinite(c.mu)
            else "no effective moment (C <= 0)")


def _r_localized(c: _Ctx) -> _Verdict | None:
    if c.f < F_LOCALIZED:
        return None
    conf = _phi((c.f - F_LOCALIZED) / max(c.sf, 1e-12)) * (1.0 - c.p_curie)
    cand_txt = ""
    if not c.cands.empty:
        cand_txt = " Consistent with " + ", ".join(
            f"{r['ion']} ({r['mu_eff_expected']:.2f}, {r['n_sigma']:.1f} sigma)"
            for r in c.top) + "."
        top = c.top[0]
        if bool(top["approximate"]) and top["notes"]:
            cand_txt += f" Caveat for {top['ion']}: {top['notes']}."
    elif "formula unit (n_ions unknown)" not in c.per_text:
        conf *= 0.5
        cand_txt = " No Hund's-rules ion matches this moment (check the mass, n_ions or the window)."
    chi0_txt = ("chi0 is not needed" if c.p_chi0 > c.alpha
                else f"chi0 = {c.numbers['chi0_emu_mol']:.3g} emu/mol is a small correction")
    text = (f"Localized moments: a Curie-Weiss term carries {_pct(c.f, c.sf)} of the "
            f"paramagnetic chi at {c.t_hi:.4g} K (threshold {100 * F_LOCALIZED:.0f} %), the Curie term is "
            f"highly "
            f"significant (p = {c.p_curie:.2g}) and {chi0_txt}. {_mu_text(c)}, theta = {c.theta:.3g} K."
            + cand_txt)
    return _Verdict("localized", conf, text, f"Curie-Weiss term carries {100 * c.f:.3g} % of chi")


def _r_ferrimagnet(c: _Ctx) -> _Verdict | None:
    """A 'mixed' share with theta < 0 above a ferromagnetic rise of chi*T: a Neel ferrimagnet.

    A paramagnet with net antiferromagnetic exchange (theta < 0) cannot order ferromagnetically, but a
    two-sublattice ferrimagnet does: its 1/chi is Neel's hyperbola 1/chi = T/C + 1/chi_0 - sigma/(T - theta')
    (L. Neel, Ann. Phys. (Paris) 3, 137 (1948); Blundell, *Magnetism in Condensed Matter*, ch. 5), whose
    asymptote has theta_a < 0 while chi*T rises steeply at T_C. Fitted with C/(T - theta) + chi0 above
    T_C, the hyperbola's curvature becomes a positive chi0 and a share between the thresholds -- not a
    Pauli term. -> ``"localized"`` at :data:`FERRI_CONFIDENCE`, Curie-Weiss numbers flagged by
    :func:`magfit.classify.rules_gapped._a_cw_meaningless`.
    """
    if not (F_ITINERANT < c.f < F_LOCALIZED and c.theta < 0):
        return None
    t_min = float(min(c.t))
    rises = [ft for ft in c.features if "ferromagnetic" in str(ft.get("kind", ""))
             and ft["temperature_K"] < t_min]
    if not rises:
        return None
    t_c = max(ft["temperature_K"] for ft in rises)
    text = (f"Localized (ferrimagnet): chi*T rises steeply below {t_c:.4g} K (a ferromagnetic-like "
            f"transition), yet the window above it gives theta = {c.theta:.4g} K < 0 -- net "
            "antiferromagnetic exchange that orders with a net moment: a Neel two-sublattice ferrimagnet. "
            "The Curie-Weiss + chi0 fit turns the curvature of Neel's hyperbola into chi0 = "
            f"{c.numbers['chi0_emu_mol']:.3g} emu/mol (a Curie share of {_pct(c.f, c.sf)}), not a Pauli "
            "term. Fit instead: Neel's 1/chi = T/C + 1/chi_0 - sigma/(T - theta') well above T_C; check "
            "M(H) below T_C for the net (sublattice-difference) moment.")
    return _Verdict("localized", FERRI_CONFIDENCE, text, f"ferrimagnet: theta < 0 above a ferromagnetic "
                    f"rise at {t_c:.4g} K; chi0 is Neel-hyperbola curvature")


def _r_chi0_not_pauli(c: _Ctx) -> _Verdict | None:
    """A 'mixed' share whose chi0 cannot be a Pauli / Van Vleck term: undetermined.

    'mixed' claims a temperature-independent (Pauli, Van Vleck) term beside the local moments; it is
    refused when (a) chi0 exceeds any plausible Pauli value of the formula by 2 sigma
    (:func:`magfit.field_dependence.pauli_bound_emu_mol`; no Stoner enhancement given) -- a saturated
    ferromagnetic impurity (M_s/H) or the curvature of 1/chi above an ordering transition -- or (b)
    theta > 0 and the window starts below 2 theta: near a ferro- or ferrimagnetic T_C, 1/chi is curved
    (Neel's hyperbola 1/chi = T/C + 1/chi_0 - sigma/(T - theta') of a two-sublattice ferrimagnet, L. Neel,
    Ann. Phys. (Paris) 3, 137 (1948); critical fluctuations, chi ~ (T - T_C)^-gamma with gamma ~ 1.3-1.4)
    and a fit of C/(T - theta) + chi0 absorbs that curvature into a positive chi0. A Curie-Weiss law
    needs T >~ 2|theta| (Blundell, *Magnetism in Condensed Matter*, ch. 5).
    """
    if not F_ITINERANT < c.f < F_LOCALIZED:
        return None
    n = c.numbers
    c0, s0 = n["chi0_emu_mol"], n.get("chi0_emu_mol_err", float("nan"))
    s0 = s0 if math.isfinite(s0) else 0.0
    bound, how = pauli_bound_emu_mol(c.formula)
    stoner = n.get("stoner_enhancement", float("nan"))
    t_min = float(min(c.t))
    too_big = c0 - Z_BOUND * s0 > bound and not (math.isfinite(stoner) and stoner > 1)
    curved = c.theta > 0 and t_min < 2.0 * c.theta
    if not (too_big or curved):
        return None
    why = (f"chi0 = {c0:.3g} emu/mol exceeds any plausible Pauli value ({bound:.3g}: {how})" if too_big else
           f"theta = {c.theta:.4g} K > 0 and the window starts at {t_min:.4g} K < 2 theta")
    return _undetermined_v("chi0 not a Pauli term (ferro/ferrimagnetic curvature)", (
        f"the Curie-Weiss share is {_pct(c.f, c.sf)}, but {why}: near a ferro- or ferrimagnetic transition "
        "1/chi is curved (Neel hyperbola of a ferrimagnet, critical fluctuations) and chi0 absorbs that "
        "curvature, or a saturated ferromagnetic impurity adds M_s/H -- chi0 is not a Pauli term, so "
        "'mixed' is not supported. Fit above ~2 theta (measure to higher T), fit the Neel ferrimagnet "
        "formula, or measure a second field (Honda-Owen)"))


def _r_mixed(c: _Ctx) -> _Verdict | None:
    """f between the thresholds -> 'mixed'; the confidence is the probability that f lies between them,
    with sigma_f widened by the window systematic of chi0 (:func:`_f_window_sigma`), and at most
    :data:`MIXED_ONE_FIELD_CONFIDENCE` when one field was measured and the Curie term is the formula's full
    free-ion moment (:data:`BULK_FULL_SHARE`): then chi0 = chi_Pauli + M_s/H (Honda-Owen) cannot be split,
    and a saturated ferromagnetic impurity in an insulating salt is as likely as a Pauli term."""
    sig = max(math.hypot(c.sf, _f_window_sigma(c)), 1e-12)
    conf = min(_phi((c.f - F_ITINERANT) / sig), _phi((F_LOCALIZED - c.f) / sig)) * (1.0 - c.p_curie)
    share = _bulk_share(c)
    one_field = c.numbers.get("field_dependence") is None
    if one_field and BULK_FULL_SHARE[0] <= share <= BULK_FULL_SHARE[1]:
        conf = min(conf, MIXED_ONE_FIELD_CONFIDENCE)
        c.reasons.append(
            f"one field only, and the Curie term is {100 * share:.3g} % of the formula's free-ion Curie "
            "constant (every ion a full local moment, as in an insulating salt): chi0 may be a saturated "
            "ferromagnetic impurity's M_s/H (or the ion's Van Vleck TIP) rather than a Pauli term -- measure "
            "a second field (Honda-Owen) or M(H)")
    text = (f"Mixed: both a Curie-Weiss term and a temperature-independent term are needed (p_curie = "
            f"{c.p_curie:.2g}, p_chi0 = {c.p_chi0:.2g}), and the Curie-Weiss part is "
            f"{_pct(c.f, c.sf)} of chi at {c.t_hi:.4g} K, between {100 * F_ITINERANT:.0f} and "
            f"{100 * F_LOCALIZED:.0f} %: local moments coexist with a sizeable Pauli/Van Vleck term (e.g. a "
            f"Kondo or "
            f"valence-fluctuating metal). {_mu_text(c)}, chi0 = {c.numbers['chi0_emu_mol']:.3g} emu/mol.")
    return _Verdict("mixed", conf, text, f"Curie-Weiss share {100 * c.f:.3g} %, between the thresholds")


def _bulk_share(c: _Ctx) -> float:
    """The fitted Curie constant over the formula's ions' free-ion one, C / (n_ions C_ion) (NaN without a
    local-moment ion)."""
    ions = c.local_ions
    if not ions:
        return float("nan")
    from ..units import curie_from_mu_eff

    c_bulk = float(curie_from_mu_eff(ions[0].mu_eff_expected)) * float(c.numbers.get("n_ions", 1.0))
    return c.numbers["C_emu_K_mol"] / c_bulk if c_bulk > 0 else float("nan")


def _f_window_sigma(c: _Ctx) -> float:
    """The Curie share's spread from the window systematic of chi0 (the fit's ``chi0_emu_mol_sys``, the
    scatter over neighbouring windows): |df/dchi0| chi0_sys = f (1 - f) / chi0 x chi0_sys (chi0 > 0),
    0 when not measured. A 'mixed' label rests on chi0 alone, and a chi0 that moves with T_min (chi*T
    still changing: spin-orbit or crystal-field depopulation) does not fix the share."""
    fit = c.numbers.get("fit")
    sys0 = float(getattr(fit, "chi0_emu_mol_sys", float("nan")))
    chi0 = c.numbers.get("chi0_emu_mol", float("nan"))
    if not (math.isfinite(sys0) and math.isfinite(chi0) and chi0 > 0 and math.isfinite(c.f)):
        return 0.0
    return c.f * (1.0 - c.f) / chi0 * sys0


def _a_impurity_level(c: _Ctx, v: _Verdict) -> str | None:
    """A localized Curie term of impurity size (< IMPURITY_LEVEL_MAX S = 1/2 per mole): say so, flag it."""
    n = c.numbers
    x, dx = n.get("impurity_fraction", float("nan")), n.get("impurity_fraction_err", float("nan"))
    if v.label != "localized" or not v.short.startswith("Curie-Weiss term") or not x < IMPURITY_LEVEL_MAX:
        return None
    s = n["impurity_spin"]
    host = ("a diamagnetic host" if n.get("chi0_emu_mol", 0.0) < 0 else "the host")
    c.ev.add(f"impurity concentration (S = {_half(s)} per mole)", x, f"< {IMPURITY_LEVEL_MAX} impurity level",
             "neither", f"+/- {dx:.2g}; C / C(S)")
    c.flags.append(f"impurity-level Curie term: {_pct(x, dx)} S = {_half(s)} moments "
                   f"per mole of {n['per']} in {host} -- dilute local moments (impurities or defects), not a "
                   "magnetic lattice; the label describes them, not the host")
    return f"impurity level: {100 * x:.3g} % S = {_half(s)} per mole of {n['per']}"


def _core_diamagnetism_floor(formula: str | None) -> tuple[float, str]:
    """The most negative chi0 core diamagnetism can give (emu/mol per formula unit) and how it was
    estimated: DIA_FACTOR x -(M / 2) 1e-6 from the formula's molar mass, else DIA_FLOOR_NO_FORMULA."""
    if formula:
        try:
            from ..formula import read_formula

            mass = float(read_formula(formula, normalize=True).mass)
        except Exception:  # noqa: BLE001 - an unreadable formula: as if none were given
            mass = 0.0
        if mass > 0:
            return (-DIA_FACTOR * DIA_PER_GRAM * mass,
                    f"{DIA_FACTOR:g} x -(M/2) 1e-6 emu/mol, M = {mass:.4g} g/mol for {formula}")
    return DIA_FLOOR_NO_FORMULA, "no formula: -(M/2) 1e-6 emu/mol for M = 2000 g/mol"


def _a_chi0_too_negative(c: _Ctx, v: _Verdict) -> str | None:
    """Flag a chi0 far more negative than any core diamagnetism: it absorbs the curvature of chi*T.

    A moment that changes with temperature -- the spin-orbit coupled 4T1g (Co2+) and 5T2g (Fe2+) ground
    terms, whose mu_eff falls from ~5 to ~4 mu_B on cooling (Figgis and Lewis, Prog. Inorg. Chem. 6, 37
    (1964)), crystal-field or zero-field splitting, superparamagnetic saturation -- makes chi*T fall on
    cooling; C/(T - theta) + chi0 describes that with a large negative chi0 and a too large mu_eff and
    |theta|. Core diamagnetism is about -(M/2) 1e-6 emu/mol (Bain and Berry 2008), so a chi0 more negative
    than DIA_FACTOR x that (by Z_BOUND sigma) is not diamagnetism, and the printed mu_eff and theta are
    biased. Only localized and mixed verdicts, which rest on the Curie-Weiss numbers, are flagged.
    """
    n = c.numbers
    c0, s0 = n.get("chi0_emu_mol", float("nan")), n.get("chi0_emu_mol_err", float("nan"))
    s0 = s0 if math.isfinite(s0) else 0.0
    if v.label not in ("localized", "mixed") or not math.isfinite(c0) or any(
            fl.startswith((CW_NOT_MEANINGFUL, "chi0 more negative than core")) for fl in c.flags):
        return None
    if not c0 + Z_BOUND * s0 < 0.0:          # every floor is negative: no formula parse needed
        return None
    floor, how = _core_diamagnetism_floor(c.formula)
    if not c0 + Z_BOUND * s0 < floor:
        return None
    c.flags.append(
        f"chi0 = {c0:.3g} emu/mol is far below any core diamagnetism (floor {floor:.3g}: {how}): "
        "chi0 absorbs the curvature of a moment that changes with T (spin-orbit coupled Co2+/Fe2+, "
        "crystal-field or zero-field splitting, superparamagnetic saturation), so "
        f"mu_eff = {c.mu:.4g} mu_B and theta = {c.theta:.4g} K are biased -- fix chi0 at the Pascal "
        "value, fit chi*T at high T, or fit a spin-orbit / crystal-field model")
    return "chi0 below core diamagnetism: mu_eff and theta biased"


def _a_moment_too_large(c: _Ctx, v: _Verdict) -> str | None:
    """Flag a Curie-law moment above any single ion (MU_EFF_MAX; Hund's rules give at most 10.65 mu_B,
    Dy3+): superparamagnetic clusters (a giant moment mu_p per particle gives C = N mu_p mu_atom / 3k per
    mole of atoms, Bean and Livingston, J. Appl. Phys. 30, 120S (1959)), several ions per formula unit, or
    a wrong mass."""
    if v.label not in ("localized", "mixed") or not (math.isfinite(c.mu) and c.mu > MU_EFF_MAX) or any(
            fl.startswith(CW_NOT_MEANINGFUL) for fl in c.flags):
        return None
    c.flags.append(
        f"moment too large for one ion: mu_eff = {c.mu:.4g} mu_B per {c.per_text} exceeds any Hund's-rules "
        f"ion ({MU_EFF_MAX:g} mu_B): superparamagnetic clusters or particles (check M(H) against a Langevin "
        "function of H/T and a ZFC/FC blocking peak), several magnetic ions per formula unit (give n_ions "
        "or the formula), or a wrong mass")
    return f"mu_eff {c.mu:.3g} mu_B above any single ion"


def _a_rho_undefined(c: _Ctx, v: _Verdict) -> str | None:
    """The fit's |rho(theta, chi0)| > 0.95 flag cannot fire when the correlation is not finite (a
    covariance with a zero or negative variance that is not reported as singular): say so, with the
    correlation as an evidence row, instead of dropping the test silently. Noise-free data (RSS at
    round-off, whose covariance is 0/0) and fits already flagged 'uncertainties not estimated' are
    exempt; only localized and mixed verdicts, which print theta and chi0, are flagged."""
    fit = c.numbers.get("fit")
    corr = getattr(fit, "_corr", None)
    if fit is None or not getattr(fit, "fit_chi0", False) or corr is None:
        return None
    rho = float(corr[0, 2])
    c.ev.add("rho(theta, chi0)", rho, "|.| <= 0.95", "neither",
             "correlation of the judged fit" if math.isfinite(rho) else
             "undefined: the covariance has no finite theta-chi0 correlation")
    ww = np.ones_like(c.y) if c.w is None else c.w
    exact = c.rss2 <= EXACT_REL * float(np.sum((c.y * ww) ** 2))
    if (math.isfinite(rho) or exact or v.label not in ("localized", "mixed")
            or any(fl.startswith("uncertainties not estimated") for fl in fit.flags)):
        return None
    from ..fitting import RHO_UNDEFINED

    if RHO_UNDEFINED not in c.flags:                # the fit may have said it already (its flags are here)
        c.flags.append(RHO_UNDEFINED)
    return "rho(theta, chi0) undefined"
