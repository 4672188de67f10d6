"""magfit.varpro: the variable-projection Curie-Weiss fits against independent references
(scipy curve_fit with its scaled covariance, numpy least squares), and the two implementations of
the curvature test's extended-model search (numba kernel, numpy) against each other."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import curve_fit

from magfit import window as W
from magfit.errors import FitError
from magfit.varpro import fit_windows, varpro_fit


def _cw(t, c, theta, chi0):
    return c / (t - theta) + chi0


def _data(seed=3, n=200):
    rng = np.random.default_rng(seed)
    t = np.linspace(5.0, 300.0, n)
    y = _cw(t, 4.4, -12.0, 3e-4)
    err = 0.004 * y
    return t, y + err * rng.standard_normal(n), err


@pytest.fixture(params=[False, True], ids=["numpy", "compiled"])
def path(request, monkeypatch):
    """Run a test on varpro_fit's numpy path and on its compiled kernel (magfit._single_fit_kernel)."""
    monkeypatch.setattr(W, "USE_NUMBA", request.param)
    return request.param


def test_exact_data_recovered(path):
    t = np.linspace(2.0, 300.0, 150)
    out = varpro_fit(t, _cw(t, 7.877, -0.5, 2e-4))
    assert out["theta_K"] == pytest.approx(-0.5, abs=1e-8)
    assert out["C_emu_K_mol"] == pytest.approx(7.877, rel=1e-9)
    assert out["chi0_emu_mol"] == pytest.approx(2e-4, abs=1e-12)


def test_values_and_errors_match_curve_fit(path):
    t, y, err = _data()
    out = varpro_fit(t, y, 1.0 / err)
    p, cov = curve_fit(_cw, t, y, p0=(4.0, -10.0, 0.0), sigma=err, absolute_sigma=False)
    sd = np.sqrt(np.diag(cov))
    assert out["C_emu_K_mol"] == pytest.approx(p[0], rel=1e-7)
    assert out["theta_K"] == pytest.approx(p[1], rel=1e-7)
    assert out["chi0_emu_mol"] == pytest.approx(p[2], rel=1e-5)
    assert out["C_emu_K_mol_err"] == pytest.approx(sd[0], rel=1e-4)
    assert out["theta_K_err"] == pytest.approx(sd[1], rel=1e-4)
    assert out["chi0_emu_mol_err"] == pytest.approx(sd[2], rel=1e-4)


def test_fixed_theta_is_linear_least_squares(path):
    t, y, err = _data(seed=5)
    out = varpro_fit(t, y, 1.0 / err, theta_fixed=-10.0)
    a = np.stack([1.0 / (t + 10.0), np.ones_like(t)], 1) / err[:, None]
    coef, *_ = np.linalg.lstsq(a, y / err, rcond=None)
    assert out["C_emu_K_mol"] == pytest.approx(coef[0], rel=1e-9)
    assert out["chi0_emu_mol"] == pytest.approx(coef[1], rel=1e-7)
    assert out["theta_K_err"] == 0.0 and out["nvarys"] == 2


def test_fixed_chi0_zero_matches_curve_fit(path):
    t, y, err = _data(seed=7)
    out = varpro_fit(t, y, 1.0 / err, chi0_fixed=0.0)
    p, _ = curve_fit(lambda t, c, th: c / (t - th), t, y, p0=(4.0, -10.0), sigma=err)
    assert out["C_emu_K_mol"] == pytest.approx(p[0], rel=1e-7)
    assert out["theta_K"] == pytest.approx(p[1], rel=1e-6)
    assert out["chi0_emu_mol"] == 0.0 and out["chi0_emu_mol_err"] == 0.0


def test_windows_equal_single_fits():
    t, y, err = _data(seed=11)
    starts = np.array([0, 40, 90, 150])
    many = fit_windows(t, y, 1.0 / err, starts)
    for k, i in enumerate(starts):
        one = varpro_fit(t[i:], y[i:], 1.0 / err[i:])
        assert many["theta"][k] == pytest.approx(one["theta_K"], abs=1e-5 * one["theta_K_err"])
        assert many["rss"][k] == pytest.approx(one["rss"], rel=1e-10)


def test_compiled_single_window_fit_equals_numpy(monkeypatch):
    """The compiled varpro_fit gives the numpy path's numbers to round-off (unsorted input,
    chi0 fixed, theta fixed, equal weights, a few points)."""
    rng = np.random.default_rng(21)
    keys = ("theta_K", "C_emu_K_mol", "chi0_emu_mol", "rss", "aic")
    for k in range(24):
        n = int(rng.integers(6, 300))
        t = rng.uniform(2.0, 300.0, n)                      # unsorted
        theta = rng.uniform(-40.0, 1.5)
        err = 10 ** rng.uniform(-4, -2) * (5.0 / (t - theta))
        y = 5.0 / (t - theta) + 1e-4 + err * rng.standard_normal(n)
        w = None if k % 4 == 0 else 1.0 / err
        kw = [{}, {"chi0_fixed": 0.0}, {"theta_fixed": theta - 0.5}, {}][k % 4]
        monkeypatch.setattr(W, "USE_NUMBA", False)
        a = varpro_fit(t, y, w, **kw)
        monkeypatch.setattr(W, "USE_NUMBA", True)
        b = varpro_fit(t, y, w, **kw)
        for key in keys:
            assert b[key] == pytest.approx(a[key], rel=1e-8, abs=1e-6 * (a[key + "_err"] if key + "_err" in a
                                                                           else 0.0)), (k, key)
        for key in ("theta_K_err", "C_emu_K_mol_err", "chi0_emu_mol_err"):
            assert b[key] == pytest.approx(a[key], rel=1e-6), (k, key)
        assert np.allclose(b["best_fit"], a["best_fit"], rtol=1e-9, atol=0)
        assert np.allclose(b["covariance"], a["covariance"], rtol=1e-6, atol=0)
        assert b["theta_bounds_K"] == a["theta_bounds_K"] and b["nvarys"] == a["nvarys"]

def test_bad_input_raises_fit_error(path):
    with pytest.raises(FitError, match="points"):
        varpro_fit([1.0, 2.0, 3.0], [1.0, 0.5, 0.3])
    with pytest.raises(FitError, match="non-finite"):
        varpro_fit([1.0, 2.0, np.nan, 4.0, 5.0], [1.0, 0.5, 0.3, 0.2, 0.1])
    with pytest.raises(FitError, match="below min"):
        varpro_fit(np.arange(1.0, 9.0), 1.0 / np.arange(1.0, 9.0), theta_fixed=2.0)


@pytest.mark.parametrize(("fit_chi0", "n"), [(True, 120), (False, 120), (True, 2000)])
def test_curvature_search_numpy_equals_compiled(fit_chi0, n):
    """(n = 2000: the numpy grid runs over blocks of points, recomputing 1/(T - theta).)"""
    from magfit._curvature_kernel import ext_rss_windows

    t, y, err = _data(seed=13, n=n)
    y = y * (1.0 - 0.2 * np.exp(-t / 20.0))           # short-range-order droop: a real extremum
    starts = np.array([0, 30, 60]) * (n // 120)
    a = W._ext_rss_numpy(t, y, 1.0 / err, starts, fit_chi0)
    b = ext_rss_windows(t, y, 1.0 / err, starts, fit_chi0, W.CURVATURE_GRID, 1e-10)
    assert np.allclose(a, b, rtol=1e-10, atol=0)


@pytest.mark.parametrize("fit_chi0", [True, False])
def test_compiled_windows_match_curve_fit_and_numpy(fit_chi0):
    """The numba window kernel (suffix-sum grid, per-window polish) against scipy curve_fit of each
    window and against the numpy path (same optimum: theta to 1e-6 of its error, rss to 1e-10)."""
    t, y, err = _data(seed=17, n=160)
    y = y * (1.0 - 0.05 * np.exp(-t / 15.0))              # a low-T droop: windows differ
    starts = np.array([0, 10, 35, 70, 100])
    fast = fit_windows(t, y, 1.0 / err, starts, constant=fit_chi0, compiled=True)
    slow = fit_windows(t, y, 1.0 / err, starts, constant=fit_chi0)
    tight = {"ftol": 1e-14, "xtol": 1e-14, "gtol": 1e-14}
    for k, i in enumerate(starts):
        if fit_chi0:
            p, cov = curve_fit(_cw, t[i:], y[i:], p0=(4.0, -10.0, 0.0), sigma=err[i:], **tight)
        else:
            p, cov = curve_fit(lambda t, c, th: c / (t - th), t[i:], y[i:], p0=(4.0, -10.0), sigma=err[i:],
                               **tight)
        sd_theta = float(np.sqrt(cov[1, 1]))
        assert fast["theta"][k] == pytest.approx(p[1], abs=1e-4 * sd_theta)
        assert fast["coef"][k, 0] == pytest.approx(p[0], rel=1e-6)
        r = (y[i:] - (p[0] / (t[i:] - p[1]) + (p[2] if fit_chi0 else 0.0))) / err[i:]
        assert fast["rss"][k] == pytest.approx(float(r @ r), rel=1e-8)
        assert np.allclose(fast["resid"][k, i:], r, rtol=0, atol=1e-6 * np.abs(r).max())
        assert not fast["resid"][k, :i].any()
        assert fast["theta"][k] == pytest.approx(slow["theta"][k], abs=1e-6 * sd_theta)
        assert fast["rss"][k] == pytest.approx(slow["rss"][k], rel=1e-10)


def test_compiled_f_pvalue_matches_scipy():
    """The curvature test's compiled F(1, d) p-value against scipy.stats.f.sf (both branches of the
    continued fraction, d from 1 to 10,000, p from ~1 down to ~1e-200)."""
    from scipy.stats import f as f_dist

    from magfit._curvature_kernel import f_sf_dfn1

    stat = np.array([1e-8, 0.01, 0.5, 1.0, 3.0, 6.6, 10.0, 50.0, 1e3, 1e5, 0.0, np.inf, 2.0])
    for d in (1.0, 2.0, 7.0, 30.0, 296.0, 1e4):
        dfd = np.full(stat.size, d)
        got = f_sf_dfn1(stat, dfd)
        assert np.allclose(got, f_dist.sf(stat, 1, d), rtol=1e-9, atol=1e-300), d
    assert np.isnan(f_sf_dfn1(np.array([1.0, np.nan]), np.array([0.0, 5.0]))).all()


@pytest.mark.parametrize("seed", [0, 1, 2, 5])
def test_compiled_scan_equals_numpy_scan(seed, monkeypatch):
    """window.scan_windows with the compiled kernels (fit, J^T J, trend sums, curvature, p-values)
    and on the numpy path: the same decisions, values to round-off."""
    from _scan_cases import synthetic_case

    chi = synthetic_case(seed)
    o = np.argsort(chi.temperature_K, kind="stable")
    t, y = chi.temperature_K[o], chi.chi_emu_mol[o]
    w = None if chi.chi_err_emu_mol is None else 1.0 / chi.chi_err_emu_mol[o]
    out = {}
    for compiled in (True, False):
        monkeypatch.setattr(W, "USE_NUMBA", compiled)
        out[compiled] = W.scan_windows(t, y, w, W.candidate_tmins(t), fit_chi0=True, n_ions=1.0)
    a, b = out[True], out[False]
    for c in ("trend", "converged", "exact", "n_points", "tmin_K"):
        assert np.array_equal(a[c], b[c]), c
    for c in ("theta_K", "C_emu_K_mol", "chi0_emu_mol", "runs_z", "lowend_z"):
        err = b.get(c + "_err", np.zeros_like(b[c]))
        ok = np.isfinite(b[c])
        assert np.array_equal(ok, np.isfinite(a[c])), c
        tol = 1e-6 * np.abs(b[c]) + 1e-4 * np.nan_to_num(err)       # theta, C, chi0: 1e-4 of their error
        assert np.all(np.abs(a[c] - b[c])[ok] <= tol[ok]), c
        if c + "_err" in b:
            assert np.allclose(a[c + "_err"], err, rtol=1e-6, atol=0, equal_nan=True), c
    assert np.allclose(a["curvature_p"], b["curvature_p"], rtol=1e-4, atol=1e-9)


def test_single_window_curvature_fast_path_equals_array_path(monkeypatch):
    """curvature_test's compiled one-window path (Python floats) returns exactly what the array path
    (_curvature_arrays) returns: sorted and unsorted input, with and without chi0, given/unknown/NaN RSS,
    exact data."""
    from magfit.varpro import _u_range, fit_windows

    monkeypatch.setattr(W, "USE_NUMBA", True)
    rng = np.random.default_rng(5)
    for k in range(40):
        n = int(rng.integers(6, 300))
        t = np.sort(rng.uniform(2.0, 300.0, n)) if k % 7 else rng.uniform(2.0, 300.0, n)
        theta = rng.uniform(-50.0, 1.5)
        y = rng.uniform(1, 8) / (t - theta) * (1 - 0.1 * np.exp(-t / 20.0)) + 1e-4
        err = 10 ** rng.uniform(-4, -1.5) * np.abs(y)
        y = 1.0 / (t - theta) if k % 11 == 0 else y + err * rng.standard_normal(n)
        w = 1.0 / err if k % 5 else None
        for chi0 in (True, False):
            for rss in (None, 123.0, float("nan")):
                got = W.curvature_test(t, y, w, fit_chi0=chi0, rss_cw=rss)
                o = np.argsort(t, kind="stable")
                tt, yy = t[o], y[o]
                ww = np.ones_like(tt) if w is None else w[o]
                if rss is None:
                    u_lo, _ = _u_range(tt[:1], tt[-1:])
                    r = fit_windows(tt, yy, ww, np.array([0]), constant=chi0, theta_max=tt[:1] - u_lo,
                                    compiled=True)["rss"]
                else:
                    r = np.array([rss])
                stat, pval = W._curvature_arrays(tt, yy, ww, np.array([0]), np.array([tt.size]), r,
                                                 np.array([False]), chi0, True)
                assert got == {"curvature_F": float(stat[0]), "curvature_p": float(pval[0])}, (k, chi0, rss)
