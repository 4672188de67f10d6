"""``magfit info FILE...``: what a file is (format, header fields that matter, segments, columns)."""

from __future__ import annotations

import argparse
import json

from ._options import add_column_unit_options, column_unit_kwargs


def register(subparsers) -> None:
    """Add the ``info`` subcommand."""
    p = subparsers.add_parser(
        "info", help="describe a measurement file: format, sample header, segments, canonical columns",
        description="Read FILE(s) with magfit.read and print the format, header fields that matter "
                    "(mass, molar mass, material ...), the segments (AC/DC, field, warming/cooling, "
                    "ZFC/FC) and the canonical columns found.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="measurement file(s)")
    p.add_argument("--columns", action="store_true", help="also list every original column")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--sheet", metavar="NAME|INDEX", help="workbook sheet (.xlsx/.xls/.ods)")
    add_column_unit_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the summary of every file; returns 0."""
    from ..io import read

    out = []
    for path in args.files:
        sheet = args.sheet
        m = read(path, sheet=int(sheet) if sheet is not None and sheet.isdigit() else sheet,
                 **column_unit_kwargs(args))
        if args.json:
            seg = m.segments()
            out.append({
                "file": path, "instrument": m.instrument, "variant": m.variant, "sha256": m.sha256,
                "rows": len(m.data), "n_columns": int(m.data.shape[1]), "columns": m.columns,
                "header": m.header, "encoding": m.provenance.get("encoding"),
                "conversions": {k: list(v) for k, v in m.conversions.items()},
                "notes": m.provenance.get("notes", []), "warnings": m.provenance.get("warnings", []),
                "segments": json.loads(seg.to_json(orient="records")),
            })
            continue
        text = m.summary()
        if args.columns:
            empty = set(m.empty_columns)
            text += "\nall columns :\n" + "\n".join(
                f"  {i:3d} {c}{'   (empty)' if c in empty else ''}" for i, c in enumerate(m.data.columns))
        print(text)
        if path != args.files[-1]:
            print()
    if args.json:
        print(json.dumps(out if len(out) > 1 else out[0], indent=2, default=str))
    return 0
