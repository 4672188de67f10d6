"""Shared fixtures: the real instrument files in ../shared/realdata (skipped where absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (a fixed seed per test): CI judges one run, so a
# rare draw must not turn it red by chance. Set HYPOTHESIS_PROFILE=explore to draw new examples when
# hunting for failures.
settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DATA = ROOT / "sample_data"
REALDATA = ROOT.parent / "shared" / "realdata"


def realfile(name_part: str) -> Path:
    """Path of the real file whose name contains ``name_part``; skip the test if it is absent."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is not present")
    hits = sorted(p for p in REALDATA.iterdir() if name_part in p.name and p.suffix != ".md")
    if not hits:
        pytest.skip(f"no real file matching {name_part!r} in {REALDATA}")
    return hits[0]


@pytest.fixture
def realdata_dir() -> Path:
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is not present")
    return REALDATA
