"""``magfit zfcfc FILE``: irreversibility temperature and ZFC maximum of a ZFC/FC measurement."""

from __future__ import annotations

import argparse
import json

from ._options import add_column_unit_options, column_unit_kwargs


def register(subparsers) -> None:
    """Add the ``zfcfc`` subcommand."""
    p = subparsers.add_parser(
        "zfcfc", help="ZFC/FC: irreversibility temperature T_irr and the ZFC maximum (blocking/freezing)",
        description="Find the ZFC and FC sweeps of FILE, the temperature T_irr where they separate "
                    "(by more than --k-sigma times the point-to-point noise and --rel-threshold of the "
                    "FC moment) and the ZFC maximum T_max, each with an uncertainty from the point "
                    "spacing.")
    p.add_argument("file", metavar="FILE", help="M(T) file holding a ZFC and an FC sweep")
    p.add_argument("--k-sigma", type=float, default=3.0, help="separation threshold in noise sigmas (3)")
    p.add_argument("--rel-threshold", type=float, default=0.01,
                   help="separation threshold as a fraction of the FC moment (0.01)")
    p.add_argument("--use-errors", action="store_true",
                   help="noise from the file's moment errors instead of the scatter of FC - ZFC")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_column_unit_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print T_irr and T_max (text or JSON). Returns 0."""
    from .._json import json_safe
    from ..io import read
    from ..mh.zfcfc import zfc_fc_from_measurement

    res = zfc_fc_from_measurement(read(args.file, **column_unit_kwargs(args)), k_sigma=args.k_sigma,
                                  rel_threshold=args.rel_threshold, use_errors=args.use_errors)
    if args.json:
        d = res.to_dict()
        keys = ("T_irr_K", "T_irr_K_err", "T_max_K", "T_max_K_err", "label")
        extra = {"M_max_emu": d["M_max"], "at_edge": d["at_edge"], "edge_T_K": d["edge_T_K"],
                 "labels_guessed": d["labels_guessed"], "labels_note": d["labels_note"]}
        print(json.dumps(json_safe({"file": args.file} | {k: d[k] for k in keys} | extra), indent=2))
    else:
        print(f"{args.file}: {res.summary()}")
    return 0
