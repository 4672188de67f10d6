"""magfit report: every output is written, the HTML parses with one section per sample, the PDF
has summary pages plus a fit page and details page(s) per fitted sample, all one page size,
failures and skipped files are shown."""

from __future__ import annotations

import base64
import math
from html.parser import HTMLParser

import pandas as pd
import pytest
from conftest import REALDATA, SAMPLE_DATA

import magfit
from magfit import report as rep
from magfit.batch import OPTIONS_FILE_NAMES
from magfit.cli import main
from magfit.errors import MagfitError

NA_IRIDATE = "140307 DCWb1131 Na1.9IrO3.dat"
OPTIONS = f"""file,formula,mass_mg,per_ion,holder
gd_sulfate_mpms3.dat,Gd2(SO4)3(H2O)8,,Gd,
mno_like_afm_mpmsxl.dat,MnO,,,
ferromagnet_above_tc.csv,CrBr3,15.0,,
pauli_metal_impurity.csv,Pd,50.0,,
mixed_kondo_like.dat,CePd3,,Ce,{SAMPLE_DATA / "empty_holder_mpms3.dat"}
*{NA_IRIDATE},Na1.9IrO3,,Ir,
"""


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sections, self.imgs, self.scripts, self.rows, self.ids = [], [], 0, 0, []
        self._in_summary = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "section" and a.get("class") == "sample":
            self.sections.append(a["id"])
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        if tag == "script":
            self.scripts += 1
        if tag == "table" and a.get("id") == "summary-table":
            self._in_summary = True
        if tag == "tr" and self._in_summary:
            self.rows += 1

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_summary = False


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    options = tmp / "options.csv"
    options.write_text(OPTIONS)
    inputs = [str(SAMPLE_DATA)]
    na = sorted(REALDATA.glob(f"*{NA_IRIDATE}")) if REALDATA.is_dir() else []
    inputs += [str(p) for p in na]
    out = tmp / "out"
    code = main(["report", *inputs, "-o", str(out), "--options", str(options), "--quiet", "--workers", "2"])
    summary = pd.read_csv(out / "summary.csv")
    return {"out": out, "code": code, "summary": summary, "has_na": bool(na), "options": options}


def test_cli_writes_every_output(built):
    out, summary = built["out"], built["summary"]
    assert built["code"] == 0
    for name in ("summary.csv", "report.html", "report.pdf"):
        assert (out / name).stat().st_size > 0
    data_files = [p for p in SAMPLE_DATA.iterdir()
                  if p.suffix not in {".md", ".py"} and p.name not in OPTIONS_FILE_NAMES]
    assert len(summary) == len(data_files) + built["has_na"]
    ok = summary[summary["error"].isna()]
    assert len(ok) == len(summary) - 1  # only the empty holder (no sample mass) fails
    for _, row in ok.iterrows():
        for kind in ("fit", "scan"):
            png = out / "figures" / row[f"figure_{kind}"]
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            assert png.with_suffix(".pdf").read_bytes()[:5] == b"%PDF-"
    holder = summary[summary["file"].str.endswith("empty_holder_mpms3.dat")].iloc[0]
    assert "mass" in holder["error"]


def test_html_has_a_section_per_sample(built):
    out, summary = built["out"], built["summary"]
    text = (out / "report.html").read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(text)
    parser.close()
    assert len(parser.sections) == len(summary) == parser.rows - 1  # + heading row
    assert len(set(parser.ids)) == len(parser.ids)  # anchors unique
    n_ok = int(summary["error"].isna().sum())
    assert len(parser.imgs) == 2 * n_ok
    assert all(src.startswith("data:image/png;base64,") for src in parser.imgs)  # self-contained
    embedded = [base64.b64decode(src.split(",", 1)[1]) for src in parser.imgs]
    assert all(png[:8] == b"\x89PNG\r\n\x1a\n" for png in embedded)
    on_disk = sum(p.stat().st_size for p in (out / "figures").glob("*.png"))
    assert sum(map(len, embedded)) < 0.6 * on_disk  # palette-compressed for the HTML
    assert parser.scripts == 1 and "localeCompare" in text  # the sortable-table script
    assert f"magfit {magfit.__version__}" in text
    assert "README.md" in text and "make_sample_data.py" in text  # listed as skipped
    assert "Failed: susceptibility:" in text  # the holder file, with its error
    assert "Options used" in text and "Gd2(SO4)3(H2O)8" in text
    if "label" in summary and summary["label"].notna().any():
        assert "Classification evidence" in text


def test_pdf_page_count(built):
    pypdf = pytest.importorskip("pypdf")
    summary = built["summary"]
    n_ok = int(summary["error"].isna().sum())
    pages = pypdf.PdfReader(built["out"] / "report.pdf").pages
    # summary pages, then per fitted sample its fit page and at least one details page
    assert len(pages) >= math.ceil(len(summary) / rep.ROWS_PER_SUMMARY_PAGE) + 2 * n_ok
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages}
    assert sizes == {(842, 595)}  # A4 landscape, every page


def test_real_iridate_fit(built):
    """Na2IrO3-type iridate: Ir4+ J_eff = 1/2, mu_eff near 1.7-2.0 muB and a large negative theta
    (Singh & Gegenwart, PRB 82, 064412 (2010): 1.82 muB, theta = -125 K) -- loose bounds."""
    if not built["has_na"]:
        pytest.skip("../shared/realdata is not present")
    summary = built["summary"]
    row = summary[summary["file"].str.contains("Na1.9IrO3")].iloc[0]
    assert pd.isna(row["error"]), row["error"]
    assert 1.3 < row["mu_eff"] < 2.5
    assert row["theta_K"] < -20


def test_serial_report_matches_process_pool(built, tmp_path):
    """The fixture ran on 2 worker processes (figures pickled back); serial gives the same."""
    files = [SAMPLE_DATA / "chi_table.csv"]
    report = rep.build(files, tmp_path, options=built["options"], executor="serial", progress=False,
                       formats=("png",), html_report=False)
    assert report.pdf_pages >= 1 + 2 * len(files)
    assert (tmp_path / "figures" / report.summary["figure_fit"].iloc[0]).is_file()
    assert not list((tmp_path / "figures").glob("*.pdf"))  # only the formats asked for
    ref = built["summary"][built["summary"]["file"].str.endswith("chi_table.csv")].iloc[0]
    row = report.summary.iloc[0]
    assert row["mu_eff"] == ref["mu_eff"] and row["theta_K"] == ref["theta_K"]


def test_pdf_without_pypdf_renders_pickled_figures(built, tmp_path, monkeypatch):
    """Fallback when pypdf is missing: workers send pickled figures, PdfPages draws them."""
    pypdf = pytest.importorskip("pypdf")
    monkeypatch.setattr(rep, "_have_pypdf", lambda: False)
    report = rep.build([SAMPLE_DATA / "chi_table.csv"], tmp_path, executor="serial", progress=False,
                       formats=("png",), html_report=False)
    pages = pypdf.PdfReader(tmp_path / "report.pdf").pages
    assert report.pdf_pages == len(pages) >= 4  # summary, fit, details, scan
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages} == {(842, 595)}


def test_fixed_window_still_gets_a_window_scan(tmp_path):
    """--tmin fixes the window; the report still scans T_min so the scan figure means something."""
    code = main(["report", str(SAMPLE_DATA / "chi_table.csv"), "-o", str(tmp_path), "--tmin", "50",
                 "--no-chi0", "--quiet", "--no-pdf"])
    assert code == 0
    row = pd.read_csv(tmp_path / "summary.csv").iloc[0]
    assert row["tmin_K"] >= 50 and row["chi0_emu_mol"] == 0
    assert not (tmp_path / "report.pdf").exists()
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == 2
    fit = magfit.fit_curie_weiss(magfit.read(SAMPLE_DATA / "chi_table.csv").susceptibility(), tmin=50,
                                 chi0=False, scan=True)
    assert len(fit.scan) > 5  # what the scan figure of this report shows


def test_collect_files_rules(tmp_path):
    for name in ("a.dat", "b.csv", "README.md", "make.py", "opts.yaml", ".hidden.dat"):
        (tmp_path / name).write_text("x")
    files, skipped = rep.collect_files(tmp_path, exclude=[tmp_path / "b.csv"])
    assert [p.name for p in files] == ["a.dat"]
    reasons = {p.rsplit("/", 1)[-1]: r for p, r in skipped}
    assert reasons == {"b.csv": "options file", "README.md": "not a data file (.md)",
                       "make.py": "not a data file (.py)", "opts.yaml": "not a data file (.yaml)",
                       ".hidden.dat": "hidden file"}
    files, skipped = rep.collect_files([tmp_path / "README.md"])  # named explicitly: used
    assert [p.name for p in files] == ["README.md"] and skipped == []
    with pytest.raises(MagfitError, match="does not exist"):
        rep.collect_files(tmp_path / "nope")
    with pytest.raises(MagfitError, match="does not exist"):  # nothing written for bad input
        rep.build(tmp_path / "nope", tmp_path / "out", progress=False)
    with pytest.raises(MagfitError, match="formats"):
        rep.build(tmp_path / "a.dat", tmp_path / "out", formats=("gif",), progress=False)
    assert not (tmp_path / "out").exists()


def test_output_path_that_is_a_file_is_a_magfit_error(tmp_path):
    # `magfit report data -o existing_file` used to end in a NotADirectoryError traceback
    data = tmp_path / "a.csv"
    data.write_text("T (K),chi (emu/mol)\n" + "".join(f"{t},{1 / t}\n" for t in range(2, 40)))
    taken = tmp_path / "report.txt"
    taken.write_text("not a folder")
    with pytest.raises(MagfitError, match="is a file"):
        rep.build(data, taken, progress=False)
    assert main(["report", str(data), "-o", str(taken), "--quiet"]) == 2
    assert taken.read_text() == "not a folder"


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path, capsys):
    """Without --quiet, a report written to a log file (stderr not a terminal) has no tqdm bar in it."""
    code = main(["report", str(SAMPLE_DATA / "chi_table.csv"), "-o", str(tmp_path), "--no-pdf"])
    assert code == 0
    err = capsys.readouterr().err
    assert "file/s" not in err and "s/file" not in err and "%|" not in err
