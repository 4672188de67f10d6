"""Frozen copy of the report's rendering/assembly steps as they were before the issue-12 report work
(commit a40988a), for benchmarks/bench_report.py to measure old and new in the same run.

:func:`legacy_render` swaps them in (serial runs only: process-pool workers do not see the patch):

* a new Figure (axes, ticks) per figure and sample (now one per kind, emptied and drawn into again);
* PDFs written by matplotlib's own backend (now :mod:`magfit._pdf_canvas`: text measured once per
  process, the same bytes);
* details pages drawn as multi-line matplotlib Texts (now :class:`magfit._report_text.TextBlock`);
* PNGs drawn by matplotlib's Agg (a second draw of each figure; now the PDF rasterised by PDFium);
* PNGs written with PIL's default zlib level 6 (now :data:`magfit.report.PNG_COMPRESS`);
* HTML thumbnails resized with LANCZOS to 1000 px and saved with ``optimize=True`` (now a whole-factor
  box reduction);
* each sample's A4 pages assembled with pypdf ``merge_transformed_page`` (the figure's content stream
  parsed into operators and re-compressed) into a PDF of its own, which the parent then parsed and
  appended again (now the figures are placed as Form XObjects, once, by the parent).

Figures, their DPI (200 for PNG), fonts (Type 3) and page layout are the same in both.
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Iterator, Sequence
from typing import Any

import magfit.plot as plot
import magfit.report as report
from magfit import _pdf_canvas, _report_pdf, _report_raster, _report_text


def _compact_png(png: bytes, width: int = 1000) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        rgb = im.convert("RGB")
        if rgb.width > width:
            rgb = rgb.resize((width, round(rgb.height * width / rgb.width)), Image.Resampling.LANCZOS)
        quantized = rgb.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    quantized.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _place(page: Any, figure_page: Any, box: tuple[float, float, float, float]) -> None:
    from pypdf import Transformation

    page_pt = _report_pdf.PAGE_PT
    w, h = float(figure_page.mediabox.width), float(figure_page.mediabox.height)
    x0, y0 = box[0] * page_pt[0], box[1] * page_pt[1]
    bw, bh = (box[2] - box[0]) * page_pt[0], (box[3] - box[1]) * page_pt[1]
    s = min(bw / w, bh / h)
    tx = x0 + (bw - s * w) / 2 - s * float(figure_page.mediabox.left)
    ty = y0 + (bh - s * h) / 2 - s * float(figure_page.mediabox.bottom)
    page.merge_transformed_page(figure_page, Transformation().scale(s, s).translate(tx, ty))
    page.compress_content_streams()


def _assemble(fit_pdf: bytes | None, scan_pdf: bytes | None, detail_pdfs: Sequence[bytes]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    page_pt = _report_pdf.PAGE_PT
    writer = PdfWriter()
    if fit_pdf is not None:
        blank = writer.add_blank_page(width=page_pt[0], height=page_pt[1])
        _place(blank, PdfReader(io.BytesIO(fit_pdf)).pages[0], (0.02, 0.02, 0.98, 0.98))
    for k, blob in enumerate(detail_pdfs):
        page = writer.add_page(PdfReader(io.BytesIO(blob)).pages[0])
        if k == 0 and scan_pdf is not None:
            _place(page, PdfReader(io.BytesIO(scan_pdf)).pages[0], _report_pdf.SCAN_BOX)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _add_sample_pages(writer: Any, fit_pdf: bytes | None, scan_pdf: bytes | None,
                      detail_pdfs: Sequence[bytes]) -> None:
    from pypdf import PdfReader

    writer.append(PdfReader(io.BytesIO(_assemble(fit_pdf, scan_pdf, detail_pdfs))))


@contextlib.contextmanager
def legacy_render() -> Iterator[None]:
    """Inside the block, report.build renders and assembles as before the issue-12 report work."""
    saved = (report._compact_png, report.PNG_COMPRESS, _report_pdf.add_sample_pages, _report_raster.available)
    report._compact_png, report.PNG_COMPRESS = _compact_png, 6
    _report_pdf.add_sample_pages = _add_sample_pages
    _report_raster.available = lambda: False  # every PNG drawn a second time, by Agg
    drawers = plot.fit_panels, plot.window_scan
    plot.fit_panels, plot.window_scan = (_new_figure(f) for f in drawers)
    backend, _pdf_canvas.BACKEND = _pdf_canvas.BACKEND, None  # matplotlib's own PDF backend
    text_block, _report_text.TextBlock = _report_text.TextBlock, _multiline_text
    try:
        yield
    finally:
        _pdf_canvas.BACKEND = backend
        _report_text.TextBlock = text_block
        (report._compact_png, report.PNG_COMPRESS, _report_pdf.add_sample_pages,
         _report_raster.available) = saved
        plot.fit_panels, plot.window_scan = drawers


def _multiline_text(xy: tuple[float, float], lines: list[str], size: float, **style: Any) -> Any:
    """A details-page block as one multi-line matplotlib Text, as before (every line measured)."""
    from matplotlib.text import Text

    return Text(xy[0], xy[1], "\n".join(lines), fontsize=size, va="top", parse_math=False, linespacing=1.25,
                **style)


def _new_figure(draw: Any) -> Any:
    """``draw`` with a new Figure per call, as before (now the report reuses one per kind)."""
    @functools.wraps(draw)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        kwargs["reuse"] = False
        return draw(*args, **kwargs)
    return wrapper
