"""Ticks that cost less to draw (imports matplotlib: load it only from plotting code).

* :class:`PlainFormatter`: matplotlib's ScalarFormatter with ``useMathText`` typesets every tick
  label through mathtext, which cost a report about a fifth of its figure time; this prints the
  same numbers as plain text and writes a power-of-ten offset as ``×10⁻⁴`` (unicode), so the look
  is kept.
* :class:`BatchedTickAxes`: an Axes whose tick marks are drawn one batch per axis side, not one
  Line2D per tick. matplotlib draws every tick mark as a Line2D of one point (a transform, a
  graphics context and a path each: ~0.3 ms); magfit's figures have ~300 of them per sample, a
  fifth of their PDF time. Here each tick draws its grid line and labels as before, and the axis
  then draws the marks of all its ticks that share their look as one Line2D of many points (the
  same marker, size, width, colour and transform), after the labels: marks and labels do not
  overlap, so the picture is the same. Use it as ``fig.subplots(..., subplot_kw={"axes_class":
  BatchedTickAxes})``.

Module-level classes, so figures that use them can be pickled.
"""

from __future__ import annotations

import re
from typing import Any

from matplotlib.axes import Axes
from matplotlib.axis import XAxis, XTick, YAxis, YTick
from matplotlib.lines import Line2D
from matplotlib.ticker import ScalarFormatter

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


class PlainFormatter(ScalarFormatter):
    """ScalarFormatter without mathtext; the offset text with unicode superscripts.

    Parameters
    ----------
    useOffset : bool
        As for :class:`matplotlib.ticker.ScalarFormatter`.
    """

    def __init__(self, useOffset: bool = True) -> None:  # noqa: N803 - matplotlib's name
        super().__init__(useOffset=useOffset, useMathText=False)

    def get_offset(self) -> str:
        """The offset / power-of-ten text, e.g. ``×10⁻⁴``."""
        text = super().get_offset()
        def power(m: re.Match) -> str:
            return "×10" + ("⁻" if m.group(1) else "") + m.group(2).translate(_SUPERSCRIPT)

        return re.sub(r"1e([-−]?)0*(\d+)", power, text)


class _MarksByAxisTick:
    """A tick that draws its grid line and labels but leaves its two marks to its axis."""

    def draw(self, renderer: Any) -> None:
        """As Tick.draw without tick1line and tick2line (drawn in a batch by the axis)."""
        if not self.get_visible():
            self.stale = False
            return
        renderer.open_group(self.__name__, gid=self.get_gid())
        for artist in (self.gridline, self.label1, self.label2):
            artist.draw(renderer)
        renderer.close_group(self.__name__)
        self.stale = False


class BatchedXTick(_MarksByAxisTick, XTick):
    """XTick whose marks are drawn by its :class:`BatchedXAxis`."""


class BatchedYTick(_MarksByAxisTick, YTick):
    """YTick whose marks are drawn by its :class:`BatchedYAxis`."""


def _mark_key(line: Line2D) -> tuple:
    """What a tick mark looks like and where it is drawn, except its position (cheap: attributes)."""
    return (line._marker.get_marker(), line._markersize, line._markeredgewidth,
            repr(line._markeredgecolor), repr(line._markerfacecolor), repr(line._color), line._alpha,
            line.zorder, id(line._transform), line._clipon, id(line.clipbox), id(line._clippath),
            line._url, line._gid, line._snap, line._antialiased, line._rasterized)


def draw_marks(ticks: list[Any], renderer: Any, batches: list[Line2D]) -> None:
    """The visible marks (tick1line, tick2line) of ``ticks``, one Line2D per look.

    ``batches`` holds the Line2D objects of earlier draws, reused (creating one costs more than
    drawing it).
    """
    groups: dict[tuple, tuple[Line2D, list[float], list[float]]] = {}
    for tick in ticks:
        if not tick.get_visible():
            continue
        for line in (tick.tick1line, tick.tick2line):
            if not line.get_visible():
                continue
            key = _mark_key(line)
            group = groups.get(key)
            if group is None:
                group = groups[key] = (line, [], [])
            group[1].extend(line.get_xdata(orig=True))
            group[2].extend(line.get_ydata(orig=True))
    while len(batches) < len(groups):
        batches.append(Line2D([], []))
    for batch, (template, xs, ys) in zip(batches, groups.values(), strict=False):
        batch.update_from(template)
        batch.set_figure(template.get_figure(root=False))
        batch.set_transform(template.get_transform())
        batch.set_data(xs, ys)
        batch.draw(renderer)


class _BatchedMarksAxis:
    """An axis that draws its ticks' marks in batches after matplotlib's Axis.draw, and that
    computes its ticks and their label boxes once per draw of its Axes.

    matplotlib asks for them several times in one draw (the title's position, the axis label's,
    the axis itself), each time running the locator and formatter and measuring every label
    again; nothing they depend on changes while the Axes draws, and the answers are kept only
    for that draw (keyed by the view interval as well).
    """

    _memo: dict | None = None

    def _update_ticks(self) -> list[Any]:
        memo = self._memo
        key = ("ticks", *self.get_view_interval())
        if memo is not None and key in memo:
            return memo[key]
        ticks = super()._update_ticks()
        if memo is not None:
            memo[key] = ticks
        self._drawn_ticks = ticks  # the ticks Axis.draw draws (every call within a draw: the same)
        return ticks

    def _get_ticklabel_bboxes(self, ticks: list[Any], renderer: Any) -> tuple[list, list]:
        memo = self._memo
        key = ("boxes", id(ticks), id(renderer))
        if memo is not None and key in memo:
            return memo[key]
        boxes = super()._get_ticklabel_bboxes(ticks, renderer)
        if memo is not None:
            memo[key] = boxes
        return boxes

    def draw(self, renderer: Any) -> None:
        """Axis.draw (labels, axis label, offset text), then the tick marks in batches."""
        self._drawn_ticks = None
        memo = self._memo
        if memo is not None:  # ticks computed earlier in this draw (title position): those
            self._drawn_ticks = memo.get(("ticks", *self.get_view_interval()))
        super().draw(renderer)
        if self.get_visible() and self._drawn_ticks:
            renderer.open_group("tick marks", gid=self.get_gid())
            draw_marks(self._drawn_ticks, renderer, self.__dict__.setdefault("_mark_batches", []))
            renderer.close_group("tick marks")


class BatchedXAxis(_BatchedMarksAxis, XAxis):
    """XAxis with :class:`BatchedXTick` ticks."""

    _tick_class = BatchedXTick


class BatchedYAxis(_BatchedMarksAxis, YAxis):
    """YAxis with :class:`BatchedYTick` ticks."""

    _tick_class = BatchedYTick


class BatchedTickAxes(Axes):
    """Axes whose x and y axes draw their tick marks in batches (see the module docstring)."""

    def _init_axis(self) -> None:
        # Axes._init_axis with the batched axes (matplotlib 3.11)
        self.xaxis = BatchedXAxis(self, clear=False)
        self.spines.bottom.register_axis(self.xaxis)
        self.spines.top.register_axis(self.xaxis)
        self.yaxis = BatchedYAxis(self, clear=False)
        self.spines.left.register_axis(self.yaxis)
        self.spines.right.register_axis(self.yaxis)

    def draw(self, renderer: Any) -> None:
        """Axes.draw with each axis's ticks and label boxes computed once (see _BatchedMarksAxis)."""
        axes = (self.xaxis, self.yaxis)
        for axis in axes:
            axis._memo = {}
        try:
            super().draw(renderer)
        finally:
            for axis in axes:
                axis._memo = None
