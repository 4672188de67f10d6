"""Rasters of the report's figures made from their vector PDF with PDFium (pypdfium2).

A report figure is drawn once by matplotlib, as PDF; its PNG (and the HTML thumbnail) is that PDF
rasterised by PDFium, which costs a few hundredths of a second where a second matplotlib draw
through Agg cost most of a second. Without pypdfium2 (an optional speed-up) the report draws the
PNG with Agg as before: :func:`available` says which.

PDFium is not thread-safe: every call into it holds :data:`_LOCK` (a report may run on a thread
pool).
"""

from __future__ import annotations

import struct
import threading
import zlib
from typing import Any

#: serialises calls into PDFium (one library state per process)
_LOCK = threading.Lock()
#: the first eight bytes of every PNG file
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: the PNG's Software text
SOFTWARE = "magfit (matplotlib PDF rasterised by PDFium)"


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


#: PNG colour type of each PIL mode written by :func:`png_bytes` (others are converted to RGB)
_PNG_COLOUR_TYPE = {"L": 0, "RGB": 2, "RGBA": 6}


def _chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC-32 of type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(image: Any, dpi: float, compress_level: int) -> bytes:
    """``image`` encoded as PNG with its resolution recorded (as matplotlib's PNGs have).

    Every row is stored unfiltered (PNG filter type 0) and deflated at ``compress_level``. PIL's
    encoder tries all five row filters on every row and keeps the best; on these figures (flat
    white, thin lines, text) that cost ~35 ms of ~60 ms per 200-dpi figure and made the file *larger*
    (268 kB against 256 kB at level 3). The pixels are the same: PNG is lossless either way.

    Parameters
    ----------
    image : PIL.Image.Image
        Modes L, RGB and RGBA are written as they are; any other mode is converted to RGB.
    dpi : float
        Written into the PNG's pHYs chunk (pixels per metre, rounded as PIL rounds).
    compress_level : int
        zlib level 1-9.

    Returns
    -------
    bytes
    """
    import numpy as np

    if image.mode not in _PNG_COLOUR_TYPE:
        image = image.convert("RGB")
    pixels = np.asarray(image, dtype=np.uint8).reshape(image.height, -1)
    rows = np.zeros((image.height, 1 + pixels.shape[1]), dtype=np.uint8)  # column 0: filter type 0
    rows[:, 1:] = pixels
    per_metre = int(dpi / 0.0254 + 0.5)
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, _PNG_COLOUR_TYPE[image.mode], 0, 0, 0)
    return b"".join([PNG_SIGNATURE, _chunk(b"IHDR", header),
                     _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
                     _chunk(b"tEXt", b"Software\0" + SOFTWARE.encode("latin-1")),
                     _chunk(b"IDAT", zlib.compress(rows.tobytes(), compress_level)),
                     _chunk(b"IEND", b"")])
