"""Metropolis spin updates per second: magfit's numba kernel vs a NumPy checkerboard, same run.

Both implement the same algorithm for the classical Heisenberg model on an L = 32 simple-cubic
lattice (32768 spins, periodic, H = -J sum s_i.s_j, J = 1) at k_B T/J = 1.5 (just above T_c):
trial s' = (s + delta r)/|s + delta r| with r uniform on the sphere, accepted with
min(1, exp(-Delta E/T)). magfit sweeps the sites sequentially in compiled code
(magfit.simulate.montecarlo._metropolis_sweep); the baseline updates one checkerboard sublattice
at a time with whole-array NumPy operations (np.roll neighbour sums), the usual vectorised way.
Both are single-threaded (one core). Target: >= 3e7 updates/s and >= 5x NumPy.

Run:  /work/venv/bin/python benchmarks/bench_montecarlo.py [--L 32] [--sweeps 40] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from magfit.simulate import montecarlo as mc

T = 1.5
DELTA = 1.0


def numpy_checkerboard_sweep(spins: np.ndarray, parity: list[np.ndarray], beta: float, delta: float,
                             rng: np.random.Generator) -> int:
    """One Metropolis sweep, sublattice by sublattice; spins has shape (L, L, L, 3)."""
    accepted = 0
    for mask in parity:
        h = np.zeros_like(spins)
        for axis in range(3):
            h += np.roll(spins, 1, axis=axis)
            h += np.roll(spins, -1, axis=axis)
        s = spins[mask]
        hs = h[mask]
        r = rng.standard_normal(s.shape)
        r /= np.linalg.norm(r, axis=1, keepdims=True)            # uniform on the sphere
        new = s + delta * r
        new /= np.linalg.norm(new, axis=1, keepdims=True)
        de = -np.einsum("ij,ij->i", new - s, hs)
        ok = rng.random(de.size) < np.exp(-beta * np.maximum(de, 0.0))
        s[ok] = new[ok]
        spins[mask] = s
        accepted += int(ok.sum())
    return accepted


def energy_per_spin(spins: np.ndarray) -> float:
    e = 0.0
    for axis in range(3):
        e -= np.sum(spins * np.roll(spins, 1, axis=axis))
    return float(e / (spins.size // 3))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--L", type=int, default=32)
    ap.add_argument("--sweeps", type=int, default=40, help="sweeps per timed repeat (numba)")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    L = args.L
    n = L**3
    beta = 1.0 / T
    print(f"L = {L} sc, N = {n} spins, T = {T} J, delta = {DELTA}; load average {os.getloadavg()}")

    # ---- numba (magfit)
    nbr, stag = mc.build_lattice("sc", L)
    state = mc._seed_state(1)
    spins_nb = mc._random_spins(n, state)
    t0 = time.perf_counter()
    mc._metropolis_sweep(spins_nb, nbr, 1.0, beta, DELTA, state)          # compile / load cache
    t_compile = time.perf_counter() - t0
    for _ in range(200):                                                   # equilibrate
        mc._metropolis_sweep(spins_nb, nbr, 1.0, beta, DELTA, state)

    # ---- NumPy checkerboard baseline (same algorithm)
    rng = np.random.default_rng(1)
    spins_np = rng.standard_normal((L, L, L, 3))
    spins_np /= np.linalg.norm(spins_np, axis=-1, keepdims=True)
    idx = np.indices((L, L, L)).sum(axis=0) % 2
    parity = [idx == 0, idx == 1]
    for _ in range(200):                                                   # equilibrate (same as numba)
        numpy_checkerboard_sweep(spins_np, parity, beta, DELTA, rng)

    # interleaved repeats (the machine is shared: best of each, measured side by side)
    np_sweeps = max(2, args.sweeps // 8)
    best_nb = best_np = cpu_nb = cpu_np = np.inf
    acc_nb = acc_np = 0
    for _ in range(args.repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        acc_nb = sum(mc._metropolis_sweep(spins_nb, nbr, 1.0, beta, DELTA, state) for _ in range(args.sweeps))
        best_nb = min(best_nb, time.perf_counter() - t0)
        cpu_nb = min(cpu_nb, time.process_time() - c0)
        t0, c0 = time.perf_counter(), time.process_time()
        acc_np = sum(numpy_checkerboard_sweep(spins_np, parity, beta, DELTA, rng) for _ in range(np_sweeps))
        best_np = min(best_np, time.perf_counter() - t0)
        cpu_np = min(cpu_np, time.process_time() - c0)
    rate_nb = args.sweeps * n / best_nb
    rate_np = np_sweeps * n / best_np
    cpu_rate_nb = args.sweeps * n / cpu_nb
    cpu_rate_np = np_sweeps * n / cpu_np

    # same physics: equal acceptance and energy per spin
    row = np.empty(7)
    mc._measure(spins_nb, nbr, stag, 1.0, row)
    print(f"numba  : {rate_nb:.3e} updates/s wall, {cpu_rate_nb:.3e} per CPU-second  "
          f"(acceptance {acc_nb / (args.sweeps * n):.3f}, E/N = {row[0] / n:.3f}, "
          f"first call {t_compile:.2f} s)")
    print(f"numpy  : {rate_np:.3e} updates/s wall, {cpu_rate_np:.3e} per CPU-second  "
          f"(acceptance {acc_np / (np_sweeps * n):.3f}, E/N = {energy_per_spin(spins_np):.3f})")
    print(f"ratio numba/numpy = {rate_nb / rate_np:.1f}x wall, {cpu_rate_nb / cpu_rate_np:.1f}x CPU time   "
          f"(targets: >= 3e7 updates/s per core, >= 5x); load average after: {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} cores")
    parallel_scaling()


def parallel_scaling(temps=(2.0, 1.8, 1.6, 1.5, 1.45, 1.4, 1.3, 1.2), L: int = 10) -> None:
    """Wall time of simulate_heisenberg over a T grid: serial vs n_jobs = all cores, same run."""
    kw = dict(lattice="sc", L=L, n_therm=300, n_measure=1500, seed=1)
    mc.simulate_heisenberg([2.0], L=4, n_therm=10, n_measure=40)          # compile outside the timing
    t0 = time.perf_counter()
    serial = mc.simulate_heisenberg(temps, **kw)
    t1 = time.perf_counter()
    jobs = os.cpu_count() or 1
    par = mc.simulate_heisenberg(temps, n_jobs=jobs, **kw)
    t2 = time.perf_counter()
    a, b = serial.frame, par.frame
    pull = np.max(np.abs(a.chi_per_spin - b.chi_per_spin) / np.hypot(a.chi_per_spin_err, b.chi_per_spin_err))
    print(f"T grid of {len(temps)} on sc L={L}: serial {t1 - t0:.2f} s, n_jobs={jobs} {t2 - t1:.2f} s "
          f"-> speed-up {(t1 - t0) / (t2 - t1):.2f}x (ideal {min(jobs, len(temps))}x); "
          f"max |chi serial - chi parallel| / combined error = {pull:.1f}")


if __name__ == "__main__":
    main()
