"""Compiled kernels (numba, cache=True) of :func:`magfit.window.ordering_features` (issue 12).

The same steps as the numpy path: averaging of repeated temperatures (``_merge_repeats``: sums in
data order, as ``np.bincount``), the point-to-point noise (``_noise_sigma``: MAD of second
differences, medians as ``np.median``), the running median of 5 with the [1, 2, 1]/4 filter
(:func:`magfit._numeric.smooth_median5_binomial`) and the peaks with their topographic
prominences (:func:`magfit._numeric.peak_prominences`, as ``scipy.signal.find_peaks``). Every
step selects, compares or sums in the numpy path's order, so the results are identical
(tests/test_numeric.py). Used only when :func:`magfit._numeric.use_compiled` says so.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def merge_groups(t, y, new_group):
    """Means of t and y over runs of points (a run starts where ``new_group`` is True)."""
    n_groups = 0
    for i in range(t.size):
        n_groups += new_group[i]
    tm, ym, cnt = np.zeros(n_groups), np.zeros(n_groups), np.zeros(n_groups)
    g = -1
    for i in range(t.size):
        if new_group[i]:
            g += 1
        tm[g] += t[i]
        ym[g] += y[i]
        cnt[g] += 1.0
    return tm / cnt, ym / cnt


@njit(cache=True)
def _median(a):
    s = np.sort(a)
    m = s.size // 2
    if s.size % 2:
        return s[m]
    return (s[m - 1] + s[m]) / 2.0


@njit(cache=True)
def noise_sigma(y):
    """1.4826 MAD(second differences) / sqrt(6) (at least 3 points)."""
    d2 = np.empty(y.size - 2)
    for i in range(d2.size):
        d2[i] = (y[i + 2] - y[i + 1]) - (y[i + 1] - y[i])
    med = _median(d2)
    return 1.4826 * _median(np.abs(d2 - med)) / math.sqrt(6.0)


@njit(cache=True)
def smooth(y):
    """Running median of 5 (edges: nearest value), then [1, 2, 1]/4 (edges: nearest value)."""
    n = y.size
    med = np.empty(n)
    buf = np.empty(5)
    for i in range(n):
        for k in range(5):                     # insertion sort of the 5 samples (edges repeated)
            v = y[min(max(i + k - 2, 0), n - 1)]
            j = k
            while j > 0 and buf[j - 1] > v:
                buf[j] = buf[j - 1]
                j -= 1
            buf[j] = v
        med[i] = buf[2]
    out = np.empty(n)
    for i in range(n):
        out[i] = med[i] * 0.5 + (med[max(i - 1, 0)] + med[min(i + 1, n - 1)]) * 0.25
    return out


@njit(cache=True)
def peak_prominences(x):
    """Peaks (flat tops at their middle, rounded down; never the ends) and prominences."""
    n = x.size
    peaks = np.empty(max(n // 2, 1), dtype=np.int64)
    npk = 0
    i = 1
    while i < n - 1:
        if x[i - 1] < x[i]:
            j = i
            while j + 1 < n - 1 and x[j + 1] == x[i]:
                j += 1
            if x[j + 1] < x[i]:
                peaks[npk] = (i + j) // 2
                npk += 1
                i = j
        i += 1
    peaks = peaks[:npk]
    prom = np.empty(npk)
    for k in range(npk):
        p = peaks[k]
        left = x[p]
        i = p
        while i >= 0 and x[i] <= x[p]:
            left = min(left, x[i])
            i -= 1
        right = x[p]
        i = p
        while i < n and x[i] <= x[p]:
            right = min(right, x[i])
            i += 1
        prom[k] = x[p] - max(left, right)
    return peaks, prom


@njit(cache=True)
def features(t, y, new_group):
    """All of the compiled steps in one call: merged t and y, the noise (NaN below 10 merged
    points: the caller then uses the error bars), the smoothed chi, chi*T, and the peaks and
    prominences of both."""
    tm, ym = merge_groups(t, y, new_group)
    sigma = noise_sigma(ym) if tm.size >= 10 else np.nan
    ys = smooth(ym)
    yt = ys * tm
    p1, pr1 = peak_prominences(ys)
    p2, pr2 = peak_prominences(yt)
    return tm, ym, sigma, ys, yt, p1, pr1, p2, pr2


@njit(cache=True)
def ordering_peaks(t, y, log_t, merge_rel, noise_sigmas, peak_rel, fm_rise):
    """The whole compiled path of :func:`magfit.window.ordering_features` for sorted, finite data with
    at least 10 merged temperatures: groups of repeated T (``log_t`` = np.log(t): numpy's log, so
    that the groups are numpy's), :func:`features`, then the peak rules of ordering_features in its
    order and arithmetic (thresholds as Python's ``max(x, 0.0)``, the chi*T reference the middle of
    its last three values). Returns (ok, kinds, temperatures, prominences): kind 0 a chi maximum,
    1 a chi*T maximum; ``ok`` False (nothing else computed) when the data are unsorted or not finite
    or merge to fewer than 10 temperatures -- the caller then takes the general path."""
    n = t.size
    empty_i, empty_f = np.empty(0, dtype=np.int64), np.empty(0)
    new_group = np.empty(n, dtype=np.bool_)
    for i in range(n):
        if not (math.isfinite(t[i]) and math.isfinite(y[i])) or (i > 0 and not t[i] >= t[i - 1]):
            return False, empty_i, empty_f, empty_f
        new_group[i] = True if i == 0 else log_t[i] - log_t[i - 1] > merge_rel
    tm, ym, sigma, ys, yt, p1, pr1, p2, pr2 = features(t, y, new_group)
    if tm.size < 10:
        return False, empty_i, empty_f, empty_f
    kinds = np.empty(p1.size + p2.size, dtype=np.int64)
    temps, proms = np.empty(kinds.size), np.empty(kinds.size)
    k = 0
    thr = noise_sigmas * sigma
    if 0.0 > thr:
        thr = 0.0
    for j in range(p1.size):
        p, prom = p1[j], pr1[j]
        if prom >= thr and prom >= peak_rel * abs(ys[p]) and prom > 0:
            kinds[k], temps[k], proms[k] = 0, tm[p], prom
            k += 1
    a, b, c = yt[yt.size - 3], yt[yt.size - 2], yt[yt.size - 1]
    top = max(min(a, b), min(max(a, b), c))                 # the middle of three (finite) values
    t_max = tm[0]
    for i in range(tm.size):
        t_max = max(t_max, tm[i])
    thr = noise_sigmas * sigma * t_max
    if 0.0 > thr:
        thr = 0.0
    for j in range(p2.size):
        p, prom = p2[j], pr2[j]
        if prom >= thr and top > 0 and yt[p] >= fm_rise * top and prom >= peak_rel * yt[p]:
            kinds[k], temps[k], proms[k] = 1, tm[p], prom
            k += 1
    return True, kinds[:k], temps[:k], proms[:k]
