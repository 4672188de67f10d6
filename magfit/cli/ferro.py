"""``magfit ferro --chi FILE --mh FILE``: localized or itinerant ferromagnet (Rhodes-Wohlfarth)."""

from __future__ import annotations

import argparse
import json

from ._options import add_column_unit_options, column_unit_kwargs


def register(subparsers) -> None:
    """Add the ``ferro`` subcommand."""
    p = subparsers.add_parser(
        "ferro", help="Rhodes-Wohlfarth ratio p_c/p_s and Takahashi T_C/T_0: localized or itinerant?",
        description="Fit χ(T) of --chi above T_C (Curie-Weiss: μ_eff -> p_c), take M_s of the lowest "
                    "isotherm of --mh (p_s, μB per magnetic ion), take Takahashi's T_A, T_0 from the "
                    "isotherm at T_C (M⁴ vs H/M), and place the sample on the Rhodes-Wohlfarth and "
                    "Deguchi-Takahashi plots.")
    p.add_argument("--chi", required=True, metavar="FILE", help="χ(T) file above T_C")
    p.add_argument("--mh", required=True, metavar="FILE", help="M(H) file (lowest isotherm used)")
    p.add_argument("--formula", help="chemical formula")
    p.add_argument("--per-ion", metavar="X", help="magnetic ion X (moments per X)")
    p.add_argument("--n-ions", type=float, help="magnetic ions per formula unit (instead of --per-ion)")
    p.add_argument("--mass-mg", type=float, help="M(H) sample mass, mg")
    p.add_argument("--chi-mass-mg", type=float, help="χ(T) sample mass, mg (default --mass-mg)")
    p.add_argument("--tmin", type=float, help="lower end of the Curie-Weiss window, K")
    p.add_argument("--tc", type=float, help="Curie temperature, K (else Arrott plot or θ)")
    p.add_argument("--tc-err", type=float, default=0.0, help="one-sigma error of --tc, K")
    p.add_argument("--tc-isotherm", metavar="FILE",
                   help="M(H) isotherm at T_C (same sample): Takahashi T_A, T_0 from the slope of M⁴ vs "
                        "H/M; without it the --mh isotherm nearest the Arrott T_C is used when within "
                        "max(1 K, 2 %%)")
    p.add_argument("--plot", metavar="PNG", help="write the RW / Deguchi-Takahashi plot to this file")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_column_unit_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the verdict with its evidence. Returns 0."""
    from ..mh.ferro import ferro_from_files

    res = ferro_from_files(args.chi, args.mh, formula=args.formula, per_ion=args.per_ion, n_ions=args.n_ions,
                           mass_mg=args.mass_mg, chi_mass_mg=args.chi_mass_mg, tmin=args.tmin, Tc_K=args.tc,
                           Tc_K_err=args.tc_err, tc_isotherm_path=args.tc_isotherm,
                           read_kwargs=column_unit_kwargs(args))
    if args.plot:
        from ..mh.plot import rw_plot

        rw_plot(res).savefig(args.plot, dpi=120)
    if args.json:
        d = res.to_dict()
        keys = ("p_c", "p_s", "rw_ratio", "Tc_K", "T0_K", "label", "reasons", "T_A_K", "Tc_over_T0",
                "T0_source", "dt_placement")
        print(json.dumps({k: d[k] for k in keys} | {k: v for k, v in d.items() if k not in keys}, indent=2))
    else:
        print(res.summary())
    return 0
