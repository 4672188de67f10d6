"""Hund's rules, ion parsing and candidate ranking (magfit.ions).

Reference values: the standard free-ion tables (Ashcroft & Mermin Tables 31.3/31.4; Kittel ch. 11;
reproduced in /work/shared/PHYSICS.md section b): S, L, J, g_J as exact fractions, the ground
term symbols, and p = g_J sqrt(J(J+1)) / 2 sqrt(S(S+1)) to the two decimals printed there.
"""

from __future__ import annotations

import math
from fractions import Fraction as F

import pytest

from magfit.errors import SampleError
from magfit.ions import (
    STANDARD_IONS,
    candidate_ions,
    hund,
    ion,
    ion_configuration,
    ions_table,
    neutral_configuration,
)

# (n, S, L, J, g_J (None for J=0), term, spin-only p, g_J sqrt(J(J+1)))  -- PHYSICS.md b table
TABLE_3D = [
    (1, F(1, 2), 2, F(3, 2), F(4, 5), "2D3/2", 1.73, 1.55),
    (2, 1, 3, 2, F(2, 3), "3F2", 2.83, 1.63),
    (3, F(3, 2), 3, F(3, 2), F(2, 5), "4F3/2", 3.87, 0.77),
    (4, 2, 2, 0, None, "5D0", 4.90, 0.0),
    (5, F(5, 2), 0, F(5, 2), 2, "6S5/2", 5.92, 5.92),
    (6, 2, 2, 4, F(3, 2), "5D4", 4.90, 6.71),
    (7, F(3, 2), 3, F(9, 2), F(4, 3), "4F9/2", 3.87, 6.63),
    (8, 1, 3, 4, F(5, 4), "3F4", 2.83, 5.59),
    (9, F(1, 2), 2, F(5, 2), F(6, 5), "2D5/2", 1.73, 3.55),
]
TABLE_4F = [
    (1, F(1, 2), 3, F(5, 2), F(6, 7), "2F5/2", 1.73, 2.54),
    (2, 1, 5, 4, F(4, 5), "3H4", 2.83, 3.58),
    (3, F(3, 2), 6, F(9, 2), F(8, 11), "4I9/2", 3.87, 3.62),
    (4, 2, 6, 4, F(3, 5), "5I4", 4.90, 2.68),
    (5, F(5, 2), 5, F(5, 2), F(2, 7), "6H5/2", 5.92, 0.85),
    (6, 3, 3, 0, None, "7F0", 6.93, 0.0),
    (7, F(7, 2), 0, F(7, 2), 2, "8S7/2", 7.94, 7.94),
    (8, 3, 3, 6, F(3, 2), "7F6", 6.93, 9.72),
    (9, F(5, 2), 5, F(15, 2), F(4, 3), "6H15/2", 5.92, 10.65),
    (10, 2, 6, 8, F(5, 4), "5I8", 4.90, 10.61),
    (11, F(3, 2), 6, F(15, 2), F(6, 5), "4I15/2", 3.87, 9.58),
    (12, 1, 5, 6, F(7, 6), "3H6", 2.83, 7.56),
    (13, F(1, 2), 3, F(7, 2), F(8, 7), "2F7/2", 1.73, 4.54),
]
CASES = [("3d", *row) for row in TABLE_3D] + [("4f", *row) for row in TABLE_4F]


@pytest.mark.parametrize("shell,n,S,L,J,g,term,p_spin,p_j", CASES, ids=[f"{c[0]}{c[1]}" for c in CASES])
def test_hund_matches_standard_table(shell, n, S, L, J, g, term, p_spin, p_j):
    t = hund(shell, n)
    assert t.S == float(S) and t.L == L and t.J == float(J)
    if g is None:
        assert math.isnan(t.g_J) and t.mu_eff_J == 0.0 and t.saturation_moment == 0.0
    else:
        assert t.g_J == pytest.approx(float(g), abs=1e-12)
        assert t.saturation_moment == pytest.approx(float(g) * float(J), abs=1e-12)
    assert t.term == term
    # tables print two decimals
    assert round(t.mu_eff_spin_only, 2) == pytest.approx(p_spin, abs=0.006)
    assert round(t.mu_eff_J, 2) == pytest.approx(p_j, abs=0.006)
    # exact closed forms
    assert t.mu_eff_spin_only == pytest.approx(2 * math.sqrt(float(S) * (float(S) + 1)), rel=1e-12)


@pytest.mark.parametrize("shell,l", [("3d", 2), ("4d", 2), ("5d", 2), ("4f", 3), ("5f", 3)])
def test_particle_hole_symmetry_and_closed_shells(shell, l):
    full = 2 * (2 * l + 1)
    for n in range(full + 1):
        a, b = hund(shell, n), hund(shell, full - n)
        assert (a.S, a.L) == (b.S, b.L)
        # J: |L-S| below half filling, L+S at/above
        assert a.J == (abs(a.L - a.S) if n < 2 * l + 1 else a.L + a.S)
    for n in (0, full):
        t = hund(shell, n)
        assert (t.S, t.L, t.J, t.term, t.mu_eff_J) == (0, 0, 0, "1S0", 0.0)


def test_term_unicode():
    assert hund("4f", 7).term_unicode == "⁸S₇/₂"
    assert hund("3d", 6).term_unicode == "⁵D₄"
    assert hund("4f", 9).term_unicode == "⁶H₁₅/₂"


@pytest.mark.parametrize(
    "spec,shell,n",
    [
        ("Gd3+", "4f", 7), ("Eu2+", "4f", 7), ("Eu3+", "4f", 6), ("Ce3+", "4f", 1), ("Ce4+", "4f", 0),
        ("Yb3+", "4f", 13), ("Tb4+", "4f", 7), ("Fe2+", "3d", 6), ("Fe3+", "3d", 5), ("Cu2+", "3d", 9),
        ("Cr3+", "3d", 3), ("Mn2+", "3d", 5), ("Ti3+", "3d", 1), ("V4+", "3d", 1), ("Ni2+", "3d", 8),
        ("Ir4+", "5d", 5), ("Pt2+", "5d", 8), ("Ru3+", "4d", 5), ("Pd2+", "4d", 8), ("Mo5+", "4d", 1),
        ("U4+", "5f", 2), ("Pu3+", "5f", 5), ("Fe(III)", "3d", 5), ("Gd+3", "4f", 7), ("Cu^{2+}", "3d", 9),
        ("4f7", "4f", 7), (("3d", 4), "3d", 4),
    ],
)
def test_ion_configuration_from_string(spec, shell, n):
    i = ion(spec)
    assert (i.shell, i.n) == (shell, n)


def test_neutral_exceptions_lose_s_first():
    # Cr 3d5 4s1 and Cu 3d10 4s1 are anomalous neutral atoms; the ions still come out right
    assert neutral_configuration("Cr") == {"3d": 5, "4s": 1}
    assert neutral_configuration("Fe") == {"3d": 6, "4s": 2}
    assert ion_configuration("Cu", 1) == {"3d": 10}
    assert ion_configuration("Fe", 2) == {"3d": 6}
    assert ion_configuration("Gd", 3) == {"4f": 7}          # 4f7 5d1 6s2 -> loses 6s2, 5d1
    assert ion_configuration("Gd", 2) == {"4f": 7, "5d": 1}


def test_moments_and_curie_constants():
    gd = ion("Gd3+")
    assert gd.mu_eff_J == pytest.approx(math.sqrt(63.0), rel=1e-12)       # g=2, J=7/2
    # C = 0.125049 mu_eff^2 emu K/mol (PHYSICS.md a, CODATA)
    assert gd.C_J_emu_K_mol == pytest.approx(0.125049 * 63.0, rel=5e-6)
    assert ion("Cu2+").C_spin_only_emu_K_mol == pytest.approx(0.37515, rel=2e-5)   # S = 1/2
    # expected moment: spin-only for 3d, J value for 4f
    assert ion("Co2+").mu_eff_expected == pytest.approx(math.sqrt(15.0))
    assert ion("Dy3+").mu_eff_expected == pytest.approx(ion("Dy3+").mu_eff_J)
    assert ion("Fe2+").experimental == 5.4 and ion("Gd3+").experimental == 8.0
    assert "8S7/2" in gd.summary() and "7.937" in gd.summary()


def test_sm_eu_exceptions_and_j_zero():
    eu, sm = ion("Eu3+"), ion("Sm3+")
    assert eu.J == 0 and math.isnan(eu.g_J) and eu.mu_eff_J == 0.0
    assert eu.mu_eff_expected == 3.4 and sm.mu_eff_expected == 1.5
    assert eu.approximate and sm.approximate
    assert any("not a Curie law" in note for note in eu.notes + sm.notes)
    assert eu.to_dict()["g_J"] is None            # JSON-safe


def test_heavy_ions_low_spin_and_flagged():
    ir = ion("Ir4+")
    assert ir.spin_state == "low-spin" and ir.S_expected == 0.5
    assert ir.mu_eff_expected == pytest.approx(math.sqrt(3.0))   # J_eff = 1/2, g = 2
    assert ir.approximate and any("J_eff = 1/2" in note for note in ir.notes)
    assert ion("Ru4+").S_expected == 1.0            # t2g^4 low-spin
    assert ion("Ru4+", spin_state="high").S_expected == 2.0
    assert ion("U4+").approximate
    # 3d low-spin on request
    assert ion("Fe3+", spin_state="low").S_expected == 0.5
    assert ion("Co3+ LS").mu_eff_expected == 0.0    # t2g^6
    assert ion("Fe2+").spin_state == "high-spin"


@pytest.mark.parametrize(
    "bad", ["Xx3+", "Na+", "O2-", "Fe9+", "4f15", "hello", "", ("3d",), ("3d", 2.5), "Gd3+ LS"]
)
def test_bad_ions_raise_sample_error(bad):
    with pytest.raises(SampleError):
        ion(bad)


def test_ions_table_is_standard_set():
    tab = ions_table()
    assert list(tab["ion"]) == list(STANDARD_IONS)
    gd = tab.set_index("ion").loc["Gd3+"]
    assert gd["term"] == "8S7/2" and gd["range_lo"] <= 7.94 <= gd["range_hi"]
    # every experimental A&M value lies inside the ion's range
    sub = tab.dropna(subset=["experimental"])
    assert ((sub["range_lo"] <= sub["experimental"]) & (sub["experimental"] <= sub["range_hi"])).all()


@pytest.mark.parametrize(
    "mu,sigma,formula,first",
    [
        (7.94, 0.05, None, "Gd3+"),
        (7.94, 1e-4, None, "Gd3+"),          # a tiny sigma must not exclude the right ion
        (1.90, 0.02, None, "Cu2+"),
        (10.6, 0.05, "DyCl3", "Dy3+"),
        (4.8, 0.05, "CoCl2(H2O)6", "Co2+"),
        (5.92, 0.05, "MnF2", "Mn2+"),
        (3.58, 0.05, "Pr2O3", "Pr3+"),
        (1.8, 0.05, "Na2IrO3", "Ir4+"),
        (7.94, 0.05, "EuO", "Eu2+"),
        (3.4, 0.1, "Eu2O3", "Eu3+"),
    ],
)
def test_candidate_ranking(mu, sigma, formula, first):
    cands = candidate_ions(mu, sigma, formula=formula)
    assert cands.iloc[0]["ion"] == first
    assert cands["consistent"].all()
    assert cands["n_sigma"].is_monotonic_increasing


def test_candidates_extended_and_far_values():
    ext = candidate_ions(7.94, 0.05, extended=True, top=None)
    assert ext.iloc[0]["ion"] == "Gd3+"
    assert {"Eu2+", "Tb4+"} <= set(ext["ion"])          # same 4f7 moment, shown as alternatives
    # a moment no ion has: nothing consistent, but the ranking is available on request
    assert candidate_ions(20.0, 0.1).empty
    far = candidate_ions(20.0, 0.1, max_sigma=None, top=1)
    assert far.iloc[0]["ion"] in ("Dy3+", "Ho3+") and not far.iloc[0]["consistent"]


@pytest.mark.parametrize("args", [("abc", 0.1), (-1.0, 0.1), (float("nan"), 0.1)])
def test_candidates_bad_input(args):
    with pytest.raises(SampleError):
        candidate_ions(*args)


def test_candidates_formula_without_magnetic_element():
    with pytest.raises(SampleError, match="no d- or f-block"):
        candidate_ions(2.0, 0.1, formula="NaCl")


def test_cli_ion(capsys):
    from magfit.cli import main

    assert main(["ion", "Gd3+"]) == 0
    out = capsys.readouterr().out
    assert "8S7/2" in out and "7.937" in out and "7.8781" in out
    assert main(["ions", "--mu-eff", "7.94", "--sigma", "0.05", "--json"]) == 0
    import json

    data = json.loads(capsys.readouterr().out)
    assert data["candidates"][0]["ion"] == "Gd3+"
    assert main(["ion", "Xx3+"]) == 1           # MagfitError -> exit code 1, message on stderr
    assert "unknown element" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "message"), [
    # a negative sigma used to be printed as "+- -1.0" and silently treated as 0
    (["ion", "--mu-eff", "3", "--sigma", "-1"], "--sigma -1.0"),
    (["ion", "--mu-eff", "3", "--sigma", "nan"], "--sigma nan"),
    # --top 0 used to claim "no ion within 3 sigma" although Ni2+ matches; --top -2 dropped rows
    (["ion", "--mu-eff", "3", "--top", "0"], "--top 0"),
    (["ion", "--mu-eff", "3", "--top", "-2"], "--top -2"),
])
def test_cli_ion_rejects_bad_sigma_and_top(argv, message, capsys):
    from magfit.cli import main

    assert main(argv) == 1
    assert message in capsys.readouterr().err


def test_candidate_records_equal_candidate_ions_rows():
    """The fit's cheap ranking (_candidate_records: cached pools, impossible ions skipped unscored)
    returns exactly the rows of candidate_ions, for moments across the table and several sigmas."""
    from magfit.ions import _candidate_records, candidate_ions

    for formula in (None, "Gd2(SO4)3(H2O)8", "SmCoO3"):
        for mu in [0.25 * k for k in range(45)]:
            for sigma in (0.0, 0.03, 0.4):
                for max_sigma in (3.0, 1.0, None):
                    want = candidate_ions(mu, sigma, formula, top=3, max_sigma=max_sigma)
                    got = _candidate_records(mu, sigma, formula, top=3, max_sigma=max_sigma)
                    assert [r["ion"] for r in got] == list(want["ion"])
                    for r, (_, row) in zip(got, want.iterrows(), strict=True):
                        assert r["n_sigma"] == row["n_sigma"] and r["consistent"] == row["consistent"]
