"""Paramagnetic isotherms: joint Brillouin fit of M(H, T) at several temperatures.

    M(H, T) = n g J B_J(x) + chi_hf H,     x = g J μ_B H / (k_B T)      [μB per formula unit]
    B_J(x) = (2J+1)/(2J) coth((2J+1) x / (2J)) - 1/(2J) coth(x / (2J))

(S. Blundell, *Magnetism in Condensed Matter*, OUP 2001, ch. 2). n is the number of moments
per formula unit, chi_hf a field-linear term (diamagnetic / Van Vleck / holder), here in μB/Oe
per formula unit and reported in emu/mol. Non-interacting isotropic moments give curves that
collapse on one line when plotted against H/T; :func:`collapse_check` says when they do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import FitError
from ..units import K_B_ERG, MU_B_ERG_G
from .convert import EMU_MOL_PER_MUB, MagnetizationCurve

__all__ = ["brillouin", "brillouin_moment", "BrillouinFit", "fit_brillouin", "collapse_check"]


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

    @property
    def S(self) -> float:
        """J read as a spin (S = J when orbital moment is quenched)."""
        return self.J

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe values (``{g, g_err, J, J_err, n, n_err, chi_hf_emu_mol ...}``)."""
        from .._json import json_safe

        return json_safe({k: getattr(self, k) for k in (
            "g", "g_err", "J", "J_err", "n", "n_err", "chi_hf_emu_mol", "chi_hf_err_emu_mol", "J_fixed",
            "redchi", "temperatures_K")})

    def summary(self) -> str:
        """One line: g, J, n with errors."""
        j = f"J = {self.J:g} (fixed)" if self.J_fixed else f"J = {self.J:.3f} ± {self.J_err:.3f}"
        return (f"Brillouin fit at T = {', '.join(f'{t:.3g}' for t in self.temperatures_K)} K: "
                f"g = {self.g:.4f} ± {self.g_err:.4f}, {j}, n = {self.n:.4f} ± {self.n_err:.4f} per f.u., "
                f"chi_hf = {self.chi_hf_emu_mol:.3g} emu/mol")


def _stack(curves: list[MagnetizationCurve]):
    hs, ts, ms, es = [], [], [], []
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


def fit_brillouin(curves: list[MagnetizationCurve], *, J: float | None = None, g: float = 2.0,
                  fit_chi_hf: bool = True) -> BrillouinFit:
    """Fit n g J B_J(x) (+ chi_hf H) jointly to isotherms at one or several temperatures.

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

    Returns
    -------
    BrillouinFit

    Raises
    ------
    FitError
        Too few points, M not in μB, or the fit fails.
    """
    import lmfit

    h, t, m, e = _stack(curves)
    if not np.isfinite(t).all():
        raise FitError("Brillouin fit needs the temperature of every isotherm")
    n_par = 2 + (J is None) + fit_chi_hf
    if h.size <= n_par + 1:
        raise FitError(f"Brillouin fit needs more than {n_par + 1} points, got {h.size}")
    model = lmfit.Model(brillouin_moment, independent_vars=["field_Oe", "temperature_K"])
    params = model.make_params()
    m_top = float(np.max(np.abs(m)))
    params["g"].set(value=g, min=0.5, max=5.0)
    params["J"].set(value=J if J is not None else 2.5, min=0.5, max=10.0, vary=J is None)
    jj = J if J is not None else 2.5
    params["n"].set(value=max(m_top / (g * jj), 1e-6), min=0.0)
    params["chi_hf_muB_Oe"].set(value=0.0, vary=fit_chi_hf)
    w = 1.0 / e if np.isfinite(e).all() and (e > 0).all() else None
    try:
        res = model.fit(m, params, field_Oe=h, temperature_K=t, weights=w)
    except (ValueError, RuntimeError) as exc:
        raise FitError(f"Brillouin fit failed: {exc}") from exc
    if not res.success or res.params["g"].stderr is None:
        raise FitError("Brillouin fit did not converge or gave no uncertainties; fix J from the ion "
                       "(J=...) or add isotherms closer to saturation")
    p = res.params
    std = dict((k, p[k].stderr or 0.0) for k in p)
    return BrillouinFit(
        g=p["g"].value, g_err=std["g"], J=p["J"].value, J_err=std["J"] if J is None else 0.0,
        n=p["n"].value, n_err=std["n"], chi_hf_emu_mol=p["chi_hf_muB_Oe"].value * EMU_MOL_PER_MUB,
        chi_hf_err_emu_mol=std["chi_hf_muB_Oe"] * EMU_MOL_PER_MUB, J_fixed=J is not None,
        redchi=float(res.redchi), temperatures_K=sorted({float(c.temperature_K) for c in curves}), result=res)


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
