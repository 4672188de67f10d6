"""report.pdf's summary table: every cell's text fits inside its cell (a clipped '×10⁻³' changes a
number's value), measured with matplotlib's own text extents on rows with long numbers and long text."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

pytest.importorskip("matplotlib")


def _row(i: int) -> dict:
    return {"sample": f"a rather long sample name number {i} with a suffix", "basis": "per magnetic ion (Gd)",
            "mu_eff": 7.92801, "mu_eff_err": 0.0032, "mu_eff_sys": 0.0041,
            "theta_K": -123.4567, "theta_K_err": 0.01234, "theta_K_sys": 1.5,
            "chi0_emu_mol": 1.526e-3, "chi0_emu_mol_err": 1.0e-5, "chi0_emu_mol_sys": 1.1e-5,
            "C_emu_K_mol": 1.8739e-3, "C_emu_K_mol_err": 5.5e-6, "tmin_K": 125.1, "tmax_K": 300.0,
            "label": "undetermined", "confidence": 0.5,
            "candidates": "Gd3+ (7.94 μB, 0.4σ); Eu2+ (7.94 μB, 0.4σ)",
            "flags": "T_min < 2|theta|: x; |rho(theta, chi0)| = 0.985 > 0.95: y; window systematic: z"}


def test_every_summary_cell_fits_its_cell():
    from magfit import _report_pdf

    report = SimpleNamespace(samples=[{"row": _row(i)} for i in range(5)], summary=[1] * 5, n_failed=0,
                             skipped=[])
    ctx = {"title": "t", "version": "0", "created": "now", "options_source": "none"}
    fig = _report_pdf.summary_pages(report, ctx)[0]
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    table = fig.axes[0].tables[0]
    checked = 0
    for (r, _c), cell in table.get_celld().items():
        if r == 0 or not cell.get_text().get_text():
            continue
        box, text = cell.get_window_extent(renderer), cell.get_text().get_window_extent(renderer)
        assert text.x0 >= box.x0 - 0.5 and text.x1 <= box.x1 + 0.5, cell.get_text().get_text()
        assert text.y0 >= box.y0 - 0.5 and text.y1 <= box.y1 + 0.5, cell.get_text().get_text()
        checked += 1
    assert checked >= 5 * 9
    numbers = [cell.get_text().get_text() for (r, c), cell in table.get_celld().items() if r > 0 and c == 4]
    assert all("10⁻³" in t and "…" not in t for t in numbers), numbers
