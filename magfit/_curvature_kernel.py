"""Compiled kernel (numba, cache=True) of the curvature test's extended fit (issue 12).

Minimum over theta < T_min of the weighted RSS of chi = a/(T - theta) + d/(T - theta)^3 [+ chi0]
for every suffix window [t[i], t[-1]] of T-sorted data: for fixed theta the amplitudes come from
column-scaled normal equations (Cramer's rule) and the RSS from explicit residuals (a second pass:
the normal equations alone lose the RSS to cancellation, the two columns being nearly collinear);
theta is searched on a log grid in u = T_min - theta, then by Brent's bounded minimisation
(golden section + parabolic interpolation, as scipy's ``fminbound`` used by the frozen reference)
between the best grid point's neighbours (the search of :func:`magfit.window.curvature_test`).
The sums are compiled with reassociation allowed (``fastmath`` without the no-NaN/no-inf
assumptions), so they vectorise; results differ from a sequential sum at round-off.

Reference: R. P. Brent, *Algorithms for Minimization without Derivatives* (1973), ch. 5;
G. E. Forsythe, M. A. Malcolm and C. B. Moler, *Computer Methods for Mathematical Computations*
(1977), procedure ``fmin``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

_FAST = {"reassoc", "contract", "nsz", "arcp"}
#: (3 - sqrt(5)) / 2, the golden-section fraction of Brent's method
_GOLD = 0.3819660112501051
_SQRT_EPS = 1.4901161193847656e-08
#: continued fraction of the F(1, d) p-value: relative convergence and a safety cap on the terms
#: (magfit._numeric's values)
_EPS = 1e-14
_MAX_TERMS = 500


@njit(cache=True, error_model="numpy")
def _solve(s11, s13, s33, s1c, s3c, scc, b1, b3, bc, constant):
    """Amplitudes (a, d, chi0) from the column-scaled normal equations (Cramer's rule); NaN when
    singular."""
    n1 = math.sqrt(s11)
    n3 = math.sqrt(s33)
    nc = math.sqrt(scc) if constant else 1.0
    if n1 == 0.0 or n3 == 0.0 or nc == 0.0:
        return np.nan, np.nan, np.nan
    a13 = s13 / (n1 * n3)
    r1 = b1 / n1
    r3 = b3 / n3
    if constant:
        a1c = s1c / (n1 * nc)
        a3c = s3c / (n3 * nc)
        rc = bc / nc
        det = 1.0 * (1.0 - a3c * a3c) - a13 * (a13 - a3c * a1c) + a1c * (a13 * a3c - a1c)
        if det == 0.0 or not math.isfinite(det):
            return np.nan, np.nan, np.nan
        x1 = (r1 * (1.0 - a3c * a3c) - a13 * (r3 - a3c * rc) + a1c * (r3 * a3c - rc)) / det
        x3 = (1.0 * (r3 - a3c * rc) - r1 * (a13 - a3c * a1c) + a1c * (a13 * rc - r3 * a1c)) / det
        xc = (1.0 * (rc - a3c * r3) - a13 * (a13 * rc - a1c * r3) + r1 * (a13 * a3c - a1c)) / det
        c0 = xc / nc
    else:
        det = 1.0 - a13 * a13
        if det == 0.0 or not math.isfinite(det):
            return np.nan, np.nan, np.nan
        x1 = (r1 - a13 * r3) / det
        x3 = (r3 - a13 * r1) / det
        c0 = 0.0
    return x1 / n1, x3 / n3, c0


@njit(cache=True, fastmath=_FAST, error_model="numpy")
def _rss(t, y, w, i0, theta, constant, buf):
    n = t.size
    s11 = s13 = s33 = s1c = s3c = scc = b1 = b3 = bc = 0.0
    for i in range(i0, n):
        f = 1.0 / (t[i] - theta)
        buf[i] = f
        w2 = w[i] * w[i]
        f3 = f * f * f
        s11 += w2 * f * f
        s13 += w2 * f * f3
        s33 += w2 * f3 * f3
        b1 += w2 * f * y[i]
        b3 += w2 * f3 * y[i]
        s1c += w2 * f
        s3c += w2 * f3
        scc += w2
        bc += w2 * y[i]
    c1, c3, c0 = _solve(s11, s13, s33, s1c, s3c, scc, b1, b3, bc, constant)
    if not math.isfinite(c1):
        return np.inf
    out = 0.0
    for i in range(i0, n):
        f = buf[i]                      # 1/(T - theta) from the first pass (one division per point)
        r = w[i] * (y[i] - c1 * f - c3 * f * f * f - c0)
        out += r * r
    return out if math.isfinite(out) else np.inf


@njit(cache=True, error_model="numpy")
def _grid_rss(t, y, w, i0, theta, constant, sums, coef, out):
    """_rss at every theta of a grid at once: the points outer, the grid nodes inner (independent
    accumulators per node, which the compiler vectorises), two passes over the window."""
    n = t.size
    m = theta.size
    sums[:, :] = 0.0
    scc = bc = 0.0
    for i in range(i0, n):
        ti = t[i]
        w2 = w[i] * w[i]
        w2y = w2 * y[i]
        scc += w2
        bc += w2y
        for j in range(m):
            f = 1.0 / (ti - theta[j])
            f3 = f * f * f
            sums[0, j] += w2 * f * f
            sums[1, j] += w2 * f * f3
            sums[2, j] += w2 * f3 * f3
            sums[3, j] += w2y * f
            sums[4, j] += w2y * f3
            sums[5, j] += w2 * f
            sums[6, j] += w2 * f3
    for j in range(m):
        c1, c3, c0 = _solve(sums[0, j], sums[1, j], sums[2, j], sums[5, j], sums[6, j], scc, sums[3, j],
                            sums[4, j], bc, constant)
        coef[0, j] = c1
        coef[1, j] = c3
        coef[2, j] = c0
        out[j] = 0.0
    for i in range(i0, n):
        ti = t[i]
        wi = w[i]
        yi = y[i]
        for j in range(m):
            f = 1.0 / (ti - theta[j])
            r = wi * (yi - coef[0, j] * f - coef[1, j] * f * f * f - coef[2, j])
            out[j] += r * r
    for j in range(m):
        if not (math.isfinite(out[j]) and math.isfinite(coef[0, j])):
            out[j] = np.inf


@njit(cache=True, error_model="numpy")
def _brent(t, y, w, i0, tmin, a, b, constant, xatol, buf):
    """Minimum of the RSS over log u in [a, b] by Brent's bounded method (FMM ``fmin``)."""
    x = a + _GOLD * (b - a)
    v = x
    wp = x
    fx = _rss(t, y, w, i0, tmin - math.exp(x), constant, buf)
    fv = fx
    fw = fx
    d = 0.0
    e = 0.0
    for _ in range(500):
        xm = 0.5 * (a + b)
        tol1 = _SQRT_EPS * abs(x) + xatol / 3.0
        tol2 = 2.0 * tol1
        if abs(x - xm) <= tol2 - 0.5 * (b - a):
            break
        golden = True
        if abs(e) > tol1:
            r = (x - wp) * (fx - fv)
            q = (x - v) * (fx - fw)
            p = (x - v) * q - (x - wp) * r
            q = 2.0 * (q - r)
            if q > 0.0:
                p = -p
            q = abs(q)
            r = e
            e = d
            if abs(p) < abs(0.5 * q * r) and p > q * (a - x) and p < q * (b - x):
                d = p / q
                u = x + d
                if u - a < tol2 or b - u < tol2:
                    d = tol1 if xm >= x else -tol1
                golden = False
        if golden:
            e = (a - x) if x >= xm else (b - x)
            d = _GOLD * e
        u = x + (d if abs(d) >= tol1 else (tol1 if d >= 0.0 else -tol1))
        fu = _rss(t, y, w, i0, tmin - math.exp(u), constant, buf)
        if fu <= fx:
            if u >= x:
                a = x
            else:
                b = x
            v, fv, wp, fw, x, fx = wp, fw, x, fx, u, fu
        else:
            if u < x:
                a = u
            else:
                b = u
            if fu <= fw or wp == x:
                v, fv, wp, fw = wp, fw, u, fu
            elif fu <= fv or v == x or v == wp:
                v, fv = u, fu
    return fx


@njit(cache=True, error_model="numpy")
def ext_rss_windows(t, y, w, starts, constant, n_grid, xatol):
    """Minimum extended-model RSS per suffix window (see the module docstring)."""
    out = np.empty(starts.size)
    buf = np.empty(t.size)
    theta = np.empty(n_grid)
    sums = np.empty((7, n_grid))
    coef = np.empty((3, n_grid))
    cost = np.empty(n_grid)
    for k in range(starts.size):
        i0 = starts[k]
        tmin = t[i0]
        tmax = t[t.size - 1]
        u_lo = 1e-6 * max(tmax - tmin + abs(tmin), 1.0)
        u_hi = 1e3 * max(tmax, abs(tmin), 1.0)
        l_lo = math.log(u_lo)
        step = (math.log(u_hi) - l_lo) / (n_grid - 1)
        for j in range(n_grid):
            theta[j] = tmin - math.exp(l_lo + j * step)
        _grid_rss(t, y, w, i0, theta, constant, sums, coef, cost)
        best = np.inf
        ib = 0
        for j in range(n_grid):
            if cost[j] < best:
                best = cost[j]
                ib = j
        a = l_lo + max(ib - 1, 0) * step
        b = l_lo + min(ib + 1, n_grid - 1) * step
        out[k] = min(best, _brent(t, y, w, i0, tmin, a, b, constant, xatol, buf))
    return out


@njit(cache=True, error_model="numpy")
def _ibeta_cf(a, b, x, xc):
    """I_x(a, b) by its continued fraction (magfit._numeric._ibeta_cf_scalar, the same terms and
    stopping rule)."""
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(xc)
    c = 1.0
    dd = 1.0 / (1.0 - (a + b) * x / (a + 1.0))
    h = dd
    for m in range(1, _MAX_TERMS):
        am2 = a + 2.0 * m
        step = 1.0
        for half in range(2):
            if half == 0:
                coef = m * (b - m) * x / ((am2 - 1.0) * am2)
            else:
                coef = -(a + m) * (a + b + m) * x / (am2 * (am2 + 1.0))
            dd = 1.0 / (1.0 + coef * dd)
            c = 1.0 + coef / c
            step = dd * c
            h *= step
        if abs(step - 1.0) < _EPS:
            break
    return math.exp(log_front) * h / a


@njit(cache=True, error_model="numpy")
def _f_sf_one(f, d):
    """P(F > f) for F(1, d) (see :func:`f_sf_dfn1`)."""
    if not (math.isfinite(d) and d > 0) or math.isnan(f):
        return np.nan
    if f <= 0:
        return 1.0
    if math.isinf(f):
        return 0.0
    a = 0.5 * d
    x = a / (a + 0.5 * f)
    xc = 0.5 * f / (a + 0.5 * f)
    if x >= (a + 1.0) / (a + 2.5):
        return 1.0 - _ibeta_cf(0.5, a, xc, x)
    return _ibeta_cf(a, 0.5, x, xc)


@njit(cache=True, error_model="numpy")
def f_sf_dfn1(stat, dfd):
    """P(F > stat) for F(1, dfd), element by element (magfit._numeric.f_sf_dfn1 compiled: I_x(dfd/2,
    1/2), x = dfd/(dfd + stat), by its continued fraction or 1 - I_{1-x}(1/2, dfd/2))."""
    out = np.empty(stat.size)
    for k in range(stat.size):
        out[k] = _f_sf_one(stat[k], dfd[k])
    return out


@njit(cache=True, error_model="numpy")
def curvature_one(t, y, w, rss_cw, constant, n_grid, xatol, exact_rel2):
    """(F, p) of the curvature test of one T-sorted window given its Curie-Weiss RSS ``rss_cw``:
    the steps of :func:`magfit.window._curvature_arrays` for one window in one call (the extended
    fit, the scale sum((w y)^2) summed from the top as numpy's reversed cumsum, F with IEEE division
    and the F(1, n - p_ext) p-value); (0, 1) when undefined (non-finite RSS, residuals at round-off:
    ``exact_rel2`` is window.EXACT_RESIDUAL_REL squared)."""
    if not math.isfinite(rss_cw):
        return 0.0, 1.0
    rss_ext = ext_rss_windows(t, y, w, np.zeros(1, dtype=np.int64), constant, n_grid, xatol)[0]
    scale = 0.0
    for i in range(t.size - 1, -1, -1):
        wy = w[i] * y[i]
        scale += wy * wy
    dof = float(t.size - (4 if constant else 3))
    gain = rss_cw - rss_ext
    if 0.0 > gain:                      # Python's max(gain, 0.0) (keeps -0.0 and NaN)
        gain = 0.0
    f = gain / (rss_ext / dof)
    if not (math.isfinite(rss_ext) and math.isfinite(f) and rss_ext > exact_rel2 * scale):
        return 0.0, 1.0
    return f, _f_sf_one(f, dof)
