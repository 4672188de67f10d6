"""Gapped and low-dimensional magnets: a chi maximum with a singlet drop, chi rising with T."""

from __future__ import annotations

import math

import numpy as np

from .context import _Ctx, _Verdict
from .thresholds import (
    CW_NOT_MEANINGFUL,
    GAP_DROP,
    GAPPED_CONFIDENCE,
    GAPPED_CONFIDENCE_NO_ION,
    RISE_GAPPED,
    RISE_GAPPED_ION,
)


def _broad_maximum(c: _Ctx) -> dict | None:
    """A chi maximum in the data and how far chi falls below it on cooling (``drop`` = min / max)."""
    maxima = [ft for ft in c.features if "max" in str(ft.get("kind", ""))]
    if not maxima:
        return None
    t_star = max(ft["temperature_K"] for ft in maxima)
    below = c.t_all < t_star
    if below.sum() < 3:
        return None
    near = np.abs(c.t_all - t_star) <= 0.05 * t_star + 1e-9
    chi_max = float(np.max(c.y_all[near])) if near.any() else float(np.max(c.y_all))
    chi_low = float(np.min(c.y_all[below]))
    return {"T_K": float(t_star), "drop": chi_low / chi_max if chi_max > 0 else float("nan")}


def _rise(c: _Ctx) -> float:
    """Relative rise of the fitted chi from the bottom to the top of the window (> 0: chi grows with T)."""
    model = c.model_chi(np.array([float(np.min(c.t)), c.t_hi]))
    return float((model[1] - model[0]) / abs(np.mean(model))) if np.mean(model) != 0 else 0.0


def _r_gapped(c: _Ctx) -> _Verdict | None:
    bm = _broad_maximum(c)
    rise = _rise(c) if c.p_curie < c.alpha else 0.0
    ions = c.local_ions
    if bm is not None and math.isfinite(bm["drop"]) and bm["drop"] < GAP_DROP:
        why = (f"chi has a maximum at {bm['T_K']:.4g} K and falls to {100 * bm['drop']:.2g} % of it on "
               f"cooling: "
               "a singlet (gapped) ground state of exchange-coupled moments")
        conf = GAPPED_CONFIDENCE
    elif rise > (RISE_GAPPED_ION if ions else RISE_GAPPED):
        why = (f"chi rises by {100 * rise:.3g} % on heating from {float(np.min(c.t)):.4g} to {c.t_hi:.4g} K: "
               "a gapped spectrum (maximum above the window)"
               + (f", and the formula holds {', '.join(i.name for i in ions[:2])}" if ions else ""))
        conf = GAPPED_CONFIDENCE if ions else GAPPED_CONFIDENCE_NO_ION
    else:
        return None
    text = (f"Localized (gapped cluster / low-dimensional magnet): {why}. No Pauli metal does this. Fit "
            "instead: a cluster model (Bleaney-Bowers dimer, magfit.spin exact diagonalisation) or a chain "
            "model (Bonner-Fisher), with an impurity Curie term; Curie-Weiss parameters of this window "
            "mean nothing.")
    return _Verdict("localized", conf, text, "gapped/low-dimensional: chi maximum or chi rising with T; "
                    "fit a cluster or chain model")


def _a_broad_maximum(c: _Ctx, v: _Verdict) -> str | None:
    bm = _broad_maximum(c)
    if bm is None or v.short.startswith("gapped"):
        return None
    c.notes.append(f"chi maximum at {bm['T_K']:.4g} K (chi falls to {100 * bm['drop']:.2g} % below it): "
                   "long-range order, or short-range order of a low-dimensional magnet -- if the maximum is "
                   "broad, fit a chain/cluster model")
    return f"chi maximum at {bm['T_K']:.4g} K"


def _a_cw_meaningless(c: _Ctx, v: _Verdict) -> str | None:
    """Gapped / low-dimensional and Van Vleck verdicts: flag that the Curie-Weiss numbers describe no
    moment (printed beside mu_eff by ``magfit fit``); like every flag it caps the confidence."""
    if v.label != "localized" or not v.short.startswith(("gapped", "Van Vleck")):
        return None
    instead = ("a cluster (Bleaney-Bowers, magfit.spin) or chain model" if v.short.startswith("gapped")
               else "the Van Vleck multiplet formula")
    mu = c.numbers.get("mu_eff", float("nan"))
    c.flags.append(f"{CW_NOT_MEANINGFUL}: {v.short.split(':')[0]} -- the Curie-Weiss mu_eff = {mu:.4g} mu_B, "
            f"theta = {c.theta:.4g} K and chi0 of this window describe no free moment; fit {instead}")
    return None
