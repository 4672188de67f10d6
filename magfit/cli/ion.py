"""``magfit ion`` (alias ``ions``): Hund's-rules values of an ion, the ion table, or candidates.

Examples::

    magfit ion Gd3+                 # term, S, L, J, g_J, moments, Curie constants, caveats
    magfit ion Fe3+ --low-spin
    magfit ion --table              # the standard 3d / 4f table with experimental ranges
    magfit ion --mu-eff 7.9 --sigma 0.1 [--formula "Gd2(SO4)3(H2O)8"]   # candidate ions
"""

from __future__ import annotations

import argparse
import json

from ..errors import SampleError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "ion",
        aliases=["ions"],
        help="Hund's-rules moments of an ion (e.g. Gd3+), the ion table, or candidate ions for a mu_eff",
        description="Hund's rules for a d^n / f^n ion: S, L, J, g_J, term symbol, mu_eff "
        "(g_J sqrt(J(J+1)) and spin-only) and Curie constants; or the ions matching a measured mu_eff.",
    )
    p.add_argument("ions", nargs="*", metavar="ION", help="ion such as Gd3+, Fe2+, 'Fe(III)', 3d5, 4f7")
    p.add_argument("--low-spin", action="store_true", help="low-spin octahedral state (d4-d7)")
    p.add_argument("--high-spin", action="store_true", help="high-spin state (default for 3d)")
    p.add_argument("--table", action="store_true", help="print the standard 3d / 4f table")
    p.add_argument("--mu-eff", type=float, metavar="MU_B", help="rank ions matching this mu_eff (mu_B)")
    p.add_argument("--sigma", type=float, default=0.0, metavar="MU_B", help="uncertainty of --mu-eff")
    p.add_argument("--formula", help="restrict candidates to the d/f elements of this formula")
    p.add_argument("--top", type=int, default=5, help="number of candidates shown (default 5)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..ions import candidate_ions, ion, ions_table

    if args.low_spin and args.high_spin:
        raise SampleError("--low-spin and --high-spin exclude each other")
    state = "low" if args.low_spin else "high" if args.high_spin else None
    if not (args.ions or args.table or args.mu_eff is not None):
        raise SampleError("give an ion (e.g. 'magfit ion Gd3+'), --table, or --mu-eff VALUE")
    out: dict = {}
    text: list[str] = []
    for spec in args.ions:
        obj = ion(spec, spin_state=state)
        out.setdefault("ions", []).append(obj.to_dict())
        text.append(obj.summary())
    if args.table:
        tab = ions_table()
        out["table"] = json.loads(tab.to_json(orient="records"))
        cols = ["ion", "configuration", "term", "S", "L", "J", "g_J", "mu_eff_spin_only", "mu_eff_J",
                "mu_eff_expected", "experimental", "range_lo", "range_hi"]
        text.append(tab[cols].to_string(index=False, float_format=lambda v: f"{v:.2f}"))
        text.append("expected: spin-only for 3d (orbital quenching), g_J sqrt(J(J+1)) for 4f; experimental: "
                    "Ashcroft & Mermin Tables 31.3/31.4; 3d ranges: Figgis & Lewis (typical octahedral)")
    if args.mu_eff is not None:
        if not (0 <= args.sigma < float("inf")):
            raise SampleError(f"--sigma {args.sigma}: the uncertainty of --mu-eff must be a finite number "
                              ">= 0 (mu_B), e.g. --sigma 0.05")
        if args.top < 1:
            raise SampleError(f"--top {args.top}: give the number of candidates to show (>= 1)")
        cands = candidate_ions(args.mu_eff, args.sigma, formula=args.formula, top=args.top)
        out["candidates"] = json.loads(cands.to_json(orient="records"))
        if cands.empty:
            text.append(f"no ion within 3 sigma of mu_eff = {args.mu_eff} +- {args.sigma} mu_B")
        else:
            cols = ["ion", "configuration", "mu_eff_expected", "range_lo", "range_hi", "n_sigma",
                    "n_sigma_expected"]
            text.append(f"candidates for mu_eff = {args.mu_eff} +- {args.sigma} mu_B:")
            text.append(cands[cols].to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print("\n\n".join(text))
    return 0
