"""Shared parsing helpers: the data section through pandas' C parser, column-name hygiene."""

from __future__ import annotations

import csv
import io
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
    next_k: dict[str, int] = {}  # per base name: the next suffix to try (no quadratic rescans)
    for i, raw_name in enumerate(names):
        name = raw_name.strip()
        new = name if name else f"Unnamed: {i}"
        base = name or "Unnamed"
        k = next_k.get(base, 2)
        while new in seen:
            new = f"{base} ({k})"
            k += 1
        next_k[base] = k
        if new != raw_name:
            changed[new] = raw_name
        seen.add(new)
        out.append(new)
    return out, changed


def count_lines(raw: bytes, start: int = 0, stop: int | None = None) -> int:
    """Number of newline characters in ``raw[start:stop]``."""
    return raw.count(b"\n", start, len(raw) if stop is None else stop)


def _max_fields(text: str, delimiter: str) -> tuple[int, int]:
    """Widest line of ``text`` in fields and its 0-based index, each line on its own (an open quote
    never joins lines)."""
    widest, where = 0, 0
    for i, line in enumerate(text.split("\n")):
        if delimiter == r"\s+":
            n = len(line.split())
        else:
            try:
                n = len(next(csv.reader([line], delimiter=delimiter)))
            except (StopIteration, csv.Error):  # e.g. a field over the csv field limit
                n = line.count(delimiter) + 1
        if n > widest:
            widest, where = n, i
    return widest, where


#: a row may be this much wider than the header (names) before the file counts as corrupted
#: (ragged exports add a few empty fields; a 10 MB line of commas is not a table row)
_MAX_EXTRA_FIELDS = 256
#: more columns than this is not a magnetometer export (MPMS3 writes 89, ACMS 57): a runaway
#: header or row (e.g. a megabyte of commas), refused before pandas builds a frame that wide
MAX_COLUMNS = 1000
_BLANK_LINE = re.compile(rb"(?m)^[ \t\r\f\v]*$")


class _TextStream(io.BytesIO):
    """A binary stream over a file's bytes that still knows them (for row accounting)."""

    def __init__(self, raw: bytes, start: int) -> None:
        super().__init__(raw)
        self.raw = raw
        self.seek(start)


def _count_lines(raw: bytes, start: int) -> int:
    """Lines in ``raw[start:]``: LF-terminated, plus an unterminated last one."""
    if start >= len(raw):
        return 0
    return raw.count(b"\n", start) + (not raw.endswith(b"\n"))


def _count_blank(raw: bytes, start: int) -> int:
    """Lines of ``raw[start:]`` holding only whitespace (pandas skips them)."""
    if start >= len(raw):
        return 0
    n = sum(1 for _ in _BLANK_LINE.finditer(raw, start))
    return n - raw.endswith(b"\n")  # the empty match after the final LF is not a line


def _open_quote(line: bytes, sep: str) -> bool:
    """True when a field of ``line`` opens a double quote that the line does not close.

    Simulates the C tokenizer's quote states (a quote opens a field only at its start; ``""``
    inside quotes is a literal quote): such a line would swallow the following lines.
    """
    delims = (b" ", b"\t") if sep == r"\s+" else (sep.encode(),)
    in_quotes = False
    i = line.find(b'"')
    while i >= 0:  # visits the quotes only: linear in the line, fast on a megabyte line
        if in_quotes:
            if line[i + 1:i + 2] == b'"':  # "" inside quotes: a literal quote
                i = line.find(b'"', i + 2)
                continue
            in_quotes = False
        elif i == 0 or line[i - 1:i] in delims:
            in_quotes = True
        i = line.find(b'"', i + 1)
    return in_quotes


def _repair_quotes(raw: bytes, start: int, sep: str, first_line: int) -> tuple[bytes, dict[str, Any]] | None:
    """The data section with the quotes removed from every line that opens one and never closes it.

    Returns (bytes of the section, provenance record), or None when no line needed it.
    """
    section = raw[start:]
    bad: list[tuple[int, int]] = []  # (start, end) of the lines to repair
    pos = section.find(b'"')
    while pos >= 0:  # linear: one visit per line that holds a quote
        a = section.rfind(b"\n", 0, pos) + 1
        b = section.find(b"\n", pos)
        b = len(section) if b < 0 else b
        if _open_quote(section[a:b], sep):
            bad.append((a, b))
        pos = section.find(b'"', b)
    if not bad:
        return None
    parts, pos = [], 0
    for a, b in bad:
        parts += [section[pos:a], section[a:b].replace(b'"', b"")]
        pos = b
    parts.append(section[pos:])
    lines = [first_line + section.count(b"\n", 0, a) for a, _ in bad[:20]]
    return b"".join(parts), {"count": len(bad), "lines": lines}


def _read_frame(stream, names: list[str], sep: str, enc: str) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ParserWarning)
        warnings.simplefilter("ignore", DtypeWarning)  # mixed columns are checked afterwards
        return pd.read_csv(
            stream, sep=sep, header=None, names=names, index_col=False, encoding=enc,
            engine="c", low_memory=True, skip_blank_lines=True, quotechar='"',
            skipinitialspace=False,
        )


def parse_data(stream, *, names: list[str], sep: str, encoding: str, path: str,
               first_line: int, text_for_fallback=None) -> tuple[pd.DataFrame, list[str], dict[str, Any]]:
    """Parse the data rows of a delimited section with pandas' C engine, accounting for every line.

    Parameters
    ----------
    stream : binary file object
        Positioned at the first data row (``_open_text`` streams also carry the file bytes, which
        lets every line of the section be accounted for).
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
        ``info`` records widened columns, ``data_lines`` (lines in the section),
        ``dropped_rows`` ({reason: count}: blank lines) and ``unbalanced_quotes`` (lines whose
        unclosed quote was removed so that it could not swallow the lines after it).
    """
    info: dict[str, Any] = {}
    start = stream.tell()
    raw = getattr(stream, "raw", None)
    enc = "utf-8" if encoding == "utf-8-sig" else encoding
    frame, wide = _parse_widening(stream, start, names, sep, enc, path, first_line, text_for_fallback, info)
    if raw is None:
        return frame, wide, info
    n_lines = _count_lines(raw, start)
    n_blank = 0 if frame is not None and len(frame) == n_lines else _count_blank(raw, start)
    if frame is None or len(frame) + n_blank != n_lines:  # an open quote swallowed lines
        repaired = _repair_quotes(raw, start, sep, first_line)
        if repaired is None:
            _lines_lost(path, first_line, n_lines, frame, n_blank)
        section, record = repaired
        info.pop("unnamed_extra_columns", None)
        frame, wide = _parse_widening(_TextStream(section, 0), 0, names, sep, enc, path, first_line,
                                      lambda: section.decode(enc, errors="replace"), info)
        n_blank = _count_blank(section, 0)
        if frame is None or len(frame) + n_blank != n_lines:
            _lines_lost(path, first_line, n_lines, frame, n_blank)
        info["unbalanced_quotes"] = record
        info.setdefault("notes", []).append(
            f"{record['count']} line(s) opened a double quote they never closed (first: line "
            f"{record['lines'][0]}); those quotes were removed so that no line swallows the ones after it")
    info["data_lines"] = n_lines
    if n_blank:
        info["dropped_rows"] = {"blank line": n_blank}
    return frame, wide, info


def _lines_lost(path: str, first_line: int, n_lines: int, frame, n_blank: int) -> None:
    rows = 0 if frame is None else len(frame)
    raise FormatError(f"the data section has {n_lines} lines but gave {rows} rows and {n_blank} blank "
                      "lines", path=path, line=first_line,
                      hint="some lines could not be split into rows; check the quoting and line endings "
                           "of the data section")


def _check_first_row(stream, start: int, sep: str, limit: int, n_names: int, path: str,
                     first_line: int) -> None:
    """Refuse a runaway first row before pandas sees it: pandas sizes the frame from the first row,
    and a 90,000-field first row took it minutes (a wide later row fails fast with "Expected")."""
    stream.seek(start)
    offset, line = 0, stream.readline()
    while line and not line.strip() and offset < 5:  # the first non-blank line
        offset, line = offset + 1, stream.readline()
    stream.seek(start)
    width = len(line.split()) if sep == r"\s+" else line.count(sep.encode()) + 1
    if line.strip() and width > limit:
        raise FormatError(f"a row has {width} fields but the header names {n_names} columns "
                          f"(at most {limit} are read)", path=path, line=first_line + offset,
                          hint="the file looks corrupted (a runaway line); repair or re-export it")


def _parse_widening(stream, start: int, names: list[str], sep: str, enc: str, path: str, first_line: int,
                    text_for_fallback, info: dict[str, Any]) -> tuple[pd.DataFrame | None, list[str]]:
    """pandas.read_csv, re-run with ``Unnamed: k`` columns while rows are wider than the header.

    Returns (None, names) when the tokenizer hit an open quote at the end of the data (the caller
    repairs the quotes when it can see the bytes).
    """
    names = list(names)
    if len(names) > MAX_COLUMNS:
        raise FormatError(f"the column-name line has {len(names)} fields (more than {MAX_COLUMNS})",
                          path=path, line=first_line - 1,
                          hint="the line naming the columns looks corrupted (a runaway line); repair or "
                               "re-export the file")
    limit = min(len(names) + _MAX_EXTRA_FIELDS, MAX_COLUMNS)
    _check_first_row(stream, start, sep, limit, len(names), path, first_line)
    for _attempt in range(_MAX_WIDEN + 1):
        stream.seek(start)
        try:
            return _read_frame(stream, names, sep, enc), names
        except EmptyDataError:
            return pd.DataFrame({n: pd.Series(dtype=float) for n in names}), names
        except (ParserError, ParserWarning) as exc:
            if "EOF inside string" in str(exc) and getattr(stream, "raw", None) is not None:
                return None, names
            match = _EXPECTED.search(str(exc))
            line = first_line + int(match.group(2)) - 1 if match else first_line
            if match:
                width = int(match.group(3))
            elif text_for_fallback is not None:
                width, index = _max_fields(text_for_fallback(), sep)
                line = first_line + index
            else:
                width = 0
            if width <= len(names):
                raise FormatError(f"data rows could not be split into columns ({exc})", path=path,
                                  line=line, hint="check the delimiter and quoting of this line") from None
            if width > limit:
                raise FormatError(f"a row has {width} fields but the header names {len(names)} columns "
                                  f"(at most {limit} are read)",
                                  path=path, line=line,
                                  hint="the file looks corrupted (a runaway line); repair or re-export "
                                       "it") from None
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


#: unambiguous (no "\d+\.?\d*"): a 10-MB run of digits must not backtrack quadratically
_FORTRAN_NUMBER = r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)[dD][-+]?\d+\s*$"


def fortran_exponents(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Text columns whose numbers carry Fortran ``D`` exponents (``1.234D-03``), as float columns.

    A column is converted only when every non-empty cell is a number once ``D`` reads as ``E``
    (a text column that merely contains such a token stays text). Returns the frame (a copy when
    a column changed) and the names of the columns converted.
    """
    converted: list[str] = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_numeric_dtype(series.dtype):   # text columns: object or pandas' str dtype
            continue
        text = series.dropna().astype(str)
        if text.empty or not text.str.contains("[dD]").any() or not text.str.match(_FORTRAN_NUMBER).any():
            continue
        values = pd.to_numeric(text.str.replace(r"(?<=\d|\.)[dD](?=[-+]?\d)", "e", regex=True),
                               errors="coerce")
        if values.isna().any():
            continue
        if not converted:
            frame = frame.copy()
        frame[name] = values.reindex(frame.index).astype(float)
        converted.append(str(name))
    return frame, converted


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
    "chi_sample_emu_Oe": "chi", "chi_sample_err_emu_Oe": "chi",
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
    from ._numbers import ungroup_point_decimal

    frame, grouped = ungroup_point_decimal(frame)
    if grouped:
        provenance["thousands_separators"] = grouped
        provenance.setdefault("notes", []).append(
            f"numbers with thousands separators ('10,000', '10 000') read in {len(grouped)} column(s): "
            f"{grouped}")
    frame, fortran = fortran_exponents(frame)
    if fortran:
        provenance["fortran_exponents"] = fortran
        provenance.setdefault("notes", []).append(
            f"Fortran D exponents (1.234D-03) read as numbers in {len(fortran)} column(s): {fortran}")
    non_numeric: dict[str, dict[str, Any]] = {}
    for canon in dict.fromkeys([*_NUMERIC_CANONICAL, *CANONICAL_QUANTITY]):
        orig = columns.get(canon)
        if orig is None:
            continue
        values, n_bad, first, example = numeric_report(frame[orig])
        if n_bad:
            line = first_data_line + int(first)
            optional = canon in _OPTIONAL_CANONICAL and canon not in (user_columns or {})
            if optional and not np.isfinite(values).any():
                del columns[canon]      # 'Time' holding '10:22:19': a clock time, not seconds; not needed
                conversions.pop(canon, None)
                provenance.setdefault("notes", []).append(
                    f"column {orig!r} holds no numbers (first cell {example!r}): not used as {canon}")
                continue
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
                                    "lines": [first_data_line + int(frame.index[i]) for i in where[:20]]}
        dropped = provenance.setdefault("dropped_rows", {})
        dropped["no value in any column"] = dropped.get("no value in any column", 0) + int(where.size)
        frame = frame.loc[~blank]
    raw = source.raw
    if raw and not raw.endswith(b"\n") and len(frame):
        last = frame.iloc[-1]
        width = int(last.notna().sum())
        if len(frame) > 1 and width < int(frame.iloc[-2].notna().sum()):
            provenance["truncated_last_row"] = first_data_line + len(frame) - 1
            provenance.setdefault("notes", []).append(
                "the last line is cut short (no newline, fewer fields); its missing cells are NaN")
    from ..sample import PLACEHOLDER_MASS_NOTE, placeholder_mass

    if placeholder_mass(header):   # Lake Shore 'Mass: 1.00000 g' nobody changed: flagged, never used
        provenance.setdefault("warnings", []).append(PLACEHOLDER_MASS_NOTE)
    provenance.setdefault("encoding", source.encoding)
    provenance.update({k: v for k, v in source.notes.items()})
    provenance["first_data_line"] = first_data_line
    provenance["line_endings"] = source.notes.get("line_endings") or (
        "CRLF" if b"\r\n" in raw[:SNIFF_CRLF_BYTES] else "LF")
    return Measurement(data=frame, header=header, header_lines=header_lines, instrument=instrument,
                       variant=variant, source=source.path, sha256=source.sha256, columns=columns,
                       conversions=conversions, provenance=provenance)


SNIFF_CRLF_BYTES = 65536
#: canonical columns no conversion needs: one holding no numbers is unmapped with a note, not an error
_OPTIONAL_CANONICAL = ("time_s",)
