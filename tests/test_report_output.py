"""Issue 14: the summary columns, clean figures (no overlapping text, no NaN), one PDF page size
with everything the HTML has, safe output (temp folder + rename, lock, --force, no stale files),
run-wide CLI sample options, and a real-browser check of the HTML layout."""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.constants as sc
from _figure_checks import text_problems
from conftest import REALDATA, ROOT, SAMPLE_DATA

import magfit
from magfit import _report_format as fmt
from magfit import report as rep
from magfit.batch import analyse_file, load_options, merge_options, options_for
from magfit.cli import main
from magfit.errors import MagfitError

OPTIONS = SAMPLE_DATA / "magfit_options.csv"


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "out"
    report = rep.build(SAMPLE_DATA, out, executor="serial", progress=False)
    return report, out


# ----------------------------------------------------------------------------- summary
def test_summary_columns_and_full_precision(sample_report):
    report, out = sample_report
    csv = pd.read_csv(out / "summary.csv")
    for col in ("sample", "basis", "mu_eff", "mu_eff_err", "mu_eff_sys", "theta_K", "theta_K_err",
                "theta_K_sys", "chi0_emu_mol", "chi0_emu_mol_err", "chi0_emu_mol_sys", "C_emu_K_mol",
                "C_emu_K_mol_err", "tmin_K", "tmax_K", "label", "confidence", "candidates", "flags"):
        assert col in csv.columns, col
    gd = csv[csv["file"].str.endswith("gd_sulfate_mpms3.dat")].iloc[0]
    assert gd["basis"] == "per magnetic ion (Gd)"
    assert gd["candidates"].startswith("Gd3+")
    # mu_eff = sqrt(3 k_B C / (N_A mu_B^2)) in cgs, C per mole of Gd: the CSV keeps full precision
    k_b, n_a, mu_b = sc.k * 1e7, sc.N_A, sc.physical_constants["Bohr magneton"][0] * 1e3
    assert gd["mu_eff"] == pytest.approx(math.sqrt(3 * k_b * gd["C_emu_K_mol"] / (n_a * mu_b**2)), rel=1e-6)
    assert len(repr(float(gd["mu_eff"]))) > 8  # not rounded to the display precision
    pauli = csv[csv["file"].str.endswith("pauli_metal_impurity.csv")].iloc[0]
    assert pauli["basis"] == "per formula unit"


def test_display_cells_have_one_precision(sample_report):
    report, _ = sample_report
    for it in report.samples:
        window = fmt.cell(it["row"], "window")
        assert re.fullmatch(r"\d+\.\d–\d+\.\d", window), window
    # value to the decimal place of the 2-digit statistical error; sys with the same decimals
    assert fmt.pm_text(7.92804, 0.00321, 0.05) == "7.9280 ± 0.0032 ± 0.0500"
    assert fmt.pm_text(-5.3e-5, 3.4e-5) == "(-5.3 ± 3.4)×10⁻⁵"
    assert fmt.pm_text(45.25, 0.17, float("nan")) == "45.25 ± 0.17"
    assert fmt.pm_text(float("nan"), 1.0) == ""
    assert fmt.flag_key("T_min < 2|theta|: T_min = 89.91 K < 2 x |82.13| K") == "T_min < 2|theta|"


def test_flags_are_numbered_footnotes():
    notes = fmt.Footnotes()
    a = {"flags": "no trend-free window: residuals show a trend; C not significantly positive (C = -2)"}
    b = {"flags": "C not significantly positive (C = -4)", "error": None}
    assert fmt.cell(a, "flags", notes) == "1,2"
    assert fmt.cell(b, "flags", notes) == "2"
    assert [k for _, k, _ in notes.items()] == ["no trend-free window", "C not significantly positive"]


def test_no_false_unmatched_warning_for_skipped_holder(sample_report):
    _, out = sample_report
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "empty_holder_mpms3.dat" in html  # listed as skipped ...
    assert "Option rows matching no file" not in html  # ... and not called a typo



def test_fit_many_does_not_call_a_skip_row_unmatched(tmp_path):
    shutil.copy(SAMPLE_DATA / "chi_table.csv", tmp_path)
    shutil.copy(SAMPLE_DATA / "empty_holder_mpms3.dat", tmp_path)
    (tmp_path / "magfit_options.csv").write_text("file,skip\nempty_holder_mpms3.dat,yes\nmissing.dat,no\n")
    table = magfit.fit_many(tmp_path, executor="serial", progress=False)
    assert len(table) == 1 and table.attrs["unmatched_options"] == ["missing.dat"]


def test_html_has_contents_and_no_nan(sample_report):
    report, out = sample_report
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="contents"' in html and html.count('<section class="sample"') == len(report.samples)
    visible = re.sub(r"<[^>]+>|data:image/png;base64,[A-Za-z0-9+/=]+", " ", html)
    assert not re.search(r"(?<![A-Za-z])nan(?![A-Za-z])", visible, re.IGNORECASE)


# ----------------------------------------------------------------------------- figures
def _figures_of(path, options):
    for result in analyse_file(path, options, {"scan": True}):
        if result.fit is not None:
            for draw in (magfit.plot.fit_panels, magfit.plot.window_scan):
                yield f"{Path(path).name} {result.row['segment']} {draw.__name__}", \
                    draw(result.fit, title=result.row["sample"])


def test_checker_finds_overlap_nan_and_overflow():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    fig.text(0.1, 0.5, "μeff = nan μB")
    fig.text(0.12, 0.5, "overlapping")
    fig.text(0.9, 0.9, "runs off the edge of the figure")
    problems = " | ".join(text_problems(fig))
    assert "NaN" in problems and "overlap" in problems and "leaves the figure" in problems
    clean = Figure(figsize=(3, 2))
    clean.text(0.1, 0.2, "a")
    clean.text(0.1, 0.7, "b")
    assert text_problems(clean) == []


def test_no_text_overlap_and_no_nan_in_any_figure_of_the_sample_report():
    table = load_options(OPTIONS)
    files = [p for p in sorted(SAMPLE_DATA.iterdir()) if p.suffix in {".dat", ".csv"}
             and p.name != OPTIONS.name and not options_for(p, table).get("skip")]
    checked = 0
    for path in files:
        for name, fig in _figures_of(path, options_for(path, table)):
            assert text_problems(fig) == [], name
            checked += 1
    assert checked == 2 * len(files)


def test_mpms3_fc_segment_figure_has_no_nan():
    """A real MPMS3 FC segment whose C is not positive: the heading said 'μeff = nan μB'."""
    path = REALDATA / "RinehartGroup__MagnetoPy__zfcfc1.dat"
    if not path.is_file():
        pytest.skip("../shared/realdata is not present")
    for name, fig in _figures_of(path, {"segment": "FC", "molar_mass_g_mol": 500.0}):
        assert text_problems(fig) == [], name


def test_formula_subscripts_and_title_order():
    assert magfit.plot.formula_mathtext("Gd2(SO4)3(H2O)8") == "Gd$_{2}$(SO$_{4}$)$_{3}$(H$_{2}$O)$_{8}$"
    assert magfit.plot.formula_mathtext("Na1.9IrO3") == "Na$_{1.9}$IrO$_{3}$"
    chi = magfit.read(SAMPLE_DATA / "gd_sulfate_mpms3.dat").susceptibility(formula="Gd2(SO4)3(H2O)8",
                                                                           per_ion="Gd")
    fit = magfit.fit_curie_weiss(chi)
    fig = magfit.plot.fit_panels(fit, title="Gd sulfate")
    assert fig.get_suptitle().startswith("Gd sulfate — Gd$_{2}$(SO$_{4}$)")
    # log chi axis limited by the data, not by a chi0 line decades below
    ax = fig.axes[0]
    if ax.get_yscale() == "log":
        assert ax.get_ylim()[0] > 0.5 * np.nanmin(chi.chi_emu_mol[chi.chi_emu_mol > 0])


# ----------------------------------------------------------------------------- PDF
def test_pdf_pages_one_size_and_everything_the_html_has(sample_report):
    pypdf = pytest.importorskip("pypdf")
    report, out = sample_report
    reader = pypdf.PdfReader(out / "report.pdf")
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    assert sizes == {(842, 595)}
    text = " ".join(p.extract_text() or "" for p in reader.pages)
    for needle in ("Explanation", "Classification evidence", "Provenance", "Top candidate", "Gd3+",
                   "Skipped", "empty_holder_mpms3.dat"):
        assert needle in text, needle


# ----------------------------------------------------------------------------- output safety
def _data(tmp_path) -> Path:
    src = tmp_path / "data"
    src.mkdir()
    shutil.copy(SAMPLE_DATA / "chi_table.csv", src)
    return src


def test_rerun_needs_force_and_leaves_no_stale_file(tmp_path):
    src, out = _data(tmp_path), tmp_path / "out"
    rep.build(src, out, executor="serial", progress=False, pdf_report=False)
    stale = out / "figures" / "999_old_sample_fit.png"
    stale.write_bytes(b"old")
    with pytest.raises(MagfitError, match="already holds a report.*--force"):
        rep.build(src, out, executor="serial", progress=False, pdf_report=False)
    assert stale.exists()  # refused: nothing touched
    rep.build(src, out, executor="serial", progress=False, pdf_report=False, force=True)
    assert not stale.exists()
    names = {p.name for p in (out / "figures").iterdir()}
    assert names == {"000_chi_table_fit.png", "000_chi_table_scan.png", "000_chi_table_fit.pdf",
                     "000_chi_table_scan.pdf"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]  # no temp folder, no lock


def test_folder_with_other_files_is_never_replaced(tmp_path):
    src, out = _data(tmp_path), tmp_path / "out"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    with pytest.raises(MagfitError, match="not a magfit report"):
        rep.build(src, out, executor="serial", progress=False, force=True)
    assert (out / "thesis.tex").read_text() == "precious"


def test_lock_held_by_a_live_run_is_a_clear_error_and_a_dead_one_is_taken_over(tmp_path):
    src, out = _data(tmp_path), tmp_path / "out"
    lock = tmp_path / ".out.magfit-lock"
    lock.write_text(str(os.getppid()))  # a live process
    with pytest.raises(MagfitError, match="another magfit report .* is writing"):
        rep.build(src, out, executor="serial", progress=False)
    assert not out.exists()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock.write_text(str(dead.pid))
    rep.build(src, out, executor="serial", progress=False, pdf_report=False)
    assert (out / "summary.csv").is_file() and not lock.exists()


def test_two_concurrent_runs_into_one_folder(tmp_path):
    """One complete report and a clear error for the other (whichever comes second)."""
    src, out = _data(tmp_path), tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cmd = [sys.executable, "-m", "magfit", "report", str(src), "-o", str(out), "--quiet", "--no-pdf"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    error = next(err for code, err in results if code == 2)
    assert "is writing" in error or "already holds a report" in error
    summary = pd.read_csv(out / "summary.csv")
    assert len(summary) == 1
    stems = {p.stem for p in (out / "figures").iterdir()}  # this run's figures only (PNG and PDF)
    assert stems == {Path(summary["figure_fit"][0]).stem, Path(summary["figure_scan"][0]).stem}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]


# ----------------------------------------------------------------------------- options
def test_merge_options_precedence():
    defaults = {"mass_mg": 5.0, "formula": "CuSO4", "per_ion": "Cu"}
    merged, sources = merge_options(defaults, {"per_ion": "Mn"}, {"SAMPLE_MASS": "1.6"})
    assert "mass_mg" not in merged and sources["mass_mg"] == "header SAMPLE_MASS"  # header wins
    assert merged["formula"] == "CuSO4" and sources["formula"] == "default (command line)"
    assert merged["per_ion"] == "Mn" and sources["per_ion"] == "options table"
    merged, _ = merge_options(defaults, {"molar_mass_g_mol": 250.0}, {"SAMPLE_MASS": ""})
    assert merged["mass_mg"] == 5.0 and "formula" not in merged  # the row's molar mass replaces it


def test_eicosane_column_reaches_the_susceptibility():
    table = load_options([{"file": "*.dat", "eicosane_mg": "3.5"}])
    assert options_for("x.dat", table) == {"eicosane_mg": 3.5}
    path = SAMPLE_DATA / "gd_sulfate_mpms3.dat"
    plain = analyse_file(path, {"formula": "Gd2(SO4)3(H2O)8"}, {"tmin": 20.0})[0]
    waxed = analyse_file(path, {"formula": "Gd2(SO4)3(H2O)8"}, {"tmin": 20.0},
                         defaults={"eicosane_mg": 3.5})[0]
    assert waxed.chi.provenance["sample"]["eicosane_mg"] == 3.5
    # subtracting a diamagnet's moment raises chi at every temperature
    assert np.all(waxed.chi.chi_emu_mol > plain.chi.chi_emu_mol)


def test_cli_sample_options_are_defaults_and_errors_name_real_flags(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SAMPLE_DATA / "empty_holder_mpms3.dat", data / "holder.dat")
    code = main(["report", str(data), "-o", str(tmp_path / "o1"), "--quiet", "--no-pdf"])
    text = capsys.readouterr().out
    assert code == 1 and "--mass-mg" in text
    help_text = subprocess.run([sys.executable, "-m", "magfit", "report", "--help"], capture_output=True,
                               text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    for flag in set(re.findall(r"--[a-z][a-z-]+", text)):
        assert flag in help_text, flag
    code = main(["report", str(data), "-o", str(tmp_path / "o2"), "--quiet", "--no-pdf", "--mass-mg", "10",
                 "--formula", "Gd2(SO4)3(H2O)8", "--per-ion", "Gd", "--diamagnetic", "pascal"])
    row = pd.read_csv(tmp_path / "o2" / "summary.csv").iloc[0]
    assert row["basis"] == "per magnetic ion (Gd)" and row["formula"] == "Gd2(SO4)3(H2O)8"
    assert main(["report", str(data), "-o", str(tmp_path / "o3"), "--diamagnetic", "lots"]) == 2
    assert "--diamagnetic" in capsys.readouterr().err


def test_cli_realdata_with_command_line_options_only(tmp_path):
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is not present")
    code = main(["report", str(REALDATA), "-o", str(tmp_path / "out"), "--formula", "Na1.9IrO3",
                 "--mass-mg", "46.7", "--per-ion", "Ir", "--quiet"])
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    assert code == 0 and summary["error"].isna().sum() >= 1
    assert (tmp_path / "out" / "report.pdf").is_file()


def test_section_builders_add_to_html_and_csv(tmp_path, monkeypatch):
    def cluster(result):
        return rep.Section("Cluster fit", "J = -1.5 K (test)", {"J_K": -1.5})

    monkeypatch.setattr(rep, "SECTION_BUILDERS", [cluster])
    report = rep.build([SAMPLE_DATA / "chi_table.csv"], tmp_path / "out", executor="serial", progress=False,
                       pdf_report=False)
    assert report.summary["J_K"].tolist() == [-1.5]
    assert "Cluster fit" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- browser
@pytest.mark.slow
def test_html_fits_a_laptop_screen_in_chromium(sample_report, tmp_path):
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("/usr/bin/chromium is not installed")
    _, out = sample_report
    probe = """<script>window.addEventListener('load', function(){
      var w = document.documentElement.clientWidth, bad = [];
      document.querySelectorAll('body *').forEach(function(e){
        var r = e.getBoundingClientRect();
        if (r.width > 0 && r.right > w + 1) bad.push(e.tagName + ' ' + Math.round(r.right));
      });
      document.body.setAttribute('data-overflow', bad.length + ':' + bad.slice(0, 5).join(','));
    });</script></body>"""
    page = out / "probe.html"
    html = (out / "report.html").read_text(encoding="utf-8")
    page.write_text(html.replace("</body>", probe), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-dev-shm-usage", "--hide-scrollbars", "--virtual-time-budget=5000"]
    try:
        for width in (1366, 1024):
            dom = subprocess.run([str(chromium), *flags, f"--window-size={width},800", "--dump-dom",
                                  page.as_uri()], capture_output=True, text=True, timeout=180).stdout
            found = re.search(r'data-overflow="(\d+):([^"]*)"', dom)
            assert found, dom[-500:]
            assert found.group(1) == "0", f"{width}px: elements wider than the viewport: {found.group(2)}"
        shot = tmp_path / "report.png"
        subprocess.run([str(chromium), *flags, "--window-size=1366,900", f"--screenshot={shot}",
                        (out / "report.html").as_uri()], capture_output=True, timeout=180)
        assert shot.is_file() and shot.stat().st_size > 10_000
    finally:
        page.unlink()
