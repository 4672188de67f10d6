"""Make docs/fit_panels_example.png, the figure shown in README.md.

The MnO-like antiferromagnet of sample_data (Mn2+, S = 5/2, theta = -60 K, T_N = 30 K; see
sample_data/README.md): read, converted to chi per mole MnO, fitted with an automatic window
(the ordering cusp is excluded), drawn with magfit.plot.fit_panels.

Run:  python docs/make_readme_figure.py      (writes docs/fit_panels_example.png, < 200 KB)
"""

from __future__ import annotations

from pathlib import Path

import magfit

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "fit_panels_example.png"
MAX_BYTES = 200_000


def main() -> None:
    m = magfit.read(ROOT / "sample_data" / "mno_like_afm_mpmsxl.dat")
    chi = m.susceptibility(formula="MnO")
    fit = magfit.fit_curie_weiss(chi)
    fig = magfit.plot.fit_panels(fit, title="MnO-like antiferromagnet (sample_data/mno_like_afm_mpmsxl.dat)")
    fig.savefig(OUT, dpi=96, metadata={"Software": f"magfit {magfit.__version__}"})
    size = OUT.stat().st_size
    print(f"wrote {OUT} ({size / 1000:.0f} kB)")
    if size > MAX_BYTES:
        raise SystemExit(f"{OUT} is larger than {MAX_BYTES} bytes; lower the dpi")


if __name__ == "__main__":
    main()
