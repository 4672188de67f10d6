"""Statistics and closed-form least squares behind the rules: F-tests, AIC/BIC, and the constant,
Curie + chi0, chi0-free Curie-Weiss, bounded Curie-Weiss and T^2 fits.

No lmfit, scipy.stats or scipy.optimize (issue 12): the linear models are solved by weighted linear
least squares, the Curie-Weiss ones by variable projection (for fixed theta, C and chi0 are linear;
a 1-D search in theta), and every covariance is (J^T W J)^-1 scaled by the reduced chi-square, as
lmfit's ``scale_covar=True``. Normal and F probabilities come from math.erfc and
the F distribution of magfit._numeric.f_sf (no scipy.special import).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .._numeric import f_sf
from .thresholds import (
    CHI0_DOMINATED,
    MIN_DISTINCT_T,
    THETA_DEGENERATE,
)

#: theta grid of the bounded Curie-Weiss search (log-spaced distance below T_min) and golden-section steps
THETA_GRID = 100
GOLDEN_STEPS = 45


def _phi(z: float) -> float:
    """Standard normal CDF Phi(z) = erfc(-z / sqrt 2) / 2."""
    if not math.isfinite(z):
        return 1.0 if z > 0 else 0.0
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def _ftest(rss_small: float, k_small: int, rss_big: float, k_big: int, n: int) -> tuple[float, float]:
    """F statistic and p-value for nested least-squares models (big contains small)."""
    dfn, dfd = k_big - k_small, n - k_big
    if dfd <= 0:
        return float("nan"), float("nan")
    if rss_big <= 0:
        return (float("inf"), 0.0) if rss_small > 0 else (0.0, 1.0)
    fstat = max((rss_small - rss_big) / dfn, 0.0) / (rss_big / dfd)
    return float(fstat), f_sf(fstat, dfn, dfd)


def _ic(rss: float, n: int, k: int) -> tuple[float, float]:
    """AIC and BIC for least squares: n ln(RSS/n) + 2k, n ln(RSS/n) + k ln n (as lmfit)."""
    r = max(rss, np.finfo(float).tiny)
    base = n * math.log(r / n)
    return base + 2 * k, base + k * math.log(n)


def _quiet(func, *args, **kwargs):
    """Call a fit with asteval's sqrt-of-negative warnings (mu_eff of C < 0) silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.filterwarnings("ignore", message=".*std_dev==0.*", category=UserWarning)
        with np.errstate(all="ignore"):
            return func(*args, **kwargs)


def _weights(w, n: int) -> np.ndarray:
    return np.ones(n) if w is None else np.asarray(w, dtype=float)


def _linear_lsq(columns: list[np.ndarray], y, w) -> tuple[np.ndarray, np.ndarray, float]:
    """Weighted linear least squares y ~ sum_k a_k columns_k: (a, covariance scaled by the reduced
    chi-square, weighted RSS). The covariance is NaN when it cannot be estimated."""
    ww = _weights(w, y.size)
    design = np.column_stack(columns) * ww[:, None]
    rhs = y * ww
    coef, *_ = np.linalg.lstsq(design, rhs, rcond=None)
    resid = rhs - design @ coef
    rss = float(resid @ resid)
    dof = y.size - design.shape[1]
    with np.errstate(all="ignore"):
        scale = np.sqrt(np.sum(design**2, axis=0))
        scale = np.where(scale > 0, scale, 1.0)
        normed = design / scale
        try:
            inv = np.linalg.inv(normed.T @ normed) / np.outer(scale, scale)
        except np.linalg.LinAlgError:
            inv = np.full((design.shape[1],) * 2, np.nan)
        cov = inv * (rss / dof) if dof > 0 else np.full_like(inv, np.nan)
    return coef, cov, rss


def _fit_constant(t, y, w) -> tuple[float, float, float]:
    """M0 (Pauli / TIP): the weighted mean; returns (chi0, its standard error, weighted RSS)."""
    coef, cov, rss = _linear_lsq([np.ones_like(t)], y, w)
    err = math.sqrt(cov[0, 0]) if np.isfinite(cov[0, 0]) and cov[0, 0] >= 0 else float("nan")
    return float(coef[0]), err, rss


def _fit_curie_tip(t, y, w, t_ref) -> tuple[float, float]:
    """Curie (theta = 0) + chi0; returns (f, sigma_f) of the Curie share C/t_ref / (C/t_ref + chi0)."""
    with np.errstate(over="ignore", divide="ignore"):     # T ~ 1e-308 (fuzzed input): 1/T overflows
        inv_t = 1.0 / t
    if not np.all(np.isfinite(inv_t)):
        return float("nan"), float("nan")
    (c, k), cov, _ = _linear_lsq([inv_t, np.ones_like(t)], y, w)
    if not np.all(np.isfinite(cov)):
        return float("nan"), float("nan")        # no covariance: no bound
    if k <= 0:
        return 1.0, 0.0  # no positive T-independent part: nothing bounds the Curie share
    cw = c / t_ref
    denom = (cw + k) ** 2
    if not (math.isfinite(cw) and math.isfinite(denom)) or denom == 0.0:
        return float("nan"), float("nan")        # C/t_ref = -chi0 (or under/overflow): share undefined
    f = cw / (cw + k)
    grad = np.array([k / t_ref, -cw]) / denom          # df/dC, df/dchi0
    return float(f), float(math.sqrt(max(float(grad @ cov @ grad), 0.0)))


def _curie_weiss_rss(t, y, w, theta: np.ndarray) -> np.ndarray:
    """Weighted RSS of the best C/(T - theta) (chi0 = 0) for each theta (C solved in closed form)."""
    ww2 = _weights(w, y.size) ** 2
    g = 1.0 / (t[None, :] - theta[:, None])
    sgy = g @ (ww2 * y)
    sgg = (g * g) @ ww2
    return float(np.sum(ww2 * y * y)) - sgy**2 / sgg


def _bounded_theta(t, y, w, lo: float, hi: float) -> tuple[float, float]:
    """(theta, RSS) minimising the RSS of C/(T - theta) over lo <= theta <= hi: a log grid in
    T_min - theta, then a golden-section polish of the best bracket (the global minimum to the grid's
    resolution)."""
    t_lo = float(np.min(t))
    d = np.geomspace(t_lo - hi, t_lo - lo, THETA_GRID)           # distance below T_min, > 0
    rss = _curie_weiss_rss(t, y, w, t_lo - d)
    k = int(np.nanargmin(rss))
    a, b = math.log(d[max(k - 1, 0)]), math.log(d[min(k + 1, d.size - 1)])
    best, best_theta = float(rss[k]), float(t_lo - d[k])
    inv_phi = (math.sqrt(5.0) - 1.0) / 2.0
    for _ in range(GOLDEN_STEPS):
        x1, x2 = b - inv_phi * (b - a), a + inv_phi * (b - a)
        r1, r2 = _curie_weiss_rss(t, y, w, t_lo - np.exp(np.array([x1, x2])))
        for r, x in ((r1, x1), (r2, x2)):
            if r < best:
                best, best_theta = float(r), float(t_lo - math.exp(x))
        if r1 < r2:
            b = x2
        else:
            a = x1
    return best_theta, best


def _bounded_theta_rss(t, y, w, lo: float, hi: float) -> float:
    """min over lo <= theta <= hi of the weighted RSS of C/(T - theta) (:func:`_bounded_theta`)."""
    return _bounded_theta(t, y, w, lo, hi)[1]


def _local_moment_adequacy(t, y, w, rss_full: float) -> float:
    """p-value of C/(T - theta) with -T_max <= theta < T_min against the full model C/(T - theta) + chi0.

    Large p: a local-moment Curie-Weiss law with a moderate theta describes the data as well as
    C/(T - theta) + chi0, so local moments cannot be excluded.
    """
    t_lo, t_hi = float(np.min(t)), float(np.max(t))
    with np.errstate(all="ignore"):
        best = _bounded_theta_rss(t, y, w, -THETA_DEGENERATE * t_hi, t_lo - 1e-9 * max(t_lo, 1.0))
    if not math.isfinite(best):
        return float("nan")
    return _ftest(max(best, 0.0), 2, rss_full, 3, int(t.size))[1]


def _curie_weiss_no_chi0(t, y, w) -> dict:
    """M1: C/(T - theta) with chi0 = 0; theta below T_min over the search range of magfit.varpro
    (T_min - theta from 1e-6 to 1e3 x the temperature scale), C in closed form for each theta."""
    from ..varpro import _u_range

    t_lo, t_hi = float(np.min(t)), float(np.max(t))
    u_lo, u_hi = (float(u) for u in _u_range(np.array(t_lo), np.array(t_hi)))
    with np.errstate(all="ignore"):
        theta, rss = _bounded_theta(t, y, w, t_lo - u_hi, t_lo - u_lo)
        ww2 = _weights(w, y.size) ** 2
        g = 1.0 / (t - theta)
        c = float(np.sum(ww2 * y * g) / np.sum(ww2 * g * g))
    return {"theta_K": theta, "C_emu_K_mol": c, "rss": max(float(rss), 0.0)}


def _t2_evidence(t, y, w, cw_part, chi0):
    """chi - CW(T) = a (1 + b T^2) on the chi0-dominated points; returns (b T_max^2, z, n)."""
    with np.errstate(all="ignore"):
        share = np.abs(cw_part) / np.abs(y)
    m = share < CHI0_DOMINATED
    if m.sum() < MIN_DISTINCT_T or chi0 <= 0:
        return float("nan"), float("nan"), int(m.sum())
    x = t[m] ** 2
    r = y[m] - cw_part[m]
    ww = np.ones_like(r) if w is None else w[m]
    a = np.column_stack([np.ones_like(x), x]) * ww[:, None]
    try:
        coef, _, rank, _ = np.linalg.lstsq(a, r * ww, rcond=None)
    except np.linalg.LinAlgError:
        return float("nan"), float("nan"), int(m.sum())
    if rank < 2 or coef[0] <= 0:
        return float("nan"), float("nan"), int(m.sum())
    resid = r * ww - a @ coef
    dof = max(m.sum() - 2, 1)
    cov = np.linalg.pinv(a.T @ a) * float(np.sum(resid**2)) / dof
    b = coef[1] / coef[0]
    sb = math.sqrt(max(cov[1, 1], 0.0)) / coef[0]
    tmax2 = float(np.max(t[m])) ** 2
    return float(b * tmax2), float(b / sb) if sb > 0 else float("inf"), int(m.sum())

