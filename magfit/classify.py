"""Localized, itinerant or mixed? A verdict on chi(T) with the evidence behind it.

:func:`classify` compares three models on the same temperature window -- the whole paramagnetic
range (every point above ``1.5 x`` any ordering feature found by
:func:`magfit.window.ordering_features`), or the window of a :class:`~magfit.CurieWeissFit` when one
is given (pass ``magfit.fit_curie_weiss(chi)`` to judge, and take mu_eff, on the automatic
Curie-Weiss window instead):

* **M0** Pauli / temperature-independent: chi = chi0                       (1 parameter)
* **M1** Curie-Weiss:                     chi = C/(T - theta)              (2 parameters)
* **M2** Curie-Weiss + chi0:              chi = C/(T - theta) + chi0       (3 parameters)

with the same residual weights (1/sigma when the data carry error bars), by AIC/BIC and by two
nested F-tests (scipy.stats.f): M0 -> M2 ("is there a Curie term?", p_curie) and M1 -> M2
("is there a T-independent term?", p_chi0). The **Curie fraction** f is the share of the
paramagnetic chi at the highest temperature of the window carried by the Curie-Weiss term,

    f = CW(T_max) / (CW(T_max) + max(chi0, 0)),      CW(T) = C/(T - theta)

(a negative chi0 is core diamagnetism, not Pauli paramagnetism, so it does not lower f), with its
uncertainty propagated from the correlated fit parameters (uncertainties package).

Decision rule: a chain of small named rules (:data:`RULES`)
------------------------------------------------------------
Each :class:`Rule` names the evidence it reads; the first that returns a verdict decides, and the
evidence table records which (row "deciding rule"). A new rule is one entry of :data:`RULES`.

0. Fewer than :data:`MIN_POINTS` finite points, fewer than :data:`MIN_DISTINCT_T` distinct
   temperatures, or a failed fit -> ``"undetermined"`` (before the chain). Several fields: M/H is
   first tested for field dependence (:func:`magfit.field_dependence.honda_owen`); a significant
   one is never merged -- the Honda-Owen chi(T) is classified and a flag raised.
1. **F-test computable**, else undetermined.
2. **Van Vleck ion**: the formula holds Eu3+ or Sm3+ and chi is not a clean Curie law (flat, no
   Curie law, or a small Curie share) -> ``"localized"`` (Van Vleck multiplets; fit the multiplet
   formula, not Curie-Weiss).
3. **Gapped or low-dimensional**: a chi maximum below which chi falls to < :data:`GAP_DROP` of it
   (singlet ground state: dimer, spin ladder), or chi rising on heating by more than
   :data:`RISE_GAPPED` (:data:`RISE_GAPPED_ION` when the formula holds a local-moment ion)
   -> ``"localized"`` (fit a cluster or chain model).
4. **Temperature independent** (p_curie > :data:`ALPHA`): a Curie-tail bound f + :data:`Z_BOUND`
   sigma_f < :data:`F_ITINERANT` from a Curie + chi0 fit, chi0 > 0, and *positive* evidence for a
   metal (:func:`_itinerant_refusal`: chi below the plausible Pauli value for the formula,
   :func:`magfit.field_dependence.pauli_bound_emu_mol`, and no local-moment ion of the formula
   whose bulk Curie constant the Curie term could be -- share < :data:`BULK_SHARE_MAX`) ->
   ``"itinerant"``; otherwise undetermined.
5a. **Enhanced Pauli**: chi = a (1 + b T^2) with |b| T_max^2 < :data:`T2_WEAK` is as good (AIC) as
   C/(T - theta) + chi0, there is no Curie law with a Curie share above :data:`F_ITINERANT`, and the
   positive evidence of rule 4 holds -> ``"itinerant"``.
5. **No Curie law** (theta < -:data:`THETA_DEGENERATE` T_max or C <= 0): ``"itinerant"`` (confidence
   at most :data:`DEGENERATE_CONFIDENCE`) only when a bounded Curie-Weiss law is rejected, chi
   varies by < :data:`FLAT_VARIATION`, the implied moment exceeds :data:`MU_EFF_MAX` or C <= 0, and
   the positive evidence of rule 4 holds; else undetermined.
6. **Curie constant resolved** (C >= :data:`Z_BOUND` sigma_C) and 7. **Curie fraction determined**
   (sigma_f <= :data:`SIGMA_F_MAX`), else undetermined.
8. f >= :data:`F_LOCALIZED` -> ``"localized"``; 9. f <= :data:`F_ITINERANT` with the positive
   evidence of rule 4 -> ``"itinerant"`` (Curie tail, impurity concentration reported);
   10. otherwise ``"mixed"``.

Annotations (:data:`ANNOTATIONS`) never change the label: a single-field chi0 above any plausible
Pauli value (a flag), a window-systematic drift with a 4f ion (crystal-field depopulation, see
:mod:`magfit.systematics`), a chi maximum (long- or short-range order).

What ``confidence`` means: the probability that the label is right given the evidence. Each rule
gives a Gaussian probability that its statistic lies on the chosen side of its threshold (e.g.
Phi((f - F_LOCALIZED)/sigma_f) x (1 - p_curie)), or a fixed base value for the shape rules
(:data:`GAPPED_CONFIDENCE`, :data:`VAN_VLECK_CONFIDENCE`); every physics flag caps it at
:data:`FLAG_CAP` ** n_flags (:func:`calibrated_confidence`), so a flagged fit never reaches 0.95.
It is 0 for ``"undetermined"``. The calibration (fraction right per confidence bin, on a labelled
synthetic set across regimes, noise levels and windows) is printed by
``benchmarks/bench_calibration.py``.

Supporting evidence (reported, not used by the rule): AIC/BIC of the three models; mu_eff per
magnetic ion against :func:`magfit.ions.candidate_ions`; a weak T^2 dependence of chi - CW(T) in
the chi0-dominated part (enhanced Pauli, chi(T) = chi(0)[1 + b T^2]); the Stoner enhancement
chi0 / chi_P(free electrons) when an electron density or Fermi energy is given, with
chi_P = N_A mu_B^2 (3/2) / E_F per conduction electron (cgs; Ashcroft & Mermin ch. 31) and
E_F = hbar^2 (3 pi^2 n)^(2/3) / (2 m_e).

References
----------
H. Akaike, IEEE Trans. Autom. Control 19, 716 (1974); G. Schwarz, Ann. Stat. 6, 461 (1978);
N. W. Ashcroft and N. D. Mermin, *Solid State Physics* (1976) ch. 31 (Pauli, Curie);
S. Blundell, *Magnetism in Condensed Matter* (OUP 2001) ch. 5 and 7 (Stoner enhancement).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import constants as sc
from scipy import stats

from ._json import json_safe
from .chit import ChiT
from .errors import FitError, MagfitError
from .field_dependence import honda_owen, pauli_bound_emu_mol, single_field_flag
from .units import MU_B_ERG_G, N_A, curie_from_mu_eff

__all__ = [
    "classify",
    "Classification",
    "pauli_free_electron_emu_mol",
    "fermi_energy_eV",
    "LABELS",
    "ALPHA",
    "F_LOCALIZED",
    "F_ITINERANT",
    "SIGMA_F_MAX",
    "Z_BOUND",
    "THETA_DEGENERATE",
    "MU_EFF_MAX",
    "FLAT_VARIATION",
    "DEGENERATE_CONFIDENCE",
    "MIN_POINTS",
    "MIN_DISTINCT_T",
    "RULES",
    "Rule",
    "calibrated_confidence",
    "FLAG_CAP",
]

LABELS = ("localized", "itinerant", "mixed", "undetermined")

#: significance level of the F-tests: a term is "needed" when p < ALPHA (1 % false alarms; with
#: tens of points, a real Curie term of a few % is far below this)
ALPHA = 0.01
#: f >= F_LOCALIZED -> localized: a Van Vleck/TIP term of ~1e-4 emu/mol next to an S = 1/2 Curie
#: term at 300 K (1.25e-3 emu/mol) gives f ~ 0.93; 0.8 leaves room for that and for noise
F_LOCALIZED = 0.8
#: f <= F_ITINERANT -> itinerant: impurity Curie tails of metals are typically a few % of chi at
#: room temperature; 0.2 keeps a factor-of-4 margin from the localized side
F_ITINERANT = 0.2
#: the Curie fraction is "not determined" when its standard error exceeds this
SIGMA_F_MAX = 0.2
#: flat data: the Curie-tail bound is f + Z_BOUND sigma_f (one-sided ~2.3 %)
Z_BOUND = 2.0
#: theta < -THETA_DEGENERATE * T_max: C/(T - theta) varies by < 2x over the window, so it cannot be
#: told from a slowly varying background (a Curie-Weiss law needs T >~ 2|theta|, Blundell ch. 5)
THETA_DEGENERATE = 1.0
#: no Hund's-rules ion exceeds 10.65 mu_B (Dy3+); a larger "moment" from a degenerate fit is no ion
MU_EFF_MAX = 12.0
#: degenerate Curie-Weiss term: chi counts as "weakly T dependent" when the fitted curve changes by
#: less than this fraction of its mean over the window (Pd: ~10 % between 2 K and 300 K)
FLAT_VARIATION = 0.3
#: no Pauli paramagnet has chi above this (emu/mol): Pd, the textbook exchange-enhanced metal, has
#: 5.4e-4 (CRC) and metals on the verge of ferromagnetism reach ~1e-2 [from memory]; a larger, nearly
#: T-independent chi is a saturated (ordered) ferro/ferrimagnet in a small field, or a wrong mass or
#: molar mass, so an "itinerant" verdict is refused
PAULI_CHI_MAX_EMU_MOL = 0.05
#: confidence of an itinerant verdict that rests on excluding a Curie law, not on a fit of one
DEGENERATE_CONFIDENCE = 0.5
#: sanity limits: |chi| beyond 1e8 emu/mol (a saturated ferromagnet in 1 Oe is ~1e4) or T beyond
#: 1e5 K is not a measurement; such points are dropped and counted
CHI_ABS_MAX = 1e8
T_MAX_K = 1e5
#: residual sum of squares below this fraction of sum(chi^2) (rms ~1e-9 relative) is round-off:
#: noise-free data, whose parameter covariance is 0/0
EXACT_REL = 1e-18
#: minimum finite points and distinct temperatures for any verdict (3 parameters + F-test dof)
MIN_POINTS = 8
MIN_DISTINCT_T = 5
#: chi falling below this fraction of its maximum on cooling: a singlet (gapped) ground state, not order
#: (a powder Neel antiferromagnet keeps 2/3 of chi(T_N), an S = 1/2 chain ~0.7, a dimer goes to 0)
GAP_DROP = 0.5
#: chi rising with T by more than this (relative, over the window) is no Pauli metal's: a gapped spectrum
RISE_GAPPED = 0.3
#: ... and by more than this when the formula holds a local-moment ion
RISE_GAPPED_ION = 0.05
#: base confidence of the shape rules (calibrated in benchmarks/bench_calibration.py)
GAPPED_CONFIDENCE = 0.9
GAPPED_CONFIDENCE_NO_ION = 0.75
VAN_VLECK_CONFIDENCE = 0.9
#: a Curie term below this share of the bulk ions' Curie constant is an impurity tail, not the bulk
BULK_SHARE_MAX = 0.1
#: itinerant is refused when chi exceeds this share of the formula ions' free Curie chi at T_max
BULK_CHI_MAX = 0.3
#: each physics flag caps the confidence at FLAG_CAP ** n_flags (one flag: 0.9 < 0.95)
FLAG_CAP = 0.9
#: base confidence of an enhanced-Pauli (T^2) verdict
T2_CONFIDENCE = 0.85
#: flags of the internal whole-range fit that say nothing about the label (see _label_flags)
LABEL_NEUTRAL_FLAGS = ("T_min < 2|theta|", "C not significantly positive", "uncertainties not estimated")
#: 4f ions with L > 0: a window starting below this may sit inside the crystal-field multiplet
CF_TMIN_K = 150.0
#: ... and is flagged when mu_eff moves over the neighbouring windows by more than this x its error
CF_SYS_RATIO = 2.0
#: T^2 evidence: points where CW(T) is below this share of chi count as chi0-dominated
CHI0_DOMINATED = 0.5
#: T^2 evidence: b T_max^2 below this is "weak" (enhanced Pauli; Pd changes by ~10 % up to 80 K)
T2_WEAK = 0.3


# ============================================================================ free electrons
def fermi_energy_eV(electron_density_cm3: float) -> float:
    """Free-electron Fermi energy E_F = hbar^2 (3 pi^2 n)^(2/3) / (2 m_e), in eV.

    Parameters
    ----------
    electron_density_cm3 : float
        Conduction-electron density n in cm^-3 (Na: 2.65e22 -> 3.24 eV, Ashcroft & Mermin Table 2.1).

    Returns
    -------
    float
    """
    n_m3 = float(electron_density_cm3) * 1e6
    if not math.isfinite(n_m3) or n_m3 <= 0:
        raise MagfitError(
            f"electron_density_cm3={electron_density_cm3!r} must be a positive density in cm^-3"
        )
    e_f = sc.hbar**2 * (3.0 * math.pi**2 * n_m3) ** (2.0 / 3.0) / (2.0 * sc.m_e)
    return e_f / sc.e


_fermi_energy_from_density = fermi_energy_eV


def pauli_free_electron_emu_mol(fermi_energy_eV: float, electrons_per_formula_unit: float = 1.0) -> float:
    """Free-electron Pauli susceptibility per mole of formula units (cgs-emu).

    chi_P = N_A mu_B^2 g(E_F) per atom = N_A mu_B^2 (3/2) Z / E_F for Z conduction electrons per
    formula unit (g(E_F) = 3 Z / (2 E_F), both spins). Na (E_F = 3.24 eV): 1.50e-5 emu/mol.

    Parameters
    ----------
    fermi_energy_eV : float
        Fermi energy in eV.
    electrons_per_formula_unit : float
        Conduction electrons per formula unit Z.

    Returns
    -------
    float
        chi_P in emu/mol.

    References
    ----------
    Ashcroft & Mermin, *Solid State Physics*, eq. 31.69; /work/shared/PHYSICS.md d.
    """
    ef = float(fermi_energy_eV)
    if not math.isfinite(ef) or ef <= 0:
        raise MagfitError(f"fermi_energy_eV={fermi_energy_eV!r} must be positive (eV)")
    ef_erg = ef * sc.e * 1e7
    return N_A * MU_B_ERG_G**2 * 1.5 * float(electrons_per_formula_unit) / ef_erg


# ============================================================================ result
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
        for _, r in self.candidates.head(k).iterrows():
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




# ============================================================================ helpers
_EV_COLUMNS = ["quantity", "value", "threshold", "supports", "note"]


class _Evidence:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, quantity: str, value, threshold, supports: str, note: str = "") -> None:
        self.rows.append({"quantity": quantity, "value": value, "threshold": threshold,
                          "supports": supports, "note": note})

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=_EV_COLUMNS)
        # mixed numbers/text in one column: keep them as objects
        return df.astype({"value": object, "threshold": object})


def _undetermined(reasons: list[str], ev: _Evidence, **numbers) -> Classification:
    text = "Undetermined: " + " ".join(r if r.endswith(".") else r + "." for r in reasons)
    return Classification(label="undetermined", confidence=0.0, evidence=ev.frame(), explanation=text,
                          reasons=list(reasons), **numbers)


def _phi(z: float) -> float:
    if not math.isfinite(z):
        return 1.0 if z > 0 else 0.0
    return float(stats.norm.cdf(z))


def _ftest(rss_small: float, k_small: int, rss_big: float, k_big: int, n: int) -> tuple[float, float]:
    """F statistic and p-value for nested least-squares models (big contains small)."""
    dfn, dfd = k_big - k_small, n - k_big
    if dfd <= 0:
        return float("nan"), float("nan")
    if rss_big <= 0:
        return (float("inf"), 0.0) if rss_small > 0 else (0.0, 1.0)
    fstat = max((rss_small - rss_big) / dfn, 0.0) / (rss_big / dfd)
    return float(fstat), float(stats.f.sf(fstat, dfn, dfd))


def _ic(rss: float, n: int, k: int) -> tuple[float, float]:
    """AIC and BIC for least squares: n ln(RSS/n) + 2k, n ln(RSS/n) + k ln n (as lmfit)."""
    r = max(rss, np.finfo(float).tiny)
    base = n * math.log(r / n)
    return base + 2 * k, base + k * math.log(n)


def _provenance_formula(chi: ChiT) -> str | None:
    """The sample formula recorded by Measurement.susceptibility(), if any."""
    sample = chi.provenance.get("sample") if isinstance(chi.provenance, dict) else None
    f = sample.get("formula") if isinstance(sample, dict) else None
    return f if isinstance(f, str) and f.strip() else None


def _n_ions_for(chi: ChiT, n_ions: float | None, formula: str | None) -> tuple[float, str, str | None]:
    """(n_ions, what mu_eff is per, element restriction for candidates).

    Default: 1 when chi is per ion; else the count of the formula's only d/f element (e.g. 2 for
    Gd2(SO4)3(H2O)8); with several d/f elements (CePd3) mu_eff stays per formula unit.
    """
    per = chi.per or "formula unit"
    per_is_ion = per.strip().lower() not in ("formula unit", "f.u.", "fu", "")
    if n_ions is not None:
        return float(n_ions), "magnetic ion", None
    if per_is_ion:
        return 1.0, f"{per} ion", per
    if formula:
        try:
            import periodictable

            from .ions import _block
            atoms = periodictable.formula(formula).atoms
        except Exception:  # noqa: BLE001 - a bad formula only loses the per-ion normalisation
            atoms = {}
        counts = {}
        for el, k in atoms.items():
            try:
                _block(el.number, el.symbol)
            except MagfitError:
                continue
            counts[el.symbol] = float(k)
        if len(counts) == 1:
            (sym, k), = counts.items()
            return k, f"{sym} ion ({k:g} per formula unit)", None
    return 1.0, "formula unit (n_ions unknown)", None


def _quiet(func, *args, **kwargs):
    """Call a fit with asteval's sqrt-of-negative warnings (mu_eff of C < 0) silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.filterwarnings("ignore", message=".*std_dev==0.*", category=UserWarning)
        with np.errstate(all="ignore"):
            return func(*args, **kwargs)


def _paramagnetic_window(chi: ChiT, tmin: float | None, tmax: float | None) -> tuple[float | None,
                                                                                  float | None, str]:
    """The widest window above any ordering feature (magfit.window.ordering_features).

    The regime is judged from the temperature dependence over the whole paramagnetic range, so
    the window is wider than the Curie-Weiss window of fit_curie_weiss (which also drops
    short-range-order curvature): T_min = ORDER_MARGIN x T_order, or the lowest temperature.
    """
    from . import window as W

    if tmin is not None:
        return tmin, tmax, f"user window tmin={tmin:g} K" + (f", tmax={tmax:g} K" if tmax is not None else "")
    t, y = chi.temperature_K, chi.chi_emu_mol
    e = chi.chi_err_emu_mol
    m = np.isfinite(t) & np.isfinite(y) & (t > 0)
    if tmax is not None:
        m &= t <= tmax
    order = np.argsort(t[m], kind="stable")
    ts, ys = t[m][order], y[m][order]
    es = None if e is None else e[m][order]
    if es is not None and not np.all(np.isfinite(es) & (es > 0)):
        es = None
    feats = _quiet(W.ordering_features, ts, ys, es)
    if not feats:
        lo_all = None if ts.size == 0 else float(ts.min())
        return lo_all, tmax, "whole paramagnetic range (no ordering feature)"
    t_order = max(ft["temperature_K"] for ft in feats)
    lo = W.ORDER_MARGIN * t_order
    if np.sum(ts >= lo) < MIN_POINTS:
        above = ts[ts > t_order]
        lo = float(above.min()) if above.size else lo
    kinds = ", ".join(f"{ft['kind']} at {ft['temperature_K']:.4g} K" for ft in feats)
    return lo, tmax, f"paramagnetic range above {lo:.4g} K ({kinds} excluded)"


def _fit_constant(t, y, w):
    """M0 (Pauli / TIP) with magfit.models.PauliModel on the window; returns (chi0, err, rss)."""
    from .models import PauliModel

    model = PauliModel()
    params = model.guess(y, temperature_K=t, weights=w)
    res = _quiet(model.fit, y, params, temperature_K=t, weights=w)
    p = res.params["chi0"]
    resid = (y - res.best_fit) * (1.0 if w is None else w)
    return float(p.value), float(p.stderr) if p.stderr is not None else float("nan"), float(np.sum(resid**2))


def _fit_curie_tip(t, y, w, t_ref):
    """Curie (theta = 0) + chi0 with magfit.models; returns (f, sigma_f) of the Curie share at t_ref."""
    from .models import CurieModel, TIPModel

    model = CurieModel() + TIPModel()
    params = model.make_params(C=0.0, chi0=float(np.median(y)))
    res = _quiet(model.fit, y, params, temperature_K=t, weights=w)
    try:
        uv = res.uvars
        c, k = uv["C"], uv["chi0"]
    except Exception:  # noqa: BLE001 - no covariance: no bound
        return float("nan"), float("nan")
    if k.nominal_value <= 0:
        return 1.0, 0.0  # no positive T-independent part: nothing bounds the Curie share
    cw = c / t_ref
    f = cw / (cw + k)
    return float(f.nominal_value), float(f.std_dev)


def _local_moment_adequacy(t, y, w, rss_full: float) -> float:
    """p-value of C/(T - theta) with -T_max <= theta < T_min (magfit.models) against the full model.

    Large p: a local-moment Curie-Weiss law with a moderate theta describes the data as well as
    C/(T - theta) + chi0, so local moments cannot be excluded.
    """
    from .models import CurieWeissModel

    model = CurieWeissModel()
    t_lo, t_hi = float(np.min(t)), float(np.max(t))
    best = math.inf
    for theta0 in (-0.5 * t_hi, 0.0, 0.5 * t_lo):
        params = model.make_params(C=float(np.median(y * (t - theta0))), theta=theta0)
        params["theta"].set(min=-THETA_DEGENERATE * t_hi, max=t_lo - 1e-9 * max(t_lo, 1.0))
        try:
            res = _quiet(model.fit, y, params, temperature_K=t, weights=w)
        except (ValueError, ArithmeticError):
            continue
        resid = (y - res.best_fit) * (1.0 if w is None else w)
        best = min(best, float(np.sum(resid**2)))
    if not math.isfinite(best):
        return float("nan")
    return _ftest(best, 2, rss_full, 3, int(t.size))[1]


def _t2_evidence(t, y, w, cw_part, chi0):
    """chi - CW(T) = a (1 + b T^2) on the chi0-dominated points; returns (b T_max^2, z, n)."""
    with np.errstate(all="ignore"):
        share = np.abs(cw_part) / np.abs(y)
    m = share < CHI0_DOMINATED
    if m.sum() < MIN_DISTINCT_T or chi0 <= 0:
        return float("nan"), float("nan"), int(m.sum())
    x = t[m] ** 2
    r = y[m] - cw_part[m]
    ww = np.ones_like(r) if w is None else w[m]
    a = np.column_stack([np.ones_like(x), x]) * ww[:, None]
    try:
        coef, _, rank, _ = np.linalg.lstsq(a, r * ww, rcond=None)
    except np.linalg.LinAlgError:
        return float("nan"), float("nan"), int(m.sum())
    if rank < 2 or coef[0] <= 0:
        return float("nan"), float("nan"), int(m.sum())
    resid = r * ww - a @ coef
    dof = max(m.sum() - 2, 1)
    cov = np.linalg.pinv(a.T @ a) * float(np.sum(resid**2)) / dof
    b = coef[1] / coef[0]
    sb = math.sqrt(max(cov[1, 1], 0.0)) / coef[0]
    tmax2 = float(np.max(t[m])) ** 2
    return float(b * tmax2), float(b / sb) if sb > 0 else float("inf"), int(m.sum())


def _field_step(chi: ChiT, given_fit):
    """Honda-Owen test when chi holds several fields: (chi to use, fit to use, flags, FieldDependence)."""
    fd = honda_owen(chi) if chi.field_Oe is not None else None
    if fd is None or not fd.significant:
        return chi, given_fit, [], fd
    flag = (f"M/H depends on the field ({fd.summary()}): a saturated ferromagnetic impurity adds M_s/H; the "
            "fields were not merged -- the Honda-Owen chi(T) (intercept at 1/H = 0) is classified")
    if given_fit is not None:
        from .fitting import fit_curie_weiss

        given_fit = _quiet(fit_curie_weiss, fd.corrected, tmin=given_fit.tmin_K, tmax=given_fit.tmax_K,
                           chi0=given_fit.fit_chi0, n_ions=given_fit.n_ions)
    return fd.corrected, given_fit, [flag], fd


# ============================================================================ main
def classify(
    chi_or_fit,
    *,
    n_ions: float | None = None,
    formula: str | None = None,
    impurity_spin: float = 0.5,
    tmin: float | None = None,
    tmax: float | None = None,
    fermi_energy_eV: float | None = None,
    electron_density_cm3: float | None = None,
    electrons_per_formula_unit: float = 1.0,
    alpha: float = ALPHA,
) -> Classification:
    """Classify chi(T) as localized, itinerant, mixed or undetermined, with the evidence.

    The decision rule is in the :mod:`magfit.classify` module docstring (model comparison
    M0: chi0, M1: C/(T - theta), M2: C/(T - theta) + chi0 on the Curie-Weiss window; F-tests;
    the Curie fraction at T_max; thresholds :data:`ALPHA`, :data:`F_LOCALIZED`,
    :data:`F_ITINERANT`, ...).

    Parameters
    ----------
    chi_or_fit : ChiT or CurieWeissFit
        The data (a Curie-Weiss + chi0 fit is made with :func:`magfit.fit_curie_weiss`, window
        chosen automatically unless ``tmin``/``tmax`` are given), or an existing fit (its window
        and weights are reused).
    n_ions : float, optional
        Magnetic ions per mole of ``chi.per`` (mu_eff per ion). Default: 1 when chi is per ion,
        else the number of d/f atoms in ``formula``, else 1 (mu_eff per formula unit).
    formula : str, optional
        Chemical formula: restricts the candidate ions to its d/f elements.
    impurity_spin : float
        Spin of the impurities assumed for a Curie tail (g = 2): fraction = C / C(S).
    tmin, tmax : float, optional
        Window passed to :func:`magfit.fit_curie_weiss` (ignored when a fit is given).
    fermi_energy_eV, electron_density_cm3 : float, optional
        For the Stoner enhancement chi0 / chi_P(free electrons) (either one).
    electrons_per_formula_unit : float
        Conduction electrons per formula unit (for chi_P).
    alpha : float
        Significance level of the F-tests.

    Returns
    -------
    Classification

    Raises
    ------
    FitError
        ``chi_or_fit`` is neither a ChiT nor a CurieWeissFit. Problems with the data never
        raise: they give ``label="undetermined"`` with the reason.

    Examples
    --------
    >>> import numpy as np, magfit
    >>> t = np.linspace(2, 300, 60)
    >>> magfit.classify(magfit.ChiT(t, 7.878 / (t + 0.5), per="Gd")).label
    'localized'
    >>> magfit.classify(magfit.ChiT(t, 3e-4 + 1.9e-3 / (t + 1.0))).label
    'itinerant'
    """
    from .fitting import CurieWeissFit, fit_curie_weiss

    ev = _Evidence()
    reasons: list[str] = []
    if isinstance(chi_or_fit, CurieWeissFit):
        given_fit = chi_or_fit
        chi = given_fit.chi
    elif isinstance(chi_or_fit, ChiT):
        given_fit = None
        chi = chi_or_fit
    else:
        raise FitError(f"classify needs a magfit.ChiT or a CurieWeissFit, got {type(chi_or_fit).__name__}")

    formula = formula or _provenance_formula(chi)
    # ---- several fields: test M/H for field dependence before anything is merged (Honda-Owen)
    chi, given_fit, field_flags, fd = _field_step(chi, given_fit)
    # a fit made with the default n_ions = 1 on chi per formula unit: count the ions from the formula
    # (Gd2(SO4)3(H2O)8 -> 2), as classify(chi) does; mu_eff is rescaled to per ion below
    fit_n_ions = None if given_fit is None or given_fit.n_ions == 1 else given_fit.n_ions
    n_ions_f, per_text, per_element = _n_ions_for(chi, n_ions if given_fit is None else fit_n_ions, formula)
    numbers: dict[str, Any] = {"n_ions": n_ions_f, "per": per_text, "impurity_spin": float(impurity_spin),
                               "field_dependence": None if fd is None else fd.to_dict()}
    if fd is not None:
        reasons.append(fd.summary())

    # ---- 0. data sufficiency
    t_raw, y_raw = chi.temperature_K, chi.chi_emu_mol
    finite = np.isfinite(t_raw) & np.isfinite(y_raw) & (t_raw > 0)
    n_bad = int(finite.size - finite.sum())
    if n_bad:
        reasons.append(f"{n_bad} of {finite.size} points dropped (non-finite T or chi, or T <= 0)")
    huge = finite & ((np.abs(y_raw) > CHI_ABS_MAX) | (t_raw > T_MAX_K))
    if huge.any():
        reasons.append(f"{int(huge.sum())} points dropped with |chi| > {CHI_ABS_MAX:g} emu/mol or "
                       f"T > {T_MAX_K:g} K (not a physical susceptibility / temperature)")
        finite &= ~huge
        chi = chi.take(np.isfinite(chi.temperature_K) & ~huge, "classify: implausible values dropped")
    n_ok = int(finite.sum())
    n_distinct = int(np.unique(t_raw[finite]).size)
    ev.add("finite points", n_ok, f">= {MIN_POINTS}", "neither", f"{n_distinct} distinct temperatures")
    if n_ok < MIN_POINTS or n_distinct < MIN_DISTINCT_T:
        reasons.insert(0, f"only {n_ok} usable points at {n_distinct} distinct temperatures; at least "
                          f"{MIN_POINTS} points at {MIN_DISTINCT_T} temperatures are needed to compare "
                          "a 3-parameter model with simpler ones")
        return _undetermined(reasons, ev, **numbers)

    # ---- the three models on one window
    try:
        if given_fit is not None and given_fit.fit_chi0:
            fit2 = given_fit
        else:
            if given_fit is not None:
                lo, hi, why = given_fit.tmin_K, given_fit.tmax_K, "window of the given fit"
            else:
                lo, hi, why = _paramagnetic_window(chi, tmin, tmax)
            fit2 = _quiet(fit_curie_weiss, chi, tmin=lo, tmax=hi, chi0=True, n_ions=n_ions_f, scan=False)
            if given_fit is None and tmin is None and _has_trend(fit2):
                # C/(T - theta) + chi0 does not describe the whole paramagnetic range (crystal-field
                # depopulation, short-range order): judge on the automatic Curie-Weiss window instead
                fit2 = _quiet(fit_curie_weiss, chi, tmax=tmax, chi0=True, n_ions=n_ions_f)
                why = ("automatic Curie-Weiss window (the whole paramagnetic range shows a residual trend): "
                       + fit2.window_reason)
        if given_fit is None:
            window_reason = why
        else:
            window_reason = f"window of the given fit ({given_fit.window_reason})"
        win = fit2.window_chi
        t, y = win.temperature_K, win.chi_emu_mol
        w = fit2.result.weights
        w = None if w is None else np.asarray(w, dtype=float)
        fit1 = _quiet(fit_curie_weiss, chi, tmin=fit2.tmin_K, tmax=fit2.tmax_K, chi0=False,
                      n_ions=n_ions_f, scan=False)
        chi0_m0, chi0_m0_err, rss0 = _fit_constant(t, y, w)
    except (MagfitError, ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
        reasons.insert(0, f"the Curie-Weiss fit failed ({exc})")
        return _undetermined(reasons, ev, **numbers)

    n = int(t.size)
    ww = np.ones(n) if w is None else w
    rss2 = float(np.sum(((y - fit2.eval(t)) * ww) ** 2))
    rss1 = float(np.sum(((y - fit1.eval(t)) * ww) ** 2))
    # noise-free data: a floor at round-off keeps the F statistics finite
    floor = float(np.sum((y * ww) ** 2)) * 1e-26
    rss0, rss1, rss2 = max(rss0, floor), max(rss1, floor), max(rss2, floor)
    if fit2.n_points < MIN_POINTS:
        reasons.append(f"the Curie-Weiss window has only {fit2.n_points} points")
    models = []
    for name, k, rss, pars in (
        ("chi0 (Pauli/TIP)", 1, rss0, {"chi0_emu_mol": chi0_m0}),
        ("C/(T-theta)", 2, rss1, {"C_emu_K_mol": fit1.C.nominal_value,
                                  "theta_K": fit1.theta_K.nominal_value}),
        ("C/(T-theta)+chi0", 3, rss2, {"C_emu_K_mol": fit2.C.nominal_value,
                                       "theta_K": fit2.theta_K.nominal_value,
                                       "chi0_emu_mol": fit2.chi0.nominal_value}),
    ):
        aic, bic = _ic(rss, n, k)
        models.append({"model": name, "n_params": k, "rss": rss, "aic": aic, "bic": bic, **pars})
    models_df = pd.DataFrame(models)
    f_curie, p_curie = _ftest(rss0, 1, rss2, 3, n)
    f_chi0, p_chi0 = _ftest(rss1, 2, rss2, 3, n)
    best_aic = str(models_df.loc[models_df["aic"].idxmin(), "model"])
    best_bic = str(models_df.loc[models_df["bic"].idxmin(), "model"])

    C_u, th_u, c0_u, mu_u = fit2.C, fit2.theta_K, fit2.chi0, fit2.mu_eff
    if fit2.n_ions != n_ions_f:  # mu_eff = sqrt(C / (n_ions * 0.125049)): per ion, not per formula unit
        mu_u = mu_u * math.sqrt(fit2.n_ions / n_ions_f)
    t_hi = float(np.max(t))
    theta = float(th_u.nominal_value)
    numbers.update(
        p_curie=p_curie, p_chi0=p_chi0, models=models_df, fit=fit2,
        mu_eff=float(mu_u.nominal_value), mu_eff_err=float(mu_u.std_dev),
        theta_K=theta, theta_K_err=float(th_u.std_dev),
        C_emu_K_mol=float(C_u.nominal_value), C_emu_K_mol_err=float(C_u.std_dev),
        chi0_emu_mol=float(c0_u.nominal_value), chi0_emu_mol_err=float(c0_u.std_dev),
    )
    ev.add("window", f"{fit2.tmin_K:.4g}-{t_hi:.4g} K, {n} points", "", "neither", window_reason)
    ev.add("F-test: Curie term needed (chi0 -> CW+chi0)", p_curie, f"p < {alpha:g}",
           "localized" if p_curie < alpha else "itinerant", f"F = {f_curie:.4g}")
    ev.add("F-test: chi0 term needed (CW -> CW+chi0)", p_chi0, f"p < {alpha:g}",
           "itinerant" if p_chi0 < alpha else "localized", f"F = {f_chi0:.4g}")
    ev.add("lowest AIC", best_aic, "", _model_supports(best_aic),
           "; ".join(f"{m['model']}: {m['aic']:.1f}" for m in models))
    ev.add("lowest BIC", best_bic, "", _model_supports(best_bic),
           "; ".join(f"{m['model']}: {m['bic']:.1f}" for m in models))

    # ---- Curie fraction at T_max (correlated uncertainties)
    cw_hi = C_u / (t_hi - th_u)
    chi0_para = c0_u if c0_u.nominal_value > 0 else 0.0
    f_u = cw_hi / (cw_hi + chi0_para) if cw_hi.nominal_value != 0 or c0_u.nominal_value > 0 else None
    if f_u is None or not math.isfinite(float(getattr(f_u, "nominal_value", f_u))):
        f, sf = float("nan"), float("nan")
    elif hasattr(f_u, "std_dev"):
        f, sf = float(f_u.nominal_value), float(f_u.std_dev)
    else:
        f, sf = float(f_u), 0.0
    if math.isfinite(f) and not math.isfinite(sf) and rss2 <= EXACT_REL * float(np.sum((y * ww) ** 2)):
        sf = 0.0  # noise-free data: the covariance is 0/0, the fraction is exact
    numbers.update(curie_fraction=f, curie_fraction_err=sf)
    ev.add("Curie fraction f at T_max", f, f">= {F_LOCALIZED} localized, <= {F_ITINERANT} itinerant",
           _f_supports(f), f"+/- {sf:.2g}; CW(T_max) / (CW(T_max) + max(chi0, 0)) at {t_hi:.4g} K")
    ev.add("chi0 (CW + chi0 fit)", float(c0_u.nominal_value), "> 0 Pauli-like",
           "itinerant" if c0_u.nominal_value > 2 * _sd(c0_u) else "neither",
           f"+/- {_sd(c0_u):.2g} emu/mol; negative = core diamagnetism")
    ev.add("theta / T_max", theta / t_hi, f"> -{THETA_DEGENERATE:g}",
           "neither" if theta > -THETA_DEGENERATE * t_hi else "itinerant",
           f"theta = {theta:.4g} K; below -T_max the CW term is nearly constant over the window")

    # ---- mu_eff vs Hund's rules
    cands = _candidates(numbers["mu_eff"], numbers["mu_eff_err"], formula or per_element)
    numbers["candidates"] = cands
    mu = numbers["mu_eff"]
    if math.isfinite(mu):
        if cands.empty:
            ev.add(f"mu_eff per {per_text}", mu, "a Hund's-rules ion within 3 sigma", "neither",
                   "no ion consistent")
        else:
            best = cands.iloc[0]
            ev.add(f"mu_eff per {per_text}", mu, "a Hund's-rules ion within 3 sigma", "localized",
                   "candidates: " + ", ".join(f"{r['ion']} ({r['n_sigma_expected']:.1f} sigma)"
                                              for _, r in cands.head(3).iterrows())
                   + f"; best {best['ion']} expects {best['mu_eff_expected']:.2f}")

    # ---- impurity concentration implied by the Curie term
    c_imp = float(curie_from_mu_eff(2.0 * math.sqrt(impurity_spin * (impurity_spin + 1.0))))
    imp = C_u / c_imp
    numbers.update(impurity_fraction=float(imp.nominal_value), impurity_fraction_err=_sd(imp))

    # ---- enhanced-Pauli signatures
    cw_part = fit2.components(t)["curie_weiss"]
    b_t2, z_t2, n_t2 = _t2_evidence(t, y, w, cw_part, float(c0_u.nominal_value))
    if math.isfinite(b_t2):
        weak = abs(b_t2) < T2_WEAK and abs(z_t2) > 3
        ev.add("T^2 coefficient b T_max^2 of chi - CW (chi0-dominated points)", b_t2,
               f"|.| < {T2_WEAK}, |z| > 3", "itinerant" if weak else "neither",
               f"z = {z_t2:.3g} on {n_t2} points; enhanced Pauli: chi(T) = chi(0)(1 + b T^2)")
    if fermi_energy_eV is not None or electron_density_cm3 is not None:
        try:
            ef = (float(fermi_energy_eV) if fermi_energy_eV is not None
                  else _fermi_energy_from_density(electron_density_cm3))
            chi_p = pauli_free_electron_emu_mol(ef, electrons_per_formula_unit)
            stoner = float(c0_u.nominal_value) / chi_p
            numbers.update(stoner_enhancement=stoner, chi_pauli_free_emu_mol=chi_p)
            ev.add("Stoner enhancement chi0 / chi_P(free)", stoner, "> 1 enhanced Pauli",
                   "itinerant" if stoner > 1 else "neither",
                   f"chi_P = N_A mu_B^2 (3/2) Z / E_F = {chi_p:.3g} emu/mol (E_F = {ef:.3g} eV, "
                   f"Z = {electrons_per_formula_unit:g}); Pd ~ 10")
        except MagfitError as exc:
            reasons.append(str(exc))

    # ---- decision
    ctx = _Ctx(ev=ev, reasons=reasons, numbers=numbers, f=f, sf=sf, p_curie=p_curie, p_chi0=p_chi0,
               alpha=alpha, theta=theta, t_hi=t_hi, t=t, y=y, w=w, chi0_mean=chi0_m0,
               chi0_mean_err=chi0_m0_err, cands=cands,
               per_text=per_text, mu=mu, rss2=rss2, formula=formula,
               formula_ions=_ions_of(formula or per_element), features=_features(chi),
               t_all=chi.temperature_K[np.isfinite(chi.chi_emu_mol)],
               y_all=chi.chi_emu_mol[np.isfinite(chi.chi_emu_mol)],
               flags=_label_flags(fit2, internal=given_fit is None) + field_flags)
    return _decide(ctx)


def _label_flags(fit, internal: bool) -> list[str]:
    """The fit's flags that count against the verdict (each caps the confidence).

    Every flag of a fit the user gave counts. On the internal whole-range fit, flags that concern
    only the Curie-Weiss parameters and are expected when judging the regime on the whole range
    (:data:`LABEL_NEUTRAL_FLAGS`: T_min < 2|theta|, an unresolved C of a Pauli metal) do not.
    """
    if not internal:
        return list(fit.flags)
    return [fl for fl in fit.flags if not fl.startswith(LABEL_NEUTRAL_FLAGS)]


def _has_trend(fit) -> bool:
    return any(fl.startswith("residuals show a systematic trend") for fl in fit.flags)


def _ions_of(formula: str | None) -> list:
    """The plausible ions of the formula's d/f elements ([] without a formula or with none)."""
    from .ions import _formula_ions

    if not formula:
        return []
    try:
        return _formula_ions(formula)
    except MagfitError:
        return []


def _features(chi: ChiT) -> list[dict]:
    """Ordering features (chi maxima, steep chi*T rises) of the whole curve."""
    from . import window as W

    t, y = chi.temperature_K, chi.chi_emu_mol
    m = np.isfinite(t) & np.isfinite(y) & (t > 0)
    order = np.argsort(t[m], kind="stable")
    try:
        return list(_quiet(W.ordering_features, t[m][order], y[m][order], None))
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):
        return []


def _sd(u) -> float:
    s = float(getattr(u, "std_dev", 0.0))
    return s if math.isfinite(s) else float("nan")


def _model_supports(name: str) -> str:
    return {"chi0 (Pauli/TIP)": "itinerant", "C/(T-theta)": "localized"}.get(name, "mixed")


def _f_supports(f: float) -> str:
    if not math.isfinite(f):
        return "neither"
    return "localized" if f >= F_LOCALIZED else "itinerant" if f <= F_ITINERANT else "mixed"


def _candidates(mu: float, sigma: float, formula: str | None) -> pd.DataFrame:
    from .ions import candidate_ions

    if not math.isfinite(mu) or mu <= 0:
        return pd.DataFrame()
    try:
        return candidate_ions(mu, sigma if math.isfinite(sigma) else 0.0, formula=formula, top=5)
    except MagfitError:
        return candidate_ions(mu, sigma if math.isfinite(sigma) else 0.0, top=5)


# ============================================================================ the decision: named rules
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

    @property
    def curie_law(self) -> bool:
        """A significant Curie term that is a Curie law (C > 0, theta above -T_max)."""
        return (self.p_curie < self.alpha and self.numbers["C_emu_K_mol"] > 0
                and self.theta >= -THETA_DEGENERATE * self.t_hi)

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


def _r_ftest(c: _Ctx) -> _Verdict | None:
    if math.isfinite(c.p_curie):
        return None
    return _undetermined_v("F-test not computable", "the F-test could not be computed (too few points in "
                                                    "the window)")


def _van_vleck_ions(c: _Ctx) -> list:
    return [i for i in c.formula_ions if i.name in ("Eu3+", "Sm3+")]


def _r_van_vleck(c: _Ctx) -> _Verdict | None:
    vv = _van_vleck_ions(c)
    if not vv or (c.curie_law and math.isfinite(c.f) and c.f >= F_LOCALIZED and not _matches_only(c, vv)):
        return None
    names = ", ".join(i.name for i in vv)
    shape = ("nearly temperature independent" if c.p_curie > c.alpha else
             "no Curie law over the window" if not c.curie_law
             else f"a Curie share of only {100 * c.f:.3g} %")
    text = (f"Localized (Van Vleck): the formula holds {names}, whose excited J multiplets lie a few "
            f"hundred K "
            f"above the ground one; chi is {shape}, as a Van Vleck ion gives -- not a Pauli metal. "
            "Fit instead: the Van Vleck multiplet formula (Eu3+: spin-orbit lambda ~ 300-500 K; Sm3+: Curie "
            "term of the J = 5/2 ground multiplet, 0.85 mu_B, plus chi_VV below ~100 K); mu_eff of a "
            "Curie-Weiss fit means nothing here.")
    return _Verdict("localized", VAN_VLECK_CONFIDENCE, text, f"Van Vleck ion {names}: not a Curie law; "
                    "fit the multiplet formula")


def _matches_only(c: _Ctx, vv: list) -> bool:
    """The best candidate for mu_eff is a Van Vleck ion (e.g. Sm3+ 1.5 or 0.85 mu_B)."""
    if c.cands is None or c.cands.empty:
        return False
    return str(c.cands.iloc[0]["ion"]).split(" (")[0] in {i.name for i in vv}


def _broad_maximum(c: _Ctx) -> dict | None:
    """A chi maximum in the data and how far chi falls below it on cooling (``drop`` = min / max)."""
    maxima = [ft for ft in c.features if "max" in str(ft.get("kind", ""))]
    if not maxima:
        return None
    t_star = max(ft["temperature_K"] for ft in maxima)
    below = c.t_all < t_star
    if below.sum() < 3:
        return None
    near = np.abs(c.t_all - t_star) <= 0.05 * t_star + 1e-9
    chi_max = float(np.max(c.y_all[near])) if near.any() else float(np.max(c.y_all))
    chi_low = float(np.min(c.y_all[below]))
    return {"T_K": float(t_star), "drop": chi_low / chi_max if chi_max > 0 else float("nan")}


def _rise(c: _Ctx) -> float:
    """Relative rise of the fitted chi from the bottom to the top of the window (> 0: chi grows with T)."""
    model = c.numbers["fit"].eval(np.array([float(np.min(c.t)), c.t_hi]))
    return float((model[1] - model[0]) / abs(np.mean(model))) if np.mean(model) != 0 else 0.0


def _r_gapped(c: _Ctx) -> _Verdict | None:
    bm = _broad_maximum(c)
    rise = _rise(c) if c.p_curie < c.alpha else 0.0
    ions = c.local_ions
    if bm is not None and math.isfinite(bm["drop"]) and bm["drop"] < GAP_DROP:
        why = (f"chi has a maximum at {bm['T_K']:.4g} K and falls to {100 * bm['drop']:.2g} % of it on "
               f"cooling: "
               "a singlet (gapped) ground state of exchange-coupled moments")
        conf = GAPPED_CONFIDENCE
    elif rise > (RISE_GAPPED_ION if ions else RISE_GAPPED):
        why = (f"chi rises by {100 * rise:.3g} % on heating from {float(np.min(c.t)):.4g} to {c.t_hi:.4g} K: "
               "a gapped spectrum (maximum above the window)"
               + (f", and the formula holds {', '.join(i.name for i in ions[:2])}" if ions else ""))
        conf = GAPPED_CONFIDENCE if ions else GAPPED_CONFIDENCE_NO_ION
    else:
        return None
    text = (f"Localized (gapped cluster / low-dimensional magnet): {why}. No Pauli metal does this. Fit "
            "instead: a cluster model (Bleaney-Bowers dimer, magfit.spin exact diagonalisation) or a chain "
            "model (Bonner-Fisher), with an impurity Curie term; Curie-Weiss parameters of this window "
            "mean nothing.")
    return _Verdict("localized", conf, text, "gapped/low-dimensional: chi maximum or chi rising with T; "
                    "fit a cluster or chain model")


def _r_flat(c: _Ctx) -> _Verdict | None:
    if c.p_curie <= c.alpha:
        return None
    f_b, sf_b = _fit_curie_tip(c.t, c.y, c.w, c.t_hi)
    bound = f_b + Z_BOUND * sf_b if math.isfinite(f_b) and math.isfinite(sf_b) else float("inf")
    c.ev.add("Curie-tail bound f + 2 sigma (Curie + chi0 fit)", bound, f"< {F_ITINERANT}",
             "itinerant" if bound < F_ITINERANT else "neither", f"f = {f_b:.3g} +/- {sf_b:.2g}")
    c.numbers.update(curie_fraction=f_b, curie_fraction_err=sf_b)
    err = c.chi0_mean_err if math.isfinite(c.chi0_mean_err) else 0.0
    if c.chi0_mean <= 0 or not c.chi0_mean > 2 * err:
        return _undetermined_v("diamagnetic or empty: no moment", (
            f"chi is temperature independent within the noise (p_curie = {c.p_curie:.3g}) and not positive "
            f"(mean {c.chi0_mean:.3g} emu/mol): diamagnetic or empty, no paramagnetic moment to classify"))
    if not bound < F_ITINERANT:
        return _undetermined_v("flat within noise, Curie term not excluded", (
            f"chi shows no significant temperature dependence (p_curie = {c.p_curie:.3g}) but the noise "
            f"could "
            f"hide a Curie term of up to {100 * min(bound, 1.0):.3g} % of chi; measure over a wider "
            f"temperature "
            "range or with less noise"))
    refusal = _itinerant_refusal(c)
    if refusal:
        return refusal
    conf = _phi((F_ITINERANT - f_b) / sf_b if sf_b > 0 else math.inf)
    text = (f"Itinerant (Pauli-like): chi is temperature independent within the noise -- adding a "
            f"Curie-Weiss "
            f"term does not improve the fit (F-test p = {c.p_curie:.3g} > {c.alpha:g}); chi0 = "
            f"{c.chi0_mean:.3g} "
            f"emu/mol is in the Pauli range, and a Curie tail larger than {100 * bound:.2g} % of chi at "
            f"{c.t_hi:.4g} K is excluded.")
    return _Verdict("itinerant", conf, text, f"flat chi = {c.chi0_mean:.3g} emu/mol in the Pauli range, "
                    "no Curie term")


def _itinerant_refusal(c: _Ctx) -> _Verdict | None:
    """'itinerant' needs positive evidence: Pauli-range magnitude and no bulk local-moment ion."""
    level = float(np.mean(c.y))
    bound, how = pauli_bound_emu_mol(c.formula)
    stoner = c.numbers.get("stoner_enhancement", float("nan"))
    if level > PAULI_CHI_MAX_EMU_MOL:
        return _undetermined_v("chi far above any Pauli value", (
            f"chi is nearly temperature independent but {level:.3g} emu/mol is far above any Pauli "
            f"susceptibility ({PAULI_CHI_MAX_EMU_MOL:g} emu/mol): a saturated, magnetically ordered "
            "(ferro/ferrimagnetic) state in a small field, or a wrong mass / molar mass -- check M(H) and "
            "the "
            "ZFC/FC split, and fit only the paramagnetic range"))
    c.ev.add("mean chi in the window (Pauli scale)", level, f"<= {bound:.3g} emu/mol ({how})",
             "itinerant" if level <= bound else "neither", "plausible Pauli susceptibility for the formula")
    if level > bound and not (math.isfinite(stoner) and stoner > 1):
        return _undetermined_v("chi above the plausible Pauli range", (
            f"chi = {level:.3g} emu/mol is above any plausible Pauli value ({bound:.3g} emu/mol; {how}): a "
            f"Van "
            "Vleck ion, a ferromagnetic impurity (M_s/H) or local moments with a large gap are as likely as "
            "a "
            "metal -- give the formula, the Fermi energy, or a second field"))
    ions = c.local_ions
    if ions:
        c_bulk = float(curie_from_mu_eff(ions[0].mu_eff_expected)) * c.numbers["n_ions"]
        c_fit = _curie_tail_bound(c)
        share = c_fit / c_bulk if c_bulk > 0 else float("nan")
        c.ev.add(f"Curie term / bulk {ions[0].name} Curie constant", share, f"< {BULK_SHARE_MAX}",
                 "itinerant" if share < BULK_SHARE_MAX else "localized",
                 "Curie tail C/T + chi0 (C + 2 sigma) too small to be the bulk ions' moment")
        chi_bulk = c_bulk / c.t_hi
        c.ev.add(f"mean chi / bulk {ions[0].name} Curie chi at T_max", level / chi_bulk, f"< {BULK_CHI_MAX}",
                 "itinerant" if level / chi_bulk < BULK_CHI_MAX else "localized",
                 "a chi as large as the ions' Curie chi is a gapped or strongly coupled magnet as likely")
        if not level / chi_bulk < BULK_CHI_MAX:
            return _undetermined_v("chi as large as the bulk ions' Curie chi", (
                f"chi = {level:.3g} emu/mol is {level / chi_bulk:.2g} of what the formula's {ions[0].name} "
                f"would "
                f"give as free moments at {c.t_hi:.4g} K: exchange-coupled (gapped, low-dimensional) "
                f"moments are "
                "as likely as a metal -- widen the temperature range or fit a cluster/chain model"))
        if not share < BULK_SHARE_MAX:
            return _undetermined_v("local-moment ion in the formula", (
                f"the formula holds {ions[0].name}, a local-moment ion, and the Curie term is not small "
                f"against "
                f"its bulk moment ({share:.2g} of it): without positive evidence for a metal this is no "
                f"itinerant "
                "verdict"))
    return None


def _curie_tail_bound(c: _Ctx) -> float:
    """Upper bound (C + 2 sigma) of a Curie tail C/T + chi0 (linear least squares on the window)."""
    ww = np.ones_like(c.y) if c.w is None else c.w
    design = np.column_stack([1.0 / c.t, np.ones_like(c.t)]) * ww[:, None]
    coef, *_ = np.linalg.lstsq(design, c.y * ww, rcond=None)
    resid = c.y * ww - design @ coef
    dof = max(c.t.size - 2, 1)
    cov = np.linalg.pinv(design.T @ design) * float(np.sum(resid**2)) / dof
    return max(float(coef[0]), 0.0) + Z_BOUND * math.sqrt(max(float(cov[0, 0]), 0.0))


def _nan0(x: float) -> float:
    return x if math.isfinite(x) else 0.0


def _r_enhanced_pauli(c: _Ctx) -> _Verdict | None:
    """chi = a (1 + b T^2) with a weak b describes the window as well as C/(T - theta) + chi0."""
    if c.curie_law and c.f >= F_ITINERANT:
        return None
    ww = np.ones_like(c.y) if c.w is None else c.w
    design = np.column_stack([np.ones_like(c.t), c.t**2]) * ww[:, None]
    coef, *_ = np.linalg.lstsq(design, c.y * ww, rcond=None)
    if not coef[0] > 0:
        return None
    rss_t2 = float(np.sum((c.y * ww - design @ coef) ** 2))
    n = c.t.size
    aic_t2, aic_cw = _ic(rss_t2, n, 2)[0], _ic(c.rss2, n, 3)[0]
    b_t2 = float(coef[1] / coef[0] * c.t_hi**2)
    c.ev.add("chi = a (1 + b T^2): b T_max^2, AIC vs CW + chi0", b_t2, f"|.| < {T2_WEAK}, AIC not worse",
             "itinerant" if abs(b_t2) < T2_WEAK and aic_t2 <= aic_cw + 2 else "neither",
             f"AIC {aic_t2:.1f} vs {aic_cw:.1f}")
    if not (abs(b_t2) < T2_WEAK and aic_t2 <= aic_cw + 2.0 and c.p_curie < c.alpha):
        return None
    refusal = _itinerant_refusal(c)
    if refusal:
        return None                     # let the later rules explain why
    text = (f"Itinerant (exchange-enhanced Pauli): chi = a (1 + b T^2) with a = {coef[0]:.3g} emu/mol and "
            f"b T_max^2 = {b_t2:.2g} describes {float(np.min(c.t)):.4g}-{c.t_hi:.4g} K as well as a "
            f"Curie-Weiss "
            "law + chi0 (AIC), the magnitude is in the Pauli range, and no local-moment ion of the formula "
            "could carry it.")
    return _Verdict("itinerant", T2_CONFIDENCE, text, f"enhanced Pauli: chi = a(1 + bT^2), b T_max^2 = "
                                                      f"{b_t2:.2g}")


def _r_degenerate(c: _Ctx) -> _Verdict | None:
    c_fit = c.numbers["C_emu_K_mol"]
    if c.theta >= -THETA_DEGENERATE * c.t_hi and c_fit > 0:
        return None
    p_local = _local_moment_adequacy(c.t, c.y, c.w, c.rss2)
    model_chi = c.numbers["fit"].eval(c.t)
    variation = float((model_chi.max() - model_chi.min()) / abs(np.mean(model_chi)))
    c.ev.add("bounded Curie-Weiss (|theta| <= T_max, no chi0) adequate", p_local, f"p > {c.alpha:g}",
             "localized" if p_local > c.alpha else "itinerant",
             "F-test against C/(T-theta)+chi0; adequate = local moments cannot be excluded")
    c.ev.add("relative variation of chi over the window", variation, f"< {FLAT_VARIATION}",
             "itinerant" if variation < FLAT_VARIATION else "neither", "from the fitted curve")
    what = (f"theta = {c.theta:.4g} K is below -T_max = {-c.t_hi:.4g} K" if c_fit > 0
            else f"C = {c_fit:.3g} emu K/mol is not positive (chi rises with T)")
    if (p_local < c.alpha and variation < FLAT_VARIATION and np.mean(model_chi) > 0
            and (not c_fit > 0 or (math.isfinite(c.mu) and c.mu > MU_EFF_MAX))):
        refusal = _itinerant_refusal(c)
        if refusal:
            return refusal
        why = ("chi rises with temperature" if not c_fit > 0 else
               f"the implied moment exceeds any ion ({MU_EFF_MAX} mu_B)")
        text = (f"Itinerant (exchange-enhanced Pauli-like): chi is positive and changes by only "
                f"{100 * variation:.3g} % over {float(np.min(c.t)):.4g}-{c.t_hi:.4g} K; its temperature "
                f"dependence is no local-moment Curie law ({what}; {why}), and a Curie-Weiss law with "
                f"|theta| <= T_max is rejected (p = {p_local:.2g}).")
        return _Verdict("itinerant", DEGENERATE_CONFIDENCE * (1.0 - p_local), text,
                        "weakly T-dependent chi, no Curie law (exclusion)")
    return _undetermined_v("no Curie law in this window", (
        f"chi depends on T (p_curie = {c.p_curie:.3g}) but not as a Curie law over this window ({what}), so "
        "C/(T - theta) acts as a slowly varying background: an exchange-enhanced Pauli paramagnet and local "
        "moments with strong antiferromagnetic exchange (or a too narrow window) cannot be told apart -- "
        "measure over a wider T range"))


def _r_unresolved(c: _Ctx) -> _Verdict | None:
    c_fit, c_err = c.numbers["C_emu_K_mol"], c.numbers.get("C_emu_K_mol_err", float("nan"))
    if not (math.isfinite(c_err) and c_err > 0 and c_fit < Z_BOUND * c_err):
        return None
    return _undetermined_v("Curie constant not resolved", (
        f"the Curie constant is not resolved (C = {c_fit:.3g} +/- {c_err:.2g} emu K/mol, less than "
        f"{Z_BOUND:g} "
        "sigma): the local-moment term is not determined in this window -- widen the temperature range or "
        "check the background subtraction"))


def _r_f_undetermined(c: _Ctx) -> _Verdict | None:
    if math.isfinite(c.f) and math.isfinite(c.sf) and c.sf <= SIGMA_F_MAX:
        return None
    return _undetermined_v("Curie fraction not determined", (
        f"the Curie fraction is not determined (f = {c.f:.3g} +/- {c.sf:.2g}, limit {SIGMA_F_MAX}): chi0 and "
        "the Curie-Weiss term are degenerate in this window"))


def _mu_text(c: _Ctx) -> str:
    return (f"mu_eff = {c.mu:.3g} mu_B per {c.per_text}" if math.isfinite(c.mu)
            else "no effective moment (C <= 0)")


def _r_localized(c: _Ctx) -> _Verdict | None:
    if c.f < F_LOCALIZED:
        return None
    conf = _phi((c.f - F_LOCALIZED) / max(c.sf, 1e-12)) * (1.0 - c.p_curie)
    cand_txt = ""
    if not c.cands.empty:
        cand_txt = " Consistent with " + ", ".join(
            f"{r['ion']} ({r['mu_eff_expected']:.2f}, {r['n_sigma']:.1f} sigma)"
            for _, r in c.cands.head(3).iterrows()) + "."
        top = c.cands.iloc[0]
        if bool(top["approximate"]) and top["notes"]:
            cand_txt += f" Caveat for {top['ion']}: {top['notes']}."
    elif "formula unit (n_ions unknown)" not in c.per_text:
        conf *= 0.5
        cand_txt = " No Hund's-rules ion matches this moment (check the mass, n_ions or the window)."
    chi0_txt = ("chi0 is not needed" if c.p_chi0 > c.alpha
                else f"chi0 = {c.numbers['chi0_emu_mol']:.3g} emu/mol is a small correction")
    text = (f"Localized moments: a Curie-Weiss term carries {100 * c.f:.3g} % (+/- {100 * c.sf:.2g}) of the "
            f"paramagnetic chi at {c.t_hi:.4g} K (threshold {100 * F_LOCALIZED:.0f} %), the Curie term is "
            f"highly "
            f"significant (p = {c.p_curie:.2g}) and {chi0_txt}. {_mu_text(c)}, theta = {c.theta:.3g} K."
            + cand_txt)
    return _Verdict("localized", conf, text, f"Curie-Weiss term carries {100 * c.f:.3g} % of chi")


def _r_tail(c: _Ctx) -> _Verdict | None:
    if c.f > F_ITINERANT:
        return None
    refusal = _itinerant_refusal(c)
    if refusal:
        return refusal
    conf = _phi((F_ITINERANT - c.f) / max(c.sf, 1e-12)) * (1.0 - c.p_curie)
    n = c.numbers
    s = n["impurity_spin"]
    text = (f"Itinerant with a Curie tail: chi is dominated by a temperature-independent (Pauli-like) term "
            f"chi0 = {n['chi0_emu_mol']:.3g} emu/mol; the Curie-Weiss part is {100 * c.f:.3g} % (+/- "
            f"{100 * c.sf:.2g}) of chi at {c.t_hi:.4g} K (threshold {100 * F_ITINERANT:.0f} %). If the tail "
            f"comes "
            f"from S = {_half(s)} impurities, their concentration is {100 * n['impurity_fraction']:.3g} % "
            f"(+/- {100 * n['impurity_fraction_err']:.2g}) per mole of {n['per']}.")
    c.ev.add(f"impurity concentration (S = {_half(s)} per mole)", n["impurity_fraction"], "", "itinerant",
             f"+/- {n['impurity_fraction_err']:.2g}; C / C(S), "
             f"C(S) = {curie_from_mu_eff(2 * math.sqrt(s * (s + 1))):.4g}")
    return _Verdict("itinerant", conf, text, f"Pauli chi0 with a {100 * c.f:.2g} % Curie tail")


def _r_mixed(c: _Ctx) -> _Verdict | None:
    sig = max(c.sf, 1e-12)
    conf = min(_phi((c.f - F_ITINERANT) / sig), _phi((F_LOCALIZED - c.f) / sig)) * (1.0 - c.p_curie)
    text = (f"Mixed: both a Curie-Weiss term and a temperature-independent term are needed (p_curie = "
            f"{c.p_curie:.2g}, p_chi0 = {c.p_chi0:.2g}), and the Curie-Weiss part is {100 * c.f:.3g} % (+/- "
            f"{100 * c.sf:.2g}) of chi at {c.t_hi:.4g} K, between {100 * F_ITINERANT:.0f} and "
            f"{100 * F_LOCALIZED:.0f} %: local moments coexist with a sizeable Pauli/Van Vleck term (e.g. a "
            f"Kondo or "
            f"valence-fluctuating metal). {_mu_text(c)}, chi0 = {c.numbers['chi0_emu_mol']:.3g} emu/mol.")
    return _Verdict("mixed", conf, text, f"Curie-Weiss share {100 * c.f:.3g} %, between the thresholds")


#: the decision chain, in order; the first rule that returns a verdict decides. A new rule is one entry.
RULES: tuple[Rule, ...] = (
    Rule("F-test computable", "p_curie of the M0 -> M2 F-test", _r_ftest),
    Rule("Van Vleck ion", "formula holds Eu3+/Sm3+; chi not a clean Curie law", _r_van_vleck),
    Rule("gapped or low-dimensional", "chi maximum with chi falling below GAP_DROP of it, or chi rising "
                                      "with T",
         _r_gapped),
    Rule("temperature independent", "no significant Curie term (p_curie > alpha); Pauli magnitude", _r_flat),
    Rule("enhanced Pauli", "chi = a (1 + b T^2), weak b, AIC as good as CW + chi0; Pauli magnitude",
         _r_enhanced_pauli),
    Rule("no Curie law", "theta < -T_max or C <= 0", _r_degenerate),
    Rule("Curie constant resolved", "C >= 2 sigma_C", _r_unresolved),
    Rule("Curie fraction determined", "sigma_f <= SIGMA_F_MAX", _r_f_undetermined),
    Rule("localized", "Curie fraction f >= F_LOCALIZED", _r_localized),
    Rule("itinerant with a Curie tail", "f <= F_ITINERANT, chi0 in the Pauli range", _r_tail),
    Rule("mixed", "F_ITINERANT < f < F_LOCALIZED", _r_mixed),
)


# ---------------------------------------------------------------------------- annotations (never decide)
def _a_single_field(c: _Ctx, v: _Verdict) -> str | None:
    if c.numbers.get("field_dependence") is not None:
        return None
    flag = single_field_flag(c.numbers["chi0_emu_mol"], c.numbers["chi0_emu_mol_err"], c.formula)
    if flag:
        c.flags.append(flag)
        return "chi0 above any plausible Pauli value (one field)"
    return None


def _a_crystal_field(c: _Ctx, v: _Verdict) -> str | None:
    """4f ion with an orbital moment and a window that moves: crystal-field depopulation (flag)."""
    fit = c.numbers.get("fit")
    drift = any(fl.startswith("window systematic") for fl in c.flags)
    ions4f = [i for i in c.formula_ions if i.shell == "4f" and i.L > 0 and i.mu_eff_expected > 0]
    if not ions4f or fit is None or v.label != "localized":
        return "window systematic: parameters drift with T_min" if drift else None
    ion4f = ions4f[0]
    sys_mu = float(getattr(fit, "mu_eff_sys", float("nan")))
    moves = math.isfinite(sys_mu) and sys_mu > CF_SYS_RATIO * fit.mu_eff.std_dev
    if not drift and not (moves and fit.tmin_K < CF_TMIN_K):
        return None
    if not drift:
        c.flags.append(
            f"crystal field: {ion4f.name} with a window from {fit.tmin_K:.4g} K, and mu_eff moves by "
            f"{sys_mu:.2g} mu_B over the neighbouring windows (> {CF_SYS_RATIO:g} x the statistical "
            f"{fit.mu_eff.std_dev:.2g}): 4f crystal-field levels span ~50-500 K, so the free-ion "
            f"{ion4f.mu_eff_J:.3g} mu_B may not be reached -- fit above the gap (higher T_min) or a "
            "crystal-field model")
    return (f"{ion4f.name}: crystal-field depopulation below/inside the window; free-ion moment not "
            "reached -- fit above the gap or a CF model")


def _a_broad_maximum(c: _Ctx, v: _Verdict) -> str | None:
    bm = _broad_maximum(c)
    if bm is None or v.short.startswith("gapped"):
        return None
    c.notes.append(f"chi maximum at {bm['T_K']:.4g} K (chi falls to {100 * bm['drop']:.2g} % below it): "
                   "long-range order, or short-range order of a low-dimensional magnet -- if the maximum is "
                   "broad, fit a chain/cluster model")
    return f"chi maximum at {bm['T_K']:.4g} K"


ANNOTATIONS: tuple[Callable[[_Ctx, _Verdict], str | None], ...] = (
    _a_single_field, _a_crystal_field, _a_broad_maximum)


def _decide(c: _Ctx) -> Classification:
    """Run the rule chain, then the annotations, then cap the confidence by the flags."""
    verdict = None
    for rule in RULES:
        verdict = rule.test(c)
        if verdict is not None:
            c.ev.add("deciding rule", rule.name, rule.evidence, verdict.label, verdict.short)
            break
    if verdict is None:                 # unreachable: the last rule (mixed) always decides
        raise FitError("classify: no rule decided (internal error; please report)")
    short = [verdict.short] + [s for s in (a(c, verdict) for a in ANNOTATIONS) if s]
    short += [f"flag: {fl.split(':')[0].split(' (')[0][:70]}" for fl in c.flags]
    if verdict.label == "undetermined":
        c.reasons.insert(0, verdict.why_undetermined)
        text = "Undetermined: " + " ".join(r if r.endswith(".") else r + "." for r in c.reasons)
        return Classification(label="undetermined", confidence=0.0, evidence=c.ev.frame(), explanation=text,
                              reasons=list(c.reasons), flags=list(c.flags), short_reasons=short,
                              rule=verdict.short, **c.numbers)
    conf = calibrated_confidence(verdict.confidence, len(c.flags))
    text = verdict.text + "".join(f" Note: {n}." for n in c.notes)
    if c.flags:
        text += (f" {len(c.flags)} physics flag(s): confidence at most {FLAG_CAP ** len(c.flags):.2f} "
                 f"(see flags).")
    return Classification(label=verdict.label, confidence=conf, evidence=c.ev.frame(), explanation=text,
                          reasons=list(c.reasons), flags=list(c.flags), short_reasons=short,
                          rule=verdict.short, **c.numbers)


def calibrated_confidence(raw: float, n_flags: int) -> float:
    """Confidence reported for a raw rule probability and the number of physics flags.

    ``min(raw, FLAG_CAP ** n_flags)``: a flagged fit never reaches 0.95 (one flag: at most
    :data:`FLAG_CAP`). The calibration of the result is measured in benchmarks/bench_calibration.py.

    Parameters
    ----------
    raw : float
        The rule's probability that its label is right (0..1).
    n_flags : int
        Physics flags raised by the fit and the classification.

    Returns
    -------
    float
    """
    cap = FLAG_CAP ** max(int(n_flags), 0)
    return float(min(max(raw, 0.0), cap, 1.0))


def _half(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{int(round(2 * x))}/2"

