"""Start-up latency (issue 12): import, ``magfit --help`` and one ``magfit fit --json``, best of N.

Each command runs in a fresh interpreter (``sys.executable``), N times; the best wall time is
printed next to the floor, ``python -c pass`` measured in the same run (on a loaded machine the
floor itself is slow, so judge the difference as well as the absolute value). Targets:
``magfit --help`` <= 0.2 s, ``import magfit`` <= 0.5 s, ``magfit fit <Gd sample> --json`` <= 1.0 s.

Also printed: which heavy packages ``magfit --help`` and ``import magfit`` load (none of lmfit,
scipy.stats, pandas should appear), and the curvature search in a fresh process: numpy against the
compiled kernel's first call (numba import + loading the cache=True machine code) and later calls.

Run:  python benchmarks/bench_startup.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GD = ROOT / "sample_data" / "gd_sulfate_mpms3.dat"
HEAVY = ("lmfit", "scipy.stats", "pandas", "matplotlib", "numba", "scipy.optimize")

COMMANDS = {
    "python -c pass (floor)": [sys.executable, "-c", "pass"],
    "import magfit": [sys.executable, "-c", "import magfit"],
    "magfit --help": [sys.executable, "-m", "magfit", "--help"],
    "magfit fit GD --json": [sys.executable, "-m", "magfit", "fit", str(GD), "--formula", "Gd2(SO4)3(H2O)8",
                             "--per-ion", "Gd", "--json"],
}
TARGETS = {"import magfit": 0.5, "magfit --help": 0.2, "magfit fit GD --json": 1.0}

PROBE = """
import sys
{setup}
heavy = {heavy!r}
print(",".join(h for h in heavy if h in sys.modules) or "none")
"""

KERNEL = """
import time
import numpy as np
from magfit import window as W
t = np.linspace(2, 300, 300); y = 1 / (t + 1); w = np.ones_like(t)
starts = np.searchsorted(t, W.candidate_tmins(t))
t0 = time.perf_counter()
W._ext_rss_numpy(t, y, w, starts, True)
t1 = time.perf_counter()
from magfit._curvature_kernel import ext_rss_windows
ext_rss_windows(t, y, w, starts, True, W.CURVATURE_GRID, 1e-10)
t2 = time.perf_counter()
ext_rss_windows(t, y, w, starts, True, W.CURVATURE_GRID, 1e-10)
t3 = time.perf_counter()
print(f"{t1 - t0:.4f} {t2 - t1:.3f} {t3 - t2:.4f}")
"""


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    return e


def best_wall(cmd: list[str], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)
        best = min(best, time.perf_counter() - t0)
    return best


def loaded(setup: str) -> str:
    out = subprocess.run([sys.executable, "-c", PROBE.format(setup=setup, heavy=HEAVY)], cwd=ROOT, env=env(),
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    print(f"best of {args.repeats} fresh interpreters (wall s)")
    floor = None
    for name, cmd in COMMANDS.items():
        t = best_wall(cmd, args.repeats)
        floor = t if floor is None else floor
        target = TARGETS.get(name)
        verdict = "" if target is None else f"target <= {target:.1f} s: {'PASS' if t <= target else 'FAIL'}"
        print(f"  {name:24s}{t:7.3f} s   (floor + {t - floor:6.3f} s)  {verdict}")
    print("heavy packages loaded by:")
    print(f"  import magfit   : {loaded('import magfit')}")
    help_setup = "from magfit.cli import build_parser; build_parser().format_help()"
    print(f"  magfit --help   : {loaded(help_setup)}")
    out = subprocess.run([sys.executable, "-c", KERNEL], cwd=ROOT, env=env(), capture_output=True, text=True,
                         check=True).stdout.split()
    print("curvature search of a 37-window scan (300 points) in a fresh process: numpy "
          f"{float(out[0]) * 1e3:.1f} ms; numba first call (import + cache=True load) {out[1]} s, "
          f"then {float(out[2]) * 1e3:.1f} ms -> a one-off command uses numpy (window.USE_NUMBA='auto')")


if __name__ == "__main__":
    main()
