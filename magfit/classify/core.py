""":func:`classify`: data checks, the three models on one window, the evidence, then the rule chain."""

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
from .evidence import _Evidence, _f_supports, _model_supports, _sd, _undetermined
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
from .stats import _fit_constant, _ftest, _ic, _quiet, _t2_evidence
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
    from ..fitting import CurieWeissFit, fit_curie_weiss

    ev = _Evidence()
    reasons: list[str] = []
    if isinstance(chi_or_fit, CurieWeissFit):
        given_fit = chi_or_fit
        chi = given_fit.chi
    elif isinstance(chi_or_fit, ChiT):
        given_fit = None
        chi = chi_or_fit
    else:
        raise FitError(f"classify needs a magfit.ChiT or a CurieWeissFit, got {type(chi_or_fit).__name__}")

    formula = formula or _provenance_formula(chi)
    # ---- several fields: test M/H for field dependence before anything is merged (Honda-Owen)
    chi, given_fit, field_flags, fd = _field_step(chi, given_fit)
    # a fit made with the default n_ions = 1 on chi per formula unit: count the ions from the formula
    # (Gd2(SO4)3(H2O)8 -> 2), as classify(chi) does; mu_eff is rescaled to per ion below
    fit_n_ions = None if given_fit is None or given_fit.n_ions == 1 else given_fit.n_ions
    n_ions_f, per_text, per_element = _n_ions_for(chi, n_ions if given_fit is None else fit_n_ions, formula)
    numbers: dict[str, Any] = {"n_ions": n_ions_f, "per": per_text, "impurity_spin": float(impurity_spin),
                               "field_dependence": None if fd is None else fd.to_dict()}
    if fd is not None:
        reasons.append(fd.summary())

    # ---- 0. data sufficiency
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
        return _undetermined(reasons, ev, **numbers)

    # ---- the three models on one window
    try:
        if given_fit is not None and given_fit.fit_chi0:
            fit2 = given_fit
        else:
            if given_fit is not None:
                lo, hi, why = given_fit.tmin_K, given_fit.tmax_K, "window of the given fit"
            else:
                lo, hi, why = _paramagnetic_window(chi, tmin, tmax)
            fit2 = _quiet(fit_curie_weiss, chi, tmin=lo, tmax=hi, chi0=True, n_ions=n_ions_f, scan=False)
            if given_fit is None and tmin is None and _has_trend(fit2):
                # C/(T - theta) + chi0 does not describe the whole paramagnetic range (crystal-field
                # depopulation, short-range order): judge on the automatic Curie-Weiss window instead
                fit2 = _quiet(fit_curie_weiss, chi, tmax=tmax, chi0=True, n_ions=n_ions_f)
                why = ("automatic Curie-Weiss window (the whole paramagnetic range shows a residual trend): "
                       + fit2.window_reason)
        if given_fit is None:
            window_reason = why
        else:
            window_reason = f"window of the given fit ({given_fit.window_reason})"
        win = fit2.window_chi
        t, y = win.temperature_K, win.chi_emu_mol
        w = fit2.result.weights
        w = None if w is None else np.asarray(w, dtype=float)
        fit1 = _quiet(fit_curie_weiss, chi, tmin=fit2.tmin_K, tmax=fit2.tmax_K, chi0=False,
                      n_ions=n_ions_f, scan=False)
        chi0_m0, chi0_m0_err, rss0 = _fit_constant(t, y, w)
    except (MagfitError, ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
        reasons.insert(0, f"the Curie-Weiss fit failed ({exc})")
        return _undetermined(reasons, ev, **numbers)

    n = int(t.size)
    ww = np.ones(n) if w is None else w
    rss2 = float(np.sum(((y - fit2.eval(t)) * ww) ** 2))
    rss1 = float(np.sum(((y - fit1.eval(t)) * ww) ** 2))
    # noise-free data: a floor at round-off keeps the F statistics finite
    floor = float(np.sum((y * ww) ** 2)) * 1e-26
    rss0, rss1, rss2 = max(rss0, floor), max(rss1, floor), max(rss2, floor)
    if fit2.n_points < MIN_POINTS:
        reasons.append(f"the Curie-Weiss window has only {fit2.n_points} points")
    models = []
    for name, k, rss, pars in (
        ("chi0 (Pauli/TIP)", 1, rss0, {"chi0_emu_mol": chi0_m0}),
        ("C/(T-theta)", 2, rss1, {"C_emu_K_mol": fit1.C.nominal_value,
                                  "theta_K": fit1.theta_K.nominal_value}),
        ("C/(T-theta)+chi0", 3, rss2, {"C_emu_K_mol": fit2.C.nominal_value,
                                       "theta_K": fit2.theta_K.nominal_value,
                                       "chi0_emu_mol": fit2.chi0.nominal_value}),
    ):
        aic, bic = _ic(rss, n, k)
        models.append({"model": name, "n_params": k, "rss": rss, "aic": aic, "bic": bic, **pars})
    models_df = pd.DataFrame(models)
    f_curie, p_curie = _ftest(rss0, 1, rss2, 3, n)
    f_chi0, p_chi0 = _ftest(rss1, 2, rss2, 3, n)
    best_aic = str(models_df.loc[models_df["aic"].idxmin(), "model"])
    best_bic = str(models_df.loc[models_df["bic"].idxmin(), "model"])

    C_u, th_u, c0_u, mu_u = fit2.C, fit2.theta_K, fit2.chi0, fit2.mu_eff
    if fit2.n_ions != n_ions_f:  # mu_eff = sqrt(C / (n_ions * 0.125049)): per ion, not per formula unit
        mu_u = mu_u * math.sqrt(fit2.n_ions / n_ions_f)
    t_hi = float(np.max(t))
    theta = float(th_u.nominal_value)
    numbers.update(
        p_curie=p_curie, p_chi0=p_chi0, models=models_df, fit=fit2,
        mu_eff=float(mu_u.nominal_value), mu_eff_err=float(mu_u.std_dev),
        theta_K=theta, theta_K_err=float(th_u.std_dev),
        C_emu_K_mol=float(C_u.nominal_value), C_emu_K_mol_err=float(C_u.std_dev),
        chi0_emu_mol=float(c0_u.nominal_value), chi0_emu_mol_err=float(c0_u.std_dev),
    )
    ev.add("window", f"{fit2.tmin_K:.4g}-{t_hi:.4g} K, {n} points", "", "neither", window_reason)
    ev.add("F-test: Curie term needed (chi0 -> CW+chi0)", p_curie, f"p < {alpha:g}",
           "localized" if p_curie < alpha else "itinerant", f"F = {f_curie:.4g}")
    ev.add("F-test: chi0 term needed (CW -> CW+chi0)", p_chi0, f"p < {alpha:g}",
           "itinerant" if p_chi0 < alpha else "localized", f"F = {f_chi0:.4g}")
    ev.add("lowest AIC", best_aic, "", _model_supports(best_aic),
           "; ".join(f"{m['model']}: {m['aic']:.1f}" for m in models))
    ev.add("lowest BIC", best_bic, "", _model_supports(best_bic),
           "; ".join(f"{m['model']}: {m['bic']:.1f}" for m in models))

    # ---- Curie fraction at T_max (correlated uncertainties)
    cw_hi = C_u / (t_hi - th_u)
    chi0_para = c0_u if c0_u.nominal_value > 0 else 0.0
    f_u = cw_hi / (cw_hi + chi0_para) if cw_hi.nominal_value != 0 or c0_u.nominal_value > 0 else None
    if f_u is None or not math.isfinite(float(getattr(f_u, "nominal_value", f_u))):
        f, sf = float("nan"), float("nan")
    elif hasattr(f_u, "std_dev"):
        f, sf = float(f_u.nominal_value), float(f_u.std_dev)
    else:
        f, sf = float(f_u), 0.0
    if math.isfinite(f) and not math.isfinite(sf) and rss2 <= EXACT_REL * float(np.sum((y * ww) ** 2)):
        sf = 0.0  # noise-free data: the covariance is 0/0, the fraction is exact
    numbers.update(curie_fraction=f, curie_fraction_err=sf)
    ev.add("Curie fraction f at T_max", f, f">= {F_LOCALIZED} localized, <= {F_ITINERANT} itinerant",
           _f_supports(f), f"+/- {sf:.2g}; CW(T_max) / (CW(T_max) + max(chi0, 0)) at {t_hi:.4g} K")
    ev.add("chi0 (CW + chi0 fit)", float(c0_u.nominal_value), "> 0 Pauli-like",
           "itinerant" if c0_u.nominal_value > 2 * _sd(c0_u) else "neither",
           f"+/- {_sd(c0_u):.2g} emu/mol; negative = core diamagnetism")
    ev.add("theta / T_max", theta / t_hi, f"> -{THETA_DEGENERATE:g}",
           "neither" if theta > -THETA_DEGENERATE * t_hi else "itinerant",
           f"theta = {theta:.4g} K; below -T_max the CW term is nearly constant over the window")

    # ---- mu_eff vs Hund's rules
    cands = _candidates(numbers["mu_eff"], numbers["mu_eff_err"], formula or per_element)
    numbers["candidates"] = cands
    mu = numbers["mu_eff"]
    if math.isfinite(mu):
        if cands.empty:
            ev.add(f"mu_eff per {per_text}", mu, "a Hund's-rules ion within 3 sigma", "neither",
                   "no ion consistent")
        else:
            best = cands.iloc[0]
            ev.add(f"mu_eff per {per_text}", mu, "a Hund's-rules ion within 3 sigma", "localized",
                   "candidates: " + ", ".join(f"{r['ion']} ({r['n_sigma_expected']:.1f} sigma)"
                                              for _, r in cands.head(3).iterrows())
                   + f"; best {best['ion']} expects {best['mu_eff_expected']:.2f}")

    # ---- impurity concentration implied by the Curie term
    c_imp = float(curie_from_mu_eff(2.0 * math.sqrt(impurity_spin * (impurity_spin + 1.0))))
    imp = C_u / c_imp
    numbers.update(impurity_fraction=float(imp.nominal_value), impurity_fraction_err=_sd(imp))

    # ---- enhanced-Pauli signatures
    cw_part = fit2.components(t)["curie_weiss"]
    b_t2, z_t2, n_t2 = _t2_evidence(t, y, w, cw_part, float(c0_u.nominal_value))
    if math.isfinite(b_t2):
        weak = abs(b_t2) < T2_WEAK and abs(z_t2) > 3
        ev.add("T^2 coefficient b T_max^2 of chi - CW (chi0-dominated points)", b_t2,
               f"|.| < {T2_WEAK}, |z| > 3", "itinerant" if weak else "neither",
               f"z = {z_t2:.3g} on {n_t2} points; enhanced Pauli: chi(T) = chi(0)(1 + b T^2)")
    if fermi_energy_eV is not None or electron_density_cm3 is not None:
        try:
            ef = (float(fermi_energy_eV) if fermi_energy_eV is not None
                  else _fermi_energy_from_density(electron_density_cm3))
            chi_p = pauli_free_electron_emu_mol(ef, electrons_per_formula_unit)
            stoner = float(c0_u.nominal_value) / chi_p
            numbers.update(stoner_enhancement=stoner, chi_pauli_free_emu_mol=chi_p)
            ev.add("Stoner enhancement chi0 / chi_P(free)", stoner, "> 1 enhanced Pauli",
                   "itinerant" if stoner > 1 else "neither",
                   f"chi_P = N_A mu_B^2 (3/2) Z / E_F = {chi_p:.3g} emu/mol (E_F = {ef:.3g} eV, "
                   f"Z = {electrons_per_formula_unit:g}); Pd ~ 10")
        except MagfitError as exc:
            reasons.append(str(exc))

    # ---- decision
    ctx = _Ctx(ev=ev, reasons=reasons, numbers=numbers, f=f, sf=sf, p_curie=p_curie, p_chi0=p_chi0,
               alpha=alpha, theta=theta, t_hi=t_hi, t=t, y=y, w=w, chi0_mean=chi0_m0,
               chi0_mean_err=chi0_m0_err, cands=cands,
               per_text=per_text, mu=mu, rss2=rss2, formula=formula,
               formula_ions=_ions_of(formula or per_element), features=_features(chi),
               t_all=chi.temperature_K[np.isfinite(chi.chi_emu_mol)],
               y_all=chi.chi_emu_mol[np.isfinite(chi.chi_emu_mol)],
               flags=_label_flags(fit2, internal=given_fit is None) + field_flags)
    return _decide(ctx)

