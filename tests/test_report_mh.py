"""magfit report on an M(H) file: isotherm analysis (magfit.mh) instead of a chi(T) fit.

The loop is written in the test from a closed form: branches M = M_s tanh((H -/+ H_c)/w), whose
coercive field is H_c and remanence M_s tanh(H_c/w) exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from magfit import report

HC_OE, W_OE, MS_EMU = 800.0, 1500.0, 2.0e-3


def _loop_file(path):
    up = np.linspace(0, 20000, 41)
    down = np.linspace(20000, -20000, 161)
    back = np.linspace(-20000, 20000, 161)
    virgin = MS_EMU * np.tanh(up / W_OE) * 0.8
    m_down = MS_EMU * np.tanh((down + HC_OE) / W_OE)
    m_up = MS_EMU * np.tanh((back - HC_OE) / W_OE)
    h = np.concatenate([up, down, back])
    m = np.concatenate([virgin, m_down, m_up])
    t = np.full(h.size, 5.0) + np.random.default_rng(0).normal(0, 0.002, h.size)
    frame = pd.DataFrame({"Temperature (K)": t, "Magnetic Field (Oe)": h, "Moment (emu)": m})
    frame.to_csv(path, index=False)


def test_report_of_an_mh_file_gives_loop_parameters(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    _loop_file(data / "loop.csv")
    rep = report.build(data, tmp_path / "out")
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    row = summary.iloc[0]
    assert pd.isna(row["error"]) and row["basis"] == "M(H) isotherms"
    assert row["Hc_Oe"] == pytest.approx(HC_OE, rel=0.03)
    assert row["Mr"] == pytest.approx(MS_EMU * np.tanh(HC_OE / W_OE), rel=0.03)
    assert row["mh_unit"] == "emu" and row["n_isotherms"] == 1
    assert (tmp_path / "out" / "figures" / row["figure_fit"]).exists()
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "M(H): 1 isotherm(s)" in html
    assert rep.n_failed == 0
