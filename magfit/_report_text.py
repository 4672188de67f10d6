"""Plain text lines on a report page, drawn without measuring every line (imports matplotlib).

A details page of report.pdf is several hundred lines of plain text. matplotlib's Text measures
each line (a FreeType layout) to place it, and that was a quarter of the cost of a page; the
lines of a page are plain, left-aligned and of one style per block, so :class:`TextBlock` places
them with the pitch of "lp" -- what Text itself uses for lines no taller than "lp" -- and only
draws their glyphs. A module-level class, so pages that hold it can be pickled.
"""

from __future__ import annotations

from typing import Any

from matplotlib.artist import Artist
from matplotlib.font_manager import FontProperties

#: line pitch in units of the "lp" height, as Text(linespacing=1.25)
LINESPACING = 1.25


class TextBlock(Artist):
    """Lines of one style, top-down from ``xy`` (figure fraction), as ``Text(va="top", ha="left",
    linespacing=1.25)`` places them.

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
        """Draw every non-empty line at its baseline."""
        if not self.get_visible() or not self.lines:
            return
        x, top = self.figure.transFigure.transform(self.xy)
        _, lp_h, lp_d = renderer.get_text_width_height_descent("lp", self.prop, ismath=False)
        gc = renderer.new_gc()
        gc.set_foreground(self.color)
        baseline = top - (lp_h - lp_d)
        pitch = lp_d + (lp_h - lp_d) * LINESPACING  # Text: the descent, then 1.25 x the ascent
        for line in self.lines:
            if line:
                renderer.draw_text(gc, x, baseline, line, self.prop, 0.0, ismath=False)
            baseline -= pitch
        gc.restore()
        self.stale = False

    def get_text(self) -> str:
        """All lines, newline-separated."""
        return "\n".join(self.lines)
