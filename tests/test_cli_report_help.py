"""`magfit --help` stays light: the report help lists the options-table columns without importing batch."""

from __future__ import annotations

import subprocess
import sys


def test_help_columns_are_the_batch_option_columns():
    from magfit.batch import OPTION_COLUMNS
    from magfit.cli.report import TABLE_COLUMNS

    assert list(TABLE_COLUMNS) == list(OPTION_COLUMNS)


def test_help_imports_no_pandas_numpy_or_lmfit():
    code = ("import sys\nfrom magfit.cli import build_parser\nbuild_parser()\n"
            "print(sorted(m for m in ('pandas', 'numpy', 'lmfit', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
