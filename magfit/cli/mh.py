"""``magfit mh FILE...``: M(H) isotherms -- M_s, M_r, H_c, high-field slope, optional Brillouin fit."""

from __future__ import annotations

import argparse
import json
import os

from ._options import add_column_unit_options, column_unit_kwargs


def add_sample_options(p: argparse.ArgumentParser) -> None:
    """Sample options shared by ``mh``, ``arrott`` and ``ferro``.

    Parameters
    ----------
    p : argparse.ArgumentParser
    """
    p.add_argument("--formula", help="chemical formula (molar mass; μB per formula unit)")
    p.add_argument("--per-ion", metavar="X", help="normalise per magnetic ion X (e.g. Gd)")
    p.add_argument("--mass-mg", type=float, help="sample mass in mg (else from the header)")
    p.add_argument("--molar-mass", type=float, help="molar mass in g/mol (instead of --formula)")
    p.add_argument("--diamagnetic", help="core diamagnetism in emu/mol (negative) or 'pascal'")


def sample_kwargs(args: argparse.Namespace) -> dict:
    """magnetization() keyword arguments from the sample options.

    Parameters
    ----------
    args : argparse.Namespace

    Returns
    -------
    dict
    """
    dia = args.diamagnetic
    if dia is not None and dia != "pascal":
        dia = float(dia)
    return {"formula": args.formula, "per_ion": args.per_ion, "mass_mg": args.mass_mg,
            "molar_mass_g_mol": args.molar_mass, "diamagnetic": dia}


def register(subparsers) -> None:
    """Add the ``mh`` subcommand."""
    p = subparsers.add_parser(
        "mh", help="M(H) isotherms: saturation, remanence, coercive field, Brillouin fit",
        description="Group the rows of each FILE into isotherms (temperature clusters) and branches "
                    "(virgin / decreasing / increasing), convert to μB per formula unit or ion (with "
                    "--formula and a mass), and report M_s (approach to saturation when not saturated), "
                    "M_r, H_c with uncertainties, loop shift, squareness and drift.")
    p.add_argument("files", nargs="+", metavar="FILE", help="M(H) file(s)")
    add_sample_options(p)
    p.add_argument("--m-unit", default="auto", choices=["auto", "muB", "emu_mol", "emu_g", "emu"],
                   help="unit of M (auto: μB when mass and molar mass are known)")
    p.add_argument("--brillouin", action="store_true",
                   help="joint Brillouin fit of the file's isotherms (J free unless --ion)")
    p.add_argument("--ion", help="fix J from this ion's Hund's-rules term (e.g. Gd3+)")
    p.add_argument("--ferro-step", action="store_true",
                   help="Brillouin fit with a saturated ferromagnetic-impurity step m_step sign(H)")
    p.add_argument("--allow-open", action="store_true",
                   help="analyse loops that do not return to the start field")
    p.add_argument("--correct-drift", action="store_true",
                   help="subtract the loop's end-minus-start drift linearly in reading index before H_c, M_r")
    p.add_argument("--plot", metavar="DIR", help="write loop / isotherm figures (PNG) into DIR")
    p.add_argument("--json", action="store_true", help="one JSON object per isotherm")
    add_column_unit_options(p)
    p.set_defaults(func=run)


def _brillouin(curves, args):
    from ..errors import FitError
    from ..mh.paramagnet import fit_brillouin

    if not (args.brillouin or args.ion):
        return None, None
    J = None
    if args.ion:
        from ..ions import ion

        J = ion(args.ion).J
    try:
        fit = fit_brillouin(curves, J=J, ferro_step=args.ferro_step)
    except FitError as exc:
        return None, str(exc)
    return fit, None


def _record(path, curve, res, bfit) -> dict:
    from .._json import json_safe

    d = res.to_dict()
    mol = curve.emu_mol_per_unit
    mu = curve.unit == "muB"
    return json_safe({
        "file": path, "temperature_K": curve.temperature_K, "unit": curve.unit, "per": curve.per,
        "Ms_muB": d["Ms"] if mu else None, "Ms_muB_err": d["Ms_err"] if mu else None,
        "Mr_muB": d["Mr"] if mu else None, "Hc_Oe": d["Hc_Oe"], "Hc_Oe_err": d["Hc_Oe_err"],
        "chi_hf_emu_mol": d["chi_hf"] * mol if mol else None,
        "brillouin": None if bfit is None else {"g": bfit.g, "g_err": bfit.g_err, "J": bfit.J, "n": bfit.n,
                                                "J_err": bfit.J_err, "n_err": bfit.n_err,
                                                "m_step": bfit.m_step, "warnings": bfit.warnings},
        "Ms": d["Ms"], "Ms_err": d["Ms_err"], "Mr": d["Mr"], "Mr_err": d["Mr_err"], "H_eb_Oe": d["H_eb_Oe"],
        "squareness": d["squareness"], "drift": d["drift"], "closed": d["closed"],
        "saturated": d["saturated"],
        "saturation_model": d["saturation_model"], "n_points": int(curve.M.size), "notes": d["notes"],
        "warnings": _sample_warnings(curve)})


def _sample_warnings(curve) -> list[str]:
    """Warnings of the sample description (e.g. the Lake Shore placeholder mass), for the output."""
    return list(((curve.provenance or {}).get("sample") or {}).get("warnings") or [])


def run(args: argparse.Namespace) -> int:
    """Analyse every isotherm of every file; print text or JSON. Returns 0."""
    from ..io import read
    from ..mh.api import read_isotherms
    from ..mh.loops import analyze_isotherm

    out = []
    for path in args.files:
        m = read(path, **column_unit_kwargs(args))
        curves = read_isotherms(m, unit=args.m_unit, **sample_kwargs(args))
        results = [analyze_isotherm(c, require_closed=not args.allow_open,
                                    correct_drift=args.correct_drift) for c in curves]
        bfit, berr = _brillouin(curves, args)
        if args.plot:
            _plots(args.plot, path, curves, results, bfit)
        if args.json:
            out += [_record(path, c, r, bfit) for c, r in zip(curves, results, strict=True)]
            continue
        print(f"{path}: {len(curves)} isotherm(s)")
        for w in dict.fromkeys(w for c in curves for w in _sample_warnings(c)):
            print(f"  warning: {w}")
        for r in results:
            print(r.summary())
        if bfit is not None:
            print(bfit.summary())
        if len(curves) > 1 and curves[0].unit == "muB":
            from ..mh.paramagnet import collapse_check

            chi = bfit.chi_hf_emu_mol if bfit is not None else 0.0
            print(collapse_check(curves, chi_hf_emu_mol=chi)["statement"])
        if berr:
            print(f"Brillouin fit not done: {berr}")
    if args.json:
        print(json.dumps(out, indent=2))
    return 0


def _plots(folder, path, curves, results, bfit) -> None:
    import matplotlib.pyplot as plt

    from ..mh import plot
    from ..mh.paramagnet import collapse_check

    os.makedirs(folder, exist_ok=True)
    stem = os.path.splitext(os.path.basename(path))[0]
    figs = {"loops": plot.loops(results)}
    if len(curves) > 1:
        figs["isotherms"] = plot.isotherms(curves)
        chi = bfit.chi_hf_emu_mol if bfit is not None else 0.0
        collapse = collapse_check(curves, chi_hf_emu_mol=chi)
        figs["reduced"] = plot.reduced(curves, brillouin_fit=bfit, collapse=collapse)
    for name, fig in figs.items():
        fig.savefig(os.path.join(folder, f"{stem}_{name}.png"), dpi=120)
        plt.close(fig)
