"""The rule machinery: the context every rule reads, a verdict, and :class:`Rule`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .thresholds import (
    THETA_DEGENERATE,
)


@dataclass
class _Ctx:
    """Everything the rules may look at (filled by :func:`classify`)."""

    ev: Any
    reasons: list[str]
    numbers: dict[str, Any]
    f: float
    sf: float
    p_curie: float
    p_chi0: float
    alpha: float
    theta: float
    t_hi: float
    t: np.ndarray
    y: np.ndarray
    w: np.ndarray | None
    chi0_mean: float
    chi0_mean_err: float
    cands: pd.DataFrame
    per_text: str
    mu: float
    rss2: float
    formula: str | None
    formula_ions: list
    features: list[dict]
    t_all: np.ndarray
    y_all: np.ndarray
    flags: list[str]
    notes: list[str] = field(default_factory=list)
    #: the best three candidate ions as records (read once from ``cands``)
    top: list = field(default_factory=list)

    @property
    def curie_law(self) -> bool:
        """A significant Curie term that is a Curie law (C > 0, theta above -T_max)."""
        return (self.p_curie < self.alpha and self.numbers["C_emu_K_mol"] > 0
                and self.theta >= -THETA_DEGENERATE * self.t_hi)

    def model_chi(self, t) -> np.ndarray:
        """The judged fit's C/(T - theta) + chi0 at ``t`` (nominal values; no lmfit result needed)."""
        n = self.numbers
        with np.errstate(all="ignore"):
            return n["C_emu_K_mol"] / (np.asarray(t, dtype=float) - n["theta_K"]) + n["chi0_emu_mol"]

    @property
    def local_ions(self) -> list:
        """Ions of the formula that carry a Curie moment (expected mu_eff > 0)."""
        return [i for i in self.formula_ions if i.mu_eff_expected > 0]


@dataclass
class _Verdict:
    label: str
    confidence: float
    text: str
    short: str
    why_undetermined: str = ""


@dataclass(frozen=True)
class Rule:
    """One entry of the decision chain: a name, the evidence it reads, and its test.

    ``test(ctx)`` returns a verdict, or None to pass the case on to the next rule.
    """

    name: str
    evidence: str
    test: Callable[[_Ctx], _Verdict | None]


def _undetermined_v(short: str, why: str) -> _Verdict:
    return _Verdict("undetermined", 0.0, "", short, why)

