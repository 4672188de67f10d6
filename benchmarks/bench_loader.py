"""Loader speed and memory: magfit.read vs a bare pandas.read_csv of the data section.

Builds a ~100,000-row MPMS3 file in a temporary directory by repeating the data rows of a real
file (``../shared/realdata/...zfcfc1.dat``; falls back to ``sample_data/gd_sulfate_mpms3.dat``),
then times, in the same run,

* baseline: ``pandas.read_csv`` of the data section alone (the column-name line and rows written
  to their own file, C engine), and
* ``magfit.read`` of the whole file (sniffing, header parsing, column mapping, checks),

and prints the ratio (target <= 1.5) and the peak traced memory of ``magfit.read`` as a multiple
of the file size (tracemalloc; target <= 5x).

Run:  python benchmarks/bench_loader.py [N_ROWS [REPEATS]]   (default: 100,000 rows, then 1,000,000
rows with 2 repeats; $MAGFIT_REALDATA points at the real files when ../shared is elsewhere)
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd

import magfit

ROOT = Path(__file__).resolve().parents[1]
REAL = Path(os.environ.get("MAGFIT_REALDATA", ROOT.parent / "shared" / "realdata")) / (
    "RinehartGroup__MagnetoPy__zfcfc1.dat")
FALLBACK = ROOT / "sample_data" / "gd_sulfate_mpms3.dat"
TARGET_RATIO = 1.5
TARGET_MEMORY = 5.0
REPEATS = 7
#: above this size the peak memory is not traced (tracemalloc doubles the run)
MEMORY_MAX_ROWS = 200_000


def build(n_rows: int, folder: Path) -> tuple[Path, Path]:
    """Write a big MPMS3 file and its bare data section; returns both paths."""
    src = REAL if REAL.is_file() else FALLBACK
    lines = src.read_bytes().splitlines(keepends=True)
    k = next(i for i, ln in enumerate(lines) if ln.startswith(b"[Data]"))
    head, rows = lines[: k + 2], lines[k + 2:]
    reps = -(-n_rows // len(rows))
    out = folder / "big_mpms3.dat"
    section = folder / "data_section.csv"  # the same column-name line and rows, no header
    with out.open("wb") as fh, section.open("wb") as fs:
        fh.writelines(head)
        fs.write(head[-1])
        for _ in range(reps):
            fh.writelines(rows)
            fs.writelines(rows)
    print(f"source: {src.name}; {len(rows) * reps} rows, {out.stat().st_size / 1e6:.1f} MB")
    return out, section


def best_of_interleaved(fns, repeats: int = REPEATS) -> list[float]:
    """Minimum wall time of each function, run alternately so machine load hits both alike."""
    best = [float("inf")] * len(fns)
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            gc.collect()
            t0 = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - t0)
    return best


def main(n_rows: int = 100_000, repeats: int = REPEATS) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path, section = build(n_rows, Path(tmp))
        size = path.stat().st_size

        def baseline():
            return pd.read_csv(section, header=0, index_col=False)

        def ours():
            return magfit.read(path)

        magfit.read(FALLBACK)  # warm-up (imports, registry) on a small file
        base_df, m = baseline(), ours()
        assert len(m.data) == len(base_df), (len(m.data), len(base_df))
        del base_df, m
        t_base, t_ours = best_of_interleaved([baseline, ours], repeats)
        peak = peak_base = float("nan")
        if n_rows <= MEMORY_MAX_ROWS:  # tracemalloc doubles the run time: not at 1M rows
            gc.collect()
            tracemalloc.start()
            ours()
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            tracemalloc.start()
            baseline()
            _, peak_base = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    ratio = t_ours / t_base
    mem = peak / size
    traced = mem == mem  # NaN when not traced
    print(f"pandas.read_csv (data section only): {t_base * 1e3:8.1f} ms   "
          + (f"peak {peak_base / size:4.2f} x file" if traced else "(memory not traced)"))
    print(f"magfit.read (whole file)           : {t_ours * 1e3:8.1f} ms   "
          + (f"peak {mem:4.2f} x file" if traced else "(memory not traced)"))
    print(f"{n_rows} rows: time ratio magfit/pandas = {ratio:.2f} (target <= {TARGET_RATIO}) "
          f"{'OK' if ratio <= TARGET_RATIO else 'MISSED'}")
    if traced:
        print(f"peak memory = {mem:.2f} x file size (target <= {TARGET_MEMORY}) "
              f"{'OK' if mem <= TARGET_MEMORY else 'MISSED'}")
    return {"ratio": ratio, "memory_x_file": mem, "t_pandas_s": t_base, "t_magfit_s": t_ours}


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else REPEATS)
    else:
        main(100_000)
        main(1_000_000, repeats=2)
