"""CSV / TSV / whitespace tables and Lake Shore VSM CSV exports; columns matched by name and unit.

Column names are split into a quantity and a unit: ``Temp (K)``, ``Field [Oe]``, ``T_K``,
``chi_emu_mol``, ``chi (emu/mol)``, ``chi_m3_mol``, ``M (emu)``, ``Moment (m) [emu]``,
``M (muB/f.u.)``. Recognised quantities and the canonical name they map to:

=============  =====================================================  ============================
quantity       names (case-insensitive)                               units -> canonical
=============  =====================================================  ============================
temperature    T, Temp, Temperature, Sample Temp                      K, C -> temperature_K
field          H, B, Field, Magnetic Field, Applied Field, mu0H       Oe, kOe, T, mT, A/m -> field_Oe
moment         M, m, Moment, Moment (m), Magnetic Moment              emu, A m2 -> moment_emu;
                                                                      muB/f.u. -> moment_muB_fu;
                                                                      emu/g -> magnetization_emu_g
chi            chi, χ, X, Susceptibility, chi_mol                     emu/mol, cm3/mol, m3/mol ->
                                                                      chi_emu_mol; emu/g, m3/kg ->
                                                                      chi_emu_g
chi error      chi_err, dchi, sigma_chi, chi_std                      as chi -> chi_err_*
time           Time, Time Stamp                                       s, min, h -> time_s
=============  =====================================================  ============================

A column without a unit gets the default (K, Oe, emu, emu/mol, s). Explicit
``read(..., columns={...}, units={...})`` wins. Tables written by ``ChiT.to_frame()``
(``temperature_K, chi_emu_mol, chi_err_emu_mol, field_Oe`` or ``chi_m3_mol``) read back as is.
"""

from __future__ import annotations

import re

from ..errors import FormatError
from . import Source, _open_text, register
from ._parse import UNIT_TABLE, clean_names, count_lines, finish, norm_unit, parse_data, split_fields

__all__ = ["TableReader", "LakeShoreReader", "match_table_columns", "split_name"]

#: base names (lower case) -> quantity
BASES: dict[str, str] = {
    **{k: "temperature" for k in ("t", "temp", "temperature", "sample temp", "sample temperature",
                                  "t_sample", "tsample")},
    **{k: "field" for k in ("h", "b", "field", "magnetic field", "applied field", "mu0h", "\u03bc0h",
                            "h_applied", "h field")},
    **{k: "moment" for k in ("m", "moment", "moment (m)", "magnetic moment", "long moment", "dc moment",
                             "magnetization", "magnetisation")},
    **{k: "moment_err" for k in ("m_err", "moment_err", "moment err", "m err", "m. std. err.",
                                 "moment error", "dm")},
    **{k: "chi" for k in ("chi", "\u03c7", "x", "susceptibility", "chi_mol", "chi mol", "chi_m", "chim",
                          "\u03c7_mol", "chi_molar", "molar susceptibility")},
    **{k: "chi_err" for k in ("chi_err", "chi err", "dchi", "d chi", "sigma_chi", "chi_std", "chi std",
                              "chi_error", "chi error", "\u03b4\u03c7", "\u03c7_err", "err_chi")},
    **{k: "time" for k in ("time", "time stamp", "timestamp", "time_stamp", "elapsed time")},
}
_PAREN = re.compile(r"^(.*?)\s*[\(\[]\s*([^\(\)\[\]]*)\s*[\)\]]\s*$")
_NUMERIC_TOKEN = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eEdD][-+]?\d+)?$|^[-+]?(nan|inf)$", re.IGNORECASE)
_COMMENT = ("#", "%", "!", "//", ";")


def split_name(name: str) -> tuple[str, str | None, str]:
    """Split a column name into (base, unit, quantity); quantity "" when not recognised.

    ``"Temp (K)"`` -> ("temp", "K", "temperature"); ``"chi_m3_mol"`` -> ("chi", "m3/mol", "chi");
    ``"Moment (m) [emu]"`` -> ("moment (m)", "emu", "moment").
    """
    text = name.strip()
    m = _PAREN.match(text)
    if m and m.group(1).strip().lower() in BASES:
        base = m.group(1).strip().lower()
        return base, m.group(2).strip(), BASES[base]
    low = text.lower()
    if low in BASES:
        return low, None, BASES[low]
    parts = text.split("_")
    for i in range(len(parts) - 1, 0, -1):
        base = "_".join(parts[:i]).lower()
        if base in BASES:
            unit = "/".join(parts[i:])
            return base, unit, BASES[base]
    return low, None, ""


def match_table_columns(names: list[str], path: str | None = None
                        ) -> tuple[dict[str, str], dict[str, tuple[float, float, str]], list[str]]:
    """Canonical mapping of table columns by name and unit.

    Returns
    -------
    (columns, conversions, notes)
        canonical -> original, canonical -> (factor, offset, unit), and notes on columns that
        look like a known quantity but have a unit not understood (left unmapped).
    """
    columns: dict[str, str] = {}
    conversions: dict[str, tuple[float, float, str]] = {}
    notes: list[str] = []
    for name in names:
        _base, unit, quantity = split_name(name)
        if not quantity:
            continue
        key = norm_unit(unit or "")
        table = UNIT_TABLE[quantity]
        if key not in table:
            notes.append(f"column {name!r} looks like {quantity} but unit {unit!r} is unknown; not used")
            continue
        canon, factor, offset = table[key]
        if canon in columns:
            continue
        columns[canon] = name
        if factor != 1.0 or offset != 0.0:
            conversions[canon] = (factor, offset, unit or "")
    return columns, conversions, notes


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith(_COMMENT)


def _delimiter(line: str) -> str:
    for d in ("\t", ",", ";"):
        if d in line:
            return d
    return r"\s+"


def _fields(line: str, sep: str) -> list[str]:
    if sep == r"\s+":
        return line.split()
    out = split_fields(line, sep)
    while out and not out[-1].strip():
        out.pop()
    return out


def _numeric_line(line: str, sep: str) -> bool:
    f = [x.strip() for x in _fields(line, sep)]
    nums = sum(bool(_NUMERIC_TOKEN.match(x)) for x in f if x)
    return len(f) >= 2 and nums >= max(1, len([x for x in f if x]) // 2)


def _find_header(lines: list[str]) -> tuple[int, str] | None:
    """Index of the column-name line and the delimiter: a non-numeric line followed by numeric ones."""
    for i, line in enumerate(lines):
        if not line.strip() or _is_comment(line):
            continue
        sep = _delimiter(line)
        f = _fields(line, sep)
        if len(f) < 2 or _numeric_line(line, sep):
            continue
        nxt = [ln for ln in lines[i + 1:i + 4] if ln.strip() and not _is_comment(ln)]
        if nxt and _numeric_line(nxt[0], sep):
            return i, sep
    return None


def _header_from_comments(lines: list[str]) -> dict[str, str]:
    header: dict[str, str] = {}
    for line in lines:
        text = line.strip().lstrip("#%!;/").strip().rstrip(",\t ").strip()
        m = re.match(r"^([^:=]{1,60}?)\s*[:=]\s*(.*)$", text)
        if m and m.group(1).strip():
            key = m.group(1).strip()
            if key not in header:
                header[key] = m.group(2).strip()
    return header


def _split_ws_names(line: str, width: int) -> list[str]:
    """Whitespace tables: names may contain single spaces ("Temp (K)"); try 2+ spaces first."""
    two = [x for x in re.split(r"\s{2,}|\t", line.strip()) if x]
    if len(two) == width:
        return two
    return line.split()


def _byte_offset(raw: bytes, line_index: int) -> int:
    """Byte offset of the start of line ``line_index`` (0-based)."""
    pos = 0
    for _ in range(line_index):
        nxt = raw.find(b"\n", pos)
        if nxt < 0:
            return len(raw)
        pos = nxt + 1
    return pos


@register
class TableReader:
    """Generic delimited tables with a header line (registered as ``"table"``)."""

    name = "table"

    def sniff(self, head_lines: list[str], filename: str) -> float:
        """0.5 when a header line is followed by numeric rows and names a known quantity, 0.3 otherwise."""
        found = _find_header(head_lines)
        if found is None:
            return 0.0
        i, sep = found
        names = _fields(head_lines[i], sep)
        return 0.5 if any(split_name(n)[2] for n in names) else 0.3

    def read(self, source: Source, *, columns: dict[str, str] | None = None,
             units: dict[str, str] | None = None):
        """Parse a delimited table into a Measurement."""
        head = source.head_lines(n_lines=2000)
        found = _find_header(head)
        if found is None:
            raise FormatError("no header line naming the columns followed by numeric rows", path=source.name,
                              hint="add a first line such as 'T (K),chi (emu/mol)' or map columns "
                                   "explicitly")
        idx, sep = found
        header_lines = head[:idx]
        names_line = head[idx]
        data_start = _byte_offset(source.raw, idx + 1) + source.bom_len * (idx == 0)
        first_data_line = idx + 2
        data_rows = [ln for ln in head[idx + 1:idx + 4] if ln.strip() and not _is_comment(ln)]
        width = len(_fields(data_rows[0], sep)) if data_rows else 0
        names_raw = (_split_ws_names(names_line, width) if sep == r"\s+" else _fields(names_line, sep))
        names_raw = [n.strip().lstrip("#").strip() for n in names_raw]
        names, renamed = clean_names(names_raw)
        frame, names, info = parse_data(
            _open_text(source, data_start), names=names, sep=sep, encoding=source.encoding,
            path=source.name, first_line=first_data_line,
            text_for_fallback=lambda: source.decode(data_start))
        if len(frame) == 0:
            raise FormatError("no data rows after the column names", path=source.name, line=first_data_line)
        mapping, conversions, notes = match_table_columns(names, source.name)
        provenance = {"reader": self.name, "encoding": source.encoding,
                      "delimiter": {"\t": "tab", ",": "comma", ";": "semicolon"}.get(sep, "whitespace"),
                      "column_names_line": idx + 1, **info}
        if renamed:
            provenance["renamed_columns"] = renamed
        if notes:
            provenance["notes"] = notes
        header = _header_from_comments(header_lines)
        variant = "chi table" if ({"chi_emu_mol", "chi_emu_g"} & set(mapping) or
                                  {"chi_emu_mol", "chi_emu_g"} & set(columns or {})) else "moment table"
        has_mh = {"field_Oe"} <= set(mapping) and ({"moment_emu", "moment_muB_fu",
                                                     "magnetization_emu_g"} & set(mapping))
        return finish(source, frame, header=header, header_lines=header_lines, instrument="table",
                      variant=variant, columns=mapping, conversions=conversions, provenance=provenance,
                      first_data_line=first_data_line, user_columns=columns, user_units=units,
                      require_temperature=not has_mh)


@register
class LakeShoreReader:
    """Lake Shore VSM (8600 series) CSV exports with ``#SECTION`` headers (registered as ``"lakeshore"``)."""

    name = "lakeshore"

    def sniff(self, head_lines: list[str], filename: str) -> float:
        """0.95 for a ``##DATA TABLE`` or ``#RUN ON SOFTWARE VERSION`` line."""
        for line in head_lines:
            s = line.strip()
            if s.startswith("##DATA TABLE") or s.startswith("#RUN ON SOFTWARE VERSION"):
                return 0.95
        return 0.0

    def read(self, source: Source, *, columns: dict[str, str] | None = None,
             units: dict[str, str] | None = None):
        """Parse a Lake Shore CSV export into a Measurement."""
        raw = source.raw
        m = re.search(rb"(?m)^##DATA TABLE[^\n]*\n", raw)
        if m is None:
            m = re.search(rb"(?m)^#DATA[^\n]*\n", raw)
        if m is None:
            raise FormatError("no '##DATA TABLE' line", path=source.name, line=count_lines(raw) + 1,
                              hint="the export looks truncated; re-export from the Lake Shore software")
        names_start = m.end()
        names_end = raw.find(b"\n", names_start)
        if names_end < 0:
            raise FormatError("truncated after the data-table line: no column names", path=source.name,
                              line=count_lines(raw, 0, names_start) + 1)
        header_lines = source.decode(0, names_start).splitlines()
        header: dict[str, str] = {}
        pending = None
        for line in header_lines:
            text = line.strip().rstrip(",").strip()
            if text.startswith("#"):
                title = text.lstrip("#").strip()
                if title.endswith(":"):
                    pending = title[:-1].strip()  # value on the next line ("#RUN ON SOFTWARE VERSION:")
                elif ":" in title:
                    k, v = title.split(":", 1)
                    header.setdefault(k.strip(), v.strip())
                continue
            if pending is not None:
                header.setdefault(pending, text)
                pending = None
                continue
            if ":" in text:
                k, v = text.split(":", 1)
                header.setdefault(k.strip(), v.strip())
        names_text = source.decode(names_start, names_end).rstrip("\r\n")
        names, renamed = clean_names([n for n in _fields(names_text, ",")])
        first_data_line = count_lines(raw, 0, names_end) + 2
        frame, names, info = parse_data(_open_text(source, names_end + 1), names=names, sep=",",
                                        encoding=source.encoding, path=source.name,
                                        first_line=first_data_line,
                                        text_for_fallback=lambda: source.decode(names_end + 1))
        if len(frame) == 0:
            raise FormatError("no data rows after the column names", path=source.name, line=first_data_line)
        mapping, conversions, notes = match_table_columns(names, source.name)
        provenance = {"reader": self.name, "encoding": source.encoding, "delimiter": "comma",
                      "column_names_line": first_data_line - 1, **info}
        if renamed:
            provenance["renamed_columns"] = renamed
        if notes:
            provenance["notes"] = notes
        return finish(source, frame, header=header, header_lines=header_lines, instrument="Lake Shore VSM",
                      variant="VSM", columns=mapping, conversions=conversions, provenance=provenance,
                      first_data_line=first_data_line, user_columns=columns, user_units=units,
                      require_temperature=False)
