"""sample_data/: the generator is deterministic and the committed files are what it writes.

Loading the files is tested by the loaders' tests; here only generation and the physics of the
generator's own model functions are checked.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from magfit.units import CURIE_CGS_PER_MUB2

SAMPLE_DATA = Path(__file__).resolve().parents[1] / "sample_data"

SCRIPT = SAMPLE_DATA / "make_sample_data.py"


@pytest.fixture(scope="module")
def gen():
    spec = importlib.util.spec_from_file_location("make_sample_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def regenerated(gen, tmp_path_factory):
    out = tmp_path_factory.mktemp("sample_data")
    return gen.main(out)


def test_committed_files_exist_and_are_small(gen):
    total = 0
    for name in gen.FILES:
        path = SAMPLE_DATA / name
        assert path.is_file(), f"{name} missing: run python sample_data/make_sample_data.py"
        total += path.stat().st_size
    assert total < 300_000


def test_regeneration_is_byte_identical(gen, regenerated):
    assert [p.name for p in regenerated] == list(gen.FILES)
    for path in regenerated:
        assert path.read_bytes() == (SAMPLE_DATA / path.name).read_bytes(), (
            f"{path.name} differs from a fresh run of make_sample_data.py; regenerate and commit it")


def test_second_run_identical(gen, regenerated, tmp_path):
    again = gen.main(tmp_path)
    for a, b in zip(regenerated, again, strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_readme_lists_every_file(gen):
    text = (SAMPLE_DATA / "README.md").read_text(encoding="utf-8")
    for name in gen.FILES:
        assert f"`{name}`" in text


def test_mpms3_layout(regenerated):
    """[Header] with INFO,<value>,<KEY>; empty 'Moment (emu)'; data in 'DC Moment Free Ctr (emu)'."""
    lines = (regenerated[0].parent / "gd_sulfate_mpms3.dat").read_text().splitlines()
    assert lines[0] == "[Header]"
    assert "INFO,10.0,SAMPLE_MASS" in lines
    assert "INFO,746.79,SAMPLE_MOLECULAR_WEIGHT" in lines
    i = lines.index("[Data]")
    names = lines[i + 1].split(",")
    assert len(names) == 89
    rows = [r.split(",") for r in lines[i + 2:]]
    assert all(len(r) == 89 for r in rows)
    moment = names.index("Moment (emu)")
    free = names.index("DC Moment Free Ctr (emu)")
    assert all(r[moment] == "" for r in rows)
    assert all(float(r[free]) > 0 for r in rows)


def test_mpmsxl_layout(regenerated):
    lines = (regenerated[0].parent / "mno_like_afm_mpmsxl.dat").read_text().splitlines()
    assert "INFO, WEIGHT, 25.000" in lines
    i = lines.index("[Data]")
    names = lines[i + 1].split(",")
    assert names[-1] == ""  # trailing comma, as MultiVu writes it
    row = lines[i + 2].split(",")
    assert len(row) == len(names)
    assert row[names.index("Field (Oe)")].endswith("e+003")  # three-digit exponent


def test_gd_moment_follows_curie_weiss(regenerated):
    """Raw moment -> chi by the generator's own conversion recovers the stated C within noise."""
    lines = (regenerated[0].parent / "gd_sulfate_mpms3.dat").read_text().splitlines()
    i = lines.index("[Data]")
    names = lines[i + 1].split(",")
    rows = np.array([[float(r.split(",")[names.index(c)]) for c in
                      ("Temperature (K)", "Magnetic Field (Oe)", "DC Moment Free Ctr (emu)")]
                     for r in lines[i + 2:]])
    t, h, m = rows.T
    chi = m * 746.788 / (0.010 * h)
    chi_para = chi + 264.3e-6
    curie = chi_para * (t + 0.5)
    expected = 2 * CURIE_CGS_PER_MUB2 * 4 * 3.5 * 4.5          # two Gd3+, g = 2, S = 7/2
    assert np.median(curie) == pytest.approx(expected, rel=2e-3)


def test_afm_mean_field_limits(gen):
    """Neel two-sublattice: CW above T_N, continuous at T_N, chi(0) = 2/3 chi_perp = 2/3 C/(T_N - theta)."""
    spin, theta, tn = 2.5, -60.0, 30.0
    curie = CURIE_CGS_PER_MUB2 * 4 * spin * (spin + 1)
    chi_tn = curie / (tn - theta)
    t = np.array([0.5, tn - 1e-4, tn, tn + 1e-4, 100.0])
    chi = gen.afm_powder_chi(t, spin, curie, theta, tn)
    assert chi[0] == pytest.approx(2 / 3 * chi_tn, rel=1e-6)
    assert chi[1:4] == pytest.approx([chi_tn] * 3, rel=1e-5)
    assert chi[4] == pytest.approx(curie / (100.0 - theta), rel=1e-12)
    below = gen.afm_powder_chi(np.linspace(1, tn - 0.1, 30), spin, curie, theta, tn)
    assert np.all(np.diff(below) > 0)  # chi_par rises monotonically towards T_N


def test_brillouin_slope_matches_numerical_derivative(gen):
    for spin in (0.5, 2.5, 3.5):
        for x in (1e-8, 0.3, 2.0):
            h = 1e-6
            if x > h:
                up, down = gen.brillouin(spin, np.array([x + h, x - h]))
                numeric = (up - down) / (2 * h)
            else:
                numeric = (spin + 1) / (3 * spin)  # B_S(x) ~ (S+1) x / (3S)
            assert gen.brillouin_slope(spin, x) == pytest.approx(numeric, rel=1e-6)
