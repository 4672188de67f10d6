"""Long fuzz run of the loaders (issue 11, section 2): >= 10,000 mutants of the project's sample
files and of the real instrument files in ../shared/realdata (or $MAGFIT_REALDATA).

Each mutant (1-3 of: truncation, byte flips, inserted quotes / CRs / form feeds / NEL / BOMs,
line-ending mixes, duplicated or deleted lines, re-encodings incl. BOM-less UTF-16, extreme
numbers such as 1e308, long lines) is read and used (summary, segments, susceptibility) under a
per-case time limit, with RuntimeWarnings turned into errors. Counted: ok, MagfitError, foreign
exceptions, hangs, and row-accounting failures (lines in the data section != rows + counted drops).
The originals are checked first. Exit code 1 unless foreign = hangs = rows lost = 0.

Run:  nice -n 10 python benchmarks/fuzz_loaders.py [N_MUTANTS] [SEED]
"""

from __future__ import annotations

import collections
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fuzzkit import exercise, mutate  # noqa: E402

REALDATA = Path(os.environ.get("MAGFIT_REALDATA", ROOT.parent / "shared" / "realdata"))
#: generic sample numbers: every moment file can then be converted (values are not checked here)
SAMPLE = {"mass_mg": 10.0, "molar_mass_g_mol": 500.0}
TIMEOUT_S = 20.0


def originals() -> list[Path]:
    files = sorted(p for p in (ROOT / "sample_data").iterdir() if p.suffix in (".dat", ".csv"))
    files = [p for p in files if p.name != "magfit_options.csv"]
    if REALDATA.is_dir():
        files += sorted(p for p in REALDATA.iterdir() if p.suffix.lower() != ".md")
    return files


def main(n: int = 10_000, seed: int = 2026) -> int:
    files = originals()
    rng = np.random.default_rng(seed)
    totals: collections.Counter[str] = collections.Counter()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp) / "case"
        for src in files:  # the originals must load cleanly
            out = exercise(src, SAMPLE, TIMEOUT_S)
            print(f"original {src.name[:70]:<70s} {out.status} {out.detail[:80]}")
            totals[f"original {out.status}"] += 1
        for i in range(n):
            src = files[int(rng.integers(0, len(files)))]
            raw, ops = mutate(src.read_bytes(), rng)
            path = case.with_suffix(src.suffix)
            path.write_bytes(raw)
            out = exercise(path, SAMPLE, TIMEOUT_S)
            totals[out.status] += 1
            if out.status not in ("ok", "magfit_error"):
                keep = Path(tmp).parent / f"magfit_fuzz_{out.status}_{i}{src.suffix}"
                keep.write_bytes(raw)
                if len(examples[out.status]) < 10:
                    examples[out.status].append(f"{src.name} {ops}: {out.detail} (saved {keep})")
                print(f"  case {i}: {out.status}: {src.name} {ops}: {out.detail[:200]}", flush=True)
            if (i + 1) % 250 == 0:
                print(f"{i + 1} mutants, {time.perf_counter() - t0:.0f} s: {dict(totals)}", flush=True)
    print(f"\n{n} mutants of {len(files)} files in {time.perf_counter() - t0:.0f} s")
    for key in ("ok", "magfit_error", "foreign", "hang", "rows_lost"):
        print(f"  {key:<13s}: {totals[key]}")
    for status, lines in examples.items():
        print(f"\n{status}:")
        for line in lines:
            print("  " + line)
    bad = sum(v for k, v in totals.items() if k.split()[-1] in ("foreign", "hang", "rows_lost"))
    return 1 if bad else 0


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    sys.exit(main(*args))
