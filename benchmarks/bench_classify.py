"""classify(fit) speed (issue 12): median CPU ms per verdict beside the Curie-Weiss fit itself, same run.

Data: 300 points, 2-300 K, 0.5 % Gaussian noise with error bars, four regimes (a Curie-Weiss salt,
a Pauli metal with a 0.2 % impurity tail, a flat Pauli chi, an S = 1/2 dimer). For each: the median
CPU time (this thread) of ``fit_curie_weiss(chi)`` (automatic window) and of ``classify(fit)``
(the CLI path) over --repeats calls, each on a *fresh* fit object and fresh data copies so that no
per-object cache helps. Target: classify(fit) <= 5 ms median on an idle core (was ~31 ms when
issue 12 was filed, ~48 ms on this machine before the lmfit-free rewrite); the ratio to the fit is
printed so that a loaded machine can be judged. Also: whether classify(fit) imported lmfit,
scipy.stats or scipy.optimize (it must not).

Run:  python benchmarks/bench_classify.py [--repeats 30]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings

import numpy as np

import magfit

N_MU2_K = 0.375149          # N_A mu_B^2 / k_B, emu K/mol
C_HALF = N_MU2_K * 4 * 0.75 / 3


def curves(t: np.ndarray) -> dict[str, np.ndarray]:
    return {"Curie-Weiss S=1/2": C_HALF / (t + 3.0),
            "Pauli + 0.2% tail": 3e-4 + 0.002 * C_HALF / (t + 0.3),
            "flat Pauli": np.full(t.size, 4e-4),
            "dimer J=-100 K": N_MU2_K * 4 / (t * (3 + np.exp(200.0 / t)))}


def chit(y: np.ndarray, t: np.ndarray, seed: int) -> magfit.ChiT:
    err = 0.005 * np.abs(y)
    return magfit.ChiT(t, y + err * np.random.default_rng(seed).standard_normal(t.size), err)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=30)
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    t = np.linspace(2.0, 300.0, 300)
    magfit.fit_curie_weiss(chit(curves(t)["flat Pauli"], t, 0))        # warm-up: imports, first scans
    before = {m for m in ("lmfit", "scipy.stats", "scipy.optimize") if m in sys.modules}
    print(f"{'case':22s} {'fit (ms)':>9s} {'classify (ms)':>14s} {'ratio':>6s}  label")
    all_cls = []
    for name, y in curves(t).items():
        fit_ms, cls_ms = [], []
        for k in range(args.repeats):
            chi = chit(y, t, k)
            c0 = time.thread_time()
            fit = magfit.fit_curie_weiss(chi)
            c1 = time.thread_time()
            v = magfit.classify(fit)
            c2 = time.thread_time()
            fit_ms.append(1e3 * (c1 - c0))
            cls_ms.append(1e3 * (c2 - c1))
        f, c = float(np.median(fit_ms)), float(np.median(cls_ms))
        all_cls += cls_ms
        print(f"{name:22s} {f:9.2f} {c:14.2f} {c / f:6.2f}  {v.label} ({v.confidence:.2f})")
    med = float(np.median(all_cls))
    print(f"\nclassify(fit) median over all cases: {med:.2f} ms CPU (target <= 5 ms on an idle core)")
    after = {m for m in ("lmfit", "scipy.stats", "scipy.optimize") if m in sys.modules}
    print(f"modules loaded before the first classify: {sorted(before) or 'none'}; "
          f"new after: {sorted(after - before) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
