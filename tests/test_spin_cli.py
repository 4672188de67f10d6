"""``magfit fit-cluster``: the public CLI contract (flags, JSON keys, J in the stated convention)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from magfit.cli import main
from magfit.spin import Cluster, ClusterOptions, model_chi, model_magnetization

T = np.linspace(2.0, 300.0, 70)


@pytest.fixture()
def cu2_files(tmp_path):
    cl = Cluster.from_strings("1/2,1/2", ["1-2:J"], "-2J")
    opt = ClusterOptions(impurity=True, mean_field="theta")
    truth = {"J": -60.0, "g": 2.1, "rho": 0.02, "theta_K": -0.5}
    y = model_chi(cl, truth, T, opt) * T * (1 + 0.005 * np.random.default_rng(2).standard_normal(T.size))
    chit = tmp_path / "cu2_chiT.csv"
    np.savetxt(chit, np.c_[T, y], delimiter=",", header="T,chiT", comments="")
    chi = tmp_path / "cu2_chi.csv"
    np.savetxt(chi, np.c_[T, y / T], delimiter=",", header="Temperature (K),chi", comments="")
    h = np.linspace(1e3, 5e4, 12)
    mh = tmp_path / "cu2_mh.csv"
    np.savetxt(mh, np.c_[h, np.full(12, 2.0), model_magnetization(cl, truth, h, 2.0, opt)], delimiter=",",
               header="H,T,M", comments="")
    return chit, chi, mh


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_contract_json_keys_and_convention(cu2_files, capsys):
    chit, chi, mh = cu2_files
    base = ["fit-cluster", str(chit), "--spins", "1/2,1/2", "--bond", "1-2:J", "--impurity", "--theta",
            "--json"]
    d2 = _json(capsys, base + ["--convention", "-2J"])
    assert {"file", "convention", "params", "redchi", "n_points", "levels"} <= set(d2)
    assert d2["convention"] == "-2J" and d2["n_points"] == T.size
    assert set(d2["params"]) == {"J", "g", "theta_K", "rho"}
    assert all(set(v) == {"value", "err"} for v in d2["params"].values())
    j, e = d2["params"]["J"]["value"], d2["params"]["J"]["err"]
    assert abs(j + 60.0) < 3 * e
    assert d2["levels"][0] == {"energy_K": 0.0, "S": 0.0} and d2["levels"][1]["S"] == 1.0
    d1 = _json(capsys, base + ["--convention", "-J"])
    assert d1["params"]["J"]["value"] == pytest.approx(2 * j, rel=1e-4)       # -2J value = half the -J one


def test_chi_column_tip_zj_and_mh(cu2_files, capsys):
    chit, chi, mh = cu2_files
    d = _json(capsys, ["fit-cluster", str(chi), "--spins", "1/2,1/2", "--bond", "1-2:J", "--convention=-2J",
                       "--column", "chi_emu_mol=2", "--zj", "--tip", "--impurity", "--mh", str(mh), "--json"])
    assert set(d["params"]) == {"J", "g", "zJ_K", "rho", "chi0_emu_mol"}
    assert d["n_points"] == T.size + 12
    assert abs(d["params"]["J"]["value"] + 60.0) < 1.5


def test_bad_input_is_a_clean_error(cu2_files, capsys):
    chit, _, _ = cu2_files
    cmd = ["fit-cluster", str(chit), "--bond", "1-2:J", "--convention", "-2J", "--spins"]
    assert main(cmd + ["1/2,1/3"]) == 1
    assert "multiple of 1/2" in capsys.readouterr().err
    assert main(["fit-cluster", str(chit), "--spins", "1/2,1/2", "--bond", "1-3:J", "--convention=-J"]) == 1
    assert "sites" in capsys.readouterr().err


def test_console_entry_point(cu2_files):
    chit, _, _ = cu2_files
    out = subprocess.run([sys.executable, "-m", "magfit", "fit-cluster", str(chit), "--spins", "1/2,1/2",
                          "--bond", "1-2:J", "--convention", "-2J", "--impurity"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "-2J convention" in out.stdout


def test_field_and_impurity_spin_options(cu2_files, capsys):
    chit, _, _ = cu2_files
    d = _json(capsys, ["fit-cluster", str(chit), "--spins", "1/2,1/2", "--bond", "1-2:J", "--convention",
                       "-2J", "--impurity", "--impurity-spin", "1", "--field-oe", "1000", "--json"])
    assert set(d["params"]) == {"J", "g", "rho"}
    assert main(["fit-cluster", str(chit), "--spins", "1/2,1/2", "--bond", "1-2:J", "--convention", "-2J",
                 "--unit", "chi_emu_mol=m^3/mol"]) == 1
    assert "--unit" in capsys.readouterr().err


def test_per_site_data_recover_g(tmp_path, capsys):
    """chi per mole of Cu (as `magfit simulate dimer` writes it), written here from the
    Bleaney-Bowers closed form in the -2J convention: chi_Cu = N g^2 muB^2 / (k T (3 + exp(-2J/kT)));
    without --per-site the fit would absorb the factor 2 into g (g/sqrt 2), with it g comes back."""
    from scipy import constants as sc

    n_mub2_over_k = sc.N_A * (sc.physical_constants["Bohr magneton"][0] * 1e3) ** 2 / (sc.k * 1e7)
    t = np.linspace(5, 300, 60)
    j_k, g = -80.0, 2.1
    chi_cu = n_mub2_over_k * g**2 / (t * (3 + np.exp(-2 * j_k / t)))
    path = tmp_path / "cu_per_site.csv"
    path.write_text("T (K),chi (emu/mol)\n" + "".join(f"{a},{b}\n" for a, b in zip(t, chi_cu, strict=True)))
    assert main(["fit-cluster", str(path), "--spins", "1/2,1/2", "--bond", "1-2:J", "--convention", "-2J",
                 "--per-site", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["params"]["J"]["value"] == pytest.approx(j_k, rel=1e-4)
    assert d["params"]["g"]["value"] == pytest.approx(g, rel=1e-4)
    assert "per mole of sites" in d["read"]["basis"]
