"""Transitions that are not a Curie-Weiss paramagnet's: a spin crossover (a steep chi*T step), and the
antiferromagnetic transitions of adsorbed oxygen in the sample space (a chi anomaly at 43.8-54.4 K)."""

from __future__ import annotations

import math

import numpy as np

from .context import _Ctx, _Verdict
from .thresholds import (
    O2_ANOMALY_Z,
    O2_BACKGROUND_K,
    O2_GAMMA_K,
    O2_MIN_EXCESS,
    SCO_CONFIDENCE,
    SCO_MIN_STEP,
    SCO_SLOPE,
    SCO_TMIN_K,
)

#: d ln T over which the chi*T slope is measured (22 %: noise averages out; a narrower step reads as its size)
_DLNT = 0.2


def _smooth_chit(t: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """chi*T on the sorted temperatures, median of 5 neighbours (a single noisy point makes no step)."""
    order = np.argsort(t, kind="stable")
    ts, ct = t[order], (y * t)[order]
    if ts.size < 5:
        return ts, ct
    pad = np.concatenate([ct[:2][::-1], ct, ct[-2:][::-1]])
    win = np.lib.stride_tricks.sliding_window_view(pad, 5)
    return ts, np.median(win, axis=1)


def chit_step(t: np.ndarray, y: np.ndarray) -> dict | None:
    """A steep rise of chi*T on heating to a plateau: the spin-crossover signature, or None.

    The largest slope d(chi*T)/d ln T of the median-smoothed chi*T, over steps of at least 0.1 in ln T,
    relative to the largest chi*T, must exceed :data:`SCO_SLOPE`; chi*T must rise by more than
    :data:`SCO_MIN_STEP` of its maximum across the step from a non-negative low side (no superconducting
    shielding), and must not fall again by more than a third above it (a plateau, not the chi*T peak of
    a zero-field-cooled ferromagnet). Returns the step's midpoint ``T_K``, its 10-90 % ends ``T10_K`` and
    ``T90_K``, ``slope`` and the chi*T on both sides.
    """
    ok = np.isfinite(t) & np.isfinite(y) & (t > 0)
    ts, ct = _smooth_chit(t[ok], y[ok])
    if ts.size < 8:
        return None
    top = float(np.max(ct))
    if not top > 0 or float(np.min(ct)) < -0.05 * top:
        return None
    lnt = np.log(ts)
    j = np.searchsorted(lnt, lnt + _DLNT)
    valid = j < ts.size
    if not valid.any():
        return None
    i = np.nonzero(valid)[0]
    slope = (ct[j[valid]] - ct[i]) / (lnt[j[valid]] - lnt[i]) / top
    k = int(np.argmax(slope))
    s_max = float(slope[k])
    t_mid = float(np.sqrt(ts[i[k]] * ts[j[valid][k]]))
    if not (s_max > SCO_SLOPE and t_mid >= SCO_TMIN_K):
        return None
    low = float(np.min(ct[ts <= ts[i[k]]]))
    above = ct[ts >= ts[j[valid][k]]]
    high = float(np.max(above))
    if high - low < SCO_MIN_STEP * top or float(above[-1]) < (2.0 / 3.0) * high:
        return None
    frac = (ct - low) / (high - low)
    below = (frac < 0.1) & (ts <= t_mid)
    t10 = float(ts[np.nonzero(below)[0][-1]]) if below.any() else float(ts[0])
    hi_idx = np.nonzero((frac > 0.9) & (ts >= t_mid))[0]
    t90 = float(ts[hi_idx[0]]) if hi_idx.size else float(ts[-1])
    return {"T_K": t_mid, "T10_K": t10, "T90_K": t90, "slope": s_max, "low": low, "high": high,
            "complete": _plateau(ts, ct, t90, top)}


def _plateau(ts: np.ndarray, ct: np.ndarray, t90: float, top: float) -> bool:
    """chi*T flat above the step's 90 % point: at least 4 points over >= 0.15 in ln T whose least-squares
    slope d(chi*T)/d ln T is below a third of :data:`SCO_SLOPE` of the largest chi*T (a gapped cluster or
    a Pauli chi*T = chi0 T still rising at the top of the data is no completed step)."""
    m = ts >= t90
    if m.sum() < 4:
        return False
    x = np.log(ts[m])
    if float(x[-1] - x[0]) < 0.15:
        return False
    slope = float(np.polyfit(x, ct[m], 1)[0])
    return abs(slope) / top < SCO_SLOPE / 3.0


def _r_spin_crossover(c: _Ctx) -> _Verdict | None:
    """A steep chi*T step to a plateau (:func:`chit_step`): a spin crossover (Fe2+ LS S = 0 -> HS S = 2,
    Fe3+, Co2+, Mn3+) or another first-order spin-state / valence / structural transition.

    Why the slope: the largest d(chi*T/chi*T_max)/d ln T of a thermally populated gapped cluster is small
    -- a Bleaney-Bowers dimer's chi*T/chi*T(inf) = 4/(3 + e^x), x = 2|J|/T, has at most 0.55 -- while
    the Slichter-Drickamer high-spin fraction x = 1/(1 + exp(Delta_H/R (1/T - 1/T_1/2))) rises with
    Delta_H / (4 R T_1/2) ~ 2-4 for Delta_H = 10-25 kJ/mol, T_1/2 = 100-250 K (C. P. Slichter and H. G.
    Drickamer, J. Chem. Phys. 56, 2142 (1972); P. Guetlich and H. A. Goodwin, Top. Curr. Chem. 233, 1
    (2004)), and a first-order (cooperative) step is steeper still. A Curie-Weiss fit across the step
    gives a meaningless mu_eff and theta -> ``"localized"`` at :data:`SCO_CONFIDENCE` with the
    Curie-Weiss numbers flagged. A window that starts above the step's end is an ordinary high-spin
    Curie-Weiss window: the later rules decide, with a note.
    """
    step = chit_step(c.t_all, c.y_all)
    if step is None or not step["complete"]:
        return None
    t_lo = float(np.min(c.t))
    c.ev.add("chi*T step (largest d(chi*T)/d ln T / max chi*T)", step["slope"], f"> {SCO_SLOPE:g}",
             "localized", f"at {step['T_K']:.4g} K, {step['T10_K']:.4g}-{step['T90_K']:.4g} K (10-90 %)")
    if t_lo > step["T90_K"]:
        return _above_the_step(c, step, t_lo)
    mu_hs = math.sqrt(8.0 * step["high"] / max(c.numbers.get("n_ions", 1.0), 1e-12))
    what = (f"chi*T rises from {step['low']:.3g} to {step['high']:.3g} emu K/mol between {step['T10_K']:.4g} "
            f"and {step['T90_K']:.4g} K (slope {step['slope']:.2g} of its maximum per unit ln T, more than "
            f"any thermally populated cluster's {SCO_SLOPE:g})")
    text = (f"Localized (spin crossover or spin-state transition): {what}. This is a low-spin -> high-spin "
            f"crossover (e.g. Fe2+ S = 0 -> S = 2, chi*T ~ 3 emu K/mol, mu_eff ~ 5.0-5.5 mu_B above it) or "
            f"another first-order spin-state, valence or structural transition -- not a Curie-Weiss "
            f"paramagnet: mu_eff and theta of a window across the step mean nothing. The high side gives "
            f"sqrt(8 chi*T) = {mu_hs:.3g} mu_B per {c.per_text}. Fit instead: a window above "
            f"{step['T90_K']:.4g} K for the high-spin moment, and the high-spin fraction "
            "chi*T / chi*T_HS (Slichter-Drickamer) through the step; measure warming and cooling for "
            "hysteresis.")
    return _Verdict("localized", SCO_CONFIDENCE, text, f"spin crossover: chi*T step at {step['T_K']:.4g} K; "
                    "Curie-Weiss across it meaningless")


def _above_the_step(c: _Ctx, step: dict, t_lo: float) -> _Verdict | None:
    """A window above a completed step: the high-spin Curie-Weiss verdict of the localized rule, with the
    step stated (not a gapped cluster: the chi maximum below the window is the step's)."""
    from .rules_curie import _r_localized  # the Curie-Weiss rules import nothing from here

    v = _r_localized(c)
    if v is None:
        return None
    c.notes.append(f"chi*T rises steeply (spin crossover or another spin-state transition) at "
                   f"{step['T_K']:.4g} K, below this window ({t_lo:.4g}-{c.t_hi:.4g} K): the window's mu_eff "
                   "is the high-spin moment; the chi maximum below it is the step's, not order")
    v.short = f"high-spin, above a spin crossover at {step['T_K']:.4g} K: " + v.short
    return v


def o2_anomaly(t: np.ndarray, y: np.ndarray) -> dict | None:
    """A chi anomaly in the gamma-solid range of oxygen, or None.

    ln chi = a + b ln T + c / T + d / T^2 + e T is fitted on :data:`O2_BACKGROUND_K` (both sides of the
    anomaly, the points within 4 K of it left out): exact for a Curie-Weiss series to second order, for an
    activated gap (e^(-Delta/T) / T) and close for Pauli + Curie. The points inside :data:`O2_GAMMA_K` must
    lie above it by more than :data:`O2_ANOMALY_Z` standard errors of their mean (the background's
    residual scatter) and by more than :data:`O2_MIN_EXCESS` of chi. Returns the relative excess, its z
    and the points used.
    """
    ok = np.isfinite(t) & np.isfinite(y) & (t > 0)
    t, y = t[ok], y[ok]
    (b_lo, b_hi), (g_lo, g_hi) = O2_BACKGROUND_K, O2_GAMMA_K
    near = (t >= b_lo) & (t <= b_hi)
    if not np.all(y[near] > 0):
        return None
    bg = near & ~((t > g_lo - 4.0) & (t < g_hi + 4.0))
    an = (t >= g_lo) & (t <= g_hi)
    if bg.sum() < 10 or an.sum() < 3 or (t[bg] < g_lo).sum() < 3 or (t[bg] > g_hi).sum() < 3:
        return None

    def basis(x):
        return np.column_stack([np.ones_like(x), np.log(x), 1.0 / x, 1.0 / x**2, x / 100.0])

    coef, *_ = np.linalg.lstsq(basis(t[bg]), np.log(y[bg]), rcond=None)
    resid = np.log(y[bg]) - basis(t[bg]) @ coef
    dof = int(bg.sum()) - 5
    sigma = math.sqrt(float(resid @ resid) / dof) if dof > 0 else float("nan")
    excess = np.log(y[an]) - basis(t[an]) @ coef
    if not (math.isfinite(sigma) and sigma > 0):
        return None
    mean = float(np.mean(excess))
    z = mean / (sigma / math.sqrt(an.sum()))
    if not (z > O2_ANOMALY_Z and mean > O2_MIN_EXCESS):
        return None
    return {"z": z, "excess_rel": math.expm1(mean), "n": int(an.sum())}


def _a_oxygen(c: _Ctx, v: _Verdict) -> str | None:
    """Flag a chi excess at 43.8-54.4 K over a smooth background: adsorbed or frozen O2 in the sample space
    (solid O2 is antiferromagnetic; gamma-beta transition 43.8 K, melting 54.4 K, beta-alpha 23.9 K; a
    leak or a poorly purged sample chamber of a SQUID magnetometer shows as a bump there). It is not an
    ordering temperature of the sample until the O2 is excluded."""
    an = o2_anomaly(c.t_all, c.y_all)
    if an is None:
        return None
    c.flags.append(
        f"possible O2 contamination: chi exceeds a smooth background by {100 * an['excess_rel']:.2g} % "
        f"(z = {an['z']:.3g}) at {O2_GAMMA_K[0]:g}-{O2_GAMMA_K[1]:g} K, where solid oxygen has its "
        "antiferromagnetic transitions (43.8 K, melting 54.4 K) -- purge the sample chamber (or seal the "
        "sample) and remeasure before reading a transition there; the Curie-Weiss numbers may be biased")
    return f"chi anomaly at {O2_GAMMA_K[0]:g}-{O2_GAMMA_K[1]:g} K: possible adsorbed O2"
