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
The per-file work (reading, fitting, figures rendered once per format, the details page as PDF)
runs in the workers; the parent writes the HTML and places the workers' PDF figures and pages on
the A4 pages of report.pdf (pypdf Form XObjects, no second rendering).

Then (``--split N``, default 12 files, serial, this process only) the CPU split of one report
into exclusive phases -- load, fit, classify, figure build, savefig PNG, savefig PDF, HTML
thumbnails, PDF report assembly, HTML, other -- for the rendering as it was before the issue-12
report work (``benchmarks/_report_legacy.py``, a frozen copy swapped in for that run) and as it is
now, side by side, with the reference the issue was filed against (1.7 CPU s/file on 200 files)
and the 3x target. The figures themselves are the same in both runs.

``--against-commit REV`` (end to end, ``--e2e-files N``, default 12): the ``magfit report`` command
of commit REV (extracted with ``git archive`` into a temporary folder) and of this tree, each run as
its own process (``python -m magfit report DATA -o OUT --options OPTS --workers 1``, PYTHONPATH set
to that tree) on the same synthetic files: CPU of the process and its children (getrusage), per
file; also the fixed cost (a one-file run) and the per-file cost above it; what each report holds
(report.pdf pages, figure files, sizes); the ratio, PASS/FAIL against 3x. Each tree first runs,
untimed, on 4 files of both kinds (byte-code, every numba kernel and matplotlib's font cache); then
the timed runs go A B B A, two per tree, averaged, so a drift in the machine's load favours neither.

Run:  python benchmarks/bench_report.py [N_FILES] [--workers W] [--skip-serial] [--split N]
      python benchmarks/bench_report.py --against-commit 05c8a00^ [--e2e-files 12]   # ~3 CPU min
      python benchmarks/bench_report.py --split-only --folder sample_data    # the project's folder
      python benchmarks/bench_report.py --split-only [--split N]      # the split table alone (~2 CPU min)
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np

import magfit

ROOT = Path(__file__).resolve().parents[1]
GD_FILE = ROOT / "sample_data" / "gd_sulfate_mpms3.dat"
SEED = 20261124
NOISE = 0.003
#: CPU s/file of `magfit report` on 200 files when issue 12 was filed, and the issue's target (3x)
ISSUE_REFERENCE_CPU_S = 1.7
TARGET_CPU_S = ISSUE_REFERENCE_CPU_S / 3


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


PHASES = ("load", "fit", "classify", "figure build", "savefig PNG", "savefig PDF", "HTML thumbnails",
          "PDF report assembly", "HTML", "other")


@contextlib.contextmanager
def phase_timers(acc: Counter) -> Iterator[None]:
    """Attribute this process's CPU time to exclusive phases (a nested phase is not counted twice)."""
    import matplotlib.backends.backend_agg as agg
    import matplotlib.backends.backend_pdf as pdf

    import magfit.plot
    import magfit.report
    from magfit import _pdf_canvas, _report_html, _report_pdf, _report_raster
    from magfit.mh import plot as mh_plot

    stack: list[list[float]] = []
    targets = [(magfit, "read", "load"), (magfit, "fit_curie_weiss", "fit"), (magfit, "classify", "classify"),
               (magfit.plot, "fit_panels", "figure build"), (magfit.plot, "window_scan", "figure build"),
               (mh_plot, "loops", "figure build"), (_report_pdf, "sample_pages", "figure build"),
               (_report_pdf, "summary_pages", "figure build"),
               (agg.FigureCanvasAgg, "print_png", "savefig PNG"),
               (_report_raster, "rasterise", "savefig PNG"), (_report_raster, "png_bytes", "savefig PNG"),
               (pdf.FigureCanvasPdf, "print_pdf", "savefig PDF"),
               (_pdf_canvas.FigureCanvas, "print_pdf", "savefig PDF"),
               (_report_pdf, "core14_pages", "savefig PDF"),
               (magfit.report, "_compact_png", "HTML thumbnails"),
               (_report_pdf, "write", "PDF report assembly"),
               (_report_html, "render", "HTML")]

    def timed_call(func, label):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            stack.append([time.process_time(), 0.0])
            try:
                return func(*args, **kwargs)
            finally:
                start, inner = stack.pop()
                spent = time.process_time() - start
                acc[label] += spent - inner
                if stack:
                    stack[-1][1] += spent
        return wrapper

    saved = [(obj, name, obj.__dict__[name] if isinstance(obj, type) else getattr(obj, name))
             for obj, name, _ in targets]
    for (obj, name, label), (_, _, func) in zip(targets, saved, strict=True):
        setattr(obj, name, timed_call(func, label))
    try:
        yield
    finally:
        for obj, name, func in saved:
            setattr(obj, name, func)


def split_run(data: Path, options: Path | None, out: Path, legacy: bool) -> tuple[float, Counter, int]:
    """One serial report.build with phase timers: (CPU s, phase -> CPU s, rows)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _report_legacy import legacy_render

    acc: Counter = Counter()
    with legacy_render() if legacy else contextlib.nullcontext(), phase_timers(acc):
        cpu0 = time.process_time()
        rep = magfit.report.build(data, out, options=options, executor="serial", progress=False)
        cpu = time.process_time() - cpu0
    acc["other"] = cpu - sum(acc.values())
    return cpu, acc, len(rep.summary)


def print_split(n: int, old: tuple[float, Counter, int], new: tuple[float, Counter, int],
                what: str = "") -> None:
    """The before/after table, CPU seconds per file."""
    print(f"\nCPU split of report.build, serial, {what or f'{n} synthetic files'} "
          "(CPU s per file; exclusive phases)")
    print(f"  {'phase':<22s} {'before':>8s} {'now':>8s} {'ratio':>7s}")
    for phase in PHASES:
        a, b = old[1][phase] / n, new[1][phase] / n
        print(f"  {phase:<22s} {a:8.3f} {b:8.3f} {a / b if b > 0 else float('nan'):7.2f}")
    render = {k: v[0] - sum(v[1][p] for p in ("load", "fit", "classify"))
              for k, v in (("old", old), ("new", new))}
    print(f"  {'total':<22s} {old[0] / n:8.3f} {new[0] / n:8.3f} {old[0] / new[0]:7.2f}")
    print(f"  {'rendering + IO':<22s} {render['old'] / n:8.3f} {render['new'] / n:8.3f} "
          f"{render['old'] / render['new']:7.2f}   (total minus load, fit, classify)")
    print(f"reference: {ISSUE_REFERENCE_CPU_S} CPU s/file when issue 12 was filed (200 files); target "
          f"<= {TARGET_CPU_S:.2f} CPU s/file; now {new[0] / n:.2f} CPU s/file on this machine, of which "
          f"fit + classify {(new[1]['fit'] + new[1]['classify']) / n:.2f}")
    verdict = "PASS" if new[0] / n <= TARGET_CPU_S else "FAIL"
    speedup = ISSUE_REFERENCE_CPU_S / (new[0] / n)
    print(f"{verdict}: {new[0] / n:.2f} CPU s/file vs target <= {TARGET_CPU_S:.2f} "
          f"({speedup:.2f}x faster than the issue's {ISSUE_REFERENCE_CPU_S} s/file; "
          f"{old[0] / new[0]:.2f}x faster than the frozen old steps in this run)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n_files", nargs="?", type=int, default=200)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--skip-serial", action="store_true", help="only the pool runs (no ratio)")
    parser.add_argument("--split", type=int, default=12, metavar="N",
                        help="files for the before/after CPU split (0: none)")
    parser.add_argument("--split-only", action="store_true", help="only the before/after CPU split")
    parser.add_argument("--folder", metavar="DIR", help="split a report of this folder (e.g. sample_data, "
                        "with its own magfit_options.csv) instead of synthetic files")
    parser.add_argument("--against-commit", metavar="REV", help="end to end: `magfit report` of commit REV "
                        "vs this tree, each in its own process, same files (the only run)")
    parser.add_argument("--e2e-files", type=int, default=12, metavar="N", help="files for --against-commit")
    args = parser.parse_args()
    if args.against_commit:
        against_commit(args.against_commit, args.e2e_files)
        return
    if args.split_only:
        args.n_files = 0
    if args.folder:
        with tempfile.TemporaryDirectory(prefix="magfit_bench_split_") as tmp:
            split_run(Path(args.folder), None, Path(tmp) / "warm", legacy=False)
            old = split_run(Path(args.folder), None, Path(tmp) / "old", legacy=True)
            new = split_run(Path(args.folder), None, Path(tmp) / "new", legacy=False)
            print_split(new[2], old, new, what=f"{args.folder} ({new[2]} results)")
    elif args.split:
        with tempfile.TemporaryDirectory(prefix="magfit_bench_split_") as tmp:
            warm, data = Path(tmp) / "warm", Path(tmp) / "data"
            warm.mkdir()
            data.mkdir()
            split_run(warm, make_files(warm, 4), Path(tmp) / "out_warm", legacy=False)  # imports, caches
            options = make_files(data, args.split)
            old = split_run(data, options, Path(tmp) / "old", legacy=True)
            new = split_run(data, options, Path(tmp) / "new", legacy=False)
            print_split(args.split, old, new)
    if args.n_files:
        throughput(args)


def throughput(args: argparse.Namespace) -> None:
    """fit_many and report.build on N files: serial and on a process pool."""
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


def _report_process(tree: Path, data: Path, options: Path, out: Path) -> float:
    """CPU seconds of ``python -m magfit report`` run from ``tree`` (process and its children).

    The process starts in ``out``'s parent, not here: ``python -m`` puts its working folder first
    on sys.path, which would import this tree's magfit whatever PYTHONPATH says.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-m", "magfit", "report", str(data), "-o", str(out),
                           "--options", str(options), "--workers", "1", "--quiet"],
                          env=env, cwd=out.parent, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"magfit report from {tree} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def _report_contents(out: Path) -> str:
    """What a report folder holds: report.pdf pages, figure files by kind, sizes."""
    from pypdf import PdfReader

    folder = out / "figures"
    figures = Counter(p.suffix.lstrip(".") for p in folder.iterdir()) if folder.is_dir() else Counter()
    pages = len(PdfReader(out / "report.pdf").pages) if (out / "report.pdf").exists() else 0
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.2f} MB" for p in sorted(out.glob("report.*")))
    return (f"report.pdf {pages} pages; figures: "
            + ", ".join(f"{n} {k}" for k, n in sorted(figures.items())) + f"; {sizes}")


def against_commit(rev: str, n_files: int) -> None:
    """End to end: the `magfit report` command of commit ``rev`` vs this tree, same files, same run."""
    with tempfile.TemporaryDirectory(prefix="magfit_bench_e2e_") as tmp_name:
        tmp = Path(tmp_name)
        old_tree = tmp / "old_tree"
        old_tree.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old_tree)], input=archive, check=True)
        one, data = tmp / "one", tmp / "data"
        one.mkdir()
        data.mkdir()
        options = make_files(data, n_files)
        shutil.copyfile(data / "cw_0000.csv", one / "cw_0000.csv")
        trees = {f"commit {rev}": old_tree, "this tree": ROOT}
        print(f"magfit report end to end, {n_files} files ({n_files - n_files // 4} chi tables, "
              f"{n_files // 4} MPMS3 copies), --workers 1, CPU of the process + children; runs in the "
              "order A B B A (a shared machine's load drifts), two of each averaged")
        warm = tmp / "warm"
        warm.mkdir()
        warm_options = make_files(warm, 4)  # both kinds of file: chi tables and MPMS3 (per-Gd options)
        for tree in trees.values():  # untimed first run: byte-code, numba (every kernel) and font caches
            _report_process(tree, warm, warm_options, tmp / f"warm_{tree.name}")
        fixed = {label: 0.0 for label in trees}
        total = {label: 0.0 for label in trees}
        labels = list(trees)
        out: dict[str, Path] = {}
        for k, label in enumerate([*labels, *labels[::-1]]):
            tree = trees[label]
            out.setdefault(label, tmp / f"out_{k}")
            fixed[label] += _report_process(tree, one, options, tmp / f"one_{k}") / 2
            total[label] += _report_process(tree, data, options, tmp / f"out_{k}") / 2
        cost = {}
        for label in trees:
            cost[label] = (total[label] / n_files, (total[label] - fixed[label]) / (n_files - 1))
            print(f"  {label:<22s} {cost[label][0]:6.2f} CPU s/file ({total[label]:6.1f} s; one-file run "
                  f"{fixed[label]:5.1f} s; {cost[label][1]:5.2f} s per further file)")
            print(f"  {'':<22s} {_report_contents(out[label])}")
        (old_all, old_marg), (new_all, new_marg) = cost.values()
        verdict = "PASS" if old_all / new_all >= 3 else "FAIL"
        print(f"{verdict}: {old_all / new_all:.2f}x less CPU per file than commit {rev} over {n_files} files "
              f"(target >= 3x); {old_marg / new_marg:.2f}x per further file (the many-file limit)")


if __name__ == "__main__":
    main()
