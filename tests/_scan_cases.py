"""Seeded synthetic chi(T) data sets for the scan-engine equivalence test and benchmarks (issue 12).

Each case is Curie-Weiss + chi0 with Gaussian noise, some with a low-temperature deviation
(short-range order: chi falls below Curie-Weiss, or an AFM cusp) so that the window rule has
something to reject, some with error bars (1/sigma weights) and some without.
"""

from __future__ import annotations

import numpy as np

import magfit


def synthetic_case(seed: int) -> magfit.ChiT:
    """One reproducible data set (seed -> ChiT)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(40, 400))
    t_lo = float(rng.uniform(1.8, 10.0))
    t_hi = float(rng.uniform(150.0, 350.0))
    t = np.sort(rng.uniform(t_lo, t_hi, n)) if rng.random() < 0.3 else np.linspace(t_lo, t_hi, n)
    c = float(rng.uniform(0.3, 10.0))
    theta = float(rng.uniform(-40.0, 0.8 * t_lo if rng.random() < 0.2 else 0.0))
    chi0 = float(rng.choice([0.0, rng.uniform(-5e-4, 2e-3)]))
    y = c / (t - theta) + chi0
    kind = rng.integers(0, 3)
    if kind == 1:                                    # short-range order bends chi down at low T
        t_sr = float(rng.uniform(5.0, 30.0))
        y = y * (1.0 - 0.3 * np.exp(-t / t_sr))
    elif kind == 2:                                  # AFM cusp
        t_n = float(rng.uniform(5.0, 25.0))
        below = t < t_n
        y = np.where(below, (c / (t_n - theta) + chi0) * (0.7 + 0.3 * t / t_n), y)
    rel = float(10 ** rng.uniform(-4, -1.7))
    err = rel * np.abs(y) + 1e-7
    y_noisy = y + err * rng.standard_normal(n)
    with_err = rng.random() < 0.6
    return magfit.ChiT(t, y_noisy, err if with_err else None, per="ion", name=f"case{seed}")
