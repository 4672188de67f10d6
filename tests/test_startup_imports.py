"""Start-up stays light (issue 12): which packages each entry point imports -- the import *set*,
not times (times depend on the machine; benchmarks/bench_startup.py prints those).

Each check runs in a fresh interpreter and reads ``sys.modules`` afterwards.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GD = ROOT / "sample_data" / "gd_sulfate_mpms3.dat"
#: the fitting / plotting stack: nothing that only reads and converts a file may pull these in
FIT_STACK = ("scipy", "lmfit", "uncertainties", "matplotlib", "numba", "statsmodels")


def _loaded(code: str, candidates: tuple[str, ...]) -> list[str]:
    """The ``candidates`` (top-level package names) that ``code`` leaves imported."""
    probe = (f"{code}\nimport sys\n"
             f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(candidates)!r}))))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return [m for m in out.stdout.strip().split(",") if m]


def test_import_magfit_loads_no_third_party_package():
    assert _loaded("import magfit", ("numpy", "pandas", *FIT_STACK, "pint", "periodictable")) == []


def test_help_via_python_m_loads_no_numpy_or_pandas():
    code = ("import runpy, sys, contextlib, io\nsys.argv = ['magfit', '--help']\n"
            "with contextlib.redirect_stdout(io.StringIO()) as buf:\n"
            "    try:\n        runpy.run_module('magfit', run_name='__main__')\n"
            "    except SystemExit:\n        pass\n"
            "assert 'fit' in buf.getvalue() and 'usage' in buf.getvalue()")
    assert _loaded(code, ("numpy", "pandas", *FIT_STACK, "pint", "periodictable")) == []


def test_units_and_chit_load_no_scipy_or_pandas():
    # constants are literals (scipy.constants costs 0.2-0.3 s); a ChiT needs numpy only
    assert _loaded("import magfit.units, magfit.chit", ("pandas", *FIT_STACK)) == []


def test_reading_and_converting_a_qd_file_loads_no_fit_stack():
    code = (f"import magfit\nm = magfit.read({str(GD)!r})\n"
            "chi = m.susceptibility(formula='Gd2(SO4)3(H2O)8', per_ion='Gd', diamagnetic='pascal')\n"
            "assert len(chi.temperature_K) > 50")
    assert _loaded(code, FIT_STACK) == []


def test_reading_without_a_formula_loads_no_formula_parser():
    # periodictable's formula parser pulls pyparsing (~50 ms): only a formula given by the user needs it
    code = (f"import magfit\nm = magfit.read({str(GD)!r})\n"
            "chi = m.susceptibility(mass_mg=10.0, molar_mass_g_mol=746.8, per_ion='Gd', n_ions=2)")
    assert _loaded(code, ("pyparsing", *FIT_STACK)) == []


def test_reading_a_table_with_unit_strings_loads_no_fit_stack(tmp_path):
    path = tmp_path / "chi.csv"
    path.write_text("T (K),chi (emu/mol)\n2,0.5\n3,0.34\n4,0.25\n", encoding="utf-8")
    code = f"import magfit\nm = magfit.read({str(path)!r})\nassert len(m.data) == 3"
    # unit strings are parsed by pint, whose pint.compat imports scipy and uncertainties (and dask)
    # when they are installed: only lmfit and the plotting stack are magfit's to keep out here
    assert _loaded(code, ("lmfit", "matplotlib", "numba")) == []


def test_the_modules_of_the_read_path_import_no_fit_stack():
    mods = ["magfit.units", "magfit.chit", "magfit.io", "magfit.io.qd", "magfit.io.table", "magfit.io.names",
            "magfit.measurement", "magfit.segments", "magfit.convert", "magfit.corrections", "magfit.sample",
            "magfit.formula", "magfit._json", "magfit.table_chi", "magfit.unit_parse",
            "magfit.field_dependence", "magfit.cli", "magfit.cli.fit", "magfit.cli.info",
            "magfit.cli._options"]
    code = "import importlib\nfor m in " + repr(mods) + ":\n    importlib.import_module(m)"
    assert _loaded(code, (*FIT_STACK, "pint", "pyparsing")) == []


def test_fit_command_with_a_plain_formula_loads_no_formula_parser():
    # magfit.formula reads plain formulas itself (tests/test_formula_fast.py): periodictable + pyparsing
    # (~0.1 s) only for isotopes, ions, mixtures or text it does not know
    code = ("import contextlib, io\nfrom magfit.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as buf:\n"
            f"    rc = main(['fit', {str(GD)!r}, '--formula', 'Gd2(SO4)3(H2O)8', '--per-ion', 'Gd3+', "
            "'--diamagnetic', 'pascal', '--json'])\n"
            "assert rc == 0 and '\"label\": \"localized\"' in buf.getvalue(), buf.getvalue()")
    assert _loaded(code, ("periodictable", "pyparsing")) == []
