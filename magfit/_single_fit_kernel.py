"""Compiled kernel (numba, cache=True) of :func:`magfit.varpro.varpro_fit` for one window (issue 12).

The same steps as the numpy path of :mod:`magfit.varpro` (:func:`~magfit.varpro._grid_one`,
:func:`~magfit.varpro._state_one`, :func:`~magfit.varpro._lin2`, the secant / Gauss-Newton polish
of :func:`~magfit.varpro._fit_one`, the closed-form amplitudes of
:func:`~magfit.varpro._solve_linear` and the Jacobian covariance with the adjugate inverse of
:func:`~magfit.varpro._inv_small`), written as loops over the points: no temporaries, no numpy
call overhead. Sums are sequential (no ``fastmath``), so the numbers agree with the numpy path to
round-off (tests/test_varpro.py compares them). Used only when :func:`magfit._numeric.use_compiled`
says so (numba already imported, or from the third scan of a process): a one-off command does not
pay numba's start-up.

Reference: G. H. Golub and V. Pereyra, SIAM J. Numer. Anal. 10, 413 (1973); L. Kaufman, BIT 15,
49 (1975).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: reassociation allowed (the sums vectorise), without the no-NaN / no-inf assumptions
_FAST = {"reassoc", "contract", "nsz", "arcp"}


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _dot(a, b):
    s = 0.0
    for i in range(a.size):
        s += a[i] * b[i]
    return s


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _lin2(a, b, v, constant):
    """:func:`magfit.varpro._lin2` (``b`` ignored unless ``constant``)."""
    na = math.sqrt(_dot(a, a))
    if na == 0.0:
        na = 1.0
    if not constant:
        return _dot(a, v) / na / na, 0.0
    nb = math.sqrt(_dot(b, b))
    if nb == 0.0:
        nb = 1.0
    rho = _dot(a, b) / (na * nb)
    ra, rb = _dot(a, v) / na, _dot(b, v) / nb
    det = 1.0 - rho * rho
    if det <= 1e-12:
        return ra / na, 0.0
    return (ra - rho * rb) / det / na, (rb - rho * ra) / det / nb


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _state(t, wy, w, theta, constant, a, r, g):
    """:func:`magfit.varpro._state_one`: fills ``a`` (w f), ``r`` (residuals), ``g`` (theta column);
    returns the amplitudes and the cost."""
    n = t.size
    for i in range(n):
        a[i] = w[i] * (1.0 / (t[i] - theta))
    c, c0 = _lin2(a, w, wy, constant)
    for i in range(n):
        # as numpy: r = wy - c a - c0 w; g = c a f
        r[i] = wy[i] - c * a[i] - (c0 * w[i] if constant else 0.0)
        g[i] = c * a[i] * (1.0 / (t[i] - theta))
    cost = _dot(r, r)
    if not math.isfinite(cost):
        cost = math.inf
    return c, c0, cost


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _grid(t, wy, w, tmin, u_lo, u_hi, theta_max, constant, n_grid):
    """:func:`magfit.varpro._grid_one` (the log-u grid as ``np.linspace``: last point exact)."""
    lo, hi = math.log(u_lo), math.log(u_hi)
    step = (hi - lo) / (n_grid - 1)
    wywy = _dot(wy, wy)
    nc = math.sqrt(_dot(w, w))
    rc = _dot(w, wy) / nc
    best, best_theta, found = math.inf, theta_max, False
    for j in range(n_grid):
        lu = hi if j == n_grid - 1 else lo + j * step
        theta = tmin - math.exp(lu)
        if not theta <= theta_max:
            continue
        s11 = b1 = s1c = 0.0
        for i in range(t.size):
            a = w[i] / (t[i] - theta)
            s11 += a * a
            b1 += a * wy[i]
            s1c += a * w[i]
        n1 = math.sqrt(s11)
        if constant:
            rho = s1c / (n1 * nc)
            r1 = b1 / n1
            gain = ((r1 - rho * rc) * r1 + (rc - rho * r1) * rc) / (1.0 - rho * rho)
        else:
            gain = (b1 / n1) ** 2
        cost = wywy - gain
        if not math.isfinite(cost):
            cost = math.inf
        if not found or cost < best:
            best, best_theta, found = cost, theta, True
    return best_theta if math.isfinite(best) else theta_max


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _polish(t, wy, w, theta, theta_min, theta_max, constant, cost_tol, step_tol, max_iter):
    """The secant / Gauss-Newton polish of :func:`magfit.varpro._fit_one`.

    Not shared with :func:`magfit._varpro_kernel._polish_one` (the scan's polish, the twin of the
    vectorised :func:`magfit.varpro._polish`): the steps and stopping rules are the same, but each
    kernel reproduces its own numpy reference (here column-norm amplitudes with the collinear-column
    fallback of ``_lin2`` and reassociated, vectorised sums; there Cramer's rule on sequential sums).
    From the same start the two agree on theta to ~1e-16 (at most 3e-11) relative but bit for bit in
    only 45 of 150 seeded windows, and the scan's one is ~2x slower on one window (issue 12): one
    polish for both would change the given-window or the scan numbers."""
    n = t.size
    a, r, g = np.empty(n), np.empty(n), np.empty(n)
    a2, r2, g2 = np.empty(n), np.empty(n), np.empty(n)
    gp = np.empty(n)
    c, c0, cost = _state(t, wy, w, theta, constant, a, r, g)
    scale = max(abs(theta), abs(theta_max), 1.0)
    shrink, prev_theta, prev_d = 1.0, math.nan, math.nan
    if not math.isfinite(cost):
        return theta
    for _ in range(max_iter):
        p1, p2 = _lin2(a, w, g, constant)
        for i in range(n):
            gp[i] = g[i] - p1 * a[i] - (p2 * w[i] if constant else 0.0)
        den, d = _dot(gp, gp), _dot(gp, r)
        gn = d / den if den > 0 else 0.0
        if d * gn <= cost_tol * cost:
            break
        slope = (d - prev_d) / (theta - prev_theta) if theta != prev_theta else math.nan
        sec = -d / slope if slope < 0 else math.nan
        delta = (sec if math.isfinite(sec) and shrink == 1.0 else gn) * shrink
        if not math.isfinite(delta):
            delta = 0.0
        u = theta_max - theta
        trial = min(max(theta + delta, theta_max - 10.0 * u), theta_max - 0.1 * u)
        trial = max(trial, min(theta_min, theta))
        c2, c02, cost2 = _state(t, wy, w, trial, constant, a2, r2, g2)
        moved = abs(trial - theta)
        if cost2 <= cost:
            prev_theta, prev_d = theta, d
            theta, cost = trial, cost2
            a, a2 = a2, a
            r, r2 = r2, r
            g, g2 = g2, g
            shrink = 1.0
        else:
            shrink *= 0.25
        if moved <= step_tol * scale or shrink < 1e-6:
            break
    return theta


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _amplitudes(f, ws, wy, constant):
    """:func:`magfit.varpro._solve_linear` for the columns [ws f, ws] (column-scaled normal
    equations, Cramer's rule; NaN when not finite)."""
    s11 = s1c = scc = b1 = bc = 0.0
    for i in range(f.size):
        a = ws[i] * f[i]
        s11 += a * a
        b1 += a * wy[i]
        s1c += a * ws[i]
        scc += ws[i] * ws[i]
        bc += ws[i] * wy[i]
    n1 = math.sqrt(s11)
    n1 = n1 if n1 > 0 else 1.0
    if not constant:
        c = (b1 / n1 / 1.0) / n1
        return (c, 0.0) if math.isfinite(c) else (math.nan, math.nan)
    nc = math.sqrt(scc)
    nc = nc if nc > 0 else 1.0
    a01 = s1c / (n1 * nc)
    r1, rc = b1 / n1, bc / nc
    det = 1.0 * 1.0 - a01 * a01
    c = (r1 * 1.0 - a01 * rc) / det / n1
    c0 = (1.0 * rc - r1 * a01) / det / nc
    if math.isfinite(c) and math.isfinite(c0):
        return c, c0
    return math.nan, math.nan


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _inv_small(a):
    """:func:`magfit.varpro._inv_small` for one 1x1, 2x2 or 3x3 matrix (adjugate / determinant)."""
    p = a.shape[0]
    out = np.empty_like(a)
    if p == 1:
        out[0, 0] = 1.0 / a[0, 0]
        return out
    if p == 2:
        det = a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0]
        out[0, 0], out[0, 1] = a[1, 1] / det, -a[0, 1] / det
        out[1, 0], out[1, 1] = -a[1, 0] / det, a[0, 0] / det
        return out
    for i in range(3):
        for j in range(3):
            r0, r1 = (1, 2) if i == 0 else ((0, 2) if i == 1 else (0, 1))
            k0, k1 = (1, 2) if j == 0 else ((0, 2) if j == 1 else (0, 1))
            sign = 1.0 if (i + j) % 2 == 0 else -1.0
            out[j, i] = sign * (a[r0, k0] * a[r1, k1] - a[r0, k1] * a[r1, k0])
    det = a[0, 0] * out[0, 0] + a[0, 1] * out[1, 0] + a[0, 2] * out[2, 0]
    return out / det


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def fit_sorted(ts, ys, ws, fit_theta, theta_fixed, constant, chi0_fixed, n_grid, cost_tol, step_tol,
               max_iter):
    """One window of T-sorted data: theta (searched, or ``theta_fixed``), its search bounds, C, chi0,
    the weighted RSS, the covariance over (theta, C, chi0) (zero rows and columns for fixed
    parameters; not yet scaled by the reduced chi-square) and the model at the points (``ys`` is
    chi - ``chi0_fixed`` when chi0 is fixed)."""
    n = ts.size
    wy = ws * ys
    tmin = ts[0]
    theta_lo, theta_hi = -math.inf, math.inf
    theta = theta_fixed
    if fit_theta:
        theta_hi = tmin - 1e-9 * max(abs(tmin), 1.0)
        u_lo = 1e-6 * max(ts[n - 1] - tmin + abs(tmin), 1.0)
        u_hi = 1e3 * max(max(ts[n - 1], abs(tmin)), 1.0)
        theta_lo = tmin - u_hi
        theta = _grid(ts, wy, ws, tmin, u_lo, u_hi, theta_hi, constant, n_grid)
        theta = _polish(ts, wy, ws, theta, theta_lo, theta_hi, constant, cost_tol, step_tol, max_iter)
    f = 1.0 / (ts - theta)
    c, c0 = _amplitudes(f, ws, wy, constant)
    best = np.empty(n)
    rss = 0.0
    npar = int(fit_theta) + 1 + int(constant)
    jac = np.empty((npar, n))
    for i in range(n):
        ri = wy[i] - (c * (ws[i] * f[i]) + (c0 * ws[i] if constant else 0.0))
        rss += ri * ri
        best[i] = c * f[i] + (c0 if constant else chi0_fixed)
        k = 0
        if fit_theta:
            jac[0, i] = c * f[i] * f[i] * ws[i]
            k = 1
        jac[k, i] = f[i] * ws[i]
        if constant:
            jac[k + 1, i] = ws[i]
    jtj = np.empty((npar, npar))
    for p in range(npar):
        for q in range(npar):
            jtj[p, q] = _dot(jac[p], jac[q])
    d = np.sqrt(np.diag(jtj).copy())
    norm = np.empty((npar, npar))
    for p in range(npar):
        for q in range(npar):
            norm[p, q] = jtj[p, q] / (d[p] * d[q])
    inv = _inv_small(norm)
    pos = np.empty(npar, dtype=np.int64)
    k = 0
    for p in range(3):
        if (p == 0 and fit_theta) or p == 1 or (p == 2 and constant):
            pos[k] = p
            k += 1
    full = np.zeros((3, 3))
    for p in range(npar):
        for q in range(npar):
            full[pos[p], pos[q]] = inv[p, q] / (d[p] * d[q])
    return theta, theta_lo, theta_hi, c, (c0 if constant else chi0_fixed), rss, full, best


@njit(cache=True)
def clean_sorted(t, y, err):
    """True when every point of a chi(T) data set is kept as it is by the fit's data preparation
    (:func:`magfit.fitting._prepare`): T and chi finite, T > 0, T non-decreasing, and every error
    bar of ``err`` finite and positive (``err`` empty: none used)."""
    for i in range(t.size):
        if not (math.isfinite(t[i]) and math.isfinite(y[i]) and t[i] > 0):
            return False
        if i > 0 and not t[i] >= t[i - 1]:
            return False
    for i in range(err.size):
        if not (math.isfinite(err[i]) and err[i] > 0):
            return False
    return True
