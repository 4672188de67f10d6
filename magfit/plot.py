"""Figures for susceptibility data, Curie-Weiss fits and raw magnetometer curves.

Every function takes an optional Axes (or Figure) to draw into and returns the
:class:`matplotlib.figure.Figure`. Nothing here calls ``plt.show()`` or touches the global
rcParams: figures are made as :class:`matplotlib.figure.Figure` objects (no pyplot state, no GUI
backend) inside :func:`magfit._style.style`, a :func:`matplotlib.rc_context`. Save them with
``fig.savefig("name.png")``; in Jupyter they display as the value of a cell.

Functions
---------
fit_panels(fit)      chi, 1/chi, chi*T and residuals of a :class:`~magfit.fitting.CurieWeissFit`
window_scan(fit)     theta, mu_eff and chi0 against the lower end of the fit window
compare(*chis)       several ChiT curves (samples, simulations) on one axes, optionally normalised
mt(measurement)      raw moment against temperature, one curve per segment (ZFC, FC, ...)
mh(measurement)      raw moment against field, one curve per segment

Conventions: chi in emu mol^-1 Oe^-1 (cgs) per mole of ``chi.per``; Curie-Weiss
chi(T) = chi0 + C/(T - theta), theta > 0 net ferromagnetic. The theta marker on the 1/chi panel
is the T-axis intercept of 1/(chi - chi0) = (T - theta)/C.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._style import COLORS, LABELS, style
from .chit import ChiT
from .errors import MagfitError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["fit_panels", "window_scan", "compare", "mt", "mh", "style", "format_ufloat", "formula_mathtext",
           "window_text"]

#: normalisations understood by :func:`compare`
NORMALISATIONS = (None, "chi300", "chiT", "inverse")


# ----------------------------------------------------------------------------- helpers
def _figure(figsize: tuple[float, float], layout: str | None = "constrained") -> Figure:
    """A new pyplot-free Figure (constrained layout unless a fixed grid is given)."""
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout=layout)


def _batched_ticks() -> dict[str, Any]:
    """``subplot_kw`` of the report's figures: tick marks drawn in batches (magfit._ticks)."""
    from ._ticks import BatchedTickAxes

    return {"axes_class": BatchedTickAxes}


def _single_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig = _figure(figsize)
    return fig, fig.add_subplot()


#: per-thread figures kept for reuse by ``reuse=True`` (kind -> (Figure, its grid of Axes))
_TEMPLATES = threading.local()


def _template(kind: str, size: tuple[float, float], nrows: int, ncols: int, grid: dict[str, float],
              sharex: bool = False) -> tuple[Figure, list[Axes]]:
    """This thread's figure of ``kind`` emptied for the next plot, or a new one on first use.

    Creating a figure's axes and their ticks is a large part of drawing it once; a report draws the
    same two figures for every sample, so it keeps them and replaces only what is drawn in them. A
    figure that was changed in a way :func:`_empty_template` does not undo (a twin axes) is
    replaced by a new one.
    """
    cache = _TEMPLATES.__dict__
    entry = cache.get(kind)
    if entry is not None and _empty_template(*entry):
        return entry
    fig = _figure(size, layout=None)
    axes = list(np.ravel(fig.subplots(nrows, ncols, sharex=sharex, gridspec_kw=grid,
                                      subplot_kw=_batched_ticks())))
    cache[kind] = (fig, axes)
    return fig, axes


def _empty_template(fig: Figure, axes: list[Axes]) -> bool:
    """Remove everything drawn into ``fig``'s ``axes`` and restore the state of new axes (linear
    scales, default formatters, autoscaled limits from no data, no titles, labels or legends); the
    axes keep their ticks. False (nothing changed) when ``fig`` gained axes, e.g. a twin."""
    from matplotlib.transforms import Bbox

    if len(fig.axes) != len(axes):
        return False
    fig.legends.clear()
    for ax in axes:
        for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.texts, *ax.images]:
            artist.remove()
        ax.containers.clear()
        if ax.legend_ is not None:
            ax.legend_.remove()
        ax.set_prop_cycle(None)
        ax.set_xscale("linear")  # also new default locators and formatters, as a new axes has
        ax.set_yscale("linear")
        ax.dataLim.set_points(Bbox.null().get_points())
        ax.ignore_existing_data_limits = True
        ax.set_autoscalex_on(True)
        ax.set_autoscaley_on(True)
        ax._request_autoscale_view()
        for loc in ("left", "center", "right"):
            ax.set_title("", loc=loc)
        ax.set_xlabel("")
        ax.set_ylabel("")
    return True


def _nominal_std(value: Any) -> tuple[float, float]:
    """(nominal, std) of a ufloat, a float or a (value, error) pair; std NaN when unknown."""
    if hasattr(value, "nominal_value"):
        return float(value.nominal_value), float(value.std_dev)
    if isinstance(value, tuple) and len(value) == 2:
        return float(value[0]), float(value[1])
    return float(value), float("nan")


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_ufloat(value: Any, unit: str = "", digits: int = 2) -> str:
    """Short text for a value with uncertainty: ``7.94(2) μB``, ``-1.2(3) K``, ``3.1(4)×10⁻⁴``.

    Parameters
    ----------
    value : ufloat, float or (value, error)
        The quantity; a plain float (or zero/NaN error) is printed with 4 significant digits.
    unit : str
        Appended after a space when not empty.
    digits : int
        Significant digits of the uncertainty in the parentheses.

    Returns
    -------
    str
    """
    nominal, std = _nominal_std(value)
    suffix = f" {unit}" if unit else ""
    if not np.isfinite(nominal):
        return f"nan{suffix}"
    if not np.isfinite(std) or std <= 0:
        return f"{nominal:.4g}{suffix}"
    exponent = 0
    if nominal != 0 and (abs(nominal) < 1e-2 or abs(nominal) >= 1e5):
        exponent = int(np.floor(np.log10(abs(nominal))))
    scale = 10.0 ** exponent
    n, s = nominal / scale, std / scale
    # decimals so that the uncertainty shows `digits` significant digits
    decimals = max(0, digits - 1 - int(np.floor(np.log10(s))))
    err_digits = round(s * 10**decimals)
    if err_digits >= 10**digits:  # rounding carried (e.g. 0.96 -> 1.0): one digit fewer
        decimals = max(0, decimals - 1)
        err_digits = round(s * 10**decimals)
    text = f"{n:.{decimals}f}({err_digits})" if decimals > 0 else f"{n:.0f}({s:.0f})"
    if exponent:
        text += "×10" + str(exponent).translate(_SUPERSCRIPT)
    return text + suffix


def _get_fit_attr(fit: Any, name: str) -> Any:
    try:
        return getattr(fit, name)
    except AttributeError:
        raise MagfitError(
            f"plot: expected a CurieWeissFit (from magfit.fit_curie_weiss) with attribute {name!r}, "
            f"got {type(fit).__name__}"
        ) from None


def _as_chit(obj: Any, where: str) -> ChiT:
    """A ChiT from a ChiT or anything with a ``.chi`` ChiT (e.g. a CurieWeissFit)."""
    if isinstance(obj, ChiT):
        return obj
    inner = getattr(obj, "chi", None)
    if isinstance(inner, ChiT):
        return inner
    raise MagfitError(
        f"{where}: expected a magfit.ChiT (or a fit result holding one as .chi), got "
        f"{type(obj).__name__}; make one with Measurement.susceptibility() or magfit.simulate"
    )


#: error bars shorter than this fraction of the data's span are hidden under the marker: not drawn
ERRORBAR_MIN_FRACTION = 0.004
#: opacity of error bars relative to their points (lighter than the points, never hiding them)
ERRORBAR_ALPHA = 0.35


def _errorbar(ax: Axes, x, y, yerr, **kw):
    """ax.errorbar with light bars, drawn only where they help.

    Bars are dropped when errors are missing, not finite, or all shorter than
    :data:`ERRORBAR_MIN_FRACTION` of the span of ``y`` (they would hide under the markers);
    drawn bars use the point colour at :data:`ERRORBAR_ALPHA` opacity, below the points.
    """
    from matplotlib.colors import to_rgba

    if yerr is not None:
        yerr = np.where(np.isfinite(yerr), yerr, 0.0)
        finite = np.asarray(y, dtype=float)[np.isfinite(y)]
        span = float(np.ptp(finite)) if finite.size > 1 else 0.0
        if not np.any(yerr > 0) or (span > 0 and np.max(yerr) < ERRORBAR_MIN_FRACTION * span):
            yerr = None
    if "ls" not in kw:
        kw.setdefault("linestyle", "none")
    kw.setdefault("elinewidth", 0.7)
    if yerr is not None and "color" in kw:
        kw.setdefault("ecolor", to_rgba(kw["color"], ERRORBAR_ALPHA))
    container = ax.errorbar(x, y, yerr=yerr, **kw)
    for bars in container.lines[2]:
        bars.set_zorder(kw.get("zorder", 2) - 0.5)
    return container


def _plain_tick_labels(fig: Figure) -> None:
    """Plain-text tick labels on every linear axis (mathtext only where needed: log axes, labels)."""
    from matplotlib.ticker import ScalarFormatter

    from ._ticks import PlainFormatter

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            old = axis.get_major_formatter()
            if axis.get_scale() == "linear" and type(old) is ScalarFormatter:
                new = PlainFormatter(useOffset=old.get_useOffset())
                new.set_powerlimits(tuple(getattr(old, "_powerlimits", (-3, 4))))
                axis.set_major_formatter(new)


def _window_mask(chi: ChiT, tmin: float, tmax: float) -> np.ndarray:
    t = chi.temperature_K
    return (t >= tmin) & (t <= tmax)


def _shade_window(ax: Axes, tmin: float, tmax: float, label: str | None = None) -> None:
    ax.axvspan(tmin, tmax, color=COLORS["window"], alpha=0.13, lw=0, zorder=0, gid="fit-window",
               label=label)


def _grid_T(tlo: float, thi: float, n: int = 400) -> np.ndarray:
    return np.linspace(tlo, thi, n)


_FORMULA_NUMBER = re.compile(r"(?<=[A-Za-z])\d+(?:\.\d+)?|(?<=[)\]])\d+")


def formula_mathtext(formula: str) -> str:
    """A chemical formula with its counts as mathtext subscripts: ``Gd$_{2}$(SO$_{4}$)$_{3}$``.

    Numbers that follow an element symbol or a closing bracket become subscripts (also
    decimals: ``Na1.9IrO3`` -> Na$_{1.9}$IrO$_{3}$); a leading count (``8H2O``) stays as it is.
    Dollar signs in the input are escaped, so the result is always valid mathtext.

    Parameters
    ----------
    formula : str
        Formula as written in options and headers, e.g. ``"Gd2(SO4)3(H2O)8"``.

    Returns
    -------
    str
        Text for a matplotlib label or title.

    Examples
    --------
    >>> formula_mathtext("Gd2(SO4)3(H2O)8")
    'Gd$_{2}$(SO$_{4}$)$_{3}$(H$_{2}$O)$_{8}$'
    """
    text = str(formula).replace("$", r"\$")
    return _FORMULA_NUMBER.sub(lambda m: "$_{" + m.group(0) + "}$", text)


def _formula_of(chi: Any) -> str:
    prov = getattr(chi, "provenance", None) or {}
    sample = prov.get("sample") if isinstance(prov, dict) else None
    formula = sample.get("formula") if isinstance(sample, dict) else None
    return str(formula).strip() if formula else ""


def _heading(fit: Any, title: str | None) -> str:
    """Sample name, then the formula with subscripts (when known and not the name itself)."""
    chi = getattr(fit, "chi", None)
    name = title if title is not None else (getattr(chi, "name", "") or "")
    formula = _formula_of(chi)
    if formula and formula.replace(" ", "") != str(name).replace(" ", ""):
        return f"{name} — {formula_mathtext(formula)}" if name else formula_mathtext(formula)
    return formula_mathtext(name) if formula and name else str(name).replace("$", r"\$")


def _finite_text(value: Any, unit: str, undefined: str) -> str:
    """format_ufloat, or ``undefined`` when the value is not a finite number (never 'nan')."""
    nominal, _ = _nominal_std(value)
    return format_ufloat(value, unit) if np.isfinite(nominal) else undefined


def _result_text(fit: Any) -> str:
    c_n, _ = _nominal_std(_get_fit_attr(fit, "C"))
    mu = _finite_text(_get_fit_attr(fit, "mu_eff"), "μB",
                      "undefined (C ≤ 0)" if np.isfinite(c_n) and c_n <= 0 else "undetermined")
    theta = _finite_text(_get_fit_attr(fit, "theta_K"), "K", "undetermined")
    chi0_n, chi0_s = _nominal_std(_get_fit_attr(fit, "chi0"))
    chi0 = ("fixed at 0" if chi0_n == 0 and not chi0_s
            else _finite_text((chi0_n, chi0_s), "emu/mol", "undetermined"))
    tmin, tmax = float(fit.tmin_K), float(fit.tmax_K)
    redchi = float(getattr(fit, "redchi", float("nan")))
    redchi_text = f"{redchi:.3g}" if np.isfinite(redchi) else "n/a"
    per = getattr(fit, "per", None) or getattr(fit.chi, "per", "") or "formula unit"
    # chi per formula unit with n_ions = 1: sqrt(8C) is per formula unit (per ion only if one ion per f.u.)
    per_fu = (float(getattr(fit, "n_ions", 1) or 1) == 1
              and per.strip().lower() in ("formula unit", "f.u.", "fu"))
    return (
        f"μ$_\\mathrm{{eff}}$ = {mu} per {'formula unit' if per_fu else 'magnetic ion'}    θ = {theta}    "
        f"χ₀ = {chi0}\n"
        f"window {window_text(tmin, tmax)} K ({int(fit.n_points)} points)    χ²$_\\nu$ = {redchi_text}"
        f"    χ per mole of {per}"
    )


def window_text(tmin_K: float, tmax_K: float) -> str:
    """A fit window with one consistent precision: ``5.0–300.0`` (0.1 K), never ``5.002–300``.

    Parameters
    ----------
    tmin_K, tmax_K : float
        Window ends in kelvin.

    Returns
    -------
    str
        Both ends with one decimal, joined by an en dash ("" when either is not finite).
    """
    if not (np.isfinite(tmin_K) and np.isfinite(tmax_K)):
        return ""
    return f"{tmin_K:.1f}–{tmax_K:.1f}"


# ----------------------------------------------------------------------------- fit panels
#: size (inches) and fixed grid of fit_panels: room for a 3-line heading and a 2-row legend
PANELS_SIZE = (9.0, 7.0)
PANELS_GRID = {"left": 0.085, "right": 0.985, "top": 0.855, "bottom": 0.2, "hspace": 0.36, "wspace": 0.22}
#: size and grid of window_scan
SCAN_SIZE = (5.6, 6.8)
SCAN_GRID = {"left": 0.16, "right": 0.97, "top": 0.94, "bottom": 0.14, "hspace": 0.08}


def fit_panels(fit: Any, *, fig: Figure | None = None, axes: Sequence[Axes] | None = None,
               title: str | None = None, logy: bool | str = "auto", reuse: bool = False) -> Figure:
    """Four panels of a Curie-Weiss fit: χ(T), 1/χ(T), χT(T) and the residuals.

    Each panel shows the data (error bars where known; points outside the fit window in grey),
    the fitted χ(T) = χ0 + C/(T − θ), its Curie-Weiss and χ0 parts, and the fit window shaded.
    The 1/χ panel also shows 1/(χ − χ0) and its straight line (T − θ)/C extrapolated to the
    T-axis intercept T = θ, which is marked. Residuals are (χ − fit)/σ when σ is known, else
    χ − fit. μ_eff, θ, χ0, the window and χ²_ν are written above the panels.

    Parameters
    ----------
    fit : CurieWeissFit
        From :func:`magfit.fit_curie_weiss`.
    fig : Figure, optional
        An empty figure to draw into (a new 9 x 7 inch one by default).
    axes : sequence of 4 Axes, optional
        Draw into these instead (χ, 1/χ, χT, residual); ``fig`` is then their figure.
    title : str, optional
        Heading; default the sample name (``fit.chi.name``).
    logy : bool or "auto"
        Logarithmic χ axis. "auto" (default): when every χ is positive and χ spans more than a
        factor :data:`LOG_SPAN` (a Curie tail), so the high-T data and χ0 stay visible.
    reuse : bool
        Draw into the figure this thread drew the previous ``reuse=True`` fit_panels into (emptied first;
        a new one the first time) instead of a new figure: the same picture at a fraction of the
        cost of creating the axes and their ticks, for drawing many figures in a row (``magfit
        report``). That previously returned Figure is overwritten: save it before the next call.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np, magfit
    >>> t = np.linspace(5.0, 300.0, 60)
    >>> chi = magfit.simulate.curie_weiss(t, theta_K=-10.0, mu_eff=5.92, chi0_emu_mol=2e-4)
    >>> fig = magfit.plot.fit_panels(magfit.fit_curie_weiss(chi))
    >>> [ax.get_title(loc="left") for ax in fig.axes]
    ['susceptibility', 'inverse susceptibility', 'χT', 'residuals in the window']
    >>> fig.savefig("cw_fit.png")                              # doctest: +SKIP
    """
    chi = _as_chit(_get_fit_attr(fit, "chi"), "fit_panels").sorted()
    tmin, tmax = float(_get_fit_attr(fit, "tmin_K")), float(_get_fit_attr(fit, "tmax_K"))
    chi0_n, _ = _nominal_std(_get_fit_attr(fit, "chi0"))
    theta_n, _ = _nominal_std(_get_fit_attr(fit, "theta_K"))
    c_n, _ = _nominal_std(_get_fit_attr(fit, "C"))

    with style():
        if axes is not None:
            if len(axes) != 4:
                raise MagfitError(f"fit_panels: axes must hold 4 Axes (chi, 1/chi, chiT, residual), "
                                  f"got {len(axes)}")
            ax_chi, ax_inv, ax_chit, ax_res = axes
            fig = ax_chi.figure
        elif fig is None and reuse:
            fig, (ax_chi, ax_inv, ax_chit, ax_res) = _template("fit_panels", PANELS_SIZE, 2, 2, PANELS_GRID)
        else:
            if fig is None:
                fig = _figure(PANELS_SIZE, layout=None)
            # a fixed grid: constrained layout would cost ~2/3 of the rendering time
            ax_chi, ax_inv, ax_chit, ax_res = fig.subplots(2, 2, gridspec_kw=PANELS_GRID,
                                                           subplot_kw=_batched_ticks()).ravel()

        t = chi.temperature_K
        y = chi.chi_emu_mol
        err = chi.chi_err_emu_mol
        inside = _window_mask(chi, tmin, tmax)
        t_lo, t_hi = float(np.nanmin(t)), float(np.nanmax(t))
        grid = _grid_T(max(t_lo, 1e-3), t_hi)
        total = np.asarray(fit.eval(grid), dtype=float)
        comps = fit.components(grid)
        cw = np.asarray(comps.get("curie_weiss", total - chi0_n), dtype=float)
        c0 = np.broadcast_to(np.asarray(comps.get("chi0", chi0_n), dtype=float), grid.shape)
        in_grid = (grid >= tmin) & (grid <= tmax)
        # outside the window the model is drawn dashed; no curve across the pole at T = theta,
        # and when the pole is near the data, values far beyond the data range are clipped
        beyond_pole = grid <= theta_n + 0.02 * (t_hi - t_lo) if np.isfinite(theta_n) else False
        total = np.where(beyond_pole, np.nan, total)
        cw = np.where(beyond_pole, np.nan, cw)
        pole_near = bool(np.isfinite(theta_n) and theta_n > t_lo - 0.1 * (t_hi - t_lo))
        ref = y  # clip extrapolations to (a margin around) the range of all the data

        def _clip_to_data(model, data):
            return _clip_model(model, data) if pole_near else model

        show_total = _clip_to_data(total, ref)

        def data(ax, yy, ee):
            out = ~inside
            _errorbar(ax, t[inside], yy[inside], None if ee is None else ee[inside], fmt="o", ms=3.2,
                      color=COLORS["data"], label="data (fitted)", zorder=3)
            if np.any(out):
                _errorbar(ax, t[out], yy[out], None if ee is None else ee[out], fmt="o", ms=3.2,
                          mfc="none", color=COLORS["excluded"], label="data (outside window)",
                          zorder=2)

        # --- chi(T)
        data(ax_chi, y, err)
        ax_chi.plot(grid[in_grid], show_total[in_grid], color=COLORS["fit"], label="fit χ₀ + C/(T − θ)",
                    zorder=4)
        ax_chi.plot(grid, show_total, color=COLORS["fit"], ls=(0, (4, 2)), lw=1.0, zorder=4)
        if chi0_n != 0:
            ax_chi.plot(grid, _clip_to_data(cw, ref), color=COLORS["curie_weiss"], ls="--", lw=1.2,
                        label="C/(T − θ) part", zorder=4)
            ax_chi.plot(grid, c0, color=COLORS["chi0"], ls=":", lw=1.4, label="χ₀ part", zorder=4)
        _shade_window(ax_chi, tmin, tmax, label="fit window")
        if _use_log(y, logy):
            ax_chi.set_yscale("log")
            positive = y[np.isfinite(y) & (y > 0)]
            ax_chi.set_ylim(*_log_limits(positive))  # the data, not decades down to the χ0 line
        ax_chi.set_xlabel(LABELS["T"])
        ax_chi.set_ylabel(LABELS["chi"])
        ax_chi.set_title("susceptibility", loc="left")

        # --- 1/chi(T) with the Curie-Weiss line extrapolated to theta
        with np.errstate(divide="ignore", invalid="ignore"):
            inv = np.where(y > 0, 1.0 / y, np.nan)
            inv_err = None if err is None else err / y**2
            corr = y - chi0_n
            inv_corr = np.where(corr > 0, 1.0 / corr, np.nan)
            inv_total = np.where(total > 0, 1.0 / total, np.nan)
        data(ax_inv, inv, inv_err)
        ax_inv.plot(grid[in_grid], inv_total[in_grid], color=COLORS["fit"], zorder=4)
        top_data = _finite_max(inv[inside])
        cw_line = c_n > 0 and np.isfinite(theta_n)
        line_top = (t_hi - theta_n) / c_n if cw_line else np.nan
        top_cw = _finite_max(np.concatenate([inv_corr[inside], [line_top]]))
        # when chi0 dominates, 1/(chi - chi0) dwarfs 1/chi: give it its own (right) axis
        ax_cw = ax_inv
        if chi0_n != 0 and top_data > 0 and top_cw > INVERSE_TWIN_RATIO * top_data:
            ax_cw = ax_inv.twinx(axes_class=type(ax_inv))
            ax_inv.tick_params(right=False)
            ax_cw.set_ylabel("1/(χ − χ₀) (mol Oe emu⁻¹)", color=COLORS["curie_weiss"])
            ax_cw.tick_params(axis="y", colors=COLORS["curie_weiss"])
            ax_inv.set_ylim(-0.04 * top_data, 1.12 * top_data)
            if axes is None:  # room for the right-hand tick labels
                ax_inv.get_subplotspec().get_gridspec().update(right=PANELS_GRID["right"] - 0.045)
                for ax_ in fig.axes:  # GridSpec.update only moves axes of pyplot figures
                    ax_.set_position(ax_.get_subplotspec().get_position(fig))
        if chi0_n != 0:
            ax_cw.plot(t[inside], inv_corr[inside], "s", ms=2.6, mfc="none", mew=0.7,
                       color=COLORS["curie_weiss"], label="1/(χ − χ₀)", zorder=3)
        if cw_line:
            t_line = np.array([theta_n, t_hi])
            ax_cw.plot(t_line, (t_line - theta_n) / c_n, color=COLORS["curie_weiss"], ls="--", lw=1.2,
                       label="(T − θ)/C", gid="theta-line", zorder=4)
            ax_cw.plot([theta_n], [0.0], marker="v", ms=8, color=COLORS["theta"], ls="none",
                       gid="theta-marker", label=f"θ = {format_ufloat(fit.theta_K, 'K')}", zorder=5,
                       clip_on=False)
            ax_inv.axhline(0.0, color="0.6", lw=0.6, zorder=1)
            top = top_cw if ax_cw is not ax_inv else max(top_cw, top_data)
            if top > 0:
                ax_cw.set_ylim(-0.04 * top, 1.12 * top)
            ax_inv.set_xlim(min(theta_n, t_lo) - 0.04 * (t_hi - min(theta_n, 0.0)), t_hi * 1.03)
        _shade_window(ax_inv, tmin, tmax)
        ax_inv.set_xlabel(LABELS["T"])
        ax_inv.set_ylabel(LABELS["inv_chi"])
        ax_inv.set_title("inverse susceptibility", loc="left")
        inv_handles = [(h, lab) for ax_ in dict.fromkeys([ax_inv, ax_cw])
                       for h, lab in zip(*ax_.get_legend_handles_labels(), strict=True)
                       if not lab.startswith("data") and lab != "fit window"]
        if inv_handles and axes is not None:
            ax_cw.legend(*zip(*inv_handles, strict=True),
                         loc="upper left" if ax_cw is ax_inv else "lower right")

        # --- chi*T
        chit = y * t
        ref_chit = chit
        data(ax_chit, chit, None if err is None else err * t)
        ax_chit.plot(grid[in_grid], (show_total * grid)[in_grid], color=COLORS["fit"], zorder=4)
        ax_chit.plot(grid, _clip_to_data(total * grid, ref_chit), color=COLORS["fit"], ls=(0, (4, 2)),
                     lw=1.0, zorder=4)
        if chi0_n != 0:
            ax_chit.plot(grid, _clip_to_data(cw * grid, ref_chit), color=COLORS["curie_weiss"], ls="--",
                         lw=1.2, zorder=4)
        if c_n > 0:
            ax_chit.axhline(c_n, color=COLORS["curie_weiss"], lw=0.8, ls=":", zorder=1,
                            label=f"C = {format_ufloat(fit.C)} emu K mol⁻¹ (T → ∞ limit of χT − χ₀T)")
        _shade_window(ax_chit, tmin, tmax)
        ax_chit.set_xlabel(LABELS["T"])
        ax_chit.set_ylabel(LABELS["chiT"])
        ax_chit.set_title("χT", loc="left")

        # --- residuals inside the window
        model_at_t = np.asarray(fit.eval(t), dtype=float)
        resid = y - model_at_t
        use_sigma = chi.has_errors
        if use_sigma:
            resid = resid / err
        _errorbar(ax_res, t[inside], resid[inside], None, fmt="o", ms=3.2, color=COLORS["data"], zorder=3)
        ax_res.axhline(0.0, color=COLORS["fit"], lw=1.0, zorder=2)
        if use_sigma:
            for k in (-2, 2):
                ax_res.axhline(k, color="0.6", lw=0.6, ls=":", zorder=1)
        _shade_window(ax_res, tmin, tmax)
        ax_res.set_xlim(ax_chi.get_xlim())
        ax_res.set_xlabel(LABELS["T"])
        ax_res.set_ylabel(LABELS["residual_sigma"] if use_sigma else LABELS["residual"])
        ax_res.set_title("residuals in the window", loc="left")

        # one legend for the figure, outside the data: every entry of every panel, once
        handles, labels = ax_chi.get_legend_handles_labels()
        extra = list(zip(*ax_chit.get_legend_handles_labels(), strict=True))
        if axes is None:
            extra = inv_handles + extra
        for h, lab in extra:
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
        if axes is None:
            fig.legend(handles, labels, loc="lower center", ncols=min(len(labels), 3),
                       bbox_to_anchor=(0.5, 0.0))
            fig.suptitle(f"{_heading(fit, title) or 'Curie-Weiss fit'}\n{_result_text(fit)}", fontsize=10,
                         y=0.99, va="top")
        else:
            ax_chi.legend(handles, labels, loc="best")
            ax_chi.text(0.98, 0.97, _result_text(fit), transform=ax_chi.transAxes, ha="right",
                        va="top", fontsize=8)
        _plain_tick_labels(fig)
    return fig


#: fit_panels draws 1/(χ − χ0) on its own right axis when it exceeds 1/χ by more than this factor
INVERSE_TWIN_RATIO = 5.0


def _finite_max(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.max()) if finite.size else float("nan")


#: fit_panels(logy="auto") uses a log χ axis when max(χ)/min(χ) exceeds this
LOG_SPAN = 30.0


def _use_log(y: np.ndarray, logy: bool | str) -> bool:
    if logy != "auto":
        return bool(logy)
    finite = y[np.isfinite(y)]
    return bool(finite.size and np.all(finite > 0) and finite.max() / finite.min() > LOG_SPAN)


def _log_limits(y: np.ndarray) -> tuple[float, float]:
    return float(y.min()) / 1.5, float(y.max()) * 1.5


def _clip_model(model: np.ndarray, data: np.ndarray, margin: float = 0.6) -> np.ndarray:
    """The model with values far outside the data's range set to NaN (keeps axes on the data)."""
    finite = data[np.isfinite(data)]
    if finite.size == 0:
        return model
    lo, hi = float(finite.min()), float(finite.max())
    span = hi - lo if hi > lo else abs(hi) or 1.0
    out = np.array(model, dtype=float, copy=True)
    out[(out < lo - margin * span) | (out > hi + margin * span)] = np.nan
    return out


# ----------------------------------------------------------------------------- window scan
_SCAN_PANELS = (
    ("theta_K", "theta_K_err", "theta", "theta_K"),
    ("mu_eff", "mu_eff_err", "mu_eff", "mu_eff"),
    ("chi0_emu_mol", "chi0_emu_mol_err", "chi0", "chi0"),
)


def window_scan(fit: Any, *, fig: Figure | None = None, axes: Sequence[Axes] | None = None,
                title: str | None = None, reuse: bool = False) -> Figure:
    """θ, μ_eff and χ0 against the lower end T_min of the fit window (``fit.scan``).

    Accepted trial windows are filled markers, rejected ones open grey markers; the chosen
    T_min is a dashed vertical line and the final value ± its error a shaded band. A plateau
    means the result does not depend on where the window starts.

    Parameters
    ----------
    fit : CurieWeissFit
        From :func:`magfit.fit_curie_weiss` (uses ``fit.scan``, ``fit.tmin_K`` and the values).
    fig : Figure, optional
        An empty figure to draw into.
    axes : sequence of 3 Axes, optional
        Draw into these (θ, μ_eff, χ0).
    title : str, optional
        Heading; default the sample name.
    reuse : bool
        Draw into the figure this thread drew the previous ``reuse=True`` window_scan into (emptied first;
        a new one the first time) instead of a new figure: the same picture at a fraction of the
        cost of creating the axes and their ticks, for drawing many figures in a row (``magfit
        report``). That previously returned Figure is overwritten: save it before the next call.

    Returns
    -------
    matplotlib.figure.Figure
    """
    scan = _get_fit_attr(fit, "scan")
    if scan is None or len(scan) == 0:
        raise MagfitError("window_scan: the fit has an empty scan table (fixed window?); "
                          "fit with an automatic window to see how the results depend on T_min")
    chosen = float(_get_fit_attr(fit, "tmin_K"))
    own_figure = axes is None
    with style():
        if axes is not None:
            if len(axes) != 3:
                raise MagfitError(f"window_scan: axes must hold 3 Axes, got {len(axes)}")
            fig = axes[0].figure
        elif fig is None and reuse:
            fig, axes = _template("window_scan", SCAN_SIZE, 3, 1, SCAN_GRID, sharex=True)
        else:
            if fig is None:
                fig = _figure(SCAN_SIZE, layout=None)
            axes = fig.subplots(3, 1, sharex=True, gridspec_kw=SCAN_GRID, subplot_kw=_batched_ticks())
        tmin = np.asarray(scan["tmin_K"], dtype=float)
        accepted = (np.asarray(scan["accepted"], dtype=bool) if "accepted" in scan
                    else np.ones(tmin.size, dtype=bool))
        for ax, (col, ecol, label_key, attr) in zip(axes, _SCAN_PANELS, strict=True):
            yy = np.asarray(scan[col], dtype=float) if col in scan else np.full(tmin.size, np.nan)
            ee = np.asarray(scan[ecol], dtype=float) if ecol in scan else None
            value, std = _nominal_std(getattr(fit, attr))
            ylabel = LABELS[label_key]
            if label_key == "chi0":  # explicit power of ten: an offset text would hit the panel above
                power = _power_of_ten(np.concatenate([[value], yy, [] if ee is None else ee]))
                if power:
                    factor = 10.0 ** -power
                    yy, value, std = yy * factor, value * factor, std * factor
                    ee = None if ee is None else ee * factor
                    ylabel = ylabel.replace("(", "(10" + str(power).translate(_SUPERSCRIPT) + " ", 1)
            _errorbar(ax, tmin[accepted], yy[accepted], None if ee is None else ee[accepted], fmt="o",
                      ms=3.5, color=COLORS["data"], label="accepted window", zorder=3)
            if np.any(~accepted):
                _errorbar(ax, tmin[~accepted], yy[~accepted], None if ee is None else ee[~accepted],
                          fmt="o", ms=3.5, mfc="none", color=COLORS["rejected"], label="rejected window",
                          zorder=2)
            if np.isfinite(value):
                ax.axhline(value, color=COLORS["fit"], lw=0.9, zorder=1, label="result ± 1σ")
                if np.isfinite(std) and std > 0:
                    ax.axhspan(value - std, value + std, color=COLORS["fit"], alpha=0.12, lw=0, zorder=0)
            ax.axvline(chosen, color=COLORS["theta"], ls="--", lw=0.9, gid="chosen-tmin",
                       label=f"chosen T$_\\mathrm{{min}}$ = {chosen:.4g} K")
            ax.set_ylabel(ylabel)
            ax.ticklabel_format(axis="y", useOffset=False)  # an offset text would hit the panel above
            if ee is not None:
                _limit_to_errors(ax, yy, ee, value, std, accepted)
            if label_key == "chi0" and value == 0 and not (np.isfinite(std) and std > 0) \
                    and not np.any(np.nan_to_num(yy)):
                ax.text(0.5, 0.78, "χ₀ fixed at 0 (fit without χ₀)", transform=ax.transAxes, ha="center",
                        va="center", fontsize=9, color="0.35")
        axes[-1].set_xlabel(LABELS["tmin"])
        handles, labels = axes[0].get_legend_handles_labels()
        if own_figure:
            fig.legend(handles, labels, loc="lower center", ncols=2, bbox_to_anchor=(0.5, 0.0))
        else:
            axes[0].legend(handles, labels, loc="best")
        if fig is not None and title is not False:
            name = _heading(fit, title)
            axes[0].set_title(f"{name}: fit window scan" if name else "fit window scan", loc="left")
        _plain_tick_labels(fig)
    return fig


def _power_of_ten(values: np.ndarray) -> int:
    """Exponent k so that values / 10**k are of order 1-1000 (0 when no scaling is needed)."""
    finite = np.abs(values[np.isfinite(values) & (values != 0)])
    if finite.size == 0:
        return 0
    k = int(np.floor(np.log10(np.median(finite))))
    return k if k < -2 or k > 3 else 0


def _limit_to_errors(ax: Axes, yy: np.ndarray, ee: np.ndarray, value: float, std: float,
                     accepted: np.ndarray) -> None:
    """Keep the huge error bars of short high-T windows from flattening the informative part.

    The y range covers value ± error of the trial windows whose error is at most
    :data:`SCAN_ERROR_FACTOR` times the median error, the final result ± its error, and the point
    (not the error bar) of every accepted window; larger error bars are clipped. Rejected windows
    outside that range (e.g. fits reaching into an ordered phase) are clipped too, and the panel
    says how many are off scale, above or below.
    """
    ok = np.isfinite(yy) & np.isfinite(ee)
    if ok.sum() < 3:
        return
    core = ok & (ee <= SCAN_ERROR_FACTOR * np.median(ee[ok]))
    shown = np.isfinite(yy) & accepted
    lo = float(min(np.min(yy[core] - ee[core]), np.min(yy[shown], initial=np.inf)))
    hi = float(max(np.max(yy[core] + ee[core]), np.max(yy[shown], initial=-np.inf)))
    if np.isfinite(value):
        s = std if np.isfinite(std) else 0.0
        lo, hi = min(lo, value - s), max(hi, value + s)
    pad = 0.12 * (hi - lo) if hi > lo else abs(hi) * 0.05 or 1.0
    ax.set_ylim(lo - pad, hi + pad)
    for n_off, y_text, va, where in ((int(np.sum(yy > hi + pad)), 0.97, "top", "above"),
                                     (int(np.sum(yy < lo - pad)), 0.03, "bottom", "below")):
        if n_off:
            # right-hand corner, in the padding: off-scale windows are low-T_min ones, at the left
            ax.text(0.99, y_text, f"{n_off} rejected window{'s' * (n_off > 1)} {where}, off scale",
                    transform=ax.transAxes, ha="right", va=va, fontsize=7, color="0.45", gid="off-scale",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0}, zorder=5)


#: window_scan y range: trial windows with errors up to this multiple of the median error
SCAN_ERROR_FACTOR = 4.0


# ----------------------------------------------------------------------------- compare
def _is_simulated(chi: ChiT) -> bool:
    prov = chi.provenance or {}
    if any(k in prov for k in ("simulation", "model", "simulate")):
        return True
    return prov.get("kind") in {"simulation", "model"} or (
        chi.chi_err_emu_mol is None and "source" not in prov and len(chi) > 60)


def compare(*chis: Any, labels: Sequence[str] | None = None, normalise: str | None = None,
            ax: Axes | None = None, t_ref_K: float = 300.0, lines: Sequence[bool] | None = None,
            logy: bool = False) -> Figure:
    """Several susceptibility curves on one axes: samples against each other or a simulation.

    Parameters
    ----------
    *chis : ChiT or CurieWeissFit
        Curves to draw (a fit contributes its data, ``fit.chi``).
    labels : sequence of str, optional
        Legend entries; default each curve's ``name`` (or "curve i").
    normalise : None, "chi300", "chiT" or "inverse"
        None: χ(T). "chi300": χ(T)/χ(t_ref_K) with χ(t_ref_K) linearly interpolated, so that
        curves of different magnitude (or per-mass vs per-mole) overlay at t_ref_K. "chiT": χT,
        which is flat (= C) for an ideal paramagnet. "inverse": 1/χ, straight for Curie-Weiss.
    ax : Axes, optional
        Draw into this axes.
    t_ref_K : float
        Reference temperature of ``normalise="chi300"`` (default 300 K); must lie inside each
        curve's temperature range.
    lines : sequence of bool, optional
        True to draw a curve as a line (simulations), False as markers (data); default: lines
        for curves without error bars and without a source file.
    logy : bool
        Logarithmic χ axis (useful for Curie tails spanning decades); ignored for "inverse".

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np, magfit
    >>> t = np.linspace(2.0, 300.0, 50)
    >>> cu = magfit.simulate.curie(t, mu_eff=1.73)             # S = 1/2: chi*T = C = 0.375
    >>> fig = magfit.plot.compare(cu, normalise="chiT", labels=["S = 1/2"])
    >>> fig.axes[0].get_ylabel()
    'χT (emu K mol⁻¹ Oe⁻¹)'
    >>> round(float(fig.axes[0].get_lines()[0].get_ydata()[0]), 3)
    0.374
    >>> fig.savefig("/dev/null", format="png")                 # doctest: +SKIP
    """
    if not chis:
        raise MagfitError("compare: give at least one ChiT")
    if normalise not in NORMALISATIONS:
        raise MagfitError(f"compare: normalise={normalise!r} is not one of {NORMALISATIONS}")
    curves = [_as_chit(c, "compare").sorted() for c in chis]
    if labels is not None and len(labels) != len(curves):
        raise MagfitError(f"compare: {len(labels)} labels for {len(curves)} curves; give one per curve")
    if lines is not None and len(lines) != len(curves):
        raise MagfitError(f"compare: {len(lines)} values in lines= for {len(curves)} curves")
    pers = {c.per for c in curves}
    with style():
        fig, ax = _single_axes(ax, (5.6, 4.2))
        handles: list[Any] = []
        legend_labels: list[str] = []
        for i, c in enumerate(curves):
            t, y = c.temperature_K, c.chi_emu_mol
            e = c.chi_err_emu_mol
            label = labels[i] if labels is not None else (c.name or f"curve {i + 1}")
            if normalise == "chi300":
                lo, hi = float(np.nanmin(t)), float(np.nanmax(t))
                if not lo <= t_ref_K <= hi:
                    raise MagfitError(
                        f"compare: curve {label!r} covers {lo:g}-{hi:g} K, which does not contain "
                        f"t_ref_K={t_ref_K:g} K; pass t_ref_K inside the range or another normalise")
                ref = float(np.interp(t_ref_K, t, y))
                if ref == 0:
                    raise MagfitError(f"compare: curve {label!r} has χ({t_ref_K:g} K) = 0; cannot normalise")
                y, e = y / ref, None if e is None else e / abs(ref)
            elif normalise == "chiT":
                y, e = y * t, None if e is None else e * t
            elif normalise == "inverse":
                with np.errstate(divide="ignore", invalid="ignore"):
                    yy = np.where(y > 0, 1.0 / y, np.nan)
                    e = None if e is None else e / y**2
                y = yy
            as_line = _is_simulated(c) if lines is None else bool(lines[i])
            if as_line:
                (handle,) = ax.plot(t, y, label=label, zorder=3)
            else:
                handle = _errorbar(ax, t, y, e, fmt="o", ms=3.2, label=label, zorder=2)
            handles.append(handle)
            legend_labels.append(label)
        ax.set_xlabel(LABELS["T"])
        ax.set_ylabel({None: LABELS["chi"], "chi300": LABELS["chi_norm"].format(t=t_ref_K),
                       "chiT": LABELS["chiT"], "inverse": LABELS["inv_chi"]}[normalise])
        if logy and normalise != "inverse":
            ax.set_yscale("log")
        if "formula unit" in pers and len(pers) > 1 and normalise != "chi300":
            ax.set_title(f"note: χ per mole of different things: {', '.join(sorted(pers))}", fontsize=8,
                         loc="left")
        ax.legend(handles, legend_labels, loc="best")  # in the order given
    return fig


# ----------------------------------------------------------------------------- raw data
def _segment_label(row: Any) -> str:
    """A legend label from one row of Measurement.segments(): "ZFC 100 Oe warming"."""
    def text(key: str) -> str:
        val = row.get(key, None) if hasattr(row, "get") else None
        if val is None or (isinstance(val, float) and not np.isfinite(val)):
            return ""
        val = str(val).strip()
        return "" if val.lower() in {"nan", "none", "<na>"} else val

    parts: list[str] = []
    protocol = text("protocol")
    kind = text("kind")
    if protocol:
        parts.append(protocol)
    elif kind and kind != "DC":
        parts.append(kind)
    field = text("field_Oe")
    try:
        if field:
            parts.append(f"{float(field):.4g} Oe")
    except ValueError:
        pass
    if text("direction"):
        parts.append(text("direction"))
    if parts:
        return " ".join(parts)
    return text("label") or f"segment {text('id')}"


def _segments(measurement: Any) -> list[tuple[str, Any]]:
    """(label, sub-measurement) per segment; the whole measurement when segments are unknown."""
    try:
        table = measurement.segments()
    except (AttributeError, MagfitError):
        return [("", measurement)]
    if table is None or len(table) == 0:
        return [("", measurement)]
    out = []
    id_col = "id" if "id" in table.columns else None
    for i, (_, row) in enumerate(table.iterrows()):
        seg_id = row[id_col] if id_col else i
        try:
            sub = measurement.select(int(seg_id))
        except (MagfitError, TypeError, ValueError):
            continue
        out.append((_segment_label(row), sub))
    return out or [("", measurement)]


def _raw(measurement: Any, name: str) -> np.ndarray | None:
    arr = getattr(measurement, name, None)
    if arr is None:
        return None
    return np.asarray(arr, dtype=float)


def _line_with_band(ax: Axes, x: np.ndarray, y: np.ndarray, err: np.ndarray | None,
                    label: str | None) -> None:
    """Markers joined by a thin line, the ±1σ range as a light band (dense raw data: bars clutter)."""
    (line,) = ax.plot(x, y, "o-", ms=2.4, lw=0.7, label=label, zorder=2)
    if err is not None and np.any(np.isfinite(err) & (err > 0)):
        e = np.where(np.isfinite(err), err, 0.0)
        ax.fill_between(x, y - e, y + e, color=line.get_color(), alpha=0.22, lw=0, zorder=1)


def mt(measurement: Any, *, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Raw moment against temperature, one curve per segment (ZFC, FC, each field, ...).

    The moment's ±1σ uncertainty (when the file has one) is a light band around each curve.

    Parameters
    ----------
    measurement : Measurement
        From :func:`magfit.read`; segments come from ``measurement.segments()``.
    ax : Axes, optional
        Draw into this axes.
    title : str, optional
        Default: the file name.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with style():
        fig, ax = _single_axes(ax, (5.6, 4.2))
        n = 0
        for label, sub in _segments(measurement):
            t, m = _raw(sub, "temperature_K"), _raw(sub, "moment_emu")
            if t is None or m is None or not np.any(np.isfinite(m)):
                continue
            _line_with_band(ax, t, m, _raw(sub, "moment_err_emu"), label=label or None)
            n += 1
        if n == 0:
            raise MagfitError(f"mt: {_source(measurement)} has no temperature and moment columns to plot")
        ax.set_xlabel(LABELS["T"])
        ax.set_ylabel(LABELS["moment"])
        if ax.get_legend_handles_labels()[1]:
            ax.legend(loc="best")
        ax.set_title(title if title is not None else _source(measurement), loc="left", fontsize=9)
    return fig


def mh(measurement: Any, *, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Raw moment against applied field, one curve per segment.

    The field axis is in kOe when |H| reaches 10 kOe, else Oe.

    Parameters
    ----------
    measurement : Measurement
        From :func:`magfit.read`.
    ax : Axes, optional
        Draw into this axes.
    title : str, optional
        Default: the file name.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with style():
        fig, ax = _single_axes(ax, (5.6, 4.2))
        h_all = _raw(measurement, "field_Oe")
        if h_all is None or not np.any(np.isfinite(h_all)):
            raise MagfitError(f"mh: {_source(measurement)} has no field column to plot")
        kilo = np.nanmax(np.abs(h_all)) >= 1e4
        scale = 1e-3 if kilo else 1.0
        n = 0
        for label, sub in _segments(measurement):
            h, m = _raw(sub, "field_Oe"), _raw(sub, "moment_emu")
            if h is None or m is None or not np.any(np.isfinite(m)):
                continue
            _line_with_band(ax, h * scale, m, _raw(sub, "moment_err_emu"), label=label or None)
            n += 1
        if n == 0:
            raise MagfitError(f"mh: {_source(measurement)} has no field and moment columns to plot")
        ax.axhline(0.0, color="0.6", lw=0.6, zorder=1)
        ax.axvline(0.0, color="0.6", lw=0.6, zorder=1)
        ax.set_xlabel(LABELS["field_kOe"] if kilo else LABELS["field_Oe"])
        ax.set_ylabel(LABELS["moment"])
        if ax.get_legend_handles_labels()[1]:
            ax.legend(loc="best")
        ax.set_title(title if title is not None else _source(measurement), loc="left", fontsize=9)
    return fig


def _source(measurement: Any) -> str:
    from pathlib import Path

    src = getattr(measurement, "source", None)
    name = Path(src).name if src else "measurement"
    if len(name) <= TITLE_CHARS:
        return name
    return name[: TITLE_CHARS // 3] + "…" + name[-(2 * TITLE_CHARS // 3):]


#: longest file name shown in full as an axes title (longer ones are shortened in the middle)
TITLE_CHARS = 60
