"""M(H): isotherms, magnetisation units, Brillouin fits, hysteresis loops, Arrott plots,
Rhodes-Wohlfarth / Takahashi analysis of ferromagnets and ZFC/FC irreversibility.

Submodules are imported on first use of a name (PEP 562), so ``import magfit.mh`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

_NAMES = {
    "Isotherm": "isotherms", "group_isotherms": "isotherms", "temperature_clusters": "isotherms",
    "field_branches": "isotherms", "isotherms_from_measurement": "isotherms",
    "isotherm_segments": "isotherms",
    "MagnetizationCurve": "convert", "magnetization": "convert", "EMU_MOL_PER_MUB": "convert",
    "subtract_linear": "convert",
    "brillouin": "paramagnet", "brillouin_moment": "paramagnet", "BrillouinFit": "paramagnet",
    "fit_brillouin": "paramagnet", "collapse_check": "paramagnet",
    "LoopResult": "loops", "Saturation": "loops", "saturation": "loops", "analyze_loop": "loops",
    "analyze_isotherm": "loops", "average_repeats": "loops",
    "ArrottResult": "critical", "arrott": "critical", "positive_branch": "critical",
    "EntropyChange": "critical", "magnetic_entropy_change": "critical", "UNIVERSALITY": "critical",
    "p_c_from_mu_eff": "ferro", "rhodes_wohlfarth": "ferro", "FerroResult": "ferro",
    "REFERENCE_FERROMAGNETS": "ferro", "takahashi_slope": "ferro", "ferro_from_files": "ferro",
    "TakahashiResult": "takahashi", "takahashi_parameters": "takahashi",
    "takahashi_m4_coefficient": "takahashi", "deguchi_takahashi_placement": "ferro",
    "ZfcFcResult": "zfcfc", "zfc_fc": "zfcfc", "zfc_fc_from_measurement": "zfcfc",
    "read_isotherms": "api", "report_section": "api",
}

__all__ = sorted(_NAMES)

#: submodules reachable as attributes (``magfit.mh.plot``) without an explicit import
_SUBMODULES = ("isotherms", "convert", "paramagnet", "loops", "critical", "ferro", "zfcfc", "api", "plot",
               "takahashi")


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'magfit.mh' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_NAMES))
