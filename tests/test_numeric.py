"""magfit._numeric: the numpy stand-ins on the fit path against the scipy routines they replace."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import convolve1d, median_filter
from scipy.signal import find_peaks
from scipy.special import fdtrc
from scipy.stats import f as f_dist

from magfit._numeric import f_sf_dfn1, peak_prominences, smooth_median5_binomial


def _sequences():
    rng = np.random.default_rng(7)
    out = [np.array([1.0, 2.0, 1.0]), np.array([0.0, 1.0, 1.0, 1.0, 0.0]), np.array([0.0, 1.0, 1.0]),
           np.array([1.0, 1.0, 1.0, 1.0]), np.array([3.0, 1.0, 2.0, 2.0, 5.0, 0.0, 5.0])]
    for n in (7, 8, 30, 301, 1000):
        out.append(rng.standard_normal(n))
        out.append(np.round(rng.standard_normal(n) * 2.0))                 # plateaus and ties
        t = np.linspace(1.0, 30.0, n)
        out.append(1.0 / t + 0.05 * np.exp(-((t - 8.0) / 2.0) ** 2) + 1e-3 * rng.standard_normal(n))
    return out


@pytest.mark.parametrize("k", range(len(_sequences())))
def test_smoothing_equals_scipy_ndimage(k):
    y = _sequences()[k]
    want = convolve1d(median_filter(y, size=5, mode="nearest"), [0.25, 0.5, 0.25], mode="nearest")
    assert np.array_equal(smooth_median5_binomial(y), want)


@pytest.mark.parametrize("k", range(len(_sequences())))
def test_peaks_and_prominences_equal_scipy_signal(k):
    x = _sequences()[k]
    want, props = find_peaks(x, prominence=0.0)
    peaks, prom = peak_prominences(x)
    assert np.array_equal(peaks, want)
    assert np.allclose(prom, props["prominences"], rtol=0, atol=1e-15)
    # the threshold as find_peaks applies it
    for p_min in (0.1, 0.5, 2.0):
        sel, _ = find_peaks(x, prominence=p_min)
        assert np.array_equal(peaks[prom >= p_min], sel)



@pytest.mark.parametrize("k", range(len(_sequences())))
def test_compiled_feature_kernels_equal_numpy(k):
    """magfit._features_kernel: the compiled smoothing, peaks and noise give the numpy path's
    numbers exactly (they select, compare and sum in the same order)."""
    from magfit import _features_kernel as kern
    from magfit.window import _noise_sigma

    x = _sequences()[k]
    assert np.array_equal(kern.smooth(x), smooth_median5_binomial(x))
    for a, b in zip(kern.peak_prominences(x), peak_prominences(x), strict=True):
        assert np.array_equal(a, b)
    if x.size >= 10:
        assert kern.noise_sigma(x) == _noise_sigma(x, None)


def test_ordering_features_compiled_equals_numpy(monkeypatch):
    """ordering_features with the compiled kernels = the numpy path, feature for feature (repeated
    temperatures, unsorted input, plateaus, few points, cusps and ferromagnetic rises)."""
    from magfit import window as W

    rng = np.random.default_rng(17)
    found = 0
    for k in range(150):
        n = int(rng.integers(5, 400))
        t = np.sort(rng.uniform(1.5, 300.0, n))
        if k % 4 == 0:
            t = np.round(t / 3.0) * 3.0 + rng.uniform(0.0, 0.01, n)        # repeated sweeps
        tn = rng.uniform(3.0, 60.0)
        y = np.where(t > tn, 5.0 / (t + tn), 5.0 / (2.0 * tn) * (0.5 + 0.5 * t / tn))   # AFM cusp
        if k % 3 == 1:
            y = 5.0 / np.abs(t - 0.8 * tn) ** 0.5 * np.minimum(1.0, t / tn)            # FM-like rise
        y = y * (1.0 + 10 ** rng.uniform(-4, -1.5) * rng.standard_normal(n))
        if k % 5 == 0:
            y = np.round(y, 3)                                                   # plateaus
        if k % 6 == 0:
            t, y = t[::-1].copy(), y[::-1].copy()                                # unsorted
        err = None if k % 2 else 0.01 * np.abs(y)
        monkeypatch.setattr(W, "USE_NUMBA", False)
        a = W.ordering_features(t, y, err)
        monkeypatch.setattr(W, "USE_NUMBA", True)
        assert W.ordering_features(t, y, err) == a, k
        found += len(a)
    assert found > 50

def test_f_survival_function_equals_scipy():
    rng = np.random.default_rng(11)
    d = rng.integers(1, 20_000, 3000).astype(float)
    f = np.exp(rng.uniform(-14.0, 9.0, 3000))
    got = f_sf_dfn1(f, d)
    want = fdtrc(1.0, d, f)
    assert np.allclose(got, want, rtol=1e-9, atol=1e-14)
    tiny = (want < 1e-6) & (want > 1e-290)   # small p to relative precision (printed in flags)
    assert tiny.any() and np.allclose(got[tiny], want[tiny], rtol=1e-9, atol=0)
    # scalar path (few values) and the edge values
    for fi, di in [(3.3, 250.0), (0.01, 12.0), (40.0, 5000.0)]:
        assert f_sf_dfn1(fi, di) == pytest.approx(f_dist.sf(fi, 1, di), rel=1e-9)
    assert f_sf_dfn1(0.0, 10.0) == 1.0 and f_sf_dfn1(np.inf, 10.0) == 0.0
    assert np.isnan(f_sf_dfn1(np.nan, 10.0)) and np.isnan(f_sf_dfn1(1.0, 0.0))


def test_f_sf_general_matches_scipy():
    """P(F > f) for F(dfn, dfd): the continued fraction against scipy.special.fdtrc."""
    from scipy.special import fdtrc

    from magfit._numeric import f_sf

    rng = np.random.default_rng(7)
    for dfn in (1, 2, 3, 5):
        for dfd in (1, 3, 10, 57, 400):
            for f in np.concatenate([rng.uniform(0.01, 20, 6), [1e-6, 0.5, 1.0, 50.0]]):
                assert f_sf(f, dfn, dfd) == pytest.approx(fdtrc(dfn, dfd, f), rel=1e-9, abs=1e-300)
    assert f_sf(0.0, 2, 10) == 1.0 and f_sf(np.inf, 2, 10) == 0.0
    assert np.isnan(f_sf(np.nan, 2, 10)) and np.isnan(f_sf(1.0, 0, 10))



def test_f_sf_vectorised_equals_scalar_and_scipy():
    """One f_sf for arrays and scalars: broadcast (stat, dfn, dfd) against fdtrc and the scalar path."""
    from magfit._numeric import f_sf

    rng = np.random.default_rng(5)
    f = np.concatenate([np.exp(rng.uniform(-10.0, 6.0, 400)), [0.0, np.inf, np.nan, 2.0, 2.0]])
    dfn = np.concatenate([rng.choice([1.0, 2.0, 3.0, 7.5], 400), [2.0, 2.0, 2.0, 0.0, 2.0]])
    dfd = np.concatenate([rng.integers(1, 5000, 400).astype(float), [9.0, 9.0, 9.0, 9.0, -1.0]])
    got = f_sf(f, dfn, dfd)
    want = fdtrc(dfn, dfd, f)
    finite = np.isfinite(want)
    assert np.array_equal(np.isnan(got), ~finite)
    assert np.allclose(got[finite], want[finite], rtol=1e-9, atol=1e-14)
    scalar = np.array([f_sf(float(a), float(b), float(c)) for a, b, c in zip(f, dfn, dfd, strict=True)])
    assert np.allclose(got[finite], scalar[finite], rtol=1e-12, atol=0)
    assert f_sf(f[:3, None], 2.0, dfd[None, :4]).shape == (3, 4)       # broadcasting
    assert isinstance(f_sf(1.0, 2, 10), float) and f_sf_dfn1(1.0, 10.0).shape == ()

def test_eicosane_atomic_weights_are_periodictables():
    """The C and H weights written out in magfit.corrections are the ones periodictable uses."""
    import periodictable

    from magfit import corrections

    assert corrections._C_G_MOL == pytest.approx(periodictable.elements.C.mass, rel=1e-12)
    assert corrections._H_G_MOL == pytest.approx(periodictable.elements.H.mass, rel=1e-12)
    m = 20 * periodictable.elements.C.mass + 42 * periodictable.elements.H.mass
    assert corrections.EICOSANE_CHI_EMU_G == pytest.approx(corrections.EICOSANE_CHI_EMU_MOL / m, rel=1e-12)
