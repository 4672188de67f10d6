"""Plain text lines on a report page, drawn without measuring every line (imports matplotlib).

A details page of report.pdf is several hundred lines of plain text. matplotlib's Text measures
each line (a FreeType layout of the whole line) to place it, and that was a quarter of the cost of
a page. The lines of a page are plain, left-aligned and of one style per block, so
:class:`TextBlock` places them by Text's own rules from the extents of their glyphs (measured once
per process: a line's box is the union of its glyphs' boxes; matplotlib >= 3.11 gives every line
1.25 x the font's height and centres the line's box in it) and only draws them. A module-level
class, so pages that hold it can be pickled.
"""

from __future__ import annotations

from typing import Any

from matplotlib.artist import Artist
from matplotlib.font_manager import FontProperties

#: line spacing, as Text(linespacing=1.25)
LINESPACING = 1.25

#: (character, font) -> (ascent, descent) of its glyph
_GLYPH_EXTENT: dict[tuple, tuple[float, float]] = {}


def _font_height(prop: Any, pixels_per_point: float) -> tuple[float, float]:
    """(ascent, descent) of the font from its OS/2 (else hhea) table, as Text spaces lines."""
    from matplotlib.font_manager import findfont, get_font

    key = (_font_key(prop), pixels_per_point)
    if key not in _FONT_HEIGHT:
        font = get_font(findfont(prop))
        scale = prop.get_size_in_points() * pixels_per_point / font.get_sfnt_table("head")["unitsPerEm"]
        ascent = descent = 0.0
        for table_name, ascent_key, descent_key in (("OS/2", "sTypoAscender", "sTypoDescender"),
                                                    ("hhea", "ascent", "descent")):
            table = font.get_sfnt_table(table_name)
            if table is not None:
                ascent, descent = table[ascent_key] * scale, -table[descent_key] * scale
                break
        _FONT_HEIGHT[key] = (ascent, descent)
    return _FONT_HEIGHT[key]


_FONT_HEIGHT: dict[tuple, tuple[float, float]] = {}


def _font_key(prop: Any) -> tuple:
    return (tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight(),
            prop.get_stretch(), prop.get_size_in_points(), prop.get_file())


class TextBlock(Artist):
    """Lines of one style, top-down from ``xy`` (figure fraction), where ``Text(va="top",
    ha="left", linespacing=1.25)`` places them.

    Parameters
    ----------
    xy : (float, float)
        Left end of the first line's top, in figure fractions.
    lines : list of str
        The lines, drawn as they are (no mathtext).
    size : float
        Font size in points.
    color : colour, optional
    **font
        FontProperties keywords (``weight``, ``family``, ...).
    """

    def __init__(self, xy: tuple[float, float], lines: list[str], size: float, color: Any = "black",
                 **font: Any) -> None:
        super().__init__()
        self.xy, self.lines, self.color = xy, list(lines), color
        self.prop = FontProperties(size=size, **font)

    def draw(self, renderer: Any) -> None:
        """Draw every non-empty line at the baseline Text would give it."""
        if not self.get_visible() or not self.lines:
            return
        x, top = self.figure.transFigure.transform(self.xy)
        pitch = LINESPACING * sum(_font_height(self.prop, renderer.points_to_pixels(1.0)))
        gc = renderer.new_gc()
        gc.set_foreground(self.color)
        y = top
        for line in self.lines:  # Text's rule: every line `pitch` high, its box centred in it
            ascent, descent = self._extent(renderer, line)
            baseline = y - (pitch + ascent - descent) / 2
            if line:
                renderer.draw_text(gc, x, baseline, line, self.prop, 0.0, ismath=False)
            y -= pitch
        gc.restore()
        self.stale = False

    def _extent(self, renderer: Any, line: str) -> tuple[float, float]:
        """(ascent, descent) of ``line``: the largest of its glyphs' (a string's FreeType bounding
        box is the union of its glyphs' boxes), each glyph measured once per process."""
        ascent = descent = 0.0
        font = (_font_key(self.prop), renderer.points_to_pixels(1.0))
        for char in set(line) - {" "}:
            key = (char, font)
            extent = _GLYPH_EXTENT.get(key)
            if extent is None:
                _, h, d = renderer.get_text_width_height_descent(char, self.prop, ismath=False)
                extent = _GLYPH_EXTENT[key] = (h - d, d)
            ascent, descent = max(ascent, extent[0]), max(descent, extent[1])
        return ascent, descent

    def get_text(self) -> str:
        """All lines, newline-separated."""
        return "\n".join(self.lines)
