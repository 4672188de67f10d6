"""magfit._ticks.BatchedTickAxes: tick marks drawn in batches, ticks computed once per draw -- the
same picture as matplotlib's own Axes (both PDFs rasterised by PDFium and compared pixel by pixel)."""

from __future__ import annotations

import io

import numpy as np
import pytest

pytest.importorskip("pypdfium2")

from magfit import _report_raster  # noqa: E402
from magfit._ticks import BatchedTickAxes  # noqa: E402


def _draw(axes_class):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.0, 4.5))
    kw = {} if axes_class is None else {"axes_class": axes_class}
    (a, b), (c, d) = fig.subplots(2, 2, sharex="col", subplot_kw=kw)
    t = np.linspace(2.0, 300.0, 60)
    a.plot(t, 1.0 / (t + 3.0), "o", ms=3)
    a.set_title("left title", loc="left")
    b.semilogy(t, 1.0 / t, "-")  # log axis: minor ticks too
    b.tick_params(which="minor", length=2.0, color="0.4")
    twin = c.twinx(**kw)  # a twin with coloured right-hand ticks
    c.plot(t, t**0.5)
    twin.plot(t, -t, color="C2")
    twin.tick_params(axis="y", colors="C2", direction="out", length=5.0, width=1.4)
    c.set_xlabel("T (K)")
    d.errorbar(t[::6], np.sin(t[::6] / 40.0), yerr=0.1, fmt="s")
    d.tick_params(top=True, right=True, direction="in")
    d.set_ylabel("y label")
    d.set_title("title")
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf")
    return buf.getvalue()


def test_batched_ticks_draw_the_same_picture():
    plain = np.asarray(_report_raster.rasterise(_draw(None), 150), dtype=int)
    batched = np.asarray(_report_raster.rasterise(_draw(BatchedTickAxes), 150), dtype=int)
    assert plain.shape == batched.shape
    diff = np.abs(plain - batched).max(axis=2)
    assert diff.max() <= 2  # antialiasing of a mark drawn as a path vs a PDF marker: identical here
    assert (diff > 0).sum() < 50


def test_batched_ticks_draw_every_mark_once():
    """Every tick mark of matplotlib's draw is in the batched PDF (one draw_markers call per side)."""
    from matplotlib.figure import Figure

    from magfit._ticks import draw_marks

    fig = Figure(figsize=(4.0, 3.0))
    ax = fig.add_subplot(axes_class=BatchedTickAxes)
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 5)
    ax.tick_params(top=True, right=True)
    from matplotlib.backends.backend_agg import RendererAgg

    renderer = RendererAgg(400, 300, 100)
    seen = []
    draw = renderer.draw_markers
    renderer.draw_markers = lambda gc, mp, mt, path, *a, **k: seen.append(len(path.vertices)) or draw(
        gc, mp, mt, path, *a, **k)
    ticks = ax.xaxis._update_ticks()
    draw_marks(ticks, renderer, [])
    # six major ticks 0, 2, ..., 10, each with a bottom and a top mark: two batches of six
    assert len(ticks) == 6 and seen == [6, 6]
