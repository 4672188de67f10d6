"""`magfit simulate` CLI: CSV output, round trip through magfit.read, error messages."""

import numpy as np
import pandas as pd
import pytest

import magfit
from magfit.cli import main
from magfit.simulate import afm_chi, bleaney_bowers


def test_simulate_dimer_csv_round_trip_through_read(tmp_path):
    out = tmp_path / "dimer.csv"
    rc = main(["simulate", "dimer", "--param", "J_K=-100", "--param", "g=2.1", "--param", "convention=-2J",
               "--tmin", "2", "--tmax", "300", "--n", "40", "-o", str(out)])
    assert rc == 0
    df = pd.read_csv(out)
    assert list(df.columns) == ["temperature_K", "chi_emu_mol"]
    t = np.linspace(2, 300, 40)
    ref = bleaney_bowers(t, J_K=-100, g=2.1, convention="-2J")
    np.testing.assert_allclose(df["temperature_K"], t)
    np.testing.assert_allclose(df["chi_emu_mol"], ref.chi_emu_mol, rtol=1e-12)
    m = magfit.read(out)                          # the table loader reads the ChiT columns back
    chi = m.susceptibility()
    np.testing.assert_allclose(chi.temperature_K, t)
    np.testing.assert_allclose(chi.chi_emu_mol, ref.chi_emu_mol, rtol=1e-12)


def test_simulate_afm_log_grid_si_and_stdout(tmp_path, capsys):
    assert main(["simulate", "afm", "--param", "spin=2.5", "--param", "T_N_K=67", "--param", "theta_K=-82",
                 "--param", "orientation=parallel", "--log", "--n", "5", "--si"]) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[0] == "temperature_K,chi_m3_mol"
    vals = np.array([[float(x) for x in line.split(",")] for line in text[1:]])
    t = np.geomspace(2, 300, 5)
    np.testing.assert_allclose(vals[:, 0], t)
    ref = afm_chi(t, spin=2.5, T_N_K=67, theta_K=-82, orientation="parallel").chi_m3_mol
    np.testing.assert_allclose(vals[:, 1], ref, rtol=1e-12)


def test_simulate_si_csv_reads_back_in_emu(tmp_path):
    out = tmp_path / "afm_si.csv"
    assert main(["simulate", "afm", "--param", "spin=2.5", "--param", "T_N_K=67", "--param", "theta_K=-82",
                 "--si", "--n", "20", "-o", str(out)]) == 0
    chi = magfit.read(out).susceptibility()           # chi_m3_mol column converted back to emu/mol
    ref = afm_chi(np.linspace(2, 300, 20), spin=2.5, T_N_K=67, theta_K=-82)
    np.testing.assert_allclose(chi.chi_emu_mol, ref.chi_emu_mol, rtol=1e-12)


def test_simulate_monte_carlo_model_runs(tmp_path):
    out = tmp_path / "mc.csv"
    assert main(["simulate", "mc", "--param", "J_K=10", "--param", "mu_eff=7.94", "--param", "L=3",
                 "--param", "n_therm=20", "--param", "n_measure=100", "--tmin", "100", "--tmax", "200",
                 "--n", "3", "-o", str(out)]) == 0
    df = pd.read_csv(out)
    assert list(df.columns) == ["temperature_K", "chi_emu_mol", "chi_err_emu_mol"]
    assert np.all(df["chi_emu_mol"] > 0)


@pytest.mark.parametrize(("argv", "message"), [
    (["simulate", "kagome"], "unknown model"),
    (["simulate", "dimer", "--param", "Jay=3"], "no parameter 'Jay'"),
    (["simulate", "dimer", "--param", "J_K"], "name=value"),
    (["simulate", "dimer"], "J_K"),
    (["simulate", "curie", "--param", "C=1", "--tmin", "300", "--tmax", "2"], "--tmin"),
    (["simulate", "curie-weiss", "--param", "C=1", "--param", "theta_K=50"], "exceed theta"),
    # a required parameter is named as the CLI option to add, not as a Python TypeError of a helper
    (["simulate", "mc", "--param", "J_K=10"], "needs --param mu_eff=VALUE"),
    # an output folder that does not exist: a magfit error before any simulation, not a pandas OSError
    (["simulate", "curie", "--param", "C=1", "-o", "/nonexistent_magfit_dir/x.csv"], "does not exist"),
])
def test_simulate_errors_are_reported(argv, message, capsys):
    assert main(argv) == 1
    assert message in capsys.readouterr().err


def test_simulate_list(capsys):
    assert main(["simulate", "--list"]) == 0
    out = capsys.readouterr().out
    for name in ("curie", "curie-weiss", "pauli", "brillouin", "weiss-fm", "afm", "dimer", "chain", "mc"):
        assert name in out
    assert "fermi_energy_eV" in out
