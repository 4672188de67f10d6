"""Report throughput: ``magfit.report.build`` over N synthetic files, serial vs a process pool.

Writes N files (default 200) into a temporary folder: three quarters are chi(T) tables
(``T (K), chi (emu/mol), chi_err (emu/mol)``, Curie-Weiss + chi0 with seeded random mu_eff,
theta, chi0 and 0.3 % noise), one quarter are copies of ``sample_data/gd_sulfate_mpms3.dat``
(MPMS3 format, read through the Quantum Design loader, per-Gd options from a glob row of an
options CSV), plus a README.md that must be skipped. Then, in the same run, times

* ``fit_many`` (read + fit + classify, no figures), serial and on a process pool, and
* ``report.build`` (the above + 2 figures per file as PNG and PDF, report.html, report.pdf),
  serial (baseline) and on a process pool of all cores,

and prints wall time, files/s, CPU seconds per file (this process + finished workers; the
machine may be shared, so the CPU figure is the stable one) and the pool/serial speed-up ratio.
The per-file work (reading, fitting, figures) runs in the workers; the parent writes the HTML and
merges the workers' PDF pages into report.pdf (pypdf, no second rendering).

Run:  python benchmarks/bench_report.py [N_FILES] [--workers W] [--skip-serial]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

import magfit

ROOT = Path(__file__).resolve().parents[1]
GD_FILE = ROOT / "sample_data" / "gd_sulfate_mpms3.dat"
SEED = 20261124
NOISE = 0.003


def make_files(folder: Path, n_files: int) -> Path:
    """Write the synthetic data set and its options file; returns the options path."""
    rng = np.random.default_rng(SEED)
    t = np.concatenate([np.arange(2.0, 20.0, 1.0), np.arange(20.0, 301.0, 5.0)])
    n_gd = n_files // 4
    for i in range(n_files - n_gd):
        mu = rng.uniform(1.7, 8.0)
        theta = rng.uniform(-40.0, 1.5)
        chi0 = rng.uniform(-3e-4, 1e-3)
        sim = magfit.simulate.curie_weiss(t, theta_K=theta, mu_eff=mu, chi0_emu_mol=chi0)
        err = NOISE * np.abs(sim.chi_emu_mol) + 2e-6
        chi = sim.chi_emu_mol + rng.normal(0.0, err)
        table = np.column_stack([t, chi, err])
        np.savetxt(folder / f"cw_{i:04d}.csv", table, delimiter=",", fmt="%.10g",
                   header="T (K),chi (emu/mol),chi_err (emu/mol)", comments="")
    for i in range(n_gd):
        shutil.copyfile(GD_FILE, folder / f"gd_{i:04d}.dat")
    (folder / "README.md").write_text("synthetic benchmark data; not a data file\n")
    options = folder.parent / "options.csv"
    options.write_text("file,formula,per_ion\ngd_*.dat,Gd2(SO4)3(H2O)8,Gd\n")
    return options


def _cpu_seconds() -> float:
    """CPU time of this process plus its finished children (the pool's workers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(label: str, func, n_files: int) -> float:
    """Run ``func``; print wall time, files/s and CPU seconds per file (robust on a shared machine)."""
    cpu0, start = _cpu_seconds(), time.perf_counter()
    result = func()
    wall = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu0
    table = result if hasattr(result, "columns") else result.summary
    failed = int(table["error"].notna().sum())
    print(f"{label:<34s} {wall:8.1f} s   {n_files / wall:6.2f} files/s   {cpu / n_files:5.2f} CPU s/file"
          f"   ({len(table)} rows, {failed} failed)")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n_files", nargs="?", type=int, default=200)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--skip-serial", action="store_true", help="only the pool runs (no ratio)")
    args = parser.parse_args()
    n = args.n_files
    with tempfile.TemporaryDirectory(prefix="magfit_bench_report_") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        options = make_files(data, n)
        print(f"{n} files in {data} ({n - n // 4} chi tables, {n // 4} MPMS3 copies) + README.md; "
              f"{args.workers} worker processes; magfit {magfit.__version__}")
        pool = f"process pool ({args.workers})"
        fit_pool = timed(f"fit_many, {pool}", lambda: magfit.fit_many(
            data, executor=args.workers, options=options, progress=False), n)
        fit_serial = None
        if not args.skip_serial:
            fit_serial = timed("fit_many, serial", lambda: magfit.fit_many(
                data, executor="serial", options=options, progress=False), n)
        rep_pool = timed(f"report.build, {pool}", lambda: magfit.report.build(
            data, Path(tmp) / "out_pool", options=options, executor=args.workers, progress=False), n)
        sizes = {p.name: p.stat().st_size / 1e6 for p in (Path(tmp) / "out_pool").glob("report.*")}
        print("   outputs: " + ", ".join(f"{k} {v:.1f} MB" for k, v in sorted(sizes.items())))
        if args.skip_serial:
            return
        rep_serial = timed("report.build, serial (baseline)", lambda: magfit.report.build(
            data, Path(tmp) / "out_serial", options=options, executor="serial", progress=False), n)
        print(f"speed-up with {args.workers} processes: fit_many x{fit_serial / fit_pool:.2f}, "
              f"report x{rep_serial / rep_pool:.2f} (serial/pool wall time)")
        print(f"report cost per file: serial {rep_serial / n:.2f} s, of which fitting "
              f"{fit_serial / n:.2f} s ({100 * fit_serial / rep_serial:.0f} %)")


if __name__ == "__main__":
    main()
