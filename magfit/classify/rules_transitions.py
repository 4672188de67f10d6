"""Transitions that are not a Curie-Weiss paramagnet's: a spin crossover (a steep chi*T step), and the
phase transitions of adsorbed oxygen in the sample space (a chi anomaly at 43.8-54.4 K)."""

from __future__ import annotations

import math

import numpy as np

from .context import _Ctx, _Verdict
from .thresholds import (
    O2_ANOMALY_Z,
    O2_BACKGROUND_K,
    O2_GAMMA_K,
    O2_HOLE_PAD_K,
    O2_MIN_EXCESS,
    SCO_CONFIDENCE,
    SCO_MIN_STEP,
    SCO_PLATEAU_FLATNESS,
    SCO_PLATEAU_KEEP,
    SCO_PLATEAU_LNT,
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
    if high - low < SCO_MIN_STEP * top or float(above[-1]) < SCO_PLATEAU_KEEP * high:
        return None
    frac = (ct - low) / (high - low)
    below = (frac < 0.1) & (ts <= t_mid)
    t10 = float(ts[np.nonzero(below)[0][-1]]) if below.any() else float(ts[0])
    hi_idx = np.nonzero((frac > 0.9) & (ts >= t_mid))[0]
    t90 = float(ts[hi_idx[0]]) if hi_idx.size else float(ts[-1])
    return {"T_K": t_mid, "T10_K": t10, "T90_K": t90, "slope": s_max, "low": low, "high": high,
            "complete": _plateau(ts, ct, t90, top)}


def _plateau(ts: np.ndarray, ct: np.ndarray, t90: float, top: float) -> bool:
    """chi*T flat above the step's 90 % point: at least 4 points over >= :data:`SCO_PLATEAU_LNT` in ln T
    whose least-squares slope d(chi*T)/d ln T is below :data:`SCO_SLOPE` / :data:`SCO_PLATEAU_FLATNESS` of
    the largest chi*T (a gapped cluster or a Pauli chi*T = chi0 T still rising at the top of the data is no
    completed step)."""
    m = ts >= t90
    if m.sum() < 4:
        return False
    x = np.log(ts[m])
    if float(x[-1] - x[0]) < SCO_PLATEAU_LNT:
        return False
    slope = float(np.polyfit(x, ct[m], 1)[0])
    return abs(slope) / top < SCO_SLOPE / SCO_PLATEAU_FLATNESS


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
            f"another first-order spin-state, valence or structural transition (or, on a zero-field-cooled "
            f"sweep, the blocking or freezing of a superparamagnet or spin glass: compare with field-cooled "
            f"data) -- not a Curie-Weiss "
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
    c.notes.append(f"chi*T rises steeply (spin crossover or another spin-state transition -- or, on a "
                   f"zero-field-cooled sweep, blocking or spin-glass freezing: compare with field-cooled "
                   f"data) at {step['T_K']:.4g} K, below this window ({t_lo:.4g}-{c.t_hi:.4g} K): the "
                   "window's mu_eff is the moment above the step; the chi maximum below it is the step's")
    v.short = (f"high-spin, above a chi*T step (spin crossover or ZFC blocking?) at {step['T_K']:.4g} K: "
               + v.short)
    return v


def _o2_basis(x: np.ndarray) -> np.ndarray:
    """ln chi background: 1, ln T, 1/T, 1/T^2, T (exact for a Curie-Weiss series to second order and an
    activated gap e^(-Delta/T) / T, close for Pauli + Curie)."""
    return np.column_stack([np.ones_like(x), np.log(x), 1.0 / x, 1.0 / x**2, x / 100.0])


def _gap_excess(t: np.ndarray, ly: np.ndarray, fit: np.ndarray, test: np.ndarray) -> dict | None:
    """Fit the ln chi background on ``fit`` and return the mean excess of ln chi on ``test`` with its
    statistical error: the residual scatter s over sqrt(n_eff) (n_eff = n (1 - r1)/(1 + r1), r1 the lag-1
    autocorrelation of the background residuals: a smooth misfit does not average down over dense
    points) added in quadrature to the prediction error of the background's mean over ``test`` (from
    the coefficient covariance)."""
    if fit.sum() < 10 or test.sum() < 3:
        return None
    x = _o2_basis(t[fit])
    coef, *_ = np.linalg.lstsq(x, ly[fit], rcond=None)
    resid = ly[fit] - x @ coef
    dof = int(fit.sum()) - x.shape[1]
    if dof <= 0:
        return None
    s2 = float(resid @ resid) / dof
    r1 = float(resid[:-1] @ resid[1:] / (resid @ resid)) if float(resid @ resid) > 0 else 0.0
    n = int(test.sum())
    n_eff = min(n, max(n * (1.0 - r1) / (1.0 + r1), 1.0)) if r1 > 0 else n
    a = _o2_basis(t[test]).mean(axis=0)
    try:
        pred_var = float(a @ np.linalg.pinv(x.T @ x) @ a) * s2
    except np.linalg.LinAlgError:
        return None
    mean = float(np.mean(ly[test] - _o2_basis(t[test]) @ coef))
    return {"mean": mean, "sigma": math.sqrt(s2 / n_eff + pred_var)}


def _sample_maximum_near(t: np.ndarray, y: np.ndarray) -> float | None:
    """The temperature of the largest (median-of-5 smoothed) chi when it lies within O2_HOLE_PAD_K of the
    anomaly range: the sample's own maximum (an antiferromagnet's cusp at T_N), not a few % of O2 riding
    on a Curie-like or flat chi."""
    ts, chi = _smooth_chit(t, y / t)         # the median-smoothed "chi*T" of chi/T is chi
    if ts.size < 8:
        return None
    t_max = float(ts[int(np.argmax(chi))])
    lo, hi = O2_GAMMA_K
    return t_max if lo - O2_HOLE_PAD_K <= t_max <= hi + O2_HOLE_PAD_K else None


def o2_anomaly(t: np.ndarray, y: np.ndarray) -> dict | None:
    """A chi anomaly in the gamma-solid range of oxygen, or None.

    ln chi is fitted on :data:`O2_BACKGROUND_K` (both sides of the anomaly, the points within
    :data:`O2_HOLE_PAD_K` of it left out) by :func:`_o2_basis`. The points inside :data:`O2_GAMMA_K` must
    lie above it by more than :data:`O2_ANOMALY_Z` standard errors and by more than :data:`O2_MIN_EXCESS`
    of chi. The standard error is the background's, honestly: residual scatter over the *effective*
    number of points (correlated residuals) and its prediction error (:func:`_gap_excess`). The
    background range is local (28-70 K) so that five terms interpolate a smooth curve they do not model
    exactly (a ZFC blocking maximum) to well below 1 %. Returns the relative excess, its z and the points
    used, plus ``sample_max_K`` when the curve's own maximum lies there (:func:`_sample_maximum_near`).
    """
    ok = np.isfinite(t) & np.isfinite(y) & (t > 0)
    t, y = t[ok], y[ok]
    order = np.argsort(t, kind="stable")
    t, y = t[order], y[order]
    (b_lo, b_hi), (g_lo, g_hi) = O2_BACKGROUND_K, O2_GAMMA_K
    near = (t >= b_lo) & (t <= b_hi)
    if not np.all(y[near] > 0):
        return None
    hole = (t > g_lo - O2_HOLE_PAD_K) & (t < g_hi + O2_HOLE_PAD_K)
    bg, an = near & ~hole, (t >= g_lo) & (t <= g_hi)
    if (t[bg] < g_lo).sum() < 3 or (t[bg] > g_hi).sum() < 3:
        return None
    ly = np.log(np.where(y > 0, y, np.nan))
    ex = _gap_excess(t, ly, bg, an)
    if ex is None or not (math.isfinite(ex["sigma"]) and ex["sigma"] > 0):
        return None
    z = ex["mean"] / ex["sigma"]
    if not (z > O2_ANOMALY_Z and ex["mean"] > O2_MIN_EXCESS):
        return None
    out = {"z": z, "excess_rel": math.expm1(ex["mean"]), "n": int(an.sum())}
    t_max = _sample_maximum_near(t, y)
    return out | {"sample_max_K": t_max} if t_max is not None else out


def _a_oxygen(c: _Ctx, v: _Verdict) -> str | None:
    """Flag a chi excess at 43.8-54.4 K over a smooth background: adsorbed or frozen O2 in the sample space
    (solid O2: antiferromagnetic long-range order only in the alpha phase below 23.9 K; beta-gamma transition
    43.8 K, melting 54.4 K, where its susceptibility jumps [from memory; a
    leak or a poorly purged sample chamber of a SQUID magnetometer shows as a bump there). It is not an
    ordering temperature of the sample until the O2 is excluded. When chi has its largest value there, the
    excess is read as the sample's own maximum (a note, no flag): a few % of O2 on a Curie-like or flat
    chi does not make the curve's maximum, an antiferromagnet with T_N = 40-58 K does."""
    an = o2_anomaly(c.t_all, c.y_all)
    if an is None:
        return None
    if "sample_max_K" in an:
        c.notes.append(f"chi has its maximum at {an['sample_max_K']:.4g} K, in the range where adsorbed O2 "
                       "shows (43.8-54.4 K): read as the sample's own (e.g. an antiferromagnet's T_N), not "
                       "flagged -- if the sample space may hold O2, remeasure after purging to be sure")
        return None
    c.flags.append(
        f"possible O2 contamination: chi exceeds a smooth background by {100 * an['excess_rel']:.2g} % "
        f"(z = {an['z']:.3g}) at {O2_GAMMA_K[0]:g}-{O2_GAMMA_K[1]:g} K, where solid oxygen has its "
        "phase transitions (beta-gamma 43.8 K, melting 54.4 K) -- or a transition of the sample itself "
        "there; chi alone cannot tell them apart: purge the sample chamber (or seal the sample) and "
        "remeasure before reading a transition there; the Curie-Weiss numbers may be biased")
    return f"chi anomaly at {O2_GAMMA_K[0]:g}-{O2_GAMMA_K[1]:g} K: possible adsorbed O2"
