"""``magfit fit FILE...``: Curie-Weiss fit chi = C/(T - theta) + chi0 of each file.

Each file is read with :func:`magfit.read`, turned into chi(T) with
:meth:`Measurement.susceptibility` (sample options below), and fitted with
:func:`magfit.fit_curie_weiss`. Text output is ``CurieWeissFit.summary()``; ``--json`` writes one
JSON object per file per line (JSON lines). A file that fails gives an error line (text: on
stderr; JSON: an object with ``"file"`` and ``"error"``) and the exit code is 1, but the other
files are still processed.

Extra JSON keys: other stages (e.g. classification: ``label``, ``confidence``, ``candidates``)
register a callable ``f(chi: ChiT, fit: CurieWeissFit) -> dict`` in :data:`ENRICHERS`; its keys
are added to each file's JSON object (and printed under the summary in text mode).

Issue-13 keys: ``mu_eff_sys``, ``theta_K_sys``, ``chi0_emu_mol_sys`` (window systematic, from the
fit), ``reasons`` (short strings: the deciding rule, annotations, flags) and ``field_dependence``
(None for one field; with several fields the Honda-Owen test of M/H, made *before* the fields are
merged -- a significant dependence is never merged: the corrected chi(T) is fitted, with a flag).
An enricher that fails does not lose the fit, but it is not hidden either: its error is listed under
``enricher_errors``, repeated on stderr, and the exit code is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from ._options import add_column_unit_options, column_unit_kwargs

#: callables (chi, fit) -> dict of extra JSON keys, applied in order (e.g. classification)
ENRICHERS: list[Callable[[Any, Any], dict]] = []


def register(subparsers) -> None:
    """Add the ``fit`` subcommand."""
    p = subparsers.add_parser(
        "fit", help="Curie-Weiss fit chi = C/(T - theta) + chi0 (mu_eff, theta, chi0 with errors)",
        description="Read FILE(s), compute the molar susceptibility and fit chi = C/(T - theta) + chi0 "
                    "with lmfit. Without --tmin the window is chosen automatically (ordered regime "
                    "excluded, lowest stable T_min without residual trend, T_min >= 2|theta| where the "
                    "data allow); the reason is printed.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="measurement file(s)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--formula", help="chemical formula of one formula unit, e.g. 'Gd2(SO4)3(H2O)8'")
    g.add_argument("--molar-mass", type=float, metavar="G", help="molar mass of one formula unit, g/mol")
    p.add_argument("--mass-mg", type=float, metavar="M", help="sample mass in mg (else from the header)")
    p.add_argument("--per-ion", metavar="ION", help="normalise per mole of this ion (e.g. Gd)")
    p.add_argument("--n-ions", type=float, metavar="N", help="magnetic ions per formula unit")
    p.add_argument("--field-oe", type=float, metavar="H", help="applied field in Oe (files without a field "
                                                                  "column, or to override it)")
    p.add_argument("--diamagnetic", metavar="VALUE|pascal",
                   help="core diamagnetism to subtract, emu/mol per formula unit (negative), or 'pascal'")
    p.add_argument("--holder", metavar="FILE|EMU", help="holder background: an empty-holder file or a "
                                                        "constant moment in emu")
    p.add_argument("--segment", metavar="S", help="segment id or label (DC, ZFC, FC, warming, H=1000...)")
    p.add_argument("--tmin", type=float, metavar="K", help="lower end of the fit window (K)")
    p.add_argument("--tmax", type=float, metavar="K", help="upper end of the fit window (K)")
    p.add_argument("--no-chi0", action="store_true", help="fix chi0 = 0 (pure Curie-Weiss)")
    p.add_argument("--density", type=float, metavar="G_CM3",
                   help="density in g/cm^3 (only for tables of a dimensionless volume susceptibility)")
    p.add_argument("--sheet", metavar="NAME|INDEX", help="workbook sheet (.xlsx/.xls/.ods; default: first "
                                                          "sheet with data)")
    add_column_unit_options(p)
    p.add_argument("--json", action="store_true", help="one JSON object per file per line")
    p.set_defaults(func=run)


def _number_or_text(value: str | None):
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return value


def _segment(value: str | None):
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return value


def fit_file(path: str, args: argparse.Namespace):
    """Read, convert and fit one file; returns (chi, fit)."""
    from ..fitting import fit_curie_weiss
    from ..io import read

    m = read(path, sheet=_segment(getattr(args, "sheet", None)), **column_unit_kwargs(args))
    chi = m.susceptibility(mass_mg=args.mass_mg, molar_mass_g_mol=args.molar_mass, formula=args.formula,
                           per_ion=args.per_ion, n_ions=args.n_ions, field_Oe=args.field_oe,
                           diamagnetic=_number_or_text(args.diamagnetic), holder=_number_or_text(args.holder),
                           segment=_segment(args.segment), density_g_cm3=getattr(args, "density", None))
    density = getattr(args, "density", None)
    if density is not None and "chi_volume_cgs" not in m.columns:   # moment files: say it was not used
        warnings = chi.provenance.setdefault("warnings", [])
        if not any("density" in str(w) for w in warnings):
            warnings.append(f"option --density={density!r} ignored: the file holds no volume susceptibility")
    chi, note = _honda_owen_step(chi)
    fit = fit_curie_weiss(chi, tmin=args.tmin, tmax=args.tmax, chi0=not args.no_chi0)
    if note:
        fit.flags.append(note)
    return chi, fit


def _honda_owen_step(chi):
    """Several fields: test M/H for field dependence before merging (magfit.field_dependence).

    A significant dependence (saturated impurity, chi = chi + M_s/H) is never merged: the Honda-Owen
    chi(T) is fitted instead, with a flag. The numbers go to ``chi.provenance["field_dependence"]``.
    """
    import dataclasses

    from ..field_dependence import honda_owen

    fd = honda_owen(chi)
    if fd is None:
        return chi, None
    used = fd.corrected if fd.significant else chi
    prov = dict(used.provenance) if isinstance(used.provenance, dict) else {}
    prov["field_dependence"] = fd.to_dict()
    used = dataclasses.replace(used, provenance=prov)
    if not fd.significant:
        return used, None
    return used, (f"M/H depends on the field: {fd.summary()} -- the fields were not merged; the Honda-Owen "
                  "chi(T) (intercept at 1/H = 0, a saturated impurity's M_s/H removed) was fitted")


def run(args: argparse.Namespace) -> int:
    """Fit every file; 0 when all succeeded, 1 when any failed (or any of its enrichers failed)."""
    from ..errors import MagfitError

    failed = 0
    for i, path in enumerate(args.files):
        try:
            chi, fit = fit_file(path, args)
        except (MagfitError, OSError, ValueError) as exc:
            failed += 1
            _report_error(path, f"{type(exc).__name__}: {exc}", args.json)
            continue
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
            failed += 1
            _report_error(path, f"internal error {type(exc).__name__}: {exc} (please report)", args.json)
            continue
        extra: dict[str, Any] = {}
        for enrich in ENRICHERS:      # a failing enricher must not lose the fit
            try:
                extra.update(enrich(chi, fit))
            except Exception as exc:  # noqa: BLE001
                name = getattr(enrich, "__name__", "enricher")
                extra.setdefault("enricher_errors", []).append(f"{name}: {type(exc).__name__}: {exc}")
        if "enricher_errors" in extra:
            failed += 1
            print(f"magfit fit: {path}: the fit succeeded but {'; '.join(extra['enricher_errors'])} "
                  "(please report)", file=sys.stderr)
        warnings = _ignored_warnings(chi)
        for w in warnings:
            print(f"magfit fit: {path}: warning: {w}", file=sys.stderr)
        if args.json:
            d = {"file": path, **fit.to_dict()}
            from .._json import json_safe

            d.update(json_safe(extra))
            if warnings:
                d["warnings"] = warnings
            print(json.dumps(d, allow_nan=False))
        else:
            if i:
                print()
            print(f"# {path}")
            print(fit.summary())
            for key, value in extra.items():
                if key == "flags":      # fit.summary() already printed the fit's flags: add only the rest
                    value = [f for f in value if f not in fit.flags]
                    if not value:
                        continue
                    key = "classification flags"
                print(f"  {key}: {_text(value)}")
            for w in warnings:
                print(f"  warning: {w}")
        sys.stdout.flush()
    return 1 if failed else 0


def _ignored_warnings(chi) -> list[str]:
    """Data warnings worth telling the user (options ignored by this file, ...)."""
    found = (getattr(chi, "provenance", None) or {}).get("warnings", [])
    return [str(w) for w in found if "ignored" in str(w) or "not physical" in str(w)]


def _report_error(path: str, message: str, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"file": path, "error": message}))
        sys.stdout.flush()
    else:
        print(f"magfit fit: {path}: error: {message}", file=sys.stderr)



def _classification_keys(chi, fit) -> dict:
    """Classification of the fit (magfit.classify on the fit's window): ``label``, ``confidence``
    and ``candidates`` (top three Hund's-rules ions, each with ``n_sigma`` from its range)."""
    from ..classify import classify

    verdict = classify(fit)
    # the verdict's own flags (Curie-Weiss numbers not meaningful for a gapped / Van Vleck chi, crystal
    # field, impurity level, ...) join the fit's, so a reader of "flags" sees them beside mu_eff
    # dict.fromkeys: no flag twice (a fit flag may repeat, a verdict may restate one), first order kept
    flags = list(dict.fromkeys(list(fit.flags) + list(verdict.flags)))
    return {"label": verdict.label, "confidence": round(verdict.confidence, 4),
            "candidates": verdict.top_candidates(3), "reasons": list(verdict.short_reasons),
            "flags": flags}


def _field_dependence_keys(chi, fit) -> dict:
    """``field_dependence``: the Honda-Owen numbers when several fields were measured, else None."""
    fd = (chi.provenance or {}).get("field_dependence") if isinstance(chi.provenance, dict) else None
    return {"field_dependence": fd}


ENRICHERS.append(_classification_keys)
ENRICHERS.append(_field_dependence_keys)


def _text(value: Any) -> str:
    """An enricher value for the text output: candidate records as 'Gd3+ (7.94, 0.1 sigma)'."""
    if isinstance(value, dict) and str(value.get("method", "")).startswith("Honda-Owen"):
        return (f"Honda-Owen over {value.get('fields_Oe')} Oe: M_s = {value.get('M_s_emu_mol'):.3g} +/- "
                f"{value.get('M_s_err_emu_mol'):.2g} emu/mol (z = {value.get('z'):.1f}), "
                + ("field dependent: the corrected chi(T) was fitted" if value.get("significant")
                   else "no field dependence: fields merged"))
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    if isinstance(value, list) and value and all(isinstance(v, dict) and "ion" in v for v in value):
        return ", ".join(f"{v['ion']} ({v.get('mu_eff_expected', float('nan')):.2f} mu_B, "
                         f"{v.get('n_sigma', float('nan')):.1f} sigma)" for v in value)
    return str(value)
