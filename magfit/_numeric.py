"""Small numpy stand-ins for the scipy routines on the Curie-Weiss fit path (issue 12).

Importing ``scipy.signal`` (``find_peaks``), ``scipy.ndimage`` (``median_filter``, ``convolve1d``)
or ``scipy.special`` (``fdtrc``) costs 0.07-0.2 s each in a fresh process, more than a whole fit.
The fit needs only three small things from them, written here in numpy with the same results:

* :func:`smooth_median5_binomial` -- running median of 5 then [1, 2, 1]/4, both with
  ``mode="nearest"`` edges, as ``convolve1d(median_filter(y, 5), [0.25, 0.5, 0.25])``;
* :func:`peak_prominences` -- the local maxima of ``scipy.signal.find_peaks`` (flat tops at
  their middle sample, rounded down; never the first or last sample) and their topographic
  prominences (no window length);
* :func:`f_sf` -- survival function of the F(n, d) distribution (scalars or arrays; ``f_sf_dfn1``
  for n = 1), via the regularised incomplete beta function, sf = I_{d/(d+nF)}(d/2, n/2), by its
  continued fraction.

tests/test_numeric.py compares each with scipy.

References
----------
M. Abramowitz and I. A. Stegun, *Handbook of Mathematical Functions* (1964), 26.5.8 and 26.6.2
(incomplete beta continued fraction, F distribution); W. J. Lentz, Appl. Opt. 15, 668 (1976)
(evaluation of continued fractions).
"""

from __future__ import annotations

import math
import sys

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["smooth_median5_binomial", "peak_prominences", "f_sf_dfn1", "f_sf", "use_compiled"]

_EPS = 1e-14
_MAX_TERMS = 500
_BLOCK = 8
_SCALAR_MAX = 4
#: the prominence search first looks this many samples to each side of every peak at once
_NEAR = 8


def use_compiled() -> bool:
    """Whether the fit path uses its compiled numba kernels (``cache=True``) now, by the rule of
    ``magfit.window.USE_NUMBA``: "auto" uses them once numba is imported or after
    ``window._NUMBA_AFTER`` window scans of the process (a one-off command does not pay numba's
    0.5-4 s start-up); True / False: always / never (the numpy paths give the same numbers).
    The setting is read from ``sys.modules`` (not imported: magfit.window imports this module).
    """
    window = sys.modules.get("magfit.window")
    setting = "auto" if window is None else window.USE_NUMBA
    if setting == "auto":
        return "numba" in sys.modules or (window is not None and window._scans_done[0] > window._NUMBA_AFTER)
    return bool(setting)


def smooth_median5_binomial(y: np.ndarray) -> np.ndarray:
    """Running median of 5 samples, then the binomial filter [1, 2, 1]/4 (edges: nearest value).

    Parameters
    ----------
    y : array
        Samples (at least one).

    Returns
    -------
    numpy.ndarray
        The smoothed samples, same length.
    """
    y = np.asarray(y, dtype=float)
    med = np.sort(sliding_window_view(np.pad(y, 2, mode="edge"), 5), axis=1)[:, 2]
    p = np.pad(med, 1, mode="edge")
    # symmetric kernel: centre term first, then the pair sum (the order scipy.ndimage sums in)
    return med * 0.5 + (p[:-2] + p[2:]) * 0.25


def peak_prominences(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Local maxima of ``x`` and their prominences, as ``scipy.signal.find_peaks`` finds them.

    A peak is a sample (or a run of equal samples: its middle, rounded down) with lower
    neighbours on both sides; the first and last samples are never peaks. Its prominence is its
    height above the higher of the two minima between it and the nearest strictly higher sample
    on each side (or the end of the data).

    Parameters
    ----------
    x : array
        The samples.

    Returns
    -------
    (peaks, prominences) : (numpy.ndarray of int, numpy.ndarray)
        Indices of the peaks (ascending) and their prominences.
    """
    x = np.asarray(x, dtype=float)
    if x.size < 3:
        return np.zeros(0, dtype=int), np.zeros(0)
    start = np.flatnonzero(np.r_[True, x[1:] != x[:-1]])          # runs of equal values
    end = np.r_[start[1:] - 1, x.size - 1]
    v = x[start]
    top = np.flatnonzero((v[1:-1] > v[:-2]) & (v[1:-1] > v[2:])) + 1
    peaks = (start[top] + end[top]) // 2
    lo, hi = _bases(x, peaks, -1), _bases(x, peaks, 1)
    prom = np.empty(peaks.size)
    near = (peaks - lo <= _NEAR) & (hi - peaks <= _NEAR)
    if near.any():                     # most peaks of noisy data: bases within _NEAR samples
        p = peaks[near]
        off = np.arange(-_NEAR, _NEAR + 1)
        j = p[:, None] + off[None, :]
        xs = x[np.clip(j, 0, x.size - 1)]
        left = np.where((j >= lo[near, None]) & (off <= 0), xs, np.inf).min(axis=1)
        right = np.where((j < hi[near, None]) & (off >= 0), xs, np.inf).min(axis=1)
        prom[near] = x[p] - np.maximum(left, right)
    for k in np.flatnonzero(~near):
        p = peaks[k]
        prom[k] = x[p] - max(x[lo[k]:p + 1].min(), x[p:hi[k]].min())
    return peaks, prom


def _bases(x: np.ndarray, peaks: np.ndarray, side: int) -> np.ndarray:
    """Per peak: one past the nearest strictly higher sample on the left (``side`` -1; 0 if none),
    or the nearest strictly higher sample on the right (``side`` 1; len(x) if none). Looks
    ``_NEAR`` samples out for all peaks at once, then searches the rest one by one."""
    n = x.size
    off = np.arange(1, _NEAR + 1) * side
    j = peaks[:, None] + off[None, :]
    inside = (j >= 0) & (j < n)
    hit = inside & (x[np.clip(j, 0, n - 1)] > x[peaks][:, None])
    found = hit.any(axis=1)
    first = j[np.arange(peaks.size), np.argmax(hit, axis=1)]
    out = np.where(found, first + (1 if side < 0 else 0), 0 if side < 0 else n)
    for k in np.flatnonzero(~found & inside.all(axis=1)):      # not within _NEAR: search on
        p = peaks[k]
        if side < 0:
            higher = np.flatnonzero(x[:p - _NEAR] > x[p])
            out[k] = higher[-1] + 1 if higher.size else 0
        else:
            higher = np.flatnonzero(x[p + _NEAR + 1:] > x[p])
            out[k] = p + _NEAR + 1 + higher[0] if higher.size else n
    return out


def f_sf(stat, dfn, dfd):
    """Survival function P(F > stat) of the F(dfn, dfd) distribution (scalars or arrays).

    sf = I_x(dfd/2, dfn/2) with x = dfd / (dfd + dfn stat) (Abramowitz & Stegun 26.6.2), the
    regularised incomplete beta function evaluated by its continued fraction (26.5.8; modified
    Lentz), using I_x(a, b) = 1 - I_{1-x}(b, a) where the fraction converges slowly (x >= (a + 1) /
    (a + b + 2)). What scipy.special.fdtrc computes, without its 0.4 s import on the fit path.

    Parameters
    ----------
    stat : float or array
        F statistics (>= 0).
    dfn, dfd : float or array
        Numerator and denominator degrees of freedom (> 0); broadcast against ``stat``.

    Returns
    -------
    float or numpy.ndarray
        The p-values (1 at stat <= 0, 0 at stat = inf, NaN for NaN or non-positive / non-finite
        degrees of freedom); a float when every argument is a scalar.
    """
    f, n, d = (np.asarray(v, dtype=float) for v in (stat, dfn, dfd))
    both = np.broadcast(f, n, d)
    shape = both.shape
    if both.size <= _SCALAR_MAX:    # a few values: plain floats beat numpy's per-call overhead
        if shape == ():
            return _f_sf_scalar(float(f), float(n), float(d))
        return np.array([_f_sf_scalar(float(a), float(b), float(c)) for a, b, c in both]).reshape(shape)
    f, n, d = (np.broadcast_to(v, shape) for v in (f, n, d))
    out = np.full(shape, np.nan)
    ok = np.isfinite(d) & (d > 0) & np.isfinite(n) & (n > 0) & ~np.isnan(f)
    out[ok & (f <= 0)] = 1.0
    out[ok & np.isposinf(f)] = 0.0
    todo = ok & (f > 0) & np.isfinite(f)
    if todo.any():
        fs, ns, ds = f[todo], n[todo], d[todo]
        a, b = 0.5 * ds, 0.5 * ns
        x, xc = ds / (ds + ns * fs), ns * fs / (ds + ns * fs)
        flip = x >= (a + 1.0) / (a + b + 2.0)
        cf = _ibeta_cf(np.where(flip, b, a), np.where(flip, a, b), np.where(flip, xc, x),
                       np.where(flip, x, xc))
        out[todo] = np.where(flip, 1.0 - cf, cf)
    return out


def _f_sf_scalar(f: float, n: float, d: float) -> float:
    """:func:`f_sf` for one value (plain floats; the same branch choice and continued fraction)."""
    if math.isnan(f) or not (n > 0 and d > 0) or not (math.isfinite(n) and math.isfinite(d)):
        return math.nan
    if f <= 0:
        return 1.0
    if math.isinf(f):
        return 0.0
    a, b = 0.5 * d, 0.5 * n
    x, xc = d / (d + n * f), n * f / (d + n * f)
    if x >= (a + 1.0) / (a + b + 2.0):
        return 1.0 - _ibeta_cf_scalar(b, a, xc, x)
    return _ibeta_cf_scalar(a, b, x, xc)


def f_sf_dfn1(stat, dfd) -> np.ndarray:
    """:func:`f_sf` with one numerator degree of freedom, always as an array (the curvature test).

    Parameters
    ----------
    stat : array
        F statistics (>= 0).
    dfd : array
        Denominator degrees of freedom (> 0).

    Returns
    -------
    numpy.ndarray
        The p-values (1 at stat = 0; NaN for NaN input).
    """
    return np.asarray(f_sf(stat, 1.0, dfd), dtype=float)


def _ibeta_cf(a: np.ndarray, b: np.ndarray, x: np.ndarray, xc: np.ndarray) -> np.ndarray:
    """I_x(a, b) by its continued fraction (where x < (a + 1)/(a + b + 2)); xc = 1 - x. Arrays.

    Lentz's forward evaluation, the partial numerators of 26.5.8 computed ``_BLOCK`` at a time;
    stops when every element's last factor is 1 to within ``_EPS`` (for F(1, d) at most ~35
    terms for any d; ``_MAX_TERMS`` is a safety cap).
    """
    lg = np.vectorize(math.lgamma, otypes=[float])
    log_front = lg(a + b) - lg(a) - lg(b) + a * np.log(x) + b * np.log(xc)
    with np.errstate(all="ignore"):
        c = np.ones_like(a)
        dd = 1.0 / (1.0 - (a + b) * x / (a + 1.0))
        h = dd.copy()
        for m0 in range(1, _MAX_TERMS, _BLOCK):
            m = np.arange(m0, m0 + _BLOCK, dtype=float)[:, None]
            am2 = a + 2.0 * m
            coefs = np.empty((2 * _BLOCK, a.size))
            coefs[0::2] = m * (b - m) * x / ((am2 - 1.0) * am2)
            coefs[1::2] = -(a + m) * (a + b + m) * x / (am2 * (am2 + 1.0))
            for coef in coefs:
                dd = 1.0 / (1.0 + coef * dd)
                c = 1.0 + coef / c
                step = dd * c
                h *= step
            if not np.max(np.abs(step - 1.0)) >= _EPS:         # converged (or NaN: stop too)
                break
        return np.exp(log_front) * h / a


def _ibeta_cf_scalar(a: float, b: float, x: float, xc: float) -> float:
    """:func:`_ibeta_cf` for one value (same fraction, same stopping rule)."""
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(xc)
    c, h = 1.0, 0.0
    try:
        dd = 1.0 / (1.0 - (a + b) * x / (a + 1.0))
        h = dd
        for m in range(1, _MAX_TERMS):
            am2 = a + 2.0 * m
            even = m * (b - m) * x / ((am2 - 1.0) * am2)
            for coef in (even, -(a + m) * (a + b + m) * x / (am2 * (am2 + 1.0))):
                dd = 1.0 / (1.0 + coef * dd)
                c = 1.0 + coef / c
                step = dd * c
                h *= step
            if abs(step - 1.0) < _EPS:
                break
    except ZeroDivisionError:
        return math.nan
    return math.exp(log_front) * h / a
