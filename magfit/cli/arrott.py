"""``magfit arrott FILE...``: T_C and critical exponents from a family of isotherms."""

from __future__ import annotations

import argparse
import json

from ._options import add_column_unit_options, column_unit_kwargs


def register(subparsers) -> None:
    """Add the ``arrott`` subcommand."""
    from .mh import add_sample_options

    p = subparsers.add_parser(
        "arrott", help="Arrott / modified Arrott plots: T_C, β, γ, magnetocaloric ΔS_M",
        description="Collect the isotherms of all FILEs, fit straight lines to M^(1/β) vs (H/M)^(1/γ), "
                    "find T_C where the intercept changes sign, iterate β and γ (modified Arrott "
                    "method) when there are 4 isotherms on each side of T_C -- errors as statistical "
                    "(_err) and fit-window systematic (_sys: field cuts, temperature subsets, range "
                    "drift) -- and compute ΔS_M(T) at the highest common field from the Maxwell "
                    "relation when M is molar or per gram.")
    p.add_argument("files", nargs="+", metavar="FILE", help="M(H) file(s) with isotherms across T_C")
    add_sample_options(p)
    p.add_argument("--plot", metavar="PNG", help="write the Arrott plots to this file")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_column_unit_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print T_C, β, γ (text or JSON). Returns 0."""
    from .._json import json_safe
    from ..errors import FitError
    from ..io import read
    from ..mh.api import read_isotherms
    from ..mh.critical import arrott, magnetic_entropy_change
    from .mh import sample_kwargs

    curves = []
    for path in args.files:
        curves += read_isotherms(read(path, **column_unit_kwargs(args)), **sample_kwargs(args))
    res = arrott(curves)
    out = {"files": args.files, "Tc_K": res.Tc_K, "Tc_K_err": res.Tc_K_err, "Tc_K_sys": res.Tc_K_sys,
           "beta": res.beta, "beta_err": res.beta_err, "beta_sys": res.beta_sys, "gamma": res.gamma,
           "gamma_err": res.gamma_err, "gamma_sys": res.gamma_sys,
           "Tc_meanfield_K": res.Tc_meanfield_K, "nearest_class": res.nearest_class,
           "mean_field": res.mean_field, "notes": res.notes, "window_variants": res.window_variants,
           "delta_S_M": None}
    try:
        ds = magnetic_entropy_change(curves)
        row = ds.delta_S[:, -1]
        k = int(abs(row).argmax())
        out["delta_S_M"] = {"field_Oe": float(ds.field_Oe[-1]), "peak": float(row[k]),
                            "temperature_K": float(ds.temperature_K[k]), "unit": ds.unit}
    except FitError as exc:
        out["notes"] = list(out["notes"]) + [f"ΔS_M not computed: {exc}"]
    if args.plot:
        from ..mh.plot import arrott_plot

        arrott_plot(curves, res).savefig(args.plot, dpi=120)
    if args.json:
        print(json.dumps(json_safe(out), indent=2))
    else:
        print(res.summary())
        if out["delta_S_M"]:
            d = out["delta_S_M"]
            print(f"  ΔS_M peak {d['peak']:.4g} {d['unit']} at {d['temperature_K']:.4g} K, "
                  f"H = {d['field_Oe']:.4g} Oe")
    return 0
