"""magfit.batch.fit_many: per-file options, failures isolated, identical on every executor.

True parameters of the sample files are those written by sample_data/make_sample_data.py
(sample_data/README.md); tolerances are a few fit standard errors plus the systematic bias the
README documents (e.g. mean-field AFM curvature above T_N).
"""

from __future__ import annotations

import concurrent.futures as cf
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLE_DATA, realfile

import magfit
from magfit import batch
from magfit.errors import MagfitError

OPTIONS_CSV = """file,formula,mass_mg,per_ion,tmin,holder
gd_sulfate_mpms3.dat,Gd2(SO4)3(H2O)8,,Gd,,
ferromagnet_above_tc.csv,CrBr3,15.0,,,
pauli_metal_impurity.csv,Pd,50.0,,,
"""

FILES = ["gd_sulfate_mpms3.dat", "ferromagnet_above_tc.csv", "pauli_metal_impurity.csv", "chi_table.csv",
         "empty_holder_mpms3.dat", "README.md"]

NUMERIC = ["mu_eff", "mu_eff_err", "theta_K", "theta_K_err", "chi0_emu_mol", "chi0_emu_mol_err", "tmin_K",
           "tmax_K", "n_points", "redchi"]


@pytest.fixture(scope="module")
def options_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("opts") / "options.csv"
    path.write_text(OPTIONS_CSV)
    return path


@pytest.fixture(scope="module")
def serial_table(options_file):
    return magfit.fit_many([SAMPLE_DATA / f for f in FILES], executor="serial", options=options_file,
                           progress=False)


def row(table, name):
    (i,) = np.flatnonzero(table["file"].str.endswith(name).to_numpy())
    return table.iloc[i]


def test_columns_and_one_row_per_file(serial_table):
    assert list(serial_table.columns[:2]) == ["file", "sample"]
    for col in ["mu_eff", "mu_eff_err", "theta_K", "theta_K_err", "chi0_emu_mol", "chi0_emu_mol_err",
                "tmin_K", "tmax_K", "n_points", "redchi", "label", "confidence", "flags", "error"]:
        assert col in serial_table.columns
    assert len(serial_table) == len(FILES)


def test_known_parameters_recovered(serial_table):
    gd = row(serial_table, "gd_sulfate_mpms3.dat")  # per Gd: mu_eff 7.937, theta -0.5 K
    assert gd["error"] is None or pd.isna(gd["error"])
    assert gd["mu_eff"] == pytest.approx(7.937, abs=4 * gd["mu_eff_err"] + 0.01)
    assert gd["theta_K"] == pytest.approx(-0.5, abs=4 * gd["theta_K_err"])
    assert gd["sample"] == "Gd2(SO4)3(H2O)8"  # SAMPLE_MATERIAL header
    fm = row(serial_table, "ferromagnet_above_tc.csv")  # mass from the options file
    assert fm["theta_K"] == pytest.approx(45.0, abs=4 * fm["theta_K_err"] + 0.5)
    assert fm["mu_eff"] == pytest.approx(3.873, abs=4 * fm["mu_eff_err"] + 0.02)
    pd_ = row(serial_table, "pauli_metal_impurity.csv")
    assert pd_["chi0_emu_mol"] == pytest.approx(3.0e-4, rel=0.02)
    cu = row(serial_table, "chi_table.csv")  # table already in emu/mol: no options needed
    assert cu["mu_eff"] == pytest.approx(1.90, abs=4 * cu["mu_eff_err"] + 0.005)
    assert cu["theta_K"] == pytest.approx(-3.0, abs=4 * cu["theta_K_err"] + 0.05)


def test_failures_are_rows_with_their_error(serial_table):
    holder = row(serial_table, "empty_holder_mpms3.dat")
    assert "mass" in holder["error"] and holder["error"].startswith("susceptibility:")
    # the hint names the flag (magfit report has it) and the options-table column
    assert "--mass-mg" in holder["error"] and "options table" in holder["error"]
    assert "mass_mg" in holder["error"]
    assert math.isnan(holder["mu_eff"])
    readme = row(serial_table, "README.md")
    assert readme["error"].startswith("read:")
    assert serial_table["error"].isna().sum() == 4  # the others went through


def test_identical_numbers_with_process_pool(serial_table, options_file):
    with cf.ProcessPoolExecutor(max_workers=2) as pool:
        pooled = magfit.fit_many([SAMPLE_DATA / f for f in FILES], executor=pool, options=options_file,
                                 progress=False)
    pd.testing.assert_frame_equal(pooled[NUMERIC], serial_table[NUMERIC])
    assert list(pooled["file"]) == list(serial_table["file"])  # input order kept
    assert list(pooled["error"].fillna("")) == list(serial_table["error"].fillna(""))


def test_identical_numbers_with_dask(serial_table, options_file):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        table = magfit.fit_many([SAMPLE_DATA / f for f in FILES], executor=client.get_executor(),
                                options=options_file, progress=False)
    pd.testing.assert_frame_equal(table[NUMERIC], serial_table[NUMERIC])


class _CrashingExecutor(cf.Executor):
    """Runs tasks inline but loses the second one, as a dying worker process would."""

    def __init__(self):
        self.n = 0

    def submit(self, fn, *args, **kwargs):
        self.n += 1
        fut: cf.Future = cf.Future()
        if self.n == 2:
            fut.set_exception(cf.process.BrokenProcessPool("worker died"))
        else:
            fut.set_result(fn(*args, **kwargs))
        return fut


def test_folder_skips_non_data_files(tmp_path):
    import shutil

    shutil.copy(SAMPLE_DATA / "chi_table.csv", tmp_path / "chi_table.csv")
    (tmp_path / "README.md").write_text("# notes\n")
    (tmp_path / "opts.yaml").write_text("chi_table.csv:\n  tmin: 20\n")
    table = magfit.fit_many(tmp_path, options=tmp_path / "opts.yaml", progress=False)
    assert list(table["file"].map(lambda f: f.rsplit("/", 1)[-1])) == ["chi_table.csv"]
    assert table["tmin_K"].iloc[0] >= 20.0
    assert sorted(p.rsplit("/", 1)[-1] for p, _ in table.attrs["skipped"]) == ["README.md", "opts.yaml"]


def test_lost_worker_does_not_lose_the_others():
    files = [SAMPLE_DATA / "chi_table.csv"] * 3
    table = magfit.fit_many(files, executor=_CrashingExecutor(), progress=False)
    assert list(table["error"].isna()) == [True, False, True]
    assert "worker died" in table["error"].iloc[1]
    assert table["mu_eff"].iloc[0] == table["mu_eff"].iloc[2]


def test_progress_bar_on_stderr(capsys):
    magfit.fit_many([SAMPLE_DATA / "chi_table.csv"], progress=True)
    err = capsys.readouterr().err
    assert "fit_many" in err and "1/1" in err
    magfit.fit_many([SAMPLE_DATA / "chi_table.csv"], progress=False)
    assert capsys.readouterr().err == ""


def test_per_file_tmin_and_global_fit_options():
    table = magfit.fit_many([SAMPLE_DATA / "chi_table.csv"], options={"chi_table.csv": {"tmin": 50}},
                            progress=False, chi0=False)
    r = table.iloc[0]
    assert r["tmin_K"] >= 50.0
    assert r["chi0_emu_mol"] == 0.0  # chi0=False reached fit_curie_weiss


def test_holder_file_named_relative_to_the_data(tmp_path, monkeypatch):
    """A holder file named in the options as it sits next to the data is found there (the working
    directory is elsewhere) and subtracted; the ChiT provenance records which file."""
    monkeypatch.chdir(tmp_path)
    opts = {"formula": "CePd3", "per_ion": "Ce", "holder": "empty_holder_mpms3.dat"}
    (result,) = batch.analyse_file(SAMPLE_DATA / "mixed_kondo_like.dat", opts)
    assert result.error is None, result.error
    holder = result.chi.provenance["corrections"]["holder"]
    assert holder["source"] == str(SAMPLE_DATA / "empty_holder_mpms3.dat")
    (plain,) = batch.analyse_file(SAMPLE_DATA / "mixed_kondo_like.dat", {"formula": "CePd3", "per_ion": "Ce"})
    assert not np.allclose(plain.chi.chi_emu_mol, result.chi.chi_emu_mol, rtol=1e-4)


def test_segments_give_one_row_each():
    path = realfile("Na1.9IrO3")
    opts = {path.name: {"formula": "Na1.9IrO3", "per_ion": "Ir", "segment": "ZFC;FC"}}
    table = magfit.fit_many([path], options=opts, progress=False)
    assert list(table["segment"]) == ["ZFC", "FC"]
    assert table["error"].isna().all(), table["error"].tolist()
    # both branches measure the same paramagnet above the ordering: same mu_eff within errors
    a, b = table.iloc[0], table.iloc[1]
    assert abs(a["mu_eff"] - b["mu_eff"]) < 4 * math.hypot(a["mu_eff_err"], b["mu_eff_err"]) + 0.05


# ----------------------------------------------------------------------------- options tables
def test_options_patterns_exact_names_win(tmp_path):
    yaml_path = tmp_path / "opts.yaml"
    yaml_path.write_text("'*.dat':\n  formula: MnO\n  tmin: 100\n"
                         "special.dat:\n  tmin: 150\n  diamagnetic: pascal\n  segment: 2\n")
    table = batch.load_options(yaml_path)
    assert batch.options_for("data/special.dat", table) == {
        "formula": "MnO", "tmin": 150.0, "diamagnetic": "pascal", "segment": 2}
    assert batch.options_for("other.dat", table) == {"formula": "MnO", "tmin": 100.0}
    assert batch.options_for("other.csv", table) == {}
    records = [{"file": "a.dat", "mass_mg": "12.5", "chi0": "no", "n_ions": ""}]
    assert batch.load_options(records) == [("a.dat", {"mass_mg": 12.5, "chi0": False})]
    assert batch.unmatched_options(["x/b.dat"], batch.load_options(records)) == ["a.dat"]


def test_options_errors_name_row_and_column(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("file,mass_mg,colour\nx.dat,1,red\n")
    with pytest.raises(MagfitError, match="colour"):
        batch.load_options(bad)
    bad.write_text("file,mass_mg\nx.dat,1\ny.dat,heavy\n")
    with pytest.raises(MagfitError, match=r"row 3.*mass_mg.*heavy"):
        batch.load_options(bad)
    bad.write_text("formula\nMnO\n")
    with pytest.raises(MagfitError, match="'file'"):
        batch.load_options(bad)
    with pytest.raises(MagfitError, match="does not exist"):
        batch.load_options(tmp_path / "missing.csv")
    with pytest.raises(MagfitError, match="is a folder"):
        batch.load_options(tmp_path)
    (tmp_path / "opts.json").write_text("{}")
    with pytest.raises(MagfitError, match=r"\.csv, \.yaml"):
        batch.load_options(tmp_path / "opts.json")
    with pytest.raises(MagfitError, match="executor"):
        magfit.fit_many([SAMPLE_DATA / "chi_table.csv"], executor="gpu", progress=False)


def test_options_file_in_folder_is_used_and_skip_leaves_holder_out():
    """sample_data/magfit_options.csv is picked up by default; skip=yes leaves the holder run out."""
    table = magfit.fit_many(SAMPLE_DATA, executor="serial", progress=False)
    files = {Path(f).name for f in table["file"]}
    assert "empty_holder_mpms3.dat" not in files and "magfit_options.csv" not in files
    skipped = dict((Path(p).name, why) for p, why in table.attrs["skipped"])
    assert "skip=yes" in skipped["empty_holder_mpms3.dat"]
    assert skipped["magfit_options.csv"] == "options file"
    assert table["error"].isna().all(), table[["file", "error"]]
    gd = table[table["file"].str.endswith("gd_sulfate_mpms3.dat")].iloc[0]
    assert gd["mu_eff"] == pytest.approx(7.937, abs=4 * gd["mu_eff_err"])   # truth: sample_data/README.md


def _numba_setting_seen(_i: int) -> object:
    return magfit.window.USE_NUMBA


def test_small_batch_runs_the_numpy_path_and_restores_the_setting(monkeypatch):
    """A batch of fewer than NUMBA_MIN_FILES files per process does not start numba under "auto"
    (set only for the tasks, restored after); explicit settings, numba already loaded and large
    batches keep the USE_NUMBA rule."""
    import sys

    monkeypatch.delitem(sys.modules, "numba", raising=False)
    monkeypatch.setattr(magfit.window, "USE_NUMBA", "auto")
    small = [(i,) for i in range(3)]
    seen = batch.run_tasks(_numba_setting_seen, small, executor="serial", progress=False, on_error=repr)
    assert seen == [False, False, False]
    assert magfit.window.USE_NUMBA == "auto"
    n_large = batch.NUMBA_MIN_FILES
    assert batch.batch_numba_policy(n_large, 1) is None
    assert batch.batch_numba_policy(n_large, 2) is False            # per process: half of them
    assert batch.batch_numba_policy(n_large - 1, 1) is False
    assert batch.batch_numba_policy(3, None) is None                # unknown executor: the rule
    monkeypatch.setattr(magfit.window, "USE_NUMBA", True)
    assert batch.run_tasks(_numba_setting_seen, small, executor="serial", progress=False,
                           on_error=repr) == [True] * 3
    monkeypatch.setattr(magfit.window, "USE_NUMBA", "auto")
    monkeypatch.setitem(sys.modules, "numba", object())
    assert batch.batch_numba_policy(3, 1) is None


def test_small_batch_in_a_process_pool_runs_the_numpy_path(monkeypatch):
    import sys

    monkeypatch.delitem(sys.modules, "numba", raising=False)
    monkeypatch.setattr(magfit.window, "USE_NUMBA", "auto")
    seen = batch.run_tasks(_numba_setting_seen, [(0,), (1,)], executor=2, progress=False, on_error=repr)
    assert seen == [False, False]
