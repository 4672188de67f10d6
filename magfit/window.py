"""Automatic choice of the Curie-Weiss fitting window (the T_min rule).

The rule (applied by :func:`magfit.fit_curie_weiss` when ``tmin`` is None; every threshold is a
module constant below):

1. **Ordered / correlated regime.** Features that mark the end of Curie-Weiss behaviour are
   located on a smoothed copy (running median of 5, then [1, 2, 1]/4) of the data sorted by T,
   after averaging repeated points (within ``MERGE_REL_T`` in T); the noise is the
   point-to-point scatter (MAD of second differences), not the instrument error bars:

   * a local maximum of chi (AFM or spin-glass cusp, dimer/chain maximum, ZFC blocking peak)
     whose prominence exceeds ``PEAK_NOISE_SIGMAS`` noise sigmas and ``PEAK_REL`` of its height;
   * a local maximum of chi*T that is at least ``FM_RISE_FACTOR`` times chi*T at the highest
     temperature (a steep ferro/ferrimagnetic rise followed by saturation below T_C).

   Candidate T_min must be >= ``ORDER_MARGIN`` x T_order (the highest such feature); if that
   leaves fewer than ``MIN_POINTS`` points, T_min > T_order is used and the reason says so.
   A kink without a maximum is not located explicitly: it shows up in steps 3 and 4.
2. **Scan.** Candidate T_min values are data temperatures whose window [T_min, T_max] holds at
   least ``MIN_POINTS`` points and spans T_max/T_min >= ``MIN_SPAN_RATIO`` (the lowest
   temperature is always a candidate), thinned to at most ``N_SCAN_MAX`` (half evenly spaced in data
   index, half evenly in log T); each window is fitted.
3. **Stability (split-half test).** A window k is stable when theta, C and chi0 each agree with
   the fit of its own upper half - the scanned window with the highest T_min that still holds at
   least ``STABLE_FRACTION`` of window k's points - within ``Z_STABLE`` combined standard errors:
   |p_k - p_half| <= Z sqrt(s_k^2 + s_half^2) + a 1e-6 relative floor (noise-free data). One
   reference per window keeps the false-rejection rate low (about 1 % per window for pure
   Curie-Weiss data with Gaussian noise); comparing with every higher window picks up random
   3-sigma excursions of the short windows and rejects good low-T_min windows.
4. **No residual trend.** The normalised residuals pass a Wald-Wolfowitz runs test (too few
   runs: z < -``Z_RUNS``), their mean over the lowest quarter of the window is within
   ``Z_LOWEND`` standard errors of zero (short-range order bends chi at the low-T end), and a
   lack-of-fit F-test against Curie-Weiss + D/(T - theta)^3 (the next term of the high-T series)
   gives p >= ``ALPHA_CURVATURE``. The curvature test is the most powerful of the three: chi0 and
   theta absorb smooth deviations that the other tests (and step 3) then miss.
   Residuals at the level of floating-point round-off (noise-free data) count as trend-free.
5. **Choice.** The lowest accepted T_min (steps 1, 3, 4, fit converged with theta below T_min
   and finite errors) that also satisfies T_min >= ``THETA_FACTOR`` |theta_ref|, theta_ref being
   theta of the lowest accepted window, updated to the theta of the window so chosen until
   consistent (theta of a short high-T window alone is too noisy to judge by); if none satisfies
   it, the lowest accepted T_min, flagged ``T_min < 2|theta|``. If none is accepted, the lowest
   window that is stable (ignoring the trend test) or, failing that, the window holding the upper
   third of the points, flagged.

References: T >~ 2-3 |theta| for Curie-Weiss fits (short-range order near the transition):
S. Blundell, *Magnetism in Condensed Matter* (OUP 2001), ch. 5; A. P. Ramirez, Annu. Rev. Mater.
Sci. 24, 453 (1994). Runs test: A. Wald and J. Wolfowitz, Ann. Math. Stat. 11, 147 (1940).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._numeric import f_sf_dfn1, peak_prominences, smooth_median5_binomial, use_compiled

__all__ = [
    "MIN_POINTS", "MIN_SPAN_RATIO", "N_SCAN_MAX", "Z_STABLE", "STABLE_FRACTION", "Z_RUNS", "Z_LOWEND",
    "ALPHA_CURVATURE",
    "ORDER_MARGIN",
    "THETA_FACTOR",
    "FM_RISE_FACTOR", "PEAK_NOISE_SIGMAS", "PEAK_REL", "MERGE_REL_T", "REL_FLOOR", "EXACT_RESIDUAL_REL",
    "ordering_features", "candidate_tmins", "runs_test_z", "curvature_test", "trend_tests", "stability",
    "choose_window", "choose_window_arrays", "scan_windows",
]

#: minimum number of points in a window
MIN_POINTS = 10
#: a window must span T_max/T_min >= MIN_SPAN_RATIO: C, theta and chi0 are separated by the curvature
#: of chi against 1/T, which a narrow window does not have (sweep files often hold many points at one
#: temperature, so a point count alone admits windows 0.1 K wide)
MIN_SPAN_RATIO = 1.5
#: at most this many candidate T_min values are fitted in the scan
N_SCAN_MAX = 40
#: stability: parameters agree within this many combined standard errors
Z_STABLE = 3.0
#: stability: compare with the higher-T_min window holding (just) at least this fraction of the points
STABLE_FRACTION = 0.5
#: runs test: z below -Z_RUNS means too few sign runs (a trend); one-sided p ~ 0.005
Z_RUNS = 2.58
#: low-T end test: |mean normalised residual of the lowest quarter| / its standard error
Z_LOWEND = 3.0
#: curvature (lack-of-fit) F-test: p below this means the window is not Curie-Weiss
ALPHA_CURVATURE = 0.01
#: T_min >= ORDER_MARGIN * (temperature of the ordering feature)
ORDER_MARGIN = 1.5
#: T_min >= THETA_FACTOR * |theta| where data allow
THETA_FACTOR = 2.0
#: chi*T maximum counts as a ferromagnetic rise when >= this times chi*T at the highest T
FM_RISE_FACTOR = 1.5
#: a chi maximum is a feature when its prominence exceeds this many noise sigmas ...
PEAK_NOISE_SIGMAS = 3.0
#: ... and this fraction of the peak value
PEAK_REL = 0.005
#: points closer than this relative temperature difference are merged for feature detection
MERGE_REL_T = 0.01
#: relative floor in the stability test (numerical precision of noise-free fits)
REL_FLOOR = 1e-6
#: residual rms below this fraction of rms(chi) is round-off: no trend test
EXACT_RESIDUAL_REL = 1e-9


def _smooth(y: np.ndarray) -> np.ndarray:
    """Running median of 5, then the binomial filter [1, 2, 1]/4, which removes the period-2
    zig-zag of interleaved sweeps (a median of 5 keeps it)."""
    if y.size < 7:
        return y.copy()
    return smooth_median5_binomial(y)


def _noise_sigma(y: np.ndarray, err: np.ndarray | None) -> float:
    """Point-to-point scatter: 1.4826 MAD(second differences)/sqrt(6) (T-sorted data).

    Taken from the data rather than from the error bars, which instruments often mis-scale
    (SQUID fit errors can be 10x too large or too small). With fewer than 10 points the median
    error bar is used when available.
    """
    if y.size < 10:
        if err is not None and np.all(np.isfinite(err)) and np.all(err > 0):
            return float(np.median(err))
        if y.size < 5:
            return 0.0
    d2 = np.diff(y, 2)
    mad = float(np.median(np.abs(d2 - np.median(d2))))
    return 1.4826 * mad / np.sqrt(6.0)


def _sorted_groups(t: np.ndarray, y: np.ndarray, err: np.ndarray | None):
    """T-sorted data and the start of each group of repeated temperatures (within ``MERGE_REL_T``);
    the group starts are None when nothing is merged (fewer than 2 points, or T <= 0)."""
    if t.size < 2 or (t <= 0).any():
        return t, y, err, None
    if not (t[1:] >= t[:-1]).all():                  # already sorted: the stable sort is the identity
        order = np.argsort(t, kind="stable")
        t, y = t[order], y[order]
        err = None if err is None else err[order]
    new_group = np.empty(t.size, dtype=bool)
    new_group[0] = True
    np.greater(np.diff(np.log(t)), MERGE_REL_T, out=new_group[1:])
    return t, y, err, new_group


def _merge_repeats(t: np.ndarray, y: np.ndarray, err: np.ndarray | None):
    """Average points measured at the same temperature (within ``MERGE_REL_T``), e.g. repeated
    sweeps, so that sweep-to-sweep offsets do not pose as point-to-point noise."""
    t, y, err, new_group = _sorted_groups(t, y, err)
    if new_group is None:
        return t, y, err
    gid = np.cumsum(new_group) - 1
    n = np.bincount(gid)
    tm = np.bincount(gid, t) / n
    ym = np.bincount(gid, y) / n
    em = None if err is None else np.sqrt(np.bincount(gid, err * err)) / n
    return tm, ym, em


def _feature_arrays(t: np.ndarray, y: np.ndarray, err: np.ndarray | None):
    """Merged T, the noise sigma, smoothed chi and chi*T, and the peaks with prominences of both
    (None below 7 merged points): one call of the compiled kernel, or the numpy steps."""
    if use_compiled():
        from ._features_kernel import features

        ts, ys_raw, es, new_group = _sorted_groups(t, y, err)
        merged = new_group is not None
        tm, ym, sigma, ys, yt, p1, pr1, p2, pr2 = features(
            ts, ys_raw, new_group if merged else np.ones(ts.size, dtype=bool))
        if tm.size < 7:
            return None
        if tm.size < 10:                 # few points: the noise may come from the error bars
            sigma = _noise_sigma(ym, _merge_repeats(t, y, err)[2] if merged else es)
        return tm, sigma, ys, yt, (p1, pr1), (p2, pr2)
    t, y, err = _merge_repeats(t, y, err)
    if t.size < 7:
        return None
    ys = _smooth(y)
    yt = ys * t
    return t, _noise_sigma(y, err), ys, yt, peak_prominences(ys), peak_prominences(yt)


#: the feature kinds of :func:`ordering_features` (in the order of the compiled kernel's codes)
_FEATURE_KINDS = ("chi maximum", "chi*T maximum (ferromagnetic rise)")


def ordering_features(temperature_K, chi_emu_mol, chi_err_emu_mol=None) -> list[dict]:
    """Locate maxima of chi (cusps) and steep ferromagnetic rises of chi*T (see module rule, step 1).

    Parameters
    ----------
    temperature_K, chi_emu_mol : array
        Data sorted by temperature.
    chi_err_emu_mol : array or None
        Error bars (for the noise level).

    Returns
    -------
    list of dict
        One entry per feature: ``kind`` ("chi maximum" or "chi*T maximum (ferromagnetic rise)"),
        ``temperature_K``, ``prominence``.
    """
    t = np.asarray(temperature_K, dtype=float)
    y = np.asarray(chi_emu_mol, dtype=float)
    err = None if chi_err_emu_mol is None else np.asarray(chi_err_emu_mol, dtype=float)
    if use_compiled() and t.size >= 10 and not (t <= 0).any():     # sorted, finite: one compiled call
        from ._features_kernel import ordering_peaks

        ok, kinds, temps, proms = ordering_peaks(t, y, np.log(t), MERGE_REL_T, PEAK_NOISE_SIGMAS, PEAK_REL,
                                                 FM_RISE_FACTOR)
        if ok:
            return [{"kind": _FEATURE_KINDS[k], "temperature_K": tk, "prominence": pk}
                    for k, tk, pk in zip(kinds.tolist(), temps.tolist(), proms.tolist(), strict=True)]
    arrays = _feature_arrays(t, y, err)
    if arrays is None:
        return []
    t, sigma, ys, yt, (peaks, proms), (peaks_t, proms_t) = arrays
    out: list[dict] = []
    # the peaks of scipy.signal.find_peaks(ys, prominence=...) (magfit._numeric or the kernel)
    keep = proms >= max(PEAK_NOISE_SIGMAS * sigma, 0.0)
    for p, prom in zip(peaks[keep], proms[keep], strict=True):
        if prom >= PEAK_REL * abs(ys[p]) and prom > 0:
            out.append({"kind": "chi maximum", "temperature_K": float(t[p]), "prominence": float(prom)})
    top = sorted(yt[-3:].tolist())[1]                  # np.median of the last three
    peaks, proms = peaks_t, proms_t
    keep = proms >= max(PEAK_NOISE_SIGMAS * sigma * float(t.max()), 0.0)
    for p, prom in zip(peaks[keep], proms[keep], strict=True):
        if top > 0 and yt[p] >= FM_RISE_FACTOR * top and prom >= PEAK_REL * yt[p]:
            out.append({"kind": "chi*T maximum (ferromagnetic rise)", "temperature_K": float(t[p]),
                        "prominence": float(prom)})
    return out


def candidate_tmins(temperature_K, min_points: int = MIN_POINTS, n_max: int = N_SCAN_MAX,
                    min_span_ratio: float = MIN_SPAN_RATIO) -> np.ndarray:
    """Candidate T_min values: data temperatures leaving >= min_points in [T_min, T_max] with
    T_max/T_min >= min_span_ratio; at most n_max of them. The lowest temperature is always a
    candidate (the whole data set), even when the data span less than min_span_ratio."""
    t = np.sort(np.asarray(temperature_K, dtype=float))
    if t.size < min_points:
        return t[:1]
    cands = np.unique(t[: t.size - min_points + 1])
    wide = cands * min_span_ratio <= t[-1]
    cands = cands[wide] if wide.any() else cands[:1]
    if cands.size > n_max:
        # half evenly in data index, half evenly in log T (denser where ordering features live)
        idx = np.round(np.linspace(0, cands.size - 1, n_max // 2)).astype(int)
        if cands[0] > 0:
            targets = np.geomspace(cands[0], cands[-1], n_max - n_max // 2)
            idx = np.concatenate([idx, np.searchsorted(cands, targets).clip(0, cands.size - 1)])
        cands = cands[np.unique(idx)]
    return cands


def runs_test_z(residuals) -> float:
    """Wald-Wolfowitz runs test on residual signs; z = (R - mu)/sigma (0.0 when undefined).

    mu = 2 n+ n- / n + 1, sigma^2 = (mu - 1)(mu - 2)/(n - 1). Few runs (z << 0) means a trend.
    """
    r = np.asarray(residuals, dtype=float)
    s = np.sign(r[r != 0])
    n1, n2 = int(np.sum(s > 0)), int(np.sum(s < 0))
    n = n1 + n2
    if n1 == 0 or n2 == 0 or n < 3:
        return 0.0 if n < 3 else -np.inf
    runs = 1 + int(np.sum(s[1:] != s[:-1]))
    mu = 2.0 * n1 * n2 / n + 1.0
    var = (mu - 1.0) * (mu - 2.0) / (n - 1.0)
    if var <= 0:
        return 0.0
    return float((runs - mu) / np.sqrt(var))


#: log-u grid of the extended-model search in the curvature test, and its golden-section tolerance
CURVATURE_GRID = 120
_CURVATURE_XATOL = 1e-10
#: compiled scan kernels (:mod:`magfit._varpro_kernel`: window fits, J^T J, trend sums;
#: :mod:`magfit._curvature_kernel`: curvature search, F p-values), decided once per scan: "auto"
#: (when numba is already imported, or from the ``_NUMBA_AFTER``-th scan of a process on: a one-off
#: command does not pay numba's ~0.5 s start-up), True (always) or False (never; pure numpy, the
#: same numbers to round-off)
USE_NUMBA: bool | str = "auto"
_NUMBA_AFTER = 3
_scans_done = [0]
#: rows x points per chunk of the numpy grid search (bounds memory; ~1 MB temporaries stay in cache:
#: 1.3-1.6x faster than one 10 MB block for 300 points, identical numbers)
_CHUNK = 150_000


def _use_numba() -> bool:
    import sys

    _scans_done[0] += 1
    if USE_NUMBA == "auto":
        return "numba" in sys.modules or _scans_done[0] > _NUMBA_AFTER
    return bool(USE_NUMBA)


def _ext_rss(t: np.ndarray, y: np.ndarray, w: np.ndarray, starts: np.ndarray, fit_chi0: bool,
             compiled: bool | None = None) -> np.ndarray:
    """min over theta of the weighted RSS of chi = C/(T - theta) + D/(T - theta)^3 [+ chi0] per
    suffix window: grid of ``CURVATURE_GRID`` points in log(T_min - theta) from
    1e-6 (T_max - T_min + |T_min|) to 1e3 max(T_max, |T_min|, 1), then Brent's bounded search
    (as the frozen reference's scipy ``fminbound``) between the best point's neighbours
    (compiled: :mod:`magfit._curvature_kernel`; or the same search in numpy,
    :func:`_ext_rss_numpy`; ``compiled`` None: the ``USE_NUMBA`` rule)."""
    t = np.ascontiguousarray(t, dtype=float)
    y = np.ascontiguousarray(y, dtype=float)
    w = np.ascontiguousarray(w, dtype=float)
    starts = np.asarray(starts, dtype=np.int64)
    if _use_numba() if compiled is None else compiled:
        from ._curvature_kernel import ext_rss_windows

        return ext_rss_windows(t, y, w, starts, bool(fit_chi0), CURVATURE_GRID, _CURVATURE_XATOL)
    return _ext_rss_numpy(t, y, w, starts, bool(fit_chi0))


def _ext_cost(t, y, w, first, theta, fit_chi0):
    """Extended-model RSS per row: window t[first[r]:], theta[r] (explicit residuals)."""
    from .varpro import _combine, _dot, _solve_linear

    mask = np.arange(t.size)[None, :] >= first[:, None]
    with np.errstate(all="ignore"):
        f = np.where(mask, 1.0 / (t[None, :] - theta[:, None]), 0.0)
        wm = w[None, :] * mask
        cols = [wm * f, wm * f * f * f] + ([wm] if fit_chi0 else [])
        wy = wm * y[None, :]
        r = wy - _combine(_solve_linear(cols, wy), cols)
        cost = _dot(r, r)
    return np.where(np.isfinite(cost), cost, np.inf)


def _ext_grid_cost(t, y, w, i0, theta, fit_chi0):
    """Extended-model RSS of the window t[i0:] at every theta of a grid (the kernel's ``_grid_rss``
    in numpy): normal-equation sums as matrix-vector products over blocks of points (temporaries
    of at most ``_CHUNK`` values), amplitudes from the column-scaled equations, then explicit
    residuals in a second pass."""
    from .varpro import _cramer

    tt, yy, ww = t[i0:], y[i0:], w[i0:]
    w2 = ww * ww
    rhs2 = np.stack([w2, w2 * yy], 1)
    block = max(1, _CHUNK // theta.size)
    powers = None
    with np.errstate(all="ignore"):
        sums = np.zeros((7, theta.size))
        for b0 in range(0, tt.size, block):
            sl = slice(b0, b0 + block)
            f = 1.0 / (tt[None, sl] - theta[:, None])
            f2 = f * f
            f3 = f2 * f
            s_1, b_1 = (f @ rhs2[sl]).T
            s_3, b_3 = (f3 @ rhs2[sl]).T
            s_11 = f2 @ w2[sl]
            f2 *= f2                                                   # f^4
            sums += np.stack([s_11, f2 @ w2[sl], (f3 * f3) @ w2[sl], b_1, b_3, s_1, s_3])
            powers = (f, f3) if tt.size <= block else None       # one block: reused by the residuals
        s11, s13, s33, b1, b3, s1c, s3c = sums
        mats = [[s11, s13, s1c], [s13, s33, s3c], [s1c, s3c, np.sum(w2)]]
        rhs = [b1, b3, np.sum(w2 * yy)]
        p = 3 if fit_chi0 else 2
        nrm = [np.sqrt(mats[i][i]) for i in range(p)]
        a = [[1.0 if i == j else mats[i][j] / (nrm[i] * nrm[j]) for j in range(p)] for i in range(p)]
        x = _cramer(a, [rhs[i] / nrm[i] for i in range(p)])
        c1, c3 = x[0] / nrm[0], x[1] / nrm[1]
        c0 = x[2] / nrm[2] if fit_chi0 else np.zeros_like(c1)
        cost = np.zeros(theta.size)
        for b0 in range(0, tt.size, block):
            sl = slice(b0, b0 + block)
            if powers is None:
                f = 1.0 / (tt[None, sl] - theta[:, None])
                f3 = f * f * f
            else:
                f, f3 = powers
            r = yy[None, sl] - c1[:, None] * f
            r -= c3[:, None] * f3
            r -= c0[:, None]
            r *= ww[None, sl]
            cost += np.einsum("ij,ij->i", r, r)
    ok = np.isfinite(cost) & np.isfinite(c1) & np.isfinite(c3) & np.isfinite(c0)
    return np.where(ok, cost, np.inf)


def _ext_rss_numpy(t, y, w, starts, fit_chi0):
    """The search of :mod:`magfit._curvature_kernel` in numpy: each window's grid at once
    (:func:`_ext_grid_cost`), then Brent vectorised over the windows."""
    from .varpro import _u_range

    k = starts.size
    tmin = t[starts]
    u_lo, u_hi = _u_range(tmin, np.full_like(tmin, t[-1]))
    l_lo = np.log(u_lo)
    step = (np.log(u_hi) - l_lo) / (CURVATURE_GRID - 1)
    j = np.arange(CURVATURE_GRID)
    best = np.empty(k)
    ib = np.empty(k, dtype=int)
    theta = tmin[:, None] - np.exp(l_lo[:, None] + j[None, :] * step[:, None])
    for kk in range(k):
        cost = _ext_grid_cost(t, y, w, starts[kk], theta[kk], fit_chi0)
        ib[kk] = np.argmin(cost)
        best[kk] = cost[ib[kk]]
    a = l_lo + np.maximum(ib - 1, 0) * step
    b = l_lo + np.minimum(ib + 1, CURVATURE_GRID - 1) * step
    f_min = _brent_numpy(lambda lu: _ext_cost(t, y, w, starts, tmin - np.exp(lu), fit_chi0), a, b,
                         _CURVATURE_XATOL)
    return np.minimum(best, f_min)


_GOLD = 0.5 * (3.0 - np.sqrt(5.0))
_SQRT_EPS = float(np.sqrt(np.finfo(float).eps))


def _brent_numpy(cost, a: np.ndarray, b: np.ndarray, xatol: float) -> np.ndarray:
    """Brent's bounded minimisation (FMM ``fmin``; scipy's ``fminbound``) of ``cost`` on [a, b],
    vectorised: one ``cost`` call per iteration for every interval at once (the compiled twin is
    :func:`magfit._curvature_kernel._brent`). Returns the minimum cost per interval."""
    a, b = a.astype(float), b.astype(float)
    x = a + _GOLD * (b - a)
    v, wp = x.copy(), x.copy()
    fx = cost(x)
    fv, fw = fx.copy(), fx.copy()
    d, e = np.zeros_like(x), np.zeros_like(x)
    active = np.ones(x.shape, dtype=bool)
    for _ in range(500):
        xm = 0.5 * (a + b)
        tol1 = _SQRT_EPS * np.abs(x) + xatol / 3.0
        tol2 = 2.0 * tol1
        active &= ~(np.abs(x - xm) <= tol2 - 0.5 * (b - a))
        if not active.any():
            break
        with np.errstate(all="ignore"):
            try_par = np.abs(e) > tol1
            r = (x - wp) * (fx - fv)
            q = (x - v) * (fx - fw)
            p = (x - v) * q - (x - wp) * r
            q = 2.0 * (q - r)
            p = np.where(q > 0.0, -p, p)
            q = np.abs(q)
            e_old = e
            e = np.where(try_par, d, e)
            par = try_par & (np.abs(p) < np.abs(0.5 * q * e_old)) & (p > q * (a - x)) & (p < q * (b - x))
            d_par = p / q
            u_par = x + d_par
            d_par = np.where((u_par - a < tol2) | (b - u_par < tol2), np.where(xm >= x, tol1, -tol1), d_par)
        e = np.where(par, e, np.where(x >= xm, a - x, b - x))
        d_new = np.where(par, d_par, _GOLD * e)
        d = np.where(active, d_new, d)
        e = np.where(active, e, e_old)
        u = x + np.where(np.abs(d) >= tol1, d, np.where(d >= 0.0, tol1, -tol1))
        fu = cost(np.where(active, u, x))
        lower = active & (fu <= fx)
        higher = active & ~(fu <= fx)
        a = np.where(lower & (u >= x), x, np.where(higher & (u < x), u, a))
        b = np.where(lower & (u < x), x, np.where(higher & (u >= x), u, b))
        to_w = higher & ((fu <= fw) | (wp == x))
        to_v = higher & ~to_w & ((fu <= fv) | (v == x) | (v == wp))
        v, fv = (np.where(lower | to_w, wp, np.where(to_v, u, v)),
                 np.where(lower | to_w, fw, np.where(to_v, fu, fv)))
        wp, fw = np.where(lower, x, np.where(to_w, u, wp)), np.where(lower, fx, np.where(to_w, fu, fw))
        x, fx = np.where(lower, u, x), np.where(lower, fu, fx)
    return fx


def _f_sf(stat: np.ndarray, dfd: np.ndarray, compiled: bool = False) -> np.ndarray:
    """Survival function of F(1, dfd) (numpy, or its compiled twin; scipy.special/scipy.stats cost
    0.2-1 s to import)."""
    if compiled:
        from ._curvature_kernel import f_sf_dfn1 as f_sf_compiled

        return f_sf_compiled(np.ascontiguousarray(stat, dtype=float), np.ascontiguousarray(dfd, dtype=float))
    return f_sf_dfn1(stat, dfd)


def _curvature_arrays(t, y, w, starts, n, rss_cw, exact, fit_chi0, compiled=None):
    """Curvature F and p per suffix window given the Curie-Weiss RSS (see :func:`curvature_test`)."""
    p_ext = 4 if fit_chi0 else 3
    stat = np.zeros(len(starts))
    pval = np.ones(len(starts))
    todo = ~exact & (n > p_ext + 1) & np.isfinite(rss_cw)
    if not todo.any():
        return stat, pval
    idx = np.flatnonzero(todo)
    compiled = _use_numba() if compiled is None else compiled
    rss_ext = _ext_rss(t, y, w, starts[idx], fit_chi0, compiled)
    wy2 = np.cumsum(((w * y) ** 2)[::-1])[::-1]
    scale = wy2[starts[idx]]
    nn = n[idx].astype(float)
    with np.errstate(all="ignore"):
        f = np.maximum(rss_cw[idx] - rss_ext, 0.0) / (rss_ext / (nn - p_ext))
    good = np.isfinite(rss_ext) & np.isfinite(f) & (rss_ext > (EXACT_RESIDUAL_REL**2) * scale)
    stat[idx] = np.where(good, f, 0.0)
    pval[idx] = np.where(good, _f_sf(np.where(good, f, 0.0), nn - p_ext, compiled), 1.0)
    return stat, pval


def curvature_test(temperature_K, chi_emu_mol, weights=None, *, fit_chi0: bool = True,
                   rss_cw: float | None = None) -> dict:
    """Lack-of-fit F-test of Curie-Weiss against the next term of the high-temperature series.

    chi - chi_CW ~ D/(T - theta)^3 is the leading deviation of a local-moment magnet from the
    Curie-Weiss [0/1] Pade approximant of its high-T series (Rushbrooke & Wood 1958); short-range
    order makes D significant. F = (RSS_CW - RSS_ext) / (RSS_ext / (n - p_ext)) with one extra
    parameter; p from the F(1, n - p_ext) distribution. Scale-free (independent of how the error
    bars are scaled).

    Parameters
    ----------
    temperature_K, chi_emu_mol : array
        Window data.
    weights : array or None
        Residual weights (1/sigma); None for equal weights.
    fit_chi0 : bool
        Whether chi0 is a parameter of both models.
    rss_cw : float or None
        The Curie-Weiss weighted RSS when already known (a fit whose theta lies at or below
        T_min - 1e-6 (T_max - T_min + |T_min|), the search range of the test); None: fitted here.

    Returns
    -------
    dict
        ``curvature_F`` and ``curvature_p`` (1.0 when undefined: too few points, exact data).
    """
    from .varpro import fit_windows

    t = np.asarray(temperature_K, dtype=float)
    y = np.asarray(chi_emu_mol, dtype=float)
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype=float)
    if not (t[1:] >= t[:-1]).all():   # a stable sort of sorted data is the identity: skip it
        order = np.argsort(t, kind="stable")
        t, y, w = t[order], y[order], w[order]
    p_ext = 4 if fit_chi0 else 3
    if t.size <= p_ext + 1:
        return {"curvature_F": 0.0, "curvature_p": 1.0}
    starts = np.array([0])
    from .varpro import _u_range

    compiled = _use_numba()
    if rss_cw is None:
        u_lo, _ = _u_range(t[:1], t[-1:])
        rss = fit_windows(t, y, w, starts, constant=fit_chi0, theta_max=t[:1] - u_lo,
                          compiled=compiled)["rss"]
    else:
        rss = np.array([float(rss_cw)])
    if compiled:
        return _curvature_one(t, y, w, float(rss[0]), fit_chi0)
    stat, pval = _curvature_arrays(t, y, w, starts, np.array([t.size]), rss, np.array([False]), fit_chi0,
                                   compiled)
    return {"curvature_F": float(stat[0]), "curvature_p": float(pval[0])}


def _curvature_one(t: np.ndarray, y: np.ndarray, w: np.ndarray, rss_cw: float, fit_chi0: bool) -> dict:
    """:func:`_curvature_arrays` for the one window of :func:`curvature_test` on the compiled path, in
    one call of :func:`magfit._curvature_kernel.curvature_one` (the same operations and numbers)."""
    from ._curvature_kernel import curvature_one

    t, y, w = (np.ascontiguousarray(a, dtype=float) for a in (t, y, w))
    f, p = curvature_one(t, y, w, float(rss_cw), bool(fit_chi0), CURVATURE_GRID, _CURVATURE_XATOL,
                         EXACT_RESIDUAL_REL**2)
    return {"curvature_F": f, "curvature_p": p}


def trend_tests(temperature_K, chi_emu_mol, fitted_emu_mol, weights=None, *, fit_chi0: bool = True,
                rss_cw: float | None = None) -> dict:
    """Residual-trend tests of one window (module rule, step 4).

    Parameters
    ----------
    temperature_K, chi_emu_mol : array
        Window data.
    fitted_emu_mol : array
        The Curie-Weiss fit at those temperatures.
    weights : array or None
        Residual weights (1/sigma); None for equal weights.
    fit_chi0 : bool
        Whether chi0 was fitted (for the curvature test).
    rss_cw : float or None
        Passed to :func:`curvature_test` (the Curie-Weiss RSS when already known).

    Returns
    -------
    dict
        ``runs_z``, ``lowend_z``, ``curvature_F``, ``curvature_p``, ``exact`` (round-off level
        residuals) and ``trend`` (bool).
    """
    t = np.asarray(temperature_K, dtype=float)
    y = np.asarray(chi_emu_mol, dtype=float)
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype=float)
    fitted = np.asarray(fitted_emu_mol, dtype=float)
    if use_compiled() and t.size > 1 and (t[1:] >= t[:-1]).all():
        from ._trend_kernel import residual_tests

        exact, z_runs, z_low = residual_tests(y, fitted, w, EXACT_RESIDUAL_REL)
        if exact:
            return {"runs_z": 0.0, "lowend_z": 0.0, "curvature_F": 0.0, "curvature_p": 1.0, "exact": True,
                    "trend": False}
        return _trend_verdict(z_runs, z_low, curvature_test(t, y, w, fit_chi0=fit_chi0, rss_cw=rss_cw))
    r = (y - fitted) * w
    scale = float(np.sqrt(np.mean(np.square(y * w)))) if y.size else 0.0
    rms = float(np.sqrt(np.mean(r * r))) if r.size else 0.0
    if rms <= EXACT_RESIDUAL_REL * scale:
        return {"runs_z": 0.0, "lowend_z": 0.0, "curvature_F": 0.0, "curvature_p": 1.0, "exact": True,
                "trend": False}
    order = np.argsort(t, kind="stable")
    rs = r[order]
    z_runs = runs_test_z(rs)
    k = max(3, rs.size // 4)
    low = rs[:k]
    sd = float(np.std(r, ddof=1)) if r.size > 1 else 0.0
    z_low = float(np.mean(low) / (sd / np.sqrt(k))) if sd > 0 else 0.0
    return _trend_verdict(z_runs, z_low, curvature_test(t, y, w, fit_chi0=fit_chi0, rss_cw=rss_cw))


def _trend_verdict(z_runs: float, z_low: float, curv: dict) -> dict:
    """The dict of :func:`trend_tests` from the three statistics (a trend when any test fails)."""
    trend = bool(z_runs < -Z_RUNS or abs(z_low) > Z_LOWEND or curv["curvature_p"] < ALPHA_CURVATURE)
    return {"runs_z": float(z_runs), "lowend_z": float(z_low), **curv, "exact": False, "trend": trend}


def stability(scan: pd.DataFrame, fit_chi0: bool) -> np.ndarray:
    """Stable[k]: theta, C (and chi0) of window k agree with its upper half (rule, step 3).

    Parameters
    ----------
    scan : pandas.DataFrame or mapping of arrays
        Scan columns ``tmin_K``, ``n_points``, ``chi_scale``, theta/C/chi0 and their ``*_err``.
    fit_chi0 : bool
        Whether chi0 was fitted (compared too).

    Returns
    -------
    numpy.ndarray of bool
        One entry per row.
    """
    names = ["theta_K", "C_emu_K_mol"] + (["chi0_emu_mol"] if fit_chi0 else [])
    cols = {c: np.asarray(scan[c], dtype=float) for c in ("n_points", "tmin_K", "chi_scale", *names,
                                                           *(f"{p}_err" for p in names))}
    return _stability(cols, names, fit_chi0)


def _stability(cols: dict, names: list[str], fit_chi0: bool) -> np.ndarray:
    npts = np.asarray(cols["n_points"], dtype=float)
    n = npts.size
    if n == 0:
        return np.zeros(0, dtype=bool)
    if np.any(np.diff(npts) > 0):          # rows not ordered by T_min: the reference search below needs it
        order = np.argsort(-npts, kind="stable")
        out = np.empty(n, dtype=bool)
        out[order] = _stability({c: np.asarray(v)[order] for c, v in cols.items()}, names, fit_chi0)
        return out
    val = np.stack([np.asarray(cols[p], dtype=float) for p in names], 1)
    err = np.stack([np.asarray(cols[f"{p}_err"], dtype=float) for p in names], 1)
    ok = np.isfinite(val).all(axis=1) & np.isfinite(err).all(axis=1)
    tmins = np.asarray(cols["tmin_K"], dtype=float)
    chi_scale = np.asarray(cols["chi_scale"], dtype=float)
    idx = np.arange(n)
    # reference of window k: the last fitted window j > k still holding >= STABLE_FRACTION of its points
    last_ok = np.maximum.accumulate(np.where(ok, idx, -1))
    jmax = np.searchsorted(-npts, -STABLE_FRACTION * npts, side="right") - 1
    ref = last_ok[np.clip(jmax, 0, n - 1)]
    has_ref = ref > idx
    floor_scale = np.abs(val)
    floor_scale[:, 0] = np.maximum(np.maximum(np.abs(val[:, 0]), tmins), 1.0)
    if fit_chi0:
        floor_scale[:, 2] = np.maximum(np.abs(val[:, 2]), chi_scale)
    r = np.where(has_ref, ref, idx)
    with np.errstate(invalid="ignore"):
        tol = Z_STABLE * np.sqrt(err**2 + err[r] ** 2) + REL_FLOOR * floor_scale
        moved = np.any(np.abs(val[r] - val) > tol, axis=1)
    return ok & ~(has_ref & moved)


def scan_windows(temperature_K, chi_emu_mol, weights, tmins, *, fit_chi0: bool, n_ions: float) -> dict:
    """Fit every candidate window [T_min, T_max] and compute its residual-trend statistics at once.

    Variable projection over all windows together (:func:`magfit.varpro.fit_windows`); the same
    numbers as an lmfit fit of each window (to ~1e-6 relative) and the tests of
    :func:`trend_tests`, without one lmfit fit per window.

    Parameters
    ----------
    temperature_K, chi_emu_mol : array
        Data sorted by temperature.
    weights : array or None
        Residual weights (1/sigma); None for equal weights.
    tmins : array
        Candidate T_min values (data temperatures); windows with too few points are skipped.
    fit_chi0 : bool
        Fit chi0 (else fixed at 0).
    n_ions : float
        Magnetic ions per mole unit (mu_eff per ion).

    Returns
    -------
    dict of arrays
        The columns of ``CurieWeissFit.scan`` (without ``accepted``) plus ``curvature_F``,
        ``exact``, ``rss`` (weighted residual sum of squares) and ``covariance`` (K, 3, 3) over
        theta, C, chi0, one entry per fitted window.
    """
    from .units import CURIE_CGS_PER_MUB2
    from .varpro import cw_covariance, fit_windows

    t = np.asarray(temperature_K, dtype=float)
    y = np.asarray(chi_emu_mol, dtype=float)
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype=float)
    npar = 3 if fit_chi0 else 2
    tmins = np.asarray(tmins, dtype=float)
    starts = np.searchsorted(t, tmins, side="left")
    n = t.size - starts
    keep = n > npar
    tmins, starts, n = tmins[keep], starts[keep], n[keep]
    if tmins.size == 0:
        names = ("tmin_K", "n_points", "theta_K", "theta_K_err", "mu_eff", "mu_eff_err", "chi0_emu_mol",
                 "chi0_emu_mol_err", "C_emu_K_mol", "C_emu_K_mol_err", "redchi", "aic", "runs_z", "lowend_z",
                 "curvature_p", "trend", "converged", "chi_scale", "curvature_F", "exact", "rss")
        out = {c: np.array([], dtype=bool if c in ("trend", "converged", "exact") else float) for c in names}
        out["covariance"] = np.zeros((0, 3, 3))
        return out
    compiled = _use_numba()
    cw = fit_windows(t, y, w, starts, constant=fit_chi0, compiled=compiled)
    theta, rss, r, mask = cw["theta"], cw["rss"], cw["resid"], cw["mask"]
    c = cw["coef"][:, 0]
    chi0 = cw["coef"][:, 1] if fit_chi0 else np.zeros_like(c)
    jtj = sums = None
    if compiled:
        from ._varpro_kernel import window_stats

        jtj, counts, sums2 = window_stats(t, w, starts, theta, c, r)
        sums = (counts[:, 0], counts[:, 1], counts[:, 2], sums2[:, 0], sums2[:, 1])
    cov = cw_covariance(t, w, mask, theta, c, rss, fit_chi0, jtj=jtj)
    with np.errstate(all="ignore"):
        err = np.sqrt(np.einsum("kii->ki", cov))
        mu = np.sqrt(c / (n_ions * CURIE_CGS_PER_MUB2))
        mu_err = mu / (2.0 * c) * err[:, 1]
        redchi = rss / (n - npar)
        aic = n * np.log(rss / n) + 2 * npar
    failed = ~(np.isfinite(theta) & np.isfinite(c) & np.isfinite(chi0) & np.isfinite(rss))
    at_bound = theta >= cw["theta_max"] - 1e-6 * np.maximum(np.abs(tmins), 1.0)
    # theta at either end of its range: the covariance is singular (lmfit reports no errors)
    at_edge = at_bound | (theta <= cw["theta_min"] + 1e-9 * np.abs(cw["theta_min"]))
    err[at_edge] = np.nan
    mu_err[at_edge] = np.nan
    converged = ~failed & np.isfinite(err[:, 0]) & ~at_bound
    runs_z, lowend_z, exact = _trend_arrays(t, y, w, starts, n, r, rss, sums)
    curv_f, curv_p = _curvature_arrays(t, y, w, starts, n, rss, exact | failed, fit_chi0, compiled)
    trend = (runs_z < -Z_RUNS) | (np.abs(lowend_z) > Z_LOWEND) | (curv_p < ALPHA_CURVATURE)
    chi_scale = _suffix_medians(np.abs(y), starts)
    cols = {
        "tmin_K": tmins, "n_points": n, "theta_K": theta, "theta_K_err": err[:, 0], "mu_eff": mu,
        "mu_eff_err": mu_err, "chi0_emu_mol": chi0, "chi0_emu_mol_err": err[:, 2] if fit_chi0 else 0.0 * c,
        "C_emu_K_mol": c, "C_emu_K_mol_err": err[:, 1], "redchi": redchi, "aic": aic, "runs_z": runs_z,
        "lowend_z": lowend_z, "curvature_p": curv_p, "trend": trend & ~exact, "converged": converged,
        "chi_scale": chi_scale, "curvature_F": curv_f, "exact": exact, "rss": rss,
    }
    for name, v in cols.items():
        v = np.asarray(v, dtype=float if name not in ("trend", "converged", "exact", "n_points") else None)
        if name not in ("tmin_K", "n_points", "chi_scale"):
            v = np.where(failed, np.nan if v.dtype.kind == "f" else v, v)
        cols[name] = v
    cols["trend"] = cols["trend"] | failed
    cols["converged"] = cols["converged"] & ~failed
    cols["covariance"] = cov
    return cols


def _suffix_medians(a: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """np.median(a[i:]) for every i in ``starts``: one sort of the (windows, points) array."""
    m = a.size - starts
    srt = np.sort(np.where(np.arange(a.size)[None, :] >= starts[:, None], a[None, :], np.inf), axis=1)
    rows = np.arange(starts.size)
    lo, hi = srt[rows, (m - 1) // 2], srt[rows, m // 2]
    return np.where(m % 2 == 1, hi, (lo + hi) / 2.0)


def _trend_arrays(t, y, w, starts, n, r, rss, sums=None):
    """Runs-test z, low-T-end z and the round-off flag per suffix window (residuals r, (K, n)).

    ``sums``: (n+, n-, sign changes, low-end sum, squared deviations) per window when already
    summed (the compiled scan, :func:`magfit._varpro_kernel.window_stats`); None: summed here."""
    wy2 = np.cumsum(((w * y) ** 2)[::-1])[::-1][starts]
    with np.errstate(all="ignore"):
        exact = np.sqrt(rss / n) <= EXACT_RESIDUAL_REL * np.sqrt(wy2 / n)
    n1, n2, changes, low_sum, ss = _trend_sums(t, starts, n, r) if sums is None else sums
    nz = n1 + n2
    mu = 2.0 * n1 * n2 / np.maximum(nz, 1) + 1.0
    with np.errstate(all="ignore"):
        var = (mu - 1.0) * (mu - 2.0) / (nz - 1.0)
        z = np.where(var > 0, (1 + changes - mu) / np.sqrt(var), 0.0)
    z = np.where((n1 == 0) | (n2 == 0), -np.inf, z)
    z = np.where(nz < 3, 0.0, z)
    has_zero = nz < n
    for k in np.flatnonzero(has_zero):          # exact zeros break runs: the scalar definition
        z[k] = runs_test_z(r[k, starts[k]:])
    kq = np.maximum(3, n // 4)
    with np.errstate(all="ignore"):
        sd = np.sqrt(ss / (n - 1))
        low = np.where(sd > 0, (low_sum / kq) / (sd / np.sqrt(kq)), 0.0)
    z = np.where(exact, 0.0, z)
    low = np.where(exact, 0.0, low)
    return z, low, exact


def _trend_sums(t, starts, n, r):
    """Signs (n+, n-), sign changes, sum of the lowest max(3, n//4) residuals and squared deviations
    from the mean, per window, on the (K, n) residual array (0 outside each window)."""
    inside = np.arange(t.size)[None, :] >= starts[:, None]
    s = np.sign(r) * inside
    n1 = np.sum(s > 0, axis=1)
    n2 = np.sum(s < 0, axis=1)
    changes = np.sum((s[:, 1:] != s[:, :-1]) & inside[:, :-1], axis=1)
    kq = np.maximum(3, n // 4)
    cs = np.cumsum(r, axis=1)
    low_sum = cs[np.arange(len(starts)), np.minimum(starts + kq, t.size) - 1]
    mean = np.sum(r, axis=1) / n
    ss = np.sum(((r - mean[:, None]) * inside) ** 2, axis=1)
    return n1, n2, changes, low_sum, ss


def choose_window(scan: pd.DataFrame, t_order_min: float | None, fit_chi0: bool,
                  n_total: int) -> tuple[int, str, list[str]]:
    """Apply rule steps 3-5 to a filled scan table (adds ``stable``, ``above_order``, ``accepted``
    columns in place).

    Parameters
    ----------
    scan : pandas.DataFrame
        The scan columns (as :func:`scan_windows` returns them).
    t_order_min : float or None
        Lowest admissible T_min above the ordering features (None: no feature).
    fit_chi0 : bool
        Whether chi0 was fitted.
    n_total : int
        Number of data points.

    Returns
    -------
    (row index, reason text, flags)
    """
    cols = {c: scan[c].to_numpy() for c in scan.columns}
    k, why, flags, extra = choose_window_arrays(cols, t_order_min, fit_chi0, n_total)
    for c, v in extra.items():
        scan[c] = v
    return k, why, flags


def choose_window_arrays(cols: dict, t_order_min: float | None, fit_chi0: bool,
                         n_total: int) -> tuple[int, str, list[str], dict[str, np.ndarray]]:
    """:func:`choose_window` on scan columns given as arrays (no DataFrame).

    Parameters
    ----------
    cols : dict of arrays
        The scan columns (as :func:`scan_windows` returns them).
    t_order_min : float or None
        Lowest admissible T_min above the ordering features (None: no feature).
    fit_chi0 : bool
        Whether chi0 was fitted.
    n_total : int
        Number of data points.

    Returns
    -------
    (row index, reason text, flags, columns)
        ``columns``: the ``stable``, ``above_order`` and ``accepted`` arrays.
    """
    names = ["theta_K", "C_emu_K_mol"] + (["chi0_emu_mol"] if fit_chi0 else [])
    stable = _stability(cols, names, fit_chi0)
    tmins = np.asarray(cols["tmin_K"], dtype=float)
    above = np.ones(tmins.size, dtype=bool) if t_order_min is None else tmins >= t_order_min
    conv = np.asarray(cols["converged"], dtype=bool)
    accepted = stable & ~np.asarray(cols["trend"], dtype=bool) & above & conv
    extra = {"stable": stable, "above_order": above, "accepted": accepted}
    k, why, flags = _choose(tmins, np.asarray(cols["theta_K"], dtype=float), np.asarray(cols["n_points"]),
                            stable, above, conv, accepted, n_total)
    return k, why, flags, extra


def _choose(tmins, thetas, npts, stable, above, conv, accepted, n_total) -> tuple[int, str, list[str]]:
    """Rule step 5 on the decision arrays."""
    flags: list[str] = []
    acc = np.flatnonzero(accepted)
    k_pref = None
    if acc.size:
        # theta_ref from the lowest accepted (most precise stable) window; move up to
        # T_min >= 2|theta_ref|, refresh theta_ref there, repeat until consistent
        # (monotone: the reference only moves up, so this terminates)
        k_ref = int(acc[0])
        while True:
            need = THETA_FACTOR * abs(thetas[k_ref])
            if tmins[k_ref] >= need:
                k_pref = k_ref
                break
            ok = acc[(acc > k_ref) & (tmins[acc] >= need)]
            if ok.size == 0:
                break
            k_ref = int(ok[0])
    if k_pref is not None:
        k = k_pref
        why = (f"lowest scanned T_min whose theta, C, chi0 agree (within {Z_STABLE:g} combined sigma) "
               f"with the fit of its upper half, shows no residual "
               f"trend, and satisfies T_min >= {THETA_FACTOR:g}|theta|")
        return k, why, flags
    if acc.size:
        k = int(acc[0])
        why = (f"lowest scanned T_min whose theta, C, chi0 agree (within {Z_STABLE:g} combined sigma) "
               f"with the fit of its upper half and shows no "
               f"residual trend; no such window has T_min >= {THETA_FACTOR:g}|theta| "
               f"(data do not extend high enough)")
        return k, why, flags
    stab = np.flatnonzero(stable & above & conv)
    if stab.size:
        k = int(stab[0])
        why = ("no window passed both the stability and residual-trend tests; using the lowest stable "
               "T_min (residuals show a trend)")
        flags.append("no trend-free window: residuals show a systematic trend in every stable window")
        return k, why, flags
    target = max(n_total // 3, 1)
    cand = np.flatnonzero(above & conv & (npts >= min(target, MIN_POINTS)))
    if cand.size:
        k = int(cand[np.argmin(np.abs(npts[cand] - max(target, MIN_POINTS)))])
    else:
        k = len(tmins) - 1
    why = "no window passed the stability test; using the window holding about the upper third of the points"
    flags.append("no stable window: theta, C, chi0 drift with T_min over the whole scan")
    return k, why, flags
