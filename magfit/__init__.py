"""magfit: magnetometry analysis for chi(T) of localized and itinerant magnets.

Public API (re-exported here; nothing else lives in this file).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("magfit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

from . import batch, corrections, mh, plot, report, sample, simulate, units
from .batch import fit_many
from .chit import ChiT
from .classify import Classification, classify
from .errors import FitError, FormatError, MagfitError, SampleError, SimulationError, UnitsError
from .fitting import CurieWeissFit, fit_curie_weiss
from .io import read
from .ions import Ion, candidate_ions, hund, ion, ions_table
from .measurement import Measurement
from .models import CurieModel, CurieWeissModel, PauliModel, TIPModel
from .sample import Sample, molar_mass_g_mol, resolve_sample

__all__ = [
    "__version__",
    "units",
    "simulate",
    "plot",
    "batch",
    "report",
    "fit_many",
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
    "classify",
    "Classification",
    "read",
    "Measurement",
    "fit_curie_weiss",
    "CurieWeissFit",
    "CurieModel",
    "CurieWeissModel",
    "TIPModel",
    "PauliModel",
    "sample",
    "corrections",
    "Sample",
    "resolve_sample",
    "molar_mass_g_mol",
    "mh",
]
