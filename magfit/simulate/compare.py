"""Compare a simulated chi(T) with a measured one, and fit simulation parameters with lmfit.

Both sides are :class:`magfit.ChiT`; the simulation is interpolated (linearly in T) onto the
measured temperatures. Nothing is dropped silently: measured points outside the simulated
temperature range are kept with ``in_range = False`` and NaN residuals, and counted.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import lmfit
import numpy as np
import pandas as pd
from uncertainties import ufloat

from ..chit import ChiT
from ..errors import FitError, MagfitError, SimulationError

__all__ = ["compare", "fit_simulation", "SimulationFit", "GENERIC_PARAMETERS"]

#: parameters fit_simulation applies itself when the model does not take them:
#: chi = scale * model + chi0 (chi0 in emu/mol)
GENERIC_PARAMETERS = ("scale", "chi0")


def _check_chit(name: str, obj: Any) -> ChiT:
    if not isinstance(obj, ChiT):
        raise SimulationError(f"{name} must be a magfit.ChiT, got {type(obj).__name__}")
    if len(obj) == 0:
        raise SimulationError(f"{name} has no points")
    return obj


def compare(measured: ChiT, simulated: ChiT) -> pd.DataFrame:
    """Residuals of a measurement against a simulation on the measured temperatures.

    Parameters
    ----------
    measured : ChiT
    simulated : ChiT
        Interpolated linearly in T (after sorting) onto ``measured.temperature_K``.

    Returns
    -------
    pandas.DataFrame
        temperature_K, chi_measured_emu_mol, chi_simulated_emu_mol, residual_emu_mol
        (measured - simulated), relative_residual (residual / |simulated|), normalized_residual
        (residual / chi_err, NaN without errors), in_range. ``attrs`` holds n_points,
        n_outside (measured points outside the simulated T range, residual NaN), rms_relative,
        chi2 (sum of normalized_residual^2 when errors exist) and per_measured / per_simulated
        (what a mole counts on each side; compare like with like).
    """
    m = _check_chit("measured", measured)
    s = _check_chit("simulated", simulated).finite().sorted()
    if len(s) == 0:
        raise SimulationError("simulated has no finite points to interpolate")
    t = m.temperature_K
    ts, cs = s.temperature_K, s.chi_emu_mol
    in_range = (t >= ts[0]) & (t <= ts[-1])
    if not np.any(in_range):
        raise SimulationError(
            f"no measured temperature ({t.min():g}-{t.max():g} K) lies inside the simulated range "
            f"({ts[0]:g}-{ts[-1]:g} K); simulate over the measured temperatures"
        )
    sim = np.where(in_range, np.interp(t, ts, cs), np.nan)
    resid = m.chi_emu_mol - sim
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = resid / np.abs(sim)
        if m.chi_err_emu_mol is not None:
            norm = np.where(m.chi_err_emu_mol > 0, resid / m.chi_err_emu_mol, np.nan)
        else:
            norm = np.full(t.size, np.nan)
    frame = pd.DataFrame({
        "temperature_K": t,
        "chi_measured_emu_mol": m.chi_emu_mol,
        "chi_simulated_emu_mol": sim,
        "residual_emu_mol": resid,
        "relative_residual": rel,
        "normalized_residual": norm,
        "in_range": in_range,
    })
    finite_rel = rel[np.isfinite(rel)]
    frame.attrs.update({
        "n_points": int(t.size),
        "n_outside": int(np.count_nonzero(~in_range)),
        "rms_relative": float(np.sqrt(np.mean(finite_rel**2))) if finite_rel.size else float("nan"),
        "chi2": float(np.nansum(norm**2)) if m.chi_err_emu_mol is not None else float("nan"),
        "per_measured": m.per,
        "per_simulated": s.per,
        "simulated": s.name,
    })
    return frame


@dataclass(frozen=True)
class SimulationFit:
    """Result of :func:`fit_simulation`.

    Attributes
    ----------
    result : lmfit.minimizer.MinimizerResult
        The full lmfit result (covariance, correlations, chi-square, ...).
    params : dict[str, uncertainties.UFloat]
        Best-fit values with one-sigma errors (NaN error when lmfit could not estimate it).
    best : ChiT
        The model (with scale/chi0 applied) at the fitted temperatures.
    residuals : pandas.DataFrame
        :func:`compare` of the fitted data against ``best``.
    weighting : str
        "errors" (chi_err of the measurement) or "relative" (residual / |chi|).
    fixed : dict
        Keyword arguments passed to the model unchanged.
    """

    result: Any
    params: dict[str, Any]
    best: ChiT
    residuals: pd.DataFrame
    weighting: str
    fixed: dict[str, Any] = field(default_factory=dict)

    @property
    def redchi(self) -> float:
        """Reduced chi-square of the weighted residuals."""
        return float(self.result.redchi)

    def summary(self) -> str:
        """Human-readable parameter table."""
        lines = [f"fit of {self.best.name or 'model'} to {self.residuals.attrs.get('n_points')} points "
                 f"({self.weighting} weighting), reduced chi-square {self.redchi:.4g}"]
        for name, val in self.params.items():
            lines.append(f"  {name:>14s} = {val:.6g}" if np.isnan(val.s) else f"  {name:>14s} = {val:.3uP}")
        if self.fixed:
            lines.append("  fixed: " + ", ".join(f"{k}={v!r}" for k, v in self.fixed.items()))
        if "convention" in self.fixed:
            c = self.fixed["convention"]
            lines.append(f"  J in K in the {c!r} convention (H = {c} sum S_i.S_j)")
        return "\n".join(lines)


def _to_parameters(params: Mapping[str, Any] | lmfit.Parameters) -> lmfit.Parameters:
    if isinstance(params, lmfit.Parameters):
        return params.copy()
    if not isinstance(params, Mapping) or not params:
        raise SimulationError("params must be a non-empty dict name -> value | (value, min, max) | dict")
    out = lmfit.Parameters()
    for name, spec in params.items():
        try:
            if isinstance(spec, Mapping):
                out.add(name, **dict(spec))
            elif isinstance(spec, (tuple, list)):
                value, lo, hi = (list(spec) + [None, None])[:3]
                out.add(name, value=float(value), min=-np.inf if lo is None else float(lo),
                        max=np.inf if hi is None else float(hi))
            else:
                out.add(name, value=float(spec))
        except (TypeError, ValueError) as exc:
            raise SimulationError(
                f"parameter {name!r}: cannot use {spec!r} ({exc}); give a number, (value, min, max) or "
                "a dict with value/min/max/vary"
            ) from None
    return out


def _explicit_convention(model_function: Callable[..., Any], sig: Mapping[str, Any], fixed_kw: dict[str, Any],
                         model_names: list[str]) -> dict[str, Any]:
    """Make a model's default exchange convention explicit (and warn): J_K is only meaningful with it.

    Bleaney-Bowers and the chain default to the project form H = -J S.S, whose J is twice the
    -2J value most dimer papers quote; a fit that did not name the convention used to return that
    doubled value silently.
    """
    param = sig.get("convention")
    if param is None or "convention" in fixed_kw or "convention" in model_names:
        return fixed_kw
    default = param.default
    warnings.warn(
        f"{getattr(model_function, '__name__', 'model')}: no convention given, so J_K is fitted in the "
        f"default {default!r} convention (H = {default} sum S_i.S_j); the -2J value is half the -J value. "
        "Pass fixed={'convention': '-2J'} (or '-J', '+J') to say which one you mean",
        UserWarning, stacklevel=3)
    return {**fixed_kw, "convention": default}


def fit_simulation(measured: ChiT, model_function: Callable[..., Any],
                   params: Mapping[str, Any] | lmfit.Parameters, *, fixed: Mapping[str, Any] | None = None,
                   tmin: float | None = None, tmax: float | None = None, method: str = "leastsq"
                   ) -> SimulationFit:
    """Fit free parameters of a simulation function to a measured chi(T) with lmfit.

    The model is chi_model(T) = scale * f(T; p) + chi0, where f = ``model_function(temperature_K,
    **p, **fixed)`` returns a ChiT (or an array of chi in emu/mol), and ``scale`` / ``chi0`` are
    applied here only when they appear in ``params`` and ``model_function`` does not take them.
    Residuals are (chi_meas - chi_model)/chi_err when the measurement has errors, otherwise
    (chi_meas - chi_model)/|chi_meas| (relative weighting, so low-T points do not dominate).

    Parameters
    ----------
    measured : ChiT
    model_function : callable
        E.g. :func:`magfit.simulate.bleaney_bowers` (free J_K, g), :func:`heisenberg_chain`.
    params : dict or lmfit.Parameters
        Free (or fixed with vary=False) parameters: value, (value, min, max) or dict(value=, min=,
        max=, vary=).
    fixed : dict, optional
        Non-numeric or fixed keyword arguments for the model (e.g. convention="-2J").
    tmin, tmax : float, optional
        Temperature window (K) of the data to fit.
    method : str
        lmfit minimisation method.

    Returns
    -------
    SimulationFit

    Examples
    --------
    >>> import numpy as np
    >>> from magfit.simulate import bleaney_bowers, fit_simulation
    >>> data = bleaney_bowers(np.linspace(5, 300, 60), J_K=-100, g=2.1, convention="-2J")
    >>> fit = fit_simulation(data, bleaney_bowers, {"J_K": (-50, -500, -1), "g": (2.0, 1.5, 2.5)},
    ...                      fixed={"convention": "-2J"})
    >>> round(fit.params["J_K"].n, 3), round(fit.params["g"].n, 4)
    (-100.0, 2.1)
    """
    m = _check_chit("measured", measured)
    if not callable(model_function):
        raise SimulationError("model_function must be callable: f(temperature_K, **params) -> ChiT or array")
    data = m.window(tmin, tmax).finite()
    if len(data) == 0:
        raise FitError(f"no finite measured points between tmin={tmin} and tmax={tmax} K")
    pars = _to_parameters(params)
    fixed_kw = dict(fixed or {})
    try:
        sig = inspect.signature(model_function).parameters
        takes_kwargs = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in sig.values())
        accepted = set(sig)
    except (TypeError, ValueError):  # pragma: no cover - builtins without signature
        takes_kwargs, accepted, sig = True, set(), {}
    generic = {n for n in GENERIC_PARAMETERS if n in pars and n not in accepted}
    model_names = [n for n in pars if n not in generic]
    unknown = [n for n in model_names + list(fixed_kw) if not takes_kwargs and n not in accepted]
    if unknown:
        raise SimulationError(
            f"{getattr(model_function, '__name__', 'model')} has no parameter(s) {unknown}; it takes "
            f"{sorted(accepted - {'temperature_K'})} (plus 'scale' and 'chi0' applied by fit_simulation)"
        )
    fixed_kw = _explicit_convention(model_function, sig, fixed_kw, model_names)
    overlap = set(model_names) & set(fixed_kw)
    if overlap:
        raise SimulationError(f"parameter(s) {sorted(overlap)} given both in params and in fixed")
    t = data.temperature_K
    y = data.chi_emu_mol
    if data.has_errors:
        sigma, weighting = data.chi_err_emu_mol, "errors"
    else:
        sigma, weighting = np.abs(y), "relative"
        if np.any(sigma == 0):
            raise FitError("relative weighting needs non-zero chi at every point; pass chi errors instead")

    def model(p: lmfit.Parameters) -> np.ndarray:
        kw = {n: p[n].value for n in model_names}
        out = model_function(t, **kw, **fixed_kw)
        chi = out.chi_emu_mol if isinstance(out, ChiT) else np.asarray(out, dtype=float)
        if chi.shape != t.shape:
            raise SimulationError(f"model returned {chi.shape} values for {t.size} temperatures")
        return p["scale"].value * chi if "scale" in generic else chi

    def evaluate(p: lmfit.Parameters) -> np.ndarray:
        chi = model(p)
        return chi + p["chi0"].value if "chi0" in generic else chi

    def residual(p: lmfit.Parameters) -> np.ndarray:
        try:
            r = (y - evaluate(p)) / sigma
        except MagfitError as exc:
            raise FitError(
                f"model failed at parameters {p.valuesdict()}: {exc}; add bounds (min/max)"
            ) from exc
        return np.where(np.isfinite(r), r, 1e10)

    result = lmfit.minimize(residual, pars, method=method, nan_policy="raise")
    best_chi = evaluate(result.params)
    best = ChiT(t, best_chi, name=getattr(model_function, "__name__", "model"), per=data.per,
                provenance={"source": "simulation fit", "model": getattr(model_function, "__name__", "model"),
                            "parameters": {**result.params.valuesdict(), **fixed_kw},
                            "weighting": weighting})
    values = {n: ufloat(par.value, par.stderr if par.stderr is not None else float("nan"))
              for n, par in result.params.items()}
    return SimulationFit(result=result, params=values, best=best, residuals=compare(data, best),
                         weighting=weighting, fixed=fixed_kw)
