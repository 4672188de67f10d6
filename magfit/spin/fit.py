"""lmfit models and joint fits of chi*T(T) and M(H, T) of exchange-coupled clusters.

Full model, per mole of clusters (every term optional except the cluster):

    chi_cl'  = chi_cl(T; J..., g, D, E)                       exact diagonalisation (calc.py)
    chi_cl'' = chi_cl' T / (T - theta)                          mean field, "theta" form, or
             = chi_cl' / (1 - (2 zJ' / (N_A g^2 mu_B^2)) chi_cl')   mean field, "zj" form (zJ' in K)
    chi      = (1 - rho) chi_cl'' + rho n_sites N_A g^2 mu_B^2 S_imp(S_imp+1)/(3 k_B T) + chi0

theta > 0 is ferromagnetic; zJ' is in K in O'Connor's form (molecular field H_mf = -2zJ'<S_z>S_z,
whatever the cluster's convention). rho is the fraction of sites present as uncoupled paramagnetic
impurities of spin S_imp (default 1/2, the cluster's g), as in the usual modified Bleaney-Bowers
equation per Cu; the mean
field acts on the cluster part only. M(H) data are fitted with the cluster's M plus rho times the
impurities' Brillouin function (no mean field, no TIP). J are in K in the cluster's convention.

Start values come from a coarse grid over the J's (g found by linear least squares at each grid
point; scored on the M(H) residuals when there is no chi*T), so no guess is needed. Correlations
|r| > 0.9 between a J and g or rho raise a warning, and so do free parameters left without an
uncertainty (covariance not estimated: a bound, a flat direction or a failed fit).

References
----------
C. J. O'Connor, Prog. Inorg. Chem. 29, 203 (1982) (mean-field zJ' correction);
N. F. Chilton et al., J. Comput. Chem. 34, 1164 (2013) (PHI).
"""

from __future__ import annotations

import inspect
import itertools
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import FitError
from .calc import EMU_MOL_PER_MUB, MUB_K_PER_OE, NMUB2_K, chi_cluster, levels, magnetization
from .cluster import Cluster

__all__ = ["ClusterFit", "ClusterOptions", "model_chi", "model_magnetization", "cluster_model",
           "fit_cluster", "mh_frame", "CORRELATION_WARN"]

#: |correlation| above which a J-g or J-rho pair is reported as strongly correlated
CORRELATION_WARN = 0.9
_J_GRID = (-300.0, -150.0, -80.0, -40.0, -20.0, -10.0, -5.0, -2.0, -0.5, 0.5, 2.0, 5.0, 10.0, 20.0, 50.0)


@dataclass(frozen=True)
class ClusterOptions:
    """Extra terms of the model around the cluster.

    Parameters
    ----------
    mean_field : {None, "theta", "zj"}
        Intercluster mean field: chi T/(T - theta_K) or the zJ' form (parameter ``zJ_K``).
    impurity : bool
        Fit a paramagnetic-impurity fraction ``rho``.
    impurity_spin : float
        Spin of the impurity (1/2 by default).
    tip : bool
        Fit a temperature-independent term ``chi0_emu_mol``.
    field_Oe : float, optional
        Compute chi as M/H at this field instead of the zero-field limit.
    """

    mean_field: str | None = None
    impurity: bool = False
    impurity_spin: float = 0.5
    tip: bool = False
    field_Oe: float | None = None

    def names(self) -> list[str]:
        """Parameter names these options add."""
        out = []
        if self.mean_field == "theta":
            out.append("theta_K")
        elif self.mean_field == "zj":
            out.append("zJ_K")
        elif self.mean_field is not None:
            raise FitError(f"mean_field must be None, 'theta' or 'zj', got {self.mean_field!r}")
        if self.impurity:
            out.append("rho")
        if self.tip:
            out.append("chi0_emu_mol")
        return out


def _g_mean(cluster: Cluster, p: dict[str, float]) -> float:
    return float(np.mean(cluster.site_g(p)))


def model_chi(cluster: Cluster, params: dict[str, float], temperature_K: Any,
              options: ClusterOptions | None = None, components: bool = False):
    """chi(T) of the full model in emu/mol of clusters (module docstring).

    Parameters
    ----------
    cluster : Cluster
        The cluster.
    params : dict
        Values of the cluster's parameters and of ``theta_K``/``zJ_K``, ``rho``, ``chi0_emu_mol``.
    temperature_K : array_like
        Temperatures in K.
    options : ClusterOptions, optional
        Which extra terms are present.
    components : bool
        Return a dict of the parts (``cluster``, ``impurity``, ``chi0``) instead of the total.

    Returns
    -------
    numpy.ndarray or dict
        chi in emu mol^-1 Oe^-1.
    """
    opt = options or ClusterOptions()
    t = np.atleast_1d(np.asarray(temperature_K, dtype=float))
    chi = chi_cluster(cluster, params, t, field_Oe=opt.field_Oe)
    g = _g_mean(cluster, params)
    if opt.mean_field == "theta":
        chi = chi * t / (t - params["theta_K"])
    elif opt.mean_field == "zj":
        chi = chi / (1.0 - 2.0 * params["zJ_K"] * chi / (NMUB2_K * g * g))
    rho = float(params.get("rho", 0.0)) if opt.impurity else 0.0
    s = opt.impurity_spin
    imp = rho * cluster.n_sites * NMUB2_K * g * g * s * (s + 1.0) / (3.0 * t)
    chi0 = np.full(t.size, float(params.get("chi0_emu_mol", 0.0)) if opt.tip else 0.0)
    parts = {"cluster": (1.0 - rho) * chi, "impurity": imp, "chi0": chi0}
    return parts if components else parts["cluster"] + imp + chi0


def _brillouin_muB(s: float, g: float, h: np.ndarray, t: np.ndarray) -> np.ndarray:
    m = np.arange(-s, s + 1.0)
    x = g * MUB_K_PER_OE * h / t
    e = np.exp(-(m[None, :] + s) * x[:, None])
    return g * (-m[None, :] * e).sum(axis=1) / e.sum(axis=1)


def model_magnetization(cluster: Cluster, params: dict[str, float], field_Oe: Any, temperature_K: Any,
                        options: ClusterOptions | None = None) -> np.ndarray:
    """M(H, T) of the full model in mu_B per cluster (cluster + impurity Brillouin term).

    Parameters
    ----------
    cluster : Cluster
        The cluster.
    params : dict
        Parameter values.
    field_Oe, temperature_K : array_like
        Field (Oe) and temperature (K) of each point.
    options : ClusterOptions, optional
        Extra terms (only ``rho`` acts on M).

    Returns
    -------
    numpy.ndarray
        M in mu_B per cluster (x 5585 for emu/mol).
    """
    opt = options or ClusterOptions()
    h = np.atleast_1d(np.asarray(field_Oe, dtype=float))
    t = np.broadcast_to(np.asarray(temperature_K, dtype=float), h.shape)
    m = magnetization(cluster, params, h, t)
    rho = float(params.get("rho", 0.0)) if opt.impurity else 0.0
    if rho:
        imp = cluster.n_sites * _brillouin_muB(opt.impurity_spin, _g_mean(cluster, params), h, t)
        m = (1.0 - rho) * m + rho * imp
    return m


def cluster_model(cluster: Cluster, options: ClusterOptions | None = None):
    """An ``lmfit.Model`` of chi*T (emu K/mol) against ``temperature_K`` for this cluster.

    Parameters
    ----------
    cluster : Cluster
        The cluster.
    options : ClusterOptions, optional
        Extra terms.

    Returns
    -------
    lmfit.Model
        Parameters: the J names, g names, D/E names and the option names; ``make_params()`` gives
        defaults (J = -10 K, g = 2, ...).
    """
    import lmfit

    opt = options or ClusterOptions()
    names = _all_names(cluster, opt)

    def chit(temperature_K, **p):
        return model_chi(cluster, p, temperature_K, opt) * np.asarray(temperature_K, dtype=float)

    hints = _hints(cluster, opt)
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    chit.__signature__ = inspect.Signature(
        [inspect.Parameter("temperature_K", kind)]
        + [inspect.Parameter(n, kind, default=hints[n]["value"]) for n in names])
    model = lmfit.Model(chit, independent_vars=["temperature_K"], name=f"cluster[{cluster.describe()}]")
    for name, hint in _hints(cluster, opt).items():
        model.set_param_hint(name, **hint)
    return model


def _all_names(cluster: Cluster, opt: ClusterOptions) -> list[str]:
    return cluster.exchange_names + cluster.g_names + cluster.zfs_names + opt.names()


def _hints(cluster: Cluster, opt: ClusterOptions) -> dict[str, dict[str, float]]:
    hints: dict[str, dict[str, float]] = {n: {"value": -10.0} for n in cluster.exchange_names}
    for n in cluster.g_names:
        hints[n] = {"value": 2.0, "min": 1.0, "max": 3.5}
    for n in cluster.zfs_names:
        hints[n] = {"value": 1.0, "min": -50.0, "max": 50.0}
    hints.update({"theta_K": {"value": 0.0, "min": -100.0, "max": 50.0},
                  "zJ_K": {"value": 0.0, "min": -50.0, "max": 50.0},
                  "rho": {"value": 0.01, "min": 0.0, "max": 1.0},
                  "chi0_emu_mol": {"value": 0.0, "min": -0.05, "max": 0.05}})
    return {n: hints[n] for n in _all_names(cluster, opt)}


# ---------------------------------------------------------------------------- data
@dataclass(frozen=True)
class _Data:
    kind: str                      # "chiT" or "M"
    x: np.ndarray                  # temperature (chiT) or field_Oe (M)
    t: np.ndarray                  # temperature of each point
    y: np.ndarray                  # chiT (emu K/mol) or M (mu_B per cluster)
    sigma: np.ndarray
    weight: float
    relative: bool = False


def _chit_data(chit: Any, weight: float) -> _Data:
    from ..chit import ChiT

    if isinstance(chit, ChiT):
        t = chit.temperature_K
        y = chit.chi_emu_mol * t
        err = None if chit.chi_err_emu_mol is None else chit.chi_err_emu_mol * t
    else:
        try:
            t, y, *rest = (np.asarray(a, dtype=float) for a in chit)
        except (TypeError, ValueError):
            raise FitError("chit must be a ChiT or (temperature_K, chiT_emu_K_mol[, err]) arrays") from None
        err = rest[0] if rest else None
    ok = np.isfinite(t) & np.isfinite(y) & (t > 0)
    if ok.sum() < 3:
        raise FitError(f"chi*T data: {int(ok.sum())} usable points (finite, T > 0); need at least 3")
    sigma = np.abs(y[ok]) if err is None else np.asarray(err)[ok]
    if np.any(sigma <= 0):
        raise FitError("chi*T data: zero chi*T or zero error at some point; give positive errors")
    return _Data("chiT", t[ok], t[ok], y[ok], sigma, float(weight), err is None)


def _mh_data(mh: Any, weight: float) -> _Data:
    if isinstance(mh, pd.DataFrame):
        need = {"field_Oe", "temperature_K", "magnetization_muB"}
        if not need <= set(mh.columns):
            raise FitError(f"M(H) table needs columns {sorted(need)}, has {list(mh.columns)}")
        h, t, m = (mh[c].to_numpy(float) for c in ("field_Oe", "temperature_K", "magnetization_muB"))
        err = mh["magnetization_err_muB"].to_numpy(float) if "magnetization_err_muB" in mh else None
    else:
        try:
            h, t, m, *rest = (np.asarray(a, dtype=float) for a in mh)
        except (TypeError, ValueError):
            raise FitError("mh must be a DataFrame or (field_Oe, temperature_K, M_muB[, err]) "
                           "arrays") from None
        err = rest[0] if rest else None
    t = np.broadcast_to(t, h.shape)
    ok = np.isfinite(h) & np.isfinite(t) & np.isfinite(m) & (t > 0) & (h >= 0)
    if ok.sum() < 2:
        raise FitError(f"M(H) data: {int(ok.sum())} usable points; need at least 2")
    floor = 0.02 * np.max(np.abs(m[ok]))
    sigma = np.maximum(np.abs(m[ok]), floor) if err is None else np.asarray(err)[ok]
    return _Data("M", h[ok], t[ok], m[ok], sigma, float(weight), err is None)


# ---------------------------------------------------------------------------- result
@dataclass
class ClusterFit:
    """Result of :func:`fit_cluster`.

    Attributes
    ----------
    cluster : Cluster
        The fitted cluster (its ``convention`` is the one of every J reported).
    options : ClusterOptions
        Extra terms of the model.
    result : lmfit.minimizer.MinimizerResult
        The lmfit result (covariance, correlations, statistics).
    params : dict
        name -> (value, one-sigma error or NaN) for every parameter.
    free : list of str
        Names of the free parameters.
    levels : pandas.DataFrame
        Lowest levels at the best fit (energy_K, S, degeneracy).
    warnings : list of str
        Strong J-g / J-rho correlations and other caveats.
    n_points : int
        Number of data points fitted (all data sets).
    """

    cluster: Cluster
    options: ClusterOptions
    result: Any
    params: dict[str, tuple[float, float]]
    free: list[str]
    levels: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    n_points: int = 0

    @property
    def redchi(self) -> float:
        """Reduced chi-square of the weighted residuals."""
        return float(self.result.redchi)

    @property
    def values(self) -> dict[str, float]:
        """Best-fit values by name."""
        return {k: v for k, (v, _) in self.params.items()}

    def chi(self, temperature_K: Any, components: bool = False):
        """Best-fit chi(T) (emu/mol of clusters), or its components.

        Parameters
        ----------
        temperature_K : array_like
            Temperatures in K.
        components : bool
            Return the parts (cluster, impurity, chi0).

        Returns
        -------
        numpy.ndarray or dict
        """
        return model_chi(self.cluster, self.values, temperature_K, self.options, components=components)

    def magnetization(self, field_Oe: Any, temperature_K: Any) -> np.ndarray:
        """Best-fit M in mu_B per cluster.

        Parameters
        ----------
        field_Oe, temperature_K : array_like
            Field (Oe) and temperature (K) of each point.

        Returns
        -------
        numpy.ndarray
        """
        return model_magnetization(self.cluster, self.values, field_Oe, temperature_K, self.options)

    def summary(self) -> str:
        """Parameter table with the convention stated, levels and warnings."""
        lines = [f"cluster fit: {self.cluster.describe()}",
                 f"  {self.n_points} points, reduced chi-square {self.redchi:.4g}; "
                 f"J in K in the {self.cluster.convention} convention"]
        for name in self.free:
            v, e = self.params[name]
            err = f" +/- {e:.2g}" if np.isfinite(e) else ""
            lines.append(f"  {name:>14s} = {v:.6g}{err}")
        if self.options.mean_field == "theta":
            lines.append("  mean field: chi_cl T/(T - theta)")
        elif self.options.mean_field == "zj":
            lines.append("  mean field: chi_cl/(1 - (2zJ'/(N g^2 mu_B^2)) chi_cl)")
        low = self.levels.head(6)
        lines.append("  lowest levels (K): " + ", ".join(
            f"{e:.4g}" + ("" if np.isnan(s) else f" (S={s:g})")
            for e, s in zip(low.energy_K, low.S, strict=True)))
        lines += [f"  WARNING: {w}" for w in self.warnings]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict: convention, params {name: {value, err}}, redchi, n_points, levels, warnings."""
        def num(x: float) -> float | None:
            return float(x) if np.isfinite(x) else None

        return {"convention": self.cluster.convention,
                "cluster": self.cluster.describe(),
                "params": {n: {"value": num(self.params[n][0]), "err": num(self.params[n][1])}
                           for n in self.free},
                "fixed": {n: num(v) for n, (v, _) in self.params.items() if n not in self.free},
                "redchi": num(self.redchi), "n_points": int(self.n_points),
                "levels": [{"energy_K": float(e), "S": None if np.isnan(s) else float(s)}
                           for e, s in zip(self.levels.energy_K.head(20), self.levels.S.head(20),
                                           strict=True)],
                "warnings": list(self.warnings)}


# ---------------------------------------------------------------------------- fitting
def _residual_fn(cluster: Cluster, opt: ClusterOptions, data: list[_Data]):
    def residual(p) -> np.ndarray:
        v = p.valuesdict()
        out = []
        for d in data:
            if d.kind == "chiT":
                mod = model_chi(cluster, v, d.t, opt) * d.t
            else:
                mod = model_magnetization(cluster, v, d.x, d.t, opt)
            out.append(np.sqrt(d.weight) * (d.y - mod) / d.sigma)
        r = np.concatenate(out)
        return np.where(np.isfinite(r), r, 1e10)
    return residual


def _grid_start(cluster: Cluster, opt: ClusterOptions, data: list[_Data],
                base: dict[str, float]) -> dict[str, float]:
    """Coarse grid over the J's (g^2 scale solved linearly from the chi*T data)."""
    names = cluster.exchange_names
    if not names:
        return base
    d = next((x for x in data if x.kind == "chiT"), None)
    grid = [np.array(_J_GRID) / abs(cluster.factor)] * len(names)
    combos = itertools.product(*grid) if len(names) <= 2 else ([v] * len(names) for v in grid[0])
    if d is None:
        return _grid_start_mh(cluster, opt, data, base, names, combos)
    best, best_score = base, np.inf
    plain = ClusterOptions(field_Oe=opt.field_Oe)
    for combo in combos:
        trial = {**base, **dict(zip(names, combo, strict=True))}
        mod = model_chi(cluster, trial, d.t, plain) * d.t
        wm = mod / d.sigma
        wy = d.y / d.sigma
        scale = float(wm @ wy / (wm @ wm)) if wm @ wm > 0 else 1.0
        score = float(np.sum((wy - scale * wm) ** 2))
        if score < best_score and scale > 0:
            best_score = score
            best = {**trial, **{g: float(np.clip(base.get(g, 2.0) * np.sqrt(scale), 1.2, 3.2))
                                for g in cluster.g_names}}
    return best


def _grid_start_mh(cluster: Cluster, opt: ClusterOptions, data: list[_Data], base: dict[str, float],
                   names: list[str], combos) -> dict[str, float]:
    """The same J grid scored on M(H) data alone (g at its start value): without it an M(H)-only fit
    started from one J and could end far from the data's J (a -2J dimer with J = -1 K fitted to J =
    +134 K with no error bars)."""
    trials = ({**base, **dict(zip(names, combo, strict=True))} for combo in combos)
    return _lowest_residual(_residual_fn(cluster, opt, data), base, trials)


def _lowest_residual(residual, base: dict[str, float], trials) -> dict[str, float]:
    """The trial parameter set (``base`` if none is better) with the smallest sum of squared residuals."""
    import lmfit

    best, best_score = base, np.inf
    for trial in trials:
        pars = lmfit.Parameters()
        for n, v in trial.items():
            pars.add(n, value=v)
        score = float(np.sum(residual(pars) ** 2))
        if score < best_score:
            best, best_score = trial, score
    return best


def _grid_zfs(cluster: Cluster, opt: ClusterOptions, data: list[_Data], base: dict[str, float],
              names: list[str]) -> dict[str, float]:
    """Both signs and a few magnitudes of D (the powder chi alone hardly sees the sign of D)."""
    trials = ({**base, **dict.fromkeys(names, d)} for d in (-10.0, -3.0, -1.0, 1.0, 3.0, 10.0))
    return _lowest_residual(_residual_fn(cluster, opt, data), base, trials)


def fit_cluster(cluster: Cluster, chit: Any = None, mh: Any = None, *, options: ClusterOptions | None = None,
                start: dict[str, float] | None = None, fixed: dict[str, float] | None = None,
                weights: tuple[float, float] = (1.0, 1.0), method: str = "leastsq") -> ClusterFit:
    """Fit the cluster model to chi*T(T) and/or M(H) at several temperatures (jointly).

    Parameters
    ----------
    cluster : Cluster
        The cluster; its ``convention`` is the one of the J's fitted and reported.
    chit : ChiT or tuple, optional
        chi(T) as a :class:`magfit.ChiT` (per mole of clusters) or arrays
        ``(temperature_K, chiT_emu_K_mol[, err])``.
    mh : DataFrame or tuple or list of them, optional
        M(H, T): DataFrame with ``field_Oe``, ``temperature_K``, ``magnetization_muB`` (per
        cluster), or arrays ``(field_Oe, temperature_K, M_muB[, err])``; a list for several files.
    options : ClusterOptions, optional
        Mean field, impurity, TIP, measuring field.
    start : dict, optional
        Start values (skips the coarse J grid for the names given).
    fixed : dict, optional
        Parameters held fixed at these values.
    weights : (float, float)
        Weights of the chi*T and of the M(H) residuals.
    method : str
        lmfit method.

    Returns
    -------
    ClusterFit

    Examples
    --------
    >>> import numpy as np
    >>> from magfit.spin import Cluster, fit_cluster, model_chi
    >>> cu2 = Cluster.from_strings("1/2,1/2", ["1-2:J"], convention="-2J")
    >>> t = np.linspace(5, 300, 60)
    >>> chit = model_chi(cu2, {"J": -40.0, "g": 2.1}, t) * t
    >>> fit = fit_cluster(cu2, (t, chit))
    >>> round(fit.values["J"], 3), round(fit.values["g"], 4)
    (-40.0, 2.1)
    """
    import lmfit

    opt = options or ClusterOptions()
    data = []
    if chit is not None:
        data.append(_chit_data(chit, weights[0]))
    mh_list = [] if mh is None else (mh if isinstance(mh, list) else [mh])
    data += [_mh_data(m, weights[1]) for m in mh_list]
    if not data:
        raise FitError("fit_cluster: give chi*T data (chit=...) and/or M(H) data (mh=...)")
    names = _all_names(cluster, opt)
    fixed = dict(fixed or {})
    unknown = [n for n in list(fixed) + list(start or {}) if n not in names]
    if unknown:
        raise FitError(f"unknown parameter(s) {unknown}; this model has {names}")
    hints = _hints(cluster, opt)
    base = {n: h["value"] for n, h in hints.items()}
    base.update(fixed)
    if not (start and all(n in start for n in cluster.exchange_names)):
        base = _grid_start(cluster, opt, data, {**base, **(start or {})})
    base.update(start or {})
    base.update(fixed)
    free_d = [n for n in cluster.zfs_names if n.startswith("D") and n not in fixed and n not in (start or {})]
    if free_d:
        base = _grid_zfs(cluster, opt, data, base, free_d)
    pars = lmfit.Parameters()
    for n in names:
        h = hints[n]
        pars.add(n, value=base[n], min=h.get("min", -np.inf), max=h.get("max", np.inf), vary=n not in fixed)
    n_points = sum(d.y.size for d in data)
    free = [n for n in names if n not in fixed]
    if n_points <= len(free):
        raise FitError(f"{n_points} points for {len(free)} free parameters {free}; fix some or add data")
    result = lmfit.minimize(_residual_fn(cluster, opt, data), pars, method=method)
    params = {n: (float(p.value), float(p.stderr) if p.stderr is not None else float("nan"))
              for n, p in result.params.items()}
    notes = _correlation_warnings(result, cluster)
    no_err = [n for n in free if not np.isfinite(params[n][1])]
    if no_err:
        notes.append(f"no uncertainty for {no_err} (covariance not estimated: parameter at a bound, a flat "
                     "direction or a failed fit); do not quote these values")
    for w in notes:
        warnings.warn(w, stacklevel=2)
    return ClusterFit(cluster=cluster, options=opt, result=result, params=params, free=free,
                      levels=levels(cluster, {n: v for n, (v, _) in params.items()}, n=20),
                      warnings=notes, n_points=n_points)


def _correlation_warnings(result: Any, cluster: Cluster) -> list[str]:
    out = []
    if not result.errorbars and result.redchi > 1e-20:
        out.append("lmfit could not estimate uncertainties (singular covariance): the data do not "
                   "determine every free parameter; fix some")
        return out
    if not result.errorbars:
        return out
    # every non-exchange partner: g, rho and the mean-field / TIP terms (theta_K trades off with J most)
    partners = [n for n in result.params if n not in cluster.exchange_names]
    for j in cluster.exchange_names:
        pj = result.params[j]
        for other in partners:
            r = (pj.correl or {}).get(other)
            if r is not None and abs(r) > CORRELATION_WARN:
                inflation = 1.0 / np.sqrt(max(1.0 - r * r, 1e-12))
                out.append(f"{j} and {other} are strongly correlated (r = {r:+.3f}): the values trade off "
                           f"and their errors are {inflation:.2g}x what they would be uncorrelated (the "
                           "correlation comes from the temperatures and fields measured, not the noise); "
                           f"add M(H) data, widen the range or fix {other}")
    return out


def mh_frame(field_Oe: Any, temperature_K: Any, magnetization_emu_mol: Any) -> pd.DataFrame:
    """M(H) table for :func:`fit_cluster` from M in emu per mole of clusters.

    Parameters
    ----------
    field_Oe, temperature_K, magnetization_emu_mol : array_like
        Field (Oe), temperature (K), molar magnetisation (emu/mol).

    Returns
    -------
    pandas.DataFrame
        ``field_Oe``, ``temperature_K``, ``magnetization_muB`` (per cluster).
    """
    h = np.asarray(field_Oe, dtype=float)
    t = np.broadcast_to(np.asarray(temperature_K, dtype=float), h.shape)
    m = np.asarray(magnetization_emu_mol, dtype=float) / EMU_MOL_PER_MUB
    return pd.DataFrame({"field_Oe": h, "temperature_K": t, "magnetization_muB": m})
