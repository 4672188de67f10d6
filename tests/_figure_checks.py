"""Test helper: programmatic checks of a rendered matplotlib figure's text.

``text_problems(fig)`` draws the figure and returns a list of problems (empty when clean):

* a visible text whose bounding box leaves the figure,
* two visible texts whose bounding boxes intersect (by more than ``tolerance_px`` each way),
* a text that shows ``nan`` / ``inf`` as a word.

Only texts that are actually drawn count: tick labels of ticks inside the view limits, legend
texts, titles, axis labels, offset texts and free texts.
"""

from __future__ import annotations

import re

_BAD_NUMBER = re.compile(r"(?<![A-Za-z])(nan|inf)(?![A-Za-z])", re.IGNORECASE)


def _drawn_ticklabels(axis):
    try:
        ticks = axis._update_ticks()  # the ticks matplotlib draws (inside the view interval)
    except AttributeError:  # pragma: no cover - very old/new matplotlib
        ticks = axis.get_major_ticks()
    out = []
    for tick in ticks:
        for label in (tick.label1, tick.label2):
            if label.get_visible() and label.get_text():
                out.append(label)
    return out


def visible_texts(fig):
    """Every drawn, non-empty Text artist of ``fig`` (after a draw)."""
    from matplotlib.text import Text

    texts = []
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison:
            continue
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_visible():  # e.g. the hidden x axis of a twinx
                texts += _drawn_ticklabels(axis) + [axis.label, axis.get_offset_text()]
        texts += [ax.title, ax._left_title, ax._right_title]
        texts += [t for t in ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            texts += list(legend.get_texts())
    for legend in fig.legends:
        texts += list(legend.get_texts())
    texts += list(fig.texts)
    if fig._suptitle is not None:
        texts.append(fig._suptitle)
    seen, out = set(), []
    for t in texts:
        if isinstance(t, Text) and t.get_visible() and t.get_text().strip() and id(t) not in seen:
            seen.add(id(t))
            out.append(t)
    return out


def text_problems(fig, tolerance_px: float = 1.0):
    """Problems with the text of ``fig``: outside the figure, overlapping, or showing NaN."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)  # a pyplot-free Figure has a bare canvas
    canvas.draw()
    renderer = canvas.get_renderer()
    fig_box = fig.bbox
    boxes = []
    problems = []
    for t in visible_texts(fig):
        text = t.get_text()
        if _BAD_NUMBER.search(text):
            problems.append(f"NaN/inf in text {text!r}")
        box = t.get_window_extent(renderer)
        if box.width == 0 or box.height == 0:
            continue
        if (box.x0 < fig_box.x0 - tolerance_px or box.y0 < fig_box.y0 - tolerance_px
                or box.x1 > fig_box.x1 + tolerance_px or box.y1 > fig_box.y1 + tolerance_px):
            problems.append(f"text {text!r} leaves the figure ({box.bounds} vs {fig_box.bounds})")
        boxes.append((text, box))
    for i, (a, ba) in enumerate(boxes):
        for b, bb in boxes[i + 1:]:
            dx = min(ba.x1, bb.x1) - max(ba.x0, bb.x0)
            dy = min(ba.y1, bb.y1) - max(ba.y0, bb.y0)
            if dx > tolerance_px and dy > tolerance_px:
                problems.append(f"texts {a!r} and {b!r} overlap by {dx:.0f} x {dy:.0f} px")
    return problems
