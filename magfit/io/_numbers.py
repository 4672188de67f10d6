"""Numbers written with thousands separators: '10,000' (quoted in a CSV), '10 000', '10'000', and, in a
file with decimal commas, '10.000' / '1.234,5'.

A column is read this way only when every one of its grouped cells has groups of exactly three digits
with one separator throughout; the columns so read are named in the provenance notes. Nothing else
changes: a cell such as '1.5' in a decimal-comma file stays a decimal point, as before.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["ungroup_point_decimal", "ungroup_decimal_comma"]

_EXP = r"(?:[eE][-+]?\d+)?"
#: point decimal: 12,345.6 | 12 345.6 | 12'345.6 (also no-break and narrow no-break spaces)
_GROUPED_POINT = re.compile(r"^\s*[-+]?\d{1,3}(?P<s>[, \u00a0\u202f'’])\d{3}(?:(?P=s)\d{3})*(?:\.\d*)?"
                            + _EXP + r"\s*$")
#: decimal comma: 12.345,6 | 12 345,6 | 12.345
_GROUPED_COMMA = re.compile(r"^\s*[-+]?\d{1,3}(?P<s>[. \u00a0\u202f'’])\d{3}(?:(?P=s)\d{3})*(?:,\d*)?"
                            + _EXP + r"\s*$")
_SEPARATORS = re.compile(r"(?<=\d)[, \u00a0\u202f'’](?=\d{3})")
_SEPARATORS_COMMA = re.compile(r"(?<=\d)[. \u00a0\u202f'’](?=\d{3})")
_PLAIN = re.compile(r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)" + _EXP + r"\s*$")


def ungroup_point_decimal(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Text columns whose every non-empty cell is a number, some with thousands separators, as floats.

    Returns the frame (a copy when a column changed) and the names of the columns converted.
    """
    converted: list[str] = []
    texts = {name: frame[name].dropna().astype(str) for name in frame.columns
             if not pd.api.types.is_numeric_dtype(frame[name].dtype)}
    if not texts:
        return frame, converted
    # '1,5' or '2,25' anywhere: commas are decimal marks in this file, so '1,000' is not a thousand
    if any(t.str.contains(_DECIMAL_COMMA_CELL).any() for t in texts.values()):
        return frame, converted
    for name, text in texts.items():
        if text.empty:
            continue
        grouped = text.str.match(_GROUPED_POINT)
        if not _grouping_is_certain(text, grouped, frame):
            continue
        if not grouped.any() or not (grouped | text.str.match(_PLAIN) | (text.str.strip() == "")).all():
            continue
        values = pd.to_numeric(text.str.replace(_SEPARATORS, "", regex=True).str.strip(), errors="coerce")
        if not converted:
            frame = frame.copy()
        frame[name] = values.reindex(frame.index).astype(float)
        converted.append(str(name))
    return frame, converted


_DECIMAL_COMMA_CELL = r"^\s*[-+]?\d+,(?:\d{1,2}|\d{4,})(?:[eE][-+]?\d+)?\s*$"


def _grouping_is_certain(text: pd.Series, grouped: pd.Series, frame: pd.DataFrame) -> bool:
    """'1,000' is a thousand (not 1.000) when a separator other than a comma is used, a cell has two
    groups or a decimal point ('1,234,567', '1,234.5'), or the file writes decimal points elsewhere."""
    cells = text[grouped]
    if cells.empty:
        return False
    if (~cells.str.contains(",", regex=False)).all() or cells.str.contains(r",\d{3},|\.", regex=True).any():
        return True
    points = any(pd.api.types.is_float_dtype(frame[c].dtype) for c in frame.columns)
    return points or text.str.contains(r"^\s*[-+]?\d*\.\d", regex=True).any()


def ungroup_decimal_comma(text: str, sep: str) -> tuple[str, list[int]]:
    """The data rows of a decimal-comma table with thousands separators removed, column by column.

    A column loses its separators when every cell holding one ('10.000', '1.234,5', '10 000,5') has
    groups of three digits; its other cells must be plain numbers (with a decimal comma) or empty.
    Returns the text and the 0-based indices of the columns changed.
    """
    lines = text.split("\n")
    splitter = (lambda s: s.split()) if sep == r"\s+" else (lambda s: s.split(sep))
    cells = [splitter(line) for line in lines]
    width = max((len(c) for c in cells), default=0)
    changed = []
    for k in range(width):
        column = [c[k] for c in cells if len(c) > k and c[k].strip()]
        grouped = [bool(_GROUPED_COMMA.match(v)) for v in column]
        plain = [g or _PLAIN.match(v.replace(",", ".")) for g, v in zip(grouped, column, strict=True)]
        if any(grouped) and all(plain):
            changed.append(k)
    if not changed:
        return text, []
    for c in cells:
        for k in changed:
            if len(c) > k:
                c[k] = _SEPARATORS_COMMA.sub("", c[k])
    joiner = " " if sep == r"\s+" else sep
    return "\n".join(joiner.join(c) for c in cells), changed
