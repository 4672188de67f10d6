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
