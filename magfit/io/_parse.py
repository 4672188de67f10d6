"""Shared parsing helpers: the data section through pandas' C parser, column-name hygiene."""

from __future__ import annotations

import csv
import re
import warnings
from typing import Any

import numpy as np
import pandas as pd
from pandas.errors import DtypeWarning, EmptyDataError, ParserError, ParserWarning

from ..errors import FormatError, UnitsError

__all__ = ["parse_data", "clean_names", "split_fields", "count_lines", "numeric_report"]

_EXPECTED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
#: at most this many re-parses when rows turn out wider than the header
_MAX_WIDEN = 3


def split_fields(line: str, delimiter: str) -> list[str]:
    """Split one line into fields, honouring double quotes (``"ZFC, 100"`` is one field)."""
    try:
        return next(csv.reader([line], delimiter=delimiter))
    except (StopIteration, csv.Error):
        return line.split(delimiter)


def clean_names(names: list[str]) -> tuple[list[str], dict[str, str]]:
    """Make column names unique and non-empty, keeping the originals wherever possible.

    Empty names become ``"Unnamed: <index>"`` (as pandas names them) and repeated names get
    ``" (2)"``, ``" (3)"`` ...; the returned dict maps every changed name to what the file wrote.
    """
    out: list[str] = []
    changed: dict[str, str] = {}
    seen: set[str] = set()
    for i, raw_name in enumerate(names):
        name = raw_name.strip()
        new = name if name else f"Unnamed: {i}"
        k = 2
        while new in seen:
            new = f"{name or 'Unnamed'} ({k})"
            k += 1
        if new != raw_name:
            changed[new] = raw_name
        seen.add(new)
        out.append(new)
    return out, changed


def count_lines(raw: bytes, start: int = 0, stop: int | None = None) -> int:
    """Number of newline characters in ``raw[start:stop]``."""
    return raw.count(b"\n", start, len(raw) if stop is None else stop)


def _max_fields(text: str, delimiter: str) -> int:
    if delimiter == r"\s+":
        return max((len(line.split()) for line in text.splitlines()), default=0)
    return max((len(r) for r in csv.reader(text.splitlines(), delimiter=delimiter)), default=0)


def parse_data(stream, *, names: list[str], sep: str, encoding: str, path: str,
               first_line: int, text_for_fallback=None) -> tuple[pd.DataFrame, list[str], dict[str, Any]]:
    """Parse the data rows of a delimited section with pandas' C engine.

    Parameters
    ----------
    stream : binary file object
        Positioned at the first data row.
    names : list of str
        Column names (already cleaned); widened with ``Unnamed: k`` when rows have more fields.
    sep : str
        Delimiter (``","``, ``"\\t"``, ``";"`` or ``r"\\s+"``).
    encoding : str
        Codec of the bytes.
    path : str
        File name for messages.
    first_line : int
        1-based file line number of the first data row (for messages).
    text_for_fallback : callable, optional
        Returns the data section as text, used only when rows are wider than the header.

    Returns
    -------
    (DataFrame, names, info)
        ``info`` records widened columns.
    """
    info: dict[str, Any] = {}
    names = list(names)
    start = stream.tell()
    enc = "utf-8" if encoding == "utf-8-sig" else encoding
    for _attempt in range(_MAX_WIDEN + 1):
        stream.seek(start)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", ParserWarning)
                warnings.simplefilter("ignore", DtypeWarning)  # mixed columns are checked afterwards
                frame = pd.read_csv(
                    stream, sep=sep, header=None, names=names, index_col=False, encoding=enc,
                    engine="c", low_memory=True, skip_blank_lines=True, quotechar='"',
                    skipinitialspace=False,
                )
            return frame, names, info
        except EmptyDataError:
            return pd.DataFrame({n: pd.Series(dtype=float) for n in names}), names, info
        except (ParserError, ParserWarning) as exc:
            match = _EXPECTED.search(str(exc))
            if match:
                width = int(match.group(3))
            elif text_for_fallback is not None:
                width = _max_fields(text_for_fallback(), sep)
            else:
                width = 0
            if width <= len(names):
                line = first_line + int(match.group(2)) - 1 if match else None
                raise FormatError(f"data rows could not be split into columns ({exc})", path=path,
                                  line=line, hint="check the delimiter and quoting of this line") from None
            extra = [f"Unnamed: {k}" for k in range(len(names), width)]
            info.setdefault("unnamed_extra_columns", []).extend(extra)
            names = names + extra
        except UnicodeDecodeError as exc:
            raise FormatError(f"undecodable bytes in the data section ({exc.reason})", path=path,
                              hint="re-export the file as UTF-8 or pass a file object opened with "
                                   "the right encoding") from None
    raise FormatError("rows are wider than the header and keep growing", path=path, line=first_line,
                      hint="the file looks corrupted")


def numeric_report(series: pd.Series) -> tuple[np.ndarray, int, int | None, str | None]:
    """Coerce a column to float; count the non-empty cells that are not numbers.

    Returns
    -------
    (values, n_bad, first_bad_row, example)
        ``first_bad_row`` is the 0-based row position of the first non-numeric cell.
    """
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=float, na_value=np.nan), 0, None, None
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    text = series.astype("string").str.strip()
    bad = np.isnan(values) & text.notna().to_numpy() & (text.fillna("") != "").to_numpy()
    # literal NaN / inf spellings are numbers, not garbage
    lowered = text.fillna("").str.lower().to_numpy()
    bad &= ~np.isin(lowered, ["nan", "+nan", "-nan"])
    n_bad = int(bad.sum())
    if n_bad == 0:
        return values, 0, None, None
    first = int(np.flatnonzero(bad)[0])
    return values, n_bad, first, str(series.iloc[first])


# ---------------------------------------------------------------- units of columns
#: the quantity family (magfit.unit_parse) each canonical name belongs to, for ``units=`` overrides
CANONICAL_QUANTITY: dict[str, str] = {
    "temperature_K": "temperature", "field_Oe": "field", "moment_emu": "moment",
    "moment_muB_fu": "moment", "magnetization_emu_g": "moment", "moment_err_emu": "moment_err",
    "chi_emu_mol": "chi", "chi_emu_g": "chi_mass", "chi_err_emu_mol": "chi", "chi_err_emu_g": "chi_mass",
    "time_s": "time", "chiT_emu_K_mol": "chiT", "chiT_err_emu_K_mol": "chiT",
    "inverse_chi_mol_emu": "inverse_chi", "inverse_chi_err_mol_emu": "inverse_chi",
    "mu_eff_muB": "mu_eff", "mu_eff_err_muB": "mu_eff", "chi_volume_cgs": "chi_volume",
    "chi_volume_err_cgs": "chi_volume", "magnetization_emu_mol": "moment",
}


def convert_unit(quantity: str, unit: str, *, path: str | None = None,
                 column: str | None = None, canonical: str | None = None) -> tuple[str, float, float]:
    """(canonical name, factor, offset) for a column of ``quantity`` written in ``unit`` (pint).

    Parameters
    ----------
    quantity : str
        Quantity family (see :data:`magfit.unit_parse.FAMILIES`).
    unit : str
        Unit text, e.g. ``"m^3/mol"``, ``"emu K/mol"``, ``"T"``.
    path, column : str, optional
        For messages.
    canonical : str, optional
        The canonical name the column was mapped to; an error column stays an error column.

    Returns
    -------
    (canonical, factor, offset)
        canonical = factor * value + offset.

    Raises
    ------
    UnitsError
        Unit not understood for this quantity; the message names it and what was expected.
    """
    from ..unit_parse import convert
    from .names import ERROR_OF

    try:
        conv = convert(quantity, unit, column=column)
    except UnitsError as exc:
        where = f"{path}: " if path else ""
        raise UnitsError(f"{where}{exc}. Pass read(..., units={{{(column or quantity)!r}: '<unit>'}}) "
                         "(CLI: --unit CANONICAL=UNIT)") from None
    name = conv.canonical
    if canonical is not None and "err" in canonical:
        name = ERROR_OF.get(name, canonical)
    return name, conv.factor, conv.offset


# ---------------------------------------------------------------- building the Measurement
def _unit_key(user_units: dict[str, str], canon: str, orig: str) -> str | None:
    for key in (orig, canon):
        if key in user_units:
            return user_units[key]
    return None


def finish(source, frame: pd.DataFrame, *, header: dict[str, str], header_lines: list[str],
           instrument: str, variant: str, columns: dict[str, str],
           conversions: dict[str, tuple[float, float, str]], provenance: dict[str, Any],
           first_data_line: int, user_columns: dict[str, str] | None = None,
           user_units: dict[str, str] | None = None, require_temperature: bool = True):
    """Apply explicit column/unit overrides, check canonical columns, and build the Measurement.

    Non-numeric cells in canonical numeric columns are *coerced to NaN and counted* (policy):
    ``provenance["non_numeric"][column] = {"cells": n, "first_line": L, "example": text}``. A
    canonical column without a single number is an error naming the column and line.
    """
    from ..measurement import Measurement
    from .aliases import CANONICAL

    path = source.name
    columns = dict(columns)
    conversions = dict(conversions)
    user_units = dict(user_units or {})
    for canon, orig in (user_columns or {}).items():
        if isinstance(orig, int) and not isinstance(orig, bool):
            if not 1 <= orig <= len(frame.columns):
                raise FormatError(f"column index {orig} (given for {canon}) is out of range "
                                  f"1..{len(frame.columns)}", path=path, hint="columns are counted from 1")
            orig = str(frame.columns[orig - 1])
        if canon not in CANONICAL:
            raise UnitsError(f"{path}: columns={{{canon!r}: ...}}: {canon!r} is not a canonical name; "
                             f"use one of {', '.join(CANONICAL)}")
        if orig not in frame.columns:
            raise FormatError(f"column {orig!r} (given for {canon}) is not in the file", path=path,
                              column=orig, hint="columns are: " + ", ".join(map(repr, frame.columns)))
        for other in [k for k, v in columns.items() if k != canon and v == orig]:
            del columns[other]
        if columns.get(canon) != orig:   # same column as matched: keep the unit from its name
            conversions.pop(canon, None)
        columns[canon] = orig
    for canon in list(columns):
        orig = columns[canon]
        unit = _unit_key(user_units, canon, orig)
        quantity = CANONICAL_QUANTITY.get(canon)
        if unit is None or quantity is None:
            continue
        new_canon, factor, offset = convert_unit(quantity, unit, path=path, column=orig, canonical=canon)
        del columns[canon]
        conversions.pop(canon, None)
        columns[new_canon] = orig
        if factor != 1.0 or offset != 0.0:
            conversions[new_canon] = (factor, offset, unit)
    unknown = [k for k in user_units if k not in columns and k not in columns.values()]
    if unknown:
        raise UnitsError(f"{path}: units given for {unknown}, which are not mapped columns; map them with "
                         "columns={'<canonical>': '<column>'} first")
    if require_temperature and "temperature_K" not in columns:
        raise FormatError(
            "no temperature column", path=path,
            hint="expected a column like 'Temperature (K)', 'T (K)', 'T', 'temperature_K'; or name it "
                 "with read(..., columns={'temperature_K': '<column>'}). Columns are: "
                 + ", ".join(map(repr, frame.columns[:40])),
        )
    from ..measurement import _NUMERIC_CANONICAL

    non_numeric: dict[str, dict[str, Any]] = {}
    for canon in dict.fromkeys([*_NUMERIC_CANONICAL, *CANONICAL_QUANTITY]):
        orig = columns.get(canon)
        if orig is None:
            continue
        values, n_bad, first, example = numeric_report(frame[orig])
        if n_bad:
            line = first_data_line + int(first)
            if not np.isfinite(values).any():
                raise FormatError(f"column holds no numbers (first non-numeric cell {example!r})",
                                  path=path, line=line, column=orig,
                                  hint="check the delimiter and that this is the right column, or map "
                                       "another with read(..., columns={...})")
            non_numeric[orig] = {"cells": n_bad, "first_line": line, "example": example}
    if non_numeric:
        provenance["non_numeric"] = non_numeric
        provenance.setdefault("notes", []).append(
            "non-numeric cells in numeric columns were read as NaN (counted in non_numeric)")
    blank = frame.isna().all(axis=1).to_numpy()
    if blank.any():
        where = np.flatnonzero(blank)
        provenance["blank_rows"] = {"count": int(where.size),
                                    "lines": [first_data_line + int(i) for i in where[:20]]}
        frame = frame.loc[~blank]
    raw = source.raw
    if raw and not raw.endswith(b"\n") and len(frame):
        last = frame.iloc[-1]
        width = int(last.notna().sum())
        if len(frame) > 1 and width < int(frame.iloc[-2].notna().sum()):
            provenance["truncated_last_row"] = first_data_line + len(frame) - 1
            provenance.setdefault("notes", []).append(
                "the last line is cut short (no newline, fewer fields); its missing cells are NaN")
    provenance.setdefault("encoding", source.encoding)
    provenance.update({k: v for k, v in source.notes.items()})
    provenance["first_data_line"] = first_data_line
    provenance["line_endings"] = "CRLF" if b"\r\n" in raw[:SNIFF_CRLF_BYTES] else "LF"
    return Measurement(data=frame, header=header, header_lines=header_lines, instrument=instrument,
                       variant=variant, source=source.path, sha256=source.sha256, columns=columns,
                       conversions=conversions, provenance=provenance)


SNIFF_CRLF_BYTES = 65536
