"""matplotlib's PDF backend with text measurements shared between figures (for ``magfit report``).

matplotlib measures every text it draws (its width, height and descent: a FreeType layout, or a
mathtext parse) and keeps the result only for the life of one renderer, i.e. one ``savefig``; it
then lays the text out a second time, glyph by glyph (libraqm shaping, ~1 ms a string), to write
it. A report saves the same figures for every sample, with the same tick labels, axis labels,
titles and legend entries, so here the measurements, mathtext parses and glyph layouts are kept
for the process. All three are pure functions of the text, the font properties and the PDF's
72 dpi, so the PDF written is byte-for-byte the one matplotlib's own backend writes
(tests/test_report_raster.py); the glyphs are still registered with each file (its font subsets).

Use it as ``fig.savefig(buf, format="pdf", backend=BACKEND)``.
"""

from __future__ import annotations

import itertools
import math
import threading
from typing import Any

import matplotlib as mpl
from matplotlib import _text_helpers
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_pdf import FigureCanvasPdf, Op, PdfFile, PdfPages, RendererPdf
from matplotlib.font_manager import FontPath
from matplotlib.textpath import TextToPath

#: the ``backend=`` argument of ``savefig`` that selects this module
BACKEND = "module://magfit._pdf_canvas"

#: most text measurements kept (a report needs a few hundred per kind of figure)
MAX_CACHED = 20000
#: glyph layouts kept: only of texts up to LAYOUT_MAX_CHARS characters (tick labels, axis labels,
#: legend entries recur; a details page's long lines do not), at most MAX_LAYOUTS of them
MAX_LAYOUTS = 5000
LAYOUT_MAX_CHARS = 60

_LOCAL = threading.local()


def _state() -> tuple[dict[tuple, tuple[float, float, float]], TextToPath]:
    """This thread's measurement cache and mathtext parser (one per thread: neither is locked)."""
    if not hasattr(_LOCAL, "cache"):
        _LOCAL.cache, _LOCAL.text2path, _LOCAL.layouts = {}, TextToPath(), {}
    return _LOCAL.cache, _LOCAL.text2path


def _layouts() -> dict[tuple, list[tuple]]:
    """This thread's glyph layouts (the fonts they point to are matplotlib's, also per thread)."""
    _state()
    return _LOCAL.layouts


def _font_key(prop: Any) -> tuple:
    return (tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight(),
            prop.get_stretch(), prop.get_size_in_points(), prop.get_file(), prop.get_math_fontfamily())


def _heights() -> dict[tuple, tuple[Any, Any, Any]]:
    """This thread's font height metrics by font properties."""
    if not hasattr(_LOCAL, "heights"):
        _LOCAL.heights = {}
    return _LOCAL.heights


def _font_height_metrics(prop: Any) -> tuple[Any, Any, Any]:
    """(ascent, descent, line gap) in points from the font's OS/2 table, else its hhea table
    (None, None, None without either: Text then measures "lp"), as matplotlib's Text reads them."""
    from matplotlib.font_manager import fontManager, get_font

    font = get_font(fontManager._find_fonts_by_props(prop))
    tables = (("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
              ("hhea", "lineGap", "ascent", "descent"))
    for table_name, gap_key, ascent_key, descent_key in tables:
        table = font.get_sfnt_table(table_name)
        if table is not None:  # Text's own arithmetic at dpi 72 (same rounding, same bytes)
            scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * 72 / 72
            return table[ascent_key] * scale, -table[descent_key] * scale, table[gap_key] * scale
    return None, None, None


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

    def _get_font_height_metrics(self, prop: Any) -> tuple[Any, Any, Any]:
        """(ascent, descent, line gap) in points of the font of ``prop``, as Text reads them from the
        font's OS/2 (else hhea) table for every text it lays out; read once per font here.

        matplotlib >= 3.11 asks a renderer that has this method first (its PDF renderer answers
        only for core fonts); Text scales by the figure's dpi, which is 72 while this renderer draws.
        """
        if mpl.rcParams["pdf.use14corefonts"]:
            return super()._get_font_height_metrics(prop)
        heights = _heights()
        key = _font_key(prop)
        hit = heights.get(key)
        if hit is None:
            hit = heights[key] = _font_height_metrics(prop)
        return hit

    def draw_text(self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float,
                  ismath: Any = False, mtext: Any = None) -> None:
        """As RendererPdf's, with the glyph layout of a plain text in an embedded font remembered.

        Mathtext, core (AFM) fonts and linked texts go to RendererPdf unchanged.
        """
        if ismath or mpl.rcParams["pdf.use14corefonts"] or gc.get_url() is not None:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        self.check_gc(gc, gc._rgb)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        glyphs = self._glyph_layout(s, prop, features, language)
        self._write_glyphs(glyphs, x, y, angle, prop.get_size_in_points())
        return None

    def _glyph_layout(self, s: str, prop: Any, features: Any, language: Any) -> list[tuple]:
        """(font, char, glyph index, x, y, kern before) of every glyph of ``s``, laid out once."""
        layouts = _layouts()
        key = (s, _font_key(prop), features, language)
        glyphs = layouts.get(key)
        if glyphs is None:
            font = self._get_font_ttf(prop)
            glyphs = [(it.ft_object, it.char, it.glyph_index, it.x, it.y, it.prev_kern)
                      for it in _text_helpers.layout(s, font, features=features, language=language)]
            if len(s) <= LAYOUT_MAX_CHARS:
                if len(layouts) >= MAX_LAYOUTS:
                    layouts.clear()
                layouts[key] = glyphs
        return glyphs

    def _write_glyphs(self, glyphs: list[tuple], x: float, y: float, angle: float, size: float) -> None:
        """The text operators RendererPdf writes for laid-out glyphs (one BT/ET group, TJ chunks).

        Glyphs run in chunks of one font subset (single-byte codes), with kerns between glyphs
        and a text rise around raised glyphs, exactly as matplotlib writes them.
        """
        fonttype = mpl.rcParams["pdf.fonttype"]
        chunk: list[Any] = []

        def flush() -> None:
            if chunk:
                self.file.output([(-1000 * next(group) / size) if kind is float
                                  else self._encode_glyphs(group, fonttype)
                                  for kind, group in itertools.groupby(chunk, type)], Op.showkern)
                chunk.clear()

        a = math.radians(angle)
        self.file.output(Op.gsave)
        self.file.output(math.cos(a), math.sin(a), -math.sin(a), math.cos(a), x, y, Op.concat_matrix)
        self.file.output(Op.begin_text)
        current, start_x = None, 0
        for ft_object, char, glyph_index, gx, gy, kern in glyphs:
            subset, code = self.file._character_tracker.track_glyph(ft_object, char, glyph_index)
            if (ft_object, subset) != current:
                flush()
                name = self.file.fontName(FontPath(ft_object.fname, ft_object.face_index), subset)
                self.file.output(name, size, Op.selectfont)
                self._setup_textpos(gx, 0, 0, start_x, 0, 0)
                current, start_x = (ft_object, subset), gx
            if gy:
                flush()
                self.file.output(gy, Op.textrise)
            if kern:
                chunk.append(kern)
            chunk.append(code)
            if gy:
                flush()
                self.file.output(0, Op.textrise)
        flush()
        self.file.output(Op.end_text)
        self.file.output(Op.grestore)


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
