"""Figures of the M(H) analysis: loops, isotherm families, M vs H/T, Arrott and RW plots.

matplotlib is imported inside the functions; every function returns a Figure and never shows it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._style import COLORS, style

__all__ = ["loops", "isotherms", "reduced", "arrott_plot", "rw_plot", "dt_plot"]


def _fig(ncols: int = 1, width: float = 4.6):
    import matplotlib.pyplot as plt

    return plt.subplots(1, ncols, figsize=(width * ncols, 3.6), constrained_layout=True, squeeze=False)


def loops(results: list) -> Any:
    """M(H) of each isotherm with M_s, M_r and H_c marked.

    Parameters
    ----------
    results : list of magfit.mh.LoopResult
        From :func:`magfit.mh.analyze_isotherm` (each holds its curve).

    Returns
    -------
    matplotlib.figure.Figure
    """
    with style():
        fig, ax = _fig(2)
        full, zoom = ax[0]
        for r in results:
            c = r.curve
            line, = full.plot(c.field_Oe / 1e3, c.M, ".-", ms=2.5, lw=0.6, label=f"{c.temperature_K:.3g} K")
            zoom.plot(c.field_Oe / 1e3, c.M, ".-", ms=3, lw=0.6, color=line.get_color())
            if r.Hc_Oe is not None:
                hb = r.Hc_branches_Oe
                zoom.plot([hb["H_c_minus"] / 1e3, hb["H_c_plus"] / 1e3], [0, 0], "x", color=COLORS["fit"],
                          ms=7)
                zoom.plot([0, 0], [r.Mr + r.M_shift, r.M_shift - r.Mr], "+", color=COLORS["fit"], ms=8)
            full.axhline(r.Ms, color=line.get_color(), lw=0.5, ls="--")
            full.axhline(-r.Ms, color=line.get_color(), lw=0.5, ls="--")
        hc = [abs(r.Hc_Oe) for r in results if r.Hc_Oe is not None]
        hmax = max(float(np.nanmax(np.abs(r.curve.field_Oe))) for r in results)
        span = min(hmax, max(5 * max(hc, default=0.0), 0.05 * hmax)) / 1e3
        zoom.set_xlim(-span, span)
        for a in (full, zoom):
            a.axhline(0, color="0.6", lw=0.5)
            a.axvline(0, color="0.6", lw=0.5)
            a.set_xlabel("H (kOe)")
            a.set_ylabel(results[0].curve.label)
        zoom.set_title("low field: H_c (x), M_r (+)")
        full.set_title("M(H); dashed: ±M_s")
        full.legend(frameon=False)
    return fig


def isotherms(curves: list) -> Any:
    """A family of isotherms M(H), one colour per temperature.

    Parameters
    ----------
    curves : list of magfit.mh.MagnetizationCurve

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    with style():
        fig, ax = _fig(1)
        a = ax[0][0]
        cmap = plt.get_cmap("viridis")
        temps = [c.temperature_K for c in curves]
        lo, hi = min(temps), max(temps)
        for c in curves:
            col = cmap(0.0 if hi == lo else (c.temperature_K - lo) / (hi - lo))
            a.plot(c.field_Oe / 1e3, c.M, ".-", ms=2, lw=0.6, color=col, label=f"{c.temperature_K:.3g} K")
        a.set_xlabel("H (kOe)")
        a.set_ylabel(curves[0].label)
        if len(curves) <= 10:
            a.legend(frameon=False, fontsize=7)
    return fig


def reduced(curves: list, *, brillouin_fit=None, collapse: dict | None = None) -> Any:
    """M vs H/T (collapse test of non-interacting moments), with a Brillouin fit when given.

    Parameters
    ----------
    curves : list of magfit.mh.MagnetizationCurve
    brillouin_fit : magfit.mh.BrillouinFit, optional
        Drawn as a line (linear term included at the lowest temperature).
    collapse : dict, optional
        From :func:`magfit.mh.collapse_check`; its statement becomes the title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with style():
        fig, ax = _fig(1, 5.0)
        a = ax[0][0]
        for c in curves:
            keep = c.field_Oe > 0
            a.plot(c.field_Oe[keep] / c.temperature_K / 1e3, c.M[keep], ".", ms=3,
                   label=f"{c.temperature_K:.3g} K")
        if brillouin_fit is not None:
            from .paramagnet import brillouin_moment

            t = min(c.temperature_K for c in curves)
            hmax = max(float(np.nanmax(c.field_Oe)) for c in curves)
            h = np.linspace(1.0, hmax, 300)
            f = brillouin_fit
            a.plot(h / t / 1e3, brillouin_moment(h, t, f.g, f.J, f.n), "-", color=COLORS["fit"],
                   label=f"Brillouin g = {f.g:.3f}, J = {f.J:.3g}, n = {f.n:.3f}")
        a.set_xlabel("H/T (kOe K⁻¹)")
        a.set_ylabel(curves[0].label)
        if collapse:
            a.set_title(collapse["statement"][:90], fontsize=8)
        a.legend(frameon=False, fontsize=7)
    return fig


def arrott_plot(curves: list, result=None) -> Any:
    """Arrott plot M² vs H/M and, with a result, the modified plot M^(1/β) vs (H/M)^(1/γ).

    Parameters
    ----------
    curves : list of magfit.mh.MagnetizationCurve
    result : magfit.mh.ArrottResult, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from .critical import positive_branch

    panels = [(0.5, 1.0, "Arrott: M² vs H/M")]
    if result is not None and result.beta is not None:
        panels.append((result.beta, result.gamma, f"modified: β = {result.beta:.3f}, γ = {result.gamma:.3f}"))
    with style():
        fig, ax = _fig(len(panels))
        cmap = plt.get_cmap("coolwarm")
        temps = [c.temperature_K for c in curves]
        lo, hi = min(temps), max(temps)
        for a, (b, g, title) in zip(ax[0], panels, strict=False):
            for c in sorted(curves, key=lambda c: c.temperature_K):
                h, m = positive_branch(c)
                col = cmap(0.0 if hi == lo else (c.temperature_K - lo) / (hi - lo))
                a.plot((h / m) ** (1 / g), m ** (1 / b), ".-", ms=2, lw=0.6, color=col,
                       label=f"{c.temperature_K:.4g} K")
            a.set_xlim(left=0)
            a.set_ylim(bottom=0)
            a.set_xlabel("(H/M)^(1/γ)" if g != 1.0 else "H/M (Oe per unit M)")
            a.set_ylabel("M^(1/β)" if b != 0.5 else "M²")
            a.set_title(title + (f"; T_C = {result.Tc_K:.4g} K" if result is not None else ""), fontsize=9)
        if len(curves) <= 12:
            ax[0][0].legend(frameon=False, fontsize=6)
    return fig


def rw_plot(result=None, *, references: list | None = None) -> Any:
    """Rhodes-Wohlfarth plot (p_c/p_s vs T_C, log-log) and Deguchi-Takahashi plot (p_eff/p_s vs T_C/T_0).

    Parameters
    ----------
    result : magfit.mh.FerroResult, optional
        The sample (a red star).
    references : list of dict, optional
        Default :data:`magfit.mh.ferro.REFERENCE_FERROMAGNETS` (open symbols: values not verified).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from .ferro import REFERENCE_FERROMAGNETS

    refs = REFERENCE_FERROMAGNETS if references is None else references
    with style():
        fig, ax = _fig(2)
        rw, dt = ax[0]
        for r in refs:
            ratio = r["p_c"] / r["p_s"]
            face = COLORS["data"] if r.get("verified") else "none"
            rw.plot(r["Tc_K"], ratio, "o", mec=COLORS["data"], mfc=face)
            rw.annotate(r["name"], (r["Tc_K"], ratio), fontsize=7, xytext=(3, 3), textcoords="offset points")
        _dt_axes(dt, result, refs)
        if result is not None and result.Tc_K:
            rw.plot(result.Tc_K, result.rw_ratio, "*", color=COLORS["fit"], ms=12, label="this sample")
        rw.axhline(1.0, color="0.6", lw=0.5)
        rw.set_xscale("log")
        rw.set_yscale("log")
        rw.set_ylabel("p_c / p_s")
        rw.set_xlabel("T_C (K)")
        rw.set_title("Rhodes-Wohlfarth (open: recalled, not verified; filled: read in source)", fontsize=8)
        if result is not None and result.Tc_K:
            rw.legend(frameon=False, fontsize=7)
    return fig


def _dt_axes(ax, result, refs) -> None:
    """Deguchi-Takahashi panel: references, 1.4 (T_C/T_0)^(-2/3) with the ×1.5 band, the sample."""
    from .ferro import DT_ON_CURVE_FACTOR, DT_PREFACTOR

    for r in refs:
        if r.get("Tc_over_T0"):
            ratio = r["p_c"] / r["p_s"]
            ax.plot(r["Tc_over_T0"], ratio, "o", mec=COLORS["data"], mfc=COLORS["data"] if r.get("verified")
                    else "none")
            ax.annotate(r["name"], (r["Tc_over_T0"], ratio), fontsize=7, xytext=(3, 3),
                        textcoords="offset points")
    x = np.logspace(-3, 0, 60)
    curve = DT_PREFACTOR * x ** (-2 / 3)
    ax.plot(x, curve, "-", color=COLORS["fit"], lw=0.8, label="1.4 (T_C/T_0)^(-2/3) (Takahashi)")
    ax.fill_between(x, curve / DT_ON_CURVE_FACTOR, curve * DT_ON_CURVE_FACTOR, color=COLORS["fit"], alpha=0.1,
                    lw=0, label=f"×{DT_ON_CURVE_FACTOR} (our 'on the curve' tolerance)")
    if result is not None and result.Tc_over_T0:
        measured = getattr(result, "T0_source", None) == "takahashi_slope"
        xerr = result.takahashi.Tc_over_T0_err if measured else None
        ax.errorbar(result.Tc_over_T0, result.rw_ratio, xerr=xerr, yerr=result.rw_ratio_err or None, fmt="*",
                    color=COLORS["fit"], ms=12,
                    label="this sample (T_0 from M⁴ vs H/M)" if measured
                    else "this sample (T_0 estimated: on the curve by construction)")
    ax.axvline(1.0, color="0.6", lw=0.5)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("T_C / T_0")
    ax.set_ylabel("p_eff / p_s  (p_eff = p_c)")
    ax.set_title("Deguchi-Takahashi (generalized Rhodes-Wohlfarth)", fontsize=9)
    ax.legend(frameon=False, fontsize=6)


def dt_plot(result=None, *, references: list | None = None) -> Any:
    """Deguchi-Takahashi plot: p_eff/p_s vs T_C/T_0 (log-log) with Takahashi's curve.

    Parameters
    ----------
    result : magfit.mh.FerroResult, optional
        The sample (a star, with error bars when T_0 came from the M⁴ slope).
    references : list of dict, optional
        Default :data:`magfit.mh.ferro.REFERENCE_FERROMAGNETS` (rows with ``Tc_over_T0``; open
        symbols: not verified here).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from .ferro import REFERENCE_FERROMAGNETS

    refs = REFERENCE_FERROMAGNETS if references is None else references
    with style():
        fig, ax = _fig(1, 5.0)
        _dt_axes(ax[0][0], result, refs)
    return fig
