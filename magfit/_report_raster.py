"""Rasters of the report's figures made from their vector PDF with PDFium (pypdfium2).

A report figure is drawn once by matplotlib, as PDF; its PNG (and the HTML thumbnail) is that PDF
rasterised by PDFium, which costs a few hundredths of a second where a second matplotlib draw
through Agg cost most of a second. Without pypdfium2 (an optional speed-up) the report draws the
PNG with Agg as before: :func:`available` says which.

PDFium is not thread-safe: every call into it holds :data:`_LOCK` (a report may run on a thread
pool).
"""

from __future__ import annotations

import io
import threading
from typing import Any

#: serialises calls into PDFium (one library state per process)
_LOCK = threading.Lock()


def available() -> bool:
    """True when pypdfium2 can be imported (the PNGs are then rasterised from the PDFs)."""
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        return False
    return True


def rasterise(pdf: bytes, dpi: float) -> Any:
    """The first page of ``pdf`` as an RGB PIL image at ``dpi`` on white.

    Parameters
    ----------
    pdf : bytes
        A PDF document (e.g. a figure saved by matplotlib).
    dpi : float
        Resolution; a 9 x 7 inch page at 200 dpi gives 1800 x 1400 pixels, as Agg would.

    Returns
    -------
    PIL.Image.Image
    """
    import pypdfium2 as pdfium

    with _LOCK:
        doc = pdfium.PdfDocument(pdf)
        try:
            page = doc[0]
            try:
                # the pixel size Agg gives (rounded); PDFium rounds up, e.g. 1121 px for 1120.0000001
                size = tuple(round(v / 72.0 * dpi) for v in page.get_size())
                bitmap = page.render(scale=dpi / 72.0, rev_byteorder=True, fill_color=(255, 255, 255, 255),
                                     draw_annots=False)
                image = bitmap.to_pil().convert("RGB").crop((0, 0, *size))  # a copy, not PDFium's buffer
                bitmap.close()
            finally:
                page.close()
        finally:
            doc.close()
    return image


def png_bytes(image: Any, dpi: float, compress_level: int) -> bytes:
    """``image`` encoded as PNG with its resolution recorded (as matplotlib's PNGs have).

    Parameters
    ----------
    image : PIL.Image.Image
    dpi : float
        Written into the PNG's pHYs chunk.
    compress_level : int
        zlib level 1-9.

    Returns
    -------
    bytes
    """
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "magfit (matplotlib PDF rasterised by PDFium)")
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), compress_level=compress_level, pnginfo=info)
    return out.getvalue()
