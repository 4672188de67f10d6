"""Write tests/frozen_verdicts.json: classify()'s label, confidence, deciding rule and flags for every
case of tests/_verdict_cases.py (run from the project root: ``python tests/make_frozen_verdicts.py``).

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


def main() -> int:
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    rows = []
    for name, mode, build in all_cases():
        rows.append({"name": name, "mode": mode, **record(run_case(mode, build))})
    OUT.write_text(json.dumps(rows, indent=1) + "\n")
    print(f"{len(rows)} verdicts -> {OUT} ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
