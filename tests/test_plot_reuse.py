"""plot.fit_panels / window_scan with ``reuse=True`` (what ``magfit report`` uses: one figure per
kind and thread, emptied and drawn into again) give byte-for-byte the PDF of a new figure, in any
order of samples: log and linear χ axes, a twin 1/(χ − χ0) axis, χ0 fixed at 0. The report's PDF
backend (magfit._pdf_canvas) writes the same bytes as matplotlib's."""

from __future__ import annotations

import io

import numpy as np
import pytest

import magfit
from magfit import plot
from magfit._style import style

T_K = np.concatenate([np.arange(2.0, 20.0, 1.0), np.arange(20.0, 301.0, 5.0)])


def _fit(theta_K, mu_eff, chi0_emu_mol, seed, **kw):
    sim = magfit.simulate.curie_weiss(T_K, theta_K=theta_K, mu_eff=mu_eff, chi0_emu_mol=chi0_emu_mol)
    rng = np.random.default_rng(seed)
    err = 0.003 * np.abs(sim.chi_emu_mol) + 2e-6
    chi = magfit.ChiT(temperature_K=T_K, chi_emu_mol=sim.chi_emu_mol + rng.normal(0.0, err),
                      chi_err_emu_mol=err, name=f"sample {seed}")
    return magfit.fit_curie_weiss(chi, scan=True, **kw)


def _pdf(fig, backend=None) -> bytes:
    buf = io.BytesIO()
    with style(**{"savefig.bbox": "standard", "pdf.fonttype": 3}):
        fig.savefig(buf, format="pdf", metadata={"CreationDate": None}, backend=backend)
    return buf.getvalue()


@pytest.fixture(scope="module")
def fits():
    return {"linear": _fit(-10.0, 5.9, 3e-4, 1),
            "log": _fit(-0.5, 7.9, 0.0, 2),                 # Curie tail over decades: log χ axis
            "twin": _fit(-3.0, 1.0, 1e-2, 3),               # χ0 dominates: 1/(χ − χ0) on its own axis
            "no_chi0": _fit(-20.0, 3.9, 0.0, 4, chi0=False),
            "negative_chi0": _fit(1.0, 2.5, -2e-4, 5)}


#: linear -> log -> twin -> (a new figure) -> chi0 fixed -> negative chi0
ORDER = ["linear", "log", "twin", "no_chi0", "negative_chi0"]
LONG_ORDER = ["log", "linear", "twin", "twin", "log", "no_chi0", "linear", "negative_chi0", "log"]


@pytest.mark.parametrize("draw", [plot.fit_panels, plot.window_scan])
def test_reused_figure_is_byte_identical_to_a_new_one(fits, draw):
    _check_order(fits, draw, ORDER)


@pytest.mark.slow
@pytest.mark.parametrize("draw", [plot.fit_panels, plot.window_scan])
def test_reused_figure_is_byte_identical_in_a_long_sequence(fits, draw):
    _check_order(fits, draw, LONG_ORDER)


def _check_order(fits, draw, order):
    seen = set()
    for name in order:
        fresh = draw(fits[name], title=name)
        reused = draw(fits[name], title=name, reuse=True)
        assert reused is not fresh
        assert _pdf(reused) == _pdf(fresh), f"{draw.__name__}: {name} in {order}"
        seen.add((len(fresh.axes), fresh.axes[0].get_yscale()))
    if draw is plot.fit_panels:  # the cases the order was made to cover did occur
        assert {(4, "linear"), (4, "log"), (5, "linear")} <= seen


def test_reuse_keeps_the_figure_and_its_ticks(fits):
    first = plot.fit_panels(fits["linear"], reuse=True)
    ticks = first.axes[0].xaxis.majorTicks[0]
    second = plot.fit_panels(fits["no_chi0"], reuse=True)
    assert second is first and second.axes[0].xaxis.majorTicks[0] is ticks
    twin = plot.fit_panels(fits["twin"], reuse=True)
    assert len(twin.axes) == 5
    after_twin = plot.fit_panels(fits["linear"], reuse=True)  # a twin is not undone: a new figure
    assert after_twin is not twin and len(after_twin.axes) == 4


def test_shared_text_backend_writes_matplotlibs_pdf(fits):
    """magfit._pdf_canvas (text measured once per process, what the report saves PDFs with) writes
    the bytes matplotlib's own PDF backend writes, also for texts measured in earlier figures."""
    from magfit._pdf_canvas import BACKEND

    for name in ("linear", "log", "twin", "linear"):
        for draw in (plot.fit_panels, plot.window_scan):
            fig = draw(fits[name], title=name)
            assert _pdf(fig, BACKEND) == _pdf(fig), f"{draw.__name__}: {name}"


def test_shared_text_backend_glyph_layouts_reused_in_any_font_and_angle():
    """Texts drawn again from remembered glyph layouts (rotated, bold, monospace, kerned, long
    lines, several sizes) give matplotlib's bytes, in a figure drawn twice by the same backend."""
    from matplotlib.figure import Figure

    from magfit._pdf_canvas import BACKEND

    fig = Figure(figsize=(4, 3))
    texts = [("AVAWAY To χ₀ (emu mol⁻¹ Oe⁻¹)", {}), ("θ = −12.5 K", {"rotation": 90}),
             ("mu_eff: 7.94 ± 0.02 μB", {"family": "monospace", "size": 6.5}),
             ("Flags:", {"weight": "bold", "size": 11}), ("x" * 70 + " long line · • ±", {"rotation": 30})]
    for k, (text, kw) in enumerate(texts):
        fig.text(0.05, 0.1 + 0.17 * k, text, parse_math=False, **kw)
    for _ in range(2):
        assert _pdf(fig, BACKEND) == _pdf(fig)
