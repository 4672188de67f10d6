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


def is_workbook(path_or_file) -> bool:
    """True for a path with a spreadsheet suffix (or a zip/OLE2 file named like one).

    Parameters
    ----------
    path_or_file : str, os.PathLike or file object

    Returns
    -------
    bool
    """
    if isinstance(path_or_file, (str, os.PathLike)):
        return os.fspath(path_or_file).lower().endswith(WORKBOOK_SUFFIXES)
    name = str(getattr(path_or_file, "name", ""))
    return name.lower().endswith(WORKBOOK_SUFFIXES)


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
