"""Details pages of report.pdf written in the standard-14 fonts (magfit._report_core14): every line
of the page is there (read back by PDFium), on the baseline matplotlib's page gives it, no font is
embedded, and a character the core fonts cannot show sends the page back to matplotlib."""

from __future__ import annotations

import io

import pytest

from magfit import _report_core14 as core14
from magfit import _report_pdf as rp

pdfium = pytest.importorskip("pypdfium2")
pypdf = pytest.importorskip("pypdf")

ITEM = {
    "row": {"file": "sample_data/chi_table.csv", "basis": "per formula unit", "label": "localized",
            "confidence": 0.99, "candidates": "Cu2+ (1.73 μB, 0.4σ); Ti3+ (1.73 μB, 2.0σ)",
            "flags": "θ < 0 (a) \\ [b]; χ₀ = (3.0 ± 2.4)×10⁻⁶ emu/mol; χ²_ν: 1.01 — ≈ ≤ ≥"},
    "explanation": "Localized moments: a Curie-Weiss term carries 99.8 +/- 0.16 % of the paramagnetic "
                   "chi at 300 K (threshold 80 %), the Curie term is highly significant. " * 3,
    "evidence": [{"test": "F-test", "value": "4.936e-196", "rule": "p < 0.01", "label": "localized"}] * 5,
    "provenance": {"source": "sample_data/chi_table.csv", "sample": {"mass_mg": None, "formula": "CuSO4"}},
    "sections": [],
}
HEADING = "Cu2+ chi table (héading)"
#: what a reader shows for the raised / lowered characters and Symbol's mu (U+00B5)
_PLAIN = str.maketrans({"⁻": "−", "⁶": "6", "₀": "0", "²": "²", "μ": "µ"})


def _lines():
    width = rp.SCAN_BOX[0] - 0.05
    chars = int(width * rp.PAGE_SIZE[0] * 72.0 / (8.0 * 0.55))
    return [text for text, _, _ in rp._detail_lines(ITEM, chars)]


def _text(pdf: bytes) -> str:
    page = pdfium.PdfDocument(pdf)[0]
    return page.get_textpage().get_text_range()


def test_every_line_is_on_the_page_and_no_font_is_embedded():
    pdfs = rp.core14_pages(ITEM, HEADING, with_scan=True)
    assert pdfs is not None and len(pdfs) == 1
    text = "".join(_text(pdfs[0]).split())  # raised characters start a new text line when read back
    for line in [HEADING, *_lines()]:
        assert "".join(line.translate(_PLAIN).split()) in text, line
    fonts = pypdf.PdfReader(io.BytesIO(pdfs[0])).pages[0]["/Resources"]["/Font"]
    names = {str(f.get_object()["/BaseFont"]) for f in fonts.values()}
    assert names == {"/Helvetica", "/Helvetica-Bold", "/Courier", "/Courier-Bold", "/Symbol"}
    assert all("/FontDescriptor" not in f.get_object() for f in fonts.values())


def _baselines(pdf: bytes, lines: list[str]) -> dict[str, float]:
    """Bottom of the first glyph of each line that starts with a letter sitting on the baseline."""
    page = pdfium.PdfDocument(pdf)[0]
    tp = page.get_textpage()
    out = {}
    for line in lines:
        if not line or line[0] not in "EFHIKLMNPRTUVWXZiklmnruvwxz" or line in out:
            continue
        found = tp.search(line[:12], match_case=True).get_next()
        if found:
            out[line] = tp.get_charbox(found[0])[1]
    return out


def test_lines_sit_where_matplotlib_puts_them():
    ours = _baselines(rp.core14_pages(ITEM, HEADING, with_scan=True)[0], [HEADING, *_lines()])
    figs = rp.sample_pages(ITEM, HEADING, with_scan=True)
    theirs = _baselines(rp.render_pages(figs)[0], [HEADING, *_lines()])
    common = set(ours) & set(theirs)
    assert len(common) >= 6
    for line in common:  # within a point (the fonts' glyphs differ, the baselines do not)
        assert ours[line] == pytest.approx(theirs[line], abs=1.0), line


def test_a_character_without_a_core_font_glyph_falls_back_to_matplotlib(tmp_path):
    item = {**ITEM, "explanation": "tensor ⊗ product"}
    assert core14._runs("tensor ⊗ product", "/F1") is None
    assert rp.core14_pages(item, HEADING, with_scan=True) is None


def test_pdf_string_escapes():
    assert core14._pdf_string(b"a(b)\\c\xb5") == b"(a\\(b\\)\\\\c\\265)"


def test_formula_subscripts_of_the_heading():
    from magfit.plot import formula_mathtext

    heading = f"Gd sulfate — {formula_mathtext('Gd2(SO4)3(H2O)8')} and {formula_mathtext('Na1.9IrO3')}"
    pdfs = rp.core14_pages(ITEM, heading, with_scan=True)
    text = "".join(_text(pdfs[0]).split())
    assert "Gdsulfate—Gd2(SO4)3(H2O)8andNa1.9IrO3" in text and "$" not in text
    assert core14.plain_subscripts("cost $x^2$") is None          # other mathtext: matplotlib's page
    assert rp.core14_pages(ITEM, "cost $x^2$", with_scan=True) is None
