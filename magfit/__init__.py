"""magfit: magnetometry analysis for chi(T) of localized and itinerant magnets.

Public API (re-exported here; nothing else lives in this file).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("magfit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

from . import simulate, units
from .chit import ChiT
from .errors import FitError, FormatError, MagfitError, SampleError, SimulationError, UnitsError
from .fitting import CurieWeissFit, fit_curie_weiss
from .ions import Ion, candidate_ions, hund, ion, ions_table
from .models import CurieModel, CurieWeissModel, PauliModel, TIPModel

__all__ = [
    "__version__",
    "units",
    "simulate",
    "ChiT",
    "MagfitError",
    "FormatError",
    "UnitsError",
    "SampleError",
    "FitError",
    "SimulationError",
    "Ion",
    "ion",
    "hund",
    "ions_table",
    "candidate_ions",
    "fit_curie_weiss",
    "CurieWeissFit",
    "CurieModel",
    "CurieWeissModel",
    "TIPModel",
    "PauliModel",
]
