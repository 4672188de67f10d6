"""ZFC/FC: irreversibility temperature and ZFC maximum on synthetic curves (issue 16)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import realfile

from magfit.errors import FitError
from magfit.mh import zfc_fc, zfc_fc_from_measurement


def _curves(t_irr=40.0, t_b=25.0, step=0.5, noise=0.0, seed=0):
    """FC = Curie tail; ZFC = FC above T_irr, below it reduced by a smooth blocking factor
    with a maximum near t_b."""
    t = np.arange(2.0, 80.0 + step / 2, step)
    fc = 1.0 / (t + 5.0)
    x = np.clip((t_irr - t) / t_irr, 0, None)
    zfc = fc * (1 - 1.6 * x ** 0.9)
    rng = np.random.default_rng(seed)
    return t, zfc + rng.normal(0, noise, t.size), fc + rng.normal(0, noise, t.size)


def test_irreversibility_temperature_within_point_spacing():
    t, zfc, fc = _curves()
    res = zfc_fc(t, zfc, t, fc, rel_threshold=0.01)
    # where the relative separation 1.6 x^0.9 first exceeds 1 %: x = (0.01/1.6)^(1/0.9)
    expected = 40.0 * (1 - (0.01 / 1.6) ** (1 / 0.9))
    assert res.T_irr_K == pytest.approx(expected, abs=max(res.T_irr_K_err, 0.25))
    assert res.T_irr_K_err == pytest.approx(0.25)


def test_zfc_maximum_parabola_vertex():
    t = np.arange(2.0, 60.0, 1.0)
    zfc = -(t - 23.3) ** 2
    res = zfc_fc(t, zfc, t, zfc + 1.0)
    assert res.T_max_K == pytest.approx(23.3, abs=1e-9)
    assert 0 < res.T_max_K_err <= 1.0 and not res.at_edge


def test_no_separation_and_too_few_points():
    t = np.linspace(2, 50, 30)
    res = zfc_fc(t, 1 / t, t, 1 / t)
    assert res.T_irr_K is None and res.at_edge
    # 1/T peaks at the first point: the data's edge, not a ZFC maximum -> no T_max, the edge stated
    assert res.T_max_K is None and res.T_max_K_err is None and res.edge_T_K == pytest.approx(t[0])
    assert "no ZFC maximum inside the range" in res.summary()
    with pytest.raises(FitError, match="at least 3"):
        zfc_fc(t[:2], t[:2], t, t)


def test_real_zfc_fc_file():
    import magfit

    res = zfc_fc_from_measurement(magfit.read(realfile("zfcfc1")))
    assert 5.0 < res.T_irr_K < 300.0 and res.T_irr_K_err < 5.0
    assert 5.0 < res.T_max_K < 300.0


def test_guessed_zfc_fc_labels_are_said_in_text_and_json(capsys):
    # Na1.9IrO3: a warming then a cooling sweep at one field, no ZFC/FC comment in the file: the labels are
    # inferred from the order, and the output must say so (text and JSON)
    import json

    import magfit
    from magfit.cli import main

    path = realfile("Na1.9IrO3")
    res = zfc_fc_from_measurement(magfit.read(path))
    assert res.labels_guessed and "guessed" in res.labels_note and "NOTE" in res.summary()
    assert main(["zfcfc", "--json", str(path)]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["labels_guessed"] is True and "order" in row["labels_note"]
    assert main(["zfcfc", str(path)]) == 0
    assert "guessed" in capsys.readouterr().out


def test_arrays_given_by_the_caller_are_not_guessed():
    t, zfc, fc = _curves()
    res = zfc_fc(t, zfc, t, fc)
    assert not res.labels_guessed and "NOTE" not in res.summary()
