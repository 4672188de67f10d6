"""``magfit report``: fit a folder of files and write summary.csv, figures, report.html, report.pdf.

Examples::

    magfit report sample_data/ -o out/
    magfit report data/*.dat -o out/ --options samples.csv --workers 2
    magfit report run1/ run2/ -o out/ --tmin 50 --no-chi0
    magfit report data/ -o out/ --formula "Gd2(SO4)3(H2O)8" --per-ion Gd --mass-mg 10.2 --force

The options file (CSV or YAML) has a ``file`` column (name, path or glob pattern) and any of
formula, mass_mg, per_ion, diamagnetic, molar_mass_g_mol, n_ions, field_Oe, segment, tmin,
tmax, chi0, sample, eicosane_mg, header_conventions, skip: what the file headers lack. The sample
options on the command line (--formula, --mass-mg, ...) are defaults for every file.
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``report`` subcommand."""
    from ._options import add_column_unit_options

    p = subparsers.add_parser(
        "report",
        help="fit every file of a folder; write summary.csv, figures, report.html and report.pdf",
        description="Read, convert, Curie-Weiss fit and classify every data file (folders: non-data "
        "files such as README.md, *.py, *.yaml are skipped and listed), then write OUT/summary.csv, "
        "OUT/figures/*_fit.png|pdf and *_scan.png|pdf, OUT/report.html and an A4 OUT/report.pdf. "
        "Sample options given here apply to every file; a file's header values (SAMPLE_MASS, "
        "SAMPLE_MOLECULAR_WEIGHT) and its row of the options table win. Failing files are reported "
        "with their error. The report is written to a temporary folder and moved into place when "
        "complete; an existing report is replaced only with --force.",
    )
    p.add_argument("inputs", nargs="+", metavar="DIR_OR_FILE", help="data files or folders of them")
    p.add_argument("-o", "--out", required=True, metavar="OUT", help="output folder (new, empty, or --force)")
    p.add_argument("--options", metavar="FILE", help="per-file options table (.csv, .yaml or .yml); "
                   "columns: file, " + ", ".join(_table_columns()))
    g = p.add_argument_group("sample options for every file (the options table overrides them per file)")
    g.add_argument("--formula", help="chemical formula of one formula unit, e.g. 'Gd2(SO4)3(H2O)8'")
    g.add_argument("--molar-mass", type=float, metavar="G", help="molar mass of one formula unit, g/mol "
                   "(header SAMPLE_MOLECULAR_WEIGHT wins)")
    g.add_argument("--mass-mg", type=float, metavar="M", help="sample mass in mg (header SAMPLE_MASS wins)")
    g.add_argument("--per-ion", metavar="ION", help="normalise per mole of this ion (e.g. Gd)")
    g.add_argument("--n-ions", type=float, metavar="N", help="magnetic ions per formula unit")
    g.add_argument("--field-oe", type=float, metavar="H", help="applied field in Oe (files without a field "
                   "column, or to override it)")
    g.add_argument("--diamagnetic", metavar="VALUE|pascal",
                   help="core diamagnetism to subtract, emu/mol per formula unit (negative), or 'pascal'")
    g.add_argument("--eicosane-mg", type=float, metavar="M", help="eicosane (wax) mass in mg; its "
                   "diamagnetic moment is subtracted")
    g.add_argument("--holder", metavar="FILE|EMU", help="holder background: an empty-holder file or a "
                   "constant moment in emu")
    g.add_argument("--segment", metavar="S", help="segment id or label (ZFC, FC, ...; several with ';')")
    p.add_argument("--tmin", type=float, default=None, metavar="K", help="lower end of every fit window")
    p.add_argument("--tmax", type=float, default=None, metavar="K", help="upper end of every fit window")
    p.add_argument("--no-chi0", action="store_true", help="fit without the temperature-independent chi0")
    add_column_unit_options(p)
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes (1: serial; default: serial for <= 8 files, else all cores)")
    p.add_argument("--title", default="magfit report", help="report heading")
    p.add_argument("--formats", default="png,pdf", metavar="LIST", help="figure files: any of png,pdf,svg")
    p.add_argument("--no-pdf", action="store_true", help="skip report.pdf")
    p.add_argument("--force", action="store_true", help="replace an existing report in OUT")
    p.add_argument("--quiet", action="store_true",
                   help="no progress bar, only the final lines (the bar is shown only on a terminal)")
    p.set_defaults(func=run)


#: options-table columns for the help text (magfit.batch.OPTION_COLUMNS; not imported here, so that
#: ``magfit --help`` does not load pandas -- tests/test_cli_report_help.py keeps the two equal)
TABLE_COLUMNS = ("sample", "formula", "mass_mg", "per_ion", "diamagnetic", "molar_mass_g_mol", "n_ions",
                 "field_Oe", "segment", "holder", "header_conventions", "eicosane_mg", "tmin", "tmax", "chi0",
                 "skip")


def _table_columns() -> list[str]:
    return list(TABLE_COLUMNS)


#: command-line flag (argparse dest) -> options-table column
_DEFAULT_FLAGS = {"formula": "formula", "molar_mass": "molar_mass_g_mol", "mass_mg": "mass_mg",
                  "per_ion": "per_ion", "n_ions": "n_ions", "field_oe": "field_Oe",
                  "diamagnetic": "diamagnetic", "eicosane_mg": "eicosane_mg", "holder": "holder",
                  "segment": "segment"}


def _defaults(args: argparse.Namespace) -> dict:
    """The sample options given on the command line, converted like options-table values."""
    from ..batch import OPTION_COLUMNS
    from ..errors import MagfitError

    out: dict = {}
    for flag, col in _DEFAULT_FLAGS.items():
        value = getattr(args, flag, None)
        if value is None:
            continue
        if col == "holder":
            try:
                out[col] = float(value)  # a constant moment in emu
            except ValueError:
                out[col] = str(value)
            continue
        try:
            out[col] = OPTION_COLUMNS[col](value)
        except (TypeError, ValueError) as exc:
            raise MagfitError(f"--{flag.replace('_', '-')} {value!r}: {exc}") from None
    return out


def run(args: argparse.Namespace) -> int:
    """Build the report; 0 when at least one file was fitted (or none were given), else 1."""
    from ..errors import MagfitError
    from ..report import build
    from ._options import column_unit_kwargs

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
    try:
        defaults = _defaults(args)
        read_options = column_unit_kwargs(args)
        report = build(args.inputs, args.out, options=args.options, executor=args.workers,
                       progress=not args.quiet and sys.stderr.isatty(), pdf_report=not args.no_pdf,
                       title=args.title,
                       formats=[f for f in args.formats.split(",") if f.strip()], force=args.force,
                       defaults=defaults, read_options=read_options, **fit_options)
    except MagfitError as exc:
        print(f"magfit report: error: {exc}", file=sys.stderr)
        return 2
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
