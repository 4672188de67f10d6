"""Window systematics of a Curie-Weiss fit: how much do mu_eff, theta and chi0 move with T_min?

A referee's first question about a Curie-Weiss fit is how much the answer depends on the chosen
lower temperature limit. :func:`window_systematics` answers it from the T_min scan that
:func:`magfit.fit_curie_weiss` already made (``fit.scan``): the *admissible neighbouring windows*
are the converged scan rows without a residual trend, at or above any ordering feature, whose
T_min lies within a factor :data:`NEIGHBOUR_RATIO` of the chosen one. The *window systematic* of a
parameter is how far it moves over them,

    sys = max_j |p_j - p_k|       (k: the chosen window, j: its admissible neighbours),

reported beside the statistical error (``mu_eff_sys``, ``theta_K_sys``, ``chi0_emu_mol_sys``). It
is deliberately conservative: it contains the extra statistical scatter of the smaller windows as
well as any bias (a referee asks how much the answer moves with T_min, not whether the movement is
significant). For nested windows (a higher T_min keeps a subset of the points) the statistical
variance of ``d_j = p_j - p_k`` is ``|sigma_j**2 - sigma_k**2|`` (Hausman), which the drift test
below uses.

**Drift flag (crystal-field depopulation, short-range order).** When the windows *above* the
chosen one keep moving the same way -- the median of ``z_j = d_j / sqrt(|sigma_j**2 -
sigma_k**2|)`` over them exceeds :data:`Z_DRIFT` for mu_eff or theta -- chi*T is still changing
above T_min: a 4f ion whose crystal-field levels are being depopulated (Ce3+ with a Gamma8 quartet
100 K above the Gamma7 doublet: a window from ~100 K gives mu_eff = 2.60 instead of the free-ion
2.54 and a spurious theta), or short-range order. The fit of that window is biased: the flag
says so and names the fix (a window above the excitation gap, or a crystal-field model).

References
----------
J. A. Hausman, Econometrica 46, 1251 (1978) (variance of the difference of nested estimators);
J. Jensen and A. R. Mackintosh, *Rare Earth Magnetism* (OUP 1991) ch. 1 (crystal-field
depopulation of 4f multiplets); Blundell, *Magnetism in Condensed Matter*, ch. 5.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["window_systematics", "attach", "NEIGHBOUR_RATIO", "Z_DRIFT", "MIN_DRIFT_WINDOWS"]

#: neighbouring windows: T_min within this factor of the chosen T_min (both ways)
NEIGHBOUR_RATIO = 1.6
#: median z of the higher windows beyond which the parameter is said to drift with T_min
Z_DRIFT = 2.0
#: at least this many higher admissible windows are needed to call a drift
MIN_DRIFT_WINDOWS = 3
#: a drift must also exceed this fraction of the parameter's scale (|mu_eff|; max(|theta|, T_min)):
#: noise-free data have round-off-sized errors, and a 0.1 % movement is no referee's concern
DRIFT_REL_FLOOR = 1e-3
#: fewest points in a window that counts as a neighbour (as magfit.window.MIN_POINTS)
MIN_WINDOW_POINTS = 10

_PARAMS = {"mu_eff": "mu_eff_sys", "theta_K": "theta_K_sys", "chi0_emu_mol": "chi0_emu_mol_sys",
           "C_emu_K_mol": "C_emu_K_mol_sys"}
_UNITS = {"mu_eff": "mu_B", "theta_K": "K", "chi0_emu_mol": "emu/mol", "C_emu_K_mol": "emu K/mol"}


def _columns(scan) -> dict[str, np.ndarray]:
    """The scan as a dict of numpy arrays (from a DataFrame or a mapping of arrays), read once."""
    names = ("tmin_K", "n_points", "converged", "trend", "above_order",
             *(p for name in _PARAMS for p in (name, f"{name}_err")))
    return {c: np.asarray(scan[c]) for c in names if c in scan}


def _admissible(cols: dict[str, np.ndarray], tmin_K: float) -> np.ndarray:
    """Indices (sorted by T_min) of the scan rows that are admissible neighbours of ``tmin_K``."""
    t = cols["tmin_K"].astype(float)
    ok = (t >= tmin_K / NEIGHBOUR_RATIO) & (t <= tmin_K * NEIGHBOUR_RATIO)
    for col, want in (("converged", True), ("trend", False), ("above_order", True)):
        if col in cols:
            ok &= _as_bool(cols[col], fill=not want) == want
    if "n_points" in cols:
        ok &= cols["n_points"].astype(float) >= MIN_WINDOW_POINTS
    ok |= np.abs(t - tmin_K) <= 1e-8 + 1e-5 * abs(tmin_K)            # np.isclose(t, tmin_K)
    idx = np.flatnonzero(ok)
    return idx[np.argsort(t[idx], kind="stable")]


def _as_bool(x: np.ndarray, fill: bool) -> np.ndarray:
    """A flag column as bool, missing values (NaN/None) read as ``fill`` (pandas ``fillna``)."""
    if x.dtype.kind == "b":
        return x
    return np.where(pd.isna(x), fill, x).astype(bool)


def _one_parameter(cols: dict[str, np.ndarray], rows: np.ndarray, tmin_K: float, name: str) -> dict[str, Any]:
    """Systematic spread and drift z of one parameter over the admissible rows (a few dozen at most:
    plain floats, which beat numpy's per-call overhead here; the same arithmetic as numpy's)."""
    v = cols[name][rows].astype(float).tolist()
    e = cols[f"{name}_err"][rows].astype(float).tolist() if f"{name}_err" in cols else [math.nan] * len(v)
    t = cols["tmin_K"][rows].astype(float).tolist()
    k = min(range(len(t)), key=lambda i: abs(t[i] - tmin_K))          # first closest, as np.argmin
    good = [math.isfinite(a) and math.isfinite(b) for a, b in zip(v, e, strict=True)]
    good[k] = False
    if not (math.isfinite(v[k]) and math.isfinite(e[k])) or not any(good):
        return {"sys": float("nan"), "range": [float("nan"), float("nan")], "z_above": float("nan"),
                "n_above": 0}
    vk, ek = v[k], e[k]
    sys = max(abs(v[i] - vk) for i in range(len(v)) if good[i])
    above = [i for i in range(len(v)) if good[i] and t[i] > tmin_K]
    scale = max(abs(vk), tmin_K, 1.0) if name == "theta_K" else max(abs(vk), 1e-300)
    floor = (DRIFT_REL_FLOOR * scale) ** 2
    ek2 = ek ** 2                 # scalars: libm pow, as numpy's scalar power; arrays square: e * e
    z = [_ratio(v[i] - vk, math.sqrt(abs(e[i] * e[i] - ek2) + floor)) for i in above]
    inc = [v[i] for i in range(len(v)) if good[i] or i == k]
    return {"sys": sys, "range": [min(inc), max(inc)],
            "value": vk, "stat": ek, "z_above": _median(z), "n_above": len(above),
            "value_top": v[above[-1]] if above else float("nan"),
            "tmin_top_K": t[above[-1]] if above else float("nan")}


def _ratio(num: float, den: float) -> float:
    """num / den with IEEE results for den = 0 (+-inf, NaN for 0/0), as numpy divides."""
    if den != 0.0:
        return num / den
    if num == 0.0 or math.isnan(num):
        return math.nan
    return math.copysign(math.inf, num) * math.copysign(1.0, den)


def _median(z: list[float]) -> float:
    """np.median of a short list (NaN when empty or when any value is NaN)."""
    if not z or any(math.isnan(x) for x in z):
        return float("nan")
    srt = sorted(z)
    m = len(srt)
    return srt[m // 2] if m % 2 else (srt[m // 2 - 1] + srt[m // 2]) / 2.0


def window_systematics(scan: pd.DataFrame | None, tmin_K: float) -> dict[str, Any]:
    """Spread of mu_eff, theta, chi0 and C over the admissible windows next to ``tmin_K``.

    Parameters
    ----------
    scan : pandas.DataFrame or None
        The T_min scan of :func:`magfit.fit_curie_weiss` (``fit.scan``): columns ``tmin_K``,
        ``n_points``, ``mu_eff``, ``theta_K``, ``chi0_emu_mol``, ``C_emu_K_mol`` and their
        ``*_err``, optionally ``converged``, ``trend``, ``above_order`` (a mapping of column name to
        array works too).
    tmin_K : float
        Lower limit of the chosen window (K).

    Returns
    -------
    dict
        ``mu_eff_sys``, ``theta_K_sys``, ``chi0_emu_mol_sys``, ``C_emu_K_mol_sys`` (NaN when fewer
        than two admissible windows), ``n_windows``, ``tmin_range_K``, ``parameters`` (per
        parameter: sys, range, z_above, n_above), and ``flag`` (a drift with T_min, or None).
    """
    out: dict[str, Any] = {key: float("nan") for key in _PARAMS.values()}
    out.update(n_windows=0, tmin_range_K=[float("nan"), float("nan")], parameters={}, flag=None)
    needed = {"tmin_K", *(p for p in _PARAMS)}
    if scan is None or not all(c in scan for c in needed) or len(scan["tmin_K"]) < 2 \
            or not math.isfinite(tmin_K):
        return out
    cols = _columns(scan)
    rows = _admissible(cols, float(tmin_K))
    out["n_windows"] = int(rows.size)
    if rows.size < 2:
        return out
    t = cols["tmin_K"][rows].astype(float)
    out["tmin_range_K"] = [float(t.min()), float(t.max())]
    for name, key in _PARAMS.items():
        info = _one_parameter(cols, rows, float(tmin_K), name)
        out["parameters"][name] = info
        out[key] = info["sys"]
    out["flag"] = _drift_flag(out["parameters"], float(tmin_K))
    return out


def _drift_flag(params: dict[str, dict], tmin_K: float) -> str | None:
    moved = []
    for name in ("mu_eff", "theta_K"):
        p = params.get(name) or {}
        if p.get("n_above", 0) >= MIN_DRIFT_WINDOWS and abs(p.get("z_above", 0.0)) > Z_DRIFT:
            moved.append(f"{name} {p['value']:.4g} -> {p['value_top']:.4g} {_UNITS[name]} at T_min = "
                         f"{p['tmin_top_K']:.4g} K (median z = {p['z_above']:+.1f})")
    if not moved:
        return None
    return ("window systematic: the fit keeps moving as T_min rises above the chosen "
            f"{tmin_K:.4g} K ({'; '.join(moved)}): chi*T is still changing above T_min -- excited levels "
            "being depopulated (crystal field or spin-orbit, as for most 4f ions and Co2+), short-range "
            "correlations (|theta| not small against T_min) or a temperature-dependent chi0; the high-T "
            "limit is not reached here. Fit a higher T_min, or a model of the levels or the correlations")


def attach(fit, scan=None):
    """Return ``fit`` with its window systematics (``mu_eff_sys``, ... and ``systematics``) filled in.

    Called once at the end of :func:`magfit.fit_curie_weiss`; a drift with T_min is added to
    ``fit.flags``.

    Parameters
    ----------
    fit : CurieWeissFit
        A fit with a ``scan`` table.
    scan : mapping or None
        The same scan as columns of arrays (saves reading the DataFrame); default ``fit.scan``.

    Returns
    -------
    CurieWeissFit
        A copy with ``mu_eff_sys``, ``theta_K_sys``, ``chi0_emu_mol_sys`` and ``systematics`` set.
    """
    info = _safe_window_systematics(fit.scan if scan is None else scan, fit.tmin_K)
    flags = list(fit.flags)
    if info.get("flag"):
        flags.append(info["flag"])
    fields = {f.name for f in dataclasses.fields(fit)}
    extra = {k: v for k, v in (("mu_eff_sys", info["mu_eff_sys"]), ("theta_K_sys", info["theta_K_sys"]),
                               ("chi0_emu_mol_sys", info["chi0_emu_mol_sys"]), ("systematics", info))
             if k in fields}
    return dataclasses.replace(fit, flags=flags, **extra)


def _safe_window_systematics(scan, tmin_K: float) -> dict[str, Any]:
    """:func:`window_systematics`; a malformed scan is recorded in ``error`` (it must not lose the fit)."""
    try:
        return window_systematics(scan, float(tmin_K))
    except (KeyError, ValueError, TypeError) as exc:
        info = window_systematics(None, float("nan"))
        info["error"] = f"{type(exc).__name__}: {exc}"
        return info
