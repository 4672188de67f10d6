"""M(H) figures and the report section build from real and synthetic data (issue 16)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from conftest import realfile  # noqa: E402

from magfit.mh import MagnetizationCurve, analyze_isotherm, arrott, rhodes_wohlfarth  # noqa: E402
from magfit.mh import plot as mhplot  # noqa: E402
from magfit.mh.api import report_section  # noqa: E402


def _family():
    """Exact Arrott lines M² = 0.1 (10 K - T) + H/(1000 M): H = 1000 M (M² - 0.1 (10 - T))."""
    curves = []
    for t in (8.0, 9.0, 10.5, 11.0, 12.0):
        m = np.linspace(0.01, 1.5, 200)
        h = 1000.0 * m * (m**2 - 0.1 * (10.0 - t))
        keep = h > 1.0
        curves.append(MagnetizationCurve(t, h[keep], m[keep], np.full(keep.sum(), np.nan),
                                         np.full(keep.sum(), "virgin"), "emu"))
    return curves


def test_figures_have_labelled_axes():
    curves = _family()
    figs = [mhplot.isotherms(curves), mhplot.reduced(curves),
            mhplot.loops([analyze_isotherm(c) for c in curves[:2]]),
            mhplot.rw_plot(rhodes_wohlfarth(1.9, 0.17, Tc_K=27.5))]
    res = arrott(curves)
    assert abs(res.Tc_meanfield_K - 10.0) < 0.01   # the lines are exact: intercept 0 at 10 K
    figs.append(mhplot.arrott_plot(curves, res))
    for fig in figs:
        for ax in fig.axes:
            assert ax.get_xlabel() and ax.get_ylabel()
        plt.close(fig)


def test_report_section_on_real_loop():
    figs, table = report_section(str(realfile("VSM_MH")))
    assert len(table) == 1 and table["Hc_Oe"].iloc[0] > 0
    assert len(figs) == 1
    for f in figs:
        plt.close(f)


def test_deguchi_takahashi_plot_with_measured_t0():
    from magfit.mh.takahashi import takahashi_m4_coefficient, takahashi_parameters

    tc, t_a = 20.0, 3000.0
    h = np.linspace(500, 20000, 20)
    m = (takahashi_m4_coefficient() * tc**2 / t_a**3 * h) ** 0.2
    tk = takahashi_parameters(h, m, tc, 0.2)
    res = rhodes_wohlfarth(2.5, 0.2, Tc_K=tc, takahashi=tk)
    fig = mhplot.dt_plot(res)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "T_C / T_0" in ax.get_xlabel() and "p_eff" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("M⁴" in t for t in labels) and any("Takahashi" in t for t in labels)
    plt.close(fig)
