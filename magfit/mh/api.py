"""File-level entry points: read a file into magnetisation curves; M(H) report section."""

from __future__ import annotations

from typing import Any

from .convert import MagnetizationCurve, magnetization
from .isotherms import isotherms_from_measurement

__all__ = ["read_isotherms", "report_section"]


def read_isotherms(path_or_measurement, *, unit: str = "auto", read_kwargs: dict | None = None,
                   **sample_kwargs: Any) -> list[MagnetizationCurve]:
    """Read an M(H) file, find its isotherms and branches, convert to magnetisation.

    Parameters
    ----------
    path_or_measurement : str or magfit.Measurement
    unit : str
        See :func:`magfit.mh.magnetization` (``auto``: μB when mass and formula are known).
    read_kwargs : dict, optional
        Passed to :func:`magfit.read`.
    **sample_kwargs
        ``mass_mg``, ``formula``, ``per_ion``, ``n_ions``, ``diamagnetic``, ``holder_emu`` ...

    Returns
    -------
    list of MagnetizationCurve
        One per isotherm, in measurement order.
    """
    from ..io import read

    m = path_or_measurement
    if isinstance(m, str) or hasattr(m, "__fspath__"):
        m = read(m, **(read_kwargs or {}))
    return [magnetization(iso, header=m.header, unit=unit, **sample_kwargs)
            for iso in isotherms_from_measurement(m)]


def report_section(path_or_measurement, **kwargs: Any) -> tuple[list, Any]:
    """Figures and a table for an M(H) report page (the report module calls this).

    Parameters
    ----------
    path_or_measurement : str or magfit.Measurement
    **kwargs
        Passed to :func:`read_isotherms`.

    Returns
    -------
    figures : list of matplotlib.figure.Figure
        The loops / isotherm family (and M vs H/T when there are several isotherms).
    table : pandas.DataFrame
        One row per isotherm: temperature_K, unit, Ms, Ms_err, Mr, Hc_Oe, Hc_Oe_err, chi_hf, notes.
    """
    import pandas as pd

    from . import plot
    from .loops import analyze_isotherm

    curves = read_isotherms(path_or_measurement, **kwargs)
    results = [analyze_isotherm(c, require_closed=False) for c in curves]
    rows = []
    for r in results:
        d = r.to_dict()
        rows.append({k: d[k] for k in ("temperature_K", "unit", "Ms", "Ms_err", "Mr", "Mr_err", "Hc_Oe",
                                       "Hc_Oe_err", "H_eb_Oe", "squareness", "chi_hf", "saturated")}
                    | {"notes": "; ".join(d["notes"])})
    figs = [plot.loops(results)]
    if len(curves) > 1:
        figs.append(plot.reduced(curves))
    return figs, pd.DataFrame(rows)
