"""The details pages' TextBlock places plain lines where a multi-line matplotlib Text(va="top",
linespacing=1.25) puts them, without measuring each line: the rasterised pages are identical."""

from __future__ import annotations

import io

import numpy as np
import pytest

pytest.importorskip("pypdfium2")

LINES = ["file /data/gd_sulfate_mpms3.dat · per formula unit", "", "window (K): 5.0–300.0",
         "points in window: 81", "F-test: Curie term needed · 1.165e-184 · p < 0.01 · localized"]


def _page(block: bool, style: dict) -> bytes:
    from matplotlib.figure import Figure

    from magfit._report_text import TextBlock

    fig = Figure(figsize=(6.0, 3.0))
    for k, x in enumerate((0.03, 0.5)):
        y = 0.9 - 0.1 * k
        if block:
            fig.add_artist(TextBlock((x, y), LINES, 8.0 - k, **style))
        else:
            fig.text(x, y, "\n".join(LINES), fontsize=8.0 - k, va="top", parse_math=False, linespacing=1.25,
                     **style)
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf", metadata={"CreationDate": None})
    return buf.getvalue()


@pytest.mark.parametrize("style", [{}, {"weight": "bold"}, {"family": "monospace"}, {"color": "0.3"}])
def test_text_block_draws_what_a_multiline_text_draws(style):
    from magfit._report_raster import rasterise

    text = np.asarray(rasterise(_page(False, style), 150), dtype=int)
    block = np.asarray(rasterise(_page(True, style), 150), dtype=int)
    assert (text < 128).any()  # something was drawn
    assert np.array_equal(text, block)
