"""Hypothesis fuzz test of the loaders (issue 11, section 2), bounded to well under a minute.

Mutants of the project's own sample files (truncation, byte flips, quotes, line-ending mixes,
duplicated/deleted lines, re-encodings, extreme numbers, long lines; see tests/fuzzkit.py) must
load or fail with a MagfitError, within a per-case time limit, without RuntimeWarnings, and with
every line of the data section accounted for (rows + counted drops). The mutation is drawn from a
seed that hypothesis chooses (derandomized: the same cases every run) and shrinks on failure.
The long run over >= 10,000 mutants including the real files is benchmarks/fuzz_loaders.py.
"""

from __future__ import annotations

import numpy as np
from conftest import SAMPLE_DATA
from fuzzkit import exercise, mutate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FILES = sorted(p for p in SAMPLE_DATA.iterdir()
               if p.suffix in (".dat", ".csv") and p.name != "magfit_options.csv")
SAMPLE = {"mass_mg": 10.0, "molar_mass_g_mol": 500.0}
#: per-case limit: a normal case takes well under a second; a hang is what this catches
TIMEOUT_S = 15.0


def test_the_originals_load_and_account_for_every_row():
    for path in FILES:
        out = exercise(path, SAMPLE, TIMEOUT_S)
        assert out.status == "ok", (path.name, out.detail)


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(file_index=st.integers(0, len(FILES) - 1), seed=st.integers(0, 2**32 - 1),
       n_ops=st.integers(1, 3))
def test_mutants_give_only_magfit_errors_and_lose_no_row(tmp_path_factory, file_index, seed, n_ops):
    src = FILES[file_index]
    raw, ops = mutate(src.read_bytes(), np.random.default_rng(seed), n_ops)
    path = tmp_path_factory.mktemp("fuzz") / f"mutant{src.suffix}"
    path.write_bytes(raw)
    out = exercise(path, SAMPLE, TIMEOUT_S)
    assert out.status in ("ok", "magfit_error"), (src.name, ops, out.status, out.detail)
