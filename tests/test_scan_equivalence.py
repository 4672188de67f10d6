"""The fast window-scan engine (variable projection, issue 12) reproduces the frozen reference.

tests/_reference_fitting.py and tests/_reference_window.py are verbatim copies of the lmfit-per-
window implementation it replaced. For every data set both are run and compared:

* the chosen window and the flags: identical (the window-systematics drift flag, which the
  reference predates, computed by :mod:`magfit.systematics` on the reference's own scan);
  theta, C, chi0, mu_eff of the chosen window within 1e-6 relative or 1e-3 of their standard
  error, their errors within 1e-3 relative (the new code takes them from the scan's
  variable-projection fit with its analytic Jacobian; lmfit is fitted only when ``fit.result``
  is read, or eagerly for noise-free data, where both are lmfit's);
* every scan row: the same trend / converged / stable / accepted decisions; theta, C, chi0,
  mu_eff within 1e-6 relative or 1e-3 of their standard error, errors within 1e-3 relative
  (lmfit's covariance comes from a finite-difference Jacobian, good to ~3e-5; the engine's is
  analytic).

The default run uses the sample data and 8 seeded synthetic cases (3 of them with each scan path
forced: the numba kernels, and the numpy path of one-off commands); ``-m slow`` runs 200 (and 50
more on the numpy path).
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import _reference_fitting as R
import numpy as np
import pytest
from _scan_cases import synthetic_case

import magfit
from magfit import systematics
from magfit.fitting import fit_curie_weiss

SAMPLE_DATA = Path(__file__).resolve().parents[1] / "sample_data"
PARAMS = ("theta_K", "C_emu_K_mol", "chi0_emu_mol", "mu_eff")
DECISIONS = ("trend", "converged", "stable", "accepted")


def _sample_chis():
    rows = list(csv.DictReader((SAMPLE_DATA / "magfit_options.csv").open(encoding="utf-8")))
    out = []
    for r in rows:
        if r["skip"] or r["file"] == "pauli_metal_impurity.csv":      # no Curie-Weiss window to choose
            continue
        kw = {"formula": r["formula"] or None, "mass_mg": float(r["mass_mg"]) if r["mass_mg"] else None,
              "per_ion": r["per_ion"] or None}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = magfit.read(SAMPLE_DATA / r["file"])
            out.append(pytest.param(m.susceptibility(**{k: v for k, v in kw.items() if v}), id=r["file"]))
    return out


def assert_equivalent(chi) -> None:
    """Run both implementations on ``chi`` and compare (see the module docstring)."""
    new = fit_curie_weiss(chi)
    old = R.fit_curie_weiss(chi)
    assert new.tmin_K == old.tmin_K
    # the reference predates magfit.systematics: its drift flag is compared on the reference's scan
    sys_flag = systematics.window_systematics(old.scan, old.tmin_K)["flag"]
    assert new.flags == old.flags + ([sys_flag] if sys_flag else [])
    for name in ("theta_K", "C", "chi0", "mu_eff"):
        a, b = getattr(new, name), getattr(old, name)
        tol = 1e-6 * abs(b.nominal_value) + 1e-3 * np.nan_to_num(b.std_dev)
        assert abs(a.nominal_value - b.nominal_value) <= tol, name
        assert a.std_dev == pytest.approx(b.std_dev, rel=1e-3, abs=1e-300, nan_ok=True), name
    assert new.redchi == pytest.approx(old.redchi, rel=1e-6)
    assert new.aic == pytest.approx(old.aic, rel=1e-6, abs=1e-6)
    s, r = new.scan, old.scan
    assert list(s["tmin_K"]) == list(r["tmin_K"])
    for c in DECISIONS:
        assert list(s[c]) == list(r[c]), f"{c} differs in rows {np.flatnonzero(s[c] != r[c])}"
    for p in PARAMS:
        a, b = s[p].to_numpy(float), r[p].to_numpy(float)
        ea, eb = s[p + "_err"].to_numpy(float), r[p + "_err"].to_numpy(float)
        ok = r["converged"].to_numpy(bool)
        tol = 1e-6 * np.abs(b) + 1e-3 * np.nan_to_num(eb)
        assert np.all(np.abs(a - b)[ok] <= tol[ok]), f"{p}: {np.max(np.abs(a - b)[ok] / tol[ok])}"
        assert np.allclose(ea[ok], eb[ok], rtol=1e-3, atol=0, equal_nan=True), p


def assert_given_equivalent(chi, tmin) -> None:
    """A user window: the same numbers, flags, residual tests and one-row scan as the reference."""
    new = fit_curie_weiss(chi, tmin=tmin)
    old = R.fit_curie_weiss(chi, tmin=tmin)
    assert new.tmin_K == old.tmin_K and new.n_points == old.n_points
    sys_flag = systematics.window_systematics(old.scan, old.tmin_K)["flag"]
    assert new.flags == old.flags + ([sys_flag] if sys_flag else [])
    for name in ("theta_K", "C", "chi0", "mu_eff"):
        a, b = getattr(new, name), getattr(old, name)
        assert abs(a.nominal_value - b.nominal_value) <= 1e-6 * abs(b.nominal_value) + 1e-3 * np.nan_to_num(
            b.std_dev), name
        assert a.std_dev == pytest.approx(b.std_dev, rel=1e-3, abs=1e-300, nan_ok=True), name
    ta, tb = new.cross_checks["residual_tests"], old.cross_checks["residual_tests"]
    assert ta["trend"] == tb["trend"] and ta["exact"] == tb["exact"]
    for key in ("runs_z", "lowend_z", "curvature_F", "curvature_p"):
        assert ta[key] == pytest.approx(tb[key], rel=1e-5, abs=1e-9), key
    assert list(new.scan.columns) == list(old.scan.columns)
    for c in DECISIONS[:2]:
        assert list(new.scan[c]) == list(old.scan[c])


@pytest.mark.parametrize("chi", _sample_chis())
def test_sample_data_equivalent(chi):
    assert_equivalent(chi)


@pytest.mark.parametrize("chi", _sample_chis())
def test_sample_data_given_window_equivalent(chi):
    t = np.sort(chi.temperature_K[np.isfinite(chi.temperature_K)])
    for tmin in (float(t[len(t) // 4]), float(t[len(t) // 2])):
        assert_given_equivalent(chi, tmin)


@pytest.mark.parametrize("seed", range(8))
def test_synthetic_given_window_equivalent(seed):
    chi = synthetic_case(seed)
    assert_given_equivalent(chi, float(np.quantile(chi.temperature_K, 0.3)))


@pytest.mark.parametrize("seed", range(8))
def test_synthetic_equivalent(seed):
    assert_equivalent(synthetic_case(seed))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(8, 208))
def test_synthetic_equivalent_full(seed):
    assert_equivalent(synthetic_case(seed))


@pytest.mark.parametrize("compiled", [True, False], ids=["numba", "numpy"])
@pytest.mark.parametrize("seed", range(3))
def test_both_scan_paths_equivalent(seed, compiled, monkeypatch):
    """Each scan path forced (window.USE_NUMBA): the compiled kernels and the numpy path a one-off
    command uses both reproduce the reference."""
    monkeypatch.setattr(magfit.window, "USE_NUMBA", compiled)
    assert_equivalent(synthetic_case(seed))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(8, 208, 4))
def test_numpy_path_equivalent_full(seed, monkeypatch):
    monkeypatch.setattr(magfit.window, "USE_NUMBA", False)
    assert_equivalent(synthetic_case(seed))
