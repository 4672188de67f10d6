"""Rhodes-Wohlfarth ratio and verdict on textbook values (issue 16)."""

from __future__ import annotations

import math

import pytest

from magfit.errors import SampleError
from magfit.mh.ferro import REFERENCE_FERROMAGNETS, p_c_from_mu_eff, rhodes_wohlfarth, takahashi_slope


@pytest.mark.parametrize("p_c", [0.5, 1.0, 2.2, 3.0, 7.0])
def test_p_c_inverts_mu_eff_squared(p_c):
    # definition: μ_eff² = p_c (p_c + 2)
    assert p_c_from_mu_eff(math.sqrt(p_c * (p_c + 2))) == pytest.approx(p_c, rel=1e-12)


@pytest.mark.parametrize("name, mu_eff, p_s, label", [
    # μ_eff (Curie-Weiss, μB/atom) and p_s (μB/atom): textbook values, Kittel / Wohlfarth (1978)
    ("Gd", 7.98, 7.63, "localized"),       # ratio 0.92
    ("Fe", 3.15, 2.22, "localized"),       # ratio ~1.04: strong ferromagnet, RW ≈ 1
    ("Ni", 1.61, 0.606, "intermediate"),   # ratio ~1.47
    ("ZrZn2", 1.9, 0.17, "itinerant"),     # ratio ~6.7, weak itinerant (Yelland et al. 2005)
    ("MnSi", 2.2, 0.4, "itinerant"),       # ratio ~3.5
])
def test_textbook_ferromagnets_classified(name, mu_eff, p_s, label):
    res = rhodes_wohlfarth(mu_eff, p_s)
    p_c = math.sqrt(1 + mu_eff**2) - 1
    assert res.rw_ratio == pytest.approx(p_c / p_s, rel=1e-12)
    assert res.label == label, (name, res.rw_ratio)
    assert any("Rhodes-Wohlfarth ratio" in r for r in res.reasons)


def test_deguchi_takahashi_estimate_inverts_relation():
    res = rhodes_wohlfarth(1.9, 0.17, Tc_K=27.5)
    # p_eff/p_s = 1.4 (T_C/T_0)^(-2/3) must hold for the returned T_C/T_0
    assert 1.4 * res.Tc_over_T0 ** (-2 / 3) == pytest.approx(res.rw_ratio, rel=1e-9)
    assert res.T0_K == pytest.approx(27.5 / res.Tc_over_T0)
    assert res.Tc_over_T0 < 0.3


def test_errors_propagate_and_bad_input_raises():
    res = rhodes_wohlfarth(3.0, 1.5, mu_eff_err=0.1, p_s_err=0.05)
    assert 0 < res.rw_ratio_err < res.rw_ratio
    with pytest.raises(SampleError, match="p_s"):
        rhodes_wohlfarth(3.0, 0.0)


def test_reference_table_entries_are_complete():
    for ref in REFERENCE_FERROMAGNETS:
        assert ref["p_c"] > 0 and ref["p_s"] > 0 and ref["source"] and "verified" in ref and ref["note"]
    verified = [r for r in REFERENCE_FERROMAGNETS if r["verified"]]
    assert verified, "at least the rows read in their source are marked verified"
    for ref in verified:   # p_c was computed from the source's μ_eff: μ_eff² = p_c (p_c + 2)
        assert ref["p_c"] * (ref["p_c"] + 2) == pytest.approx(ref["mu_eff"] ** 2, rel=1e-4)


def test_takahashi_slope_prefers_m4_for_m5_isotherm():
    import numpy as np

    h = np.linspace(100, 10000, 30)
    m = (h / 3.0) ** 0.2   # H ∝ M^5 at T_C (Takahashi)
    out = takahashi_slope(h, m)
    assert out["r2_m4"] > 0.999 > out["r2_m2"]
    assert out["zeta"] == pytest.approx(1.0 / 3.0, rel=1e-6)   # M^5 = H/3  ->  M^4 = (H/M)/3


def test_ordered_moment_above_paramagnetic_one_gets_no_verdict():
    """p_c/p_s far below 1 is unphysical (p_s from an isotherm above T_C, or a wrong mass): no label."""
    import math

    from magfit.mh.ferro import RW_UNPHYSICAL_MAX, rhodes_wohlfarth

    mu_eff = 3.873                               # S = 3/2, g = 2: p_c = 2 S = 3
    p_c = -1.0 + math.sqrt(1.0 + mu_eff**2)      # mu_eff^2 = p_c (p_c + 2), solved independently
    bad = rhodes_wohlfarth(mu_eff, 20.5, mu_eff_err=0.01, p_s_err=0.1)
    assert bad.rw_ratio == pytest.approx(p_c / 20.5, rel=1e-6) and bad.rw_ratio < RW_UNPHYSICAL_MAX
    assert bad.label == "undetermined" and any("exceeds the paramagnetic" in r for r in bad.reasons)
    ok = rhodes_wohlfarth(mu_eff, 3.0, mu_eff_err=0.01, p_s_err=0.05)   # p_c/p_s = 1: localized
    assert ok.label == "localized"


def test_isotherm_above_tc_withholds_the_verdict():
    from magfit.mh.ferro import _check_isotherm_below_tc, rhodes_wohlfarth

    res = rhodes_wohlfarth(3.873, 3.0, Tc_K=45.0)
    _check_isotherm_below_tc(res, 300.0, 45.0, "Curie-Weiss theta")
    assert res.label == "undetermined" and "not below T_C" in res.reasons[0]
    warm = rhodes_wohlfarth(3.873, 3.0, Tc_K=45.0)
    _check_isotherm_below_tc(warm, 30.0, 45.0, "Arrott")
    assert warm.label == "localized" and any("underestimated" in r for r in warm.reasons)
