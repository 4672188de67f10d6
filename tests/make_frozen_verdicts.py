"""Write tests/frozen_verdicts.json: classify()'s label, confidence, deciding rule and flags for every
case of tests/_verdict_cases.py (run from the project root: ``python tests/make_frozen_verdicts.py``).

Every case is classified twice in one process, in forward and then in reverse order: a few fits
are not bit-reproducible across process state (memory alignment changes the last bits of numpy
sums, and a borderline window decision of fit_curie_weiss flips), so a case whose two runs differ
records the second outcome under ``alternatives`` and the test accepts either.

Regenerate only in a commit of its own whose message says which verdicts changed and why;
tests/test_frozen_verdicts.py asserts that the code still gives these verdicts.
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _verdict_cases import all_cases, record, run_case  # noqa: E402

OUT = HERE / "frozen_verdicts.json"


def _safe(mode, build) -> dict:
    """The frozen record, or the exception a run raised (recorded as an 'error: ...' label)."""
    try:
        return record(run_case(mode, build))
    except Exception as exc:  # noqa: BLE001 - an old crash is recorded, not hidden
        return {"label": f"error: {type(exc).__name__}", "confidence": 0.0, "rule": str(exc)[:80],
                "flags": []}


def main() -> int:
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    cases = all_cases()
    rows = [{"name": name, "mode": mode, **_safe(mode, build)} for name, mode, build in cases]
    n_alt = 0
    for k in reversed(range(len(cases))):
        name, mode, build = cases[k]
        again = _safe(mode, build)
        if again != {key: rows[k][key] for key in again}:
            rows[k]["alternatives"] = [again]
            n_alt += 1
    OUT.write_text(json.dumps(rows, indent=1) + "\n")
    print(f"{len(rows)} verdicts ({n_alt} with an alternative) -> {OUT} ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
