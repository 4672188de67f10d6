"""Speed of magfit.spin exact diagonalisation and fits (issue 15 targets).

* chi(T) at 200 temperatures of an S = 5/2 six-site ring (target <= 2 s) and of a ten-site
  S = 1/2 ring (target <= 0.5 s). "cold" includes building the coupled basis and bond matrices
  (done once per topology and cached); "new J" is a further evaluation with other J values, i.e. the
  cost per step of a fit.
* a full fit of a Cu2 dimer (J, g; start values from the J grid) (target <= 50 ms).
* ``--chain``: bias of a fitted J (and g) when the S = 1/2 chain approximants are fitted to exact
  diagonalisation of a 12-site ring at T/J' = 0.5-5 (legacy Hall-Estes vs the default).

BLAS threads are limited to one (set below, before numpy is imported): the blocks are small, and
on a shared machine multithreaded LAPACK on them is several times slower.

Run:  python benchmarks/bench_spin.py [--chain]
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

from magfit.spin import Cluster, chi_cluster, fit_cluster, model_chi  # noqa: E402
from magfit.spin.ed import coupled_basis  # noqa: E402

T200 = np.linspace(2.0, 300.0, 200)


def ring(spin: str, n: int) -> Cluster:
    bonds = [f"{i + 1}-{(i + 1) % n + 1}:J" for i in range(n)]
    return Cluster.from_strings(",".join([spin] * n), bonds, "-J")


def bench_ring(spin: str, n: int, target_s: float) -> None:
    cl = ring(spin, n)
    coupled_basis.cache_clear()
    t0 = time.perf_counter()
    chi_cluster(cl, {"J": -10.0, "g": 2.0}, T200)
    cold = time.perf_counter() - t0
    warm = []
    for k in range(3):
        t0 = time.perf_counter()
        chi_cluster(cl, {"J": -11.0 - k, "g": 2.0}, T200)
        warm.append(time.perf_counter() - t0)
    nmult = coupled_basis(cl.spins, tuple((b.i, b.j) for b in cl.bonds)).S2.size
    print(f"ring {n} x S={spin} ({nmult} multiplets): chi(T) at 200 T cold {cold:.3f} s, new J "
          f"{min(warm):.3f} s (target <= {target_s} s: cold {'OK' if cold <= target_s else 'MISSED'}, "
          f"new J {'OK' if min(warm) <= target_s else 'MISSED'})")


def bench_dimer_fit(target_s: float = 0.05) -> None:
    cl = Cluster.from_strings("1/2,1/2", ["1-2:J"], "-2J")
    t = np.linspace(2.0, 300.0, 100)
    noise = 1 + 0.01 * np.random.default_rng(0).standard_normal(100)
    y = model_chi(cl, {"J": -45.0, "g": 2.1}, t) * t * noise
    fit_cluster(cl, (t, y))
    times = []
    for _ in range(15):
        t0 = time.perf_counter()
        f = fit_cluster(cl, (t, y))
        times.append(time.perf_counter() - t0)
    print(f"Cu2 dimer full fit (100 points, J grid + lmfit, {f.result.nfev} evaluations): best "
          f"{min(times) * 1e3:.1f} ms, median {np.median(times) * 1e3:.1f} ms "
          f"(target <= {target_s * 1e3:.0f} ms: {'OK' if min(times) <= target_s else 'MISSED'})")


def bench_chain() -> None:
    from magfit.chit import ChiT
    from magfit.simulate import fit_simulation, heisenberg_chain

    n, jp = 12, 100.0
    cl = ring("1/2", n)
    t = np.linspace(0.5, 5.0, 60) * jp
    ed = chi_cluster(cl, {"J": -jp, "g": 2.0}, t) / n            # per mole of spins, H = J' sum S.S
    meas = ChiT(t, ed)
    for approx in ("hall-estes-1978", "ed-pade"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = fit_simulation(meas, heisenberg_chain, {"J_K": (80.0, 1.0, 1000.0), "g": (2.0, 1.5, 2.5)},
                                 fixed={"convention": "+J", "approximant": approx})
        bias_j = (fit.params["J_K"].n / jp - 1) * 100
        bias_g = (fit.params["g"].n / 2 - 1) * 100
        print(f"chain fitted to ED of a {n}-ring (T/J' 0.5-5), {approx:>16s}: J bias {bias_j:+.3f} %, "
              f"g bias {bias_g:+.3f} %")


def main(argv: list[str]) -> int:
    bench_ring("5/2", 6, 2.0)
    bench_ring("1/2", 10, 0.5)
    bench_dimer_fit()
    if "--chain" in argv:
        bench_chain()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
