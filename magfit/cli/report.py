"""``magfit report``: fit a folder of files and write summary.csv, figures, report.html, report.pdf.

Examples::

    magfit report sample_data/ -o out/
    magfit report data/*.dat -o out/ --options samples.csv --workers 2
    magfit report run1/ run2/ -o out/ --tmin 50 --no-chi0

The options file (CSV or YAML) has a ``file`` column (name, path or glob pattern) and any of
formula, mass_mg, per_ion, diamagnetic, molar_mass_g_mol, n_ions, field_Oe, segment, tmin,
tmax, chi0, sample: what the file headers lack.
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "report",
        help="fit every file of a folder; write summary.csv, figures, report.html and report.pdf",
        description="Read, convert, Curie-Weiss fit and classify every data file (folders: non-data "
        "files such as README.md, *.py, *.yaml are skipped and listed), then write OUT/summary.csv, "
        "OUT/figures/*_fit.png|pdf and *_scan.png|pdf, a self-contained OUT/report.html and a "
        "multi-page OUT/report.pdf. Failing files are reported with their error.",
    )
    p.add_argument("inputs", nargs="+", metavar="DIR_OR_FILE", help="data files or folders of them")
    p.add_argument("-o", "--out", required=True, metavar="OUT", help="output folder (created)")
    p.add_argument("--options", metavar="FILE", help="per-file options table (.csv, .yaml or .yml)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes (1: serial; default: serial for <= 8 files, else all cores)")
    p.add_argument("--tmin", type=float, default=None, metavar="K", help="lower end of every fit window")
    p.add_argument("--tmax", type=float, default=None, metavar="K", help="upper end of every fit window")
    p.add_argument("--no-chi0", action="store_true", help="fit without the temperature-independent chi0")
    p.add_argument("--title", default="magfit report", help="report heading")
    p.add_argument("--no-pdf", action="store_true", help="skip report.pdf")
    p.add_argument("--quiet", action="store_true", help="no progress bar, only the final lines")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..report import build

    fit_options = {}
    if args.tmin is not None:
        fit_options["tmin"] = args.tmin
    if args.tmax is not None:
        fit_options["tmax"] = args.tmax
    if args.no_chi0:
        fit_options["chi0"] = False
    if args.workers is not None and args.workers < 1:
        print("magfit report: error: --workers must be >= 1", file=sys.stderr)
        return 2
    report = build(args.inputs, args.out, options=args.options, executor=args.workers,
                   progress=not args.quiet, pdf_report=not args.no_pdf, title=args.title, **fit_options)
    summary = report.summary
    ok = int(summary["error"].isna().sum())
    print(f"{len(summary)} result(s): {ok} fitted, {report.n_failed} failed, {len(report.skipped)} "
          f"file(s) skipped")
    for _, row in summary[summary["error"].notna()].iterrows():
        print(f"  failed: {row['file']}: {row['error']}")
    for path, reason in report.skipped:
        print(f"  skipped: {path} ({reason})")
    for name, path in report.files.items():
        print(f"  wrote {name}: {path}")
    return 0 if ok or len(summary) == 0 else 1
