"""Execute every tutorial notebook (notebooks/*.ipynb) and fail on any error.

The notebooks contain their own physics checks (``assert`` cells comparing the fits with the known
truth of ``sample_data``), so a notebook that runs is also a notebook whose story still holds.
Each runs in a fresh ``python3`` kernel with ``notebooks/`` as working directory, as a reader
would run it. All five take well under a minute of CPU together (small Monte Carlo lattices).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NB_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NB_DIR.glob("[0-9][0-9]_*.ipynb"))
EXPECTED = [
    "01_quickstart",
    "02_localized_vs_itinerant",
    "03_fit_window_and_uncertainties",
    "04_simulation",
    "05_batch_report",
    "06_spin_clusters",
    "07_ferromagnet",
]
CELL_TIMEOUT_S = 120


def test_all_tutorials_present():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_without_outputs(path):
    """Notebooks are stored clean: no outputs or execution counts (reviewable diffs, no stale results)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code_cells, f"{path.name} has no code"
    dirty = [i for i, c in enumerate(code_cells) if c.get("outputs") or c.get("execution_count") is not None]
    assert not dirty, (f"{path.name}: code cells {dirty} carry outputs; "
                       "rebuild with notebooks/_build_notebooks.py")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_portable_and_clean_environment(path):
    """Relative data paths only (no machine-specific paths), no GUI backend, a python3 kernel."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    source = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    for forbidden in ("/work/", "/home/", "/tmp/", "C:\\\\", "matplotlib.use(\"TkAgg", "%matplotlib qt"):
        assert forbidden not in source, f"{path.name} contains {forbidden!r}"
    assert 'Path("..") / "sample_data"' in source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path):
    nb = nbformat.read(path, as_version=4)
    env_backup = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"          # inherited by the kernel: never a GUI backend
    try:
        client = nbclient.NotebookClient(
            nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
            resources={"metadata": {"path": str(NB_DIR)}},
        )
        client.execute()
    finally:
        if env_backup is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = env_backup
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    # nothing may be written next to the notebooks (outputs go to temporary directories)
    leftovers = {p.name for p in NB_DIR.iterdir()} - {p.name for p in NB_DIR.glob("*.ipynb")} \
        - {"_build_notebooks.py", "README.md", "__pycache__", ".ipynb_checkpoints"}
    assert not leftovers, f"{path.name} wrote {sorted(leftovers)} into notebooks/"
