"""Quantum Design files re-saved by a spreadsheet in a decimal-comma locale.

Opened in a German or French Excel/LibreOffice and saved as CSV, a MultiVu ``.dat`` file comes back
with ``;`` between fields, decimal commas (``300,01``; ``1,2E-05``) and every line padded with ``;``
to the widest row. Such a file is rewritten, line for line, into the comma-separated form MultiVu
writes (decimal commas in number cells become points; cells holding a comma are quoted), so the
Quantum Design reader and its line numbers apply unchanged. The conversion is noted in provenance.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace

__all__ = ["from_semicolons"]

_DATA = re.compile(rb"(?m)^[ \t]*\[Data\][^\n]*\n([^\n]*)")
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d*,\d+(?:[eE][-+]?\d+)?\s*$")


def from_semicolons(source):
    """``source`` unchanged, or, when its column-name line is ``;``-separated, the file rewritten with
    commas and decimal points (a new Source with ``notes["resaved_semicolons"]``)."""
    m = _DATA.search(source.raw)
    if m is None:
        return source
    names = m.group(1)
    if names.count(b";") <= max(names.count(b","), names.count(b"\t")):
        return source
    enc = "utf-8" if source.encoding == "utf-8-sig" else source.encoding
    lines = source.raw.decode(enc, errors="replace").split("\n")
    out, cells_changed = [], 0
    for line in lines:
        end = "\r" if line.endswith("\r") else ""
        try:
            fields = next(csv.reader([line[:len(line) - len(end)]], delimiter=";"), [])
        except csv.Error:            # e.g. an open quote over a very long line: split plainly
            fields = line[:len(line) - len(end)].split(";")
        fixed = [f.replace(",", ".") if _DECIMAL_COMMA.match(f) else f for f in fields]
        cells_changed += sum(a != b for a, b in zip(fields, fixed, strict=True))
        buf = io.StringIO()
        csv.writer(buf, delimiter=",", lineterminator="").writerow(fixed)
        out.append(buf.getvalue() + end)
    raw = "\n".join(out).encode(enc, errors="replace")
    notes = dict(source.notes)
    notes["resaved_semicolons"] = (f"re-saved by a spreadsheet with ';' separators: read as commas, "
                                   f"{cells_changed} decimal commas read as points")
    return replace(source, raw=raw, notes=notes)
