"""Gapped and low-dimensional magnets: a chi maximum with a singlet drop, chi rising with T."""

from __future__ import annotations

import math

import numpy as np

from .context import _Ctx, _Verdict
from .thresholds import (
    BLOCKING_CONFIDENCE,
    CW_NOT_MEANINGFUL,
    GAP_DROP,
    GAPPED_CONFIDENCE,
    GAPPED_CONFIDENCE_NO_ION,
    MU_EFF_MAX,
    RISE_ABOVE_MIN,
    RISE_GAPPED,
    RISE_GAPPED_ION,
    Z_BOUND,
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


def _rise_above_minimum(c: _Ctx) -> dict | None:
    """An interior minimum of the (median-of-5 smoothed) chi with chi at the top of the data more than
    (1 + RISE_ABOVE_MIN) times it: an impurity Curie tail in front of a gapped spectrum whose chi rises
    on heating (a strongly coupled dimer or ladder with 1-3 % orphan spins). A Pauli metal with a Curie
    tail falls monotonically; a T^2-enhanced Pauli metal rises by ~10 % at most."""
    order = np.argsort(c.t_all, kind="stable")
    ts, ys = c.t_all[order], c.y_all[order]
    if ts.size < 10:
        return None
    pad = np.concatenate([ys[:2][::-1], ys, ys[-2:][::-1]])
    sm = np.median(np.lib.stride_tricks.sliding_window_view(pad, 5), axis=1)
    k = int(np.argmin(sm))
    if not (2 <= k <= ts.size - 4) or not sm[k] > 0:
        return None
    rise = float(np.median(sm[-3:]) / sm[k] - 1.0)
    return {"T_K": float(ts[k]), "rise": rise} if rise > RISE_ABOVE_MIN else None


def _gapped_shape(c: _Ctx) -> dict | None:
    """The gapped signature, or None: a chi maximum with a singlet drop below GAP_DROP, or chi rising on
    heating through the window (maximum above it). Returns ``what`` was seen, ``why`` (what, read as a
    gapped magnet), the base confidence ``conf`` and ``T_K`` (the maximum, or T_max for a rise)."""
    bm = _broad_maximum(c)
    rise = _rise(c) if c.p_curie < c.alpha else 0.0
    ions = c.local_ions
    if bm is not None and math.isfinite(bm["drop"]) and bm["drop"] < GAP_DROP:
        what = (f"chi has a maximum at {bm['T_K']:.4g} K and falls to {100 * bm['drop']:.2g} % of it "
                "on cooling")
        return {"what": what, "why": what + ": a singlet (gapped) ground state of exchange-coupled moments",
                "conf": GAPPED_CONFIDENCE, "T_K": bm["T_K"]}
    if rise > (RISE_GAPPED_ION if ions else RISE_GAPPED):
        what = f"chi rises by {100 * rise:.3g} % on heating from {float(np.min(c.t)):.4g} to {c.t_hi:.4g} K"
        why = (what + ": a gapped spectrum (maximum above the window)"
               + (f", and the formula holds {', '.join(i.name for i in ions[:2])}" if ions else ""))
        return {"what": what, "why": why, "conf": GAPPED_CONFIDENCE if ions else GAPPED_CONFIDENCE_NO_ION,
                "T_K": c.t_hi}
    up = _rise_above_minimum(c) if ions else None
    if up is not None:
        what = (f"chi has a minimum at {up['T_K']:.4g} K and rises by {100 * up['rise']:.3g} % above it on "
                "heating")
        why = (what + f": a gapped spectrum behind an impurity Curie tail, and the formula holds "
               f"{', '.join(i.name for i in ions[:2])}")
        return {"what": what, "why": why, "conf": GAPPED_CONFIDENCE, "T_K": c.t_hi}
    return None


def _r_blocking(c: _Ctx) -> _Verdict | None:
    """A chi maximum with chi falling on cooling, above which a clean Curie law gives a moment larger than
    any single ion (mu_eff > MU_EFF_MAX per ion): giant moments that block, not a singlet of exchange-
    coupled ions (whose Curie moment per ion above the maximum is an ion's). Superparamagnetic particles
    (Neel-Brown blocking, the ZFC peak at T_B = K V / (25 k); C. P. Bean and J. D. Livingston, J. Appl.
    Phys. 30, 120S (1959)) or single-molecule magnets -> ``"localized"`` at :data:`BLOCKING_CONFIDENCE`.
    """
    c_err = c.numbers.get("C_emu_K_mol_err", float("nan"))
    resolved = math.isfinite(c_err) and c.numbers["C_emu_K_mol"] > Z_BOUND * c_err
    if not (math.isfinite(c.mu) and c.mu > MU_EFF_MAX and c.curie_law and resolved):
        return None
    shape = _gapped_shape(c)
    if shape is None or not shape["what"].startswith("chi has a maximum"):
        return None
    text = (f"Localized giant moments (superparamagnetic or single-molecule-magnet blocking): "
            f"{shape['what']}, and above it a Curie law gives mu_eff = {c.mu:.4g} mu_B per "
            f"{c.per_text}, more than any single ion ({MU_EFF_MAX:g} mu_B): clusters or particles whose "
            "ions share one moment, blocked below the maximum (a ZFC peak) -- not a gapped singlet. "
            "Check the ZFC/FC splitting below the maximum and the Langevin scaling of M(H) with H/T "
            "above it; the Curie-Weiss mu_eff is that of a particle shared among its ions, theta is no "
            "exchange constant.")
    return _Verdict("localized", BLOCKING_CONFIDENCE, text, f"blocking of giant moments: chi maximum at "
                    f"{shape['T_K']:.4g} K, mu_eff {c.mu:.3g} mu_B above any ion")


def _r_gapped(c: _Ctx) -> _Verdict | None:
    shape = _gapped_shape(c)
    if shape is None:
        return None
    text = (f"Localized (gapped cluster / low-dimensional magnet): {shape['why']}. No Pauli metal does this. "
            "Fit instead: a cluster model (Bleaney-Bowers dimer, magfit.spin exact diagonalisation) or a "
            "chain model (Bonner-Fisher), with an impurity Curie term; Curie-Weiss parameters of this window "
            "mean nothing.")
    return _Verdict("localized", shape["conf"], text, "gapped/low-dimensional: chi maximum or chi rising "
                    "with T; fit a cluster or chain model")


def _a_broad_maximum(c: _Ctx, v: _Verdict) -> str | None:
    bm = _broad_maximum(c)
    if bm is None or v.short.startswith(("gapped", "blocking", "valence", "spin crossover", "high-spin")):
        return None
    c.notes.append(f"chi maximum at {bm['T_K']:.4g} K (chi falls to {100 * bm['drop']:.2g} % below it): "
                   "long-range order, or short-range order of a low-dimensional magnet -- if the maximum is "
                   "broad, fit a chain/cluster model")
    return f"chi maximum at {bm['T_K']:.4g} K"


def _a_cw_meaningless(c: _Ctx, v: _Verdict) -> str | None:
    """Gapped / low-dimensional, Van Vleck, valence-fluctuation and ferrimagnet verdicts: flag that the
    Curie-Weiss numbers describe no moment (printed beside mu_eff by ``magfit fit``); like every flag it
    caps the confidence."""
    kinds = {"gapped": "a cluster (Bleaney-Bowers, magfit.spin) or chain model",
             "Van Vleck": "the Van Vleck multiplet formula",
             "valence": "an intermediate-valence (Sales-Wohlleben) or Coqblin-Schrieffer model",
             "ferrimagnet": "Neel's ferrimagnet hyperbola well above T_C",
             "spin crossover:": "a window above the step, and the high-spin fraction through it"}
    kind = next((k for k in kinds if v.short.startswith(k)), None)
    if v.label not in ("localized", "mixed") or kind is None:
        return None
    mu = c.numbers.get("mu_eff", float("nan"))
    c.flags.append(f"{CW_NOT_MEANINGFUL}: {v.short.split(':')[0]} -- the Curie-Weiss mu_eff = {mu:.4g} mu_B, "
            f"theta = {c.theta:.4g} K and chi0 of this window describe no free moment; fit {kinds[kind]}")
    return None
