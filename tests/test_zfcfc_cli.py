"""`magfit zfcfc FILE`: T_irr and the ZFC maximum of a Néel-relaxation toy and of a real file.

Toy (written here): identical single-domain particles, barrier E/k_B = 1000 K, attempt time
τ_0 = 1e-9 s, measuring time t_m = 100 s. The fraction of particles that relax during the
measurement is f(T) = 1 - exp(-t_m/τ), τ = τ_0 exp(E/k_B T). ZFC: only relaxed particles follow
the Curie law C/T; FC: relaxed particles follow C/T, blocked ones keep the moment frozen at the
blocking temperature T_B = E / (k_B ln(t_m/τ_0)).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from conftest import realfile
from scipy.optimize import brentq

from magfit.cli import main

E_K, TAU0, TM, C = 1000.0, 1e-9, 100.0, 1e-2
T_B = E_K / math.log(TM / TAU0)                   # 39.48 K


def relaxed(t):
    return -np.expm1(-TM / (TAU0 * np.exp(E_K / t)))


def zfc(t):
    return relaxed(t) * C / t


def fc(t):
    f = relaxed(t)
    return f * C / t + (1 - f) * C / T_B


@pytest.fixture
def toy_file(tmp_path):
    t = np.arange(5.0, 120.01, 1.0)
    path = tmp_path / "neel_zfcfc.csv"
    with open(path, "w") as f:
        f.write("Temperature (K),Magnetic Field (Oe),Moment (emu)\n")
        for curve in (zfc, fc):        # ZFC warming, then FC warming, both at 100 Oe
            f.writelines(f"{x:.4f},100.0,{m:.10e}\n" for x, m in zip(t, curve(t), strict=True))
    return str(path)


def test_zfcfc_json_on_neel_toy(toy_file, capsys):
    assert main(["zfcfc", toy_file, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"file", "T_irr_K", "T_irr_K_err", "T_max_K", "T_max_K_err", "label"} <= set(out)
    # T_irr: where FC - ZFC first exceeds 1 % of FC on cooling (the default threshold)
    t_irr = brentq(lambda t: fc(t) - zfc(t) - 0.01 * fc(t), T_B, 2 * T_B)
    # ZFC maximum on a fine grid
    grid = np.linspace(30, 90, 600001)
    t_max = grid[np.argmax(zfc(grid))]
    assert abs(out["T_irr_K"] - t_irr) <= out["T_irr_K_err"] + 1e-9
    assert out["T_irr_K_err"] == pytest.approx(0.5)         # half the 1 K point spacing
    assert abs(out["T_max_K"] - t_max) <= out["T_max_K_err"]
    assert out["T_max_K_err"] <= 1.0
    # the ZFC maximum lies just above the Néel blocking temperature (the unblocking step has a width
    # ~ T_B²/E per e-fold of τ, and C/T falls across it): 7 % here
    assert T_B < out["T_max_K"] < 1.1 * T_B
    assert out["label"] == "blocking_or_freezing"


def test_zfcfc_text_and_error(toy_file, tmp_path, capsys):
    assert main(["zfcfc", toy_file]) == 0
    assert "T_irr" in capsys.readouterr().out
    only_zfc = tmp_path / "zfc_only.csv"
    only_zfc.write_text("Temperature (K),Magnetic Field (Oe),Moment (emu)\n"
                        + "".join(f"{t},100,{1e-3 / t}\n" for t in range(5, 60)))
    assert main(["zfcfc", str(only_zfc)]) == 1
    err = capsys.readouterr().err
    assert "zfc_only.csv" in err and "segment found" in err


def test_zfcfc_real_file(capsys):
    path = realfile("zfcfc1")
    assert main(["zfcfc", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert 5.0 < out["T_irr_K"] < 300.0 and 0 < out["T_irr_K_err"] < 5.0
    assert 5.0 < out["T_max_K"] < 300.0 and out["label"]


def test_json_error_is_printed_on_stdout_too(tmp_path):
    """A --json command that fails prints {"command", "file", "error"} on stdout (as fit --json does)."""
    import json as _json
    import subprocess
    import sys

    bad = tmp_path / "not_a_zfcfc.csv"
    bad.write_text("Temperature (K),Field (Oe),Moment (emu)\n" + "".join(
        f"{t},100,{1e-3 / t}\n" for t in range(2, 40)), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "magfit", "zfcfc", str(bad), "--json"], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 1 and "error" in run.stderr
    out = _json.loads(run.stdout)
    assert out["command"] == "zfcfc" and out["file"] == str(bad) and out["error"]


def test_json_error_shape_is_the_same_for_every_command(tmp_path):
    """`file` is one path string (the failing file) and `files` lists the inputs, for commands taking
    several files (info) and for ferro's --chi/--mh options alike."""
    import json as _json
    import subprocess
    import sys

    good = tmp_path / "chi.csv"
    good.write_text("T (K),chi (emu/mol)\n" + "".join(f"{t},{1.0 / t}\n" for t in range(2, 40)),
                    encoding="utf-8")
    missing = tmp_path / "missing.dat"
    runs = {"info": ["info", str(good), str(missing), "--json"],
            "ferro": ["ferro", "--chi", str(missing), "--mh", str(good), "--json"]}
    for command, argv in runs.items():
        run = subprocess.run([sys.executable, "-m", "magfit", *argv], capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 1, (command, run.stderr)
        out = _json.loads(run.stdout.strip().splitlines()[-1])
        assert out["command"] == command and isinstance(out["file"], str), out
        assert out["file"] == str(missing) and str(missing) in out["files"] and out["error"], out
