"""Localized / itinerant / mixed classification (magfit.classify).

Synthetic truth: chi(T) = C/(T - theta) + chi0 with the Curie fraction f = CW(T_max)/chi(T_max)
set exactly; f >= 0.9 is localized, f <= 0.1 itinerant, anything in between mixed. The sweep
asserts that no dataset is put in the opposite regime, and that the verdict is right where the
evidence is strong (noise <= 1 %, f far from the thresholds).
"""

from __future__ import annotations

import json
import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest

import magfit
from magfit.classify import (
    CONFIDENCE_MAX,
    F_ITINERANT,
    F_LOCALIZED,
    LABELS,
    classify,
    fermi_energy_eV,
    pauli_free_electron_emu_mol,
)
from magfit.errors import FitError

T = np.linspace(2.0, 300.0, 60)
CHI_PAULI = 1e-3
OPPOSITE = {"localized": "itinerant", "itinerant": "localized"}


def synthetic(f: float, noise: float, theta: float = -2.0, seed: int = 0, t=T) -> magfit.ChiT:
    """Curie-Weiss + chi0 with Curie fraction f at T_max and Gaussian relative noise (with error bars)."""
    t_max = float(np.max(t))
    if f >= 1.0:
        c, chi0 = 1.0, 0.0
    else:
        c, chi0 = f * CHI_PAULI * (t_max - theta) / (1.0 - f), CHI_PAULI
    y = c / (t - theta) + chi0
    err = noise * np.abs(y)
    rng = np.random.default_rng(seed)
    return magfit.ChiT(t, y + err * rng.standard_normal(t.size), err)


def truth(f: float) -> str:
    return "localized" if f >= 0.9 else "itinerant" if f <= 0.1 else "mixed"


FRACTIONS = [0.0, 0.02, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 1.0]
NOISES = [0.001, 0.01, 0.05]


def test_sweep_confusion_matrix_has_no_opposite_regime_errors():
    rows = []
    narrow = np.linspace(150.0, 300.0, 15)      # weak evidence: 15 points over a factor 2 in T
    for grid, t, thetas, seeds in (("2-300 K x 60", T, (-2.0, -20.0), (1, 2)),
                                   ("150-300 K x 15", narrow, (-20.0,), (3,))):
        for f in FRACTIONS:
            for noise in NOISES:
                for theta in thetas:
                    for seed in seeds:
                        r = classify(synthetic(f, noise, theta, seed, t=t))
                        assert r.label in LABELS
                        rows.append({"grid": grid, "f": f, "noise": noise, "theta": theta, "truth": truth(f),
                                     "label": r.label, "confidence": r.confidence, "f_hat": r.curie_fraction})
    full = pd.DataFrame(rows)
    print("\nconfusion matrices (rows: truth, columns: verdict)")
    print(pd.crosstab([full["grid"], full["truth"]], full["label"]).to_string())
    opposite = full[full["label"] == full["truth"].map(OPPOSITE)]
    assert opposite.empty, opposite.to_string()
    df = full[full["grid"] == "2-300 K x 60"]
    # strong evidence (noise <= 1 %, f well away from the thresholds): always right
    strong = df[(df["noise"] <= 0.01) & df["f"].isin([0.0, 0.02, 0.05, 0.5, 0.95, 1.0])]
    wrong = strong[strong["label"] != strong["truth"]]
    assert wrong.empty, wrong.to_string()
    # and confident where right and strong
    assert (strong["confidence"] > 0.9).all()
    # even at 5 % noise the clear cases are right
    clear = df[(df["noise"] == 0.05) & df["f"].isin([0.0, 0.02, 0.05, 0.5, 1.0])]
    assert (clear["label"] == clear["truth"]).mean() >= 0.9
    # the estimated fraction tracks the truth where it was determined
    good = df[(df["noise"] <= 0.01)]
    assert np.allclose(good["f_hat"], good["f"], atol=0.03)


def test_localized_pure_curie_and_candidates():
    t = np.linspace(2, 300, 60)
    r = classify(magfit.ChiT(t, 7.878 / (t + 0.5), per="Gd"))
    assert r.label == "localized" and r.confidence == CONFIDENCE_MAX       # certain fit, capped below 1
    assert r.mu_eff == pytest.approx(7.937, abs=0.002)          # C = 7.878 -> Gd3+ (PHYSICS.md a)
    assert r.top_candidates(3)[0]["ion"] == "Gd3+"
    assert r.p_chi0 > 0.01                                         # no chi0 needed
    ev = r.evidence.set_index("quantity")
    assert ev.loc["Curie fraction f at T_max", "supports"] == "localized"
    assert list(r.evidence.columns[:4]) == ["quantity", "value", "threshold", "supports"]


def test_formula_gives_ions_per_formula_unit():
    t = np.linspace(2, 300, 60)
    rng = np.random.default_rng(3)
    y = 2 * 7.878 / (t + 0.5) * (1 + 0.003 * rng.standard_normal(t.size))
    r = classify(magfit.ChiT(t, y), formula="Gd2(SO4)3(H2O)8")
    assert r.n_ions == 2 and r.label == "localized"
    assert r.mu_eff == pytest.approx(7.937, abs=0.05)
    assert r.top_candidates(1)[0]["ion"] == "Gd3+"


def test_formula_counts_ions_also_for_a_given_default_fit():
    # classify(fit_curie_weiss(chi)) (the README and CLI path) used to keep the fit's default n_ions = 1:
    # mu_eff = sqrt(2) x 7.937 = 11.2 "per magnetic ion", no ion matched, confidence halved
    t = np.linspace(2, 300, 60)
    rng = np.random.default_rng(3)
    y = 2 * 7.878 / (t + 0.5) * (1 + 0.003 * rng.standard_normal(t.size))
    fit = magfit.fit_curie_weiss(magfit.ChiT(t, y))
    assert fit.mu_eff.nominal_value == pytest.approx(7.937 * math.sqrt(2), abs=0.05)   # per formula unit
    r = classify(fit, formula="Gd2(SO4)3(H2O)8")
    assert r.n_ions == 2 and r.label == "localized" and r.confidence > 0.9
    assert r.mu_eff == pytest.approx(fit.mu_eff.nominal_value / math.sqrt(2), rel=1e-12)
    assert r.mu_eff_err == pytest.approx(fit.mu_eff.std_dev / math.sqrt(2), rel=1e-9)
    assert r.top_candidates(1)[0]["ion"] == "Gd3+"
    # an explicit n_ions of the fit is kept
    r3 = classify(magfit.fit_curie_weiss(magfit.ChiT(t, y), n_ions=2), formula="Gd2(SO4)3(H2O)8")
    assert r3.n_ions == 2 and r3.mu_eff == pytest.approx(r.mu_eff, rel=1e-9)


def test_itinerant_with_curie_tail_reports_impurity_concentration():
    # enhanced Pauli 3e-4 emu/mol + 0.5 % S = 1/2 impurities (C = 0.005 x 0.37515)
    t = np.linspace(2, 300, 73)
    rng = np.random.default_rng(4)
    y = 3e-4 + 0.005 * 0.375148 / (t + 1.0)
    err = 0.002 * y
    r = classify(magfit.ChiT(t, y + err * rng.standard_normal(t.size), err), fermi_energy_eV=3.24)
    assert r.label == "itinerant" and r.confidence > 0.95
    assert r.curie_fraction < F_ITINERANT
    assert r.impurity_fraction == pytest.approx(0.005, rel=0.03)
    assert r.p_curie < 1e-6 and r.p_chi0 < 1e-6                 # both terms needed
    assert r.models.loc[r.models["aic"].idxmin(), "model"] == "C/(T-theta)+chi0"
    # Stoner enhancement against free electrons with E_F = 3.24 eV (chi_P = 1.50e-5)
    assert r.stoner_enhancement == pytest.approx(3e-4 / 1.50e-5, rel=0.01)
    assert "impurit" in r.explanation


def test_free_electron_pauli_numbers():
    # PHYSICS.md d: chi_P = N_A mu_B^2 (3/2)/E_F per electron: Na (3.24 eV) 1.50e-5, K (2.12 eV) 2.29e-5
    assert pauli_free_electron_emu_mol(3.24) == pytest.approx(1.50e-5, rel=0.005)
    assert pauli_free_electron_emu_mol(2.12) == pytest.approx(2.29e-5, rel=0.005)
    assert pauli_free_electron_emu_mol(3.24, 2.0) == pytest.approx(3.0e-5, rel=0.005)
    # Ashcroft & Mermin Table 2.1: Na n = 2.65e22 cm^-3 -> E_F = 3.24 eV
    assert fermi_energy_eV(2.65e22) == pytest.approx(3.24, rel=0.005)


def test_mixed():
    r = classify(synthetic(0.5, 0.003, theta=-25.0, seed=5))
    assert r.label == "mixed"
    assert r.curie_fraction == pytest.approx(0.5, abs=0.03)
    assert F_ITINERANT < r.curie_fraction < F_LOCALIZED


def test_given_fit_window_is_reused():
    chi = synthetic(1.0, 0.005, seed=6)
    fit = magfit.fit_curie_weiss(chi, tmin=50.0)
    r = classify(fit)
    assert r.label == "localized"
    assert r.fit is fit
    assert r.evidence.set_index("quantity").loc["window", "value"].startswith(f"{fit.tmin_K:.4g}-300 K")
    assert fit.tmin_K >= 50.0


# ------------------------------------------------------------------ degenerate inputs
def test_flat_chi_with_noise_is_pauli_not_localized():
    rng = np.random.default_rng(7)
    y = 5e-4 * (1 + 0.01 * rng.standard_normal(T.size))
    r = classify(magfit.ChiT(T, y))
    assert r.label in ("itinerant", "undetermined")
    assert r.label == "itinerant"                 # 1 % noise over 2-300 K excludes a Curie tail
    assert r.p_curie > 0.01


def test_pure_inverse_t_is_localized():
    r = classify(magfit.ChiT(T, 1.0 / T))
    assert r.label == "localized" and r.confidence == CONFIDENCE_MAX
    assert r.mu_eff == pytest.approx(math.sqrt(1.0 / 0.125049), rel=1e-4)


def test_two_points_undetermined_with_reason():
    r = classify(magfit.ChiT([10.0, 300.0], [0.1, 0.003]))
    assert r.label == "undetermined" and r.confidence == 0.0
    assert "2 usable points" in r.explanation


def test_nans_are_dropped_and_counted():
    y = 1.0 / T
    y[::6] = np.nan
    r = classify(magfit.ChiT(T, y))
    assert r.label == "localized"
    assert any("10 of 60 points dropped" in s for s in r.reasons)
    r2 = classify(magfit.ChiT(T, np.full(T.size, np.nan)))
    assert r2.label == "undetermined" and "0 usable points" in r2.explanation


@pytest.mark.parametrize(
    "y, why",
    [
        (-1e-4 * np.ones(60), "diamagnetic"),
        (np.zeros(60), "diamagnetic"),
    ],
)
def test_non_paramagnetic_constant_is_undetermined(y, why):
    r = classify(magfit.ChiT(T, y))
    assert r.label == "undetermined" and why in r.explanation


def test_single_temperature_undetermined():
    r = classify(magfit.ChiT(np.full(20, 100.0), np.full(20, 1e-3)))
    assert r.label == "undetermined" and "1 distinct temperatures" in r.explanation


def test_narrow_window_curie_is_not_called_itinerant():
    # 250-300 K: a Curie law changes by 20 %, like an enhanced Pauli term -> no itinerant verdict
    t = np.linspace(250, 300, 30)
    rng = np.random.default_rng(8)
    y = (1 / t) * (1 + 0.05 * rng.standard_normal(t.size))
    r = classify(magfit.ChiT(t, y, 0.05 / t))
    assert r.label != "itinerant"


def test_strong_afm_beyond_window_is_undetermined():
    # theta = -600 K with data to 300 K: not in the Curie-Weiss regime (needs T >~ 2|theta|)
    rng = np.random.default_rng(9)
    y = 4.3767 / (T + 600) * (1 + 0.003 * rng.standard_normal(T.size))
    r = classify(magfit.ChiT(T, y))
    assert r.label == "undetermined" and "theta" in r.explanation


@pytest.mark.parametrize("b", [0.1, -0.1])
def test_enhanced_pauli_t2_is_never_localized(b):
    rng = np.random.default_rng(10)
    y = 5e-4 * (1 + b * (T / 300) ** 2) * (1 + 0.001 * rng.standard_normal(T.size))
    r = classify(magfit.ChiT(T, y))
    assert r.label == "itinerant"
    # positive evidence (issue 13): chi = a (1 + b T^2) fits as well as CW + chi0; the T^2 rule's base
    # confidence, below a Curie-law verdict's
    assert "T^2" in r.rule and r.confidence <= 0.85


def test_wrong_type_raises_magfit_error():
    with pytest.raises(FitError, match="ChiT or a CurieWeissFit"):
        classify(np.arange(10))


def test_to_dict_is_json_safe():
    r = classify(synthetic(0.05, 0.01, seed=11))
    d = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert d["label"] == "itinerant" and 0 <= d["confidence"] <= 1
    assert {"quantity", "value", "threshold", "supports"} <= set(d["evidence"][0])
    r0 = classify(magfit.ChiT([1.0, 2.0], [1.0, 0.5]))
    json.dumps(r0.to_dict(), allow_nan=False)
    assert "undetermined" in r0.summary()


# ------------------------------------------------------------------ sample data (true regimes in README)
SAMPLES = [
    ("gd_sulfate_mpms3.dat", {"formula": "Gd2(SO4)3(H2O)8", "per_ion": "Gd"}, "localized", "Gd3+"),
    ("mno_like_afm_mpmsxl.dat", {"formula": "MnO"}, "localized", "Mn2+"),
    ("ferromagnet_above_tc.csv", {"formula": "CrBr3", "mass_mg": 15.0}, "localized", "Cr3+"),
    ("pauli_metal_impurity.csv", {"formula": "Pd", "mass_mg": 50.0}, "itinerant", None),
    ("mixed_kondo_like.dat", {"formula": "CePd3", "holder": "empty_holder_mpms3.dat"}, "mixed", None),
    ("chi_table.csv", {}, "localized", "Cu2+"),
]


@pytest.mark.parametrize("name, kwargs, label, ion", SAMPLES, ids=[s[0] for s in SAMPLES])
def test_sample_data_classified_correctly(name, kwargs, label, ion):
    from conftest import SAMPLE_DATA

    path = SAMPLE_DATA / name
    if not path.exists():
        pytest.skip(f"{name} not generated")
    kwargs = dict(kwargs)
    if "holder" in kwargs:
        kwargs["holder"] = str(SAMPLE_DATA / kwargs["holder"])
    chi = magfit.read(path).susceptibility(**kwargs)
    r = classify(chi)
    assert r.label == label, r.summary()
    assert r.confidence >= 0.9 - 1e-12           # a flagged fit is capped at FLAG_CAP = 0.9 (issue 13)
    assert r.confidence < 0.95 or not r.flags
    if ion is not None:
        assert r.top_candidates(1)[0]["ion"] == ion
    if label == "itinerant":
        assert r.impurity_fraction == pytest.approx(0.005, rel=0.05)   # README: 0.5 % S = 1/2


def test_labels_counter_sanity():
    # every label is reachable
    seen = Counter(classify(c).label for c in (synthetic(1.0, 0.003), synthetic(0.0, 0.003),
                                                 synthetic(0.5, 0.003),
                                                 magfit.ChiT([1.0, 2.0], [1.0, 0.5])))
    assert set(seen) == set(LABELS)


# ------------------------------------------------------------------ robustness (property-based)
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_values = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64),
                    st.floats(min_value=-1e-2, max_value=1e-1))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(0, 25), data=st.data())
def test_any_input_gives_a_verdict_never_a_numpy_exception(n, data):
    t = np.array(data.draw(st.lists(st.one_of(st.floats(min_value=-5, max_value=400), st.just(np.nan)),
                                    min_size=n, max_size=n)), dtype=float)
    y = np.array(data.draw(st.lists(_values, min_size=n, max_size=n)), dtype=float)
    r = classify(magfit.ChiT(t, y))
    assert r.label in LABELS and 0.0 <= r.confidence <= 1.0
    if r.label == "undetermined":
        assert r.explanation.startswith("Undetermined:") and len(r.explanation) > 20


def test_cli_fit_json_has_classification_keys(capsys):
    from conftest import SAMPLE_DATA

    from magfit.cli import main

    path = SAMPLE_DATA / "gd_sulfate_mpms3.dat"
    if not path.exists():
        pytest.skip("sample data not generated")
    rc = main(["fit", str(path), "--formula", "Gd2(SO4)3(H2O)8", "--per-ion", "Gd", "--json"])
    row = json.loads(capsys.readouterr().out.splitlines()[0])
    assert rc == 0 and row["label"] == "localized" and 0.9 < row["confidence"] <= 1.0
    assert row["candidates"][0]["ion"] == "Gd3+" and row["candidates"][0]["n_sigma"] < 1.0
    assert len(row["candidates"]) <= 3


def test_model_comparison_numbers_match_closed_forms_and_lmfit():
    from scipy import stats

    from magfit.classify import _ftest

    # nested F-test: F = ((RSS_a - RSS_b)/(k_b - k_a)) / (RSS_b/(n - k_b))
    fstat, p = _ftest(10.0, 1, 5.0, 3, 13)
    assert fstat == pytest.approx(5.0) and p == pytest.approx(stats.f.sf(5.0, 2, 10))
    r = classify(synthetic(0.5, 0.01, seed=12))
    m = r.models.set_index("model")
    # AIC/BIC of the full model equal lmfit's for the same fit (n ln(chi2/n) + 2k, + k ln n)
    assert m.loc["C/(T-theta)+chi0", "aic"] == pytest.approx(r.fit.aic, rel=1e-9)
    assert m.loc["C/(T-theta)+chi0", "bic"] == pytest.approx(r.fit.bic, rel=1e-9)
    # nested models cannot fit better than the full one
    assert (m["rss"] >= m.loc["C/(T-theta)+chi0", "rss"] * (1 - 1e-9)).all()


def test_flat_but_huge_chi_is_no_pauli_metal():
    """chi ~ 37 emu/mol nearly constant in T (a saturated ferromagnet in 100 Oe, or a wrong mass) is
    not an exchange-enhanced Pauli metal: no Pauli chi exceeds PAULI_CHI_MAX_EMU_MOL."""
    from magfit.classify import PAULI_CHI_MAX_EMU_MOL

    t = np.linspace(90, 300, 60)
    rng = np.random.default_rng(7)
    chi_true = 37.0 * (1 + 0.03 * (t - 90) / 210)        # rises slightly with T
    chi = magfit.ChiT(t, chi_true * (1 + 1e-3 * rng.standard_normal(t.size)), 1e-3 * chi_true)
    v = classify(chi)
    assert v.label == "undetermined"
    assert "Pauli" in v.explanation and "ordered" in v.explanation
    # the same shape scaled to a Pauli magnitude is itinerant
    small = magfit.ChiT(t, chi.chi_emu_mol * 1e-5, chi.chi_err_emu_mol * 1e-5)
    assert np.mean(small.chi_emu_mol) < PAULI_CHI_MAX_EMU_MOL
    assert classify(small).label == "itinerant"


def test_unresolved_curie_constant_on_a_diamagnet_is_not_localized():
    """With chi0 < 0 the Curie fraction is 1 by construction; a C below 2 sigma must not give
    'localized' with confidence 1 (review finding on a thin-film MPMS3 file)."""
    t = np.linspace(5, 300, 60)
    rng = np.random.default_rng(1)
    y = -2e-4 + 5e-5 / (t + 1) + 3e-6 * rng.standard_normal(t.size)
    fit = magfit.fit_curie_weiss(magfit.ChiT(t, y, np.full(t.size, 3e-6)))
    assert fit.C.nominal_value < 2 * fit.C.std_dev
    v = classify(fit)
    assert v.label == "undetermined" and "not resolved" in v.explanation


_PCT = r"([-+0-9.eE]+) \+/- ([-+0-9.eE]+) %"


@pytest.mark.parametrize(("case", "label"), [
    (lambda: synthetic(0.5, 0.003, theta=-25.0, seed=5), "mixed"),
    (lambda: synthetic(1.0, 0.003, seed=2), "localized"),
])
def test_explanation_percentages_carry_their_error_on_the_same_scale(case, label):
    """Regression: '44.5 % (+/- 0.0033)' printed a fraction's error beside a percentage. The text now
    reads 'value +/- error %': both numbers parse back to 100 x (curie_fraction, curie_fraction_err)."""
    import re

    r = classify(case())
    assert r.label == label
    assert "% (+/-" not in r.explanation
    m = re.search(r"Curie-Weiss (?:term carries|part is) " + _PCT, r.explanation)
    assert m, r.explanation
    value, err = float(m.group(1)), float(m.group(2))
    assert value == pytest.approx(100 * r.curie_fraction, rel=5e-3)          # printed to 3 significant digits
    assert err == pytest.approx(100 * r.curie_fraction_err, rel=5e-2)        # printed to 2 significant digits


def test_tail_impurity_percentage_carries_its_error_on_the_same_scale():
    import re

    t = np.linspace(2, 300, 73)
    rng = np.random.default_rng(4)
    y = 3e-4 + 0.005 * 0.375148 / (t + 1.0)
    err = 0.002 * y
    r = classify(magfit.ChiT(t, y + err * rng.standard_normal(t.size), err), fermi_energy_eV=3.24)
    assert r.label == "itinerant"
    m = re.search(r"concentration is " + _PCT, r.explanation)
    assert m, r.explanation
    assert float(m.group(1)) == pytest.approx(100 * r.impurity_fraction, rel=5e-3)
    assert float(m.group(2)) == pytest.approx(100 * r.impurity_fraction_err, rel=5e-2)
    m = re.search(r"Curie-Weiss part is " + _PCT, r.explanation)
    assert float(m.group(1)) == pytest.approx(100 * r.curie_fraction, rel=5e-3)
    assert float(m.group(2)) == pytest.approx(100 * r.curie_fraction_err, rel=5e-2)


def test_far_from_threshold_mixed_is_confident_but_not_certain():
    """Regression: a mixed share many sigma inside (F_ITINERANT, F_LOCALIZED) reported confidence 1.0.
    The rule's Gaussian probability (computed here from the result's own f and sigma_f) rounds to 1;
    the reported confidence is min(that, CONFIDENCE_MAX) < 1."""
    from magfit.classify import _phi

    r = classify(synthetic(0.5, 0.003, theta=-25.0, seed=5))
    assert r.label == "mixed" and not r.flags
    f, sf = r.curie_fraction, r.curie_fraction_err
    raw = min(_phi((f - F_ITINERANT) / sf), _phi((F_LOCALIZED - f) / sf)) * (1.0 - r.p_curie)
    assert raw > CONFIDENCE_MAX                       # the case the cap is for
    assert r.confidence == pytest.approx(min(raw, CONFIDENCE_MAX)) and r.confidence < 1.0


def test_denormal_temperature_gives_a_verdict_not_an_overflow_warning():
    # found by the property test above: a temperature of 2.2e-313 K made 1/T overflow in the Curie-tail bound
    import warnings

    t = np.array([1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 4.0, 2.2250738585e-313])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = classify(magfit.ChiT(t, np.zeros(8)))
    assert r.label in LABELS
