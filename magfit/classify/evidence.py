"""The evidence table (one row per piece of evidence) and small text helpers."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .result import Classification, _head_records  # noqa: F401 - used by the rules
from .thresholds import (
    F_ITINERANT,
    F_LOCALIZED,
)

_EV_COLUMNS = ["quantity", "value", "threshold", "supports", "note"]


class _Evidence:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, quantity: str, value, threshold, supports: str, note: str = "") -> None:
        self.rows.append({"quantity": quantity, "value": value, "threshold": threshold,
                          "supports": supports, "note": note})

    def frame(self) -> pd.DataFrame:
        # mixed numbers/text in one column: keep them as objects (built as objects: no astype copy)
        return pd.DataFrame({c: [r[c] for r in self.rows] for c in _EV_COLUMNS}, columns=_EV_COLUMNS,
                            dtype=object)


def _undetermined(reasons: list[str], ev: _Evidence, **numbers) -> Classification:
    text = "Undetermined: " + " ".join(r if r.endswith(".") else r + "." for r in reasons)
    return Classification(label="undetermined", confidence=0.0, evidence=ev.frame(), explanation=text,
                          reasons=list(reasons), **numbers)


def _sd(u) -> float:
    s = float(getattr(u, "std_dev", 0.0))
    return s if math.isfinite(s) else float("nan")


def _model_supports(name: str) -> str:
    return {"chi0 (Pauli/TIP)": "itinerant", "C/(T-theta)": "localized"}.get(name, "mixed")


def _f_supports(f: float) -> str:
    if not math.isfinite(f):
        return "neither"
    return "localized" if f >= F_LOCALIZED else "itinerant" if f <= F_ITINERANT else "mixed"


def _half(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{int(round(2 * x))}/2"



def _pct(x: float, dx: float) -> str:
    """A fraction and its error as one percentage, '44.5 +/- 0.33 %' (same scale, unit once).

    A non-finite error reads 'error undefined' instead of '+/- nan'.
    """
    if math.isfinite(dx):
        return f"{100 * x:.3g} +/- {100 * dx:.2g} %"
    return f"{100 * x:.3g} % (error undefined)"
