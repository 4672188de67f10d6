"""Curie-Weiss fits of chi(T): ``fit_curie_weiss`` and its result object ``CurieWeissFit``.

Model (cgs-emu, per mole of what ``chi.per`` counts)::

    chi(T) = C / (T - theta) + chi0,     mu_eff = sqrt(3 k_B C / (n_ions N_A mu_B^2))

theta > 0 net ferromagnetic, theta < 0 net antiferromagnetic (H = -sum_<ij> J S_i.S_j, J > 0 FM,
mean field theta = z J S(S+1)/(3 k_B)). See :mod:`magfit.models` for the lmfit models and
:mod:`magfit.window` for the automatic T_min rule.

References
----------
Blundell, *Magnetism in Condensed Matter* (OUP 2001) ch. 5; Kittel, *Introduction to Solid State
Physics*, ch. 11; M. Newville et al., lmfit, doi:10.5281/zenodo.11813.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from uncertainties import correlated_values, ufloat, umath

from . import systematics
from . import window as W
from ._checks import check_n_ions as _check_n_ions
from ._json import json_safe
from ._numeric import use_compiled
from .chit import ChiT
from .errors import FitError, MagfitError
from .units import CURIE_CGS_PER_MUB2
from .varpro import _COST_TOL, _MAX_ITER, _STEP_TOL, N_GRID, _varpro_sorted, varpro_fit

__all__ = ["fit_curie_weiss", "CurieWeissFit", "RHO_FLAG", "FIELD_REL_TOL"]

#: flag when |correlation(theta, chi0)| exceeds this
RHO_FLAG = 0.95
#: flag when rho(theta, chi0) is not finite (a zero or negative variance in a covariance that is not
#: singular; not for noise-free data, whose covariance is 0/0): the |rho| test cannot run
RHO_UNDEFINED = ("rho(theta, chi0) undefined: the covariance of the fit gives no finite theta-chi0 "
                 "correlation (a zero or negative variance), so their degeneracy (|rho| > 0.95) could not "
                 "be tested and the parameter errors are unreliable")
#: fields within this relative difference are "the same field"
FIELD_REL_TOL = 0.02
#: relative accuracy assumed for a Pascal (core diamagnetism) estimate
DIAMAGNETIC_REL_TOL = 0.2
#: a per-field parameter difference above this many combined sigmas is a field dependence
FIELD_Z = 3.0

#: cap on model evaluations of the Levenberg-Marquardt polish (the start is already the optimum in
#: theta to ~1e-8; only garbage data get near this)
MAX_NFEV = 200
#: a chi(T) data set must span at least max(MIN_SPAN_K, MIN_SPAN_REL * T_max)
MIN_SPAN_K = 2.0
MIN_SPAN_REL = 0.05
#: temperatures above this are not kelvin of a magnetometer (wrong column or unit)
TEMPERATURE_MAX_K = 1.0e4

_PARAMS = ("theta", "C", "chi0")


# ============================================================================ result
@dataclass(frozen=True, eq=False)
class CurieWeissFit:
    """Result of :func:`fit_curie_weiss` (read-only).

    Attributes
    ----------
    chi, window_chi : ChiT
        All data given, and the points inside the fitting window.
    tmin_K, tmax_K : float
        Window limits (data temperatures).
    window_reason : str
        Why this window (automatic rule or user choice).
    n_points : int
        Points in the window.
    mu_eff, theta_K, chi0, C : uncertainties ufloat
        mu_eff in Bohr magnetons per magnetic ion; theta in K; chi0 in emu/mol (ufloat(0, 0) when
        not fitted); C in emu K/mol (per mole of ``per``). Correlated (from the covariance; the
        ufloat objects are built on first access, from the covariance the fit computed).
    redchi, aic, bic : float
        Reduced chi-square and information criteria (as lmfit defines them).
    correlation : pandas.DataFrame
        Correlation matrix over theta, C, chi0 (NaN for chi0 when not fitted).
    result : lmfit.model.ModelResult
        The lmfit result of the window fit (a property: built on first access, which imports
        lmfit; see Notes).
    weights : numpy.ndarray or None
        Residual weights (1/sigma) of the window points, in window order (None: equal weights).
    flags : list[str]
        Warnings about the fit (see :func:`fit_curie_weiss`).
    scan : pandas.DataFrame
        One row per trial T_min (the window scan; one row when the window was given).
    n_ions : float
        Magnetic ions per mole of ``per`` (mu_eff is per ion).
    per : str
        What a mole counts (from ``chi.per``).
    weighting : str
        How the points were weighted and whether the covariance was scaled.
    fit_chi0 : bool
        Whether chi0 was fitted (False: fixed at 0).
    cross_checks : dict
        Classic 1/(chi - chi0) linear fit, chi*T at the highest temperature, per-field fits.
    mu_eff_sys, theta_K_sys, chi0_emu_mol_sys : float
        Window systematic: movement of the parameter over the admissible neighbouring windows
        beyond the statistical error (:mod:`magfit.systematics`); NaN when not computed.
    systematics : dict
        The full :func:`magfit.systematics.window_systematics` result.
    _u, _corr, _scan, _lmfit, _frames
        Storage behind ``mu_eff`` ... ``C``, ``correlation``, ``scan`` and ``result`` (values and
        covariance, the correlation matrix and scan columns as arrays, the lazily fitted lmfit
        result, the DataFrames once built); internal.

    Notes
    -----
    The numbers (values, covariance, correlations, redchi, AIC, BIC) come from the variable-
    projection fit with its analytic Jacobian (:mod:`magfit.varpro`); they agree with lmfit's
    Levenberg-Marquardt fit of the same window to ~1e-8 relative in the values and ~3e-5 in the
    errors (lmfit's Jacobian is a finite difference). The lmfit ``ModelResult`` is only fitted when
    ``result`` is first read, so a fit does not import lmfit. It is fitted eagerly (and supplies
    the numbers, as before) only where the projection cannot stand in for it: theta at the upper
    bound T_min or at the lower end of its search range, a singular covariance, or residuals at
    floating-point round-off (noise-free data, where lmfit's finite-difference covariance may
    fail and the reference behaviour is lmfit's).
    """

    chi: ChiT
    window_chi: ChiT
    tmin_K: float
    tmax_K: float
    window_reason: str
    n_points: int
    _u: Any = field(repr=False)                   # _Uncertain: the ufloats mu_eff, theta_K, chi0, C
    redchi: float
    aic: float
    bic: float
    _corr: np.ndarray = field(repr=False)         # 3 x 3 over theta, C, chi0 (``correlation``)
    flags: list[str]
    _scan: dict = field(repr=False)               # scan columns as arrays (``scan``)
    n_ions: float
    per: str
    weighting: str
    fit_chi0: bool
    cross_checks: dict = field(default_factory=dict)
    mu_eff_sys: float = float("nan")
    theta_K_sys: float = float("nan")
    chi0_emu_mol_sys: float = float("nan")
    systematics: dict = field(default_factory=dict)
    _lmfit: Any = field(default=None, repr=False, compare=False)
    _frames: dict = field(default_factory=dict, repr=False, compare=False)

    # ------------------------------------------------------------------ ufloats (built on first access)
    @property
    def mu_eff(self):
        """mu_eff (mu_B per magnetic ion) as a ufloat, correlated with theta_K, chi0, C."""
        return self._u.get()["mu_eff"]

    @property
    def theta_K(self):
        """theta (K) as a ufloat."""
        return self._u.get()["theta"]

    @property
    def chi0(self):
        """chi0 (emu/mol) as a ufloat (ufloat(0, 0) when not fitted)."""
        return self._u.get()["chi0"]

    @property
    def C(self):
        """C (emu K/mol per mole of ``per``) as a ufloat."""
        return self._u.get()["C"]

    # ------------------------------------------------------------------ tables (built on first access)
    @property
    def correlation(self) -> pd.DataFrame:
        """Correlation matrix over theta, C, chi0 (NaN for chi0 when not fitted)."""
        if "correlation" not in self._frames:
            self._frames["correlation"] = pd.DataFrame(self._corr.copy(), index=list(_PARAMS),
                                                       columns=list(_PARAMS))
        return self._frames["correlation"]

    @property
    def scan(self) -> pd.DataFrame:
        """The T_min scan: one row per trial T_min (one row when the window was given)."""
        if "scan" not in self._frames:
            self._frames["scan"] = pd.DataFrame(self._scan)
        return self._frames["scan"]

    # ------------------------------------------------------------------ lmfit result, weights
    @property
    def result(self):
        """The lmfit ``ModelResult`` of the window fit (fitted on first access; see Notes)."""
        return self._lmfit.get()

    @property
    def weights(self) -> np.ndarray | None:
        """Residual weights (1/sigma) of the window points in window order; None for equal weights."""
        return None if self._lmfit is None or self._lmfit.weights is None else self._lmfit.weights.copy()

    # ------------------------------------------------------------------ evaluation
    def eval(self, temperature_K) -> np.ndarray:
        """Fitted chi(T) = C/(T - theta) + chi0 in emu/mol at ``temperature_K`` (K).

        Parameters
        ----------
        temperature_K : array
            Temperatures in K.

        Returns
        -------
        numpy.ndarray
            The model at those temperatures (emu/mol).
        """
        parts = self.components(temperature_K)
        return parts["curie_weiss"] + parts["chi0"]

    def components(self, temperature_K) -> dict[str, np.ndarray]:
        """The fitted parts: ``{"curie_weiss": C/(T - theta), "chi0": chi0 (constant array)}``.

        Parameters
        ----------
        temperature_K : array
            Temperatures in K.

        Returns
        -------
        dict of numpy.ndarray
            Each part at those temperatures (emu/mol).
        """
        t = np.asarray(temperature_K, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            cw = self.C.nominal_value / (t - self.theta_K.nominal_value)
        chi0 = self.chi0.nominal_value if self.fit_chi0 else 0.0
        return {"curie_weiss": cw, "chi0": np.full_like(cw, chi0)}

    @property
    def residuals_emu_mol(self) -> np.ndarray:
        """Data minus fit inside the window (emu/mol), in window order."""
        return self.window_chi.chi_emu_mol - self.eval(self.window_chi.temperature_K)

    # ------------------------------------------------------------------ reporting
    def summary(self) -> str:
        """A human-readable multi-line summary."""
        per = self.per or "formula unit"
        ion = "magnetic ion" if self.n_ions == 1 else f"magnetic ion, {self.n_ions:g} ions per mol unit"
        if self.n_ions == 1 and per.strip().lower() in ("formula unit", "f.u.", "fu", ""):
            # chi per formula unit: mu_eff = 2.828 sqrt(C) is per ion only if there is one ion per f.u.
            ion = "formula unit (= per ion only for one magnetic ion per f.u.; else give per_ion or n_ions)"
        lines = [
            f"Curie-Weiss fit  chi = C/(T - theta) + chi0   {self.chi.name}".rstrip(),
            *([f"  data     : {self.chi.provenance['selection']}"]
              if (self.chi.provenance or {}).get("selection") else []),
            f"  window   : {self.tmin_K:.4g} - {self.tmax_K:.4g} K, {self.n_points} points",
            f"             ({self.window_reason})",
            (f"  mu_eff   = {_fmt(self.mu_eff)} mu_B per {ion}" if np.isfinite(self.mu_eff.nominal_value)
             else f"  mu_eff   : undefined (C = {self.C.nominal_value:.3g} <= 0: no Curie-Weiss moment)"),
            f"  theta    = {_fmt(self.theta_K)} K",
            f"  C        = {_fmt(self.C)} emu K/mol (per mol {per})",
            f"  chi0     = {_fmt(self.chi0)} emu/mol" + ("" if self.fit_chi0 else " (fixed)"),
            f"  redchi   = {self.redchi:.4g}   AIC = {self.aic:.5g}   BIC = {self.bic:.5g}",
            f"  weights  : {self.weighting}",
        ]
        if self.fit_chi0 and np.isfinite(self._corr[0, 2]) and np.isfinite(self._corr[0, 1]):
            lines.append(f"  corr(theta, chi0) = {self._corr[0, 2]:+.3f}   "
                         f"corr(theta, C) = {self._corr[0, 1]:+.3f}")
        elif self.fit_chi0:
            lines.append("  corr     : undefined (no covariance, see flags)")
        inv = self.cross_checks.get("inverse_chi_linear") or {}
        if inv.get("theta_K") is not None:
            lines.append(f"  check 1/(chi - chi0) linear: theta = {inv['theta_K']:.4g} K, "
                         f"mu_eff = {inv['mu_eff']:.4g}")
        hi = self.cross_checks.get("chi_T_high") or {}
        if hi.get("mu_eff") is not None:
            cands = hi.get("free_ion_candidates") or []
            near = (", ".join(f"{c['ion']} {c['mu_eff_expected']:.3g}" for c in cands[:2]) if cands else
                    f"spin-only S = {hi['spin_only_S_nearest']:g}: {hi['spin_only_mu_eff']:.3f}")
            lines.append(f"  check chi*T at {hi['temperature_K']:.4g} K: mu_eff = {hi['mu_eff']:.4g} "
                         f"(free ion: {near})")
        if np.isfinite(self.mu_eff_sys):
            rng = self.systematics.get("tmin_range_K") or [float("nan")] * 2
            lines.append(f"  window systematic: mu_eff +/- {self.mu_eff_sys:.2g}, "
                         f"theta +/- {self.theta_K_sys:.2g} K, chi0 +/- {self.chi0_emu_mol_sys:.2g} "
                         f"(T_min {rng[0]:.4g}-{rng[1]:.4g} K)")
        lines.append("  flags    : " + ("; ".join(self.flags) if self.flags else "none"))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (NaN -> None) with the contract keys and more."""
        d: dict[str, Any] = {
            "mu_eff": self.mu_eff.nominal_value, "mu_eff_err": self.mu_eff.std_dev,
            "theta_K": self.theta_K.nominal_value, "theta_K_err": self.theta_K.std_dev,
            "chi0_emu_mol": self.chi0.nominal_value, "chi0_emu_mol_err": self.chi0.std_dev,
            "C_emu_K_mol": self.C.nominal_value, "C_emu_K_mol_err": self.C.std_dev,
            "tmin_K": self.tmin_K, "tmax_K": self.tmax_K, "n_points": self.n_points,
            "redchi": self.redchi, "aic": self.aic, "bic": self.bic,
            "flags": list(self.flags),
            "window_reason": self.window_reason,
            "per": self.per, "n_ions": self.n_ions, "fit_chi0": self.fit_chi0,
            "weighting": self.weighting,
            "name": self.chi.name,
            "correlation": {r: {c: float(self._corr[i, j]) for j, c in enumerate(_PARAMS)}
                            for i, r in enumerate(_PARAMS)},
            "cross_checks": self.cross_checks,
            "mu_eff_sys": self.mu_eff_sys, "theta_K_sys": self.theta_K_sys,
            "chi0_emu_mol_sys": self.chi0_emu_mol_sys,
        }
        return json_safe(d)


def _fmt(u) -> str:
    if not np.isfinite(u.std_dev) or u.std_dev == 0:
        return f"{u.nominal_value:.6g}" + ("" if u.std_dev == 0 else " (error undefined, see flags)")
    return f"{u:.2uS}"




# ============================================================================ one window
def _build_model(n_ions: float, fit_chi0: bool):
    from .models import CurieWeissModel, TIPModel

    cw = CurieWeissModel(n_ions=n_ions)
    return cw + TIPModel() if fit_chi0 else cw


def _fit_window(t: np.ndarray, y: np.ndarray, w: np.ndarray | None, *, n_ions: float, fit_chi0: bool):
    """Fit one window with lmfit: variable-projection start, then Levenberg-Marquardt polish.

    theta is bounded above by the window's lowest temperature (no pole inside the window).
    """
    npar = 3 if fit_chi0 else 2
    if t.size <= npar:
        raise FitError(f"the window {t.min():.4g}-{t.max():.4g} K has {t.size} points; a Curie-Weiss fit "
                       f"with {npar} parameters needs at least {npar + 1} -- widen the window (tmin/tmax)")
    try:
        return _fit_window_unchecked(t, y, w, n_ions=n_ions, fit_chi0=fit_chi0)
    except (ValueError, OverflowError, ZeroDivisionError, np.linalg.LinAlgError) as exc:
        raise FitError(f"the fit of the window {t.min():.4g}-{t.max():.4g} K failed numerically "
                       f"({type(exc).__name__}: {exc}); check the data for extreme values") from None


def _fit_window_unchecked(t, y, w, *, n_ions: float, fit_chi0: bool):
    from .models import profile_theta

    start = profile_theta(t, y, w, chi0=fit_chi0)
    model = _build_model(n_ions, fit_chi0)
    params = model.make_params(C=start["C"], theta=start["theta"])
    params["theta"].set(max=_theta_max(float(t.min())))
    if fit_chi0:
        params["chi0"].set(value=start["chi0"])
    # noise-free synthetic data must come out exact: tight tolerances (MINPACK stops early otherwise)
    with np.errstate(all="ignore"):
        res = model.fit(y, params, temperature_K=t, weights=w, scale_covar=True, max_nfev=MAX_NFEV,
                        fit_kws={"xtol": 1e-13, "ftol": 1e-13, "gtol": 0.0})
    return res


def _theta_max(tmin: float) -> float:
    """Upper bound of theta in a window starting at ``tmin`` (as varpro's ``theta_margin_rel``)."""
    return tmin - 1e-9 * max(abs(tmin), 1.0)


class _LazyResult:
    """The lmfit ``ModelResult`` of one window, fitted on first :meth:`get` (lmfit imported then)."""

    __slots__ = ("_args", "_res", "weights")

    def __init__(self, t, y, w, n_ions: float, fit_chi0: bool, res=None):
        self._args = (t, y, w, n_ions, fit_chi0)
        self._res = res
        self.weights = w

    def __getstate__(self):
        # lmfit's composite model does not pickle: a copy refits on first use (same numbers)
        return self._args, None, self.weights

    def __setstate__(self, state):
        self._args, self._res, self.weights = state

    def get(self):
        if self._res is None:
            t, y, w, n_ions, fit_chi0 = self._args
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                self._res = _fit_window(t, y, w, n_ions=n_ions, fit_chi0=fit_chi0)
        return self._res


class _Uncertain:
    """The correlated ufloats of a fit (:func:`_ufloats`), built on first :meth:`get` from the values
    and covariance the fit already computed (a wrapper: ``correlated_values`` diagonalises the
    covariance, the one costly step, and only a reader of the ufloats needs it)."""

    __slots__ = ("_args", "_u")

    def __init__(self, wf: _WindowFit, fit_chi0: bool, n_ions: float):
        self._args = (wf.theta, wf.C, wf.chi0, wf.cov, fit_chi0, n_ions)
        self._u = _ufloats(wf, fit_chi0, n_ions) if wf.res is not None else None

    def __getstate__(self):
        return self._args, self._u

    def __setstate__(self, state):
        self._args, self._u = state

    def get(self) -> dict[str, Any]:
        if self._u is None:
            theta, c, chi0, cov, fit_chi0, n_ions = self._args
            self._u = _ufloats(_WindowFit(theta=theta, C=c, chi0=chi0, cov=cov, rss=math.nan, redchi=math.nan,
                                          aic=math.nan, bic=math.nan, theta_max=math.nan, best_fit=None),
                               fit_chi0, n_ions)
        return self._u


@dataclass
class _WindowFit:
    """The numbers of one window fit, from variable projection or (``res`` set) from lmfit."""

    theta: float
    C: float
    chi0: float
    cov: np.ndarray | None          # 3 x 3 over (theta, C, chi0); None: not estimated (singular)
    rss: float
    redchi: float
    aic: float
    bic: float
    theta_max: float
    best_fit: np.ndarray
    success: bool = True
    res: Any = None                 # the lmfit ModelResult when it was fitted eagerly


def _wf_from_lmfit(res, fit_chi0: bool, tmin: float) -> _WindowFit:
    p = res.params
    cov = None
    if res.covar is not None:
        cov = np.zeros((3, 3))
        pos = [_PARAMS.index(a) for a in res.var_names]
        cov[np.ix_(pos, pos)] = res.covar
    return _WindowFit(theta=float(p["theta"].value), C=float(p["C"].value),
                      chi0=float(p["chi0"].value) if fit_chi0 else 0.0, cov=cov, rss=float(res.chisqr),
                      redchi=float(res.redchi), aic=float(res.aic), bic=float(res.bic),
                      theta_max=float(p["theta"].max), best_fit=np.asarray(res.best_fit, dtype=float),
                      success=bool(res.success), res=res)


def _wf_numbers(t, w, theta, c, chi0, cov, rss, fit_chi0: bool) -> _WindowFit:
    n, npar = t.size, 3 if fit_chi0 else 2
    log_term = n * math.log(rss / n) if rss > 0 else -math.inf       # (Python floats: no numpy warning)
    return _WindowFit(theta=theta, C=c, chi0=chi0, cov=cov, rss=rss, redchi=rss / (n - npar),
                      aic=log_term + 2 * npar, bic=log_term + math.log(n) * npar,
                      theta_max=_theta_max(float(t[0])), best_fit=c / (t - theta) + chi0)


def _needs_lmfit(t, y, w, theta: float, cov, rss: float, theta_min: float) -> bool:
    """True where the projection cannot stand in for lmfit (see :class:`CurieWeissFit` Notes)."""
    tmin = float(t[0])
    if not (math.isfinite(theta) and math.isfinite(rss) and cov is not None and np.isfinite(cov).all()):
        return True
    if theta >= _theta_max(tmin) - 1e-6 * max(abs(tmin), 1.0) or theta <= theta_min + 1e-9 * abs(theta_min):
        return True
    wy = y if w is None else w * y
    return math.sqrt(rss / t.size) <= W.EXACT_RESIDUAL_REL * math.sqrt(float(wy @ wy) / t.size)


def _window_fit(t, y, w, *, n_ions: float, fit_chi0: bool) -> _WindowFit:
    """Fit one (T-sorted) window: variable projection, or lmfit where it must (:func:`_needs_lmfit`)."""
    npar = 3 if fit_chi0 else 2
    if t.size <= npar:
        raise FitError(f"the window {t.min():.4g}-{t.max():.4g} K has {t.size} points; a Curie-Weiss fit "
                       f"with {npar} parameters needs at least {npar + 1} -- widen the window (tmin/tmax)")
    ws = np.ones_like(t) if w is None else w
    if t.size > 1 and not (t[1:] >= t[:-1]).all():           # (callers pass T-sorted windows)
        v = varpro_fit(t, y, w, chi0_fixed=None if fit_chi0 else 0.0)
    elif not (np.isfinite(t).all() and np.isfinite(y).all() and np.isfinite(ws).all()):
        v = varpro_fit(t, y, w, chi0_fixed=None if fit_chi0 else 0.0)      # raises its FitError
    else:
        v = _varpro_sorted(t, y, ws, fit_chi0)
    cov = v["covariance"]
    if _needs_lmfit(t, y, w, v["theta_K"], cov, v["rss"], v["theta_bounds_K"][0]):
        return _wf_from_lmfit(_fit_window(t, y, w, n_ions=n_ions, fit_chi0=fit_chi0), fit_chi0, float(t[0]))
    return _wf_numbers(t, w, v["theta_K"], v["C_emu_K_mol"], v["chi0_emu_mol"], cov, v["rss"], fit_chi0)


def _values(wf: _WindowFit, fit_chi0: bool, n_ions: float) -> dict[str, float]:
    """theta, C, mu_eff, chi0 and their standard errors (``*_err``) of a window fit."""
    if wf.res is not None:
        out = {}
        for name in ("theta", "C", "mu_eff", "chi0"):
            if name == "chi0" and not fit_chi0:
                out[name], out[name + "_err"] = 0.0, 0.0
                continue
            p = wf.res.params[name]
            out[name] = float(p.value)
            out[name + "_err"] = float(p.stderr) if p.stderr is not None else float("nan")
        return out
    # as np.sqrt(np.diag(cov)): NaN for a negative (or NaN) variance
    err = ([math.sqrt(v) if v >= 0 else math.nan for v in np.diagonal(wf.cov).tolist()]
           if wf.cov is not None else [math.nan] * 3)
    mu = _mu_from_c(wf.C, n_ions)
    return {"theta": wf.theta, "theta_err": err[0], "C": wf.C, "C_err": err[1],
            "mu_eff": mu, "mu_eff_err": mu / (2.0 * wf.C) * err[1] if wf.C > 0 else float("nan"),
            "chi0": wf.chi0 if fit_chi0 else 0.0, "chi0_err": err[2] if fit_chi0 else 0.0}


# ============================================================================ main entry
def fit_curie_weiss(
    chi: ChiT,
    tmin: float | None = None,
    tmax: float | None = None,
    chi0: bool = True,
    *,
    n_ions: float | None = None,
    weights: str | np.ndarray | None = None,
    diamagnetic_emu_mol: float | None = None,
    scan: bool | None = None,
) -> CurieWeissFit:
    """Fit chi(T) = C/(T - theta) + chi0; choose the window automatically if asked.

    The fit is a weighted least-squares fit by variable projection (:mod:`magfit.varpro`; lmfit's
    ``scale_covar=True`` covariance, from the analytic Jacobian); the lmfit ``ModelResult`` of the
    window is available as ``fit.result`` (fitted on first access, see :class:`CurieWeissFit`).

    Parameters
    ----------
    chi : ChiT
        Molar susceptibility (emu/mol) against temperature (K).
    tmin, tmax : float or None
        Window limits in K. ``tmin=None`` applies the automatic rule of :mod:`magfit.window`:
        exclude the ordered regime (chi cusp or steep chi*T rise; T_min >= 1.5 T_order), scan
        T_min over data temperatures (windows of >= 10 points), keep the lowest T_min whose
        theta, C, chi0 agree within 3 combined sigma with the fit of the window's upper half and
        whose residuals show no trend (runs test, low-T-end mean, lack-of-fit F-test against
        CW + D/(T - theta)^3), preferring T_min >= 2|theta|.
        ``tmax=None``: all data.
    chi0 : bool
        Fit the temperature-independent term (False fixes chi0 = 0).
    n_ions : float or None
        Magnetic ions per mole of ``chi.per``; mu_eff is per ion,
        mu_eff = sqrt(C / (n_ions * CURIE_CGS_PER_MUB2)). Default 1 (chi already per ion, or one
        magnetic ion per formula unit).
    weights : None, "equal", or array
        None: 1/chi_err when every point has a positive error bar, else equal weights.
        "equal": ignore error bars. Array: residual weights (1/sigma) per point of ``chi``.
        In every case the covariance is scaled by the reduced chi-square (lmfit
        ``scale_covar=True``), so the uncertainties reflect the actual scatter about the model;
        ``redchi`` is reported (with true error bars it should be ~1; >> 1 means the errors are
        underestimated or the model does not describe the data).
    diamagnetic_emu_mol : float or None
        Core-diamagnetism estimate contained in the data (negative, emu/mol per mole of ``per``),
        e.g. from Pascal constants when it was NOT subtracted. If None, the ChiT provenance is
        searched for a diamagnetic correction that was subtracted (then chi0 should be >~ 0).
    scan : bool or None
        Compute the T_min scan table (default: only when ``tmin`` is None).

    Returns
    -------
    CurieWeissFit
        With ``flags`` among: ``|rho(theta, chi0)| > 0.95``; ``rho(theta, chi0) undefined`` (a
        covariance with a zero or negative variance); ``chi0 more negative than core
        diamagnetism allows``; ``T_min < 2|theta|``; ``window has < 10 points``; ``M/H depends on
        field``; ``theta at the T_min bound``; ``uncertainties not estimated``.

    Raises
    ------
    FitError
        Too few points in the window, bad arguments.

    Notes
    -----
    chi = C/(T - theta) + chi0 with C = n_ions N_A mu_B^2 mu_eff^2 / (3 k_B) (cgs, emu K/mol);
    theta > 0 net ferromagnetic, theta < 0 net antiferromagnetic; in mean field
    theta = z J S(S+1)/(3 k_B) for H = -sum_<ij> J S_i.S_j (J > 0 ferromagnetic). The start comes
    from variable projection (:func:`magfit.models.profile_theta`), so no user guess is needed;
    theta is bounded above by the window's lowest temperature.

    References
    ----------
    P. Weiss, J. Phys. Theor. Appl. 6, 661 (1907); S. Blundell, *Magnetism in Condensed Matter*
    (OUP 2001), ch. 5 (T >~ 2|theta| for Curie-Weiss fits); G. H. Golub and V. Pereyra, SIAM J.
    Numer. Anal. 10, 413 (1973) (variable projection); G. S. Rushbrooke and P. J. Wood, Mol. Phys.
    1, 257 (1958) (high-temperature series, for the curvature test).

    Examples
    --------
    >>> import numpy as np, magfit
    >>> t = np.linspace(2, 300, 150)
    >>> chi = magfit.ChiT(t, 7.877 / (t + 0.5) + 2e-4, per="Gd")
    >>> fit = magfit.fit_curie_weiss(chi)
    >>> round(fit.mu_eff.nominal_value, 3), round(fit.theta_K.nominal_value, 3)
    (7.937, -0.5)
    """
    with np.errstate(all="ignore"), warnings.catch_warnings():
        # ill-conditioned windows (scan, garbage input) must not spray numpy/asteval warnings
        warnings.simplefilter("ignore", RuntimeWarning)
        return _fit_curie_weiss(chi, tmin, tmax, chi0, n_ions, weights, diamagnetic_emu_mol, scan)


def _fit_curie_weiss(chi, tmin, tmax, chi0, n_ions, weights, diamagnetic_emu_mol, scan) -> CurieWeissFit:
    """The fit with its window systematics (:mod:`magfit.systematics`, from the scan's arrays)."""
    if not isinstance(chi, ChiT):
        raise FitError(f"fit_curie_weiss needs a magfit.ChiT, got {type(chi).__name__}; "
                       "build one with magfit.ChiT(temperature_K, chi_emu_mol) or "
                       "Measurement.susceptibility()")
    n_ions_f = 1.0 if n_ions is None else _check_n_ions(n_ions)
    fit_chi0 = bool(chi0)
    try:
        tmin, tmax = (None if v is None else float(v) for v in (tmin, tmax))
    except (TypeError, ValueError):
        raise FitError(f"tmin={tmin!r}, tmax={tmax!r}: window limits must be temperatures in K "
                       "(numbers) or None") from None
    if tmin is not None and tmax is not None and tmin >= tmax:
        raise FitError(f"tmin={tmin} K must be below tmax={tmax} K")

    # ---- clean data (record drops), weights
    data, wt_all, weighting, notes = _prepare(chi, weights)
    if tmax is not None:
        data, wt_all = _cut(data, wt_all, None, tmax)
    if len(data) == 0:
        raise FitError(f"no finite data points with T <= tmax={tmax} K in {chi.name or 'the data'}")
    t_all, y_all = data.temperature_K, data.chi_emu_mol
    npar = 3 if fit_chi0 else 2
    t_lo, t_hi = (float(t_all[0]), float(t_all[-1])) if t_all.size else (0.0, 0.0)     # sorted data
    if t_all.size and t_hi > TEMPERATURE_MAX_K:
        raise FitError(f"{chi.name or 'data'}: temperature_K reaches {t_hi:.4g} K "
                       f"(> {TEMPERATURE_MAX_K:g} K); "
                       "is the temperature column in kelvin?")
    span = t_hi - t_lo
    if t_all.size and span < max(MIN_SPAN_K, MIN_SPAN_REL * t_hi):
        raise FitError(f"{chi.name or 'data'}: the temperatures span only {span:.3g} K around "
                       f"{float(np.median(t_all)):.4g} K -- not a chi(T) measurement (an M(H) loop at "
                       "fixed T?); select a temperature sweep (segment=...)")
    if _n_distinct_sorted(t_all) < npar:
        raise FitError(f"{chi.name or 'data'}: {np.unique(t_all).size} distinct temperature(s) -- too few "
                       f"for a Curie-Weiss fit with {npar} parameters (need >= {npar} distinct T and "
                       f">= {npar + 1} points)")
    flags: list[str] = []
    do_scan = (tmin is None) if scan is None else bool(scan)
    features: list[dict] = []
    t_order_min = None
    reason_parts: list[str] = []

    features = W.ordering_features(t_all, y_all, data.chi_err_emu_mol)
    if tmin is None:
        if features:
            t_order = max(f["temperature_K"] for f in features)
            kinds = ", ".join(f"{f['kind']} at {f['temperature_K']:.4g} K" for f in features)
            t_order_min = W.ORDER_MARGIN * t_order
            if np.sum(t_all >= t_order_min) < W.MIN_POINTS:
                t_order_min = float(np.min(t_all[t_all > t_order], initial=np.inf))
                reason_parts.append(f"ordered regime ({kinds}) excluded by T_min > {t_order:.4g} K "
                                    f"(too few points above {W.ORDER_MARGIN:g} x {t_order:.4g} K)")
            else:
                reason_parts.append(f"ordered regime ({kinds}) excluded: T_min >= {W.ORDER_MARGIN:g} x "
                                    f"{t_order:.4g} K")
    # ---- scan (all candidate windows by variable projection; lmfit only on demand, fit.result)
    w_all = None if wt_all is None else wt_all
    scan_cols: dict = {}
    cols: dict = {}
    if do_scan:
        cands = W.candidate_tmins(t_all) if t_all.size >= W.MIN_POINTS else np.array([t_all.min()])
        if tmin is not None:
            cands = np.unique(np.append(cands, _first_at_or_above(t_all, tmin)))
        cols = W.scan_windows(t_all, y_all, w_all, cands, fit_chi0=fit_chi0, n_ions=n_ions_f)
        if tmin is not None:
            scan_cols = _scan_columns(cols)

    trend = None
    wf = None
    if tmin is None:
        if cols["tmin_K"].size == 0:
            raise FitError(f"{chi.name or 'data'}: {t_all.size} points -- too few for a Curie-Weiss fit "
                           f"with {npar} parameters")
        k, why, fl, wf = _choose_and_fit(cols, t_order_min, fit_chi0, t_all, y_all, w_all, n_ions_f)
        scan_cols = _scan_columns(cols)
        flags += fl
        tmin_used = float(cols["tmin_K"][k])
        trend = _trend_of_row(cols, k)
        reason_parts.append(why)
        reason = "automatic: " + "; ".join(reason_parts)
    else:
        tmin_used = _first_at_or_above(t_all, tmin)
        if not np.isfinite(tmin_used):
            raise FitError(f"no data at or above tmin={tmin} K (data {t_all.min():.4g}-{t_all.max():.4g} K)")
        reason = f"user window tmin={tmin:g} K" + (f", tmax={tmax:g} K" if tmax is not None else "")
    m = t_all >= tmin_used
    t_win, y_win = t_all[m], y_all[m]
    w_win = None if w_all is None else w_all[m]
    if wf is None and use_compiled():      # given window, compiled kernels: the lean path
        wf, trend = _given_window_compiled(t_win, y_win, w_win, fit_chi0)
    if wf is None:
        wf = _window_fit(t_win, y_win, w_win, n_ions=n_ions_f, fit_chi0=fit_chi0)
    if trend is None:       # given window: the residual-trend tests, once
        trend = W.trend_tests(t_win, y_win, wf.best_fit, w_win, fit_chi0=fit_chi0,
                              rss_cw=_rss_for_curvature(t_win, wf))
    if tmin is not None:
        if len(scan_cols.get("tmin_K", ())) == 0:
            row = _row_from_fit(tmin_used, t_win, y_win, wf, fit_chi0, n_ions_f, trend)
            scan_cols = {c: np.array([row[c]]) for c in _SCAN_COLUMNS}
        scan_cols["accepted"] = scan_cols["tmin_K"] == tmin_used
    if tmin is None and tmax is not None:
        reason += f"; user tmax={tmax:g} K"
    if notes:
        reason += "; " + "; ".join(notes)

    # ---- assemble
    window_chi = data.take(m, f"Curie-Weiss window {tmin_used:.6g}-{t_all[-1]:.6g} K")
    lazy = _LazyResult(t_win, y_win, w_win, n_ions_f, fit_chi0, res=wf.res)
    fit = _assemble(chi, window_chi, wf, lazy, reason, flags, scan_cols, n_ions_f, fit_chi0, weighting,
                    diamagnetic_emu_mol, features, wt_all is not None, trend)
    return fit


_SCAN_COLUMNS = ["tmin_K", "n_points", "theta_K", "theta_K_err", "mu_eff", "mu_eff_err", "chi0_emu_mol",
                 "chi0_emu_mol_err", "C_emu_K_mol", "C_emu_K_mol_err", "redchi", "aic", "runs_z",
                 "lowend_z", "curvature_p", "trend", "converged", "chi_scale", "accepted"]


def _given_window_compiled(t, y, w, fit_chi0: bool) -> tuple[_WindowFit | None, dict | None]:
    """The window fit and its residual-trend tests by the compiled kernels, with the glue on Python
    floats: the steps and numbers of :func:`_window_fit` (variable projection) followed by
    :func:`magfit.window.trend_tests` with :func:`_rss_for_curvature`. ``(None, None)`` where those
    take another path (unsorted or non-finite data, lmfit needed, theta outside the curvature test's
    range): the caller then runs them."""
    fit_sorted, residual_tests, curvature_one, _ = _KERNELS or _load_kernels()
    n, npar = t.size, 3 if fit_chi0 else 2
    ws = np.ones_like(t) if w is None else w
    if n <= npar or (w is not None and not np.isfinite(w).all()):
        return None, None                      # (T and chi are finite and T-sorted: _prepare made them so)
    theta, theta_min, _, c, chi0, rss, cov, _ = fit_sorted(t, y, ws, True, math.nan, fit_chi0, 0.0, N_GRID,
                                                           _COST_TOL, _STEP_TOL, _MAX_ITER)
    cov = cov * (rss / (n - npar))             # scaled by the reduced chi-square (as varpro_fit)
    if _needs_lmfit(t, y, w, theta, cov, rss, theta_min):
        return None, None
    wf = _wf_numbers(t, w, theta, c, chi0, cov, rss, fit_chi0)
    tmin, tmax = float(t[0]), float(t[-1])
    if not theta <= tmin - 1e-6 * max(tmax - tmin + abs(tmin), 1.0):      # _rss_for_curvature: None
        return wf, None
    exact, z_runs, z_low = residual_tests(y, wf.best_fit, ws, W.EXACT_RESIDUAL_REL)
    if exact:
        return wf, {"runs_z": 0.0, "lowend_z": 0.0, "curvature_F": 0.0, "curvature_p": 1.0, "exact": True,
                    "trend": False}
    f, p = 0.0, 1.0                            # window.curvature_test: too few points -> (0, 1)
    if n > (4 if fit_chi0 else 3) + 1:
        f, p = curvature_one(t, y, ws, rss, fit_chi0, W.CURVATURE_GRID, W._CURVATURE_XATOL,
                             W.EXACT_RESIDUAL_REL**2)
    return wf, W._trend_verdict(z_runs, z_low, {"curvature_F": f, "curvature_p": p})


#: the compiled kernels of :func:`_given_window_compiled` (imported on first use: numba)
_KERNELS: tuple = ()


def _load_kernels() -> tuple:
    global _KERNELS
    from ._curvature_kernel import curvature_one
    from ._single_fit_kernel import clean_sorted, fit_sorted
    from ._trend_kernel import residual_tests

    _KERNELS = (fit_sorted, residual_tests, curvature_one, clean_sorted)
    return _KERNELS


def _rss_for_curvature(t: np.ndarray, wf: _WindowFit) -> float | None:
    """The window fit's RSS when its theta lies in the curvature test's search range (else None:
    the test fits Curie-Weiss again within its range)."""
    from .varpro import _u_range

    u_lo, _ = _u_range(np.array(t[0]), np.array(t[-1]))
    return wf.rss if wf.res is None and wf.theta <= t[0] - float(u_lo) else None


def _row_from_fit(tm: float, t, y, wf: _WindowFit, fit_chi0: bool, n_ions: float, tr: dict) -> dict:
    v = _values(wf, fit_chi0, n_ions)
    at_bound = v["theta"] >= wf.theta_max - 1e-6 * max(abs(tm), 1.0)
    converged = bool(wf.success and np.isfinite(v["theta_err"]) and not at_bound)
    return {
        "tmin_K": tm, "n_points": int(t.size),
        "theta_K": v["theta"], "theta_K_err": v["theta_err"],
        "mu_eff": v["mu_eff"], "mu_eff_err": v["mu_eff_err"],
        "chi0_emu_mol": v["chi0"], "chi0_emu_mol_err": v["chi0_err"],
        "C_emu_K_mol": v["C"], "C_emu_K_mol_err": v["C_err"],
        "redchi": float(wf.redchi), "aic": float(wf.aic),
        "runs_z": tr["runs_z"], "lowend_z": tr["lowend_z"], "curvature_p": tr["curvature_p"],
        "trend": tr["trend"],
        "converged": converged, "chi_scale": _median_abs(y), "accepted": False,
    }


def _scan_columns(cols: dict) -> dict:
    """The columns of ``CurieWeissFit.scan`` (one row per candidate window) from the scan arrays,
    with the rule's ``stable`` and ``above_order`` when the window was chosen automatically."""
    names = _SCAN_COLUMNS + [c for c in ("stable", "above_order") if c in cols]
    data = {c: cols[c] for c in names if c in cols}
    if "accepted" not in cols:
        data["accepted"] = np.zeros(len(cols["tmin_K"]), dtype=bool)
    return {c: data[c] for c in names}


def _trend_of_row(cols: dict, k: int) -> dict:
    """The residual-trend dict of scan row ``k`` (as :func:`magfit.window.trend_tests` returns)."""
    return {key: (bool(cols[key][k]) if key in ("exact", "trend") else float(cols[key][k]))
            for key in ("runs_z", "lowend_z", "curvature_F", "curvature_p", "exact", "trend")}


def _choose_and_fit(cols, t_order_min, fit_chi0, t, y, w, n_ions):
    """Apply the window rule (adds the ``stable``, ``above_order``, ``accepted`` columns to ``cols``);
    the chosen window's numbers come from its scan row.

    lmfit is fitted eagerly only where the scan cannot stand in for it (see :class:`CurieWeissFit`):
    a row that did not converge, or residuals at round-off (noise-free data). There a window counts
    as converged only when lmfit estimates its covariance (its finite-difference covariance fails
    at random on such data, which the scan's analytic Jacobian cannot foresee): such a window is
    marked as lmfit would have (errors NaN, not converged) and the rule applied again.
    """
    while True:
        k, why, fl, extra = W.choose_window_arrays(cols, t_order_min, fit_chi0, t.size)
        cols.update(extra)
        m = t >= float(cols["tmin_K"][k])
        wm = None if w is None else w[m]
        converged = bool(cols["converged"][k])
        if converged and not cols["exact"][k]:
            return k, why, fl, _wf_numbers(t[m], wm, float(cols["theta_K"][k]), float(cols["C_emu_K_mol"][k]),
                                           float(cols["chi0_emu_mol"][k]) if fit_chi0 else 0.0,
                                           cols["covariance"][k], float(cols["rss"][k]), fit_chi0)
        try:
            res = _fit_window(t[m], y[m], wm, n_ions=n_ions, fit_chi0=fit_chi0)
        except FitError:
            if not converged:
                raise
            res = None
        if res is not None and (res.covar is not None or not converged):
            return k, why, fl, _wf_from_lmfit(res, fit_chi0, float(t[m][0]))
        for c in ("theta_K_err", "C_emu_K_mol_err", "chi0_emu_mol_err", "mu_eff_err", "converged"):
            if c != "chi0_emu_mol_err" or fit_chi0:
                cols[c] = cols[c].copy()
                cols[c][k] = False if c == "converged" else np.nan


def _n_distinct_sorted(t: np.ndarray) -> int:
    """Number of distinct values of sorted ``t`` (``np.unique(t).size`` without sorting again)."""
    return int(t.size and 1 + np.count_nonzero(t[1:] != t[:-1]))


def _median_abs(y: np.ndarray) -> float:
    """``np.median(np.abs(y))`` (the middle value, or the mean of the two middle values)."""
    s = np.abs(y)
    m = s.size // 2
    if s.size % 2:
        return float(np.partition(s, m)[m])            # the values a sort would put there
    s = np.partition(s, (m - 1, m))
    return float((s[m - 1] + s[m]) / 2.0)


def _first_at_or_above(t: np.ndarray, tmin: float) -> float:
    """The lowest temperature of sorted ``t`` at or above ``tmin`` (NaN when none)."""
    i = int(np.searchsorted(t, tmin, side="left"))
    return float(t[i]) if i < t.size else float("nan")


def _prepare(chi: ChiT, weights) -> tuple[ChiT, np.ndarray | None, str, list[str]]:
    """Finite, T > 0, sorted data; the residual weights and a description of them."""
    notes: list[str] = []
    n0 = len(chi)
    w_user = None
    if weights is not None and not isinstance(weights, str):
        w_user = np.asarray(weights, dtype=float).reshape(-1)
        if w_user.size != n0:
            raise FitError(f"weights has {w_user.size} values but chi has {n0} points; "
                           "pass one weight per point")
    elif isinstance(weights, str) and weights not in ("equal",):
        raise FitError(f"weights={weights!r} not understood; use None (1/chi_err when available), "
                       "'equal', or an array of 1/sigma")
    t, y = chi.temperature_K, chi.chi_emu_mol
    use_err = weights is None and chi.chi_err_emu_mol is not None
    if w_user is None and use_compiled() and _contiguous(chi):   # every point kept in T order: one call
        kernels = _KERNELS or _load_kernels()
        if kernels[3](t, y, chi.chi_err_emu_mol if use_err else _NO_ERRORS):
            return (chi, 1.0 / chi.chi_err_emu_mol, _WEIGHTS_ERR, notes) if use_err else (
                chi, None, _WEIGHTS_EQUAL, notes)
    mask = np.isfinite(t) & np.isfinite(y) & (t > 0)
    if use_err:
        e = chi.chi_err_emu_mol
        good_e = np.isfinite(e) & (e > 0)
        if good_e.all() or good_e[mask].all():
            pass
        else:
            use_err = False
            notes.append(f"{int(np.sum(mask & ~good_e))} points without a positive error bar, so equal "
                         "weights were used")
    if w_user is not None:
        mask &= np.isfinite(w_user) & (w_user > 0)
    n_kept = int(np.count_nonzero(mask))
    dropped = n0 - n_kept
    if dropped:
        notes.append(f"{dropped} points dropped (non-finite T/chi, T <= 0, or bad weight)")
    t_kept = t if n_kept == n0 else t[mask]
    if t_kept.size < 2 or (t_kept[1:] >= t_kept[:-1]).all():        # sorted: stable argsort = identity
        order = None
        index = None if t_kept is t else np.flatnonzero(mask)
    else:
        order = np.argsort(t_kept, kind="stable")
        index = order if t_kept is t else np.flatnonzero(mask)[order]
    # the kept points, T-sorted (one copy; none when every point is kept in order: chi's own arrays,
    # which the fit only reads -- the window it keeps is a copy)
    data = (chi if index is None and t_kept is t and _contiguous(chi)
            else chi.take(mask if index is None else index))
    if w_user is not None:
        w = w_user[mask] if order is None else w_user[mask][order]
        weighting = "user weights (1/sigma); covariance scaled by reduced chi-square"
    elif use_err:
        w = 1.0 / data.chi_err_emu_mol
        weighting = _WEIGHTS_ERR
    else:
        w = None
        weighting = _WEIGHTS_EQUAL
    return data, w, weighting, notes


def _contiguous(chi: ChiT) -> bool:
    """Whether every array of ``chi`` is C-contiguous (a strided view, e.g. a column of a 2-D array, is
    copied as before: the kernels are compiled for contiguous arrays)."""
    return all(a is None or a.flags.c_contiguous
               for a in (chi.temperature_K, chi.chi_emu_mol, chi.chi_err_emu_mol, chi.field_Oe))


_WEIGHTS_ERR = "1/chi_err from the data; covariance scaled by reduced chi-square (lmfit scale_covar)"
_WEIGHTS_EQUAL = ("equal weights (no error bars used); uncertainties from the scatter: covariance scaled "
                  "by reduced chi-square (lmfit scale_covar)")
_NO_ERRORS = np.empty(0)


def _cut(data: ChiT, w, tmin, tmax):
    t = data.temperature_K
    m = np.ones(t.size, dtype=bool)
    if tmin is not None:
        m &= t >= tmin
    if tmax is not None:
        m &= t <= tmax
    return data.take(m, f"tmax {tmax} K"), (None if w is None else w[m])


# ============================================================================ assembly, checks
def _correlation(wf: _WindowFit, fit_chi0: bool) -> np.ndarray:
    """Correlation matrix over theta, C, chi0 from the covariance (NaN where not fitted; off the
    diagonal, NaN also where a variance is not positive)."""
    npar = 3 if fit_chi0 else 2
    out = [[math.nan] * 3 for _ in range(3)]
    for i in range(npar):
        out[i][i] = 1.0
    if wf.cov is not None:
        cov = np.asarray(wf.cov, dtype=float).tolist()
        sd = [math.sqrt(cov[i][i]) if cov[i][i] >= 0 else math.nan for i in range(npar)]   # as np.sqrt
        for i in range(npar):
            for j in range(npar):
                if sd[i] > 0 and sd[j] > 0:
                    den = sd[i] * sd[j]
                    out[i][j] = cov[i][j] / den if den != 0.0 else _ieee_div(cov[i][j], den)
    return np.array(out)


def _ieee_div(a: float, b: float) -> float:
    """a / b with IEEE results for b = 0 (inf or NaN, as numpy), where Python would raise."""
    with np.errstate(all="ignore"):
        return float(np.float64(a) / np.float64(b))


def _ufloats(wf: _WindowFit, fit_chi0: bool, n_ions: float) -> dict[str, Any]:
    """Correlated ufloats of theta, C, chi0 (from the covariance) and mu_eff = sqrt(C/(n_ions K))."""
    if wf.res is not None:
        return _ufloats_lmfit(wf.res, fit_chi0)
    out: dict[str, Any] = {}
    npar = 3 if fit_chi0 else 2
    vals = [wf.theta, wf.C, wf.chi0][:npar]
    cov = None if wf.cov is None else np.asarray(wf.cov)[:npar, :npar]
    # a non-finite covariance or a negative variance (round-off at a degenerate optimum) defines no
    # errors -- and made correlated_values' eigh fail to converge, losing the whole fit
    if cov is None or not np.all(np.isfinite(cov)) or np.any(np.diag(cov) < 0):
        uv = [ufloat(v, float("nan")) for v in vals]
    else:
        try:
            uv = correlated_values(vals, cov)
        except np.linalg.LinAlgError:
            uv = [ufloat(v, float("nan")) for v in vals]
    out["theta"], out["C"] = uv[0], uv[1]
    with warnings.catch_warnings():       # uncertainties warns about std_dev == 0
        warnings.simplefilter("ignore", UserWarning)
        out["chi0"] = uv[2] if fit_chi0 else ufloat(0.0, 0.0)
    out["mu_eff"] = (umath.sqrt(uv[1] / (n_ions * CURIE_CGS_PER_MUB2)) if wf.C > 0
                     else ufloat(float("nan"), float("nan")))
    return out


def _point_values(wf: _WindowFit, fit_chi0: bool, n_ions: float, lazy: _Uncertain) -> dict[str, tuple]:
    """(value, standard error) of theta, C, chi0, mu_eff as the ufloats of :func:`_ufloats` hold
    them (errors from the covariance diagonal; NaN where it defines none), without building them."""
    if wf.res is not None:
        return {k: (v.nominal_value, v.std_dev) for k, v in lazy.get().items()}
    npar = 3 if fit_chi0 else 2
    cov = None if wf.cov is None else [row[:npar] for row in np.asarray(wf.cov).tolist()[:npar]]
    if cov is None or not all(math.isfinite(v) for row in cov for v in row) \
            or any(cov[i][i] < 0 for i in range(npar)):
        sd = [math.nan] * 3
    else:
        sd = [math.sqrt(cov[i][i]) for i in range(npar)] + [0.0] * (3 - npar)
    mu = _mu_from_c(wf.C, n_ions)
    mu_sd = mu / (2.0 * wf.C) * sd[1] if wf.C > 0 else math.nan
    return {"theta": (wf.theta, sd[0]), "C": (wf.C, sd[1]),
            "chi0": (wf.chi0, sd[2]) if fit_chi0 else (0.0, 0.0), "mu_eff": (mu, mu_sd)}


def _ufloats_lmfit(res, fit_chi0: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    uv = getattr(res, "uvars", None) if res.covar is not None else None
    for name in ("theta", "C", "mu_eff", "chi0"):
        if name == "chi0" and not fit_chi0:
            with warnings.catch_warnings():       # uncertainties warns about std_dev == 0
                warnings.simplefilter("ignore", UserWarning)
                out[name] = ufloat(0.0, 0.0)
        elif uv and name in uv:
            out[name] = uv[name]
        else:
            out[name] = ufloat(float(res.params[name].value), float("nan"))
    return out


def _assemble(chi, window_chi, wf, lazy, reason, flags, scan_cols, n_ions, fit_chi0, weighting,
              diamagnetic_emu_mol, features, weighted, trend) -> CurieWeissFit:
    lazy_u = _Uncertain(wf, fit_chi0, n_ions)
    u = _point_values(wf, fit_chi0, n_ions, lazy_u)
    corr = _correlation(wf, fit_chi0)
    t = window_chi.temperature_K
    flags = list(flags)
    n = int(t.size)
    theta = u["theta"][0]
    tmin_used = float(t[0])
    if wf.cov is None:
        flags.append("uncertainties not estimated (singular covariance): parameters are poorly determined")
    c_val, c_sd = u["C"]
    if np.isfinite(c_sd) and not c_val > 2.0 * c_sd:          # the test: C > 2 sigma_C
        flags.append(f"C not significantly positive (C = {c_val:.3g} +/- {c_sd:.2g} emu K/mol, not above "
                     "2 sigma_C): no Curie-Weiss (local-moment) term resolved; mu_eff is undefined or "
                     "unreliable")
    elif not np.isfinite(c_sd):     # C > 2 sigma_C cannot be tested: say so instead of "+/- nan"
        why = ("singular covariance" if wf.cov is None
               else "the fit gave no finite standard error for C")
        if c_val > 0:
            flags.append(f"C error undefined ({why}): C = {c_val:.3g} emu K/mol could not be tested against "
                         "2 sigma_C, so the Curie-Weiss term is not resolved; mu_eff = "
                         f"{u['mu_eff'][0]:.4g} mu_B has no error (mu_eff_err null in JSON) "
                         "and is unreliable")
        else:
            flags.append(f"C not significantly positive (C = {c_val:.3g} emu K/mol, not positive; error "
                         f"undefined: {why}): no Curie-Weiss (local-moment) term resolved; mu_eff is "
                         "undefined")
    inside = [f for f in features if tmin_used < W.ORDER_MARGIN * f["temperature_K"]]
    if inside:
        flags.append("window reaches into the ordered regime: " + ", ".join(
            f"{f['kind']} at {f['temperature_K']:.4g} K" for f in inside)
            + f" (T_min = {tmin_used:.4g} K < {W.ORDER_MARGIN:g} x T_order)")
    if trend["trend"] and not any(f.startswith("no trend-free window") for f in flags):
        flags.append(f"residuals show a systematic trend (runs test z = {trend['runs_z']:.2f}, low-T-end "
                     f"mean z = {trend['lowend_z']:.2f}, curvature F-test p = {trend['curvature_p']:.2g}): "
                     "the model does not describe this window")
    if theta >= wf.theta_max - 1e-6 * max(abs(tmin_used), 1.0):
        flags.append(f"theta at the T_min bound ({theta:.4g} K): the data do not follow Curie-Weiss "
                     "above theta in this window (ordering inside the window?)")
    if fit_chi0:
        rho = corr[0, 2]
        if np.isfinite(rho) and abs(rho) > RHO_FLAG:
            flags.append(f"|rho(theta, chi0)| = {abs(rho):.3f} > {RHO_FLAG}: theta and chi0 are nearly "
                         "degenerate (extend the T range or fix chi0)")
        elif not math.isfinite(rho) and wf.cov is not None and not trend.get("exact", False):
            flags.append(RHO_UNDEFINED)     # the test above cannot run (classify's rule, said by the fit)
    if tmin_used < W.THETA_FACTOR * abs(theta):
        flags.append(f"T_min < 2|theta|: T_min = {tmin_used:.4g} K < {W.THETA_FACTOR:g} x |{theta:.4g}| K "
                     "(short-range correlations may bias theta and mu_eff)")
    if n < W.MIN_POINTS:
        flags.append(f"window has < {W.MIN_POINTS} points ({n})")
    expect = _diamagnetic_expectation(chi, diamagnetic_emu_mol)
    dia_flag = _diamagnetic_flag(*u["chi0"], expect) if fit_chi0 else None
    if dia_flag:
        flags.append(dia_flag)
    checks: dict[str, Any] = {
        "residual_tests": trend,
        "diamagnetism": expect,
        "inverse_chi_linear": _inverse_chi_check(window_chi, u["chi0"][0], n_ions),
        "chi_T_high": _chi_t_check(window_chi, u["chi0"][0], n_ions, u["mu_eff"][0]),
        "ordering_features": features,
    }
    per_field, field_flag = _per_field_check(window_chi, n_ions, fit_chi0, weighted)
    if per_field is not None:
        checks["per_field"] = per_field
    if field_flag:
        flags.append(field_flag)
    flags += [f"data: {w}" for w in (chi.provenance or {}).get("warnings", []) if "field_Oe given" in str(w)]
    sys_info = systematics._safe_window_systematics(scan_cols, tmin_used)     # (systematics.attach's)
    if sys_info.get("flag"):
        flags.append(sys_info["flag"])
    return CurieWeissFit(
        chi=chi, window_chi=window_chi, tmin_K=tmin_used, tmax_K=float(t.max()), window_reason=reason,
        n_points=n, _u=lazy_u,
        redchi=float(wf.redchi), aic=float(wf.aic), bic=float(wf.bic), _corr=corr,
        flags=flags, _scan=scan_cols, n_ions=n_ions, per=chi.per, weighting=weighting, fit_chi0=fit_chi0,
        cross_checks=checks, _lmfit=lazy, mu_eff_sys=sys_info["mu_eff_sys"],
        theta_K_sys=sys_info["theta_K_sys"], chi0_emu_mol_sys=sys_info["chi0_emu_mol_sys"],
        systematics=sys_info,
    )


def _mu_from_c(c: float, n_ions: float) -> float:
    return math.sqrt(c / (n_ions * CURIE_CGS_PER_MUB2)) if c > 0 else float("nan")


def _inverse_chi_check(win: ChiT, chi0: float, n_ions: float) -> dict:
    """Classic check: straight line 1/(chi - chi0) = (T - theta)/C over the window (unweighted)."""
    t = win.temperature_K
    x = win.chi_emu_mol - chi0
    ok = x > 0
    n_ok = int(np.count_nonzero(ok))
    if n_ok < 3:
        return {"theta_K": None, "C_emu_K_mol": None, "mu_eff": None, "n_points": n_ok,
                "note": "fewer than 3 points with chi - chi0 > 0"}
    slope, intercept = _line_fit(t, 1.0 / x) if n_ok == x.size else _line_fit(t[ok], 1.0 / x[ok])
    c = 1.0 / slope
    return {"theta_K": float(-intercept / slope), "C_emu_K_mol": float(c), "mu_eff": _mu_from_c(c, n_ions),
            "chi0_used_emu_mol": float(chi0), "n_points": n_ok,
            "method": "unweighted linear fit of 1/(chi - chi0) against T; C = 1/slope, "
                      "theta = -intercept/slope"}


def _line_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Unweighted least-squares line y = slope x + intercept (``np.polyfit(x, y, 1)`` in closed form:
    centred sums, no Vandermonde matrix or SVD)."""
    xm, ym = float(x.sum()) / x.size, float(y.sum()) / y.size          # np.mean (the same pairwise sums)
    dx = x - xm
    slope = float(dx @ (y - ym)) / float(dx @ dx)
    return slope, ym - slope * xm


#: spin-only moments 2 sqrt(S(S+1)) for S = 1/2 ... 7/2 (g = 2), for the chi*T cross-check
_SPIN_ONLY_S = (np.arange(1, 8) / 2.0).tolist()
_SPIN_ONLY_MU = (2.0 * np.sqrt(np.asarray(_SPIN_ONLY_S) * (np.asarray(_SPIN_ONLY_S) + 1.0))).tolist()


def _chi_t_check(win: ChiT, chi0: float, n_ions: float, mu_fit: float) -> dict:
    """(chi - chi0) T at the highest temperature -> mu_eff (theta ignored), vs nearest spin-only value."""
    i = int(np.argmax(win.temperature_K))
    t_hi = float(win.temperature_K[i])
    chi_hi = float(win.chi_emu_mol[i])
    ct = (chi_hi - chi0) * t_hi                     # (Python floats: the same IEEE operations as numpy's)
    mu = _mu_from_c(ct, n_ions)
    out: dict[str, Any] = {"temperature_K": t_hi, "chi_T_emu_K_mol": ct, "mu_eff": mu,
                           "mu_eff_fit": mu_fit,
                           "ratio_to_fit": mu / mu_fit if math.isfinite(mu) and mu_fit > 0 else None}
    # free-ion comparison (g = 2 spin-only, mu = 2 sqrt(S(S+1))), nearest S in 1/2 ... 7/2
    if math.isfinite(mu):
        j = min(range(len(_SPIN_ONLY_MU)), key=lambda k: abs(_SPIN_ONLY_MU[k] - mu))     # first nearest
        out.update(spin_only_S_nearest=_SPIN_ONLY_S[j], spin_only_mu_eff=_SPIN_ONLY_MU[j])
    else:
        out.update(spin_only_S_nearest=float("nan"), spin_only_mu_eff=float("nan"))
    # free ions of the formula (Hund's rules / tabulated ranges, magfit.ions) nearest to mu(chi T)
    formula = ((win.provenance or {}).get("sample") or {}).get("formula")
    out["free_ion_candidates"] = []
    if math.isfinite(mu):
        err = float(win.chi_err_emu_mol[i]) if win.chi_err_emu_mol is not None else 0.0
        sigma = 0.5 * mu * abs(err / (chi_hi - chi0)) if math.isfinite(err) else 0.0  # chi_hi > chi0
        try:
            out["free_ion_candidates"] = _free_ion_candidates(mu, sigma, formula)
            out["free_ion_formula"] = formula
        except MagfitError as exc:
            out["free_ion_note"] = str(exc)
    return out


def _free_ion_candidates(mu: float, sigma: float, formula: str | None) -> list[dict]:
    """The first three rows of :func:`magfit.ions.candidate_ions` (its ranking, ``_scored``): with a
    formula its ions, consistent or not; else the consistent standard ions. Only the four columns
    the cross-check reports are built."""
    from .ions import CONSISTENT_SIGMA, _scored

    max_sigma = None if formula else CONSISTENT_SIGMA
    keyed = [k for k in _scored(mu, sigma, formula, max_sigma, False, max_sigma is not None)
             if max_sigma is None or k[-1]]          # k: (key, ion, n_sigma, n_sigma_expected, consistent)
    return [{"ion": str(ion.name), "mu_eff_expected": float(ion.mu_eff_expected),
             "range": [float(ion.mu_eff_range[0]), float(ion.mu_eff_range[1])],
             "consistent": bool(consistent)} for _, ion, _, _, consistent in keyed[:3]]


def _diamagnetic_expectation(chi: ChiT, diamagnetic_emu_mol: float | None) -> dict | None:
    """The most negative chi0 that core diamagnetism allows, per mole of ``chi.per``.

    1. ``diamagnetic_emu_mol`` given: the data contain this core diamagnetism; floor = 1.2 x it.
    2. The provenance records a subtracted diamagnetic correction (``corrections`` ->
       ``diamagnetic_emu_mol`` -> ``value``, per formula unit): the residual should be ~0;
       floor = -0.2 x |correction| (Pascal estimates are good to ~20 %).
    3. Otherwise, when the provenance names the formula: Pascal's constants
       (:func:`magfit.corrections.pascal_diamagnetism_emu_mol`); floor = 1.2 x estimate.
    Per-ion data (provenance ``per_ion.n_ions``) divide the formula-unit values by n_ions.
    """
    tol = 1.0 + DIAMAGNETIC_REL_TOL
    if diamagnetic_emu_mol is not None:
        v = -abs(float(diamagnetic_emu_mol))
        return {"floor_emu_mol": tol * v, "estimate_emu_mol": v, "subtracted": False,
                "source": "argument diamagnetic_emu_mol"}
    prov = chi.provenance or {}
    per_ion = prov.get("per_ion") if isinstance(prov.get("per_ion"), dict) else {}
    n = per_ion.get("n_ions") or 1.0
    try:
        n = float(n)
    except (TypeError, ValueError):
        n = 1.0
    corr = prov.get("corrections") if isinstance(prov.get("corrections"), dict) else {}
    dia = corr.get("diamagnetic_emu_mol")
    value = dia.get("value") if isinstance(dia, dict) else dia
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value != 0:
        v = -abs(float(value)) / n
        where = dia.get("source", "provenance") if isinstance(dia, dict) else "provenance"
        return {"floor_emu_mol": DIAMAGNETIC_REL_TOL * v, "estimate_emu_mol": v, "subtracted": True,
                "source": f"subtracted correction ({where})"}
    sample = prov.get("sample") if isinstance(prov.get("sample"), dict) else {}
    formula = sample.get("formula")
    if formula:
        from .corrections import pascal_diamagnetism_emu_mol

        try:
            v = float(pascal_diamagnetism_emu_mol(formula)) / n
        except (MagfitError, ValueError, KeyError, TypeError):
            return None
        return {"floor_emu_mol": tol * v, "estimate_emu_mol": v, "subtracted": False,
                "source": f"Pascal's constants for {formula} (not subtracted from the data)"}
    return None


def _diamagnetic_flag(c0: float, s: float, expect: dict | None) -> str | None:
    """Flag chi0 = c0 +/- s more negative (by > 3 sigma) than the core diamagnetism allows."""
    if expect is None:
        return None
    floor = expect["floor_emu_mol"]
    s = s if np.isfinite(s) else 0.0
    if c0 + 3.0 * s < floor:
        return (f"chi0 more negative than core diamagnetism allows: chi0 = {c0:.3g} emu/mol < {floor:.3g} "
                f"(from {expect['source']}: {expect['estimate_emu_mol']:.3g} emu/mol, "
                f"{DIAMAGNETIC_REL_TOL:.0%} tolerance); check the holder background, the mass, the window, "
                "or the theta-chi0 correlation")
    return None


def _field_groups(field_Oe: np.ndarray) -> np.ndarray:
    """Group labels: fields within FIELD_REL_TOL (or 1 Oe) of each other share a group."""
    h = np.abs(field_Oe)
    uniq = np.unique(np.round(h, 6))
    labels = np.zeros(uniq.size, dtype=int)
    for i in range(1, uniq.size):
        same = uniq[i] - uniq[i - 1] <= max(1.0, FIELD_REL_TOL * uniq[i])
        labels[i] = labels[i - 1] + (0 if same else 1)
    return labels[np.searchsorted(uniq, np.round(h, 6))]


def _per_field_check(win: ChiT, n_ions: float, fit_chi0: bool, weighted: bool):
    """Fit each distinct field separately (same window); flag disagreement (M/H depends on H)."""
    if win.field_Oe is None or not np.all(np.isfinite(win.field_Oe)):
        return None, None
    groups = _field_groups(win.field_Oe)
    if np.unique(groups).size < 2:
        return None, None
    rows = []
    for g in np.unique(groups):
        m = groups == g
        h = float(np.median(np.abs(win.field_Oe[m])))
        row: dict[str, Any] = {"field_Oe": h, "n_points": int(m.sum())}
        if m.sum() >= W.MIN_POINTS and np.unique(win.temperature_K[m]).size > 3:
            w = (1.0 / win.chi_err_emu_mol[m]) if weighted and win.chi_err_emu_mol is not None else None
            try:
                r = _window_fit(win.temperature_K[m], win.chi_emu_mol[m], w, n_ions=n_ions, fit_chi0=fit_chi0)
                v = _values(r, fit_chi0, n_ions)
                row.update(theta_K=v["theta"], theta_K_err=v["theta_err"], C_emu_K_mol=v["C"],
                           C_emu_K_mol_err=v["C_err"], mu_eff=v["mu_eff"], chi0_emu_mol=v["chi0"],
                           chi0_emu_mol_err=v["chi0_err"])
            except FitError as exc:
                row["note"] = str(exc)
        else:
            row["note"] = f"fewer than {W.MIN_POINTS} points at this field in the window: not fitted"
        rows.append(row)
    fitted = [r for r in rows if "C_emu_K_mol" in r]
    bad = []
    for i in range(len(fitted)):
        for j in range(i + 1, len(fitted)):
            a, b = fitted[i], fitted[j]
            for p in ("C_emu_K_mol", "theta_K"):
                sd = math.hypot(a[p + "_err"], b[p + "_err"])
                diff = abs(a[p] - b[p])
                rel = diff / max(abs(a[p]), abs(b[p]), 1e-30) if p == "C_emu_K_mol" else diff / max(
                    abs(a["theta_K"]), abs(b["theta_K"]), 1.0)
                if np.isfinite(sd) and diff > FIELD_Z * sd and rel > 0.01:
                    bad.append(f"{p} at {a['field_Oe']:.4g} vs {b['field_Oe']:.4g} Oe: "
                               f"{a[p]:.4g} vs {b[p]:.4g}")
    flag = None
    if bad:
        flag = ("M/H depends on field (several fields measured; per-field fits disagree: " + "; ".join(bad)
                + ") -- fit each field separately (segment='H=...')")
    return rows, flag
