"""The default look of magfit figures, applied through :func:`style` (never globally).

Colours are the Okabe-Ito palette, chosen to stay distinguishable for the common forms of
colour-vision deficiency (M. Okabe and K. Ito, "Color Universal Design", 2002,
https://jfly.uni-koeln.de/color/; recommended by B. Wong, Nature Methods 8, 441 (2011)).
Axis labels spell out units in cgs-emu, the package default (see :mod:`magfit.units`).

Importing this module does not import matplotlib; :func:`style` does, on first use.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

__all__ = ["OKABE_ITO", "COLORS", "RC", "LABELS", "style"]

#: Okabe-Ito colours by name (hex sRGB)
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

#: what each element of a figure is drawn with; data in blue, the fit in vermillion, ...
COLORS: dict[str, str] = {
    "data": OKABE_ITO["blue"],
    "fit": OKABE_ITO["vermillion"],
    "curie_weiss": OKABE_ITO["bluish green"],
    "chi0": OKABE_ITO["reddish purple"],
    "window": OKABE_ITO["sky blue"],
    "theta": OKABE_ITO["black"],
    "excluded": "#9A9A9A",
    "rejected": "#9A9A9A",
}

#: property cycle for several curves on one axes (yellow last: weakest on white)
_CYCLE = [OKABE_ITO[k] for k in ("blue", "vermillion", "bluish green", "orange", "reddish purple",
                                 "sky blue", "black", "yellow")]

#: rcParams used inside :func:`style`
RC: dict[str, Any] = {
    "font.size": 10.0,
    "axes.titlesize": 10.5,
    "axes.labelsize": 10.0,
    "legend.fontsize": 8.5,
    "xtick.labelsize": 9.0,
    "ytick.labelsize": 9.0,
    "xtick.direction": "in",
    "ytick.direction": "in",
    "xtick.top": True,
    "ytick.right": True,
    # minor ticks on linear axes cost ~30 % of the rendering time of a report; log axes keep theirs
    "xtick.minor.visible": False,
    "ytick.minor.visible": False,
    "axes.linewidth": 0.8,
    "axes.grid": False,
    "axes.formatter.use_mathtext": True,
    "axes.formatter.limits": (-3, 4),
    "lines.linewidth": 1.5,
    "lines.markersize": 4.0,
    "errorbar.capsize": 0.0,
    "legend.frameon": False,
    "legend.handlelength": 1.8,
    "figure.dpi": 100.0,
    "savefig.dpi": 150.0,
    "savefig.bbox": "tight",
    "figure.constrained_layout.use": False,
    "pdf.fonttype": 42,  # TrueType in PDFs: editable text for journals
    "svg.fonttype": "none",
}

#: axis labels with units (unicode superscripts render in the default DejaVu Sans)
LABELS: dict[str, str] = {
    "T": "T (K)",
    "tmin": "T$_\\mathrm{min}$ of fit window (K)",
    "chi": "χ (emu mol⁻¹ Oe⁻¹)",
    "chi_si": "χ (m³ mol⁻¹)",
    "inv_chi": "1/χ (mol Oe emu⁻¹)",
    "chiT": "χT (emu K mol⁻¹ Oe⁻¹)",
    "chi_norm": "χ / χ({t:g} K)",
    "residual_sigma": "(χ − fit)/σ",
    "residual": "χ − fit (emu mol⁻¹ Oe⁻¹)",
    "theta": "θ (K)",
    "mu_eff": "μ$_\\mathrm{eff}$ (μ$_\\mathrm{B}$)",
    "chi0": "χ₀ (emu mol⁻¹ Oe⁻¹)",
    "moment": "m (emu)",
    "field_Oe": "H (Oe)",
    "field_kOe": "H (kOe)",
}


@contextlib.contextmanager
def style(**overrides: Any) -> Iterator[None]:
    """Apply the magfit figure style inside a ``with`` block; rcParams are restored after.

    Parameters
    ----------
    **overrides
        rcParams that replace the defaults in :data:`RC` for this block.

    Returns
    -------
    A context manager (via :func:`matplotlib.rc_context`); the global rcParams are untouched.

    Examples
    --------
    >>> from magfit._style import style
    >>> with style():
    ...     pass
    """
    import matplotlib
    from cycler import cycler

    rc = dict(RC)
    rc["axes.prop_cycle"] = cycler(color=_CYCLE)
    rc.update(overrides)
    with matplotlib.rc_context(rc):
        yield
