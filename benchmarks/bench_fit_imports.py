"""What one Curie-Weiss fit imports (issue 12, target (c)): modules and their import cost.

In a fresh interpreter: ``import magfit``, build a 300-point ChiT and call
``magfit.fit_curie_weiss`` (automatic window, then a given window), under ``python -X importtime``.
Printed: the wall time of the whole script (best of --repeats, next to ``python -c pass``), the
heavy packages a fit loads (lmfit, scipy.optimize, scipy.stats, scipy.signal, scipy.special,
scipy.ndimage, numba, matplotlib must not appear), and the top-level modules the fit imports
beyond ``import magfit`` with their cumulative import times (one run; a shared machine inflates
them, compare them with each other).

Run:  python benchmarks/bench_fit_imports.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

from bench_startup import best_wall, env  # same folder: fresh-interpreter timing helpers

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("lmfit", "scipy.optimize", "scipy.stats", "scipy.signal", "scipy.special", "scipy.ndimage", "numba",
         "matplotlib", "pandas", "scipy.constants", "periodictable", "uncertainties")
MUST_NOT = HEAVY[:8]

SCRIPT = """
import sys
import numpy as np
import magfit
print("MARK", file=sys.stderr, flush=True)
t = np.linspace(2.0, 300.0, 300)
y = 7.877 / (t + 3.0) + 2e-4
err = 0.01 * y
chi = magfit.ChiT(t, y + err * np.random.default_rng(1).standard_normal(t.size), err)
magfit.fit_curie_weiss(chi)
magfit.fit_curie_weiss(chi, tmin=10.0)
print(",".join(m for m in {heavy!r} if m in sys.modules))
"""


def imports_of_fit() -> tuple[str, list[tuple[str, float]]]:
    """(heavy packages loaded, [(top-level module imported during the fit, cumulative s)])."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", SCRIPT.format(heavy=HEAVY)], cwd=ROOT,
                         env=env(), capture_output=True, text=True, check=True)
    after = out.stderr.split("MARK", 1)[1] if "MARK" in out.stderr else ""
    rows = []
    for line in after.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)", line)
        if m and len(m.group(2)) <= 1:                 # top level (importtime indents nested imports)
            rows.append((m.group(3), int(m.group(1)) / 1e6))
    return out.stdout.strip(), sorted(rows, key=lambda r: -r[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    floor = best_wall([sys.executable, "-c", "pass"], args.repeats)
    imp = best_wall([sys.executable, "-c", "import magfit"], args.repeats)
    fit = best_wall([sys.executable, "-c", SCRIPT.format(heavy=HEAVY)], args.repeats)
    print(f"best of {args.repeats} fresh interpreters (wall s): python -c pass {floor:.3f}; import magfit "
          f"{imp:.3f}; import magfit + two 300-point fits {fit:.3f} (fit path: +{fit - imp:.3f} s)")
    heavy, rows = imports_of_fit()
    loaded = heavy.split(",") if heavy else []
    bad = [m for m in loaded if m in MUST_NOT]
    print(f"heavy packages loaded by a fit: {', '.join(loaded) or 'none'}")
    print(f"  lmfit / scipy.optimize / stats / signal / special / ndimage / numba / matplotlib: "
          f"{'none -> PASS' if not bad else 'LOADED ' + ', '.join(bad) + ' -> FAIL'}")
    total = sum(s for _, s in rows)
    print("modules the fit imports beyond `import magfit` (top level, cumulative import s; "
          f"total {total:.3f}):")
    for name, s in rows[:15]:
        print(f"  {name:40s}{s:8.3f}")


if __name__ == "__main__":
    main()
