"""lmfit models for the paramagnetic susceptibility chi(T) (cgs-emu, per mole).

The physics lives in plain functions of ``temperature_K`` (as in lmfit's ``lineshapes.py``); the
models are thin :class:`lmfit.Model` subclasses with ``guess()`` and parameter hints (as in lmfit's
``models.py``):

* :func:`curie`        chi = C / T
* :func:`curie_weiss`  chi = C / (T - theta)      theta > 0 net ferromagnetic, theta < 0 net AFM
* :func:`tip`          chi = chi0                 temperature-independent (Pauli, Van Vleck, core)

Composite models are built with ``+``; the parameter names are distinct (``C``, ``theta``,
``chi0``) so no prefix is needed, and ``eval_components()`` returns the parts under the keys
``"curie_weiss"`` (or ``"curie"``) and ``"tip"``::

    model = CurieWeissModel(n_ions=2) + TIPModel()
    params = model.make_params(C=15.8, theta=-1.0, chi0=0.0)

Effective moment
----------------
Every Curie-type model carries a derived expression parameter ``mu_eff`` (Bohr magnetons per
magnetic ion), so lmfit propagates the uncertainty of ``C`` into it::

    C = n_ions N_A mu_B^2 mu_eff^2 / (3 k_B)   =>   mu_eff = sqrt(3 k_B C / (n_ions N_A mu_B^2))
                                                         = sqrt(C / (n_ions * 0.1250486...))

with the factor :data:`magfit.units.CURIE_CGS_PER_MUB2` (CODATA, cgs) written into the expression
string. ``C`` is per mole of whatever a mole of the data counts (formula units or ions);
``n_ions`` is the number of magnetic ions in that mole (1 when chi is already per ion).
Example: Gd3+ (mu_eff = 7.937) has C = 7.877 emu K/mol per Gd.

References
----------
P. Weiss, J. Phys. Theor. Appl. 6, 661 (1907); S. Blundell, *Magnetism in Condensed Matter*
(OUP 2001), sec. 5.1; M. Newville et al., lmfit (doi:10.5281/zenodo.11813).
"""

from __future__ import annotations

import numpy as np
from lmfit import Model, Parameters

from ._checks import check_n_ions as _check_n_ions
from .errors import FitError
from .units import CURIE_CGS_PER_MUB2

__all__ = [
    "curie",
    "curie_weiss",
    "tip",
    "CurieModel",
    "CurieWeissModel",
    "TIPModel",
    "PauliModel",
    "mu_eff_expr",
    "profile_theta",
]


# --------------------------------------------------------------------------- line shapes
def curie(temperature_K, C=1.0):
    """Curie law chi = C / T (emu/mol for C in emu K/mol, T in K).

    Parameters
    ----------
    temperature_K : array
        Temperature in kelvin.
    C : float
        Curie constant, emu K mol^-1 (C = N_A mu_B^2 mu_eff^2 / (3 k_B)).
    """
    return C / np.asarray(temperature_K, dtype=float)


def curie_weiss(temperature_K, C=1.0, theta=0.0):
    """Curie-Weiss law chi = C / (T - theta).

    Parameters
    ----------
    temperature_K : array
        Temperature in kelvin (must be > theta for a physical paramagnet).
    C : float
        Curie constant, emu K mol^-1.
    theta : float
        Weiss temperature in K; theta > 0 net ferromagnetic, theta < 0 net antiferromagnetic
        (mean field: theta = z J S(S+1) / (3 k_B) for H = -sum_<ij> J S_i.S_j).
    """
    return C / (np.asarray(temperature_K, dtype=float) - theta)


def tip(temperature_K, chi0=0.0):
    """Temperature-independent susceptibility chi = chi0 (emu/mol), e.g. Pauli or Van Vleck."""
    return np.full(np.shape(temperature_K), float(chi0))


# --------------------------------------------------------------------------- helpers
def mu_eff_expr(n_ions: float = 1.0, prefix: str = "") -> str:
    """The lmfit expression of mu_eff (Bohr magnetons per ion) in terms of ``{prefix}C``.

    mu_eff = sqrt(C / (n_ions * CURIE_CGS_PER_MUB2)), CURIE_CGS_PER_MUB2 = N_A mu_B^2 / (3 k_B)
    in cgs (emu K/mol). The numbers are written out so the expression is self-contained.
    """
    n = _check_n_ions(n_ions)
    return f"sqrt({prefix}C / ({n!r} * {CURIE_CGS_PER_MUB2!r}))"


def _weights_or_ones(weights, n: int) -> np.ndarray:
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=float).reshape(-1)
    if w.size != n:
        raise FitError(f"weights has {w.size} values but the data have {n}; pass one weight per point")
    return w


def profile_theta(temperature_K, chi_emu_mol, weights=None, *, chi0: bool = True,
                  theta_max: float | None = None, n_grid: int = 400):
    """Robust Curie-Weiss start by variable projection (no user guess needed).

    For fixed theta the model chi = C/(T - theta) [+ chi0] is linear in (C, chi0), so the
    weighted linear least-squares problem is solved in closed form and only the profile cost
    S(theta) = min_{C, chi0} sum_i w_i^2 (chi_i - C/(T_i - theta) - chi0)^2 remains. theta is
    searched on a grid in u = T_min - theta (log-spaced from 1e-6 (T_min + span) to 1e3 times the
    temperature scale, i.e. theta in [-1e3 T_max, T_min)), then refined by bounded scalar
    minimisation (Brent) between the grid neighbours of the best grid point. theta < T_min keeps
    the pole of C/(T - theta) outside the data.

    Parameters
    ----------
    temperature_K, chi_emu_mol : array
        The data (K, emu/mol).
    weights : array or None
        Multiplicative residual weights (1/sigma); None means equal weights.
    chi0 : bool
        Include the constant term.
    theta_max : float or None
        Upper limit of theta (default: min(T)); the search stays strictly below it.
    n_grid : int
        Grid size.

    Returns
    -------
    dict
        ``C``, ``theta`` and ``chi0`` (0.0 when ``chi0=False``) at the profile minimum, and ``cost``.

    References
    ----------
    G. H. Golub and V. Pereyra, SIAM J. Numer. Anal. 10, 413 (1973) (variable projection).
    """
    from scipy.optimize import minimize_scalar

    t = np.asarray(temperature_K, dtype=float).reshape(-1)
    y = np.asarray(chi_emu_mol, dtype=float).reshape(-1)
    w = _weights_or_ones(weights, t.size)
    npar = 3 if chi0 else 2
    if t.size < npar:
        raise FitError(f"Curie-Weiss start needs at least {npar} points, got {t.size}")
    tmin = float(t.min()) if theta_max is None else min(float(theta_max), float(t.min()))
    scale = max(float(t.max()), abs(tmin), 1.0)
    span = float(t.max() - t.min())
    u_lo = 1e-6 * max(span + abs(tmin), 1.0)
    u_hi = 1e3 * scale

    def solve(u):
        """Linear LSQ for theta = tmin - u, vectorised over u; returns cost, C, chi0."""
        u = np.atleast_1d(np.asarray(u, dtype=float))
        f = 1.0 / (t[None, :] - (tmin - u[:, None]))       # basis C-term, (n_u, n_t)
        wf = w * f
        wy = w * y
        if chi0:
            a11 = np.sum(wf * wf, axis=1)
            a12 = np.sum(wf * w, axis=1)
            a22 = np.sum(w * w)
            b1 = np.sum(wf * wy, axis=1)
            b2 = np.sum(w * wy)
            det = a11 * a22 - a12 * a12
            with np.errstate(divide="ignore", invalid="ignore"):
                c = (b1 * a22 - a12 * b2) / det
                k = (a11 * b2 - a12 * b1) / det
        else:
            a11 = np.sum(wf * wf, axis=1)
            b1 = np.sum(wf * wy, axis=1)
            c = b1 / a11
            k = np.zeros_like(c)
        res = wy[None, :] - c[:, None] * wf - k[:, None] * w[None, :]
        cost = np.sum(res * res, axis=1)
        cost = np.where(np.isfinite(cost), cost, np.inf)
        return cost, c, k

    with np.errstate(all="ignore"):
        return _profile_search(solve, tmin, u_lo, u_hi, n_grid, minimize_scalar)


def _profile_search(solve, tmin, u_lo, u_hi, n_grid, minimize_scalar) -> dict:
    """Grid in log(u), u = T_min - theta, then Brent between the best point's neighbours."""
    lu = np.linspace(np.log(u_lo), np.log(u_hi), n_grid)
    cost, _, _ = solve(np.exp(lu))
    i = int(np.argmin(cost))
    if not np.isfinite(cost[i]):
        raise FitError("Curie-Weiss start failed: the linear sub-problem is singular for every theta "
                       "(are the temperatures all equal?)")
    lo, hi = lu[max(i - 1, 0)], lu[min(i + 1, n_grid - 1)]
    if hi > lo:
        opt = minimize_scalar(lambda x: float(solve(np.exp(x))[0][0]), bounds=(lo, hi),
                              method="bounded", options={"xatol": 1e-12})
        if opt.fun <= cost[i]:
            lu_best = float(opt.x)
        else:
            lu_best = float(lu[i])
    else:
        lu_best = float(lu[i])
    cbest, cc, kk = solve(np.exp(lu_best))
    return {"C": float(cc[0]), "theta": float(tmin - np.exp(lu_best)),
            "chi0": float(kk[0]), "cost": float(cbest[0])}


# --------------------------------------------------------------------------- models
class _CurieBase(Model):
    """Shared bits of the Curie-type models: the n_ions attribute and the mu_eff hint."""

    def __init__(self, func, n_ions: float = 1.0, **kwargs):
        kwargs.setdefault("independent_vars", ["temperature_K"])
        super().__init__(func, **kwargs)
        self.n_ions = _check_n_ions(n_ions)
        self.set_param_hint("mu_eff", expr=mu_eff_expr(self.n_ions, self.prefix))


class CurieModel(_CurieBase):
    """Curie law chi = C/T with derived ``mu_eff`` (see module docstring).

    Parameters
    ----------
    n_ions : float
        Magnetic ions per mole unit of the data (for mu_eff per ion).
    **kwargs
        Passed to :class:`lmfit.Model` (``prefix``, ``nan_policy``, ...).
    """

    def __init__(self, n_ions: float = 1.0, **kwargs):
        super().__init__(curie, n_ions=n_ions, **kwargs)

    def guess(self, data, temperature_K=None, weights=None, **kwargs) -> Parameters:
        """C from weighted linear least squares of chi against 1/T.

        Returns
        -------
        lmfit.Parameters
        """
        t, y = _need_xy(data, temperature_K)
        w = _weights_or_ones(weights, t.size)
        f = w / t
        c = float(np.sum(f * w * y) / np.sum(f * f))
        pars = self.make_params(C=c)
        return _update(pars, kwargs)


class CurieWeissModel(_CurieBase):
    """Curie-Weiss law chi = C/(T - theta) with derived ``mu_eff``.

    Parameters
    ----------
    n_ions : float
        Magnetic ions per mole unit of the data (for mu_eff per ion).
    **kwargs
        Passed to :class:`lmfit.Model`.

    Examples
    --------
    >>> import numpy as np
    >>> from magfit.models import CurieWeissModel, TIPModel
    >>> t = np.linspace(20, 300, 50)
    >>> model = CurieWeissModel() + TIPModel()
    >>> chi = 7.877 / (t + 2.0) + 1e-4
    >>> res = model.fit(chi, model.make_params(C=5, theta=0, chi0=0), temperature_K=t)
    >>> round(float(res.params["mu_eff"].value), 3)
    7.937
    """

    def __init__(self, n_ions: float = 1.0, **kwargs):
        super().__init__(curie_weiss, n_ions=n_ions, **kwargs)

    def guess(self, data, temperature_K=None, weights=None, **kwargs) -> Parameters:
        """C and theta by variable projection (:func:`profile_theta` without chi0).

        theta gets the upper bound min(T) so that the pole stays outside the data.

        Returns
        -------
        lmfit.Parameters
        """
        t, y = _need_xy(data, temperature_K)
        start = profile_theta(t, y, weights, chi0=False)
        pars = self.make_params(C=start["C"], theta=start["theta"])
        pars[f"{self.prefix}theta"].set(max=float(t.min()))
        return _update(pars, kwargs)


class TIPModel(Model):
    """Temperature-independent term chi = chi0 (Pauli, Van Vleck, uncorrected core diamagnetism)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("independent_vars", ["temperature_K"])
        super().__init__(tip, **kwargs)

    def guess(self, data, temperature_K=None, weights=None, **kwargs) -> Parameters:
        """chi0 as the weighted mean of the data.

        Returns
        -------
        lmfit.Parameters
        """
        y = np.asarray(data, dtype=float).reshape(-1)
        w = _weights_or_ones(weights, y.size)
        pars = self.make_params(chi0=float(np.sum(w * w * y) / np.sum(w * w)))
        return _update(pars, kwargs)


#: Pauli paramagnetism is a temperature-independent term; same model under its physics name.
PauliModel = TIPModel


def _need_xy(data, temperature_K):
    if temperature_K is None:
        raise FitError("guess() needs temperature_K=<array of temperatures in K>")
    t = np.asarray(temperature_K, dtype=float).reshape(-1)
    y = np.asarray(data, dtype=float).reshape(-1)
    if t.size != y.size:
        raise FitError(f"temperature_K has {t.size} values but data has {y.size}")
    return t, y


def _update(pars: Parameters, kwargs: dict) -> Parameters:
    """Apply user overrides passed to guess() as name=value."""
    for name, value in kwargs.items():
        if name in pars:
            pars[name].set(value=value)
    return pars
