"""Start-up latency (issue 12): import, ``magfit --help`` and one ``magfit fit --json``, best of N.

Each command runs in a fresh interpreter (``sys.executable``), N times; the best wall time is
printed next to the floor, ``python -c pass`` measured in the same run (on a loaded machine the
floor itself is slow, so judge the difference as well as the absolute value). Targets:
``magfit --help`` <= 0.2 s, ``import magfit`` <= 0.5 s, ``magfit fit <Gd sample> --json`` <= 1.0 s.

Then a per-module breakdown of the fit command from ``python -X importtime`` (the best of N runs):
the ten costliest owners of import time -- a third-party package as a whole (numpy, pandas,
lmfit, scipy.stats ...; scipy is split by subpackage), each magfit module on its own -- with the
magfit module that first imported it, and how much of the wall time is imports vs running.

Also printed: which heavy packages ``magfit --help``, ``import magfit`` and reading + converting the
Gd file load (none of lmfit, scipy, matplotlib should appear for the last; none at all for the first
two), and the curvature search in a fresh process: numpy against the compiled kernel's first call
(numba import + loading the cache=True machine code) and later calls.

Run:  python benchmarks/bench_startup.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GD = ROOT / "sample_data" / "gd_sulfate_mpms3.dat"
HEAVY = ("numpy", "pandas", "scipy", "scipy.stats", "scipy.optimize", "scipy.special", "scipy.signal",
         "lmfit", "uncertainties", "matplotlib", "numba", "pint", "periodictable", "pyparsing")
FIT_ARGS = ["fit", str(GD), "--formula", "Gd2(SO4)3(H2O)8", "--per-ion", "Gd", "--json"]

COMMANDS = {
    "python -c pass (floor)": [sys.executable, "-c", "pass"],
    "import magfit": [sys.executable, "-c", "import magfit"],
    "magfit --help": [sys.executable, "-m", "magfit", "--help"],
    "magfit fit GD --json": [sys.executable, "-m", "magfit", *FIT_ARGS],
}
TARGETS = {"import magfit": 0.5, "magfit --help": 0.2, "magfit fit GD --json": 1.0}

PROBE = """
import sys
{setup}
heavy = {heavy!r}
print(",".join(h for h in heavy if h in sys.modules) or "none")
"""
HELP_SETUP = "from magfit.cli import build_parser; build_parser().format_help()"
READ_SETUP = (f"import magfit; magfit.read({str(GD)!r}).susceptibility(formula='Gd2(SO4)3(H2O)8', "
              "per_ion='Gd')")

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

_IMPORTTIME = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)\s*$")


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


def owner(module: str) -> str:
    """Who is charged for a module's own import time: magfit modules one by one, scipy by
    subpackage, any other package as a whole."""
    parts = module.split(".")
    if parts[0] == "magfit" or (parts[0] == "scipy" and len(parts) > 1 and not parts[1].startswith("_")):
        return ".".join(parts[:2])
    return parts[0]


def importtime_profile(cmd_args: list[str], repeats: int) -> tuple[float, list[tuple[str, int, int]]]:
    """(wall s, [(module, self us, depth)]) of the fastest of ``repeats`` ``-X importtime`` runs."""
    best: tuple[float, list[tuple[str, int, int]]] | None = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-X", "importtime", *cmd_args], cwd=ROOT, env=env(),
                             capture_output=True, text=True, check=True)
        wall = time.perf_counter() - t0
        if best is None or wall < best[0]:
            rows = []
            for line in out.stderr.splitlines():
                m = _IMPORTTIME.match(line)
                if m:
                    rows.append((m.group(4), int(m.group(1)), len(m.group(3)) // 2))
            best = (wall, rows)
    assert best is not None
    return best


def breakdown(rows: list[tuple[str, int, int]]) -> list[tuple[str, float, str]]:
    """Self import time summed per owner, with the nearest magfit module above the owner's first
    import (or "a function, at run time" for a lazy import); sorted, costliest first.

    importtime lists a module after everything it imported: a row takes over the pending rows
    deeper than itself; a non-magfit row passes them on at its own depth.
    """
    per_owner: dict[str, float] = defaultdict(float)
    first_by: dict[str, str] = {}
    pending: list[tuple[int, list[str]]] = []  # (depth, owners waiting for a magfit ancestor)
    for module, self_us, depth in rows:
        own = owner(module)
        first_row = own not in per_owner  # only an owner's first import is attributed
        per_owner[own] += self_us / 1e6
        below = [o for d, owners in pending if d > depth for o in owners]
        pending = [(d, owners) for d, owners in pending if d <= depth]
        if own.startswith("magfit"):
            for o in below:
                if not o.startswith("magfit"):
                    first_by.setdefault(o, own)
            below = []
        pending.append((depth, [own, *below] if first_row else below))
    ranked = sorted(per_owner.items(), key=lambda kv: -kv[1])
    return [(name, t, first_by.get(name, "a function, at run time")) for name, t in ranked]


def print_breakdown(repeats: int) -> None:
    wall, rows = importtime_profile(["-m", "magfit", *FIT_ARGS], repeats)
    total = sum(r[1] for r in rows) / 1e6
    print(f"magfit fit GD --json under -X importtime (fastest of {repeats}): wall {wall:.3f} s, "
          f"imports {total:.3f} s, rest (interpreter start-up, reading, fitting, classifying) "
          f"{wall - total:.3f} s")
    print("  top 10 import costs (self time summed per package; magfit per module) and first importer:")
    for name, t, by in breakdown(rows)[:10]:
        print(f"    {name:32s}{t:7.3f} s   via {by}")


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
    print_breakdown(args.repeats)
    print("heavy packages loaded by:")
    print(f"  import magfit        : {loaded('import magfit')}")
    print(f"  magfit --help        : {loaded(HELP_SETUP)}")
    print(f"  read + chi of the Gd : {loaded(READ_SETUP)}")
    out = subprocess.run([sys.executable, "-c", KERNEL], cwd=ROOT, env=env(), capture_output=True, text=True)
    if out.returncode:
        print("curvature kernel timing skipped (window internals changed): "
              + (out.stderr.strip().splitlines() or ["?"])[-1])
        return
    nums = out.stdout.split()
    print("curvature search of a 37-window scan (300 points) in a fresh process: numpy "
          f"{float(nums[0]) * 1e3:.1f} ms; numba first call (import + cache=True load) {nums[1]} s, "
          f"then {float(nums[2]) * 1e3:.1f} ms -> a one-off command uses numpy (window.USE_NUMBA='auto')")


if __name__ == "__main__":
    main()
