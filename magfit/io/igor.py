"""Igor Pro text files (``.itx``): ``IGOR``, ``WAVES name1 name2``, ``BEGIN``, rows, ``END``, then
``X`` command lines such as ``X SetScale d 0,0,"K", T_K`` (the data unit of a wave).

The first ``WAVES`` block is read as a table (wave names as column names, each with the data unit
its ``SetScale d`` line gives), through the table reader, so a wave is recognised by its name and unit
as in any table (``T_K``, ``chi_emu_mol``, ``temp`` with unit ``K``). Line numbers in messages are
the file's. Further ``WAVES`` blocks are not read; they are listed in ``provenance["igor_blocks_not_read"]``.
"""

from __future__ import annotations

import re

from ..errors import FormatError
from . import Source, register
from .names import split_name

__all__ = ["IgorTextReader"]

_WAVES = re.compile(r"^\s*WAVES(?:/\S*)?\s+(?P<names>.+?)\s*$")
#: X SetScale d <min>, <max>, "<unit>", <wave>   (several commands may share one X line)
_DATA_UNIT = re.compile(r"SetScale(?:/\S*)?\s+d\s+[^,]+,[^,]+,\s*\"(?P<unit>[^\"]*)\"\s*,"
                        r"\s*'?(?P<wave>[\w.]+)'?")


def _blocks(lines: list[str]) -> list[tuple[int, list[str], int, int]]:
    """(WAVES line index, wave names, first data line index, END line index) of every block."""
    out = []
    i = 0
    while i < len(lines):
        m = _WAVES.match(lines[i])
        if m and i + 1 < len(lines) and lines[i + 1].strip() == "BEGIN":
            names = [n.strip("'\"") for n in re.split(r"[\s,]+", m.group("names")) if n]
            end = next((k for k in range(i + 2, len(lines)) if lines[k].strip() == "END"), len(lines))
            out.append((i, names, i + 2, end))
            i = end
        i += 1
    return out


def _data_units(lines: list[str]) -> dict[str, str]:
    units: dict[str, str] = {}
    for line in lines:
        if line.lstrip().startswith("X "):
            for m in _DATA_UNIT.finditer(line):
                if m.group("unit").strip():
                    units.setdefault(m.group("wave"), m.group("unit").strip())
    return units


@register
class IgorTextReader:
    """Reader for Igor Pro text files (registered as ``"igor"``)."""

    name = "igor"

    def sniff(self, head_lines: list[str], filename: str) -> float:
        """0.95 when the first non-blank line is ``IGOR``."""
        for line in head_lines:
            if line.strip():
                return 0.95 if line.strip() == "IGOR" else 0.0
        return 0.0

    def read(self, source: Source, *, columns=None, units=None):
        """The first WAVES block as a table (see the module docstring)."""
        from .table import TableReader

        lines = source.decode().split("\n")
        blocks = _blocks(lines)
        if not blocks:
            raise FormatError("an Igor text file without a 'WAVES ...' line followed by 'BEGIN'",
                              path=source.name, line=1,
                              hint="save the waves again with Data > Save Waves > Save Igor Text, or as a "
                                   "delimited text file")
        waves_at, names, first, end = blocks[0]
        data_units = _data_units(lines)
        named = [f"{n} ({data_units[n]})" if n in data_units and split_name(n)[1] is None else n
                 for n in names]
        # the same lines as the file: names in place of BEGIN, rows without Igor's leading tab
        body = lines[first:end]
        if end == len(lines) and body and body[-1] == "":   # no END: the file's final newline ends a line
            body = body[:-1]
        table = [""] * (first - 1) + ["\t".join(named)] + [ln.strip() for ln in body]
        text = "\n".join(table) + "\n"
        notes = dict(source.notes)
        notes["igor_text"] = {"waves": names, "waves_line": waves_at + 1, "data_units": data_units}
        if len(blocks) > 1:
            notes["igor_blocks_not_read"] = [{"waves": b[1], "line": b[0] + 1, "rows": b[3] - b[2]}
                                             for b in blocks[1:]]
        table_source = Source(raw=text.encode("utf-8"), encoding="utf-8", path=source.path, name=source.name,
                              digest=source.digest, notes=notes)
        m = TableReader().read(table_source, columns=columns, units=units)
        m.header_lines = lines[:first - 1] + [ln for ln in lines[end:] if ln.strip()]
        n_after = len(lines) - end - (lines[-1] == "")      # END, X commands, further blocks
        if n_after > 0:
            dropped = m.provenance.setdefault("dropped_rows", {})
            dropped["Igor END line and what follows it (X commands, further WAVES blocks)"] = n_after
        return m
