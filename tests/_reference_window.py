"""FROZEN REFERENCE (issue 12): magfit/window.py as of commit e67f136, before the fast scan engine.

Do not edit: tests/test_scan_equivalence.py checks that the new engine reproduces this code.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "MIN_POINTS", "MIN_SPAN_RATIO", "N_SCAN_MAX", "Z_STABLE", "STABLE_FRACTION", "Z_RUNS", "Z_LOWEND",
    "ALPHA_CURVATURE",
    "ORDER_MARGIN",
    "THETA_FACTOR",
    "FM_RISE_FACTOR", "PEAK_NOISE_SIGMAS", "PEAK_REL", "MERGE_REL_T", "REL_FLOOR", "EXACT_RESIDUAL_REL",
    "ordering_features", "candidate_tmins", "runs_test_z", "curvature_test", "trend_tests", "stability",
    "choose_window",
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
    from scipy.ndimage import convolve1d, median_filter

    if y.size < 7:
        return y.copy()
    return convolve1d(median_filter(y, size=5, mode="nearest"), [0.25, 0.5, 0.25], mode="nearest")


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


def _merge_repeats(t: np.ndarray, y: np.ndarray, err: np.ndarray | None):
    """Average points measured at the same temperature (within ``MERGE_REL_T``), e.g. repeated
    sweeps, so that sweep-to-sweep offsets do not pose as point-to-point noise."""
    if t.size < 2 or np.any(t <= 0):
        return t, y, err
    order = np.argsort(t, kind="stable")
    t, y = t[order], y[order]
    err = None if err is None else err[order]
    new_group = np.r_[True, np.diff(np.log(t)) > MERGE_REL_T]
    gid = np.cumsum(new_group) - 1
    n = np.bincount(gid)
    tm = np.bincount(gid, t) / n
    ym = np.bincount(gid, y) / n
    em = None if err is None else np.sqrt(np.bincount(gid, err * err)) / n
    return tm, ym, em


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
    from scipy.signal import find_peaks

    t = np.asarray(temperature_K, dtype=float)
    y = np.asarray(chi_emu_mol, dtype=float)
    err = None if chi_err_emu_mol is None else np.asarray(chi_err_emu_mol, dtype=float)
    t, y, err = _merge_repeats(t, y, err)
    if t.size < 7:
        return []
    sigma = _noise_sigma(y, err)
    ys = _smooth(y)
    out: list[dict] = []
    peaks, props = find_peaks(ys, prominence=max(PEAK_NOISE_SIGMAS * sigma, 0.0))
    for p, prom in zip(peaks, props["prominences"], strict=True):
        if prom >= PEAK_REL * abs(ys[p]) and prom > 0:
            out.append({"kind": "chi maximum", "temperature_K": float(t[p]), "prominence": float(prom)})
    yt = ys * t
    top = float(np.median(yt[-3:]))
    peaks, props = find_peaks(yt, prominence=max(PEAK_NOISE_SIGMAS * sigma * float(t.max()), 0.0))
    for p, prom in zip(peaks, props["prominences"], strict=True):
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


def _profile_rss(t: np.ndarray, y: np.ndarray, w: np.ndarray, powers: tuple[int, ...], constant: bool,
                 n_grid: int = 120) -> float:
    """min over theta < min(T) of the weighted RSS of chi = sum_k a_k/(T - theta)^k [+ chi0].

    Linear in the amplitudes for fixed theta (solved in closed form, vectorised over a log grid
    in T_min - theta), then Brent between the best grid point's neighbours (as
    :func:`magfit.models.profile_theta`).
    """
    from scipy.optimize import minimize_scalar

    tmin = float(t.min())
    u_lo = 1e-6 * max(float(t.max() - t.min()) + abs(tmin), 1.0)
    u_hi = 1e3 * max(float(t.max()), abs(tmin), 1.0)
    wy = w * y

    def rss(u):
        u = np.atleast_1d(u)
        x = 1.0 / (t[None, :] - (tmin - u[:, None]))
        cols = [x**k for k in powers] + ([np.ones_like(x)] if constant else [])
        bw = np.stack(cols, axis=1) * w                                  # (n_u, k, n_t)
        a = np.einsum("uit,ujt->uij", bw, bw)
        b = np.einsum("uit,t->ui", bw, wy)
        with np.errstate(all="ignore"):
            try:
                coef = np.linalg.solve(a, b[..., None])[..., 0]
            except np.linalg.LinAlgError:
                coef = np.stack([np.linalg.lstsq(ai, bi, rcond=None)[0] for ai, bi in zip(a, b, strict=True)])
            r = wy[None, :] - np.einsum("ui,uit->ut", coef, bw)
            out = np.sum(r * r, axis=1)
        return np.where(np.isfinite(out), out, np.inf)

    lu = np.linspace(np.log(u_lo), np.log(u_hi), n_grid)
    cost = rss(np.exp(lu))
    i = int(np.argmin(cost))
    lo, hi = lu[max(i - 1, 0)], lu[min(i + 1, n_grid - 1)]
    best = float(cost[i])
    if hi > lo:
        opt = minimize_scalar(lambda v: float(rss(np.exp(v))[0]), bounds=(lo, hi), method="bounded",
                              options={"xatol": 1e-10})
        best = min(best, float(opt.fun))
    return best


def curvature_test(temperature_K, chi_emu_mol, weights=None, *, fit_chi0: bool = True) -> dict:
    """Lack-of-fit F-test of Curie-Weiss against the next term of the high-temperature series.

    chi - chi_CW ~ D/(T - theta)^3 is the leading deviation of a local-moment magnet from the
    Curie-Weiss [0/1] Pade approximant of its high-T series (Rushbrooke & Wood 1958); short-range
    order makes D significant. F = (RSS_CW - RSS_ext) / (RSS_ext / (n - p_ext)) with one extra
    parameter; p from the F(1, n - p_ext) distribution. Scale-free (independent of how the error
    bars are scaled).

    Returns
    -------
    dict
        ``curvature_F`` and ``curvature_p`` (1.0 when undefined: too few points, exact data).
    """
    from scipy.stats import f as f_dist

    t = np.asarray(temperature_K, dtype=float)
    y = np.asarray(chi_emu_mol, dtype=float)
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype=float)
    p_ext = 4 if fit_chi0 else 3
    if t.size <= p_ext + 1:
        return {"curvature_F": 0.0, "curvature_p": 1.0}
    with np.errstate(all="ignore"):
        rss_cw = _profile_rss(t, y, w, (1,), fit_chi0)
        rss_ext = _profile_rss(t, y, w, (1, 3), fit_chi0)
    scale = float(np.sum((w * y) ** 2))
    if not (np.isfinite(rss_cw) and np.isfinite(rss_ext)) or rss_ext <= (EXACT_RESIDUAL_REL**2) * scale:
        return {"curvature_F": 0.0, "curvature_p": 1.0}
    stat = max(rss_cw - rss_ext, 0.0) / (rss_ext / (t.size - p_ext))
    return {"curvature_F": float(stat), "curvature_p": float(f_dist.sf(stat, 1, t.size - p_ext))}


def trend_tests(temperature_K, chi_emu_mol, fitted_emu_mol, weights=None, *, fit_chi0: bool = True) -> dict:
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

    Returns
    -------
    dict
        ``runs_z``, ``lowend_z``, ``curvature_F``, ``curvature_p``, ``exact`` (round-off level
        residuals) and ``trend`` (bool).
    """
    t = np.asarray(temperature_K, dtype=float)
    y = np.asarray(chi_emu_mol, dtype=float)
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype=float)
    r = (y - np.asarray(fitted_emu_mol, dtype=float)) * w
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
    curv = curvature_test(t, y, w, fit_chi0=fit_chi0)
    trend = bool(z_runs < -Z_RUNS or abs(z_low) > Z_LOWEND or curv["curvature_p"] < ALPHA_CURVATURE)
    return {"runs_z": z_runs, "lowend_z": z_low, **curv, "exact": False, "trend": trend}


def stability(scan: pd.DataFrame, fit_chi0: bool) -> np.ndarray:
    """Stable[k]: theta, C (and chi0) of window k agree with its upper half (rule, step 3)."""
    names = ["theta_K", "C_emu_K_mol"] + (["chi0_emu_mol"] if fit_chi0 else [])
    n = len(scan)
    npts = scan["n_points"].to_numpy(dtype=float)
    ok = np.isfinite(scan[[*names, *[f"{p}_err" for p in names]]].to_numpy(dtype=float)).all(axis=1)
    stable = np.zeros(n, dtype=bool)
    for k in range(n):
        if not ok[k]:
            continue
        good = True
        for p in names:
            v = scan[p].to_numpy(dtype=float)
            e = scan[f"{p}_err"].to_numpy(dtype=float)
            if p == "theta_K":
                floor_scale = max(abs(v[k]), float(scan["tmin_K"].iloc[k]), 1.0)
            elif p == "chi0_emu_mol":
                floor_scale = max(abs(v[k]), float(scan["chi_scale"].iloc[k]))
            else:
                floor_scale = abs(v[k])
            # reference: the fitted window closest to the upper half of window k
            j = np.arange(k + 1, n)
            j = j[ok[j] & (npts[j] >= STABLE_FRACTION * npts[k])][-1:]
            tol = Z_STABLE * np.sqrt(e[k] ** 2 + e[j] ** 2) + REL_FLOOR * floor_scale
            if np.any(np.abs(v[j] - v[k]) > tol):
                good = False
                break
        stable[k] = good
    return stable


def choose_window(scan: pd.DataFrame, t_order_min: float | None, fit_chi0: bool,
                  n_total: int) -> tuple[int, str, list[str]]:
    """Apply rule steps 3-5 to a filled scan table (adds ``stable``, ``accepted`` columns in place).

    Returns
    -------
    (row index, reason text, flags)
    """
    stable = stability(scan, fit_chi0)
    scan["stable"] = stable
    above = np.ones(len(scan), dtype=bool) if t_order_min is None else \
        scan["tmin_K"].to_numpy() >= t_order_min
    scan["above_order"] = above
    conv = scan["converged"].to_numpy(dtype=bool)
    accepted = stable & ~scan["trend"].to_numpy(dtype=bool) & above & conv
    scan["accepted"] = accepted
    flags: list[str] = []
    tmins = scan["tmin_K"].to_numpy(dtype=float)
    thetas = scan["theta_K"].to_numpy(dtype=float)
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
    cand = np.flatnonzero(above & conv & (scan["n_points"].to_numpy() >= min(target, MIN_POINTS)))
    if cand.size:
        npts = scan["n_points"].to_numpy()
        k = int(cand[np.argmin(np.abs(npts[cand] - max(target, MIN_POINTS)))])
    else:
        k = len(scan) - 1
    why = "no window passed the stability test; using the window holding about the upper third of the points"
    flags.append("no stable window: theta, C, chi0 drift with T_min over the whole scan")
    return k, why, flags
