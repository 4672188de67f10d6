"""Isotherm and branch grouping of M(H) files (issue 16), synthetic and real."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import realfile

import magfit
from magfit.errors import FitError, FormatError
from magfit.mh import analyze_isotherm, field_branches, group_isotherms, read_isotherms


def _seven_isotherms(rng):
    """Seven isotherms 2-300 K, virgin + loop each, 3 readings per field, mK drift."""
    temps = [2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 300.0]
    up = np.linspace(0, 70000, 15)
    loop = np.concatenate([up, up[::-1][1:], -up[1:], -up[::-1][1:], up[1:]])
    t_all, h_all = [], []
    for t in temps:
        h = np.repeat(loop, 3) + rng.normal(0, 0.3, 3 * loop.size)
        t_all.append(t + rng.normal(0, 0.003, h.size))
        h_all.append(h)
    t, h = np.concatenate(t_all), np.concatenate(h_all)
    m = 1e-3 * np.tanh(h / 1e4 / (t / 10.0))
    return temps, t, h, m, loop


def test_seven_isotherms_not_cut_into_constant_field_segments():
    rng = np.random.default_rng(1)
    temps, t, h, m, loop = _seven_isotherms(rng)
    isos = group_isotherms(t, h, m)
    assert [round(i.temperature_K) for i in isos] == [round(x) for x in temps]
    for iso in isos:
        assert iso.temperature_spread_K < 0.05
        assert iso.branches == ["virgin", "decreasing", "increasing"]
        assert len(iso) == 3 * loop.size
        assert iso.provenance["rows_not_in_isotherms"] == 0


def test_branch_labels_with_repeated_readings():
    h = np.repeat([0, 100, 200, 300, 200, 100, 0, -100, -300, -100, 0, 300], 4).astype(float)
    b = field_branches(h + np.tile([0.0, 0.4, -0.3, 0.2], h.size // 4))
    assert b[0] == "virgin" and b[15] == "virgin"
    assert b[16] == "decreasing" and b[-1] == "increasing"
    # rows at the turning point (-300 Oe, repeated) stay with the branch that reached it
    assert set(b[32:36]) == {"decreasing"}


def test_temperature_sweep_is_not_an_isotherm():
    t = np.linspace(2, 300, 200)
    with pytest.raises(FormatError, match="no isotherm"):
        group_isotherms(t, np.full(200, 1000.0), np.ones(200))


def _real(name):
    return str(realfile(name))


@pytest.mark.parametrize("name, n_branches", [
    ("RinehartGroup__MagnetoPy__mvsh3.dat", 2),
    ("MaMMoS-project__magmeas__VSM_MH.DAT", 3),
    ("BRimmler__Magnetometry-Analysis-App__vsm_testdata.csv", 2),
])
def test_real_mh_files_give_loop_parameters(name, n_branches):
    curves = read_isotherms(_real(name))
    assert len(curves) == 1
    c = curves[0]
    assert len(c.branch) == len(c.M)
    res = analyze_isotherm(c)
    assert res.Hc_Oe is not None and res.Hc_Oe > 0 and res.Hc_Oe_err > 0
    assert 0 < res.Mr < res.Ms
    assert res.closed
    # the remanence and saturation sit on the measured curve: |M| never exceeds M_s by much
    assert np.nanmax(np.abs(c.M - res.saturation.chi_hf * c.field_Oe)) < 1.1 * res.Ms
    # H_c lies between field points actually measured on the loop
    assert res.Hc_Oe < np.nanmax(np.abs(c.field_Oe))


def test_real_vsm_loop_matches_direct_crossings():
    """H_c of the PPMS VSM loop agrees with the crude nearest-point estimate on each branch."""
    path = _real("MaMMoS-project__magmeas__VSM_MH.DAT")
    m = magfit.read(path)
    h, mo = m.field_Oe, m.moment_emu
    ok = np.isfinite(h) & np.isfinite(mo)
    h, mo = h[ok], mo[ok]
    crude = []
    for lo, hi in ((858, 2463), (2463, len(h))):  # decreasing, increasing branch rows (see segments())
        hh, mm = h[lo:hi], mo[lo:hi]
        k = np.argmin(np.abs(mm))
        crude.append(abs(hh[k]))
    res = analyze_isotherm(read_isotherms(m)[0])
    assert res.Hc_Oe == pytest.approx(np.mean(crude), rel=0.03)


def test_one_way_isotherm_has_no_loop_and_loop_error_is_clear():
    from magfit.mh import analyze_loop, magnetization

    h = np.linspace(0, 50000, 30)
    iso = group_isotherms(np.full(30, 2.0), h, 1e-3 * np.tanh(h / 1e4))[0]
    c = magnetization(iso, unit="emu")
    res = analyze_isotherm(c)
    assert res.Hc_Oe is None and "one-way" in res.notes[0]
    with pytest.raises(FitError, match="not a swept hysteresis loop"):
        analyze_loop(c)


def test_segments_table_of_a_seven_isotherm_table_file(tmp_path):
    """A table file of 7 isotherms: the isotherm grouping gives 7 x 3 branches, every row accounted
    for, and Measurement.segments() uses it (it used to cut such a file into hundreds of pieces)."""
    from magfit.mh import isotherm_segments, isotherms_from_measurement

    rng = np.random.default_rng(2)
    temps, t, h, m, loop = _seven_isotherms(rng)
    path = tmp_path / "seven.csv"
    with open(path, "w") as f:
        f.write("Temperature (K),Magnetic Field (Oe),Moment (emu)\n")
        for row in zip(t, h, m, strict=True):
            f.write("{:.5f},{:.3f},{:.6e}\n".format(*row))
    meas = magfit.read(path)
    isos = isotherms_from_measurement(meas)
    seg, table = isotherm_segments(isos, len(meas))
    assert len(isos) == 7 and len(table) == 21
    assert (seg >= 0).all() and table["n_rows"].sum() == len(meas)
    assert list(table["direction"][:3]) == ["virgin", "decreasing field", "increasing field"]
    assert table["T_max_K"].max() == pytest.approx(300.0, abs=0.05)
    # Measurement.segments() uses the same grouping: one segment per isotherm branch, selectable by T
    segs = meas.segments()
    assert len(segs) == 21 and segs["n_rows"].sum() == len(meas)
    assert list(segs["direction"][:3]) == ["virgin", "decreasing field", "increasing field"]
    assert segs["label"].str.contains("T=").all()
    five_K = meas.select("T=5")
    assert np.allclose(five_K.temperature_K, temps[1], atol=0.05)
