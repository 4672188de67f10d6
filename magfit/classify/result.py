"""The verdict record :class:`Classification` returned by :func:`magfit.classify`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .._json import json_safe


@dataclass(frozen=True, eq=False)
class Classification:
    """Verdict of :func:`classify`.

    Attributes
    ----------
    label : str
        ``"localized"``, ``"itinerant"``, ``"mixed"`` or ``"undetermined"``.
    confidence : float
        0..1 (see :mod:`magfit.classify`); 0 for ``"undetermined"``.
    evidence : pandas.DataFrame
        Columns quantity, value, threshold, supports, note -- one row per piece of evidence.
    explanation : str
        Plain-language reasoning.
    reasons : list[str]
        Short reasons (why undetermined, points dropped, ...).
    curie_fraction, curie_fraction_err : float
        f and its standard error (NaN when not computed).
    p_curie, p_chi0 : float
        F-test p-values (M0 -> M2, M1 -> M2).
    models : pandas.DataFrame
        One row per model: name, n_params, rss, aic, bic, and the parameters.
    mu_eff, mu_eff_err : float
        From the Curie-Weiss + chi0 fit, per magnetic ion (``n_ions``).
    theta_K, C_emu_K_mol, chi0_emu_mol : float
        Fit parameters (with ``*_err``).
    theta_K_err, C_emu_K_mol_err, chi0_emu_mol_err : float
        Standard errors of those parameters.
    chi_pauli_free_emu_mol : float
        Free-electron Pauli susceptibility behind ``stoner_enhancement`` (NaN when not computed).
    candidates : pandas.DataFrame
        Hund's-rules candidate ions for mu_eff (empty when not applicable).
    impurity_fraction, impurity_fraction_err : float
        Curie tail as a fraction of S = ``impurity_spin`` moments per mole of ``per``.
    stoner_enhancement : float
        chi0 / chi_P(free electrons) when a density or Fermi energy was given, else NaN.
    fit : CurieWeissFit or None
        The Curie-Weiss + chi0 fit used.
    flags : list[str]
        Physics flags of the fit and of the classification; each caps the confidence
        (:func:`calibrated_confidence`).
    short_reasons : list[str]
        The deciding rule's reason, annotations and flags as short strings (CLI ``reasons``).
    rule : str
        Short text of the rule that decided.
    field_dependence : dict or None
        Honda-Owen numbers (:func:`magfit.field_dependence.honda_owen`) when several fields were
        present, else None.
    """

    label: str
    confidence: float
    evidence: pd.DataFrame
    explanation: str
    reasons: list[str] = field(default_factory=list)
    curie_fraction: float = float("nan")
    curie_fraction_err: float = float("nan")
    p_curie: float = float("nan")
    p_chi0: float = float("nan")
    models: pd.DataFrame = field(default_factory=pd.DataFrame)
    mu_eff: float = float("nan")
    mu_eff_err: float = float("nan")
    theta_K: float = float("nan")
    theta_K_err: float = float("nan")
    C_emu_K_mol: float = float("nan")
    C_emu_K_mol_err: float = float("nan")
    chi0_emu_mol: float = float("nan")
    chi0_emu_mol_err: float = float("nan")
    n_ions: float = 1.0
    per: str = ""
    candidates: pd.DataFrame = field(default_factory=pd.DataFrame)
    impurity_fraction: float = float("nan")
    impurity_fraction_err: float = float("nan")
    impurity_spin: float = 0.5
    stoner_enhancement: float = float("nan")
    chi_pauli_free_emu_mol: float = float("nan")
    fit: Any = None
    flags: list[str] = field(default_factory=list)
    short_reasons: list[str] = field(default_factory=list)
    rule: str = ""
    field_dependence: dict | None = None

    def summary(self) -> str:
        """Verdict, confidence, explanation and the evidence table as text."""
        head = f"{self.label} (confidence {self.confidence:.2f})"
        ev = self.evidence.to_string(index=False, max_colwidth=60) if len(self.evidence) else "(no evidence)"
        return f"{head}\n{self.explanation}\n\n{ev}"

    def top_candidates(self, k: int = 3) -> list[dict[str, Any]]:
        """The best ``k`` candidate ions as ``{"ion", "mu_eff_expected", "n_sigma"}`` records."""
        if self.candidates is None or self.candidates.empty:
            return []
        out = []
        for r in _head_records(self.candidates, k):
            out.append({"ion": str(r["ion"]), "mu_eff_expected": float(r["mu_eff_expected"]),
                        "n_sigma": float(r["n_sigma"]), "n_sigma_expected": float(r["n_sigma_expected"])})
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict: label, confidence, explanation, numbers, evidence rows, candidates."""
        d = {
            "label": self.label, "confidence": self.confidence, "explanation": self.explanation,
            "reasons": list(self.reasons),
            "curie_fraction": self.curie_fraction, "curie_fraction_err": self.curie_fraction_err,
            "p_curie": self.p_curie, "p_chi0": self.p_chi0,
            "mu_eff": self.mu_eff, "mu_eff_err": self.mu_eff_err, "theta_K": self.theta_K,
            "theta_K_err": self.theta_K_err, "C_emu_K_mol": self.C_emu_K_mol,
            "C_emu_K_mol_err": self.C_emu_K_mol_err, "chi0_emu_mol": self.chi0_emu_mol,
            "chi0_emu_mol_err": self.chi0_emu_mol_err, "n_ions": self.n_ions, "per": self.per,
            "impurity_fraction": self.impurity_fraction, "impurity_fraction_err": self.impurity_fraction_err,
            "impurity_spin": self.impurity_spin, "stoner_enhancement": self.stoner_enhancement,
            "chi_pauli_free_emu_mol": self.chi_pauli_free_emu_mol,
            "candidates": self.top_candidates(3), "flags": list(self.flags),
            "short_reasons": list(self.short_reasons), "rule": self.rule,
            "field_dependence": self.field_dependence,
            "evidence": self.evidence.to_dict(orient="records"),
            "models": self.models.to_dict(orient="records"),
        }
        return json_safe(d)


def _head_records(df: pd.DataFrame, k: int) -> list[dict[str, Any]]:
    """The first ``k`` rows as dicts (pandas ``head(k).to_dict("records")`` costs ~1 ms a call)."""
    if df is None or df.empty:
        return []
    cols = list(df.columns)
    return [dict(zip(cols, row, strict=True)) for row in df.to_numpy(dtype=object)[:k].tolist()]
