"""Paramagnetic isotherms: joint Brillouin fit of M(H, T) at several temperatures.

    M(H, T) = n g J B_J(x) + chi_hf H,     x = g J μ_B H / (k_B T)      [μB per formula unit]
    B_J(x) = (2J+1)/(2J) coth((2J+1) x / (2J)) - 1/(2J) coth(x / (2J))

(S. Blundell, *Magnetism in Condensed Matter*, OUP 2001, ch. 2). n is the number of moments
per formula unit, chi_hf a field-linear term (diamagnetic / Van Vleck / holder), here in μB/Oe
per formula unit and reported in emu/mol. Non-interacting isotropic moments give curves that
collapse on one line when plotted against H/T; :func:`collapse_check` says when they do not.

A saturated ferromagnetic impurity adds a field-independent step m_step sign(H) above its own
(small) saturation field (the Honda-Owen picture): ``fit_brillouin(..., ferro_step=True)`` fits it;
without it the fit says when such a step would be significant, because it otherwise biases g, J
and n. No single ion has g J above ~10 μB (Dy3+, Ho3+): a larger fitted moment (or J, g at their
bounds) is a superparamagnetic particle or cluster (Langevin, moment of hundreds of μB), not an ion,
and the fit says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import FitError
from ..units import K_B_ERG, MU_B_ERG_G
from .convert import EMU_MOL_PER_MUB, MagnetizationCurve

__all__ = ["brillouin", "brillouin_moment", "brillouin_step_moment", "BrillouinFit", "fit_brillouin",
           "collapse_check", "MAX_ION_MOMENT_MUB"]


def brillouin(J: float, x) -> np.ndarray:
    """The Brillouin function B_J(x) (odd in x; B_J(0) = 0, B_J(∞) = 1).

    Parameters
    ----------
    J : float
        Total angular momentum quantum number (> 0).
    x : array_like
        g J μ_B H / (k_B T).

    Returns
    -------
    numpy.ndarray
    """
    x = np.asarray(x, dtype=float)
    a = (2.0 * J + 1.0) / (2.0 * J)
    b = 1.0 / (2.0 * J)
    small = np.abs(x) < 1e-4
    xs = np.where(small, 1.0, x)
    val = a / np.tanh(a * xs) - b / np.tanh(b * xs)
    return np.where(small, (J + 1.0) / (3.0 * J) * x, val)


def brillouin_moment(field_Oe, temperature_K, g: float, J: float, n: float = 1.0,
                     chi_hf_muB_Oe: float = 0.0) -> np.ndarray:
    """n g J B_J(g J μ_B H / k_B T) + chi_hf H, μB per formula unit.

    Parameters
    ----------
    field_Oe, temperature_K : array_like
        Field (Oe) and temperature (K), broadcast together.
    g, J, n : float
        g-factor, angular momentum, moments per formula unit.
    chi_hf_muB_Oe : float
        Linear term in μB/Oe per formula unit.

    Returns
    -------
    numpy.ndarray
    """
    h = np.asarray(field_Oe, dtype=float)
    t = np.asarray(temperature_K, dtype=float)
    x = g * J * MU_B_ERG_G * h / (K_B_ERG * t)
    return n * g * J * brillouin(J, x) + chi_hf_muB_Oe * h


@dataclass(eq=False)
class BrillouinFit:
    """Result of :func:`fit_brillouin`.

    Attributes
    ----------
    g, g_err, J, J_err, n, n_err : float
        Fitted values and one-sigma errors (J_err = 0 when J was fixed).
    chi_hf_emu_mol, chi_hf_err_emu_mol : float
        Linear term, emu/mol per formula unit (per ion when the curves are per ion).
    J_fixed : bool
    redchi : float
        Reduced chi-square (weighted by the point errors when known).
    temperatures_K : list of float
        Temperatures of the isotherms fitted.
    result : lmfit.model.ModelResult
    m_step, m_step_err : float or None
        Saturated ferromagnetic-impurity step (μB per formula unit) when fitted (``ferro_step``).
    warnings : list of str
        Parameters at their bounds, a moment too large for an ion, a significant impurity step.
    per : str
        What M, n, m_step and chi_hf are counted per (the curves' ``per``: "formula unit" or the ion).
    """

    g: float
    g_err: float
    J: float
    J_err: float
    n: float
    n_err: float
    chi_hf_emu_mol: float
    chi_hf_err_emu_mol: float
    J_fixed: bool
    redchi: float
    temperatures_K: list
    result: Any = None
    m_step: float | None = None
    m_step_err: float | None = None
    warnings: list = field(default_factory=list)
    per: str = "formula unit"

    @property
    def S(self) -> float:
        """J read as a spin (S = J when orbital moment is quenched)."""
        return self.J

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe values (``{g, g_err, J, J_err, n, n_err, chi_hf_emu_mol ...}``)."""
        from .._json import json_safe

        return json_safe({k: getattr(self, k) for k in (
            "g", "g_err", "J", "J_err", "n", "n_err", "chi_hf_emu_mol", "chi_hf_err_emu_mol", "J_fixed",
            "redchi", "temperatures_K", "m_step", "m_step_err", "warnings", "per")})

    def summary(self) -> str:
        """One line: g, J, n with errors (M per formula unit, M = n g J B_J), then any warnings."""
        j = f"J = {self.J:g} (fixed)" if self.J_fixed else f"J = {self.J:.3f} ± {self.J_err:.3f}"
        return (f"Brillouin fit at T = {', '.join(f'{t:.3g}' for t in self.temperatures_K)} K: "
                f"g = {self.g:.4f} ± {self.g_err:.4f}, {j}, n = {self.n:.4f} ± {self.n_err:.4f} "
                f"per {self.per}, "
                f"chi_hf = {self.chi_hf_emu_mol:.3g} emu/mol of {self.per}"
                + ("" if self.m_step is None else
                   f", ferromagnetic-impurity step {self.m_step:.3g} ± {self.m_step_err:.2g} μB "
                   f"per {self.per}")
                + "".join(f"\n  WARNING: {w}" for w in self.warnings))


def _stack(curves: list[MagnetizationCurve]):
    hs, ts, ms, es = [], [], [], []
    pers = sorted({c.per for c in curves})
    if len(pers) > 1:
        raise FitError(f"Brillouin fit: the isotherms are per different units {pers}; normalise them alike "
                       "(CLI: the same --formula / --per-ion for every file)")
    for c in curves:
        if c.unit != "muB":
            raise FitError("Brillouin fit needs M in μB per formula unit or ion; pass a formula and mass "
                           "(CLI: --formula, --mass-mg)")
        ok = np.isfinite(c.field_Oe) & np.isfinite(c.M)
        hs.append(c.field_Oe[ok])
        ts.append(np.full(ok.sum(), c.temperature_K))
        ms.append(c.M[ok])
        es.append(c.M_err[ok])
    return (np.concatenate(hs), np.concatenate(ts), np.concatenate(ms), np.concatenate(es))


#: largest g J of a free ion (Dy3+, Ho3+: 10 μB); a fitted g J above this is not one ion
MAX_ION_MOMENT_MUB = 10.5
_BOUNDS = {"g": (0.5, 5.0), "J": (0.5, 10.0)}


def brillouin_step_moment(field_Oe, temperature_K, g: float, J: float, n: float = 1.0,
                          chi_hf_muB_Oe: float = 0.0, m_step: float = 0.0) -> np.ndarray:
    """:func:`brillouin_moment` plus a saturated ferromagnetic-impurity step m_step sign(H), μB per f.u.

    Parameters
    ----------
    field_Oe, temperature_K : array_like
        Field (Oe) and temperature (K).
    g, J, n, chi_hf_muB_Oe : float
        As in :func:`brillouin_moment`.
    m_step : float
        Saturated impurity moment, μB per formula unit (valid above the impurity's saturation field).

    Returns
    -------
    numpy.ndarray
    """
    return (brillouin_moment(field_Oe, temperature_K, g, J, n, chi_hf_muB_Oe)
            + m_step * np.sign(np.asarray(field_Oe, dtype=float)))


def _brillouin_params(model, m: np.ndarray, J: float | None, g: float, fit_chi_hf: bool, step: bool):
    params = model.make_params()
    params["g"].set(value=g, min=_BOUNDS["g"][0], max=_BOUNDS["g"][1])
    params["J"].set(value=J if J is not None else 2.5, min=_BOUNDS["J"][0], max=_BOUNDS["J"][1],
                    vary=J is None)
    jj = J if J is not None else 2.5
    params["n"].set(value=max(float(np.max(np.abs(m))) / (g * jj), 1e-6), min=0.0)
    params["chi_hf_muB_Oe"].set(value=0.0, vary=fit_chi_hf)
    if step:
        params["m_step"].set(value=0.0)
    return params


def _run_brillouin(h, t, m, e, J, g, fit_chi_hf, step):
    import lmfit

    func = brillouin_step_moment if step else brillouin_moment
    model = lmfit.Model(func, independent_vars=["field_Oe", "temperature_K"])
    params = _brillouin_params(model, m, J, g, fit_chi_hf, step)
    w = 1.0 / e if np.isfinite(e).all() and (e > 0).all() else None
    try:
        res = model.fit(m, params, field_Oe=h, temperature_K=t, weights=w)
    except (ValueError, RuntimeError) as exc:
        raise FitError(f"Brillouin fit failed: {exc}") from exc
    return res


def _bound_warnings(p, J_fixed: bool) -> list[str]:
    """Parameters at their bounds and moments no ion has."""
    out = []
    for name, (lo, hi) in _BOUNDS.items():
        if name == "J" and J_fixed:
            continue
        v = p[name].value
        lo_hit = abs(v - lo) <= 1e-3 * (hi - lo) and name != "J"     # J = 1/2 is the smallest spin
        if lo_hit or abs(v - hi) <= 1e-3 * (hi - lo):
            out.append(f"{name} = {v:g} is at its bound [{lo:g}, {hi:g}]: {name} is not determined by "
                       "the data")
    gj = p["g"].value * p["J"].value
    if gj > MAX_ION_MOMENT_MUB or (not J_fixed and p["J"].value >= _BOUNDS["J"][1] * 0.999):
        out.append(f"moment per entity g J = {gj:.3g} μB is larger than any single ion's (<= 10 μB, "
                   "Dy3+/Ho3+): a superparamagnetic particle or cluster (Langevin M = N μ L(μH/k_B T), "
                   "μ of many μB) or a ferromagnet, not a paramagnetic ion; n and g here are meaningless")
    return out


def _error_warnings(p, J_fixed: bool) -> list[str]:
    """g, J or n with a standard error larger than the value: not determined, whatever the fit says."""
    out = []
    for name in ("g", "J", "n"):
        if name == "J" and J_fixed:
            continue
        v, err = p[name].value, p[name].stderr
        if err is not None and np.isfinite(err) and abs(v) > 0 and err > abs(v):
            out.append(f"{name} = {v:.3g} +/- {err:.2g}: the error exceeds the value, {name} is not "
                       "determined by the data (an M(H) that is no Brillouin function -- check for a "
                       "metamagnetic step)")
    return out


def _convexity_warning(h, t, m) -> str | None:
    """M(H) curving upward on an isotherm: no Brillouin function does (B_J(x) is concave for x > 0, and
    the linear chi_hf H and a saturated impurity step keep it so). An upward-curving stretch is a
    spin-flop or spin-flip (metamagnetic) transition of an antiferromagnet, or a field-induced
    transition: the Brillouin g, J and n mean nothing. Test: on each isotherm (|H| sorted), the chord
    between points s apart (s = n/10) lies above the middle point by more than 4 sigma at two or more
    points, sigma from the median absolute second difference of neighbours (robust noise)."""
    for temp in np.unique(t):
        sel = t == temp
        order = np.argsort(np.abs(h[sel]), kind="stable")
        x, y = np.abs(h[sel])[order], (m[sel] * np.sign(h[sel]))[order]
        n = x.size
        if n < 12:
            continue
        d2 = y[2:] - 2 * y[1:-1] + y[:-2]
        sigma = 1.4826 * float(np.median(np.abs(d2 - np.median(d2)))) / np.sqrt(6.0)
        s = max(n // 10, 2)
        lo, mid, hi = y[:-2 * s], y[s:-s], y[2 * s:]
        xl, xm, xh = x[:-2 * s], x[s:-s], x[2 * s:]
        with np.errstate(all="ignore"):
            chord = lo + (hi - lo) * (xm - xl) / (xh - xl)
        excess = chord - mid
        span = float(np.max(np.abs(y)))
        bad = np.isfinite(excess) & (excess > 4.0 * sigma * np.sqrt(1.5)) & (excess > 0.01 * span)
        if bad.sum() >= 2:
            h_at = float(xm[bad][np.argmax(excess[bad])])
            return (f"M(H) at {temp:.4g} K curves upward near {h_at:.4g} Oe (a chord lies "
                    f"{float(np.max(excess)):.3g} above the data): no Brillouin function does -- a spin-flop "
                    "or metamagnetic (spin-flip) transition of an antiferromagnet, or a ground-state level "
                    "crossing of an exchange-coupled cluster (fit it with magfit fit-cluster --mh), not free "
                    "ions; g, J and n of this fit mean nothing")
    return None


def _step_warning(h, t, m, e, J, g, fit_chi_hf, res) -> str | None:
    """Is a saturated ferromagnetic-impurity step significant (> 3 sigma and halving chi-square)?"""
    try:
        alt = _run_brillouin(h, t, m, e, J, g, fit_chi_hf, step=True)
    except FitError:
        return None
    ps = alt.params["m_step"]
    if ps.stderr is None or not np.isfinite(ps.stderr) or ps.stderr <= 0:
        return None
    if abs(ps.value) > 3 * ps.stderr and alt.chisqr < 0.5 * res.chisqr:
        ratio = res.chisqr / max(alt.chisqr, 1e-300)
        return (f"a saturated ferromagnetic-impurity step m_step sign(H) = {ps.value:.3g} ± {ps.stderr:.2g} "
                f"μB per f.u. is significant (chi-square / {ratio:.3g}) and biases g, J, n: rerun with "
                "ferro_step=True (CLI: --ferro-step) or subtract the impurity")
    return None


def fit_brillouin(curves: list[MagnetizationCurve], *, J: float | None = None, g: float = 2.0,
                  fit_chi_hf: bool = True, ferro_step: bool = False) -> BrillouinFit:
    """Fit n g J B_J(x) (+ chi_hf H) jointly to isotherms at one or several temperatures.

    M is per formula unit (or per ion when the curves are per ion); n is the number of moments of
    angular momentum J per that unit (module docstring).

    Parameters
    ----------
    curves : list of MagnetizationCurve
        Isotherms in μB per formula unit (or per ion).
    J : float, optional
        Fix J (e.g. ``magfit.ion("Gd3+").J``); free (bounded 0.5..10) when None.
    g : float
        Starting g.
    fit_chi_hf : bool
        Include the linear term.
    ferro_step : bool
        Add a saturated ferromagnetic-impurity step m_step sign(H) (fit data above the impurity's
        saturation field). Without it, a warning says when such a step is significant.

    Returns
    -------
    BrillouinFit
        With ``warnings`` for parameters at bounds, a moment too large for an ion (superparamagnet)
        and a significant impurity step.

    Raises
    ------
    FitError
        Too few points, M not in μB, or the fit fails.
    """
    h, t, m, e = _stack(curves)
    if not np.isfinite(t).all():
        raise FitError("Brillouin fit needs the temperature of every isotherm")
    n_par = 2 + (J is None) + fit_chi_hf + ferro_step
    if h.size <= n_par + 1:
        raise FitError(f"Brillouin fit needs more than {n_par + 1} points, got {h.size}")
    res = _run_brillouin(h, t, m, e, J, g, fit_chi_hf, ferro_step)
    if not res.success or res.params["g"].stderr is None:
        convex = _convexity_warning(h, t, m)
        raise FitError("Brillouin fit did not converge or gave no uncertainties; fix J from the ion "
                       "(J=...) or add isotherms closer to saturation" + (f" ({convex})" if convex else ""))
    p = res.params
    std = dict((k, p[k].stderr or 0.0) for k in p)
    notes = _bound_warnings(p, J is not None) + _error_warnings(p, J is not None)
    convex = _convexity_warning(h, t, m)
    notes += [convex] if convex else []
    if not ferro_step:
        note = _step_warning(h, t, m, e, J, g, fit_chi_hf, res)
        notes += [note] if note else []
    return BrillouinFit(
        g=p["g"].value, g_err=std["g"], J=p["J"].value, J_err=std["J"] if J is None else 0.0,
        n=p["n"].value, n_err=std["n"], chi_hf_emu_mol=p["chi_hf_muB_Oe"].value * EMU_MOL_PER_MUB,
        chi_hf_err_emu_mol=std["chi_hf_muB_Oe"] * EMU_MOL_PER_MUB, J_fixed=J is not None,
        redchi=float(res.redchi), temperatures_K=sorted({float(c.temperature_K) for c in curves}), result=res,
        m_step=p["m_step"].value if ferro_step else None, m_step_err=std["m_step"] if ferro_step else None,
        warnings=notes, per=curves[0].per)


def collapse_check(curves: list[MagnetizationCurve], *, chi_hf_emu_mol: float = 0.0,
                   tolerance: float = 0.05) -> dict[str, Any]:
    """Do the isotherms collapse on one curve of M vs H/T (non-interacting isotropic moments)?

    Each pair of isotherms is compared on the overlap of their H/T ranges (linear interpolation,
    linear term removed); the largest relative difference, scaled to the largest M, is reported.

    Parameters
    ----------
    curves : list of MagnetizationCurve
    chi_hf_emu_mol : float
        Linear term to remove first (from a fit), emu/mol.
    tolerance : float
        Relative difference above which the curves are said not to collapse.

    Returns
    -------
    dict
        ``collapse`` (bool or None when fewer than two overlapping curves), ``max_rel_diff``,
        ``statement`` (a sentence for the report).
    """
    pts = []
    for c in curves:
        per_unit = c.emu_mol_per_unit or 1.0
        lin = chi_hf_emu_mol / per_unit * c.field_Oe if c.emu_mol_per_unit else 0.0
        x = c.field_Oe / c.temperature_K
        y = c.M - lin
        ok = np.isfinite(x) & np.isfinite(y) & (x > 0)
        order = np.argsort(x[ok])
        pts.append((x[ok][order], y[ok][order]))
    scale = max((float(np.max(np.abs(y))) for _, y in pts if y.size), default=0.0)
    worst, compared = 0.0, 0
    for i in range(len(pts)):
        for j in range(i + 1, len(pts)):
            (xa, ya), (xb, yb) = pts[i], pts[j]
            if xa.size < 2 or xb.size < 2:
                continue
            lo, hi = max(xa[0], xb[0]), min(xa[-1], xb[-1])
            if hi <= lo:
                continue
            grid = np.linspace(lo, hi, 50)
            d = np.abs(np.interp(grid, xa, ya) - np.interp(grid, xb, yb))
            worst = max(worst, float(d.max()) / scale if scale else 0.0)
            compared += 1
    if compared == 0:
        return {"collapse": None, "max_rel_diff": None,
                "statement": "fewer than two isotherms overlap in H/T: collapse not tested"}
    ok = worst <= tolerance
    text = (f"isotherms collapse on M vs H/T (largest difference {100 * worst:.1f} % of M_max): consistent "
            "with non-interacting isotropic moments" if ok else
            f"isotherms do NOT collapse on M vs H/T (largest difference {100 * worst:.1f} % of M_max > "
            f"{100 * tolerance:.0f} %): anisotropy (crystal field, zero-field splitting) or interactions")
    return {"collapse": ok, "max_rel_diff": worst, "statement": text}
