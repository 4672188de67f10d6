"""Itinerant (Pauli) rules and the positive evidence an itinerant verdict needs: flat chi, enhanced Pauli
(T^2), no Curie law, Curie tail; the single-field chi0 annotation.
"""

from __future__ import annotations

import math

import numpy as np

from ..field_dependence import pauli_bound_emu_mol, single_field_flag
from ..units import curie_from_mu_eff
from .context import _Ctx, _undetermined_v, _Verdict
from .evidence import _half, _pct
from .stats import _fit_curie_tip, _ic, _local_moment_adequacy, _phi
from .thresholds import (
    BULK_CHI_MAX,
    BULK_SHARE_MAX,
    DEGENERATE_CONFIDENCE,
    F_ITINERANT,
    FLAT_VARIATION,
    MU_EFF_MAX,
    PAULI_CHI_MAX_EMU_MOL,
    SC_CHI_MAX,
    T2_CONFIDENCE,
    T2_WEAK,
    THETA_DEGENERATE,
    Z_BOUND,
)


def _r_flat(c: _Ctx) -> _Verdict | None:
    if c.p_curie <= c.alpha:
        return None
    f_b, sf_b = _fit_curie_tip(c.t, c.y, c.w, c.t_hi)
    bound = f_b + Z_BOUND * sf_b if math.isfinite(f_b) and math.isfinite(sf_b) else float("inf")
    c.ev.add("Curie-tail bound f + 2 sigma (Curie + chi0 fit)", bound, f"< {F_ITINERANT}",
             "itinerant" if bound < F_ITINERANT else "neither", f"f = {f_b:.3g} +/- {sf_b:.2g}")
    c.numbers.update(curie_fraction=f_b, curie_fraction_err=sf_b)
    err = c.chi0_mean_err if math.isfinite(c.chi0_mean_err) else 0.0
    if c.chi0_mean <= 0 or not c.chi0_mean > 2 * err:
        return _undetermined_v("diamagnetic or empty: no moment", (
            f"chi is temperature independent within the noise (p_curie = {c.p_curie:.3g}) and not positive "
            f"(mean {c.chi0_mean:.3g} emu/mol): diamagnetic or empty, no paramagnetic moment to classify"))
    if not bound < F_ITINERANT:
        return _undetermined_v("flat within noise, Curie term not excluded", (
            f"chi shows no significant temperature dependence (p_curie = {c.p_curie:.3g}) but the noise "
            f"could "
            f"hide a Curie term of up to {100 * min(bound, 1.0):.3g} % of chi; measure over a wider "
            f"temperature "
            "range or with less noise"))
    refusal = _itinerant_refusal(c)
    if refusal:
        return refusal
    conf = _phi((F_ITINERANT - f_b) / sf_b if sf_b > 0 else math.inf)
    text = (f"Itinerant (Pauli-like): chi is temperature independent within the noise -- adding a "
            f"Curie-Weiss "
            f"term does not improve the fit (F-test p = {c.p_curie:.3g} > {c.alpha:g}); chi0 = "
            f"{c.chi0_mean:.3g} "
            f"emu/mol is in the Pauli range, and a Curie tail larger than {100 * bound:.2g} % of chi at "
            f"{c.t_hi:.4g} K is excluded.")
    return _Verdict("itinerant", conf, text, f"flat chi = {c.chi0_mean:.3g} emu/mol in the Pauli range, "
                    "no Curie term")


def _itinerant_refusal(c: _Ctx) -> _Verdict | None:
    """'itinerant' needs positive evidence: Pauli-range magnitude and no bulk local-moment ion."""
    level = float(np.mean(c.y))
    bound, how = pauli_bound_emu_mol(c.formula)
    stoner = c.numbers.get("stoner_enhancement", float("nan"))
    if level > PAULI_CHI_MAX_EMU_MOL:
        return _undetermined_v("chi far above any Pauli value", (
            f"chi is nearly temperature independent but {level:.3g} emu/mol is far above any Pauli "
            f"susceptibility ({PAULI_CHI_MAX_EMU_MOL:g} emu/mol): a saturated, magnetically ordered "
            "(ferro/ferrimagnetic) state in a small field, or a wrong mass / molar mass -- check M(H) and "
            "the "
            "ZFC/FC split, and fit only the paramagnetic range"))
    c.ev.add("mean chi in the window (Pauli scale)", level, f"<= {bound:.3g} emu/mol ({how})",
             "itinerant" if level <= bound else "neither", "plausible Pauli susceptibility for the formula")
    if level > bound and not (math.isfinite(stoner) and stoner > 1):
        return _undetermined_v("chi above the plausible Pauli range", (
            f"chi = {level:.3g} emu/mol is above any plausible Pauli value ({bound:.3g} emu/mol; {how}): a "
            f"Van "
            "Vleck ion, a ferromagnetic impurity (M_s/H) or local moments with a large gap are as likely as "
            "a "
            "metal -- give the formula, the Fermi energy, or a second field"))
    ions = c.local_ions
    if ions:
        c_bulk = float(curie_from_mu_eff(ions[0].mu_eff_expected)) * c.numbers["n_ions"]
        c_fit = _curie_tail_bound(c)
        share = c_fit / c_bulk if c_bulk > 0 else float("nan")
        c.ev.add(f"Curie term / bulk {ions[0].name} Curie constant", share, f"< {BULK_SHARE_MAX}",
                 "itinerant" if share < BULK_SHARE_MAX else "localized",
                 "Curie tail C/T + chi0 (C + 2 sigma) too small to be the bulk ions' moment")
        chi_bulk = c_bulk / c.t_hi
        c.ev.add(f"mean chi / bulk {ions[0].name} Curie chi at T_max", level / chi_bulk, f"< {BULK_CHI_MAX}",
                 "itinerant" if level / chi_bulk < BULK_CHI_MAX else "localized",
                 "a chi as large as the ions' Curie chi is a gapped or strongly coupled magnet as likely")
        if not level / chi_bulk < BULK_CHI_MAX:
            return _undetermined_v("chi as large as the bulk ions' Curie chi", (
                f"chi = {level:.3g} emu/mol is {level / chi_bulk:.2g} of what the formula's {ions[0].name} "
                f"would "
                f"give as free moments at {c.t_hi:.4g} K: exchange-coupled (gapped, low-dimensional) "
                f"moments are "
                "as likely as a metal -- widen the temperature range or fit a cluster/chain model"))
        if not share < BULK_SHARE_MAX:
            return _undetermined_v("local-moment ion in the formula", (
                f"the formula holds {ions[0].name}, a local-moment ion, and the Curie term is not small "
                f"against "
                f"its bulk moment ({share:.2g} of it): without positive evidence for a metal this is no "
                f"itinerant "
                "verdict"))
    return None


def _curie_tail_bound(c: _Ctx) -> float:
    """Upper bound (C + 2 sigma) of a Curie tail C/T + chi0 (linear least squares on the window)."""
    ww = np.ones_like(c.y) if c.w is None else c.w
    design = np.column_stack([1.0 / c.t, np.ones_like(c.t)]) * ww[:, None]
    coef, *_ = np.linalg.lstsq(design, c.y * ww, rcond=None)
    resid = c.y * ww - design @ coef
    dof = max(c.t.size - 2, 1)
    cov = np.linalg.pinv(design.T @ design) * float(np.sum(resid**2)) / dof
    return max(float(coef[0]), 0.0) + Z_BOUND * math.sqrt(max(float(cov[0, 0]), 0.0))


def _nan0(x: float) -> float:
    return x if math.isfinite(x) else 0.0


def _r_enhanced_pauli(c: _Ctx) -> _Verdict | None:
    """chi = a (1 + b T^2) with a weak b describes the window as well as C/(T - theta) + chi0."""
    if c.curie_law and c.f >= F_ITINERANT:
        return None
    ww = np.ones_like(c.y) if c.w is None else c.w
    design = np.column_stack([np.ones_like(c.t), c.t**2]) * ww[:, None]
    coef, *_ = np.linalg.lstsq(design, c.y * ww, rcond=None)
    if not coef[0] > 0:
        return None
    rss_t2 = float(np.sum((c.y * ww - design @ coef) ** 2))
    n = c.t.size
    aic_t2, aic_cw = _ic(rss_t2, n, 2)[0], _ic(c.rss2, n, 3)[0]
    b_t2 = float(coef[1] / coef[0] * c.t_hi**2)
    c.ev.add("chi = a (1 + b T^2): b T_max^2, AIC vs CW + chi0", b_t2, f"|.| < {T2_WEAK}, AIC not worse",
             "itinerant" if abs(b_t2) < T2_WEAK and aic_t2 <= aic_cw + 2 else "neither",
             f"AIC {aic_t2:.1f} vs {aic_cw:.1f}")
    if not (abs(b_t2) < T2_WEAK and aic_t2 <= aic_cw + 2.0 and c.p_curie < c.alpha):
        return None
    refusal = _itinerant_refusal(c)
    if refusal:
        return None                     # let the later rules explain why
    text = (f"Itinerant (exchange-enhanced Pauli): chi = a (1 + b T^2) with a = {coef[0]:.3g} emu/mol and "
            f"b T_max^2 = {b_t2:.2g} describes {float(np.min(c.t)):.4g}-{c.t_hi:.4g} K as well as a "
            f"Curie-Weiss "
            "law + chi0 (AIC), the magnitude is in the Pauli range, and no local-moment ion of the formula "
            "could carry it.")
    return _Verdict("itinerant", T2_CONFIDENCE, text, f"enhanced Pauli: chi = a(1 + bT^2), b T_max^2 = "
                                                      f"{b_t2:.2g}")


def _r_degenerate(c: _Ctx) -> _Verdict | None:
    c_fit = c.numbers["C_emu_K_mol"]
    if c.theta >= -THETA_DEGENERATE * c.t_hi and c_fit > 0:
        return None
    p_local = _local_moment_adequacy(c.t, c.y, c.w, c.rss2)
    model_chi = c.model_chi(c.t)
    variation = float((model_chi.max() - model_chi.min()) / abs(np.mean(model_chi)))
    c.ev.add("bounded Curie-Weiss (|theta| <= T_max, no chi0) adequate", p_local, f"p > {c.alpha:g}",
             "localized" if p_local > c.alpha else "itinerant",
             "F-test against C/(T-theta)+chi0; adequate = local moments cannot be excluded")
    c.ev.add("relative variation of chi over the window", variation, f"< {FLAT_VARIATION}",
             "itinerant" if variation < FLAT_VARIATION else "neither", "from the fitted curve")
    what = (f"theta = {c.theta:.4g} K is below -T_max = {-c.t_hi:.4g} K" if c_fit > 0
            else f"C = {c_fit:.3g} emu K/mol is not positive (chi rises with T)")
    if (p_local < c.alpha and variation < FLAT_VARIATION and np.mean(model_chi) > 0
            and (not c_fit > 0 or (math.isfinite(c.mu) and c.mu > MU_EFF_MAX))):
        refusal = _itinerant_refusal(c)
        if refusal:
            return refusal
        why = ("chi rises with temperature" if not c_fit > 0 else
               f"the implied moment exceeds any ion ({MU_EFF_MAX} mu_B)")
        text = (f"Itinerant (exchange-enhanced Pauli-like): chi is positive and changes by only "
                f"{100 * variation:.3g} % over {float(np.min(c.t)):.4g}-{c.t_hi:.4g} K; its temperature "
                f"dependence is no local-moment Curie law ({what}; {why}), and a Curie-Weiss law with "
                f"|theta| <= T_max is rejected (p = {p_local:.2g}).")
        return _Verdict("itinerant", DEGENERATE_CONFIDENCE * (1.0 - p_local), text,
                        "weakly T-dependent chi, no Curie law (exclusion)")
    return _undetermined_v("no Curie law in this window", (
        f"chi depends on T (p_curie = {c.p_curie:.3g}) but not as a Curie law over this window ({what}), so "
        "C/(T - theta) acts as a slowly varying background: an exchange-enhanced Pauli paramagnet and local "
        "moments with strong antiferromagnetic exchange (or a too narrow window) cannot be told apart -- "
        "measure over a wider T range"))


def _r_tail(c: _Ctx) -> _Verdict | None:
    if c.f > F_ITINERANT:
        return None
    refusal = _itinerant_refusal(c)
    if refusal:
        return refusal
    conf = _phi((F_ITINERANT - c.f) / max(c.sf, 1e-12)) * (1.0 - c.p_curie)
    n = c.numbers
    s = n["impurity_spin"]
    text = (f"Itinerant with a Curie tail: chi is dominated by a temperature-independent (Pauli-like) term "
            f"chi0 = {n['chi0_emu_mol']:.3g} emu/mol; the Curie-Weiss part is "
            f"{_pct(c.f, c.sf)} of chi at {c.t_hi:.4g} K (threshold {100 * F_ITINERANT:.0f} %). If the tail "
            f"comes "
            f"from S = {_half(s)} impurities, their concentration is "
            f"{_pct(n['impurity_fraction'], n['impurity_fraction_err'])} per mole of {n['per']}.")
    c.ev.add(f"impurity concentration (S = {_half(s)} per mole)", n["impurity_fraction"], "", "itinerant",
             f"+/- {n['impurity_fraction_err']:.2g}; C / C(S), "
             f"C(S) = {curie_from_mu_eff(2 * math.sqrt(s * (s + 1))):.4g}")
    return _Verdict("itinerant", conf, text, f"Pauli chi0 with a {100 * c.f:.2g} % Curie tail")


def _a_single_field(c: _Ctx, v: _Verdict) -> str | None:
    if c.numbers.get("field_dependence") is not None:
        return None
    flag = single_field_flag(c.numbers["chi0_emu_mol"], c.numbers["chi0_emu_mol_err"], c.formula)
    if flag:
        c.flags.append(flag)
        return "chi0 above any plausible Pauli value (one field)"
    return None



def _a_superconducting(c: _Ctx, v: _Verdict) -> str | None:
    """chi far below any normal diamagnetism (< SC_CHI_MAX at two or more points): superconducting
    shielding below T_c (full shielding chi_v = -1/(4 pi), cgs; Tinkham, *Introduction to
    Superconductivity* ch. 1). Flagged with the onset, so the verdict reads as the normal state's."""
    dia = c.y_all < SC_CHI_MAX
    if int(dia.sum()) < 2:
        return None
    t_on, chi_min = float(np.max(c.t_all[dia])), float(np.min(c.y_all))
    c.flags.append(
        f"superconducting shielding: chi falls to {chi_min:.3g} emu/mol below {t_on:.4g} K, far beyond any "
        f"core or Landau diamagnetism (> {SC_CHI_MAX:g} emu/mol) -- a superconductor (or a wrong "
        "background subtraction); the verdict describes the normal state above T_c, and the ordered points "
        "are no Curie-Weiss data")
    return f"superconducting shielding below {t_on:.4g} K"
