"""Figures of cluster fits: chi*T(T) with fit and components, M(H) families, energy-level ladder.

matplotlib is imported inside the functions (importing :mod:`magfit.spin` stays light); every
function draws inside :func:`magfit._style.style` and returns the Figure (no ``plt.show()``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._style import COLORS, LABELS, style

__all__ = ["chit_fit", "mh_family", "level_ladder"]


def _fig(figsize: tuple[float, float]):
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained")


def chit_fit(fit: Any, temperature_K: Any, chit_emu_K_mol: Any, *, ax: Any = None):
    """chi*T data with the best fit and its components (cluster, impurity, chi0).

    Parameters
    ----------
    fit : magfit.spin.ClusterFit
        The fit.
    temperature_K, chit_emu_K_mol : array_like
        The data (per mole of clusters).
    ax : matplotlib.axes.Axes, optional
        Draw here instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    t = np.asarray(temperature_K, dtype=float)
    y = np.asarray(chit_emu_K_mol, dtype=float)
    grid = np.geomspace(max(t.min(), 0.5), t.max(), 300)
    with style():
        fig = ax.figure if ax is not None else _fig((4.8, 3.4))
        ax = ax if ax is not None else fig.add_subplot()
        ax.plot(t, y, "o", ms=3.5, mfc="none", color=COLORS["data"], label="data")
        parts = fit.chi(grid, components=True)
        ax.plot(grid, sum(parts.values()) * grid, color=COLORS["fit"], label="fit")
        if fit.options.impurity:
            ax.plot(grid, parts["cluster"] * grid, "--", color=COLORS["curie_weiss"], label="cluster")
            ax.plot(grid, parts["impurity"] * grid, ":", color=COLORS["theta"], label="impurity")
        if fit.options.tip:
            ax.plot(grid, parts["chi0"] * grid, "-.", color=COLORS["chi0"], label="χ₀T")
        ax.set_xlabel(LABELS["T"])
        ax.set_ylabel(LABELS["chiT"])
        text = ", ".join(f"{n} = {fit.params[n][0]:.4g}({_err(fit.params[n][1])})"
                         for n in fit.cluster.exchange_names)
        ax.set_title(f"{text} K  [{fit.cluster.convention}]", fontsize=9)
        ax.legend(loc="best")
    return fig


def _err(e: float) -> str:
    return f"{e:.2g}" if np.isfinite(e) else "?"


def mh_family(fit: Any, data: list[tuple[Any, Any, Any]], *, reduced: bool = False, ax: Any = None):
    """M(H) isotherms (or reduced magnetisation M vs H/T) with the best fit.

    Parameters
    ----------
    fit : magfit.spin.ClusterFit
        The fit.
    data : list of (field_Oe, temperature_K, M_muB)
        One tuple per isotherm (temperature may be a scalar).
    reduced : bool
        Plot against H/T (reduced magnetisation): superimposed curves mean an isolated ground state.
    ax : matplotlib.axes.Axes, optional
        Draw here.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with style():
        fig = ax.figure if ax is not None else _fig((4.8, 3.4))
        ax = ax if ax is not None else fig.add_subplot()
        for k, (h, t, m) in enumerate(data):
            h = np.asarray(h, dtype=float)
            t = np.broadcast_to(np.asarray(t, dtype=float), h.shape)
            x = h / 1e4 / t if reduced else h / 1e3
            line = ax.plot(x, m, "o", ms=3.5, mfc="none", label=f"{t[0]:g} K", color=f"C{k}")[0]
            hh = np.linspace(0.0, h.max(), 120)
            xx = hh / 1e4 / t[0] if reduced else hh / 1e3
            ax.plot(xx, fit.magnetization(hh, np.full(hh.size, t[0])), color=line.get_color())
        ax.set_xlabel("H/T (T K⁻¹)" if reduced else LABELS["field_kOe"])
        ax.set_ylabel("M (μ$_\\mathrm{B}$ per cluster)")
        ax.legend(loc="lower right")
    return fig


def level_ladder(levels: Any, *, n: int = 20, ax: Any = None):
    """Energy-level ladder: one bar per level at its energy, grouped by total S.

    Parameters
    ----------
    levels : pandas.DataFrame
        From :func:`magfit.spin.levels` or ``ClusterFit.levels`` (energy_K, S, degeneracy).
    n : int
        Number of lowest levels drawn.
    ax : matplotlib.axes.Axes, optional
        Draw here.

    Returns
    -------
    matplotlib.figure.Figure
    """
    lv = levels.head(n)
    with style():
        fig = ax.figure if ax is not None else _fig((3.6, 3.8))
        ax = ax if ax is not None else fig.add_subplot()
        spins = lv["S"].fillna(-1.0).to_numpy()
        span = max(float(lv["energy_K"].max()), 1e-9)
        keys = [(round(float(e) / span, 4), s) for e, s in zip(lv["energy_K"], spins, strict=True)]
        for (e, s), count in zip(*np.unique(np.array(keys), axis=0, return_counts=True), strict=True):
            x = s if s >= 0 else -1.0
            e = e * span
            ax.hlines(e, x - 0.35, x + 0.35, color=COLORS["fit"] if e == 0 else COLORS["data"], lw=2)
            if count > 1:                      # accidentally degenerate multiplets
                ax.text(x + 0.38, e, f"×{count}", va="center", fontsize=8)
        ticks = sorted(set(spins))
        ax.set_xticks(ticks, [("?" if s < 0 else f"{s:g}") for s in ticks])
        ax.set_xlabel("total S")
        ax.set_ylabel("E (K)")
        ax.set_xlim(min(ticks) - 0.7, max(ticks) + 0.7)
        conv = levels.attrs.get("convention")
        if conv:
            ax.set_title(f"levels (J in {conv} convention)", fontsize=9)
    return fig
