"""``magfit fit``: JSON lines on the project's sample_data (true parameters in sample_data/README.md),
error handling per file, and the real Na1.9IrO3 ACMS file."""

from __future__ import annotations

import json
import re

import pytest
from conftest import SAMPLE_DATA, realfile

from magfit.cli import fit as cli_fit
from magfit.cli import main

CONTRACT_KEYS = {"file", "mu_eff", "mu_eff_err", "theta_K", "theta_K_err", "chi0_emu_mol", "chi0_emu_mol_err",
                 "C_emu_K_mol", "C_emu_K_mol_err", "tmin_K", "tmax_K", "n_points", "redchi", "flags"}

# file, CLI options, true values from sample_data/README.md (per mole of what the options make chi count)
SAMPLES = [
    ("gd_sulfate_mpms3.dat", ["--formula", "Gd2(SO4)3(H2O)8", "--per-ion", "Gd"],
     {"mu_eff": 7.937, "theta_K": -0.5, "chi0_emu_mol": -264.3e-6 / 2}),
    ("mno_like_afm_mpmsxl.dat", ["--formula", "MnO"],
     {"mu_eff": 5.916, "theta_K": -60.0, "chi0_emu_mol": -26.0e-6}),
    ("ferromagnet_above_tc.csv", ["--formula", "CrBr3", "--mass-mg", "15.0"],
     {"mu_eff": 3.873, "theta_K": 45.0, "chi0_emu_mol": -114.8e-6}),
    ("pauli_metal_impurity.csv", ["--formula", "Pd", "--mass-mg", "50.0"],
     {"C_emu_K_mol": 1.8757e-3, "theta_K": -1.0, "chi0_emu_mol": 3.0e-4}),
    ("mixed_kondo_like.dat", ["--formula", "CePd3", "--holder", str(SAMPLE_DATA / "empty_holder_mpms3.dat")],
     {"mu_eff": 1.80, "theta_K": -25.0, "chi0_emu_mol": 1.5e-3}),
    ("chi_table.csv", [], {"mu_eff": 1.90, "theta_K": -3.0, "chi0_emu_mol": 0.0}),
]


def run_json(capsys, *argv) -> tuple[int, list[dict]]:
    rc = main(["fit", "--json", *argv])
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.strip()]
    return rc, [json.loads(ln) for ln in lines]


@pytest.mark.parametrize(("name", "options", "truth"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_sample_data_recovers_true_parameters(capsys, name, options, truth):
    path = SAMPLE_DATA / name
    if not path.exists():
        pytest.skip(f"{path} not generated")
    rc, rows = run_json(capsys, str(path), *options)
    assert rc == 0 and len(rows) == 1
    row = rows[0]
    assert CONTRACT_KEYS <= set(row)
    assert row["file"] == str(path)
    assert row["n_points"] >= 10
    for key, true in truth.items():
        err = row[key + "_err"]
        assert err is not None and err > 0
        # within 4 standard errors of the generator's value (noise 0.2-0.3 %)
        assert abs(row[key] - true) < 4 * err, (key, row[key], err, true)


def test_free_ion_comparison_from_chi_t(capsys):
    rc, (row,) = run_json(capsys, str(SAMPLE_DATA / "gd_sulfate_mpms3.dat"), "--formula", "Gd2(SO4)3(H2O)8",
                          "--per-ion", "Gd")
    hi = row["cross_checks"]["chi_T_high"]
    # (chi - chi0) T at 300 K = C T/(T - theta): within 0.5 % of the fitted mu_eff for theta = -0.5 K
    assert hi["mu_eff"] == pytest.approx(row["mu_eff"], rel=5e-3)
    assert hi["free_ion_candidates"][0]["ion"] == "Gd3+"
    assert hi["free_ion_candidates"][0]["mu_eff_expected"] == pytest.approx(7.937, abs=1e-3)


def test_pascal_correction_moves_chi0_to_zero(capsys):
    # the generator's chi0 is exactly the Pascal core diamagnetism (-264.3e-6 emu/mol per f.u.)
    rc, (row,) = run_json(capsys, str(SAMPLE_DATA / "gd_sulfate_mpms3.dat"), "--formula", "Gd2(SO4)3(H2O)8",
                          "--per-ion", "Gd", "--diamagnetic", "pascal")
    assert rc == 0
    assert abs(row["chi0_emu_mol"]) < 4 * row["chi0_emu_mol_err"]
    dia = row["cross_checks"]["diamagnetism"]
    assert dia["subtracted"] is True
    assert dia["estimate_emu_mol"] == pytest.approx(-264.3e-6 / 2, rel=1e-6)       # per Gd


def test_mno_window_excludes_neel_cusp(capsys):
    rc, (row,) = run_json(capsys, str(SAMPLE_DATA / "mno_like_afm_mpmsxl.dat"), "--formula", "MnO")
    feats = row["cross_checks"]["ordering_features"]
    assert any(f["kind"] == "chi maximum" and abs(f["temperature_K"] - 30.0) < 3.0 for f in feats)
    assert row["tmin_K"] >= 2 * abs(row["theta_K"])        # T_N = 30 K, theta = -60 K in the generator


def test_failing_file_reported_and_others_processed(capsys, tmp_path):
    bad = tmp_path / "missing.dat"
    good = SAMPLE_DATA / "chi_table.csv"
    rc, rows = run_json(capsys, str(bad), str(good))
    assert rc == 1
    assert rows[0]["file"] == str(bad) and "not found" in rows[0]["error"]
    assert rows[1]["file"] == str(good) and "mu_eff" in rows[1]
    # text mode: the error goes to stderr, the good summary to stdout
    rc = main(["fit", str(bad), str(good)])
    out, err = capsys.readouterr()
    assert rc == 1
    assert "missing.dat: error:" in err
    assert "mu_eff" in out and "chi_table.csv" in out


def test_sample_without_mass_is_a_clear_error(capsys):
    rc, (row,) = run_json(capsys, str(SAMPLE_DATA / "ferromagnet_above_tc.csv"), "--formula", "CrBr3")
    assert rc == 1 and "--mass-mg" in row["error"]


def test_window_options_and_no_chi0(capsys):
    rc, (row,) = run_json(capsys, str(SAMPLE_DATA / "chi_table.csv"), "--tmin", "20", "--tmax", "250",
                          "--no-chi0")
    assert rc == 0
    assert row["tmin_K"] >= 20 and row["tmax_K"] <= 250
    assert row["chi0_emu_mol"] == 0.0 and row["chi0_emu_mol_err"] == 0.0
    assert row["window_reason"].startswith("user window")
    assert abs(row["mu_eff"] - 1.90) < 4 * row["mu_eff_err"]


def test_enrichers_add_keys_and_cannot_lose_the_fit(capsys, monkeypatch):
    def broken(chi, fit):
        raise RuntimeError("boom")

    def label(chi, fit):
        return {"label": "localized", "n": len(chi)}

    monkeypatch.setattr(cli_fit, "ENRICHERS", [label, broken])
    rc, (row,) = run_json(capsys, str(SAMPLE_DATA / "chi_table.csv"))
    assert rc == 1 and row["label"] == "localized" and row["n"] > 0  # a failed enricher is not hidden
    assert "mu_eff" in row and row["enricher_errors"] == ["broken: RuntimeError: boom"]


def test_real_na2iro3_like_acms_file(capsys):
    """PPMS ACMS file (AC and DC rows, DC at 10 kOe, 46.7 mg in a free-form header line), per Ir.

    Na2IrO3 literature: Curie-Weiss with theta ~ -125 K and mu_eff ~ 1.8 mu_B per Ir, T_N = 15 K
    (Singh & Gegenwart, PRB 82, 064412 (2010)); we only require a converged, physical fit here.
    """
    path = realfile("Na1.9IrO3")
    rc, (row,) = run_json(capsys, str(path), "--formula", "Na1.9IrO3", "--per-ion", "Ir")
    assert rc == 0
    assert row["n_points"] >= 50
    assert 1.4 < row["mu_eff"] < 2.6 and row["mu_eff_err"] < 0.1
    assert -260.0 < row["theta_K"] < -80.0
    assert row["tmin_K"] > 15.0                         # above T_N
    # the weak T_N anomaly (0.7 % of chi, ZFC and FC sweeps interleaved) is located
    feats = row["cross_checks"]["ordering_features"]
    assert any(f["kind"] == "chi maximum" and 13.0 < f["temperature_K"] < 20.0 for f in feats)


def _dimer_csv(tmp_path):
    path = tmp_path / "dimer.csv"
    assert main(["simulate", "dimer", "--param", "J_K=-100", "-o", str(path)]) == 0
    return str(path)


def test_flags_printed_once_text_and_json(capsys, tmp_path):
    """Regression: the verdict's flags were appended to the fit's, and the text output printed the
    fit's flags twice (summary line and the "flags" key); JSON "flags" must hold each flag once."""
    path = _dimer_csv(tmp_path)
    capsys.readouterr()
    rc, (rec,) = run_json(capsys, path)
    assert rc == 0
    flags = rec["flags"]
    assert len(flags) >= 2                           # fit flags and a classification flag
    assert len(flags) == len(set(flags))
    assert main(["fit", path]) == 0
    out = capsys.readouterr().out
    for flag in flags:
        assert out.count(flag) == 1, flag


def test_flags_deduplicated_when_verdict_repeats_a_fit_flag(capsys, tmp_path, monkeypatch):
    """A verdict restating a fit flag (or a fit flag appended twice) still gives each flag once, in order."""
    import importlib

    classify_pkg = importlib.import_module("magfit.classify")      # the package, not magfit.classify()
    path = _dimer_csv(tmp_path)
    real = classify_pkg.classify

    def repeating(fit):
        v = real(fit)
        fit.flags.append(fit.flags[0])
        v.flags[:0] = list(fit.flags)
        return v

    monkeypatch.setattr(classify_pkg, "classify", repeating)
    capsys.readouterr()
    rc, (rec,) = run_json(capsys, path)
    assert rc == 0
    assert rec["flags"] == list(dict.fromkeys(rec["flags"]))
    assert len(rec["flags"]) >= 2


def test_undefined_error_is_explained_not_printed_as_nan(capsys, tmp_path):
    """Regression: a strong Cu dimer (J = -300 K) fitted above its chi maximum has a singular covariance;
    the fit printed 'C not significantly positive (C = 1.2e+05 +/- nan ...)' for a large positive C and
    gave mu_eff_err null without a reason."""
    import re

    path = tmp_path / "dimer300.csv"
    assert main(["simulate", "dimer", "--param", "J_K=-300", "-o", str(path)]) == 0
    capsys.readouterr()
    rc, (rec,) = run_json(capsys, str(path))
    assert rc == 0
    assert rec["C_emu_K_mol_err"] is None and rec["mu_eff_err"] is None
    assert rec["C_emu_K_mol"] > 0
    assert not any(f.startswith("C not significantly positive") for f in rec["flags"])
    (why,) = [f for f in rec["flags"] if f.startswith("C error undefined")]
    assert "mu_eff_err null" in why and "2 sigma_C" in why
    c_text = float(re.search(r"C = ([-+0-9.e]+) emu K/mol", why).group(1))
    assert c_text == pytest.approx(rec["C_emu_K_mol"], rel=5e-3)
    assert main(["fit", str(path)]) == 0
    out = capsys.readouterr().out
    assert not re.search(r"\bnan\b", out), out
    assert "error undefined" in out


def test_not_significant_c_states_the_test(capsys):
    """A finite-error unresolved C names the test (C > 2 sigma_C) beside its numbers."""
    import numpy as np

    import magfit

    t = np.linspace(2, 300, 60)
    rng = np.random.default_rng(1)
    y = 1e-3 + 1e-3 * rng.standard_normal(t.size) * 1e-3
    fit = magfit.fit_curie_weiss(magfit.ChiT(t, y))
    flags = [f for f in fit.flags if f.startswith("C not significantly positive")]
    if flags:
        m = re.search(r"C = ([-+0-9.e]+) \+/- ([-+0-9.e]+) emu K/mol, not above 2 sigma_C", flags[0])
        assert m, flags[0]
        assert not float(m.group(1)) > 2 * float(m.group(2))
