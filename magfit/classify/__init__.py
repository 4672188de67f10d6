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
2b. **Valence fluctuation**: the formula holds Ce or Yb and chi has the gapped shape of rule 3 (a
   maximum with chi falling on cooling, or chi rising through the window) at T >= :data:`IV_TMIN_K`
   -> ``"mixed"`` at :data:`IV_CONFIDENCE` (Ce3+/Yb3+ are Kramers ions and 4f exchange is weak: the
   Kondo / intermediate-valence crossover, not a singlet cluster).
2c. **Giant-moment blocking**: that maximum with, above it, a resolved Curie law whose mu_eff exceeds
   :data:`MU_EFF_MAX` per ion -> ``"localized"`` at :data:`BLOCKING_CONFIDENCE` (superparamagnetic or
   single-molecule-magnet blocking, a ZFC peak -- not a singlet).
2d. **Spin crossover**: chi*T rises on heating to a plateau with a relative slope d(chi*T)/d ln T above
   :data:`SCO_SLOPE` (more than twice a Bleaney-Bowers dimer's largest, 0.55) at T >= :data:`SCO_TMIN_K`
   -> ``"localized"`` at :data:`SCO_CONFIDENCE`, Curie-Weiss numbers flagged; a window above the step is
   judged by the Curie-Weiss rules (the high-spin moment) with the step stated
   (:mod:`magfit.classify.rules_transitions`).
3. **Gapped or low-dimensional**: a chi maximum below which chi falls to < :data:`GAP_DROP` of it
   (singlet ground state: dimer, spin ladder), or chi rising on heating by more than
   :data:`RISE_GAPPED` (:data:`RISE_GAPPED_ION` when the formula holds a local-moment ion), or (with
   such an ion) chi rising by more than :data:`RISE_ABOVE_MIN` above an interior minimum (a gapped
   magnet behind an orphan-spin Curie tail) -> ``"localized"`` (fit a cluster or chain model).
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
   9a. a share between the thresholds with theta < 0 above a ferromagnetic rise of chi*T -> a Neel
   ferrimagnet, ``"localized"`` at :data:`FERRI_CONFIDENCE`; 9b. a share between the thresholds whose
   chi0 exceeds any plausible Pauli value, or with theta > 0 and T_min < 2 theta (ferro/ferrimagnetic
   curvature of 1/chi) -> undetermined; 10. otherwise ``"mixed"`` (its sigma_f widened by the window
   systematic of chi0).

Annotations (:data:`ANNOTATIONS`) never change the label: a single-field chi0 above any plausible
Pauli value (a flag), a window-systematic drift with a 4f ion (crystal-field depopulation, see
:mod:`magfit.systematics`), a chi maximum (long- or short-range order), a chi0 of a localized/mixed
verdict far below any core diamagnetism (flag: mu_eff and theta biased, e.g. spin-orbit coupled
Co2+/Fe2+), a moment above any single ion (flag: superparamagnetic clusters, several ions per formula
unit, or a wrong mass), a 4f moment off its free-ion value on a crystal-field window (flag),
superconducting shielding (flag), an undefined rho(theta, chi0) (flag), mu_eff per ion beside a per
formula unit fit (reason), a chi excess at 44-54 K over a smooth background (flag: possible adsorbed O2,
whose beta-gamma transition is at 43.8 K and melting at 54.4 K, or a transition of the sample; a note
instead when chi has its largest value there, e.g. an antiferromagnet's T_N).

What ``confidence`` means: the probability that the label is right given the evidence. Each rule
gives a Gaussian probability that its statistic lies on the chosen side of its threshold (e.g.
Phi((f - F_LOCALIZED)/sigma_f) x (1 - p_curie)), or a fixed base value for the shape rules
(:data:`GAPPED_CONFIDENCE`, :data:`VAN_VLECK_CONFIDENCE`); every physics flag caps it at
:data:`FLAG_CAP` ** n_flags (:func:`calibrated_confidence`), so a flagged fit never reaches 0.95;
and no verdict reaches 1: the confidence is at most :data:`CONFIDENCE_MAX` (0.99), because the
Gaussian probability holds only the fit's statistical error of one window (not the window choice,
the model's adequacy or the data reduction) and is exactly 1.0 in double precision for a statistic
many sigma from its threshold.
It is 0 for ``"undetermined"``. The calibration (fraction right per confidence bin, on a labelled
synthetic set across regimes, noise levels and windows) is printed by
``benchmarks/bench_calibration.py``.

Supporting evidence (reported, not used by the rule): AIC/BIC of the three models; mu_eff per
magnetic ion against :func:`magfit.ions.candidate_ions`; a weak T^2 dependence of chi - CW(T) in
the chi0-dominated part (enhanced Pauli, chi(T) = chi(0)[1 + b T^2]); the Stoner enhancement
chi0 / chi_P(free electrons) when an electron density or Fermi energy is given, with
chi_P = N_A mu_B^2 (3/2) / E_F per conduction electron (cgs; Ashcroft & Mermin ch. 31) and
E_F = hbar^2 (3 pi^2 n)^(2/3) / (2 m_e).

Package layout (one job per module)
-----------------------------------
``core`` :func:`classify` (data checks, the three models, the evidence) · ``stats`` F-tests, AIC/BIC
and the closed-form least squares · ``inputs`` formula, ions, window, field dependence, features ·
``context`` the rule machinery (:class:`Rule`) · ``rules_curie``, ``rules_ions`` (Van Vleck, crystal
field), ``rules_gapped`` (clusters, chains), ``rules_transitions`` (spin crossover, adsorbed O2),
``rules_pauli`` (itinerant evidence) · ``decision``
:data:`RULES`, the annotations, :func:`calibrated_confidence` · ``thresholds`` every threshold with
its reason · ``result`` :class:`Classification` · ``evidence`` the evidence table ·
``free_electron`` chi_P and E_F.

Examples
--------
>>> import numpy as np, magfit
>>> t = np.linspace(2, 300, 60)
>>> v = magfit.classify(magfit.ChiT(t, 1.25 / (t + 1.0), per="Cu"))
>>> v.label, v.rule
('localized', 'Curie-Weiss term carries 100 % of chi')

References
----------
H. Akaike, IEEE Trans. Autom. Control 19, 716 (1974); G. Schwarz, Ann. Stat. 6, 461 (1978);
N. W. Ashcroft and N. D. Mermin, *Solid State Physics* (1976) ch. 31 (Pauli, Curie);
S. Blundell, *Magnetism in Condensed Matter* (OUP 2001) ch. 5 and 7 (Stoner enhancement).
"""

from __future__ import annotations

# re-exports: the public names (__all__) and the thresholds and helpers that tests and notebooks import
from .context import Rule  # noqa: F401
from .core import classify  # noqa: F401
from .decision import ANNOTATIONS, RULES, calibrated_confidence  # noqa: F401
from .free_electron import fermi_energy_eV, pauli_free_electron_emu_mol  # noqa: F401
from .result import Classification  # noqa: F401
from .stats import _ftest, _ic, _phi  # noqa: F401
from .thresholds import (  # noqa: F401
    ALPHA,
    BLOCKING_CONFIDENCE,
    BULK_CHI_MAX,
    BULK_SHARE_MAX,
    CF_SYS_RATIO,
    CF_TMIN_K,
    CHI0_DOMINATED,
    CHI_ABS_MAX,
    CONFIDENCE_MAX,
    DEGENERATE_CONFIDENCE,
    EXACT_REL,
    F_ITINERANT,
    F_LOCALIZED,
    FERRI_CONFIDENCE,
    FLAG_CAP,
    FLAT_VARIATION,
    GAP_DROP,
    GAPPED_CONFIDENCE,
    GAPPED_CONFIDENCE_NO_ION,
    IV_CONFIDENCE,
    IV_TMIN_K,
    LABEL_NEUTRAL_FLAGS,
    LABELS,
    MIN_DISTINCT_T,
    MIN_POINTS,
    MU_EFF_MAX,
    PAULI_CHI_MAX_EMU_MOL,
    RISE_GAPPED,
    RISE_GAPPED_ION,
    SIGMA_F_MAX,
    T2_CONFIDENCE,
    T2_WEAK,
    T_MAX_K,
    THETA_DEGENERATE,
    VAN_VLECK_CONFIDENCE,
    Z_BOUND,
)

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
