"""What the rules look at, taken from the data: formula, ions per formula unit, the paramagnetic window,
field dependence, the fit's flags, ordering features and ion candidates.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..chit import ChiT
from ..errors import MagfitError
from ..field_dependence import honda_owen
from .stats import _quiet
from .thresholds import (
    LABEL_NEUTRAL_FLAGS,
    MIN_POINTS,
)


def _provenance_formula(chi: ChiT) -> str | None:
    """The sample formula recorded by Measurement.susceptibility(), if any."""
    sample = chi.provenance.get("sample") if isinstance(chi.provenance, dict) else None
    f = sample.get("formula") if isinstance(sample, dict) else None
    return f if isinstance(f, str) and f.strip() else None


def _n_ions_for(chi: ChiT, n_ions: float | None, formula: str | None) -> tuple[float, str, str | None]:
    """(n_ions, what mu_eff is per, element restriction for candidates).

    Default: 1 when chi is per ion; else the count of the formula's only d/f element (e.g. 2 for
    Gd2(SO4)3(H2O)8); with several d/f elements (CePd3) mu_eff stays per formula unit.
    """
    per = chi.per or "formula unit"
    per_is_ion = per.strip().lower() not in ("formula unit", "f.u.", "fu", "")
    if n_ions is not None:
        return float(n_ions), "magnetic ion", None
    if per_is_ion:
        return 1.0, f"{per} ion", per
    if formula:
        try:
            from ..formula import read_formula
            from ..ions import _block
            atoms = read_formula(formula, normalize=True).atoms
        except Exception:  # noqa: BLE001 - a bad formula only loses the per-ion normalisation
            atoms = {}
        counts = {}
        for el, k in atoms.items():
            try:
                _block(el.number, el.symbol)
            except MagfitError:
                continue
            counts[el.symbol] = float(k)
        if len(counts) == 1:
            (sym, k), = counts.items()
            return k, f"{sym} ion ({k:g} per formula unit)", None
    return 1.0, "formula unit (n_ions unknown)", None


def _paramagnetic_window(chi: ChiT, tmin: float | None, tmax: float | None) -> tuple[float | None,
                                                                                  float | None, str]:
    """The widest window above any ordering feature (magfit.window.ordering_features).

    The regime is judged from the temperature dependence over the whole paramagnetic range, so
    the window is wider than the Curie-Weiss window of fit_curie_weiss (which also drops
    short-range-order curvature): T_min = ORDER_MARGIN x T_order, or the lowest temperature.
    """
    from .. import window as W

    if tmin is not None:
        return tmin, tmax, f"user window tmin={tmin:g} K" + (f", tmax={tmax:g} K" if tmax is not None else "")
    t, y = chi.temperature_K, chi.chi_emu_mol
    e = chi.chi_err_emu_mol
    m = np.isfinite(t) & np.isfinite(y) & (t > 0)
    if tmax is not None:
        m &= t <= tmax
    order = np.argsort(t[m], kind="stable")
    ts, ys = t[m][order], y[m][order]
    es = None if e is None else e[m][order]
    if es is not None and not np.all(np.isfinite(es) & (es > 0)):
        es = None
    feats = _quiet(W.ordering_features, ts, ys, es)
    if not feats:
        lo_all = None if ts.size == 0 else float(ts.min())
        return lo_all, tmax, "whole paramagnetic range (no ordering feature)"
    t_order = max(ft["temperature_K"] for ft in feats)
    lo = W.ORDER_MARGIN * t_order
    if np.sum(ts >= lo) < MIN_POINTS:
        above = ts[ts > t_order]
        lo = float(above.min()) if above.size else lo
    kinds = ", ".join(f"{ft['kind']} at {ft['temperature_K']:.4g} K" for ft in feats)
    return lo, tmax, f"paramagnetic range above {lo:.4g} K ({kinds} excluded)"


def _field_step(chi: ChiT, given_fit):
    """Honda-Owen test when chi holds several fields: (chi to use, fit to use, flags, FieldDependence)."""
    fd = honda_owen(chi) if chi.field_Oe is not None else None
    if fd is None or not fd.significant:
        return chi, given_fit, [], fd
    flag = (f"M/H depends on the field ({fd.summary()}): a saturated ferromagnetic impurity adds M_s/H; the "
            "fields were not merged -- the Honda-Owen chi(T) (intercept at 1/H = 0) is classified")
    if given_fit is not None:
        from ..fitting import fit_curie_weiss

        given_fit = _quiet(fit_curie_weiss, fd.corrected, tmin=given_fit.tmin_K, tmax=given_fit.tmax_K,
                           chi0=given_fit.fit_chi0, n_ions=given_fit.n_ions)
    return fd.corrected, given_fit, [flag], fd


def _label_flags(fit, internal: bool) -> list[str]:
    """The fit's flags that count against the verdict (each caps the confidence).

    Every flag of a fit the user gave counts. On the internal whole-range fit, flags that concern
    only the Curie-Weiss parameters and are expected when judging the regime on the whole range
    (:data:`LABEL_NEUTRAL_FLAGS`: T_min < 2|theta|, an unresolved C of a Pauli metal) do not.
    """
    if not internal:
        return list(fit.flags)
    return [fl for fl in fit.flags if not fl.startswith(LABEL_NEUTRAL_FLAGS)]


def _has_trend(fit) -> bool:
    return any(fl.startswith("residuals show a systematic trend") for fl in fit.flags)


def _ions_of(formula: str | None) -> list:
    """The plausible ions of the formula's d/f elements ([] without a formula or with none)."""
    from ..ions import _formula_ions

    if not formula:
        return []
    try:
        return _formula_ions(formula)
    except MagfitError:
        return []


def _features(chi: ChiT) -> list[dict]:
    """Ordering features (chi maxima, steep chi*T rises) of the whole curve."""
    from .. import window as W

    t, y = chi.temperature_K, chi.chi_emu_mol
    m = np.isfinite(t) & np.isfinite(y) & (t > 0)
    order = np.argsort(t[m], kind="stable")
    try:
        return list(_quiet(W.ordering_features, t[m][order], y[m][order], None))
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):
        return []


def _candidates(mu: float, sigma: float, formula: str | None) -> pd.DataFrame:
    from ..ions import candidate_ions

    if not math.isfinite(mu) or mu <= 0:
        return pd.DataFrame()
    try:
        return candidate_ions(mu, sigma if math.isfinite(sigma) else 0.0, formula=formula, top=5)
    except MagfitError:
        return candidate_ions(mu, sigma if math.isfinite(sigma) else 0.0, top=5)

