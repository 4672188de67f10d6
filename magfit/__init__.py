"""magfit: magnetometry analysis for chi(T) of localized and itinerant magnets.

Public API (re-exported here; nothing else lives in this file). Imports are lazy (PEP 562):
``import magfit`` loads no submodule; ``magfit.fit_curie_weiss`` imports :mod:`magfit.fitting`
on first use, so the command line and ``import magfit`` stay fast.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

#: public name -> submodule that defines it; one line per name. A name equal to its module's name
#: is that submodule, unless the module defines an attribute of the same name (``classify``: the
#: function, as the former eager ``from .classify import classify`` gave).
_LAZY: dict[str, str] = {
    "units": "units",
    "simulate": "simulate",
    "plot": "plot",
    "batch": "batch",
    "report": "report",
    "fit_many": "batch",
    "ChiT": "chit",
    "MagfitError": "errors",
    "FormatError": "errors",
    "UnitsError": "errors",
    "SampleError": "errors",
    "FitError": "errors",
    "SimulationError": "errors",
    "Ion": "ions",
    "ion": "ions",
    "hund": "ions",
    "ions_table": "ions",
    "candidate_ions": "ions",
    "classify": "classify",
    "Classification": "classify",
    "read": "io",
    "Measurement": "measurement",
    "fit_curie_weiss": "fitting",
    "CurieWeissFit": "fitting",
    "CurieModel": "models",
    "CurieWeissModel": "models",
    "TIPModel": "models",
    "PauliModel": "models",
    "sample": "sample",
    "corrections": "corrections",
    "Sample": "sample",
    "resolve_sample": "sample",
    "molar_mass_g_mol": "sample",
    "mh": "mh",
    "spin": "spin",
    "varpro": "varpro",
    "systematics": "systematics",
    "field_dependence": "field_dependence",
    "honda_owen": "field_dependence",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    """Import the submodule defining ``name`` on first access (PEP 562) and cache the attribute."""
    if name == "__version__":            # importlib.metadata costs ~50 ms: only when asked
        globals()[name] = _version()
        return globals()[name]
    try:
        module_name = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'magfit' has no attribute {name!r}") from None
    module = importlib.import_module(f".{module_name}", __name__)
    value = getattr(module, name, module) if module_name == name else getattr(module, name)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """The magfit package object: importing a submodule whose name is also a re-exported function
    (``magfit.classify``) must not replace the function by the submodule."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and name in _LAZY and name in globals() \
                and not isinstance(globals()[name], types.ModuleType):
            return
        if isinstance(value, types.ModuleType) and name in _LAZY and name not in globals() \
                and hasattr(value, name):
            return          # the submodule is being registered; __getattr__ will give the function
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("magfit")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0+unknown"


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
