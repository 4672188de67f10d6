"""Shared fixtures: the real instrument files in ../shared/realdata (skipped where absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

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
