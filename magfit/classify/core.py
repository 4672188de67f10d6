""":func:`classify`: data checks, the three models on one window, the evidence, then the rule chain.

Each step is a small function: :func:`_resolve` (ChiT or fit), :func:`_usable` (finite, plausible
points), :func:`_judged_fit` (the Curie-Weiss + chi0 fit the verdict reads), :func:`_three_models`
(M0 chi0, M1 C/(T - theta), M2 C/(T - theta) + chi0 on its window; closed forms and variable
projection, no lmfit), then one function per evidence row group. Given a
:class:`~magfit.CurieWeissFit` with a fitted chi0 (the CLI path), nothing is refitted with lmfit and
``fit.result`` is never read.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..chit import ChiT
from ..errors import FitError, MagfitError
from ..units import curie_from_mu_eff
from .context import _Ctx
from .decision import _decide
from .evidence import _Evidence, _f_supports, _head_records, _model_supports, _sd, _undetermined
from .free_electron import _fermi_energy_from_density, pauli_free_electron_emu_mol
from .inputs import (
    _candidates,
    _features,
    _field_step,
    _has_trend,
    _ions_of,
    _label_flags,
    _n_ions_for,
    _paramagnetic_window,
    _provenance_formula,
)
from .result import Classification
from .stats import _curie_weiss_no_chi0, _fit_constant, _ftest, _ic, _quiet, _t2_evidence
from .thresholds import (
    ALPHA,
    CHI_ABS_MAX,
    EXACT_REL,
    F_ITINERANT,
    F_LOCALIZED,
    MIN_DISTINCT_T,
    MIN_POINTS,
    T2_WEAK,
    T_MAX_K,
    THETA_DEGENERATE,
)

_FIT_ERRORS = (MagfitError, ValueError, ArithmeticError, np.linalg.LinAlgError)


def classify(
    chi_or_fit,
    *,
    n_ions: float | None = None,
    formula: str | None = None,
    impurity_spin: float = 0.5,
    tmin: float | None = None,
    tmax: float | None = None,
    fermi_energy_eV: float | None = None,
    electron_density_cm3: float | None = None,
    electrons_per_formula_unit: float = 1.0,
    alpha: float = ALPHA,
) -> Classification:
    """Classify chi(T) as localized, itinerant, mixed or undetermined, with the evidence.

    The decision rule is in the :mod:`magfit.classify` module docstring (model comparison
    M0: chi0, M1: C/(T - theta), M2: C/(T - theta) + chi0 on the Curie-Weiss window; F-tests;
    the Curie fraction at T_max; thresholds :data:`ALPHA`, :data:`F_LOCALIZED`,
    :data:`F_ITINERANT`, ...).

    Parameters
    ----------
    chi_or_fit : ChiT or CurieWeissFit
        The data (a Curie-Weiss + chi0 fit is made with :func:`magfit.fit_curie_weiss`, window
        chosen automatically unless ``tmin``/``tmax`` are given), or an existing fit (its window
        and weights are reused).
    n_ions : float, optional
        Magnetic ions per mole of ``chi.per`` (mu_eff per ion). Default: 1 when chi is per ion,
        else the number of d/f atoms in ``formula``, else 1 (mu_eff per formula unit).
    formula : str, optional
        Chemical formula: restricts the candidate ions to its d/f elements.
    impurity_spin : float
        Spin of the impurities assumed for a Curie tail (g = 2): fraction = C / C(S).
    tmin, tmax : float, optional
        Window passed to :func:`magfit.fit_curie_weiss` (ignored when a fit is given).
    fermi_energy_eV, electron_density_cm3 : float, optional
        For the Stoner enhancement chi0 / chi_P(free electrons) (either one).
    electrons_per_formula_unit : float
        Conduction electrons per formula unit (for chi_P).
    alpha : float
        Significance level of the F-tests.

    Returns
    -------
    Classification

    Raises
    ------
    FitError
        ``chi_or_fit`` is neither a ChiT nor a CurieWeissFit. Problems with the data never
        raise: they give ``label="undetermined"`` with the reason.

    Examples
    --------
    >>> import numpy as np, magfit
    >>> t = np.linspace(2, 300, 60)
    >>> magfit.classify(magfit.ChiT(t, 7.878 / (t + 0.5), per="Gd")).label
    'localized'
    >>> magfit.classify(magfit.ChiT(t, 3e-4 + 1.9e-3 / (t + 1.0))).label
    'itinerant'
    """
    given_fit, chi = _resolve(chi_or_fit)
    formula = formula or _provenance_formula(chi)
    # several fields: test M/H for field dependence before anything is merged (Honda-Owen)
    chi, given_fit, field_flags, fd = _field_step(chi, given_fit)
    # a fit made with the default n_ions = 1 on chi per formula unit: count the ions from the formula
    # (Gd2(SO4)3(H2O)8 -> 2), as classify(chi) does; mu_eff is rescaled to per ion below
    fit_n_ions = None if given_fit is None or given_fit.n_ions == 1 else given_fit.n_ions
    n_ions_f, per_text, per_element = _n_ions_for(chi, n_ions if given_fit is None else fit_n_ions, formula)
    numbers: dict[str, Any] = {"n_ions": n_ions_f, "per": per_text, "impurity_spin": float(impurity_spin),
                               "field_dependence": None if fd is None else fd.to_dict()}
    ev, reasons = _Evidence(), ([] if fd is None else [fd.summary()])
    chi, enough = _usable(chi, ev, reasons)
    if not enough:
        return _undetermined(reasons, ev, **numbers)
    try:
        fit2, window_reason = _judged_fit(chi, given_fit, tmin, tmax, n_ions_f)
        t, y = fit2.window_chi.temperature_K, fit2.window_chi.chi_emu_mol
        w = _window_weights(fit2)
        m = _three_models(fit2, t, y, w)
    except _FIT_ERRORS as exc:
        reasons.insert(0, f"the Curie-Weiss fit failed ({exc})")
        return _undetermined(reasons, ev, **numbers)
    if fit2.n_points < MIN_POINTS:
        reasons.append(f"the Curie-Weiss window has only {fit2.n_points} points")
    p_curie, p_chi0 = _model_evidence(ev, m, fit2, window_reason, alpha)
    numbers.update(p_curie=p_curie, p_chi0=p_chi0, models=m["models"], fit=fit2,
                   **_fit_numbers(fit2, n_ions_f))
    f, sf = _curie_fraction(fit2, m["rss2"], y, w)
    numbers.update(curie_fraction=f, curie_fraction_err=sf)
    _shape_evidence(ev, fit2, f, sf)
    cands, top = _ion_evidence(ev, numbers, formula or per_element, per_text)
    numbers.update(_impurity(fit2, impurity_spin))
    _t2_row(ev, fit2, t, y, w)
    if fermi_energy_eV is not None or electron_density_cm3 is not None:
        _stoner(ev, numbers, reasons, fit2, fermi_energy_eV, electron_density_cm3, electrons_per_formula_unit)
    finite = np.isfinite(chi.chi_emu_mol)
    ctx = _Ctx(ev=ev, reasons=reasons, numbers=numbers, f=f, sf=sf, p_curie=p_curie, p_chi0=p_chi0,
               alpha=alpha, theta=numbers["theta_K"], t_hi=float(np.max(t)), t=t, y=y, w=w,
               chi0_mean=m["chi0_m0"], chi0_mean_err=m["chi0_m0_err"], cands=cands,
               per_text=per_text, mu=numbers["mu_eff"], rss2=m["rss2"], formula=formula,
               formula_ions=_ions_of(formula or per_element), features=_features(chi),
               t_all=chi.temperature_K[finite], y_all=chi.chi_emu_mol[finite],
               flags=_label_flags(fit2, internal=given_fit is None) + field_flags,
               top=top)
    return _decide(ctx)


# ============================================================================ steps
def _resolve(chi_or_fit) -> tuple[Any, ChiT]:
    """(given fit or None, the data) from a ChiT or a CurieWeissFit."""
    if isinstance(chi_or_fit, ChiT):
        return None, chi_or_fit
    from ..fitting import CurieWeissFit  # already imported when a fit exists: costs nothing then

    if isinstance(chi_or_fit, CurieWeissFit):
        return chi_or_fit, chi_or_fit.chi
    raise FitError(f"classify needs a magfit.ChiT or a CurieWeissFit, got {type(chi_or_fit).__name__}")


def _usable(chi: ChiT, ev, reasons: list[str]) -> tuple[ChiT, bool]:
    """Drop (and count) non-finite and implausible points; enough left for a 3-parameter comparison?"""
    t_raw, y_raw = chi.temperature_K, chi.chi_emu_mol
    finite = np.isfinite(t_raw) & np.isfinite(y_raw) & (t_raw > 0)
    n_bad = int(finite.size - finite.sum())
    if n_bad:
        reasons.append(f"{n_bad} of {finite.size} points dropped (non-finite T or chi, or T <= 0)")
    huge = finite & ((np.abs(y_raw) > CHI_ABS_MAX) | (t_raw > T_MAX_K))
    if huge.any():
        reasons.append(f"{int(huge.sum())} points dropped with |chi| > {CHI_ABS_MAX:g} emu/mol or "
                       f"T > {T_MAX_K:g} K (not a physical susceptibility / temperature)")
        finite &= ~huge
        chi = chi.take(np.isfinite(chi.temperature_K) & ~huge, "classify: implausible values dropped")
    n_ok = int(finite.sum())
    n_distinct = int(np.unique(t_raw[finite]).size)
    ev.add("finite points", n_ok, f">= {MIN_POINTS}", "neither", f"{n_distinct} distinct temperatures")
    if n_ok < MIN_POINTS or n_distinct < MIN_DISTINCT_T:
        reasons.insert(0, f"only {n_ok} usable points at {n_distinct} distinct temperatures; at least "
                          f"{MIN_POINTS} points at {MIN_DISTINCT_T} temperatures are needed to compare "
                          "a 3-parameter model with simpler ones")
        return chi, False
    return chi, True


def _judged_fit(chi: ChiT, given_fit, tmin, tmax, n_ions_f: float):
    """The Curie-Weiss + chi0 fit the verdict reads, and why its window.

    A given fit with chi0 is used as it is; a given fit without chi0 is refitted with chi0 on its
    window; without a fit, the whole paramagnetic range -- or the automatic Curie-Weiss window when
    the whole range shows a residual trend (crystal-field depopulation, short-range order).
    """
    if given_fit is not None:
        fit2 = given_fit
        if not given_fit.fit_chi0:
            from ..fitting import fit_curie_weiss

            fit2 = _quiet(fit_curie_weiss, chi, tmin=given_fit.tmin_K, tmax=given_fit.tmax_K, chi0=True,
                          n_ions=n_ions_f, scan=False)
        return fit2, f"window of the given fit ({given_fit.window_reason})"
    from ..fitting import fit_curie_weiss

    lo, hi, why = _paramagnetic_window(chi, tmin, tmax)
    fit2 = _quiet(fit_curie_weiss, chi, tmin=lo, tmax=hi, chi0=True, n_ions=n_ions_f, scan=False)
    if tmin is None and _has_trend(fit2):
        fit2 = _quiet(fit_curie_weiss, chi, tmax=tmax, chi0=True, n_ions=n_ions_f)
        why = ("automatic Curie-Weiss window (the whole paramagnetic range shows a residual trend): "
               + fit2.window_reason)
    return fit2, why


def _window_weights(fit) -> np.ndarray | None:
    """Residual weights (1/sigma) of the fit's window points, None for equal weights.

    ``fit.weights`` when the fit carries them; else rebuilt from ``fit.weighting`` (1/chi_err of the
    window); user-given weights are read from the lmfit result only as a last resort.
    """
    try:
        w = fit.weights
    except AttributeError:
        if fit.weighting.startswith("1/chi_err"):
            w = 1.0 / fit.window_chi.chi_err_emu_mol
        elif fit.weighting.startswith("user weights"):
            w = fit.result.weights                      # pragma: no cover - before fit.weights existed
        else:
            w = None
    return None if w is None else np.asarray(w, dtype=float)


def _cw_eval(fit, t: np.ndarray) -> np.ndarray:
    """C/(T - theta) + chi0 of the fit (nominal values), without its lmfit result."""
    return fit.C.nominal_value / (t - fit.theta_K.nominal_value) + fit.chi0.nominal_value


def _three_models(fit2, t, y, w) -> dict[str, Any]:
    """M0 chi0, M1 C/(T - theta), M2 C/(T - theta) + chi0 on the window: RSS, AIC, BIC and parameters."""
    n = int(t.size)
    ww = np.ones(n) if w is None else w
    chi0_m0, chi0_m0_err, rss0 = _fit_constant(t, y, w)
    fit1 = _curie_weiss_no_chi0(t, y, w)
    with np.errstate(all="ignore"):
        rss2 = float(np.sum(((y - _cw_eval(fit2, t)) * ww) ** 2))
    # noise-free data: a floor at round-off keeps the F statistics finite
    floor = float(np.sum((y * ww) ** 2)) * 1e-26
    rss0, rss1, rss2 = max(rss0, floor), max(fit1["rss"], floor), max(rss2, floor)
    rows = []
    for name, k, rss, pars in (
        ("chi0 (Pauli/TIP)", 1, rss0, {"chi0_emu_mol": chi0_m0}),
        ("C/(T-theta)", 2, rss1, {"C_emu_K_mol": fit1["C_emu_K_mol"], "theta_K": fit1["theta_K"]}),
        ("C/(T-theta)+chi0", 3, rss2, {"C_emu_K_mol": fit2.C.nominal_value,
                                       "theta_K": fit2.theta_K.nominal_value,
                                       "chi0_emu_mol": fit2.chi0.nominal_value}),
    ):
        aic, bic = _ic(rss, n, k)
        rows.append({"model": name, "n_params": k, "rss": rss, "aic": aic, "bic": bic, **pars})
    return {"rss0": rss0, "rss1": rss1, "rss2": rss2, "n": n, "chi0_m0": chi0_m0,
            "chi0_m0_err": chi0_m0_err, "rows": rows, "models": _frame(rows)}


def _frame(rows: list[dict]) -> pd.DataFrame:
    """Rows of dicts as a DataFrame (columns in first-seen order, NaN where a row lacks one), column-wise:
    pandas' list-of-dicts constructor costs ~1 ms."""
    cols = list(dict.fromkeys(k for r in rows for k in r))
    return pd.DataFrame({c: [r.get(c, float("nan")) for r in rows] for c in cols}, columns=cols)


def _model_evidence(ev, m: dict, fit2, window_reason: str, alpha: float) -> tuple[float, float]:
    """Window, the two F-tests and the AIC/BIC winners as evidence rows; returns (p_curie, p_chi0)."""
    f_curie, p_curie = _ftest(m["rss0"], 1, m["rss2"], 3, m["n"])
    f_chi0, p_chi0 = _ftest(m["rss1"], 2, m["rss2"], 3, m["n"])
    rows = m["rows"]
    best_aic = str(min(rows, key=lambda r: r["aic"])["model"])       # first of equals, as idxmin
    best_bic = str(min(rows, key=lambda r: r["bic"])["model"])
    t_hi = float(np.max(fit2.window_chi.temperature_K))
    ev.add("window", f"{fit2.tmin_K:.4g}-{t_hi:.4g} K, {m['n']} points", "", "neither", window_reason)
    ev.add("F-test: Curie term needed (chi0 -> CW+chi0)", p_curie, f"p < {alpha:g}",
           "localized" if p_curie < alpha else "itinerant", f"F = {f_curie:.4g}")
    ev.add("F-test: chi0 term needed (CW -> CW+chi0)", p_chi0, f"p < {alpha:g}",
           "itinerant" if p_chi0 < alpha else "localized", f"F = {f_chi0:.4g}")
    ev.add("lowest AIC", best_aic, "", _model_supports(best_aic),
           "; ".join(f"{r['model']}: {r['aic']:.1f}" for r in rows))
    ev.add("lowest BIC", best_bic, "", _model_supports(best_bic),
           "; ".join(f"{r['model']}: {r['bic']:.1f}" for r in rows))
    return p_curie, p_chi0


def _fit_numbers(fit2, n_ions_f: float) -> dict[str, float]:
    """mu_eff (per ion), theta, C, chi0 and their errors from the judged fit."""
    mu_u = fit2.mu_eff
    if fit2.n_ions != n_ions_f:  # mu_eff = sqrt(C / (n_ions * 0.125049)): per ion, not per formula unit
        mu_u = mu_u * math.sqrt(fit2.n_ions / n_ions_f)
    th_u, c_u, c0_u = fit2.theta_K, fit2.C, fit2.chi0
    return {"mu_eff": float(mu_u.nominal_value), "mu_eff_err": float(mu_u.std_dev),
            "theta_K": float(th_u.nominal_value), "theta_K_err": float(th_u.std_dev),
            "C_emu_K_mol": float(c_u.nominal_value), "C_emu_K_mol_err": float(c_u.std_dev),
            "chi0_emu_mol": float(c0_u.nominal_value), "chi0_emu_mol_err": float(c0_u.std_dev)}


def _curie_fraction(fit2, rss2: float, y, w) -> tuple[float, float]:
    """f = CW(T_max) / (CW(T_max) + max(chi0, 0)) and its error (correlated fit uncertainties)."""
    C_u, th_u, c0_u = fit2.C, fit2.theta_K, fit2.chi0
    t_hi = float(np.max(fit2.window_chi.temperature_K))
    try:
        cw_hi = C_u / (t_hi - th_u)
        chi0_para = c0_u if c0_u.nominal_value > 0 else 0.0
        f_u = cw_hi / (cw_hi + chi0_para) if cw_hi.nominal_value != 0 or c0_u.nominal_value > 0 else None
    except (ZeroDivisionError, OverflowError):      # a vanishing CW term: its derivatives underflow
        return float("nan"), float("nan")
    if f_u is None or not math.isfinite(float(getattr(f_u, "nominal_value", f_u))):
        return float("nan"), float("nan")
    if hasattr(f_u, "std_dev"):
        f, sf = float(f_u.nominal_value), float(f_u.std_dev)
    else:
        f, sf = float(f_u), 0.0
    ww = np.ones_like(y) if w is None else w
    if math.isfinite(f) and not math.isfinite(sf) and rss2 <= EXACT_REL * float(np.sum((y * ww) ** 2)):
        sf = 0.0  # noise-free data: the covariance is 0/0, the fraction is exact
    return f, sf


def _shape_evidence(ev, fit2, f: float, sf: float) -> None:
    """Evidence rows: the Curie fraction, chi0 and theta / T_max."""
    c0_u = fit2.chi0
    t_hi = float(np.max(fit2.window_chi.temperature_K))
    theta = float(fit2.theta_K.nominal_value)
    ev.add("Curie fraction f at T_max", f, f">= {F_LOCALIZED} localized, <= {F_ITINERANT} itinerant",
           _f_supports(f), f"+/- {sf:.2g}; CW(T_max) / (CW(T_max) + max(chi0, 0)) at {t_hi:.4g} K")
    ev.add("chi0 (CW + chi0 fit)", float(c0_u.nominal_value), "> 0 Pauli-like",
           "itinerant" if c0_u.nominal_value > 2 * _sd(c0_u) else "neither",
           f"+/- {_sd(c0_u):.2g} emu/mol; negative = core diamagnetism")
    ev.add("theta / T_max", theta / t_hi, f"> -{THETA_DEGENERATE:g}",
           "neither" if theta > -THETA_DEGENERATE * t_hi else "itinerant",
           f"theta = {theta:.4g} K; below -T_max the CW term is nearly constant over the window")


def _ion_evidence(ev, numbers: dict, formula: str | None, per_text: str) -> tuple[pd.DataFrame, list]:
    """Hund's-rules candidates for mu_eff (an evidence row); returns the table and its best 3 records."""
    cands = _candidates(numbers["mu_eff"], numbers["mu_eff_err"], formula)
    numbers["candidates"] = cands
    top3 = _head_records(cands, 3)
    mu = numbers["mu_eff"]
    if not math.isfinite(mu):
        return cands, top3
    if cands.empty:
        ev.add(f"mu_eff per {per_text}", mu, "a Hund's-rules ion within 3 sigma", "neither",
               "no ion consistent")
        return cands, top3
    best = top3[0]
    ev.add(f"mu_eff per {per_text}", mu, "a Hund's-rules ion within 3 sigma", "localized",
           "candidates: " + ", ".join(f"{r['ion']} ({r['n_sigma']:.1f} sigma from its typical range)"
                                      for r in top3)
           + f"; best {best['ion']} expects {best['mu_eff_expected']:.2f}")
    return cands, top3


def _impurity(fit2, impurity_spin: float) -> dict[str, float]:
    """The impurity concentration the Curie term implies for S = impurity_spin, g = 2."""
    c_imp = float(curie_from_mu_eff(2.0 * math.sqrt(impurity_spin * (impurity_spin + 1.0))))
    imp = fit2.C / c_imp
    return {"impurity_fraction": float(imp.nominal_value), "impurity_fraction_err": _sd(imp)}


def _t2_row(ev, fit2, t, y, w) -> None:
    """Enhanced-Pauli signature: a weak T^2 in chi - CW(T) on the chi0-dominated points."""
    with np.errstate(all="ignore"):
        cw_part = fit2.C.nominal_value / (t - fit2.theta_K.nominal_value) * np.ones_like(t)
    b_t2, z_t2, n_t2 = _t2_evidence(t, y, w, cw_part, float(fit2.chi0.nominal_value))
    if math.isfinite(b_t2):
        weak = abs(b_t2) < T2_WEAK and abs(z_t2) > 3
        ev.add("T^2 coefficient b T_max^2 of chi - CW (chi0-dominated points)", b_t2,
               f"|.| < {T2_WEAK}, |z| > 3", "itinerant" if weak else "neither",
               f"z = {z_t2:.3g} on {n_t2} points; enhanced Pauli: chi(T) = chi(0)(1 + b T^2)")


def _stoner(ev, numbers, reasons, fit2, fermi_energy_eV, electron_density_cm3, z: float) -> None:
    """Stoner enhancement chi0 / chi_P(free electrons) from a Fermi energy or an electron density."""
    try:
        ef = (float(fermi_energy_eV) if fermi_energy_eV is not None
              else _fermi_energy_from_density(electron_density_cm3))
        chi_p = pauli_free_electron_emu_mol(ef, z)
    except MagfitError as exc:
        reasons.append(str(exc))
        return
    stoner = float(fit2.chi0.nominal_value) / chi_p
    numbers.update(stoner_enhancement=stoner, chi_pauli_free_emu_mol=chi_p)
    ev.add("Stoner enhancement chi0 / chi_P(free)", stoner, "> 1 enhanced Pauli",
           "itinerant" if stoner > 1 else "neither",
           f"chi_P = N_A mu_B^2 (3/2) Z / E_F = {chi_p:.3g} emu/mol (E_F = {ef:.3g} eV, "
           f"Z = {z:g}); Pd ~ 10")
