"""Fast Curie-Weiss fits by variable projection (no lmfit): one window or every suffix window at once.

For fixed theta the models chi = sum_p a_p/(T - theta)^p [+ chi0] are linear in the amplitudes
(C = a_1, D = a_3, chi0), which are solved in closed form; only the one-dimensional profile
S(theta) = min_a sum_i w_i^2 (chi_i - model_i)^2 remains. theta is searched on a log grid in
u = T_min - theta (theta in [-1e3 T_scale, T_min)), then polished by Gauss-Newton steps on the
projected Jacobian (Kaufman's variant of variable projection) until the step is at round-off.
Covariances come from the full Jacobian d model/d(theta, a, chi0) scaled by the reduced
chi-square, as lmfit's ``scale_covar=True``.

:func:`fit_windows` fits the windows [t[i], t[-1]] of T-sorted data for many start indices i with
arrays of shape (windows, points), so the whole T_min scan of :mod:`magfit.window` costs a few
numpy passes over the data instead of one lmfit fit per window; it is linear in the number of
points (no grid x points x windows temporaries). ``compiled=True`` runs the same search in numba
(:mod:`magfit._varpro_kernel`): the grid start from suffix sums (one sweep over the points serves
every nested window), then each window's polish.

References
----------
G. H. Golub and V. Pereyra, SIAM J. Numer. Anal. 10, 413 (1973); L. Kaufman, BIT 15, 49 (1975).
"""

from __future__ import annotations

import math

import numpy as np

from ._numeric import use_compiled
from .errors import FitError

__all__ = ["varpro_fit", "fit_windows", "N_GRID"]

#: log-grid points in u = T_min - theta for the global search of each window (16: the same optimum
#: as 48 points in every window of 104 seeded cases and the sample data, chi0 fitted or not, rss
#: within 1e-12; the shared grid, and its cost, shrinks threefold)
N_GRID = 16
#: Gauss-Newton iterations at most
_MAX_ITER = 60
#: relative step below which a window is converged
_STEP_TOL = 1e-12
#: relative cost decrease below which the theta search stops
_COST_TOL = 1e-14
#: ... for models beyond Curie-Weiss (only their minimum cost is used: F-test)
_COST_TOL_EXT = 1e-10
#: grid x points values per chunk of the grid search (bounds memory for large data sets)
_CHUNK = 1_000_000


def _u_range(tmin: np.ndarray, tmax: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Search range of u = T_min - theta (as :func:`magfit.models.profile_theta`)."""
    u_lo = 1e-6 * np.maximum(tmax - tmin + np.abs(tmin), 1.0)
    u_hi = 1e3 * np.maximum(np.maximum(tmax, np.abs(tmin)), 1.0)
    return u_lo, u_hi


def _basis(f: np.ndarray, powers: tuple[int, ...], constant: bool, w: np.ndarray) -> list[np.ndarray]:
    """Weighted basis columns [w f^p ..., w] (each shaped like f)."""
    cols = []
    for p in powers:
        fp = f
        for _ in range(p - 1):
            fp = fp * f
        cols.append(w * fp)
    if constant:
        cols.append(np.broadcast_to(w, f.shape))
    return cols


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("...n,...n->...", a, b)


def _inv_small(a: np.ndarray) -> np.ndarray:
    """Inverse of stacked 1x1, 2x2 or 3x3 matrices (..., P, P) by the adjugate; singular -> inf/NaN."""
    p = a.shape[-1]
    with np.errstate(all="ignore"):
        if p == 1:
            return 1.0 / a
        if p == 2:
            det = a[..., 0, 0] * a[..., 1, 1] - a[..., 0, 1] * a[..., 1, 0]
            inv = np.stack([np.stack([a[..., 1, 1], -a[..., 0, 1]], -1),
                            np.stack([-a[..., 1, 0], a[..., 0, 0]], -1)], -2)
            return inv / det[..., None, None]
        cof = np.empty_like(a)
        for i in range(3):
            for j in range(3):
                r = [k for k in range(3) if k != i]
                c = [k for k in range(3) if k != j]
                cof[..., j, i] = (-1) ** (i + j) * (a[..., r[0], c[0]] * a[..., r[1], c[1]]
                                                   - a[..., r[0], c[1]] * a[..., r[1], c[0]])
        det = np.einsum("...j,...j->...", a[..., 0, :], cof[..., :, 0])
        return cof / det[..., None, None]


def _solve_linear(cols: list[np.ndarray], wy: np.ndarray) -> np.ndarray:
    """Least-squares amplitudes (..., P) for weighted basis columns ``cols`` and targets ``wy``.

    Column-scaled normal equations (the columns differ by orders of magnitude), solved in closed
    form (Cramer's rule, P <= 3); singular or non-finite systems give NaN.
    """
    p = len(cols)
    with np.errstate(all="ignore"):
        nrm = [np.sqrt(_dot(c, c)) for c in cols]
        nrm = [np.where(v > 0, v, 1.0) for v in nrm]
        a = [[None] * p for _ in range(p)]
        for i in range(p):
            a[i][i] = 1.0
            for j in range(i + 1, p):
                a[i][j] = a[j][i] = _dot(cols[i], cols[j]) / (nrm[i] * nrm[j])
        b = [_dot(c, wy) / v for c, v in zip(cols, nrm, strict=True)]
        x = _cramer(a, b)
        coef = np.stack([xi / v for xi, v in zip(x, nrm, strict=True)], -1)
    return np.where(np.isfinite(coef).all(axis=-1, keepdims=True), coef, np.nan)


def _cramer(a, b):
    """Solve a x = b for P <= 3 given as nested lists of (broadcastable) arrays."""
    p = len(b)
    if p == 1:
        return [b[0] / a[0][0]]
    if p == 2:
        det = a[0][0] * a[1][1] - a[0][1] * a[1][0]
        return [(b[0] * a[1][1] - a[0][1] * b[1]) / det, (a[0][0] * b[1] - b[0] * a[1][0]) / det]
    if p != 3:
        raise ValueError("at most 3 linear parameters")

    def det3(m):
        return (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]))

    det = det3(a)
    out = []
    for k in range(3):
        m = [[b[i] if j == k else a[i][j] for j in range(3)] for i in range(3)]
        out.append(det3(m) / det)
    return out


def _combine(coef: np.ndarray, cols: list[np.ndarray]) -> np.ndarray:
    out = coef[..., 0, None] * cols[0]
    for j in range(1, len(cols)):
        out = out + coef[..., j, None] * cols[j]
    return out


def _shared_grid(t, starts, n_grid, extra_theta) -> np.ndarray:
    """One theta grid serving every window: each window's log grid in u = T_min - theta, kept only
    between the next lower window's T_min and its own (lower theta is covered, more finely, by the
    lower windows' grids); the lowest window keeps its whole grid."""
    tmin = t[starts]
    u_lo, u_hi = _u_range(tmin, np.full_like(tmin, t[-1]))
    frac = np.linspace(0.0, 1.0, n_grid)
    lu = np.log(u_lo)[:, None] + frac[None, :] * np.log(u_hi / u_lo)[:, None]
    theta = tmin[:, None] - np.exp(lu)
    lower = np.full(tmin.shape, -np.inf)
    srt = np.argsort(tmin, kind="stable")
    lower[srt[1:]] = tmin[srt[:-1]]
    grid = theta[theta > lower[:, None]]
    if extra_theta is not None:
        grid = np.concatenate([grid, np.asarray(extra_theta, dtype=float)[np.isfinite(extra_theta)]])
    return np.unique(grid)


def _suffix(a: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Sums of a[..., i:] for every i in ``starts``: segment sums between consecutive distinct
    starts (np.add.reduceat), then a reverse cumulative sum over the few segments."""
    uniq, inverse = np.unique(starts, return_inverse=True)
    seg = np.add.reduceat(a, uniq, axis=-1)
    return np.cumsum(seg[..., ::-1], axis=-1)[..., ::-1][..., inverse]


def _grid_start(t, y, w, starts, powers, constant, n_grid, extra_theta, theta_max) -> np.ndarray:
    """Best theta of each window on the shared grid, from suffix sums of the normal equations
    (grid processed in chunks of at most ``_CHUNK`` grid x point values: memory stays bounded)."""
    grid = _shared_grid(t, starts, n_grid, extra_theta)
    best_cost = np.full(len(starts), np.inf)
    best_theta = np.array(theta_max, dtype=float)
    per = max(1, _CHUNK // max(t.size, 1))
    for c0 in range(0, grid.size, per):
        g = grid[c0:c0 + per]
        cost = _grid_cost(t, y, w, starts, powers, constant, g)
        cost = np.where(np.isfinite(cost) & (g[:, None] <= theta_max[None, :]), cost, np.inf)
        i = np.argmin(cost, axis=0)
        c = cost[i, np.arange(len(starts))]
        better = c < best_cost
        best_cost = np.where(better, c, best_cost)
        best_theta = np.where(better, g[i], best_theta)
    return best_theta


def _grid_cost(t, y, w, starts, powers, constant, grid) -> np.ndarray:
    """Profile cost (normal equations from suffix sums) at each grid theta for each window: (M, K)."""
    w2 = w * w
    with np.errstate(all="ignore"):
        f = 1.0 / (t[None, :] - grid[:, None])                     # (M, n)
        pw = sorted({p for p in powers} | {p + q for p in powers for q in powers})
        fpow = {1: f}
        for k in range(2, max(pw) + 1):
            fpow[k] = fpow[k - 1] * f
        sums = {k: _suffix(w2 * fpow[k], starts) for k in pw}
        sums[0] = np.broadcast_to(_suffix(w2, starts), (grid.size, len(starts)))
        rhs = {k: _suffix(w2 * y * fpow[k], starts) for k in powers}
        if constant:
            rhs[0] = np.broadcast_to(_suffix(w2 * y, starts), (grid.size, len(starts)))
        yy = _suffix(w2 * y * y, starts)
        basis = list(powers) + ([0] if constant else [])
        nrm = [np.sqrt(sums[2 * p]) if p else np.sqrt(sums[0]) for p in basis]
        a = [[sums[p + q] / (nrm[i] * nrm[j]) for j, q in enumerate(basis)] for i, p in enumerate(basis)]
        bb = [rhs[p] / nrm[i] for i, p in enumerate(basis)]
        x = _cramer(a, bb)
        return yy[None, :] - sum(xi * bi for xi, bi in zip(x, bb, strict=True))


def _grid_start_explicit(t, y, w, starts, powers, constant, n_grid, extra_theta, theta_max) -> np.ndarray:
    """Best theta of each window on its own log-u grid with explicit residuals (one window at a
    time, grid x points arrays): for models whose normal equations are too ill-conditioned for
    :func:`_grid_start` (the D/(T - theta)^3 term is nearly collinear with C/(T - theta))."""
    out = np.empty(len(starts))
    wy_all = w * y
    frac = np.linspace(0.0, 1.0, n_grid)
    for k, i in enumerate(starts):
        tt, ww, wy = t[i:], w[i:], wy_all[i:]
        u_lo, u_hi = _u_range(np.array(tt[0]), np.array(tt[-1]))
        theta = tt[0] - np.exp(np.log(u_lo) + frac * np.log(u_hi / u_lo))
        if extra_theta is not None and np.isfinite(extra_theta[k]):
            theta = np.append(theta, extra_theta[k])
        theta = theta[theta <= theta_max[k]]
        with np.errstate(all="ignore"):
            f = 1.0 / (tt[None, :] - theta[:, None])
            cols = _basis(f, powers, constant, ww)
            r = wy - _combine(_solve_linear(cols, wy), cols)
            cost = _dot(r, r)
        cost = np.where(np.isfinite(cost), cost, np.inf)
        out[k] = theta[int(np.argmin(cost))] if theta.size else theta_max[k]
    return out


def _window_state(t, y, w, mask, theta, powers, constant):
    """Amplitudes, weighted residuals, cost, theta-column of the Jacobian and basis per window."""
    with np.errstate(all="ignore"):
        f = np.where(mask, 1.0 / (t[None, :] - theta[:, None]), 0.0)
        wm = w[None, :] * mask
        cols = _basis(f, powers, constant, wm)
        wy = wm * y[None, :]
        coef = _solve_linear(cols, wy)
        r = wy - _combine(coef, cols)
        cost = _dot(r, r)
        # d model / d theta = sum_p p a_p f^(p+1)
        g = sum(p * coef[:, j, None] * cols[j] * f for j, p in enumerate(powers))
    return coef, r, np.where(np.isfinite(cost), cost, np.inf), g, cols


def _polish(t, y, w, mask, theta, theta_max, theta_min, powers, constant, cost_tol):
    """Minimise the profile cost in theta < theta_max per window, vectorised over windows.

    The derivative of the profile is -2 g_perp.r (g the theta column of the Jacobian projected out
    of the linear basis); the step is the secant on it when available, else Gauss-Newton
    (Kaufman) g_perp.r / |g_perp|^2; a step that raises the cost is shortened.
    """
    coef, r, cost, g, cols = _window_state(t, y, w, mask, theta, powers, constant)
    scale = np.maximum(np.maximum(np.abs(theta), np.abs(theta_max)), 1.0)
    shrink = np.ones_like(theta)
    active = np.isfinite(cost)
    prev_theta = np.full_like(theta, np.nan)
    prev_d = np.full_like(theta, np.nan)
    for _ in range(_MAX_ITER):
        if not active.any():
            break
        with np.errstate(all="ignore"):
            gp = g - _combine(_solve_linear(cols, g), cols)
            den = _dot(gp, gp)
            d = _dot(gp, r)
            gn = np.where(den > 0, d / den, 0.0)
            # converged: a Gauss-Newton step would lower the cost by < 1e-14 of itself (round-off)
            active &= ~(d * gn <= cost_tol * cost)
            slope = (d - prev_d) / (theta - prev_theta)
            sec = -d / slope
            use_sec = np.isfinite(sec) & (slope < 0) & (shrink == 1.0)
            delta = np.where(use_sec, sec, gn) * shrink
        delta = np.where(active & np.isfinite(delta), delta, 0.0)
        # trust region: u = theta_max - theta changes by at most x10 per step, theta >= theta_min
        u = theta_max - theta
        trial = np.clip(theta + delta, theta_max - 10.0 * u, theta_max - 0.1 * u)
        trial = np.maximum(trial, np.minimum(theta_min, theta))
        coef2, r2, cost2, g2, cols2 = _window_state(t, y, w, mask, trial, powers, constant)
        better = active & (cost2 <= cost)
        moved = np.abs(trial - theta)
        prev_theta = np.where(better, theta, prev_theta)
        prev_d = np.where(better, d, prev_d)
        theta = np.where(better, trial, theta)
        bc = better[:, None]
        coef = np.where(bc, coef2, coef)
        r = np.where(bc, r2, r)
        g = np.where(bc, g2, g)
        cols = [np.where(bc, c2, c) for c, c2 in zip(cols, cols2, strict=True)]
        cost = np.where(better, cost2, cost)
        shrink = np.where(better, 1.0, shrink * 0.25)
        done = (moved <= _STEP_TOL * scale) | (shrink < 1e-6)
        active &= ~done
    return theta, coef, r, cost


def _lin2(a: np.ndarray, b: np.ndarray | None, v: np.ndarray) -> tuple[float, float]:
    """Least-squares coefficients of v on the columns a[, b] (column-scaled normal equations)."""
    na = math.sqrt(float(a @ a)) or 1.0
    if b is None:
        return float(a @ v) / na / na, 0.0
    nb = math.sqrt(float(b @ b)) or 1.0
    rho = float(a @ b) / (na * nb)
    ra, rb = float(a @ v) / na, float(b @ v) / nb
    det = 1.0 - rho * rho
    if det <= 1e-12:    # collinear columns (theta -> -inf makes 1/(t - theta) constant): one-column fit
        return ra / na, 0.0
    return (ra - rho * rb) / det / na, (rb - rho * ra) / det / nb


def _state_one(t, wy, w, theta, constant):
    """Amplitudes, weighted residuals, cost and the theta column of the Jacobian of one window."""
    f = 1.0 / (t - theta)
    a = w * f
    b = w if constant else None
    c, c0 = _lin2(a, b, wy)
    r = wy - c * a - (c0 * w if constant else 0.0)
    cost = float(r @ r)
    return (c, c0), r, cost if math.isfinite(cost) else math.inf, c * a * f, a, b


def _grid_one(t, wy, w, tmin, u_lo, u_hi, theta_max, constant, n_grid) -> float:
    """Best theta of one window on its log-u grid (profile cost from the normal equations)."""
    grid = tmin - np.exp(np.linspace(math.log(u_lo), math.log(u_hi), n_grid))
    grid = grid[grid <= theta_max]
    if grid.size == 0:
        return theta_max
    a = w / (t[None, :] - grid[:, None])
    s11 = np.einsum("ij,ij->i", a, a)
    b1 = a @ wy
    n1 = np.sqrt(s11)
    if constant:
        nc = math.sqrt(float(w @ w))
        rho = (a @ w) / (n1 * nc)
        r1, rc = b1 / n1, float(w @ wy) / nc
        det = 1.0 - rho * rho
        gain = ((r1 - rho * rc) * r1 + (rc - rho * r1) * rc) / det
    else:
        gain = (b1 / n1) ** 2
    cost = float(wy @ wy) - gain
    cost = np.where(np.isfinite(cost), cost, np.inf)
    i = int(np.argmin(cost))
    return float(grid[i]) if np.isfinite(cost[i]) else theta_max


def _fit_one(t, y, w, constant: bool, n_grid: int, cost_tol: float = _COST_TOL):
    """One window [t[0], t[-1]]: :func:`fit_windows` for a single window with scalar bookkeeping
    (the same grid and the same secant / Gauss-Newton polish; numpy only for the dot products)."""
    tmin = float(t[0])
    theta_max = tmin - 1e-9 * max(abs(tmin), 1.0)
    u_lo, u_hi = _u_range(np.array(tmin), np.array(t[-1]))
    theta_min = tmin - float(u_hi)
    wy = w * y
    with np.errstate(all="ignore"):
        theta = _grid_one(t, wy, w, tmin, float(u_lo), float(u_hi), theta_max, constant, n_grid)
        coef, r, cost, g, a, b = _state_one(t, wy, w, theta, constant)
        scale = max(abs(theta), abs(theta_max), 1.0)
        shrink, prev_theta, prev_d = 1.0, math.nan, math.nan
        active = math.isfinite(cost)
        for _ in range(_MAX_ITER):
            if not active:
                break
            p1, p2 = _lin2(a, b, g)
            gp = g - p1 * a - (p2 * b if constant else 0.0)
            den, d = float(gp @ gp), float(gp @ r)
            gn = d / den if den > 0 else 0.0
            if d * gn <= cost_tol * cost:        # a Gauss-Newton step would gain < round-off
                break
            slope = (d - prev_d) / (theta - prev_theta) if theta != prev_theta else math.nan
            sec = -d / slope if slope < 0 else math.nan
            delta = (sec if math.isfinite(sec) and shrink == 1.0 else gn) * shrink
            delta = delta if math.isfinite(delta) else 0.0
            u = theta_max - theta
            trial = min(max(theta + delta, theta_max - 10.0 * u), theta_max - 0.1 * u)
            trial = max(trial, min(theta_min, theta))
            coef2, r2, cost2, g2, a2, b2 = _state_one(t, wy, w, trial, constant)
            moved = abs(trial - theta)
            if cost2 <= cost:
                prev_theta, prev_d = theta, d
                theta, coef, r, cost, g, a, b = trial, coef2, r2, cost2, g2, a2, b2
                shrink = 1.0
            else:
                shrink *= 0.25
            if moved <= _STEP_TOL * scale or shrink < 1e-6:
                break
    return theta, coef, cost, theta_min, theta_max


def fit_windows(temperature_K, chi_emu_mol, weights, starts, *, powers: tuple[int, ...] = (1,),
                constant: bool = True, theta_margin_rel: float = 1e-9, theta_max=None, theta_start=None,
                n_grid: int = N_GRID, compiled: bool = False) -> dict:
    """Fit chi = sum_p a_p/(T - theta)^p [+ chi0] on every window [t[i], t[-1]], i in ``starts``.

    Parameters
    ----------
    temperature_K, chi_emu_mol : array
        Data sorted by temperature (ascending).
    weights : array or None
        Residual weights (1/sigma); None for equal weights.
    starts : array of int
        First index of each window (the window is the data from there to the end).
    powers : tuple of int
        Powers p of 1/(T - theta) in the model ((1,) Curie-Weiss; (1, 3) with the next
        high-temperature series term).
    constant : bool
        Include chi0.
    theta_margin_rel : float
        theta stays below T_min - theta_margin_rel * max(|T_min|, 1) (the lmfit bound of
        :func:`magfit.fit_curie_weiss`).
    theta_max : array or None
        Explicit upper bound of theta per window (overrides ``theta_margin_rel``).
    theta_start : array or None
        Extra start per window tried with the grid (e.g. the Curie-Weiss theta for a nested model).
    n_grid : int
        Grid points in log(T_min - theta).
    compiled : bool
        Use the numba kernel (:mod:`magfit._varpro_kernel`; Curie-Weiss only, ``powers=(1,)``): the
        same search window by window, the same numbers to round-off.

    Returns
    -------
    dict
        ``theta`` (K,), ``coef`` (K, P) amplitudes in the order of ``powers`` then chi0,
        ``rss`` (K,) weighted residual sum of squares, ``resid`` (K, n) weighted residuals
        (0 outside the window), ``mask`` (K, n), ``theta_max`` (K,).
    """
    t = np.asarray(temperature_K, dtype=float)
    y = np.asarray(chi_emu_mol, dtype=float)
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype=float)
    starts = np.asarray(starts, dtype=int)
    tmin = t[starts]
    if theta_max is None:
        theta_max = tmin - theta_margin_rel * np.maximum(np.abs(tmin), 1.0)
    theta_max = np.asarray(theta_max, dtype=float)
    mask = np.arange(t.size)[None, :] >= starts[:, None]
    u_lo, u_hi = _u_range(tmin, np.full_like(tmin, t[-1]))
    theta_min = tmin - u_hi
    cost_tol = _COST_TOL if powers == (1,) else _COST_TOL_EXT
    if compiled and powers == (1,):
        from ._varpro_kernel import grid_start, polish_windows

        grid = _shared_grid(t, starts, n_grid, theta_start)
        order = np.argsort(-starts, kind="stable")
        theta0 = grid_start(t, y, w, starts, order, grid, theta_max, constant)
        theta, coef, cost, r = polish_windows(t, y, w, starts, theta0, theta_max, theta_min, constant,
                                              cost_tol, _MAX_ITER, _STEP_TOL)
    else:
        grid_start = _grid_start if powers == (1,) else _grid_start_explicit
        theta0 = grid_start(t, y, w, starts, powers, constant, n_grid, theta_start, theta_max)
        theta, coef, r, cost = _polish(t, y, w, mask, theta0, theta_max, theta_min, powers, constant,
                                       cost_tol)
    return {"theta": theta, "coef": coef, "rss": cost, "resid": r, "mask": mask, "theta_max": theta_max,
            "theta_min": theta_min}


def cw_covariance(temperature_K, weights, mask, theta, C, rss, fit_chi0: bool, jtj=None) -> np.ndarray:
    """Covariance of (theta, C[, chi0]) per window from the Jacobian, scaled by the reduced chi-square.

    Parameters
    ----------
    temperature_K, weights : array
        Data temperatures and residual weights (n,).
    mask : bool array (K, n)
        Window membership.
    theta, C, rss : array (K,)
        Fitted theta and C, weighted residual sum of squares.
    fit_chi0 : bool
        Whether chi0 was fitted.
    jtj : array (K, 3, 3) or None
        J^T J over (theta, C, chi0) when already summed (the compiled scan); None: summed here.

    Returns
    -------
    array (K, 3, 3)
        Covariance over (theta, C, chi0) (chi0 row/column zero when not fitted); NaN when singular.
    """
    npar = 3 if fit_chi0 else 2
    n = mask.sum(axis=1)
    if jtj is None:
        t = np.asarray(temperature_K, dtype=float)
        jtj = _cw_jtj(t, np.asarray(weights, dtype=float), mask, theta, C, npar)
    else:
        jtj = np.ascontiguousarray(jtj[:, :npar, :npar])
    with np.errstate(all="ignore"):
        d = np.sqrt(np.einsum("kii->ki", jtj))
        d = np.where(d > 0, d, 1.0)
        ok = np.isfinite(jtj).all(axis=(1, 2))
        norm = jtj / (d[:, :, None] * d[:, None, :])
        norm = np.where(ok[:, None, None], norm, np.eye(npar))
        cov = np.full((len(theta), 3, 3), np.nan)
        inv = _inv_small(norm)
        good = ok & np.isfinite(inv).all(axis=(1, 2)) & (np.abs(inv).max(axis=(1, 2)) < 1e15)
        inv = inv / (d[:, :, None] * d[:, None, :])
        redchi = rss / np.maximum(n - npar, 1)
        cov[:, :npar, :npar] = np.where(good[:, None, None], inv * redchi[:, None, None], np.nan)
    if not fit_chi0:
        cov[:, 2, :] = 0.0
        cov[:, :, 2] = 0.0
    return cov


def _cw_jtj(t, w, mask, theta, C, npar) -> np.ndarray:
    """J^T J (K, npar, npar) of the Curie-Weiss windows: columns C f^2 w, f w[, w], f = 1/(T - theta)."""
    with np.errstate(all="ignore"):
        f = np.where(mask, 1.0 / (t[None, :] - theta[:, None]), 0.0)
        wm = w[None, :] * mask
        cols = [C[:, None] * f * f * wm, f * wm] + ([wm] if npar == 3 else [])
        jtj = np.empty((len(theta), npar, npar))
        for i in range(npar):
            for j in range(i, npar):
                jtj[:, i, j] = jtj[:, j, i] = _dot(cols[i], cols[j])
    return jtj


def varpro_fit(temperature_K, chi_emu_mol, weights=None, *, theta_fixed: float | None = None,
               chi0_fixed: float | None = None) -> dict:
    """Weighted least-squares fit of chi = C/(T - theta) + chi0 by variable projection (fast, no lmfit).

    theta is searched below min(T) (no pole inside the data) on a log grid, then polished by
    Gauss-Newton; for fixed theta, C and chi0 are solved in closed form. With ``theta_fixed`` the
    fit is purely linear. Uncertainties: Jacobian covariance scaled by the reduced chi-square
    (as lmfit ``scale_covar=True``).

    Parameters
    ----------
    temperature_K, chi_emu_mol : array
        The data (K, emu/mol), any order.
    weights : array or None
        Residual weights (1/sigma); None for equal weights.
    theta_fixed : float or None
        Fix theta (K) instead of fitting it.
    chi0_fixed : float or None
        Fix chi0 (emu/mol; e.g. 0.0 for the chi0-free comparison of :func:`magfit.classify`).

    Returns
    -------
    dict
        ``theta_K``, ``C_emu_K_mol``, ``chi0_emu_mol`` and their ``*_err`` (0 when fixed, NaN when
        undetermined), ``rss`` (weighted residual sum of squares), ``redchi``, ``aic``, ``bic``,
        ``n_points``, ``nvarys``, ``best_fit`` (model at the data, data order), ``covariance``
        (3 x 3 over theta, C, chi0; zero rows for fixed parameters, NaN when singular) and
        ``theta_bounds_K`` (the search range of theta: a value at either end is not a free optimum).

    Raises
    ------
    FitError
        Fewer points than parameters plus one, or non-finite input.
    """
    t = np.asarray(temperature_K, dtype=float).reshape(-1)
    y = np.asarray(chi_emu_mol, dtype=float).reshape(-1)
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype=float).reshape(-1)
    if not (t.size == y.size == w.size):
        raise FitError(f"varpro_fit: temperature_K ({t.size}), chi_emu_mol ({y.size}) and weights "
                       f"({w.size}) must have the same length")
    if not (np.isfinite(t).all() and np.isfinite(y).all() and np.isfinite(w).all()):
        raise FitError("varpro_fit: non-finite temperature, chi or weight; drop those points first")
    fit_chi0 = chi0_fixed is None
    fit_theta = theta_fixed is None
    nvarys = 1 + int(fit_chi0) + int(fit_theta)
    if t.size <= nvarys:
        raise FitError(f"varpro_fit: {t.size} points; {nvarys} parameters need at least {nvarys + 1}")
    if t.size < 2 or (t[1:] >= t[:-1]).all():        # already sorted (windows of sorted data)
        order, ts, ys, ws = None, t, y, w
    else:
        order = np.argsort(t, kind="stable")
        ts, ys, ws = t[order], y[order], w[order]
    if not fit_chi0:
        ys = ys - float(chi0_fixed)
    if not fit_theta and float(theta_fixed) >= ts[0]:
        raise FitError(f"varpro_fit: theta_fixed={float(theta_fixed):g} K must be below min(T)={ts[0]:g} K")
    return _solve(ts, ys, ws, order, fit_theta, math.nan if fit_theta else float(theta_fixed), fit_chi0,
                  0.0 if fit_chi0 else float(chi0_fixed))


def _varpro_sorted(ts: np.ndarray, ys: np.ndarray, ws: np.ndarray, fit_chi0: bool) -> dict:
    """:func:`varpro_fit` (theta fitted; chi0 fitted or fixed at 0) of a window the caller has already
    made T-sorted, finite, with positive weights and more points than parameters (the Curie-Weiss
    fit of :func:`magfit.fit_curie_weiss`): the same solution without the input checks."""
    return _solve(ts, ys, ws, None, True, math.nan, fit_chi0, 0.0)


def _solve(ts, ys, ws, order, fit_theta: bool, theta_fixed: float, fit_chi0: bool, chi0_fixed: float) -> dict:
    """The fit of sorted data (compiled kernel or numpy path) and its result dict (data order)."""
    args = (ts, ys, ws, fit_theta, theta_fixed, fit_chi0, chi0_fixed)
    if use_compiled():
        from ._single_fit_kernel import fit_sorted

        sol = fit_sorted(*args, N_GRID, _COST_TOL, _STEP_TOL, _MAX_ITER)
    else:
        sol = _fit_sorted(*args)
    return _varpro_result(ts.size, order, fit_theta, fit_chi0, *sol)


def _fit_sorted(ts, ys, ws, fit_theta: bool, theta_fixed: float, fit_chi0: bool, chi0_fixed: float):
    """The numpy path of :func:`magfit._single_fit_kernel.fit_sorted` (same steps, same outputs): theta,
    its search bounds, C, chi0, RSS, unscaled covariance of the varied parameters, model values."""
    bounds = (-np.inf, np.inf)
    if fit_theta:
        theta, _, _, theta_min, theta_max = _fit_one(ts, ys, ws, fit_chi0, N_GRID)
        bounds = (theta_min, theta_max)
    else:
        theta = theta_fixed
    f = 1.0 / (ts - theta)
    cols = _basis(f, (1,), fit_chi0, ws)
    coef = _solve_linear(cols, ws * ys)
    c = float(coef[0])
    chi0 = float(coef[1]) if fit_chi0 else chi0_fixed
    r = ws * ys - _combine(coef, cols)
    rss = float(r @ r)
    jac = np.stack(([c * f * f * ws] if fit_theta else []) + [f * ws] + ([ws] if fit_chi0 else []))
    with np.errstate(all="ignore"):
        jtj = jac @ jac.T
        d = np.sqrt(np.diag(jtj))
        inv = _inv_small(jtj / np.outer(d, d)) / np.outer(d, d)
    pos = ([0] if fit_theta else []) + [1] + ([2] if fit_chi0 else [])
    full = np.zeros((3, 3))
    full[np.ix_(pos, pos)] = inv
    return theta, bounds[0], bounds[1], c, chi0, rss, full, c * f + chi0


def _varpro_result(n: int, order, fit_theta: bool, fit_chi0: bool, theta, theta_lo, theta_hi, c, chi0,
                   rss, cov_unscaled, best_sorted) -> dict:
    """The dict of :func:`varpro_fit` from the solution of one window."""
    nvarys = 1 + int(fit_chi0) + int(fit_theta)
    redchi = rss / (n - nvarys)
    full = cov_unscaled * redchi
    var = full.diagonal().tolist()
    err = [math.sqrt(v) if v >= 0 else math.nan for v in var]      # as np.sqrt: NaN below 0
    with np.errstate(divide="ignore"):
        log_term = n * np.log(rss / n) if rss > 0 else -np.inf
    if order is None:
        best = best_sorted
    else:
        best = np.empty(n)
        best[order] = best_sorted
    return {"theta_K": float(theta), "theta_K_err": err[0] if fit_theta else 0.0, "C_emu_K_mol": float(c),
            "C_emu_K_mol_err": err[1],
            "chi0_emu_mol": float(chi0), "chi0_emu_mol_err": err[2] if fit_chi0 else 0.0, "rss": float(rss),
            "redchi": float(redchi), "aic": float(log_term + 2 * nvarys),
            "bic": float(log_term + np.log(n) * nvarys),
            "n_points": int(n), "nvarys": nvarys, "best_fit": best, "covariance": full,
            "theta_bounds_K": (float(theta_lo), float(theta_hi))}
