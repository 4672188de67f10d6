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

Each line also gives the median CPU time (user + sys) of the child processes: on a loaded machine wall
times wander with the load while CPU time moves much less, so compare like with like. ``--compare DIR``
runs every command for another source tree too (e.g. ``git archive main | tar -x -C /tmp/base``),
alternating the two trees run by run, so that both see the same load.

The package's bytecode is compiled first (``compileall``, into the gitignored ``__pycache__``, as an
install does): with ``PYTHONDONTWRITEBYTECODE=1`` in the environment and stale or missing ``.pyc``
files every run would compile magfit's sources again (~0.1-0.2 s of CPU) and time that instead.

Run:  python benchmarks/bench_startup.py [--repeats 7] [--compare DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
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
FIT_SETUP = ("import contextlib, io\nfrom magfit.cli import main\n"
             f"with contextlib.redirect_stdout(io.StringIO()):\n    main({FIT_ARGS!r})")

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


def env(root: Path = ROOT) -> dict[str, str]:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(root) + os.pathsep + e.get("PYTHONPATH", "")
    return e


def _run_once(cmd: list[str], root: Path) -> tuple[float, float]:
    """(wall s, CPU s = user + sys of the child) of one run of ``cmd`` with ``root`` first on the path."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=root, env=env(root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def measure(cmd: list[str], repeats: int, roots: tuple[Path, ...] = (ROOT,)) -> list[tuple[float, float]]:
    """(best wall, median CPU) per source tree, the trees alternating run by run."""
    runs: list[list[tuple[float, float]]] = [[] for _ in roots]
    for _ in range(repeats):
        for i, root in enumerate(roots):
            runs[i].append(_run_once(cmd, root))
    return [(min(w for w, _ in r), statistics.median(c for _, c in r)) for r in runs]


def best_wall(cmd: list[str], repeats: int) -> float:
    return measure(cmd, repeats)[0][0]


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


def _pass(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_timings(repeats: int, compare: Path | None) -> None:
    roots = (ROOT,) if compare is None else (ROOT, compare)
    print(f"best of {repeats} fresh interpreters (wall s; CPU = median user+sys of the child)"
          + ("" if compare is None else f", this tree vs {compare} alternating")
          + f"; load {os.getloadavg()[0]:.1f}")
    floor = None
    for name, cmd in COMMANDS.items():
        results = measure(cmd, repeats, roots)
        floor = [w for w, _ in results] if floor is None else floor
        target = TARGETS.get(name)
        for (t, cpu), root, fl in zip(results, roots, floor, strict=True):
            verdict = "" if target is None else f"target <= {target:.1f} s: {_pass(t <= target)}"
            label = name if compare is None else f"{name} [{'this' if root == ROOT else 'compare'}]"
            print(f"  {label:34s}{t:7.3f} s   (floor + {t - fl:6.3f} s)  CPU {cpu:6.3f} s  {verdict}")


def compile_bytecode(root: Path) -> None:
    """Write the ``.pyc`` files of ``root``'s magfit package (what installing it does)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "magfit")], check=True,
                   stdout=subprocess.DEVNULL)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--compare", type=Path, metavar="DIR", help="another source tree to time alongside")
    args = ap.parse_args()
    for root in (ROOT,) if args.compare is None else (ROOT, args.compare.resolve()):
        compile_bytecode(root)
    print_timings(args.repeats, None if args.compare is None else args.compare.resolve())
    print_breakdown(args.repeats)
    print("heavy packages loaded by:")
    print(f"  import magfit        : {loaded('import magfit')}")
    print(f"  magfit --help        : {loaded(HELP_SETUP)}")
    print(f"  read + chi of the Gd : {loaded(READ_SETUP)}")
    print(f"  magfit fit GD --json : {loaded(FIT_SETUP)}")
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
