"""matplotlib's PDF backend with text measurements shared between figures (for ``magfit report``).

matplotlib measures every text it draws (its width, height and descent: a FreeType layout, or a
mathtext parse) and keeps the result only for the life of one renderer, i.e. one ``savefig``. A
report saves the same figures for every sample, with the same tick labels, axis labels, titles
and legend entries, so here the measurements and mathtext parses are kept for the process. The
measurements are pure functions of the text, the font properties and the PDF's 72 dpi, so the PDF
written is byte-for-byte the one matplotlib's own backend writes (tests/test_report_raster.py).

Use it as ``fig.savefig(buf, format="pdf", backend=BACKEND)``.
"""

from __future__ import annotations

import threading
from typing import Any

from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_pdf import FigureCanvasPdf, PdfFile, PdfPages, RendererPdf
from matplotlib.textpath import TextToPath

#: the ``backend=`` argument of ``savefig`` that selects this module
BACKEND = "module://magfit._pdf_canvas"

#: most text measurements kept (a report needs a few hundred per kind of figure)
MAX_CACHED = 20000

_LOCAL = threading.local()


def _state() -> tuple[dict[tuple, tuple[float, float, float]], TextToPath]:
    """This thread's measurement cache and mathtext parser (one per thread: neither is locked)."""
    if not hasattr(_LOCAL, "cache"):
        _LOCAL.cache, _LOCAL.text2path = {}, TextToPath()
    return _LOCAL.cache, _LOCAL.text2path


def _font_key(prop: Any) -> tuple:
    return (tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight(),
            prop.get_stretch(), prop.get_size_in_points(), prop.get_file(), prop.get_math_fontfamily())


class RendererSharedText(RendererPdf):
    """RendererPdf whose text measurements and mathtext parses outlive one ``savefig``."""

    def __init__(self, file: PdfFile, image_dpi: float, height: float, width: float) -> None:
        super().__init__(file, image_dpi, height, width)
        self._cache, self._text2path = _state()  # one mathtext parse cache for all figures

    def get_text_width_height_descent(self, s: str, prop: Any, ismath: Any) -> tuple[float, float, float]:
        """As RendererPdf's, remembered per (text, font properties, math mode)."""
        if ismath == "TeX":  # usetex: measured by TeX, not cached here
            return super().get_text_width_height_descent(s, prop, ismath)
        key = (s, bool(ismath), _font_key(prop))
        hit = self._cache.get(key)
        if hit is None:
            hit = super().get_text_width_height_descent(s, prop, ismath)
            if len(self._cache) >= MAX_CACHED:
                self._cache.clear()
            self._cache[key] = hit
        return hit


class FigureCanvas(FigureCanvasPdf):
    """FigureCanvasPdf drawing with :class:`RendererSharedText`."""

    def print_pdf(self, filename: Any, *, bbox_inches_restore: Any = None, metadata: Any = None,
                  **_done: Any) -> None:
        """Write the figure as a one-page PDF (or a page of a PdfPages), as FigureCanvasPdf does.

        ``savefig`` passes a third-party backend its options that matplotlib's own PDF backend is
        spared (dpi, facecolor, edgecolor, orientation): applied by ``savefig`` itself, ignored here.
        """
        dpi = self.figure.dpi
        self.figure.dpi = 72  # PDF points
        width, height = self.figure.get_size_inches()
        pages = isinstance(filename, PdfPages)
        file = filename._ensure_file() if pages else PdfFile(filename, metadata=metadata)
        try:
            file.newPage(width, height)
            renderer = MixedModeRenderer(self.figure, width, height, dpi,
                                         RendererSharedText(file, dpi, height, width),
                                         bbox_inches_restore=bbox_inches_restore)
            self.figure.draw(renderer)
            renderer.finalize()
            if not pages:
                file.finalize()
        finally:
            if pages:
                file.endStream()
            else:
                file.close()
