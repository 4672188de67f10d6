"""report.pdf places each figure, rendered once, as a Form XObject: the drawing on the A4 page is
the figure file's own content stream, unchanged, scaled with its aspect kept into its box; the HTML
thumbnails are the 200-dpi PNGs shrunk by a whole factor (issue 12: render once, keep the look)."""

from __future__ import annotations

import base64
import io
import math
import re

import pytest
from conftest import SAMPLE_DATA

from magfit import _report_pdf
from magfit import report as rep

pypdf = pytest.importorskip("pypdf")
PIL = pytest.importorskip("PIL.Image")


@pytest.fixture(scope="module")
def one_file_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("assembly") / "out"
    report = rep.build([SAMPLE_DATA / "chi_table.csv"], out, executor="serial", progress=False)
    return report, out


def _placements(reader):
    """(page index, XObject name, form, [a b c d e f] of the cm that draws it) for every Do on a page."""
    found = []
    for i, page in enumerate(reader.pages):
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        contents = page.get_contents()
        data = contents.get_data().decode("latin-1") if contents is not None else ""
        for m in re.finditer(r"q ([-\d.\s]+) cm (/\w+) Do Q", data):
            name = m.group(2)
            found.append((i, name, xobjects[name].get_object(), [float(v) for v in m.group(1).split()]))
    return found


def test_figures_are_the_figure_files_drawing_unchanged(one_file_report):
    report, out = one_file_report
    reader = pypdf.PdfReader(out / "report.pdf")
    placed = {name: (i, form, cm) for i, name, form, cm in _placements(reader)}
    assert set(placed) == {"/MagfitFit", "/MagfitScan"}
    slug = report.samples[0]["slug"]
    for name, kind, box in (("/MagfitFit", "fit", (0.02, 0.02, 0.98, 0.98)),
                            ("/MagfitScan", "scan", _report_pdf.SCAN_BOX)):
        i, form, (a, b, c, d, e, f) = placed[name]
        figure = pypdf.PdfReader(out / "figures" / f"{slug}_{kind}.pdf").pages[0]
        assert form.get_data() == figure.get_contents().get_data()  # the same drawing, not re-rendered
        assert sorted(form["/Resources"]["/Font"]) == sorted(figure["/Resources"]["/Font"])
        # scaled with the aspect kept, as large as fits in the box, centred in it
        w, h = float(figure.mediabox.width), float(figure.mediabox.height)
        page_w, page_h = float(reader.pages[i].mediabox.width), float(reader.pages[i].mediabox.height)
        assert (round(page_w), round(page_h)) == (842, 595)
        bw, bh = (box[2] - box[0]) * page_w, (box[3] - box[1]) * page_h
        scale = min(bw / w, bh / h)
        assert b == c == 0 and a == pytest.approx(scale, rel=1e-5) and d == pytest.approx(scale, rel=1e-5)
        assert e + a * w / 2 == pytest.approx((box[0] + box[2]) / 2 * page_w, abs=0.01)
        assert f + d * h / 2 == pytest.approx((box[1] + box[3]) / 2 * page_h, abs=0.01)


def test_fit_page_comes_before_its_details_page_with_the_scan(one_file_report):
    report, out = one_file_report
    reader = pypdf.PdfReader(out / "report.pdf")
    pages = {name: i for i, name, _, _ in _placements(reader)}
    assert pages["/MagfitScan"] == pages["/MagfitFit"] + 1
    details = reader.pages[pages["/MagfitScan"]].extract_text()
    assert "Provenance" in details and "chi_table.csv" in details  # the page's own text is kept
    assert report.pdf_pages == len(reader.pages)


def test_html_thumbnails_are_whole_factor_reductions(one_file_report):
    report, out = one_file_report
    html = (out / "report.html").read_text(encoding="utf-8")
    embedded = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(embedded) == 2

    for kind, b64 in zip(("fit", "scan"), embedded, strict=True):
        thumb = PIL.open(io.BytesIO(base64.b64decode(b64)))
        full = PIL.open(out / "figures" / report.samples[0]["figures"][f"{kind}_png"])
        factor = math.ceil(full.width / 1000)
        assert factor >= 2  # the 200-dpi file is at least twice as wide as the page shows
        assert thumb.size == (full.width // factor, full.height // factor)
        assert thumb.mode == "P"  # palette PNG
