"""magfit.plot: every figure renders (Agg, warnings are errors) and shows what it claims.

Checks are on artists, not pixels: axis labels carry units, the fit window is a shaded span
with the fit's limits, theta is marked at the T-axis intercept of 1/(chi - chi0), normalised
comparisons obey their closed forms (chi*T = C for a Curie law, 1/chi linear with intercept
theta for Curie-Weiss).
"""

from __future__ import annotations

import io
import subprocess
import sys
import warnings

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from conftest import SAMPLE_DATA, realfile  # noqa: E402

import magfit  # noqa: E402
from magfit import plot  # noqa: E402
from magfit.errors import MagfitError  # noqa: E402
from magfit.units import curie_from_mu_eff  # noqa: E402

#: drawing and rendering must be warning-free (missing glyphs, layout, divide-by-zero, ...)
pytestmark = pytest.mark.filterwarnings("error")

THETA_K, MU_EFF, CHI0 = -3.0, 1.90, 1.0e-4  # Cu2+-like test curve (spin 1/2, g ~ 2.2)


def render(fig) -> bytes:
    """PNG bytes of ``fig``; any warning (missing glyph, tight layout, ...) fails the test."""
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.savefig(buf, format="png", dpi=60)
    data = buf.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return data


def noisy_cw(theta=THETA_K, mu=MU_EFF, chi0=CHI0, name="Cu test", seed=7, t=None):
    t = np.linspace(2.0, 300.0, 100) if t is None else t
    sim = magfit.simulate.curie_weiss(t, theta_K=theta, mu_eff=mu, chi0_emu_mol=chi0)
    err = 0.003 * np.abs(sim.chi_emu_mol) + 2e-6
    rng = np.random.default_rng(seed)
    return magfit.ChiT(t, sim.chi_emu_mol + rng.normal(0.0, err), err, name=name, per="Cu")


@pytest.fixture(scope="module")
def cw_fit():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return magfit.fit_curie_weiss(noisy_cw())


def by_gid(fig, gid):
    return [a for ax in fig.axes for a in ax.get_children() if a.get_gid() == gid]


# ----------------------------------------------------------------------------- fit_panels
def test_fit_panels_renders_with_units_window_and_theta(cw_fit):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plot.fit_panels(cw_fit)
    render(fig)
    assert len(fig.axes) == 4
    ax_chi, ax_inv, ax_chit, ax_res = fig.axes
    assert "emu mol⁻¹ Oe⁻¹" in ax_chi.get_ylabel()
    assert "mol Oe emu⁻¹" in ax_inv.get_ylabel()
    assert "emu K mol⁻¹" in ax_chit.get_ylabel()
    for ax in fig.axes:
        assert ax.get_xlabel() == "T (K)"
    # the window is shaded on all four panels, spanning exactly tmin..tmax
    spans = by_gid(fig, "fit-window")
    assert len(spans) == 4
    for span in spans:
        xs = span.get_path().transformed(span.get_patch_transform()).vertices[:, 0]
        assert xs.min() == pytest.approx(cw_fit.tmin_K)
        assert xs.max() == pytest.approx(cw_fit.tmax_K)
    # theta: marker on the T axis at theta, the line (T - theta)/C through it
    (marker,) = by_gid(fig, "theta-marker")
    assert marker.axes is ax_inv
    assert marker.get_xdata()[0] == pytest.approx(cw_fit.theta_K.nominal_value)
    assert marker.get_ydata()[0] == 0.0
    (line,) = by_gid(fig, "theta-line")
    x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    slope = (y[1] - y[0]) / (x[1] - x[0])
    assert slope == pytest.approx(1.0 / cw_fit.C.nominal_value, rel=1e-9)
    assert y[0] == pytest.approx(0.0, abs=1e-9)
    # the inverse axis reaches theta (negative here) so the intercept is visible
    assert ax_inv.get_xlim()[0] < cw_fit.theta_K.nominal_value
    # numbers are written in the heading
    text = fig.get_suptitle()
    assert "Cu test" in text and "μB" in text and plot.format_ufloat(cw_fit.theta_K) in text


def test_fit_panels_points_and_residuals(cw_fit):
    fig = plot.fit_panels(cw_fit)
    ax_chi, _, _, ax_res = fig.axes
    fitted = [c for c in ax_chi.containers if c.get_label() == "data (fitted)"]
    outside = [c for c in ax_chi.containers if c.get_label() == "data (outside window)"]
    assert len(fitted) == 1
    n_in = len(fitted[0].lines[0].get_xdata())
    n_out = len(outside[0].lines[0].get_xdata()) if outside else 0
    assert n_in == cw_fit.n_points
    assert n_in + n_out == len(cw_fit.chi)
    # residuals are (chi - fit)/sigma; their mean square is redchi * (N - 3)/N (3 parameters)
    res = np.asarray(ax_res.containers[0].lines[0].get_xdata()), np.asarray(
        ax_res.containers[0].lines[0].get_ydata())
    assert "σ" in ax_res.get_ylabel()
    n = len(res[1])
    assert np.mean(res[1] ** 2) == pytest.approx(cw_fit.redchi * (n - 3) / n, rel=1e-6)


def test_fit_panels_log_axis_only_for_curie_tail(cw_fit):
    assert plot.fit_panels(cw_fit).axes[0].get_yscale() == "log"  # chi spans ~100x
    # Pauli metal with a small impurity tail: chi varies by less than LOG_SPAN -> linear
    t = np.linspace(5.0, 300.0, 60)
    pauli = magfit.ChiT(t, 3e-4 + 1e-3 / (t + 1.0), 1e-6 * np.ones_like(t), name="Pauli")
    fit = magfit.fit_curie_weiss(pauli, tmin=5.0)
    fig = plot.fit_panels(fit)
    render(fig)
    assert fig.axes[0].get_yscale() == "linear"
    # chi0 dominates: 1/(chi - chi0) is ~100x 1/chi and gets its own right axis, where theta sits
    assert len(fig.axes) == 5
    twin = fig.axes[4]
    assert "χ − χ₀" in twin.get_ylabel()
    (marker,) = by_gid(fig, "theta-marker")
    assert marker.axes is twin
    assert marker.get_xdata()[0] == pytest.approx(fit.theta_K.nominal_value)
    assert fig.axes[1].get_ylim()[1] < twin.get_ylim()[1] / 10
    assert plot.fit_panels(fit, logy=True).axes[0].get_yscale() == "log"


def test_fit_panels_without_chi0_and_into_given_axes():
    fit = magfit.fit_curie_weiss(noisy_cw(chi0=0.0), chi0=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 6))
    axes = fig.subplots(2, 2).ravel()
    out = plot.fit_panels(fit, axes=axes)
    assert out is fig
    render(fig)
    labels = [line.get_label() for line in axes[0].get_lines()]
    assert "χ₀ part" not in labels  # nothing to show when chi0 is fixed at 0
    assert "fixed at 0" in axes[0].texts[-1].get_text()
    with pytest.raises(MagfitError, match="4 Axes"):
        plot.fit_panels(fit, axes=axes[:2])


def test_fit_panels_rejects_non_fit():
    with pytest.raises(MagfitError, match="CurieWeissFit"):
        plot.fit_panels(object())


# ----------------------------------------------------------------------------- window_scan
def test_window_scan_marks_chosen_tmin(cw_fit):
    fig = plot.window_scan(cw_fit)
    render(fig)
    assert len(fig.axes) == 3
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert labels[0] == "θ (K)" and "μ" in labels[1] and "emu mol⁻¹ Oe⁻¹" in labels[2]
    assert "(K)" in fig.axes[-1].get_xlabel()
    chosen = by_gid(fig, "chosen-tmin")
    assert len(chosen) == 3
    assert all(line.get_xdata()[0] == pytest.approx(cw_fit.tmin_K) for line in chosen)
    n_drawn = sum(len(c.lines[0].get_xdata()) for c in fig.axes[0].containers)
    assert n_drawn == len(cw_fit.scan)
    # the result line sits at the fitted theta
    hlines = [ln for ln in fig.axes[0].get_lines() if ln.get_label() == "result ± 1σ"]
    assert hlines[0].get_ydata()[0] == pytest.approx(cw_fit.theta_K.nominal_value)


def _afm_like_fit():
    t = np.concatenate([np.arange(2.0, 40.0, 2.0), np.arange(40.0, 301.0, 5.0)])
    curve = noisy_cw(theta=-30.0, mu=5.9, chi0=-1e-4, seed=3, t=t)
    chi = curve.chi_emu_mol.copy()
    low = t < 25.0  # an ordered phase: chi falls below Curie-Weiss, so low-T_min windows go astray
    chi[low] *= 0.3 + 0.7 * t[low] / 25.0
    return magfit.fit_curie_weiss(magfit.ChiT(t, chi, curve.chi_err_emu_mol, name="afm", per="Mn"))


def _gd_sample_fit():
    from magfit.batch import analyse_file, load_options, options_for

    path = SAMPLE_DATA / "gd_sulfate_mpms3.dat"  # short high-T_min windows scatter beyond their errors
    return analyse_file(path, options_for(path, load_options(SAMPLE_DATA / "magfit_options.csv")))[0].fit


@pytest.mark.parametrize("make_fit", [_afm_like_fit, _gd_sample_fit])
def test_window_scan_shows_every_accepted_window_and_counts_the_rest(make_fit):
    """y-limits: every accepted window's point inside its panel (short high-T_min windows were cut);
    rejected windows beyond the range are counted on the panel, not dropped silently."""
    fit = make_fit()
    fig = plot.window_scan(fit)
    render(fig)
    accepted = np.asarray(fit.scan["accepted"], dtype=bool)
    for ax, col in zip(fig.axes, ("theta_K", "mu_eff", "chi0_emu_mol"), strict=True):
        lo, hi = ax.get_ylim()
        yy = np.concatenate([c.lines[0].get_ydata() for c in ax.containers])
        assert len(yy) == len(fit.scan)
        # the drawn points of accepted windows (the first container) all inside the panel
        shown = np.asarray(ax.containers[0].lines[0].get_ydata(), dtype=float)
        assert shown.size == accepted.sum()
        assert np.all((shown >= lo) & (shown <= hi)), col
        off = int(np.sum((yy < lo) | (yy > hi)))
        notes = [a.get_text() for a in ax.texts if a.get_gid() == "off-scale"]
        counted = sum(int(text.split()[0]) for text in notes)
        assert counted == off, (col, notes, off)
        assert all("rejected" in text for text in notes)


# ----------------------------------------------------------------------------- compare
def test_compare_chiT_of_curie_law_is_C():
    """A Curie law chi = C/T drawn as chi*T is flat at C = 0.125049 mu_eff^2 (PHYSICS.md a)."""
    t = np.linspace(2, 300, 50)
    gd = magfit.simulate.curie(t, mu_eff=7.94)
    cu = noisy_cw(theta=0.0, chi0=0.0)
    fig = plot.compare(cu, gd, normalise="chiT", labels=["Cu data", "Gd sim"])
    render(fig)
    ax = fig.axes[0]
    (sim_line,) = [ln for ln in ax.get_lines() if ln.get_label() == "Gd sim"]
    assert sim_line.get_linestyle() == "-" and sim_line.get_marker() in ("None", "", None)
    np.testing.assert_allclose(sim_line.get_ydata(), curie_from_mu_eff(7.94), rtol=1e-12)
    assert curie_from_mu_eff(7.94) == pytest.approx(0.125049 * 7.94**2, rel=1e-5)
    data = [c for c in ax.containers if c.get_label() == "Cu data"]
    assert len(data) == 1  # measured curve as markers with error bars
    assert "emu K mol⁻¹" in ax.get_ylabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Cu data", "Gd sim"]  # as given
    assert ax.get_title(loc="left") == ""  # per Cu vs per magnetic ion: both per ion, no warning
    fig = plot.compare(cu, magfit.ChiT(t, 1e-3 / t, name="per f.u."), normalise="chiT")
    assert "formula unit" in fig.axes[0].get_title(loc="left")


def test_compare_chi300_and_inverse():
    t = np.linspace(15, 320, 80)  # above theta of the ferromagnetic curve
    a = magfit.simulate.curie_weiss(t, theta_K=-20.0, mu_eff=5.92, chi0_emu_mol=0.0)
    b = magfit.simulate.curie_weiss(t, theta_K=10.0, mu_eff=3.87, chi0_emu_mol=0.0)
    fig = plot.compare(a, b, normalise="chi300")
    render(fig)
    for line in fig.axes[0].get_lines():
        assert np.interp(300.0, line.get_xdata(), line.get_ydata()) == pytest.approx(1.0, rel=1e-12)
    assert fig.axes[0].get_ylabel() == "χ / χ(300 K)"
    fig = plot.compare(a, b, normalise="inverse")
    for line, theta, mu in zip(fig.axes[0].get_lines(), (-20.0, 10.0), (5.92, 3.87), strict=True):
        slope, intercept = np.polyfit(line.get_xdata(), line.get_ydata(), 1)
        assert slope == pytest.approx(1 / curie_from_mu_eff(mu), rel=1e-9)
        assert -intercept / slope == pytest.approx(theta, abs=1e-6)  # T-axis intercept = theta


def test_compare_errors_and_given_axes():
    from matplotlib.figure import Figure

    t = np.linspace(2, 100, 20)
    sim = magfit.simulate.curie(t, mu_eff=1.73)
    with pytest.raises(MagfitError, match="t_ref_K"):
        plot.compare(sim, normalise="chi300")  # 300 K is outside 2-100 K
    with pytest.raises(MagfitError, match="normalise"):
        plot.compare(sim, normalise="mass")
    with pytest.raises(MagfitError, match="labels"):
        plot.compare(sim, sim, labels=["one"])
    with pytest.raises(MagfitError, match="ChiT"):
        plot.compare(np.arange(3))
    fig = Figure()
    ax = fig.add_subplot()
    assert plot.compare(sim, ax=ax, logy=True) is fig
    assert ax.get_yscale() == "log"


def test_format_ufloat():
    assert plot.format_ufloat((7.9441, 0.0123), "μB") == "7.944(12) μB"
    assert plot.format_ufloat((-2.989, 0.023)) == "-2.989(23)"
    assert plot.format_ufloat((1.007e-4, 2.2e-6)) == "1.007(22)×10⁻⁴"
    assert plot.format_ufloat((1.0, 0.0996)) == "1.00(10)"  # rounding carries to 3 digits
    assert plot.format_ufloat((12.5, 0.0)) == "12.5"


def test_style_is_local_and_import_is_light():
    before = dict(matplotlib.rcParams)
    plot.compare(magfit.simulate.curie(np.linspace(2, 300, 10), mu_eff=1.73))
    assert dict(matplotlib.rcParams) == before
    # importing magfit must not load pyplot or pick a (GUI) backend; lmfit itself imports
    # the matplotlib package, which is harmless
    code = ("import sys, magfit, magfit.plot, magfit.report, magfit.batch; "
            "print(sorted(m for m in sys.modules if m == 'matplotlib.pyplot' or "
            "m.startswith('matplotlib.backends.backend_')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- raw data
def test_mt_splits_zfc_and_fc():
    m = magfit.read(realfile("zfcfc1"))
    fig = plot.mt(m)
    render(fig)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "T (K)" and ax.get_ylabel() == "m (emu)"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) == len(m.segments()) >= 2
    assert any("ZFC" in lab for lab in labels) and any("FC" in lab and "ZFC" not in lab for lab in labels)


def test_mt_sample_data_and_mh_real_file():
    m = magfit.read(SAMPLE_DATA / "gd_sulfate_mpms3.dat")
    render(plot.mt(m))
    mh = magfit.read(realfile("mvsh3"))
    fig = plot.mh(mh)
    render(fig)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "H (kOe)"  # +-70 kOe loop
    xs = np.concatenate([line.get_xdata() for line in ax.get_lines() if len(line.get_xdata()) > 2])
    assert np.nanmax(np.abs(xs)) == pytest.approx(np.nanmax(np.abs(mh.field_Oe)) / 1000.0)


def test_heading_says_per_formula_unit_when_chi_is_not_per_ion(cw_fit):
    # chi per formula unit: mu_eff = 2.828 sqrt(C) is per formula unit; the heading used to say
    # "per magnetic ion" whatever chi.per was (wrong by sqrt(2) for two ions per formula unit)
    chi = noisy_cw()
    per_fu = magfit.ChiT(chi.temperature_K, chi.chi_emu_mol, chi.chi_err_emu_mol, name="f.u. test")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit_fu = magfit.fit_curie_weiss(per_fu)
        text_fu = plot.fit_panels(fit_fu).get_suptitle()
        text_cu = plot.fit_panels(cw_fit).get_suptitle()
    assert "per formula unit" in text_fu and "per magnetic ion" not in text_fu
    assert "per magnetic ion" in text_cu and "per mole of Cu" in text_cu
