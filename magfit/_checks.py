"""Argument checks shared by the fitting modules (no lmfit, no pandas: cheap to import)."""

from __future__ import annotations

import math

from .errors import FitError

__all__ = ["check_n_ions"]


def check_n_ions(n_ions) -> float:
    """``n_ions`` as a positive finite float (magnetic ions per mole unit), else :class:`FitError`.

    Parameters
    ----------
    n_ions : float-like
        Magnetic ions per mole of what the data count.

    Returns
    -------
    float
        The checked value.
    """
    try:
        n = float(n_ions)
    except (TypeError, ValueError):
        raise FitError(f"n_ions must be a positive number of magnetic ions per mole unit, got {n_ions!r}") \
            from None
    if not math.isfinite(n) or n <= 0:
        raise FitError(f"n_ions must be a positive number of magnetic ions per mole unit, got {n_ions!r}")
    return n
