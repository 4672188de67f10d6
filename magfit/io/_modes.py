"""Quantum Design files measured in two modes: VSM rows and DC-scan rows in one MPMS3 file.

MultiVu writes one row per measurement: a VSM point fills ``Moment (emu)``, a DC-scan point fills
``DC Moment Free Ctr (emu)`` (and ``Fixed Ctr``). A sequence that switches mode mid-run (VSM at
low temperature, DC scan above, or alternating) leaves each column empty in the other mode's rows.
The moment is then read row by row from whichever column holds it; taking one column only
dropped the other mode's rows (counted, but lost).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["merge_mode_columns"]

#: (canonical, VSM column, DC-scan columns in order of preference)
_PAIRS = (
    ("moment_emu", "Moment (emu)", ("DC Moment Free Ctr (emu)", "DC Moment Fixed Ctr (emu)")),
    ("moment_err_emu", "M. Std. Err. (emu)",
     ("DC Moment Err Free Ctr (emu)", "DC Moment Err Fixed Ctr (emu)")),
)


def merged_name(vsm: str, dc: str) -> str:
    """Name of the derived column holding ``vsm`` where filled, else ``dc``."""
    return f"{vsm} or {dc}"


def merge_mode_columns(frame: pd.DataFrame, mapping: dict[str, str], provenance: dict) -> pd.DataFrame:
    """Add a moment column taking each row's value from the VSM or the DC-scan column, when the file
    has rows of both modes (each empty where the other is filled). Original columns are kept.

    Returns the frame (a new one when a column was added); ``mapping`` then names the merged
    column and ``provenance["merged_modes"]`` counts the rows of each mode.
    """
    if mapping.get("moment_emu") != "Moment (emu)":
        return frame
    vsm = _values(frame, "Moment (emu)")
    dc_name = next((n for n in _PAIRS[0][2] if n in frame.columns and frame[n].notna().any()), None)
    if dc_name is None:
        return frame
    dc = _values(frame, dc_name)
    from_dc = np.isnan(vsm) & ~np.isnan(dc)
    if not from_dc.any():
        return frame
    frame = frame.copy()
    record = {"VSM rows": int((~np.isnan(vsm)).sum()), "DC scan rows": int(from_dc.sum()), "columns": {}}
    for canon, vsm_col, dc_cols in _PAIRS:
        dc_col = dc_cols[_PAIRS[0][2].index(dc_name)]
        if vsm_col not in frame.columns or dc_col not in frame.columns:
            continue
        name = merged_name(vsm_col, dc_col)
        values = _values(frame, vsm_col)
        frame[name] = np.where(from_dc, _values(frame, dc_col), values)
        mapping[canon] = name
        record["columns"][canon] = [vsm_col, dc_col]
    provenance["merged_modes"] = record
    provenance.setdefault("notes", []).append(
        f"VSM and DC-scan rows in one file: the moment is read from 'Moment (emu)' in {record['VSM rows']} "
        f"rows and from {dc_name!r} in {record['DC scan rows']} rows (derived column "
        f"{merged_name('Moment (emu)', dc_name)!r}; the original columns are kept)")
    return frame


def _values(frame: pd.DataFrame, name: str) -> np.ndarray:
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
