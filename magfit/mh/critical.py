"""Arrott and modified Arrott (Arrott-Noakes) analysis, critical exponents, magnetocaloric ΔS_M.

* Arrott plot: M^2 vs H/M is a family of straight lines in mean field (Landau expansion
  H/M = a(T) + b M^2); the isotherm through the origin is T_C (A. Arrott, Phys. Rev. 108, 1394
  (1957)).
* Modified Arrott plot: M^(1/β) vs (H/M)^(1/γ) (A. Arrott and J. E. Noakes, PRL 19, 786 (1967)),
  iterated: straight-line fits of the high-field part give the intercepts; positive intercepts
  (T < T_C) give M_s(T) = a^β, negative ones 1/χ0(T) = (-a/b)^γ; power laws
  M_s = M_0 (T_C - T)^β and 1/χ0 = h_0/m_0 (T - T_C)^γ fitted with T_C free give new β, γ;
  repeated until they settle.
* Universality classes for comparison (J. C. Le Guillou and J. Zinn-Justin, PRB 21, 3976 (1980)):
  3D Heisenberg β = 0.365, γ = 1.386; 3D XY β = 0.345, γ = 1.316; 3D Ising β = 0.325, γ = 1.241;
  mean field β = 1/2, γ = 1.
* Magnetocaloric effect through the Maxwell relation (V. K. Pecharsky and K. A. Gschneidner,
  J. Magn. Magn. Mater. 200, 44 (1999)): ΔS_M(T, H) = ∫_0^H (∂M/∂T)_H' dH', by finite differences
  between neighbouring isotherms (ΔS at the mid temperatures) and the trapezoid rule in H.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import FitError
from .convert import MagnetizationCurve
from .loops import _root, average_repeats

__all__ = ["ArrottResult", "arrott", "positive_branch", "EntropyChange", "magnetic_entropy_change",
           "UNIVERSALITY", "WINDOW_VARIANTS"]

#: (β, γ) of the universality classes, Le Guillou & Zinn-Justin PRB 21, 3976 (1980)
UNIVERSALITY: dict[str, tuple[float, float]] = {
    "mean field": (0.5, 1.0), "3D Heisenberg": (0.365, 1.386), "3D XY": (0.345, 1.316),
    "3D Ising": (0.325, 1.241)}
#: points with H below this fraction of the isotherm's max field are left out of the line fits
#: (domain rotation, demagnetisation)
LOW_FIELD_FRACTION = 0.2
#: isotherms needed on each side of T_C for the power-law fits (3 parameters + 1 for an uncertainty)
MIN_SIDE = 4
#: starting exponents of the iteration, tried in turn until one gives exponents (the mean-field
#: T_C of a 3D-Heisenberg magnet lies above the true one and can leave too few isotherms above it)
ITERATION_STARTS = ("mean field", "3D Heisenberg", "3D Ising")


def positive_branch(curve: MagnetizationCurve, *, tol_Oe: float = 5.0) -> tuple[np.ndarray, np.ndarray]:
    """H > 0 part of an isotherm as (H, M), sorted, repeated readings averaged.

    Uses the virgin branch when there is one with H > 0, else every H > 0 point (folded branches of
    a loop are averaged: for a soft ferromagnet the two branches coincide at high field).

    Parameters
    ----------
    curve : MagnetizationCurve
    tol_Oe : float
        Field tolerance of repeated readings.

    Returns
    -------
    H, M : numpy.ndarray
    """
    h, m, b = curve.field_Oe, curve.M, curve.branch
    sel = (b == "virgin") & (h > 0)
    if sel.sum() < 3:
        sel = h > 0
    order = np.argsort(h[sel], kind="stable")
    hb, mb, _ = average_repeats(h[sel][order], m[sel][order], tol_Oe=tol_Oe)
    ok = (hb > 0) & (mb > 0)
    return hb[ok], mb[ok]


def _single_branch(curve: MagnetizationCurve, *, tol_Oe: float = 5.0, min_points: int = 12
                  ) -> tuple[np.ndarray, np.ndarray]:
    """H > 0 part of one branch of an isotherm as (H, M) for a shape test: the decreasing branch, else the
    virgin curve, else every H > 0 point (:func:`positive_branch`).

    The branches of a loop folded together are no M(H) curve for a curvature test: a hard ferromagnet
    (H_c ~ 0.3 H_max) with its increasing branch still negative below H_c steps up there, and read as one
    curve it curves upward like a metamagnet. The decreasing branch from +H_max of a ferromagnet is
    concave (M falls towards M_r); an antiferromagnet's spin-flop or spin-flip step shows on every branch.

    Parameters
    ----------
    curve : MagnetizationCurve
    tol_Oe : float
        Field tolerance of repeated readings.
    min_points : int
        Fewest H > 0 points a branch needs to be used.

    Returns
    -------
    H, M : numpy.ndarray
    """
    h, m, b = curve.field_Oe, curve.M, curve.branch
    for name in ("decreasing", "virgin"):
        sel = (b == name) & (h > 0)
        if sel.sum() >= min_points:
            order = np.argsort(h[sel], kind="stable")
            hb, mb, _ = average_repeats(h[sel][order], m[sel][order], tol_Oe=tol_Oe)
            ok = (hb > 0) & (mb > 0)
            return hb[ok], mb[ok]
    return positive_branch(curve, tol_Oe=tol_Oe)


@dataclass(eq=False)
class ArrottResult:
    """Result of :func:`arrott`.

    Attributes
    ----------
    Tc_K, Tc_K_err, Tc_K_sys : float or None
        Curie temperature from the intercept crossing zero (modified Arrott lines at the final
        β, γ); statistical error (interpolation / intercept errors) and window systematic (largest
        movement over :data:`WINDOW_VARIANTS`: field cuts and temperature subsets).
    beta, beta_err, beta_sys, gamma, gamma_err, gamma_sys : float or None
        Exponents from the iteration, their power-law fit errors and window systematics (None when
        the data do not allow it: fewer than 4 isotherms on one side of T_C).
    converged : bool
    lines : pandas.DataFrame
        Per isotherm: temperature_K, intercept, intercept_err, slope, n_points (modified Arrott at
        the final exponents) and the mean-field Arrott intercept ``intercept_mf``.
    Tc_meanfield_K, Tc_meanfield_K_err : float or None
        T_C from the plain Arrott plot (β = 1/2, γ = 1).
    nearest_class : str or None
        Universality class closest to (β, γ).
    mean_field : bool or None
        True when β, γ agree with 1/2, 1 within 2σ (or 0.05 / 0.1 when σ is smaller).
    notes : list of str
    iterations : int
        Modified-Arrott iterations done.
    window_variants : list of dict
        T_C, β, γ of each window variant (``variant`` names it).
    """

    Tc_K: float | None
    Tc_K_err: float | None
    beta: float | None
    beta_err: float | None
    gamma: float | None
    gamma_err: float | None
    converged: bool
    lines: Any
    Tc_meanfield_K: float | None
    Tc_meanfield_K_err: float | None
    nearest_class: str | None = None
    mean_field: bool | None = None
    notes: list = field(default_factory=list)
    iterations: int = 0
    Tc_K_sys: float | None = None
    beta_sys: float | None = None
    gamma_sys: float | None = None
    window_variants: list = field(default_factory=list)

    def total_err(self, name: str) -> float:
        """Statistical and window-systematic errors of ``"Tc_K"``, ``"beta"`` or ``"gamma"`` in quadrature.

        Parameters
        ----------
        name : str

        Returns
        -------
        float
            0 when neither is known.
        """
        return math.hypot(getattr(self, f"{name}_err") or 0.0, getattr(self, f"{name}_sys") or 0.0)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe values (lines as a list of records)."""
        from .._json import json_safe

        keys = ("Tc_K", "Tc_K_err", "Tc_K_sys", "beta", "beta_err", "beta_sys", "gamma", "gamma_err",
                "gamma_sys", "converged", "Tc_meanfield_K", "Tc_meanfield_K_err", "nearest_class",
                "mean_field", "notes", "iterations", "window_variants")
        out = {k: getattr(self, k) for k in keys}
        out["lines"] = self.lines.to_dict(orient="records")
        return json_safe(out)

    def summary(self) -> str:
        """A few lines: T_C, exponents, mean-field verdict."""
        def f(v, e, sys=None, fmt=".4g"):
            if v is None:
                return "n/a"
            text = f"{v:{fmt}} ± {e:.2g}" if e is not None else f"{v:{fmt}}"
            return text + (f" (stat) ± {sys:.2g} (window)" if sys is not None else "")
        lines = [f"Arrott: T_C = {f(self.Tc_K, self.Tc_K_err, self.Tc_K_sys)} K (mean-field Arrott plot: "
                 f"{f(self.Tc_meanfield_K, self.Tc_meanfield_K_err)} K)",
                 f"  β = {f(self.beta, self.beta_err, self.beta_sys, '.3f')}, "
                 f"γ = {f(self.gamma, self.gamma_err, self.gamma_sys, '.3f')}"
                 + (f" -> nearest class: {self.nearest_class}" if self.nearest_class else "")]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def _line_fits(data, beta: float, gamma: float, low: float = LOW_FIELD_FRACTION):
    rows = []
    for t, h, m in data:
        keep = h >= low * h.max()
        x = (h[keep] / m[keep]) ** (1.0 / gamma)
        y = m[keep] ** (1.0 / beta)
        if x.size < 3:
            continue
        A = np.vstack([np.ones_like(x), x]).T
        coef, *_ = np.linalg.lstsq(A, y, rcond=None)
        rss = float(np.sum((A @ coef - y) ** 2))
        cov = rss / max(x.size - 2, 1) * np.linalg.pinv(A.T @ A)
        rows.append({"temperature_K": t, "intercept": float(coef[0]),
                     "intercept_err": float(math.sqrt(cov[0, 0])),
                     "slope": float(coef[1]), "n_points": int(x.size)})
    return rows


def _tc_from_intercepts(rows) -> tuple[float, float] | None:
    t = np.array([r["temperature_K"] for r in rows])
    a = np.array([r["intercept"] for r in rows])
    scale = np.max(np.abs(a)) or 1.0
    root = _root(t, -a / scale)
    return root


def _power(t, a, tc, expo, below: bool):
    d = (tc - t) if below else (t - tc)
    return a * np.clip(d, 1e-12, None) ** expo


def _fit_power(t, y, tc0: float, expo0: float, below: bool):
    from scipy.optimize import curve_fit

    def f(tt, a, tc, expo):
        return _power(tt, a, tc, expo, below)

    import warnings

    from scipy.optimize import OptimizeWarning

    a0 = float(np.median(y / np.clip(np.abs(tc0 - t), 1e-9, None) ** expo0))
    with warnings.catch_warnings():
        warnings.simplefilter("error", OptimizeWarning)   # undefined covariance -> RuntimeError path
        try:
            popt, pcov = curve_fit(f, t, y, p0=[a0, tc0, expo0], maxfev=20000)
        except OptimizeWarning as exc:
            raise RuntimeError(f"power-law covariance undefined ({exc})") from exc
    return popt, np.sqrt(np.abs(np.diag(pcov)))


def _nearest(beta: float, gamma: float) -> str:
    return min(UNIVERSALITY, key=lambda k: (UNIVERSALITY[k][0] - beta) ** 2 / 0.05**2
               + (UNIVERSALITY[k][1] - gamma) ** 2 / 0.15**2)


def _iterate(data, start: tuple[float, float], *, low: float = LOW_FIELD_FRACTION, high: float = 1.0,
             max_iter: int = 30, tol: float = 1e-4) -> dict[str, Any]:
    """Modified-Arrott iteration from the exponents ``start``: β, γ, T_C and their fit errors.

    ``low``/``high`` are the fractions of each isotherm's maximum field kept for the line fits.
    Returns a dict (beta/gamma None with a note when the data do not allow the power-law fits).
    """
    data = [(t, h[h <= high * h.max()], m[h <= high * h.max()]) for t, h, m in data]
    beta, gamma = start
    root = _tc_from_intercepts(_line_fits(data, beta, gamma, low))
    tc = root[0] if root is not None else float(np.median([t for t, _, _ in data]))
    out: dict[str, Any] = {"beta": None, "beta_err": None, "gamma": None, "gamma_err": None,
                           "converged": False, "iterations": 0, "notes": []}

    def fail(note: str) -> dict[str, Any]:
        out.update(beta=None, beta_err=None, gamma=None, gamma_err=None)
        out["notes"].append(note)
        return out

    for it in range(1, max_iter + 1):
        out["iterations"] = it
        rows = _line_fits(data, beta, gamma, low)
        below = [(r["temperature_K"], r["intercept"] ** beta) for r in rows if r["intercept"] > 0
                 and r["temperature_K"] < tc]
        above = [(r["temperature_K"], (-r["intercept"] / r["slope"]) ** gamma) for r in rows
                 if r["intercept"] < 0 and r["slope"] > 0 and r["temperature_K"] > tc]
        if len(below) < MIN_SIDE or len(above) < MIN_SIDE:
            return fail(f"critical exponents not determined: {len(below)} isotherm(s) below and "
                        f"{len(above)} above T_C with a usable intercept ({MIN_SIDE} each needed: the power "
                        "laws have 3 parameters)")
        try:
            pb, eb = _fit_power(*map(np.array, zip(*below, strict=True)), tc, beta, True)
            pg, eg = _fit_power(*map(np.array, zip(*above, strict=True)), tc, gamma, False)
        except (RuntimeError, ValueError) as exc:
            return fail(f"critical exponents not determined: power-law fit failed ({exc})")
        new_b, new_g = float(pb[2]), float(pg[2])
        if not (0.05 < new_b < 1.5 and 0.3 < new_g < 3.0):
            return fail(f"iteration left the physical range (β = {new_b:.3g}, γ = {new_g:.3g}); exponents "
                        "not determined -- isotherms too far from T_C or too few")
        change = max(abs(new_b - beta), abs(new_g - gamma))
        beta, gamma, tc = new_b, new_g, 0.5 * (pb[1] + pg[1])
        out.update(beta=beta, gamma=gamma, beta_err=float(eb[2]), gamma_err=float(eg[2]))
        if change < tol:
            out["converged"] = True
            break
    if not out["converged"]:
        out["notes"].append(f"modified-Arrott iteration did not settle in {max_iter} steps")
    return out


def _straightness(p, data, low: float) -> float:
    """Mean relative non-linearity of the modified-Arrott lines plus the variance of their log slopes."""
    b, g = p
    if not (0.1 < b < 1.5 and 0.3 < g < 3.0):
        return 1e9
    cost, logs = 0.0, []
    for _, h, m in data:
        keep = h >= low * h.max()
        x, y = (h[keep] / m[keep]) ** (1.0 / g), m[keep] ** (1.0 / b)
        coef = np.polyfit(x, y, 1)
        cost += float(np.sum((y - np.polyval(coef, x)) ** 2) / np.sum((y - y.mean()) ** 2))
        logs.append(math.log(coef[0]) if coef[0] > 0 else 10.0)
    return cost / len(data) + float(np.var(logs))


def _straightest(data, start: tuple[float, float], *, low: float, high: float) -> dict[str, Any]:
    """β, γ that make the modified-Arrott isotherms straightest and most parallel (as the
    Arrott-Noakes equation of state demands), with fit errors from one pass of the power laws."""
    from scipy.optimize import minimize

    data = [(t, h[h <= high * h.max()], m[h <= high * h.max()]) for t, h, m in data]
    res = minimize(_straightness, list(start), args=(data, low), method="Nelder-Mead",
                   options={"xatol": 1e-4, "fatol": 1e-12, "maxiter": 300})
    beta, gamma = (float(v) for v in res.x)
    out: dict[str, Any] = {"beta": None, "beta_err": None, "gamma": None, "gamma_err": None,
                           "converged": bool(res.success), "iterations": int(res.nit), "notes": []}
    rows = _line_fits(data, beta, gamma, low)
    root = _tc_from_intercepts(rows)
    if root is None:
        return out
    below = [(r["temperature_K"], r["intercept"] ** beta) for r in rows if r["intercept"] > 0]
    above = [(r["temperature_K"], (-r["intercept"] / r["slope"]) ** gamma) for r in rows
             if r["intercept"] < 0 and r["slope"] > 0]
    if len(below) < MIN_SIDE or len(above) < MIN_SIDE:
        return out
    try:
        _, eb = _fit_power(*map(np.array, zip(*below, strict=True)), root[0], beta, True)
        _, eg = _fit_power(*map(np.array, zip(*above, strict=True)), root[0], gamma, False)
    except (RuntimeError, ValueError):
        eb = eg = [None, None, None]
    out.update(beta=beta, gamma=gamma, beta_err=eb[2], gamma_err=eg[2])
    out["notes"].append("the modified-Arrott iteration did not settle; β, γ are those that make the "
                        "isotherms straightest and most parallel (errors from the power laws at them)")
    return out


def _analyse(data, *, low: float = LOW_FIELD_FRACTION, high: float = 1.0) -> dict[str, Any] | None:
    """One full analysis: mean-field T_C; the iteration from the first of :data:`ITERATION_STARTS`
    whose lines bracket T_C and that converges, else the straightest-lines exponents; T_C from the
    final lines. None when no starting plot has an intercept changing sign."""
    mf_rows = _line_fits(data, 0.5, 1.0, low)
    mf = _tc_from_intercepts(mf_rows) if len(mf_rows) >= 2 else None
    sub = [(t, h[h <= high * h.max()], m[h <= high * h.max()]) for t, h, m in data]

    def finish(out, rows0, root0):
        if out["beta"] is not None:
            rows = _line_fits(sub, out["beta"], out["gamma"], low)
            rows0, root0 = rows, _tc_from_intercepts(rows) or root0
        out.update(Tc_K=root0[0], Tc_K_err=root0[1], mf=mf, mf_rows=mf_rows, rows=rows0)
        return out

    first = None
    for name in ITERATION_STARTS:
        rows0 = mf_rows if name == "mean field" else _line_fits(data, *UNIVERSALITY[name], low)
        root0 = mf if name == "mean field" else _tc_from_intercepts(rows0) if len(rows0) >= 2 else None
        if root0 is None:
            continue
        out = _iterate(data, UNIVERSALITY[name], low=low, high=high)
        first = first or (out, rows0, root0, name)
        if out["beta"] is not None and out["converged"]:
            if name != "mean field":
                out["notes"].append(f"the iteration from mean-field exponents failed; started from {name}")
            return finish(out, rows0, root0)
    if first is None:
        return None
    out, rows0, root0, name = first
    alt = _straightest(data, UNIVERSALITY[name], low=low, high=high)
    return finish(alt if alt["beta"] is not None else out, rows0, root0)


#: the window variants whose spread is the systematic error: (name, low-field cut, high-field cut,
#: isotherms dropped at the low-T end, at the high-T end)
WINDOW_VARIANTS: tuple[tuple[str, float, float, int, int], ...] = (
    ("low-field cut x0.5", 0.5 * LOW_FIELD_FRACTION, 1.0, 0, 0),
    ("low-field cut x2", 2.0 * LOW_FIELD_FRACTION, 1.0, 0, 0),
    ("top 20 % of fields dropped", LOW_FIELD_FRACTION, 0.8, 0, 0),
    ("lowest isotherm dropped", LOW_FIELD_FRACTION, 1.0, 1, 0),
    ("highest isotherm dropped", LOW_FIELD_FRACTION, 1.0, 0, 1),
    ("both outermost isotherms dropped", LOW_FIELD_FRACTION, 1.0, 1, 1),
)


def _range_drift(data, nominal: dict[str, Any]) -> tuple[dict[str, float], dict | None]:
    """Drift of T_C, β, γ with the temperature range, extrapolated linearly to zero range.

    The innermost subset keeps :data:`MIN_SIDE` isotherms on each side of T_C; effective exponents
    approach the asymptotic ones linearly in the range when corrections to scaling go as |t|
    (mean field), so |x(r1) - x(r2)| r1 / (r1 - r2) estimates the distance to the r -> 0 limit.
    """
    tc = nominal["Tc_K"]
    temps = np.array([t for t, _, _ in data])
    k = min(int(np.sum(temps < tc)), int(np.sum(temps > tc))) - MIN_SIDE
    zero = {"Tc_K": 0.0, "beta": 0.0, "gamma": 0.0}
    if k < 1 or nominal["beta"] is None:
        return zero, None
    sub = data[k:len(data) - k]
    res = _analyse(sub)
    if res is None or res["beta"] is None:
        return zero, None
    r1 = float(np.max(np.abs(temps - tc)))
    r2 = float(np.max(np.abs(np.array([t for t, _, _ in sub]) - tc)))
    scale = r1 / (r1 - r2) if r1 > r2 else 1.0
    row = {"variant": f"innermost isotherms ({k} dropped each side), range {r2:.3g} K of {r1:.3g} K",
           "Tc_K": res["Tc_K"], "beta": res["beta"], "gamma": res["gamma"]}
    return {key: abs(row[key] - nominal[key]) * scale for key in zero}, row


def _window_systematics(data, nominal: dict[str, Any]) -> tuple[dict[str, float | None], list[dict]]:
    """Window systematic of T_C, β, γ: the larger of the largest movement over
    :data:`WINDOW_VARIANTS` and the range drift extrapolated to zero range (:func:`_range_drift`)."""
    variants = []
    for name, low, high, drop_lo, drop_hi in WINDOW_VARIANTS:
        sub = data[drop_lo:len(data) - drop_hi]
        res = _analyse(sub, low=low, high=high) if len(sub) >= 3 else None
        row = {"variant": name, "Tc_K": None, "beta": None, "gamma": None}
        if res is not None:
            row.update(Tc_K=res["Tc_K"], beta=res["beta"], gamma=res["gamma"])
        variants.append(row)
    drift, inner = _range_drift(data, nominal)
    if inner is not None:
        variants.append(inner)
    sys: dict[str, float | None] = {}
    for key in ("Tc_K", "beta", "gamma"):
        if nominal[key] is None:
            sys[key] = None
            continue
        moves = [abs(v[key] - nominal[key]) for v in variants if v[key] is not None]
        sys[key] = max(moves + [drift[key]])
    return sys, variants


def arrott(curves: list[MagnetizationCurve], *, max_iter: int = 30, tol: float = 1e-4,
           systematics: bool = True) -> ArrottResult:
    """T_C and critical exponents from a family of isotherms (Arrott, then modified Arrott).

    Parameters
    ----------
    curves : list of MagnetizationCurve
        Isotherms at several temperatures across T_C (any unit; one unit for all).
    max_iter : int
        Iterations of the modified-Arrott loop.
    tol : float
        Stop when β and γ change by less than this.
    systematics : bool
        Repeat the analysis over :data:`WINDOW_VARIANTS` (neighbouring field windows, temperature
        subsets) and report the largest movement of T_C, β, γ as ``Tc_K_sys``, ``beta_sys``,
        ``gamma_sys`` (effective exponents drift with the window).

    Returns
    -------
    ArrottResult

    Raises
    ------
    FitError
        Fewer than 3 usable isotherms, or no intercept changes sign (T_C outside the range).
    """
    import pandas as pd

    data = []
    for c in sorted(curves, key=lambda c: c.temperature_K):
        h, m = positive_branch(c)
        if h.size >= 4 and math.isfinite(c.temperature_K):
            data.append((float(c.temperature_K), h, m))
    if len(data) < 3:
        raise FitError("Arrott analysis needs at least 3 isotherms with 4 or more H > 0 points, "
                       f"got {len(data)}")
    nominal = _analyse(data)
    if nominal is None:
        temps = ", ".join(f"{t:.4g}" for t, _, _ in data)
        raise FitError(f"no Arrott intercept changes sign across the isotherms (T = {temps} K): T_C lies "
                       "outside the measured range; add isotherms on both sides of T_C")
    nominal["notes"] = list(nominal["notes"])
    sys, variants = (_window_systematics(data, nominal) if systematics
                     else ({"Tc_K": None, "beta": None, "gamma": None}, []))
    lines = pd.DataFrame(nominal["rows"])
    lines["intercept_mf"] = [r["intercept"] for r in nominal["mf_rows"]]
    beta, gamma = nominal["beta"], nominal["gamma"]
    out = ArrottResult(Tc_K=nominal["Tc_K"], Tc_K_err=nominal["Tc_K_err"], beta=beta,
                       beta_err=nominal["beta_err"], gamma=gamma, gamma_err=nominal["gamma_err"],
                       converged=nominal["converged"], lines=lines,
                       Tc_meanfield_K=nominal["mf"][0] if nominal["mf"] else None,
                       Tc_meanfield_K_err=nominal["mf"][1] if nominal["mf"] else None, notes=nominal["notes"],
                       iterations=nominal["iterations"], Tc_K_sys=sys["Tc_K"], beta_sys=sys["beta"],
                       gamma_sys=sys["gamma"], window_variants=variants)
    meta = _metamagnet_note(curves, out.Tc_K)
    if meta:
        out.notes.insert(0, meta)
    if beta is not None:
        out.nearest_class = _nearest(beta, gamma)
        eb, eg = out.total_err("beta"), out.total_err("gamma")
        out.mean_field = bool(abs(beta - 0.5) <= max(2 * eb, 0.05) and abs(gamma - 1.0) <= max(2 * eg, 0.1))
    return out


def _metamagnet_note(curves: list[MagnetizationCurve], tc: float | None) -> str | None:
    """Isotherms whose M(H) curves upward (:func:`magfit.mh.paramagnet._convexity_warning`): below T_C a
    ferromagnet's M(H) is concave (a spontaneous moment, then saturation), an antiferromagnet's curves
    upward at its spin-flop or metamagnetic (spin-flip) field. Then the intercept crossing is no Curie
    temperature (the Arrott plot of a metamagnet has negative slopes: a first-order field-induced
    transition, S. K. Banerjee, Phys. Lett. 12, 16 (1964)). Each isotherm is read on one branch
    (:func:`_single_branch`)."""
    from .paramagnet import _convexity_warning

    data = [(float(c.temperature_K), *_single_branch(c)) for c in curves if math.isfinite(c.temperature_K)]
    convex = [t for t, h, m in data if h.size >= 12 and _convexity_warning(h, np.full(h.size, t), m)]
    if not convex:
        return None
    at = ", ".join(f"{t:.4g}" for t in convex[:6]) + (" ..." if len(convex) > 6 else "")
    tc_txt = f"T_C = {tc:.4g} K" if tc is not None else "the intercept crossing"
    return (f"NOT A FERROMAGNET? M(H) curves upward on the isotherms at {at} K (a spin-flop or metamagnetic "
            f"transition of an antiferromagnet, or a ground-state level crossing of an exchange-coupled "
            f"cluster: try magfit fit-cluster --mh; a ferromagnet's M(H) below T_C curves upward only on a "
            f"pinned virgin curve at low field): {tc_txt} is then no "
            "Curie temperature but near the Neel temperature, and beta, gamma mean nothing -- check chi(T) "
            "for theta < 0 and a cusp")


@dataclass(eq=False)
class EntropyChange:
    """ΔS_M(T, H) from the Maxwell relation.

    Attributes
    ----------
    temperature_K : numpy.ndarray
        Mid temperatures between neighbouring isotherms.
    field_Oe : numpy.ndarray
        Field grid (from 0).
    delta_S : numpy.ndarray
        ΔS_M, shape (len(temperature_K), len(field_Oe)), in ``unit``.
    unit : str
        ``"J/(mol K)"`` (M molar or in μB), ``"J/(kg K)"`` (M in emu/g).
    """

    temperature_K: np.ndarray
    field_Oe: np.ndarray
    delta_S: np.ndarray
    unit: str

    def at_field(self, field_Oe: float) -> np.ndarray:
        """ΔS_M(T) at one field (linear interpolation on the field grid).

        Parameters
        ----------
        field_Oe : float

        Returns
        -------
        numpy.ndarray
        """
        return np.array([np.interp(field_Oe, self.field_Oe, row) for row in self.delta_S])


def magnetic_entropy_change(curves: list[MagnetizationCurve], *, n_field: int = 101) -> EntropyChange:
    """ΔS_M(T, H) = ∫_0^H (∂M/∂T)_H' dH' from isotherms (Maxwell relation).

    Parameters
    ----------
    curves : list of MagnetizationCurve
        At least two isotherms, M in μB (per f.u. or ion), emu/mol or emu/g.
    n_field : int
        Points of the common field grid from 0 to the smallest maximum field.

    Returns
    -------
    EntropyChange

    Raises
    ------
    FitError
        Fewer than two isotherms, or M not in a molar or mass unit.
    """
    cs = sorted(curves, key=lambda c: c.temperature_K)
    if len(cs) < 2:
        raise FitError("ΔS_M needs at least two isotherms")
    unit = cs[0].unit
    if unit == "emu" or any(c.unit != unit for c in cs):
        raise FitError("ΔS_M needs all isotherms in one molar (μB, emu/mol) or mass (emu/g) unit; pass the "
                       "sample mass and formula")
    # erg/(mol K) -> J/(mol K): 1e-7; erg/(g K) -> J/(kg K): 1e-4
    if unit == "emu_g":
        to_si, label, per = 1e-4, "J/(kg K)", 1.0
    else:
        to_si, label = 1e-7, "J/(mol K)"
        per = cs[0].emu_mol_per_unit or 1.0
    branches = [positive_branch(c) for c in cs]
    hmax = min(float(h.max()) for h, _ in branches)
    grid = np.linspace(0.0, hmax, n_field)
    mgrid = np.array([np.interp(grid, np.concatenate([[0.0], h]), np.concatenate([[0.0], m]))
                      for h, m in branches]) * per
    temps = np.array([c.temperature_K for c in cs])
    dmdt = np.diff(mgrid, axis=0) / np.diff(temps)[:, None]
    steps = np.diff(grid)
    integral = np.concatenate([np.zeros((dmdt.shape[0], 1)),
                               np.cumsum(0.5 * (dmdt[:, 1:] + dmdt[:, :-1]) * steps, axis=1)], axis=1)
    return EntropyChange(temperature_K=0.5 * (temps[1:] + temps[:-1]), field_Oe=grid,
                         delta_S=integral * to_si, unit=label)

