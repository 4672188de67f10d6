"""Text of the report's summary table, shared by report.html and report.pdf (no matplotlib here).

One row of :data:`magfit.batch.SUMMARY_COLUMNS` becomes display cells with one consistent
precision per quantity (value ± stat ± sys, the uncertainty with two significant digits and the
value to the same decimal place), and its flags become short footnote keys, numbered once per
report, so that the table stays narrow and the full text is given once under it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .plot import _SUPERSCRIPT as SUPERSCRIPT
from .plot import window_text

#: (heading, key) of the summary table in report.html and report.pdf
DISPLAY_COLUMNS = [
    ("sample", "sample"), ("basis", "basis"), ("μ_eff ± stat ± sys (μB)", "mu_eff"),
    ("θ (K)", "theta_K"), ("χ₀ (emu/mol)", "chi0_emu_mol"), ("C (emu K/mol)", "C_emu_K_mol"),
    ("window (K)", "window"), ("label", "label"), ("conf.", "confidence"),
    ("top candidate(s)", "candidates"), ("flags", "flags"),
]

#: quantities shown as value ± stat (± sys): key -> (stat column, sys column or None)
_ERRORS = {"mu_eff": ("mu_eff_err", "mu_eff_sys"), "theta_K": ("theta_K_err", "theta_K_sys"),
           "chi0_emu_mol": ("chi0_emu_mol_err", "chi0_emu_mol_sys"), "C_emu_K_mol": ("C_emu_K_mol_err", None)}


def _float(value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return v


def pm_text(value: Any, stat: Any = None, sys: Any = None) -> str:
    """``7.928 ± 0.003 ± 0.050``: the value to the decimal place of the 2-digit statistical error.

    Small or large numbers share one power of ten: ``(-5.3 ± 3.4)×10⁻⁵``. Missing (NaN)
    uncertainties are left out; a missing value gives "" (never "nan").

    Parameters
    ----------
    value, stat, sys : float or None
        Value, statistical (1σ) and systematic uncertainty.

    Returns
    -------
    str
    """
    v, s, y = _float(value), _float(stat), _float(sys)
    if not math.isfinite(v):
        return ""
    errs = [e for e in (s, y) if math.isfinite(e) and e > 0]
    exponent = 0
    big = max([abs(v), *errs])
    if big != 0 and (big < 1e-2 or big >= 1e5):
        exponent = int(math.floor(math.log10(big)))
    scale = 10.0 ** exponent
    ref = s if math.isfinite(s) and s > 0 else (errs[0] if errs else float("nan"))
    decimals = max(0, 1 - int(math.floor(math.log10(ref / scale)))) if math.isfinite(ref) else 4
    decimals = min(decimals, 8)
    if not math.isfinite(ref):
        text = f"{v / scale:.4g}"
    else:
        text = f"{v / scale:.{decimals}f}"
        for e in (s, y):
            if math.isfinite(e) and e > 0:
                text += f" ± {e / scale:.{decimals}f}"
    if exponent:
        return f"({text})×10{str(exponent).translate(SUPERSCRIPT)}" if "±" in text else \
            f"{text}×10{str(exponent).translate(SUPERSCRIPT)}"
    return text


def flag_key(flag: str) -> str:
    """The short form of a flag: its text before the first ':' or ' (' (numbers kept), ≤ 60 chars.

    Parameters
    ----------
    flag : str
        One flag of a fit or an error message.

    Returns
    -------
    str
    """
    text = str(flag).strip()
    cut = min([i for i in (text.find(": "), text.find(" (")) if i > 0] or [len(text)])
    key = text[:cut].strip()
    return key if len(key) <= 60 else key[:59] + "…"


class Footnotes:
    """Short flag keys numbered in the order they first appear in a report."""

    def __init__(self) -> None:
        self.keys: dict[str, int] = {}
        self.example: dict[str, str] = {}

    def refs(self, row: Mapping[str, Any]) -> list[int]:
        """Footnote numbers of a summary row's flags (and its error)."""
        texts = [f for f in str(row.get("flags") or "").split("; ") if f.strip()]
        if row.get("error"):
            texts.insert(0, "failed — " + str(row["error"]))
        out = []
        for text in texts:
            key = flag_key(text)
            if key not in self.keys:
                self.keys[key] = len(self.keys) + 1
                self.example[key] = text
            out.append(self.keys[key])
        return sorted(set(out))

    def items(self) -> list[tuple[int, str, str]]:
        """(number, short key, first full text) of every footnote."""
        return [(n, k, self.example[k]) for k, n in self.keys.items()]


def footnote_text(key: str, full: str) -> str:
    """A footnote's text: the flag's first full text, prefixed by its short key only where the full text
    does not already start with it (so a key is never printed twice)."""
    return full if full.startswith(key) else f"{key} — e.g. {full}"


def cell(row: Mapping[str, Any], key: str, notes: Footnotes | None = None) -> str:
    """Display text of one summary cell (``key`` from :data:`DISPLAY_COLUMNS`)."""
    if key in _ERRORS:
        stat, sys = _ERRORS[key]
        return pm_text(row.get(key), row.get(stat), row.get(sys) if sys else None)
    if key == "window":
        return window_text(_float(row.get("tmin_K")), _float(row.get("tmax_K")))
    if key == "confidence":
        c = _float(row.get("confidence"))
        return f"{c:.2f}" if math.isfinite(c) else ""
    if key == "candidates":  # the ions only; their μ_eff and distance are in the sample's section
        return ", ".join(part.split(" (")[0] for part in str(row.get(key) or "").split("; ") if part)
    if key == "flags":
        if notes is None:
            return str(row.get("error") or row.get("flags") or "")
        refs = notes.refs(row)
        return ("failed " if row.get("error") else "") + ",".join(str(n) for n in refs)
    if key == "file":
        return Path(str(row.get("file") or "")).name
    value = row.get(key)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return str(value)


def sort_key(row: Mapping[str, Any], key: str) -> str:
    """A sortable string of a summary cell (numbers as numbers)."""
    numeric = {"window": "tmin_K"}.get(key, key)
    v = _float(row.get(numeric))
    if key in _ERRORS or key in ("window", "confidence"):
        return f"{v:.10g}" if math.isfinite(v) else ""
    return cell(row, key)


def numbers(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(name, text) of a sample's fitted numbers, for its own section / page."""
    out = [("μ_eff (μB) " + (row.get("basis") or ""), cell(row, "mu_eff")),
           ("θ (K)", cell(row, "theta_K")), ("χ₀ (emu/mol)", cell(row, "chi0_emu_mol")),
           ("C (emu K/mol)", cell(row, "C_emu_K_mol")), ("window (K)", cell(row, "window"))]
    n = _float(row.get("n_points"))
    red = _float(row.get("redchi"))
    out.append(("points in window", str(int(n)) if math.isfinite(n) else ""))
    out.append(("χ²_ν", f"{red:.3g}" if math.isfinite(red) else ""))
    return [(k, v) for k, v in out if v]


def flatten(obj: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested provenance as (dotted key, text) lines."""
    if isinstance(obj, Mapping):
        out: list[tuple[str, str]] = []
        for k, v in obj.items():
            out += flatten(v, f"{prefix}.{k}" if prefix else str(k))
        return out or [(prefix, "{}")] if prefix else out
    return [(prefix, str(obj))]
