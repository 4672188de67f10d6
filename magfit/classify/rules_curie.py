"""Rules on the Curie-Weiss evidence: F-test computable, C resolved, Curie fraction determined, localized,
mixed.
"""

from __future__ import annotations

import math

from .context import _Ctx, _undetermined_v, _Verdict
from .evidence import _half, _pct
from .stats import _phi
from .thresholds import (
    F_ITINERANT,
    F_LOCALIZED,
    IMPURITY_LEVEL_MAX,
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


def _r_mixed(c: _Ctx) -> _Verdict | None:
    sig = max(c.sf, 1e-12)
    conf = min(_phi((c.f - F_ITINERANT) / sig), _phi((F_LOCALIZED - c.f) / sig)) * (1.0 - c.p_curie)
    text = (f"Mixed: both a Curie-Weiss term and a temperature-independent term are needed (p_curie = "
            f"{c.p_curie:.2g}, p_chi0 = {c.p_chi0:.2g}), and the Curie-Weiss part is "
            f"{_pct(c.f, c.sf)} of chi at {c.t_hi:.4g} K, between {100 * F_ITINERANT:.0f} and "
            f"{100 * F_LOCALIZED:.0f} %: local moments coexist with a sizeable Pauli/Van Vleck term (e.g. a "
            f"Kondo or "
            f"valence-fluctuating metal). {_mu_text(c)}, chi0 = {c.numbers['chi0_emu_mol']:.3g} emu/mol.")
    return _Verdict("mixed", conf, text, f"Curie-Weiss share {100 * c.f:.3g} %, between the thresholds")


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
