"""Space-aligned (fixed-width) tables with blank cells.

Split at whitespace, a row with a blank cell has fewer values than the header names, and every value
after the blank moves one column to the left: an error value read as chi, a field read as the moment.
When the rows of a whitespace-separated table do not all have the same number of values, the columns
are taken from their positions instead: the character columns that hold a value in some row form one
field each. If those positions do not give one field per named column (the rows are not aligned), the
missing values are taken to be the last ones, as pandas reads them, with a warning naming the first
short row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["realign_short_rows"]


def _spans(lines: list[str]) -> list[tuple[int, int]]:
    """Maximal runs of character positions that hold a non-space character in at least one line."""
    width = max(len(ln) for ln in lines)
    occupied = np.zeros(width + 1, dtype=bool)
    for ln in lines:
        codes = np.frombuffer(ln.encode("utf-32-le"), dtype=np.uint32)
        occupied[:codes.size] |= (codes != 32) & (codes != 9)
    edges = np.flatnonzero(np.diff(np.concatenate([[False], occupied])).astype(bool))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=False))


def realign_short_rows(frame: pd.DataFrame, text: str, names: list[str], path: str, first_line: int
                       ) -> tuple[pd.DataFrame, dict]:
    """The frame re-read by column positions when some rows of a whitespace table are short.

    Parameters
    ----------
    frame : DataFrame
        As parsed at whitespace (one row per non-blank line of ``text``).
    text : str
        The data section.
    names : list of str
        Column names (the frame's).
    path, first_line
        For messages: file name and the file line of the first data row.

    Returns
    -------
    (frame, info)
        ``info["fixed_width"]`` records the column positions used (empty when nothing changed).
    """
    raw_lines = text.split("\n")
    rows = [(k, ln.rstrip("\r")) for k, ln in enumerate(raw_lines) if ln.strip()]
    counts = [len(ln.split()) for _, ln in rows]
    if len(rows) != len(frame) or not counts or min(counts) == max(counts) == len(names):
        return frame, {}
    short = next(((k, n) for (k, _), n in zip(rows, counts, strict=True) if n < len(names)), None)
    if short is None:
        return frame, {}
    spans = _spans([ln.expandtabs(8) for _, ln in rows])
    if len(spans) != len(names):    # not aligned: the missing values are the last ones (as before)
        line = first_line + short[0]
        n_short = sum(n < len(names) for n in counts)
        warning = (f"{n_short} row(s) have fewer values than the header names columns (first: line {line}); "
                   "their missing values were taken to be the last columns' -- if a blank cell was in the "
                   "middle, fill it (e.g. NaN) or use a delimiter")
        return frame, {"short_rows": {"count": n_short, "first_line": line}, "warnings": [warning]}
    cells = {name: [ln.expandtabs(8)[a:b].strip() for _, ln in rows] for name, (a, b) in zip(names, spans,
                                                                                            strict=True)}
    fixed = pd.DataFrame({name: pd.to_numeric(pd.Series(v, index=frame.index).replace("", np.nan),
                                              errors="coerce").where(pd.Series(v, index=frame.index) != "")
                          if _numeric_column(v) else pd.Series(v, index=frame.index).replace("", np.nan)
                          for name, v in cells.items()})
    n_short = sum(n < len(names) for n in counts)
    return fixed, {"fixed_width": {"columns": [list(s) for s in spans], "short_rows": n_short},
                   "notes": [f"{n_short} row(s) with blank cells in a space-aligned table: columns read by "
                             "their positions"]}


def _numeric_column(values: list[str]) -> bool:
    filled = [v for v in values if v]
    return bool(filled) and pd.to_numeric(pd.Series(filled), errors="coerce").notna().mean() > 0.5
