"""Compiled kernel (numba, cache=True) of the residual tests of :func:`magfit.window.trend_tests`.

One pass over the T-sorted window: the round-off check (rms of the weighted residuals against rms
of the weighted data), the Wald-Wolfowitz runs test on the residual signs
(:func:`magfit.window.runs_test_z`) and the low-T-end mean test. The same formulas as the numpy
path; the sums are sequential (numpy sums pairwise), so z values agree to round-off
(tests/test_fitting.py compares them). Used only when :func:`magfit._numeric.use_compiled` says so.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy")
def _runs_z(r):
    n1 = n2 = runs = 0
    prev = 0.0
    for i in range(r.size):
        if r[i] == 0.0 or r[i] != r[i]:        # zero (and NaN: no sign) residuals are skipped
            continue
        s = 1.0 if r[i] > 0 else -1.0
        if s > 0:
            n1 += 1
        else:
            n2 += 1
        if n1 + n2 == 1 or s != prev:
            runs += 1
        prev = s
    n = n1 + n2
    if n1 == 0 or n2 == 0 or n < 3:
        return 0.0 if n < 3 else -np.inf
    mu = 2.0 * n1 * n2 / n + 1.0
    var = (mu - 1.0) * (mu - 2.0) / (n - 1.0)
    if var <= 0:
        return 0.0
    return (runs - mu) / math.sqrt(var)


@njit(cache=True, error_model="numpy")
def residual_tests(y, fitted, w, exact_rel):
    """(exact, runs z, low-end z) of the weighted residuals (y - fitted) w of a T-sorted window."""
    n = y.size
    r = (y - fitted) * w
    syy = srr = sr = 0.0
    for i in range(n):
        yw = y[i] * w[i]
        syy += yw * yw
        srr += r[i] * r[i]
        sr += r[i]
    scale = math.sqrt(syy / n) if n else 0.0
    rms = math.sqrt(srr / n) if n else 0.0
    if rms <= exact_rel * scale:
        return True, 0.0, 0.0
    z_runs = _runs_z(r)
    k = max(3, n // 4)
    mean = sr / n
    ss = 0.0
    for i in range(n):
        ss += (r[i] - mean) * (r[i] - mean)
    sd = math.sqrt(ss / (n - 1)) if n > 1 else 0.0
    low = 0.0
    m = min(k, n)
    for i in range(m):
        low += r[i]
    low /= m
    z_low = low / (sd / math.sqrt(k)) if sd > 0 else 0.0
    return False, z_runs, z_low
