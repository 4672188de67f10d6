"""Compiled kernel (numba, cache=True) of :func:`magfit.varpro.fit_windows` for Curie-Weiss (issue 12).

The same search as the numpy path of :mod:`magfit.varpro`, window by window instead of on
(windows, points) arrays:

* **grid start** -- the windows are nested (one upper end, different first points), so for one
  grid theta every window's 2 x 2 normal equations are suffix sums over the points: one backward
  sweep over the points, accumulating the sums of every grid node, serves all windows
  (O(n_grid n), not O(windows n_grid n)); the best node of each window (first minimum, theta <=
  its upper bound) starts its polish;
* **polish** -- secant / Gauss-Newton (Kaufman) steps on the profile of each window with the
  trust region, step shortening and stopping rules of :func:`magfit.varpro._polish`, explicit
  residuals (three passes over the window per step).

Numbers agree with the numpy path to round-off (the sums are accumulated in another order).

Reference: G. H. Golub and V. Pereyra, SIAM J. Numer. Anal. 10, 413 (1973); L. Kaufman, BIT 15,
49 (1975).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy")
def _cost2(s0, s1, s2, r0, r1, yy, constant):
    """Profile cost from the normal-equation sums (as varpro._grid_cost: scaled, Cramer's rule)."""
    n0 = math.sqrt(s2)
    a00 = s2 / (n0 * n0)
    b0 = r1 / n0
    if not constant:
        return yy - (b0 / a00) * b0
    n1 = math.sqrt(s0)
    a01 = s1 / (n0 * n1)
    a11 = s0 / (n1 * n1)
    b1 = r0 / n1
    det = a00 * a11 - a01 * a01
    x0 = (b0 * a11 - a01 * b1) / det
    x1 = (a00 * b1 - b0 * a01) / det
    return yy - (x0 * b0 + x1 * b1)


@njit(cache=True, error_model="numpy")
def grid_start(t, y, w, starts, order, grid, theta_max, constant):
    """Best grid theta per window [t[starts[k]], t[-1]] (theta_max[k] where no node is finite);
    ``order``: the windows by decreasing first index.

    One backward sweep over the points with the grid nodes inner (independent accumulators per
    node, which the compiler vectorises); at each window's first point its cost at every node is
    read from the running sums."""
    n = t.size
    m = grid.size
    k_win = starts.size
    best = np.empty(k_win)
    best[:] = np.inf
    out = theta_max.copy()
    s1 = np.zeros(m)
    s2 = np.zeros(m)
    r1 = np.zeros(m)
    s0 = r0 = yy = 0.0
    p = 0
    for i in range(n - 1, -1, -1):
        ti = t[i]
        w2 = w[i] * w[i]
        w2y = w2 * y[i]
        s0 += w2
        r0 += w2y
        yy += w2y * y[i]
        for j in range(m):
            f = 1.0 / (ti - grid[j])
            s1[j] += w2 * f
            s2[j] += w2 * (f * f)
            r1[j] += w2y * f
        while p < k_win and starts[order[p]] == i:
            k = order[p]
            p += 1
            for j in range(m):
                c = _cost2(s0, s1[j], s2[j], r0, r1[j], yy, constant)
                if math.isfinite(c) and grid[j] <= theta_max[k] and c < best[k]:
                    best[k] = c
                    out[k] = grid[j]
    return out


@njit(cache=True, error_model="numpy")
def _lin(s00, s01, s11, b0, b1, constant):
    """Least-squares amplitudes on the columns (w f, w): varpro._solve_linear for P = 1 or 2."""
    n0 = math.sqrt(s00)
    n0 = n0 if n0 > 0 else 1.0
    if not constant:
        x0 = b0 / n0 / 1.0 / n0
        return (x0, 0.0) if math.isfinite(x0) else (np.nan, np.nan)
    n1 = math.sqrt(s11)
    n1 = n1 if n1 > 0 else 1.0
    a01 = s01 / (n0 * n1)
    bb0 = b0 / n0
    bb1 = b1 / n1
    det = 1.0 - a01 * a01
    x0 = (bb0 - a01 * bb1) / det / n0
    x1 = (bb1 - bb0 * a01) / det / n1
    if math.isfinite(x0) and math.isfinite(x1):
        return x0, x1
    return np.nan, np.nan


@njit(cache=True, error_model="numpy")
def _state(t, y, w, i0, theta, constant, f, r, g):
    """Amplitudes and cost at theta; fills f = 1/(T - theta), residuals r and the theta column g."""
    n = t.size
    s00 = s01 = s11 = b0 = b1 = 0.0
    for i in range(i0, n):
        fi = 1.0 / (t[i] - theta)
        f[i] = fi
        a = w[i] * fi
        wy = w[i] * y[i]
        s00 += a * a
        s01 += a * w[i]
        s11 += w[i] * w[i]
        b0 += a * wy
        b1 += w[i] * wy
    c, c0 = _lin(s00, s01, s11, b0, b1, constant)
    cost = 0.0
    for i in range(i0, n):
        a = w[i] * f[i]
        ri = w[i] * y[i] - (c * a + c0 * w[i]) if constant else w[i] * y[i] - c * a
        r[i] = ri
        cost += ri * ri
        g[i] = c * a * f[i]
    if not math.isfinite(cost):
        cost = np.inf
    return c, c0, cost


@njit(cache=True, error_model="numpy")
def _slope(t, w, i0, constant, f, r, g):
    """Gauss-Newton quantities of the projected theta column: (|g_perp|^2, g_perp . r)."""
    n = t.size
    s00 = s01 = s11 = b0 = b1 = 0.0
    for i in range(i0, n):
        a = w[i] * f[i]
        s00 += a * a
        s01 += a * w[i]
        s11 += w[i] * w[i]
        b0 += a * g[i]
        b1 += w[i] * g[i]
    p0, p1 = _lin(s00, s01, s11, b0, b1, constant)
    den = 0.0
    d = 0.0
    for i in range(i0, n):
        a = w[i] * f[i]
        gp = g[i] - (p0 * a + p1 * w[i]) if constant else g[i] - p0 * a
        den += gp * gp
        d += gp * r[i]
    return den, d


@njit(cache=True, error_model="numpy")
def _polish_one(t, y, w, i0, theta, theta_max, theta_min, constant, cost_tol, max_iter, step_tol,
                r_out):
    """varpro._polish for one window; the final weighted residuals are written to r_out[i0:].

    (The one-window fit has its own polish, :func:`magfit._single_fit_kernel._polish`, the twin of
    another numpy reference; see there why the two are not merged.)"""
    n = t.size
    f, r, g = np.zeros(n), np.zeros(n), np.zeros(n)
    f2, r2, g2 = np.zeros(n), np.zeros(n), np.zeros(n)
    c, c0, cost = _state(t, y, w, i0, theta, constant, f, r, g)
    scale = max(abs(theta), abs(theta_max), 1.0)
    shrink = 1.0
    active = math.isfinite(cost)
    prev_theta = np.nan
    prev_d = np.nan
    for _ in range(max_iter):
        if not active:
            break
        den, d = _slope(t, w, i0, constant, f, r, g)
        gn = d / den if den > 0 else 0.0
        if d * gn <= cost_tol * cost:
            break
        slope = (d - prev_d) / (theta - prev_theta) if theta != prev_theta else np.nan
        sec = -d / slope if slope != 0.0 else np.nan
        use_sec = math.isfinite(sec) and slope < 0 and shrink == 1.0
        delta = (sec if use_sec else gn) * shrink
        if not math.isfinite(delta):
            delta = 0.0
        u = theta_max - theta
        trial = min(max(theta + delta, theta_max - 10.0 * u), theta_max - 0.1 * u)
        trial = max(trial, min(theta_min, theta))
        c2, c02, cost2 = _state(t, y, w, i0, trial, constant, f2, r2, g2)
        moved = abs(trial - theta)
        if cost2 <= cost:
            prev_theta = theta
            prev_d = d
            theta, c, c0, cost = trial, c2, c02, cost2
            f, f2 = f2, f
            r, r2 = r2, r
            g, g2 = g2, g
            shrink = 1.0
        else:
            shrink *= 0.25
        if moved <= step_tol * scale or shrink < 1e-6:
            break
    for i in range(i0, n):
        r_out[i] = r[i]
    return theta, c, c0, cost


@njit(cache=True, error_model="numpy")
def polish_windows(t, y, w, starts, theta0, theta_max, theta_min, constant, cost_tol, max_iter, step_tol):
    """Polished theta, amplitudes (C, chi0), cost and residuals (K, n; 0 outside) of every window."""
    k_win = starts.size
    theta = np.empty(k_win)
    coef = np.empty((k_win, 2 if constant else 1))
    cost = np.empty(k_win)
    resid = np.zeros((k_win, t.size))
    for k in range(k_win):
        th, c, c0, cs = _polish_one(t, y, w, starts[k], theta0[k], theta_max[k], theta_min[k], constant,
                                    cost_tol, max_iter, step_tol, resid[k])
        theta[k] = th
        coef[k, 0] = c
        if constant:
            coef[k, 1] = c0
        cost[k] = cs
    return theta, coef, cost, resid


@njit(cache=True, error_model="numpy")
def _sign(x):
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    return x * 0.0                     # 0 for +-0, NaN for NaN (as np.sign)


@njit(cache=True, error_model="numpy")
def window_stats(t, w, starts, theta, c, resid):
    """Per window (one pass, two for the variance): J^T J over (theta, C, chi0) with the columns
    (C f^2 w, f w, w), f = 1/(T - theta), as varpro.cw_covariance builds them; and the sums of the
    residual trend tests of window._trend_arrays: positive and negative signs, sign changes, the
    sum of the lowest max(3, n//4) residuals, and the sum of squared deviations from the mean."""
    n = t.size
    k_win = starts.size
    jtj = np.zeros((k_win, 3, 3))
    counts = np.zeros((k_win, 3), dtype=np.int64)          # n+, n-, sign changes
    sums = np.zeros((k_win, 2))                             # low-end sum, squared deviations
    for k in range(k_win):
        i0 = starts[k]
        m = n - i0
        kq = max(3, m // 4)
        s00 = s01 = s02 = s11 = s12 = s22 = 0.0
        n_pos = n_neg = changes = 0
        low = total = 0.0
        prev = 0.0
        for i in range(i0, n):
            f = 1.0 / (t[i] - theta[k])
            a = c[k] * f * f * w[i]
            b = f * w[i]
            s00 += a * a
            s01 += a * b
            s02 += a * w[i]
            s11 += b * b
            s12 += b * w[i]
            s22 += w[i] * w[i]
            r = resid[k, i]
            sg = _sign(r)
            if sg > 0:
                n_pos += 1
            elif sg < 0:
                n_neg += 1
            if i > i0 and sg != prev:
                changes += 1
            prev = sg
            if i < i0 + kq:
                low += r
            total += r
        mean = total / m
        ss = 0.0
        for i in range(i0, n):
            d = resid[k, i] - mean
            ss += d * d
        jtj[k, 0, 0] = s00
        jtj[k, 0, 1] = jtj[k, 1, 0] = s01
        jtj[k, 0, 2] = jtj[k, 2, 0] = s02
        jtj[k, 1, 1] = s11
        jtj[k, 1, 2] = jtj[k, 2, 1] = s12
        jtj[k, 2, 2] = s22
        counts[k, 0] = n_pos
        counts[k, 1] = n_neg
        counts[k, 2] = changes
        sums[k, 0] = low
        sums[k, 1] = ss
    return jtj, counts, sums
