"""The report's PNGs are its vector PDFs rasterised by PDFium (one matplotlib draw per figure):
same pixel size and, pixel by pixel, the same picture as matplotlib's own Agg rendering; without
pypdfium2 the report falls back to Agg."""

from __future__ import annotations

import io

import numpy as np
import pytest

from magfit import _report_raster
from magfit import report as rep

pytest.importorskip("pypdfium2")


def _figure(size):
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    ax = fig.add_subplot()
    t = np.linspace(2.0, 300.0, 80)
    ax.plot(t, 1.0 / (t + 5.0), "o", ms=3)
    ax.plot(t, 1.0 / (t + 5.0), "-", lw=1.5)
    ax.set_xlabel("T (K)")
    ax.set_ylabel("χ (emu mol⁻¹ Oe⁻¹)")
    ax.set_title("susceptibility", loc="left")
    return fig


def _agg_and_pdfium(size, dpi):
    from PIL import Image

    fig = _figure(size)
    png, pdf = io.BytesIO(), io.BytesIO()
    fig.savefig(png, format="png", dpi=dpi)
    fig.savefig(pdf, format="pdf")
    agg = np.asarray(Image.open(png).convert("RGB"), dtype=float)
    raster = _report_raster.rasterise(pdf.getvalue(), dpi)
    return agg, np.asarray(raster, dtype=float), raster


@pytest.mark.parametrize("size", [(9.0, 7.0), (5.6, 6.8)])
def test_pdfium_raster_is_the_agg_picture(size):
    dpi = rep.PNG_DPI
    agg, pdfium, _ = _agg_and_pdfium(size, dpi)
    # the pixel size Agg gives: inches x dpi, rounded (5.6 in x 200 dpi is 1120.0000001 in floats)
    assert pdfium.shape == agg.shape == (round(size[1] * dpi), round(size[0] * dpi), 3)
    # same picture: the two renderers differ only by antialiasing at edges and glyph hinting
    ink_agg, ink_pdf = agg.mean(axis=2) < 128, pdfium.mean(axis=2) < 128
    assert abs(ink_agg.sum() - ink_pdf.sum()) < 0.1 * ink_agg.sum()
    blur = 6  # compare at 1/6 resolution: a glyph shifted by a pixel is the same picture
    h, w = (s // blur * blur for s in agg.shape[:2])

    def coarse(a):
        return a[:h, :w].reshape(h // blur, blur, w // blur, blur, 3).mean(axis=(1, 3))

    assert np.abs(coarse(agg) - coarse(pdfium)).mean() < 1.0  # of 255 (0.24 measured; 2.7 shifted 20 px)


def test_png_bytes_record_the_resolution():
    from PIL import Image

    _, _, raster = _agg_and_pdfium((4.0, 3.0), 150)
    with Image.open(io.BytesIO(_report_raster.png_bytes(raster, 150, 3))) as im:
        assert im.size == (600, 450)
        assert im.info["dpi"] == pytest.approx((150, 150), abs=0.05)  # stored per metre


@pytest.mark.parametrize("mode", ["RGB", "L", "RGBA", "P"])
def test_png_bytes_keep_every_pixel(mode):
    """Our unfiltered PNG writer, decoded by PIL: the same pixels, size, resolution and text."""
    from PIL import Image

    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    pixels[:10] = 255  # flat rows as in a figure
    image = Image.fromarray(pixels, "RGBA")
    image = image.convert(mode) if mode != "P" else image.convert("RGB").quantize(64)
    expected = np.asarray(image if mode != "P" else image.convert("RGB"))
    with Image.open(io.BytesIO(_report_raster.png_bytes(image, 200, 3))) as back:
        assert back.size == (53, 37)
        assert back.mode == (mode if mode != "P" else "RGB")
        assert np.array_equal(np.asarray(back), expected)
        assert back.info["dpi"] == pytest.approx((200, 200), abs=0.05)
        assert back.info["Software"] == _report_raster.SOFTWARE


def test_report_falls_back_to_agg_without_pypdfium2(tmp_path, monkeypatch):
    """Without pypdfium2 every PNG is drawn by Agg; the files have the same size either way."""
    from conftest import SAMPLE_DATA
    from PIL import Image

    src = SAMPLE_DATA / "chi_table.csv"
    calls = []
    rasterise = _report_raster.rasterise
    monkeypatch.setattr(_report_raster, "rasterise", lambda *a: calls.append(1) or rasterise(*a))
    new = rep.build([src], tmp_path / "pdfium", executor="serial", progress=False, pdf_report=False)
    assert len(calls) == 2  # fit panels and window scan
    monkeypatch.setattr(_report_raster, "available", lambda: False)
    old = rep.build([src], tmp_path / "agg", executor="serial", progress=False, pdf_report=False)
    assert len(calls) == 2
    for kind in ("fit", "scan"):
        a = old.out_dir / "figures" / old.samples[0]["figures"][f"{kind}_png"]
        b = new.out_dir / "figures" / new.samples[0]["figures"][f"{kind}_png"]
        with Image.open(a) as ia, Image.open(b) as ib:
            assert ia.size == ib.size
    assert old.samples[0]["png_b64"].keys() == new.samples[0]["png_b64"].keys() == {"fit", "scan"}
