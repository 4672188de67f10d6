"""Spreadsheet workbooks (.xlsx, .xlsm, .xls, .ods) -> the table reader.

The sheet is read with :func:`pandas.read_excel` (engine ``calamine`` when python-calamine is
installed, else pandas' default: openpyxl for .xlsx, odfpy for .ods) with no header, and written
as tab-separated text, one spreadsheet row per line, so the table reader finds the names row,
an Origin-style units row and the data exactly as in a text export and reports spreadsheet row
numbers as line numbers. The first sheet holding a row of at least two numbers is used unless
``sheet=`` (name or 0-based index) is given; the SHA-256 is that of the workbook file.
"""

from __future__ import annotations

import hashlib
import math
import numbers
import os
from pathlib import Path
from typing import IO, Any

from ..errors import FormatError
from . import Source

__all__ = ["is_workbook", "load_workbook", "WORKBOOK_SUFFIXES"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")   # zip (xlsx, ods), OLE2 (xls)


def is_workbook(path_or_file, *, by_content: bool = False) -> bool:
    """True for a path with a spreadsheet suffix whose bytes are a workbook (zip or OLE2).

    A file named ``.xls`` that holds text (instrument and web software often write tab-separated
    text or an HTML table under that name) is not a workbook: the text readers take it.

    Parameters
    ----------
    path_or_file : str, os.PathLike or file object
    by_content : bool
        Instead: True for a regular file under any *other* name whose bytes are an .xlsx / .ods /
        .xls workbook (saved as "data.csv" by mistake).

    Returns
    -------
    bool
    """
    if isinstance(path_or_file, (str, os.PathLike)):
        suffix = os.fspath(path_or_file).lower().endswith(WORKBOOK_SUFFIXES)
        if by_content == suffix:
            return False
        head = _head(os.fspath(path_or_file))
        return head is None or _workbook_bytes(head) if suffix else _workbook_bytes(head or b"")
    if by_content:
        return False
    name = str(getattr(path_or_file, "name", ""))
    return name.lower().endswith(WORKBOOK_SUFFIXES)


def _head(path: str, n: int = 2048) -> bytes | None:
    """The first bytes of a regular file (None when it cannot be opened: the reader says why)."""
    try:
        if not os.path.isfile(path):
            return None
        with open(path, "rb") as fh:
            return fh.read(n)
    except OSError:
        return None


def _workbook_bytes(head: bytes) -> bool:
    """Zip (xlsx, ods) or OLE2 (xls) bytes of a spreadsheet; a zip of other files is not one."""
    if head.startswith(_MAGIC[1]):
        return True
    return head.startswith(_MAGIC[0]) and (b"xl/" in head or b"[Content_Types].xml" in head
                                           or b"opendocument.spreadsheet" in head or b"docProps" in head)


#: binary files people hand over instead of a text export: (magic bytes, what it is, how to fix)
_BINARY_KINDS = (
    (b"MATLAB 5.0 MAT-file", "a MATLAB .mat file",
     "export the variables as text in MATLAB, e.g. writetable(table(T, chi, 'VariableNames', "
     "{'T (K)', 'chi (emu/mol)'}), 'data.csv')"),
    (b"\x89HDF\r\n\x1a\n", "an HDF5 file (MATLAB v7.3 .mat, NeXus, ...)",
     "export the columns as a text table (CSV) with a header line naming them"),
    (b"CPYA", "an Origin project (.opj/.opju)",
     "in Origin export the worksheet: File > Export > ASCII (keeps the long-name and units rows)"),
    (b"PK\x03\x04", "a zip archive (not a spreadsheet)", "unpack it and read the data files inside"),
)


def binary_kind(raw: bytes) -> tuple[str, str] | None:
    """(what a binary file is, how to fix) for the binary formats people give by mistake, else None."""
    for magic, what, fix in _BINARY_KINDS:
        if raw.startswith(magic):
            return what, fix
    return None


def text_named_like_workbook(source, path_or_file) -> None:
    """A file named .xls/.xlsx whose bytes are text: noted (tab-separated text is read as a table);
    an HTML table (what many web and instrument programs save as "data.xls") is refused with the fix."""
    name = os.fspath(path_or_file) if isinstance(path_or_file, (str, os.PathLike)) else ""
    if not name.lower().endswith(WORKBOOK_SUFFIXES):
        return
    head = source.decode(0, 4096).lstrip().lower()
    if head.startswith(("<html", "<!doctype html", "<table", "<?xml")) or "<table" in head[:1000]:
        raise FormatError("an HTML / XML table saved under a spreadsheet name, not a workbook",
                          path=source.name,
                          hint="open it in Excel or LibreOffice and save it as .xlsx or as CSV")
    source.notes["text_under_workbook_name"] = "a text file named like a workbook (read as a text table)"


def _engine() -> str | None:
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return None
    return "calamine"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if math.isnan(float(value)):
            return ""
        return repr(float(value)) if isinstance(value, float) else str(value)
    return str(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _is_number(value: Any) -> bool:
    """A number cell, or a text cell holding one ('300', '1,5E-3': numbers stored as text)."""
    if isinstance(value, str):
        try:
            return math.isfinite(float(value.strip().replace(",", ".")))
        except ValueError:
            return False
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    return not math.isnan(float(value))


def _has_numbers(frame) -> bool:
    return any(sum(_is_number(v) for v in row) >= 2 for row in frame.itertuples(index=False))


def load_workbook(path_or_file: str | os.PathLike | IO, sheet: str | int | None = None,
                  name: str | None = None) -> Source:
    """One sheet of a workbook as a :class:`Source` of tab-separated text.

    Parameters
    ----------
    path_or_file : str, os.PathLike or binary file object
        The workbook.
    sheet : str or int, optional
        Sheet name or 0-based index; default the first sheet with data.
    name : str, optional
        Name for messages.

    Returns
    -------
    Source
        ``notes`` record the workbook and the sheet used.

    Raises
    ------
    FormatError
        Not a readable workbook, unknown sheet, or no sheet with numbers.
    """
    import pandas as pd

    if isinstance(path_or_file, (str, os.PathLike)):
        path: str | None = os.fspath(path_or_file)
        label = path
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise FormatError(f"cannot be read ({exc.strerror})", path=path) from None
    else:
        path, label = None, name or str(getattr(path_or_file, "name", "<stream>"))
        raw = path_or_file.read()
    import io

    try:
        sheets = pd.read_excel(io.BytesIO(raw), sheet_name=None, header=None, engine=_engine())
    except Exception as exc:  # noqa: BLE001 - readers raise many kinds of errors on bad files
        raise FormatError(f"not a readable spreadsheet ({type(exc).__name__}: {exc})", path=label,
                          hint="save it again as .xlsx/.ods, or export the sheet as CSV") from None
    names = list(sheets)
    if sheet is not None:
        key = names[sheet] if isinstance(sheet, int) and 0 <= sheet < len(names) else sheet
        if key not in sheets:
            raise FormatError(f"no sheet {sheet!r}", path=label, hint=f"sheets are {names}")
        chosen = key
    else:
        chosen = next((k for k in names if _has_numbers(sheets[k])), None)
        if chosen is None:
            raise FormatError("no sheet holds a row of numbers", path=label, hint=f"sheets are {names}")
    frame = sheets[chosen]
    text = "\n".join("\t".join(_cell(v) for v in row) for row in frame.itertuples(index=False)) + "\n"
    notes = {"workbook": os.path.basename(label), "sheet": str(chosen), "sheets": [str(n) for n in names]}
    return Source(raw=text.encode("utf-8"), encoding="utf-8", path=path, name=label,
                  digest=hashlib.sha256(raw).hexdigest(), notes=notes)
