import numpy as np
import pytest

import magfit


def test_chit_views_and_window():
    t = np.linspace(2, 300, 50)
    chi = magfit.ChiT(t, 1.0 / t, 0.01 / t, field_Oe=1000.0, name="x")
    assert len(chi) == 50
    np.testing.assert_allclose(chi.chi_T_emu_K_mol, 1.0)
    np.testing.assert_allclose(chi.field_Oe, 1000.0)
    w = chi.window(100, 200)
    assert w.temperature_K.min() >= 100 and w.temperature_K.max() <= 200
    assert "window" in w.provenance["selections"][0]
    assert chi.has_errors
    np.testing.assert_allclose(chi.chi_m3_mol, 4 * np.pi * 1e-6 / t)
    df = chi.to_frame(si=True)
    assert list(df.columns) == ["temperature_K", "chi_m3_mol", "chi_err_m3_mol", "field_Oe"]


def test_chit_rejects_mismatched_lengths():
    with pytest.raises(magfit.UnitsError, match="equal length"):
        magfit.ChiT([1, 2, 3], [1, 2])


def test_finite_counts_drops():
    chi = magfit.ChiT([1, 2, 3, 4], [1, np.nan, 3, np.inf])
    f = chi.finite()
    assert len(f) == 2
    assert f.provenance["dropped"]["non-finite T or chi"] == 2


def test_take_equals_a_checked_copy():
    """ChiT.take sets the fields directly (no __init__ checks): every field as dataclasses.replace
    would give it, for masks, index arrays, scalar fields and a scalar index."""
    import dataclasses

    rng = np.random.default_rng(2)
    chi = magfit.ChiT(np.arange(1.0, 11.0), rng.uniform(1, 2, 10), rng.uniform(0.01, 0.02, 10),
                      field_Oe=1000.0, name="s", per="Gd", provenance={"selections": ["a"], "k": 1})
    for idx in (rng.uniform(size=10) > 0.4, np.array([3, 1, 7]), np.arange(10)[::-1], 4):
        got = chi.take(idx, "note")
        want = dataclasses.replace(
            chi, temperature_K=chi.temperature_K[idx], chi_emu_mol=chi.chi_emu_mol[idx],
            chi_err_emu_mol=chi.chi_err_emu_mol[idx], field_Oe=chi.field_Oe[idx],
            provenance={"selections": ["a", "note"], "k": 1})
        for f in dataclasses.fields(magfit.ChiT):
            a, b = getattr(got, f.name), getattr(want, f.name)
            same = (np.array_equal(a, b) and a.shape == b.shape) if isinstance(b, np.ndarray) else a == b
            assert same, f.name
    assert chi.provenance["selections"] == ["a"]                 # the original is not touched
