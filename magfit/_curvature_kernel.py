"""Compiled kernel (numba, cache=True) of the curvature test's extended fit (issue 12).

Minimum over theta < T_min of the weighted RSS of chi = a/(T - theta) + d/(T - theta)^3 [+ chi0]
for every suffix window [t[i], t[-1]] of T-sorted data: for fixed theta the amplitudes come from
column-scaled normal equations (Cramer's rule) and the RSS from explicit residuals (a second pass:
the normal equations alone lose the RSS to cancellation, the two columns being nearly collinear);
theta is searched on a log grid in u = T_min - theta, then by golden-section search between the
best grid point's neighbours (the search of :func:`magfit.window.curvature_test`).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def _rss(t, y, w, i0, theta, constant):
    n = t.size
    s11 = s13 = s33 = s1c = s3c = scc = b1 = b3 = bc = 0.0
    for i in range(i0, n):
        f = 1.0 / (t[i] - theta)
        w2 = w[i] * w[i]
        f3 = f * f * f
        s11 += w2 * f * f
        s13 += w2 * f * f3
        s33 += w2 * f3 * f3
        b1 += w2 * f * y[i]
        b3 += w2 * f3 * y[i]
        if constant:
            s1c += w2 * f
            s3c += w2 * f3
            scc += w2
            bc += w2 * y[i]
    n1 = math.sqrt(s11)
    n3 = math.sqrt(s33)
    nc = math.sqrt(scc) if constant else 1.0
    if n1 == 0.0 or n3 == 0.0 or nc == 0.0:
        return np.inf
    a13 = s13 / (n1 * n3)
    r1 = b1 / n1
    r3 = b3 / n3
    if constant:
        a1c = s1c / (n1 * nc)
        a3c = s3c / (n3 * nc)
        rc = bc / nc
        det = 1.0 * (1.0 - a3c * a3c) - a13 * (a13 - a3c * a1c) + a1c * (a13 * a3c - a1c)
        if det == 0.0 or not math.isfinite(det):
            return np.inf
        x1 = (r1 * (1.0 - a3c * a3c) - a13 * (r3 - a3c * rc) + a1c * (r3 * a3c - rc)) / det
        x3 = (1.0 * (r3 - a3c * rc) - r1 * (a13 - a3c * a1c) + a1c * (a13 * rc - r3 * a1c)) / det
        xc = (1.0 * (rc - a3c * r3) - a13 * (a13 * rc - a1c * r3) + r1 * (a13 * a3c - a1c)) / det
        c0 = xc / nc
    else:
        det = 1.0 - a13 * a13
        if det == 0.0 or not math.isfinite(det):
            return np.inf
        x1 = (r1 - a13 * r3) / det
        x3 = (r3 - a13 * r1) / det
        c0 = 0.0
    c1 = x1 / n1
    c3 = x3 / n3
    out = 0.0
    for i in range(i0, n):
        f = 1.0 / (t[i] - theta)
        r = w[i] * (y[i] - c1 * f - c3 * f * f * f - c0)
        out += r * r
    return out if math.isfinite(out) else np.inf


@njit(cache=True)
def ext_rss_windows(t, y, w, starts, constant, n_grid, xatol):
    """Minimum extended-model RSS per suffix window (see the module docstring)."""
    out = np.empty(starts.size)
    g = 0.5 * (math.sqrt(5.0) - 1.0)
    for k in range(starts.size):
        i0 = starts[k]
        tmin = t[i0]
        tmax = t[t.size - 1]
        u_lo = 1e-6 * max(tmax - tmin + abs(tmin), 1.0)
        u_hi = 1e3 * max(tmax, abs(tmin), 1.0)
        l_lo = math.log(u_lo)
        step = (math.log(u_hi) - l_lo) / (n_grid - 1)
        best = np.inf
        ib = 0
        for j in range(n_grid):
            c = _rss(t, y, w, i0, tmin - math.exp(l_lo + j * step), constant)
            if c < best:
                best = c
                ib = j
        a = l_lo + max(ib - 1, 0) * step
        b = l_lo + min(ib + 1, n_grid - 1) * step
        x1 = b - g * (b - a)
        x2 = a + g * (b - a)
        f1 = _rss(t, y, w, i0, tmin - math.exp(x1), constant)
        f2 = _rss(t, y, w, i0, tmin - math.exp(x2), constant)
        while b - a > xatol:
            if f1 < f2:
                b = x2
                x2 = x1
                f2 = f1
                x1 = b - g * (b - a)
                f1 = _rss(t, y, w, i0, tmin - math.exp(x1), constant)
            else:
                a = x1
                x1 = x2
                f1 = f2
                x2 = a + g * (b - a)
                f2 = _rss(t, y, w, i0, tmin - math.exp(x2), constant)
        out[k] = min(best, f1, f2)
    return out
