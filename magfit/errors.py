"""One exception hierarchy for magfit.

Every message names what was wrong (file, line, column or parameter) and what to do about it.
Catch :class:`MagfitError` to catch them all.
"""

from __future__ import annotations

__all__ = [
    "MagfitError",
    "FormatError",
    "UnitsError",
    "SampleError",
    "FitError",
    "SimulationError",
]


class MagfitError(Exception):
    """Base class of every error magfit raises on purpose."""


class FormatError(MagfitError, ValueError):
    """A file could not be read: unknown format, truncated, missing section or column.

    Parameters
    ----------
    message : str
        What is wrong.
    path : str, optional
        The file.
    line : int, optional
        1-based line number in the file.
    column : str, optional
        The column concerned.
    hint : str, optional
        How to fix it (appended after " -- ").
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 column: str | None = None, hint: str | None = None) -> None:
        where = []
        if path is not None:
            where.append(str(path))
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        text = (", ".join(where) + ": " if where else "") + message
        if hint:
            text += f" -- {hint}"
        super().__init__(text)
        self.path, self.line, self.column, self.hint = path, line, column, hint


class UnitsError(MagfitError, ValueError):
    """A quantity is missing, has unknown units, or an impossible value (zero field, mass <= 0)."""


class SampleError(MagfitError, ValueError):
    """The sample description is incomplete or wrong (unknown formula, ion not in formula...)."""


class FitError(MagfitError, RuntimeError):
    """A fit could not be done (too few points, no convergence, bad window)."""


class SimulationError(MagfitError, ValueError):
    """A simulation was asked for with impossible parameters."""
