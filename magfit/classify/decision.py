"""The decision chain :data:`RULES`, the annotations, and the confidence cap."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import FitError
from .context import Rule, _Ctx, _Verdict
from .result import Classification
from .rules_curie import (
    _a_chi0_too_negative,
    _a_impurity_level,
    _a_moment_too_large,
    _a_rho_undefined,
    _r_chi0_not_pauli,
    _r_f_undetermined,
    _r_ferrimagnet,
    _r_ftest,
    _r_localized,
    _r_mixed,
    _r_unresolved,
)
from .rules_gapped import _a_broad_maximum, _a_cw_meaningless, _r_blocking, _r_gapped
from .rules_ions import _a_crystal_field, _a_per_ion, _r_valence_fluctuation, _r_van_vleck
from .rules_pauli import (
    _a_single_field,
    _a_superconducting,
    _r_degenerate,
    _r_enhanced_pauli,
    _r_flat,
    _r_tail,
)
from .rules_transitions import _a_oxygen, _r_spin_crossover
from .thresholds import (
    CONFIDENCE_MAX,
    FLAG_CAP,
)

#: the decision chain, in order; the first rule that returns a verdict decides. A new rule is one entry.
RULES: tuple[Rule, ...] = (
    Rule("F-test computable", "p_curie of the M0 -> M2 F-test", _r_ftest),
    Rule("Van Vleck ion", "formula holds Eu3+/Sm3+; chi not a clean Curie law", _r_van_vleck),
    Rule("valence fluctuation", "formula holds Ce/Yb; chi maximum (or rise) at T >= IV_TMIN_K",
         _r_valence_fluctuation),
    Rule("giant-moment blocking", "chi maximum with a drop; Curie law above it with mu_eff > MU_EFF_MAX",
         _r_blocking),
    Rule("spin crossover", "a steep chi*T step to a plateau (slope > SCO_SLOPE) at T >= SCO_TMIN_K",
         _r_spin_crossover),
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
    Rule("ferrimagnet", "mixed share, theta < 0, ferromagnetic rise of chi*T below the window",
         _r_ferrimagnet),
    Rule("chi0 not a Pauli term", "mixed share with chi0 above any Pauli value, or theta > 0 and T_min < "
                                  "2 theta", _r_chi0_not_pauli),
    Rule("mixed", "F_ITINERANT < f < F_LOCALIZED", _r_mixed),
)


ANNOTATIONS: tuple[Callable[[_Ctx, _Verdict], str | None], ...] = (
    _a_single_field, _a_crystal_field, _a_broad_maximum, _a_impurity_level, _a_cw_meaningless,
    _a_chi0_too_negative, _a_moment_too_large, _a_superconducting, _a_rho_undefined, _a_per_ion, _a_oxygen)


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

    ``min(raw, FLAG_CAP ** n_flags, CONFIDENCE_MAX)``: a flagged fit never reaches 0.95 (one flag: at
    most :data:`FLAG_CAP`), and no verdict reaches 1 (:data:`CONFIDENCE_MAX` = 0.99: the rule's
    Gaussian probability holds only the fit's statistical error, not the window choice, the model's
    adequacy or the data reduction, and rounds to exactly 1.0 for a share many sigma from a
    threshold -- e.g. a mixed share 44.5 +/- 0.3 % between 10 and 90 %). The calibration of the
    result is measured in benchmarks/bench_calibration.py.

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
    return float(min(max(raw, 0.0), cap, CONFIDENCE_MAX))

