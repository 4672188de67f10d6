"""Statistics and closed-form least squares behind the rules: F-tests, AIC/BIC, the constant, Curie + chi0,
bounded Curie-Weiss and T^2 fits.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import stats

from .thresholds import (
    CHI0_DOMINATED,
    MIN_DISTINCT_T,
    THETA_DEGENERATE,
)


def _phi(z: float) -> float:
    if not math.isfinite(z):
        return 1.0 if z > 0 else 0.0
    return float(stats.norm.cdf(z))


def _ftest(rss_small: float, k_small: int, rss_big: float, k_big: int, n: int) -> tuple[float, float]:
    """F statistic and p-value for nested least-squares models (big contains small)."""
    dfn, dfd = k_big - k_small, n - k_big
    if dfd <= 0:
        return float("nan"), float("nan")
    if rss_big <= 0:
        return (float("inf"), 0.0) if rss_small > 0 else (0.0, 1.0)
    fstat = max((rss_small - rss_big) / dfn, 0.0) / (rss_big / dfd)
    return float(fstat), float(stats.f.sf(fstat, dfn, dfd))


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


def _fit_constant(t, y, w):
    """M0 (Pauli / TIP) with magfit.models.PauliModel on the window; returns (chi0, err, rss)."""
    from ..models import PauliModel

    model = PauliModel()
    params = model.guess(y, temperature_K=t, weights=w)
    res = _quiet(model.fit, y, params, temperature_K=t, weights=w)
    p = res.params["chi0"]
    resid = (y - res.best_fit) * (1.0 if w is None else w)
    return float(p.value), float(p.stderr) if p.stderr is not None else float("nan"), float(np.sum(resid**2))


def _fit_curie_tip(t, y, w, t_ref):
    """Curie (theta = 0) + chi0 with magfit.models; returns (f, sigma_f) of the Curie share at t_ref."""
    from ..models import CurieModel, TIPModel

    model = CurieModel() + TIPModel()
    params = model.make_params(C=0.0, chi0=float(np.median(y)))
    res = _quiet(model.fit, y, params, temperature_K=t, weights=w)
    try:
        uv = res.uvars
        c, k = uv["C"], uv["chi0"]
    except Exception:  # noqa: BLE001 - no covariance: no bound
        return float("nan"), float("nan")
    if k.nominal_value <= 0:
        return 1.0, 0.0  # no positive T-independent part: nothing bounds the Curie share
    cw = c / t_ref
    f = cw / (cw + k)
    return float(f.nominal_value), float(f.std_dev)


def _local_moment_adequacy(t, y, w, rss_full: float) -> float:
    """p-value of C/(T - theta) with -T_max <= theta < T_min (magfit.models) against the full model.

    Large p: a local-moment Curie-Weiss law with a moderate theta describes the data as well as
    C/(T - theta) + chi0, so local moments cannot be excluded.
    """
    from ..models import CurieWeissModel

    model = CurieWeissModel()
    t_lo, t_hi = float(np.min(t)), float(np.max(t))
    best = math.inf
    for theta0 in (-0.5 * t_hi, 0.0, 0.5 * t_lo):
        params = model.make_params(C=float(np.median(y * (t - theta0))), theta=theta0)
        params["theta"].set(min=-THETA_DEGENERATE * t_hi, max=t_lo - 1e-9 * max(t_lo, 1.0))
        try:
            res = _quiet(model.fit, y, params, temperature_K=t, weights=w)
        except (ValueError, ArithmeticError):
            continue
        resid = (y - res.best_fit) * (1.0 if w is None else w)
        best = min(best, float(np.sum(resid**2)))
    if not math.isfinite(best):
        return float("nan")
    return _ftest(best, 2, rss_full, 3, int(t.size))[1]


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

