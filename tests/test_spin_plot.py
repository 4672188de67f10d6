"""Figures of magfit.spin.plot: they draw the data, the fit and the levels they are given."""

from __future__ import annotations

import matplotlib
import numpy as np

from magfit.spin import Cluster, ClusterOptions, fit_cluster, levels, model_chi, model_magnetization
from magfit.spin import plot as splot

matplotlib.use("Agg")


def test_chit_mh_and_ladder_figures():
    cl = Cluster.from_strings("1/2,1/2,1/2", ["1-2:J", "2-3:J", "1-3:J"], "-2J")
    opt = ClusterOptions(impurity=True)
    truth = {"J": -20.0, "g": 2.1, "rho": 0.02}
    t = np.geomspace(2, 300, 40)
    y = model_chi(cl, truth, t, opt) * t
    fit = fit_cluster(cl, (t, y), options=opt)
    fig = splot.chit_fit(fit, t, y)
    ax = fig.axes[0]
    assert len(ax.lines) == 4                                   # data, fit, cluster, impurity
    np.testing.assert_allclose(ax.lines[0].get_ydata(), y)
    assert "-2J" in ax.get_title()
    h = np.linspace(1e3, 5e4, 10)
    data = [(h, tt, model_magnetization(cl, truth, h, np.full(10, tt), opt)) for tt in (2.0, 5.0)]
    fig2 = splot.mh_family(fit, data, reduced=True)
    assert len(fig2.axes[0].lines) == 4 and "H/T" in fig2.axes[0].get_xlabel()
    lv = levels(cl, truth)
    fig3 = splot.level_ladder(lv)
    # Kambe: two S=1/2 doublets at 0, the quartet at 3|J| (-2J convention)
    segs = fig3.axes[0].collections
    energies = sorted(float(c.get_segments()[0][0][1]) for c in segs)
    np.testing.assert_allclose(energies, [0.0, 60.0], atol=1e-9)
    assert any(t.get_text() == "×2" for t in fig3.axes[0].texts)
